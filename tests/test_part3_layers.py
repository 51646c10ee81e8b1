"""Part 3's layers and optimisers (notebooks 21-23), checked against finite differences in float64."""

import copy
import re

import numpy as np
import pytest

import export_network
from nnfs_helpers import network
from nnfs_helpers.datasets import load_digits
from nnfs_helpers.network import (
    Activation_ReLU, Activation_Softmax, Accuracy_Categorical, Layer_BatchNorm, Layer_Conv2D,
    Layer_Dense, Layer_Flatten, Layer_MaxPool2D, Loss_CategoricalCrossentropy, Model,
    Optimizer_Adam, Optimizer_AdamW, Optimizer_SGD, convolve_loops, numerical_gradient, relative_error,
)
from nnfs_helpers.reproducible import restore_numpy

TOLERANCE = 1e-7


@pytest.fixture(autouse=True)
def plain_numpy():
    """float64 everywhere: the reproducible setup (float32 products) may have been applied by another test."""
    restore_numpy()
    yield


def gradient_errors(layer, inputs, **forward_kwargs):
    """Relative errors of dinputs (and dweights, dbiases) against central differences of sum(output * upstream)."""
    layer.forward(inputs, **forward_kwargs)
    upstream = np.random.default_rng(1).standard_normal(layer.output.shape)

    def f():
        layer.forward(inputs, **forward_kwargs)
        return np.sum(layer.output * upstream)

    f()
    layer.backward(upstream)
    arrays = {"inputs": (inputs, layer.dinputs.copy())}
    for name in ("weights", "biases"):
        if hasattr(layer, name):
            arrays[name] = (getattr(layer, name), getattr(layer, "d" + name).copy())
    errors = {}
    for name, (array, analytic) in arrays.items():
        assert array.dtype == np.float64 and analytic.dtype == np.float64, name
        errors[name] = relative_error(analytic, numerical_gradient(f, array, h=1e-6))
    return errors


def assert_gradients_agree(layer, inputs, **forward_kwargs):
    errors = gradient_errors(layer, inputs, **forward_kwargs)
    bad = {name: error for name, error in errors.items() if not error < TOLERANCE}
    assert not bad, f"relative errors above {TOLERANCE}: {bad}"
    return errors


# ---- batch normalisation ----

def batchnorm_layer(rng, features=4):
    layer = Layer_BatchNorm(features)
    layer.weights = rng.uniform(0.5, 2.0, (1, features))
    layer.biases = rng.standard_normal((1, features))
    return layer


def test_batchnorm_full_backward_matches_finite_differences():
    rng = np.random.default_rng(0)
    inputs = rng.standard_normal((6, 4)) * 3 + 1
    errors = assert_gradients_agree(batchnorm_layer(rng), inputs, training=True)
    assert set(errors) == {"inputs", "weights", "biases"}


def test_batchnorm_backward_that_ignores_the_batch_statistics_fails_the_check():
    """The check can tell: the shortcut dinputs = gamma * dvalues / std is wrong in training mode."""
    rng = np.random.default_rng(0)
    inputs = rng.standard_normal((6, 4))
    layer = batchnorm_layer(rng)
    layer.forward(inputs)
    upstream = rng.standard_normal(inputs.shape)

    def f():
        layer.forward(inputs)
        return np.sum(layer.output * upstream)

    numeric = numerical_gradient(f, inputs)
    shortcut = upstream * layer.weights * layer.inv_std
    assert relative_error(shortcut, numeric) > 1e-2


def test_batchnorm_evaluation_backward_matches_finite_differences():
    rng = np.random.default_rng(2)
    layer = batchnorm_layer(rng)
    layer.running_mean = rng.standard_normal((1, 4))
    layer.running_var = rng.uniform(0.5, 2.0, (1, 4))
    assert_gradients_agree(layer, rng.standard_normal((5, 4)), training=False)


