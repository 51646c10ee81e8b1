"""Exercise checks for notebook 12 · The full network.

* `check_training_loop(train_loop)`: the whole training loop, written once: forward pass, loss,
  backward pass, then pre_update_params, update_params for each dense layer, post_update_params.
* `check_evaluate(evaluate)`: the loss and accuracy of a trained network on new data, from a
  forward pass only (no backward pass, no optimiser step).
* `check_accuracy_with_error(accuracy_with_error)`: a validation accuracy and its standard
  error, sqrt(p (1 - p) / n).
* `quiz()`: the notebook's quiz.

Every check returns a `CheckResult` and never raises because of the learner's answer. The
checks draw their data from their own random generator, so NumPy's global random state (the
one `setup()` seeds) is left as it was.
"""

import inspect
import sys

import numpy as np

from ..checking import (LearnerError, Mistake, call_learner, compare, failed, guarded, not_solved, passed,
                        short, to_array)
from ..network import (Activation_ReLU, Activation_Softmax_Loss_CategoricalCrossentropy, Layer_Dense,
                       Loss_CategoricalCrossentropy, Optimizer_Adam, accuracy)
from ..quiz import Question, Quiz
from .. import network, training
from ..training import forward

__all__ = ["check_training_loop", "check_evaluate", "check_accuracy_with_error", "quiz"]

TIMEOUT = None  # None: checking.DEFAULT_TIMEOUT, the one setting of how long a learner's function may run


def _code_of(function):
    return getattr(inspect.unwrap(function), "__code__", None)


def _library_loops():
    """The code of the course's own training loops: `train`, and the Model's, if there is one."""
    model = getattr(network, "Model", None)
    functions = [training.train] + [getattr(model, name) for name in ("train", "fit") if hasattr(model, name)]
    return {code for code in map(_code_of, functions) if code is not None}


def _library_evaluators():
    """The code of the course's own evaluation: `nnfs_helpers.training.evaluate`."""
    functions = [training.evaluate]
    return {code for code in map(_code_of, filter(None, functions)) if code is not None}


def _running(codes, call):
    """Call `call()`; return its result and whether any function with a code object in `codes` ran.

    It watches the calls themselves, so an alias (`fit = train`) or a wrapper is seen as well as
    a direct call.
    """
    seen = []

    def watch(frame, event, arg):
        if event == "call" and frame.f_code in codes:
            seen.append(frame.f_code.co_name)

    previous = sys.getprofile()
    sys.setprofile(watch)
    try:
        result = call()
    finally:
        sys.setprofile(previous)
    return result, bool(seen)


# --- Exercise 2: evaluate ------------------------------------------------------------------

def _spiral(rng, samples, classes=3):
    """A small spiral data set like nnfs's, drawn from `rng` (not NumPy's global generator)."""
    X = np.zeros((samples * classes, 2))
    y = np.zeros(samples * classes, dtype=np.uint8)
    for label in range(classes):
        rows = slice(samples * label, samples * (label + 1))
        radius = np.linspace(0.0, 1.0, samples)
        angle = np.linspace(label * 4, (label + 1) * 4, samples) + rng.normal(size=samples) * 0.2
        X[rows] = np.c_[radius * np.sin(angle * 2.5), radius * np.cos(angle * 2.5)]
        y[rows] = label
    return X, y


def _network(rng, hidden=16):
    """[Layer_Dense(2, hidden), Activation_ReLU(), Layer_Dense(hidden, 3)] with weights from `rng`."""
    state = np.random.get_state()  # Layer_Dense() draws from the global generator: put it back
    try:
        dense1, dense2 = Layer_Dense(2, hidden), Layer_Dense(hidden, 3)
    finally:
        np.random.set_state(state)
    dense1.weights = rng.normal(scale=1.5, size=(2, hidden))
    dense1.biases = rng.normal(scale=0.3, size=(1, hidden))
    dense2.weights = rng.normal(scale=1.0, size=(hidden, 3))
    dense2.biases = rng.normal(scale=0.3, size=(1, 3))
    return [dense1, Activation_ReLU(), dense2]


