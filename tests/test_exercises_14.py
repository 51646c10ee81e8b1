"""The checks of notebook 14 accept right answers and name the typical mistakes."""

import numpy as np
import pytest

from nnfs_helpers.exercises import nb14
from nnfs_helpers.exercises.nb14 import check_dropout_forward, check_dropout_layer

from check_results import verdict


@pytest.fixture(autouse=True)
def short_timeout(monkeypatch):
    monkeypatch.setattr(nb14, "TIMEOUT", 2.0)


# --- Exercise 1 ------------------------------------------------------------------------------

@pytest.mark.parametrize("answer", [
    lambda x, rate: x * np.random.binomial(1, 1 - rate, size=x.shape) / (1 - rate),
    lambda x, rate: np.where(np.random.rand(*x.shape) >= rate, x / (1 - rate), 0.0),
    lambda x, rate: (x * (np.random.default_rng().random(x.shape) < 1 - rate) / (1 - rate)).tolist(),
])
def test_right_dropout_passes(answer):
    assert verdict(check_dropout_forward(answer))[0]


@pytest.mark.parametrize("answer, phrase", [
    (lambda x, r: x * np.random.binomial(1, 1 - r, size=x.shape), "does not rescale"),
    (lambda x, r: x * np.random.binomial(1, r, size=x.shape) / r, "fraction to keep"),
    (lambda x, r: x * np.random.binomial(1, 1 - r, size=x.shape) / r, "divides by rate"),
    (lambda x, r: x * np.random.binomial(1, 1 - r, size=x.shape) * (1 - r), "divide by it instead"),
    (lambda x, r: x * (np.random.rand(1, x.shape[1]) >= r) / (1 - r), "same entries in every row"),
    (lambda x, r: x / (1 - r), "no zeros"),
    (lambda x, r: x, "nothing was dropped"),
    (lambda x, r: np.zeros_like(x), "all zeros"),
    (lambda x, r: np.random.binomial(1, 1 - r, size=x.shape) / (1 - r), "not all scaled by the same"),
    (lambda x, r: (x * np.random.binomial(1, 1 - r, size=x.shape) / (1 - r))[0], "shape"),
])
def test_typical_dropout_mistakes_are_named(answer, phrase):
    passed, message = verdict(check_dropout_forward(answer))
    assert not passed and phrase in message, message


def seeded_inside(x, rate):
    np.random.seed(0)
    return x * np.random.binomial(1, 1 - rate, size=x.shape) / (1 - rate)


@pytest.mark.parametrize("answer", [
    lambda x, rate: x * (np.random.default_rng(0).random(x.shape) < 1 - rate) / (1 - rate),
    seeded_inside,
])
def test_a_mask_that_is_the_same_on_every_call_is_refused(answer):
    passed, message = verdict(check_dropout_forward(answer))
    assert not passed and "mask is fixed" in message, message


class FixedMask:
    def __init__(self, rate):
        self.rate = rate

    def forward(self, inputs, training=True):
        if not training:
            self.output = inputs.copy()
            return
        rng = np.random.default_rng(0)  # the same mask at every step: pruning, not dropout
        self.mask = (rng.random(inputs.shape) < 1 - self.rate) / (1 - self.rate)
        self.output = inputs * self.mask

    def backward(self, dvalues):
        self.dinputs = dvalues * self.mask


def test_a_layer_whose_mask_never_changes_is_refused():
    passed, message = verdict(check_dropout_layer(FixedMask))
    assert not passed and "mask is fixed" in message, message


def test_the_checks_leave_the_global_random_state_alone():
    np.random.seed(5)
    expected = np.random.rand(3)
    np.random.seed(5)
    check_dropout_forward(lambda x, r: x * np.random.binomial(1, 1 - r, size=x.shape) / (1 - r))
    check_dropout_layer(RightDropout)
    assert np.array_equal(np.random.rand(3), expected)


# --- Exercise 2 ------------------------------------------------------------------------------

class RightDropout:
    def __init__(self, rate):
        self.rate = rate

    def forward(self, inputs, training=True):
        if not training:
            self.output = inputs.copy()
            return
        self.mask = np.random.binomial(1, 1 - self.rate, size=inputs.shape) / (1 - self.rate)
        self.output = inputs * self.mask

    def backward(self, dvalues):
        self.dinputs = dvalues * self.mask


class BookDropout:
    """The book's convention: store the kept fraction."""

    def __init__(self, rate):
        self.rate = 1 - rate

    def forward(self, inputs, training=True):
        self.inputs = inputs
        if training:
            self.binary_mask = np.random.binomial(1, self.rate, size=inputs.shape) / self.rate
            self.output = inputs * self.binary_mask
        else:
            self.output = inputs

    def backward(self, dvalues):
        self.dinputs = dvalues * self.binary_mask


class RedrawsInBackward(RightDropout):
    def backward(self, dvalues):
        self.dinputs = dvalues * np.random.binomial(1, 1 - self.rate, size=dvalues.shape) / (1 - self.rate)


class UnscaledBackward(RightDropout):
    def backward(self, dvalues):
        self.dinputs = dvalues * (self.mask > 0)


