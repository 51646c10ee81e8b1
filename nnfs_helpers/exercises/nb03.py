"""Checks for notebook 03 (activation functions).

* `check_ramp_pair(weight, bias_a, bias_b)`: a pair of ReLU neurons that draws a given ramp.
* `check_relu_with_mask(relu_with_mask)`: ReLU on a batch without `np.maximum`.
* `check_stable_sigmoid(stable_sigmoid)`: a sigmoid that never overflows (optional). Hiding
  the overflow (np.errstate, np.seterr, a warnings filter) does not count: the check watches
  np.exp itself (also when it is imported under another name) and switches the silencers off.
* `quiz()`: the notebook's "Check your understanding" questions.

Every check returns a `CheckResult` and never raises because of the learner's answer.
"""

import contextlib
import types
import warnings

import numpy as np

from ..checking import LearnerError, Mistake, call_learner, compare, failed, guarded, passed, to_array
from ..quiz import Question, Quiz

__all__ = ["check_ramp_pair", "check_relu_with_mask", "check_stable_sigmoid", "quiz",
           "SIGMOID_INPUTS", "RAMP_START", "RAMP_END", "RAMP_HEIGHT", "RELU_BATCH"]

RAMP_TITLE = "Exercise 1: a ramp from a pair of ReLU neurons"
RELU_TITLE = "Exercise 2: ReLU on a batch without np.maximum"
SIGMOID_TITLE = "Exercise 3 (optional): a sigmoid that never overflows"

SIGMOID_INPUTS = np.array([-1000.0, -30.0, -2.0, -0.5, 0.0, 0.5, 2.0, 30.0, 1000.0])
RAMP_START, RAMP_END, RAMP_HEIGHT = 0.2, 0.6, 0.5
RELU_BATCH = np.array([[0.0, 2.0, -1.0, 3.3], [-2.7, 1.1, 2.2, -100.0], [0.5, -0.25, 0.75, -3.0]])


def _reference_sigmoid(z):
    """Sigmoid computed without overflow: only ever exponentiate -|z| <= 0."""
    z = np.asarray(z, dtype=np.float64)
    small = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + small), small / (1.0 + small))


_ERRSTATE = np.errstate  # kept: a check may swap np.errstate for a stand-in while the learner's code runs


def _call_quietly(func, argument, name):
    """Call the learner's function on a copy of `argument`; return (answer, warnings, changed)."""
    given = argument.copy()
    with warnings.catch_warnings(record=True) as caught, _ERRSTATE(over="warn", invalid="warn", divide="warn"):
        warnings.simplefilter("always")
        answer = call_learner(func, given, name=name)
    numeric = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    changed = given.shape != argument.shape or not np.array_equal(given, argument, equal_nan=True)
    return answer, numeric, changed


class _ExpSpy:
    """Stands in for np.exp during a check and notes every overflow, warned about or not.

    An overflow is a finite input whose exponential is infinite. Watching the results
    catches it even when the learner's code silences NumPy's warning (np.errstate,
    np.seterr, a warnings filter), which hides the overflow without avoiding it.
    """

    def __init__(self, original):
        self.original = original
        self.overflowed = False

    def __call__(self, x, *args, **kwargs):
        result = self.original(x, *args, **kwargs)
        try:
            if np.any(np.isinf(result) & np.isfinite(x)):
                self.overflowed = True
        except Exception:  # an odd argument: NumPy has already said what it thinks of it
            pass
        return result


_SILENCERS = {"errstate": "np.errstate", "seterr": "np.seterr", "filterwarnings": "a warnings filter",
              "simplefilter": "a warnings filter", "catch_warnings": "warnings.catch_warnings"}


_SILENCERS_CALLED = []  # the stand-ins below note here that the learner's code used them


