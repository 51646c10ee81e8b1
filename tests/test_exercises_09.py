"""The checks of notebook 09 accept right answers and name the typical mistakes."""

import math

import numpy as np
import pytest

from nnfs_helpers.exercises import nb09


def assert_passes(result):
    assert type(result).__name__ == "CheckResult"
    assert result.passed, result.message
    assert repr(result).startswith("[Correct]")


def assert_fails(result, *words):
    assert type(result).__name__ == "CheckResult"
    assert not result.passed
    assert repr(result).startswith("[Not yet]")
    for word in words:
        assert word.lower() in result.message.lower(), result.message


# --- Exercise 1: decayed_learning_rate ---------------------------------------------------------

@pytest.mark.parametrize("answer", [
    lambda initial, decay, step: initial / (1 + decay * step),
    lambda initial, decay, step: initial * (1.0 + decay * np.asarray(step)) ** -1,
    lambda initial, decay, step: np.divide(initial, np.add(1, np.multiply(decay, step))),
    lambda initial, decay, step: np.float32(initial) / (1 + np.float32(decay) * step),
])
def test_schedule_accepts_right_answers(answer):
    assert_passes(nb09.check_decayed_learning_rate(answer))


def schedule_stub(initial, decay, step):
    ...


def schedule_loop(initial, decay, step):
    return [initial / (1 + decay * t) for t in step]


def schedule_if(initial, decay, step):
    if step == 0:
        return initial
    return initial / (1 + decay * step)


def schedule_math(initial, decay, step):
    return initial / (1 + decay * math.fabs(step))


def schedule_raises(initial, decay, step):
    raise ValueError("boom")


def schedule_forever(initial, decay, step):
    while True:
        pass


@pytest.mark.parametrize("answer, words", [
    (None, ["Not solved yet"]),
    (..., ["Not solved yet"]),
    (schedule_stub, ["Not solved yet"]),
    (lambda i, d, s: i * d * s, ["multiplied by decay * step"]),
    (lambda i, d, s: i * (1 + d * s), ["grows", "divide"]),
    (lambda i, d, s: i / (d * s), ["forgot the `1 +`"]),
    (lambda i, d, s: i / 1 + d * s, ["precedence"]),
    (lambda i, d, s: i * np.exp(-d * s), ["exponential decay"]),
    (lambda i, d, s: i * (1 - d) ** s, ["exponential decay"]),
    (lambda i, d, s: i / (1 + d * (s + 1)), ["off by one"]),
    (lambda i, d, s: i / (1 + d * (s - 1)), ["off by one"]),
    (lambda i, d, s: 1 / (1 + d * s), ["initial learning rate"]),
    (lambda i, d, s: i / (1 + s), ["`decay` argument is missing"]),
    (lambda i, d, s: i * (1 - d * s), ["linear decay"]),
    (lambda i, d, s: i / (1 + d * s[-1]), ["one learning rate per step"]),
    (schedule_loop, ["for one step", "no loop"]),
    (schedule_if, ["works for one step", "array of steps"]),
    (schedule_math, ["works for one step", "math."]),
    (schedule_raises, ["raised ValueError: boom"]),
    (lambda i, d, s: "0.5", ["should be numbers"]),
    (42, ["expected a function"]),
])
def test_schedule_diagnoses_mistakes(answer, words):
    assert_fails(nb09.check_decayed_learning_rate(answer), *words)


def test_schedule_handles_an_endless_loop(monkeypatch):
    monkeypatch.setattr("nnfs_helpers.checking.DEFAULT_TIMEOUT", 0.3)
    real = nb09.call_learner
    monkeypatch.setattr(nb09, "call_learner", lambda *a, **k: real(*a, timeout=0.3, **k))
    assert_fails(nb09.check_decayed_learning_rate(schedule_forever), "did not finish")


def test_schedule_check_prints_no_warning(recwarn):
    nb09.check_decayed_learning_rate(lambda i, d, s: i / (d * s))
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


# --- Exercise 2: milestones ---------------------------------------------------------------------