def _train_step_state(layers, loss_activation, X, y):
    """Leave the objects as train() leaves them: forward and backward pass on the training data."""
    loss = loss_activation.forward(forward(layers, X), y)
    loss_activation.backward(loss_activation.output, y)
    dvalues = loss_activation.dinputs
    for layer in reversed(layers):
        layer.backward(dvalues)
        dvalues = layer.dinputs
    return loss


# --- Exercise 1: train_loop ----------------------------------------------------------------

LOOP_EPOCHS = 6


def _loop_reference(layers, loss_activation, optimizer, X, y, epochs, *, pre=True, post=True,
                    update=None, backward_every_epoch=True, post_before_update=False,
                    pre_after_update=False, pre_per_layer=False, post_per_layer=False):
    """The training loop, and (with the keyword switches) its typical wrong versions.

    Returns the loss of every epoch, as the learner's loop should.
    """
    trainable = [layer for layer in layers if hasattr(layer, "weights")]
    updated = trainable if update is None else [trainable[i] for i in update]
    losses = []
    for epoch in range(epochs):
        loss = loss_activation.forward(forward(layers, X), y)
        losses.append(float(loss))
        if backward_every_epoch or epoch == 0:
            loss_activation.backward(loss_activation.output, y)
            dvalues = loss_activation.dinputs
            for layer in reversed(layers):
                layer.backward(dvalues)
                dvalues = layer.dinputs
        if pre and not pre_after_update and not pre_per_layer:
            optimizer.pre_update_params()
        if post and post_before_update:
            optimizer.post_update_params()
        for layer in updated:
            if pre_per_layer:
                optimizer.pre_update_params()
            optimizer.update_params(layer)
            if post_per_layer:
                optimizer.post_update_params()
        if post_per_layer:
            continue
        if pre and pre_after_update:
            optimizer.pre_update_params()
        if post and not post_before_update:
            optimizer.post_update_params()
    return losses


def _loop_setup():
    """A small network, data and an Adam with a strong decay (so that a missing hook shows)."""
    rng = np.random.default_rng(1212)
    X, y = _spiral(rng, 30)
    layers = _network(rng, hidden=8)
    for layer in layers:
        if hasattr(layer, "weights"):
            layer.weights *= 0.3
    return layers, Activation_Softmax_Loss_CategoricalCrossentropy(), \
        Optimizer_Adam(learning_rate=0.05, decay=0.2), X, y


def _loop_outcome(run):
    """Run `run(layers, loss_activation, optimizer, X, y)` on a fresh setup; return (weights, returned)."""
    layers, loss_activation, optimizer, X, y = _loop_setup()
    returned = run(layers, loss_activation, optimizer, X, y)
    weights = [np.concatenate([np.ravel(layer.weights), np.ravel(layer.biases)])
               for layer in layers if hasattr(layer, "weights")]
    return np.concatenate(weights), returned, optimizer