class _NoErrstate(contextlib.ContextDecorator):
    """Stands in for np.errstate during a check: accepts its arguments and changes nothing."""

    def __init__(self, *args, **kwargs):
        if "np.errstate" not in _SILENCERS_CALLED:
            _SILENCERS_CALLED.append("np.errstate")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _no_seterr(*args, **kwargs):
    """Stands in for np.seterr during a check: reports the settings and changes nothing."""
    if "np.seterr" not in _SILENCERS_CALLED:
        _SILENCERS_CALLED.append("np.seterr")
    return np.geterr()


@contextlib.contextmanager
def _swapped(func, replacements):
    """Replace NumPy functions by stand-ins, in `np` and wherever the learner's globals name them.

    `replacements` maps an attribute name of numpy (such as "exp") to its stand-in. A learner
    who wrote `from numpy import exp` calls the function through their own global name, so
    every global of `func` that IS the original function is swapped as well, and all of it
    is put back afterwards.
    """
    names = set()
    codes = [getattr(func, "__code__", None)]
    while codes:
        code = codes.pop()
        if isinstance(code, types.CodeType):
            names.update(code.co_names)
            codes.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    namespace = getattr(func, "__globals__", None)
    restore = []
    try:
        for attribute, stand_in in replacements.items():
            original = getattr(np, attribute)
            restore.append((np, attribute, original))
            setattr(np, attribute, stand_in)
            if isinstance(namespace, dict):
                for name in names:
                    if name in namespace and namespace[name] is original:
                        restore.append((namespace, name, original))
                        namespace[name] = stand_in
        yield
    finally:
        for place, name, original in reversed(restore):
            if isinstance(place, dict):
                place[name] = original
            else:
                setattr(place, name, original)


def _silencers_used_by(func):
    """The ways of hiding a warning that the code of `func` names (np.errstate, warnings filters)."""
    found = []
    codes = [getattr(func, "__code__", None)]
    while codes:
        code = codes.pop()
        if not isinstance(code, types.CodeType):
            continue
        for name in code.co_names:
            label = _SILENCERS.get(name)
            if label and label not in found:
                found.append(label)
        codes.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    return found


def _shape_of(answer):
    """The shape of the learner's answer as an array, or None if it is not one (never raises)."""
    try:
        return np.shape(answer)
    except Exception:
        return None


# Read from the type of the exception only: NumPy's wording of its errors changes between releases.
_SIGMOID_ERROR_HINTS = {
    "TypeError": "`math.exp` works on one number only: use `np.exp`, which works on arrays.",
    "ValueError": "An `if` on a whole array is ambiguous: choose per entry with "
                  "`np.where(condition, a, b)` or with a boolean mask.",
}


# Python's `max(0, x)` or `if x > 0` on an array raises ValueError; a loop over a number, TypeError.
_RELU_ERROR_HINTS = {
    "ValueError": "Python's `max(0, x)` and `if x > 0` need one number, not an array: "
                  "make a boolean mask (`inputs > 0`) and use it on the whole array.",
    "TypeError": "Loop over the rows of the batch, then over the values of each row, "
                 "or use a boolean mask on the whole array.",
}


def _hint_for_exception(problem, hints):
    """The learner's exception with the advice for its type (never for NumPy's wording of it)."""
    hint = hints.get(problem.kind)
    return f"{str(problem).rstrip('.')}. {hint}" if hint else str(problem)


# --- Exercise 1 -------------------------------------------------------------------------

