"""The checks of notebook 04 accept right answers and name the typical mistakes."""

import numpy as np
import pytest

from nnfs_helpers.checking import NOT_SOLVED, CheckResult
from nnfs_helpers.exercises.nb04 import (
    HUGE_BATCH, MIXED_BATCH, SOFTMAX_BATCH, SPREAD_BATCH, check_logits_for, check_softmax, quiz,
    _reference_softmax as reference_softmax,
)


def verdict(result):
    assert isinstance(result, CheckResult)
    return result.passed, result.message


# --- reference ------------------------------------------------------------------------------

def test_reference_softmax_rows_sum_to_one_and_stay_finite():
    for batch in (SOFTMAX_BATCH, HUGE_BATCH, SPREAD_BATCH, MIXED_BATCH):
        p = reference_softmax(batch)
        assert np.isfinite(p).all()
        assert np.allclose(p.sum(axis=1), 1.0)
    assert np.allclose(reference_softmax(MIXED_BATCH)[0], reference_softmax(MIXED_BATCH)[1])


# --- Exercise 1: batch softmax ----------------------------------------------------------------

def right_softmax(logits):
    exp_values = np.exp(logits - np.max(logits, axis=1, keepdims=True))
    return exp_values / np.sum(exp_values, axis=1, keepdims=True)


def looped_softmax(logits):  # a different but correct way: one row at a time, returns a list
    rows = []
    for row in logits:
        exps = [np.exp(v - max(row)) for v in row]
        rows.append([e / sum(exps) for e in exps])
    return rows


def in_place_softmax(logits):  # changes its input; the check passes copies
    logits -= logits.max(axis=1, keepdims=True)
    np.exp(logits, out=logits)
    logits /= logits.sum(axis=1, keepdims=True)
    return logits


def float32_softmax(logits):
    return right_softmax(np.asarray(logits, dtype=np.float32))


@pytest.mark.parametrize("func", [right_softmax, looped_softmax, in_place_softmax, float32_softmax])
def test_softmax_accepts_right_answers(func):
    ok, message = verdict(check_softmax(func))
    assert ok, message


def test_softmax_stub_and_nothing_are_not_solved():
    for answer in (None, Ellipsis, lambda z: ..., lambda z: None):
        ok, message = verdict(check_softmax(answer))
        assert not ok and message.startswith(NOT_SOLVED)

    def not_written(z):
        raise NotImplementedError

    assert check_softmax(not_written).message.startswith(NOT_SOLVED)


def no_keepdims_sum(z):
    e = np.exp(z - np.max(z, axis=1, keepdims=True))
    return e / np.sum(e, axis=1)


def no_keepdims_sum_no_shift(z):
    e = np.exp(z)
    return e / np.sum(e, axis=1)


def no_keepdims_max(z):
    e = np.exp(z - np.max(z, axis=1))
    return e / np.sum(e, axis=1, keepdims=True)


def no_keepdims_anywhere(z):
    e = np.exp(z - np.max(z, axis=1))
    return e / np.sum(e, axis=1)


def no_shift(z):
    e = np.exp(z)
    return e / np.sum(e, axis=1, keepdims=True)


def global_max(z):
    e = np.exp(z - np.max(z))
    return e / np.sum(e, axis=1, keepdims=True)


def column_max(z):
    e = np.exp(z - np.max(z, axis=0, keepdims=True))
    return e / np.sum(e, axis=1, keepdims=True)


def wrong_axis(z):
    e = np.exp(z - np.max(z, axis=1, keepdims=True))
    return e / np.sum(e, axis=0, keepdims=True)


def wrong_axis_no_shift(z):
    e = np.exp(z)
    return e / np.sum(e, axis=0, keepdims=True)


def whole_batch_sum(z):  # a softmax for one vector, used on a batch
    e = np.exp(z - np.max(z))
    return e / np.sum(e)


def not_normalised(z):
    return np.exp(z - np.max(z, axis=1, keepdims=True))


def not_normalised_no_shift(z):
    return np.exp(z)


def one_per_row(z):
    return np.max(right_softmax(z), axis=1)


@pytest.mark.parametrize("func, words", [
    (no_keepdims_sum, "keepdims"),
    (no_keepdims_sum_no_shift, "keepdims"),
    (no_keepdims_max, "keepdims"),
    (no_keepdims_anywhere, "keepdims"),
    (no_shift, "overflow"),
    (global_max, "global maximum"),
    (global_max, "0 / 0"),
    (column_max, "each column"),
    (wrong_axis, "axis=0"),
    (wrong_axis_no_shift, "axis=0"),
    (whole_batch_sum, "whole batch"),
    (not_normalised, "exponentiated values"),
    (not_normalised_no_shift, "exponentiated values"),
    (one_per_row, "one number per row"),
])
def test_softmax_names_the_mistake(func, words):
    ok, message = verdict(check_softmax(func))
    assert not ok
    assert words in message, message


def test_missing_keepdims_on_a_non_square_batch_explains_the_broadcast_error():
    # A learner whose code only fails on the non-square batch (it is right on square batches).
    def square_only(z):
        if z.shape[0] == z.shape[1]:
            return right_softmax(z)
        return no_keepdims_sum(z)

    ok, message = verdict(check_softmax(square_only))
    assert not ok
    assert "broadcast" in message and "keepdims=True" in message


