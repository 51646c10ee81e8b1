"""Exercise checks and quiz for notebook 23 · Convolution on the digits.

* `check_count_parameters(count_parameters)`: Exercise 1, the number of trainable parameters of a
  small convolutional network, for any image size, number of kernels, kernel size and pool size.
* `check_head_verdict(my_runs, my_verdict, X_val, X_val_shifted, y_val)`: Exercise 2, the learner's
  own experiment (the convolutional network with its dense head against a head that takes each
  kernel's maximum over the whole image) and the conclusion drawn from it.
* `quiz()`: the notebook's quiz.

Every check returns a `CheckResult` and never raises because of the learner's answer.
"""

import math

import numpy as np

from ..checking import LearnerError, call_learner, failed, guarded, passed
from ..quiz import Question, Quiz
from .nb18 import _accuracy, _name, judge_runs

__all__ = ["check_count_parameters", "check_head_verdict", "quiz"]

TIMEOUT = None  # None: checking.DEFAULT_TIMEOUT
COUNT_TITLE = "Exercise 1: count the parameters"
HEAD_TITLE = "Exercise 2: is it the dense head?"
HEAD_KEYS = ("dense head", "global maximum")
HEAD_VERDICTS = ("smaller drop with the dense head", "smaller drop with the global maximum", "no clear difference")
HEAD_STEPS = 10 * 34  # 10 epochs of 34 batches of 32 among the 1,077 training images
HEAD_INPUTS = {"dense head": 128, "global maximum": 8}
# The pooling over the 8 x 8 maps in all (the product of the pool sizes) and the layers in words.
HEAD_LAYERS = {
    "dense head": (2, "Layer_Conv2D(1, 8, 3, padding=1), Activation_ReLU(), Layer_MaxPool2D(2), Layer_Flatten(), "
                      "Layer_Dense(128, 10), Activation_Softmax() (build_conv)"),
    "global maximum": (8, "Layer_Conv2D(1, 8, 3, padding=1), Activation_ReLU(), Layer_MaxPool2D(2), "
                          "Layer_MaxPool2D(4), Layer_Flatten(), Layer_Dense(8, 10), Activation_Softmax()"),
}

# (image_size, filters, kernel_size, pool_size, classes): the notebook's network first; then an
# image size the pool does not divide, a 5 x 5 kernel, a pool of 3.
COUNT_CASES = ((8, 8, 3, 2, 10), (9, 4, 5, 2, 3), (12, 6, 3, 3, 7), (7, 5, 3, 2, 4))


def _count(image_size, filters, k, pool, classes, *, conv_bias=True, dense_bias=True, shared=True,
           pooled=True, ceil=False, with_filters=True, padded=True):
    """The right count, or the count a typical mistake gives."""
    size = image_size if padded else image_size - k + 1
    if pooled:
        size = math.ceil(size / pool) if ceil else size // pool
    conv = filters * k * k * (1 if shared else image_size * image_size) + (filters if conv_bias else 0)
    features = (filters if with_filters else 1) * size * size
    return conv + features * classes + (classes if dense_bias else 0)


COUNT_MISTAKES = (
    (dict(conv_bias=False, dense_bias=False), "Your counts leave out every bias: the convolution has one "
     "bias per kernel, and the dense layer one per class."),
    (dict(conv_bias=False), "Your counts leave out the convolution's biases: one per kernel (not one per "
     "output pixel: the bias is shared over positions like the kernel)."),
    (dict(dense_bias=False), "Your counts leave out the dense layer's biases: one per class."),
    (dict(shared=False), "Your counts give every output position its own kernel. A convolution applies the "
     "same kernels at every position: filters * k * k weights in all, whatever the image size."),
    (dict(pooled=False), "Your counts forget the pooling: the dense layer sees the pooled maps, "
     "image_size // pool_size on a side, not the full image_size."),
    (dict(ceil=True), "Your counts round the pooled size up. A window that would run past the border is not "
     "used (the layer computes (size - pool) // pool + 1 windows), so the size is image_size // pool_size."),
    (dict(padded=False), "Your counts shrink the maps by the kernel: with padding kernel_size // 2 (odd "
     "kernels) the convolution keeps the image's size, so only the pooling shrinks it."),
    (dict(with_filters=False), "Your dense layer's inputs count the pooled pixels of one map only: the "
     "flattened input holds every kernel's map, filters * (image_size // pool_size) ** 2 numbers."),
)