@guarded(SIGMOID_TITLE)
def check_stable_sigmoid(stable_sigmoid):
    """`stable_sigmoid(z)` must give 1 / (1 + e^-z) for every entry of an array, with no overflow."""
    z = SIGMOID_INPUTS
    exp_spy = _ExpSpy(np.exp)
    # Watch np.exp (also under a name of the learner's, as after `from numpy import exp`), and
    # make np.errstate and np.seterr do nothing, so that a hidden overflow still warns.
    swaps = {"exp": exp_spy, "errstate": _NoErrstate, "seterr": _no_seterr}
    _SILENCERS_CALLED.clear()
    try:
        with _swapped(stable_sigmoid, swaps):
            answer, numeric_warnings, changed = _call_quietly(stable_sigmoid, z, "stable_sigmoid")
    except LearnerError as problem:
        if problem.unsolved:
            raise
        return failed(SIGMOID_TITLE, _hint_for_exception(problem, _SIGMOID_ERROR_HINTS))
    array = to_array(answer, "your answer")
    if array.ndim == 0:
        return failed(SIGMOID_TITLE, "Your function returned one number for an array of inputs. "
                                     "Work on the whole array with NumPy (`np.exp`, `np.where`, "
                                     "`np.abs`) instead of `math` functions or a single `if`.")
    if array.shape != z.shape:
        return failed(SIGMOID_TITLE, f"For {z.size} inputs your function returned shape {array.shape}; it "
                                     f"should return one value per input, shape {z.shape}.")
    moderate = np.abs(z) <= 2  # where every formula stays finite, so the mistake is easy to name
    with np.errstate(all="ignore"):
        known_mistakes = [
            (1.0 / (1.0 + np.exp(z)),
             "Sign error: you computed 1 / (1 + e^z), which is sigmoid(-z), the curve mirrored. "
             "The exponent is -z: large positive z must give values near 1."),
            (np.exp(z),
             "The `1 +` is missing: 1 / e^-z is just e^z, which grows without limit. "
             "The sigmoid is 1 / (1 + e^-z)."),
            (1.0 / (1.0 - np.exp(-z)),
             "The denominator is 1 + e^-z, not 1 - e^-z."),
        ]
    for wrong, message in known_mistakes:
        if np.allclose(array[moderate], wrong[moderate], rtol=1e-4, equal_nan=False):
            return failed(SIGMOID_TITLE, message)
    if np.isnan(array).any():
        where = float(z[np.isnan(array)][0])
        return failed(SIGMOID_TITLE, f"Your answer is NaN (not a number) for z = {where:g}. A form like "
                                     "e^z / (1 + e^z) gives inf / inf = NaN when z is large. Use it only "
                                     "where z < 0, and 1 / (1 + e^-z) where z >= 0.")
    if np.isinf(array).any():
        where = float(z[np.isinf(array)][0])
        return failed(SIGMOID_TITLE, f"Your answer is infinite for z = {where:g}: an exponential overflowed "
                                     "and was not divided away. A sigmoid always lies between 0 and 1.")
    result = compare(array, _reference_sigmoid(z), SIGMOID_TITLE, rtol=1e-6, atol=1e-12)
    if not result:
        return result
    silencers = _silencers_used_by(stable_sigmoid)
    silencers += [name for name in _SILENCERS_CALLED if name not in silencers]
    if exp_spy.overflowed and (silencers or not numeric_warnings):
        how = f" with {' and '.join(silencers)}" if silencers else ""
        return failed(SIGMOID_TITLE,
                      "The values are right, but np.exp still overflowed: it returned inf for a large "
                      f"input, and NumPy's warning about it was hidden{how}. Hiding the warning only "
                      "stops NumPy telling you; the overflow happens all the same, and in a form like "
                      "e^z / (1 + e^z) it turns into NaN. Avoid it instead: only ever exponentiate a "
                      "number <= 0, for example np.exp(-np.abs(z)).")
    if numeric_warnings:
        message = str(numeric_warnings[0].message)
        hidden = (f" (your code hides this warning with {' and '.join(silencers)}; the check "
                  "switches that off, because hiding an overflow does not avoid it)") if silencers else ""
        return failed(SIGMOID_TITLE,
                      f"The values are right, but NumPy warned: \"{message}\"{hidden}. Somewhere np.exp got a "
                      "large number (e^1000 is far beyond the largest float, about 1.8e308). Only ever exponentiate a number <= 0 "
                      "(e = np.exp(-np.abs(z))). Note that np.where(...) computes both of its branches "
                      "for every entry, so an overflow in the branch you throw away still happens.")
    if changed:
        return failed(SIGMOID_TITLE, "The values are right, but your function changed the array it was "
                                     "given. Build a new array instead of writing into `z`.")
    return passed(SIGMOID_TITLE, "correct for every input from -1000 to 1000, with no overflow.")


