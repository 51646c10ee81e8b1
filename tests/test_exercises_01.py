"""The checks of notebook 01 accept right answers and name the typical mistakes."""

import numpy as np
import pytest

from nnfs_helpers import restore_numpy, setup
from nnfs_helpers.checking import NOT_SOLVED
from nnfs_helpers.exercises.nb01 import (check_line_through_points, check_neuron_output,
                                         check_output_change, numpy_used_by)


def verdict(result):
    assert type(result).__name__ == "CheckResult"
    return bool(result), result.message


# --- Exercise 1: neuron_output -------------------------------------------------------------

def right_loop(inputs, weights, bias):
    total = 0.0
    for x, w in zip(inputs, weights):
        total += x * w
    return total + bias


def right_by_index(inputs, weights, bias):
    total = bias
    for i in range(len(inputs)):
        total = total + inputs[i] * weights[i]
    return total


def right_with_helper(inputs, weights, bias):
    return right_loop(inputs, weights, bias)


@pytest.mark.parametrize("func", [right_loop, right_by_index, right_with_helper,
                                  lambda x, w, b: sum(a * c for a, c in zip(x, w)) + b])
def test_neuron_output_accepts_right_answers(func):
    ok, message = verdict(check_neuron_output(func))
    assert ok, message


# The exercise says "without NumPy": a NumPy answer gives the right number, so the check must
# see NumPy at work, in the code (np.dot, numpy.dot, from numpy import dot, a helper that uses
# np) or in the type of the answer (a NumPy scalar), whatever the reproducible setup does.

def right_numpy(inputs, weights, bias):
    return np.dot(inputs, weights) + bias


def numpy_as_float(inputs, weights, bias):
    return float(np.dot(inputs, weights)) + bias


def numpy_imported_inside(inputs, weights, bias):
    import numpy
    return float(numpy.sum(numpy.array(inputs) * numpy.array(weights))) + bias


def numpy_in_a_helper(inputs, weights, bias):
    return float(right_numpy(inputs, weights, bias))


def numpy_in_a_nested_function(inputs, weights, bias):
    def products():
        return np.multiply(inputs, weights)
    return float(sum(products())) + bias


def numpy_array_in_a_loop(inputs, weights, bias):
    total = 0.0
    for x, w in zip(np.asarray(inputs), weights):
        total += x * w
    return float(total + bias)


NUMPY_ANSWERS = [right_numpy, numpy_as_float, numpy_imported_inside, numpy_in_a_helper,
                 numpy_in_a_nested_function, numpy_array_in_a_loop,
                 lambda x, w, b: float(np.dot(x, w) + b)]


@pytest.mark.parametrize("func", NUMPY_ANSWERS)
@pytest.mark.parametrize("reproducible", [False, True])
def test_neuron_output_rejects_numpy_with_a_clear_message(func, reproducible):
    if reproducible:
        setup()
    try:
        ok, message = verdict(check_neuron_output(func))
    finally:
        restore_numpy()
    assert not ok
    assert "uses NumPy" in message and "plain Python" in message, message


def test_neuron_output_rejects_a_numpy_result_that_the_code_hides():
    hidden = {"dot": __import__("numpy").dot}
    exec("def neuron_output(inputs, weights, bias):\n    return globals()['dot'](inputs, weights) + bias",
         hidden)
    ok, message = verdict(check_neuron_output(hidden["neuron_output"]))
    assert not ok and "returned a NumPy" in message, message


def test_numpy_detector_sees_only_numpy():
    from numpy import dot
    assert numpy_used_by(right_loop) == [] and numpy_used_by(right_with_helper) == []
    assert numpy_used_by(right_numpy) == ["np"]
    assert numpy_used_by(lambda a, b: dot(a, b)) == ["dot"]
    assert numpy_used_by(numpy_imported_inside) == ["numpy"]
    assert numpy_used_by(print) == [] and numpy_used_by(42) == [] and numpy_used_by(None) == []


def stub(inputs, weights, bias):
    ...


def forgot_return(inputs, weights, bias):
    total = sum(x * w for x, w in zip(inputs, weights)) + bias  # noqa: F841


@pytest.mark.parametrize("answer", [stub, forgot_return, None, ...])
def test_neuron_output_stub_is_not_solved(answer):
    ok, message = verdict(check_neuron_output(answer))
    assert not ok and message.startswith(NOT_SOLVED)


def bias_in_loop(inputs, weights, bias):
    total = 0.0
    for x, w in zip(inputs, weights):
        total += x * w + bias
    return total


def assign_not_add(inputs, weights, bias):
    for x, w in zip(inputs, weights):
        total = x * w
    return total + bias


def three_terms(inputs, weights, bias):
    return inputs[0] * weights[0] + inputs[1] * weights[1] + inputs[2] * weights[2] + bias


def mutates(inputs, weights, bias):
    for i, w in enumerate(weights):
        inputs[i] *= w
    return sum(inputs) + bias


