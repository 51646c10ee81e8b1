"""The checks of notebook 11 accept right answers and name the typical mistakes."""

import numpy as np
import pytest

from nnfs_helpers.exercises import nb11
from nnfs_helpers.exercises.nb11 import check_adam_step, check_first_step_sizes, check_rmsprop_cache

from check_results import verdict


@pytest.fixture(autouse=True)
def short_timeout(monkeypatch):
    monkeypatch.setattr(nb11, "TIMEOUT", 0.5)


def loops_forever(*args, **kwargs):
    while True:
        pass


def raises(*args, **kwargs):
    raise ValueError("boom")


# --- Exercise 1: rmsprop_cache ---------------------------------------------------------------

def cache_right(cache, grad, rho):
    return rho * cache + (1 - rho) * grad ** 2


def cache_in_place(cache, grad, rho):
    cache *= rho
    cache += (1 - rho) * np.square(grad)
    return cache


def cache_as_list(cache, grad, rho):
    return (rho * cache + (1 - rho) * grad * grad).tolist()


@pytest.mark.parametrize("answer", [cache_right, cache_in_place, cache_as_list])
def test_rmsprop_cache_accepts_right_answers(answer):
    ok, message = verdict(check_rmsprop_cache(answer))
    assert ok, message


def cache_stub(cache, grad, rho):
    return ...


def cache_no_return(cache, grad, rho):
    cache = rho * cache + (1 - rho) * grad ** 2


@pytest.mark.parametrize("answer, words", [
    (None, "Not solved yet"),
    (cache_stub, "Not solved yet"),
    (cache_no_return, "Not solved yet"),
    (lambda cache, grad, rho: rho * cache + (1 - rho) * grad, "forgot to square"),
    (lambda cache, grad, rho: rho * cache + (1 - rho) * abs(grad), "absolute gradient"),
    (lambda cache, grad, rho: cache + grad ** 2, "AdaGrad"),
    (lambda cache, grad, rho: (1 - rho) * cache + rho * grad ** 2, "swapped"),
    (lambda cache, grad, rho: rho * cache + grad ** 2, "(1 - rho)"),
    (lambda cache, grad, rho: (1 - rho) * grad ** 2, "dropped the old cache"),
    (lambda cache, grad, rho: rho * cache ** 2 + (1 - rho) * grad ** 2, "squared the old cache"),
    (lambda cache, grad, rho: (rho * cache + (1 - rho) * grad) ** 2, "squared the whole average"),
    (lambda cache, grad, rho: np.sqrt(rho * cache + (1 - rho) * grad ** 2), "square root"),
    (lambda cache, grad, rho: 0.9 * cache + 0.1 * grad ** 2, "always uses rho = 0.9"),
    (lambda cache, grad, rho: (rho * cache + (1 - rho) * grad ** 2)[0], "shape"),
    (lambda cache, grad, rho: "cache", "should be numbers"),
    (raises, "raised ValueError: boom"),
    (loops_forever, "did not finish"),
    (42, "expected a function"),
])
def test_rmsprop_cache_diagnoses_mistakes(answer, words):
    ok, message = verdict(check_rmsprop_cache(answer))
    assert not ok
    assert words in message, message


# --- Exercise 2: adam_step -------------------------------------------------------------------

def adam_right(param, grad, m, v, t, lr, beta_1, beta_2, epsilon):
    m = beta_1 * m + (1 - beta_1) * grad
    v = beta_2 * v + (1 - beta_2) * grad ** 2
    m_hat = m / (1 - beta_1 ** t)
    v_hat = v / (1 - beta_2 ** t)
    param = param - lr * m_hat / (np.sqrt(v_hat) + epsilon)
    return param, m, v


def adam_in_place(param, grad, m, v, t, lr, beta_1, beta_2, epsilon):
    m *= beta_1
    m += (1 - beta_1) * grad
    v *= beta_2
    v += (1 - beta_2) * grad * grad
    param -= lr * (m / (1 - beta_1 ** t)) / (np.sqrt(v / (1 - beta_2 ** t)) + epsilon)
    return [param, m, v]


