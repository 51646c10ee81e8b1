"""The checks of notebook 08 accept right answers and name the typical mistakes."""

import numpy as np
import pytest

from nnfs_helpers.exercises import nb08
from nnfs_helpers.exercises.nb08 import check_minibatch_epoch, check_minibatches, check_sgd_update
from nnfs_helpers.training import backward, forward

from check_results import verdict


@pytest.fixture(autouse=True)
def short_timeout(monkeypatch):
    monkeypatch.setattr(nb08, "TIMEOUT", 0.5)


# --- Exercise 1: sgd_update ------------------------------------------------------------------

def sgd_right(layer, learning_rate):
    layer.weights -= learning_rate * layer.dweights
    layer.biases -= learning_rate * layer.dbiases


def sgd_reassign(layer, learning_rate):
    layer.weights = layer.weights + -learning_rate * layer.dweights
    layer.biases = layer.biases + -learning_rate * layer.dbiases


@pytest.mark.parametrize("answer", [sgd_right, sgd_reassign])
def test_sgd_update_accepts_right_answers(answer):
    ok, message = verdict(check_sgd_update(answer))
    assert ok, message


def sgd_stub(layer, learning_rate):
    ...


def sgd_sign(layer, learning_rate):
    layer.weights += learning_rate * layer.dweights
    layer.biases += learning_rate * layer.dbiases


def sgd_no_biases(layer, learning_rate):
    layer.weights -= learning_rate * layer.dweights


def sgd_weights_not_gradient(layer, learning_rate):
    layer.weights -= learning_rate * layer.weights
    layer.biases -= learning_rate * layer.biases


def sgd_lr_twice(layer, learning_rate):
    layer.weights -= learning_rate * learning_rate * layer.dweights
    layer.biases -= learning_rate * learning_rate * layer.dbiases


def sgd_no_lr(layer, learning_rate):
    layer.weights -= layer.dweights
    layer.biases -= layer.dbiases


def sgd_local_only(layer, learning_rate):
    weights = layer.weights - learning_rate * layer.dweights
    biases = layer.biases - learning_rate * layer.dbiases
    return weights, biases


def sgd_updates_gradients(layer, learning_rate):
    layer.dweights -= learning_rate * layer.dweights
    layer.dbiases -= learning_rate * layer.dbiases


def sgd_replaces(layer, learning_rate):
    layer.weights = -learning_rate * layer.dweights
    layer.biases = -learning_rate * layer.dbiases


def sgd_biases_with_dweights(layer, learning_rate):
    layer.weights = layer.weights - learning_rate * layer.dweights
    layer.biases = layer.biases - learning_rate * layer.dweights


def sgd_biases_sign(layer, learning_rate):
    layer.weights -= learning_rate * layer.dweights
    layer.biases += learning_rate * layer.dbiases


def sgd_raises(layer, learning_rate):
    raise ValueError("boom")


def sgd_loops_forever(layer, learning_rate):
    while True:
        pass


def sgd_sets_none(layer, learning_rate):
    layer.weights = None


@pytest.mark.parametrize("answer, words", [
    (None, "Not solved yet"),
    (..., "Not solved yet"),
    (sgd_stub, "Not solved yet"),
    (sgd_sign, "Wrong sign"),
    (sgd_no_biases, "forgot the biases"),
    (sgd_weights_not_gradient, "itself"),
    (sgd_lr_twice, "applied twice"),
    (sgd_no_lr, "ignores `learning_rate`"),
    (sgd_local_only, "did not store them"),
    (sgd_updates_gradients, "instead of the parameters"),
    (sgd_replaces, "replaced"),
    (sgd_biases_with_dweights, "dbiases"),
    (sgd_biases_sign, "Wrong sign"),
    (sgd_raises, "raised ValueError: boom"),
    (sgd_loops_forever, "did not finish"),
    (sgd_sets_none, "is None"),
    (42, "expected a function"),
])
def test_sgd_update_diagnoses_mistakes(answer, words):
    ok, message = verdict(check_sgd_update(answer))
    assert not ok
    assert words in message, message


# --- Exercise 2: minibatches -----------------------------------------------------------------

