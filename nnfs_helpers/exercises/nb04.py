"""Exercise checks for notebook 04 · Softmax.

* `check_softmax(softmax)`: a batch softmax function, rows in, rows of probabilities out.
* `check_logits_for(logits_for)`: raw outputs whose softmax gives the probabilities asked for.
* `quiz()`: the notebook's quiz.

Both checks call the learner's function on fresh copies of their test inputs, silence the
NumPy warnings the learner's code may raise while being tested (the lesson shows those on
purpose elsewhere), and never raise.
"""

import re
import warnings

import numpy as np

from ..checking import LearnerError, Mistake, call_learner, compare, failed, guarded, passed, to_array
from ..quiz import Question, Quiz

__all__ = ["check_softmax", "check_logits_for", "quiz",
           "SOFTMAX_BATCH", "NON_SQUARE_BATCH", "HUGE_BATCH", "SPREAD_BATCH", "MIXED_BATCH",
           "TARGET_PROBABILITIES"]

SOFTMAX_TITLE = "Exercise 1: batch softmax"
LOGITS_TITLE = "Exercise 2: from probabilities back to raw outputs"

# The notebook's batch: square, so some mistakes broadcast silently instead of raising.
SOFTMAX_BATCH = [[4.8, 1.21, 2.385], [8.9, -1.81, 0.2], [1.41, 1.051, 0.026]]
# Two rows of three: a missing keepdims cannot broadcast here.
NON_SQUARE_BATCH = [[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]]
# Every row near 1000: np.exp overflows unless a maximum is subtracted first.
HUGE_BATCH = [[1000.0, 1001.0, 1002.0], [1002.0, 1000.0, 1001.0]]
# Rows with a large spread: only the row maximum brings the largest entry down to 0. Subtracting
# the row minimum leaves 1005 and 2000, the row mean 668 and 1000: np.exp overflows either way.
SPREAD_BATCH = [[0.0, 1000.0, -5.0], [-1000.0, 0.0, 1000.0]]
# One row near 1000, one near -1000: one global maximum sends the second row to 0 / 0.
MIXED_BATCH = [[1000.0, 1001.0, 1002.0], [-1000.0, -999.0, -998.0]]
# Probabilities for exercise 2 (each sums to 1, none is 0).
TARGET_PROBABILITIES = [[0.7, 0.2, 0.1], [0.05, 0.9, 0.05], [0.25, 0.25, 0.25, 0.25], [0.1, 0.6, 0.1, 0.2]]


def _reference_softmax(logits):
    """Softmax of each row of a 2-D array (of the last axis in general), computed stably."""
    z = np.asarray(logits, dtype=np.float64)
    exp_values = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return exp_values / np.sum(exp_values, axis=-1, keepdims=True)


def _quiet_call(func, *args, name):
    """Call the learner's function with NumPy's warnings silenced (they would clutter the check)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return call_learner(func, *args, name=name)


def _compare(*args, **kwargs):
    """`checking.compare`, with NumPy 2's `np.int64(0)` in its index hints shown as plain `0`."""
    result = compare(*args, **kwargs)
    result.message = re.sub(r"np\.int64\((-?\d+)\)", r"\1", result.message)
    return result


def _as_array(value, label):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return to_array(value, label)


# --- Exercise 1 ---------------------------------------------------------------------------

_SHIFTS = {
    # name: (what is subtracted before np.exp, message or None when the shift is harmless)
    "none": (lambda z: 0.0, None),
    "row": (lambda z: np.max(z, axis=1, keepdims=True), None),
    "global": (lambda z: np.max(z), None),
    "column": (lambda z: np.max(z, axis=0, keepdims=True),
               "You subtracted the maximum of each column (axis=0). Softmax is only unchanged when "
               "every entry of a row is shifted by the same number: subtract each row's maximum, "
               "np.max(logits, axis=1, keepdims=True)."),
    "row_no_keepdims": (lambda z: np.max(z, axis=1),
                        "The maximum you subtracted has shape (n,) instead of (n, 1): without "
                        "keepdims=True, NumPy lines it up with the columns, so each row is shifted by "
                        "other rows' maxima. Use np.max(logits, axis=1, keepdims=True)."),
}

