"""The checks of notebook 06 accept right answers and name the typical wrong ones."""

import numpy as np
import pytest

from nnfs_helpers.checking import NOT_SOLVED
from nnfs_helpers.exercises import nb06


def assert_passes(result):
    assert result.passed, result.message
    assert repr(result).startswith("[Correct]")


def assert_fails(result, *words):
    assert not result.passed
    assert repr(result).startswith("[Not yet]")
    for word in words:
        assert word.lower() in result.message.lower(), result.message


# --- Exercise 1: central differences -------------------------------------------------------

def central(f, x, h):
    return (f(x + h) - f(x - h)) / (2 * h)


def test_central_difference_accepts_the_right_formula():
    assert_passes(nb06.check_central_difference(central))


def test_central_difference_accepts_numpy_scalars_and_arrays():
    assert_passes(nb06.check_central_difference(lambda f, x, h: np.float64(central(f, x, h))))
    assert_passes(nb06.check_central_difference(lambda f, x, h: np.array([central(f, x, h)])))


@pytest.mark.parametrize("wrong, words", [
    (lambda f, x, h: (f(x + h) - f(x)) / h, ["forward difference"]),
    (lambda f, x, h: (f(x) - f(x - h)) / h, ["backward difference"]),
    (lambda f, x, h: (f(x - h) - f(x + h)) / (2 * h), ["wrong sign"]),
    (lambda f, x, h: (f(x + h) - f(x - h)) / h, ["2 * h"]),
    (lambda f, x, h: (f(x + h) - f(x - h)) / 2 * h, ["precedence"]),
    (lambda f, x, h: (f(x + 1e-5) - f(x - 1e-5)) / (2e-5), ["ignores", "h"]),
    (lambda f, x, h: f(x + h) - f(x - h), ["forgot to divide"]),
])
def test_central_difference_names_the_mistake(wrong, words):
    assert_fails(nb06.check_central_difference(wrong), *words)


def test_central_difference_stub_is_not_solved():
    def stub(f, x, h):
        ...
    result = nb06.check_central_difference(stub)
    assert_fails(result, NOT_SOLVED)


@pytest.mark.parametrize("answer", [None, ..., 3, "slope"])
def test_central_difference_survives_non_functions(answer):
    result = nb06.check_central_difference(answer)
    assert not result.passed


def test_central_difference_survives_exceptions_and_bad_types():
    assert_fails(nb06.check_central_difference(lambda f, x, h: 1 / 0), "ZeroDivisionError")
    assert_fails(nb06.check_central_difference(lambda f, x, h: [1.0, 2.0]), "one number")
    assert_fails(nb06.check_central_difference(lambda f, x, h: "3.01"), "str")
    assert_fails(nb06.check_central_difference(lambda f, x, h: float("nan")), "nan")


# --- Exercise 2: one gradient-descent step --------------------------------------------------

def right_step(x, y, learning_rate):
    return x - learning_rate * 2 * (x - 1), y - learning_rate * 6 * (y + 2)


def expanded_step(x, y, learning_rate):  # a correct alternative: the gradient multiplied out
    return x - learning_rate * (2 * x - 2), y - learning_rate * (6 * y + 12)


def sympy_step(x, y, learning_rate):  # a correct alternative: the gradient from SymPy
    import sympy as sp
    a, b = sp.symbols("a b")
    g = (a - 1) ** 2 + 3 * (b + 2) ** 2
    gx = float(sp.diff(g, a).subs({a: x, b: y}))
    gy = float(sp.diff(g, b).subs({a: x, b: y}))
    return x - learning_rate * gx, y - learning_rate * gy


def test_gradient_step_accepts_tuples_lists_arrays_and_other_derivations():
    assert_passes(nb06.check_gradient_step(right_step))
    assert_passes(nb06.check_gradient_step(expanded_step))
    assert_passes(nb06.check_gradient_step(sympy_step))
    assert_passes(nb06.check_gradient_step(lambda x, y, lr: list(right_step(x, y, lr))))
    assert_passes(nb06.check_gradient_step(lambda x, y, lr: np.array(right_step(x, y, lr))))


