"""Exercise checks and quiz for notebook 20 · Save, load and predict.

* `check_fingerprint(fingerprint)`: Exercise 1, a fingerprint of an array that changes with any
  change of its bits, its dtype or its shape.
* `check_describe_predictions(describe_predictions)`: Exercise 2, class names and confidences
  from a batch of softmax outputs.
* `check_confidence_verdict(model, images, labels, my_confident_accuracy, my_unsure_accuracy,
  my_verdict)`: Exercise 3, whether the confidence still warns of mistakes on shifted digits,
  judged from the learner's own measurement.
* `quiz()`: the notebook's quiz.

Every check returns a `CheckResult` and never raises because of the learner's answer.
"""

import hashlib
import numbers

import numpy as np

from ..checking import LearnerError, call_learner, failed, guarded, passed
from ..quiz import Question, Quiz

__all__ = ["check_confidence_verdict", "check_describe_predictions", "check_fingerprint", "quiz"]

TIMEOUT = None  # None: checking.DEFAULT_TIMEOUT, the one setting of how long a learner's function may run
DESCRIBE_TITLE = "Exercise 2: class names and confidences"
FINGERPRINT_TITLE = "Exercise 1: a fingerprint of an array"
CONFIDENCE_TITLE = "Exercise 3: is the confidence still a warning?"
CONFIDENCE_VERDICTS = ("confident answers are more often right", "unsure answers are more often right",
                       "no clear difference")

_NAMES = ["cat", "dog", "bird"]
# Four samples, three classes. Column-wise argmax ([1, 0, 3] as samples) differs from the
# row-wise one, and no confidence equals another, so each typical slip gives a different answer.
_PROBABILITIES = np.array([[0.10, 0.70, 0.20],
                           [0.80, 0.15, 0.05],
                           [0.30, 0.25, 0.45],
                           [0.05, 0.35, 0.60]])


def _pairs(result, n):
    """The learner's list of (name, confidence) pairs, or a LearnerError saying what came instead."""
    if result is None:
        raise LearnerError("`describe_predictions` returned None. Did you forget a `return`?", unsolved=True)
    if isinstance(result, (str, bytes, dict)) or not hasattr(result, "__len__"):
        raise LearnerError(f"`describe_predictions` should return a list of (name, confidence) pairs, "
                           f"one per sample, but it returned a {type(result).__name__}.")
    if len(result) != n:
        hint = (" That is one per class: take the best class of each row (axis=1), not of each column."
                if len(result) == len(_NAMES) else "")
        raise LearnerError(f"`describe_predictions` returned {len(result)} items for {n} samples: "
                           f"expected one (name, confidence) pair per sample.{hint}")
    pairs = []
    for item in result:
        if isinstance(item, (str, bytes)) or not hasattr(item, "__len__") or len(item) != 2:
            raise LearnerError(f"each item should be a pair (name, confidence), such as ('dog', 0.7); "
                               f"one item is {item!r}.")
        name, confidence = item
        if not isinstance(confidence, numbers.Real) or isinstance(confidence, bool):
            raise LearnerError(f"the confidence of each pair should be a number, such as 0.7; one is {confidence!r}.")
        pairs.append((name, float(confidence)))
    return pairs


