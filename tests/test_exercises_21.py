"""The checks of notebook 21 accept right answers and name the typical mistakes."""

import math

import numpy as np
import pytest

from nnfs_helpers.exercises import nb21
from nnfs_helpers.exercises.nb21 import check_step_matrix, check_warmup_cosine, check_weight_after

from check_results import verdict


@pytest.fixture(autouse=True)
def short_timeout(monkeypatch):
    monkeypatch.setattr(nb21, "TIMEOUT", 0.5)


# --- Exercise 1 ------------------------------------------------------------------------------

def step_by_step(w0, learning_rate, weight_decay, steps, decay=0.0):
    """Run the optimiser's arithmetic: Adam's step is 0, then the shrink of each step."""
    weight = w0
    for t in range(steps):
        rate = learning_rate / (1 + decay * t)
        weight -= rate * weight_decay * weight
    return weight


@pytest.mark.parametrize("answer", [
    step_by_step,
    lambda w0, lr, wd, k, decay=0.0: w0 * np.prod(1 - wd * lr / (1 + decay * np.arange(k))),
    lambda w0, lr, wd, k, decay=0.0: [w0 * math.prod(1 - wd * lr / (1 + decay * t) for t in range(k))],
])
def test_right_weights_pass(answer):
    assert verdict(check_weight_after(answer))[0]


def rates(lr, k, decay, first=0):
    return lr / (1 + decay * np.arange(first, first + k))


@pytest.mark.parametrize("answer, phrase", [
    (lambda w0, lr, wd, k, decay=0.0: w0 * (1 - wd * rates(lr, k, decay).sum()), "factors multiply"),
    (lambda w0, lr, wd, k, decay=0.0: w0 * np.prod(1 - wd * rates(1.0, k, decay)), "learning rate is missing"),
    (lambda w0, lr, wd, k, decay=0.0: w0 * np.prod(1 - 2 * wd * rates(lr, k, decay)), "factor 2"),
    (lambda w0, lr, wd, k, decay=0.0: w0 * np.exp(-wd * rates(lr, k, decay).sum()), "exponential"),
    (lambda w0, lr, wd, k, decay=0.0: w0 * np.prod(1 - wd * rates(lr, k - 1, decay)), "One step too few"),
    (lambda w0, lr, wd, k, decay=0.0: w0 * np.prod(1 - wd * rates(lr, k + 1, decay)), "One step too many"),
    (lambda w0, lr, wd, k, decay=0.0: step_by_step(w0, lr, wd, k, decay) - np.sign(w0) * lr * k, "Adam's step"),
    (lambda w0, lr, wd, k, decay=0.0: w0 * (1 - lr * wd) ** k, "ignores `decay`"),
    (lambda w0, lr, wd, k, decay=0.0: w0 * np.prod(1 - wd * rates(lr, k, decay, first=1)), "from t = 1"),
    (lambda w0, lr, wd, k, decay=0.0: np.full(k, w0), "one number"),
])
def test_typical_weight_mistakes_are_named(answer, phrase):
    passed, message = verdict(check_weight_after(answer))
    assert not passed and phrase in message


@pytest.mark.parametrize("answer", [
    lambda *args: None, lambda *args: "0.5", lambda *args: 1 / 0, lambda: 1.0, None, 3.0,
    lambda *args: float("nan"), lambda *args: {"w": 1.0},
])
def test_weight_checks_survive_wrong_types(answer):
    passed, message = verdict(check_weight_after(answer))
    assert not passed and message


# --- Exercise 2 ------------------------------------------------------------------------------

def right_schedule(epoch, peak, warmup, total):
    if epoch < warmup:
        return peak * (epoch + 1) / warmup
    return peak * 0.5 * (1 + math.cos(math.pi * (epoch - warmup) / (total - warmup)))


def with_decay(rule):
    def schedule(epoch, peak, warmup, total):
        if epoch < warmup:
            return peak * (epoch + 1) / warmup
        return rule(epoch, peak, warmup, total)
    return schedule


@pytest.mark.parametrize("answer", [
    right_schedule,
    lambda e, p, w, t: np.array([right_schedule(e, p, w, t)]),
    lambda e, p, w, t: min(p * (e + 1) / w, p * (1 + np.cos(np.pi * max(e - w, 0) / (t - w))) / 2),
])
def test_right_schedules_pass(answer):
    assert verdict(check_warmup_cosine(answer))[0]


