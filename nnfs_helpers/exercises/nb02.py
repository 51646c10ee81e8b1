"""Exercise checks for notebook 02 · A layer of neurons.

* `check_dot_product(dot_product)`: the dot product of two lists, in plain Python.
* `check_layer_output(layer_output)`: a layer's output for a batch, with the weights
  stored one row per neuron (the layout of the lesson, so a transpose is needed).
* `check_predicted_shapes(predicted_shapes)`: the shapes of a `Layer_Dense`'s weights,
  biases and outputs, predicted before running anything.

Every check returns a `CheckResult` and never raises because of the learner's answer.
"""

import copy
import math
import numbers
import re

import numpy as np

from ..checking import LearnerError, Mistake, call_learner, compare, failed, guarded, not_solved, passed

__all__ = ["check_dot_product", "check_layer_output", "check_predicted_shapes",
           "DOT_CASES", "LAYER_CASES", "SHAPE_QUESTION", "EXPECTED_SHAPES"]

DOT_TITLE = "Exercise 1: dot product"
LAYER_TITLE = "Exercise 2: a layer's output for a batch"
SHAPES_TITLE = "Exercise 3: predict the shapes"

# The lesson's pair, then the neuron of notebook 01 (four entries: catches code written for
# exactly three), then one entry (catches code that reads a fixed number of items).
DOT_CASES = [
    ([1.0, 2.0, 3.0], [2.0, 3.0, 4.0]),
    ([1.0, 2.0, 3.0, 2.5], [0.2, 0.8, -0.5, 1.0]),
    ([-1.5], [4.0]),
]

# The lesson's batch and layer: square output (3 samples, 3 neurons), so a bias added along
# the wrong axis still broadcasts and can be recognised by its values.
BATCH = [[1.0, 2.0, 3.0, 2.5], [2.0, 5.0, -1.0, 2.0], [-1.5, 2.7, 3.3, -0.8]]
WEIGHTS = [[0.2, 0.8, -0.5, 1.0], [0.5, -0.91, 0.26, -0.5], [-0.26, -0.27, 0.17, 0.87]]
BIASES = [2.0, 3.0, 0.5]
# Four samples, two inputs, three neurons: nothing is square, so shape slips show.
SMALL_BATCH = [[0.5, -1.0], [1.5, 2.0], [-0.3, 0.8], [0.0, 1.0]]
SMALL_WEIGHTS = [[1.0, -2.0], [0.5, 0.25], [-1.5, 1.0]]
SMALL_BIASES = [0.1, -0.2, 0.3]
LAYER_CASES = [(BATCH, WEIGHTS, BIASES), (SMALL_BATCH, SMALL_WEIGHTS, SMALL_BIASES)]

# Exercise 3: layer = Layer_Dense(4, 5); layer.forward(a batch of 8 samples);
# next_layer = Layer_Dense(5, 2); next_layer.forward(layer.output).
SHAPE_QUESTION = {"n_samples": 8, "n_inputs": 4, "n_neurons": 5, "next_neurons": 2}
EXPECTED_SHAPES = {"weights": (4, 5), "biases": (1, 5), "output": (8, 5), "next_output": (8, 2)}


# --- Exercise 1 --------------------------------------------------------------------------

def _dot(a, b):
    return math.fsum(x * y for x, y in zip(a, b))


def _dot_mistakes(a, b):
    products = [x * y for x, y in zip(a, b)]
    n = len(a)
    mistakes = [
        Mistake(products, "You multiplied the matching entries but did not add the products up: "
                          "a dot product is one number, the sum of a[i] * b[i]."),
        Mistake(lambda answer: answer.ndim == 1 and answer.size == 1,
                "You returned a list holding one number. Return the number itself."),
        Mistake(lambda answer: answer.ndim >= 1 and answer.size > 1,
                "You returned several numbers. A dot product is a single number: multiply the "
                "matching entries and add all the products up."),
    ]
    if n > 3:
        mistakes.append(Mistake(_dot(a[:3], b[:3]), (
            "Your function uses exactly three pairs. It must work for lists of any length: "
            "loop over `zip(a, b)` (or `range(len(a))`).")))
    if n > 1:
        mistakes += [
            Mistake(_dot(a[:-1], b[:-1]), "You left out the last pair: the loop stops one step early. "
                                          "`range(len(a))` (or `zip(a, b)`) visits every position."),
            Mistake(_dot(a[1:], b[1:]), "You left out the first pair: Python counts from 0, so "
                                        "loop over `range(len(a))`, not `range(1, len(a))`."),
            Mistake(products[-1], "Only the last pair counts in your answer: in the loop, did you "
                                  "write `total = ...` instead of `total += ...`?"),
        ]
    mistakes += [
        Mistake(sum(a) * sum(b), "You multiplied the sum of a by the sum of b. Multiply matching "
                                 "entries first (a[0]*b[0], a[1]*b[1], ...), then add the products."),
        Mistake(sum(a) + sum(b), "You added the entries: multiply each a[i] by b[i], then add up."),
    ]
    return mistakes


