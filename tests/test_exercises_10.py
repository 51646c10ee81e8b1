"""The checks of notebook 10 accept right answers and name the typical mistakes."""

import numpy as np
import pytest

from nnfs_helpers.exercises import nb10
from nnfs_helpers.exercises.nb10 import check_momentum_step, check_terminal_step

from check_results import verdict


@pytest.fixture(autouse=True)
def short_timeout(monkeypatch):
    monkeypatch.setattr(nb10, "TIMEOUT", 0.5)


# --- Exercise 1: momentum_step ------------------------------------------------------------------

def step_right(params, velocity, grad, learning_rate, momentum):
    velocity = momentum * velocity - learning_rate * grad
    return params + velocity, velocity


def step_in_place(params, velocity, grad, learning_rate, momentum):
    velocity *= momentum
    velocity -= learning_rate * grad
    params += velocity
    return params, velocity


def step_as_list(params, velocity, grad, learning_rate, momentum):
    new_velocity = momentum * velocity - learning_rate * grad
    return [(params + new_velocity).tolist(), new_velocity.tolist()]


def step_float32(params, velocity, grad, learning_rate, momentum):
    params, velocity, grad = (a.astype(np.float32) for a in (params, velocity, grad))
    return step_right(params, velocity, grad, learning_rate, momentum)


@pytest.mark.parametrize("answer", [step_right, step_in_place, step_as_list, step_float32])
def test_momentum_step_accepts_right_answers(answer):
    ok, message = verdict(check_momentum_step(answer))
    assert ok, message


def step_stub(params, velocity, grad, learning_rate, momentum):
    ...


def step_unchanged(params, velocity, grad, learning_rate, momentum):
    return params, velocity


def step_adds_gradient(params, velocity, grad, learning_rate, momentum):
    velocity = momentum * velocity + learning_rate * grad
    return params + velocity, velocity


def step_uphill_velocity(params, velocity, grad, learning_rate, momentum):
    velocity = momentum * velocity + learning_rate * grad
    return params - velocity, velocity


def step_old_velocity(params, velocity, grad, learning_rate, momentum):
    return params + momentum * velocity - learning_rate * grad, velocity


def step_no_momentum(params, velocity, grad, learning_rate, momentum):
    velocity = -learning_rate * grad
    return params + velocity, velocity


def step_plain_params(params, velocity, grad, learning_rate, momentum):
    return params - learning_rate * grad, momentum * velocity - learning_rate * grad


def step_lr_everywhere(params, velocity, grad, learning_rate, momentum):
    velocity = learning_rate * (momentum * velocity - grad)
    return params + velocity, velocity


def step_params_only(params, velocity, grad, learning_rate, momentum):
    velocity = momentum * velocity - learning_rate * grad
    return params + velocity


def step_velocity_only(params, velocity, grad, learning_rate, momentum):
    return momentum * velocity - learning_rate * grad


def step_update_first(params, velocity, grad, learning_rate, momentum):
    params = params + velocity
    velocity = momentum * velocity - learning_rate * grad
    return params, velocity


def step_momentum_last(params, velocity, grad, learning_rate, momentum):
    velocity = momentum * (velocity - learning_rate * grad)
    return params + velocity, velocity


def step_moving_average(params, velocity, grad, learning_rate, momentum):
    velocity = momentum * velocity - learning_rate * (1 - momentum) * grad
    return params + velocity, velocity


def step_pytorch(params, velocity, grad, learning_rate, momentum):
    velocity = momentum * velocity + grad
    return params - learning_rate * velocity, velocity


def step_never_forgets(params, velocity, grad, learning_rate, momentum):
    velocity = velocity - learning_rate * grad
    return params + velocity, velocity


def step_swapped(params, velocity, grad, learning_rate, momentum):
    velocity = momentum * velocity - learning_rate * grad
    return velocity, params + velocity


def step_subtracts_velocity(params, velocity, grad, learning_rate, momentum):
    velocity = momentum * velocity - learning_rate * grad
    return params - velocity, velocity


def step_three_values(params, velocity, grad, learning_rate, momentum):
    velocity = momentum * velocity - learning_rate * grad
    return params + velocity, velocity, grad


def step_returns_none(params, velocity, grad, learning_rate, momentum):
    velocity = momentum * velocity - learning_rate * grad
    params = params + velocity


def step_raises(params, velocity, grad, learning_rate, momentum):
    raise NameError("name 'v' is not defined")


def step_forever(params, velocity, grad, learning_rate, momentum):
    while True:
        pass


def step_text(params, velocity, grad, learning_rate, momentum):
    return "params", "velocity"


def step_wrong_values(params, velocity, grad, learning_rate, momentum):
    velocity = momentum * velocity - learning_rate * grad
    return params + velocity + 1.0, velocity


def step_scalar(params, velocity, grad, learning_rate, momentum):
    return 0.0, 0.0


@pytest.mark.parametrize("answer, words", [
    (None, "Not solved yet"),
    (..., "Not solved yet"),
    (step_stub, "Not solved yet"),
    (step_unchanged, "Not solved yet"),
    (step_returns_none, "Not solved yet"),
    (step_adds_gradient, "Wrong sign"),
    (step_uphill_velocity, "points uphill"),
    (step_old_velocity, "returned the old velocity"),
    (step_no_momentum, "plain gradient descent"),
    (step_plain_params, "plain gradient step"),
    (step_lr_everywhere, "old velocity by the learning rate"),
    (step_params_only, "only the new parameters"),
    (step_velocity_only, "only the new velocity"),
    (step_update_first, "momentum came after the update"),
    (step_momentum_last, "after adding the gradient step"),
    (step_moving_average, "(1 - momentum)"),
    (step_pytorch, "PyTorch"),
    (step_never_forgets, "never forgets"),
    (step_swapped, "swap them"),
    (step_subtracts_velocity, "subtracted it"),
    (step_three_values, "returned 3"),
    (step_raises, "raised NameError"),
    (step_forever, "did not finish"),
    (step_text, "should be numbers"),
    (step_wrong_values, "wrong values"),
    (step_scalar, "shape"),
    (42, "expected a function"),
])
def test_momentum_step_diagnoses_mistakes(answer, words):
    ok, message = verdict(check_momentum_step(answer))
    assert not ok
    assert words in message, message