@guarded("Exercise 1: train_loop")
def check_training_loop(train_loop):
    """Run `train_loop(layers, loss_activation, optimizer, X, y, epochs)` for a few epochs and
    compare the weights it leaves with those of the right loop (and of its typical wrong versions)."""
    title = "Exercise 1: train_loop"
    hints = {"AttributeError": "If it names `dweights` or `dinputs`: a layer is updated before its "
                               "backward pass has run. Each epoch is forward, loss, backward, then the "
                               "update; and only the dense layers (those with `weights`) are updated.",
             "ValueError": "A shape mismatch in the backward pass usually means the layers were walked "
                           "in forward order: go through `reversed(layers)`, last layer first."}
    if "train" in getattr(getattr(train_loop, "__code__", None), "co_names", ()):
        return failed(title, "Your function calls `train`. This exercise is the loop inside `train`: write "
                             "the forward pass, the loss, the backward pass and the optimiser's calls yourself.")
    start, _, _ = _loop_outcome(lambda *args: None)
    expected, expected_losses, _ = _loop_outcome(lambda *a: _loop_reference(*a, LOOP_EPOCHS))

    used_library = []

    def learner(layers, loss_activation, optimizer, X, y):
        returned, ran = _running(_library_loops(), lambda: call_learner(
            train_loop, layers, loss_activation, optimizer, X, y, LOOP_EPOCHS, name="train_loop",
            timeout=TIMEOUT, hints=hints))
        used_library.append(ran)
        return returned

    weights, returned, optimizer = _loop_outcome(learner)
    if any(used_library):
        return failed(title, "Your function runs the course's `train` (under another name or through "
                             "another function). This exercise is the loop inside `train`: write the "
                             "forward pass, the loss, the backward pass and the optimiser's calls yourself.")
    if np.array_equal(weights, start) and (returned is None or (isinstance(returned, (list, tuple))
                                                                and len(returned) == 0)):
        return not_solved(title, "your `train_loop` changed no weight and returned no loss. Write the loop "
                                 "in the cell above, run it, then run this check again.")
    if np.array_equal(weights, start):
        return failed(title, "The weights of the layers you were given did not change. Update the layers "
                             "in `layers` (the argument), not `dense1` and `dense2` of the notebook, and "
                             "call `optimizer.update_params(layer)` for each dense layer in every epoch.")
    if not np.all(np.isfinite(weights)):
        return failed(title, "The weights became inf or NaN. Check the sign of the update and the order "
                             "of the steps: forward, loss, backward, then update.")
    if not np.allclose(weights, expected, rtol=1e-6, atol=1e-9):
        wrong_versions = [
            (dict(pre=False), "You never call `optimizer.pre_update_params()`: the decay never lowers "
                              "the learning rate. Call it once per epoch, before the updates."),
            (dict(post=False), "You never call `optimizer.post_update_params()`: the step counter "
                               "`iterations` stays at 0, so the decay never acts and Adam's bias "
                               "correction always thinks it is at step 1. Call it once per epoch, after "
                               "the updates (and `pre_update_params()` once, before them)."),
            (dict(update=[0]), "Only the first dense layer is updated. Call `optimizer.update_params` "
                               "for every layer that has weights."),
            (dict(update=[1]), "Only the last dense layer is updated. Call `optimizer.update_params` "
                               "for every layer that has weights."),
            (dict(backward_every_epoch=False), "The backward pass runs only once, so every later update "
                                               "uses the gradients of the first epoch. Run the backward "
                                               "pass in every epoch, after its forward pass."),
            (dict(post_before_update=True), "`post_update_params()` runs before the updates: Adam then "
                                            "uses the next step's number. Order: pre_update_params, "
                                            "update_params for each layer, post_update_params."),
            (dict(post_per_layer=True), "`post_update_params()` runs once per layer, inside the loop over "
                                        "the layers, so the step counter moves two steps per epoch and "
                                        "the second layer is updated with the next step's learning rate "
                                        "and bias correction. Call it once per epoch, after all the updates."),
            (dict(pre_per_layer=True, post_per_layer=True),
             "`pre_update_params()` and `post_update_params()` run once per layer, inside the loop over "
             "the layers, so the step counter moves two steps per epoch. Each belongs once per epoch: "
             "pre_update_params, update_params for each layer, post_update_params."),
            (dict(pre_after_update=True), "`pre_update_params()` runs after the updates, so each update "
                                          "uses the previous epoch's learning rate. Order: "
                                          "pre_update_params, update_params for each layer, "
                                          "post_update_params."),
        ]
        for switches, message in wrong_versions:
            wrong, _, _ = _loop_outcome(lambda *a, s=switches: _loop_reference(*a, LOOP_EPOCHS, **s))
            if np.allclose(weights, wrong, rtol=1e-6, atol=1e-9):
                return failed(title, message)
        for epochs in (LOOP_EPOCHS - 1, LOOP_EPOCHS + 1):
            wrong, _, _ = _loop_outcome(lambda *a, e=epochs: _loop_reference(*a, e))
            if np.allclose(weights, wrong, rtol=1e-6, atol=1e-9):
                return failed(title, f"Your loop ran {epochs} epochs when asked for {LOOP_EPOCHS}: "
                                     "`for epoch in range(epochs):` runs exactly `epochs` of them.")
        return failed(title, f"After {LOOP_EPOCHS} epochs the weights differ from those of the right loop. "
                             "Each epoch: forward through every layer, `loss_activation.forward(output, y)`, "
                             "`loss_activation.backward(loss_activation.output, y)`, each layer's backward "
                             "in reverse order, then `optimizer.pre_update_params()`, "
                             "`optimizer.update_params(layer)` for each dense layer, "
                             "`optimizer.post_update_params()`.")
    if isinstance(returned, dict):
        return failed(title, "Your function returned a dictionary, like `train`'s history: write the loop "
                             "yourself (this exercise is the loop inside `train`) and return the list of "
                             "losses, one per epoch.")
    if returned is None:
        return failed(title, "The weights are right, but your function returned None. Return the list "
                             "of the losses, one per epoch.")
    losses = to_array(returned, "the returned losses")
    return compare(losses, expected_losses, title, rtol=1e-5, label="the returned losses", mistakes=[
        Mistake(lambda a: a.size == 1, "Return the loss of every epoch (a list), not only the last one."),
        Mistake(lambda a: a.size == LOOP_EPOCHS and np.allclose(a[1:], expected_losses[:-1], rtol=1e-5),
                "Your losses are shifted by one epoch."),
    ], success="forward, loss, backward, then pre_update_params, update_params for each dense layer and "
               "post_update_params: the same weights as the reference loop after "
               f"{LOOP_EPOCHS} epochs. That loop is all that `train` does.")


