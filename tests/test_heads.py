"""The output heads of notebooks 15-16: sigmoid with binary cross-entropy, and the linear
output with the mean squared and mean absolute errors. Values computed by hand, clipping,
and gradient checks in float64 (relative error below 1e-6)."""

import math

import numpy as np
import pytest

from nnfs_helpers import network, reproducible

THRESHOLD = 1e-6


@pytest.fixture(autouse=True)
def float64_numpy():
    reproducible.restore_numpy()
    yield
    reproducible.restore_numpy()


# --- Activation_Sigmoid and Loss_BinaryCrossentropy (notebook 15) ------------------------------

def test_sigmoid_forward_by_hand():
    activation = network.Activation_Sigmoid()
    activation.forward(np.array([[0.0, 2.0, -1.0]]))
    expected = [[0.5, 1 / (1 + math.exp(-2)), 1 / (1 + math.exp(1))]]  # 0.5, 0.8808, 0.2689
    np.testing.assert_allclose(activation.output, expected, rtol=1e-12)


def test_sigmoid_backward_uses_the_saved_output():
    activation = network.Activation_Sigmoid()
    activation.forward(np.array([[0.0, 2.0]]))
    activation.output = np.array([[0.25, 0.5]])  # backward must read the output, not recompute it
    activation.backward(np.array([[1.0, 2.0]]))
    np.testing.assert_allclose(activation.dinputs, [[0.25 * 0.75, 2 * 0.5 * 0.5]])


def test_sigmoid_predictions_threshold_at_one_half():
    activation = network.Activation_Sigmoid()
    np.testing.assert_array_equal(activation.predictions(np.array([[0.2], [0.5], [0.51], [0.99]])),
                                  [[0], [0], [1], [1]])


def test_binary_crossentropy_by_hand():
    y_pred = np.array([[0.9, 0.2, 0.7], [0.4, 0.8, 0.1]])
    y_true = np.array([[1, 0, 1], [0, 1, 0]])
    # sample 1: -(ln 0.9 + ln 0.8 + ln 0.7) / 3 ; sample 2: -(ln 0.6 + ln 0.8 + ln 0.9) / 3
    first = -(math.log(0.9) + math.log(0.8) + math.log(0.7)) / 3
    second = -(math.log(0.6) + math.log(0.8) + math.log(0.9)) / 3
    loss = network.Loss_BinaryCrossentropy()
    np.testing.assert_allclose(loss.forward(y_pred, y_true), [first, second], rtol=1e-12)
    assert loss.calculate(y_pred, y_true) == pytest.approx((first + second) / 2, rel=1e-12)
    assert first == pytest.approx(0.228393, abs=1e-6) and second == pytest.approx(0.279776, abs=1e-6)


def test_binary_crossentropy_is_a_mean_over_outputs_not_a_sum():
    loss = network.Loss_BinaryCrossentropy()
    one = loss.forward(np.array([[0.7]]), np.array([[1]]))
    three = loss.forward(np.array([[0.7, 0.7, 0.7]]), np.array([[1, 1, 1]]))
    np.testing.assert_allclose(one, three)


def test_binary_crossentropy_is_clipped_at_0_and_1():
    loss = network.Loss_BinaryCrossentropy()
    y_pred = np.array([[0.0, 1.0], [1.0, 0.0]])
    right = loss.forward(y_pred, np.array([[0, 1], [1, 0]]))
    wrong = loss.forward(y_pred, np.array([[1, 0], [0, 1]]))
    assert np.all(np.isfinite(right)) and np.all(np.isfinite(wrong))
    np.testing.assert_allclose(wrong, -math.log(1e-7), rtol=1e-6)  # about 16.118
    np.testing.assert_allclose(right, -math.log(1 - 1e-7), rtol=1e-6)
    loss.backward(y_pred, np.array([[1, 0], [0, 1]]))
    assert np.all(np.isfinite(loss.dinputs))


def test_binary_crossentropy_backward_by_hand():
    loss = network.Loss_BinaryCrossentropy()
    y_pred = np.array([[0.8, 0.25]])
    loss.backward(y_pred, np.array([[1, 0]]))
    # -(1/0.8) / 2 outputs / 1 sample and +(1/0.75) / 2
    np.testing.assert_allclose(loss.dinputs, [[-1 / 0.8 / 2, 1 / 0.75 / 2]])