def test_momentum_step_mistakes_are_distinguishable():
    """Every listed slip gives a different (params, velocity) from the right answer and each other."""
    for p, v, g, lr, mu in nb10.STEP_CASES:
        outcomes = [nb10._right(p, v, g, lr, mu)] + [wrong(p, v, g, lr, mu) for wrong, _ in nb10._STEP_MISTAKES]
        flat = [np.concatenate([np.ravel(a), np.ravel(b)]) for a, b in outcomes]
        for i in range(len(flat)):
            for j in range(i + 1, len(flat)):
                assert not np.allclose(flat[i], flat[j], rtol=1e-4, atol=1e-7), (i, j)


def test_momentum_step_leaves_the_cases_alone():
    before = [tuple(np.copy(a) for a in case[:3]) for case in nb10.STEP_CASES]
    check_momentum_step(step_in_place)
    for case, saved in zip(nb10.STEP_CASES, before):
        for array, copy in zip(case[:3], saved):
            assert np.array_equal(array, copy)


# --- Exercise 2: terminal step ------------------------------------------------------------------

LR, G, MU = nb10.TERMINAL_LEARNING_RATE, nb10.TERMINAL_GRADIENT, nb10.TERMINAL_MOMENTUM


def simulated(steps):
    velocity = 0.0
    for _ in range(steps):
        velocity = MU * velocity - LR * G
    return abs(velocity)


@pytest.mark.parametrize("answer", [
    LR * G / (1 - MU), 0.3, np.float32(0.3), np.array(0.3), [0.3], simulated(100), simulated(1000),
])
def test_terminal_step_accepts_right_answers(answer):
    ok, message = verdict(check_terminal_step(answer))
    assert ok, message


@pytest.mark.parametrize("answer, words", [
    (None, "Not solved yet"),
    (..., "Not solved yet"),
    (-0.3, "positive"),
    (LR * G, "first step"),
    (LR * G * MU, "multiplied"),
    (LR * G / MU, "divided by the momentum"),
    (LR * G * (1 + MU), "second step"),
    (LR * G / (1 + MU), "alternating"),
    (LR * G * MU / (1 - MU), "left out the newest"),
    (LR * G / (1 - MU) ** 2, "twice"),
    (LR * G * (1 - MU), "multiplied by (1 - momentum)"),
    (G / (1 - MU), "forgot the learning rate"),
    (simulated(10), "stopped too soon"),
    (simulated(3), "stopped too soon"),
    (0.5, "not the limit"),
    (0.001, "not the limit"),
    (float("inf"), "finite"),
    ("0.3", "should be numbers"),
    ([0.1, 0.2], "one number"),
    (True, "should be a number"),
    (lambda: 0.3, "not a function"),
])
def test_terminal_step_diagnoses_mistakes(answer, words):
    ok, message = verdict(check_terminal_step(answer))
    assert not ok
    assert words in message, message


def test_terminal_step_feedback_gives_no_direction_to_bisect_by():
    """Any number that is not a recognised mistake gets the same message, below or above the limit,
    so the feedback cannot be used to halve an interval around the answer."""
    probes = [0.1, 0.2, 0.25, 0.29, 0.299, 0.301, 0.31, 0.35, 0.5, 1.0]
    messages = set()
    for probe in probes:
        ok, message = verdict(check_terminal_step(probe))
        assert not ok
        messages.add(message.replace(f"{probe:.6g}", "<value>"))
    assert len(messages) == 1, messages


# --- Quiz and the notebook's claims ---------------------------------------------------------------

def test_quiz_answers_are_right_and_explained():
    from nnfs_helpers.exercises import nb10
    quiz = nb10.quiz()
    assert len(quiz.questions) >= 5
    for index, question in enumerate(quiz.questions):
        assert quiz.answer(index, question.answer).startswith("Correct")


def _along_the_valley(learning_rate, momentum, steps=20000):
    """x of the heavy ball on f = x**2 / 2 from x = -10 at rest (the valley's gentle direction)."""
    x, velocity, path = -10.0, 0.0, []
    for _ in range(steps):
        velocity = momentum * velocity - learning_rate * x
        x += velocity
        path.append(x)
    return np.array(path)


def test_a_small_enough_learning_rate_removes_the_overshoot_of_momentum_0_9():
    # Quiz explanation: below (1 - sqrt(0.9))**2, about 0.0026, the ball is over-damped.
    threshold = (1 - np.sqrt(0.9)) ** 2
    assert 0.0026 < threshold < 0.0027
    assert _along_the_valley(0.0026, 0.9).max() < 1e-12  # never passes the minimum
    assert _along_the_valley(0.0027, 0.9).max() > 1e-9  # passes it (only just)
    assert _along_the_valley(0.035, 0.9).max() > 1  # the notebook's rate: under-damped
    assert _along_the_valley(0.035, 0.5).max() < 1e-12  # momentum 0.5 never overshoots there
