"""The checks of notebook 23 accept right answers and name the typical mistakes."""

import math

import numpy as np
import pytest

from nnfs_helpers.exercises import nb23
from nnfs_helpers.exercises.nb23 import check_count_parameters, check_head_verdict

from check_results import verdict


@pytest.fixture(autouse=True)
def short_timeout(monkeypatch):
    monkeypatch.setattr(nb23, "TIMEOUT", 0.5)


# --- Exercise 1: count the parameters ------------------------------------------------------------

def count_right(image_size, filters, kernel_size, pool_size, classes):
    pooled = image_size // pool_size
    return filters * kernel_size ** 2 + filters + filters * pooled ** 2 * classes + classes


def count_with_layers(image_size, filters, kernel_size, pool_size, classes):
    """Built from the real layers: needs the flattened size, which is the work."""
    from nnfs_helpers.network import Layer_Conv2D, Layer_Dense
    conv = Layer_Conv2D(1, filters, kernel_size, padding=kernel_size // 2)
    dense = Layer_Dense(filters * (image_size // pool_size) ** 2, classes)
    return sum(layer.weights.size + layer.biases.size for layer in (conv, dense))


def count_as_float(*args):
    return float(count_right(*args))


@pytest.mark.parametrize("answer", [count_right, count_with_layers, count_as_float])
def test_count_accepts_right_answers(answer):
    ok, message = verdict(check_count_parameters(answer))
    assert ok, message
    assert "1370" in message


@pytest.mark.parametrize("answer, words", [
    (lambda S, F, k, p, C: F * k * k + F * (S // p) ** 2 * C, "leave out every bias"),
    (lambda S, F, k, p, C: F * k * k + F * (S // p) ** 2 * C + C, "convolution's biases"),
    (lambda S, F, k, p, C: F * k * k + F + F * (S // p) ** 2 * C, "dense layer's biases"),
    (lambda S, F, k, p, C: F * k * k * S * S + F + F * (S // p) ** 2 * C + C, "same kernels at every position"),
    (lambda S, F, k, p, C: F * k * k + F + F * S * S * C + C, "forget the pooling"),
    (lambda S, F, k, p, C: F * k * k + F + F * math.ceil(S / p) ** 2 * C + C, "round the pooled size up"),
    (lambda S, F, k, p, C: F * k * k + F + F * ((S - k + 1) // p) ** 2 * C + C, "keeps the image's size"),
    (lambda S, F, k, p, C: F * k * k + F + (S // p) ** 2 * C + C, "every kernel's map"),
    (lambda S, F, k, p, C: F * k * k + F + F * (S / p) ** 2 * C + C, "count_parameters(9, 4, 5, 2, 3) returned"),
    (lambda S, F, k, p, C: 1370, "count_parameters(9, 4, 5, 2, 3) returned"),
])
def test_count_names_the_mistake(answer, words):
    ok, message = verdict(check_count_parameters(answer))
    assert not ok and words in message, message


def raises(*args):
    raise IndexError("boom")


@pytest.mark.parametrize("answer", [None, ..., 3, "f", raises, lambda *a: "1370", lambda *a: [1370], lambda *a: True,
                                    lambda *a: None, lambda *a: np.array([1.0, 2.0])])
def test_count_never_crashes(answer):
    ok, message = verdict(check_count_parameters(answer))
    assert not ok and message


def test_count_stub_is_not_solved():
    def stub(image_size, filters, kernel_size, pool_size, classes):
        ...
    assert "Not solved yet" in check_count_parameters(stub).message


# --- Exercise 2: is it the dense head? --------------------------------------------------------------

def conv_runs(head, learning_rate=0.03, steps=nb23.HEAD_STEPS, seeds=(0, 1, 2), relu=True):
    """Models as the exercise builds them, trained one epoch on 1,077 digits (the step count is then
    set to the exercise's budget, so the test stays quick)."""
    from nnfs_helpers import restore_numpy, setup
    from nnfs_helpers.datasets import load_digits
    from nnfs_helpers.network import (Accuracy_Categorical, Activation_ReLU, Activation_Softmax, Layer_Conv2D,
                                      Layer_Dense, Layer_Flatten, Layer_MaxPool2D, Loss_CategoricalCrossentropy,
                                      Model, Optimizer_Adam)
    _, y, images = load_digits(return_images=True)
    X = ((images.astype(np.float32) - 8) / 8).reshape(-1, 1, 8, 8)
    models = []
    for seed in seeds:
        setup(seed)
        model = Model()
        tail = [Layer_Flatten(), Layer_Dense(128, 10)] if head == "dense head" else \
            [Layer_MaxPool2D(4), Layer_Flatten(), Layer_Dense(8, 10)]
        start = [Layer_Conv2D(1, 8, 3, padding=1)] + ([Activation_ReLU()] if relu else []) + [Layer_MaxPool2D(2)]
        for layer in start + tail + [Activation_Softmax()]:
            model.add(layer)
        model.set(loss=Loss_CategoricalCrossentropy(), optimizer=Optimizer_Adam(learning_rate=learning_rate),
                  accuracy=Accuracy_Categorical())
        model.finalize()
        model.train(X[:1077], y[:1077], epochs=1, batch_size=32, print_every=0)
        model.optimizer.iterations = steps
        models.append(model)
    restore_numpy()
    return models


def shifted_validation():
    from nnfs_helpers.datasets import load_digits
    _, y, images = load_digits(return_images=True)
    images = images[1077:1437].astype(np.float32)
    moved = np.zeros_like(images)
    moved[:, :, 2:] = images[:, :, :6]
    return ((images - 8) / 8).reshape(-1, 1, 8, 8), ((moved - 8) / 8).reshape(-1, 1, 8, 8), y[1077:1437]


@pytest.fixture(scope="module")
def head_experiment():
    runs = {key: conv_runs(key) for key in nb23.HEAD_KEYS}
    X_val, X_shifted, y_val = shifted_validation()
    drops = [np.array([m.evaluate(X_val, y_val)[1] - m.evaluate(X_shifted, y_val)[1] for m in runs[key]])
             for key in nb23.HEAD_KEYS]
    difference = drops[0].mean() - drops[1].mean()
    error = np.sqrt(drops[0].var(ddof=1) / 3 + drops[1].var(ddof=1) / 3)
    right = ("no clear difference" if abs(difference) <= 2 * error else
             "smaller drop with the global maximum" if difference > 0 else "smaller drop with the dense head")
    return runs, X_val, X_shifted, y_val, right


def test_head_verdict_accepts_the_conclusion_of_the_runs_and_refuses_others(head_experiment):
    runs, X_val, X_shifted, y_val, right = head_experiment
    result = check_head_verdict(runs, right, X_val, X_shifted, y_val)
    assert result.passed, result.message
    for wrong in set(nb23.HEAD_VERDICTS) - {right}:
        ok, message = verdict(check_head_verdict(runs, wrong, X_val, X_shifted, y_val))
        assert not ok and "your own runs" in message


def test_head_verdict_needs_the_runs_the_exercise_asks_for(head_experiment):
    runs, X_val, X_shifted, y_val, right = head_experiment
    swapped = {"dense head": runs["global maximum"], "global maximum": runs["dense head"]}
    assert "128" in check_head_verdict(swapped, right, X_val, X_shifted, y_val).message
    same = {"dense head": runs["dense head"], "global maximum": [runs["global maximum"][0]] * 3}
    assert "same weights" in check_head_verdict(same, right, X_val, X_shifted, y_val).message
    two = {"dense head": runs["dense head"], "global maximum": runs["global maximum"][:2]}
    assert "at least three" in check_head_verdict(two, right, X_val, X_shifted, y_val).message


def test_head_verdict_notices_another_learning_rate_or_budget(head_experiment):
    runs, X_val, X_shifted, y_val, right = head_experiment
    other_rate = {"dense head": runs["dense head"], "global maximum": conv_runs("global maximum", learning_rate=0.01)}
    assert "learning rate" in check_head_verdict(other_rate, right, X_val, X_shifted, y_val).message
    other_budget = {"dense head": runs["dense head"], "global maximum": conv_runs("global maximum", steps=34)}
    assert "optimiser steps" in check_head_verdict(other_budget, right, X_val, X_shifted, y_val).message


def test_head_verdict_notices_a_missing_relu_or_a_pool_of_another_size(head_experiment):
    from nnfs_helpers.network import Layer_MaxPool2D
    runs, X_val, X_shifted, y_val, right = head_experiment
    no_relu = {"dense head": runs["dense head"], "global maximum": conv_runs("global maximum", relu=False)}
    message = check_head_verdict(no_relu, right, X_val, X_shifted, y_val).message
    assert "has the layers" in message and "Activation_ReLU()" in message, message
    overlapping = conv_runs("global maximum", seeds=(3, 4, 5))
    for model in overlapping:  # a pool with another stride: the maximum is no longer taken once per 4 x 4 map
        model.layers[3] = Layer_MaxPool2D(4, stride=2)
    changed = {"dense head": runs["dense head"], "global maximum": overlapping}
    assert "has the layers" in check_head_verdict(changed, right, X_val, X_shifted, y_val).message


def test_head_verdict_accepts_one_global_pool_of_8(head_experiment):
    from nnfs_helpers.network import Layer_MaxPool2D
    runs, X_val, X_shifted, y_val, right = head_experiment
    one_pool = conv_runs("global maximum")
    for model in one_pool:  # the same outputs: a maximum over the 8 x 8 maps in one step
        del model.layers[3]
        model.layers[2] = Layer_MaxPool2D(8)
        model.finalize()
    result = check_head_verdict({"dense head": runs["dense head"], "global maximum": one_pool}, right,
                                X_val, X_shifted, y_val)
    assert result.passed, result.message


@pytest.mark.parametrize("runs, conclusion", [
    (None, "no clear difference"), ([1, 2], "no clear difference"),
    ({"dense head": [1, 2, 3], "global maximum": [1, 2, 3]}, "x"), ({"dense head": []}, "no clear difference"),
    ({"dense head": "abc", "global maximum": None}, "no clear difference")])
def test_head_verdict_never_crashes(runs, conclusion):
    ok, message = verdict(check_head_verdict(runs, conclusion, np.zeros((3, 1, 8, 8)), np.zeros((3, 1, 8, 8)),
                                             np.zeros(3, dtype=int)))
    assert not ok and message


def test_head_verdict_stub_is_not_solved():
    stub = {"dense head": [], "global maximum": []}
    assert "Not solved yet" in check_head_verdict(stub, ..., None, None, None).message
    assert "Not solved yet" in check_head_verdict(stub, "no clear difference", None, None, None).message
