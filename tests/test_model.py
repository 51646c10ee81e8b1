"""The Model of notebook 18: the chain, the backward it chooses, batch iteration, evaluation,
and that it trains the networks of notebooks 12-16 to the same numbers as their hand-written
loops (same seed, full batches: one step per epoch, as in those loops)."""

import numpy as np
import pytest
from nnfs.datasets import sine_data, spiral_data

from nnfs_helpers import restore_numpy, setup
from nnfs_helpers.network import (Accuracy_Categorical, Accuracy_Regression, Activation_Linear, Activation_ReLU,
                                  Activation_Sigmoid, Activation_Softmax,
                                  Activation_Softmax_Loss_CategoricalCrossentropy, Layer_Dense, Layer_Dropout,
                                  Layer_Input, Loss_BinaryCrossentropy, Loss_CategoricalCrossentropy,
                                  Loss_MeanAbsoluteError, Loss_MeanSquaredError, Model, Optimizer_Adam,
                                  Optimizer_SGD)
from nnfs_helpers.training import train as hand_train


@pytest.fixture(autouse=True)
def reproducible():
    setup()
    yield
    restore_numpy()


def build(layers, loss, optimizer, accuracy):
    model = Model()
    for layer in layers:
        model.add(layer)
    model.set(loss=loss, optimizer=optimizer, accuracy=accuracy)
    model.finalize()
    return model


def spiral_model(n_inputs=2, hidden=64, classes=3, **dense_options):
    return build([Layer_Dense(n_inputs, hidden, **dense_options), Activation_ReLU(), Layer_Dense(hidden, classes),
                  Activation_Softmax()], Loss_CategoricalCrossentropy(),
                 Optimizer_Adam(learning_rate=0.05, decay=5e-7), Accuracy_Categorical())


def same_parameters(dense_layers, model):
    return all(np.array_equal(a.weights, b.weights) and np.array_equal(a.biases, b.biases)
               for a, b in zip(dense_layers, model.trainable_layers))


# --- finalize ------------------------------------------------------------------------------------

def test_finalize_links_the_layers_into_a_chain():
    model = spiral_model()
    layers = model.layers
    assert isinstance(layers[0].prev, Layer_Input)
    for before, after in zip(layers, layers[1:]):
        assert before.next is after and after.prev is before
    assert layers[-1].next is model.loss
    assert model.trainable_layers == [layers[0], layers[2]]
    assert model.loss.trainable_layers == model.trainable_layers
    assert model.output_layer_activation is layers[-1]


@pytest.mark.parametrize("last, loss, combined", [
    (Activation_Softmax, Loss_CategoricalCrossentropy, True),
    (Activation_Sigmoid, Loss_BinaryCrossentropy, False),
    (Activation_Linear, Loss_MeanSquaredError, False),
    (Activation_Linear, Loss_MeanAbsoluteError, False),
    (Activation_Softmax, Loss_MeanSquaredError, False),
    (Activation_Sigmoid, Loss_CategoricalCrossentropy, False),
])
def test_the_combined_backward_is_chosen_exactly_when_it_applies(last, loss, combined):
    model = build([Layer_Dense(2, 3), last()], loss(), Optimizer_SGD(), Accuracy_Categorical())
    assert (model.softmax_classifier_output is not None) == combined


def test_the_combined_backward_gives_the_chained_gradient():
    restore_numpy()
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(7, 2)), rng.integers(0, 3, size=7)
    model = spiral_model(hidden=5)
    output = model.forward(X, training=True)
    model.backward(output, y)
    combined = model.layers[0].dweights.copy()
    # The same network through the softmax's Jacobian and the loss's own backward.
    model.softmax_classifier_output = None
    model.backward(output, y)
    np.testing.assert_allclose(model.layers[0].dweights, combined, rtol=1e-7, atol=1e-12)


