"""Exercise checks and quiz for notebook 14 · Dropout.

* `check_dropout_forward(dropout_forward)`: inverted dropout on a batch: drop the fraction
  `rate` of the entries, scale the kept ones by 1 / (1 - rate).
* `check_dropout_layer(Dropout)`: a dropout layer class: forward with a training flag, and a
  backward pass through the mask of the forward pass.
* `check_paired_difference(paired_difference, runs)`: Exercise 3, the difference between two
  settings paired by seed, its standard error, and whether it exceeds two standard errors; judged
  on fixed cases and on the learner's own runs.

Both checks are statistical: they drop from 100,000 entries, so the fraction dropped has a
standard error of about 0.0015; the checks allow 0.01 (about 7 standard errors). NumPy's global
random state is put back after every check, so running a check never changes the random numbers
of the cells that follow.

Every check returns a `CheckResult` and never raises because of the learner's answer.
"""

import numpy as np

from ..checking import LearnerError, call_learner, failed, guarded, passed, to_array
from ..quiz import Question, Quiz

__all__ = ["check_dropout_forward", "check_dropout_layer", "check_paired_difference", "quiz"]

FORWARD_TITLE = "Exercise 1: inverted dropout"
LAYER_TITLE = "Exercise 2: a dropout layer"
PAIRED_TITLE = "Exercise 3: larger than its noise?"
TIMEOUT = None  # None: checking.DEFAULT_TIMEOUT, the one setting of how long a learner's function may run
SHAPE = (400, 250)  # 100,000 entries
TOLERANCE = 0.01    # on the fraction dropped; its standard error is at most 0.0016


def _inputs(seed):
    """Positive inputs of different sizes, so output / input reveals the mask and the scale."""
    return np.random.default_rng(seed).uniform(0.5, 2.0, size=SHAPE)


class _KeepRandomState:
    def __enter__(self):
        self.state = np.random.get_state()

    def __exit__(self, *exc):
        np.random.set_state(self.state)
        return False


def _array(value, what, unsolved_hint):
    if value is None or value is Ellipsis:
        raise LearnerError(f"{what} is {'still `...`' if value is Ellipsis else 'None'}. {unsolved_hint}",
                           unsolved=True)
    array = to_array(value, what)
    if array.shape != SHAPE:
        raise LearnerError(f"{what} has shape {array.shape}, but the inputs have shape {SHAPE}: "
                           "dropout keeps or drops each entry, so the output has the inputs' shape. "
                           + ("A mask of shape (1, n) or (n,) would drop the same neurons for every sample: "
                              "draw one the shape of the inputs." if array.size < np.prod(SHAPE) else ""))
    if not np.isfinite(array).all():
        raise LearnerError(f"{what} contains NaN or infinity.")
    return array


def _diagnose_forward(output, inputs, rate, what):
    """None when `output` is inverted dropout of `inputs` at `rate`; else what is wrong."""
    keep = 1 - rate
    ratio = output / inputs
    dropped = np.isclose(ratio, 0.0, atol=1e-6)
    kept_ratios = ratio[~dropped]
    fraction = dropped.mean()
    if not dropped.any():
        if np.allclose(ratio, 1.0):
            return f"{what} equals the inputs: nothing was dropped. Multiply by a random mask of 0s and 1s."
        return f"{what} has no zeros: dropout sets a random fraction `rate` of the entries to 0."
    if dropped.all():
        return f"{what} is all zeros: every entry was dropped."
    rows = dropped.reshape(SHAPE)
    if (rows == rows[0]).all() or (rows.T == rows[:, 0]).all():
        return (f"{what} drops the same entries in every row (or every column): draw an independent "
                "mask for every entry, the shape of the inputs.")
    scales = np.unique(np.round(kept_ratios, 6))
    if scales.size > 1 and not np.allclose(kept_ratios, kept_ratios.mean(), rtol=1e-4):
        return (f"{what}: the kept entries are not all scaled by the same number (output / input varies "
                f"from {kept_ratios.min():.3g} to {kept_ratios.max():.3g}). Keep an entry unchanged "
                "apart from the one factor 1 / (1 - rate).")
    scale = float(kept_ratios.mean())
    if abs(fraction - keep) < TOLERANCE and abs(fraction - rate) >= TOLERANCE:
        return (f"{what} dropped {fraction:.1%} of the entries with rate={rate}: that is the fraction to "
                f"keep. `rate` is the fraction to drop, so each entry is kept with probability 1 - rate.")
    if abs(fraction - rate) >= TOLERANCE:
        return (f"{what} dropped {fraction:.1%} of the entries, but rate={rate} should drop about {rate:.0%} "
                f"(allowed: {rate - TOLERANCE:.2f} to {rate + TOLERANCE:.2f}, about 7 standard errors).")
    if np.isclose(scale, 1 / keep, rtol=1e-4):
        return None
    if np.isclose(scale, 1.0, rtol=1e-4):
        return (f"{what} drops the right fraction but does not rescale: the kept entries are unchanged, so "
                f"the expected output is only {keep:.0%} of the input. Divide the kept entries by "
                "1 - rate (inverted dropout), so the expected value stays the same.")
    if np.isclose(scale, 1 / rate, rtol=1e-4):
        return (f"{what} divides by rate. Divide by the fraction kept, 1 - rate, so the expected "
                "output equals the input.")
    if np.isclose(scale, keep, rtol=1e-4):
        return (f"{what} multiplies the kept entries by 1 - rate; divide by it instead, so they grow "
                "and make up for the dropped ones.")
    return (f"{what} scales the kept entries by {scale:.4g}; inverted dropout scales them by "
            f"1 / (1 - rate) = {1 / keep:.4g}.")


