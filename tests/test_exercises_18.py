"""The checks of notebook 18 accept right answers and name the typical mistakes."""

import numpy as np
import pytest

from nnfs_helpers import restore_numpy, setup
from nnfs_helpers.exercises import nb18
from nnfs_helpers.exercises.nb18 import check_batches, check_binary_model
from nnfs_helpers.network import (Accuracy_Categorical, Accuracy_Regression, Activation_ReLU, Activation_Sigmoid,
                                  Activation_Softmax, Layer_Dense, Loss_BinaryCrossentropy,
                                  Loss_CategoricalCrossentropy, Model, Optimizer_Adam, Optimizer_SGD)

from check_results import verdict


@pytest.fixture(autouse=True)
def short_timeout(monkeypatch):
    monkeypatch.setattr(nb18, "TIMEOUT", 0.5)
    setup()
    yield
    restore_numpy()


# --- Exercise 1: batches ---------------------------------------------------------------------------

def batches_right(order, batch_size):
    return [order[k:k + batch_size] for k in range(0, len(order), batch_size)]


def batches_split(order, batch_size):
    return np.array_split(order, np.arange(batch_size, len(order), batch_size))


def batches_loop(order, batch_size):
    result, current = [], []
    for index in order:
        current.append(int(index))
        if len(current) == batch_size:
            result.append(current)
            current = []
    if current:
        result.append(current)
    return result


@pytest.mark.parametrize("answer", [batches_right, batches_split, batches_loop])
def test_batches_accepts_right_answers(answer):
    ok, message = verdict(check_batches(answer))
    assert ok, message