@guarded(COUNT_TITLE)
def check_count_parameters(count_parameters):
    """Check `count_parameters(image_size, filters, kernel_size, pool_size, classes)` on several networks."""
    answers = []
    for case in COUNT_CASES:
        context = "count_parameters({}, {}, {}, {}, {})".format(*case)
        answer = call_learner(count_parameters, *case, name="count_parameters", timeout=TIMEOUT, context=context)
        if answer is None or answer is Ellipsis:
            raise LearnerError("`count_parameters` returned None. Did you forget a `return`?", unsolved=True)
        if isinstance(answer, (bool, np.bool_)) or not isinstance(answer, (int, float, np.integer, np.floating)):
            raise LearnerError(f"{context} should return one number (an int), but returned a "
                               f"{type(answer).__name__}: {answer!r}"[:300])
        answers.append(float(answer))
    right = [_count(*case) for case in COUNT_CASES]
    if all(abs(a - r) < 1e-9 for a, r in zip(answers, right)):
        return passed(COUNT_TITLE, f"{right[0]:.0f} parameters for the notebook's network, and right for the "
                                   "other sizes too. Well done!")
    for options, message in COUNT_MISTAKES:
        wrong = [_count(*case, **options) for case in COUNT_CASES]
        # the mistake must explain every case where the answer is wrong
        if all(abs(a - w) < 1e-9 or abs(a - r) < 1e-9 for a, w, r in zip(answers, wrong, right)) \
                and any(abs(w - r) > 1e-9 and abs(a - w) < 1e-9 for a, w, r in zip(answers, wrong, right)):
            return failed(COUNT_TITLE, message)
    for case, answer, expected in zip(COUNT_CASES, answers, right):
        if abs(answer - expected) > 1e-9:
            return failed(COUNT_TITLE, "count_parameters({}, {}, {}, {}, {}) returned {:g}, which is not the count. "
                                       "Count layer by layer: the kernels and their biases, then the size of the "
                                       "pooled maps, then the dense layer's weights and biases.".format(*case, answer))
    return failed(COUNT_TITLE, "Your answer could not be checked.")  # not reached


def _head_settings(key, model, learning_rate):
    trainable = getattr(model, "trainable_layers", [])
    if len(trainable) != 2 or _name(trainable[0]) != "Layer_Conv2D" or _name(trainable[1]) != "Layer_Dense":
        return ("should have two trainable layers, a Layer_Conv2D and then a Layer_Dense; it has "
                f"{[_name(layer) for layer in trainable]}.")
    conv, dense = trainable
    if getattr(conv.weights, "shape", None) != (8, 1, 3, 3) or getattr(conv, "padding", None) != 1:
        return "should start with the notebook's convolution: Layer_Conv2D(1, 8, 3, padding=1)."
    inputs = getattr(dense.weights, "shape", (None,))[0]
    if inputs != HEAD_INPUTS[key]:
        if key == "global maximum":
            return (f"has a dense layer with {inputs} inputs; after the maximum over the whole image each of the 8 "
                    "kernels gives one number, so the dense layer has 8 inputs: pool the 4 x 4 maps with "
                    "Layer_MaxPool2D(4) (or the 8 x 8 maps with Layer_MaxPool2D(8)).")
        return (f"has a dense layer with {inputs} inputs; the notebook's network (build_conv) has 128: take the "
                "convolutional network's runs of the search at its chosen learning rate.")
    problem = _head_layers_problem(key, getattr(model, "layers", []))
    if problem:
        return problem
    optimizer = getattr(model, "optimizer", None)
    rate = getattr(optimizer, "learning_rate", None)
    if not isinstance(rate, (int, float)) or abs(rate - learning_rate) > 1e-12:
        return (f"has the learning rate {rate!r}; every run uses the same one, the convolutional network's "
                f"chosen rate ({learning_rate:g}), so that only the head differs.")
    steps = getattr(optimizer, "iterations", None)
    if steps != HEAD_STEPS:
        return (f"made {steps} optimiser steps; {HEAD_STEPS // 34} epochs in batches of 32 on the 1,077 training "
                f"images make {HEAD_STEPS}. Train each new model once, with epochs=EPOCHS and batch_size=BATCH_SIZE.")
    return None


def _head_layers_problem(key, layers):
    """What is wrong with the sequence of all layers (trainable or not), or None."""
    names = [_name(layer) for layer in layers]
    pools = [layer for layer in layers if _name(layer) == "Layer_MaxPool2D"]
    wanted = HEAD_LAYERS[key]
    sequence = ["Layer_Conv2D", "Activation_ReLU"] + ["Layer_MaxPool2D"] * len(pools) + \
        ["Layer_Flatten", "Layer_Dense", "Activation_Softmax"]
    total = 1
    for pool in pools:
        size, stride = getattr(pool, "pool_size", None), getattr(pool, "stride", None)
        if not isinstance(size, int) or stride != size:
            total = None
            break
        total *= size
    if not pools or names != sequence or total != wanted[0]:
        return (f"has the layers {names}; the exercise's network is {wanted[1]}.")
    return None


