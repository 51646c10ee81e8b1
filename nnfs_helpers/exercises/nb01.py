"""Exercise checks for notebook 01 · Single neuron.

* `check_neuron_output(neuron_output)`: a neuron's output in plain Python.
* `check_line_through_points(weight, bias)`: a one-input neuron whose line passes
  through two given points.
* `check_output_change(output_change)`: how much example B's output changes when
  its third input grows by 1.
* `quiz()`: the notebook's "Check your understanding" questions.
* `numpy_used_by(func)`: the NumPy names a function's code refers to (for exercises that
  ask for plain Python; notebook 02 uses it too).

Every check returns a `CheckResult` and never raises because of the learner's answer.
"""

import builtins
import math
import numbers
import types

import numpy as np

from ..checking import (LearnerError, Mistake, check_cases, failed, guarded, passed,
                        require_given, to_array, value_check)
from ..quiz import Question, Quiz

__all__ = ["check_neuron_output", "check_line_through_points", "check_output_change", "quiz",
           "numpy_used_by", "plain_python_problem", "LINE_POINTS", "EXAMPLE_B"]

EXAMPLE_A = ([1, 2, 3], [0.2, 0.8, -0.5], 2)
EXAMPLE_B = ([1.0, 2.0, 3.0, 2.5], [0.2, 0.8, -0.5, 1.0], 2.0)
# Two inputs and a negative bias: catches code that only works for three inputs.
EXAMPLE_C = ([-1.5, 4.0], [0.7, -0.3], -1.0)
LINE_POINTS = ((1.0, 4.0), (3.0, 0.0))


# --- Exercise 1 --------------------------------------------------------------------------

def _is_numpy(value):
    """True for the numpy module, its submodules, and functions or classes defined in NumPy."""
    if isinstance(value, types.ModuleType):
        return value.__name__ == "numpy" or value.__name__.startswith("numpy.")
    module = getattr(value, "__module__", None)
    return isinstance(module, str) and (module == "numpy" or module.startswith("numpy."))


def numpy_used_by(func):
    """The names through which the code of `func` reaches NumPy, such as ['np'] for `np.dot(a, b)`.

    Reads the function's compiled code (no running): every global name it looks up, in it and
    in the functions defined inside it, is resolved in the function's module; a name that is
    NumPy (`np`, `numpy`, or `dot` after `from numpy import dot`) is reported, and so is an
    `import numpy` inside the function. Functions of the learner's own that it calls are
    followed too. Returns [] for anything that is not a plain Python function.
    """
    found, seen = [], set()

    def visit(function):
        code = getattr(function, "__code__", None)
        if not isinstance(code, types.CodeType) or code in seen:
            return
        seen.add(code)
        namespace = dict(getattr(function, "__globals__", None) or {})
        for name, cell in zip(code.co_freevars, getattr(function, "__closure__", None) or ()):
            try:
                namespace[name] = cell.cell_contents  # a name from an enclosing function
            except ValueError:
                pass
        codes = [code]
        while codes:
            current = codes.pop()
            for name in current.co_names + current.co_freevars:
                if name == "numpy":
                    value = np
                elif name in namespace:
                    value = namespace[name]
                else:
                    continue  # an attribute name (such as `dot` in `np.dot`) or a builtin
                if _is_numpy(value):
                    if name not in found:
                        found.append(name)
                elif isinstance(value, types.FunctionType) and getattr(builtins, name, None) is not value:
                    visit(value)  # a helper function of the learner's own
            codes.extend(c for c in current.co_consts if isinstance(c, types.CodeType))

    try:
        visit(func)
    except Exception:  # an odd object: nothing can be said about it
        return []
    return found


