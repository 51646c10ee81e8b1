"""The checks of notebook 07 accept right answers and name the typical mistakes."""

import math

import numpy as np
import pytest

from nnfs_helpers import reproducible
from nnfs_helpers.checking import NOT_SOLVED, CheckResult
from nnfs_helpers.exercises.nb07 import (
    CHAIN_POINTS, buggy_chain_gradients, chain_loss, check_chain_gradients,
    check_dense_backward, check_softmax_crossentropy_backward,
)
from nnfs_helpers.exercises.nb07 import (  # the check's own reference: private, tested here
    _correct_chain_gradients as correct_chain_gradients,
)


def verdict(result):
    assert isinstance(result, CheckResult)
    return result.passed, result.message


@pytest.fixture(params=["float64", "setup"], autouse=True)
def numpy_mode(request):
    """Every check must work with NumPy as is and under the reproducible float32 setup."""
    if request.param == "setup":
        reproducible.setup()
    else:
        reproducible.restore_numpy()
    yield request.param
    reproducible.restore_numpy()


# --- Exercise 1: dense backward, weights with one row per neuron ------------------------------

def right_dense(inputs, weights, dvalues):  # forward pass: inputs @ weights.T + biases
    return dvalues.T @ inputs, np.sum(dvalues, axis=0, keepdims=True), dvalues @ weights


def np_dot_dense(inputs, weights, dvalues):  # np.dot under the setup returns float32: still right
    return (np.dot(dvalues.T, inputs), dvalues.sum(axis=0, keepdims=True), np.dot(dvalues, weights))


def list_dense(inputs, weights, dvalues):  # lists are fine too
    dweights, dbiases, dinputs = right_dense(inputs, weights, dvalues)
    return [dweights.tolist(), dbiases.tolist(), dinputs.tolist()]


def transposed_layer_dense(inputs, weights, dvalues):  # Layer_Dense's gradients, transposed back
    return (inputs.T @ dvalues).T, np.sum(dvalues, axis=0, keepdims=True), dvalues @ weights.T.T


@pytest.mark.parametrize("func", [right_dense, np_dot_dense, list_dense, transposed_layer_dense])
def test_dense_accepts_right_answers(func):
    ok, message = verdict(check_dense_backward(func))
    assert ok, message


def stub_dense(inputs, weights, dvalues):
    dweights = ...
    dbiases = ...
    dinputs = ...
    return dweights, dbiases, dinputs


@pytest.mark.parametrize("answer", [None, Ellipsis, stub_dense, lambda i, w, d: None])
def test_dense_stub_is_not_solved(answer):
    ok, message = verdict(check_dense_backward(answer))
    assert not ok and NOT_SOLVED in message


def with_dbiases(make):
    return lambda i, w, d: (d.T @ i, make(d), d @ w)


@pytest.mark.parametrize("func, words", [
    (lambda i, w, d: (i.T @ d, d.sum(axis=0, keepdims=True), d @ w), "layout of Layer_Dense"),
    (lambda i, w, d: (d.T @ i / len(i), d.sum(axis=0, keepdims=True), d @ w), "divided by the number of samples"),
    (lambda i, w, d: (-(d.T @ i), d.sum(axis=0, keepdims=True), d @ w), "wrong sign"),
    (with_dbiases(lambda d: d.sum(axis=0)), "keepdims"),
    (with_dbiases(lambda d: d), "not summed"),
    (with_dbiases(lambda d: d.sum(axis=1, keepdims=True)), "wrong axis"),
    (with_dbiases(lambda d: d.sum(axis=1)), "wrong axis"),
    (with_dbiases(lambda d: d.mean(axis=0, keepdims=True)), "mean"),
    (with_dbiases(lambda d: np.sum(d)), "single number"),
    (lambda i, w, d: (d.T @ i, d.sum(axis=0, keepdims=True), w.T @ d.T), "transposed"),
    (lambda i, w, d: (d.T @ i, d.sum(axis=0, keepdims=True), d @ w / len(d)), "divided by the number of samples"),
])
def test_dense_names_the_mistake(func, words):
    ok, message = verdict(check_dense_backward(func))
    assert not ok
    assert words in message, message


