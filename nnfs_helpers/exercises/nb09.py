"""Exercise checks for notebook 09 · Learning-rate decay.

* `check_decayed_learning_rate(decayed_learning_rate)`: the 1/t schedule
  `initial / (1 + decay * step)`, for one step or a whole array of steps.
* `check_decay_milestones(steps_to_half, steps_to_tenth)`: two numbers read off the
  schedule with decay 1e-3 (after how many steps the learning rate is a half, a tenth).
* `check_exponential_learning_rate(exponential_learning_rate)`: an exponential schedule
  `initial * 0.5 ** (step / half_life)` that halves every `half_life` steps.
* `check_rescue(judge_rescue, with_decay, without_decay)`: the verdict on the paired
  differences of two settings run from the same starts, on fixed cases and on the learner's runs.

Every check returns a `CheckResult` and never raises because of the learner's answer.
"""

import math
import numbers
import warnings

import numpy as np

from ..checking import LearnerError, Mistake, call_learner, compare, failed, guarded, passed, to_array

__all__ = ["check_decayed_learning_rate", "check_decay_milestones", "check_exponential_learning_rate",
           "check_rescue", "SCHEDULE_CASE", "EXPONENTIAL_CASE", "MILESTONE_DECAY"]


def _quietly(func, *args, name):
    """Call the learner's function with NumPy's and Python's warnings silenced.

    A wrong formula may divide by zero at step 0; the check names that mistake, so the
    warning NumPy would print is only noise."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            return call_learner(func, *args, name=name)


def _first_match(array, mistakes):
    """The message of the first typical mistake `array` matches, or None."""
    for mistake in mistakes:
        if mistake.matches(array):
            return mistake.message
    return None


def _array_then_scalar(func, name, title, array_args, scalar_args, expected, scalar_expected,
                       mistakes, success):
    """Shared body of the two schedule checks: an array of steps first, then a single step."""
    initial, rate, steps = array_args
    described = f"{name}({initial:g}, {rate:g}, steps)"
    try:
        answer = _quietly(func, initial, rate, steps.copy(), name=name)
    except LearnerError as problem:
        if problem.unsolved:
            raise
        try:  # does it at least work for one step at a time?
            _quietly(func, *scalar_args, name=name)
        except LearnerError:
            raise LearnerError(f"{described}: {problem}") from None
        what = str(problem).split(" ", 1)[-1].rstrip(".")
        return failed(title, f"your function works for one step, but with an array of steps it {what}. "
                             "Use NumPy arithmetic on the whole array (`/`, `*`, `**`, np.exp) "
                             "instead of math.* functions, `if` tests or loops over the steps.")
    label = f"{described} with steps = {steps.tolist()}"
    array = to_array(answer, label)
    if array.size == 1 and steps.size > 1:
        return failed(title, f"{label} returned one number; it should return one learning rate per "
                             f"step, an array of {steps.size}. Compute with the whole `step` array, "
                             "do not pick one element of it.")
    if array.shape == expected.shape:
        message = _first_match(array, mistakes)
        if message:
            return failed(title, message)
    result = compare(array, expected, title, rtol=1e-6, atol=1e-9, mistakes=mistakes, label=label)
    if not result:
        return result

    single_label = f"{name}{scalar_args}"
    try:
        single = _quietly(func, *scalar_args, name=name)
    except LearnerError as problem:
        what = str(problem).split(" ", 1)[-1].rstrip(".")
        return failed(title, f"right for an array of steps, but for one step, {single_label}, your "
                             f"function {what}. Write it with NumPy arithmetic only (no loop over "
                             "the steps), so that it works for a number and for an array alike.")
    single_array = to_array(single, single_label)
    if single_array.size != 1:
        return failed(title, f"{single_label} returned {single_array.size} numbers; for one step it "
                             "should return one learning rate.")
    result = compare(single_array.reshape(()), scalar_expected, title, rtol=1e-6, atol=1e-9,
                     label=single_label)
    if not result:
        return result
    return passed(title, success)


# --- Exercise 1: the 1/t schedule -----------------------------------------------------------

# initial learning rate, decay, steps: step 0 exposes "forgot the 1 +" (division by zero),
# an initial rate other than 1 exposes "forgot the initial rate".
SCHEDULE_CASE = (0.5, 1e-2, np.array([0, 1, 2, 10, 100, 1000]))
SCHEDULE_SCALAR = (2.0, 0.1, 10)


def _schedule_variants(initial, decay, step):
    step = np.asarray(step, dtype=np.float64)
    with np.errstate(all="ignore"):
        return {
            "right": initial / (1 + decay * step),
            "times_decay_t": initial * decay * step,
            "times_denominator": initial * (1 + decay * step),
            "no_one": initial / (decay * step),
            "precedence": initial / 1 + decay * step,
            "exponential": initial * np.exp(-decay * step),
            "step_plus_one": initial / (1 + decay * (step + 1)),
            "step_minus_one": initial / (1 + decay * (step - 1)),
            "no_initial": 1 / (1 + decay * step),
            "no_decay": initial / (1 + step),
            "linear": initial * (1 - decay * step),
            "power": initial * (1 - decay) ** step,
        }


_SCHEDULE_MESSAGES = {
    "times_decay_t": ("You multiplied by decay * step. Then the rate starts at 0 and grows; it should "
                      "start at `initial` and shrink: divide by (1 + decay * step)."),
    "times_denominator": ("You multiplied by (1 + decay * step), so the learning rate grows. "
                          "Divide by it instead."),
    "no_one": ("You forgot the `1 +`: initial / (decay * step) divides by zero at step 0 (infinity) "
               "and starts far too high. The denominator is (1 + decay * step)."),
    "precedence": ("Operator precedence: `initial / 1 + decay * step` divides by 1 and then adds "
                   "decay * step. Put the denominator in parentheses: initial / (1 + decay * step)."),
    "exponential": ("That is exponential decay, initial * exp(-decay * step), a different schedule that "
                    "falls much faster in the long run. This one is initial / (1 + decay * step)."),
    "step_plus_one": ("Off by one: you used step + 1, so step 0 is already decayed. Step 0 must use the "
                      "full initial rate: initial / (1 + decay * step)."),
    "step_minus_one": ("Off by one: you used step - 1. Step 0 must give exactly the initial rate: "
                       "initial / (1 + decay * step)."),
    "no_initial": ("You forgot the initial learning rate: 1 / (1 + decay * step) is the fraction of it "
                   "that is left. Multiply by `initial` (here it is not 1)."),
    "no_decay": "The `decay` argument is missing: the denominator is 1 + decay * step, not 1 + step.",
    "linear": ("That is linear decay, initial * (1 - decay * step), which turns negative after 1/decay "
               "steps. This schedule divides: initial / (1 + decay * step)."),
    "power": ("You shrank the rate by a constant factor (1 - decay) every step: that is exponential "
              "decay. This schedule is initial / (1 + decay * step)."),
}


@guarded("Exercise 1: the decay schedule")
def check_decayed_learning_rate(decayed_learning_rate):
    """Check `decayed_learning_rate(initial, decay, step)` on an array of steps, then on one step."""
    title = "Exercise 1: the decay schedule"
    initial, decay, steps = SCHEDULE_CASE
    variants = _schedule_variants(initial, decay, steps)
    mistakes = [Mistake(variants[key], message) for key, message in _SCHEDULE_MESSAGES.items()]
    scalar_expected = _schedule_variants(*SCHEDULE_SCALAR)["right"]
    return _array_then_scalar(
        decayed_learning_rate, "decayed_learning_rate", title, SCHEDULE_CASE, SCHEDULE_SCALAR,
        variants["right"], scalar_expected, mistakes,
        success="right for a whole array of steps and for a single step. One line of NumPy "
                "computes the schedule of an entire training run.")


# --- Exercise 2: two milestones of the decay 1e-3 schedule -----------------------------------

MILESTONE_DECAY = 1e-3


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool) or (
        isinstance(value, np.ndarray) and value.size == 1 and np.issubdtype(value.dtype, np.number))


def _milestone(value, name, expected, mistakes):
    """None if `value` is right, else the message for the learner."""
    if value is None or value is Ellipsis:
        raise LearnerError(f"`{name}` is still `{'...' if value is Ellipsis else 'None'}`.", unsolved=True)
    if not _is_number(value):
        return f"`{name}` should be a number (of steps), but it is a {type(value).__name__}: {value!r:.60}."
    number = float(np.asarray(value).item())
    if not math.isfinite(number):
        return f"`{name}` is {number}; it should be a finite number of steps."
    if abs(number - expected) <= 0.5:
        return None
    for wrong, message in mistakes:
        if abs(number - wrong) <= 1.0:
            return message
    return (f"`{name}` is {number:g}, which is not right. Set initial / (1 + decay * t) equal to the "
            "target learning rate and solve for t.")


@guarded("Exercise 2: milestones of the schedule")
def check_decay_milestones(steps_to_half, steps_to_tenth):
    """Check the steps after which decay 1e-3 leaves a half and a tenth of the learning rate."""
    title = "Exercise 2: milestones of the schedule"
    decay = MILESTONE_DECAY
    half, tenth = 1 / decay, 9 / decay  # 1 + decay * t = 2, and = 10
    half_mistakes = [
        (0.5 / decay, "You solved decay * t = 0.5. The rate is halved when the whole denominator "
                      "1 + decay * t equals 2, so decay * t = 1."),
        (math.log(2) / decay, "ln(2) / decay is the halving time of exponential decay, exp(-decay * t). "
                              "This schedule is 1 / (1 + decay * t): solve 1 + decay * t = 2."),
        (half - 1, "Off by one: step t uses initial / (1 + decay * t), and it is exactly a half when "
                   "decay * t = 1."),
        (half + 1, "Off by one: you counted the printed epoch. The step with t = 1000 completed steps "
                   "already uses exactly half; solve 1 + decay * t = 2."),
        (2 / decay, "With decay * t = 2 the denominator is 3: that leaves a third, not a half."),
    ]
    tenth_mistakes = [
        (10 / decay, "You solved decay * t = 10 and forgot the 1: the rate is a tenth when "
                     "1 + decay * t = 10, so decay * t = 9."),
        (math.log(10) / decay, "ln(10) / decay belongs to exponential decay, exp(-decay * t). This "
                               "schedule is 1 / (1 + decay * t): solve 1 + decay * t = 10."),
        (math.log2(10) * half, "You assumed the rate halves again every 1000 steps (log2(10) halvings). "
                               "It does not: after 2000 steps it is a third, not a quarter. "
                               "Solve 1 + decay * t = 10."),
        (0.1 / decay, "You solved decay * t = 0.1. The rate is a tenth when the denominator "
                      "1 + decay * t equals 10."),
        (tenth - 1, "Off by one: a tenth is left when 1 + decay * t = 10, that is decay * t = 9."),
        (tenth + 1, "Off by one: you counted the printed epoch. Solve 1 + decay * t = 10 for t."),
    ]
    for value, name, expected, mistakes in ((steps_to_half, "steps_to_half", half, half_mistakes),
                                            (steps_to_tenth, "steps_to_tenth", tenth, tenth_mistakes)):
        problem = _milestone(value, name, expected, mistakes)
        if problem:
            return failed(title, problem)
    return passed(title, f"a half after {half:.0f} steps, but a tenth only after {tenth:.0f}: "
                         "each further halving takes longer than the one before.")


# --- Exercise 4: an exponential schedule ------------------------------------------------------

EXPONENTIAL_CASE = (0.8, 250.0, np.array([0, 1, 100, 250, 500, 1000, 2500]))
EXPONENTIAL_SCALAR = (2.0, 100.0, 300)


def _exponential_variants(initial, half_life, step):
    step = np.asarray(step, dtype=np.float64)
    with np.errstate(all="ignore"):
        return {
            "right": initial * 0.5 ** (step / half_life),
            "one_over_t": initial / (1 + step / half_life),
            "base_e": initial * np.exp(-step / half_life),
            "staircase": initial * 0.5 ** np.floor(step / half_life),
            "inverted": initial * 0.5 ** (half_life / step),
            "no_initial": 0.5 ** (step / half_life),
            "no_half_life": initial * 0.5 ** step,
            "times_half_life": initial * 0.5 ** (step * half_life),
            "linear": initial * 0.5 * step / half_life,
            "off_by_one": initial * 0.5 ** ((step + 1) / half_life),
        }


_EXPONENTIAL_MESSAGES = {
    "one_over_t": ("That is the 1/t schedule with decay = 1 / half_life. It halves at step half_life "
                   "but then slows down; the exponential one halves again every half_life steps: "
                   "initial * 0.5 ** (step / half_life)."),
    "base_e": ("You used exp(-step / half_life): that falls to 1/e (about 0.37), not a half, after "
               "half_life steps. Use 0.5 ** (step / half_life)."),
    "staircase": ("That is step decay (a staircase): integer division `//` or np.floor keeps the rate "
                  "flat between halvings. Use ordinary division for a smooth exponential."),
    "inverted": "The exponent is upside down: use step / half_life, not half_life / step.",
    "no_initial": "You forgot to multiply by the initial learning rate (here it is not 1).",
    "no_half_life": ("You halved the rate at every single step (0.5 ** step). Divide the step by "
                     "half_life: 0.5 ** (step / half_life)."),
    "times_half_life": "Divide the step by half_life in the exponent; you multiplied.",
    "linear": ("You multiplied by 0.5 * step / half_life, which grows with the step. The halvings "
               "go in the exponent: 0.5 ** (step / half_life)."),
    "off_by_one": "Off by one: step 0 must give exactly the initial learning rate.",
}


@guarded("Exercise 4: an exponential schedule")
def check_exponential_learning_rate(exponential_learning_rate):
    """Check `exponential_learning_rate(initial, half_life, step)` = initial * 0.5 ** (step / half_life)."""
    title = "Exercise 4: an exponential schedule"
    initial, half_life, steps = EXPONENTIAL_CASE
    variants = _exponential_variants(initial, half_life, steps)
    mistakes = [Mistake(variants[key], message) for key, message in _EXPONENTIAL_MESSAGES.items()]
    scalar_expected = _exponential_variants(*EXPONENTIAL_SCALAR)["right"]
    return _array_then_scalar(
        exponential_learning_rate, "exponential_learning_rate", title, EXPONENTIAL_CASE,
        EXPONENTIAL_SCALAR, variants["right"], scalar_expected, mistakes,
        success="the rate halves every half_life steps, for an array of steps and for one step.")


# --- Quiz -----------------------------------------------------------------------------------

def quiz():
    """The notebook's quiz (its answers live here, not in the notebook)."""
    from ..quiz import Question, Quiz

    decay, step = 1e-3, 3000
    right = 1.0 / (1 + decay * step)
    return Quiz([
        Question(
            f"With initial learning rate 1.0 and decay {decay:g}, what is the learning rate at step "
            f"{step}?",
            [f"{1.0 / (decay * step):.3f}", f"{0.5 ** (step * decay):.3f}", f"{right:.3f}",
             f"{np.exp(-decay * step):.3f}"],
            answer=2,
            explanations=["You left out the 1 in the denominator 1 + decay * t.",
                          "That assumes the rate halves every 1,000 steps; 1/t decay halves only once "
                          "in that time, then slows down.",
                          f"Right: 1 / (1 + {decay:g} * {step}) = 1 / {1 + decay * step:g}.",
                          "That is exponential decay, exp(-decay * t), a different schedule."]),
        Question(
            "Why did the run with decay 1e-2 stall?",
            ["Its learning rate grew with every step until the steps overshot the valley.",
             "Decay shrinks the weights themselves, so the network lost what it had learned.",
             "It was given fewer epochs, so it stopped before the descent could begin.",
             "Its steps were short before the network had left the plateau near ln 3."],
            answer=3,
            explanations=["1/t decay only ever shrinks the learning rate.",
                          "That is weight decay, a different technique; learning-rate decay only "
                          "shortens the steps.",
                          "All three runs had 10,001 epochs: the same number of steps, but much "
                          "shorter ones.",
                          "Yes: by epoch 1000 its rate was below a tenth, and the long way down was "
                          "still ahead."]),
        Question(
            "When should `post_update_params()` be called?",
            ["After each call of `update_params(layer)`, once per layer.",
             "Once per step, after every layer has been updated.",
             "Once per step, before any of the layers is updated.",
             "Only once, at the end of training, to count the steps."],
            answer=1,
            explanations=["Then the counter counts layers, and the rate decays as many times too fast "
                          "as there are layers.",
                          "Right: it counts steps, and the next step's rate is computed from that count.",
                          "That is where `pre_update_params()` goes: it computes the rate this step's "
                          "updates use.",
                          "Then `iterations` would stay 0 during training and the rate would never decay."]),
        Question(
            "Which attribute of an `Optimizer` never changes during training?",
            ["`learning_rate`", "`current_learning_rate`", "`iterations`",
             "None: all three of them change."],
            answer=0,
            explanations=["Yes: it is the initial rate, from which every step's rate is computed.",
                          "It is recomputed before every step (when decay is not 0).",
                          "It goes up by one after every step.",
                          "`learning_rate` stays as you set it; only the current rate and the counter "
                          "change."]),
        Question(
            "Run (c) ended with a lower and much smoother loss than run (a). What did the smaller late "
            "steps buy?",
            ["Nothing that counts: both runs printed the very same final accuracy, 0.647.",
             "Fewer dead ReLU neurons, since short steps cannot push inputs below zero.",
             "A network that generalises better, since small steps cannot overfit.",
             "Less zig-zag: the weights settled in the valley, not jumping across it."],
            answer=3,
            explanations=["One epoch's accuracy is a lucky or an unlucky draw; averaged over the last "
                          "1,000 epochs run (c) is ahead, and its loss is clearly lower.",
                          "Short steps can still push a neuron's inputs below zero, and this notebook "
                          "never counted dead neurons; what its table measured is the zig-zag of the loss.",
                          "We measured only the training data; notebook 12 looks at new data, and "
                          "small steps can overfit as well as large ones.",
                          "Right: the zig-zag column of the table shows it. With short late steps the "
                          "weights settle into the valley instead of jumping across it, so the loss ends "
                          "lower and changes little from one epoch to the next."]),
    ])