def adam_other_names(p, g, first, second, step, rate, b1, b2, eps):
    return adam_right(p, g, first, second, step, rate, b1, b2, eps)


@pytest.mark.parametrize("answer", [adam_right, adam_in_place, adam_other_names])
def test_adam_step_accepts_right_answers(answer):
    ok, message = verdict(check_adam_step(answer))
    assert ok, message


def adam_with(**switches):
    def answer(param, grad, m, v, t, lr, beta_1, beta_2, epsilon):
        return nb11._adam_reference(param, grad, m, v, t, lr, beta_1, beta_2, epsilon, **switches)
    return answer


def adam_template(param, grad, m, v, t, lr, beta_1, beta_2, epsilon):
    m = ...
    v = ...
    return param, m, v


def adam_unchanged(param, grad, m, v, t, lr, beta_1, beta_2, epsilon):
    return param, m, v


def adam_t_from_zero(param, grad, m, v, t, lr, beta_1, beta_2, epsilon):
    return adam_right(param, grad, m, v, t - 1, lr, beta_1, beta_2, epsilon)


def adam_returns_corrected(param, grad, m, v, t, lr, beta_1, beta_2, epsilon):
    param, m, v = adam_right(param, grad, m, v, t, lr, beta_1, beta_2, epsilon)
    return param, m / (1 - beta_1 ** t), v


def adam_returns_corrected_v(param, grad, m, v, t, lr, beta_1, beta_2, epsilon):
    param, m, v = adam_right(param, grad, m, v, t, lr, beta_1, beta_2, epsilon)
    return param, m, v / (1 - beta_2 ** t)


def adam_returns_param_only(param, grad, m, v, t, lr, beta_1, beta_2, epsilon):
    return adam_right(param, grad, m, v, t, lr, beta_1, beta_2, epsilon)[0]


def adam_returns_two(param, grad, m, v, t, lr, beta_1, beta_2, epsilon):
    return adam_right(param, grad, m, v, t, lr, beta_1, beta_2, epsilon)[:2]


def adam_sgd(param, grad, m, v, t, lr, beta_1, beta_2, epsilon):
    _, m, v = adam_right(param, grad, m, v, t, lr, beta_1, beta_2, epsilon)
    return param - lr * grad, m, v


def adam_default_betas(param, grad, m, v, t, lr, beta_1, beta_2, epsilon):
    return adam_right(param, grad, m, v, t, lr, 0.9, 0.999, epsilon)


def adam_returns_none(param, grad, m, v, t, lr, beta_1, beta_2, epsilon):
    adam_right(param, grad, m, v, t, lr, beta_1, beta_2, epsilon)


@pytest.mark.parametrize("answer, words", [
    (None, "Not solved yet"),
    (adam_template, "Not solved yet"),
    (adam_unchanged, "Not solved yet"),
    (adam_returns_none, "Not solved yet"),
    (adam_with(correct_m=False, correct_v=False), "No bias correction"),
    (adam_with(correct_v=False), "corrected m but not v"),
    (adam_with(correct_m=False), "corrected v but not m"),
    (adam_t_from_zero, "t - 1"),
    (adam_with(t_offset=1), "t + 1"),
    (adam_with(square=False), "squared"),
    (adam_with(epsilon_inside=True), "outside the square root"),
    (adam_with(sign=1.0), "Wrong sign"),
    (adam_with(swap_betas=True), "swapped"),
    (adam_with(swap_corrections=True), "corrections are swapped"),
    (adam_with(no_lr=True), "learning rate"),
    (adam_with(no_sqrt=True), "square root"),
    (adam_with(no_epsilon=True), "Add epsilon"),
    (adam_with(m_without_share=True), "(1 - beta_1)"),
    (adam_returns_corrected, "bias-corrected m"),
    (adam_returns_corrected_v, "bias-corrected v"),
    (adam_returns_param_only, "returned a ndarray"),
    (adam_returns_two, "returned 2 values"),
    (adam_sgd, "plain gradient-descent"),
    (adam_default_betas, "beta_1=0.8"),
    # The slips of the bias correction that used to get only a generic message:
    (adam_with(step_fixed=1), "that of the first step"),
    (adam_with(linear_m=True, linear_v=True), "not `1 - beta * t`"),
    (adam_with(linear_v=True), "not `1 - beta * t`"),
    (adam_with(linear_m=True), "not `1 - beta_1 * t`"),
    (adam_with(v_corrected_with_beta_1=True), "its own beta"),
    (adam_with(old_v_in_step=True), "previous step's"),
    (raises, "raised ValueError: boom"),
    (loops_forever, "did not finish"),
    ("adam", "expected a function"),
])
def test_adam_step_diagnoses_mistakes(answer, words):
    ok, message = verdict(check_adam_step(answer))
    assert not ok
    assert words in message, message


