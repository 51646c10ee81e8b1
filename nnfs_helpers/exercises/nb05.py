"""Exercise checks for notebook 05 · Loss and accuracy.

* `check_batch_cross_entropy(batch_cross_entropy)`: the mean categorical cross-entropy of a
  batch of probabilities against class indices, with the predictions clipped to
  [1e-7, 1 - 1e-7].
* `check_accuracy(classification_accuracy)`: the fraction of samples whose most probable class
  is the true class, for class indices and for one-hot targets.
* `gradient_descent_preview(X, y, ...)`: a preview of notebooks 06-08, for the notebook's
  comparison with random search (the learner writes every line of it later).
* `quiz()`: the notebook's quiz.

Both checks call the learner's function on fresh copies of their test inputs, silence the
NumPy warnings the learner's code may raise while being tested (the lesson shows log(0) on
purpose elsewhere), and never raise.
"""

import math
import re
import warnings

import numpy as np

from ..checking import LearnerError, Mistake, call_learner, compare, failed, guarded, passed, to_array
from ..quiz import Question, Quiz

__all__ = [
    "check_batch_cross_entropy", "check_accuracy",
    "EPSILON", "LOSS_BATCH", "LOSS_TARGETS", "ZERO_BATCH", "ZERO_TARGETS", "SURE_BATCH", "SURE_TARGETS",
    "ACCURACY_BATCH", "ACCURACY_TARGETS", "TALL_BATCH", "TALL_TARGETS",
    "gradient_descent_preview", "quiz",
]

LOSS_TITLE = "Exercise 1: batch cross-entropy"
ACCURACY_TITLE = "Exercise 2: accuracy for both label formats"
EPSILON = 1e-7

# Exercise 1. Rows 1 and 3 are wrong predictions: their largest probability is not the true class.
LOSS_BATCH = [[0.7, 0.2, 0.1], [0.5, 0.1, 0.4], [0.02, 0.9, 0.08], [0.25, 0.35, 0.4]]
LOSS_TARGETS = [0, 2, 1, 0]
# A true class predicted with probability exactly 0: log(0) unless the predictions are clipped.
ZERO_BATCH = [[0.0, 0.6, 0.4], [0.1, 0.8, 0.1]]
ZERO_TARGETS = [0, 1]
# Certain and right: the loss is -log(1 - 1e-7), about 1e-7, only if the top end is clipped too.
SURE_BATCH = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
SURE_TARGETS = [0, 1]

# Exercise 2. Square (3 samples, 3 classes), so argmax over the wrong axis does not raise;
# no probability is exactly 0 or 1, so comparing probabilities with labels is never True.
ACCURACY_BATCH = [[0.7, 0.1, 0.2], [0.1, 0.5, 0.4], [0.02, 0.9, 0.08]]
ACCURACY_TARGETS = [0, 1, 2]
# Five samples of three classes: shapes that only line up by chance above no longer do.
TALL_BATCH = [[0.7, 0.2, 0.1], [0.1, 0.5, 0.4], [0.2, 0.3, 0.5], [0.6, 0.3, 0.1], [0.3, 0.4, 0.3]]
TALL_TARGETS = [0, 1, 1, 2, 1]


def _reference_cross_entropy(predictions, class_targets, epsilon=EPSILON):
    """Mean categorical cross-entropy for class-index targets, predictions clipped to [eps, 1 - eps]."""
    p = np.clip(np.asarray(predictions, dtype=np.float64), epsilon, 1 - epsilon)
    targets = np.asarray(class_targets, dtype=int)
    return float(np.mean(-np.log(p[np.arange(len(p)), targets])))


def _reference_accuracy(predictions, targets):
    """Fraction of rows whose argmax is the true class; `targets` as class indices or one-hot rows."""
    targets = np.asarray(targets)
    if targets.ndim == 2:
        targets = np.argmax(targets, axis=1)
    return float(np.mean(np.argmax(np.asarray(predictions), axis=1) == targets))


def _one_hot(class_targets, classes=3):
    return np.eye(classes, dtype=int)[np.asarray(class_targets)]


def _quiet_call(func, *args, name):
    """Call the learner's function with NumPy's warnings silenced (they would clutter the check)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return call_learner(func, *args, name=name)


def _as_array(value, label):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return to_array(value, label)


def _compare(*args, **kwargs):
    """`checking.compare`, with NumPy 2's `np.int64(0)` in its index hints shown as plain `0`."""
    result = compare(*args, **kwargs)
    result.message = re.sub(r"np\.int64\((-?\d+)\)", r"\1", result.message)
    return result