FIXED_MASK = ("drops exactly the same entries on two calls with the same inputs: the mask is fixed, "
              "which is pruning, not dropout. Every call (every training step) must draw a new random "
              "mask: do not create a generator with a fixed seed, or call np.random.seed, inside it.")


def _same_mask(first, second):
    """True when two outputs drop exactly the same entries (a mask that never changes)."""
    return bool(np.array_equal(np.isclose(first, 0.0, atol=1e-12), np.isclose(second, 0.0, atol=1e-12)))


@guarded(FORWARD_TITLE)
def check_dropout_forward(dropout_forward):
    """Check `dropout_forward(inputs, rate)` -> inputs with a fraction `rate` dropped, the rest scaled."""
    with _KeepRandomState():
        for seed, rate in ((1, 0.3), (2, 0.5), (3, 0.1)):
            inputs = _inputs(seed)
            context = f"dropout_forward(inputs, rate={rate})"
            answer = call_learner(dropout_forward, inputs.copy(), rate, timeout=TIMEOUT,
                                  name="dropout_forward", context=context)
            output = _array(answer, f"the result of {context}", "Did you forget the `return`?")
            problem = _diagnose_forward(output, inputs, rate, f"The result of {context}")
            if problem:
                return failed(FORWARD_TITLE, problem)
            mean_ratio = float(np.mean(output / inputs))
            if abs(mean_ratio - 1) > 0.02:  # the standard error of this mean is below 0.004
                return failed(FORWARD_TITLE, f"on average the output is {mean_ratio:.3f} times the input, "
                              "but inverted dropout keeps the expected value: 1.")
            again = _array(call_learner(dropout_forward, inputs.copy(), rate, timeout=TIMEOUT,
                                        name="dropout_forward", context=context),
                           f"the result of a second call {context}", "Did you forget the `return`?")
            if _same_mask(output, again):
                return failed(FORWARD_TITLE, f"{context} {FIXED_MASK}")
    return passed(FORWARD_TITLE, "the right fraction dropped at rates 0.3, 0.5 and 0.1, and the kept "
                  "entries scaled by 1 / (1 - rate): on average the output equals the input.")


def _method(layer, name):
    method = getattr(layer, name, None)
    if method is None or not callable(method):
        raise LearnerError(f"your layer has no `{name}` method.", unsolved=method is None)
    return method


def _attribute(layer, name, after):
    value = getattr(layer, name, None)
    hint = f"Set `self.{name}` in {after}."
    return _array(value, f"`self.{name}` after {after}", hint)


