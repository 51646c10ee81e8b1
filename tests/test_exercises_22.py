"""The checks of notebook 22 accept right answers and name the typical mistakes."""

import numpy as np
import pytest

from nnfs_helpers.exercises import nb22
from nnfs_helpers.exercises.nb22 import check_batchnorm_dinputs, check_batchnorm_verdict
from nnfs_helpers.network import Layer_BatchNorm, numerical_gradient

from check_results import verdict


@pytest.fixture(autouse=True)
def short_timeout(monkeypatch):
    monkeypatch.setattr(nb22, "TIMEOUT", 2.0)


# --- Exercise 1 ------------------------------------------------------------------------------

def staged(inputs, d, epsilon):
    samples = len(inputs)
    mean = inputs.mean(axis=0, keepdims=True)
    var = inputs.var(axis=0, keepdims=True)
    inv_std = 1 / np.sqrt(var + epsilon)
    dvar = np.sum(d * (inputs - mean), axis=0, keepdims=True) * -0.5 * inv_std ** 3
    dmean = -inv_std * np.sum(d, axis=0, keepdims=True)
    return d * inv_std + dmean / samples + dvar * 2 * (inputs - mean) / samples


def compact(inputs, d, epsilon):
    n = len(inputs)
    inv_std = 1 / np.sqrt(inputs.var(axis=0) + epsilon)
    xhat = (inputs - inputs.mean(axis=0)) * inv_std
    return inv_std / n * (n * d - d.sum(axis=0) - xhat * (d * xhat).sum(axis=0))


def variant(mean_path=True, variance_path=True, per=None, ddof=0, var_factor=1.0, var_sign=-1.0, axis=0):
    def function(inputs, d, epsilon):
        n = len(inputs)
        divisor = n if per is None else per(n)
        mean = inputs.mean(axis=0, keepdims=True)
        inv_std = 1 / np.sqrt(inputs.var(axis=0, ddof=ddof, keepdims=True) + epsilon)
        xhat = (inputs - mean) * inv_std
        total = d * inv_std
        if variance_path:
            total = total + var_sign * var_factor * inv_std * xhat * np.sum(d * xhat, axis=axis, keepdims=True) / divisor
        if mean_path:
            total = total - inv_std * np.sum(d, axis=axis, keepdims=True) / divisor
        return total
    return function


def library(inputs, d, epsilon):
    layer = Layer_BatchNorm(inputs.shape[1], epsilon=epsilon)
    layer.forward(inputs)
    layer.backward(d)
    return layer.dinputs


def finite_differences(inputs, d, epsilon):
    x = inputs.copy()
    return numerical_gradient(lambda: np.sum(d * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + epsilon)), x)


@pytest.mark.parametrize("function", [staged, compact])
def test_right_dinputs_pass(function):
    passed, message = verdict(check_batchnorm_dinputs(function))
    assert passed, message
    assert "finite differences" in message


@pytest.mark.parametrize("function, phrase", [
    (variant(mean_path=False, variance_path=False), "the shortcut"),
    (variant(mean_path=False), "path through the mean is missing"),
    (variant(variance_path=False), "path through the variance is missing"),
    (variant(per=lambda n: 1), "the 1/N is missing"),
    (variant(ddof=1), "unbiased variance"),
    (variant(per=lambda n: n - 1), "divided by N - 1"),
    (variant(var_factor=2.0), "twice too large"),
    (variant(var_sign=1.0), "wrong sign"),
    (variant(axis=1), "over the features"),
    (lambda inputs, d, epsilon: d, "dnormalised unchanged"),
    (lambda inputs, d, epsilon: staged(inputs, d, 0.0), "epsilon is left out"),
    (lambda inputs, d, epsilon: staged(inputs.astype(np.float32), d.astype(np.float32), epsilon), "float32"),
    (finite_differences, "finite-difference estimate"),
    (library, "finished Layer_BatchNorm.backward"),
    (lambda inputs, d, epsilon: compact(inputs, d, epsilon) * 1.1, "three paths"),
    (lambda inputs, d, epsilon: compact(inputs, d, epsilon)[:, 0], "shape"),
])
def test_typical_dinputs_mistakes_are_named(function, phrase):
    passed, message = verdict(check_batchnorm_dinputs(function))
    assert not passed and phrase in message, message