# --- Exercise 1 ---------------------------------------------------------------------------

def _loss_mistakes(predictions, class_targets):
    """Typical wrong answers for one batch, with what to say about each."""
    p = np.clip(np.asarray(predictions, dtype=np.float64), EPSILON, 1 - EPSILON)
    targets = np.asarray(class_targets, dtype=int)
    n = len(p)
    right = _reference_cross_entropy(predictions, class_targets)
    true_class = p[np.arange(n), targets]
    return [
        Mistake(-right, "Your loss is negative: the logarithm of a probability is negative, so the loss "
                        "is MINUS the log. Use -np.log(...)."),
        Mistake(right * n, f"You added up the {n} per-sample losses. The loss of a batch is their mean "
                           "(np.mean), so it does not grow with the batch size."),
        Mistake(-right * n, f"Two things: the loss is negative (use -np.log), and you added up the {n} "
                            "per-sample losses instead of taking their mean (np.mean)."),
        Mistake(np.mean(-np.log(np.max(p, axis=1))),
                "You took each row's largest probability (the model's favourite class), but the loss "
                "needs the probability of the TRUE class: predictions[np.arange(n), class_targets]."),
        Mistake(np.mean(-np.log(p[:, targets])),
                "predictions[:, class_targets] picks whole columns (an n x n array), not one entry per "
                "row. Pair each row with its own target: predictions[np.arange(n), class_targets]."),
        Mistake(np.mean(-np.log(p)),
                "You averaged -log over every probability in the batch. Only the probability of each "
                "sample's true class counts: predictions[np.arange(n), class_targets]."),
        Mistake(right / math.log(10), "You used np.log10. Cross-entropy uses the natural logarithm, np.log "
                                      "(base e)."),
        Mistake(right / math.log(2), "You used np.log2. Cross-entropy uses the natural logarithm, np.log "
                                     "(base e)."),
        Mistake(np.mean(true_class), "You returned the mean probability of the true class. The loss is "
                                     "the mean of -np.log of those probabilities."),
        Mistake(lambda a: a.shape == (n,),
                f"You returned one loss per sample (shape ({n},)). Return a single number: their mean."),
    ]


def _loss_answer(batch_cross_entropy, predictions, class_targets, label):
    answer = _quiet_call(batch_cross_entropy, np.array(predictions, dtype=np.float64),
                         np.array(class_targets), name="batch_cross_entropy")
    return _as_array(answer, label)


@guarded(LOSS_TITLE)
def check_batch_cross_entropy(batch_cross_entropy):
    """Check a function (predictions, class_targets) -> mean cross-entropy, clipped to [1e-7, 1 - 1e-7]."""
    # 1. An ordinary batch: sign, mean, indexing and the base of the logarithm.
    label = "your loss"
    answer = _loss_answer(batch_cross_entropy, LOSS_BATCH, LOSS_TARGETS, label)
    result = _compare(answer, _reference_cross_entropy(LOSS_BATCH, LOSS_TARGETS), LOSS_TITLE,
                      mistakes=_loss_mistakes(LOSS_BATCH, LOSS_TARGETS), label=label)
    if not result:
        return result

    # 2. A true class with probability 0: log(0) = -inf unless the predictions are clipped.
    label = "your loss for a batch with a zero probability"
    answer = _loss_answer(batch_cross_entropy, ZERO_BATCH, ZERO_TARGETS, label)
    expected = _reference_cross_entropy(ZERO_BATCH, ZERO_TARGETS)
    if answer.shape == () and np.isinf(answer):
        return failed(LOSS_TITLE, f"For {ZERO_BATCH} with targets {ZERO_TARGETS} your loss is "
                                  f"{float(answer)}: the first sample's true class has probability 0, and "
                                  "-log(0) is infinite. Clip the predictions first: "
                                  "np.clip(predictions, 1e-7, 1 - 1e-7).")
    if answer.shape == () and np.isnan(answer):
        return failed(LOSS_TITLE, f"For {ZERO_BATCH} with targets {ZERO_TARGETS} your loss is NaN: a "
                                  "probability of 0 reached the logarithm. Clip the predictions first: "
                                  "np.clip(predictions, 1e-7, 1 - 1e-7).")
    result = _compare(answer, expected, LOSS_TITLE, label=label)
    if not result:
        if answer.shape == ():
            result.message += (" Clip to exactly [1e-7, 1 - 1e-7]: the smallest probability then costs "
                               f"-log(1e-7) = {-math.log(EPSILON):.4f}.")
        return result

    # 3. Certain and right: clipping both ends gives about 1e-7; adding 1e-7 gives a negative loss.
    label = "your loss for a batch of certain, right predictions"
    answer = _loss_answer(batch_cross_entropy, SURE_BATCH, SURE_TARGETS, label)
    expected = _reference_cross_entropy(SURE_BATCH, SURE_TARGETS)
    if answer.shape == () and np.isfinite(answer) and float(answer) < 0:
        return failed(LOSS_TITLE, f"For certain, right predictions {SURE_BATCH} your loss is "
                                  f"{float(answer):.3g}: negative. Adding 1e-7 to the probabilities turns a "
                                  "probability of 1 into 1.0000001, whose log is positive. Clip instead: "
                                  "np.clip(predictions, 1e-7, 1 - 1e-7).")
    if answer.shape == () and float(answer) == 0:
        return failed(LOSS_TITLE, f"For certain, right predictions {SURE_BATCH} your loss is exactly 0. "
                                  "Clip the top end too (to 1 - 1e-7), so both ends are nudged by the same "
                                  f"1e-7: the loss is then -log(1 - 1e-7), about {expected:.3g}.")
    result = _compare(answer, expected, LOSS_TITLE, rtol=0.5, atol=1e-12, label=label)
    if not result:
        return result
    return passed(LOSS_TITLE, "well done! The true-class probabilities are picked by fancy indexing, "
                              "clipped, and the batch loss is the mean of -log of them.")


