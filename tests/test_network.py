"""The taught network code: forward passes by hand, stability, gradients, optimisers."""

import numpy as np
import pytest

from nnfs_helpers import reproducible
from nnfs_helpers.network import (
    Activation_ReLU, Activation_Softmax, Activation_Softmax_Loss_CategoricalCrossentropy,
    Layer_Dense, Loss_CategoricalCrossentropy, Optimizer_Adagrad, Optimizer_Adam,
    Optimizer_RMSprop, Optimizer_SGD, accuracy, gradient_check, numerical_gradient, relative_error,
)


@pytest.fixture(autouse=True)
def float64_numpy():
    reproducible.restore_numpy()
    yield
    reproducible.restore_numpy()


def dense(weights, biases):
    layer = Layer_Dense(len(weights), len(weights[0]))
    layer.weights = np.array(weights, dtype=np.float64)
    layer.biases = np.array([biases], dtype=np.float64)
    return layer


# --- forward passes against values computed by hand --------------------------------------

def test_layer_dense_forward_by_hand():
    layer = dense([[0.2, 0.5], [0.8, -0.91], [-0.5, 0.26]], [2.0, 3.0])
    layer.forward(np.array([[1.0, 2.0, 3.0]]))
    # 1*0.2 + 2*0.8 + 3*(-0.5) + 2 = 2.3 ;  1*0.5 + 2*(-0.91) + 3*0.26 + 3 = 2.46
    np.testing.assert_allclose(layer.output, [[2.3, 2.46]])


def test_layer_dense_initialisation_shapes():
    layer = Layer_Dense(2, 5)
    assert layer.weights.shape == (2, 5) and layer.biases.shape == (1, 5)
    assert np.all(layer.biases == 0) and np.abs(layer.weights).max() < 0.1


def test_relu_forward():
    relu = Activation_ReLU()
    relu.forward(np.array([[0.0, 2.0, -1.0, 3.3, -2.7, 1.1, 2.2, -100.0]]))
    np.testing.assert_array_equal(relu.output, [[0, 2, 0, 3.3, 0, 1.1, 2.2, 0]])


def test_softmax_forward_by_hand():
    softmax = Activation_Softmax()
    softmax.forward(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]))
    e = np.exp([1.0, 2.0, 3.0])
    np.testing.assert_allclose(softmax.output, [e / e.sum(), [1 / 3] * 3])


def test_cross_entropy_by_hand_both_label_formats():
    y_pred = np.array([[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]])
    loss = Loss_CategoricalCrossentropy()
    expected = -np.log([0.7, 0.5, 0.9])
    np.testing.assert_allclose(loss.forward(y_pred, np.array([0, 1, 1])), expected)
    np.testing.assert_allclose(loss.forward(y_pred, np.eye(3)[[0, 1, 1]]), expected)
    assert loss.calculate(y_pred, np.array([0, 1, 1])) == pytest.approx(expected.mean())


def test_accuracy_both_label_formats():
    y_pred = np.array([[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]])
    assert accuracy(y_pred, np.array([0, 1, 2])) == pytest.approx(2 / 3)
    assert accuracy(y_pred, np.eye(3)[[0, 1, 2]]) == pytest.approx(2 / 3)


# --- numerical stability --------------------------------------------------------------------

@pytest.mark.parametrize("scale", [1e3, 1e6, 1e30, 1e300])
def test_softmax_is_finite_and_correct_for_huge_logits(scale):
    softmax = Activation_Softmax()
    logits = np.array([[1.0, 2.0, 3.0], [-1.0, -2.0, -3.0]]) * scale
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        softmax.forward(logits)
    assert np.isfinite(softmax.output).all()
    np.testing.assert_allclose(softmax.output.sum(axis=1), 1)
    np.testing.assert_allclose(softmax.output[0], [0, 0, 1], atol=1e-12)
    np.testing.assert_allclose(softmax.output[1], [1, 0, 0], atol=1e-12)


def test_softmax_rows_with_very_different_scales():
    softmax = Activation_Softmax()
    softmax.forward(np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1001.0, -1002.0]]))
    small = np.exp([0.0, 1.0, 2.0]) / np.exp([0.0, 1.0, 2.0]).sum()
    np.testing.assert_allclose(softmax.output, [small, small[::-1]])


