"""Exercise checks for notebook 06 · Derivatives and gradient descent.

* `check_central_difference(central_difference)`: a numerical derivative with
  central differences, `central_difference(f, x, h)`.
* `check_gradient_step(gradient_step)`: one gradient-descent step on
  f(x, y) = x**2 + 3*y**2, `gradient_step(x, y, learning_rate)`.
* `check_neuron_loss_gradients(neuron_loss_gradients)`: the gradient of
  ReLU(w·x + b)**2 with respect to the weights and the bias.

Every check returns a `CheckResult` and never raises because of the learner's answer.
"""

import math

import numpy as np

from ..checking import LearnerError, Mistake, call_learner, compare, failed, guarded, passed, to_array

__all__ = ["check_central_difference", "check_gradient_step", "check_neuron_loss_gradients",
           "DERIVATIVE_CASES", "STEP_CASES", "NEURON_CASES"]


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


@guarded("Exercise 1: central differences")
def check_central_difference(central_difference):
    """Check `central_difference(f, x, h)` against (f(x + h) - f(x - h)) / (2h) on three cases."""
    title = "Exercise 1: central differences"
    answers = []
    for description, f, x, h in DERIVATIVE_CASES:
        answer = call_learner(central_difference, f, x, h, name="central_difference",
                              context=f"for {description}")
        array = to_array(answer, f"central_difference for {description}")
        if array.size != 1:
            return failed(title, f"for {description} your function returned {array.size} numbers; "
                                 "it should return one number, the slope at x.")
        answers.append(array.item())
    cases = [_formulas(f, x, h) for _, f, x, h in DERIVATIVE_CASES]
    expected = [case["central"] for case in cases]
    mistakes = [Mistake([case[key] for case in cases], message) for key, message in _DERIVATIVE_MESSAGES.items()]
    mistakes.append(Mistake([_formulas(f, x, 1e-5)["central"] for _, f, x, _ in DERIVATIVE_CASES],
                            "Close, but your function ignores its argument `h` (it uses its own step). "
                            "Use the `h` it is given."))
    return compare(answers, expected, title, rtol=1e-7, atol=1e-9, mistakes=mistakes,
                   label="your slopes for the three test cases",
                   success="right on all three cases. For f(x) = 2x**2 it is even exact: "
                           "central differences have no error on a parabola.")


# --- Exercise 2: one gradient-descent step -------------------------------------------------

# (x, y, learning_rate)
STEP_CASES = [(4.0, -4.0, 0.1), (1.0, 2.0, 0.05), (-3.0, 0.5, 0.2)]


def _step(x, y, lr, dfdx, dfdy, sign=-1.0):
    return [x + sign * lr * dfdx, y + sign * lr * dfdy]


def _step_variants(x, y, lr):
    return {
        "right": _step(x, y, lr, 2 * x, 6 * y),
        "uphill": _step(x, y, lr, 2 * x, 6 * y, sign=1.0),
        "no_power_factor": _step(x, y, lr, x, 3 * y),
        "swapped": _step(x, y, lr, 6 * x, 2 * y),
        "no_three": _step(x, y, lr, 2 * x, 2 * y),
        "no_lr": _step(x, y, 1.0, 2 * x, 6 * y),
        "gradient": [2 * x, 6 * y],
        "step_only": [lr * 2 * x, lr * 6 * y],
        "value": [x - lr * (x ** 2 + 3 * y ** 2), y - lr * (x ** 2 + 3 * y ** 2)],
    }


_STEP_MESSAGES = {
    "uphill": ("You moved uphill: the gradient points to where f grows. Subtract "
               "learning_rate * gradient to go downhill."),
    "no_power_factor": ("The gradient is off by a factor of 2: by the power rule the derivative of x**2 "
                        "is 2x and that of 3y**2 is 6y."),
    "swapped": "You swapped the partial derivatives: df/dx = 2x and df/dy = 6y.",
    "no_three": "df/dy forgets the 3 in 3y**2: it is 6y, not 2y.",
    "no_lr": "You took a full gradient step: multiply the gradient by the learning rate first.",
    "gradient": "You returned the gradient (2x, 6y). Return the new point: (x, y) minus learning_rate * gradient.",
    "step_only": "You returned the step learning_rate * gradient. Subtract it from (x, y) to get the new point.",
    "value": "You used the value f(x, y) instead of its derivatives: the step uses df/dx = 2x and df/dy = 6y.",
}


