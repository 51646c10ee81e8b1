"""Exercise checks and quiz for notebook 13 · L1 and L2 regularisation.

* `check_regularization_gradient(regularization_gradient)`: the gradient of the penalty
  `l1 * sum(|w|) + l2 * sum(w**2)` with respect to the weights.
* `check_choose_strength(choose_strength, sweep)`: the L2 strength with the lowest mean
  validation loss, and whether it beats no penalty by more than two standard errors of the
  paired difference; judged on fixed cases and on the learner's own sweep.
* `check_early_stopping(early_stopping)`: the best epoch and the stopping epoch of early
  stopping with a patience, from a list of validation losses.

Every check returns a `CheckResult` and never raises because of the learner's answer. The
checks compute their references in float64 with their own code and draw nothing from NumPy's
global random generator.
"""

import numpy as np

from ..checking import (LearnerError, Mistake, call_learner, compare, failed, guarded, passed, short,
                        to_array)
from ..quiz import Question, Quiz

__all__ = ["check_regularization_gradient", "check_choose_strength", "check_early_stopping", "quiz"]

GRADIENT_TITLE = "Exercise 1: the penalty's gradient"
CHOOSE_TITLE = "Exercise 2: choose the strength on validation"
STOPPING_TITLE = "Exercise 3: when would patience stop?"
TIMEOUT = None  # None: checking.DEFAULT_TIMEOUT, the one setting of how long a learner's function may run


def _weights():
    """Positive and negative weights of several sizes, none zero (where sign() has a choice)."""
    rng = np.random.default_rng(13)
    weights = np.round(rng.uniform(-1.5, 1.5, size=(4, 3)), 3)
    weights[np.abs(weights) < 0.05] = 0.25
    return weights


# --- Exercise 1 ------------------------------------------------------------------------------

def _gradient(weights, l1, l2):
    return l1 * np.sign(weights) + 2 * l2 * weights


def _gradient_mistakes(weights, l1, l2):
    sign = np.sign(weights)
    return [
        Mistake(l1 * sign + l2 * weights,
                "The L2 part is missing its factor 2: the derivative of l2 * w**2 is 2 * l2 * w."),
        Mistake(-l1 * sign + 2 * l2 * weights,
                "The L1 part points the wrong way: the derivative of l1 * |w| is +l1 for a positive "
                "weight and -l1 for a negative one, l1 * np.sign(w). Your sign is flipped, so the "
                "update would push weights away from zero."),
        Mistake(-l1 * sign - 2 * l2 * weights,
                "Both parts have the wrong sign. This function returns the gradient of the penalty; "
                "the optimiser subtracts it later, so do not put the minus sign in here."),
        Mistake(l1 * weights + 2 * l2 * weights,
                "The L1 part is l1 * w, which is the derivative of a square. The derivative of "
                "l1 * |w| does not depend on the size of w: it is l1 * np.sign(w)."),
        Mistake(l1 + 2 * l2 * weights,
                "The L1 part is the same +l1 for every weight: it forgot the sign. For a negative "
                "weight the derivative of l1 * |w| is -l1 (use np.sign(w))."),
        Mistake(l1 * np.abs(weights) + 2 * l2 * weights,
                "The L1 part is l1 * |w|, the penalty itself, not its derivative, l1 * np.sign(w)."),
        Mistake(l1 * sign + l2 * weights ** 2,
                "The L2 part is l2 * w**2, the penalty itself, not its derivative, 2 * l2 * w."),
        Mistake(l1 * sign + 2 * l2 * weights ** 2,
                "The L2 part should be 2 * l2 * w: you squared the weight as well."),
        Mistake(2 * l2 * weights, "The L1 part is missing: add l1 * np.sign(w)."),
        Mistake(l1 * sign, "The L2 part is missing: add 2 * l2 * w."),
    ]