@pytest.mark.parametrize("func, words", [
    (lambda x, w, b: sum(a * c for a, c in zip(x, w)), "forgot the bias"),
    (lambda x, w, b: [a * c for a, c in zip(x, w)], "did not add the products up"),
    (lambda x, w, b: [a * c + b for a, c in zip(x, w)], "never summed"),
    (bias_in_loop, "once per input"),
    (lambda x, w, b: x[0] * w[0] + b, "only the first input"),
    (assign_not_add, "total += "),
    (lambda x, w, b: sum(x) * sum(w) + b, "sum of the inputs by the sum of the weights"),
    (lambda x, w, b: sum(x) + sum(w) + b, "added inputs and weights"),
    (lambda x, w, b: sum(a * c for a, c in zip(x, w)) * b, "multiplied by the bias"),
    (lambda x, w, b: sum(a * c for a, c in zip(x, w)) - b, "subtracted the bias"),
    (lambda x, w, b: sum(x) + b, "ignores the weights"),
    (three_terms, "any number of inputs"),
    (lambda x, w, b: x[0] * w[0] + x[1] * w[1] + x[2] * w[2] + x[3] * w[3] + b, "any number"),
    (mutates, "changed the lists"),
])
def test_neuron_output_names_the_mistake(func, words):
    ok, message = verdict(check_neuron_output(func))
    assert not ok
    assert words in message, message


def raises(inputs, weights, bias):
    raise ValueError("oops")


@pytest.mark.parametrize("func, words", [
    (raises, "raised ValueError: oops"),
    (lambda x, w, b: "2.3", "should be numbers"),
    (lambda x, w, b: float("nan"), "NaN"),
    (lambda x, w, b: float("inf"), "infinity"),
    (lambda x, w, b: {"output": 2.3}, "should be numbers"),
    (lambda x, w, b: [[1, 2], [3]], "could not be read"),
    (lambda x, w, b: 7.0, "should be"),
    (lambda: 2.3, "raised TypeError"),
    ("neuron_output", "expected a function"),
    (42, "expected a function"),
])
def test_neuron_output_never_raises_on_bad_answers(func, words):
    ok, message = verdict(check_neuron_output(func))
    assert not ok
    assert words in message, message


# --- Exercise 2: a line through (1, 4) and (3, 0) ------------------------------------------

@pytest.mark.parametrize("weight, bias", [(-2, 6), (-2.0, 6.0), (np.float32(-2), np.int64(6)),
                                          (np.array(-2.0), 6), ([-2.0], 6)])
def test_line_accepts_right_answer(weight, bias):
    ok, message = verdict(check_line_through_points(weight, bias))
    assert ok, message


@pytest.mark.parametrize("weight, bias", [(..., ...), (None, None), (-2, ...), (..., 6)])
def test_line_stub_is_not_solved(weight, bias):
    ok, message = verdict(check_line_through_points(weight, bias))
    assert not ok and message.startswith(NOT_SOLVED)


@pytest.mark.parametrize("weight, bias, words", [
    (6, -2, "swapped"),
    (2, 2, "sign of the weight"),
    (-0.5, 4.5, "divided the change in x"),
    (-2, 4, "output at x = 0"),
    (-2, 0, "no bias"),
    (-2, -6, "wrong sign"),
    (-2, 5, "now shift the line"),
    (-1, 6, "bias is right"),
    (-3, 1, "Start with the weight"),
])
def test_line_names_the_mistake(weight, bias, words):
    ok, message = verdict(check_line_through_points(weight, bias))
    assert not ok
    assert words in message, message
    assert "Your line gives" in message or "swapped" in message


@pytest.mark.parametrize("weight, bias, words", [
    ("-2", 6, "without quotes"),
    (-2, "6", "without quotes"),
    (True, 6, "True/False"),
    (float("nan"), 6, "NaN"),
    (-2, float("inf"), "infinite"),
    ([-2, 6], 6, "one number"),
    ({"w": -2}, 6, "should be numbers"),
    (1 + 2j, 6, "could not"),
])
def test_line_never_raises_on_bad_answers(weight, bias, words):
    ok, message = verdict(check_line_through_points(weight, bias))
    assert not ok
    assert words in message, message


# --- Exercise 3: output change of example B -------------------------------------------------

def test_output_change_accepts_right_answer():
    setup()
    try:
        inputs = np.array([1.0, 2.0, 3.0, 2.5])
        weights = np.array([0.2, 0.8, -0.5, 1.0])
        before = np.dot(inputs, weights) + 2.0
        inputs[2] = 4.0
        after = np.dot(inputs, weights) + 2.0
        change = after - before
    finally:
        restore_numpy()
    assert isinstance(change, np.float32)
    for answer in (change, -0.5, [-0.5], np.array([-0.5])):
        ok, message = verdict(check_output_change(answer))
        assert ok, message


@pytest.mark.parametrize("answer", [..., None])
def test_output_change_stub_is_not_solved(answer):
    ok, message = verdict(check_output_change(answer))
    assert not ok and message.startswith(NOT_SOLVED)


@pytest.mark.parametrize("answer, words", [
    (4.3, "new output"),
    (4.8, "old output"),
    (0.5, "Wrong sign"),
    (1.0, "how much the input changed"),
    (1.5, "fourth input"),
    (1.6, "second input"),
    (-0.7, "should be -0.5"),
    ("-0.5", "should be numbers"),
    (float("nan"), "NaN"),
    ([4.8, 4.3], "one number"),
    (np.zeros((2, 2)), "one number"),
    ([["a"]], "could not be read"),
])
def test_output_change_names_the_mistake(answer, words):
    ok, message = verdict(check_output_change(answer))
    assert not ok
    assert words in message, message


def test_checks_show_as_html_and_text():
    result = check_line_through_points(-2, 6)
    assert "Correct" in result._repr_html_()
    assert repr(result).startswith("[Correct]")
    assert repr(check_output_change(None)).startswith("[Not yet]")