def unstable_variance(inputs, d, epsilon):
    """The right formula, with the variance as mean(x**2) - mean**2: it cancels on the second feature."""
    samples = len(inputs)
    mean = inputs.mean(axis=0, keepdims=True)
    var = np.mean(inputs ** 2, axis=0, keepdims=True) - mean ** 2
    inv_std = 1 / np.sqrt(var + epsilon)
    dvar = np.sum(d * (inputs - mean), axis=0, keepdims=True) * -0.5 * inv_std ** 3
    dmean = -inv_std * np.sum(d, axis=0, keepdims=True)
    return d * inv_std + dmean / samples + dvar * 2 * (inputs - mean) / samples


def test_an_unstable_variance_passes_with_its_cause_named():
    # Right in exact arithmetic, about 1e-12 from the exact gradient in float64 (a stable formula: 1e-16).
    # It used to fail as "the size of a finite-difference estimate's own error, or of float32 rounding".
    passed, message = verdict(check_batchnorm_dinputs(unstable_variance))
    assert passed, message
    assert "mean(x**2) - mean**2" in message and "inputs.var(axis=0)" in message, message
    assert "finite-difference" not in message and "float32" not in message, message


@pytest.mark.parametrize("function", [
    finite_differences,
    lambda inputs, d, epsilon: finite_differences(inputs - inputs.mean(axis=0), d, epsilon),
    lambda inputs, d, epsilon: staged(inputs.astype(np.float32), d.astype(np.float32), epsilon),
    lambda inputs, d, epsilon: unstable_variance(inputs, d, epsilon) * (1 + 1e-8),
])
def test_only_an_answer_exact_on_a_centred_batch_is_called_unstable(function):
    passed, message = verdict(check_batchnorm_dinputs(function))
    assert not passed and "mean(x**2) - mean**2" not in message, message


def test_the_notebooks_own_class_is_caught_too():
    class Layer_BatchNorm:  # a copy of the class in the learner's namespace
        backward = library

    namespace = {"Layer_BatchNorm": Layer_BatchNorm, "np": np}
    exec("def answer(inputs, d, epsilon):\n    return Layer_BatchNorm.backward(None, d)", namespace)
    passed, message = verdict(check_batchnorm_dinputs(namespace["answer"]))
    assert not passed and "finished Layer_BatchNorm.backward" in message, message
    assert Layer_BatchNorm.backward is library


def test_library_backward_is_restored_after_the_check():
    check_batchnorm_dinputs(library)
    inputs = np.random.default_rng(0).normal(size=(5, 2))
    assert np.allclose(library(inputs, np.ones_like(inputs), 1e-5), 0, atol=1e-9)


def stub(inputs, dnormalised, epsilon):
    return ...


@pytest.mark.parametrize("function", [stub, lambda *a: None, None, ...])
def test_dinputs_stub_is_not_solved(function):
    passed, message = verdict(check_batchnorm_dinputs(function))
    assert not passed and "Not solved yet" in message, message


@pytest.mark.parametrize("function", [
    lambda *a: 1 / 0, lambda *a: "text", lambda *a: [[1, 2], [3]], lambda *a: np.full((7, 3), np.nan), 42,
    lambda inputs: inputs,
])
def test_broken_dinputs_do_not_crash(function):
    passed, message = verdict(check_batchnorm_dinputs(function))
    assert not passed and "Not solved yet" not in message, message


# --- Exercise 2 ------------------------------------------------------------------------------

RATES = (0.005, 0.02, 0.08)
# Validation: plain is best at 0.02 on the mean, but seed 0 alone prefers 0.005; batch norm is best at 0.005.
VALIDATION = {"plain": {0.005: [0.86, 0.80, 0.80], 0.02: [0.84, 0.84, 0.84], 0.08: [0.70, 0.75, 0.78]},
              "batch norm": {0.005: [0.86, 0.85, 0.86], 0.02: [0.84, 0.85, 0.83], 0.08: [0.80, 0.78, 0.77]}}
