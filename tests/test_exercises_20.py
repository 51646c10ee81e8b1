"""The checks of notebook 20 accept right answers and name the typical mistakes."""

import hashlib

import numpy as np
import pytest

from nnfs_helpers.exercises import nb20
from nnfs_helpers.exercises.nb20 import _reference_fingerprint as reference_fingerprint
from nnfs_helpers.exercises.nb20 import check_describe_predictions, check_fingerprint

from check_results import verdict


@pytest.fixture(autouse=True)
def short_timeout(monkeypatch):
    monkeypatch.setattr(nb20, "TIMEOUT", 0.5)


# --- Exercise 1: fingerprint ----------------------------------------------------------------------

def fingerprint_in_parts(array):
    digest = hashlib.sha256()
    digest.update(str(array.dtype).encode())
    digest.update(str(array.shape).encode())
    digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


def fingerprint_md5(array):
    return hashlib.md5(repr((array.dtype.str, array.shape)).encode() + array.tobytes()).hexdigest()


@pytest.mark.parametrize("answer", [reference_fingerprint, fingerprint_in_parts, fingerprint_md5])
def test_fingerprint_accepts_right_answers(answer):
    ok, message = verdict(check_fingerprint(answer))
    assert ok, message


@pytest.mark.parametrize("answer, phrase", [
    (lambda a: hashlib.sha256(str(a).encode()).hexdigest(), "last bit"),
    (lambda a: hashlib.sha256(a.tobytes()).hexdigest(), "dtype"),
    (lambda a: hashlib.sha256(a.dtype.str.encode() + a.tobytes()).hexdigest(), "shape"),
    (lambda a: hashlib.sha256(np.sort(a, axis=None).tobytes()).hexdigest(), "reverse order"),
    (lambda a: f"{a.sum():.17g}", "tobytes"),
    (lambda a: hash(a.tobytes()), "hashlib"),
    (lambda a: hashlib.sha256(a.tobytes()).digest(), "string"),
    (lambda a: str(id(a)), "equal arrays"),
    (lambda a: None, "Not solved yet"),
])
def test_fingerprint_names_the_mistake(answer, phrase):
    ok, message = verdict(check_fingerprint(answer))
    assert not ok
    assert phrase in message, message


# --- Exercise 2: describe_predictions ---------------------------------------------------------------

def describe_right(probabilities, class_names):
    best = np.argmax(probabilities, axis=1)
    return [(class_names[i], float(row[i])) for i, row in zip(best, probabilities)]


def describe_with_numpy_floats(probabilities, class_names):
    return [(class_names[i], probabilities[n, i]) for n, i in enumerate(probabilities.argmax(axis=1))]


def describe_as_tuples(probabilities, class_names):
    return tuple(zip([class_names[i] for i in probabilities.argmax(1)], probabilities.max(1).tolist()))


@pytest.mark.parametrize("answer", [describe_right, describe_with_numpy_floats, describe_as_tuples])
def test_describe_accepts_right_answers(answer):
    ok, message = verdict(check_describe_predictions(answer))
    assert ok, message


@pytest.mark.parametrize("answer, phrase", [
    (lambda p, names: [(names[i], p[:, i].max()) for i in p.argmax(axis=0)], "axis=1"),
    (lambda p, names: [(int(i), float(p[n, i])) for n, i in enumerate(p.argmax(1))], "class numbers"),
    (lambda p, names: [(names[i], float(p[n, i])) for n, i in enumerate(p.argmin(1))], "HIGHEST"),
    (lambda p, names: [(names[i], 1.0) for i in p.argmax(1)], "sum of a row"),
    (lambda p, names: [(names[i], 100 * float(p[n, i])) for n, i in enumerate(p.argmax(1))], "percentages"),
    (lambda p, names: [(names[i], float(np.sort(p[n])[-2])) for n, i in enumerate(p.argmax(1))], "second-largest"),
    (lambda p, names: [names[i] for i in p.argmax(1)], "pair"),
    (lambda p, names: {"a": 1}, "list"),
    (lambda p, names: None, "Not solved yet"),
])
def test_describe_names_the_mistake(answer, phrase):
    ok, message = verdict(check_describe_predictions(answer))
    assert not ok
    assert phrase in message, message