def _snapshot(layers, names):
    return [[np.array(getattr(layer, name), dtype=np.float64, copy=True) for name in names]
            for layer in layers if hasattr(layer, "weights")]


def _moved(layers, before, names):
    """True when a trainable layer's arrays differ from `before` (or are gone)."""
    after = [layer for layer in layers if hasattr(layer, "weights")]
    for layer, arrays in zip(after, before):
        for name, old in zip(names, arrays):
            try:
                new = np.asarray(getattr(layer, name), dtype=np.float64)
            except (AttributeError, TypeError, ValueError):
                return True
            if new.shape != old.shape or not np.array_equal(new, old):
                return True
    return False


def _one_number(value, what):
    """A returned loss or accuracy as a float, or a LearnerError saying why it is not one."""
    array = to_array(value, what)
    if array.size != 1:
        hint = ""
        if what == "the returned loss" and array.size > 1:
            hint = (" It looks like one loss per sample: return their mean, as "
                    "`loss_activation.forward(output, y)` does.")
        elif array.size > 1:
            hint = " Accuracy is one number: the mean of `predictions == y`."
        raise LearnerError(f"{what} should be a single number, but it has shape {array.shape}.{hint}")
    return float(array.reshape(()))


def _close(a, b):
    return bool(np.isclose(a, b, rtol=1e-4, atol=1e-6))


class _Verdict(Exception):
    """Carries a finished CheckResult out of a helper."""

    def __init__(self, result):
        super().__init__(result.message)
        self.result = result


def _fail(title, message):
    raise _Verdict(failed(title, message))


