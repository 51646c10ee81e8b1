"""Property-based tests: the network code holds up for any sensible shape and magnitude."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nnfs_helpers import reproducible
from nnfs_helpers.network import (
    Activation_ReLU, Activation_Softmax, Activation_Softmax_Loss_CategoricalCrossentropy, Layer_Dense,
    Loss_CategoricalCrossentropy, Optimizer_Adagrad, Optimizer_Adam, Optimizer_RMSprop, Optimizer_SGD,
    numerical_gradient, relative_error,
)

settings.register_profile("course", max_examples=60, deadline=None)
settings.load_profile("course")


@pytest.fixture(autouse=True)
def float64_numpy():
    reproducible.restore_numpy()
    yield


shapes = st.tuples(st.integers(1, 6), st.integers(1, 6))
class_counts = st.integers(2, 6)


def batches(min_value=-1e6, max_value=1e6, min_cols=1):
    return st.tuples(st.integers(1, 6), st.integers(min_cols, 6)).flatmap(
        lambda shape: arrays(np.float64, shape, elements=st.floats(min_value, max_value)))


def probability_batches():
    """Rows of probabilities, zeros and ones included, with a class label per row."""
    def build(shape):
        rows, cols = shape
        weights = arrays(np.float64, shape, elements=st.sampled_from([0.0, 1e-12, 0.3, 1.0, 5.0]))
        labels = arrays(np.int64, rows, elements=st.integers(0, cols - 1))
        return st.tuples(weights, labels)
    return st.tuples(st.integers(1, 6), class_counts).flatmap(build)


@given(batches(-1e300, 1e300))
def test_softmax_gives_probabilities_for_any_magnitude(logits):
    softmax = Activation_Softmax()
    with np.errstate(over="ignore", under="ignore"):  # huge spreads overflow to -inf, exp gives 0
        softmax.forward(logits)
    assert np.isfinite(softmax.output).all()
    assert (softmax.output >= 0).all() and (softmax.output <= 1).all()
    np.testing.assert_allclose(softmax.output.sum(axis=1), 1.0, rtol=1e-12)
    # the largest logit gets the largest probability
    top = softmax.output[np.arange(len(logits)), np.argmax(logits, axis=1)]
    np.testing.assert_array_equal(top, softmax.output.max(axis=1))


@given(batches(-1e6, 1e6), st.floats(-1e6, 1e6))
def test_softmax_ignores_a_shift_of_each_row(logits, shift):
    a, b = Activation_Softmax(), Activation_Softmax()
    a.forward(logits)
    b.forward(logits + shift)
    np.testing.assert_allclose(a.output, b.output, atol=1e-9)


@given(probability_batches())
def test_cross_entropy_is_finite_and_bounded(data):
    weights, labels = data
    assume((weights.sum(axis=1) > 0).all())
    probs = weights / weights.sum(axis=1, keepdims=True)
    loss = Loss_CategoricalCrossentropy()
    with np.errstate(divide="raise", invalid="raise"):
        losses = loss.forward(probs, labels)
        one_hot = loss.forward(probs, np.eye(probs.shape[1])[labels])
        loss.backward(probs, labels)
    assert np.isfinite(losses).all() and (losses >= 0).all() and (losses <= -np.log(1e-7) + 1e-9).all()
    np.testing.assert_allclose(losses, one_hot)
    assert np.isfinite(loss.dinputs).all()


def check_gradient(component, inputs):
    component.forward(inputs)
    upstream = np.random.default_rng(1).standard_normal(component.output.shape)

    def f():
        component.forward(inputs)
        return np.sum(component.output * upstream)

    f()
    component.backward(upstream)
    analytic = {"inputs": component.dinputs.copy()}
    if hasattr(component, "weights"):
        analytic["weights"], analytic["biases"] = component.dweights.copy(), component.dbiases.copy()
    for name, grad in analytic.items():
        array = inputs if name == "inputs" else getattr(component, name)
        numeric = numerical_gradient(f, array, h=1e-5)
        assert relative_error(grad, numeric) < 1e-6 or np.abs(grad - numeric).max() < 1e-8, name


@given(st.tuples(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5)), st.integers(0, 2 ** 16))
def test_dense_gradients_match_finite_differences(shape, seed):
    samples, n_in, n_out = shape
    rng = np.random.default_rng(seed)
    layer = Layer_Dense(n_in, n_out)
    layer.weights = rng.uniform(-3, 3, (n_in, n_out))
    layer.biases = rng.uniform(-3, 3, (1, n_out))
    check_gradient(layer, rng.uniform(-10, 10, (samples, n_in)))


@given(batches(-100, 100))
def test_relu_gradient_matches_finite_differences(inputs):
    assume((np.abs(inputs) > 1e-3).all())  # the kink at 0 has no derivative
    check_gradient(Activation_ReLU(), inputs)


@given(batches(-20, 20, min_cols=2))
def test_softmax_gradient_matches_finite_differences(inputs):
    check_gradient(Activation_Softmax(), inputs)


@given(batches(-50, 50, min_cols=2), st.integers(0, 2 ** 16))
def test_combined_gradient_equals_the_chained_one(logits, seed):
    labels = np.random.default_rng(seed).integers(0, logits.shape[1], len(logits))
    combined = Activation_Softmax_Loss_CategoricalCrossentropy()
    combined.forward(logits, labels)
    assume((combined.output > 1e-6).all())  # where clipping is inactive the two must agree exactly
    combined.backward(combined.output, labels)
    softmax, loss = Activation_Softmax(), Loss_CategoricalCrossentropy()
    softmax.forward(logits)
    loss.backward(softmax.output, labels)
    softmax.backward(loss.dinputs)
    np.testing.assert_allclose(combined.dinputs, softmax.dinputs, atol=1e-9)


optimizers = st.sampled_from([
    lambda: Optimizer_SGD(learning_rate=0.5),
    lambda: Optimizer_SGD(learning_rate=0.5, decay=1e-3, momentum=0.9),
    lambda: Optimizer_Adagrad(learning_rate=0.5),
    lambda: Optimizer_RMSprop(learning_rate=0.01),
    lambda: Optimizer_Adam(learning_rate=0.05, decay=5e-7),
])


@given(optimizers, st.integers(1, 4), st.floats(1e-6, 1e6), st.integers(0, 2 ** 16))
def test_optimisers_keep_parameters_finite_and_move_against_the_gradient(make, steps, scale, seed):
    rng = np.random.default_rng(seed)
    layer = Layer_Dense(3, 2)
    layer.weights = rng.standard_normal((3, 2))
    layer.biases = rng.standard_normal((1, 2))
    gradient = rng.standard_normal((3, 2)) * scale
    optimizer = make()
    start = layer.weights.copy()
    for _ in range(steps):
        layer.dweights, layer.dbiases = gradient, np.ones((1, 2))
        optimizer.pre_update_params()
        optimizer.update_params(layer)
        optimizer.post_update_params()
    assert np.isfinite(layer.weights).all() and np.isfinite(layer.biases).all()
    moved = layer.weights - start
    assert (np.sign(moved) == -np.sign(gradient))[gradient != 0].all()
    assert optimizer.iterations == steps