# --- Exercise 3: does decay rescue a fixed rate of 5? ----------------------------------------

RESCUE_TITLE = "Exercise 3: does decay rescue 5?"
RESCUE_VERDICTS = ("decay lower", "no decay lower", "no clear difference")

# (with decay, without decay), one value per start, made so that each typical mistake gives a
# different verdict from the right one on at least one case.
RESCUE_CASES = [
    (np.array([0.80, 0.85, 0.90]), np.array([1.60, 1.62, 1.61])),          # clear, every way
    (np.array([0.95, 1.15, 0.85]), np.array([1.00, 1.20, 0.90])),          # paired clear, unpaired not
    (np.array([0.90, 0.95, 0.92]), np.array([0.85, 0.88, 0.86])),          # no decay lower
    (np.array([0.95, 0.90, 1.02, 0.93]), np.array([1.00, 1.00, 1.04, 1.00])),  # SE, not SD
    (np.array([0.90, 1.00, 0.80]), np.array([0.95, 0.90, 0.88])),          # noise
]


def _rescue_verdict(differences, yardstick=None):
    differences = np.asarray(differences, dtype=float)
    if yardstick is None:
        yardstick = differences.std(ddof=1) / np.sqrt(len(differences))
    mean = differences.mean()
    return (RESCUE_VERDICTS[0] if mean < -2 * yardstick else
            RESCUE_VERDICTS[1] if mean > 2 * yardstick else RESCUE_VERDICTS[2])


