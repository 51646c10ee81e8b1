import numpy as np
import pytest
from nnfs.datasets import spiral_data

import inspect

from nnfs_helpers import reproducible, training
from nnfs_helpers.network import (
    Accuracy_Categorical, Activation_ReLU, Activation_Softmax, Activation_Softmax_Loss_CategoricalCrossentropy,
    Layer_Dense, Loss, Loss_CategoricalCrossentropy, Model, Optimizer_Adam, Optimizer_SGD, accuracy,
)
from nnfs_helpers.progress import TrainingProgress, epoch_summary
from nnfs_helpers.training import evaluate, forward, predict, regularization_loss, train


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
    # Epochs count from 1: epoch 1 reports the untrained network, measured before its update.
    assert history["epoch"] == list(range(1, 51))
    assert history["learning_rate"][:2] == [0.5, 0.5] and history["learning_rate"][-1] == pytest.approx(0.5 / 1.48)
    lines = capsys.readouterr().out.splitlines()
    # Every `print_every` epochs and the last, in the Model's format.
    assert [line.split(",")[0] for line in lines] == ["epoch:    20", "epoch:    40", "epoch:    50"]
    assert lines[0] == epoch_summary(20, accuracy=history["accuracy"][19], loss=history["loss"][19],
                                     learning_rate=history["learning_rate"][19])


def test_the_thin_layer_computes_nothing_itself():
    source = inspect.getsource(training)
    for maths in ("np.exp", "np.log", "np.clip", "np.abs", "np.mean", "np.sum", "np.dot", "**"):
        assert maths not in source, f"training.py computes {maths} itself instead of using the network classes"
    # Its evaluation and penalties are the classes' numbers, to the last bit.
    X, y, X_val, y_val, layers, _ = split_network(weight_regularizer_l2=5e-3, bias_regularizer_l1=1e-3)
    scorer = Activation_Softmax_Loss_CategoricalCrossentropy()
    expected_loss = scorer.forward(forward(layers, X_val), y_val)
    assert evaluate(layers, X_val, y_val) == (float(expected_loss), float(accuracy(scorer.output, y_val)))
    assert regularization_loss(layers) == float(Loss().regularization_loss(layers[0]))


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


# --- notebooks 13-14: validation data, regularisation, early stopping, a training flag --------------

def split_network(**regularizers):
    reproducible.setup()
    X, y = spiral_data(samples=30, classes=3)
    X_val, y_val = spiral_data(samples=40, classes=3)
    layers = [Layer_Dense(2, 16, **regularizers), Activation_ReLU(), Layer_Dense(16, 3)]
    return X, y, X_val, y_val, layers, Activation_Softmax_Loss_CategoricalCrossentropy()


def test_validation_is_measured_after_the_update_of_its_epoch():
    X, y, X_val, y_val, layers, loss_activation = split_network()
    history = train(layers, loss_activation, Optimizer_Adam(learning_rate=0.05), X, y, epochs=30,
                    print_every=0, validation_data=(X_val, y_val), validate_every=7)
    assert history["validation_epoch"] == [7, 14, 21, 28, 30]
    # The last validation describes the weights train returns.
    assert (history["validation_loss"][-1], history["validation_accuracy"][-1]) == evaluate(layers, X_val, y_val)
    # Rerun by hand: the validation numbers belong to the weights after each epoch's update.
    X, y, X_val, y_val, (d1, a1, d2), la = split_network()
    optimizer = Optimizer_Adam(learning_rate=0.05)
    expected = {}
    for epoch in range(1, 31):
        d1.forward(X); a1.forward(d1.output); d2.forward(a1.output)
        la.forward(d2.output, y)
        la.backward(la.output, y); d2.backward(la.dinputs); a1.backward(d2.dinputs); d1.backward(a1.dinputs)
        optimizer.pre_update_params(); optimizer.update_params(d1); optimizer.update_params(d2)
        optimizer.post_update_params()
        if epoch in history["validation_epoch"]:
            expected[epoch] = evaluate([d1, a1, d2], X_val, y_val)
    for epoch, loss, acc in zip(history["validation_epoch"], history["validation_loss"],
                                history["validation_accuracy"]):
        assert (loss, acc) == expected[epoch]
    # The training loss object still holds the training pass (evaluation uses its own).
    assert loss_activation.output.shape == (len(X), 3)


def test_without_the_new_options_the_history_is_as_before():
    X, y, layers, loss_activation = network()
    history = train(layers, loss_activation, Optimizer_SGD(), X, y, epochs=3, print_every=0)
    assert set(history) == {"epoch", "loss", "accuracy", "learning_rate"}


