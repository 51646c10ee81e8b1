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