@guarded(DESCRIBE_TITLE)
def check_describe_predictions(describe_predictions):
    """Check `describe_predictions(probabilities, class_names) -> [(name, confidence), ...]`."""
    answer = call_learner(describe_predictions, _PROBABILITIES.copy(), list(_NAMES), name="describe_predictions",
                          timeout=TIMEOUT, hints={"IndexError": "An index ran past the end of `class_names`: did you take "
                                                  "the argmax over axis=0 (the samples) instead of axis=1 (the classes)?"}, context="describe_predictions(probabilities, ['cat', 'dog', 'bird']) "
                          "with 4 samples")
    pairs = _pairs(answer, len(_PROBABILITIES))
    best = np.argmax(_PROBABILITIES, axis=1)
    expected = [(_NAMES[i], float(_PROBABILITIES[row, i])) for row, i in enumerate(best)]
    names = [name for name, _ in pairs]
    confidences = np.array([confidence for _, confidence in pairs])
    if all(isinstance(name, (int, np.integer)) and not isinstance(name, bool) for name in names):
        if list(names) == best.tolist():
            return failed(DESCRIBE_TITLE, "You returned the class numbers; look each one up in `class_names` "
                          "to return its name (`class_names[index]`).")
    if names != [name for name, _ in expected]:
        if names == [_NAMES[i] for i in np.argmin(_PROBABILITIES, axis=1)]:
            return failed(DESCRIBE_TITLE, "Those are the least likely classes: the prediction is the class with "
                          "the HIGHEST probability (`np.argmax`).")
        return failed(DESCRIBE_TITLE, f"The names should be {[name for name, _ in expected]}, the class with the "
                      f"highest probability in each row, but they are {names}.")
    want = np.array([confidence for _, confidence in expected])
    if np.allclose(confidences, want, atol=1e-6):
        return passed(DESCRIBE_TITLE, "well done! Each sample gets its most likely class and the probability "
                      "the network gave it.")
    if np.allclose(confidences, 1.0):
        return failed(DESCRIBE_TITLE, "Every confidence is 1: that is the sum of a row. The confidence is the "
                      "probability of the predicted class, the largest entry of the row.")
    if np.allclose(confidences, 100 * want):
        return failed(DESCRIBE_TITLE, "Your confidences are percentages; keep them as probabilities between 0 "
                      "and 1 (print them with a format such as `:.0%` if you want percent signs).")
    second = np.sort(_PROBABILITIES, axis=1)[:, -2]
    if np.allclose(confidences, second):
        return failed(DESCRIBE_TITLE, "Those are the second-largest probabilities: take the largest of each row.")
    return failed(DESCRIBE_TITLE, f"The names are right, but the confidences should be {want.tolist()}, the "
                  f"probability of the predicted class in each row; yours are {confidences.tolist()}.")


@guarded(FINGERPRINT_TITLE)
def check_fingerprint(fingerprint):
    """Check `fingerprint(array) -> str`: equal for equal arrays (same values, dtype and shape),
    different when a single bit, the dtype or the shape differs."""
    rng = np.random.default_rng(20)
    # Multiples of 1/1024: exact in float64, so a sum does not depend on the order of the rows.
    base = rng.integers(1, 1024, size=(4, 3)) / 1024
    nudged = base.copy()
    nudged[2, 1] = np.nextafter(nudged[2, 1], 2.0)  # the smallest possible change; printing hides it
    cases = {
        "the array": base, "a copy": base.copy(), "a nudged copy": nudged,
        "a permuted copy": base[::-1].copy(),
        "the same bytes as int64": base.view(np.int64), "the reshaped version": base.reshape(3, 4),
    }
    results = {}
    for label, array in cases.items():
        value = call_learner(fingerprint, array.copy(), name="fingerprint", timeout=TIMEOUT,
                             context=f"fingerprint(an array of shape {array.shape}, {array.dtype})")
        if value is None:
            raise LearnerError("`fingerprint` returned None. Did you forget a `return`?", unsolved=True)
        if not isinstance(value, str):
            hint = (" Python's `hash()` gives a number that changes between sessions; use `hashlib.sha256`."
                    if isinstance(value, numbers.Integral) else "")
            return failed(FINGERPRINT_TITLE, f"`fingerprint` should return a string (such as a hex digest), "
                          f"but it returned a {type(value).__name__}.{hint}")
        results[label] = value
    if results["the array"] != results["a copy"]:
        return failed(FINGERPRINT_TITLE, "Two equal arrays got different fingerprints: the fingerprint must depend "
                      "only on the array's contents (not on `id(array)` or a random number).")
    if results["a nudged copy"] == results["the array"]:
        return failed(FINGERPRINT_TITLE, "One entry changed in its last bit and the fingerprint stayed the same. "
                      "Printing or rounding hides such differences (`str(array)` shows 8 digits): hash "
                      "the raw bytes, `array.tobytes()`.")
    if results["a permuted copy"] == results["the array"]:
        return failed(FINGERPRINT_TITLE, "The rows in reverse order gave the same fingerprint: a sum or a sorted "
                      "list cannot tell the order apart. Hash the raw bytes, `array.tobytes()`.")
    if results["the same bytes as int64"] == results["the array"]:
        return failed(FINGERPRINT_TITLE, "A float64 array and the same bytes read as int64 got the same fingerprint: "
                      "include the dtype, for example `str(array.dtype)`, in what you hash.")
    if results["the reshaped version"] == results["the array"]:
        return failed(FINGERPRINT_TITLE, "An array of shape (4, 3) and the same bytes as shape (3, 4) got the same "
                      "fingerprint: include the shape, for example `str(array.shape)`, in what you hash.")
    return passed(FINGERPRINT_TITLE, "well done! Equal arrays agree, and any change of a bit, the dtype or the "
                  "shape changes the fingerprint.")


