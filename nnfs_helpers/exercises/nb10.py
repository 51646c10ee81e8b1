"""Exercise checks for notebook 10 · Momentum.

* `check_momentum_step(momentum_step)`: one step of gradient descent with momentum,
  `momentum_step(params, velocity, grad, learning_rate, momentum)` returning the new
  `(params, velocity)`.
* `check_terminal_step(terminal_step)`: the length of each step after many steps with a
  constant gradient (learning rate 0.02, gradient 3.0, momentum 0.8).

Every check returns a `CheckResult` and never raises because of the learner's answer.
"""

import numpy as np

from ..checking import (LearnerError, Mistake, call_learner, compare, failed, guarded,
                        not_solved, passed, to_array)

__all__ = ["check_momentum_step", "check_terminal_step", "STEP_CASES",
           "TERMINAL_LEARNING_RATE", "TERMINAL_GRADIENT", "TERMINAL_MOMENTUM"]

TIMEOUT = 5.0  # seconds a learner's function may run (tests lower it)


def _short(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --- Exercise 1: momentum_step ---------------------------------------------------------------

# (params, velocity, grad, learning_rate, momentum): a non-zero velocity, learning rates other
# than 1 and momentums other than 0.5 make every typical slip give a different answer.
STEP_CASES = [
    (np.array([0.5, -1.0, 2.0]), np.array([0.3, -0.2, 0.1]), np.array([1.0, 2.0, -0.5]), 0.1, 0.9),
    (np.array([[1.0, 0.0, -2.0], [0.5, 3.0, -1.5]]), np.array([[-0.4, 0.2, 0.0], [0.1, -0.3, 0.6]]),
     np.array([[2.0, -1.0, 0.5], [-3.0, 1.5, 1.0]]), 0.05, 0.7),
]


def _right(p, v, g, lr, mu):
    new_v = mu * v - lr * g
    return p + new_v, new_v


# Typical slips: what each gives for (params, velocity), and what to say about it.
_STEP_MISTAKES = [
    (lambda p, v, g, lr, mu: (p + (mu * v + lr * g), mu * v + lr * g),
     "Wrong sign: your velocity adds the gradient, so the steps go uphill. The gradient points "
     "the way the loss grows: `velocity = momentum * velocity - learning_rate * grad`."),
    (lambda p, v, g, lr, mu: (p - (mu * v + lr * g), mu * v + lr * g),
     "Your velocity points uphill (`momentum * velocity + learning_rate * grad`) and you subtract "
     "it. In this notebook the velocity is the step itself, pointing downhill: "
     "`velocity = momentum * velocity - learning_rate * grad`, then `params + velocity`."),
    (lambda p, v, g, lr, mu: (p + (mu * v - lr * g), v),
     "The parameters are right, but you returned the old velocity. Return the new one: the next "
     "step needs it, that is how the ball keeps its speed."),
    (lambda p, v, g, lr, mu: (p - lr * g, -lr * g),
     "Your step ignores the old velocity: this is plain gradient descent. Keep a fraction of the "
     "previous step: `velocity = momentum * velocity - learning_rate * grad`."),
    (lambda p, v, g, lr, mu: (p - lr * g, mu * v - lr * g),
     "The velocity is right, but the parameters took a plain gradient step (`- learning_rate * "
     "grad`). Move them by the new velocity: `params + velocity`."),
    (lambda p, v, g, lr, mu: (p + lr * (mu * v - g), lr * (mu * v - g)),
     "You multiplied the old velocity by the learning rate too. The velocity already holds "
     "learning-rate-sized steps; only the new gradient is scaled: "
     "`momentum * velocity - learning_rate * grad`."),
    (lambda p, v, g, lr, mu: (p + v, mu * v - lr * g),
     "You moved the parameters with the old velocity, then computed the new one: the momentum "
     "came after the update. Compute the new velocity first, then add it to the parameters."),
    (lambda p, v, g, lr, mu: (p + mu * (v - lr * g), mu * (v - lr * g)),
     "You applied the momentum after adding the gradient step, `momentum * (velocity - "
     "learning_rate * grad)`, so the new gradient is shrunk too. Only the old velocity is "
     "multiplied by the momentum."),
    (lambda p, v, g, lr, mu: (p + (mu * v - lr * (1 - mu) * g), mu * v - lr * (1 - mu) * g),
     "You scaled the gradient by (1 - momentum). That moving-average form belongs to Adam's first "
     "moment (notebook 11); the momentum of this notebook adds the full `learning_rate * grad`."),
    (lambda p, v, g, lr, mu: (p - lr * (mu * v + g), mu * v + g),
     "That is the other common convention (PyTorch's): a velocity without the learning rate, "
     "subtracted after scaling. Here the velocity is the step itself, learning rate and sign "
     "included: `velocity = momentum * velocity - learning_rate * grad`, then `params + velocity`."),
    (lambda p, v, g, lr, mu: (p + (v - lr * g), v - lr * g),
     "Your velocity never forgets: `velocity - learning_rate * grad` keeps all of the old "
     "velocity. Multiply it by `momentum` first."),
]


def _same(array, target):
    target = np.asarray(target, dtype=np.float64)
    return array.shape == target.shape and bool(np.allclose(array, target, rtol=1e-4, atol=1e-7))


def _read_pair(returned, p, v, g, lr, mu):
    """The learner's (params, velocity) as two float arrays, or a LearnerError saying what is wrong."""
    expected_p, expected_v = _right(p, v, g, lr, mu)
    if returned is None:
        raise LearnerError("`momentum_step` returned None. Did you forget `return params, velocity`?",
                           unsolved=True)
    if returned is Ellipsis:
        raise LearnerError("`momentum_step` returned `...`.", unsolved=True)
    if not isinstance(returned, (tuple, list)):
        try:
            alone = np.asarray(returned, dtype=np.float64)
        except (TypeError, ValueError):
            alone = None
        if alone is not None and _same(alone, expected_p):
            raise LearnerError("you returned only the new parameters. Return both, the parameters "
                               "and the new velocity: `return params, velocity`; the next step needs "
                               "the velocity.")
        if alone is not None and _same(alone, expected_v):
            raise LearnerError("you returned only the new velocity. Return both: "
                               "`return params, velocity`.")
        raise LearnerError(f"`momentum_step` should return a pair (params, velocity), but it returned "
                           f"{_short(returned)} (of type {type(returned).__name__}).")
    if len(returned) != 2:
        raise LearnerError(f"`momentum_step` should return two things, (params, velocity), but it "
                           f"returned {len(returned)}.")
    new_p = to_array(returned[0], "the returned params")
    new_v = to_array(returned[1], "the returned velocity")
    return new_p, new_v


@guarded("Exercise 1: momentum_step")
def check_momentum_step(momentum_step):
    """Check `momentum_step(params, velocity, grad, learning_rate, momentum)` on two cases."""
    title = "Exercise 1: momentum_step"
    for p, v, g, lr, mu in STEP_CASES:
        given = [p.copy(), v.copy(), g.copy()]
        returned = call_learner(momentum_step, *given, lr, mu, name="momentum_step", timeout=TIMEOUT)
        new_p, new_v = _read_pair(returned, p, v, g, lr, mu)
        expected_p, expected_v = _right(p, v, g, lr, mu)
        case = f"With learning_rate={lr:g} and momentum={mu:g}, "
        if _same(new_p, expected_p) and _same(new_v, expected_v):
            continue
        if _same(new_p, expected_v) and _same(new_v, expected_p):
            return failed(title, "You returned (velocity, params): swap them, `return params, velocity`.")
        if (new_p.shape == p.shape and new_v.shape == v.shape and np.array_equal(new_p, p)
                and np.array_equal(new_v, v)):
            return not_solved(title, "`momentum_step` returned the parameters and the velocity "
                                     "unchanged. Compute the new velocity, add it to the parameters, "
                                     "and return both.")
        for wrong, message in _STEP_MISTAKES:
            wrong_p, wrong_v = wrong(p, v, g, lr, mu)
            if _same(new_p, wrong_p) and _same(new_v, wrong_v):
                return failed(title, message)
        if _same(new_v, expected_v):
            return compare(new_p, expected_p, title, label=case + "the returned params", mistakes=[
                Mistake(p - expected_v, "The velocity is right, but you subtracted it from the "
                                        "parameters. It already points downhill: `params + velocity`."),
            ])
        result = compare(new_v, expected_v, title, label=case + "the returned velocity")
        if not result:
            return result
        return compare(new_p, expected_p, title, label=case + "the returned params")
    return passed(title, "the velocity keeps a fraction of the last step and adds the new gradient "
                         "step, and the parameters move by the new velocity.")


# --- Exercise 2: the terminal step -------------------------------------------------------------

TERMINAL_LEARNING_RATE = 0.02
TERMINAL_GRADIENT = 3.0
TERMINAL_MOMENTUM = 0.8


@guarded("Exercise 2: terminal step")
def check_terminal_step(terminal_step):
    """Check the learner's number: the step length lr * g / (1 - mu) after many steps."""
    title = "Exercise 2: terminal step"
    lr, g, mu = TERMINAL_LEARNING_RATE, TERMINAL_GRADIENT, TERMINAL_MOMENTUM
    expected = lr * g / (1 - mu)
    first = lr * g
    if terminal_step is None or terminal_step is Ellipsis:
        return not_solved(title, "set `terminal_step` to a number (replace the `...`), run the cell, "
                                 "then run this check again.")
    if callable(terminal_step):
        return failed(title, "`terminal_step` should be a number, not a function. Compute it, for "
                             "example with a short loop, and assign the number.")
    if isinstance(terminal_step, (bool, np.bool_)):
        return failed(title, f"`terminal_step` is {terminal_step}: it should be a number, the length "
                             "of one step.")
    array = to_array(terminal_step, "`terminal_step`")
    if array.size != 1:
        return failed(title, f"`terminal_step` should be one number, but it has {array.size} values "
                             f"(shape {array.shape}). If you kept every step, give the last one.")
    value = float(array.reshape(()))
    mistakes = [
        Mistake(-expected, "That is the velocity, which points downhill and so is negative. The "
                           "question asks for the length of the step: a positive number."),
        Mistake(first, "That is the first step (or a step of plain gradient descent, "
                       "learning_rate * gradient). With momentum the steps keep growing: each one "
                       "keeps 0.8 of the last and adds a new learning_rate * gradient."),
        Mistake(first * mu, "You multiplied learning_rate * gradient by the momentum: that makes "
                            "the step shorter, but momentum makes steps longer, because each step "
                            "adds to what is left of the last."),
        Mistake(first / mu, "You divided by the momentum. The steps form a geometric series: "
                            "1 + 0.8 + 0.8**2 + ... adds up to 1 / (1 - 0.8)."),
        Mistake(first * (1 + mu), "That is the second step. The velocity keeps growing after that; "
                                  "follow it for many steps (or sum the whole geometric series)."),
        Mistake(first / (1 + mu), "lr * g / (1 + momentum) is what an alternating gradient (+g, -g, "
                                  "+g, ...) settles to. Here the gradient is the same every step."),
        Mistake(first * mu / (1 - mu), "You left out the newest gradient step: in the limit the "
                                       "step is momentum * step + learning_rate * gradient."),
        Mistake(first / (1 - mu) ** 2, "You divided by (1 - momentum) twice."),
        Mistake(first * (1 - mu), "You multiplied by (1 - momentum); the limit divides by it."),
        Mistake(g / (1 - mu), "You forgot the learning rate: every new step adds learning_rate * "
                              "gradient, not the gradient itself."),
        Mistake(lambda a: first < float(a) < expected,
                "You are on the way: your number is longer than the first step but shorter than the "
                "limit. If you simulated, take more steps (a few hundred), or sum the geometric "
                "series 1 + momentum + momentum**2 + ..."),
        Mistake(lambda a: float(a) > expected,
                "Too long: the velocity grows towards a limit and never passes it. Check your "
                "formula or your loop."),
    ]
    if np.isclose(value, expected, rtol=1e-3, atol=1e-9):
        return passed(title, f"each step settles at learning_rate * gradient / (1 - momentum), "
                             f"{1 / (1 - mu):g} times the plain step.")
    if not np.isfinite(value):
        return failed(title, f"your terminal step is {value}: the steps stay finite. Look for an "
                             "overflow or a division by zero in your loop or formula.")
    for mistake in mistakes:
        if mistake.matches(np.asarray(value)):
            return failed(title, mistake.message)
    # No value hint here: it would give the answer away.
    return failed(title, f"your terminal step is {value:.6g}, which is not the limit. Hint: in the "
                         "limit the step no longer changes, so it solves "
                         "step = momentum * step + learning_rate * gradient; or simulate a few "
                         "hundred steps of velocity = momentum * velocity - learning_rate * gradient.")