@guarded(DOT_TITLE)
def check_dot_product(dot_product):
    """Check `dot_product(a, b)` on the lesson's pair, a four-entry pair and a one-entry pair."""
    for a, b in DOT_CASES:
        given = (list(a), list(b))
        arguments = copy.deepcopy(given)
        described = f"dot_product({a}, {b})"
        answer = call_learner(dot_product, *arguments, name="dot_product", context=described,
                              hints={"IndexError": "Your function reads past the end of a list: it seems to "
                                                   "expect a fixed length. Loop over `zip(a, b)` so it works "
                                                   "for lists of any length."})
        result = compare(answer, _dot(a, b), DOT_TITLE, mistakes=_dot_mistakes(a, b), label=described)
        if not result:
            return result
        if list(arguments) != list(given):
            return failed(DOT_TITLE, "Your function changed the lists it was given. Compute the "
                                     "dot product without modifying `a` or `b`.")
    return passed(DOT_TITLE, "right for lists of length 3, 4 and 1. That loop is what np.dot "
                             "computes for two vectors.")


# --- Exercise 2 --------------------------------------------------------------------------

def _layer_mistakes(batch, weights, biases):
    x, w, b = (np.asarray(v, dtype=np.float64) for v in (batch, weights, biases))
    right = x @ w.T + b
    mistakes = [
        Mistake(x @ w.T, "You forgot to add the biases."),
        Mistake(right.T, "Your output is transposed: its rows are neurons and its columns samples. "
                         "Compute np.dot(inputs, weights.T) + biases so that each row is one sample."),
        Mistake(x @ w.T + b[:, None] if len(x) == len(b) else None,
                "The biases were added along the wrong axis: each sample (row) got one bias. "
                "Each neuron (column) needs its own bias: add `biases` as it is, shape "
                "(n_neurons,), without turning it into a column."),
        Mistake(w @ x.T + b if len(x) == len(b) else None,
                "Your output is transposed (rows are neurons, not samples), and so the biases "
                "landed on the wrong axis. Compute np.dot(inputs, weights.T) + biases."),
        Mistake(w @ x[0] + b, "You computed the output of the first sample only. Pass the whole "
                              "batch: np.dot(inputs, weights.T) gives one row per sample."),
        Mistake((x * w).sum(axis=1) + b if x.shape == w.shape else None,
                "You multiplied inputs and weights entry by entry, which pairs sample i with "
                "neuron i only. Use a matrix product: np.dot(inputs, weights.T)."),
        Mistake(lambda answer: answer.ndim == 1,
                "You returned a 1-D list of numbers, but the output of a batch is 2-D: one row "
                "per sample and one column per neuron. Did you sum over an axis, or compute "
                "only one sample?"),
        Mistake(lambda answer: answer.ndim == 0, "You returned a single number. The output of a "
                                                 "batch has one row per sample and one column per neuron."),
    ]
    return [m for m in mistakes if m.wrong is not None]


def _layer_error_hint(message):
    if "aligned" in message or "matmul" in message or "core dimension" in message:
        return (" NumPy cannot multiply these shapes: a (samples, inputs) batch needs a "
                "(inputs, neurons) matrix. The weights are stored one row per neuron, "
                "(neurons, inputs): did you forget to transpose them with `.T`?")
    if "broadcast" in message:
        return (" NumPy could not line up two arrays. Use np.dot (not `*`) for the weighted sums, "
                "and add `biases` as it is, shape (n_neurons,), to an output of shape "
                "(n_samples, n_neurons).")
    if "has no attribute 'T'" in message:
        return " Lists have no `.T`: turn the weights into an array first with np.array(weights)."
    return ""


@guarded(LAYER_TITLE)
def check_layer_output(layer_output):
    """Check `layer_output(inputs, weights, biases)` on the lesson's batch and a non-square one."""
    for batch, weights, biases in LAYER_CASES:
        arguments = [np.array(batch), np.array(weights), np.array(biases)]
        originals = [a.copy() for a in arguments]
        n_samples, n_neurons = len(batch), len(weights)
        described = (f"a batch of {n_samples} samples with {len(batch[0])} inputs "
                     f"and {n_neurons} neurons")
        try:
            answer = call_learner(layer_output, *arguments, name="layer_output")
        except LearnerError as problem:
            if problem.unsolved:
                raise
            text = str(problem).rstrip().rstrip(".")
            raise LearnerError(f"for {described}, {text}.{_layer_error_hint(text)}") from None
        expected = np.asarray(batch) @ np.asarray(weights).T + np.asarray(biases)
        result = compare(answer, expected, LAYER_TITLE, mistakes=_layer_mistakes(batch, weights, biases),
                         label=f"your output for {described}")
        if not result:
            # NumPy 2 shows an index as (np.int64(0), np.int64(1)): print it as (0, 1).
            result.message = re.sub(r"np\.int\d+\((-?\d+)\)", r"\1", result.message)
            return result
        if not all(np.array_equal(a, o) for a, o in zip(arguments, originals)):
            return failed(LAYER_TITLE, "Your function changed the arrays it was given. Compute the "
                                       "output without modifying inputs, weights or biases.")
    return passed(LAYER_TITLE, "one row per sample, one column per neuron, for the lesson's batch "
                               "and for a batch of 4 samples with 2 inputs.")


