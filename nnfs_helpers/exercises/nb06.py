"""Exercise checks for notebook 06 · Derivatives and gradient descent.

* `check_central_difference(central_difference)`: a numerical derivative with
  central differences, `central_difference(f, x, h)`.
* `check_gradient_step(gradient_step)`: one gradient-descent step on
  g(x, y) = (x - 1)**2 + 3*(y + 2)**2, `gradient_step(x, y, learning_rate)`.
* `check_neuron_loss_gradients(neuron_loss_gradients)`: the gradient of
  ReLU(w·x + b)**2 with respect to the weights and the bias.

`quiz()` returns the notebook's quiz.

Every check returns a `CheckResult` and never raises because of the learner's answer.
"""

import math

import numpy as np

from ..checking import (LearnerError, check_cases, to_array)
from ..quiz import Question, Quiz

__all__ = ["check_central_difference", "check_gradient_step", "check_neuron_loss_gradients",
           "DERIVATIVE_CASES", "STEP_CASES", "NEURON_CASES", "quiz"]


# --- Exercise 1: central differences -----------------------------------------------------

def _cube(x):
    return x ** 3


def _quadratic(x):
    return 2 * x ** 2


def _exp_half(x):
    return math.exp(0.5 * x)


# (description, function, x, h): curved functions and large h make every formula give a
# different number, so each typical mistake can be named.
DERIVATIVE_CASES = [
    ("f(x) = x**3 at x = 1 with h = 0.1", _cube, 1.0, 0.1),
    ("f(x) = 2*x**2 at x = -2 with h = 0.5", _quadratic, -2.0, 0.5),
    ("f(x) = exp(x/2) at x = 0.4 with h = 0.2", _exp_half, 0.4, 0.2),
]


def _formulas(f, x, h):
    """What the right formula and the usual slips give for one case."""
    up, here, down = f(x + h), f(x), f(x - h)
    return {
        "central": (up - down) / (2 * h),
        "forward": (up - here) / h,
        "backward": (here - down) / h,
        "negated": (down - up) / (2 * h),
        "over_h": (up - down) / h,
        "precedence": (up - down) / 2 * h,
        "over_h_squared": (up - down) / (2 * h * h),
        "no_division": up - down,
    }


_DERIVATIVE_MESSAGES = {
    "forward": ("That is the forward difference (f(x + h) - f(x)) / h. Its error shrinks only like h, "
                "so it is off by far more than the central difference: step to both sides, "
                "(f(x + h) - f(x - h)) / (2h)."),
    "backward": ("That is the backward difference (f(x) - f(x - h)) / h, as inaccurate as the forward one. "
                 "Use both neighbours: (f(x + h) - f(x - h)) / (2h)."),
    "negated": "Wrong sign: subtract f(x - h) from f(x + h), not the other way round.",
    "over_h": ("Twice too big: the two points f(x - h) and f(x + h) are 2h apart, so divide by 2 * h, "
               "not by h."),
    "precedence": ("Operator precedence: `/ 2 * h` divides by 2 and then MULTIPLIES by h. "
                   "Write `/ (2 * h)` with parentheses."),
    "over_h_squared": "You divided by h one time too many: the distance between the points is 2h.",
    "no_division": "You forgot to divide by the distance between the two points, 2h.",
}


def _derivative_mistakes(description, f, x, h):
    formulas = _formulas(f, x, h)
    return [(formulas[key], message) for key, message in _DERIVATIVE_MESSAGES.items()] + [
        (_formulas(f, x, 1e-5)["central"], "Close, but your function ignores its argument `h` (it uses its "
                                           "own step). Use the `h` it is given.")]


def check_central_difference(central_difference):
    """Check `central_difference(f, x, h)` against (f(x + h) - f(x - h)) / (2h) on three cases."""
    return check_cases(
        "Exercise 1: central differences", central_difference, DERIVATIVE_CASES, name="central_difference",
        label=lambda description, f, x, h: f"central_difference for {description}",
        expected=lambda description, f, x, h: _formulas(f, x, h)["central"],
        arguments=lambda description, f, x, h: (f, x, h),
        mistakes=_derivative_mistakes, together="your slopes for the three test cases",
        shape_hint="one number, the slope at x", rtol=1e-7, atol=1e-9,
        success="right on all three cases. For f(x) = 2x**2 it is even exact: "
                "central differences have no error on a parabola.")


# --- Exercise 2: one gradient-descent step on a shifted bowl ------------------------------
#
# g(x, y) = (x - 1)**2 + 3 * (y + 2)**2, whose gradient the learner derives (the notebook
# gives only the unshifted bowl's), minimum at (1, -2).