def test_using_a_model_before_finalize_or_without_pieces_says_what_to_do():
    model = Model()
    with pytest.raises(ValueError, match="no layers"):
        model.finalize()
    model.add(Layer_Dense(2, 3))
    model.add(Activation_Softmax())
    X, y = np.zeros((4, 2)), np.zeros(4, dtype=int)
    with pytest.raises(RuntimeError, match="finalize"):
        model.train(X, y)
    model.set(loss=Loss_CategoricalCrossentropy(), accuracy=Accuracy_Categorical())
    model.finalize()
    with pytest.raises(RuntimeError, match="optimizer"):
        model.train(X, y)
    model.set(optimizer=Optimizer_SGD())
    with pytest.raises(ValueError, match="2-D"):
        model.train(X[0], y)
    with pytest.raises(ValueError, match="one entry or row per sample"):
        model.train(X, y[:3])
    with pytest.raises(ValueError, match="batch_size"):
        model.train(X, y, batch_size=0)
    with pytest.raises(TypeError, match="validation_data"):
        model.train(X, y, validation_data=X)


# --- the same numbers as the hand-written loops ----------------------------------------------------

def test_notebook_12_network_adam():
    X, y = spiral_data(samples=100, classes=3)
    layers = [Layer_Dense(2, 64), Activation_ReLU(), Layer_Dense(64, 3)]
    hand = hand_train(layers, Activation_Softmax_Loss_CategoricalCrossentropy(),
                      Optimizer_Adam(learning_rate=0.05, decay=5e-7), X, y, epochs=200, print_every=0, progress=False)
    setup()
    X2, y2 = spiral_data(samples=100, classes=3)
    model = spiral_model()
    history = model.train(X2, y2, epochs=200, print_every=0)
    assert same_parameters(layers[::2], model)
    assert history["loss"] == hand["loss"]
    assert history["accuracy"] == hand["accuracy"]


def test_notebook_13_network_l2():
    X, y = spiral_data(samples=50, classes=3)
    options = dict(weight_regularizer_l2=5e-4, bias_regularizer_l2=5e-4)
    layers = [Layer_Dense(2, 64, **options), Activation_ReLU(), Layer_Dense(64, 3)]
    hand = hand_train(layers, Activation_Softmax_Loss_CategoricalCrossentropy(),
                      Optimizer_Adam(learning_rate=0.05, decay=5e-7), X, y, epochs=200, print_every=0, progress=False)
    setup()
    X2, y2 = spiral_data(samples=50, classes=3)
    model = spiral_model(**options)
    history = model.train(X2, y2, epochs=200, print_every=0)
    assert same_parameters(layers[::2], model)
    # The same penalties (Loss.regularization_loss), summed and added the same way: equal to the bit.
    for key in ("data_loss", "regularization_loss", "loss"):
        assert history[key] == hand[key], key
    assert history["regularization_loss"][-1] > 0


def test_notebook_14_network_dropout_same_seed_same_masks():
    X, y = spiral_data(samples=50, classes=3)
    X_val, y_val = spiral_data(samples=100, classes=3)
    start = np.random.get_state()
    layers = [Layer_Dense(2, 64), Activation_ReLU(), Layer_Dropout(0.1), Layer_Dense(64, 3)]
    hand = hand_train(layers, Activation_Softmax_Loss_CategoricalCrossentropy(),
                      Optimizer_Adam(learning_rate=0.05, decay=5e-7), X, y, epochs=150, print_every=0,
                      progress=False, validation_data=(X_val, y_val))
    np.random.set_state(start)
    model = build([Layer_Dense(2, 64), Activation_ReLU(), Layer_Dropout(0.1), Layer_Dense(64, 3),
                   Activation_Softmax()], Loss_CategoricalCrossentropy(),
                  Optimizer_Adam(learning_rate=0.05, decay=5e-7), Accuracy_Categorical())
    history = model.train(X, y, epochs=150, print_every=0, validation_data=(X_val, y_val))
    assert np.array_equal(layers[2].binary_mask, model.layers[2].binary_mask)
    assert same_parameters([layers[0], layers[3]], model)
    assert history["loss"] == hand["loss"]
    # Both validate after each epoch's update, on the weights the epoch ends with.
    assert history["epoch"] == hand["epoch"] == hand["validation_epoch"]
    np.testing.assert_allclose(history["validation_loss"], hand["validation_loss"], rtol=1e-6)
    assert history["validation_accuracy"] == hand["validation_accuracy"]


