import numpy as np
import pytest
from nnfs.datasets import spiral_data

from nnfs_helpers import reproducible
from nnfs_helpers.network import (
    Activation_ReLU, Activation_Softmax_Loss_CategoricalCrossentropy, Layer_Dense, Optimizer_Adam,
    Optimizer_SGD, accuracy,
)
from nnfs_helpers.training import predict, train


@pytest.fixture(autouse=True)
def reset_numpy():
    yield
    reproducible.restore_numpy()


def network():
    reproducible.setup()
    X, y = spiral_data(samples=30, classes=3)
    layers = [Layer_Dense(2, 16), Activation_ReLU(), Layer_Dense(16, 3)]
    return X, y, layers, Activation_Softmax_Loss_CategoricalCrossentropy()


def test_train_matches_the_loop_written_out(capsys):
    X, y, layers, loss_activation = network()
    history = train(layers, loss_activation, Optimizer_SGD(learning_rate=0.5, decay=0.01), X, y,
                    epochs=50, print_every=20)
    X, y, (d1, a1, d2), la = network()
    optimizer = Optimizer_SGD(learning_rate=0.5, decay=0.01)
    losses = []
    for _ in range(50):
        d1.forward(X); a1.forward(d1.output); d2.forward(a1.output)
        losses.append(float(la.forward(d2.output, y)))
        la.backward(la.output, y); d2.backward(la.dinputs); a1.backward(d2.dinputs); d1.backward(a1.dinputs)
        optimizer.pre_update_params(); optimizer.update_params(d1); optimizer.update_params(d2)
        optimizer.post_update_params()
    assert history["loss"] == losses
    # train skips the first layer's input gradient; the weights are the same to the last bit.
    for trained, by_hand in ((layers[0], d1), (layers[2], d2)):
        assert np.array_equal(trained.weights, by_hand.weights) and np.array_equal(trained.biases, by_hand.biases)
    assert layers[0].dinputs is None and d1.dinputs.shape == X.shape
    assert history["epoch"] == list(range(50))
    assert history["learning_rate"][:2] == [0.5, 0.5] and history["learning_rate"][-1] == pytest.approx(0.5 / 1.48)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(",")[0] for line in lines] == ["epoch:     0", "epoch:    20", "epoch:    40"]


def test_training_reduces_loss_and_predict_agrees_with_accuracy():
    X, y, layers, loss_activation = network()
    history = train(layers, loss_activation, Optimizer_Adam(learning_rate=0.05), X, y, epochs=300, print_every=0)
    assert history["loss"][-1] < 0.7 * history["loss"][0]
    assert np.mean(predict(layers, X) == y) == pytest.approx(accuracy(loss_activation.output, y), abs=0.05)


def test_a_simple_optimizer_without_schedule_works():
    class PlainSGD:
        learning_rate = 1.0

        def update_params(self, layer):
            layer.weights -= self.learning_rate * layer.dweights
            layer.biases -= self.learning_rate * layer.dbiases

    X, y, layers, loss_activation = network()
    history = train(layers, loss_activation, PlainSGD(), X, y, epochs=5, print_every=0)
    assert history["learning_rate"] == [1.0] * 5


@pytest.mark.parametrize("change, phrase", [
    (dict(layers=[]), "non-empty list"),
    (dict(layers=["dense"]), "forward() and backward()"),
    (dict(loss_activation=object()), "Activation_Softmax_Loss_CategoricalCrossentropy"),
    (dict(optimizer=object()), "update_params()"),
    (dict(X=[[0.0, 1.0]]), "2-D NumPy array"),
    (dict(y=np.zeros(3, dtype=int)), "class indices or one-hot"),
    (dict(epochs=-1), "non-negative integer"),
    (dict(print_every=2.5), "non-negative integer"),
])
def test_bad_input_gets_a_clear_error(change, phrase):
    X, y, layers, loss_activation = network()
    arguments = dict(layers=layers, loss_activation=loss_activation, optimizer=Optimizer_SGD(), X=X, y=y)
    arguments.update(change)
    with pytest.raises((TypeError, ValueError)) as info:
        train(**arguments)
    assert phrase in str(info.value)


def test_a_dense_layer_can_skip_its_input_gradient():
    layer = Layer_Dense(3, 2)
    inputs = np.arange(12.0).reshape(4, 3)
    dvalues = np.linspace(-1, 1, 8).reshape(4, 2)
    layer.forward(inputs)
    layer.backward(dvalues)
    full = (layer.dweights.copy(), layer.dbiases.copy(), layer.dinputs.copy())
    layer.backward(dvalues, need_dinputs=False)
    assert np.array_equal(layer.dweights, full[0]) and np.array_equal(layer.dbiases, full[1])
    assert layer.dinputs is None  # not a stale array from the call before
    assert np.allclose(full[2], dvalues @ layer.weights.T)


def test_a_first_layer_without_need_dinputs_still_trains():
    class Scale:  # a learner's own first layer, whose backward takes dvalues only
        def __init__(self):
            self.weights, self.biases = np.ones((1, 2)), np.zeros((1, 2))

        def forward(self, inputs):
            self.inputs, self.output = inputs, inputs * self.weights + self.biases

        def backward(self, dvalues):
            self.dweights = np.sum(dvalues * self.inputs, axis=0, keepdims=True)
            self.dbiases = np.sum(dvalues, axis=0, keepdims=True)
            self.dinputs = dvalues * self.weights

    X, y, layers, loss_activation = network()
    history = train([Scale()] + layers, loss_activation, Optimizer_SGD(), X, y, epochs=20, print_every=0)
    assert len(history["loss"]) == 20 and np.isfinite(history["loss"]).all()