_NORMALISERS = {
    # name: (normalise function, message or None when this is the correct normalisation)
    "row": (lambda e: e / np.sum(e, axis=1, keepdims=True), None),
    "row_no_keepdims": (lambda e: e / np.sum(e, axis=1),
                        "Your rows do not sum to 1. You summed each row with axis=1 but without "
                        "keepdims=True: the sums have shape (n,), so NumPy divides column j by the sum "
                        "of row j. Keep the sums as a column, np.sum(exp_values, axis=1, keepdims=True), "
                        "so each row is divided by its own sum."),
    "column": (lambda e: e / np.sum(e, axis=0, keepdims=True),
               "Your columns sum to 1, not your rows: you normalised over axis=0. Each row is one "
               "sample, so sum over axis=1 (with keepdims=True)."),
    "total": (lambda e: e / np.sum(e),
              "All the numbers of the batch together sum to 1, not each row: np.sum without an axis "
              "adds up the whole batch. Sum each row with axis=1, keepdims=True."),
    "none": (lambda e: e,
             "These are the exponentiated values, not probabilities: the rows do not sum to 1. "
             "Divide each row by its sum (np.sum(..., axis=1, keepdims=True))."),
}


def _softmax_mistakes(logits):
    """Every wrong combination of a shift and a normalisation, with the message that explains it."""
    z = np.asarray(logits, dtype=np.float64)
    right = _reference_softmax(z)
    mistakes = []
    # Normalisation mistakes first: they are the bigger misunderstanding.
    for normalise, norm_message in _NORMALISERS.values():
        for shift, shift_message in _SHIFTS.values():
            message = norm_message or shift_message
            if message is None:
                continue
            try:
                with np.errstate(all="ignore"):
                    wrong = normalise(np.exp(z - shift(z)))
            except ValueError:  # cannot broadcast on this batch: such code raises, see _broadcast_hint
                continue
            if wrong.shape == right.shape and np.allclose(wrong, right):
                continue
            mistakes.append(Mistake(wrong, message))
    mistakes.append(Mistake(lambda a: a.shape == (len(z),),
                            f"Your function returned one number per row (shape ({len(z)},)). Return the "
                            f"whole batch of probabilities, one row per sample: shape {z.shape}."))
    return mistakes


def _broadcast_hint(problem):
    text = str(problem)
    if "broadcast" in text:
        return (f"{text}. This happens without keepdims=True: np.sum(..., axis=1) and np.max(..., axis=1) "
                "give shape (n,), which cannot line up with an (n, 3) batch. Add keepdims=True to "
                "keep them as (n, 1) columns.")
    return text


def _try(softmax, logits):
    """The learner's answer for `logits`, or a LearnerError whose message explains the failure."""
    try:
        return _quiet_call(softmax, np.array(logits, dtype=np.float64), name="softmax")
    except LearnerError as problem:
        if problem.unsolved:
            raise
        raise LearnerError(_broadcast_hint(problem)) from None