@pytest.mark.parametrize("wrong, words", [
    (lambda x, y, lr: (x - lr * 2 * x, y - lr * 6 * y), ["x**2 + 3*y**2", "shifted"]),  # transcribed
    (lambda x, y, lr: (x - lr * 2 * (x + 1), y - lr * 6 * (y - 2)), ["wrong signs"]),
    (lambda x, y, lr: (x - lr * (2 * x - 1), y - lr * (6 * y + 2)), ["whole bracket"]),
    (lambda x, y, lr: (x + lr * 2 * (x - 1), y + lr * 6 * (y + 2)), ["uphill"]),
    (lambda x, y, lr: (x - lr * (x - 1), y - lr * 3 * (y + 2)), ["factor of 2"]),
    (lambda x, y, lr: (x - lr * 6 * (x - 1), y - lr * 2 * (y + 2)), ["swapped"]),
    (lambda x, y, lr: (x - lr * 2 * (x - 1), y - lr * 2 * (y + 2)), ["6(y + 2)"]),
    (lambda x, y, lr: (x - 2 * (x - 1), y - 6 * (y + 2)), ["learning rate"]),
    (lambda x, y, lr: (2 * (x - 1), 6 * (y + 2)), ["returned the gradient"]),
    (lambda x, y, lr: (lr * 2 * (x - 1), lr * 6 * (y + 2)), ["returned the step"]),
])
def test_gradient_step_names_the_mistake(wrong, words):
    assert_fails(nb06.check_gradient_step(wrong), *words)


def test_gradient_step_other_wrong_values_name_the_case_without_giving_the_answer():
    result = nb06.check_gradient_step(lambda x, y, lr: (x - 0.3, y + 0.1))
    assert_fails(result, "gradient_step(4, -4, 0.1)", "chain rule")
    assert "3.4" not in result.message  # the right new x, 4 - 0.1 * 6


def test_gradient_step_reports_the_first_wrong_case_and_the_minimum():
    def right_only_for_first(x, y, lr):
        return right_step(x, y, lr) if x == 4.0 else (0.0, 0.0)
    assert_fails(nb06.check_gradient_step(right_only_for_first), "gradient_step(1.5, 2, 0.05)")

    def moves_at_the_minimum(x, y, lr):
        return right_step(x, y, lr) if (x, y) != (1.0, -2.0) else (x - lr, y)
    assert_fails(nb06.check_gradient_step(moves_at_the_minimum), "minimum")


def test_gradient_step_stub_and_bad_answers():
    def stub(x, y, learning_rate):
        ...
    assert_fails(nb06.check_gradient_step(stub), NOT_SOLVED)
    assert_fails(nb06.check_gradient_step(lambda x, y, lr: x - lr * 2 * x), "two numbers")
    assert_fails(nb06.check_gradient_step(lambda x, y, lr: [[x, y]]), "two numbers")
    assert_fails(nb06.check_gradient_step(lambda x, y, lr: undefined_name), "NameError")  # noqa: F821
    assert not nb06.check_gradient_step(None).passed


# --- Exercise 3: the gradient of one neuron's loss ------------------------------------------

def right_gradients(inputs, weights, bias):
    z = np.dot(weights, inputs) + bias
    output = max(z, 0.0)
    dz = 2 * output * (1.0 if z > 0 else 0.0)
    return dz * inputs, dz


def test_neuron_gradients_accepts_the_right_answer_in_several_forms():
    assert_passes(nb06.check_neuron_loss_gradients(right_gradients))
    assert_passes(nb06.check_neuron_loss_gradients(
        lambda x, w, b: [list(right_gradients(x, w, b)[0]), np.array([right_gradients(x, w, b)[1]])]))


def without_relu(x, w, b):
    z = np.dot(w, x) + b
    return 2 * z * x, 2 * z


