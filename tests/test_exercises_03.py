"""The checks of notebook 03 accept right answers and name the typical mistakes."""

import math
import warnings

import numpy as np
import pytest

from nnfs_helpers.checking import NOT_SOLVED
from nnfs_helpers.exercises import nb03

from check_results import verdict


# --- Exercise 3 (optional): stable sigmoid -----------------------------------------------------------

def stable_sigmoid(z):
    small = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + small), small / (1 + small))


def naive_sigmoid(z):
    return 1 / (1 + np.exp(-z))


def where_sigmoid(z):  # both branches are computed: overflows although the values are right
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))


def test_sigmoid_accepts_a_stable_version():
    ok, message = verdict(nb03.check_stable_sigmoid(stable_sigmoid))
    assert ok, message


def test_sigmoid_accepts_a_masked_version():
    def masked(z):
        out = np.empty_like(z, dtype=float)
        positive = z >= 0
        out[positive] = 1 / (1 + np.exp(-z[positive]))
        e = np.exp(z[~positive])
        out[~positive] = e / (1 + e)
        return out
    assert nb03.check_stable_sigmoid(masked)


def test_sigmoid_stub_is_not_solved():
    def stub(z):
        ...
    ok, message = verdict(nb03.check_stable_sigmoid(stub))
    assert not ok and message.startswith(NOT_SOLVED)
    assert not nb03.check_stable_sigmoid(...)
    assert NOT_SOLVED in nb03.check_stable_sigmoid(None).message


@pytest.mark.parametrize("wrong, words", [
    (naive_sigmoid, "overflow"),
    (where_sigmoid, "both of its branches"),
    (lambda z: 1 / (1 + np.exp(z)), "Sign error"),
    (lambda z: 1 / np.exp(-z), "`1 +` is missing"),
    (lambda z: 1 / (1 - np.exp(-z)), "1 - e^-z"),
    (lambda z: np.exp(z) / (1 + np.exp(z)), "NaN"),
    (lambda z: 1 / (1 + math.exp(-z)), "np.exp"),
    (lambda z: 1 / (1 + np.exp(-z[0])), "one number"),
    (lambda z: naive_sigmoid(z)[:3], "shape"),
    (lambda z: "sigmoid", "numbers"),
    (lambda z: 1 / 0, "ZeroDivisionError"),
])
def test_sigmoid_names_the_mistake(wrong, words):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the check must not leak warnings either
        ok, message = verdict(nb03.check_stable_sigmoid(wrong))
    assert not ok
    assert words in message, message


# Silencing the overflow warning does not avoid the overflow: the check must still reject it.

def errstate_sigmoid(z):
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-z))


def errstate_all_where_sigmoid(z):
    with np.errstate(all="ignore"):
        return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))


def seterr_sigmoid(z):
    old = np.seterr(over="ignore")
    try:
        return 1 / (1 + np.exp(-z))
    finally:
        np.seterr(**old)


def warnings_filter_sigmoid(z):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return 1 / (1 + np.exp(-z))


def hidden_errstate_sigmoid(z):  # no telltale name in the code: only the overflow itself shows
    quiet = getattr(np, "err" + "state")
    with quiet(over="ignore"):
        return 1 / (1 + np.exp(-z))


@pytest.mark.parametrize("silenced", [errstate_sigmoid, errstate_all_where_sigmoid, seterr_sigmoid,
                                      warnings_filter_sigmoid, hidden_errstate_sigmoid])
def test_sigmoid_rejects_a_silenced_overflow(silenced):
    ok, message = verdict(nb03.check_stable_sigmoid(silenced))
    assert not ok
    assert "still overflowed" in message and "stops NumPy telling you" in message, message
    assert not isinstance(np.exp, nb03._ExpSpy), "np.exp is restored"


def test_sigmoid_names_the_silencer():
    ok, message = verdict(nb03.check_stable_sigmoid(errstate_sigmoid))
    assert "np.errstate" in message, message
    ok, message = verdict(nb03.check_stable_sigmoid(warnings_filter_sigmoid))
    assert "warnings" in message, message


def test_sigmoid_accepts_a_stable_version_with_a_harmless_errstate():
    def careful(z):
        with np.errstate(over="ignore"):
            return stable_sigmoid(z)
    ok, message = verdict(nb03.check_stable_sigmoid(careful))
    assert ok, message