def batches_right(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        chosen = order[start:start + batch_size]
        yield X[chosen], y[chosen]


def batches_as_list(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    return [(X[order[s:s + batch_size]], y[order[s:s + batch_size]]) for s in range(0, len(X), batch_size)]


def batches_array_split(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    for chosen in np.array_split(order, -(-len(X) // batch_size)):
        yield X[chosen], y[chosen]


@pytest.mark.parametrize("answer", [batches_right, batches_as_list, batches_array_split])
def test_minibatches_accepts_right_answers(answer):
    ok, message = verdict(check_minibatches(answer))
    assert ok, message


def batches_stub(X, y, batch_size, rng):
    ...


def batches_unshuffled(X, y, batch_size, rng):
    for start in range(0, len(X), batch_size):
        yield X[start:start + batch_size], y[start:start + batch_size]


def batches_pairs_broken(X, y, batch_size, rng):
    X_order, y_order = rng.permutation(len(X)), rng.permutation(len(X))
    for start in range(0, len(X), batch_size):
        yield X[X_order[start:start + batch_size]], y[y_order[start:start + batch_size]]


def batches_drop_last(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    for start in range(0, len(X) - batch_size + 1, batch_size):
        chosen = order[start:start + batch_size]
        yield X[chosen], y[chosen]


def batches_overlap(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    for start in range(0, len(X), batch_size - 1):
        chosen = order[start:start + batch_size]
        yield X[chosen], y[chosen]


def batches_with_replacement(X, y, batch_size, rng):
    for start in range(0, len(X), batch_size):
        chosen = rng.integers(0, len(X), size=min(batch_size, len(X) - start))
        yield X[chosen], y[chosen]


def batches_global_random(X, y, batch_size, rng):
    order = np.random.permutation(len(X))
    for start in range(0, len(X), batch_size):
        chosen = order[start:start + batch_size]
        yield X[chosen], y[chosen]


def batches_fresh_generator(X, y, batch_size, rng):
    yield from batches_right(X, y, batch_size, np.random.default_rng(0))


def batches_in_place(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    X[:], y[:] = X[order], y[order]
    for start in range(0, len(X), batch_size):
        yield X[start:start + batch_size], y[start:start + batch_size]


def batches_single_samples(X, y, batch_size, rng):
    for i in rng.permutation(len(X)):
        yield X[i], y[i]


def batches_swapped(X, y, batch_size, rng):
    for X_batch, y_batch in batches_right(X, y, batch_size, rng):
        yield y_batch, X_batch


def batches_forever(X, y, batch_size, rng):
    while True:
        yield from batches_right(X, y, batch_size, rng)


def batches_hang(X, y, batch_size, rng):
    while True:
        pass
    yield


def batches_hang_at_call(X, y, batch_size, rng):
    while True:
        pass


def batches_raise(X, y, batch_size, rng):
    raise IndexError("index 12 is out of bounds")


def batches_raise_later(X, y, batch_size, rng):
    yield X[:1], y[:1]
    raise IndexError("index 12 is out of bounds")


def batches_triples(X, y, batch_size, rng):
    for X_batch, y_batch in batches_right(X, y, batch_size, rng):
        yield X_batch, y_batch, len(y_batch)


def batches_empty_tail(X, y, batch_size, rng):
    order = rng.permutation(len(X))
    for start in range(0, len(X) + batch_size, batch_size):
        chosen = order[start:start + batch_size]
        yield X[chosen], y[chosen]


def batches_number(X, y, batch_size, rng):
    return 3


@pytest.mark.parametrize("answer, words", [
    (None, "Not solved yet"),
    (batches_stub, "Not solved yet"),
    (batches_unshuffled, "nothing was shuffled"),
    (batches_pairs_broken, "shuffled differently"),
    (batches_drop_last, "last, smaller batch is missing"),
    (batches_overlap, "overlap"),
    (batches_with_replacement, "replacement"),
    (batches_global_random, "`rng` argument"),
    (batches_fresh_generator, "same order"),
    (batches_in_place, "in place"),
    (batches_single_samples, "one sample at a time"),
    (batches_swapped, "swap"),
    (batches_forever, "kept yielding"),
    (batches_hang, "did not finish"),
    (batches_hang_at_call, "did not finish"),
    (batches_raise, "raised IndexError"),
    (batches_raise_later, "raised IndexError"),
    (batches_triples, "a tuple of 3 values"),
    (batches_empty_tail, "empty"),
    (batches_number, "returned 3 (of type int)"),
    ("text", "expected a function"),
])
def test_minibatches_diagnoses_mistakes(answer, words):
    ok, message = verdict(check_minibatches(answer))
    assert not ok
    assert words in message, message


# --- Exercise 3: minibatch_epoch --------------------------------------------------------------

def run_batch(layers, loss_activation, X_batch, y_batch):
    loss = loss_activation.forward(forward(layers, X_batch), y_batch)
    backward(layers, loss_activation, y_batch)
    return loss


def epoch_right(layers, loss_activation, optimizer, X, y, batch_size, rng, weighted=False,
                returns="mean"):
    losses, sizes = [], []
    for X_batch, y_batch in batches_right(X, y, batch_size, rng):
        losses.append(run_batch(layers, loss_activation, X_batch, y_batch))
        sizes.append(len(X_batch))
        optimizer.pre_update_params()
        for layer in layers:
            if hasattr(layer, "weights"):
                optimizer.update_params(layer)
        optimizer.post_update_params()
    if returns == "mean":
        return np.average(losses, weights=sizes) if weighted else np.mean(losses)
    return {"last": losses[-1], "sum": sum(losses), "list": losses, "none": None}[returns]


def epoch_weighted(*args):
    return epoch_right(*args, weighted=True)


@pytest.mark.parametrize("answer", [epoch_right, epoch_weighted])
def test_minibatch_epoch_accepts_right_answers(answer):
    ok, message = verdict(check_minibatch_epoch(answer))
    assert ok, message


def test_minibatch_epoch_accepts_the_setup_dtype():
    from nnfs_helpers import restore_numpy, setup
    setup()
    try:
        ok, message = verdict(check_minibatch_epoch(epoch_right))
    finally:
        restore_numpy()
    assert ok, message


def epoch_stub(layers, loss_activation, optimizer, X, y, batch_size, rng):
    ...


def epoch_full_batch(layers, loss_activation, optimizer, X, y, batch_size, rng):
    loss = run_batch(layers, loss_activation, X, y)
    optimizer.update_params(layers[0])
    optimizer.update_params(layers[2])
    return loss


def epoch_forward_all(layers, loss_activation, optimizer, X, y, batch_size, rng):
    losses = []
    for _ in batches_right(X, y, batch_size, rng):
        losses.append(run_batch(layers, loss_activation, X, y))
        optimizer.update_params(layers[0])
        optimizer.update_params(layers[2])
    return np.mean(losses)


def epoch_stale_gradient(layers, loss_activation, optimizer, X, y, batch_size, rng):
    losses = []
    for number, (X_batch, y_batch) in enumerate(batches_right(X, y, batch_size, rng)):
        if number == 0:
            losses.append(run_batch(layers, loss_activation, X_batch, y_batch))
        else:  # forward only: the gradients are left over from the first batch
            output = X_batch
            for layer in layers:
                layer.forward(output)
                output = layer.output
            losses.append(loss_activation.forward(output, y_batch))
        optimizer.update_params(layers[0])
        optimizer.update_params(layers[2])
    return np.mean(losses)


def epoch_one_layer(layers, loss_activation, optimizer, X, y, batch_size, rng):
    for X_batch, y_batch in batches_right(X, y, batch_size, rng):
        run_batch(layers, loss_activation, X_batch, y_batch)
        optimizer.update_params(layers[2])
    return 1.0


def epoch_no_optimizer(layers, loss_activation, optimizer, X, y, batch_size, rng):
    for X_batch, y_batch in batches_right(X, y, batch_size, rng):
        run_batch(layers, loss_activation, X_batch, y_batch)
    return 1.0


def epoch_pairs_broken(layers, loss_activation, optimizer, X, y, batch_size, rng):
    losses = []
    for X_batch, y_batch in batches_pairs_broken(X, y, batch_size, rng):
        losses.append(run_batch(layers, loss_activation, X_batch, y_batch))
        optimizer.update_params(layers[0])
        optimizer.update_params(layers[2])
    return np.mean(losses)


def epoch_drop_last(layers, loss_activation, optimizer, X, y, batch_size, rng):
    losses = []
    for X_batch, y_batch in batches_drop_last(X, y, batch_size, rng):
        losses.append(run_batch(layers, loss_activation, X_batch, y_batch))
        optimizer.update_params(layers[0])
        optimizer.update_params(layers[2])
    return np.mean(losses)


def epoch_with(batches, schedule="step"):
    """An epoch over `batches(X, y, batch_size, rng)`; `schedule` says where pre/post go."""
    def answer(layers, loss_activation, optimizer, X, y, batch_size, rng):
        losses = []
        if schedule == "epoch":
            optimizer.pre_update_params()
        for X_batch, y_batch in batches(X, y, batch_size, rng):
            losses.append(run_batch(layers, loss_activation, X_batch, y_batch))
            if schedule == "step":
                optimizer.pre_update_params()
            for layer in (layers[0], layers[2]):
                if schedule == "layer":
                    optimizer.pre_update_params()
                optimizer.update_params(layer)
                if schedule == "layer":
                    optimizer.post_update_params()
            if schedule == "step":
                optimizer.post_update_params()
            if schedule == "post first":
                optimizer.post_update_params()
                optimizer.pre_update_params()
        if schedule == "epoch":
            optimizer.post_update_params()
        return np.mean(losses)
    return answer


def batches_in_order(X, y, batch_size, rng):
    for start in range(0, len(X), batch_size):
        yield X[start:start + batch_size], y[start:start + batch_size]


def batches_fixed_seed(X, y, batch_size, rng):
    order = np.random.default_rng(0).permutation(len(X))  # the same order every epoch
    for start in range(0, len(X), batch_size):
        chosen = order[start:start + batch_size]
        yield X[chosen], y[chosen]


def epoch_update_outside(layers, loss_activation, optimizer, X, y, batch_size, rng):
    losses = []
    for X_batch, y_batch in batches_right(X, y, batch_size, rng):
        losses.append(run_batch(layers, loss_activation, X_batch, y_batch))
    optimizer.pre_update_params()  # one update, after the loop: only the last batch's gradient
    optimizer.update_params(layers[0])
    optimizer.update_params(layers[2])
    optimizer.post_update_params()
    return np.mean(losses)


def epoch_update_before_backward(layers, loss_activation, optimizer, X, y, batch_size, rng,
                                 skip_first=False):
    losses = []
    for X_batch, y_batch in batches_right(X, y, batch_size, rng):
        output = X_batch
        for layer in layers:
            layer.forward(output)
            output = layer.output
        losses.append(loss_activation.forward(output, y_batch))
        if not skip_first or hasattr(layers[0], "dweights"):  # the update, before the backward pass
            optimizer.pre_update_params()
            optimizer.update_params(layers[0])
            optimizer.update_params(layers[2])
            optimizer.post_update_params()
        backward(layers, loss_activation, y_batch)
    return np.mean(losses)


def epoch_update_before_backward_guarded(*args):  # skips the first update: no crash, stale steps
    return epoch_update_before_backward(*args, skip_first=True)


def epoch_returns(kind):
    def answer(*args):
        return epoch_right(*args, returns=kind)
    return answer


def epoch_raises(*args):
    raise AttributeError("'Layer_Dense' object has no attribute 'dweights'")


def epoch_forever(*args):
    while True:
        pass


@pytest.mark.parametrize("answer, words", [
    (None, "Not solved yet"),
    (epoch_stub, "Not solved yet"),
    (epoch_full_batch, "full-batch"),
    (epoch_forward_all, "used all of X"),
    (epoch_stale_gradient, "gradients from the backward pass of an earlier batch"),
    (epoch_update_before_backward, "the update comes before the backward pass"),
    (epoch_update_before_backward_guarded, "the update comes before this batch's backward pass"),
    (epoch_one_layer, "updated 0 times"),
    (epoch_no_optimizer, "never updated"),
    (epoch_pairs_broken, "same indices"),
    (epoch_drop_last, "last, smaller batch"),
    (epoch_with(batches_in_order), "nothing was shuffled"),
    (epoch_with(batches_fixed_seed), "same order"),
    (epoch_update_outside, "after the loop"),
    (epoch_with(batches_right, schedule="none"), "never called"),
    (epoch_with(batches_right, schedule="epoch"), "once for the whole epoch"),
    (epoch_with(batches_right, schedule="layer"), "once per layer"),
    (epoch_with(batches_right, schedule="post first"), "not in their places"),
    (epoch_returns("last"), "last batch"),
    (epoch_returns("sum"), "sum"),
    (epoch_returns("list"), "one number"),
    (epoch_returns("none"), "returns None"),
    (epoch_raises, "raised AttributeError"),
    (epoch_forever, "did not finish"),
])
def test_minibatch_epoch_diagnoses_mistakes(answer, words):
    ok, message = verdict(check_minibatch_epoch(answer))
    assert not ok
    assert words in message, message


def test_checks_leave_global_random_state_alone():
    state = np.random.get_state()[1].copy()
    check_sgd_update(sgd_right)
    check_minibatches(batches_right)
    check_minibatch_epoch(epoch_right)
    assert np.array_equal(np.random.get_state()[1], state)


# --- Quiz ---------------------------------------------------------------------------------------

def test_quiz_answers_are_right_and_explained():
    quiz = nb08.quiz()
    assert len(quiz.questions) >= 5
    for index, question in enumerate(quiz.questions):
        assert quiz.answer(index, question.answer).startswith(("Correct", "Right"))
    updates = quiz.questions[3]
    assert updates.options[updates.answer] == "10"  # 300 samples, batches of 32: 9 full and 1 of 12


# --- Exercise 4: judge the comparison at another learning rate -----------------------------------

# A table like the learner's: one row per start (full 300 epochs, mini 300 epochs, full 3,000 epochs).
OWN_TABLE = np.array([[1.09, 1.01, 1.00], [1.08, 1.03, 1.04], [1.09, 1.02, 1.01]])


def _label(differences, yardstick):
    mean = np.mean(differences)
    if mean < -2 * yardstick:
        return "mini-batches lower"
    if mean > 2 * yardstick:
        return "full batch lower"
    return "no clear difference"


def _se(d):
    return np.std(d, ddof=1) / np.sqrt(len(d))


def judge_right(table):
    per_epoch, per_step = table[:, 1] - table[:, 0], table[:, 1] - table[:, 2]
    return _label(per_epoch, _se(per_epoch)), _label(per_step, _se(per_step))


def judge_swapped(table):
    per_epoch, per_step = table[:, 0] - table[:, 1], table[:, 2] - table[:, 1]
    return _label(per_epoch, _se(per_epoch)), _label(per_step, _se(per_step))


def judge_wrong_column(table):
    per_epoch = table[:, 1] - table[:, 0]
    return _label(per_epoch, _se(per_epoch)), _label(per_epoch, _se(per_epoch))


def judge_unpaired(table):
    def unpaired(a, b):
        return _label(np.mean(a) - np.mean(b),
                      np.sqrt(np.var(a, ddof=1) / len(a) + np.var(b, ddof=1) / len(b)))
    return unpaired(table[:, 1], table[:, 0]), unpaired(table[:, 1], table[:, 2])


def judge_spread(table):
    per_epoch, per_step = table[:, 1] - table[:, 0], table[:, 1] - table[:, 2]
    return (_label(per_epoch, np.std(per_epoch, ddof=1)), _label(per_step, np.std(per_step, ddof=1)))


def judge_always_lower(table):
    return "mini-batches lower", "mini-batches lower"


def test_judge_right_answer_passes_and_states_the_verdicts():
    passed, message = verdict(nb08.check_judge(judge_right, OWN_TABLE))
    assert passed, message
    assert "per epoch, mini-batches lower" in message and "per step, no clear difference" in message


@pytest.mark.parametrize("answer, phrase", [
    (judge_swapped, "wrong way round"),
    (judge_wrong_column, "column 2"),
    (judge_unpaired, "independent samples"),
    (judge_spread, "standard deviation"),
    (judge_always_lower, "on test case 3"),
])
def test_judge_mistakes_are_named(answer, phrase):
    passed, message = verdict(nb08.check_judge(answer, OWN_TABLE))
    assert not passed and phrase in message, message


def test_judge_checks_the_learners_own_run():
    # right on the fixed cases, but a verdict copied from learning rate 1.0 on the learner's run
    def judge_copied(table):
        if np.array_equal(table, OWN_TABLE):
            return "mini-batches lower", "mini-batches lower"
        return judge_right(table)
    passed, message = verdict(nb08.check_judge(judge_copied, OWN_TABLE))
    assert not passed and "your run" in message, message


@pytest.mark.parametrize("answer", [
    lambda table: ...,
    lambda table: None,
    lambda table: ("lower", "higher"),
    lambda table: 1 / 0,
    lambda table: "mini-batches lower",
    ...,
    3,
])
def test_judge_never_raises_and_stubs_do_not_pass(answer):
    passed, message = verdict(nb08.check_judge(answer, OWN_TABLE))
    assert not passed


@pytest.mark.parametrize("table", [None, [[1, 2]], np.ones((1, 3)), "table", [[1.0, np.nan, 1.0]] * 3])
def test_judge_bad_table_is_reported(table):
    passed, message = verdict(nb08.check_judge(judge_right, table))
    assert not passed and "second argument" in message
