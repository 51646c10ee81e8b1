"""Notebooks 13 and 14: the regularised Layer_Dense and Layer_Dropout, checked numerically.

Gradient checks run in float64 (NumPy's own functions) with central differences and require a
relative error below 1e-6.
"""

import numpy as np
import pytest

from nnfs_helpers import reproducible
from nnfs_helpers.network import (Activation_ReLU, Activation_Softmax_Loss_CategoricalCrossentropy,
                                  Layer_Dense, Loss, Loss_CategoricalCrossentropy, numerical_gradient,
                                  relative_error)
from nnfs_helpers.training import regularization_loss

THRESHOLD = 1e-6
STRENGTHS = dict(weight_regularizer_l1=0.01, weight_regularizer_l2=0.02, bias_regularizer_l1=0.03,
                 bias_regularizer_l2=0.04)


@pytest.fixture(autouse=True)
def float64():
    reproducible.restore_numpy()
    yield
    reproducible.restore_numpy()


def randomised(layer, rng):
    """Random normal weights and biases: none within h of the kink of |w| at 0."""
    layer.weights = rng.normal(size=layer.weights.shape)
    layer.biases = rng.normal(size=layer.biases.shape)
    return layer


def test_the_defaults_change_nothing():
    layer = Layer_Dense(3, 2)
    assert (layer.weight_regularizer_l1, layer.weight_regularizer_l2,
            layer.bias_regularizer_l1, layer.bias_regularizer_l2) == (0, 0, 0, 0)
    assert Loss().regularization_loss(layer) == 0
    rng = np.random.default_rng(1)
    inputs, dvalues = rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    layer.forward(inputs)
    layer.backward(dvalues)
    assert np.array_equal(layer.dweights, inputs.T @ dvalues)
    assert np.array_equal(layer.dbiases, dvalues.sum(axis=0, keepdims=True))


def test_the_penalty_is_the_four_sums():
    layer = randomised(Layer_Dense(3, 4, **STRENGTHS), np.random.default_rng(2))
    w, b = layer.weights, layer.biases
    expected = (0.01 * np.abs(w).sum() + 0.02 * (w ** 2).sum() + 0.03 * np.abs(b).sum() + 0.04 * (b ** 2).sum())
    assert Loss_CategoricalCrossentropy().regularization_loss(layer) == pytest.approx(expected, rel=1e-12)
    assert regularization_loss([layer, Activation_ReLU()]) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("strengths", [
    STRENGTHS,
    dict(weight_regularizer_l2=5e-4, bias_regularizer_l2=5e-4),
    dict(weight_regularizer_l1=0.1),
    dict(bias_regularizer_l1=0.2, bias_regularizer_l2=0.3),
])
def test_regularised_dense_backward_matches_central_differences(strengths):
    rng = np.random.default_rng(3)
    layer = randomised(Layer_Dense(4, 3, **strengths), rng)
    inputs, upstream = rng.normal(size=(5, 4)), rng.normal(size=(5, 3))

    def f():  # a scalar whose gradient with respect to the output is `upstream`, plus the penalty
        layer.forward(inputs)
        return np.sum(layer.output * upstream) + Loss().regularization_loss(layer)

    f()
    layer.backward(upstream)
    analytic = {"weights": layer.dweights.copy(), "biases": layer.dbiases.copy(), "inputs": layer.dinputs.copy()}
    for name in ("weights", "biases", "inputs"):
        array = inputs if name == "inputs" else getattr(layer, name)
        assert array.dtype == np.float64
        error = relative_error(analytic[name], numerical_gradient(f, array))
        assert error < THRESHOLD, f"d{name}: relative error {error:.2e}"


def test_the_regularised_loss_of_a_whole_network_matches_central_differences():
    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(8, 2)), np.array([0, 1, 2, 0, 1, 2, 1, 0])
    layers = [randomised(Layer_Dense(2, 6, **STRENGTHS), rng), Activation_ReLU(),
              randomised(Layer_Dense(6, 3, weight_regularizer_l2=0.05, bias_regularizer_l1=0.02), rng)]
    loss_activation = Activation_Softmax_Loss_CategoricalCrossentropy()

    def total_loss():
        output = X
        for layer in layers:
            layer.forward(output)
            output = layer.output
        data_loss = loss_activation.forward(output, y)
        return data_loss + sum(loss_activation.loss.regularization_loss(layer) for layer in layers[::2])

    total_loss()
    loss_activation.backward(loss_activation.output, y)
    dvalues = loss_activation.dinputs
    for layer in reversed(layers):
        layer.backward(dvalues)
        dvalues = layer.dinputs
    for index in (0, 2):
        for name in ("weights", "biases"):
            analytic = getattr(layers[index], "d" + name).copy()
            error = relative_error(analytic, numerical_gradient(total_loss, getattr(layers[index], name)))
            assert error < THRESHOLD, f"layer {index} d{name}: relative error {error:.2e}"