def test_the_reported_loss_includes_the_penalty(capsys):
    X, y, X_val, y_val, layers, loss_activation = split_network(weight_regularizer_l2=5e-3,
                                                                bias_regularizer_l1=1e-3)
    history = train(layers, loss_activation, Optimizer_Adam(learning_rate=0.05), X, y, epochs=20,
                    print_every=10)
    assert len(history["data_loss"]) == len(history["regularization_loss"]) == 20
    np.testing.assert_allclose(history["loss"], np.add(history["data_loss"], history["regularization_loss"]))
    dense = layers[0]
    by_hand = 5e-3 * np.sum(dense.weights ** 2) + 1e-3 * np.sum(np.abs(dense.biases))
    assert regularization_loss(layers) == pytest.approx(float(by_hand), rel=1e-5)
    assert history["regularization_loss"][-1] > 0
    assert "(data: " in capsys.readouterr().out


def test_restore_best_puts_back_the_weights_of_the_lowest_validation_loss():
    X, y, X_val, y_val, layers, loss_activation = split_network()
    X_val = X_val + 0.3  # a shifted validation set, so the validation loss turns upwards early
    options = dict(epochs=300, print_every=0, validation_data=(X_val, y_val))
    history = train(layers, loss_activation, Optimizer_Adam(learning_rate=0.05), X, y, restore_best=True, **options)
    best = history["best_epoch"]
    assert history["validation_epoch"] == list(range(1, 301))
    assert history["validation_loss"][best - 1] == min(history["validation_loss"])
    assert 1 < best < 300, "the test needs a minimum inside the run"
    assert evaluate(layers, X_val, y_val)[0] == pytest.approx(min(history["validation_loss"]), rel=1e-5)
    # patience stops the same run soon after the best epoch, with the same best weights.
    X, y, _, y_val, layers_p, loss_p = split_network()
    short = train(layers_p, loss_p, Optimizer_Adam(learning_rate=0.05), X, y, restore_best=True,
                  patience=20, **options)
    assert short["best_epoch"] == best and short["epoch"][-1] == best + 20
    for a, b in zip(layers[::2], layers_p[::2]):
        assert np.array_equal(a.weights, b.weights) and np.array_equal(a.biases, b.biases)


def test_monitor_accuracy_restores_the_weights_of_the_highest_validation_accuracy():
    X, y, X_val, y_val, layers, loss_activation = split_network()
    X_val = X_val + 0.3
    options = dict(epochs=300, print_every=0, validation_data=(X_val, y_val))
    history = train(layers, loss_activation, Optimizer_Adam(learning_rate=0.05), X, y, restore_best=True,
                    monitor="accuracy", **options)
    best = history["best_epoch"]
    accuracies = history["validation_accuracy"]
    assert best == int(np.argmax(accuracies)) + 1  # the first epoch that reached the highest accuracy
    assert evaluate(layers, X_val, y_val)[1] == pytest.approx(max(accuracies))
    # The default still chooses by the loss, and gives the same run as before.
    X, y, _, y_val, layers_l, loss_l = split_network()
    by_loss = train(layers_l, loss_l, Optimizer_Adam(learning_rate=0.05), X, y, restore_best=True, **options)
    assert by_loss["best_epoch"] == int(np.argmin(by_loss["validation_loss"])) + 1
    assert by_loss["validation_loss"] == history["validation_loss"]


def test_monitor_accuracy_with_patience_stops_after_the_best_accuracy():
    X, y, X_val, y_val, layers, loss_activation = split_network()
    history = train(layers, loss_activation, Optimizer_Adam(learning_rate=0.05), X, y, epochs=300, print_every=0,
                    validation_data=(X_val + 0.3, y_val), restore_best=True, patience=15, monitor="accuracy")
    best = history["best_epoch"]
    assert history["epoch"][-1] == best + 15 or history["epoch"][-1] == 300
    assert max(history["validation_accuracy"][best:], default=0) <= history["validation_accuracy"][best - 1]


def test_monitor_must_be_loss_or_accuracy():
    X, y, X_val, y_val, layers, loss_activation = split_network()
    with pytest.raises(ValueError, match="monitor"):
        train(layers, loss_activation, Optimizer_SGD(), X, y, epochs=2, print_every=0,
              validation_data=(X_val, y_val), monitor="val_acc")


class CountingDropout:
    """A layer with a training flag that records how it was called."""

    def __init__(self):
        self.calls = []

    def forward(self, inputs, training=False):
        self.calls.append(training)
        self.inputs = inputs
        self.output = inputs * (0.5 if training else 1.0)

    def backward(self, dvalues):
        self.dinputs = dvalues * 0.5