def _call_evaluate(evaluate, layers, loss_activation, training, X, y, title):
    """Put the objects in their after-training state, call `evaluate` once, judge the answer.

    Returns (loss, accuracy) when both numbers are right and nothing was trained or
    backpropagated; raises _Verdict or
    LearnerError otherwise.
    """
    X_train, y_train = training
    # The right answer and the typical wrong ones, computed with a separate loss object.
    scorer = Activation_Softmax_Loss_CategoricalCrossentropy()
    logits = forward(layers, X).copy()
    expected_loss = float(scorer.forward(logits, y))
    probabilities = scorer.output.copy()
    expected_accuracy = float(accuracy(probabilities, y))
    raw_loss = float(Loss_CategoricalCrossentropy().calculate(logits, y))

    # The state train() leaves behind: the last pass was forward and backward on the training data.
    train_loss = float(_train_step_state(layers, loss_activation, X_train, y_train))
    train_probabilities = loss_activation.output.copy()
    train_accuracy = float(accuracy(train_probabilities, y_train))
    parameters = _snapshot(layers, ("weights", "biases"))
    gradients = _snapshot(layers, ("dweights", "dbiases"))
    loss_gradient = np.array(loss_activation.dinputs, copy=True)

    try:
        returned, library = _running(_library_evaluators(), lambda: call_learner(
            evaluate, layers, loss_activation, X, y, name="evaluate", timeout=TIMEOUT))
    except LearnerError as problem:
        # Which arrays did not line up is read from the objects' state, never from NumPy's wording
        # (it changes between releases): a ValueError with the loss's output still as long as the
        # training data means stale probabilities; with it as long as `y`, a wrong axis.
        message = str(problem)
        output = getattr(loss_activation, "output", None)
        stale = np.ndim(output) == 2 and len(output) != len(y)
        if problem.kind == "ValueError" and not stale:
            _fail(title, message + " Your predictions have one entry per class, not one per sample: "
                                   "take `np.argmax(..., axis=1)`, across each row.")
        if problem.kind == "ValueError":
            _fail(title, message + " The predictions and the labels have different lengths: are the "
                                   "probabilities left over from another data set (the training data, "
                                   "in `loss_activation.output`)? Compute them from the `X` you are given.")
        raise

    if _moved(layers, parameters, ("weights", "biases")):
        _fail(title, "The weights or biases changed while `evaluate` ran. Evaluation must not train: no "
                     "`optimizer.update_params`, no `train(...)`. Run the forward pass and the loss, "
                     "nothing else; otherwise the network learns from the very data you want to test it on.")
    if library:
        _fail(title, "Your `evaluate` hands the work to the course's `nnfs_helpers.training.evaluate`. "
                     "Write it yourself: the forward pass through `layers`, `loss_activation.forward(output, "
                     "y)`, and the accuracy from `loss_activation.output`.")
    current = getattr(loss_activation, "dinputs", None)
    if _moved(layers, gradients, ("dweights", "dbiases")) or not (
            isinstance(current, np.ndarray) and current.shape == loss_gradient.shape
            and np.array_equal(current, loss_gradient)):
        _fail(title, "Your `evaluate` also runs the backward pass: the gradients changed. Evaluation is "
                     "the forward pass and the loss only. A backward pass here computes gradients from "
                     "the data you are testing on, and the next `update_params` would train on them.")

    if isinstance(returned, np.ndarray) and returned.shape == (2,):
        returned = tuple(returned)
    if returned is None:
        raise LearnerError("`evaluate` returned None. Did you forget `return loss, acc`?", unsolved=True)
    if returned is Ellipsis:
        raise LearnerError("`evaluate` returned `...`.", unsolved=True)
    if not isinstance(returned, (tuple, list)):
        _fail(title, f"`evaluate` returned {short(returned)} (a {type(returned).__name__}); it should "
                     "return two numbers, the loss and the accuracy: `return loss, acc`.")
    if len(returned) != 2:
        _fail(title, f"`evaluate` returned {len(returned)} values; it should return exactly two, the loss "
                     "and then the accuracy.")
    loss = _one_number(returned[0], "the returned loss")
    acc = _one_number(returned[1], "the returned accuracy")

    if _close(loss, expected_accuracy) and _close(acc, expected_loss) and not _close(loss, expected_loss):
        _fail(title, "The two numbers are swapped: return the loss first, then the accuracy.")
    stale = ("`loss_activation.output` still held the probabilities of the last training pass: call "
             "`loss_activation.forward(output, y)` on the new data first, and use what it returns and "
             "stores.")
    if _close(loss, train_loss) and _close(acc, train_accuracy):
        _fail(title, "Those are the numbers on the training data. " + stale)

    loss_mistakes = [
        Mistake(raw_loss, "Your loss went straight from the last dense layer's outputs into the "
                          "cross-entropy, without softmax. Use `loss_activation.forward(output, y)`: it "
                          "applies softmax first, then the loss."),
        Mistake(train_loss, "Your loss is the one on the training data. " + stale),
        Mistake(-expected_loss, "Your loss has the wrong sign: cross-entropy is -log(probability), "
                                "a positive number."),
    ]
    if not _close(loss, expected_loss):
        for mistake in loss_mistakes:
            if mistake.matches(np.asarray(loss)):
                _fail(title, mistake.message)
        _fail(title, f"the returned loss is {loss:.6g}, but it should be {expected_loss:.6g}. Run `X` "
                     "through every layer of `layers`, in order, then compute "
                     "`loss = loss_activation.forward(output, y)`. If your numbers come from elsewhere in "
                     "the notebook (such as `history['loss'][-1]`), compute them from the arguments instead.")

    predictions = np.argmax(probabilities, axis=1)
    mistakes = []
    if len(train_probabilities) == len(y):
        mistakes.append(Mistake(accuracy(train_probabilities, y),
                                "Your accuracy comes from the training data's probabilities. " + stale))
    result = compare(acc, expected_accuracy, title, rtol=1e-4, label="the returned accuracy", mistakes=mistakes + [
        Mistake(np.mean(np.argmax(probabilities) == y),
                "`np.argmax` without `axis` gives one index into the flattened array. Use "
                "`np.argmax(probabilities, axis=1)`: one class per sample."),
        Mistake(np.sum(predictions == y), "That is the number of correct predictions; accuracy is the "
                                          "fraction of them: take the mean."),
        Mistake(100 * expected_accuracy, "That is a percentage. Return a fraction between 0 and 1, as "
                                         "`accuracy()` does."),
        Mistake(1 - expected_accuracy, "That is the error rate (the fraction of wrong predictions): "
                                       "accuracy is the fraction of right ones."),
    ])
    if not result:
        raise _Verdict(result)
    return loss, acc