@pytest.mark.parametrize("answer", [
    lambda z: "probabilities",
    lambda z: 0.5,
    lambda z: [[1, 2], [3]],
    lambda z: {"a": 1},
    lambda z: np.full(np.shape(z), np.nan),
    lambda z: np.full(np.shape(z), np.inf),
    lambda z: right_softmax(z).T,
    lambda z: right_softmax(z)[:, :2],
    lambda z: 1 / 0,
    lambda z: z.nonexistent,
    42,
    "softmax",
    np.array([1.0, 2.0]),
])
def test_softmax_never_raises(answer):
    ok, message = verdict(check_softmax(answer))
    assert not ok and message


def test_softmax_check_does_not_change_the_shared_batches():
    before = [list(row) for row in SOFTMAX_BATCH], [list(row) for row in HUGE_BATCH]
    check_softmax(in_place_softmax)
    assert ([list(row) for row in SOFTMAX_BATCH], [list(row) for row in HUGE_BATCH]) == before


def test_softmax_check_shows_no_warnings(recwarn):
    check_softmax(no_shift)
    check_softmax(global_max)
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


# --- Exercise 2: logits from probabilities -----------------------------------------------------

@pytest.mark.parametrize("func", [
    np.log,
    lambda p: np.log(p) + 5.0,
    lambda p: np.log(p) - np.log(p).max(),
    lambda p: [float(np.log(v)) for v in p],
])
def test_logits_accepts_right_answers(func):
    ok, message = verdict(check_logits_for(func))
    assert ok, message


def test_logits_stub_is_not_solved():
    for answer in (None, lambda p: ..., lambda p: None):
        ok, message = verdict(check_logits_for(answer))
        assert not ok and message.startswith(NOT_SOLVED)


@pytest.mark.parametrize("func, words", [
    (lambda p: p, "probabilities themselves"),
    (np.exp, "np.log"),
    (lambda p: -np.log(p), "sign"),
    (np.log10, "np.log10"),
    (np.log2, "np.log2"),
    (lambda p: np.log(p) / np.sum(np.log(p)), "need not be normalised"),
    (lambda p: np.log(p)[:2], "shape"),
    (lambda p: np.log(p - 0.25), "NaN or infinity"),
    (lambda p: 2 * np.log(p), "softmax of"),
])
def test_logits_names_the_mistake(func, words):
    ok, message = verdict(check_logits_for(func))
    assert not ok
    assert words in message, message


@pytest.mark.parametrize("answer", [
    lambda p: "logits", lambda p: 1 / 0, lambda p: np.nan, lambda p: [[1, 2], [3]], 3.0,
])
def test_logits_never_raises(answer):
    ok, message = verdict(check_logits_for(answer))
    assert not ok and message


# --- Shifts by something other than each row's maximum (a loophole closed) ---------------------

def shifted_by(shift):
    def softmax(z):
        e = np.exp(z - shift(z))
        return e / np.sum(e, axis=1, keepdims=True)
    return softmax


row_min = shifted_by(lambda z: np.min(z, axis=1, keepdims=True))
row_mean = shifted_by(lambda z: np.mean(z, axis=1, keepdims=True))
row_median = shifted_by(lambda z: np.median(z, axis=1, keepdims=True))
global_min = shifted_by(lambda z: np.min(z))
global_mean = shifted_by(lambda z: np.mean(z))


def test_the_old_batches_could_not_tell_these_shifts_from_the_maximum():
    """Why SPREAD_BATCH exists: on every other batch these wrong shifts give the right numbers."""
    for batch in (SOFTMAX_BATCH, HUGE_BATCH, MIXED_BATCH):
        z = np.array(batch)
        for func in (row_min, row_mean):
            with np.errstate(all="ignore"):
                assert np.allclose(func(z), reference_softmax(z))
    with np.errstate(all="ignore"):
        assert not np.isfinite(row_min(np.array(SPREAD_BATCH))).all()
        assert not np.isfinite(row_mean(np.array(SPREAD_BATCH))).all()


@pytest.mark.parametrize("func, words", [
    (row_min, "each row's minimum"),
    (row_mean, "each row's mean"),
    (global_min, "the minimum of the whole batch"),
    (global_mean, "the mean of the whole batch"),
    (row_median, "below each row's maximum"),  # named as the batch mean: the same NaNs
])
def test_softmax_rejects_shifts_other_than_the_row_maximum_and_names_them(func, words):
    ok, message = verdict(check_softmax(func))
    assert not ok
    assert words in message and "overflow" in message and "large spread" in message, message


def test_the_spread_check_shows_no_warnings(recwarn):
    check_softmax(row_min)
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_a_correct_shift_by_the_row_maximum_plus_a_constant_is_accepted():
    ok, message = verdict(check_softmax(shifted_by(lambda z: np.max(z, axis=1, keepdims=True) - 3.0)))
    assert ok, message


def test_the_quiz_has_one_right_option_per_question_and_varied_positions():
    questions = quiz().questions
    assert len(questions) >= 5
    assert len({q.answer for q in questions}) >= 3
    for q in questions:
        assert q.feedback(q.answer).startswith("Correct")
        assert all(q.feedback(i).startswith("Not quite") for i in range(len(q.options)) if i != q.answer)