def test_cross_entropy_is_finite_for_zero_and_one_probabilities():
    loss = Loss_CategoricalCrossentropy()
    y_pred = np.array([[0.0, 0.1, 0.9], [1.0, 0.0, 0.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        losses = loss.forward(y_pred, np.array([0, 0]))
        loss.backward(y_pred, np.array([0, 0]))
    assert np.isfinite(losses).all() and np.isfinite(loss.dinputs).all()
    assert losses[0] == pytest.approx(-np.log(1e-7))
    assert losses[1] == pytest.approx(-np.log(1 - 1e-7))


def test_combined_loss_is_finite_for_huge_logits():
    combined = Activation_Softmax_Loss_CategoricalCrossentropy()
    logits = np.array([[1e6, 0.0, -1e6], [0.0, 1e6, 0.0]])
    value = combined.forward(logits, np.array([2, 1]))
    combined.backward(combined.output, np.array([2, 1]))
    assert np.isfinite(value) and np.isfinite(combined.dinputs).all()


# --- gradients --------------------------------------------------------------------------------

RNG = np.random.default_rng(42)
PROBS = RNG.random((6, 4)) + 0.05
PROBS /= PROBS.sum(axis=1, keepdims=True)
LABELS = np.array([0, 1, 2, 3, 1, 0])


@pytest.mark.parametrize("component, inputs, y_true", [
    (Layer_Dense(5, 4), RNG.standard_normal((6, 5)), None),
    (Activation_ReLU(), RNG.standard_normal((6, 5)) + 0.01, None),
    (Activation_Softmax(), RNG.standard_normal((6, 4)), None),
    (Loss_CategoricalCrossentropy(), PROBS, LABELS),
    (Loss_CategoricalCrossentropy(), PROBS, np.eye(4)[LABELS]),
    (Activation_Softmax_Loss_CategoricalCrossentropy(), RNG.standard_normal((6, 4)), LABELS),
    (Activation_Softmax_Loss_CategoricalCrossentropy(), RNG.standard_normal((6, 4)), np.eye(4)[LABELS]),
], ids=["dense", "relu", "softmax", "cce-indices", "cce-onehot", "combined-indices", "combined-onehot"])
def test_every_gradient_matches_central_differences(component, inputs, y_true, capsys):
    if isinstance(component, Layer_Dense):
        component.weights = RNG.standard_normal(component.weights.shape)
        component.biases = RNG.standard_normal(component.biases.shape)
    errors = gradient_check(component, inputs, y_true)
    assert errors and all(error < 1e-6 for error in errors.values()), errors
    assert "WRONG" not in capsys.readouterr().out


def test_gradient_check_names_a_planted_wrong_gradient(capsys):
    class BuggyDense(Layer_Dense):
        def backward(self, dvalues):
            super().backward(dvalues)
            self.dbiases = np.mean(dvalues, axis=0, keepdims=True)  # should be the sum

    layer = BuggyDense(3, 2)
    errors = gradient_check(layer, RNG.standard_normal((4, 3)))
    assert errors["biases"] > 1e-2
    assert errors["weights"] < 1e-6 and errors["inputs"] < 1e-6
    assert "BuggyDense.dbiases: relative error" in capsys.readouterr().out.split("(WRONG)")[0]


def test_gradient_check_refuses_float32():
    reproducible.setup()
    with pytest.raises(TypeError, match="float64"):
        gradient_check(Layer_Dense(3, 2), np.ones((2, 3)))


def test_numerical_gradient_and_relative_error():
    x = np.array([1.0, -2.0, 3.0])
    grad = numerical_gradient(lambda: np.sum(x ** 3), x)
    np.testing.assert_allclose(grad, 3 * x ** 2, rtol=1e-6)
    np.testing.assert_array_equal(x, [1.0, -2.0, 3.0])  # put back
    assert relative_error(np.zeros(3), np.zeros(3)) == 0
    assert relative_error(np.ones(3), -np.ones(3)) == pytest.approx(1.0)


def test_separate_softmax_and_cross_entropy_agree_with_combined():
    logits = RNG.standard_normal((5, 3))
    y = np.array([0, 2, 1, 1, 0])
    softmax, loss = Activation_Softmax(), Loss_CategoricalCrossentropy()
    softmax.forward(logits)
    loss.backward(softmax.output, y)
    softmax.backward(loss.dinputs)
    combined = Activation_Softmax_Loss_CategoricalCrossentropy()
    combined.forward(logits, y)
    combined.backward(combined.output, y)
    np.testing.assert_allclose(combined.dinputs, softmax.dinputs, rtol=1e-7, atol=1e-12)


# --- optimisers: one step computed by hand ----------------------------------------------------

def layer_with_gradient():
    layer = dense([[1.0, -2.0]], [0.5, 0.0])
    layer.dweights = np.array([[0.5, -1.0]])
    layer.dbiases = np.array([[2.0, 0.0]])
    return layer


def step(optimizer, layer):
    optimizer.pre_update_params()
    optimizer.update_params(layer)
    optimizer.post_update_params()


def test_sgd_step_by_hand():
    layer = layer_with_gradient()
    step(Optimizer_SGD(learning_rate=0.1), layer)
    np.testing.assert_allclose(layer.weights, [[1.0 - 0.05, -2.0 + 0.1]])
    np.testing.assert_allclose(layer.biases, [[0.5 - 0.2, 0.0]])


def test_sgd_decay_schedule():
    optimizer = Optimizer_SGD(learning_rate=1.0, decay=0.1)
    layer = layer_with_gradient()
    rates = []
    for _ in range(3):
        step(optimizer, layer)
        rates.append(optimizer.current_learning_rate)
    np.testing.assert_allclose(rates, [1.0, 1 / 1.1, 1 / 1.2])


def test_sgd_momentum_two_steps_by_hand():
    layer = layer_with_gradient()
    optimizer = Optimizer_SGD(learning_rate=0.1, momentum=0.9)
    step(optimizer, layer)
    step(optimizer, layer)  # same gradient: second update = 0.9 * (-0.05) - 0.05
    np.testing.assert_allclose(layer.weights[0, 0], 1.0 - 0.05 + (0.9 * -0.05 - 0.05))
    np.testing.assert_allclose(layer.weight_momentums[0, 0], 0.9 * -0.05 - 0.05)


def test_adagrad_step_by_hand():
    layer = layer_with_gradient()
    step(Optimizer_Adagrad(learning_rate=0.1, epsilon=1e-7), layer)
    # cache = g^2, step = lr * g / (|g| + eps) ~= lr * sign(g)
    np.testing.assert_allclose(layer.weights, [[1.0 - 0.1 * 0.5 / (0.5 + 1e-7), -2.0 + 0.1 * 1.0 / (1.0 + 1e-7)]])
    np.testing.assert_allclose(layer.biases[0, 1], 0.0)


def test_rmsprop_step_by_hand():
    layer = layer_with_gradient()
    step(Optimizer_RMSprop(learning_rate=0.01, rho=0.9), layer)
    cache = 0.1 * 0.25
    np.testing.assert_allclose(layer.weight_cache[0, 0], cache)
    np.testing.assert_allclose(layer.weights[0, 0], 1.0 - 0.01 * 0.5 / (np.sqrt(cache) + 1e-7))


def test_adam_first_step_is_learning_rate_times_sign():
    layer = layer_with_gradient()
    step(Optimizer_Adam(learning_rate=0.01), layer)
    # after bias correction, m_hat = g and v_hat = g^2, so the step is lr * g / (|g| + eps)
    np.testing.assert_allclose(layer.weights, [[1.0 - 0.01, -2.0 + 0.01]], rtol=1e-6)
    np.testing.assert_allclose(layer.biases, [[0.5 - 0.01, 0.0]], rtol=1e-6)


def test_adam_second_step_by_hand():
    layer = layer_with_gradient()
    optimizer = Optimizer_Adam(learning_rate=0.01, beta_1=0.9, beta_2=0.999)
    step(optimizer, layer)
    layer.dweights = np.array([[-0.5, -1.0]])
    step(optimizer, layer)
    m = 0.9 * (0.1 * 0.5) + 0.1 * -0.5
    v = 0.999 * (0.001 * 0.25) + 0.001 * 0.25
    m_hat, v_hat = m / (1 - 0.9 ** 2), v / (1 - 0.999 ** 2)
    np.testing.assert_allclose(layer.weights[0, 0], 1.0 - 0.01 - 0.01 * m_hat / (np.sqrt(v_hat) + 1e-7))


@pytest.mark.parametrize("component, inputs, error, phrase", [
    ("dense", np.ones((2, 3)), TypeError, "forward() and"),
    (None, np.ones((2, 3)), TypeError, "got NoneType"),
    (Activation_ReLU(), np.ones(3), ValueError, "(samples, features)"),
    (Activation_ReLU(), np.ones((0, 3)), ValueError, "non-empty"),
])
def test_gradient_check_rejects_bad_input_clearly(component, inputs, error, phrase):
    with pytest.raises(error) as info:
        gradient_check(component, inputs)
    assert phrase in str(info.value)


def test_importing_the_network_imports_no_plotting_library():
    """The network code shows progress without matplotlib, and leaves its settings alone."""
    import subprocess
    import sys

    script = ("import sys, nnfs_helpers.network\n"
              "print(sorted(m for m in sys.modules if m.split('.')[0] in ('matplotlib', 'nnfs_helpers')))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert "matplotlib" not in out and "nnfs_helpers.plotting" not in out, out
    assert "nnfs_helpers.network" in out
