"""The checks of notebook 02 accept right answers and name the typical mistakes."""

import numpy as np
import pytest

from nnfs_helpers import restore_numpy, setup
from nnfs_helpers.checking import NOT_SOLVED
from nnfs_helpers.exercises.nb02 import (EXPECTED_SHAPES, SHAPE_QUESTION, check_dot_product,
                                         check_layer_output, check_predicted_shapes)


def verdict(result):
    assert type(result).__name__ == "CheckResult"
    return bool(result), result.message


@pytest.fixture
def reproducible_numpy():
    setup()
    yield
    restore_numpy()


# --- Exercise 1: dot_product -------------------------------------------------------------

def dot_loop(a, b):
    total = 0
    for a_i, b_i in zip(a, b):
        total += a_i * b_i
    return total


def dot_range(a, b):
    total = 0.0
    for i in range(len(a)):
        total += a[i] * b[i]
    return total


@pytest.mark.parametrize("func", [dot_loop, dot_range, np.dot,
                                  lambda a, b: sum(x * y for x, y in zip(a, b)),
                                  lambda a, b: [dot_loop(a, b)][0]])
def test_dot_product_accepts_right_answers(func):
    ok, message = verdict(check_dot_product(func))
    assert ok, message


def test_dot_product_accepts_float32_under_the_reproducible_setup(reproducible_numpy):
    ok, message = verdict(check_dot_product(lambda a, b: np.dot(a, b)))
    assert ok, message


def dot_stub(a, b):
    ...


def dot_forgot_return(a, b):
    total = dot_loop(a, b)  # noqa: F841


@pytest.mark.parametrize("answer", [dot_stub, dot_forgot_return, None, ...])
def test_dot_product_stub_is_not_solved(answer):
    ok, message = verdict(check_dot_product(answer))
    assert not ok and message.startswith(NOT_SOLVED)


def not_summed(a, b):
    return [x * y for x, y in zip(a, b)]


def stops_early(a, b):
    return sum(a[i] * b[i] for i in range(len(a) - 1))


def starts_late(a, b):
    return sum(a[i] * b[i] for i in range(1, len(a)))


def three_terms(a, b):
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]


def assigns(a, b):
    for x, y in zip(a, b):
        total = x * y
    return total


def mutates(a, b):
    for i, y in enumerate(b):
        a[i] *= y
    return sum(a)


@pytest.mark.parametrize("func, words", [
    (not_summed, "did not add"),
    (stops_early, "last pair"),
    (starts_late, "first pair"),
    (three_terms, "exactly three pairs"),
    (lambda a, b: dot_loop(a, b) if len(a) > 1 else a[0] * b[0] + a[1] * b[1], "IndexError"),
    (lambda a, b: a[0] * b[0] + a[1] * b[1] + a[2] * b[2] if len(a) >= 3 else dot_loop(a, b),
     "exactly three pairs"),
    (assigns, "total +="),
    (lambda a, b: sum(a) * sum(b), "sum of a by the sum of b"),
    (lambda a, b: sum(a) + sum(b), "added the entries"),
    (lambda a, b: [dot_loop(a, b)], "list holding one number"),
    (lambda a, b: [1.0, 2.0], "several numbers"),
    (mutates, "changed the lists"),
    (lambda a, b: 1 / 0, "ZeroDivisionError"),
    (lambda a, b: "20", "str"),
    (lambda a, b: float("nan"), "NaN"),
    (lambda a, b: [[1, 2], [3]], "same length"),
    (lambda a, b: 19.0, "should be 20"),
])
def test_dot_product_names_the_mistake(func, words):
    ok, message = verdict(check_dot_product(func))
    assert not ok
    assert words in message, message


@pytest.mark.parametrize("answer", [20, "dot_product", [1, 2, 3], {"a": 1}])
def test_dot_product_rejects_non_functions(answer):
    ok, message = verdict(check_dot_product(answer))
    assert not ok and "expected a function" in message


# --- Exercise 2: layer_output ------------------------------------------------------------

def layer_dot(inputs, weights, biases):
    return np.dot(inputs, np.array(weights).T) + biases


def layer_loop(inputs, weights, biases):
    return [[sum(x * w for x, w in zip(sample, neuron)) + b for neuron, b in zip(weights, biases)]
            for sample in inputs]


@pytest.mark.parametrize("func", [layer_dot, layer_loop,
                                  lambda x, w, b: x @ w.T + b,
                                  lambda x, w, b: (np.dot(w, x.T) + b[:, None]).T,
                                  lambda x, w, b: np.dot(x, w.T) + np.reshape(b, (1, -1))])
def test_layer_output_accepts_right_answers(func):
    ok, message = verdict(check_layer_output(func))
    assert ok, message


def test_layer_output_accepts_float32_under_the_reproducible_setup(reproducible_numpy):
    ok, message = verdict(check_layer_output(layer_dot))
    assert ok, message


def layer_stub(inputs, weights, biases):
    ...


@pytest.mark.parametrize("answer", [layer_stub, None, ..., lambda x, w, b: None])
def test_layer_output_stub_is_not_solved(answer):
    ok, message = verdict(check_layer_output(answer))
    assert not ok and message.startswith(NOT_SOLVED)