@pytest.mark.parametrize("func, words", [
    # Layer_Dense's code copied unchanged: dvalues @ weights.T does not line up here.
    (lambda i, w, d: (i.T @ d, d.sum(axis=0, keepdims=True), d @ w.T), "one row per neuron"),
    (lambda i, w, d: (np.dot(i.T, d), d.sum(axis=0, keepdims=True), np.dot(d, w.T)), "one row per neuron"),
    (lambda i, w, d: (np.dot(i, d), d.sum(axis=0, keepdims=True), d @ w), "do not line up"),
    (lambda i, w, d: (d @ i, d.sum(axis=0, keepdims=True), d @ w), "do not line up"),  # matmul's message
    (lambda i, w, d: 1 / 0, "ZeroDivisionError"),
    (lambda i, w, d: (d.T @ i, d.sum(axis=0, keepdims=True)), "three arrays"),
    (lambda i, w, d: d.T @ i, "three arrays"),
    (lambda i, w, d: ("a", "b", "c"), "should be numbers"),
    ("not a function", "expected a function"),
])
def test_dense_reports_errors_without_raising(func, words):
    ok, message = verdict(check_dense_backward(func))
    assert not ok
    assert words in message, message


def test_dense_exercise_uses_weights_with_one_row_per_neuron():
    """Layer_Dense's own backward pass (the code shown above the exercise) must not pass."""
    ok, message = verdict(check_dense_backward(
        lambda i, w, d: (i.T @ d, np.sum(d, axis=0, keepdims=True), d @ w.T)))
    assert not ok, message


# --- Exercise 2: combined softmax + cross-entropy gradient -------------------------------------

def right_combined(softmax_outputs, y_true):
    samples = len(softmax_outputs)
    if y_true.ndim == 2:
        y_true = np.argmax(y_true, axis=1)
    dinputs = softmax_outputs.copy()
    dinputs[np.arange(samples), y_true] -= 1
    return dinputs / samples


def one_hot_combined(softmax_outputs, y_true):  # another right way: build one-hot rows
    if y_true.ndim == 1:
        y_true = np.eye(softmax_outputs.shape[1], dtype=np.float64)[y_true]
    return (softmax_outputs - y_true) / len(softmax_outputs)


@pytest.mark.parametrize("func", [right_combined, one_hot_combined])
def test_combined_accepts_right_answers(func):
    ok, message = verdict(check_softmax_crossentropy_backward(func))
    assert ok, message


def stub_combined(softmax_outputs, y_true):
    samples = len(softmax_outputs)  # noqa: F841  (the stub as the learner receives it)
    dinputs = ...
    return dinputs


@pytest.mark.parametrize("answer", [None, stub_combined, lambda p, y: None])
def test_combined_stub_is_not_solved(answer):
    ok, message = verdict(check_softmax_crossentropy_backward(answer))
    assert not ok and NOT_SOLVED in message


def not_divided(p, y):
    d = p.copy()
    d[np.arange(len(p)), y] -= 1
    return d


def whole_columns(p, y):
    d = p.copy()
    d[:, y] -= 1
    return d / len(p)


def in_place(p, y):
    p[np.arange(len(p)), y] -= 1
    p /= len(p)
    return p


def indices_only(p, y):
    d = p.copy()
    d[np.arange(len(p)), y] -= 1
    return d / len(p)


def predicted_class(p, y):
    d = p.copy()
    d[np.arange(len(p)), np.argmax(p, axis=1)] -= 1
    return d / len(p)


@pytest.mark.parametrize("func, words", [
    (not_divided, "not divided by the number of samples"),
    (lambda p, y: -right_combined(p, y), "sign"),
    (whole_columns, "wrong places"),
    (predicted_class, "predicted class"),
    (lambda p, y: p / len(p), "never subtracted"),
    (lambda p, y: -np.eye(3)[y] / p / len(p), "cross-entropy gradient alone"),
    (in_place, "in place"),
    (indices_only, "one-hot"),
    (lambda p, y: right_combined(p, y)[:, :2], "shape"),
    (lambda p, y: right_combined(p, y).T, "transposed"),
])
def test_combined_names_the_mistake(func, words):
    ok, message = verdict(check_softmax_crossentropy_backward(func))
    assert not ok
    assert words in message, message


