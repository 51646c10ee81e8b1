"""The checks of notebook 14 accept right answers and name the typical mistakes."""

import numpy as np
import pytest

from nnfs_helpers.exercises import nb14
from nnfs_helpers.exercises.nb14 import check_dropout_forward, check_dropout_layer


@pytest.fixture(autouse=True)
def short_timeout(monkeypatch):
    monkeypatch.setattr(nb14, "TIMEOUT", 2.0)


def verdict(result):
    assert type(result).__name__ == "CheckResult"
    return result.passed, result.message


# --- Exercise 1 ------------------------------------------------------------------------------

@pytest.mark.parametrize("answer", [
    lambda x, rate: x * np.random.binomial(1, 1 - rate, size=x.shape) / (1 - rate),
    lambda x, rate: np.where(np.random.rand(*x.shape) >= rate, x / (1 - rate), 0.0),
    lambda x, rate: (x * (np.random.default_rng(0).random(x.shape) < 1 - rate) / (1 - rate)).tolist(),
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