@pytest.mark.parametrize("answer, phrase", [
    (lambda o, b: [o[k * b:(k + 1) * b] for k in range(len(o) // b)], "drops the last, smaller batch"),
    (lambda o, b: [o[k * b:(k + 1) * b] for k in range(len(o) // b + 1)], "last batch is empty"),
    (lambda o, b: [np.arange(len(o))[k:k + b] for k in range(0, len(o), b)], "ignore `order`"),
    (lambda o, b: [o[k:k + b + 1] for k in range(0, len(o), b)], "overlap"),
    (lambda o, b: [o[::-1][k:k + b] for k in range(0, len(o), b)], "not in the given order"),
])
def test_batches_names_typical_mistakes(answer, phrase):
    ok, message = verdict(check_batches(answer))
    assert not ok
    assert phrase in message


@pytest.mark.parametrize("answer", [None, lambda o, b: None, lambda o, b: 1 / 0, lambda o, b: 5,
                                    lambda o, b: [[[1]]], lambda o, b: ["a"]])
def test_batches_never_crashes(answer):
    ok, message = verdict(check_batches(answer))
    assert not ok and message


def test_batches_stub_is_not_solved():
    def batches(order, batch_size):
        ...

    assert "Not yet" in repr(check_batches(batches)) or "not" in check_batches(batches).message.lower()


# --- Exercise 2: the binary model ------------------------------------------------------------------

def make(layers=None, loss=None, optimizer=None, accuracy=None, finalize=True, set_after=False):
    def build():
        model = Model()
        for layer in layers or [Layer_Dense(2, 64), Activation_ReLU(), Layer_Dense(64, 1), Activation_Sigmoid()]:
            model.add(layer)
        pieces = dict(loss=loss or Loss_BinaryCrossentropy(),
                      optimizer=optimizer or Optimizer_Adam(learning_rate=0.005, decay=5e-7),
                      accuracy=accuracy or Accuracy_Categorical(binary=True))
        if set_after:
            model.set(loss=Loss_CategoricalCrossentropy(), optimizer=pieces["optimizer"], accuracy=pieces["accuracy"])
            model.finalize()
            model.set(loss=pieces["loss"])
            return model
        model.set(**pieces)
        if finalize:
            model.finalize()
        return model
    return build


def test_binary_model_accepts_the_right_model():
    ok, message = verdict(check_binary_model(make()))
    assert ok, message


def test_binary_model_leaves_the_random_state_alone():
    state = np.random.get_state()[1].copy()
    check_binary_model(make())
    assert np.array_equal(np.random.get_state()[1], state)


@pytest.mark.parametrize("answer, phrase", [
    (make(accuracy=Accuracy_Categorical()), "binary=True"),
    (make(accuracy=Accuracy_Regression()), "Accuracy_Categorical(binary=True)"),
    (make(layers=[Layer_Dense(2, 64), Activation_ReLU(), Layer_Dense(64, 2), Activation_Softmax()]), "softmax"),
    (make(loss=Loss_CategoricalCrossentropy()), "Loss_BinaryCrossentropy"),
    (make(finalize=False), "finalize"),
    (make(set_after=True), "after model.finalize()"),
    (make(optimizer=Optimizer_SGD()), "Optimizer_Adam"),
    (make(optimizer=Optimizer_Adam()), "learning_rate=0.005"),
    (make(layers=[Layer_Dense(2, 64), Layer_Dense(64, 1), Activation_Sigmoid()]), "in this order"),
    (make(layers=[Layer_Dense(2, 32), Activation_ReLU(), Layer_Dense(32, 1), Activation_Sigmoid()]), "2 -> 64"),
])
def test_binary_model_names_typical_mistakes(answer, phrase):
    ok, message = verdict(check_binary_model(answer))
    assert not ok
    assert phrase in message


@pytest.mark.parametrize("answer", [None, lambda: None, lambda: 1 / 0, lambda: "model", lambda: Model()])
def test_binary_model_never_crashes(answer):
    ok, message = verdict(check_binary_model(answer))
    assert not ok and message


def test_quiz_has_explained_questions():
    quiz = nb18.quiz()
    assert len(quiz.questions) >= 4
    for question in quiz.questions:
        assert all(question.explanations)


# --- Exercise 3: judge your own batch-size experiment ------------------------------------------------

def spiral_runs(learning_rate=0.01, epochs=100, seeds=(1, 2, 3)):
    from nnfs.datasets import spiral_data
    setup()
    X, y = spiral_data(samples=100, classes=3)
    X_val, y_val = spiral_data(samples=200, classes=3)
    runs = {}
    for batch_size in (None, 32):
        runs[batch_size] = []
        for seed in seeds:
            np.random.seed(seed)
            model = Model()
            for layer in (Layer_Dense(2, 64), Activation_ReLU(), Layer_Dense(64, 3), Activation_Softmax()):
                model.add(layer)
            model.set(loss=Loss_CategoricalCrossentropy(), optimizer=Optimizer_Adam(learning_rate=learning_rate,
                                                                                     decay=5e-7),
                      accuracy=Accuracy_Categorical())
            model.finalize()
            model.train(X, y, epochs=epochs, batch_size=batch_size, print_every=0)
            runs[batch_size].append(model)
    return runs, X_val, y_val


@pytest.fixture(scope="module")
def experiment():
    runs, X_val, y_val = spiral_runs()
    full, mini = ([m.evaluate(X_val, y_val)[1] for m in runs[key]] for key in (None, 32))
    difference = np.mean(full) - np.mean(mini)
    error = np.sqrt(np.var(full, ddof=1) / 3 + np.var(mini, ddof=1) / 3)
    right = ("no clear difference" if abs(difference) <= 2 * error
             else "full batch" if difference > 0 else "mini-batches")
    restore_numpy()
    return runs, X_val, y_val, right


def test_batch_verdict_accepts_the_conclusion_of_the_runs(experiment):
    runs, X_val, y_val, right = experiment
    ok, message = verdict(nb18.check_batch_verdict(runs, right, X_val, y_val))
    assert ok, message


def test_batch_verdict_refuses_every_other_conclusion(experiment):
    runs, X_val, y_val, right = experiment
    for wrong in set(nb18.VERDICTS) - {right}:
        ok, message = verdict(nb18.check_batch_verdict(runs, wrong, X_val, y_val))
        assert not ok and "your own runs" in message and "standard error" in message


def test_batch_verdict_needs_the_runs_the_exercise_asks_for(experiment):
    runs, X_val, y_val, right = experiment
    same = {None: [runs[None][0]] * 3, 32: runs[32]}
    assert "same weights" in verdict(nb18.check_batch_verdict(same, right, X_val, y_val))[1]
    two = {None: runs[None][:2], 32: runs[32]}
    assert "at least three" in verdict(nb18.check_batch_verdict(two, right, X_val, y_val))[1]
    swapped = {None: runs[32], 32: runs[None]}
    assert "optimiser steps" in verdict(nb18.check_batch_verdict(swapped, right, X_val, y_val))[1]


def test_batch_verdict_notices_another_learning_rate_or_budget():
    runs, X_val, y_val = spiral_runs(learning_rate=0.05, epochs=5, seeds=(1, 2, 3))
    ok, message = verdict(nb18.check_batch_verdict(runs, "no clear difference", X_val, y_val))
    assert not ok and "learning rate" in message
    for models in runs.values():
        for model in models:
            model.optimizer.learning_rate = 0.01
    ok, message = verdict(nb18.check_batch_verdict(runs, "no clear difference", X_val, y_val))
    assert not ok and "optimiser steps" in message


@pytest.mark.parametrize("runs, conclusion", [
    ({None: [], 32: []}, ...), (None, "full batch"), ("runs", "full batch"), ({None: [1, 2, 3], 32: [1, 2, 3]}, "x"),
    ({None: [Model(), Model(), Model()], 32: []}, "full batch"), ({1: []}, "full batch")])
def test_batch_verdict_never_crashes(runs, conclusion):
    ok, message = verdict(nb18.check_batch_verdict(runs, conclusion, np.zeros((3, 2)), np.zeros(3, dtype=int)))
    assert not ok and message


def test_batch_verdict_stub_is_not_solved():
    result = nb18.check_batch_verdict({None: [], 32: []}, ..., np.zeros((3, 2)), np.zeros(3, dtype=int))
    assert "Not solved yet" in result.message