def test_sigmoid_check_restores_np_exp_even_when_the_answer_raises():
    original = np.exp
    nb03.check_stable_sigmoid(lambda z: 1 / 0)
    nb03.check_stable_sigmoid(errstate_sigmoid)
    assert np.exp is original


def test_sigmoid_rejects_changing_the_input():
    def in_place(z):
        small = np.exp(-np.abs(z))
        result = np.where(z >= 0, 1 / (1 + small), small / (1 + small))
        z[:] = 0
        return result
    ok, message = verdict(nb03.check_stable_sigmoid(in_place))
    assert not ok and "changed the array" in message


def test_sigmoid_check_handles_a_non_function():
    ok, message = verdict(nb03.check_stable_sigmoid(3))
    assert not ok and "expected a function" in message


# --- Exercise 1: ramp from a ReLU pair --------------------------------------------------

def test_ramp_accepts_the_right_pair():
    ok, message = verdict(nb03.check_ramp_pair(1.25, -0.25, -0.75))
    assert ok, message
    assert nb03.check_ramp_pair(np.float32(1.25), np.array(-0.25), [-0.75])


def test_ramp_stub_is_not_solved():
    ok, message = verdict(nb03.check_ramp_pair(..., ..., ...))
    assert not ok and message.startswith(NOT_SOLVED)


@pytest.mark.parametrize("answer, words", [
    ((1.25, 0.25, 0.75), "Sign error"),
    ((1.25, -0.75, -0.25), "swapped"),
    ((1.25, -0.2, -0.6), "b = -w * x_kink"),
    ((0.5, -0.1, -0.3), "slope (the weight)"),
    ((1.25, -0.5, -1.0), "slope is right"),
    ((-1.25, 0.25, 0.75), "negative"),
    ((0, 0, 0), "constant"),
    ((2.0, -1.0, -3.0), "rise / run"),
    (([1.0, 2.0], -0.25, -0.75), "one number"),
    (("1.25", -0.25, -0.75), "numbers"),
    ((float("nan"), -0.25, -0.75), "ordinary number"),
])
def test_ramp_names_the_mistake(answer, words):
    ok, message = verdict(nb03.check_ramp_pair(*answer))
    assert not ok
    assert words in message, message


def test_ramp_pair_output_is_the_pair():
    x = np.array([0.0, 0.2, 0.4, 0.6, 1.0])
    np.testing.assert_allclose(nb03.ramp_pair_output(x, 1.25, -0.25, -0.75), [0, 0, 0.25, 0.5, 0.5])


# --- Exercise 2: ReLU with a mask -------------------------------------------------------

@pytest.mark.parametrize("right", [
    lambda inputs: np.where(inputs > 0, inputs, 0),
    lambda inputs: inputs * (inputs > 0),
    lambda inputs: [[value if value > 0 else 0 for value in row] for row in inputs],
    lambda inputs: inputs.clip(min=0),
])
def test_relu_accepts_right_answers(right):
    ok, message = verdict(nb03.check_relu_with_mask(right))
    assert ok, message


def test_relu_stub_is_not_solved():
    def stub(inputs):
        ...
    ok, message = verdict(nb03.check_relu_with_mask(stub))
    assert not ok and message.startswith(NOT_SOLVED)


def in_place(inputs):
    inputs[inputs < 0] = 0
    return inputs


@pytest.mark.parametrize("wrong, words", [
    (lambda inputs: inputs > 0, "mask itself"),
    (lambda inputs: (inputs > 0).astype(float), "mask as numbers"),
    (np.abs, "absolute values"),
    (lambda inputs: np.minimum(inputs, 0), "wrong way round"),
    (lambda inputs: np.where(inputs > 1, inputs, 0), "cut off at 1"),
    (lambda inputs: np.where(inputs > 0, inputs, 0).ravel(), "flat"),
    (lambda inputs: np.where(inputs > 0, inputs, -1), "not every negative"),
    (lambda inputs: np.where(inputs > 0, 2 * inputs, 0), "positive values must pass"),
    (in_place, "changed the array"),
    (lambda inputs: np.maximum(0, inputs), "np.maximum"),
    (lambda inputs: max(0, inputs), "boolean mask"),
    (lambda inputs: np.where(inputs > 0, inputs, 0).T, "transposed"),
    (lambda inputs: None, NOT_SOLVED),
])
def test_relu_names_the_mistake(wrong, words):
    ok, message = verdict(nb03.check_relu_with_mask(wrong))
    assert not ok
    assert words in message, message