@guarded("Exercise 2: evaluate")
def check_evaluate(evaluate):
    """Check `evaluate(layers, loss_activation, X, y)` -> (loss, accuracy) on two new data sets."""
    title = "Exercise 2: evaluate"
    rng = np.random.default_rng(12)
    training = _spiral(rng, 40)
    new_sets = [_spiral(rng, 40), _spiral(rng, 25)]  # the first as large as the training set
    layers = _network(rng)
    loss_activation = Activation_Softmax_Loss_CategoricalCrossentropy()
    answers = []
    try:
        for X, y in new_sets:
            answers.append(_call_evaluate(evaluate, layers, loss_activation, training, X, y, title))
    except _Verdict as verdict:
        return verdict.result
    (loss, acc), _ = answers
    return passed(title, f"on its first new data set, the check's small untrained network has loss "
                         f"{loss:.3f} and accuracy {acc:.3f}, as expected, and its weights did not move.")




# --- Exercise 3: accuracy_with_error -------------------------------------------------------

def _error_cases():
    """(predictions, labels) pairs of different sizes and accuracies, from their own generator."""
    rng = np.random.default_rng(1203)
    cases = []
    for n, p in ((300, 0.8), (40, 0.55), (1000, 0.93)):
        labels = rng.integers(0, 3, size=n)
        right = rng.random(n) < p
        predictions = np.where(right, labels, (labels + rng.integers(1, 3, size=n)) % 3)
        cases.append((predictions, labels))
    return cases