@guarded(LAYER_TITLE)
def check_dropout_layer(Dropout):
    """Check a class `Dropout(rate)` with forward(inputs, training=True) and backward(dvalues)."""
    rate = 0.3
    with _KeepRandomState():
        layer = call_learner(Dropout, rate, timeout=TIMEOUT, name="Dropout", context="Dropout(0.3)")
        inputs = _inputs(4)
        forward = _method(layer, "forward")
        call_learner(forward, inputs.copy(), timeout=TIMEOUT, name="forward", context="layer.forward(inputs)")
        output = _attribute(layer, "output", "forward")
        problem = _diagnose_forward(output, inputs, rate, "In training, `self.output`")
        if problem:
            return failed(LAYER_TITLE, problem)

        dvalues = np.random.default_rng(5).normal(size=SHAPE)
        backward = _method(layer, "backward")
        call_learner(backward, dvalues.copy(), timeout=TIMEOUT, name="backward", context="layer.backward(dvalues)")
        dinputs = _attribute(layer, "dinputs", "backward")
        mask = output / inputs
        if not np.allclose(dinputs, dvalues * mask, rtol=1e-5, atol=1e-8):
            if np.allclose(dinputs, dvalues):
                return failed(LAYER_TITLE, "backward returns dvalues unchanged: a dropped input had no effect "
                              "on the output, so its gradient is 0. Multiply by the mask.")
            dropped_back = np.isclose(dinputs, 0.0, atol=1e-12)
            dropped_forward = np.isclose(mask, 0.0, atol=1e-12)
            if np.mean(dropped_back != dropped_forward) > 0.05:
                return failed(LAYER_TITLE, "backward zeroes different entries from the ones forward dropped: "
                              "it draws a new mask. The gradient must flow through the same mask as the "
                              "forward pass: store it in forward (self.binary_mask) and reuse it.")
            if np.allclose(dinputs, dvalues * (~dropped_forward)):
                return failed(LAYER_TITLE, "backward uses the right entries but forgets the scaling: "
                              "output = inputs * mask, with the mask already divided by 1 - rate, so "
                              "dinputs = dvalues * mask, scale included.")
            return failed(LAYER_TITLE, "backward's dinputs is not dvalues * mask, the same scaled mask as "
                          "the forward pass (output = inputs * mask, so d output / d inputs = mask).")

        call_learner(forward, inputs.copy(), timeout=TIMEOUT, name="forward",
                     context="a second layer.forward(inputs)")
        if _same_mask(output, _attribute(layer, "output", "a second forward")):
            return failed(LAYER_TITLE, f"forward {FIXED_MASK}")
        call_learner(forward, inputs.copy(), training=False, timeout=TIMEOUT, name="forward",
                     context="layer.forward(inputs, training=False)")
        evaluation = _attribute(layer, "output", "forward(inputs, training=False)")
        if not np.allclose(evaluation, inputs, rtol=1e-6):
            if np.allclose(evaluation, inputs * (1 - rate), rtol=1e-6):
                return failed(LAYER_TITLE, "with training=False the output is scaled by 1 - rate. Inverted "
                              "dropout already scales during training, so evaluation passes the inputs "
                              "through unchanged.")
            return failed(LAYER_TITLE, "with training=False the output should be the inputs, unchanged: "
                          "no dropout at evaluation. (Did forward ignore the `training` flag?)")
    return passed(LAYER_TITLE, "forward drops and rescales in training, backward reuses the forward "
                  "mask, and evaluation passes everything through.")


# --- Exercise 3: is a difference larger than its noise? ---------------------------------------

# Accuracy pairs (without, with) chosen so that each typical mistake gives a different answer.
_PAIRED_CASES = [
    (np.array([0.90, 0.80, 0.85]), np.array([0.92, 0.821, 0.869])),  # paired: clear; unpaired: not
    (np.array([0.90, 0.88, 0.86]), np.array([0.91, 0.91, 0.91])),    # beyond 2 SE but not 2 SD
    (np.array([0.91, 0.90, 0.92]), np.array([0.90, 0.87, 0.88])),    # a clear decrease
    (np.array([0.90, 0.88, 0.86]), np.array([0.93, 0.87, 0.87])),    # within the noise
]


def _paired(without, with_):
    difference = with_ - without
    standard_error = difference.std(ddof=1) / np.sqrt(len(difference))
    return float(difference.mean()), float(standard_error), bool(abs(difference.mean()) > 2 * standard_error)