# --- Exercise 3: first_step_sizes ------------------------------------------------------------

def first_steps(**switches):
    g = np.array(nb11.FIRST_STEP_GRADIENTS)
    zeros = np.zeros_like(g)
    settings = nb11.FIRST_STEP_SETTINGS
    new, _, _ = nb11._adam_reference(zeros, g, zeros, zeros, 1, settings["lr"], settings["beta_1"],
                                     settings["beta_2"], settings["epsilon"], **switches)
    return -new


@pytest.mark.parametrize("answer", [first_steps(), first_steps().astype(np.float32), list(first_steps()),
                                    [0.049995, 0.05, 0.05]])
def test_first_step_sizes_accepts_right_answers(answer):
    ok, message = verdict(check_first_step_sizes(answer))
    assert ok, message


@pytest.mark.parametrize("answer, words", [
    (..., "Not solved yet"),
    (None, "Not solved yet"),
    (first_steps(correct_m=False, correct_v=False), "Without bias correction"),
    ([0.158, 0.158, 0.158], "Without bias correction"),
    (first_steps(correct_v=False), "corrected m but not v"),
    (first_steps(correct_m=False), "corrected v but not m"),
    (first_steps(epsilon_inside=True), "outside the square root"),
    (-first_steps(), "absolute value"),
    ([0.05 * 0.001, 0.05, 50.0], "plain gradient descent"),
    ([1.0, 1.0, 1.0], "divided by the learning rate"),
    (0.05, "one size per gradient"),
    ([0.05, 0.05], "shape"),
    ("0.05", "should be numbers"),
    ([0.1, 0.2, 0.3], "wrong values"),
    # lr typed in three times is the rounded answer, not the computed one.
    ([0.05, 0.05, 0.05], "exactly lr"),
    (np.full(3, 0.05, dtype=np.float32), "exactly lr"),
])
def test_first_step_sizes_diagnoses_mistakes(answer, words):
    ok, message = verdict(check_first_step_sizes(answer))
    assert not ok
    assert words in message, message


def test_checks_leave_global_random_state_alone():
    state = np.random.get_state()[1].copy()
    check_rmsprop_cache(cache_right)
    check_adam_step(adam_right)
    check_first_step_sizes([0.05, 0.05, 0.05])
    assert np.array_equal(np.random.get_state()[1], state)


def test_quiz_right_answers_vary_and_are_not_the_longest_by_habit():
    questions = nb11.quiz().questions
    assert len({q.answer for q in questions}) >= 3
    longest = [q for q in questions
               if len(q.options[q.answer]) > max(len(o) for i, o in enumerate(q.options) if i != q.answer)]
    assert len(longest) <= len(questions) / 3


def test_quiz_first_question_compares_effective_rates_not_plain_descent():
    """REVIEW: Q1 mixed a relative comparison (smaller gradients than the others) with an absolute
    one (longer than plain gradient descent). It now compares two parameters' effective rates."""
    first = nb11.quiz().questions[0]
    assert "effective learning rates" in first.prompt
    assert not any("plain gradient descent" in option for option in first.options)