def plain_python_problem(func, answer=None, name="your function", task="write the loop yourself",
                         shortcut="np.dot does the same in one call; here the point is to write "
                                  "the loop it runs for you."):
    """A message for the learner when `func` (or the `answer` it returned) shows NumPy at work, else None."""
    names = numpy_used_by(func)
    if names:
        shown = ", ".join(f"`{n}`" for n in names)
        return (f"{name} uses NumPy ({shown}), but this exercise asks for plain Python: {task}, "
                f"with no NumPy at all. {shortcut}")
    if isinstance(answer, (np.generic, np.ndarray)):
        return (f"{name} returned a NumPy {type(answer).__name__}, so NumPy did the work somewhere. "
                f"This exercise asks for plain Python: {task}, with no NumPy at all. {shortcut}")
    return None


def _weighted_sum(inputs, weights):
    return math.fsum(x * w for x, w in zip(inputs, weights))


def _neuron_mistakes(inputs, weights, bias):
    """Typical wrong outputs for one neuron, each with what to tell the learner."""
    n = len(inputs)
    dot = _weighted_sum(inputs, weights)
    products = [x * w for x, w in zip(inputs, weights)]
    return [
        Mistake(dot, "You forgot the bias: add it once, after summing the products."),
        Mistake(products, "You multiplied each input by its weight but did not add the products up."),
        Mistake([p + bias for p in products],
                "You added the bias to each product but never summed them: a neuron returns one number."),
        Mistake(dot + n * bias, "You added the bias once per input (inside the loop). "
                                "Add it once, after the loop."),
        Mistake(inputs[0] * weights[0] + bias,
                "You used only the first input and weight: loop over all of them."),
        Mistake(inputs[0] * weights[0], "You used only the first input and weight, and forgot the bias."),
        Mistake(inputs[-1] * weights[-1] + bias,
                "Only the last input counts in your answer: in the loop, did you write `total = ...` "
                "instead of `total += ...`?"),
        Mistake(sum(inputs) * sum(weights) + bias,
                "You multiplied the sum of the inputs by the sum of the weights. Multiply each input "
                "by its own weight first, then add the products."),
        Mistake(sum(inputs) + sum(weights) + bias,
                "You added inputs and weights: each input should be multiplied by its weight."),
        Mistake(dot * bias, "You multiplied by the bias: the bias is added."),
        Mistake(dot - bias, "You subtracted the bias: the bias is added."),
        Mistake(sum(inputs) + bias, "Your answer ignores the weights: multiply each input by its weight."),
        Mistake(sum(weights) + bias, "Your answer ignores the inputs: multiply each input by its weight."),
        Mistake(lambda a: a.shape == (n,),
                f"You returned {n} numbers, one per input. A neuron returns a single number: "
                "add the products up, then add the bias."),
    ]


_LOOP_TASK = "multiply and add in a `for` loop over `zip(inputs, weights)` (or with `sum(...)`)"


_NEURON_HINTS = {"IndexError": "Your function seems to expect a fixed number of inputs. "
                                "It must work for any number: loop over `zip(inputs, weights)`."}


def _neuron_mistakes_any_length(inputs, weights, bias):
    """The named mistakes, and for a neuron of other than three inputs, using exactly three."""
    first_three = [] if len(inputs) == 3 else [(
        _weighted_sum(inputs[:3], weights[:3]) + bias,
        "Your function uses exactly three inputs. It must work for any number of "
        "inputs: loop over `zip(inputs, weights)`.")]
    return first_three + _neuron_mistakes(inputs, weights, bias)


@guarded("Exercise 1: neuron_output")
def check_neuron_output(neuron_output):
    """Check `neuron_output(inputs, weights, bias)` on examples A and B and a two-input case."""
    title = "Exercise 1: neuron_output"
    numpy_problem = plain_python_problem(neuron_output, name="Your `neuron_output`", task=_LOOP_TASK)
    if numpy_problem:
        return failed(title, numpy_problem)
    return check_cases(
        title, neuron_output, [EXAMPLE_A, EXAMPLE_B, EXAMPLE_C], name="neuron_output", hints=_NEURON_HINTS,
        arguments=lambda inputs, weights, bias: (list(inputs), list(weights), bias),
        label=lambda inputs, weights, bias: f"neuron_output(inputs={inputs}, weights={weights}, bias={bias})",
        expected=lambda inputs, weights, bias: _weighted_sum(inputs, weights) + bias,
        mistakes=_neuron_mistakes_any_length,
        inspect=lambda answer, *case: plain_python_problem(neuron_output, answer, name="Your `neuron_output`",
                                                           task=_LOOP_TASK),
        changed="Your function changed the lists it was given. Compute the output "
                "without modifying `inputs` or `weights`.",
        success="right for examples A and B and for a two-input neuron. "
                "That loop is exactly what np.dot does for you.")