# --- Exercise 2 ---------------------------------------------------------------------------

def _try_value(compute):
    """The value of a wrong computation, or None when it cannot even run on this batch."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return compute()
    except (ValueError, IndexError):
        return None


def _accuracy_mistakes(predictions, targets):
    """Typical wrong answers for one batch, with what to say about each.

    On a square batch the wrong axis and unconverted one-hot targets broadcast silently and give
    a wrong number; on other batches they raise, and `_accuracy_answer` explains the error.
    """
    p = np.asarray(predictions, dtype=np.float64)
    targets = np.asarray(targets)
    indices = np.argmax(targets, axis=1) if targets.ndim == 2 else targets
    right = _reference_accuracy(p, targets)
    candidates = [
        (lambda: np.mean(np.argmax(p, axis=0) == indices),
         "You took argmax over axis=0, which finds the most probable SAMPLE for each class. "
         "The prediction for each sample is the argmax of its row: np.argmax(predictions, axis=1)."),
        (lambda: np.sum(np.argmax(p, axis=1) == indices),
         "You counted the right predictions. Accuracy is the fraction of them: use np.mean "
         "(or divide by the number of samples)."),
        (lambda: 100 * right, "That is a percentage. Return a fraction between 0 and 1."),
    ]
    if targets.ndim == 2:
        candidates.insert(0, (lambda: np.mean(np.argmax(p, axis=1) == targets),
                              "These targets are one-hot rows (targets.ndim == 2), and you compared "
                              "them with class indices as they are. Convert them first: "
                              "np.argmax(targets, axis=1)."))
    mistakes = [Mistake(value, message) for value, message in
                ((_try_value(compute), message) for compute, message in candidates) if value is not None]
    mistakes += [
        Mistake(lambda a: a.shape == () and float(a) == 0 and right > 0,
                "Your accuracy is 0: it looks as if you compared the probabilities themselves with the "
                "labels. Turn each row into a predicted class first: np.argmax(predictions, axis=1)."),
        Mistake(lambda a: a.shape == (len(p),),
                f"You returned one True/False per sample (shape ({len(p)},)). Accuracy is a single "
                "number: the mean of those."),
    ]
    return mistakes


def _accuracy_answer(classification_accuracy, predictions, targets, label):
    try:
        answer = _quiet_call(classification_accuracy, np.array(predictions, dtype=np.float64),
                             np.array(targets), name="classification_accuracy")
    except LearnerError as problem:
        if problem.unsolved or "broadcast" not in str(problem):
            raise
        targets = np.asarray(targets)
        hint = (" With one-hot targets (targets.ndim == 2), convert them to class indices first: "
                "np.argmax(targets, axis=1)." if targets.ndim == 2 else
                " Is np.argmax taken over axis=1 (one prediction per sample)?")
        raise LearnerError(f"{label}: {str(problem).rstrip(' .')}.{hint}") from None
    return _as_array(answer, label)


def _is_error_rate_everywhere(classification_accuracy, cases):
    """Whether the learner's function returns 1 - accuracy on every case (never raises).

    One batch cannot tell the error rate from other slips (on the lesson's square batch it
    equals the accuracy with argmax over axis=0), so this looks at all the cases at once.
    """
    for predictions, targets, _ in cases:
        try:
            answer = _quiet_call(classification_accuracy, np.array(predictions, dtype=np.float64),
                                 np.array(targets), name="classification_accuracy")
            value = float(np.asarray(answer, dtype=np.float64))
        except Exception:
            return False
        if not np.isclose(value, 1 - _reference_accuracy(predictions, targets)):
            return False
    return True


@guarded(ACCURACY_TITLE)
def check_accuracy(classification_accuracy):
    """Check a function (predictions, targets) -> accuracy, targets as class indices or one-hot rows."""
    cases = [
        (ACCURACY_BATCH, np.array(ACCURACY_TARGETS), "class indices"),
        (ACCURACY_BATCH, _one_hot(ACCURACY_TARGETS), "one-hot targets"),
        (TALL_BATCH, np.array(TALL_TARGETS), "class indices"),
        (TALL_BATCH, _one_hot(TALL_TARGETS), "one-hot targets"),
    ]
    if _is_error_rate_everywhere(classification_accuracy, cases):
        return failed(ACCURACY_TITLE, "You returned the error rate, 1 - accuracy: the fraction of samples "
                                      "whose prediction is WRONG. Accuracy counts the matches: the mean of "
                                      "`predicted_classes == targets`, not of `!=`.")
    for predictions, targets, kind in cases:
        label = f"your accuracy for {len(predictions)} samples with {kind}"
        answer = _accuracy_answer(classification_accuracy, predictions, targets, label)
        result = _compare(answer, _reference_accuracy(predictions, targets), ACCURACY_TITLE,
                          mistakes=_accuracy_mistakes(predictions, targets), label=label)
        if not result:
            return result
    return passed(ACCURACY_TITLE, "well done! argmax over each row gives the predictions, one-hot targets "
                                  "are turned into class indices, and the mean of the matches is the accuracy.")


# --- A preview of gradient descent (notebooks 06-08) ---------------------------------------

def _positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive whole number, got {value!r}")
    return int(value)


def gradient_descent_preview(X, y, hidden=64, steps=10_000, learning_rate=1.0,
                             report_at=(1, 10, 100, 1_000)):
    """Train a network 2 -> `hidden` ReLU -> 3 softmax by full-batch gradient descent.

    A preview for notebook 05's comparison with random search: notebooks 06-08 teach every part
    (the gradients by backpropagation, the update by an optimiser, and the loop, which is
    `nnfs_helpers.training.train`). The layers are created in the same order as in the
    notebook's `random_search`, so after the same `setup()` and data both start from the same
    weights. Prints a line at the steps in `report_at` and at the last step, like
    `random_search`, and returns {"loss": ..., "accuracy": ...}: the loss and accuracy of the
    weights after each step (entry k - 1 after k steps).
    """
    from ..network import (Activation_ReLU, Activation_Softmax_Loss_CategoricalCrossentropy,
                           Layer_Dense, Optimizer_SGD)
    from ..training import train

    hidden = _positive_int("hidden", hidden)
    steps = _positive_int("steps", steps)
    if not isinstance(X, np.ndarray) or X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must be an array of 2-D points, shape (samples, 2), got "
                         f"{type(X).__name__} with shape {getattr(X, 'shape', None)}")
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float)) or learning_rate <= 0:
        raise ValueError(f"learning_rate must be a positive number, got {learning_rate!r}")

    dense1 = Layer_Dense(2, hidden)
    activation1 = Activation_ReLU()
    dense2 = Layer_Dense(hidden, 3)
    loss_activation = Activation_Softmax_Loss_CategoricalCrossentropy()
    optimizer = Optimizer_SGD(learning_rate=learning_rate)
    # train records the loss before each update; one more epoch gives the loss after the last step.
    history = train([dense1, activation1, dense2], loss_activation, optimizer, X, y,
                    epochs=steps + 1, print_every=0, progress=False)
    result = {"loss": np.array(history["loss"][1:]), "accuracy": np.array(history["accuracy"][1:])}
    for step in range(1, steps + 1):
        if step in report_at or step == steps:
            print(f"step {step:6,}: loss {result['loss'][step - 1]:.4f}, "
                  f"accuracy {result['accuracy'][step - 1]:.3f}")
    return result


# --- Quiz ---------------------------------------------------------------------------------

def quiz():
    """The notebook's quiz: cross-entropy, clipping, label formats, accuracy and random search."""
    return Quiz([
        Question(
            "For sample A the network gives the true class a probability of 0.9; for sample B, 0.3. "
            "Which sample has the larger cross-entropy loss?",
            ["Sample A: its true class has the larger probability, so the larger -ln",
             "Both the same, as long as the true class is the top class in both",
             "It depends on how the rest is spread over the other classes",
             "Sample B: its true class has less probability, so the larger -ln"],
            answer=3,
            explanations=[
                f"-ln p falls as p grows: A's loss is -ln 0.9 = {-math.log(0.9):.3f}.",
                "That is how accuracy thinks. The loss depends on the probability itself: "
                f"{-math.log(0.9):.3f} against {-math.log(0.3):.3f}.",
                "With one-hot targets every other class's term is multiplied by 0: only the true "
                "class counts.",
                f"-ln 0.3 = {-math.log(0.3):.3f} is larger than -ln 0.9 = {-math.log(0.9):.3f}."]),
        Question(
            "An untrained network for 10 classes gives every class nearly the same probability. "
            "Its loss is close to...",
            [f"ln 10 = {math.log(10):.3f}", "1/10 = 0.100", "0, as it has not been wrong yet",
             "10, one unit of loss per class"],
            answer=0,
            explanations=[
                "Each true class gets about 1/10, and -ln(1/10) = ln 10.",
                "That is the probability of each true class, not the loss, which is -ln of it.",
                "A loss of 0 needs probability 1 for every true class; a uniform guess is far from that.",
                f"The loss is -ln of a probability; 10 would need a probability of e^-10, about "
                f"{math.exp(-10):.1e}."]),
        Question(
            "Clipping at 1e-7 already keeps log(0) away. What does clipping the top end at "
            "1 - 1e-7 add?",
            ["It keeps the loss finite when the true class gets a probability of 0",
             "A certain, right answer costs about 1e-7, not 0: both ends alike",
             "It keeps the loss from going negative when a probability is exactly 1",
             "It stops softmax outputs slightly above 1 from reaching the logarithm"],
            answer=1,
            explanations=[
                "That is the lower clip's job, and it does it alone.",
                "That is all it adds: -ln(1 - 1e-7) is about 1e-7. Both ends are moved in by the same "
                "1e-7, a change far too small to see in a printed loss.",
                "-ln 1 is 0, not negative, and no probability is above 1, so the lower clip alone "
                "already keeps every loss at 0 or above. Adding 1e-7 instead of clipping is what "
                "makes a loss negative.",
                "Softmax divides by the row's sum, so no output is above 1 (in float32 it can round "
                "to exactly 1)."]),
        Question(
            "class_targets = np.array([2, 0]). What is np.eye(3, dtype=int)[class_targets]?",
            ["[[0, 1, 0], [1, 0, 0]]", "[[0, 1], [0, 0], [1, 0]]", "[[0, 0, 1], [1, 0, 0]]",
             "0, the entry in row 2 and column 0"],
            answer=2,
            explanations=[
                "Indices count from 0: row 2 of the identity is its third row, [0, 0, 1].",
                "Indexing with one array picks whole rows, one per index: the result has one row per "
                "sample, not one column.",
                "Row 2 and row 0 of the identity: the one-hot rows of classes 2 and 0.",
                "That would be np.eye(3)[2, 0]: two separate indices. One array of indices picks "
                "whole rows."]),
        Question(
            "Why do we minimise the loss rather than maximise the accuracy?",
            ["Small weight changes move the loss, but rarely flip an argmax",
             "Accuracy takes far longer to compute than the loss on a batch",
             "Accuracy cannot be computed for one-hot targets, only indices",
             "The loss stays between 0 and 1, so it is easier to compare"],
            answer=0,
            explanations=[
                "A number that stays flat under small changes gives no hint which way to go.",
                "Both take a few NumPy operations.",
                "Convert the one-hot rows with argmax first, as the accuracy function does.",
                f"It can be as large as -ln(1e-7) = {-math.log(1e-7):.2f} for one sample."]),
        Question(
            "On the spiral, with 64 hidden neurons, the same starting weights and the same number of "
            "iterations, gradient descent ended far below random search. Why?",
            ["Gradient descent was given more iterations than random search",
             "Each step moves every weight downhill; random tweaks rarely do",
             "Random search had a smaller network, too small for a spiral",
             "Random search started from worse weights, so had further to go"],
            answer=1,
            explanations=[
                "Both had the same budget: 10,000 iterations of random search, 10,000 steps of "
                "gradient descent.",
                "The gradient says, for each weight, which way lowers the loss; a random tweak of all "
                "the weights together points downhill less and less often.",
                "Both used the same 2-64-3 network, created in the same order after the same setup().",
                "Both started from the same weights: setup() was called before each run."]),
    ])
