"""The checks of notebook 12 accept right answers and name the typical mistakes."""

import numpy as np
import pytest

from nnfs_helpers.exercises import nb12
from nnfs_helpers.exercises.nb12 import check_evaluate, check_generalisation_gap
from nnfs_helpers.network import (Activation_Softmax_Loss_CategoricalCrossentropy,
                                  Loss_CategoricalCrossentropy, Optimizer_Adam, accuracy)
from nnfs_helpers.training import forward


@pytest.fixture(autouse=True)
def short_timeout(monkeypatch):
    monkeypatch.setattr(nb12, "TIMEOUT", 0.5)


def verdict(result):
    assert type(result).__name__ == "CheckResult"
    return result.passed, result.message


def run_backward(layers, loss_activation, y):
    loss_activation.backward(loss_activation.output, y)
    dvalues = loss_activation.dinputs
    for layer in reversed(layers):
        layer.backward(dvalues)
        dvalues = layer.dinputs


# --- Exercise 1: evaluate ----------------------------------------------------------------------

def evaluate_right(layers, loss_activation, X, y):
    loss = loss_activation.forward(forward(layers, X), y)
    return loss, accuracy(loss_activation.output, y)


def evaluate_own_objects(layers, loss_activation, X, y):
    scorer = Activation_Softmax_Loss_CategoricalCrossentropy()
    loss = scorer.forward(forward(layers, X), y)
    predictions = np.argmax(scorer.output, axis=1)
    return [float(loss), float(np.mean(predictions == y))]


def evaluate_array(layers, loss_activation, X, y):
    return np.array(evaluate_right(layers, loss_activation, X, y))


def evaluate_written_out(layers, loss_activation, X, y):
    dense1, activation1, dense2 = layers
    dense1.forward(X)
    activation1.forward(dense1.output)
    dense2.forward(activation1.output)
    loss = loss_activation.forward(dense2.output, y)
    predictions = np.argmax(loss_activation.output, axis=1)
    return loss, np.mean(predictions == y)


@pytest.mark.parametrize("answer", [evaluate_right, evaluate_own_objects, evaluate_array,
                                    evaluate_written_out])
def test_evaluate_accepts_right_answers(answer):
    ok, message = verdict(check_evaluate(answer))
    assert ok, message
    assert "backward" not in message


def test_evaluate_accepts_the_setup_dtype():
    from nnfs_helpers import restore_numpy, setup
    setup()
    try:
        ok, message = verdict(check_evaluate(evaluate_right))
    finally:
        restore_numpy()
    assert ok, message


def evaluate_with_backward(layers, loss_activation, X, y):
    result = evaluate_right(layers, loss_activation, X, y)
    run_backward(layers, loss_activation, y)
    return result


def test_evaluate_passes_but_mentions_a_needless_backward_pass():
    ok, message = verdict(check_evaluate(evaluate_with_backward))
    assert ok
    assert "backward pass" in message


def evaluate_stub(layers, loss_activation, X, y):
    ...


def evaluate_trains(layers, loss_activation, X, y):
    optimizer = Optimizer_Adam(learning_rate=0.05)
    result = evaluate_right(layers, loss_activation, X, y)
    run_backward(layers, loss_activation, y)
    for layer in layers:
        if hasattr(layer, "weights"):
            optimizer.update_params(layer)
    return result


def evaluate_trains_first(layers, loss_activation, X, y):
    evaluate_trains(layers, loss_activation, X, y)
    return evaluate_right(layers, loss_activation, X, y)


def evaluate_axis_0(layers, loss_activation, X, y):
    loss = loss_activation.forward(forward(layers, X), y)
    return loss, np.mean(np.argmax(loss_activation.output, axis=0) == y)


def evaluate_no_axis(layers, loss_activation, X, y):
    loss = loss_activation.forward(forward(layers, X), y)
    return loss, np.mean(np.argmax(loss_activation.output) == y)


def evaluate_training_numbers(layers, loss_activation, X, y):
    # Reuses what the last training pass left in loss_activation: the training probabilities.
    return loss_activation.loss.calculate(loss_activation.output, y), accuracy(loss_activation.output, y)


def evaluate_history(layers, loss_activation, X, y):
    return 0.074, 0.967  # numbers from the notebook's training run


def evaluate_stale_output(layers, loss_activation, X, y):
    output = forward(layers, X)
    loss = Activation_Softmax_Loss_CategoricalCrossentropy().forward(output, y)
    return loss, accuracy(loss_activation.output, y)  # loss_activation still holds the training output


def evaluate_no_softmax(layers, loss_activation, X, y):
    logits = forward(layers, X)
    loss = Loss_CategoricalCrossentropy().calculate(logits, y)
    return loss, np.mean(np.argmax(logits, axis=1) == y)


def evaluate_per_sample_loss(layers, loss_activation, X, y):
    logits = forward(layers, X)
    loss_activation.forward(logits, y)
    losses = Loss_CategoricalCrossentropy().forward(loss_activation.output, y)
    return losses, accuracy(loss_activation.output, y)


def evaluate_swapped(layers, loss_activation, X, y):
    loss, acc = evaluate_right(layers, loss_activation, X, y)
    return acc, loss


def evaluate_percent(layers, loss_activation, X, y):
    loss, acc = evaluate_right(layers, loss_activation, X, y)
    return loss, 100 * acc


def evaluate_count(layers, loss_activation, X, y):
    loss = loss_activation.forward(forward(layers, X), y)
    return loss, np.sum(np.argmax(loss_activation.output, axis=1) == y)


def evaluate_error_rate(layers, loss_activation, X, y):
    loss, acc = evaluate_right(layers, loss_activation, X, y)
    return loss, 1 - acc


