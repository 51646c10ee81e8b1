"""The checks of notebook 05 accept right answers and name the typical mistakes."""

import math

import numpy as np
import pytest

from nnfs_helpers.checking import NOT_SOLVED, CheckResult
from nnfs_helpers.exercises.nb05 import (
    ACCURACY_BATCH, ACCURACY_TARGETS, LOSS_BATCH, LOSS_TARGETS, SURE_BATCH, SURE_TARGETS, ZERO_BATCH,
    ZERO_TARGETS, check_accuracy, check_batch_cross_entropy,
)
from nnfs_helpers.exercises.nb05 import (  # the checks' own references: private, tested here
    _reference_accuracy as reference_accuracy, _reference_cross_entropy as reference_cross_entropy,
)
from nnfs_helpers.network import Loss_CategoricalCrossentropy, accuracy


def verdict(result):
    assert isinstance(result, CheckResult)
    return result.passed, result.message


# --- references -----------------------------------------------------------------------------

def test_reference_cross_entropy_matches_the_taught_class():
    loss = Loss_CategoricalCrossentropy()
    for batch, targets in ((LOSS_BATCH, LOSS_TARGETS), (ZERO_BATCH, ZERO_TARGETS), (SURE_BATCH, SURE_TARGETS)):
        expected = loss.calculate(np.array(batch), np.array(targets))
        assert reference_cross_entropy(batch, targets) == pytest.approx(float(expected), rel=1e-9)


def test_reference_cross_entropy_known_values():
    assert reference_cross_entropy([[0.7, 0.1, 0.2]], [0]) == pytest.approx(-math.log(0.7))
    assert reference_cross_entropy(ZERO_BATCH, ZERO_TARGETS) == pytest.approx((-math.log(1e-7) - math.log(0.8)) / 2)
    assert reference_cross_entropy(SURE_BATCH, SURE_TARGETS) == pytest.approx(-math.log(1 - 1e-7))


def test_reference_accuracy_matches_the_taught_function():
    p = np.array(ACCURACY_BATCH)
    y = np.array(ACCURACY_TARGETS)
    assert reference_accuracy(p, y) == pytest.approx(2 / 3)
    assert reference_accuracy(p, np.eye(3)[y]) == pytest.approx(2 / 3)
    assert reference_accuracy(p, y) == accuracy(p, y) == accuracy(p, np.eye(3)[y])


# --- Exercise 1: batch cross-entropy --------------------------------------------------------------

def right_loss(predictions, class_targets):
    clipped = np.clip(predictions, 1e-7, 1 - 1e-7)
    return np.mean(-np.log(clipped[np.arange(len(clipped)), class_targets]))


def looped_loss(predictions, class_targets):  # plain Python, returns a float
    total = 0.0
    for row, target in zip(predictions, class_targets):
        total -= math.log(min(max(row[target], 1e-7), 1 - 1e-7))
    return total / len(predictions)


def class_loss(predictions, class_targets):  # the taught class
    return Loss_CategoricalCrossentropy().calculate(predictions, class_targets)


def float32_loss(predictions, class_targets):
    return right_loss(np.asarray(predictions, dtype=np.float32), class_targets)


def list_loss(predictions, class_targets):  # returns a one-element list
    return [float(right_loss(predictions, class_targets))]


@pytest.mark.parametrize("func", [right_loss, looped_loss, class_loss, float32_loss])
def test_loss_accepts_right_answers(func):
    ok, message = verdict(check_batch_cross_entropy(func))
    assert ok, message


def test_loss_stub_and_nothing_are_not_solved():
    def stub(predictions, class_targets):
        ...

    def not_written(predictions, class_targets):
        raise NotImplementedError

    for answer in (None, Ellipsis, stub, not_written, lambda p, y: ...):
        ok, message = verdict(check_batch_cross_entropy(answer))
        assert not ok and message.startswith(NOT_SOLVED), message


def no_clipping(predictions, class_targets):
    return np.mean(-np.log(predictions[np.arange(len(predictions)), class_targets]))


def low_end_only(predictions, class_targets):
    clipped = np.clip(predictions, 1e-7, None)
    return np.mean(-np.log(clipped[np.arange(len(clipped)), class_targets]))


def adds_epsilon(predictions, class_targets):
    return np.mean(-np.log(predictions[np.arange(len(predictions)), class_targets] + 1e-7))


def other_epsilon(predictions, class_targets):
    clipped = np.clip(predictions, 1e-12, 1 - 1e-12)
    return np.mean(-np.log(clipped[np.arange(len(clipped)), class_targets]))


def positive_sign(predictions, class_targets):
    clipped = np.clip(predictions, 1e-7, 1 - 1e-7)
    return np.mean(np.log(clipped[np.arange(len(clipped)), class_targets]))


def summed(predictions, class_targets):
    clipped = np.clip(predictions, 1e-7, 1 - 1e-7)
    return np.sum(-np.log(clipped[np.arange(len(clipped)), class_targets]))