def mutates_weights(x, w, b):
    w *= 2
    return np.dot(x, (w / 2).T) + b


@pytest.mark.parametrize("func, words", [
    (lambda x, w, b: np.dot(x, w) + b, "forget to transpose"),
    (lambda x, w, b: np.dot(w, x) + b, "forget to transpose"),
    (lambda x, w, b: np.dot(x, w.T), "forgot to add the biases"),
    (lambda x, w, b: np.dot(x, w.T) + b[:, None], "wrong axis"),
    (lambda x, w, b: np.dot(w, x.T) + b, "transposed"),
    (lambda x, w, b: np.dot(w, x.T) + b[:, None], "transposed"),
    (lambda x, w, b: np.dot(w, x[0]) + b, "first sample only"),
    (lambda x, w, b: np.sum(x * w, axis=1) + b, "entry by entry"),
    (lambda x, w, b: x * w + b, "np.dot (not `*`)"),
    (lambda x, w, b: np.sum(np.dot(x, w.T) + b, axis=1), "2-D"),
    (lambda x, w, b: float(np.sum(np.dot(x, w.T) + b)), "single number"),
    (lambda x, w, b: np.dot(x.tolist(), w.tolist().T) + b, "np.array(weights)"),
    (mutates_weights, "changed the arrays"),
    (lambda x, w, b: np.full((len(x), len(w)), np.nan), "NaN"),
    (lambda x, w, b: [[1.0, 2.0, 3.0], [4.0]], "same length"),
    (lambda x, w, b: np.dot(x, w.T) + b + 0.5, "wrong values: at index (0, 0)"),
    (lambda x, w, b: np.zeros((2, 2)), "shape"),
])
def test_layer_output_names_the_mistake(func, words):
    ok, message = verdict(check_layer_output(func))
    assert not ok
    assert words in message, message


# --- Exercise 3: predicted_shapes --------------------------------------------------------

def test_expected_shapes_match_a_real_layer():
    from nnfs_helpers.network import Layer_Dense

    q = SHAPE_QUESTION
    layer = Layer_Dense(q["n_inputs"], q["n_neurons"])
    next_layer = Layer_Dense(q["n_neurons"], q["next_neurons"])
    layer.forward(np.ones((q["n_samples"], q["n_inputs"])))
    next_layer.forward(layer.output)
    actual = {"weights": layer.weights.shape, "biases": layer.biases.shape,
              "output": layer.output.shape, "next_output": next_layer.output.shape}
    assert actual == EXPECTED_SHAPES


def right_shapes(**changes):
    shapes = dict(EXPECTED_SHAPES)
    shapes.update(changes)
    return shapes


@pytest.mark.parametrize("answer", [right_shapes(), {k: list(v) for k, v in EXPECTED_SHAPES.items()},
                                    {k: np.array(v) for k, v in EXPECTED_SHAPES.items()},
                                    right_shapes(weights=(4.0, 5.0))])
def test_predicted_shapes_accepts_right_answers(answer):
    ok, message = verdict(check_predicted_shapes(answer))
    assert ok, message


@pytest.mark.parametrize("answer", [None, ..., {k: ... for k in EXPECTED_SHAPES},
                                    right_shapes(next_output=...), right_shapes(biases=None)])
def test_predicted_shapes_stub_is_not_solved(answer):
    ok, message = verdict(check_predicted_shapes(answer))
    assert not ok and message.startswith(NOT_SOLVED)


@pytest.mark.parametrize("answer, words", [
    (right_shapes(weights=(5, 4)), "(n_inputs, n_neurons)"),
    (right_shapes(biases=(5,)), "np.zeros((1, n_neurons))"),
    (right_shapes(biases=(1, 4)), "one bias per neuron"),
    (right_shapes(output=(5, 8)), "one row per sample"),
    (right_shapes(next_output=(8, 5)), "first layer's output"),
    (right_shapes(next_output=(3, 3)), "not right"),
    (right_shapes(weights="(4, 5)"), "tuple"),
    (right_shapes(biases=5), "single number"),
    (right_shapes(output=(8, float("nan"))), "whole numbers"),
    (right_shapes(output=(8, 2.5)), "whole numbers"),
    (right_shapes(output=object()), "tuple"),
    (right_shapes(weights=(5, 4), next_output=...), "(n_inputs, n_neurons)"),
    ({"weights": (4, 5)}, "no entry for"),
    ([(4, 5), (1, 5), (8, 5), (8, 2)], "dict"),
    ("(4, 5)", "dict"),
])
def test_predicted_shapes_names_the_mistake(answer, words):
    ok, message = verdict(check_predicted_shapes(answer))
    assert not ok
    assert words in message, message


def test_checks_never_raise_on_odd_answers():
    odd = [0, 1.5, float("nan"), "text", b"bytes", [], [[1, 2], [3]], {"x": 1}, object(), print,
           lambda *args: np.array([[np.inf]]), lambda *args: {"a": 1}, lambda *args: [[1, 2], [3]]]
    for answer in odd:
        for check in (check_dot_product, check_layer_output, check_predicted_shapes):
            result = check(answer)
            assert type(result).__name__ == "CheckResult" and not result
