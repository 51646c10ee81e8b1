"""The checks of notebook 12 accept right answers and name the typical mistakes."""

import numpy as np
import pytest

from nnfs_helpers.exercises import nb12
from nnfs_helpers.exercises.nb12 import check_accuracy_with_error, check_evaluate, check_training_loop
from nnfs_helpers.network import (Activation_Softmax_Loss_CategoricalCrossentropy,
                                  Loss_CategoricalCrossentropy, Optimizer_Adam, accuracy)
from nnfs_helpers.training import forward, train

from check_results import verdict


@pytest.fixture(autouse=True)
def short_timeout(monkeypatch):
    monkeypatch.setattr(nb12, "TIMEOUT", 0.5)


def raises(*args, **kwargs):
    raise ValueError("boom")


def loops_forever(*args, **kwargs):
    while True:
        pass


def run_backward(layers, loss_activation, y):
    loss_activation.backward(loss_activation.output, y)
    dvalues = loss_activation.dinputs
    for layer in reversed(layers):
        layer.backward(dvalues)
        dvalues = layer.dinputs


# --- Exercise 2: evaluate ----------------------------------------------------------------------

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


def evaluate_with_loss_backward(layers, loss_activation, X, y):
    result = evaluate_right(layers, loss_activation, X, y)
    loss_activation.backward(loss_activation.output, y)  # the first half of a backward pass
    return result


def evaluate_library(layers, loss_activation, X, y):
    from nnfs_helpers.training import evaluate as library_evaluate
    return library_evaluate(layers, X, y)


def evaluate_library_alias(layers, loss_activation, X, y):
    judge = __import__("nnfs_helpers.training", fromlist=["evaluate"]).evaluate
    loss, acc = judge(layers, X, y)
    return loss, acc


@pytest.mark.parametrize("answer, words", [
    (evaluate_with_backward, "also runs the backward pass"),
    (evaluate_with_loss_backward, "also runs the backward pass"),
    (evaluate_library, "nnfs_helpers.training.evaluate"),
    (evaluate_library_alias, "nnfs_helpers.training.evaluate"),
])
def test_evaluate_refuses_a_backward_pass_and_the_library_function(answer, words):
    ok, message = verdict(check_evaluate(answer))
    assert not ok
    assert words in message, message


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


# --- Exercise 1: train_loop ---------------------------------------------------------------------

def loop_right(layers, loss_activation, optimizer, X, y, epochs):
    losses = []
    for epoch in range(epochs):
        output = X
        for layer in layers:
            layer.forward(output)
            output = layer.output
        losses.append(loss_activation.forward(output, y))
        loss_activation.backward(loss_activation.output, y)
        dvalues = loss_activation.dinputs
        for layer in reversed(layers):
            layer.backward(dvalues)
            dvalues = layer.dinputs
        optimizer.pre_update_params()
        for layer in layers:
            if hasattr(layer, "weights"):
                optimizer.update_params(layer)
        optimizer.post_update_params()
    return losses


def loop_with_helpers(layers, loss_activation, optimizer, X, y, epochs):
    from nnfs_helpers.training import backward
    losses = []
    for _ in range(epochs):
        losses.append(float(loss_activation.forward(forward(layers, X), y)))
        backward(layers, loss_activation, y)
        optimizer.pre_update_params()
        for layer in (layers[0], layers[2]):
            optimizer.update_params(layer)
        optimizer.post_update_params()
    return np.array(losses)


def loop_pre_per_layer(layers, loss_activation, optimizer, X, y, epochs):
    """pre_update_params once per layer only recomputes the same learning rate: harmless."""
    return nb12._loop_reference(layers, loss_activation, optimizer, X, y, epochs, pre_per_layer=True)


@pytest.mark.parametrize("answer", [loop_right, loop_with_helpers, loop_pre_per_layer])
def test_training_loop_accepts_right_answers(answer):
    ok, message = verdict(check_training_loop(answer))
    assert ok, message