def indices_subtracted(p, y):  # y_hat - y with y still class indices: a broadcast error
    return (p - y) / len(p)


def eye_of_samples(p, y):  # one-hot rows as long as the batch: a broadcast error
    if y.ndim == 1:
        y = np.eye(len(p))[y]
    return (p - y) / len(p)


@pytest.mark.parametrize("func, words", [
    (indices_subtracted, "class indices, one number per sample"),
    (eye_of_samples, "np.eye(samples) makes rows as long as the batch"),
])
def test_combined_diagnoses_broadcast_errors(func, words):
    ok, message = verdict(check_softmax_crossentropy_backward(func))
    assert not ok
    assert words in message, message


# --- Exercise 3: find the bug ------------------------------------------------------------------

def numeric(point, name, h=1e-6):
    x, y, *params = point
    index = ["w1", "b1", "w2", "b2"].index(name)
    plus, minus = list(params), list(params)
    plus[index] += h
    minus[index] -= h
    return (chain_loss(x, y, *plus) - chain_loss(x, y, *minus)) / (2 * h)


@pytest.mark.parametrize("point", CHAIN_POINTS)
def test_reference_chain_gradients_match_central_differences(point):
    right = correct_chain_gradients(*point)
    for name in ["w1", "b1", "w2", "b2"]:
        assert math.isclose(right[name], numeric(point, name), rel_tol=1e-6)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def fixed_chain(x, y, w1, b1, w2, b2):  # as a learner would write it, with NumPy
    z1 = w1 * x + b1
    a1 = sigmoid(z1)
    y_hat = sigmoid(w2 * a1 + b2)
    dz2 = (y_hat - y) * y_hat * (1 - y_hat)
    dz1 = dz2 * w2 * a1 * (1 - a1)
    return {"w1": dz1 * x, "b1": dz1, "w2": dz2 * a1, "b2": dz2}


def tuple_chain(*point):
    g = correct_chain_gradients(*point)
    return g["w1"], g["b1"], g["w2"], g["b2"]


@pytest.mark.parametrize("func", [correct_chain_gradients, fixed_chain, tuple_chain])
def test_chain_accepts_right_answers(func):
    ok, message = verdict(check_chain_gradients(func))
    assert ok, message


def stub_chain(x, y, w1, b1, w2, b2):
    ...


@pytest.mark.parametrize("answer", [None, Ellipsis, stub_chain])
def test_chain_stub_is_not_solved(answer):
    ok, message = verdict(check_chain_gradients(answer))
    assert not ok and NOT_SOLVED in message


def only_slope_fixed(x, y, w1, b1, w2, b2):  # dz2 fixed, z1 still used for w2
    g = correct_chain_gradients(x, y, w1, b1, w2, b2)
    g["w2"] = g["b2"] * (w1 * x + b1)
    return g


def only_input_fixed(x, y, w1, b1, w2, b2):  # dw2 fixed, z2 still in the sigmoid's slope
    g = buggy_chain_gradients(x, y, w1, b1, w2, b2)
    g["w2"] = g["b2"] * (1 / (1 + np.exp(-(w1 * x + b1))))
    return g


def first_slope_missing(x, y, w1, b1, w2, b2):  # a typical slip: no a1 (1 - a1) in dz1
    g = correct_chain_gradients(x, y, w1, b1, w2, b2)
    a1 = 1 / (1 + np.exp(-(w1 * x + b1)))
    g["w1"], g["b1"] = g["w1"] / (a1 * (1 - a1)), g["b1"] / (a1 * (1 - a1))
    return g


def sign_flipped_b2(*point):
    g = correct_chain_gradients(*point)
    g["b2"] = -g["b2"]
    return g


def hard_coded(*point):  # right at the example point only
    return correct_chain_gradients(*CHAIN_POINTS[0])