def test_without_the_factor_2_the_check_fails():
    """The check can tell: a backward pass with l2 * w instead of 2 * l2 * w is far off."""
    rng = np.random.default_rng(5)
    layer = randomised(Layer_Dense(3, 2, weight_regularizer_l2=0.5), rng)
    inputs = rng.normal(size=(4, 3))

    def f():
        layer.forward(inputs)
        return np.sum(layer.output) + Loss().regularization_loss(layer)

    f()
    layer.backward(np.ones((4, 2)))
    wrong = layer.dweights - 0.5 * layer.weights  # l2 * w instead of 2 * l2 * w
    assert relative_error(wrong, numerical_gradient(f, layer.weights)) > 1e-2


# --- notebook 14: Layer_Dropout ----------------------------------------------------------------

from nnfs_helpers.network import Layer_Dropout  # noqa: E402


def test_inverted_scaling_keeps_the_expected_activation():
    """Statistical test: 400,000 draws of one activation 1.0 at rate 0.3. Each output is 0 or
    1/0.7, so one draw has standard deviation sqrt(0.3 * 0.7) / 0.7 = 0.655 and the mean has a
    standard error of 0.655 / sqrt(400,000) = 0.001. The test allows 0.006 (6 standard errors)."""
    np.random.seed(0)
    layer = Layer_Dropout(0.3)
    layer.forward(np.ones((400, 1000)))
    standard_error = np.sqrt(0.3 * 0.7) / 0.7 / np.sqrt(layer.output.size)
    assert abs(layer.output.mean() - 1.0) < 6 * standard_error
    assert abs(np.mean(layer.output == 0) - 0.3) < 6 * np.sqrt(0.3 * 0.7 / layer.output.size)
    assert np.allclose(np.unique(layer.output), [0.0, 1 / 0.7])


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
def test_the_mean_is_kept_for_every_rate(rate):
    np.random.seed(1)
    inputs = np.random.default_rng(2).uniform(0, 2, size=(500, 400))
    layer = Layer_Dropout(rate)
    layer.forward(inputs)
    ratio = layer.output / inputs
    standard_error = np.sqrt(rate * (1 - rate)) / (1 - rate) / np.sqrt(ratio.size)
    assert abs(ratio.mean() - 1.0) < 6 * standard_error


def test_backward_uses_the_forward_mask():
    np.random.seed(3)
    layer = Layer_Dropout(0.4)
    inputs = np.random.default_rng(4).normal(size=(50, 20))
    layer.forward(inputs)
    mask = layer.binary_mask.copy()
    dvalues = np.random.default_rng(5).normal(size=(50, 20))
    layer.backward(dvalues)
    assert np.array_equal(layer.dinputs, dvalues * mask)
    assert np.array_equal(layer.dinputs == 0, layer.output == 0)
    # a second backward draws nothing new
    state = np.random.get_state()[1].copy()
    layer.backward(dvalues)
    assert np.array_equal(np.random.get_state()[1], state) and np.array_equal(layer.dinputs, dvalues * mask)


def test_dropout_backward_matches_central_differences_with_the_mask_held_fixed():
    rng = np.random.default_rng(6)
    inputs, upstream = rng.normal(size=(5, 7)), rng.normal(size=(5, 7))
    layer = Layer_Dropout(0.5)

    def f():
        np.random.seed(11)  # the same mask at every call
        layer.forward(inputs)
        return np.sum(layer.output * upstream)

    f()
    layer.backward(upstream)
    error = relative_error(layer.dinputs.copy(), numerical_gradient(f, inputs))
    assert error < THRESHOLD


def test_no_dropout_at_evaluation():
    layer = Layer_Dropout(0.5)
    inputs = np.random.default_rng(7).normal(size=(30, 10))
    state = np.random.get_state()[1].copy()
    layer.forward(inputs, training=False)
    assert np.array_equal(layer.output, inputs) and layer.output is not inputs
    assert np.array_equal(np.random.get_state()[1], state), "evaluation draws no random numbers"


def test_evaluate_and_predict_switch_dropout_off():
    from nnfs_helpers.training import evaluate, predict
    rng = np.random.default_rng(8)
    X, y = rng.normal(size=(40, 2)), rng.integers(0, 3, size=40)
    dense1, dense2 = randomised(Layer_Dense(2, 8), rng), randomised(Layer_Dense(8, 3), rng)
    with_dropout = [dense1, Activation_ReLU(), Layer_Dropout(0.5), dense2]
    without = [dense1, Activation_ReLU(), dense2]
    assert evaluate(with_dropout, X, y) == evaluate(without, X, y)
    assert np.array_equal(predict(with_dropout, X), predict(without, X))