# --- Exercise 3 --------------------------------------------------------------------------

_SHAPE_HINTS = {
    "weights": {
        (5, 4): "the weights are reversed: Layer_Dense stores them as (n_inputs, n_neurons), "
                "one column per neuron, so that no transpose is needed",
        (4,): "there is one weight per input for every neuron: the weights are 2-D",
        (5,): "there is one weight per input for every neuron: the weights are 2-D",
        (20,): "the weights are 2-D, (n_inputs, n_neurons)",
    },
    "biases": {
        (5,): "Layer_Dense creates its biases with np.zeros((1, n_neurons)): 2-D, one row",
        (1, 4): "there is one bias per neuron, not per input",
        (4,): "there is one bias per neuron, not per input, and they are stored as one row",
        (5, 1): "the biases are one row, (1, n_neurons), so they add to every sample's row",
        (8, 5): "the biases do not depend on the batch: one row, (1, n_neurons)",
    },
    "output": {
        (5, 8): "reversed: the output has one row per sample and one column per neuron",
        (8, 4): "the output has one column per neuron, not per input",
        (4, 5): "that is the shape of the weights; the output has one row per sample",
        (1, 5): "every sample of the batch gets its own row of outputs",
        (5,): "every sample of the batch gets its own row of outputs",
    },
    "next_output": {
        (2, 8): "reversed: one row per sample, one column per neuron of the second layer",
        (8, 5): "that is the first layer's output; the second layer has 2 neurons",
        (5, 2): "that is the shape of the second layer's weights; its output has one row per sample",
        (8, 4): "the second layer has 2 neurons, so its output has 2 columns",
    },
}


def _shape(value, key):
    """The learner's shape as a tuple of ints, or a LearnerError saying what is wrong."""
    if value is None or value is Ellipsis:
        raise LearnerError(key, unsolved=True)
    if isinstance(value, bool) or isinstance(value, (str, bytes)):
        raise LearnerError(f"the shape for '{key}' is {value!r}; write it as a tuple of whole "
                           "numbers, like (3, 2).")
    if isinstance(value, numbers.Integral):
        raise LearnerError(f"the shape for '{key}' is the single number {value}; a shape is a "
                           "tuple, one number per dimension, like (3, 2) (a 1-D shape is written (3,)).")
    try:
        items = list(value)
    except TypeError:
        raise LearnerError(f"the shape for '{key}' is {value!r}; write it as a tuple like (3, 2).") from None
    shape = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, numbers.Real) or item != item \
                or item in (math.inf, -math.inf) or int(item) != item:
            raise LearnerError(f"the shape for '{key}' contains {item!r}; a shape holds whole numbers, "
                               "like (3, 2).")
        shape.append(int(item))
    return tuple(shape)


@guarded(SHAPES_TITLE)
def check_predicted_shapes(predicted_shapes):
    """Check a dict {'weights', 'biases', 'output', 'next_output'} of predicted shapes."""
    if predicted_shapes is None or predicted_shapes is Ellipsis:
        return not_solved(SHAPES_TITLE)
    if not isinstance(predicted_shapes, dict):
        return failed(SHAPES_TITLE, "`predicted_shapes` should be a dict with the keys "
                                    f"{list(EXPECTED_SHAPES)}, but it is a {type(predicted_shapes).__name__}.")
    missing = [key for key in EXPECTED_SHAPES if key not in predicted_shapes]
    if missing:
        return failed(SHAPES_TITLE, f"`predicted_shapes` has no entry for {missing}. Keep the keys "
                                    f"{list(EXPECTED_SHAPES)}.")
    unsolved, problems = [], []
    for key, expected in EXPECTED_SHAPES.items():
        try:
            shape = _shape(predicted_shapes[key], key)
        except LearnerError as problem:
            (unsolved if problem.unsolved else problems).append(str(problem))
            continue
        if shape != expected:
            hint = _SHAPE_HINTS[key].get(shape, "")
            problems.append(f"'{key}': you predicted {shape}" + (f", but {hint}." if hint else
                                                                  ", which is not right."))
    if problems:
        return failed(SHAPES_TITLE, " ".join(problems))
    if unsolved:
        names = ", ".join(f"'{key}'" for key in unsolved)
        return not_solved(SHAPES_TITLE, f"replace the `...` for {names} with a shape, a tuple "
                                        "like (3, 2), then run this check again.")
    return passed(SHAPES_TITLE, "all four shapes are right. Follow the shapes through a network "
                                "and most bugs show up before you run anything.")