@guarded(GRADIENT_TITLE)
def check_regularization_gradient(regularization_gradient):
    """Check `regularization_gradient(weights, l1, l2)` -> array shaped like `weights`."""
    weights = _weights()
    for l1, l2 in ((0.02, 0.005), (0.01, 0.0), (0.0, 0.003)):
        context = f"regularization_gradient(weights, l1={l1}, l2={l2})"
        answer = call_learner(regularization_gradient, weights.copy(), l1, l2, timeout=TIMEOUT,
                              name="regularization_gradient", context=context)
        mistakes = _gradient_mistakes(weights, l1, l2) if l1 and l2 else []
        result = compare(answer, _gradient(weights, l1, l2), GRADIENT_TITLE, mistakes=mistakes,
                         label=f"{context}", rtol=1e-6, atol=1e-9)
        if not result:
            if to_array(answer).shape == ():
                return failed(GRADIENT_TITLE, f"{context} returned one number. The gradient has one entry "
                              "per weight: the same shape as `weights`.")
            return result
    return passed(GRADIENT_TITLE, "right for L1 alone, L2 alone and both together: each weight gets "
                  "l1 * sign(w) + 2 * l2 * w added to its data gradient.")


# --- Exercise 2 ------------------------------------------------------------------------------

def _early_stopping(losses, patience):
    best = 0
    for epoch, loss in enumerate(losses):
        if loss < losses[best]:
            best = epoch
        if epoch - best >= patience:
            return best, epoch
    return best, len(losses) - 1


# (losses, patience): a stop where a later epoch is lower still; a stop after a plateau of ties;
# a run that never stops; a run whose loss first rises and then falls below its old best.
STOPPING_CASES = [
    ([1.0, 0.8, 0.7, 0.72, 0.69, 0.71, 0.73, 0.74, 0.75, 0.76], 3),
    ([1.0, 0.9, 0.85, 0.86, 0.87, 0.88, 0.5, 0.4], 3),
    ([0.9, 0.6, 0.6, 0.6, 0.6, 0.7], 3),
    ([1.0, 0.9, 0.8, 0.7, 0.6], 2),
    ([1.0, 0.8, 0.9, 0.95, 0.7, 0.75, 0.8, 0.85, 0.9], 3),
    ([1.0, 0.5, 0.6, 0.55, 0.58, 0.57, 0.59], 3),  # small dips that never beat the best
]


def _since_last_decrease(losses, patience):
    """The typical mistake: count the epochs since the loss last went down, not since the best."""
    best, last_decrease = 0, 0
    for epoch, loss in enumerate(losses):
        if epoch and loss < losses[epoch - 1]:
            last_decrease = epoch
        if loss < losses[best]:
            best = epoch
        if epoch - last_decrease >= patience:
            return best, epoch
    return best, len(losses) - 1


def _pair(answer, context):
    if answer is None:
        raise LearnerError("`early_stopping` returned None. Did you forget the `return`?", unsolved=True)
    if isinstance(answer, (tuple, list)) and any(part is Ellipsis for part in answer):
        raise LearnerError("`early_stopping` still returns `...`.", unsolved=True)
    if not isinstance(answer, (tuple, list, np.ndarray)) or len(answer) != 2:
        raise LearnerError(f"{context}: return two indices, (best_epoch, stop_epoch); got {short(answer)}.")
    values = []
    for part in answer:
        array = to_array(part, f"{context}: an index")
        if array.size != 1 or not np.isfinite(array).all() or array.reshape(()) != np.round(array.reshape(())):
            raise LearnerError(f"{context}: both returned values must be whole-number epoch indices, got {short(answer)}.")
        values.append(int(array.reshape(())))
    return tuple(values)


# --- Exercise 2: choose the strength on validation ------------------------------------------

def _rows(table):
    return {float(strength): np.asarray(rows, dtype=float) for strength, rows in table.items()}