@guarded("Exercise 3: accuracy_with_error")
def check_accuracy_with_error(accuracy_with_error):
    """Check `accuracy_with_error(predictions, y)` -> (accuracy, standard error) on three cases."""
    title = "Exercise 3: accuracy_with_error"
    for predictions, labels in _error_cases():
        n = len(labels)
        returned = call_learner(accuracy_with_error, predictions.copy(), labels.copy(),
                                name="accuracy_with_error", timeout=TIMEOUT)
        if returned is None or returned is Ellipsis:
            raise LearnerError("`accuracy_with_error` returned None. End it with `return acc, error`.",
                               unsolved=True)
        if isinstance(returned, np.ndarray) and returned.shape == (2,):
            returned = tuple(returned)
        if not isinstance(returned, (tuple, list)) or len(returned) != 2:
            return failed(title, f"`accuracy_with_error` returned {short(returned)}; it should return two "
                                 "numbers, the accuracy and its standard error: `return acc, error`.")
        acc = _one_number(returned[0], "the returned accuracy")
        error = _one_number(returned[1], "the returned standard error")
        p = float(np.mean(predictions == labels))
        where = f"for {n} predictions of which {int(round(p * n))} are right"
        result = compare(acc, p, title, rtol=1e-6, label=f"{where}, the returned accuracy", mistakes=[
            Mistake(p * n, "That is the number of right predictions; the accuracy is their fraction."),
            Mistake(1 - p, "That is the error rate; the accuracy is the fraction of right predictions."),
            Mistake(100 * p, "That is a percentage: return a fraction between 0 and 1."),
        ])
        if not result:
            return result
        expected = np.sqrt(p * (1 - p) / n)
        # sqrt(p (1 - p) / (n - 1)) is an equally good estimate: accept it.
        if abs(error - np.sqrt(p * (1 - p) / (n - 1))) < 1e-9:
            continue
        result = compare(error, expected, title, rtol=1e-6, label=f"{where}, the returned standard error",
                         mistakes=[
            Mistake(p * (1 - p) / n, "That is the variance of the accuracy: take its square root."),
            Mistake(np.sqrt(p * (1 - p)) / n, "Divide by n inside the square root: sqrt(p (1 - p) / n). "
                                              "The error shrinks like 1 / sqrt(n), not 1 / n."),
            Mistake(np.sqrt(p * (1 - p)), "You left out n: more validation points give a more precise "
                                          "accuracy, sqrt(p (1 - p) / n)."),
            Mistake(np.sqrt(0.25 / n), "You used p = 0.5 (the largest possible error). Use the measured "
                                       "accuracy p: sqrt(p (1 - p) / n)."),
            Mistake(100 * expected, "That is in percentage points: keep the unit of the accuracy, a fraction."),
            Mistake(np.sqrt(p / n), "The variance of a proportion is p (1 - p) / n: you left out (1 - p)."),
            Mistake(2 * expected, "That is two standard errors (about a 95% interval's half-width). Return "
                                  "one standard error."),
        ])
        if not result:
            return result
    return passed(title, "accuracy p and its standard error sqrt(p (1 - p) / n): 300 points of accuracy "
                         "0.8 pin it down only to about +/-0.023, and the error halves for every fourfold "
                         "increase in n.")


# --- Quiz ----------------------------------------------------------------------------------

