"""The checks of notebook 16 accept right answers and name the typical mistakes."""

import numpy as np
import pytest
from nnfs.datasets import sine_data

from nnfs_helpers.exercises import nb16
from nnfs_helpers.exercises.nb16 import check_first_layer, check_mae_backward, check_mse_backward
from nnfs_helpers.network import Loss_MeanAbsoluteError, Loss_MeanSquaredError

from check_results import verdict


@pytest.fixture(autouse=True)
def short_timeout(monkeypatch):
    monkeypatch.setattr(nb16, "TIMEOUT", 0.5)


def n(d):
    return d.shape[0] * d.shape[1]


# --- Exercise 1: mean squared error backward ---------------------------------------------------

def mse_right(dvalues, y_true):
    samples, outputs = dvalues.shape
    return -2 * (y_true - dvalues) / outputs / samples


def mse_with_the_class(dvalues, y_true):
    loss = Loss_MeanSquaredError()
    loss.backward(dvalues, y_true)
    return loss.dinputs


def mse_rearranged(dvalues, y_true):
    return 2 * (dvalues - y_true) / dvalues.size


def mse_as_list(dvalues, y_true):
    return mse_right(dvalues, y_true).tolist()


@pytest.mark.parametrize("answer", [mse_right, mse_with_the_class, mse_rearranged, mse_as_list])
def test_mse_backward_accepts_right_answers(answer):
    ok, message = verdict(check_mse_backward(answer))
    assert ok, message


@pytest.mark.parametrize("answer, phrase", [
    (lambda d, y: -(y - d) / n(d), "factor 2 is missing"),
    (lambda d, y: 2 * (y - d) / n(d), "sign is wrong"),
    (lambda d, y: (y - d) / n(d), "factor 2 is missing and the sign is wrong"),
    (lambda d, y: -2 * (y - d) / d.shape[1], "number of samples"),
    (lambda d, y: -2 * (y - d) / d.shape[0], "number of outputs"),
    (lambda d, y: -2 * (y - d), "outputs and of samples"),
    (lambda d, y: -2 * (y - d) / d.shape[0] ** 2, "twice"),
    (lambda d, y: np.mean(-2 * (y - d) / d.shape[1], axis=0), "averaged the gradient"),
    (lambda d, y: np.mean((y - d) ** 2), "shape"),
    (lambda d, y: None, "Not solved yet"),
])
def test_mse_backward_names_the_mistake(answer, phrase):
    ok, message = verdict(check_mse_backward(answer))
    assert not ok
    assert phrase in message, message


# --- Exercise 2: mean absolute error backward --------------------------------------------------

def mae_right(dvalues, y_true):
    samples, outputs = dvalues.shape
    return np.sign(dvalues - y_true) / outputs / samples


def mae_with_the_class(dvalues, y_true):
    loss = Loss_MeanAbsoluteError()
    loss.backward(dvalues, y_true)
    return loss.dinputs


def mae_with_where(dvalues, y_true):
    return np.where(dvalues > y_true, 1.0, -1.0) / dvalues.size


@pytest.mark.parametrize("answer", [mae_right, mae_with_the_class, mae_with_where])
def test_mae_backward_accepts_right_answers(answer):
    ok, message = verdict(check_mae_backward(answer))
    assert ok, message


@pytest.mark.parametrize("answer, phrase", [
    (lambda d, y: np.sign(y - d) / n(d), "sign of the gradient is flipped"),
    (lambda d, y: np.abs(y - d) / n(d), "derivative of |x| is sign(x)"),
    (lambda d, y: -(y - d) / n(d), "only the sign of the error"),
    (lambda d, y: -2 * np.sign(y - d) / n(d), "no factor 2"),
    (lambda d, y: -np.sign(y - d) / d.shape[1], "number of samples"),
    (lambda d, y: -np.sign(y - d) / d.shape[0], "number of outputs"),
    (lambda d, y: -np.sign(y - d), "outputs and of samples"),
    (lambda d, y: np.sign(y - d), "sign is flipped"),
    (lambda d, y: None, "Not solved yet"),
])
def test_mae_backward_names_the_mistake(answer, phrase):
    ok, message = verdict(check_mae_backward(answer))
    assert not ok
    assert phrase in message, message