# {strength: one (validation loss, validation accuracy) row per seed}, made so that each typical
# mistake gives a different answer.
CHOOSE_CASES = [
    {0.0: [[1.2, 0.70], [1.4, 0.68], [1.0, 0.72]], 1e-4: [[1.1, 0.71], [1.28, 0.69], [0.92, 0.73]],
     1e-3: [[1.15, 0.75], [1.35, 0.74], [0.95, 0.76]]},     # paired: clear; unpaired: not
    {0.0: [[0.5, 0.80], [0.6, 0.80], [0.55, 0.80]], 1e-4: [[0.6, 0.81], [0.65, 0.81], [0.6, 0.81]],
     1e-3: [[0.9, 0.70], [1.0, 0.70], [0.95, 0.70]]},        # no penalty is best
    {0.0: [[1.0, 0.70], [0.8, 0.70], [1.2, 0.70]], 1e-3: [[0.7, 0.70], [1.0, 0.70], [1.0, 0.70]]},  # noise
]


def _choose(table):
    table = _rows(table)
    best = min(table, key=lambda strength: table[strength][:, 0].mean())
    differences = table[best][:, 0] - table[0.0][:, 0]
    standard_error = differences.std(ddof=1) / np.sqrt(len(differences))
    return best, bool(differences.mean() < -2 * standard_error)


def _choose_answer(choose_strength, table):
    context = "choose_strength(sweep)"
    answer = call_learner(choose_strength, {k: np.array(v, dtype=float) for k, v in table.items()},
                          timeout=TIMEOUT, name="choose_strength", context=context)
    if answer is None or answer is Ellipsis or (isinstance(answer, tuple) and Ellipsis in answer):
        raise LearnerError("`choose_strength` still returns `...` or None.", unsolved=True)
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise LearnerError(f"{context} should return two things, (strength, clearly_better); got {short(answer)}.")
    strength, clearly = answer
    try:
        strength = float(strength)
    except (TypeError, ValueError):
        raise LearnerError(f"{context}: the strength must be a number, one of the sweep's keys.") from None
    if not isinstance(clearly, (bool, np.bool_)):
        raise LearnerError(f"{context}: `clearly_better` must be True or False, got {short(clearly)}.")
    return strength, bool(clearly)


def _same(a, b):
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b)) + 1e-15


def _diagnose_choice(answer, table):
    strength, clearly = answer
    rows = _rows(table)
    best, right_clearly = _choose(table)
    if not any(_same(strength, key) for key in rows):
        return f"{strength:g} is not one of the strengths in the sweep: choose one of {sorted(rows)}."
    if not _same(strength, best):
        by_accuracy = max(rows, key=lambda k: rows[k][:, 1].mean())
        worst = max(rows, key=lambda k: rows[k][:, 0].mean())
        if _same(strength, by_accuracy):
            return ("you chose by the validation accuracy. The exercise chooses by the mean validation "
                    "loss (column 0), the quantity training minimises; accuracy can pick another strength.")
        if _same(strength, worst):
            return "you chose the strength with the highest validation loss; the best has the lowest."
        return (f"the strength with the lowest mean validation loss is {best:g}: average column 0 "
                "over the seeds for each strength, then take the smallest.")
    if clearly != right_clearly:
        if _same(best, 0.0):
            return "no penalty is the best here, and it cannot be clearly better than itself: False."
        differences = rows[best][:, 0] - rows[0.0][:, 0]
        unpaired = np.sqrt(rows[best][:, 0].var(ddof=1) / len(differences)
                           + rows[0.0][:, 0].var(ddof=1) / len(differences))
        if clearly == bool(differences.mean() < -2 * unpaired):
            return ("your verdict treats the two strengths as independent samples. Each seed gave both "
                    "the same start: take the differences seed by seed, then their standard error "
                    "(np.std(differences, ddof=1) / sqrt(number of seeds)).")
        return ("the verdict is wrong: `clearly_better` is whether the mean paired difference "
                "(chosen minus none) in validation loss is below -2 standard errors.")
    return None