def test_sigmoid_gradient_check(capsys):
    inputs = np.random.default_rng(0).uniform(-4, 4, size=(5, 3))
    errors = network.gradient_check(network.Activation_Sigmoid(), inputs)
    assert errors["inputs"] < THRESHOLD


@pytest.mark.parametrize("outputs", [1, 3])
def test_binary_crossentropy_gradient_check(outputs, capsys):
    rng = np.random.default_rng(outputs)
    y_pred = rng.uniform(0.05, 0.95, size=(6, outputs))
    y_true = rng.integers(0, 2, size=(6, outputs))
    errors = network.gradient_check(network.Loss_BinaryCrossentropy(), y_pred, y_true)
    assert errors["inputs"] < THRESHOLD


def test_sigmoid_and_binary_crossentropy_chained_gradient_check(capsys):
    """Sigmoid followed by the loss, checked end to end: the gradient is (p - y) / (N J)."""
    rng = np.random.default_rng(5)
    z = rng.normal(size=(4, 2))
    y_true = rng.integers(0, 2, size=(4, 2)).astype(np.float64)
    activation, loss = network.Activation_Sigmoid(), network.Loss_BinaryCrossentropy()

    def f():
        activation.forward(z)
        return loss.calculate(activation.output, y_true)

    f()
    loss.backward(activation.output, y_true)
    activation.backward(loss.dinputs)
    numeric = network.numerical_gradient(f, z)
    assert network.relative_error(activation.dinputs, numeric) < THRESHOLD
    np.testing.assert_allclose(activation.dinputs, (activation.output - y_true) / z.size, rtol=1e-6)


@pytest.mark.parametrize("outputs", [1, 3])
def test_combined_sigmoid_binary_crossentropy_gradient_check(outputs, capsys):
    """The combined class's (p - y) / (N J) against central differences, float64, below 1e-7."""
    rng = np.random.default_rng(11)
    z = rng.normal(scale=2.0, size=(5, outputs))
    y_true = rng.integers(0, 2, size=(5, outputs)).astype(np.float64)
    pair = network.Activation_Sigmoid_Loss_BinaryCrossentropy()
    errors = network.gradient_check(pair, z, y_true, threshold=1e-7)
    assert errors["inputs"] < 1e-7
    p = 1 / (1 + np.exp(-z))
    np.testing.assert_allclose(pair.dinputs, (p - y_true) / z.size, rtol=1e-9)


def test_combined_sigmoid_binary_crossentropy_matches_the_two_classes():
    pair = network.Activation_Sigmoid_Loss_BinaryCrossentropy()
    z = np.array([[0.3, -1.2], [2.0, 0.1]])
    y_true = np.array([[1, 0], [0, 1]])
    loss = network.Loss_BinaryCrossentropy()
    sigmoid = network.Activation_Sigmoid()
    sigmoid.forward(z)
    assert pair.forward(z, y_true) == pytest.approx(loss.calculate(sigmoid.output, y_true), rel=1e-12)
    np.testing.assert_allclose(pair.output, sigmoid.output)


def test_combined_does_not_stall_where_the_chained_pair_does():
    """float32, sure and wrong: the chained gradient is 0 (p rounds to 1) or clipped; p - y is not."""
    z = np.array([[20.0], [-20.0]], dtype=np.float32)
    y_true = np.array([[0.0], [1.0]], dtype=np.float32)
    sigmoid, loss = network.Activation_Sigmoid(), network.Loss_BinaryCrossentropy()
    sigmoid.forward(z)
    loss.backward(sigmoid.output, y_true)
    sigmoid.backward(loss.dinputs)
    assert sigmoid.dinputs[0, 0] == 0.0
    assert abs(sigmoid.dinputs[1, 0]) < 0.05
    pair = network.Activation_Sigmoid_Loss_BinaryCrossentropy()
    pair.forward(z, y_true)
    pair.backward(pair.output, y_true)
    np.testing.assert_allclose(pair.dinputs, [[0.5], [-0.5]], atol=1e-6)