# (x, y, learning_rate); the last case starts at the minimum, where a step must not move.
STEP_CASES = [(4.0, -4.0, 0.1), (1.5, 2.0, 0.05), (-3.0, 0.5, 0.2), (1.0, -2.0, 0.3)]


def _step(x, y, lr, dfdx, dfdy, sign=-1.0):
    return [x + sign * lr * dfdx, y + sign * lr * dfdy]


def _step_variants(x, y, lr):
    gx, gy = 2 * (x - 1), 6 * (y + 2)
    value = (x - 1) ** 2 + 3 * (y + 2) ** 2
    return {
        "right": _step(x, y, lr, gx, gy),
        "unshifted": _step(x, y, lr, 2 * x, 6 * y),
        "shift_signs": _step(x, y, lr, 2 * (x + 1), 6 * (y - 2)),
        "half_expanded": _step(x, y, lr, 2 * x - 1, 6 * y + 2),
        "uphill": _step(x, y, lr, gx, gy, sign=1.0),
        "no_power_factor": _step(x, y, lr, x - 1, 3 * (y + 2)),
        "swapped": _step(x, y, lr, 6 * (x - 1), 2 * (y + 2)),
        "no_three": _step(x, y, lr, 2 * (x - 1), 2 * (y + 2)),
        "no_lr": _step(x, y, 1.0, gx, gy),
        "gradient": [gx, gy],
        "step_only": [lr * gx, lr * gy],
        "value": [x - lr * value, y - lr * value],
    }


_STEP_MESSAGES = {
    "unshifted": ("You used the gradient of x**2 + 3*y**2, (2x, 6y). This bowl is shifted: by the chain "
                  "rule d/dx (x - 1)**2 = 2(x - 1) (the inner derivative is 1), and likewise for y."),
    "shift_signs": ("The shifts have the wrong signs: d/dx (x - 1)**2 = 2(x - 1) and "
                    "d/dy 3(y + 2)**2 = 6(y + 2)."),
    "half_expanded": ("The factor multiplies the whole bracket: 2(x - 1) = 2x - 2, not 2x - 1, and "
                      "6(y + 2) = 6y + 12, not 6y + 2."),
    "uphill": ("You moved uphill: the gradient points to where g grows. Subtract "
               "learning_rate * gradient to go downhill."),
    "no_power_factor": ("The gradient is off by a factor of 2: by the power rule the derivative of u**2 "
                        "is 2u, so dg/dx = 2(x - 1) and dg/dy = 6(y + 2)."),
    "swapped": "You swapped the partial derivatives: dg/dx = 2(x - 1) and dg/dy = 6(y + 2).",
    "no_three": "dg/dy forgets the 3 in 3(y + 2)**2: it is 6(y + 2), not 2(y + 2).",
    "no_lr": "You took a full gradient step: multiply the gradient by the learning rate first.",
    "gradient": "You returned the gradient. Return the new point: (x, y) minus learning_rate * gradient.",
    "step_only": "You returned the step learning_rate * gradient. Subtract it from (x, y) to get the new point.",
    "value": "You used the value g(x, y) instead of its derivatives: the step needs dg/dx and dg/dy.",
}


def check_gradient_step(gradient_step):
    """Check `gradient_step(x, y, learning_rate)` returns the point after one step on
    g(x, y) = (x - 1)**2 + 3 * (y + 2)**2."""
    return check_cases(
        "Exercise 2: one gradient-descent step", gradient_step, STEP_CASES, name="gradient_step",
        label=lambda x, y, lr: f"gradient_step({x:g}, {y:g}, {lr:g})",
        expected=lambda x, y, lr: _step_variants(x, y, lr)["right"],
        mistakes=lambda x, y, lr: [(_step_variants(x, y, lr)[key], message) for key, message in _STEP_MESSAGES.items()],
        together="your new points for the four test cases",
        shape_hint="the new point as two numbers, `return new_x, new_y`",
        advice=lambda x, y, lr: ("This point is the minimum of g, where the gradient is 0. " if (x, y) == (1.0, -2.0)
                                 else "") + "That is not the point one step downhill. Derive dg/dx and "
                                 "dg/dy with the chain rule (or SymPy), then subtract learning_rate times "
                                 "the gradient from (x, y).",
        success="the gradient is (2(x - 1), 6(y + 2)), zero at the minimum (1, -2), "
                "so a step from there stays put.")


# --- Exercise 3: the gradient of one ReLU neuron's loss -----------------------------------