def test_checks_survive_a_crash():
    ok, message = verdict(check_mae_backward(lambda d, y: d @ y))
    assert not ok and "ValueError" in message


# --- quiz --------------------------------------------------------------------------------------

def test_quiz_answers_are_spread_and_explained():
    quiz = nb16.quiz()
    assert len(quiz.questions) >= 4
    assert len({q.answer for q in quiz.questions}) >= 3
    for index, q in enumerate(quiz.questions):
        assert all(text.strip() for text in q.explanations)
        assert quiz.answer(index, q.answer).startswith("Correct!")


# --- Exercise 3: dead neurons and bends at the start --------------------------------------------

SINE_X = sine_data(samples=64)[0]


def first_layer_right(weights, biases, inputs):
    hidden = np.maximum(0, inputs @ weights + biases)
    return np.all(hidden == 0, axis=0), -biases[0] / weights[0]


def first_layer_as_lists(weights, biases, inputs):
    z = inputs @ weights + biases
    return [bool(np.max(column) <= 0) for column in z.T], list(-biases.ravel() / weights.ravel())


@pytest.mark.parametrize("answer", [first_layer_right, first_layer_as_lists])
def test_first_layer_accepts_right_answers(answer):
    ok, message = verdict(check_first_layer(answer, SINE_X))
    assert ok, message


def relu(w, b, x):
    return np.maximum(0, x @ w + b)


@pytest.mark.parametrize("answer, phrase", [
    (lambda w, b, x: (np.all(x @ w + b < 0, axis=0), -b[0] / w[0]), "exactly 0"),
    (lambda w, b, x: (np.any(relu(w, b, x) == 0, axis=0), -b[0] / w[0]), "np.all, not np.any"),
    (lambda w, b, x: (np.any(relu(w, b, x) > 0, axis=0), -b[0] / w[0]), "live neurons"),
    (lambda w, b, x: (np.all(relu(w, b, x) == 0, axis=1), -b[0] / w[0]), "one value per input"),
    (lambda w, b, x: (np.sum(np.all(relu(w, b, x) == 0, axis=0)), -b[0] / w[0]), "a count"),
    (lambda w, b, x: (np.all(relu(w, b, x) == 0, axis=0), b[0] / w[0]), "sign of your bends"),
    (lambda w, b, x: (np.all(relu(w, b, x) == 0, axis=0), np.zeros(w.shape[1])), "not where w x + b = 0"),
    (lambda w, b, x: (np.all(relu(w, b, x) == 0, axis=0), -w[0] / b[0]), "-w / b"),
    (lambda w, b, x: np.all(relu(w, b, x) == 0, axis=0), "two arrays"),
    (lambda w, b, x: None, "Not solved yet"),
    (lambda w, b, x: 1 / 0, "ZeroDivisionError"),
])
@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")  # the -w / b answer divides by a zero bias
def test_first_layer_names_the_mistake(answer, phrase):
    ok, message = verdict(check_first_layer(answer, SINE_X))
    assert not ok
    assert phrase in message, message


def test_first_layer_cannot_be_passed_with_the_answer_for_the_notebooks_inputs_only():
    """A hard-coded answer for seed 0's layer on the notebook's inputs fails the other cases."""
    def hard_coded(weights, biases, inputs):
        return weights[0] < 0, np.zeros(weights.shape[1])
    ok, message = verdict(check_first_layer(hard_coded, SINE_X))
    assert not ok


def test_quiz_q5_names_the_inputs_not_the_scale():
    question = nb16.quiz().questions[4]
    right = question.options[question.answer]
    assert "centring" in right and "epsilon" not in right