def test_quiz_has_five_explained_questions():
    quiz = nb20.quiz()
    assert len(quiz.questions) == 5
    for question in quiz.questions:
        assert len(question.options) == 4
        assert len(question.explanations) == 4


# --- Exercise 3: is the confidence still a warning? ------------------------------------------------

@pytest.fixture(scope="module")
def digits_model():
    from nnfs_helpers import restore_numpy, setup
    from nnfs_helpers.datasets import load_digits
    from nnfs_helpers.network import (Accuracy_Categorical, Activation_ReLU, Activation_Softmax, Layer_Dense,
                                      Loss_CategoricalCrossentropy, Model, Optimizer_Adam)
    X, y, images = load_digits(return_images=True)
    setup(0)
    model = Model()
    for layer in (Layer_Dense(64, 32), Activation_ReLU(), Layer_Dense(32, 10), Activation_Softmax()):
        model.add(layer)
    model.set(loss=Loss_CategoricalCrossentropy(), optimizer=Optimizer_Adam(learning_rate=0.005),
              accuracy=Accuracy_Categorical())
    model.finalize()
    model.train((X[:1400] - 8) / 8, y[:1400], epochs=5, batch_size=32, print_every=0)
    restore_numpy()
    return model, images[1400:], y[1400:]


def groups(model, images, labels, shift=1):
    moved = np.zeros_like(images)
    moved[:, :, shift:] = images[:, :, :8 - shift]
    probabilities = model.predict((moved.reshape(-1, 64).astype(np.float32) - 8) / 8)
    right = np.argmax(probabilities, axis=1) == labels
    confident = probabilities.max(axis=1) > 0.9
    p1, p2, n1, n2 = np.mean(right[confident]), np.mean(right[~confident]), confident.sum(), (~confident).sum()
    error = np.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    right_verdict = (nb20.CONFIDENCE_VERDICTS[2] if abs(p1 - p2) <= 2 * error
                     else nb20.CONFIDENCE_VERDICTS[0] if p1 > p2 else nb20.CONFIDENCE_VERDICTS[1])
    return p1, p2, n1, n2, right_verdict


def test_confidence_verdict_accepts_the_measurement_and_its_conclusion(digits_model):
    model, images, labels = digits_model
    p1, p2, _, _, right = groups(model, images, labels)
    result = nb20.check_confidence_verdict(model, images, labels, p1, p2, right)
    assert result.passed, result.message
    for wrong in set(nb20.CONFIDENCE_VERDICTS) - {right}:
        result = nb20.check_confidence_verdict(model, images, labels, p1, p2, wrong)
        assert not result.passed and "not your conclusion" in result.message


def test_confidence_verdict_names_typical_mistakes(digits_model):
    model, images, labels = digits_model
    p1, p2, n1, n2, right = groups(model, images, labels)
    q1, q2, _, _, _ = groups(model, images, labels, shift=0)
    for (a, b), phrase in [((p2, p1), "swapped"), ((q1, q2), "moved 0 pixels"),
                           ((p1 * n1 / len(labels), p2 * n2 / len(labels)), "WITHIN"), ((0.5, 0.5), "not those")]:
        result = nb20.check_confidence_verdict(model, images, labels, a, b, right)
        assert not result.passed and phrase in result.message, result.message


@pytest.mark.parametrize("a, b, conclusion", [(..., ..., ...), (0.5, ..., ...), ("high", 0.2, "x"), (True, 0.1, "x"),
                                              (0.5, 0.5, None)])
def test_confidence_verdict_never_crashes(digits_model, a, b, conclusion):
    model, images, labels = digits_model
    result = nb20.check_confidence_verdict(model, images, labels, a, b, conclusion)
    assert not result.passed and result.message


def test_confidence_verdict_stub_is_not_solved(digits_model):
    model, images, labels = digits_model
    assert "Not solved yet" in nb20.check_confidence_verdict(model, images, labels, ..., ..., ...).message