# (inputs, weights, bias): the first has a positive sum (ReLU passes it), the second a
# negative one (ReLU blocks it), the third different weights and bias.
NEURON_CASES = [
    ([0.5, -1.0, 2.0], [-3.0, -1.0, 2.0], 1.0),
    ([2.0, 1.0, -1.0], [-3.0, -1.0, 2.0], 1.0),
    ([1.0, 3.0, -0.5], [0.4, 0.7, -1.2], -0.5),
]


def _neuron_variants(inputs, weights, bias):
    """[dweights..., dbias] for the right gradient and the usual slips."""
    x, w = np.asarray(inputs, dtype=float), np.asarray(weights, dtype=float)
    z = float(np.dot(w, x) + bias)
    relu = max(z, 0.0)
    step = 1.0 if z > 0 else 0.0
    dz = 2 * relu * step

    def pack(dw, db):
        return list(np.broadcast_to(dw, x.shape)) + [db]

    return {
        "right": pack(dz * x, dz),
        "no_relu": pack(2 * z * x, 2 * z),
        "no_two": pack(relu * step * x, relu * step),
        "no_loss": pack(step * x, step),
        "swapped": pack(dz * w, dz),
        "bias_is_one": pack(dz * x, 1.0),
        "bias_times_x": pack(dz * x, dz * float(np.sum(x))),
        "uphill_sign": pack(-dz * x, -dz),
    }


_NEURON_MESSAGES = {
    "no_relu": ("Your answer treats the neuron as if it had no ReLU: for inputs where w·x + b is "
                "negative, ReLU outputs 0 and its derivative is 0, so every gradient is 0 there."),
    "no_two": ("Half the right size: the loss is output**2, whose derivative is 2 * output. "
               "Chain that factor 2 in as the first step."),
    "no_loss": ("That is the gradient of the neuron's output, not of the loss. The loss is output**2: "
                "multiply by its derivative, 2 * output, as the first step of the chain."),
    "swapped": ("You multiplied by the weights: d(w_i * x_i)/dw_i is the INPUT x_i "
                "(the weights belong in the gradient with respect to the inputs)."),
    "bias_is_one": ("The weight gradients are right, but dbias is not 1: the chain rule multiplies the "
                    "bias's local derivative (1) by everything above it, 2 * output * ReLU'(z)."),
    "bias_times_x": "dbias does not involve the inputs: the bias is added, so its local derivative is 1.",
    "uphill_sign": ("Wrong sign: return the gradient itself (the direction in which the loss grows); "
                    "the update step is what subtracts it."),
}


def _unpack_gradients(answer, described):
    """(dweights array of shape (3,), dbias float) from the learner's answer, or a LearnerError."""
    if answer is None or answer is Ellipsis:
        raise LearnerError(f"{described} returned {answer!r}. Did you forget "
                           "`return dweights, dbias`?", unsolved=True)
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        if isinstance(answer, (tuple, list)):
            got = f"{len(answer)} values"
        else:
            got = f"one value of type {type(answer).__name__}"
        raise LearnerError(f"{described} returned {got}; it should return two things, "
                           "`return dweights, dbias`.")
    dweights = to_array(answer[0], "dweights")
    dbias = to_array(answer[1], "dbias")
    if dweights.shape != (3,):
        raise LearnerError(f"dweights has shape {dweights.shape}; it should have one entry per weight, "
                           "shape (3,).")
    if dbias.size != 1:
        raise LearnerError(f"dbias holds {dbias.size} numbers; the neuron has one bias, so dbias is one number.")
    return list(dweights) + [dbias.item()]


def check_neuron_loss_gradients(neuron_loss_gradients):
    """Check `neuron_loss_gradients(inputs, weights, bias)` on three neurons."""
    return check_cases(
        "Exercise 3: the gradient of one neuron's loss", neuron_loss_gradients, NEURON_CASES,
        name="neuron_loss_gradients", rtol=1e-6, atol=1e-8,
        arguments=lambda inputs, weights, bias: (np.array(inputs), np.array(weights), bias),
        label=lambda inputs, weights, bias: f"neuron_loss_gradients({inputs}, {weights}, {bias})",
        read=_unpack_gradients,
        expected=lambda *case: _neuron_variants(*case)["right"],
        mistakes=lambda *case: [(_neuron_variants(*case)[key], message) for key, message in _NEURON_MESSAGES.items()],
        changed="Your function changed the `inputs` or `weights` arrays it was given "
                "(an in-place update such as `weights -= ...`?). Only compute the gradient.",
        success="right for all three neurons, including the one whose ReLU is off (every gradient 0 there).")


# --- Quiz ----------------------------------------------------------------------------------

