import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nnfs_helpers import plotting  # noqa: E402

X = np.array([[0.0, 0.0], [1.0, 1.0], [-1.0, 0.5], [0.5, -1.0]])
Y = np.array([0, 1, 2, 1])


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_palette_is_the_okabe_ito_colour_blind_safe_set():
    assert plotting.COLOURS[:3] == ["#0072B2", "#E69F00", "#009E73"]
    assert plt.rcParams["axes.prop_cycle"].by_key()["color"][0] == "#0072B2"


def test_every_plot_is_labelled():
    ax = plotting.plot_spiral(X, Y)
    assert ax.get_title() and ax.get_xlabel() and ax.get_legend() is not None
    ax = plotting.plot_decision_boundary(lambda p: (p[:, 0] > 0).astype(int), X, Y)
    assert ax.get_title() == "Decision boundary"
    ax = plotting.plot_function({"relu": lambda x: np.maximum(0, x)})
    assert ax.get_legend().get_texts()[0].get_text() == "relu"
    ax = plotting.plot_probabilities([0.7, 0.1, 0.2])
    assert [t.get_text() for t in ax.texts] == ["0.700", "0.100", "0.200"]
    ax = plotting.draw_neuron([1, 2, 3], [0.2, 0.8, -0.5], 2)
    assert any(t.get_text() == "2.3" for t in ax.texts)  # the neuron's output, computed
    history = {"epoch": [0, 1], "loss": [1.0, 0.5], "accuracy": [0.3, 0.6], "learning_rate": [1, 1]}
    loss_ax, acc_ax = plotting.plot_curves(history)
    assert loss_ax.get_ylabel() == "loss" and acc_ax.get_ylabel() == "accuracy"
    ax = plotting.plot_runs({"a": history, "b": history}, metric="accuracy")
    assert len(ax.get_lines()) == 2
    ax = plotting.plot_lr_schedule({"decay": [1.0, 0.5, 0.33]})
    assert ax.get_xlabel() == "step"
    ax = plotting.plot_contour_paths(lambda x, y: x ** 2 + y ** 2, {"gd": [[1, 1], [0, 0]]})
    assert ax.get_legend() is not None


@pytest.mark.parametrize("call, error, phrase", [
    (lambda: plotting.plot_spiral([[1, 2, 3]], [0]), ValueError, "shape (n_samples, 2)"),
    (lambda: plotting.plot_spiral("abc", [0]), TypeError, "array of numbers"),
    (lambda: plotting.plot_spiral(X, Y[:2]), ValueError, "one class index per sample"),
    (lambda: plotting.plot_spiral(X, Y + 0.5), TypeError, "whole-number"),
    (lambda: plotting.plot_spiral(X, -Y), ValueError, ">= 0"),
    (lambda: plotting.plot_spiral([[np.nan, 0]], [0]), ValueError, "NaN"),
    (lambda: plotting.plot_spiral(X, Y, ax="ax"), TypeError, "matplotlib Axes"),
    (lambda: plotting.plot_function(42), TypeError, "function"),
    (lambda: plotting.plot_function(np.sin, x_range=(1, 0)), ValueError, "low < high"),
    (lambda: plotting.plot_probabilities([0.5, 2.0]), ValueError, "[0, 1]"),
    (lambda: plotting.plot_probabilities([0.5, 0.5], labels=["a"]), ValueError, "one label per"),
    (lambda: plotting.draw_neuron([1, 2], [1], 0), ValueError, "equally long"),
    (lambda: plotting.draw_neuron([1], [1], "b"), TypeError, "bias must be a number"),
    (lambda: plotting.plot_curves([1, 2]), TypeError, "'loss' and 'accuracy'"),
    (lambda: plotting.plot_runs({}), TypeError, "non-empty dict"),
    (lambda: plotting.plot_runs({"a": {"loss": [1], "accuracy": [1]}}, metric="f1"), ValueError, "metric"),
    (lambda: plotting.plot_lr_schedule({"a": []}), ValueError, "1-D sequence"),
    (lambda: plotting.plot_decision_boundary(None, X, Y), TypeError, "predict must be a function"),
    (lambda: plotting.plot_decision_boundary(lambda p: p[:3, 0], X, Y), ValueError, "one class"),
    (lambda: plotting.plot_contour_paths(lambda x, y: x, {"p": [1, 2, 3]}), ValueError, "shape (steps, 2)"),
])
def test_bad_input_gets_a_clear_error(call, error, phrase):
    with pytest.raises(error) as info:
        call()
    assert phrase in str(info.value)


# --- Notebook 02: plot_layer_product ---------------------------------------------------------