class NoMaskInBackward(RightDropout):
    def backward(self, dvalues):
        self.dinputs = dvalues


class DropsAtEvaluation(RightDropout):
    def forward(self, inputs, training=True):
        RightDropout.forward(self, inputs, True)


class ScalesAtEvaluation(RightDropout):
    def forward(self, inputs, training=True):
        if training:
            RightDropout.forward(self, inputs)
        else:
            self.output = inputs * (1 - self.rate)


class Unscaled(RightDropout):
    def forward(self, inputs, training=True):
        self.mask = np.random.binomial(1, 1 - self.rate, size=inputs.shape)
        self.output = inputs * self.mask if training else inputs


@pytest.mark.parametrize("answer", [RightDropout, BookDropout])
def test_right_layers_pass(answer):
    assert verdict(check_dropout_layer(answer))[0]


@pytest.mark.parametrize("answer, phrase", [
    (RedrawsInBackward, "draws a new mask"),
    (UnscaledBackward, "forgets the scaling"),
    (NoMaskInBackward, "unchanged"),
    (DropsAtEvaluation, "no dropout at evaluation"),
    (ScalesAtEvaluation, "scaled by 1 - rate"),
    (Unscaled, "does not rescale"),
])
def test_typical_layer_mistakes_are_named(answer, phrase):
    passed, message = verdict(check_dropout_layer(answer))
    assert not passed and phrase in message, message


def test_the_stubs_are_not_solved_yet():
    class Stub:
        def __init__(self, rate):
            self.rate = rate

        def forward(self, inputs, training=True):
            ...

        def backward(self, dvalues):
            ...

    assert "Not solved yet" in verdict(check_dropout_layer(Stub))[1]
    assert "Not solved yet" in verdict(check_dropout_forward(lambda x, r: ...))[1]


def test_quiz_has_one_explained_right_answer_per_question():
    quiz = nb14.quiz()
    assert len(quiz.questions) >= 4 and len({q.answer for q in quiz.questions}) >= 3


# --- Exercise 3 ------------------------------------------------------------------------------

RUNS = {(0.01, 0): np.array([[0.30, 0.90], [0.31, 0.91], [0.29, 0.92]]),
        (0.01, 0.5): np.array([[0.20, 0.93], [0.21, 0.93], [0.22, 0.95]]),
        (0.03, 0): np.array([[0.40, 0.90], [0.41, 0.88], [0.39, 0.86]]),
        (0.03, 0.5): np.array([[0.30, 0.93], [0.31, 0.87], [0.29, 0.87]])}


def paired_right(without, with_):
    d = with_ - without
    se = np.std(d, ddof=1) / np.sqrt(len(d))
    return np.mean(d), se, bool(abs(np.mean(d)) > 2 * se)


def paired_unpaired(without, with_):
    se = np.sqrt(np.var(without, ddof=1) / len(without) + np.var(with_, ddof=1) / len(with_))
    return np.mean(with_ - without), se, bool(abs(np.mean(with_ - without)) > 2 * se)


def paired_sd(without, with_):
    d = with_ - without
    return np.mean(d), np.std(d, ddof=1), bool(abs(np.mean(d)) > 2 * np.std(d, ddof=1))


def paired_ddof0(without, with_):
    d = with_ - without
    se = np.std(d) / np.sqrt(len(d))
    return np.mean(d), se, bool(abs(np.mean(d)) > 2 * se)


def paired_one_sided(without, with_):
    d = with_ - without
    se = np.std(d, ddof=1) / np.sqrt(len(d))
    return np.mean(d), se, bool(np.mean(d) > 2 * se)


def paired_wrong_sign(without, with_):
    d = without - with_
    se = np.std(d, ddof=1) / np.sqrt(len(d))
    return np.mean(d), se, bool(abs(np.mean(d)) > 2 * se)


def paired_always_true(without, with_):
    d = with_ - without
    return np.mean(d), np.std(d, ddof=1) / np.sqrt(len(d)), True


def test_paired_difference_right_answer_passes_and_reports_the_learners_runs():
    passed, message = verdict(nb14.check_paired_difference(paired_right, RUNS))
    assert passed, message
    assert "learning rate 0.01" in message and "learning rate 0.03" in message


@pytest.mark.parametrize("answer, phrase", [
    (paired_unpaired, "independent samples"),
    (paired_sd, "standard deviation of the differences"),
    (paired_ddof0, "n - 1"),
    (paired_one_sided, "either direction"),
    (paired_wrong_sign, "wrong sign"),
    (paired_always_true, "does not follow"),
    (lambda w, x: (np.mean(x - w), 0.01), "three things"),
    (lambda w, x: 1 / 0, "ZeroDivisionError"),
])
def test_paired_difference_mistakes_are_named(answer, phrase):
    passed, message = verdict(nb14.check_paired_difference(answer, RUNS))
    assert not passed and phrase in message, message


def test_paired_difference_stub_and_missing_runs():
    def stub(without, with_):
        ...
    passed, message = verdict(nb14.check_paired_difference(stub, RUNS))
    assert not passed and "Not solved yet" in message
    passed, message = verdict(nb14.check_paired_difference(paired_right, None))
    assert not passed and "digits" in message