def quiz():
    """The questions of notebook 06's "Check your understanding"."""
    return Quiz([
        Question("The forward difference (f(x + h) - f(x)) / h overestimates the slope of 2x² at "
                 "every x. Which estimate is exact for this parabola, apart from rounding?",
                 ["(f(x + h) - f(x - h)) / (2h), whose error term is zero here",
                  "The same forward formula with a far smaller step, such as h = 1e-12",
                  "(f(x) - f(x - h)) / h, since stepping backwards cancels the excess",
                  "None of them: a numerical estimate always keeps an error of order h"],
                 answer=0,
                 explanations=[
                     "Right: the central difference cancels the h² term of the expansion, and a "
                     "parabola has nothing beyond it.",
                     "A smaller h shrinks the error (2h here) but never removes it, and at 1e-12 "
                     "rounding takes over.",
                     "The backward difference errs by the same amount in the other direction.",
                     "The central difference's error is of order h², and for a parabola that term is 0."]),
        Question("Gradient descent on f(x) = x² with learning rate 1.1, from x = 4. What happens?",
                 ["It converges, only more slowly than with learning rate 0.2",
                  "It lands exactly on x = 0 after the first step and stays there",
                  "It moves uphill without changing sign, so x grows steadily",
                  "x flips sign on every step and grows in size: it diverges"],
                 answer=3,
                 explanations=[
                     "A step multiplies x by 1 - 2·1.1 = -1.2; since |-1.2| > 1 it cannot converge.",
                     "That needs learning rate 0.5 exactly (factor 1 - 2·0.5 = 0).",
                     "The factor -1.2 is negative, so the sign flips on every step.",
                     "Right: x is multiplied by -1.2 on every step."]),
        Question("In the one-neuron example, suppose the bias were -10, so z = w·x + b < 0. What is "
                 "the gradient of the neuron's output with respect to each weight?",
                 ["Each weight's input, as in the example, since the sum passes it on",
                  "0 for every weight, because ReLU's slope is 0 where z < 0",
                  "Each weight's own value, since multiplication swaps the factors",
                  "1 for every weight, because the sum's local derivative is 1"],
                 answer=1,
                 explanations=[
                     "Only while the ReLU is on (z > 0); here it blocks everything.",
                     "Right: the chain rule multiplies every gradient by ReLU'(z) = 0. The neuron is "
                     "'dead' for this input.",
                     "The weights are the gradient with respect to the inputs, and only while ReLU is on.",
                     "The sum's local derivative is 1, but the ReLU's, further up the chain, is 0."]),
        Question("For the loss L = ½(ŷ - y)², what is dL/dŷ?",
                 ["2(ŷ - y)", "(ŷ - y)²", "ŷ - y", "½(ŷ - y)"],
                 answer=2,
                 explanations=[
                     "That is the derivative of (ŷ - y)², without the ½.",
                     "That is twice the loss itself, not its derivative.",
                     "Right: the power rule gives 2 · ½ · (ŷ - y); the ½ is there to cancel the 2.",
                     "The power rule brings down the exponent 2: the derivative of u² is 2u."]),
        Question("Why does the sigmoid neuron fitted to the seven points keep a loss above a floor?",
                 ["A sigmoid cannot output more than 1, and four targets are above 1",
                  "The learning rate is too small to get there within 3000 iterations",
                  "Gradient descent cannot fit more than one data point at a time",
                  "The gradient was derived wrongly, so some steps go the wrong way"],
                 answer=0,
                 explanations=[
                     "Right: every target above 1 leaves an error of at least y - 1, however long "
                     "we train.",
                     "More iterations or a larger rate still cannot cross the sigmoid's ceiling of 1.",
                     "It minimises the mean loss over all seven points at once.",
                     "It was checked numerically and agrees."]),
        Question("In the chain of two sigmoid neurons, the first neuron's gradients are about 20 "
                 "times smaller than the second's. Why?",
                 ["The first neuron gets a smaller learning rate, so its steps are shorter",
                  "Its input x = 0.5 is much smaller than the second neuron's input",
                  "Its gradient also passes through w2 and a second sigmoid slope (≤ 0.25)",
                  "The numerical check rounds the first neuron's gradients towards zero"],
                 answer=2,
                 explanations=[
                     "Both neurons are updated with the same learning rate.",
                     "x = 0.5 and the second neuron's input a1 ≈ 0.55 are about the same size: that "
                     "explains almost none of a factor 20.",
                     "Right: every layer multiplies in a sigmoid slope of at most 0.25 and a weight. "
                     "Stack many and the early gradients vanish.",
                     "The gradients are computed by hand and only compared with the numerical ones; "
                     "they agree."]),
    ])