@guarded(HEAD_TITLE)
def check_head_verdict(my_runs, my_verdict, X_val, X_val_shifted, y_val):
    """Check Exercise 2: three convolutional networks with the dense head and three whose head takes
    each kernel's maximum over the image, at the same learning rate, and the verdict on which loses
    less validation accuracy when the digits move two pixels to the right."""
    first_rate = []  # every run uses the rate of the first model the check reads

    def settings(key, model):
        if not first_rate:
            rate = getattr(getattr(model, "optimizer", None), "learning_rate", None)
            first_rate.append(rate if isinstance(rate, (int, float)) else float("nan"))
        return _head_settings(key, model, first_rate[0])

    def drop(model):
        return _accuracy(model, X_val, y_val) - _accuracy(model, X_val_shifted, y_val)

    def numbers(a, b, difference, error, names):
        return (f"shifting the validation digits costs your runs {a.mean():.3f} of accuracy with the dense head "
                f"and {b.mean():.3f} with the global maximum, a difference of {difference:+.3f} with a standard "
                f"error of {error:.3f}")

    return judge_runs(HEAD_TITLE, my_runs, my_verdict, X_val, y_val, keys=HEAD_KEYS,
                      names=("the dense head", "the global maximum"), settings=settings, verdicts=HEAD_VERDICTS,
                      describe="Compare the mean drops (accuracy on the validation digits minus accuracy on the "
                               "shifted ones) with the standard error of their difference, "
                               "sqrt(s1**2 / n1 + s2**2 / n2).",
                      measure=drop, numbers=numbers, lower_is_better=True)


# --- Quiz -------------------------------------------------------------------------------------

def quiz():
    """The notebook's quiz: four questions, each option explained."""
    return Quiz([
        Question(
            "A 3 x 3 convolution with stride 2 and padding 1 is applied to 8 x 8 images. How large is each "
            "output channel?",
            ["8 x 8, since padding 1 keeps the size of the image.",
             "3 x 3, since (8 - 3) / 2 + 1 rounds down to 3.",
             "5 x 5, since (8 + 2 - 3) / 2 + 1 is 4.5, rounded up.",
             "4 x 4, since (8 + 2 * 1 - 3) // 2 + 1 is 4."],
            answer=3,
            explanations=[
                "Padding 1 keeps the size only with stride 1; stride 2 halves it.",
                "That forgets the padding, which adds a row and a column on each side.",
                "The division rounds down: a window that would run past the border is not used.",
                "Right: floor((H + 2p - k) / s) + 1."]),
        Question(
            "What does im2col change about the convolution?",
            ["It gives the same numbers as the loops, computed as one matrix product of patches and kernels.",
             "It approximates the convolution by a dense layer, which is faster but slightly less accurate.",
             "It flips the kernels, so the result is a true convolution instead of a cross-correlation.",
             "It removes the need for a backward pass, since a matrix product's gradient is known."],
            answer=0,
            explanations=[
                "Right: the notebook checks it equals the loops for every stride and padding.",
                "Nothing is approximated: each row holds a patch exactly, and the products are the same sums.",
                "The kernels are not flipped; both versions compute the cross-correlation.",
                "The backward pass is still needed; im2col makes it a dense layer's, plus col2im."]),
        Question(
            "In the backward pass of 2 x 2 max pooling, where does the gradient of one output go?",
            ["Spread equally over the four inputs of its window, a quarter to each.",
             "All of it to the input that was largest in the window; the other three get 0.",
             "To all four inputs in full, since each was compared with the others.",
             "Nowhere: the maximum is not differentiable, so pooling layers pass no gradient."],
            answer=1,
            explanations=[
                "That is the gradient of average pooling.",
                "Right: only the winner moved the output, so only it receives the gradient.",
                "The output changes only when the winner changes; the others had no effect on it.",
                "Away from ties the maximum has a gradient: 1 for the winner, 0 for the others."]),
        Question(
            "On the validation set the convolutional network led the dense one by two points; on the test set "
            "the gap was within two standard errors. What should you report?",
            ["That the convolutional network is better, since the validation set is as large as the test set.",
             "The average of the two gaps, since both sets are held out from training.",
             "No clear winner at this budget: the test set chose nothing, and it does not confirm the lead.",
             "That the dense network is better, since its test score rose while the other's fell."],
            answer=2,
            explanations=[
                "Equal sizes do not make the two equal: the validation images chose each network's learning rate, "
                "so its scores are the best of four and optimistic.",
                "Averaging mixes a score that helped choose with one that did not; only the test score is untouched "
                "by the choice.",
                "Right: the test set is the honest measurement, and a gap inside its noise is not a finding.",
                "Neither gap favours the dense network; a change smaller than the noise says nothing either way."]),
    ])