def _paired_answer(paired_difference, without, with_):
    context = "paired_difference(without, with_)"
    answer = call_learner(paired_difference, without.copy(), with_.copy(), timeout=TIMEOUT,
                          name="paired_difference", context=context)
    if answer is None or answer is Ellipsis:
        raise LearnerError("paired_difference returned nothing. Return (difference, standard_error, exceeds).",
                           unsolved=True)
    if not isinstance(answer, (tuple, list)) or len(answer) != 3:
        raise LearnerError(f"{context} should return three things, (difference, standard_error, exceeds); "
                           f"got {type(answer).__name__} {answer!r:.80}.")
    difference, standard_error, exceeds = answer
    try:
        difference, standard_error = float(difference), float(standard_error)
    except (TypeError, ValueError):
        raise LearnerError(f"{context}: the difference and its standard error must be numbers.") from None
    if not isinstance(exceeds, (bool, np.bool_)):
        raise LearnerError(f"{context}: `exceeds` must be True or False, got {exceeds!r:.40}.")
    return difference, standard_error, bool(exceeds)


def _diagnose_paired(answer, without, with_):
    difference, standard_error, exceeds = answer
    expected = _paired(without, with_)
    d = with_ - without
    close = lambda a, b: np.isclose(a, b, rtol=1e-6, atol=1e-9)  # noqa: E731
    if not close(difference, expected[0]):
        if close(difference, -expected[0]):
            return "the difference has the wrong sign: take `with_ - without`, so that a gain shows as positive."
        return (f"the difference should be the mean of the paired differences with_ - without, "
                f"{expected[0]:+.4f}; got {difference:+.4f}.")
    if not close(standard_error, expected[1]):
        unpaired = np.sqrt(without.var(ddof=1) / len(d) + with_.var(ddof=1) / len(d))
        if close(standard_error, unpaired):
            return ("your standard error treats the two settings as independent samples. Each seed gives "
                    "both runs the same start, so pair them: take the differences seed by seed, then the "
                    "standard error of those differences. Pairing removes what the seeds share.")
        if close(standard_error, d.std(ddof=1)):
            return ("that is the standard deviation of the differences; the standard error of their mean "
                    "divides it by the square root of the number of seeds.")
        if close(standard_error, d.std() / np.sqrt(len(d))):
            return ("your standard deviation divides by n; with a handful of seeds use the sample "
                    "standard deviation, which divides by n - 1 (np.std(..., ddof=1)).")
        return (f"the standard error of the mean difference should be {expected[1]:.4f}; got "
                f"{standard_error:.4f}. Take the differences seed by seed first.")
    if exceeds != expected[2]:
        if exceeds == (difference > 2 * standard_error):
            return ("a difference counts in either direction: compare its size, |difference|, with two "
                    "standard errors (a decrease can exceed its noise too).")
        return ("your verdict does not follow from your own numbers: `exceeds` is whether "
                "|difference| > 2 * standard_error.")
    return None


@guarded(PAIRED_TITLE)
def check_paired_difference(paired_difference, runs):
    """Check `paired_difference(without, with_) -> (difference, standard_error, exceeds)` on fixed
    cases, then on `runs` ({(learning_rate, dropout_rate): array of (loss, accuracy) per seed})."""
    cases = [(without, with_, "a test case") for without, with_ in _PAIRED_CASES]
    try:
        learning_rates = sorted({key[0] for key in runs if key[1] == 0})
        own = [(np.asarray(runs[rate, 0])[:, 1], np.asarray(runs[rate, 0.5])[:, 1], f"your runs at learning rate {rate}")
               for rate in learning_rates]
    except (TypeError, KeyError, IndexError, AttributeError):
        return failed(PAIRED_TITLE, "pass the notebook's `digits` results as the second argument.")
    if not own:
        return failed(PAIRED_TITLE, "pass the notebook's `digits` results as the second argument.")
    verdicts = []
    for without, with_, where in cases + own:
        answer = _paired_answer(paired_difference, without, with_)
        problem = _diagnose_paired(answer, without, with_)
        if problem:
            return failed(PAIRED_TITLE, f"on {where} (without {np.round(without, 4).tolist()}, with "
                          f"{np.round(with_, 4).tolist()}): {problem}")
        if where.startswith("your"):
            verdicts.append(f"{where}: {answer[0]:+.3f} ± {answer[1]:.3f}, "
                            + ("beyond two standard errors" if answer[2] else "within two standard errors"))
    return passed(PAIRED_TITLE, "right on the test cases and on your own runs. " + "; ".join(verdicts) + ".")


