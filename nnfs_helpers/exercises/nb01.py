"""Exercise checks for notebook 01 · Single neuron.

* `check_neuron_output(neuron_output)`: a neuron's output in plain Python.
* `check_line_through_points(weight, bias)`: a one-input neuron whose line passes
  through two given points.
* `check_output_change(output_change)`: how much example B's output changes when
  its third input grows by 1.

Every check returns a `CheckResult` and never raises because of the learner's answer.
"""

import copy
import math
import numbers

import numpy as np

from ..checking import (LearnerError, Mistake, call_learner, compare, failed, guarded, passed,
                        to_array)

__all__ = ["check_neuron_output", "check_line_through_points", "check_output_change",
           "LINE_POINTS", "EXAMPLE_B"]

EXAMPLE_A = ([1, 2, 3], [0.2, 0.8, -0.5], 2)
EXAMPLE_B = ([1.0, 2.0, 3.0, 2.5], [0.2, 0.8, -0.5, 1.0], 2.0)
# Two inputs and a negative bias: catches code that only works for three inputs.
EXAMPLE_C = ([-1.5, 4.0], [0.7, -0.3], -1.0)
LINE_POINTS = ((1.0, 4.0), (3.0, 0.0))


# --- Exercise 1 --------------------------------------------------------------------------

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


@guarded("Exercise 1: neuron_output")
def check_neuron_output(neuron_output):
    """Check `neuron_output(inputs, weights, bias)` on examples A and B and a two-input case."""
    title = "Exercise 1: neuron_output"
    for index, (inputs, weights, bias) in enumerate((EXAMPLE_A, EXAMPLE_B, EXAMPLE_C)):
        given = (list(inputs), list(weights), bias)
        arguments = copy.deepcopy(given)
        described = f"inputs={inputs}, weights={weights}, bias={bias}"
        answer = call_learner(neuron_output, *arguments, name="neuron_output", context=f"with {described}",
                              hints={"IndexError": "Your function seems to expect a fixed number of inputs. "
                                                   "It must work for any number: loop over `zip(inputs, weights)`."})
        expected = _weighted_sum(inputs, weights) + bias
        mistakes = _neuron_mistakes(inputs, weights, bias)
        if index > 0 and len(inputs) != 3:
            first_three = _weighted_sum(inputs[:3], weights[:3]) + bias
            mistakes.insert(0, Mistake(first_three, (
                "Your function uses exactly three inputs. It must work for any number of "
                "inputs: loop over `zip(inputs, weights)`.")))
        result = compare(answer, expected, title, mistakes=mistakes,
                         label=f"neuron_output({described})")
        if not result:
            return result
        if list(arguments) != list(given):
            return failed(title, "Your function changed the lists it was given. Compute the output "
                                 "without modifying `inputs` or `weights`.")
    return passed(title, "right for examples A and B and for a two-input neuron. "
                         "That loop is exactly what np.dot does for you.")


# --- Exercise 2 --------------------------------------------------------------------------

def _number(value, name):
    """One finite real number from the learner, or a LearnerError saying what is wrong."""
    if value is Ellipsis:
        raise LearnerError(f"`{name}` is still `...`.", unsolved=True)
    if value is None:
        raise LearnerError(f"`{name}` is None: give it a number.", unsolved=True)
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

@guarded("Exercise 3: how much does the output change?")
def check_output_change(output_change):
    """Example B's output after its third input goes from 3.0 to 4.0, minus the output before."""
    title = "Exercise 3: how much does the output change?"
    inputs, weights, bias = EXAMPLE_B
    before = _weighted_sum(inputs, weights) + bias

    def output_with(index, value):
        changed = list(inputs)
        changed[index] = value
        return _weighted_sum(changed, weights) + bias

    after = output_with(2, 4.0)
    if isinstance(output_change, (list, tuple, np.ndarray)):
        array = to_array(output_change, "`output_change`")
        if array.size != 1:
            return failed(title, "`output_change` should be one number: the new output minus the old "
                                 f"output, but it holds {array.size} values.")
        output_change = array.reshape(())
    mistakes = [
        Mistake(after, "That is the new output. Subtract the old output from it."),
        Mistake(before, "That is the old output. Compute the output with the third input set to 4.0, "
                        "then subtract the old output."),
        Mistake(before - after, "Wrong sign: compute new output minus old output."),
        Mistake(1.0, "1.0 is how much the input changed (and also the weight of the fourth input). "
                     "Change the third input, index 2, and see how much the output changes."),
        Mistake(output_with(3, 4.0) - before, "You changed the fourth input (index 3). The third input "
                                              "has index 2, because Python counts from 0."),
        Mistake(output_with(1, 4.0) - before, "You changed the second input (index 1). The third input "
                                              "has index 2."),
    ]
    return compare(output_change, after - before, title, atol=1e-4, mistakes=mistakes,
                   label="`output_change`",
                   success="the output changes by exactly the third weight. The bias cancels, "
                           "and each weight is the slope of the output along its own input.")