@guarded(SOFTMAX_TITLE)
def check_softmax(softmax):
    """Check a function that takes an (n, k) array of raw outputs and returns softmax of each row."""
    # 1. The notebook's square batch: catches wrong axes, missing keepdims and unnormalised values.
    answer = _try(softmax, SOFTMAX_BATCH)
    result = _compare(answer, _reference_softmax(SOFTMAX_BATCH), SOFTMAX_TITLE,
                     mistakes=_softmax_mistakes(SOFTMAX_BATCH), label="softmax(batch)")
    if not result:
        return result

    # 2. A batch of two rows of three: the same mistakes that broadcast silently above now fail.
    answer = _try(softmax, NON_SQUARE_BATCH)
    result = _compare(answer, _reference_softmax(NON_SQUARE_BATCH), SOFTMAX_TITLE,
                     mistakes=_softmax_mistakes(NON_SQUARE_BATCH),
                     label=f"softmax({NON_SQUARE_BATCH})")
    if not result:
        return result

    # 3. Huge raw outputs: without subtracting a maximum, np.exp overflows to inf and inf / inf is NaN.
    answer = _as_array(_try(softmax, HUGE_BATCH), "softmax(huge logits)")
    if answer.shape == (2, 3) and not np.isfinite(answer).all():
        return failed(SOFTMAX_TITLE,
                      f"Your function works on small numbers, but softmax({HUGE_BATCH}) contains "
                      "NaN or infinity: np.exp(1000) overflows to inf, and inf / inf is NaN. Subtract "
                      "each row's maximum before np.exp (np.max(logits, axis=1, keepdims=True)); "
                      "it does not change the probabilities.")
    result = _compare(answer, _reference_softmax(HUGE_BATCH), SOFTMAX_TITLE, label="softmax(huge logits)")
    if not result:
        return result

    # 4. Rows with a large spread: a shift by anything below the row maximum (its minimum, its
    #    mean) leaves a huge exponent, so np.exp overflows.
    answer = _as_array(_try(softmax, SPREAD_BATCH), "softmax(spread logits)")
    if answer.shape == (2, 3) and not np.isfinite(answer).all():
        return failed(SOFTMAX_TITLE, _spread_message(answer))
    result = _compare(answer, _reference_softmax(SPREAD_BATCH), SOFTMAX_TITLE, label="softmax(spread logits)")
    if not result:
        return result

    # 5. One row near 1000, one near -1000: only the row maximum keeps both rows finite.
    answer = _as_array(_try(softmax, MIXED_BATCH), "softmax(mixed logits)")
    if answer.shape == (2, 3) and not np.isfinite(answer).all():
        return failed(SOFTMAX_TITLE,
                      f"softmax({MIXED_BATCH}) contains NaN. It looks as if you subtracted one global "
                      "maximum for the whole batch (np.max(logits) without an axis): the second row becomes "
                      "about -2000, np.exp of it underflows to 0, and 0 / 0 is NaN. Subtract each "
                      "row's own maximum: np.max(logits, axis=1, keepdims=True).")
    result = _compare(answer, _reference_softmax(MIXED_BATCH), SOFTMAX_TITLE, label="softmax(mixed logits)")
    if not result:
        return result
    return passed(SOFTMAX_TITLE, "well done! Every row sums to 1, and huge, very negative or widely spread "
                                 "raw outputs cause no overflow and no NaN.")


_WRONG_SHIFTS = {
    # what was subtracted: (the shift, how to name it)
    "row minimum": (lambda z: np.min(z, axis=1, keepdims=True), "each row's minimum"),
    "row mean": (lambda z: np.mean(z, axis=1, keepdims=True), "each row's mean"),
    "global minimum": (lambda z: np.min(z), "the minimum of the whole batch"),
    "global mean": (lambda z: np.mean(z), "the mean of the whole batch"),
}


def _spread_message(answer):
    """Name the shift that gives the same NaN pattern as the learner's answer on SPREAD_BATCH."""
    z = np.asarray(SPREAD_BATCH, dtype=np.float64)
    named = "each row's minimum or mean"
    for shift, name in _WRONG_SHIFTS.values():
        with np.errstate(all="ignore"):
            exp_values = np.exp(z - shift(z))
            wrong = exp_values / np.sum(exp_values, axis=1, keepdims=True)
        if np.array_equal(np.isnan(wrong), np.isnan(answer)):
            named = name
            break
    return (f"softmax({SPREAD_BATCH}) contains NaN or infinity. These rows have a large spread, and it "
            f"looks as if you subtracted {named} (or another number below each row's maximum) before "
            "np.exp. That is allowed mathematically (any "
            "constant per row leaves softmax unchanged), but it leaves the largest entry of a row far "
            "above 0 (1000 - (-5) = 1005 with the minimum of [0, 1000, -5]), so np.exp overflows to inf "
            "and inf / inf is NaN. Only the row's maximum makes the largest exponent exactly 0: "
            "np.max(logits, axis=1, keepdims=True).")