def _rescue_diagnosis(answer, with_decay, without_decay):
    differences = with_decay - without_decay
    right = _rescue_verdict(differences)
    if answer == right:
        return None
    swap = {RESCUE_VERDICTS[0]: RESCUE_VERDICTS[1], RESCUE_VERDICTS[1]: RESCUE_VERDICTS[0]}
    if answer == swap.get(right):
        return ("your verdict is the wrong way round: a lower loss is better, so a negative difference "
                "(with decay minus without) means decay ended lower.")
    if answer == _rescue_verdict(differences, differences.std(ddof=1)):
        return ("you compared the mean difference with twice the standard deviation of the differences. "
                "The yardstick is the standard error of their mean: divide by np.sqrt(number of starts).")
    unpaired = np.sqrt(with_decay.var(ddof=1) / len(with_decay) + without_decay.var(ddof=1) / len(without_decay))
    if answer == _rescue_verdict(differences, unpaired):
        return ("your verdict treats the two settings as independent samples. Each start gave both runs "
                "the same initial weights: take the differences start by start, then their standard error.")
    return ("the verdict is not right. Take the paired differences (with decay minus without), their mean "
            "and standard error: below -2 standard errors is 'decay lower', above +2 is 'no decay lower', "
            "anything between is 'no clear difference'.")