def loop_reference(**switches):
    def answer(layers, loss_activation, optimizer, X, y, epochs):
        return nb12._loop_reference(layers, loss_activation, optimizer, X, y, epochs, **switches)
    return answer


def loop_stub(layers, loss_activation, optimizer, X, y, epochs):
    losses = []
    for epoch in range(epochs):
        ...
    return losses


def loop_no_backward(layers, loss_activation, optimizer, X, y, epochs):
    for _ in range(epochs):
        loss_activation.forward(forward(layers, X), y)
        for layer in (layers[0], layers[2]):
            optimizer.update_params(layer)


def loop_every_layer(layers, loss_activation, optimizer, X, y, epochs):
    loss_activation.forward(forward(layers, X), y)
    loss_activation.backward(loss_activation.output, y)
    for layer in layers:
        optimizer.update_params(layer)


def loop_forward_order(layers, loss_activation, optimizer, X, y, epochs):
    loss_activation.forward(forward(layers, X), y)
    loss_activation.backward(loss_activation.output, y)
    dvalues = loss_activation.dinputs
    for layer in layers:
        layer.backward(dvalues)
        dvalues = layer.dinputs


def loop_globals(layers, loss_activation, optimizer, X, y, epochs):
    return [1.0] * epochs  # trains some other network, never the one it was given


def loop_calls_train(layers, loss_activation, optimizer, X, y, epochs):
    return train(layers, loss_activation, optimizer, X, y, epochs=epochs, print_every=0, progress=False)["loss"]


fit = train  # an alias made in another cell: the function's code never names `train`


def loop_calls_train_by_another_name(layers, loss_activation, optimizer, X, y, epochs):
    return fit(layers, loss_activation, optimizer, X, y, epochs=epochs, print_every=0, progress=False)["loss"]


def _helper_that_trains(*args, **kwargs):
    return train(*args, **kwargs)


def loop_calls_a_wrapper_of_train(layers, loss_activation, optimizer, X, y, epochs):
    return _helper_that_trains(layers, loss_activation, optimizer, X, y, epochs=epochs, print_every=0,
                               progress=False)["loss"]


def loop_no_return(layers, loss_activation, optimizer, X, y, epochs):
    loop_right(layers, loss_activation, optimizer, X, y, epochs)


def loop_last_loss(layers, loss_activation, optimizer, X, y, epochs):
    return loop_right(layers, loss_activation, optimizer, X, y, epochs)[-1]


def loop_one_epoch_short(layers, loss_activation, optimizer, X, y, epochs):
    return loop_right(layers, loss_activation, optimizer, X, y, epochs - 1)


@pytest.mark.parametrize("answer, words", [
    (None, "Not solved yet"),
    (loop_stub, "Not solved yet"),
    (loop_reference(pre=False), "pre_update_params"),
    (loop_reference(post=False), "post_update_params"),
    (loop_reference(pre=False, post=False), "post_update_params"),
    (loop_reference(update=[0]), "Only the first dense layer"),
    (loop_reference(update=[1]), "Only the last dense layer"),
    (loop_reference(backward_every_epoch=False), "only once"),
    (loop_reference(post_before_update=True), "before the updates"),
    (loop_reference(pre_after_update=True), "after the updates"),
    (loop_no_backward, "dweights"),
    (loop_every_layer, "only the dense layers"),
    (loop_forward_order, "reversed(layers)"),
    (loop_globals, "did not change"),
    (loop_calls_train, "calls `train`"),
    (loop_calls_train_by_another_name, "runs the course's `train`"),
    (loop_calls_a_wrapper_of_train, "runs the course's `train`"),
    (loop_reference(post_per_layer=True), "`post_update_params()` runs once per layer"),
    (loop_reference(pre_per_layer=True, post_per_layer=True), "run once per layer"),
    (loop_no_return, "returned None"),
    (loop_last_loss, "not only the last one"),
    (loop_one_epoch_short, "epochs when asked"),
    (raises, "raised ValueError"),
    (loops_forever, "did not finish"),
    ("loop", "expected a function"),
])
def test_training_loop_diagnoses_mistakes(answer, words):
    ok, message = verdict(check_training_loop(answer))
    assert not ok
    assert words in message, message


