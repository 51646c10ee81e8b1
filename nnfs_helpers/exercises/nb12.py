"""Exercise checks for notebook 12 · The full network.

* `check_evaluate(evaluate)`: the loss and accuracy of a trained network on new data, from a
  forward pass only (no backward pass, no optimiser step).
* `check_generalisation_gap(generalisation_gap)`: training accuracy minus validation accuracy,
  as a fraction.

Every check returns a `CheckResult` and never raises because of the learner's answer. The
checks draw their data from their own random generator, so NumPy's global random state (the
one `setup()` seeds) is left as it was.
"""

import numpy as np

from ..checking import (LearnerError, Mistake, call_learner, compare, failed, guarded, passed,
                        to_array)
from ..network import (Activation_ReLU, Activation_Softmax_Loss_CategoricalCrossentropy, Layer_Dense,
                       Loss_CategoricalCrossentropy, accuracy)
from ..training import forward

__all__ = ["check_evaluate", "check_generalisation_gap"]

TIMEOUT = 5.0  # seconds a learner's function may run (tests lower it)


def _short(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --- Exercise 1: evaluate ------------------------------------------------------------------

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

    Returns (loss, accuracy, ran_backward) when both numbers are right; raises _Verdict or
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

    try:
        returned = call_learner(evaluate, layers, loss_activation, X, y, name="evaluate", timeout=TIMEOUT)
    except LearnerError as problem:
        message = str(problem)
        if "could not be broadcast" in message and "(3,)" in message:
            _fail(title, message + " Your predictions have one entry per class, not one per sample: "
                                   "take `np.argmax(..., axis=1)`, across each row.")
        if "could not be broadcast" in message:
            _fail(title, message + " The predictions and the labels have different lengths: are the "
                                   "probabilities left over from another data set (the training data, "
                                   "in `loss_activation.output`)? Compute them from the `X` you are given.")
        raise

    if _moved(layers, parameters, ("weights", "biases")):
        _fail(title, "The weights or biases changed while `evaluate` ran. Evaluation must not train: no "
                     "`optimizer.update_params`, no `train(...)`. Run the forward pass and the loss, "
                     "nothing else; otherwise the network learns from the very data you want to test it on.")

    if isinstance(returned, np.ndarray) and returned.shape == (2,):
        returned = tuple(returned)
    if returned is None:
        raise LearnerError("`evaluate` returned None. Did you forget `return loss, acc`?", unsolved=True)
    if returned is Ellipsis:
        raise LearnerError("`evaluate` returned `...`.", unsolved=True)
    if not isinstance(returned, (tuple, list)):
        _fail(title, f"`evaluate` returned {_short(returned)} (a {type(returned).__name__}); it should "
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
    return loss, acc, _moved(layers, gradients, ("dweights", "dbiases"))


@guarded("Exercise 1: evaluate")
def check_evaluate(evaluate):
    """Check `evaluate(layers, loss_activation, X, y)` -> (loss, accuracy) on two new data sets."""
    title = "Exercise 1: evaluate"
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
    (loss, acc, backward_a), (_, _, backward_b) = answers
    if backward_a or backward_b:
        return passed(title, "right numbers, but `evaluate` also ran the backward pass (the gradients "
                             "changed). Evaluation needs only the forward pass: leave the backward pass out.")
    return passed(title, f"on its first new data set, the check's small untrained network has loss "
                         f"{loss:.3f} and accuracy {acc:.3f}, as expected, and its weights did not move.")


# --- Exercise 2: generalisation_gap --------------------------------------------------------

_GAP_CASES = [(0.967, 0.797), (0.55, 0.6), (0.9, 0.9), (1.0, 0.5)]


@guarded("Exercise 2: generalisation_gap")
def check_generalisation_gap(generalisation_gap):
    """Check `generalisation_gap(train_accuracy, validation_accuracy)` on four pairs."""
    title = "Exercise 2: generalisation_gap"
    answers = []
    for train_accuracy, validation_accuracy in _GAP_CASES:
        value = call_learner(generalisation_gap, train_accuracy, validation_accuracy,
                             name="generalisation_gap", timeout=TIMEOUT)
        label = f"generalisation_gap({train_accuracy}, {validation_accuracy})"
        if isinstance(value, bool):
            return failed(title, f"{label} returned {value}, a yes/no answer. Return the gap itself, a number.")
        if isinstance(value, str):
            return failed(title, f"{label} returned the text {value!r}. Return a number; format it only "
                                 "when you print it.")
        array = to_array(value, label)
        if array.size != 1:
            return failed(title, f"{label} returned {array.size} numbers ({_short(value)}); return one number.")
        answers.append(float(array.reshape(())))

    train = np.array([case[0] for case in _GAP_CASES])
    validation = np.array([case[1] for case in _GAP_CASES])
    expected = train - validation
    return compare(answers, expected, title, rtol=1e-6, atol=1e-9,
                   label="your gaps for the pairs " + ", ".join(f"({t}, {v})" for t, v in _GAP_CASES),
                   mistakes=[
        Mistake(validation - train, "Wrong sign: the gap is training accuracy minus validation accuracy, "
                                    "so that a network that does worse on new data has a positive gap."),
        Mistake(100 * expected, "Those are percentage points. Keep the unit of the accuracies (fractions "
                                "between 0 and 1); to show a percentage, format it: f\"{gap:.1%}\"."),
        Mistake(100 * (validation - train), "Wrong sign, and in percentage points: return training minus "
                                            "validation accuracy, as a fraction."),
        Mistake(np.abs(expected), "The gap can be negative (validation accuracy above training accuracy, "
                                  "as for the pair (0.55, 0.6)): do not take the absolute value."),
        Mistake(expected / train, "You divided by the training accuracy: that is a relative gap. Return "
                                  "the plain difference."),
        Mistake(100 * expected / train, "You computed a relative gap in percent. Return the plain "
                                        "difference, as a fraction."),
        Mistake(validation / train, "That is a ratio of the two accuracies; the gap is their difference."),
        Mistake(train / validation, "That is a ratio of the two accuracies; the gap is their difference."),
        Mistake(1 - expected, "Return training accuracy minus validation accuracy, not 1 minus that."),
    ])
