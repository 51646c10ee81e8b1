"""The checks of notebook 19 accept right answers and name the typical mistakes."""

import numpy as np
import pytest

from nnfs_helpers.exercises import nb19
from nnfs_helpers.exercises.nb19 import check_confusion_matrix, check_split_data

from check_results import verdict


@pytest.fixture(autouse=True)
def short_timeout(monkeypatch):
    monkeypatch.setattr(nb19, "TIMEOUT", 0.5)


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


# --- Exercise 3: does the L2 penalty help here? --------------------------------------------------------

def digit_runs(strengths=(0, 1e-3), learning_rate=0.005, epochs=20):
    from nnfs_helpers import restore_numpy, setup
    from nnfs_helpers.datasets import load_digits
    from nnfs_helpers.network import (Accuracy_Categorical, Activation_ReLU, Activation_Softmax, Layer_Dense,
                                      Loss_CategoricalCrossentropy, Model, Optimizer_Adam)
    X, y = load_digits()
    X = (X - 8) / 8
    X_train, y_train, X_val, y_val = X[:1077], y[:1077], X[1077:1437], y[1077:1437]
    runs = {}
    for key, l2 in zip((0, 1e-3), strengths):
        runs[key] = []
        for seed in (0, 1, 2):
            setup(seed)
            model = Model()
            for layer in (Layer_Dense(64, 64, weight_regularizer_l2=l2, bias_regularizer_l2=l2), Activation_ReLU(),
                          Layer_Dense(64, 10), Activation_Softmax()):
                model.add(layer)
            model.set(loss=Loss_CategoricalCrossentropy(), optimizer=Optimizer_Adam(learning_rate=learning_rate),
                      accuracy=Accuracy_Categorical())
            model.finalize()
            model.train(X_train, y_train, epochs=epochs, batch_size=32, print_every=0)
            runs[key].append(model)
    restore_numpy()
    return runs, X_val, y_val


@pytest.fixture(scope="module")
def l2_experiment():
    runs, X_val, y_val = digit_runs()
    a, b = ([m.evaluate(X_val, y_val)[1] for m in runs[key]] for key in (0, 1e-3))
    difference = np.mean(a) - np.mean(b)
    error = np.sqrt(np.var(a, ddof=1) / 3 + np.var(b, ddof=1) / 3)
    right = ("no clear difference" if abs(difference) <= 2 * error else "without L2" if difference > 0 else "with L2")
    return runs, X_val, y_val, right


def test_l2_verdict_accepts_the_conclusion_of_the_runs_and_refuses_others(l2_experiment):
    runs, X_val, y_val, right = l2_experiment
    result = nb19.check_l2_verdict(runs, right, X_val, y_val)
    assert result.passed, result.message
    for wrong in set(nb19.L2_VERDICTS) - {right}:
        result = nb19.check_l2_verdict(runs, wrong, X_val, y_val)
        assert not result.passed and "your own runs" in result.message


def test_l2_verdict_needs_the_runs_the_exercise_asks_for(l2_experiment):
    runs, X_val, y_val, right = l2_experiment
    swapped = {0: runs[1e-3], 1e-3: runs[0]}
    assert "weight_regularizer_l2" in nb19.check_l2_verdict(swapped, right, X_val, y_val).message
    same = {0: [runs[0][0]] * 3, 1e-3: runs[1e-3]}
    assert "same weights" in nb19.check_l2_verdict(same, right, X_val, y_val).message


def test_l2_verdict_notices_another_learning_rate_or_budget():
    runs, X_val, y_val = digit_runs(learning_rate=0.001, epochs=2)
    assert "learning rate" in nb19.check_l2_verdict(runs, "no clear difference", X_val, y_val).message
    for models in runs.values():
        for model in models:
            model.optimizer.learning_rate = 0.005
    assert "optimiser steps" in nb19.check_l2_verdict(runs, "no clear difference", X_val, y_val).message


@pytest.mark.parametrize("runs, conclusion", [
    ({0: [], 1e-3: []}, ...), (None, "with L2"), ([1, 2], "with L2"), ({0: [1, 2, 3], 1e-3: [1, 2, 3]}, "x"),
    ({0: []}, "with L2")])
def test_l2_verdict_never_crashes(runs, conclusion):
    result = nb19.check_l2_verdict(runs, conclusion, np.zeros((3, 64)), np.zeros(3, dtype=int))
    assert not result.passed and result.message


def test_l2_verdict_stub_is_not_solved():
    assert "Not solved yet" in nb19.check_l2_verdict({0: [], 1e-3: []}, ..., None, None).message
