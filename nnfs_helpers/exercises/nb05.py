"""Exercise checks for notebook 05 · Loss and accuracy.

* `check_batch_cross_entropy(batch_cross_entropy)`: the mean categorical cross-entropy of a
  batch of probabilities against class indices, with the predictions clipped to
  [1e-7, 1 - 1e-7].
* `check_accuracy(classification_accuracy)`: the fraction of samples whose most probable class
  is the true class, for class indices and for one-hot targets.

Both checks call the learner's function on fresh copies of their test inputs, silence the
NumPy warnings the learner's code may raise while being tested (the lesson shows log(0) on
purpose elsewhere), and never raise.
"""

import math
import re
import warnings

import numpy as np

from ..checking import LearnerError, Mistake, call_learner, compare, failed, guarded, passed, to_array

__all__ = [
    "check_batch_cross_entropy", "check_accuracy", "reference_cross_entropy", "reference_accuracy",
    "EPSILON", "LOSS_BATCH", "LOSS_TARGETS", "ZERO_BATCH", "ZERO_TARGETS", "SURE_BATCH", "SURE_TARGETS",
    "ACCURACY_BATCH", "ACCURACY_TARGETS", "TALL_BATCH", "TALL_TARGETS",
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


def reference_cross_entropy(predictions, class_targets, epsilon=EPSILON):
    """Mean categorical cross-entropy for class-index targets, predictions clipped to [eps, 1 - eps]."""
    p = np.clip(np.asarray(predictions, dtype=np.float64), epsilon, 1 - epsilon)
    targets = np.asarray(class_targets, dtype=int)
    return float(np.mean(-np.log(p[np.arange(len(p)), targets])))


def reference_accuracy(predictions, targets):
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
    right = reference_cross_entropy(predictions, class_targets)
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
    result = _compare(answer, reference_cross_entropy(LOSS_BATCH, LOSS_TARGETS), LOSS_TITLE,
                      mistakes=_loss_mistakes(LOSS_BATCH, LOSS_TARGETS), label=label)
    if not result:
        return result

    # 2. A true class with probability 0: log(0) = -inf unless the predictions are clipped.
    label = "your loss for a batch with a zero probability"
    answer = _loss_answer(batch_cross_entropy, ZERO_BATCH, ZERO_TARGETS, label)
    expected = reference_cross_entropy(ZERO_BATCH, ZERO_TARGETS)
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
    expected = reference_cross_entropy(SURE_BATCH, SURE_TARGETS)
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
    right = reference_accuracy(p, targets)
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


@guarded(ACCURACY_TITLE)
def check_accuracy(classification_accuracy):
    """Check a function (predictions, targets) -> accuracy, targets as class indices or one-hot rows."""
    cases = [
        (ACCURACY_BATCH, np.array(ACCURACY_TARGETS), "class indices"),
        (ACCURACY_BATCH, _one_hot(ACCURACY_TARGETS), "one-hot targets"),
        (TALL_BATCH, np.array(TALL_TARGETS), "class indices"),
        (TALL_BATCH, _one_hot(TALL_TARGETS), "one-hot targets"),
    ]
    for predictions, targets, kind in cases:
        label = f"your accuracy for {len(predictions)} samples with {kind}"
        answer = _accuracy_answer(classification_accuracy, predictions, targets, label)
        result = _compare(answer, reference_accuracy(predictions, targets), ACCURACY_TITLE,
                          mistakes=_accuracy_mistakes(predictions, targets), label=label)
        if not result:
            return result
    return passed(ACCURACY_TITLE, "well done! argmax over each row gives the predictions, one-hot targets "
                                  "are turned into class indices, and the mean of the matches is the accuracy.")
