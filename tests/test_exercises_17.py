"""The checks of notebook 17 accept right answers and name the typical mistakes."""

import numpy as np
import pytest

from nnfs_helpers.exercises import nb17
from nnfs_helpers.exercises.nb17 import check_count_dead, check_init_scales

from check_results import verdict


@pytest.fixture(autouse=True)
def short_timeout(monkeypatch):
    monkeypatch.setattr(nb17, "TIMEOUT", 2.0)


def he(n_in, n_out):
    return np.sqrt(2 / n_in)


def xavier(n_in, n_out):
    return np.sqrt(2 / (n_in + n_out))


# --- Exercise 1 ------------------------------------------------------------------------------

@pytest.mark.parametrize("he_std, xavier_std", [
    (he, xavier),
    (lambda n_in, n_out: (2 / n_in) ** 0.5, lambda n_in, n_out: 1 / np.sqrt((n_in + n_out) / 2)),
    (lambda n_in, n_out: np.array([np.sqrt(2.0 / n_in)]), lambda n_in, n_out: float(np.sqrt(2 / (n_in + n_out)))),
    (lambda n_in, n_out: np.float32(np.sqrt(2 / n_in)), xavier),
])
def test_right_scales_pass(he_std, xavier_std):
    assert verdict(check_init_scales(he_std, xavier_std))[0]


@pytest.mark.parametrize("he_std, xavier_std, phrase", [
    (lambda n_in, n_out: 2 / n_in, xavier, "variance 2 / n_inputs"),
    (lambda n_in, n_out: np.sqrt(1 / n_in), xavier, "halves the signal"),
    (lambda n_in, n_out: np.sqrt(2 / n_out), xavier, "it uses n_neurons"),
    (lambda n_in, n_out: np.sqrt(2 / (n_in + n_out)), xavier, "Xavier/Glorot scale"),
    (lambda n_in, n_out: np.sqrt(2) / n_in, xavier, "whole fraction"),
    (he, lambda n_in, n_out: 2 / (n_in + n_out), "variance 2 / (n_inputs + n_neurons)"),
    (he, lambda n_in, n_out: np.sqrt(6 / (n_in + n_out)), "uniform form"),
    (he, lambda n_in, n_out: np.sqrt(1 / (n_in + n_out)), "the 2 is missing"),
    (he, lambda n_in, n_out: np.sqrt(2 / n_in), "that is the He scale"),
    (he, lambda n_in, n_out: np.sqrt(1 / n_in), "n_inputs alone"),
    (lambda n_in, n_out: 0.01, xavier, "compare your formula"),
    (lambda n_in, n_out: 0.01 * np.random.randn(n_in, n_out), xavier, "not the weights themselves"),
])
def test_typical_scale_mistakes_are_named(he_std, xavier_std, phrase):
    passed, message = verdict(check_init_scales(he_std, xavier_std))
    assert not passed and phrase in message, message


# --- Exercise 2 ------------------------------------------------------------------------------

@pytest.mark.parametrize("answer", [
    lambda out: int(np.sum(np.all(out == 0, axis=0))),
    lambda out: np.sum(out.max(axis=0) == 0),
    lambda out: sum(1 for column in out.T if not column.any()),
    lambda out: float(np.count_nonzero(~np.any(out > 0, axis=0))),
    lambda out: np.array([np.sum(np.all(out <= 0, axis=0))]),
])
def test_right_counts_pass(answer):
    assert verdict(check_count_dead(answer))[0]


@pytest.mark.parametrize("answer, phrase", [
    (lambda out: np.sum(np.all(out == 0, axis=1)), "axis=1"),
    (lambda out: np.sum(out == 0), "counts every zero output"),
    (lambda out: np.sum(np.any(out == 0, axis=0)), "Use np.all, not np.any"),
    (lambda out: np.sum(np.any(out > 0, axis=0)), "still alive"),
    (lambda out: np.mean(np.all(out == 0, axis=0)), "fraction of dead neurons"),
    (lambda out: np.mean(out == 0), "fraction of zero outputs"),
    (lambda out: np.all(out == 0, axis=0), "one value per neuron"),
    (lambda out: np.all(out == 0, axis=1), "one value per sample"),
    (lambda out: 5, "a column that is 0 in every row"),
])
def test_typical_count_mistakes_are_named(answer, phrase):
    passed, message = verdict(check_count_dead(answer))
    assert not passed and phrase in message, message


def test_the_stubs_are_not_solved_yet():
    assert "Not solved yet" in verdict(check_init_scales(lambda a, b: ..., lambda a, b: ...))[1]
    assert "Not solved yet" in verdict(check_count_dead(lambda out: ...))[1]


def test_the_checks_leave_the_global_random_state_alone():
    np.random.seed(5)
    expected = np.random.rand(3)
    np.random.seed(5)
    check_init_scales(he, xavier)
    check_count_dead(lambda out: int(np.sum(np.all(out == 0, axis=0))))
    assert np.array_equal(np.random.rand(3), expected)


def test_quiz_has_one_explained_right_answer_per_question():
    quiz = nb17.quiz()
    assert len(quiz.questions) >= 4 and len({q.answer for q in quiz.questions}) >= 3