# --- Exercise 2 -------------------------------------------------------------------------

def _scalar(value, name):
    array = to_array(value, f"`{name}`")
    if array.size != 1:
        raise LearnerError(f"`{name}` should be one number, but it has shape {array.shape}.")
    number = float(array.reshape(-1)[0])
    if not np.isfinite(number):
        raise LearnerError(f"`{name}` is {number}; it should be an ordinary number.")
    return number


def ramp_pair_output(x, weight, bias_a, bias_b):
    """The pair's output: relu(weight*x + bias_a) - relu(weight*x + bias_b)."""
    x = np.asarray(x, dtype=np.float64)
    return np.maximum(0, weight * x + bias_a) - np.maximum(0, weight * x + bias_b)


def _target_ramp(x):
    return RAMP_HEIGHT * np.clip((x - RAMP_START) / (RAMP_END - RAMP_START), 0, 1)


@guarded(RAMP_TITLE)
def check_ramp_pair(weight, bias_a, bias_b):
    """The pair relu(w x + b_a) - relu(w x + b_b) must be 0 up to x = 0.2, rise to 0.5 at x = 0.6, stay there."""
    w = _scalar(weight, "ramp_weight")
    b_a = _scalar(bias_a, "ramp_bias_a")
    b_b = _scalar(bias_b, "ramp_bias_b")
    x = np.linspace(-1, 2, 301)
    if np.allclose(ramp_pair_output(x, w, b_a, b_b), _target_ramp(x), atol=1e-6):
        return passed(RAMP_TITLE, f"the ramp starts at x = {RAMP_START}, rises with slope {w:g} "
                                  f"and levels off at {RAMP_HEIGHT} from x = {RAMP_END}.")
    if w == 0:
        return failed(RAMP_TITLE, "With weight 0 both neurons ignore x, so the output is a constant. "
                                  "The weight is the slope of the ramp.")
    if w < 0:
        return failed(RAMP_TITLE, "The weight is negative, so each neuron is switched on to the LEFT of its "
                                  "kink and the ramp runs backwards. Use a positive weight (the slope).")
    start, end = -b_a / w, -b_b / w
    slope_needed = RAMP_HEIGHT / (RAMP_END - RAMP_START)
    if np.isclose(start, RAMP_END) and np.isclose(end, RAMP_START):
        return failed(RAMP_TITLE, "The two biases are swapped: the ramp goes down instead of up. Neuron A "
                                  "(added) must switch on first, at x = 0.2; neuron B (subtracted) at x = 0.6.")
    if np.isclose(-start, RAMP_START) or np.isclose(-end, RAMP_END):
        return failed(RAMP_TITLE, f"Sign error in a bias: your ramp starts at x = {start:.3g} and ends at "
                                  f"x = {end:.3g}. A neuron relu(w*x + b) switches on where w*x + b = 0, "
                                  "that is at x = -b/w, so a kink at x = 0.2 needs a negative bias.")
    if np.isclose(b_a, -RAMP_START) and np.isclose(b_b, -RAMP_END) and not np.isclose(w, 1):
        return failed(RAMP_TITLE, f"The biases are -0.2 and -0.6, but the kinks sit at x = -b/w = "
                                  f"{start:.3g} and {end:.3g}. Multiply the kink positions by the weight: "
                                  "b = -w * x_kink.")
    if np.isclose(start, RAMP_START) and np.isclose(end, RAMP_END):
        height = w * (end - start)
        return failed(RAMP_TITLE, f"The kinks are in the right places, but the ramp rises to {height:.3g} "
                                  f"instead of {RAMP_HEIGHT}: the slope (the weight) should be rise / run = "
                                  f"{RAMP_HEIGHT} / {RAMP_END - RAMP_START:g} = {slope_needed:g}.")
    if np.isclose(w, slope_needed):
        return failed(RAMP_TITLE, f"The slope is right, but the ramp starts at x = {start:.3g} and ends at "
                                  f"x = {end:.3g}; it should run from {RAMP_START} to {RAMP_END}. "
                                  "A neuron's kink is at x = -b/w, so b = -w * x_kink.")
    return failed(RAMP_TITLE, f"Your pair starts its ramp at x = {start:.3g}, ends it at x = {end:.3g}, with "
                              f"slope {w:.3g}. The target starts at {RAMP_START}, ends at {RAMP_END} and "
                              f"rises by {RAMP_HEIGHT}. Slope = rise / run; each kink is at x = -b/w.")