# --- Exercise 2 --------------------------------------------------------------------------

def _number(value, name):
    """One finite real number from the learner, or a LearnerError saying what is wrong."""
    require_given(value, f"`{name}`", none=": give it a number.")
    if isinstance(value, bool):
        raise LearnerError(f"`{name}` is {value}, a True/False value: it should be a number.")
    if isinstance(value, (str, bytes)):
        raise LearnerError(f"`{name}` is the text {value!r}: write the number without quotes.")
    if not isinstance(value, numbers.Real):
        array = to_array(value, f"`{name}`")
        if array.size != 1:
            raise LearnerError(f"`{name}` should be one number, but it holds {array.size} values.")
        value = array.item()
    value = float(value)
    if math.isnan(value):
        raise LearnerError(f"`{name}` is NaN (not a number). Look for 0/0 in your calculation.")
    if math.isinf(value):
        raise LearnerError(f"`{name}` is infinite. Did you divide by zero?")
    return value


def _close(a, b):
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6)


@guarded("Exercise 2: a line through two points")
def check_line_through_points(weight, bias):
    """Check that `weight * x + bias` passes through both points of `LINE_POINTS`."""
    title = "Exercise 2: a line through two points"
    (x1, y1), (x2, y2) = LINE_POINTS
    w = _number(weight, "line_weight")
    b = _number(bias, "line_bias")
    slope = (y2 - y1) / (x2 - x1)
    offset = y1 - slope * x1
    at1, at2 = w * x1 + b, w * x2 + b
    if _close(w, slope) and _close(b, offset):
        return passed(title, f"the line {w:g}·x + {b:g} passes through ({x1:g}, {y1:g}) "
                             f"and ({x2:g}, {y2:g}).")
    if _close(w, offset) and _close(b, slope):
        return failed(title, "You swapped the two: the weight is the slope, the bias is where "
                             "the line crosses x = 0.")
    where = (f"Your line gives {at1:g} at x = {x1:g} and {at2:g} at x = {x2:g}; "
             f"it should give {y1:g} and {y2:g}.")
    if not _close(w, slope):
        if _close(w, -slope):
            hint = (f"The sign of the weight is wrong: the output goes from {y1:g} down to {y2:g} "
                    "as x goes up, so the slope is negative.")
        elif _close(w, 1 / slope) or _close(w, -1 / slope):
            hint = ("You divided the change in x by the change in y. The slope is "
                    "(change in output) / (change in input).")
        elif _close(b, offset):
            hint = "The bias is right; now fix the weight: slope = (change in output) / (change in input)."
        else:
            hint = "Start with the weight: slope = (change in output) / (change in input)."
        return failed(title, f"{hint} {where}")
    if _close(b, 0.0):
        hint = ("The weight is right, but with no bias (0) the line must pass through (0, 0). "
                f"The bias is the output at x = 0: solve {y1:g} = weight·{x1:g} + bias for it.")
    elif _close(b, y1) or _close(b, y2):
        hint = (f"The weight is right. The bias is the output at x = 0, not at x = {x1:g} or "
                f"x = {x2:g}: solve {y1:g} = weight·{x1:g} + bias for the bias.")
    elif _close(b, -offset):
        hint = "The weight is right, but the bias has the wrong sign."
    else:
        hint = f"The weight is right; now shift the line: solve {y1:g} = weight·{x1:g} + bias."
    return failed(title, f"{hint} {where}")