def max_confidence(predictions, class_targets):
    clipped = np.clip(predictions, 1e-7, 1 - 1e-7)
    return np.mean(-np.log(np.max(clipped, axis=1)))


def whole_columns(predictions, class_targets):
    clipped = np.clip(predictions, 1e-7, 1 - 1e-7)
    return np.mean(-np.log(clipped[:, class_targets]))


def every_entry(predictions, class_targets):
    return np.mean(-np.log(np.clip(predictions, 1e-7, 1 - 1e-7)))


def log10(predictions, class_targets):
    clipped = np.clip(predictions, 1e-7, 1 - 1e-7)
    return np.mean(-np.log10(clipped[np.arange(len(clipped)), class_targets]))


def log2(predictions, class_targets):
    clipped = np.clip(predictions, 1e-7, 1 - 1e-7)
    return np.mean(-np.log2(clipped[np.arange(len(clipped)), class_targets]))


def per_sample(predictions, class_targets):
    clipped = np.clip(predictions, 1e-7, 1 - 1e-7)
    return -np.log(clipped[np.arange(len(clipped)), class_targets])


def no_log(predictions, class_targets):
    clipped = np.clip(predictions, 1e-7, 1 - 1e-7)
    return np.mean(clipped[np.arange(len(clipped)), class_targets])


@pytest.mark.parametrize("func, words", [
    (no_clipping, "np.clip(predictions, 1e-7, 1 - 1e-7)"),
    (low_end_only, "Clip the top end too"),
    (adds_epsilon, "Adding 1e-7"),
    (other_epsilon, "exactly [1e-7, 1 - 1e-7]"),
    (positive_sign, "MINUS the log"),
    (summed, "mean"),
    (max_confidence, "TRUE class"),
    (whole_columns, "whole columns"),
    (every_entry, "every probability"),
    (log10, "np.log10"),
    (log2, "np.log2"),
    (per_sample, "one loss per sample"),
    (no_log, "-np.log"),
])
def test_loss_names_the_mistake(func, words):
    ok, message = verdict(check_batch_cross_entropy(func))
    assert not ok
    assert words in message, message


def test_no_clipping_says_infinite():
    ok, message = verdict(check_batch_cross_entropy(no_clipping))
    assert not ok and "infinite" in message and "inf" in message


def test_loss_survives_bad_answers():
    def raises(p, y):
        raise ValueError("boom")

    def loops_forever(p, y):
        while True:
            pass

    for func, words in [(raises, "ValueError: boom"), (lambda p, y: "one", "str"),
                        (lambda p, y: np.zeros((2, 2)), "shape"), (lambda p, y: [[1, 2], [3]], "could not be read"),
                        (5, "expected a function"), (lambda p, y: np.nan, "NaN")]:
        ok, message = verdict(check_batch_cross_entropy(func))
        assert not ok and words in message, message


def test_loss_check_does_not_change_the_learners_view_of_numpy_warnings():
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        check_batch_cross_entropy(no_clipping)
    assert not caught


# --- Exercise 2: accuracy -----------------------------------------------------------------

def right_accuracy(predictions, targets):
    if targets.ndim == 2:
        targets = np.argmax(targets, axis=1)
    return np.mean(np.argmax(predictions, axis=1) == targets)


def looped_accuracy(predictions, targets):
    hits = 0
    for row, target in zip(predictions, targets):
        if np.ndim(target) == 1:
            target = list(target).index(max(target))
        hits += int(list(row).index(max(row)) == target)
    return hits / len(predictions)


@pytest.mark.parametrize("func", [right_accuracy, looped_accuracy, accuracy])
def test_accuracy_accepts_right_answers(func):
    ok, message = verdict(check_accuracy(func))
    assert ok, message


def test_accuracy_stub_is_not_solved():
    def stub(predictions, targets):
        ...

    for answer in (None, stub, lambda p, y: ...):
        ok, message = verdict(check_accuracy(answer))
        assert not ok and message.startswith(NOT_SOLVED), message


def axis_zero(predictions, targets):
    if targets.ndim == 2:
        targets = np.argmax(targets, axis=1)
    return np.mean(np.argmax(predictions, axis=0) == targets)


def probabilities_with_labels(predictions, targets):
    return np.mean(predictions == targets)


def max_with_labels(predictions, targets):
    if targets.ndim == 2:
        targets = np.argmax(targets, axis=1)
    return np.mean(np.max(predictions, axis=1) == targets)


def not_converted(predictions, targets):
    return np.mean(np.argmax(predictions, axis=1) == targets)


def counted(predictions, targets):
    if targets.ndim == 2:
        targets = np.argmax(targets, axis=1)
    return np.sum(np.argmax(predictions, axis=1) == targets)


def percent(predictions, targets):
    return 100 * right_accuracy(predictions, targets)


def booleans(predictions, targets):
    if targets.ndim == 2:
        targets = np.argmax(targets, axis=1)
    return np.argmax(predictions, axis=1) == targets


def converted_over_axis_zero(predictions, targets):  # right on the square one-hot batch only
    if targets.ndim == 2:
        targets = np.argmax(targets, axis=0)
    return np.mean(np.argmax(predictions, axis=1) == targets)