def test_layers_with_a_training_flag_train_in_training_mode_and_validate_without():
    X, y, X_val, y_val, (d1, a1, d2), loss_activation = split_network()
    dropout = CountingDropout()
    train([d1, a1, dropout, d2], loss_activation, Optimizer_SGD(), X, y, epochs=4, print_every=0,
          validation_data=(X_val, y_val), validate_every=2)
    # Epochs 1-4 train in training mode; epochs 2 and 4 then validate, after their updates.
    assert dropout.calls == [True, True, False, True, True, False]
    predict([d1, a1, dropout, d2], X)
    forward([d1, a1, dropout, d2], X)
    assert dropout.calls[-2:] == [False, False]


@pytest.mark.parametrize("change, phrase", [
    (dict(validation_data=[1, 2, 3]), "pair (X_val, y_val)"),
    (dict(validation_data=(np.zeros((5, 3)), np.zeros(5, dtype=int))), "2 features"),
    (dict(validation_data=(np.zeros((5, 2)), np.zeros(4, dtype=int))), "5 class indices"),
    (dict(restore_best=True), "pass validation_data"),
    (dict(patience=5), "pass validation_data"),
    (dict(validate_every=0, validation_data="v"), "validate_every"),
])
def test_bad_new_options_get_a_clear_error(change, phrase):
    X, y, X_val, y_val, layers, loss_activation = split_network()
    if change.get("validation_data") == "v":
        change["validation_data"] = (X_val, y_val)
    with pytest.raises((TypeError, ValueError)) as info:
        train(layers, loss_activation, Optimizer_SGD(), X, y, epochs=2, print_every=0, **change)
    assert phrase in str(info.value)


# --- one set of conventions with Model.train ---------------------------------------------------------

def test_train_and_the_model_report_the_same_epochs_numbers_and_lines(capsys):
    """Full batches: one step per epoch in both loops, so the same history and the same printed lines."""
    X, y, X_val, y_val, layers, loss_activation = split_network()
    hand = train(layers, loss_activation, Optimizer_Adam(learning_rate=0.05, decay=5e-7),
                 X, y, epochs=40, print_every=15, validation_data=(X_val, y_val))
    hand_lines = capsys.readouterr().out.splitlines()
    X, y, X_val, y_val, (d1, _, d2), _ = split_network()
    model = Model()
    for layer in (d1, Activation_ReLU(), d2, Activation_Softmax()):
        model.add(layer)
    model.set(loss=Loss_CategoricalCrossentropy(), optimizer=Optimizer_Adam(learning_rate=0.05, decay=5e-7),
              accuracy=Accuracy_Categorical())
    model.finalize()
    history = model.train(X, y, epochs=40, print_every=15, validation_data=(X_val, y_val))
    model_lines = capsys.readouterr().out.splitlines()
    assert hand["epoch"] == history["epoch"] == list(range(1, 41))
    assert hand["loss"] == history["loss"] and hand["accuracy"] == history["accuracy"]
    np.testing.assert_allclose(hand["validation_loss"], history["validation_loss"], rtol=1e-6)
    assert hand["validation_accuracy"] == history["validation_accuracy"]
    assert [line.split(",")[0] for line in hand_lines] == ["epoch:    15", "epoch:    30", "epoch:    40"]
    assert hand_lines == model_lines
    for a, b in zip(layers[::2], model.trainable_layers):
        assert np.array_equal(a.weights, b.weights) and np.array_equal(a.biases, b.biases)


def test_the_summary_line_format():
    assert epoch_summary(7, accuracy=0.5, loss=1.0986, learning_rate=0.05) == \
        "epoch:     7, acc: 0.500, loss: 1.10, lr: 0.05"
    assert epoch_summary(10000, accuracy=0.98765, loss=0.000123456, data_loss=0.0001, regularization_loss=2.3456e-5,
                         validation=(0.25, 0.9), learning_rate=0.0499876) == \
        ("epoch: 10000, acc: 0.988, loss: 0.000123 (data: 0.000100, reg: 2.35e-05), val_acc: 0.900, "
         "val_loss: 0.250, lr: 0.0499876")


def test_progress_prints_every_print_every_epochs_and_the_last(capsys):
    progress = TrainingProgress(25, print_every=10, show=False)
    for epoch in range(1, 26):
        progress.end_of_epoch(epoch, accuracy=0.5, loss=1.0, learning_rate=1.0)
    progress.close()
    assert [line.split(",")[0] for line in capsys.readouterr().out.splitlines()] == \
        ["epoch:    10", "epoch:    20", "epoch:    25"]
    silent = TrainingProgress(5, show=False)  # print_every=0: never
    silent.end_of_epoch(5, accuracy=0.5, loss=1.0, learning_rate=1.0)
    assert capsys.readouterr().out == ""
    with pytest.raises(ValueError, match="print_every"):
        TrainingProgress(5, print_every=-1)