# --- Quiz ------------------------------------------------------------------------------------

def quiz():
    """The notebook's quiz: the rate, the scaling, the mask in backward, evaluation, results."""
    return Quiz([
        Question(
            "`Layer_Dropout(0.1)` is placed after a ReLU with 64 neurons. During one training step, "
            "about how many of the 64 outputs are set to zero by the dropout layer?",
            ["About 58: the argument is the fraction of neurons that are kept",
             "About 6: the argument is the fraction dropped, as in the book",
             "Exactly 6 in every step, because the mask always drops the same count",
             "None until the validation loss rises, when dropout switches itself on"],
            answer=1,
            explanations=[
                "The book's argument is the rate to drop; the layer stores 1 - rate as the fraction kept.",
                "Right: each output is dropped with probability 0.1, so 6.4 on average.",
                "Each neuron is dropped independently, so the count varies from step to step around 6.4.",
                "Dropout is on in every training step and off at evaluation; it does not watch the loss."]),
        Question(
            "Why does inverted dropout divide the kept outputs by the kept fraction during training?",
            ["To make the outputs larger, so that the network trains faster",
             "To undo the effect of the mask on the gradient in the backward pass",
             "So that the dropped outputs can be recovered at evaluation time",
             "So each output keeps its expected value, as at evaluation"],
            answer=3,
            explanations=[
                "Faster training is not the aim; the scale only makes up for what was dropped.",
                "The backward pass multiplies by the same scaled mask; nothing is undone.",
                "A dropped output is gone for that step; nothing is recovered.",
                "Right: kept with probability 1 - rate and divided by 1 - rate, the mean is unchanged, so "
                "evaluation can simply pass everything through."]),
        Question(
            "A dropout layer's backward pass draws a fresh random mask instead of reusing the mask "
            "of the forward pass. What is wrong with the gradients?",
            ["They belong to another thinned network, not the one behind the loss",
             "Nothing: both masks drop the same fraction, so they are equivalent",
             "They are exactly twice too large, because two masks were multiplied",
             "They become zero everywhere, because the two masks cancel each other"],
            answer=0,
            explanations=[
                "Right: a neuron that was dropped gets a gradient, and a neuron that was used gets none.",
                "The fraction is the same, but which neurons are dropped differs, and that is what counts.",
                "The masks are applied in different passes; they do not multiply into a factor of 2.",
                "Two independent masks overlap on about (1 - rate)^2 of the neurons; they do not cancel."]),
        Question(
            "With dropout, the training accuracy printed by `train` is lower than the accuracy of the "
            "same weights measured afterwards with `evaluate` on the training data. Why?",
            ["`evaluate` uses a larger dropout rate, which helps the accuracy",
             "`train` prints the accuracy after the update and `evaluate` before it",
             "`train` scores the pass with dropout on; `evaluate` switches it off",
             "The training data is reshuffled by `evaluate`, so other points are counted"],
            answer=2,
            explanations=[
                "`evaluate` uses no dropout at all: training=False.",
                "Both measure the weights at the same moment; the order is not the reason.",
                "Right: the training pass scores a thinned network; evaluation scores the full one.",
                "Accuracy counts every point once; the order does not matter."]),
        Question(
            "In this notebook, dropout on a 64-neuron layer trained for 2,000 epochs on 150 points. "
            "What is the fair conclusion from such a single comparison?",
            ["Dropout helps or hurts by what it did here, on this data, start and budget",
             "Dropout always improves validation accuracy, so it belongs in every network",
             "Dropout never helps small networks, so it should not be used at all",
             "The comparison is worthless, because dropout made the runs random"],
            answer=0,
            explanations=[
                "Right: one comparison with its standard errors says what happened here; other sizes, "
                "budgets and rates can differ.",
                "No regulariser helps always; a too-strong one makes a network underfit.",
                "One small experiment cannot establish 'never'.",
                "The runs are seeded and repeatable; randomness in training is not a reason to ignore them."]),
    ])