# --- Exercise 2 ---------------------------------------------------------------------------

def _logit_mistakes(p):
    """Typical wrong answers for target probabilities p, with what to say."""
    with np.errstate(all="ignore"):
        return [
            (p, "You returned the probabilities themselves. Softmax would exponentiate them again, "
                "giving different probabilities. Undo the exponential: take the logarithm."),
            (np.exp(p), "np.exp is what softmax does; to go back, do the opposite: np.log."),
            (-np.log(p), "Check the sign: with -np.log the most probable class gets the smallest raw "
                         "output. Use np.log(probabilities)."),
            (np.log10(p), "Softmax uses powers of e, so undo it with the natural logarithm np.log, "
                          "not np.log10."),
            (np.log2(p), "Softmax uses powers of e, so undo it with the natural logarithm np.log, "
                         "not np.log2."),
            (np.log(p) / np.sum(np.log(p)), "Raw outputs need not be normalised: only the "
                                            "probabilities sum to 1. np.log(probabilities) is enough."),
        ]


@guarded(LOGITS_TITLE)
def check_logits_for(logits_for):
    """Check a function that returns raw outputs whose softmax is the given row of probabilities."""
    for row in TARGET_PROBABILITIES:
        p = np.array(row, dtype=np.float64)
        label = f"logits_for({row})"
        answer = _as_array(_quiet_call(logits_for, p.copy(), name="logits_for"), label)
        if answer.shape != p.shape:
            return failed(LOGITS_TITLE, f"{label} has shape {answer.shape}, but it should give one raw "
                                        f"output per class: shape {p.shape}.")
        if not np.isfinite(answer).all():
            return failed(LOGITS_TITLE, f"{label} contains NaN or infinity ({answer}). Every raw output "
                                        "should be an ordinary finite number.")
        if np.allclose(_reference_softmax(answer), p, rtol=1e-5, atol=1e-7):
            continue
        for wrong, message in _logit_mistakes(p):
            if Mistake(wrong, message).matches(answer):
                return failed(LOGITS_TITLE, message)
        got = _reference_softmax(answer)
        return failed(LOGITS_TITLE, f"softmax of {label} is {np.round(got, 4).tolist()}, not {row}.")
    return passed(LOGITS_TITLE, "well done! np.log(probabilities) works, and so does np.log(probabilities) "
                                "plus any constant: softmax cannot tell the difference.")


# --- Quiz ---------------------------------------------------------------------------------