def without_two(x, w, b):
    dweights, dbias = right_gradients(x, w, b)
    return dweights / 2, dbias / 2


def output_gradient_only(x, w, b):
    on = 1.0 if np.dot(w, x) + b > 0 else 0.0
    return on * x, on


def swapped(x, w, b):
    dweights, dbias = right_gradients(x, w, b)
    z = np.dot(w, x) + b
    return 2 * max(z, 0.0) * (z > 0) * w, dbias


def bias_one(x, w, b):
    return right_gradients(x, w, b)[0], 1.0


@pytest.mark.parametrize("wrong, words", [
    (without_relu, ["no relu", "derivative is 0"]),
    (without_two, ["factor 2"]),
    (output_gradient_only, ["gradient of the neuron's output"]),
    (swapped, ["input x_i"]),
    (bias_one, ["dbias is not 1"]),
    (lambda x, w, b: tuple(-g for g in right_gradients(x, w, b)), ["wrong sign"]),
])
def test_neuron_gradients_names_the_mistake(wrong, words):
    assert_fails(nb06.check_neuron_loss_gradients(wrong), *words)


def test_neuron_gradients_catches_in_place_changes():
    def changes_weights(x, w, b):
        result = right_gradients(x, w, b)
        w -= 0.001 * result[0]
        return result
    assert_fails(nb06.check_neuron_loss_gradients(changes_weights), "changed")


def test_neuron_gradients_stub_and_bad_answers():
    def stub(inputs, weights, bias):
        ...
    assert_fails(nb06.check_neuron_loss_gradients(stub), NOT_SOLVED)
    assert_fails(nb06.check_neuron_loss_gradients(lambda x, w, b: right_gradients(x, w, b)[0]), "two things")
    assert_fails(nb06.check_neuron_loss_gradients(lambda x, w, b: (np.ones(2), 0.0)), "shape (3,)")
    assert_fails(nb06.check_neuron_loss_gradients(lambda x, w, b: (x, [1.0, 2.0])), "one bias")
    assert_fails(nb06.check_neuron_loss_gradients(lambda x, w, b: (x, None)), "None")
    assert_fails(nb06.check_neuron_loss_gradients(lambda x, w, b: x @ np.ones((2, 2))), "ValueError")
    assert not nb06.check_neuron_loss_gradients(42).passed


def test_checks_never_raise_on_strange_answers():
    strange = [None, ..., 0, "text", [1, 2], lambda *args: {"a": 1}, lambda *args: (1, 2, 3),
               lambda *args: [[1, 2], [3]], lambda *args: float("inf")]
    for answer in strange:
        for check in (nb06.check_central_difference, nb06.check_gradient_step,
                      nb06.check_neuron_loss_gradients):
            result = check(answer)
            assert not result.passed
            assert isinstance(result.message, str) and result.message


# --- One numerical_gradient across 06 and 07 -------------------------------------------------

def test_notebook_06_defines_the_numerical_gradient_that_07_exports():
    """06 teaches numerical_gradient; 07 exports it unchanged (same signature, same h = 1e-6)."""
    import inspect
    from pathlib import Path

    import nbformat

    from nnfs_helpers import network

    path = Path(__file__).resolve().parent.parent / "notebooks" / "06_derivatives_and_gradient_descent.ipynb"
    cells = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    defining = [s for s in cells if "def numerical_gradient(" in s]
    assert len(defining) == 1, "notebook 06 defines numerical_gradient exactly once"
    source = defining[0]
    start = source.index("def numerical_gradient(")
    end = source.index("\n\n\n", start) if "\n\n\n" in source[start:] else len(source)
    exported = inspect.getsource(network.numerical_gradient).strip()
    assert source[start:end].strip() == exported


def test_quiz_has_varied_positions_and_one_answer_per_question():
    questions = nb06.quiz().questions
    assert len(questions) >= 5
    assert len({q.answer for q in questions}) == 4
    for q in questions:
        assert len(q.explanations) == len(q.options) and all(q.explanations)