def test_batchnorm_training_output_is_normalised_per_feature():
    rng = np.random.default_rng(3)
    layer = Layer_BatchNorm(3)
    layer.forward(rng.standard_normal((50, 3)) * [1, 10, 100] + [5, -5, 50])
    np.testing.assert_allclose(layer.output.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(layer.output.std(axis=0), 1, atol=1e-3)


def test_batchnorm_running_statistics():
    rng = np.random.default_rng(4)
    layer = Layer_BatchNorm(3, momentum=0.9)
    batch = rng.standard_normal((20, 3)) * 2 + 7
    layer.forward(batch)
    np.testing.assert_allclose(layer.running_mean, 0.1 * batch.mean(axis=0, keepdims=True))
    np.testing.assert_allclose(layer.running_var, 0.9 + 0.1 * batch.var(axis=0, keepdims=True))
    for _ in range(300):
        layer.forward(batch)
    np.testing.assert_allclose(layer.running_mean, batch.mean(axis=0, keepdims=True), rtol=1e-9)
    np.testing.assert_allclose(layer.running_var, batch.var(axis=0, keepdims=True), rtol=1e-9)


def test_batchnorm_evaluation_uses_running_statistics_and_leaves_them_alone():
    rng = np.random.default_rng(5)
    layer = batchnorm_layer(rng, 3)
    layer.running_mean = np.array([[1.0, 2.0, 3.0]])
    layer.running_var = np.array([[4.0, 1.0, 0.25]])
    one = rng.standard_normal((1, 3))  # a batch of one: its own variance is 0
    layer.forward(one, training=False)
    expected = layer.weights * (one - layer.running_mean) / np.sqrt(layer.running_var + layer.epsilon) + layer.biases
    np.testing.assert_allclose(layer.output, expected)
    np.testing.assert_array_equal(layer.running_mean, [[1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(layer.running_var, [[4.0, 1.0, 0.25]])
    # The same sample in a bigger batch gets the same output in evaluation mode.
    layer.forward(np.vstack([one, rng.standard_normal((4, 3))]), training=False)
    np.testing.assert_allclose(layer.output[:1], expected)


def test_batchnorm_is_trained_by_every_optimiser():
    rng = np.random.default_rng(6)
    for optimizer in (Optimizer_SGD(0.1), Optimizer_SGD(0.1, momentum=0.9, nesterov=True), Optimizer_Adam(0.01),
                      Optimizer_AdamW(0.01), network.Optimizer_RMSprop(0.01), network.Optimizer_Adagrad(0.1)):
        layer = batchnorm_layer(rng)
        before = layer.weights.copy(), layer.biases.copy()
        layer.forward(rng.standard_normal((8, 4)))
        layer.backward(rng.standard_normal((8, 4)))
        optimizer.pre_update_params()
        optimizer.update_params(layer)
        optimizer.post_update_params()
        assert layer.weights.shape == layer.biases.shape == (1, 4)
        assert not np.array_equal(layer.weights, before[0]) and not np.array_equal(layer.biases, before[1])


# ---- convolution, pooling, flattening ----

@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("padding", [0, 1])
def test_conv2d_gradients_match_finite_differences(stride, padding):
    rng = np.random.default_rng(10 + 2 * stride + padding)
    layer = Layer_Conv2D(3, 4, 3, stride=stride, padding=padding)
    layer.biases = rng.standard_normal(layer.biases.shape)
    errors = assert_gradients_agree(layer, rng.standard_normal((2, 3, 6, 5)))
    assert set(errors) == {"inputs", "weights", "biases"}


@pytest.mark.parametrize("stride", [1, 2])
@pytest.mark.parametrize("padding", [0, 1])
def test_conv2d_im2col_equals_the_loops(stride, padding):
    rng = np.random.default_rng(20)
    layer = Layer_Conv2D(2, 3, 3, stride=stride, padding=padding)
    layer.biases = rng.standard_normal(layer.biases.shape)
    images = rng.standard_normal((2, 2, 7, 6))
    layer.forward(images)
    expected = convolve_loops(images, layer.weights, layer.biases.ravel(), stride, padding)
    assert layer.output.shape == expected.shape == (2, 3, (7 + 2 * padding - 3) // stride + 1,
                                                    (6 + 2 * padding - 3) // stride + 1)
    np.testing.assert_allclose(layer.output, expected, rtol=1e-12, atol=1e-12)


def test_conv2d_shapes_and_float32_under_the_setup():
    from nnfs_helpers import setup
    try:
        setup()
        layer = Layer_Conv2D(1, 4, 3, padding=1)
        assert layer.weights.shape == (4, 1, 3, 3) and layer.biases.shape == (1, 4)
        assert layer.weights.dtype == np.float32 and layer.biases.dtype == np.float32
        layer.forward(np.zeros((2, 1, 8, 8), dtype=np.float32))
        assert layer.output.shape == (2, 4, 8, 8) and layer.output.dtype == np.float32
    finally:
        restore_numpy()


@pytest.mark.parametrize("pool_size, stride, shape", [(2, None, (2, 3, 4, 4)), (2, None, (1, 2, 5, 5)),
                                                      (3, 2, (2, 2, 5, 5))])
def test_maxpool_gradients_match_finite_differences(pool_size, stride, shape):
    rng = np.random.default_rng(30)
    layer = Layer_MaxPool2D(pool_size, stride)
    assert_gradients_agree(layer, rng.standard_normal(shape))


def test_maxpool_forward_and_the_route_of_the_gradient():
    images = np.arange(16.0).reshape(1, 1, 4, 4)
    layer = Layer_MaxPool2D()
    layer.forward(images)
    np.testing.assert_array_equal(layer.output, [[[[5, 7], [13, 15]]]])
    layer.backward(np.ones((1, 1, 2, 2)))
    expected = np.zeros((4, 4))
    expected[[1, 1, 3, 3], [1, 3, 1, 3]] = 1
    np.testing.assert_array_equal(layer.dinputs[0, 0], expected)


def test_flatten_gradients_and_shapes():
    rng = np.random.default_rng(40)
    layer = Layer_Flatten()
    inputs = rng.standard_normal((3, 2, 4, 5))
    layer.forward(inputs)
    assert layer.output.shape == (3, 40)
    np.testing.assert_array_equal(layer.output[1], inputs[1].ravel())
    assert_gradients_agree(layer, inputs)


# ---- optimisers ----

class Parameters:
    """The least an optimiser needs: weights, biases and their gradients."""

    def __init__(self, weights, biases):
        self.weights, self.biases = weights, biases
        self.dweights, self.dbiases = np.zeros_like(weights), np.zeros_like(biases)


def step(optimizer, layer):
    optimizer.pre_update_params()
    optimizer.update_params(layer)
    optimizer.post_update_params()


def test_adamw_step_is_adams_step_minus_the_decoupled_decay():
    rng = np.random.default_rng(50)
    layer = Parameters(rng.standard_normal((3, 2)), rng.standard_normal((1, 2)))
    adamw = Optimizer_AdamW(learning_rate=0.01, decay=1e-2, weight_decay=0.1)
    adam = Optimizer_Adam(learning_rate=0.01, decay=1e-2)
    for _ in range(4):
        layer.dweights = rng.standard_normal((3, 2))
        layer.dbiases = rng.standard_normal((1, 2))
        twin = copy.deepcopy(layer)  # same weights and same moment estimates
        adam.iterations = adamw.iterations
        weights_before = layer.weights.copy()
        step(adam, twin)
        step(adamw, layer)
        rate = adamw.learning_rate / (1 + adamw.decay * (adamw.iterations - 1))
        np.testing.assert_allclose(layer.weights, twin.weights - rate * 0.1 * weights_before, rtol=0, atol=1e-15)
        np.testing.assert_array_equal(layer.biases, twin.biases)  # biases are not decayed


def test_adamw_with_no_decay_is_adam_and_defaults():
    rng = np.random.default_rng(51)
    optimizer = Optimizer_AdamW()
    assert (optimizer.learning_rate, optimizer.weight_decay, optimizer.epsilon, optimizer.beta_1,
            optimizer.beta_2, optimizer.decay) == (0.001, 0.01, 1e-7, 0.9, 0.999, 0.0)
    a = Parameters(rng.standard_normal((2, 2)), rng.standard_normal((1, 2)))
    b = copy.deepcopy(a)
    adamw, adam = Optimizer_AdamW(0.01, weight_decay=0.0), Optimizer_Adam(0.01)
    for _ in range(3):
        a.dweights = b.dweights = rng.standard_normal((2, 2))
        a.dbiases = b.dbiases = rng.standard_normal((1, 2))
        step(adamw, a)
        step(adam, b)
    np.testing.assert_array_equal(a.weights, b.weights)
    np.testing.assert_array_equal(a.biases, b.biases)


def test_adamw_decay_alone_shrinks_weights_geometrically():
    """With zero gradients Adam does not move, and AdamW multiplies each weight by 1 - lr * wd per step."""
    layer = Parameters(np.full((2, 2), 3.0), np.full((1, 2), 3.0))
    optimizer = Optimizer_AdamW(learning_rate=0.1, weight_decay=0.5)
    for _ in range(5):
        step(optimizer, layer)
    np.testing.assert_allclose(layer.weights, 3.0 * 0.95 ** 5, rtol=1e-12)
    np.testing.assert_array_equal(layer.biases, 3.0)


def old_sgd_class():
    """Optimizer_SGD exactly as notebook 10 exports it, before the nesterov option."""
    sources = [source for name, source in export_network.exported_cells()
               if name.startswith("10_") and "class Optimizer_SGD" in source]
    assert len(sources) == 1
    namespace = {"np": np, "Optimizer": network.Optimizer}
    exec(sources[0], namespace)
    return namespace["Optimizer_SGD"]


@pytest.mark.parametrize("kwargs", [{}, {"learning_rate": 0.3}, {"learning_rate": 0.3, "momentum": 0.9},
                                    {"learning_rate": 0.3, "decay": 1e-2, "momentum": 0.5}])
def test_sgd_without_nesterov_is_bit_identical_to_the_old_class(kwargs):
    old_class = old_sgd_class()
    assert old_class is not Optimizer_SGD
    rng = np.random.default_rng(60)
    new_layer = Parameters(rng.standard_normal((4, 3)).astype(np.float32), rng.standard_normal((1, 3)).astype(np.float32))
    old_layer = copy.deepcopy(new_layer)
    new, old = Optimizer_SGD(**kwargs), old_class(**kwargs)
    assert new.nesterov is False
    for _ in range(6):
        new_layer.dweights = old_layer.dweights = rng.standard_normal((4, 3)).astype(np.float32)
        new_layer.dbiases = old_layer.dbiases = rng.standard_normal((1, 3)).astype(np.float32)
        step(new, new_layer)
        step(old, old_layer)
        assert new_layer.weights.tobytes() == old_layer.weights.tobytes()
        assert new_layer.biases.tobytes() == old_layer.biases.tobytes()


def test_nesterov_matches_the_textbook_formula_on_a_quadratic():
    """Textbook: v <- mu v - lr grad(theta + mu v); theta <- theta + v. The optimiser stores theta + mu v."""
    curvature = np.array([[1.0, 10.0]])  # f(theta) = sum(curvature * theta**2) / 2: a valley
    learning_rate, mu = 0.05, 0.9
    theta, velocity = np.array([[-3.0, 2.0]]), np.zeros((1, 2))
    layer = Parameters(theta.copy(), np.array([[1.0]]))
    optimizer = Optimizer_SGD(learning_rate, momentum=mu, nesterov=True)
    for _ in range(30):
        velocity = mu * velocity - learning_rate * curvature * (theta + mu * velocity)
        theta = theta + velocity
        layer.dweights = curvature * layer.weights
        layer.dbiases = 2 * layer.biases  # f = b**2 for the bias
        step(optimizer, layer)
        np.testing.assert_allclose(layer.weights, theta + mu * velocity, rtol=1e-12, atol=1e-14)
    # And it differs from plain momentum on the same problem.
    plain = Parameters(np.array([[-3.0, 2.0]]), np.array([[1.0]]))
    momentum = Optimizer_SGD(learning_rate, momentum=mu)
    for _ in range(30):
        plain.dweights, plain.dbiases = curvature * plain.weights, 2 * plain.biases
        step(momentum, plain)
    assert not np.allclose(plain.weights, layer.weights)


# ---- a convolutional Model on the digits ----

def test_a_small_convolutional_model_learns_the_digits():
    X, y = load_digits()
    rng = np.random.default_rng(70)
    subset = rng.permutation(len(X))[:300]
    images = (X[subset] / 16.0).astype(np.float64).reshape(-1, 1, 8, 8)
    labels = y[subset]
    np.random.seed(0)
    model = Model()
    for layer in (Layer_Conv2D(1, 6, 3, padding=1), Activation_ReLU(), Layer_MaxPool2D(2), Layer_Flatten(),
                  Layer_Dense(6 * 4 * 4, 10), Activation_Softmax()):
        model.add(layer)
    model.set(loss=Loss_CategoricalCrossentropy(), optimizer=Optimizer_Adam(learning_rate=0.01),
              accuracy=Accuracy_Categorical())
    model.finalize()
    history = model.train(images, labels, epochs=8, batch_size=50, print_every=0)
    assert history["loss"][-1] < 0.5 * history["loss"][0]
    assert history["accuracy"][-1] > 0.8
    loss, accuracy = model.evaluate(images, labels)
    assert np.isfinite(loss) and accuracy > 0.8
    assert model.predict(images[:5]).shape == (5, 10)


def test_batchnorm_in_a_model_switches_to_running_statistics_for_evaluation():
    rng = np.random.default_rng(71)
    X = rng.standard_normal((60, 4)) * 5 + 3
    y = (X[:, 0] > 3).astype(int)
    np.random.seed(0)
    model = Model()
    for layer in (Layer_Dense(4, 8), Layer_BatchNorm(8), Activation_ReLU(), Layer_Dense(8, 2), Activation_Softmax()):
        model.add(layer)
    model.set(loss=Loss_CategoricalCrossentropy(), optimizer=Optimizer_AdamW(0.05), accuracy=Accuracy_Categorical())
    model.finalize()
    history = model.train(X, y, epochs=30, batch_size=20, print_every=0)
    assert history["loss"][-1] < history["loss"][0]
    batchnorm = model.layers[1]
    running = batchnorm.running_mean.copy()
    one = model.predict(X[:1])
    np.testing.assert_allclose(model.predict(X[:10])[:1], one)  # evaluation: a sample's output ignores its batch
    np.testing.assert_array_equal(batchnorm.running_mean, running)


def test_the_model_data_check_takes_images_and_still_rejects_wrong_shapes():
    np.random.seed(0)
    model = Model()
    for layer in (Layer_Conv2D(1, 2, 3), Activation_ReLU(), Layer_Flatten(), Layer_Dense(2 * 6 * 6, 2), Activation_Softmax()):
        model.add(layer)
    model.set(loss=Loss_CategoricalCrossentropy(), optimizer=Optimizer_Adam(), accuracy=Accuracy_Categorical())
    model.finalize()
    images, labels = np.random.randn(4, 1, 8, 8), np.array([0, 1, 0, 1])
    model.train(images, labels, epochs=1, print_every=0)
    assert model.predict(images).shape == (4, 2)
    with pytest.raises(ValueError, match="2-D"):
        model.train(np.zeros(4), labels, epochs=1, print_every=0)
    with pytest.raises(ValueError, match="one entry or row per sample"):
        model.train(images, np.zeros(5, dtype=int), epochs=1, print_every=0)


def test_the_model_data_check_takes_exactly_2_or_4_dimensions():
    """A 3-D array (images without their channel axis, say) is refused with what was expected and what came."""
    np.random.seed(0)
    model = Model()
    for layer in (Layer_Flatten(), Layer_Dense(8, 2), Activation_Softmax()):
        model.add(layer)
    model.set(loss=Loss_CategoricalCrossentropy(), optimizer=Optimizer_Adam(), accuracy=Accuracy_Categorical())
    model.finalize()
    labels = np.array([0, 1, 0, 1])
    for shape in ((4, 8, 1), (4, 1, 8, 1, 1)):
        with pytest.raises(ValueError, match=r"2-D NumPy array \(samples, features\) or, for images, a 4-D one "
                                             r"\(samples, channels, height, width\), got ndarray with shape "
                                             + re.escape(str(shape))):
            model.train(np.zeros(shape), labels, epochs=1, print_every=0)
    model.train(np.random.randn(4, 8), labels, epochs=1, print_every=0)  # 2-D: accepted
    model.train(np.random.randn(4, 1, 8, 1), labels, epochs=1, print_every=0)  # 4-D: accepted