@guarded(CHOOSE_TITLE)
def check_choose_strength(choose_strength, sweep):
    """Check `choose_strength(sweep) -> (strength, clearly_better)` on fixed cases and on `sweep`,
    a dict {strength: array of (validation loss, validation accuracy) per seed} with 0 in it."""
    try:
        own = {float(k): np.asarray(v, dtype=float) for k, v in sweep.items()}
        if 0.0 not in own or any(v.ndim != 2 or v.shape[1] != 2 for v in own.values()):
            raise ValueError
    except (AttributeError, TypeError, ValueError):
        return failed(CHOOSE_TITLE, "pass the notebook's `sweep` as the second argument.")
    for where, table in [(f"test case {n + 1}", case) for n, case in enumerate(CHOOSE_CASES)] + [("your sweep", own)]:
        answer = _choose_answer(choose_strength, table)
        problem = _diagnose_choice(answer, table)
        if problem:
            return failed(CHOOSE_TITLE, f"on {where}: {problem}")
    best, clearly = _choose(own)
    return passed(CHOOSE_TITLE, f"right on the test cases and on your sweep: {best:g} has the lowest mean "
                  "validation loss, and its gain over no penalty is "
                  + ("more than two standard errors." if clearly else "within two standard errors."))


@guarded(STOPPING_TITLE)
def check_early_stopping(early_stopping):
    """Check `early_stopping(validation_losses, patience)` -> (best_epoch, stop_epoch)."""
    for losses, patience in STOPPING_CASES:
        context = f"early_stopping({losses}, patience={patience})"
        answer = call_learner(early_stopping, list(losses), patience, timeout=TIMEOUT,
                              name="early_stopping", context=context)
        best, stop = _pair(answer, context)
        right_best, right_stop = _early_stopping(losses, patience)
        if (best, stop) == (right_best, right_stop):
            continue
        where = f"{context} returned ({best}, {stop}), but the answer is ({right_best}, {right_stop})."
        global_best = int(np.argmin(losses))
        if best == global_best != right_best:
            return failed(STOPPING_TITLE, f"{where} Epoch {global_best} comes after training has stopped: "
                          "early stopping only knows the losses seen so far (np.argmin over the whole "
                          "list looks into the future).")
        if best == int(np.argmax(losses)):
            return failed(STOPPING_TITLE, f"{where} The best epoch has the lowest loss, not the highest.")
        if best == right_best and stop in (right_stop - 1, right_stop + 1):
            return failed(STOPPING_TITLE, f"{where} The stop is off by one: training stops at the first "
                          "epoch with stop_epoch - best_epoch == patience.")
        if best != right_best and best == max(i for i, loss in enumerate(losses[: right_stop + 1])
                                              if loss == min(losses[: right_stop + 1])):
            return failed(STOPPING_TITLE, f"{where} A tie is not an improvement: keep the first epoch "
                          "that reached the lowest loss (compare with <, not <=).")
        if best == right_best and stop < right_stop:
            return failed(STOPPING_TITLE, f"{where} It stopped too early. Count the epochs since the "
                          "best epoch, not the epochs since the loss last went down or up.")
        if best == right_best and stop > right_stop and (best, stop) == _since_last_decrease(losses, patience):
            return failed(STOPPING_TITLE, f"{where} It counts the epochs since the loss last went down. "
                          "A small dip that does not beat the best loss is not an improvement: count the "
                          "epochs since the best epoch.")
        if stop == len(losses) - 1 and right_stop < stop:
            return failed(STOPPING_TITLE, f"{where} It never stopped: once `patience` epochs have passed "
                          "since the best epoch, return at once.")
        return failed(STOPPING_TITLE, where)
    return passed(STOPPING_TITLE, "right, including a run that never stops, ties, and a lower loss that "
                  "only comes after the stop.")


# --- Quiz ------------------------------------------------------------------------------------