@guarded(RESCUE_TITLE)
def check_rescue(judge_rescue, with_decay, without_decay):
    """Check `judge_rescue(with_decay, without_decay) -> verdict` on fixed cases and on the learner's
    own runs (one final loss per start for each setting, the same starts in the same order)."""
    try:
        own = [np.asarray(values, dtype=float) for values in (with_decay, without_decay)]
        if any(v.ndim != 1 or len(v) < 2 or not np.all(np.isfinite(v)) for v in own) or len(own[0]) != len(own[1]):
            raise ValueError
    except (TypeError, ValueError):
        return failed(RESCUE_TITLE, "pass your two runs as the second and third arguments: one loss per "
                      "start for each setting, the same starts in the same order.")
    cases = [(f"test case {n + 1}", case) for n, case in enumerate(RESCUE_CASES)] + [("your runs", tuple(own))]
    for where, (a, b) in cases:
        answer = call_learner(judge_rescue, a.copy(), b.copy(), name="judge_rescue",
                              context="judge_rescue(with_decay, without_decay)")
        if answer is None or answer is Ellipsis:
            raise LearnerError("`judge_rescue` still returns `...` or None.", unsolved=True)
        if not isinstance(answer, str) or answer not in RESCUE_VERDICTS:
            return failed(RESCUE_TITLE, f"the verdict must be one of {', '.join(map(repr, RESCUE_VERDICTS))}; "
                          f"got {answer!r:.60}.")
        problem = _rescue_diagnosis(answer, a, b)
        if problem:
            return failed(RESCUE_TITLE, f"on {where}: {problem}")
    return passed(RESCUE_TITLE, f"right on the test cases and on your runs: {_rescue_verdict(own[0] - own[1])}.")
