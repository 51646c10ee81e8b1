"""The checks of notebook 15 accept right answers and name the typical mistakes."""

import numpy as np
import pytest

from nnfs_helpers.exercises import nb15
from nnfs_helpers.exercises.nb15 import check_binary_crossentropy, check_sigmoid_backward
from nnfs_helpers.network import Activation_Sigmoid, Loss_BinaryCrossentropy

from check_results import verdict


@pytest.fixture(autouse=True)
def short_timeout(monkeypatch):
    monkeypatch.setattr(nb15, "TIMEOUT", 0.5)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# --- Exercise 1: sigmoid backward ------------------------------------------------------------

def from_output(dvalues, inputs, output):
    return dvalues * output * (1 - output)


def from_input_correctly(dvalues, inputs, output):
    return dvalues * np.exp(-inputs) / (1 + np.exp(-inputs)) ** 2


def with_the_class(dvalues, inputs, output):
    activation = Activation_Sigmoid()
    activation.forward(inputs)
    activation.backward(dvalues)
    return activation.dinputs


def as_a_list(dvalues, inputs, output):
    return (dvalues * output * (1 - output)).tolist()


def in_place(dvalues, inputs, output):
    dvalues *= output
    dvalues *= 1 - output
    return dvalues


@pytest.mark.parametrize("answer", [from_output, from_input_correctly, with_the_class, as_a_list, in_place])
def test_sigmoid_backward_accepts_right_answers(answer):
    ok, message = verdict(check_sigmoid_backward(answer))
    assert ok, message


@pytest.mark.parametrize("answer, phrase", [
    (lambda d, z, s: d * z * (1 - z), "from the input instead of the output"),
    (lambda d, z, s: z * (1 - z), "from the input instead of the output"),
    (lambda d, z, s: s * (1 - s), "multiplies it by dvalues"),
    (lambda d, z, s: d * sigmoid(s) * (1 - sigmoid(s)), "a second time"),
    (lambda d, z, s: -d * s * (1 - s), "sign is wrong"),
    (lambda d, z, s: d * s, "(1 - output) is missing"),
    (lambda d, z, s: d * (1 - s), "`output` is missing"),
    (lambda d, z, s: d * s * (1 - s) / len(d), "number of samples"),
    (lambda d, z, s: (d * s * (1 - s)).T, "transposed"),
    (lambda d, z, s: None, "Not solved yet"),
    (lambda d, z, s: ..., "Not solved yet"),
])
def test_sigmoid_backward_names_the_mistake(answer, phrase):
    ok, message = verdict(check_sigmoid_backward(answer))
    assert not ok
    assert phrase in message, message


def test_sigmoid_backward_survives_a_crash():
    ok, message = verdict(check_sigmoid_backward(lambda d, z, s: d @ z))
    assert not ok and "ValueError" in message


# --- Exercise 2: binary cross-entropy --------------------------------------------------------

def bce_right(y_pred, y_true):
    y_pred = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return np.mean(-(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred)), axis=-1)


def bce_with_the_class(y_pred, y_true):
    return Loss_BinaryCrossentropy().forward(y_pred, y_true)


def bce_axis_1_and_a_loop(y_pred, y_true):
    losses = []
    for p_row, y_row in zip(y_pred, y_true):
        p_row = np.clip(p_row, 1e-7, 1 - 1e-7)
        terms = [-np.log(p) if y == 1 else -np.log(1 - p) for p, y in zip(p_row, y_row)]
        losses.append(sum(terms) / len(terms))
    return losses


@pytest.mark.parametrize("answer", [bce_right, bce_with_the_class, bce_axis_1_and_a_loop])
def test_binary_crossentropy_accepts_right_answers(answer):
    ok, message = verdict(check_binary_crossentropy(answer))
    assert ok, message
    assert "finite" in message


def elementwise(y_pred, y_true):
    y_pred = np.clip(y_pred, 1e-7, 1 - 1e-7)
    return -(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred))


def elementwise_clipped_at(y_pred, y_true, low):
    y_pred = np.clip(y_pred, low, 1 - low)
    return -(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred))


