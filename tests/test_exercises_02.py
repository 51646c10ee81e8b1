"""The checks of notebook 02 accept right answers and name the typical mistakes."""

import numpy as np
import pytest

from nnfs_helpers import restore_numpy, setup
from nnfs_helpers.checking import NOT_SOLVED
from nnfs_helpers.exercises.nb02 import (EXPECTED_SHAPES, SHAPE_CASES, SHAPE_QUESTION,
                                         check_layer_output, check_predicted_shapes, check_shape_of)


def verdict(result):
    assert type(result).__name__ == "CheckResult"
    return bool(result), result.message


@pytest.fixture
def reproducible_numpy():
    setup()
    yield
    restore_numpy()


# --- Exercise 1: shape_of ----------------------------------------------------------------

def shape_loop(nested):
    shape = []
    while isinstance(nested, list):
        shape.append(len(nested))
        nested = nested[0]
    return tuple(shape)


def shape_recursive(nested):
    if not isinstance(nested, list):
        return ()
    return (len(nested),) + shape_recursive(nested[0])


def shape_type_check(nested):
    lengths = ()
    level = nested
    while type(level) == list:  # noqa: E721
        lengths = lengths + (len(level),)
        level = level[-1]
    return lengths


def test_the_cases_are_rectangular_and_their_shapes_are_numpys():
    for nested in SHAPE_CASES:
        assert shape_loop(nested) == np.array(nested).shape


@pytest.mark.parametrize("func", [shape_loop, shape_recursive, shape_type_check])
def test_shape_of_accepts_right_answers(func):
    ok, message = verdict(check_shape_of(func))
    assert ok, message


def shape_stub(nested):
    ...


def shape_forgot_return(nested):
    shape = shape_loop(nested)  # noqa: F841


@pytest.mark.parametrize("answer", [shape_stub, shape_forgot_return, None, ...])
def test_shape_of_stub_is_not_solved(answer):
    ok, message = verdict(check_shape_of(answer))
    assert not ok and message.startswith(NOT_SOLVED)


def reversed_shape(nested):
    return shape_loop(nested)[::-1]


def one_level_early(nested):
    shape = []
    while isinstance(nested[0], list):
        shape.append(len(nested))
        nested = nested[0]
    return tuple(shape)


def no_stepping_in(nested):
    return tuple(len(nested) for _ in shape_loop(nested))


def counts_into_numbers(nested):
    shape = []
    while True:
        shape.append(len(nested))
        nested = nested[0]


def three_levels_only(nested):
    return (len(nested), len(nested[0]), len(nested[0][0]))


def mutates(nested):
    shape = shape_loop(nested)
    nested.clear()
    return shape


def numpy_shape(nested):
    return np.array(nested).shape


def numpy_ndim_loop(nested):
    return tuple(int(n) for n in np.shape(nested))


@pytest.mark.parametrize("func, words", [
    (reversed_shape, "reverse order"),
    (one_level_early, "stopped too early"),
    (no_stepping_in, "outermost one"),
    (lambda nested: len(shape_loop(nested)), "number of levels"),
    (lambda nested: shape_loop(nested)[0], "with the comma"),
    (lambda nested: int(np.prod(shape_loop(nested))) if len(shape_loop(nested)) > 1 else 99, "uses NumPy"),
    (lambda nested: len(nested), "the outermost list only"),
    (lambda nested: list(shape_loop(nested)), "as a list"),
    (lambda nested: shape_loop(nested) + (1,), "more levels"),
    (counts_into_numbers, "isinstance"),
    (three_levels_only, "TypeError"),
    (mutates, "changed the list"),
    (numpy_shape, "uses NumPy"),
    (numpy_ndim_loop, "uses NumPy"),
    (lambda nested: "(4,)", "text"),
    (lambda nested: (4.0,), "whole number"),
    (lambda nested: {"shape": (4,)}, "dict"),
    (lambda nested: (5,), "should be (1, 3)"),
    (lambda nested: shape_loop(nested) if len(nested) != 4 else (4, 1), "should be (4,)"),
])
def test_shape_of_names_the_mistake(func, words):
    ok, message = verdict(check_shape_of(func))
    assert not ok
    assert words in message, message


def size_instead(nested):
    total = 1
    for n in shape_loop(nested):
        total *= n
    return total


def test_shape_of_names_size_for_a_product():
    ok, message = verdict(check_shape_of(size_instead))
    assert not ok and "number of entries" in message, message


@pytest.mark.parametrize("answer", [20, "shape_of", [1, 2, 3], {"a": 1}])
def test_shape_of_rejects_non_functions(answer):
    ok, message = verdict(check_shape_of(answer))
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
        for check in (check_shape_of, check_layer_output, check_predicted_shapes):
            result = check(answer)
            assert type(result).__name__ == "CheckResult" and not result


from nnfs_helpers.exercises import nb02  # noqa: E402


# --- Transposed inputs: diagnosed as such (the earlier check said to use np.dot) -------------------

@pytest.mark.parametrize("transposed", [
    lambda inputs, weights, biases: np.dot(inputs.T, weights) + biases,
    lambda inputs, weights, biases: np.dot(np.transpose(inputs), weights) + biases,
    lambda inputs, weights, biases: np.dot(weights, inputs.T).T + biases[:, None],
])
def test_layer_output_diagnoses_transposed_inputs(transposed):
    result = nb02.check_layer_output(transposed)
    assert not result.passed
    assert "transposed the inputs" in result.message, result.message


def test_layer_output_accepts_a_transpose_of_the_inputs_that_gives_the_right_answer():
    result = nb02.check_layer_output(lambda inputs, weights, biases: np.dot(weights, inputs.T).T + biases)
    assert result.passed, result.message