# --- Exercise 3 --------------------------------------------------------------------------

def _output_with(index, value):
    """Example B's output with input `index` set to `value`."""
    inputs, weights, bias = EXAMPLE_B
    changed = list(inputs)
    changed[index] = value
    return _weighted_sum(changed, weights) + bias


_B_BEFORE = _output_with(2, EXAMPLE_B[0][2])
_B_AFTER = _output_with(2, 4.0)

check_output_change = value_check(
    "check_output_change", "Exercise 3: how much does the output change?", _B_AFTER - _B_BEFORE, atol=1e-4, label="`output_change`",
    mistakes=[
        (_B_AFTER, "That is the new output. Subtract the old output from it."),
        (_B_BEFORE, "That is the old output. Compute the output with the third input set to 4.0, "
                    "then subtract the old output."),
        (_B_BEFORE - _B_AFTER, "Wrong sign: compute new output minus old output."),
        (1.0, "1.0 is how much the input changed (and also the weight of the fourth input). "
              "Change the third input, index 2, and see how much the output changes."),
        (_output_with(3, 4.0) - _B_BEFORE, "You changed the fourth input (index 3). The third input "
                                           "has index 2, because Python counts from 0."),
        (_output_with(1, 4.0) - _B_BEFORE, "You changed the second input (index 1). The third input "
                                           "has index 2."),
    ],
    success="the output changes by exactly the third weight. The bias cancels, "
            "and each weight is the slope of the output along its own input.",
    doc="Example B's output after its third input goes from 3.0 to 4.0, minus the output before.")


# --- Quiz --------------------------------------------------------------------------------

def quiz():
    """The questions of notebook 01's "Check your understanding"."""
    return Quiz([
        Question(
            "A neuron has one input x. Which knob tilts its line y = w·x + b?",
            ["the bias b, because it is added to every output",
             "the input x, because the line is drawn against it",
             "the weight w, which multiplies the input",
             "neither: every such line rises at 45 degrees"],
            answer=2,
            explanations=[
                "The bias is added to every output alike, so it moves the line up or down without tilting it.",
                "The input is where the line is read off; changing it moves along the line, not the line itself.",
                "The weight is the slope: a step of 1 in x changes the output by w.",
                "Only w = 1 gives 45 degrees (the dashed reference line); other weights give other slopes.",
            ]),
        Question(
            "The bias of a neuron equals its output when ...",
            ["every input is 0", "every weight is 1", "the inputs equal the weights",
             "the weights add up to 0"],
            answer=0,
            explanations=[
                "With every input 0 every product is 0, and only the bias is left.",
                "With weights of 1 the output is the sum of the inputs plus the bias.",
                "Then the output is the sum of the squared weights plus the bias.",
                "Each weight multiplies its own input, so the products cancel only for special inputs, "
                "not in general.",
            ]),
        Question(
            "One of a neuron's weights is -0.5. That input grows by 2, the others stay fixed. "
            "The output ...",
            ["rises by 1", "falls by 0.5", "changes by an amount that depends on the other inputs",
             "falls by 1"],
            answer=3,
            explanations=[
                "A negative weight makes the output fall when its input rises.",
                "That would be the change for an input that grows by 1.",
                "A weighted sum changes by w_i times the change of x_i, whatever the other inputs are.",
                "The change is the weight times the change of the input: -0.5 × 2 = -1.",
            ]),
        Question(
            "Why compute a neuron with np.dot rather than a Python loop?",
            ["It gives a more accurate result, free of any rounding errors",
             "It is the same sum in one fast call, for any number of inputs",
             "It adds the bias as well, so there is one step less to forget",
             "A plain Python loop cannot multiply by negative weights correctly"],
            answer=1,
            explanations=[
                "Both round in floating point; they agree up to the last digits or two.",
                "It runs in compiled code, and notebook 02 turns many neurons into one matrix product.",
                "np.dot only computes the weighted sum; you still add the bias yourself.",
                "Loops handle negative numbers just fine.",
            ]),
    ])