def evaluate_negative_loss(layers, loss_activation, X, y):
    loss, acc = evaluate_right(layers, loss_activation, X, y)
    return -loss, acc


def evaluate_first_layer_only(layers, loss_activation, X, y):
    layers[0].forward(X)
    loss = loss_activation.forward(layers[0].output[:, :3], y)
    return loss, accuracy(loss_activation.output, y)


def evaluate_loss_only(layers, loss_activation, X, y):
    return evaluate_right(layers, loss_activation, X, y)[0]


def evaluate_three_values(layers, loss_activation, X, y):
    loss, acc = evaluate_right(layers, loss_activation, X, y)
    return loss, acc, len(X)


def evaluate_dict(layers, loss_activation, X, y):
    loss, acc = evaluate_right(layers, loss_activation, X, y)
    return {"loss": loss, "accuracy": acc}


def evaluate_raises(layers, loss_activation, X, y):
    raise AttributeError("'list' object has no attribute 'forward'")


def evaluate_forever(layers, loss_activation, X, y):
    while True:
        pass


def evaluate_none_inside(layers, loss_activation, X, y):
    return None, None


@pytest.mark.parametrize("answer, words", [
    (None, "Not solved yet"),
    (..., "Not solved yet"),
    (evaluate_stub, "Not solved yet"),
    (evaluate_trains, "must not train"),
    (evaluate_trains_first, "must not train"),
    (evaluate_axis_0, "axis=1"),
    (evaluate_no_axis, "without `axis`"),
    (evaluate_stale_output, "still held"),
    (evaluate_training_numbers, "numbers on the training data"),
    (evaluate_history, "compute them from the arguments"),
    (evaluate_no_softmax, "without softmax"),
    (evaluate_per_sample_loss, "one loss per sample"),
    (evaluate_swapped, "swapped"),
    (evaluate_percent, "percentage"),
    (evaluate_count, "number of correct predictions"),
    (evaluate_error_rate, "error rate"),
    (evaluate_negative_loss, "wrong sign"),
    (evaluate_first_layer_only, "every layer of `layers`"),
    (evaluate_loss_only, "should return two numbers"),
    (evaluate_three_values, "exactly two"),
    (evaluate_dict, "should return two numbers"),
    (evaluate_raises, "raised AttributeError"),
    (evaluate_forever, "did not finish"),
    (evaluate_none_inside, "is None"),
    ("evaluate", "expected a function"),
])
def test_evaluate_diagnoses_mistakes(answer, words):
    ok, message = verdict(check_evaluate(answer))
    assert not ok
    assert words in message, message


def test_evaluate_mistakes_differ_from_the_right_answer():
    """The check's network and data make every typical mistake give a different number."""
    rng = np.random.default_rng(12)
    X_train, y_train = nb12._spiral(rng, 40)
    X_new, y_new = nb12._spiral(rng, 40)
    layers = nb12._network(rng)
    scorer = Activation_Softmax_Loss_CategoricalCrossentropy()
    loss_new = scorer.forward(forward(layers, X_new), y_new)
    acc_new = accuracy(scorer.output, y_new)
    probabilities_new = scorer.output.copy()
    loss_train = scorer.forward(forward(layers, X_train), y_train)
    acc_train = accuracy(scorer.output, y_train)
    stale = accuracy(scorer.output, y_new)
    flat = np.mean(np.argmax(probabilities_new) == y_new)
    for wrong in (acc_train, stale, flat, 1 - acc_new):
        assert not np.isclose(wrong, acc_new, rtol=1e-4)
    assert not np.isclose(loss_train, loss_new, rtol=1e-4)
    assert 0.2 < acc_new < 0.9


# --- Exercise 2: generalisation_gap ------------------------------------------------------------

def gap_right(train_accuracy, validation_accuracy):
    return train_accuracy - validation_accuracy


def gap_numpy(train_accuracy, validation_accuracy):
    return np.float32(train_accuracy) - np.float32(validation_accuracy)


@pytest.mark.parametrize("answer", [gap_right, gap_numpy])
def test_generalisation_gap_accepts_right_answers(answer):
    ok, message = verdict(check_generalisation_gap(answer))
    assert ok, message


def gap_stub(train_accuracy, validation_accuracy):
    ...


@pytest.mark.parametrize("answer, words", [
    (None, "Not solved yet"),
    (gap_stub, "Not solved yet"),
    (lambda t, v: v - t, "Wrong sign"),
    (lambda t, v: 100 * (t - v), "percentage points"),
    (lambda t, v: 100 * (v - t), "Wrong sign, and in percentage points"),
    (lambda t, v: abs(t - v), "absolute value"),
    (lambda t, v: (t - v) / t, "relative gap"),
    (lambda t, v: 100 * (t - v) / t, "relative gap in percent"),
    (lambda t, v: v / t, "ratio"),
    (lambda t, v: t / v, "ratio"),
    (lambda t, v: 1 - (t - v), "not 1 minus"),
    (lambda t, v: t - v > 0.1, "yes/no"),
    (lambda t, v: f"{t - v:.1%}", "text"),
    (lambda t, v: (t, v), "return one number"),
    (lambda t, v: t + v, "wrong values"),
    (lambda t, v: 1 / 0, "raised ZeroDivisionError"),
    (3.0, "expected a function"),
])
def test_generalisation_gap_diagnoses_mistakes(answer, words):
    ok, message = verdict(check_generalisation_gap(answer))
    assert not ok
    assert words in message, message


def test_checks_leave_global_random_state_alone():
    state = np.random.get_state()[1].copy()
    check_evaluate(evaluate_right)
    check_evaluate(evaluate_trains)
    check_generalisation_gap(gap_right)
    assert np.array_equal(np.random.get_state()[1], state)
