"""The checks of notebook 19 accept right answers and name the typical mistakes."""

import numpy as np
import pytest

from nnfs_helpers.exercises import nb19
from nnfs_helpers.exercises.nb19 import check_confusion_matrix, check_split_data


@pytest.fixture(autouse=True)
def short_timeout(monkeypatch):
    monkeypatch.setattr(nb19, "TIMEOUT", 0.5)


def verdict(result):
    assert type(result).__name__ == "CheckResult"
    return result.passed, result.message


# --- Exercise 1: split_data ---------------------------------------------------------------------

def split_right(X, y, n_validation, n_test, seed):
    order = np.random.default_rng(seed).permutation(len(X))
    test, val, train = order[:n_test], order[n_test:n_test + n_validation], order[n_test + n_validation:]
    return X[train], y[train], X[val], y[val], X[test], y[test]


def split_with_legacy_seed(X, y, n_validation, n_test, seed):
    np.random.seed(seed)
    order = np.random.permutation(len(X))
    X, y = X[order], y[order]
    n_train = len(X) - n_validation - n_test
    return (X[:n_train], y[:n_train], X[n_train:n_train + n_validation], y[n_train:n_train + n_validation],
            X[n_train + n_validation:], y[n_train + n_validation:])


def split_as_lists(X, y, n_validation, n_test, seed):
    return [part.tolist() for part in split_right(X, y, n_validation, n_test, seed)]


@pytest.mark.parametrize("answer", [split_right, split_with_legacy_seed, split_as_lists])
def test_split_accepts_right_answers(answer):
    ok, message = verdict(check_split_data(answer))
    assert ok, message


def split_unshuffled(X, y, n_validation, n_test, seed):
    n_train = len(X) - n_validation - n_test
    return (X[:n_train], y[:n_train], X[n_train:n_train + n_validation], y[n_train:n_train + n_validation],
            X[n_train + n_validation:], y[n_train + n_validation:])


def split_two_permutations(X, y, n_validation, n_test, seed):
    rng = np.random.default_rng(seed)
    X, y = X[rng.permutation(len(X))], y[rng.permutation(len(y))]
    return split_unshuffled(X, y, n_validation, n_test, seed)


def split_overlapping(X, y, n_validation, n_test, seed):
    order = np.random.default_rng(seed).permutation(len(X))
    test, val, train = order[:n_test], order[:n_validation], order[n_validation + n_test:]
    train = np.concatenate([train, order[n_validation:n_test + n_validation]])[: len(X) - n_validation - n_test]
    return X[train], y[train], X[val], y[val], X[test], y[test]


def split_in_place(X, y, n_validation, n_test, seed):
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(X))
    X[...] = X[order]
    y[...] = y[order]
    return split_unshuffled(X.copy(), y.copy(), n_validation, n_test, seed)


def split_ignoring_seed(X, y, n_validation, n_test, seed):
    return split_right(X, y, n_validation, n_test, np.random.randint(1 << 30))


def split_fixed_seed(X, y, n_validation, n_test, seed):
    return split_right(X, y, n_validation, n_test, 0)


def split_sizes_swapped(X, y, n_validation, n_test, seed):
    return split_right(X, y, n_test, n_validation, seed)


@pytest.mark.parametrize("answer, phrase", [
    (split_unshuffled, "nothing was shuffled"),
    (split_two_permutations, "labels no longer belong"),
    (split_overlapping, "two sets"),
    (split_in_place, "changed the X or y"),
    (split_ignoring_seed, "same seed gave different"),
    (split_fixed_seed, "should use `seed`"),
    (split_sizes_swapped, "swapped"),
    (lambda X, y, v, t, s: (X, y), "six arrays"),
    (lambda X, y, v, t, s: (X, y, X, y, X, y), "should have"),
    (lambda X, y, v, t, s: None, "Not solved yet"),
])
def test_split_names_the_mistake(answer, phrase):
    ok, message = verdict(check_split_data(answer))
    assert not ok
    assert phrase in message, message


# --- Exercise 2: confusion_matrix ---------------------------------------------------------------

def confusion_right(y_true, y_pred, n_classes):
    matrix = np.zeros((n_classes, n_classes), dtype=int)
    for t, p in zip(y_true, y_pred):
        matrix[t, p] += 1
    return matrix


def confusion_add_at(y_true, y_pred, n_classes):
    matrix = np.zeros((n_classes, n_classes))
    np.add.at(matrix, (y_true, y_pred), 1)
    return matrix


def confusion_bincount(y_true, y_pred, n_classes):
    return np.bincount(y_true * n_classes + y_pred, minlength=n_classes ** 2).reshape(n_classes, n_classes)


@pytest.mark.parametrize("answer", [confusion_right, confusion_add_at, confusion_bincount])
def test_confusion_accepts_right_answers(answer):
    ok, message = verdict(check_confusion_matrix(answer))
    assert ok, message


def confusion_set_not_add(y_true, y_pred, n_classes):
    matrix = np.zeros((n_classes, n_classes))
    matrix[y_true, y_pred] = 1
    return matrix


def confusion_by_max_label(y_true, y_pred, n_classes):
    n = max(y_true.max(), y_pred.max()) + 1
    return confusion_right(y_true, y_pred, n)


def confusion_normalised(y_true, y_pred, n_classes):
    matrix = confusion_right(y_true, y_pred, n_classes).astype(float)
    rows = matrix.sum(axis=1, keepdims=True)
    return np.divide(matrix, rows, out=np.zeros_like(matrix), where=rows > 0)


@pytest.mark.parametrize("answer, phrase", [
    (lambda t, p, n: confusion_right(t, p, n).T, "swapped"),
    (confusion_set_not_add, "must count 2"),
    (confusion_by_max_label, "class 4"),
    (confusion_normalised, "fractions"),
    (lambda t, p, n: confusion_right(t, p, n) / len(t), "fractions of all samples"),
    (lambda t, p, n: np.diag(np.diag(confusion_right(t, p, n))), "diagonal"),
    (lambda t, p, n: np.zeros(n), "shape"),
    (lambda t, p, n: None, "Not solved yet"),
])
def test_confusion_names_the_mistake(answer, phrase):
    ok, message = verdict(check_confusion_matrix(answer))
    assert not ok
    assert phrase in message, message


def test_checks_leave_numpy_random_state_alone():
    state = np.random.get_state()[1].copy()
    check_confusion_matrix(confusion_right)
    assert np.array_equal(state, np.random.get_state()[1])


def test_quiz_has_five_explained_questions():
    quiz = nb19.quiz()
    assert len(quiz.questions) == 5
    for question in quiz.questions:
        assert len(question.options) == 4
        assert len(question.explanations) == 4