# --- Exercise 2: judge the depth sweep ---------------------------------------------------------

from nnfs_helpers.exercises.nb17 import check_depth_verdict  # noqa: E402

# A sweep in which one seed, the test set and the mean over seeds choose different rates, and
# in which "2 vs 1" is beyond two standard errors while "3 vs 2" is beyond one but not two.
SWEEP_VALIDATION = {
    1: {0.005: [0.60, 0.59, 0.61], 0.02: [0.70, 0.71, 0.69], 0.08: [0.83, 0.84, 0.82]},
    2: {0.005: [0.83, 0.82, 0.83], 0.02: [0.85, 0.86, 0.84], 0.08: [0.90, 0.60, 0.70]},
    3: {0.005: [0.856, 0.858, 0.857], 0.02: [0.855, 0.856, 0.854], 0.08: [0.81, 0.83, 0.82]},
}
SWEEP_TEST = {
    1: {0.005: [0.58, 0.57, 0.59], 0.02: [0.84, 0.84, 0.84], 0.08: [0.820, 0.822, 0.824]},
    2: {0.005: [0.81, 0.80, 0.82], 0.02: [0.840, 0.845, 0.850], 0.08: [0.88, 0.58, 0.69]},
    3: {0.005: [0.848, 0.852, 0.850], 0.02: [0.86, 0.86, 0.86], 0.08: [0.80, 0.81, 0.82]},
}
RIGHT_RATES = {1: 0.08, 2: 0.02, 3: 0.005}
RIGHT_VERDICTS = {"2 vs 1": True, "3 vs 2": False}


def judge(rates, verdicts):
    return verdict(check_depth_verdict(rates, verdicts, SWEEP_VALIDATION, SWEEP_TEST))


def test_depth_verdict_accepts_the_right_judgement():
    ok, message = judge(dict(RIGHT_RATES), dict(RIGHT_VERDICTS))
    assert ok, message
    ok, message = judge({1: np.float64(0.08), 2: 0.02, 3: 0.005}, {"2 vs 1": np.True_, "3 vs 2": False})
    assert ok, message


def test_depth_verdict_follows_the_learners_own_sweep():
    """The same answer fails on another sweep: the check judges against the data it is given."""
    flipped = {hidden: {rate: list(reversed(sorted(values))) for rate, values in scores.items()}
               for hidden, scores in SWEEP_VALIDATION.items()}
    flipped[1] = {0.005: [0.9, 0.9, 0.9], 0.02: [0.7, 0.7, 0.7], 0.08: [0.8, 0.8, 0.8]}
    ok, message = verdict(check_depth_verdict(dict(RIGHT_RATES), dict(RIGHT_VERDICTS), flipped, SWEEP_TEST))
    assert not ok and "best_rates[1]" in message


@pytest.mark.parametrize("rates, verdicts, phrase", [
    ({1: 0.08, 2: 0.08, 3: 0.005}, RIGHT_VERDICTS, "followed one seed"),
    ({1: 0.08, 2: 0.02, 3: 0.02}, RIGHT_VERDICTS, "chose on the test set"),
    ({1: 0.08, 2: 0.005, 3: 0.005}, RIGHT_VERDICTS, "compare the mean validation accuracy"),
    ({1: 0.1, 2: 0.02, 3: 0.005}, RIGHT_VERDICTS, "not one of the rates"),
    ({1: "fast", 2: 0.02, 3: 0.005}, RIGHT_VERDICTS, "should be a learning rate"),
    (RIGHT_RATES, {"2 vs 1": True, "3 vs 2": True}, "one standard error"),
    (RIGHT_RATES, {"2 vs 1": True, "3 vs 2": "no"}, "True or False"),
    ({1: ..., 2: ..., 3: ...}, {"2 vs 1": ..., "3 vs 2": ...}, "Not solved yet"),
    (RIGHT_RATES, {"2 vs 1": ..., "3 vs 2": ...}, "Not solved yet"),
    (None, None, "two dictionaries"),
])
def test_depth_verdict_names_the_mistake(rates, verdicts, phrase):
    ok, message = judge(dict(rates) if isinstance(rates, dict) else rates,
                        dict(verdicts) if isinstance(verdicts, dict) else verdicts)
    assert not ok
    assert phrase in message, message


def test_depth_verdict_rejects_a_gap_above_zero_that_is_within_the_noise():
    validation = {1: {0.01: [0.80, 0.81, 0.82]}, 2: {0.01: [0.80, 0.81, 0.82]}, 3: {0.01: [0.80, 0.81, 0.82]}}
    test = {1: {0.01: [0.80, 0.82, 0.84]}, 2: {0.01: [0.805, 0.825, 0.845]}, 3: {0.01: [0.80, 0.82, 0.84]}}
    ok, message = verdict(check_depth_verdict({1: 0.01, 2: 0.01, 3: 0.01}, {"2 vs 1": True, "3 vs 2": False},
                                              validation, test))
    assert not ok and "above 0 is not enough" in message, message


def test_quiz_depth_question_is_about_the_rate_sweep():
    question = nb17.quiz().questions[4]
    right = question.options[question.answer]
    assert "best rate" in right and "0.25" not in right