def test_notebook_15_network_binary():
    X, y = spiral_data(samples=100, classes=2)
    y = y.reshape(-1, 1)
    setup(seed=1)
    dense1, relu, dense2, sigmoid = Layer_Dense(2, 64), Activation_ReLU(), Layer_Dense(64, 1), Activation_Sigmoid()
    loss_function, optimizer = Loss_BinaryCrossentropy(), Optimizer_Adam(learning_rate=0.005, decay=5e-7)
    losses, accuracies = [], []
    for _ in range(300):  # notebook 15's loop
        dense1.forward(X)
        relu.forward(dense1.output)
        dense2.forward(relu.output)
        sigmoid.forward(dense2.output)
        losses.append(float(loss_function.calculate(sigmoid.output, y)))
        accuracies.append(float(np.mean(sigmoid.predictions(sigmoid.output) == y)))
        loss_function.backward(sigmoid.output, y)
        sigmoid.backward(loss_function.dinputs)
        dense2.backward(sigmoid.dinputs)
        relu.backward(dense2.dinputs)
        dense1.backward(relu.dinputs)
        optimizer.pre_update_params()
        optimizer.update_params(dense1)
        optimizer.update_params(dense2)
        optimizer.post_update_params()
    setup(seed=1)
    model = build([Layer_Dense(2, 64), Activation_ReLU(), Layer_Dense(64, 1), Activation_Sigmoid()],
                  Loss_BinaryCrossentropy(), Optimizer_Adam(learning_rate=0.005, decay=5e-7),
                  Accuracy_Categorical(binary=True))
    history = model.train(X, y, epochs=300, print_every=0)
    assert same_parameters([dense1, dense2], model)
    np.testing.assert_allclose(history["loss"], losses, rtol=1e-6)
    assert history["accuracy"] == accuracies


def test_notebook_16_network_regression():
    X, y = sine_data(samples=64)
    precision = np.std(y) / 250

    def sine_layers():
        layers = [Layer_Dense(1, 64), Activation_ReLU(), Layer_Dense(64, 64), Activation_ReLU(),
                  Layer_Dense(64, 1), Activation_Linear()]
        for dense in layers[::2]:
            dense.weights *= 10
        return layers

    setup(0)
    layers = sine_layers()
    loss_function, optimizer = Loss_MeanSquaredError(), Optimizer_Adam(learning_rate=0.005, decay=1e-3)
    losses, accuracies = [], []
    for _ in range(200):  # notebook 16's loop
        output = X
        for layer in layers:
            layer.forward(output)
            output = layer.output
        losses.append(float(loss_function.calculate(output, y)))
        accuracies.append(float(np.mean(np.abs(layers[-1].predictions(output) - y) < precision)))
        loss_function.backward(output, y)
        dvalues = loss_function.dinputs
        for layer in reversed(layers):
            layer.backward(dvalues)
            dvalues = layer.dinputs
        optimizer.pre_update_params()
        for dense in layers[::2]:
            optimizer.update_params(dense)
        optimizer.post_update_params()
    setup(0)
    model = build(sine_layers(), Loss_MeanSquaredError(), Optimizer_Adam(learning_rate=0.005, decay=1e-3),
                  Accuracy_Regression())
    history = model.train(X, y, epochs=200, print_every=0)
    assert model.accuracy.precision == precision
    assert same_parameters(layers[::2], model)
    np.testing.assert_allclose(history["loss"], losses, rtol=1e-6)
    assert history["accuracy"] == accuracies


# --- mini-batches ----------------------------------------------------------------------------------

class Recorder:
    """A layer that passes its inputs on and records which samples (first column) it saw."""

    def __init__(self):
        self.seen = []

    def forward(self, inputs, training):
        if training:
            self.seen.append(inputs[:, 0].astype(int).tolist())
        self.output = inputs

    def backward(self, dvalues):
        self.dinputs = dvalues


