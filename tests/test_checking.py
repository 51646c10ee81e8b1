"""The check machinery turns every kind of wrong answer into a message."""

import time

import numpy as np
import pytest

from nnfs_helpers.checking import (
    NOT_SOLVED, CheckResult, LearnerError, Mistake, call_learner, compare, guarded, to_array,
)

TITLE = "Exercise"


def test_result_shows_verdict_and_is_truthy_only_when_passed():
    ok, bad = CheckResult(True, "fine", TITLE), CheckResult(False, "wrong", TITLE)
    assert ok and not bad
    assert repr(ok).startswith("[Correct]") and repr(bad).startswith("[Not yet]")
    assert "&#10004;" in ok._repr_html_() and "<script>" not in CheckResult(False, "<script>", TITLE)._repr_html_()


def test_compare_accepts_a_right_answer():
    assert compare([1.0, 2.0], np.array([1.0, 2.0]), TITLE)


@pytest.mark.parametrize("answer, phrase", [
    (None, NOT_SOLVED),
    (Ellipsis, NOT_SOLVED),
    ("1, 2", "should be numbers"),
    ({"a": 1}, "should be numbers"),
    ([[1, 2], [3]], "could not be read"),
    ([1.0, 2.0, 3.0], "shape (3,)"),
    ([[1.0], [2.0]], "shape (2, 1)"),
    ([np.nan, 2.0], "NaN"),
    ([np.inf, 2.0], "infinity"),
    ([1.0, 5.0], "at index 1"),
])
def test_compare_explains_what_is_wrong(answer, phrase):
    result = compare(answer, np.array([1.0, 2.0]), TITLE)
    assert not result and phrase in result.message


def test_compare_names_a_known_mistake():
    result = compare([3.0], [1.0], TITLE, mistakes=[Mistake([3.0], "You forgot the bias.")])
    assert not result and result.message == "You forgot the bias."
    predicate = Mistake(lambda a: a.sum() < 0, "negative")
    assert compare([-1.0], [1.0], TITLE, mistakes=[predicate]).message == "negative"


def test_shape_hints():
    assert "transposed" in compare(np.ones((3, 2)), np.ones((2, 3)), TITLE).message
    assert "keepdims" in compare(np.ones(3), np.ones((3, 1)), TITLE).message


def test_call_learner_turns_problems_into_learner_errors():
    with pytest.raises(LearnerError, match="ZeroDivisionError"):
        call_learner(lambda: 1 / 0)
    with pytest.raises(LearnerError, match="expected a function"):
        call_learner(42)
    with pytest.raises(LearnerError) as info:
        call_learner(None)
    assert info.value.unsolved

    def stub():
        raise NotImplementedError

    with pytest.raises(LearnerError) as info:
        call_learner(stub)
    assert info.value.unsolved


def test_call_learner_puts_the_context_first_and_the_matching_hint_last():
    def reads_too_far(values):
        return values[3]

    hints = {"IndexError": "Loop over the list instead.", "KeyError": "not this one"}
    with pytest.raises(LearnerError) as info:
        call_learner(reads_too_far, [1, 2], name="f", context="f([1, 2])", hints=hints)
    message = str(info.value)
    assert message.startswith("f([1, 2]): `f` raised IndexError")
    assert message.endswith("out of range. Loop over the list instead.")
    assert "not this one" not in message

    with pytest.raises(LearnerError) as info:
        call_learner(lambda: 1 / 0, context="case 2", hints=hints)
    assert str(info.value).startswith("case 2: ") and "Loop over" not in str(info.value)

    with pytest.raises(LearnerError) as info:  # not written yet: no context, still unsolved
        call_learner(None, name="f", context="f([1, 2])")
    assert info.value.unsolved and str(info.value) == "`f` is not defined yet."


def test_call_learner_stops_an_endless_loop():
    def forever():
        while True:
            pass

    start = time.perf_counter()
    with pytest.raises(LearnerError, match="did not finish"):
        call_learner(forever, timeout=0.3)
    assert time.perf_counter() - start < 3