def test_training_loop_mistakes_all_differ_from_the_right_loop():
    """Each wrong loop leaves different weights on the check's network (so none passes by luck)."""
    right, _, _ = nb12._loop_outcome(lambda *a: nb12._loop_reference(*a, nb12.LOOP_EPOCHS))
    for switches in (dict(pre=False), dict(post=False), dict(update=[0]), dict(update=[1]),
                     dict(backward_every_epoch=False), dict(post_before_update=True),
                     dict(pre_after_update=True), dict(post_per_layer=True),
                     dict(pre_per_layer=True, post_per_layer=True)):
        wrong, _, _ = nb12._loop_outcome(lambda *a, s=switches: nb12._loop_reference(*a, nb12.LOOP_EPOCHS, **s))
        assert not np.allclose(wrong, right, rtol=1e-6), switches


# --- Exercise 3: accuracy_with_error ------------------------------------------------------------

def error_right(predictions, y):
    p = np.mean(predictions == y)
    return p, np.sqrt(p * (1 - p) / len(y))


def error_n_minus_one(predictions, y):
    p = np.mean(np.asarray(predictions) == np.asarray(y))
    return [float(p), float(np.sqrt(p * (1 - p) / (len(y) - 1)))]


@pytest.mark.parametrize("answer", [error_right, error_n_minus_one])
def test_accuracy_with_error_accepts_right_answers(answer):
    ok, message = verdict(check_accuracy_with_error(answer))
    assert ok, message


def error_stub(predictions, y):
    ...


def error_with(transform):
    def answer(predictions, y):
        p = np.mean(predictions == y)
        return transform(p, len(y))
    return answer


@pytest.mark.parametrize("answer, words", [
    (None, "Not solved yet"),
    (error_stub, "Not solved yet"),
    (error_with(lambda p, n: (p, p * (1 - p) / n)), "variance"),
    (error_with(lambda p, n: (p, np.sqrt(p * (1 - p)) / n)), "inside the square root"),
    (error_with(lambda p, n: (p, np.sqrt(p * (1 - p)))), "left out n"),
    (error_with(lambda p, n: (p, np.sqrt(0.25 / n))), "p = 0.5"),
    (error_with(lambda p, n: (p, 100 * np.sqrt(p * (1 - p) / n))), "percentage points"),
    (error_with(lambda p, n: (p, np.sqrt(p / n))), "(1 - p)"),
    (error_with(lambda p, n: (p, 2 * np.sqrt(p * (1 - p) / n))), "two standard errors"),
    (error_with(lambda p, n: (p * n, np.sqrt(p * (1 - p) / n))), "number of right predictions"),
    (error_with(lambda p, n: (1 - p, np.sqrt(p * (1 - p) / n))), "error rate"),
    (error_with(lambda p, n: (100 * p, np.sqrt(p * (1 - p) / n))), "percentage"),
    (error_with(lambda p, n: p), "should return two numbers"),
    (error_with(lambda p, n: (p, np.sqrt(p * (1 - p) / n), n)), "should return two numbers"),
    (raises, "raised ValueError"),
    (loops_forever, "did not finish"),
    (3.0, "expected a function"),
])
def test_accuracy_with_error_diagnoses_mistakes(answer, words):
    ok, message = verdict(check_accuracy_with_error(answer))
    assert not ok
    assert words in message, message


def test_checks_leave_global_random_state_alone():
    state = np.random.get_state()[1].copy()
    check_training_loop(loop_right)
    check_evaluate(evaluate_right)
    check_evaluate(evaluate_trains)
    check_accuracy_with_error(error_right)
    assert np.array_equal(np.random.get_state()[1], state)


def test_quiz_right_answers_vary():
    answers = [q.answer for q in nb12.quiz().questions]
    assert len(set(answers)) > 1