BATCH = np.array([[1.0, 2.0, 3.0, 2.5], [2.0, 5.0, -1.0, 2.0], [-1.5, 2.7, 3.3, -0.8]])
WEIGHTS_T = np.array([[0.2, 0.8, -0.5, 1.0], [0.5, -0.91, 0.26, -0.5], [-0.26, -0.27, 0.17, 0.87]]).T
BIASES = np.array([2.0, 3.0, 0.5])
OUTPUTS = BATCH @ WEIGHTS_T + BIASES


def test_plot_layer_product_draws_every_entry_and_outlines_the_chosen_pair():
    ax = plotting.plot_layer_product(BATCH, WEIGHTS_T, BIASES, OUTPUTS, sample=1, neuron=2)
    texts = [t.get_text() for t in ax.texts]
    n_entries = BATCH.size + WEIGHTS_T.size + BIASES.size + OUTPUTS.size
    assert sum(t not in {"@", "+", "="} and "\n" not in t for t in texts) == n_entries
    assert f"{OUTPUTS[1, 2]:.3g}" in texts and {"@", "+", "="} <= set(texts)
    outlines = [p for p in ax.patches if not p.get_fill()]
    assert len(outlines) == 4
    # The outlined output square is row 1, column 2 of the output matrix.
    output_left = BATCH.shape[1] + 1.5 + WEIGHTS_T.shape[1] + 1.5 + BIASES.size + 1.5
    assert outlines[-1].get_xy() == (output_left + 2, -2)
    assert "sample 1 through neuron 2" in ax.get_title()


def test_plot_layer_product_takes_biases_as_a_row_and_an_axes():
    fig, ax = plt.subplots()
    assert plotting.plot_layer_product(BATCH, WEIGHTS_T, BIASES[None, :], OUTPUTS, ax=ax) is ax
    non_square = np.ones((4, 2))
    ax = plotting.plot_layer_product(non_square, np.ones((2, 3)), np.zeros(3), np.full((4, 3), 2.0))
    assert "(4, 2) @ (2, 3) + (3,) → (4, 3)" in ax.get_title()


@pytest.mark.parametrize("call, error, phrase", [
    (lambda: plotting.plot_layer_product(BATCH, WEIGHTS_T.T, BIASES, OUTPUTS), ValueError, "one column per neuron"),
    (lambda: plotting.plot_layer_product(BATCH, WEIGHTS_T, BIASES[:2], OUTPUTS), ValueError, "one bias per neuron"),
    (lambda: plotting.plot_layer_product(BATCH, WEIGHTS_T, BIASES, OUTPUTS.T[:2]), ValueError, "(n_samples, n_neurons)"),
    (lambda: plotting.plot_layer_product(BATCH[0], WEIGHTS_T, BIASES, OUTPUTS), ValueError, "2-D"),
    (lambda: plotting.plot_layer_product("abc", WEIGHTS_T, BIASES, OUTPUTS), TypeError, "array of numbers"),
    (lambda: plotting.plot_layer_product(BATCH, WEIGHTS_T, BIASES, OUTPUTS, sample=3), ValueError, "0 to 2"),
    (lambda: plotting.plot_layer_product(BATCH, WEIGHTS_T, BIASES, OUTPUTS, neuron=1.0), ValueError, "whole number"),
    (lambda: plotting.plot_layer_product(BATCH * np.nan, WEIGHTS_T, BIASES, OUTPUTS), ValueError, "NaN"),
    (lambda: plotting.plot_layer_product(BATCH, WEIGHTS_T, BIASES, OUTPUTS, ax="ax"), TypeError, "matplotlib Axes"),
])
def test_plot_layer_product_bad_input_gets_a_clear_error(call, error, phrase):
    with pytest.raises(error) as info:
        call()
    assert phrase in str(info.value)

# --- notebooks 06 and 07: draw_neuron_backward --------------------------------------------

def test_draw_neuron_backward_writes_forward_values_above_and_gradients_below():
    ax = plotting.draw_neuron_backward([1.0, -2.0, 3.0], [-3.0, -1.0, 2.0], 1.0)
    texts = {t.get_text(): t for t in ax.texts}
    assert ax.get_title()
    assert "x0 = 1" in texts and "w1 = -1" in texts and "z = 6" in texts and "out = 6" in texts
    forward, gradient = plotting.COLOURS[2], plotting.COLOURS[5]
    # dx0 = w0 = -3 and dw2 = x2 = 3: the gradients of the multiplications swap the factors.
    gradients = [t for t in ax.texts if t.get_color() == gradient and not t.get_text().startswith("below")]
    assert sorted(t.get_text() for t in gradients) == sorted(["-3", "1", "-1", "-2", "2", "3"] + ["1"] * 6)
    x0_value = texts["x0 = 1"]
    below = [t for t in gradients if t.get_position()[0] == x0_value.get_position()[0]
             and t.get_position()[1] < x0_value.get_position()[1]]
    nearest = max(below, key=lambda t: t.get_position()[1])  # the label right under x0's value
    assert nearest.get_text() == "-3" and x0_value.get_color() == forward