def quiz():
    """The notebook's quiz: what the penalties do, their gradients, and early stopping."""
    return Quiz([
        Question(
            "A weight w = -0.4 in a layer with weight_regularizer_l1 = 0.01 and no L2. What does "
            "the L1 penalty add to this weight's gradient?",
            ["+0.004, because the penalty is proportional to the weight's size",
             "+0.01, because the penalty adds l1 to every weight's gradient",
             "-0.01, the L1 strength times the sign of the weight",
             "-0.008, twice the L1 strength times the weight"],
            answer=2,
            explanations=[
                "That is l1 * |w|, the size of the penalty itself, not its slope.",
                "Only for positive weights: for a negative weight the slope of |w| is -1.",
                "Right: the slope of l1 * |w| is l1 * sign(w); the optimiser subtracts it, so the "
                "weight moves up, towards zero.",
                "That is the L2 rule, 2 * l2 * w, with l1 in place of l2."]),
        Question(
            "Why does L1 leave many weights at or near exactly zero, while L2 leaves them small "
            "but rarely zero?",
            ["L1 pulls as hard on a tiny weight as on a big one; L2's pull fades",
             "L1 penalises large weights much harder than L2 does, so they are removed first",
             "L2 adds a small random amount to each weight, which keeps it away from zero",
             "L1 is applied after the update and L2 before it, so only L1 can reach zero"],
            answer=0,
            explanations=[
                "Right: 2 * l2 * w fades near zero, so L2 only shrinks; l1 * sign(w) keeps pushing "
                "with full strength until a weight that does not pay for itself sits at zero.",
                "For large weights L2 (the square) is the harsher penalty, not L1.",
                "Neither penalty is random: both are fixed functions of the weights.",
                "Both gradients are added in the same backward pass, before the same update."]),
        Question(
            "With L2 on, the printed training loss is higher than without it, even early on. "
            "What does that tell you?",
            ["The network fits the training data worse, so the L2 penalty has failed here",
             "The learning rate has to be raised to make up for the extra penalty term",
             "The validation loss has to be higher than without L2 by the same amount",
             "Little: it includes the penalty; compare the data losses instead"],
            answer=3,
            explanations=[
                "A slightly worse fit to the training points is the price L2 charges on purpose.",
                "The penalty is part of the objective; a larger step does not remove it.",
                "The validation loss is the data loss only; no penalty is added to it.",
                "Right: the reported loss is data loss plus penalty; judge the fit by the data loss "
                "and generalisation by the validation loss."]),
        Question(
            "Early stopping keeps the weights from the epoch with the lowest validation loss. "
            "Which of these is a real cost of doing so?",
            ["The restored weights always have a lower validation accuracy than the final ones",
             "Its validation score is a little optimistic: the epoch was chosen on it",
             "The training loss at the restored epoch is always the lowest of the whole run",
             "The restored weights can no longer be trained further by any optimiser"],
            answer=1,
            explanations=[
                "Not always: loss and accuracy can favour different epochs, in either direction.",
                "Right: choosing by the validation set leaks a little of it into the model; report a "
                "fresh test set for an unbiased number.",
                "The training loss keeps falling; at an earlier epoch it is higher, not lowest.",
                "The weights are ordinary arrays: training can continue from them."]),
        Question(
            "The book regularises the hidden layer with 5e-4 on weights and biases. What happens "
            "if you raise the L2 strength far beyond that?",
            ["The network overfits even more, since the weights are pushed much harder",
             "The network becomes too simple: training and validation accuracy both fall",
             "Nothing changes, because Adam rescales every gradient to about the same size",
             "Only the biases are affected, since the weights are already small"],
            answer=1,
            explanations=[
                "A stronger penalty allows fewer large weights, so less room to memorise, not more.",
                "Right: a huge penalty keeps every weight near zero, and the network underfits.",
                "Adam rescales the whole gradient, penalty included; the penalty still wins.",
                "The weights carry most of the penalty; biases are few."]),
    ])