def test_guarded_never_raises():
    @guarded(TITLE)
    def check(func):
        return compare(call_learner(func), [1.0], TITLE)

    assert check(lambda: [1.0])
    assert NOT_SOLVED in check(lambda: None).message
    assert "raised KeyError" in check(lambda: {}["x"]).message

    @guarded(TITLE)
    def broken_check(answer):
        raise RuntimeError("bug in the check")

    result = broken_check(1)
    assert not result and "could not be checked" in result.message


def test_to_array_reads_nested_lists():
    np.testing.assert_array_equal(to_array([[1, 2], [3, 4]]), [[1.0, 2.0], [3.0, 4.0]])


# --- The one runner of the value checks: check_cases and value_check ---------------------------

from nnfs_helpers.checking import check_cases, value_check  # noqa: E402

# A check as data: cases, the right value and the named mistakes of each case.
SUM_CASES = [([1.0, 2.0], 3.0), ([4.0, -1.0, 0.5], 10.0)]


def run_sum_check(func, **options):
    return check_cases(
        TITLE, func, SUM_CASES, name="weighted_sum",
        label=lambda values, weight: f"weighted_sum({values}, {weight:g})",
        expected=lambda values, weight: weight * sum(values),
        mistakes=lambda values, weight: [(sum(values), "You forgot the weight."),
                                         (weight + sum(values), "The weight multiplies the sum.")],
        hints={"TypeError": "Add numbers, not lists."}, success="right on both cases.", **options)


def test_check_cases_passes_the_right_function_with_its_success_text():
    result = run_sum_check(lambda values, weight: weight * sum(values))
    assert result and result.message == "right on both cases."


@pytest.mark.parametrize("func, phrase", [
    (lambda values, weight: sum(values), "forgot the weight"),
    (lambda values, weight: weight + sum(values), "multiplies the sum"),
    (lambda values, weight: weight * sum(values) + 1, "should be"),          # no named mistake: expected vs got
    (lambda values, weight: [weight * v for v in values], "should be one number"),
    (lambda values, weight: values + weight, "Add numbers, not lists"),       # hint by the exception's type
    (lambda values, weight: None, NOT_SOLVED),
    (None, NOT_SOLVED),
    ("sum", "expected a function"),
    (lambda values, weight: values.append(0) or weight * sum(values[:-1]), "changed the arguments"),
])
def test_check_cases_names_each_kind_of_wrong_answer(func, phrase):
    result = run_sum_check(func)
    assert not result and phrase in str(result), result


def test_check_cases_names_the_case_that_fails():
    # Right on the first case only: the second case's label is in the message.
    result = run_sum_check(lambda values, weight: 6.0 if weight == 2.0 else 0.0)
    assert not result and "weighted_sum([1.0, 2.0]" in result.message, result


def test_check_cases_together_names_a_mistake_only_when_it_explains_every_case():
    def check(func):
        return run_sum_check(func, together="your sums", shape_hint="one number")

    assert check(lambda values, weight: weight * sum(values))
    assert "forgot the weight" in check(lambda values, weight: sum(values)).message
    # Forgetting the weight in one case only is not that mistake; the first wrong case is named,
    # and its right value is not given away.
    mixed = check(lambda values, weight: sum(values) if weight == 10.0 else weight * sum(values))
    assert not mixed and "forgot the weight" not in mixed.message and "not right" in mixed.message
    assert "35" not in mixed.message
    assert "should return one number" in check(lambda values, weight: [1.0, 2.0]).message


def test_value_check_is_a_named_check_made_of_data():
    check = value_check("check_half", TITLE, 0.5, [(2.0, "That is the inverse."), (-0.5, "Wrong sign.")],
                        label="`half`", success="one half.", doc="Half of one.")
    assert check.__name__ == "check_half" and check.__module__ == __name__ and check.__doc__ == "Half of one."
    assert check(0.5).message == "one half." and check([0.5])
    assert check(2).message == "That is the inverse." and check(-0.5).message == "Wrong sign."
    assert "should be 0.5" in check(0.7).message
    assert "one number" in check([0.5, 0.5]).message
    assert not check("half") and NOT_SOLVED in str(check(...))