@pytest.mark.parametrize("n, batch_size", [(10, 4), (12, 4), (7, 7), (5, 8), (1, 1), (33, 32)])
def test_every_sample_is_used_once_per_epoch_including_the_last_partial_batch(n, batch_size):
    recorder = Recorder()
    model = build([recorder, Layer_Dense(2, 2), Activation_Softmax()], Loss_CategoricalCrossentropy(),
                  Optimizer_SGD(), Accuracy_Categorical())
    X = np.c_[np.arange(n), np.zeros(n)].astype(np.float32)
    y = np.arange(n) % 2
    epochs = 3
    history = model.train(X, y, epochs=epochs, batch_size=batch_size, print_every=0)
    steps = -(-n // batch_size)
    assert len(recorder.seen) == epochs * steps
    assert model.optimizer.iterations == epochs * steps
    orders = []
    for epoch in range(epochs):
        batches = recorder.seen[epoch * steps:(epoch + 1) * steps]
        assert [len(batch) for batch in batches] == [min(batch_size, n - k) for k in range(0, n, batch_size)]
        order = sum(batches, [])
        assert sorted(order) == list(range(n))
        orders.append(order)
    if n >= 7:
        assert orders[0] != orders[1] or orders[1] != orders[2], "the order should be reshuffled every epoch"
    # The epoch's accuracy is the mean over all its samples, however the batches fall.
    assert model.accuracy.accumulated_count == n
    assert 0 <= history["accuracy"][-1] <= 1


def test_accumulated_loss_is_the_mean_over_samples_not_over_batches():
    loss = Loss_CategoricalCrossentropy()
    loss.new_pass()
    a = np.array([[0.9, 0.1], [0.5, 0.5], [0.2, 0.8]])
    loss.calculate(a[:2], np.array([0, 0]))
    loss.calculate(a[2:], np.array([0]))
    expected = np.mean(-np.log([0.9, 0.5, 0.2]))
    assert np.isclose(loss.calculate_accumulated(), expected)
    accuracy = Accuracy_Categorical()
    accuracy.new_pass()
    accuracy.calculate(np.array([0, 1, 1, 1]), np.array([0, 1, 1, 1]))
    accuracy.calculate(np.array([0]), np.array([1]))
    assert accuracy.calculate_accumulated() == pytest.approx(0.8)


def test_loss_calculate_keeps_its_old_meaning():
    loss = Loss_CategoricalCrossentropy()
    value = loss.calculate(np.array([[0.7, 0.3]]), np.array([0]))
    assert np.ndim(value) == 0 and np.isclose(value, -np.log(0.7))
    data, regularization = loss.calculate(np.array([[0.7, 0.3]]), np.array([0]), include_regularization=True)
    assert np.isclose(data, -np.log(0.7)) and regularization == 0


# --- evaluate, predict, parameters -----------------------------------------------------------------

def test_evaluate_changes_no_weights_and_no_dropout_state():
    X, y = spiral_data(samples=30, classes=3)
    model = build([Layer_Dense(2, 16), Activation_ReLU(), Layer_Dropout(0.3), Layer_Dense(16, 3),
                   Activation_Softmax()], Loss_CategoricalCrossentropy(),
                  Optimizer_Adam(learning_rate=0.01), Accuracy_Categorical())
    model.train(X, y, epochs=3, batch_size=16, print_every=0)
    before = model.get_parameters()
    mask = model.layers[2].binary_mask.copy()
    random_state = np.random.get_state()
    iterations = model.optimizer.iterations
    first = model.evaluate(X, y)
    second = model.evaluate(X, y, batch_size=7)
    assert first[0] == pytest.approx(second[0], rel=1e-6) and first[1] == second[1]
    assert all(np.array_equal(a, b) for pair, now in zip(before, model.get_parameters()) for a, b in zip(pair, now))
    assert np.array_equal(model.layers[2].binary_mask, mask)
    assert np.array_equal(np.random.get_state()[1], random_state[1])
    assert model.optimizer.iterations == iterations
    # Evaluation mode: dropout passes everything, so predictions are deterministic.
    assert np.array_equal(model.predict(X), model.predict(X, batch_size=5))


def test_get_parameters_returns_copies_and_set_parameters_checks_before_changing():
    model = spiral_model(hidden=8)
    parameters = model.get_parameters()
    parameters[0][0][...] = 123
    assert not np.any(model.layers[0].weights == 123)
    original = model.get_parameters()
    wrong = [original[0], (np.zeros((4, 3)), np.zeros((1, 3)))]
    with pytest.raises(ValueError, match="trainable layer 1"):
        model.set_parameters(wrong)
    with pytest.raises(ValueError, match="2 trainable layers"):
        model.set_parameters(original[:1])
    assert all(np.array_equal(a, b) for pair, now in zip(original, model.get_parameters()) for a, b in zip(pair, now))
    other = spiral_model(hidden=8)
    other.set_parameters(original)
    X = np.random.randn(5, 2)
    assert np.array_equal(model.predict(X), other.predict(X))


def test_the_file_methods_are_the_ones_notebook_20_adds(tmp_path):
    """Notebook 18 leaves the four file methods to notebook 20; once it is exported they work
    (notebook 20's own tests cover their errors)."""
    model = spiral_model()
    model.save_parameters(str(tmp_path / "x.npz"))
    model.load_parameters(str(tmp_path / "x.npz"))
    model.save(str(tmp_path / "x.model"))
    assert isinstance(Model.load(str(tmp_path / "x.model")), Model)



@pytest.mark.parametrize("loss, head", [(Loss_BinaryCrossentropy, Activation_Sigmoid),
                                        (Loss_MeanSquaredError, Activation_Linear)])
def test_one_output_head_refuses_one_dimensional_targets(loss, head):
    model = build([Layer_Dense(2, 8), Activation_ReLU(), Layer_Dense(8, 1), head()], loss(),
                  Optimizer_Adam(learning_rate=0.01), Accuracy_Categorical(binary=True) if head is Activation_Sigmoid
                  else Accuracy_Regression())
    X = np.random.randn(50, 2)
    y = (X[:, 0] > 0).astype(int)
    for call in (lambda: model.train(X, y, epochs=1, print_every=0), lambda: model.evaluate(X, y),
                 lambda: model.train(X, y.reshape(-1, 1), epochs=1, print_every=0, validation_data=(X, y))):
        with pytest.raises(ValueError, match=r"reshape\(-1, 1\)"):
            call()
    model.train(X, y.reshape(-1, 1), epochs=1, print_every=0)  # a column is fine


class BookStyleModel(Model):
    """The calls the book's Model makes: forward(inputs, training) on every layer, positionally, and
    regularization_loss() with no argument."""

    def forward(self, X, training):
        self.input_layer.forward(X, training)
        for layer in self.layers:
            layer.forward(layer.prev.output, training)
        return layer.output


def test_a_book_style_model_trains_with_the_course_layers():
    X, y = spiral_data(samples=50, classes=3)
    setup()
    book = BookStyleModel()
    for layer in (Layer_Dense(2, 64, weight_regularizer_l2=5e-4, bias_regularizer_l2=5e-4), Activation_ReLU(),
                  Layer_Dropout(0.1), Layer_Dense(64, 3), Activation_Softmax()):
        book.add(layer)
    book.set(loss=Loss_CategoricalCrossentropy(), optimizer=Optimizer_Adam(learning_rate=0.02),
             accuracy=Accuracy_Categorical())
    book.finalize()
    for _ in range(20):  # the book's loop body, step by step
        output = book.forward(X, training=True)
        data_loss = book.loss.calculate(output, y)
        regularization_loss = book.loss.regularization_loss()
        book.backward(output, y)
        book.optimizer.pre_update_params()
        for layer in book.trainable_layers:
            book.optimizer.update_params(layer)
        book.optimizer.post_update_params()
    assert np.isfinite(data_loss) and regularization_loss > 0
    assert book.loss.regularization_loss() == sum(book.loss.regularization_loss(layer) for layer in book.trainable_layers)

    setup()
    course = build([Layer_Dense(2, 64, weight_regularizer_l2=5e-4, bias_regularizer_l2=5e-4), Activation_ReLU(),
                    Layer_Dropout(0.1), Layer_Dense(64, 3), Activation_Softmax()],
                   Loss_CategoricalCrossentropy(), Optimizer_Adam(learning_rate=0.02), Accuracy_Categorical())
    course.train(X, y, epochs=20, print_every=0)
    for a, b in zip(book.trainable_layers, course.trainable_layers):
        assert np.array_equal(a.weights, b.weights) and np.array_equal(a.biases, b.biases)


def test_regularization_loss_without_a_layer_is_zero_for_a_loss_with_no_layers():
    assert Loss_CategoricalCrossentropy().regularization_loss() == 0
