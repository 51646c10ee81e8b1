"""The checks of notebook 13 accept right answers and name the typical mistakes."""

import numpy as np
import pytest

from nnfs_helpers.exercises import nb13
from nnfs_helpers.exercises.nb13 import check_early_stopping, check_regularization_gradient

from check_results import verdict


@pytest.fixture(autouse=True)
def short_timeout(monkeypatch):
    monkeypatch.setattr(nb13, "TIMEOUT", 0.5)


# --- Exercise 1 ------------------------------------------------------------------------------

def book_style(weights, l1, l2):
    """The book's version: +1 where w >= 0, -1 elsewhere, then the two terms."""
    dl1 = np.ones_like(weights)
    dl1[weights < 0] = -1
    return l1 * dl1 + 2 * l2 * weights


@pytest.mark.parametrize("answer", [
    lambda w, l1, l2: l1 * np.sign(w) + 2 * l2 * w,
    book_style,
    lambda w, l1, l2: (l1 * np.where(w > 0, 1.0, -1.0) + l2 * 2 * w).tolist(),
    lambda w, l1, l2: l1 * w / np.abs(w) + 2 * l2 * w,
])
def test_right_gradients_pass(answer):
    assert verdict(check_regularization_gradient(answer))[0]


@pytest.mark.parametrize("answer, phrase", [
    (lambda w, l1, l2: l1 * np.sign(w) + l2 * w, "missing its factor 2"),
    (lambda w, l1, l2: -l1 * np.sign(w) + 2 * l2 * w, "wrong way"),
    (lambda w, l1, l2: -(l1 * np.sign(w) + 2 * l2 * w), "Both parts have the wrong sign"),
    (lambda w, l1, l2: l1 * w + 2 * l2 * w, "derivative of a square"),
    (lambda w, l1, l2: l1 + 2 * l2 * w, "forgot the sign"),
    (lambda w, l1, l2: l1 * np.abs(w) + 2 * l2 * w, "the penalty itself"),
    (lambda w, l1, l2: l1 * np.sign(w) + l2 * w ** 2, "the penalty itself"),
    (lambda w, l1, l2: 2 * l2 * w, "L1 part is missing"),
    (lambda w, l1, l2: l1 * np.sign(w), "L2 part is missing"),
    (lambda w, l1, l2: float(np.sum(l1 * np.sign(w) + 2 * l2 * w)), "one number"),
])
def test_typical_gradient_mistakes_are_named(answer, phrase):
    passed, message = verdict(check_regularization_gradient(answer))
    assert not passed and phrase in message


def test_the_stub_is_not_solved_yet():
    assert "Not solved yet" in verdict(check_regularization_gradient(lambda w, l1, l2: ...))[1]
    assert "Not solved yet" in verdict(check_early_stopping(lambda losses, patience: (..., ...)))[1]


# --- Exercise 2 ------------------------------------------------------------------------------

def stopping_loop(losses, patience):
    best = 0
    for epoch, loss in enumerate(losses):
        if loss < losses[best]:
            best = epoch
        if epoch - best >= patience:
            return best, epoch
    return best, len(losses) - 1


def stopping_counter(losses, patience):
    """Counting the epochs without improvement, as frameworks do."""
    best_loss, best, waited = float("inf"), 0, 0
    for epoch, loss in enumerate(losses):
        if loss < best_loss:
            best_loss, best, waited = loss, epoch, 0
        else:
            waited += 1
        if waited == patience:
            return [best, epoch]
    return np.array([best, len(losses) - 1])


@pytest.mark.parametrize("answer", [stopping_loop, stopping_counter])
def test_right_early_stopping_passes(answer):
    assert verdict(check_early_stopping(answer))[0]


def future_argmin(losses, patience):
    best, stop = stopping_loop(losses, patience)
    return int(np.argmin(losses)), stop


def off_by_one(losses, patience):
    return stopping_loop(losses, patience + 1)


def ties_improve(losses, patience):
    best = 0
    for epoch, loss in enumerate(losses):
        if loss <= losses[best]:
            best = epoch
        if epoch - best >= patience:
            return best, epoch
    return best, len(losses) - 1


def since_last_rise(losses, patience):
    """Stops after `patience` epochs that were each worse than the epoch before."""
    best, rises = 0, 0
    for epoch in range(1, len(losses)):
        if losses[epoch] < losses[best]:
            best = epoch
        rises = rises + 1 if losses[epoch] > losses[epoch - 1] else 0
        if rises >= patience or epoch - best >= patience:
            return best, epoch - (rises >= patience and epoch - best < patience)
    return best, len(losses) - 1