@pytest.mark.parametrize("answer, phrase", [
    (lambda e, p, w, t: p * e / w if e < w else right_schedule(e, p, w, t), "starts at rate 0"),
    (with_decay(lambda e, p, w, t: p * 0.5 * (1 + math.cos(math.pi * e / t))), "counted from epoch 0"),
    (with_decay(lambda e, p, w, t: p * 0.5 * (1 + math.cos(math.pi * (e - w) / t))), "length of the descent"),
    (with_decay(lambda e, p, w, t: p * math.cos(math.pi * (e - w) / (t - w))), "negative"),
    (with_decay(lambda e, p, w, t: p * math.cos(0.5 * math.pi * (e - w) / (t - w))), "quarter cosine"),
    (with_decay(lambda e, p, w, t: p * 0.5 * (1 + math.cos(math.pi * (e - w) / (t - w - 1)))), "total - warmup - 1"),
    (lambda e, p, w, t: p * 0.5 * (1 + math.cos(math.pi * e / t)), "warm-up is missing"),
    (lambda e, p, w, t: [right_schedule(e, p, w, t)] * 2, "one number"),
])
def test_typical_schedule_mistakes_are_named(answer, phrase):
    passed, message = verdict(check_warmup_cosine(answer))
    assert not passed and phrase in message


@pytest.mark.parametrize("answer", [
    lambda *args: None, lambda *args: "0.1", lambda *args: 1 / 0, lambda e: 0.1, None,
    lambda *args: float("inf"), lambda e, p, w, t: right_schedule(e, p, w, t) if e < 5 else None,
])
def test_schedule_checks_survive_wrong_types(answer):
    passed, message = verdict(check_warmup_cosine(answer))
    assert not passed and message


def test_the_schedule_pass_message_does_not_give_the_half_peak_epoch():
    passed, message = verdict(check_warmup_cosine(right_schedule))
    half = next(e for e in range(10, 150) if right_schedule(e, 1.0, 10, 150) <= 0.5)
    assert passed and str(half) not in message


# --- Exercise 3 ------------------------------------------------------------------------------

def phi_form(rate, h, mu, nesterov):
    """(w, v), with w the stored look-ahead point for Nesterov."""
    a = rate * h
    if nesterov:
        return np.array([[1 - a * (1 + mu), mu * mu], [-a, mu]])
    return np.array([[1 - a, mu], [-a, mu]])


def textbook_form(rate, h, mu, nesterov):
    """(v, theta) in that order, Nesterov in the textbook's coordinates: the same roots."""
    a = rate * h
    if nesterov:
        return [[mu * (1 - a), -a], [mu * (1 - a), 1 - a]]
    return [[mu, -a], [mu, 1 - a]]


def by_simulation(rate, h, mu, nesterov):
    """Columns: one step of the written-out update from (1, 0) and from (0, 1)."""
    def step(w, v):
        v_new = mu * v - rate * h * w
        return (w + mu * v_new - rate * h * w, v_new) if nesterov else (w + v_new, v_new)
    return np.array([step(1.0, 0.0), step(0.0, 1.0)]).T


@pytest.mark.parametrize("answer", [phi_form, textbook_form, by_simulation])
def test_right_matrices_pass(answer):
    assert verdict(check_step_matrix(answer))[0]


@pytest.mark.parametrize("answer, phrase", [
    (lambda r, h, mu, n: np.array([[1, 1], [-r * h, mu]]), "old velocity"),
    (lambda r, h, mu, n: phi_form(-r, h, mu, n), "A sign"),
    (lambda r, h, mu, n: phi_form(r, h, mu, False), "plain momentum"),
    (lambda r, h, mu, n: phi_form(r, h, mu, True), "Nesterov's matrix"),
    (lambda r, h, mu, n: phi_form(r, h, mu, n) if not n else np.array([[1 - r * h * (1 + mu), mu], [-r * h, mu]]),
     "mu * mu"),
    (lambda r, h, mu, n: phi_form(r, h, mu, n) if not n else np.array([[1 - r * h, mu * mu], [-r * h, mu]]),
     "1 - rate * h * (1 + mu)"),
    (lambda r, h, mu, n: np.eye(3), "2x2"),
    (lambda r, h, mu, n: np.eye(2), "trace and determinant"),
])
def test_typical_matrix_mistakes_are_named(answer, phrase):
    passed, message = verdict(check_step_matrix(answer))
    assert not passed and phrase in message


@pytest.mark.parametrize("answer", [
    lambda *args: None, lambda *args: "0.5", lambda *args: 1 / 0, lambda: np.eye(2), None, 3.0,
    lambda *args: np.full((2, 2), np.nan), lambda *args: [[1, 2], [3]], lambda *args: 1.0,
])
def test_matrix_checks_survive_wrong_types(answer):
    passed, message = verdict(check_step_matrix(answer))
    assert not passed and message


def test_the_stubs_are_not_solved_yet():
    assert "Not solved yet" in verdict(check_weight_after(lambda w0, lr, wd, k, decay=0.0: ...))[1]
    assert "Not solved yet" in verdict(check_warmup_cosine(lambda e, p, w, t: ...))[1]
    assert "Not solved yet" in verdict(check_step_matrix(lambda r, h, mu, n: ...))[1]