@pytest.mark.parametrize("half, tenth", [
    (1000, 9000), (1000.0, 9000.0), (1 / 1e-3, 9 / 1e-3), (np.int64(1000), np.float64(9000)),
    (np.array(1000), 9000),
])
def test_milestones_accept_right_answers(half, tenth):
    assert_passes(nb09.check_decay_milestones(half, tenth))


@pytest.mark.parametrize("half, tenth, words", [
    (..., ..., ["Not solved yet", "steps_to_half"]),
    (1000, ..., ["Not solved yet", "steps_to_tenth"]),
    (None, 9000, ["Not solved yet"]),
    (500, 9000, ["decay * t = 0.5"]),
    (693, 9000, ["exponential decay"]),
    (693.147, 9000, ["exponential decay"]),
    (999, 9000, ["off by one"]),
    (1001, 9000, ["off by one"]),
    (2000, 9000, ["a third"]),
    (1000, 10000, ["forgot the 1"]),
    (1000, 2303, ["exponential decay"]),
    (1000, 3322, ["halves again"]),
    (1000, 100, ["decay * t = 0.1"]),
    (1000, 8999, ["off by one"]),
    (1000, 9001, ["off by one"]),
    (1234, 9000, ["solve for t"]),
    ("1000", 9000, ["should be a number"]),
    ([1000], 9000, ["should be a number"]),
    (True, 9000, ["should be a number"]),
    (float("nan"), 9000, ["finite"]),
    (1000, float("inf"), ["finite"]),
])
def test_milestones_diagnose_mistakes(half, tenth, words):
    assert_fails(nb09.check_decay_milestones(half, tenth), *words)


# --- Exercise 4: exponential_learning_rate -------------------------------------------------------

@pytest.mark.parametrize("answer", [
    lambda initial, half_life, step: initial * 0.5 ** (step / half_life),
    lambda initial, half_life, step: initial * np.exp(-np.log(2) * np.asarray(step) / half_life),
    lambda initial, half_life, step: initial * 2.0 ** (-step / half_life),
])
def test_exponential_accepts_right_answers(answer):
    assert_passes(nb09.check_exponential_learning_rate(answer))


def exponential_stub(initial, half_life, step):
    ...


