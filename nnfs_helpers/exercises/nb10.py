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
                        not_solved, passed, short, to_array)

__all__ = ["check_momentum_step", "check_terminal_step", "STEP_CASES",
           "TERMINAL_LEARNING_RATE", "TERMINAL_GRADIENT", "TERMINAL_MOMENTUM"]

TIMEOUT = None  # None: checking.DEFAULT_TIMEOUT, the one setting of how long a learner's function may run


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
                           f"{short(returned)} (of type {type(returned).__name__}).")
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
        # A loop stopped too early gives one of the partial sums lr * g * (1 + mu + ... + mu**(k-1)).
        # Only those exact values get this hint: a hint for any value below or above the limit
        # would let a learner find it by halving an interval.
        Mistake(lambda a: any(np.isclose(float(a), first * (1 - mu ** k) / (1 - mu), rtol=1e-6, atol=0)
                              for k in range(3, 200)),
                "That is the length of a step early on, before the velocity has settled: your loop "
                "stopped too soon. Take a few hundred steps, or sum the whole geometric series "
                "1 + momentum + momentum**2 + ..."),
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


# --- Quiz -----------------------------------------------------------------------------------

def quiz():
    """The notebook's quiz (its answers live here, not in the notebook)."""
    from ..quiz import Question, Quiz

    rate, gradient, momentum = 0.1, 2.0, 0.9
    return Quiz([
        Question(
            "What does `Optimizer_SGD(learning_rate=1.0, decay=1e-3, momentum=0.0)` do at each step?",
            ["Nothing at all: with momentum 0 the parameters never move.",
             "Plain gradient descent with the decayed learning rate.",
             "Gradient descent with momentum 0.9, the usual default.",
             "It raises an error, because momentum must be positive."],
            answer=1,
            explanations=["The momentum only scales the old velocity; the new gradient step is still "
                          "taken.",
                          "Right: with mu = 0 the step is just -lr * gradient, and the code takes the "
                          "`else` branch, the update of notebook 09.",
                          "This class's default momentum is 0.0; momentum 0.9 has to be asked for.",
                          "0.0 is the default value, and it means: no momentum."]),
        Question(
            f"The gradient is {gradient:g} at every step, the learning rate {rate:g} and the "
            f"momentum {momentum:g}. How long do the steps become?",
            [f"{rate * gradient:.2f}", f"{rate * gradient * momentum:.2f}",
             f"{rate * gradient / (1 + momentum):.2f}", f"{rate * gradient / (1 - momentum):.2f}"],
            answer=3,
            explanations=["That is the first step (and every step of plain gradient descent).",
                          "Momentum makes steps on a steady slope longer, not shorter.",
                          "lr * g / (1 + mu) is where a gradient that flips sign every step settles.",
                          f"Right: lr * g / (1 - mu) = {rate * gradient:g} / {1 - momentum:.1f}."]),
        Question(
            "In the valley, momentum 0.5 reached the minimum in fewer steps than plain gradient "
            "descent at the same learning rate. Why?",
            ["Along the floor its pushes add up; across, half the last step partly cancels the next.",
             "It doubles the learning rate in every direction, the steep one across the valley included.",
             "It averages the gradient over several points, so each gradient is more accurate.",
             "It remembers where the minimum lies and steers the ball straight towards it."],
            answer=0,
            explanations=["Yes: after 30 steps it was much further along the valley, and it rocked "
                          "less across it than plain gradient descent.",
                          "On a flipping slope momentum shortens the steps (to lr * g / (1 + mu)); a "
                          "doubled rate across the valley would have overshot more, not less.",
                          "Each gradient is computed exactly as before; momentum only changes what is "
                          "done with it.",
                          "The ball only knows its velocity and the slope under it; nothing stores "
                          "where the minimum is."]),
        Question(
            "Why are the velocities stored on each layer (`layer.weight_momentums`) and not on the "
            "optimiser?",
            ["So that they are reset to zero at the start of every new training step.",
             "Layers are read faster than optimisers, and the update runs every step.",
             "Every weight and bias array needs its own velocity, of its own shape.",
             "NumPy arrays cannot be kept as attributes of an optimiser object."],
            answer=2,
            explanations=["The velocity must survive from step to step; resetting it would remove the "
                          "momentum.",
                          "Speed has nothing to do with it.",
                          "Right: one optimiser updates dense1 (2 x 64 weights) and dense2 (64 x 3), "
                          "and each needs a velocity of its own shape.",
                          "Any Python object can hold arrays; this is about one velocity per parameter."]),
        Question(
            "In the valley, the ball with momentum 0.9 rolled past the minimum and back. What causes "
            "that?",
            ["Too little friction: it keeps 90% of its speed, so it needs many steps to slow down.",
             "The learning rate of 0.035 is too small for the ball to stop in time at the minimum.",
             "A bug in the update: a correct momentum step never carries the ball past a minimum.",
             "Near the minimum the gradient points the wrong way and pushes the ball past it."],
            answer=0,
            explanations=["Yes: a momentum near 1 means long memory, which speeds the ball up but also "
                          "lets it overshoot; momentum 0.5 did not overshoot at all.",
                          "A smaller learning rate weakens the pushes, not the friction. Only a much "
                          "smaller one stops the overshoot along the valley: below (1 - sqrt(0.9))**2, "
                          "about 0.0026, the ball creeps in without passing the minimum (it is "
                          "over-damped), but then each push is more than ten times weaker.",
                          "Overshooting is how a ball with little friction behaves; the update is "
                          "right.",
                          "The gradient always points uphill, towards the way back; it is the ball's "
                          "speed that carries it past."]),
        Question(
            "Plain gradient descent with learning rate 10 (the step momentum 0.9 reaches at learning "
            "rate 1 on a steady slope) killed the spiral network. Why did momentum 0.9 survive?",
            ["Its learning rate decays faster than that of plain gradient descent, so it is safer.",
             "Its steps grow long only where the gradients agree, not where they flip sign.",
             "Momentum keeps ReLU neurons alive by adding a small push to every dead one.",
             "It skips every step whose gradient is larger than the velocity it already has."],
            answer=1,
            explanations=["Both used decay 1e-3, computed the same way by the Optimizer base class.",
                          "Right: the long steps build up along steady directions; across the steep "
                          "ones the pushes partly cancel, while plain descent takes the long step "
                          "everywhere.",
                          "A dead ReLU gets zero gradient whatever the optimiser; the velocity of its "
                          "weights only fades away.",
                          "Every step adds the new gradient step to the velocity; nothing is skipped."]),
    ])