# --- Exercise 3 -------------------------------------------------------------------------

class _MaximumSpy:
    """Stands in for np.maximum during a check and records how it was used.

    `np.max` and `np.amax` work through `np.maximum.reduce`, so the spy hands every attribute
    (`reduce`, `outer`, ...) on to the real ufunc and notes a reduction separately: np.max is
    a different function from np.maximum, and deserves its own diagnosis.
    """

    def __init__(self, original):
        self.original = original
        self.called = False
        self.reduced_shapes = []  # the shape of every np.max / np.maximum.reduce result

    def __call__(self, *args, **kwargs):
        self.called = True
        return self.original(*args, **kwargs)

    def reduce(self, *args, **kwargs):
        result = self.original.reduce(*args, **kwargs)
        self.reduced_shapes.append(np.shape(result))
        return result

    def __getattr__(self, name):
        return getattr(self.original, name)


@guarded(RELU_TITLE)
def check_relu_with_mask(relu_with_mask):
    """`relu_with_mask(inputs)` must return a new array: negatives set to 0, the rest unchanged."""
    batch = RELU_BATCH
    original_maximum = np.maximum
    spy = _MaximumSpy(original_maximum)
    np.maximum = spy
    try:
        answer, _, changed = _call_quietly(relu_with_mask, batch, "relu_with_mask")
    except LearnerError as problem:
        if problem.unsolved:
            raise
        return failed(RELU_TITLE, _hint_for_exception(problem, _RELU_ERROR_HINTS))
    finally:
        np.maximum = original_maximum
    expected = np.where(batch > 0, batch, 0.0)
    if spy.reduced_shapes and _shape_of(answer) != expected.shape:
        return failed(RELU_TITLE, "You used np.max, which REDUCES: it returns the largest entry of the "
                                  "array (or of each column or row, with `axis`), so values are lost. ReLU "
                                  "compares every entry with 0 and keeps the shape. Use a boolean mask: "
                                  "`inputs > 0` says which entries to keep.")
    if answer is not None and np.asarray(answer).dtype == bool:
        return failed(RELU_TITLE, "You returned the mask itself (True/False), not the values. The mask says "
                                  "WHICH entries are positive; use it to keep those values and put 0 elsewhere, "
                                  "for example `inputs * mask` or `np.where(mask, inputs, 0)`.")
    result = compare(answer, expected, RELU_TITLE, mistakes=[
        Mistake((batch > 0).astype(float),
                "You returned 1 for every positive entry: that is the mask as numbers. ReLU keeps the "
                "positive VALUES (2 stays 2, 3.3 stays 3.3) and puts 0 elsewhere."),
        Mistake(np.abs(batch),
                "You returned absolute values: -100 became 100. ReLU turns negative values into 0."),
        Mistake(np.minimum(batch, 0),
                "You kept the negative part and zeroed the positives: the comparison is the wrong way round."),
        Mistake(np.where(batch > 1, batch, 0.0),
                "You cut off at 1 instead of 0: values such as 0.5 vanished. ReLU keeps every value "
                "greater than 0."),
        Mistake(np.where(batch > 0, batch, 0.0).ravel(),
                f"Your answer is flat ({batch.size} values), but the batch has shape {batch.shape}. Keep "
                "the shape: work on the whole array with a mask, or build one list per row."),
        Mistake(lambda a: a.shape == batch.shape and np.allclose(a[batch > 0], batch[batch > 0])
                and not np.allclose(a[batch <= 0], 0),
                "The positive values are right, but not every negative value became 0."),
        Mistake(lambda a: a.shape == batch.shape and np.allclose(a[batch <= 0], 0)
                and not np.allclose(a[batch > 0], batch[batch > 0]),
                "The negative values became 0, but positive values must pass through unchanged."),
    ])
    if not result:
        return result
    if changed:
        return failed(RELU_TITLE, "The values are right, but your function changed the array it was given "
                                  "(it wrote zeros into `inputs`). A layer's input must stay intact: work "
                                  "on a copy (`inputs.copy()`) or build a new array.")
    if spy.called:
        return failed(RELU_TITLE, "The values are right, but you used np.maximum. The point of this exercise "
                                  "is to do it with a boolean mask (`inputs > 0`) instead.")
    if batch.shape in spy.reduced_shapes:
        return failed(RELU_TITLE, "The values are right, but you took np.max over a stack of the inputs and "
                                  "zeros: that is np.maximum in disguise. The point of this exercise is to do "
                                  "it with a boolean mask (`inputs > 0`) instead.")
    return passed(RELU_TITLE, "negatives became 0, positives passed unchanged, and the input is intact.")