@pytest.mark.parametrize("func, words", [
    (buggy_chain_gradients, "still the buggy function"),
    (only_slope_fixed, "dw2 uses z1"),
    (only_input_fixed, "off by the same factor"),
    (first_slope_missing, "miss the derivative of its sigmoid"),
    (sign_flipped_b2, "wrong sign"),
    (hard_coded, "another point"),
])
def test_chain_names_the_mistake(func, words):
    ok, message = verdict(check_chain_gradients(func))
    assert not ok
    assert words in message, message


def numerical_chain(x, y, w1, b1, w2, b2):  # the notebook's numerical_chain_gradients, handed in
    parameters = np.array([w1, b1, w2, b2], dtype=np.float64)
    gradients = np.zeros(4)
    for index in range(4):
        original = parameters[index]
        parameters[index] = original + 1e-6
        plus = chain_loss(x, y, *parameters)
        parameters[index] = original - 1e-6
        minus = chain_loss(x, y, *parameters)
        parameters[index] = original
        gradients[index] = (plus - minus) / 2e-6
    return dict(zip(["w1", "b1", "w2", "b2"], gradients))


@pytest.mark.parametrize("h", [1e-8, 1e-6, 1e-4, 1e-2])
def test_chain_refuses_numerical_gradients(h):
    def numerical(*point):
        return {name: numeric(point, name, h) for name in ["w1", "b1", "w2", "b2"]}
    for func in (numerical, numerical_chain):
        ok, message = verdict(check_chain_gradients(func))
        assert not ok
        if h <= 1e-4:  # a large step is already wrong at the ordinary points
            assert "saturated" in message and "numerical gradients" in message, message


def test_saturated_point_is_exact_for_the_chain_rule():
    ok, message = verdict(check_chain_gradients(fixed_chain))
    assert ok, message
    from nnfs_helpers.exercises.nb07 import SATURATED_POINT
    right = correct_chain_gradients(*SATURATED_POINT)
    assert all(abs(value) < 1e-12 for value in right.values())


def test_chain_names_the_wrong_parameters():
    ok, message = verdict(check_chain_gradients(only_slope_fixed))
    assert not ok and "w2 (relative error" in message and "w1 (" not in message and "b2 (" not in message
    ok, message = verdict(check_chain_gradients(buggy_chain_gradients))
    assert all(f"{name} (relative error" in message for name in ["w1", "b1", "w2", "b2"])


def test_the_buggy_gradients_visibly_hurt_training():
    """The notebook's demo argues that a wrong gradient can cost training: with the same budget
    (200 steps, learning rate 2) the buggy gradients end far above the true ones."""
    def train(gradients):
        params = {"w1": 0.3, "b1": 0.1, "w2": 0.2, "b2": 0.2}
        for _ in range(200):
            step = gradients(0.5, 1.0, **params)
            params = {name: value - 2.0 * step[name] for name, value in params.items()}
        return chain_loss(0.5, 1.0, **params)
    assert train(buggy_chain_gradients) > 10 * train(correct_chain_gradients)


@pytest.mark.parametrize("func, words", [
    (lambda *p: {"w1": 1.0}, "no key"),
    (lambda *p: 42, "return a dictionary"),
    (lambda *p: {"w1": [1.0, 2.0], "b1": 0, "w2": 0, "b2": 0}, "one number"),
    (lambda *p: {"w1": float("nan"), "b1": 0, "w2": 0, "b2": 0}, "division by zero"),
    (lambda *p: {"w1": "x", "b1": 0, "w2": 0, "b2": 0}, "should be numbers"),
    (lambda *p: 1 / 0, "ZeroDivisionError"),
])
def test_chain_reports_errors_without_raising(func, words):
    ok, message = verdict(check_chain_gradients(func))
    assert not ok
    assert words in message, message


def test_quiz_has_one_right_option_per_question_at_varied_positions():
    from nnfs_helpers.exercises.nb07 import quiz
    questions = quiz().questions
    assert len(questions) >= 5
    assert len({q.answer for q in questions}) == 4