def test_relu_check_restores_np_maximum():
    original = np.maximum
    nb03.check_relu_with_mask(lambda inputs: np.maximum(0, inputs))
    nb03.check_relu_with_mask(lambda inputs: 1 / 0)
    assert np.maximum is original


def test_checks_never_raise_on_odd_answers():
    for odd in (None, ..., 3, "text", [1, 2], {"a": 1}, lambda *a: 1 / 0, lambda *a: np.nan):
        for check in (nb03.check_stable_sigmoid, nb03.check_relu_with_mask):
            assert not check(odd)
        assert not nb03.check_ramp_pair(odd, odd, odd)


# --- Loopholes and diagnoses added later: each of these failed on the earlier checks ---------------

def test_relu_diagnoses_np_max_without_crashing():
    ok, message = verdict(nb03.check_relu_with_mask(lambda inputs: np.max(inputs, axis=0)))
    assert not ok
    assert "np.max" in message and "mask" in message, message
    assert "attribute" not in message and "_MaximumSpy" not in message, message


def test_relu_refuses_np_max_over_a_stack_as_np_maximum_in_disguise():
    ok, message = verdict(nb03.check_relu_with_mask(
        lambda inputs: np.max(np.stack([inputs, np.zeros_like(inputs)]), axis=0)))
    assert not ok
    assert "disguise" in message, message


def test_relu_accepts_a_mask_answer_that_also_calls_np_max():
    ok, message = verdict(nb03.check_relu_with_mask(lambda inputs: inputs * (inputs > 0 * np.max(inputs))))
    assert ok, message


def test_relu_check_restores_np_maximum_after_np_max():
    original = np.maximum
    nb03.check_relu_with_mask(lambda inputs: np.max(inputs, axis=0))
    assert np.maximum is original


def _imported_exp_namespace():
    """A learner's namespace after `from numpy import exp` (and `from numpy import errstate`)."""
    namespace = {"np": np, "exp": np.exp, "errstate": np.errstate}
    exec("def imported_exp_sigmoid(z):\n"
         "    with np.errstate(over='ignore'):\n"
         "        return 1 / (1 + exp(-z))\n"
         "def imported_errstate_sigmoid(z):\n"
         "    with errstate(all='ignore'):\n"
         "        return 1 / (1 + exp(-z))\n"
         "def imported_stable_sigmoid(z):\n"
         "    small = exp(-np.abs(z))\n"
         "    return np.where(z >= 0, 1 / (1 + small), small / (1 + small))\n", namespace)
    return namespace


@pytest.mark.parametrize("name", ["imported_exp_sigmoid", "imported_errstate_sigmoid"])
def test_sigmoid_rejects_a_silenced_overflow_through_an_imported_exp(name):
    namespace = _imported_exp_namespace()
    ok, message = verdict(nb03.check_stable_sigmoid(namespace[name]))
    assert not ok, message
    assert "overflow" in message, message
    assert namespace["exp"] is np.exp and namespace["errstate"] is np.errstate, "the learner's names are restored"
    assert not isinstance(np.exp, nb03._ExpSpy) and np.errstate is not nb03._NoErrstate


def test_sigmoid_accepts_a_stable_version_through_an_imported_exp():
    ok, message = verdict(nb03.check_stable_sigmoid(_imported_exp_namespace()["imported_stable_sigmoid"]))
    assert ok, message


def test_sigmoid_rejects_a_silenced_overflow_in_a_power():
    def power_sigmoid(z):
        with np.errstate(over="ignore"):
            return 1 / (1 + np.e ** (-z))
    ok, message = verdict(nb03.check_stable_sigmoid(power_sigmoid))
    assert not ok, message
    assert "overflow" in message, message


def test_sigmoid_check_restores_errstate_and_seterr_even_when_the_answer_raises():
    originals = (np.exp, np.errstate, np.seterr)
    nb03.check_stable_sigmoid(lambda z: 1 / 0)
    nb03.check_stable_sigmoid(errstate_sigmoid)
    assert (np.exp, np.errstate, np.seterr) == originals