# --- Quiz -------------------------------------------------------------------------------

def quiz():
    """The questions of notebook 03's "Check your understanding"."""
    return Quiz([
        Question(
            "A ReLU neuron computes relu(w·x + b) with w > 0. Which part moves its kink (where the "
            "output starts to rise) sideways along the x-axis, without changing the slope?",
            ["the weight w", "the bias b", "the activation function", "the input x"],
            answer=1,
            explanations=[
                "Changing w can move the kink too (it sits at x = -b/w), but it always changes the slope.",
                "The kink sits at x = -b/w: raising b moves it to the left, lowering b to the right, "
                "and the slope stays w.",
                "ReLU decides what happens below 0 (the flat part); where that happens is set by w and b.",
                "The input is where the curve is read off; changing it moves along the curve, not the curve.",
            ]),
        Question(
            "Which part sets how steeply a switched-on ReLU neuron's output rises?",
            ["the weight w", "the bias b", "the ReLU function itself", "the number of neurons in the layer"],
            answer=0,
            explanations=[
                "Once the neuron is on (and for w > 0), relu(w·x + b) rises with slope w.",
                "The bias moves the kink sideways; it does not tilt the rising part.",
                "ReLU passes positive values with slope 1; the steepness comes from w.",
                "More neurons give more pieces, but the slope of each piece comes from weights.",
            ]),
        Question(
            "Which part lets a network produce something other than a straight line?",
            ["more neurons in each linear layer, side by side",
             "larger weights, which make the output steeper",
             "a non-linear activation such as ReLU",
             "more linear layers, stacked one after another"],
            answer=2,
            explanations=[
                "Neurons side by side still compute weighted sums: each output is a straight line (a plane).",
                "Larger weights make a steeper straight line, but it stays straight.",
                "The activation is the non-linearity; without it any stack of layers is linear.",
                "Stacked linear layers collapse into one linear layer (W = W1 W2, b = b1 W2 + b2).",
            ]),
        Question(
            "Two dense layers with a linear activation between them are equivalent to ...",
            ["a network that can follow any curve", "a ReLU layer with the same weights",
             "nothing useful: their output is always 0", "one dense layer with other weights"],
            answer=3,
            explanations=[
                "Only with a non-linear activation between the layers.",
                "ReLU is not linear: it sets negative values to 0, which a linear activation never does.",
                "They compute a perfectly good linear function, just not a bent one.",
                "One layer with weights W = W1 W2 and biases b = b1 W2 + b2 gives the same outputs.",
            ]),
        Question(
            "What does np.maximum(0, [-2, 0.5, 3]) return?",
            ["3", "[0, 0.5, 3]", "[2, 0.5, 3]", "[0, 0, 1]"],
            answer=1,
            explanations=[
                "That is np.max, the single largest entry.",
                "Entry by entry, the larger of 0 and the value: ReLU.",
                "That is the absolute value; ReLU turns negatives into 0.",
                "That is a step function: ReLU keeps positive values as they are.",
            ]),
    ])