# --- Activation_Linear, Loss_MeanSquaredError, Loss_MeanAbsoluteError (notebook 16) -----------

Y_TRUE = np.array([[1.0, 2.0], [0.0, -1.0], [0.5, 0.5]])
Y_PRED = np.array([[0.8, 2.5], [0.1, -1.0], [1.5, 0.0]])


def test_linear_passes_values_and_gradients_through():
    activation = network.Activation_Linear()
    activation.forward(Y_PRED)
    np.testing.assert_array_equal(activation.output, Y_PRED)
    np.testing.assert_array_equal(activation.predictions(activation.output), Y_PRED)
    upstream = np.array([[1.0, -2.0]])
    activation.backward(upstream)
    np.testing.assert_array_equal(activation.dinputs, upstream)
    assert activation.dinputs is not upstream, "backward hands back a copy"


def test_mse_by_hand():
    loss = network.Loss_MeanSquaredError()
    # errors (0.2, -0.5), (-0.1, 0), (-1, 0.5): mean squares 0.145, 0.005, 0.625
    np.testing.assert_allclose(loss.forward(Y_PRED, Y_TRUE), [0.145, 0.005, 0.625])
    assert loss.calculate(Y_PRED, Y_TRUE) == pytest.approx(0.775 / 3)
    loss.backward(Y_PRED, Y_TRUE)
    # -2 (y - y_hat) / 2 outputs / 3 samples
    np.testing.assert_allclose(loss.dinputs, [[-0.4 / 6, 1.0 / 6], [0.2 / 6, 0.0], [2.0 / 6, -1.0 / 6]])


def test_mae_by_hand():
    loss = network.Loss_MeanAbsoluteError()
    np.testing.assert_allclose(loss.forward(Y_PRED, Y_TRUE), [0.35, 0.05, 0.75])
    assert loss.calculate(Y_PRED, Y_TRUE) == pytest.approx(1.15 / 3)
    loss.backward(Y_PRED, Y_TRUE)
    # sign(y_hat - y) / 6; an exact prediction gets 0
    np.testing.assert_allclose(loss.dinputs, [[-1 / 6, 1 / 6], [1 / 6, 0.0], [1 / 6, -1 / 6]])


def test_regression_losses_are_means_over_outputs():
    for loss in (network.Loss_MeanSquaredError(), network.Loss_MeanAbsoluteError()):
        one = loss.forward(np.array([[0.5]]), np.array([[1.5]]))
        three = loss.forward(np.full((1, 3), 0.5), np.full((1, 3), 1.5))
        np.testing.assert_allclose(one, three)


def test_linear_gradient_check(capsys):
    errors = network.gradient_check(network.Activation_Linear(), Y_PRED)
    assert errors["inputs"] < THRESHOLD


@pytest.mark.parametrize("loss_class", ["Loss_MeanSquaredError", "Loss_MeanAbsoluteError"])
def test_regression_loss_gradient_check(loss_class, capsys):
    rng = np.random.default_rng(16)
    y_true = rng.normal(size=(6, 3))
    y_pred = y_true + rng.choice([-1, 1], size=(6, 3)) * rng.uniform(0.05, 1.0, size=(6, 3))  # away from the kink
    errors = network.gradient_check(getattr(network, loss_class)(), y_pred, y_true)
    assert errors["inputs"] < THRESHOLD


def test_regression_head_through_a_dense_layer_gradient_check(capsys):
    """Dense -> linear -> MSE, checked end to end for the weights, biases and inputs."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(5, 4))
    y_true = rng.normal(size=(5, 2))
    dense = network.Layer_Dense(4, 2)
    dense.weights = rng.normal(size=(4, 2))
    linear, loss = network.Activation_Linear(), network.Loss_MeanSquaredError()

    def f():
        dense.forward(X)
        linear.forward(dense.output)
        return loss.calculate(linear.output, y_true)

    f()
    loss.backward(linear.output, y_true)
    linear.backward(loss.dinputs)
    dense.backward(linear.dinputs)
    for array, analytic in ((dense.weights, dense.dweights), (dense.biases, dense.dbiases), (X, dense.dinputs)):
        numeric = network.numerical_gradient(f, array)
        assert network.relative_error(analytic, numeric) < THRESHOLD