# Test: at the chosen rates batch norm leads by 0.02 with a standard error of about 0.0125: more than one
# standard error, less than two. On the test set plain would prefer 0.08.
TEST = {"plain": {0.005: [0.80, 0.80, 0.80], 0.02: [0.81, 0.83, 0.85], 0.08: [0.87, 0.86, 0.87]},
        "batch norm": {0.005: [0.84, 0.86, 0.85], 0.02: [0.84, 0.85, 0.84], 0.08: [0.79, 0.78, 0.77]}}
RIGHT_RATES = {"plain": 0.02, "batch norm": 0.005}


def test_right_verdict_passes():
    assert verdict(check_batchnorm_verdict(dict(RIGHT_RATES), False, VALIDATION, TEST))[0]
    assert verdict(check_batchnorm_verdict(dict(RIGHT_RATES), np.bool_(False), VALIDATION, TEST))[0]


def test_a_clear_win_is_a_win():
    test = {"plain": TEST["plain"], "batch norm": {**TEST["batch norm"], 0.005: [0.90, 0.91, 0.90]}}
    assert verdict(check_batchnorm_verdict(dict(RIGHT_RATES), True, VALIDATION, test))[0]
    passed, message = verdict(check_batchnorm_verdict(dict(RIGHT_RATES), False, VALIDATION, test))
    assert not passed and "own chosen rate" in message, message


def test_a_loss_called_a_win_is_named():
    test = {"plain": TEST["plain"], "batch norm": {**TEST["batch norm"], 0.005: [0.78, 0.79, 0.78]}}
    passed, message = verdict(check_batchnorm_verdict(dict(RIGHT_RATES), True, VALIDATION, test))
    assert not passed and "standard error of a difference" in message, message


@pytest.mark.parametrize("rates, answer, phrase", [
    ({"plain": 0.08, "batch norm": 0.005}, False, "chose on the test set"),
    ({"plain": 0.005, "batch norm": 0.005}, False, "followed one seed"),
    ({"plain": 0.01, "batch norm": 0.005}, False, "not one of the rates"),
    ({"plain": "fast", "batch norm": 0.005}, False, "should be a learning rate"),
    (RIGHT_RATES, True, "one standard error"),
    (RIGHT_RATES, "no", "True or False"),
])
def test_typical_verdict_mistakes_are_named(rates, answer, phrase):
    passed, message = verdict(check_batchnorm_verdict(dict(rates), answer, VALIDATION, TEST))
    assert not passed and phrase in message, message


def test_gap_above_zero_is_not_enough():
    test = {"plain": TEST["plain"], "batch norm": {**TEST["batch norm"], 0.005: [0.83, 0.84, 0.83]}}
    # gap about +0.003 with se about 0.0125: above 0, below one standard error
    passed, message = verdict(check_batchnorm_verdict(dict(RIGHT_RATES), True, VALIDATION, test))
    assert not passed and "above 0 is not enough" in message, message


@pytest.mark.parametrize("rates, answer", [
    ({"plain": ..., "batch norm": ...}, ...),
    ({"plain": 0.02, "batch norm": ...}, ...),
    (RIGHT_RATES, ...),
    (..., ...),
])
def test_verdict_stub_is_not_solved(rates, answer):
    passed, message = verdict(check_batchnorm_verdict(rates if rates is ... else dict(rates), answer,
                                                      VALIDATION, TEST))
    assert not passed and "Not solved yet" in message, message


@pytest.mark.parametrize("rates, answer", [([0.02, 0.005], False), ("0.02", False), (None, None), ({}, False)])
def test_broken_verdicts_do_not_crash(rates, answer):
    passed, message = verdict(check_batchnorm_verdict(rates, answer, VALIDATION, TEST))
    assert not passed, message