def quiz():
    """The notebook's quiz: what softmax does, and why it is computed the way it is."""
    close = _reference_softmax([[4.8, 4.79, 4.25]])[0]
    clear = _reference_softmax([[4.8, 1.21, 2.385]])[0]
    return Quiz([
        Question(
            "Class 0 has the largest raw output in both rows. Which row is the network more "
            "confident about?",
            ["[4.8, 4.79, 4.25], because its raw outputs are larger in total",
             "[4.8, 1.21, 2.385], because class 0 leads the others by far",
             "Neither: both rows give class 0 the same raw output, 4.8",
             "Neither can be told until each row is divided by its sum"],
            answer=1,
            explanations=[
                "Softmax ignores the total: in this row three classes are almost tied, so their "
                f"probabilities are close ({close[0]:.2f}, {close[1]:.2f}, {close[2]:.2f}).",
                f"Softmax reads each output relative to the others in its row: {clear[0]:.3f} for "
                "class 0 here.",
                f"The same 4.8 gives {clear[0]:.3f} in one row and {close[0]:.3f} in the other: only "
                "the differences within a row count.",
                f"No need to wait: softmax answers it ({clear[0]:.3f} against {close[0]:.3f}). And "
                "dividing raw outputs by their sum is no way to get probabilities: it fails as soon as "
                "some are negative."]),
        Question(
            "You add 100 to every raw output of one row. What happens to that row's softmax?",
            ["The largest probability grows, because every exponential grows",
             "np.exp overflows, and the whole row becomes nan",
             "Each probability moves closer to 1/3 than it was",
             "Each probability stays the same as it was before"],
            answer=3,
            explanations=[
                "Every exponential grows by the same factor e^100, so the ratios between them do not change.",
                "Not when each row's maximum is subtracted first: the largest exponent is then 0, "
                "whatever was added.",
                "Adding the same number keeps every difference, and softmax depends only on the differences.",
                "The factor e^100 appears above and below the fraction and cancels."]),
        Question(
            "Why does np.sum(exp_values, axis=1, keepdims=True) need keepdims=True?",
            ["It keeps the sums as an (n, 1) column: one row, one sum to divide by",
             "Without it, np.sum adds up the whole batch into one number",
             "Without it, NumPy always raises an error when it divides the batch",
             "It keeps the sums in float64, so no precision is lost in the division"],
            answer=0,
            explanations=[
                "An (n,) vector would be lined up with the columns instead: each column divided by "
                "one row's sum.",
                "That is what a missing axis does; axis=1 already gives one sum per row.",
                "Only when the number of samples differs from the number of classes. A square batch "
                "divides without an error and gives wrong numbers, which is worse.",
                "keepdims changes the shape of the result, not its precision."]),
        Question(
            "Why subtract the maximum of each row rather than one maximum of the whole batch?",
            ["One batch maximum changes the probabilities of the rows below it",
             "Either works; the maximum of each row is only a little quicker",
             "A row far below it underflows to zeros, and 0 / 0 is nan",
             "The batch maximum still lets np.exp overflow in the row that holds it"],
            answer=2,
            explanations=[
                "Mathematically any constant leaves softmax unchanged; the trouble is numerical.",
                "With the mixed batch of this notebook one batch maximum turns the second row into nan.",
                "Each row needs its own shift, so that its own largest value becomes exactly 0.",
                "In the row that holds the batch maximum, that maximum becomes 0: no overflow there. "
                "The trouble is underflow in the other rows."]),
        Question(
            "Any constant per row leaves softmax unchanged. Why subtract each row's maximum and not "
            "its minimum or its mean?",
            ["The minimum or the mean would change the probabilities a little",
             "The minimum works just as well; the maximum is only the convention",
             "np.max is quicker to compute than np.min or np.mean on a batch",
             "Only the maximum brings the largest exponent to 0, so no overflow"],
            answer=3,
            explanations=[
                "They would not: any constant cancels. With a large spread, such as [0, 1000, -5], "
                "they give nan instead, because np.exp overflows.",
                "Not on a row with a large spread: the minimum turns [0, 1000, -5] into "
                "[5, 1005, 0], and e^1005 overflows to inf.",
                "All three take about the same time; the difference is whether np.exp can overflow.",
                "After the shift every exponent is at most 0, so every e^z is at most 1, however far "
                "apart the raw outputs are."]),
        Question(
            "The untrained spiral network gives every class a probability near 1/3. Why?",
            ["Softmax always spreads the probability evenly over three classes",
             "Its small weights and zero biases keep every raw output near 0",
             "ReLU sets every raw output of the last layer to exactly 0",
             "The spiral data has 100 points of each class, so softmax learns 1/3"],
            answer=1,
            explanations=[
                "Only when the raw outputs are equal; the sliders show many other cases.",
                "e^z is then about 1 for every class, so each class gets about a third.",
                "ReLU acts on the hidden layer; the raw outputs of the last layer are tiny but mostly not 0.",
                "Softmax learns nothing: it has no weights. The near-thirds come from the tiny raw "
                "outputs of an untrained network."]),
    ])