def quiz():
    """The quiz of notebook 12."""
    return Quiz([
        Question(
            "Why did this notebook create the 300 validation points with `spiral_data` **after** "
            "training, without calling `setup()` first?",
            ["`spiral_data` draws from the same generator that made the training set, so it must wait.",
             "The generator had moved on, so it produces new points that the network never saw.",
             "So that the validation points are exactly the training points, for a fair comparison.",
             "So that the validation set has the same noise as the training set, only reordered."],
            answer=1,
            explanations=["`spiral_data` does not know about training; it only draws random numbers.",
                          "Right: `setup()` would rewind the generator and give back the training points.",
                          "Testing on the training points measures memory, not generalisation.",
                          "The new points have new noise; that is what makes them a fair test."]),
        Question(
            "Which of these belongs in a function that evaluates a trained network on new data?",
            ["The forward pass, the loss and the backward pass, to report the gradients too.",
             "The full training step, so that the network can adapt to the new data first.",
             "The forward pass and the loss only, with no gradient and no update.",
             "The forward pass, then `optimizer.update_params` to refresh the weights."],
            answer=2,
            explanations=["The backward pass computes gradients that nothing uses; leave it out.",
                          "Then the network would learn from the data meant to judge it, and the result "
                          "would be worthless.",
                          "Right: evaluation measures the network as it is.",
                          "Updating the weights changes the network you are trying to measure."]),
        Question(
            "A network scores 0.80 on 300 validation points. A colleague's scores 0.82 on another 300 "
            "points from the same spiral. What can you conclude?",
            ["The colleague's network is better: 0.82 is higher than 0.80.",
             "Yours is better, since a lower validation accuracy means less overfitting.",
             "Both are overfitting, since neither reaches the training accuracy.",
             "Little: each accuracy is uncertain by about ±0.023, as large as the gap."],
            answer=3,
            explanations=["Two points of accuracy on 300 samples is within the noise: "
                          "sqrt(0.8 · 0.2 / 300) ≈ 0.023.",
                          "Overfitting is judged by the gap to the training accuracy, and a lower "
                          "validation accuracy is not better.",
                          "A gap to training is normal; whether it is overfitting depends on its size and on "
                          "what the data allow (the ceiling).",
                          "Right: the standard error of each is about 0.023, so a larger validation set is "
                          "needed before you can tell them apart."]),
        Question(
            "The 2-64-3 network's training accuracy is well above the ceiling computed in this notebook, the "
            "best accuracy any classifier can expect on new spiral points. What does the difference mean?",
            ["It fits noise: some training points sit in another class's arm by chance.",
             "The training points are easier than new points, because they are fewer.",
             "The network has found a better rule than the best possible classifier.",
             "The ceiling is wrong, because the network beats it on its own training data."],
            answer=0,
            explanations=["Right: to get those points right it must draw detours around their noise, and the "
                          "detours do not help on new points.",
                          "Fewer points are not easier in themselves; the network has simply seen these.",
                          "On new points it stays below the ceiling; the extra accuracy exists only on the "
                          "points it trained on.",
                          "The ceiling is about new points from the same process; any network can beat it "
                          "on points it has memorised."]),
        Question(
            "During training, the validation loss reaches its lowest point and starts to rise, while the "
            "validation accuracy keeps creeping up. Which epoch should early stopping keep?",
            ["The epoch of the lowest validation loss, whatever the accuracy does.",
             "The last epoch, since the training loss is still falling.",
             "The epoch that is best by the measure you decided to care about.",
             "The epoch where training and validation accuracy are equal."],
            answer=2,
            explanations=["The loss also rises when the network grows over-confident on a few points, while "
                          "more points land on the right side: the two can disagree.",
                          "The training loss falls almost for ever; it says nothing about new data.",
                          "Right: loss and accuracy can pick different epochs, so decide beforehand which one "
                          "you are optimising, and judge the final choice on a separate test set.",
                          "That epoch may be very early, before the network has learned much."]),
        Question(
            "Which of these is a regularisation technique against overfitting?",
            ["L2: adding λ·Σw² to the loss, so that large weights cost.",
             "Training for more epochs, until the training loss stops falling.",
             "Removing the bias from each layer, to have fewer parameters.",
             "A larger learning rate, so that fewer epochs are needed."],
            answer=0,
            explanations=["Right: the penalty keeps weights small unless the data really call for them "
                          "(whether it helps must still be measured).",
                          "That gives the network more time to memorise noise.",
                          "Biases cost few parameters and are needed to place the boundaries.",
                          "That changes the speed of training, not what the network can memorise."]),
    ])