def _reference_fingerprint(array):
    """The fingerprint the notebook's solution computes (used by the tests)."""
    array = np.ascontiguousarray(array)
    header = f"{array.dtype.str} {array.shape}".encode()
    return hashlib.sha256(header + array.tobytes()).hexdigest()


def _confidence_groups(model, images, labels, shift):
    """(accuracy, count) of the answers above and at most 0.9 confidence, on images moved `shift` pixels."""
    moved = np.zeros_like(images)
    moved[:, :, shift:] = images[:, :, :images.shape[2] - shift]
    state = np.random.get_state()
    try:
        probabilities = model.predict((moved.reshape(len(moved), -1).astype(np.float32) - 8) / 8)
    finally:
        np.random.set_state(state)
    right = np.argmax(probabilities, axis=1) == labels
    confident = probabilities.max(axis=1) > 0.9
    return [(float(np.mean(right[group])), int(np.sum(group))) if np.any(group) else (float("nan"), 0)
            for group in (confident, ~confident)]


def _number(value, name):
    if value is None or value is Ellipsis:
        raise LearnerError(f"`{name}` is not set yet.", unsolved=True)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise LearnerError(f"`{name}` should be a number (a fraction between 0 and 1); got {value!r}.")
    return float(value)


@guarded(CONFIDENCE_TITLE)
def check_confidence_verdict(model, images, labels, my_confident_accuracy, my_unsure_accuracy, my_verdict):
    """Check Exercise 3: the accuracy of the confident (> 0.9) and the unsure answers on the new images
    moved one pixel to the right, and the verdict those two numbers support."""
    confident_accuracy = _number(my_confident_accuracy, "my_confident_accuracy")
    unsure_accuracy = _number(my_unsure_accuracy, "my_unsure_accuracy")
    (p1, n1), (p2, n2) = _confidence_groups(model, images, labels, shift=1)
    mine = (confident_accuracy, unsure_accuracy)
    if not np.allclose(mine, (p1, p2), atol=1e-6):
        for shift in (0, 2):
            (q1, _), (q2, _) = _confidence_groups(model, images, labels, shift)
            if np.allclose(mine, (q1, q2), atol=1e-6):
                return failed(CONFIDENCE_TITLE, f"Those are the accuracies for images moved {shift} pixels; the "
                                                "exercise moves them by one pixel.")
        if np.allclose(mine, (p2, p1), atol=1e-6):
            return failed(CONFIDENCE_TITLE, "Your two accuracies are swapped: the confident group is the one with "
                                            "a confidence above 0.9.")
        if np.allclose(mine, (n1 * p1 / len(labels), n2 * p2 / len(labels)), atol=1e-6):
            return failed(CONFIDENCE_TITLE, "You divided the right answers by all the images: each accuracy is the "
                                            "fraction right WITHIN its group (divide by the group's size).")
        return failed(CONFIDENCE_TITLE, "Your accuracies are not those of the model on the images moved one pixel "
                                        "to the right: the confident group (confidence above 0.9) and the others, "
                                        "each scored as the fraction of its answers that are right.")
    difference = p1 - p2
    error = np.sqrt(p1 * (1 - p1) / max(n1, 1) + p2 * (1 - p2) / max(n2, 1))
    expected = (CONFIDENCE_VERDICTS[0] if difference > 2 * error else CONFIDENCE_VERDICTS[1]
                if -difference > 2 * error else CONFIDENCE_VERDICTS[2])
    summary = (f"the confident answers ({n1}) are right {p1:.3f} of the time, the unsure ones ({n2}) {p2:.3f}: "
               f"a difference of {difference:+.3f}, with a standard error of {error:.3f}")
    if my_verdict is None or my_verdict is Ellipsis:
        raise LearnerError("`my_verdict` is not set yet.", unsolved=True)
    if my_verdict not in CONFIDENCE_VERDICTS:
        return failed(CONFIDENCE_TITLE, f"`my_verdict` should be one of {list(CONFIDENCE_VERDICTS)}; got {my_verdict!r}.")
    if my_verdict != expected:
        return failed(CONFIDENCE_TITLE, f"Your numbers are right, but not your conclusion: {summary}. Compare the "
                                        "difference with two standard errors, sqrt(p1(1-p1)/n1 + p2(1-p2)/n2).")
    return passed(CONFIDENCE_TITLE, f"{summary}, so {my_verdict!r}. Well done!")