@guarded("Exercise 2: one gradient-descent step")
def check_gradient_step(gradient_step):
    """Check `gradient_step(x, y, learning_rate)` returns the point after one step on x**2 + 3y**2."""
    title = "Exercise 2: one gradient-descent step"
    answers = []
    for x, y, lr in STEP_CASES:
        described = f"gradient_step({x:g}, {y:g}, {lr:g})"
        answer = call_learner(gradient_step, x, y, lr, name="gradient_step", context=described)
        array = to_array(answer, described)
        if array.shape != (2,):
            return failed(title, f"{described} returned shape {array.shape}; it should return the new "
                                 "point as two numbers, `return new_x, new_y`.")
        answers.append(array)
    variants = [_step_variants(*case) for case in STEP_CASES]
    expected = [v["right"] for v in variants]
    mistakes = [Mistake([v[key] for v in variants], message) for key, message in _STEP_MESSAGES.items()]
    result = compare(np.array(answers), expected, title, mistakes=mistakes,
                     label="your new points for the three test cases",
                     success="that is the update the descent below repeats: "
                             "new point = point - learning_rate * gradient.")
    if not result and "wrong values" in result.message:
        index = next(i for i, (got, want) in enumerate(zip(answers, expected))
                     if not np.allclose(got, want, rtol=1e-5, atol=1e-6))
        (x, y, lr), got, want = STEP_CASES[index], answers[index], expected[index]
        return failed(title, f"gradient_step({x:g}, {y:g}, {lr:g}) returned ({got[0]:.6g}, {got[1]:.6g}); "
                             f"it should return ({want[0]:.6g}, {want[1]:.6g}). Compute the gradient "
                             "(2x, 6y), then subtract learning_rate times it from (x, y).")
    return result


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


@guarded("Exercise 3: the gradient of one neuron's loss")
def check_neuron_loss_gradients(neuron_loss_gradients):
    """Check `neuron_loss_gradients(inputs, weights, bias)` on three neurons."""
    title = "Exercise 3: the gradient of one neuron's loss"
    answers = []
    for inputs, weights, bias in NEURON_CASES:
        described = f"neuron_loss_gradients({inputs}, {weights}, {bias})"
        arrays = (np.array(inputs), np.array(weights))
        answer = call_learner(neuron_loss_gradients, arrays[0], arrays[1], bias,
                              name="neuron_loss_gradients", context=described)
        answers.append(_unpack_gradients(answer, described))
        if not (np.array_equal(arrays[0], inputs) and np.array_equal(arrays[1], weights)):
            return failed(title, "Your function changed the `inputs` or `weights` arrays it was given "
                                 "(an in-place update such as `weights -= ...`?). Only compute the gradient.")
    variants = [_neuron_variants(*case) for case in NEURON_CASES]
    expected = np.array([v["right"] for v in variants])
    answers = np.array(answers)
    # Diagnose case by case: a slip may show in only one of the neurons.
    for index, ((inputs, weights, bias), variant) in enumerate(zip(NEURON_CASES, variants)):
        if np.allclose(answers[index], expected[index], rtol=1e-6, atol=1e-8):
            continue
        mistakes = [Mistake(variant[key], message) for key, message in _NEURON_MESSAGES.items()]
        result = compare(answers[index], expected[index], title, rtol=1e-6, atol=1e-8,
                         mistakes=mistakes, label=f"[dweights..., dbias] for inputs={inputs}")
        if not result:
            return result
    return passed(title, "right for all three neurons, including the one whose ReLU is off "
                         "(every gradient 0 there).")