@pytest.mark.parametrize("func, words", [
    (axis_zero, "axis=0"),
    (probabilities_with_labels, "compared the probabilities"),
    (max_with_labels, "compared the probabilities"),
    (not_converted, "one-hot"),
    (counted, "counted"),
    (percent, "percentage"),
    (booleans, "True/False"),
])
def test_accuracy_names_the_mistake(func, words):
    ok, message = verdict(check_accuracy(func))
    assert not ok
    assert words in message, message


def test_accuracy_checks_both_formats_and_a_non_square_batch():
    ok, message = verdict(check_accuracy(converted_over_axis_zero))
    assert not ok and "5 samples with one-hot" in message and "np.argmax(targets, axis=1)" in message, message

    def square_only(predictions, targets):  # right on 3 samples, wrong shape handling on 5
        if len(predictions) != 3:
            raise ValueError("operands could not be broadcast together with shapes (3,) (5,)")
        return right_accuracy(predictions, targets)

    ok, message = verdict(check_accuracy(square_only))
    assert not ok and "5 samples" in message and "axis=1" in message, message


def test_accuracy_survives_bad_answers():
    def raises(p, y):
        raise RuntimeError("nope")

    for func, words in [(raises, "RuntimeError: nope"), (lambda p, y: {"a": 1}, "dict"),
                        (lambda p, y: np.zeros((3, 3)), "shape"), ("accuracy", "expected a function")]:
        ok, message = verdict(check_accuracy(func))
        assert not ok and words in message, message


# --- The gradient-descent preview and the quiz ---------------------------------------------

from nnfs.datasets import spiral_data  # noqa: E402

from nnfs_helpers import setup  # noqa: E402
from nnfs_helpers.exercises.nb05 import gradient_descent_preview, quiz  # noqa: E402


def spiral():
    setup()
    return spiral_data(samples=30, classes=3)


def test_the_preview_records_one_loss_and_accuracy_after_each_step_and_reports_the_last(capsys):
    X, y = spiral()
    history = gradient_descent_preview(X, y, hidden=16, steps=200, report_at=(1, 10))
    out = capsys.readouterr().out
    assert len(history["loss"]) == len(history["accuracy"]) == 200
    assert "step      1:" in out and "step     10:" in out and "step    200:" in out
    assert history["loss"][-1] < history["loss"][0] < np.log(3) + 0.01
    assert np.all((0 <= history["accuracy"]) & (history["accuracy"] <= 1))


def test_the_preview_is_reproducible_after_setup(capsys):
    runs = []
    for _ in range(2):
        X, y = spiral()
        runs.append(gradient_descent_preview(X, y, hidden=8, steps=20)["loss"])
    assert np.array_equal(*runs)


@pytest.mark.parametrize("kwargs, words", [
    ({"hidden": 0}, "hidden must be a positive whole number"),
    ({"steps": 2.5}, "steps must be a positive whole number"),
    ({"learning_rate": -1.0}, "learning_rate must be a positive number"),
])
def test_the_preview_explains_bad_arguments(kwargs, words):
    X, y = spiral()
    with pytest.raises(ValueError, match=words):
        gradient_descent_preview(X, y, **kwargs)


def test_the_preview_explains_bad_data():
    with pytest.raises(ValueError, match=r"shape \(samples, 2\)"):
        gradient_descent_preview(np.zeros((5, 3)), np.zeros(5, dtype=int))


def test_the_quiz_has_one_right_option_per_question_and_varied_positions():
    questions = quiz().questions
    assert len(questions) >= 5
    assert len({q.answer for q in questions}) >= 3
    for q in questions:
        assert q.feedback(q.answer).startswith("Correct")
        assert all(q.feedback(i).startswith("Not quite") for i in range(len(q.options)) if i != q.answer)


def test_the_quiz_does_not_credit_the_upper_clip_with_the_lower_clips_work():
    clip = next(q for q in quiz().questions if "1 - 1e-7" in q.prompt)
    right = clip.options[clip.answer]
    assert "finite" not in right and "negative" not in right and "1e-7" in right


from nnfs_helpers.exercises import nb05  # noqa: E402


# --- The error rate: diagnosed as such (the earlier check blamed argmax over axis=0) --------------

def test_accuracy_diagnoses_the_error_rate():
    def error_rate(predictions, targets):
        if targets.ndim == 2:
            targets = np.argmax(targets, axis=1)
        return np.mean(np.argmax(predictions, axis=1) != targets)
    result = nb05.check_accuracy(error_rate)
    assert not result.passed
    assert "error rate" in result.message and "axis=0" not in result.message, result.message


def test_accuracy_still_diagnoses_argmax_over_axis_0():
    def axis_0(predictions, targets):
        if targets.ndim == 2:
            targets = np.argmax(targets, axis=1)
        return np.mean(np.argmax(predictions, axis=0) == targets)
    result = nb05.check_accuracy(axis_0)
    assert not result.passed
    assert "axis=0" in result.message, result.message
