"""The checks of notebook 17 accept right answers and name the typical mistakes."""

import numpy as np
import pytest

from nnfs_helpers.exercises import nb17
from nnfs_helpers.exercises.nb17 import check_count_dead, check_init_scales


@pytest.fixture(autouse=True)
def short_timeout(monkeypatch):
    monkeypatch.setattr(nb17, "TIMEOUT", 2.0)


def verdict(result):
    assert type(result).__name__ == "CheckResult"
    return result.passed, result.message


def he(n_in, n_out):
    return np.sqrt(2 / n_in)


def xavier(n_in, n_out):
    return np.sqrt(2 / (n_in + n_out))


# --- Exercise 1 ------------------------------------------------------------------------------

@pytest.mark.parametrize("he_std, xavier_std", [
    (he, xavier),
    (lambda n_in, n_out: (2 / n_in) ** 0.5, lambda n_in, n_out: 1 / np.sqrt((n_in + n_out) / 2)),
    (lambda n_in, n_out: np.array([np.sqrt(2.0 / n_in)]), lambda n_in, n_out: float(np.sqrt(2 / (n_in + n_out)))),
    (lambda n_in, n_out: np.float32(np.sqrt(2 / n_in)), xavier),
])
def test_right_scales_pass(he_std, xavier_std):
    assert verdict(check_init_scales(he_std, xavier_std))[0]


@pytest.mark.parametrize("he_std, xavier_std, phrase", [
    (lambda n_in, n_out: 2 / n_in, xavier, "variance 2 / n_inputs"),
    (lambda n_in, n_out: np.sqrt(1 / n_in), xavier, "halves the signal"),
    (lambda n_in, n_out: np.sqrt(2 / n_out), xavier, "it uses n_neurons"),
    (lambda n_in, n_out: np.sqrt(2 / (n_in + n_out)), xavier, "Xavier/Glorot scale"),
    (lambda n_in, n_out: np.sqrt(2) / n_in, xavier, "whole fraction"),
    (he, lambda n_in, n_out: 2 / (n_in + n_out), "variance 2 / (n_inputs + n_neurons)"),
    (he, lambda n_in, n_out: np.sqrt(6 / (n_in + n_out)), "uniform form"),
    (he, lambda n_in, n_out: np.sqrt(1 / (n_in + n_out)), "the 2 is missing"),
    (he, lambda n_in, n_out: np.sqrt(2 / n_in), "that is the He scale"),
    (he, lambda n_in, n_out: np.sqrt(1 / n_in), "n_inputs alone"),
    (lambda n_in, n_out: 0.01, xavier, "compare your formula"),
    (lambda n_in, n_out: 0.01 * np.random.randn(n_in, n_out), xavier, "not the weights themselves"),
])
def test_typical_scale_mistakes_are_named(he_std, xavier_std, phrase):
    passed, message = verdict(check_init_scales(he_std, xavier_std))
    assert not passed and phrase in message, message


# --- Exercise 2 ------------------------------------------------------------------------------

@pytest.mark.parametrize("answer", [
    lambda out: int(np.sum(np.all(out == 0, axis=0))),
    lambda out: np.sum(out.max(axis=0) == 0),
    lambda out: sum(1 for column in out.T if not column.any()),
    lambda out: float(np.count_nonzero(~np.any(out > 0, axis=0))),
    lambda out: np.array([np.sum(np.all(out <= 0, axis=0))]),
])
def test_right_counts_pass(answer):
    assert verdict(check_count_dead(answer))[0]


@pytest.mark.parametrize("answer, phrase", [
    (lambda out: np.sum(np.all(out == 0, axis=1)), "axis=1"),
    (lambda out: np.sum(out == 0), "counts every zero output"),
    (lambda out: np.sum(np.any(out == 0, axis=0)), "Use np.all, not np.any"),
    (lambda out: np.sum(np.any(out > 0, axis=0)), "still alive"),
    (lambda out: np.mean(np.all(out == 0, axis=0)), "fraction of dead neurons"),
    (lambda out: np.mean(out == 0), "fraction of zero outputs"),
    (lambda out: np.all(out == 0, axis=0), "one value per neuron"),
    (lambda out: np.all(out == 0, axis=1), "one value per sample"),
    (lambda out: 5, "a column that is 0 in every row"),
])
def test_typical_count_mistakes_are_named(answer, phrase):
    passed, message = verdict(check_count_dead(answer))
    assert not passed and phrase in message, message


def test_the_stubs_are_not_solved_yet():
    assert "Not solved yet" in verdict(check_init_scales(lambda a, b: ..., lambda a, b: ...))[1]
    assert "Not solved yet" in verdict(check_count_dead(lambda out: ...))[1]


def test_the_checks_leave_the_global_random_state_alone():
    np.random.seed(5)
    expected = np.random.rand(3)
    np.random.seed(5)
    check_init_scales(he, xavier)
    check_count_dead(lambda out: int(np.sum(np.all(out == 0, axis=0))))
    assert np.array_equal(np.random.rand(3), expected)


def test_quiz_has_one_explained_right_answer_per_question():
    quiz = nb17.quiz()
    assert len(quiz.questions) >= 4 and len({q.answer for q in quiz.questions}) >= 3