def test_draw_neuron_backward_blocks_every_gradient_when_the_relu_is_off():
    ax = plotting.draw_neuron_backward([1.0, 1.0], [-1.0, -1.0], -1.0, doutput=2.0)
    gradients = [t.get_text() for t in ax.texts
                 if t.get_color() == plotting.COLOURS[5] and not t.get_text().startswith("below")]
    assert gradients.count("2") == 1 and set(gradients) == {"0", "2"}  # only the output edge carries one


@pytest.mark.parametrize("call, error, words", [
    (lambda: plotting.draw_neuron_backward([1, 2], [1], 0), ValueError, "equally long"),
    (lambda: plotting.draw_neuron_backward([1], [1], "b"), TypeError, "bias must be a number"),
    (lambda: plotting.draw_neuron_backward([1], [1], 0, doutput=None), TypeError, "doutput must be a number"),
    (lambda: plotting.draw_neuron_backward([1], [1], 0, ax="axes"), TypeError, "Axes"),
])
def test_draw_neuron_backward_rejects_bad_input_clearly(call, error, words):
    with pytest.raises(error, match=words):
        call()

def test_validation_curves_show_training_and_validation_of_every_run():
    history = {"epoch": [0, 1, 2], "loss": [1.0, 0.8, 0.7], "accuracy": [0.3, 0.5, 0.6],
               "data_loss": [0.9, 0.7, 0.6], "validation_epoch": [0, 2],
               "validation_loss": [1.0, 0.9], "validation_accuracy": [0.3, 0.5]}
    loss_ax, acc_ax = plotting.plot_validation_curves({"a": history, "b": history}, title="t")
    assert loss_ax.get_ylabel() == "data loss" and acc_ax.get_ylabel() == "accuracy"
    labels = [t.get_text() for t in loss_ax.get_legend().get_texts()]
    assert labels == ["a: training", "a: validation", "b: training", "b: validation"]
    assert list(loss_ax.lines[0].get_ydata()) == [0.9, 0.7, 0.6]  # the data loss, not the total
    with pytest.raises(ValueError, match="validation_data"):
        plotting.plot_validation_curves({"a": {"loss": [1.0], "accuracy": [0.5]}})
    with pytest.raises(TypeError, match="non-empty dict"):
        plotting.plot_validation_curves([])

# --- notebooks 15-16 -------------------------------------------------------------------------

def test_probability_map_is_labelled_and_draws_the_half_contour():
    ax = plotting.plot_probability_map(lambda p: 1 / (1 + np.exp(-p[:, :1])), X, [0, 1, 0, 1], resolution=20)
    assert ax.get_title() == "Probability of class 1"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "probability 0.5" in labels and "class 1" in labels
    ax = plotting.plot_probability_map(lambda p: np.full(len(p), 0.3), X, np.array([[0], [1], [0], [1]]),
                                       resolution=10)  # a column of labels and flat probabilities
    assert ax.get_xlabel()


@pytest.mark.parametrize("call, error, phrase", [
    (lambda: plotting.plot_probability_map(None, X, [0, 1, 0, 1]), TypeError, "predict_proba must be a function"),
    (lambda: plotting.plot_probability_map(lambda p: p, X, [0, 1, 0, 1]), ValueError, "one probability per point"),
    (lambda: plotting.plot_probability_map(lambda p: p[:, 0] * 5, X, [0, 1, 0, 1]), ValueError, "between 0 and 1"),
    (lambda: plotting.plot_probability_map(lambda p: p[:, 0], X, [0, 1]), ValueError, "one class index per sample"),
    (lambda: plotting.plot_probability_map(lambda p: p[:, 0], X, [0, 1, 0, 1], resolution=1), ValueError,
     "resolution"),
    (lambda: plotting.TrainingProgress(0), ValueError, "positive integer"),
    (lambda: plotting.TrainingProgress(True), ValueError, "positive integer"),
])
def test_new_helpers_reject_bad_input_clearly(call, error, phrase):
    with pytest.raises(error) as info:
        call()
    assert phrase in str(info.value)


def test_training_progress_is_silent_outside_a_notebook(capsys):
    progress = plotting.TrainingProgress(10)
    for epoch in range(10):
        progress.update(epoch)
    progress.close()
    assert capsys.readouterr().out == ""


def test_a_progress_bar_records_a_friendly_text_form():
    bar = plotting.progress_bar(10001)
    text = repr(bar)
    assert "IntProgress" not in text and "10,001 epochs" in text and "Training progress" in text
    bundle = bar._repr_mimebundle_() if hasattr(bar, "_repr_mimebundle_") else {"text/plain": text}
    assert "IntProgress" not in str(bundle.get("text/plain", text))