@pytest.mark.parametrize("answer, phrase", [
    (elementwise, "mean over outputs was forgotten"),
    (lambda p, y: np.sum(elementwise(p, y), axis=-1), "added the outputs"),
    (lambda p, y: np.mean(elementwise(p, y)), "averaged over the samples"),
    (lambda p, y: np.mean(elementwise(p, y), axis=0), "axis 0"),
    (lambda p, y: -bce_right(p, y), "sign is wrong"),
    (lambda p, y: np.mean(-y * np.log(np.clip(p, 1e-7, 1 - 1e-7)), axis=-1), "(1 - y) * log(1 - p)"),
    (lambda p, y: np.mean(-(y * np.log(1 - p) + (1 - y) * np.log(p)), axis=-1), "swapped"),
    (lambda p, y: np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)), axis=-1), "Clip the predictions"),
    (lambda p, y: np.mean(elementwise_clipped_at(p, y, 1e-15), axis=-1), "clipped at 1e-15"),
    (lambda p, y: None, "Not solved yet"),
])
def test_binary_crossentropy_names_the_mistake(answer, phrase):
    with np.errstate(divide="ignore", invalid="ignore"):
        ok, message = verdict(check_binary_crossentropy(answer))
    assert not ok
    assert phrase in message, message


def test_binary_crossentropy_low_end_clip_only_is_caught():
    def low_only(p, y):
        p = np.maximum(p, 1e-7)
        return np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p)), axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ok, message = verdict(check_binary_crossentropy(low_only))
    assert not ok and "Both ends" in message


# --- quiz --------------------------------------------------------------------------------------

def test_quiz_answers_are_spread_and_explained():
    quiz = nb15.quiz()
    assert len(quiz.questions) >= 4
    assert len({q.answer for q in quiz.questions}) >= 3
    for q in quiz.questions:
        assert all(text.strip() for text in q.explanations)
        assert quiz.answer(quiz.questions.index(q), q.answer).startswith("Correct!")


# --- Exercise 3: where the chained gradient dies ---------------------------------------------

def chained_first_dead(z_values, dtype=np.float32, target=0.0):
    sigmoid_layer, bce = Activation_Sigmoid(), Loss_BinaryCrossentropy()
    for z in z_values:
        sigmoid_layer.forward(np.array([[z]], dtype=dtype))
        bce.backward(sigmoid_layer.output, np.array([[target]], dtype=dtype))
        sigmoid_layer.backward(bce.dinputs)
        if sigmoid_layer.dinputs[0, 0] == 0:
            return z
    return None


def combined_never_dies(z_values):
    for z in z_values:
        p = 1 / (1 + np.exp(-np.float32(z)))
        if p - 0 == 0:
            return z
    return None


def index_not_value(z_values):
    z = chained_first_dead(z_values)
    return None if z is None else int(np.flatnonzero(z_values == z)[0])


def below_a_small_number(z_values):
    for z in z_values:
        p = 1 / (1 + np.exp(-np.float32(z)))
        if p * (1 - p) < 1e-4:
            return z
    return None


def test_first_dead_z_right_answer_passes():
    passed, message = verdict(nb15.check_first_dead_z(chained_first_dead))
    assert passed, message


@pytest.mark.parametrize("answer, phrase", [
    (lambda z_values: chained_first_dead(z_values, dtype=np.float64), "float64"),
    (combined_never_dies, "combined class"),
    (index_not_value, "position in the grid"),
    (below_a_small_number, "exactly"),
    (lambda z_values: 17.0, "is 16.7"),
    (lambda z_values: [16.7, 17.0], "one z value"),
    (lambda z_values: 1 / 0, "ZeroDivisionError"),
])
def test_first_dead_z_mistakes_are_named(answer, phrase):
    passed, message = verdict(nb15.check_first_dead_z(answer))
    assert not passed and phrase in message, message


def test_first_dead_z_stub_is_not_solved():
    def first_dead_z(z_values):
        return ...
    passed, message = verdict(nb15.check_first_dead_z(first_dead_z))
    assert not passed and "Not solved yet" in message, message