# --- Quiz -------------------------------------------------------------------------------------

def quiz():
    """The notebook's quiz: five questions, each option explained."""
    return Quiz([
        Question(
            "A classmate sends you `model.pkl` and says: load it with `Model.load`. What is the risk?",
            ["None: a pickle file holds only arrays, so the worst case is wrong predictions.",
             "Unpickling can run any code its author put in the file, with your permissions.",
             "The model may have been trained with another version of NumPy, so it cannot load.",
             "Pickle files are compressed, and a damaged one may fill the whole memory."],
            answer=1,
            explanations=[
                "A pickle can hold instructions to call any function, and the notebook's demonstration runs one.",
                "Right: only unpickle files you trust. Parameters in .npz need no pickle.",
                "Version differences can cause trouble, but the real danger is running someone else's code.",
                "Pickle files are not compressed; the danger is code, not size."]),
        Question(
            "What does the .npz file written by `save_parameters` NOT contain?",
            ["The weights and biases of every trainable layer.",
             "A list of the model's layers, so that a mismatch is detected.",
             "The name of the file format, written in as one of the arrays.",
             "The optimiser's state and the loss: you build and set the model in code."],
            answer=3,
            explanations=[
                "They are the main content: one weights and one biases array per trainable layer.",
                "It records them, so load_parameters can refuse a file from another architecture.",
                "It records it, so load_parameters can refuse an unrelated .npz archive.",
                "Right: the file holds arrays only; the structure is rebuilt by your own code."]),
        Question(
            "`load_parameters` finds that the file's second layer has 32 neurons where the model has 64. "
            "What should it do?",
            ["Raise an error naming both layer lists, having changed nothing.",
             "Load the layers that match and leave the others as they are.",
             "Load what it can and print a warning, so the learner can carry on.",
             "Resize the model's layer to 32 neurons, since the file knows better."],
            answer=0,
            explanations=[
                "Right: a half-loaded model gives predictions that are silently wrong.",
                "A mix of two networks' weights computes nothing meaningful.",
                "A warning is easily missed, and the model would be half one network, half another.",
                "Changing the model's shape silently hides the mistake of loading the wrong file."]),
        Question(
            "A shifted digit (moved two pixels to the right) gets a wrong answer with confidence 0.98. Why can "
            "the network be so sure?",
            ["Because the shifted image was in the training set, with another label.",
             "Because 0.98 is the accuracy of the network, so it is shown for every image.",
             "Softmax always shares 1 among the ten digits, and nothing taught it shifted inputs.",
             "Because the pixels were not scaled, so the output layer overflowed."],
            answer=2,
            explanations=[
                "It was not: it was made in the notebook, and the training set has no shifted images.",
                "The confidence is computed for each image, from its own outputs.",
                "Right: the confidence is a learned score, reliable only on inputs like the training data.",
                "The shifted image was scaled like all others; the values stay in [-1, 1]."]),
        Question(
            "Why does the notebook compare a hash of the predictions instead of printing them?",
            ["Because printing predictions is slow in a subprocess.",
             "Because a hash is smaller, and the subprocess can only print short lines.",
             "Because printed numbers are rounded, so they can agree while the bits differ.",
             "Because the predictions are random and only their hash is reproducible."],
            answer=2,
            explanations=[
                "Speed is not the reason; a few thousand numbers print quickly.",
                "A subprocess can print as much as it likes.",
                "Right: the hash of the raw bytes changes with any bit, so equal hashes mean identical arrays.",
                "Predictions of a fixed model are not random: the same inputs give the same outputs."]),
    ])