# The mistake, as the check's own module writes it (counting since the last decrease).
since_last_decrease = nb13._since_last_decrease


def test_counting_from_the_last_decrease_is_refused():
    assert since_last_decrease([1.0, .5, .6, .55, .58, .57, .59], 3) == (1, 6)
    passed, message = verdict(check_early_stopping(since_last_decrease))
    assert not passed and "since the loss last went down" in message, message


def never_stops(losses, patience):
    return stopping_loop(losses, 10 ** 6)


def highest(losses, patience):
    return int(np.argmax(losses)), len(losses) - 1


@pytest.mark.parametrize("answer, phrase", [
    (future_argmin, "looks into the future"),
    (off_by_one, "off by one"),
    (ties_improve, "A tie is not an improvement"),
    (never_stops, "It never stopped"),
    (highest, "lowest loss, not the highest"),
    (lambda losses, patience: 3, "two indices"),
    (lambda losses, patience: (1.5, 2), "whole-number"),
])
def test_typical_stopping_mistakes_are_named(answer, phrase):
    passed, message = verdict(check_early_stopping(answer))
    assert not passed and phrase in message, message


def test_a_learner_who_changes_the_list_is_still_judged_on_the_original():
    def pops(losses, patience):
        result = stopping_loop(losses, patience)
        losses.clear()
        return result
    assert verdict(check_early_stopping(pops))[0]


def test_quiz_has_one_explained_right_answer_per_question():
    quiz = nb13.quiz()
    assert len(quiz.questions) >= 4
    assert len({q.answer for q in quiz.questions}) >= 3
    for question in quiz.questions:
        assert all(text.strip() for text in question.explanations)


# --- Exercise 2: choose the strength on validation --------------------------------------------

SWEEP = {0.0: np.array([[1.2, 0.70], [1.3, 0.72], [1.25, 0.73]]),
         5e-4: np.array([[0.7, 0.78], [0.75, 0.79], [0.72, 0.77]]),
         5e-3: np.array([[0.8, 0.70], [0.76, 0.69], [0.75, 0.70]])}


def choose_right(sweep):
    best = min(sweep, key=lambda strength: sweep[strength][:, 0].mean())
    differences = sweep[best][:, 0] - sweep[0.0][:, 0]
    se = np.std(differences, ddof=1) / np.sqrt(len(differences))
    return best, bool(np.mean(differences) < -2 * se)


def choose_unpaired(sweep):
    best = min(sweep, key=lambda strength: sweep[strength][:, 0].mean())
    a, b = sweep[best][:, 0], sweep[0.0][:, 0]
    se = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    return best, bool(np.mean(a - b) < -2 * se)


def choose_by_accuracy(sweep):
    best = max(sweep, key=lambda strength: sweep[strength][:, 1].mean())
    return best, True


def choose_highest_loss(sweep):
    return max(sweep, key=lambda strength: sweep[strength][:, 0].mean()), False


def choose_always_clear(sweep):
    return choose_right(sweep)[0], True


def test_choose_strength_right_answer_passes_on_the_learners_sweep():
    passed, message = verdict(nb13.check_choose_strength(choose_right, SWEEP))
    assert passed and "0.0005" in message, message


@pytest.mark.parametrize("answer, phrase", [
    (choose_unpaired, "independent samples"),
    (choose_by_accuracy, "validation accuracy"),
    (choose_highest_loss, "highest validation loss"),
    (choose_always_clear, "cannot be clearly better than itself"),
    (lambda sweep: 5e-4, "two things"),
    (lambda sweep: (1e-9, True), "not one of the strengths"),
    (lambda sweep: sweep["missing"], "KeyError"),
])
def test_choose_strength_mistakes_are_named(answer, phrase):
    passed, message = verdict(nb13.check_choose_strength(answer, SWEEP))
    assert not passed and phrase in message, message


def test_choose_strength_stub_and_missing_sweep():
    def stub(sweep):
        ...
    passed, message = verdict(nb13.check_choose_strength(stub, SWEEP))
    assert not passed and "Not solved yet" in message
    passed, message = verdict(nb13.check_choose_strength(choose_right, None))
    assert not passed and "sweep" in message