@pytest.mark.parametrize("answer, words", [
    (None, ["Not solved yet"]),
    (exponential_stub, ["Not solved yet"]),
    (lambda i, h, s: i / (1 + s / h), ["1/t schedule"]),
    (lambda i, h, s: i * np.exp(-s / h), ["1/e"]),
    (lambda i, h, s: i * 0.5 ** (s // h), ["step decay"]),
    (lambda i, h, s: i * 0.5 ** np.floor(s / h), ["step decay"]),
    (lambda i, h, s: i * 0.5 ** (h / s), ["upside down"]),
    (lambda i, h, s: 0.5 ** (s / h), ["initial learning rate"]),
    (lambda i, h, s: i * 0.5 ** s, ["every single step"]),
    (lambda i, h, s: i * 0.5 ** (s * h), ["you multiplied"]),
    (lambda i, h, s: i * 0.5 * s / h, ["grows"]),
    (lambda i, h, s: i * 0.5 ** ((s + 1) / h), ["off by one"]),
    (lambda i, h, s: i * math.pow(0.5, s / h), ["works for one step", "array of steps"]),
    (lambda i, h, s: [i * 0.5 ** (t / h) for t in s], ["for one step", "no loop"]),
    (lambda i, h, s: i * 0.5 ** (s / h) * 2, ["wrong values"]),
    (lambda i, h, s: {"rate": 1}, ["should be numbers"]),
])
def test_exponential_diagnoses_mistakes(answer, words):
    assert_fails(nb09.check_exponential_learning_rate(answer), *words)


def test_checks_never_raise_on_odd_answers():
    odd = [0, "text", [1, 2], lambda: 1, lambda *a: np.array([[1, 2], [3, 4]]), lambda *a: [[1], [2, 3]],
           lambda *a: np.nan * np.ones(6), lambda *a: np.inf * np.ones(7)]
    for answer in odd:
        for check in (nb09.check_decayed_learning_rate, nb09.check_exponential_learning_rate):
            assert not check(answer).passed
        assert not nb09.check_decay_milestones(answer, answer).passed


# --- Quiz and the notebook's claims ---------------------------------------------------------------

def test_quiz_answers_are_right_and_explained():
    from nnfs_helpers.exercises import nb09
    quiz = nb09.quiz()
    assert len(quiz.questions) >= 5
    for index, question in enumerate(quiz.questions):
        assert quiz.answer(index, question.answer).startswith("Correct")
    first = quiz.questions[0]
    assert first.options[first.answer] == "0.250"  # 1 / (1 + 1e-3 * 3000)


def test_each_halving_of_1_over_t_decay_takes_twice_as_long_as_the_previous_one():
    decay = 1e-3
    steps = [(2**k - 1) / decay for k in range(0, 6)]  # where the rate is 1 / 2**k
    lengths = np.diff(steps)
    assert np.allclose(lengths[1:] / lengths[:-1], 2)
    # ... and not "as long as all the previous ones together" (that would need 2 * sum).
    assert not np.allclose(lengths[2:], np.cumsum(lengths)[1:-1])


# --- Exercise 3: does decay rescue a fixed rate of 5? --------------------------------------------

WITH_DECAY, WITHOUT_DECAY = np.array([0.90, 0.84, 0.95]), np.array([1.40, 1.10, 1.62])


def _rescue_label(differences, yardstick):
    mean = np.mean(differences)
    return "decay lower" if mean < -2 * yardstick else "no decay lower" if mean > 2 * yardstick else "no clear difference"


def rescue_right(with_decay, without_decay):
    d = with_decay - without_decay
    return _rescue_label(d, np.std(d, ddof=1) / np.sqrt(len(d)))


def rescue_swapped(with_decay, without_decay):
    d = without_decay - with_decay
    return _rescue_label(d, np.std(d, ddof=1) / np.sqrt(len(d)))


def rescue_spread(with_decay, without_decay):
    d = with_decay - without_decay
    return _rescue_label(d, np.std(d, ddof=1))


def rescue_unpaired(with_decay, without_decay):
    return _rescue_label(np.mean(with_decay) - np.mean(without_decay),
                         np.sqrt(np.var(with_decay, ddof=1) / len(with_decay)
                                 + np.var(without_decay, ddof=1) / len(without_decay)))


def test_rescue_right_answer_passes_and_states_the_verdict():
    result = nb09.check_rescue(rescue_right, WITH_DECAY, WITHOUT_DECAY)
    assert result.passed and "decay lower" in result.message, result.message


@pytest.mark.parametrize("answer, phrase", [
    (rescue_swapped, "wrong way round"),
    (rescue_spread, "standard deviation"),
    (rescue_unpaired, "independent samples"),
    (lambda a, b: "decay lower", "test case 3"),
])
def test_rescue_mistakes_are_named(answer, phrase):
    result = nb09.check_rescue(answer, WITH_DECAY, WITHOUT_DECAY)
    assert not result.passed and phrase in result.message, result.message


def test_rescue_checks_the_learners_own_runs():
    def copied(with_decay, without_decay):
        if np.array_equal(with_decay, WITH_DECAY):
            return "no clear difference"
        return rescue_right(with_decay, without_decay)
    result = nb09.check_rescue(copied, WITH_DECAY, WITHOUT_DECAY)
    assert not result.passed and "your runs" in result.message, result.message


@pytest.mark.parametrize("answer", [lambda a, b: ..., lambda a, b: None, lambda a, b: 1 / 0,
                                    lambda a, b: ("decay lower",), lambda a, b: "better", ..., 5])
def test_rescue_never_raises_and_stubs_do_not_pass(answer):
    result = nb09.check_rescue(answer, WITH_DECAY, WITHOUT_DECAY)
    assert type(result).__name__ == "CheckResult" and not result.passed


@pytest.mark.parametrize("runs", [(None, WITHOUT_DECAY), ([1.0], [1.0]), (WITH_DECAY, WITHOUT_DECAY[:2]), ("a", "b")])
def test_rescue_bad_runs_are_reported(runs):
    result = nb09.check_rescue(rescue_right, *runs)
    assert not result.passed and "second and third arguments" in result.message
