"""Exercise checks for notebook 02 · A layer of neurons.

* `check_shape_of(shape_of)`: the shape of a rectangular nested list, in plain Python.
* `check_layer_output(layer_output)`: a layer's output for a batch, with the weights
  stored one row per neuron (the layout of the lesson, so a transpose is needed).
* `check_predicted_shapes(predicted_shapes)`: the shapes of a `Layer_Dense`'s weights,
  biases and outputs, predicted before running anything.
* `quiz()`: the notebook's "Check your understanding" questions.

Every check returns a `CheckResult` and never raises because of the learner's answer.
"""

import copy
import math
import numbers

import numpy as np

from ..checking import (LearnerError, Mistake, call_learner, compare, failed, guarded, not_solved, passed,
                        require_given)
from ..quiz import Question, Quiz
from .nb01 import plain_python_problem

__all__ = ["check_shape_of", "check_layer_output", "check_predicted_shapes", "quiz",
           "SHAPE_CASES", "LAYER_CASES", "SHAPE_QUESTION", "EXPECTED_SHAPES"]

SHAPE_OF_TITLE = "Exercise 1: the shape of a nested list"
LAYER_TITLE = "Exercise 2: a layer's output for a batch"
SHAPES_TITLE = "Exercise 3: predict the shapes"

# Exercise 1: rectangular nested lists of 1 to 4 levels: the lesson's three arrays, lists
# where one length is 1 (catches counting the wrong level), a long inner level, and four
# levels (catches code written for exactly three).
SHAPE_CASES = [
    [[0.5, -1.0, 2.0]],  # first: its ndim (2), size (3) and outer length (1) all differ
    [1, 5, 6, 2],
    [[1, 5, 6, 2], [3, 2, 1, 3]],
    [[[1, 5, 6, 2], [3, 2, 1, 3]], [[5, 2, 1, 2], [6, 4, 8, 4]], [[2, 8, 5, 3], [1, 1, 9, 4]]],
    [[7], [8], [9]],
    [[[1.5], [2.5]]],
    [list(range(12))] * 2,
    [[[[1, 2], [3, 4], [5, 6]]] * 2] * 5,
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

def _true_shape(nested):
    """The shape of a rectangular nested list, read from the outside in."""
    shape = []
    while isinstance(nested, list):
        shape.append(len(nested))
        nested = nested[0]
    return tuple(shape)


def _shape_of_answer(answer, label):
    """The learner's shape as a tuple of ints, or a LearnerError saying what is wrong with it."""
    require_given(answer, label, none=". Did you forget a `return`?")
    if isinstance(answer, bool):
        raise LearnerError(f"{label} is {answer}, a True/False value; a shape is a tuple of lengths.")
    if isinstance(answer, numbers.Integral):
        return int(answer)
    if isinstance(answer, (str, bytes)):
        raise LearnerError(f"{label} is the text {answer!r}; a shape is a tuple of numbers, like (2, 4).")
    if not isinstance(answer, (tuple, list)):
        raise LearnerError(f"{label} is a {type(answer).__name__}; a shape is a tuple of numbers, like (2, 4).")
    if not all(isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in answer):
        raise LearnerError(f"{label} is {answer!r}, but every entry of a shape is a whole number "
                           "(a length), like (2, 4).")
    return [int(n) for n in answer] if isinstance(answer, list) else tuple(int(n) for n in answer)


def _shape_mistake(got, want, nested):
    """What to tell the learner whose shape `got` is not `want`, or None if nothing fits."""
    if isinstance(got, int):
        meanings = []
        if got == len(want):
            meanings.append("the number of levels of nesting (NumPy calls it `ndim`)")
        if got == math.prod(want):
            meanings.append("the number of entries (NumPy calls it `size`)")
        if got == want[0]:
            meanings.append("the length of the outermost list only")
        what = f"the number {got}" + (f", {' or '.join(meanings)}" if len(meanings) == 1 else "")
        return (f"You returned {what}. A shape is a tuple with one length per level of nesting, "
                "like (2, 4); with one level it is (4,), with the comma.")
    got = tuple(got)
    if got == want[::-1] and got != want:
        return ("Your lengths are in reverse order. Read a shape from the outside in: the length of "
                "the whole list comes first, then the length of its first element, and so on.")
    if len(got) < len(want) and got == want[:len(got)]:
        return ("You stopped too early: the innermost lists are a level too. Keep stepping into the "
                "first element while it is still a list (`isinstance(x, list)`).")
    if len(got) > len(want):
        return ("Your shape has more levels than the list. Stop when the element is a number, "
                "not a list: check `isinstance(x, list)` before you count it.")
    if len(got) == len(want) and len(want) > 1 and got[0] == want[0] and all(n == want[0] for n in got):
        return ("Every length in your shape is the outermost one: count the length of the element "
                "you stepped into (`len(x)` after `x = x[0]`), not of the whole list.")
    return None


@guarded(SHAPE_OF_TITLE)
def check_shape_of(shape_of):
    """Check `shape_of(nested)` on rectangular nested lists of 1 to 4 levels, in plain Python."""
    numpy_problem = plain_python_problem(
        shape_of, name="Your `shape_of`", task="count the lengths with `len` while stepping in with `[0]`",
        shortcut="np.array(nested).shape gives the same in one step, and you will use it from now "
                 "on; here the point is to see how a shape is read.")
    if numpy_problem:
        return failed(SHAPE_OF_TITLE, numpy_problem)
    for nested in SHAPE_CASES:
        given = copy.deepcopy(nested)
        described = f"shape_of({_short_list(nested)})"
        answer = call_learner(shape_of, given, name="shape_of", context=described,
                              hints={"TypeError": "Check `isinstance(x, list)` before calling `len(x)` "
                                                  "or `x[0]`: a number has no length."})
        want = _true_shape(nested)
        got = _shape_of_answer(answer, described)
        numpy_problem = plain_python_problem(shape_of, answer, name="Your `shape_of`",
                                             task="count the lengths with `len` while stepping in with `[0]`")
        if numpy_problem:
            return failed(SHAPE_OF_TITLE, numpy_problem)
        if isinstance(got, list) and tuple(got) == want:
            return failed(SHAPE_OF_TITLE, f"{described} gave the right lengths, {got}, but as a list. "
                                          "A shape is a tuple, as NumPy's `.shape` is: return "
                                          "`tuple(...)` of your list.")
        if got != want:
            hint = _shape_mistake(got, want, nested)
            where = f"{described} is {got!r}, but it should be {want}."
            return failed(SHAPE_OF_TITLE, f"{where} {hint}" if hint else where)
        if given != nested:
            return failed(SHAPE_OF_TITLE, "Your function changed the list it was given. Read the "
                                          "lengths without modifying `nested`.")
    return passed(SHAPE_OF_TITLE, "right for 1 to 4 levels of nesting, long and short. That walk "
                                  "from the outside in is how to read any shape NumPy prints.")


def _short_list(nested, limit=50):
    text = repr(nested)
    return text if len(text) <= limit else text[: limit - 4] + " ...]"


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


def _matches(answer, expected):
    """Whether the answer has the expected shape and values (never raises)."""
    try:
        array = np.asarray(answer, dtype=np.float64)
        return array.shape == expected.shape and bool(np.allclose(array, expected))
    except Exception:
        return False


# Read from the type of the exception only: NumPy's wording of its errors changes between releases.
_LAYER_ERROR_HINTS = {
    "ValueError": (" NumPy could not line up the shapes. A (samples, inputs) batch needs an "
                   "(inputs, neurons) matrix, and the weights are stored one row per neuron, "
                   "(neurons, inputs): did you forget to transpose them with `.T`? Use np.dot (not `*`) "
                   "for the weighted sums, and add `biases` as it is, shape (n_neurons,)."),
    "AttributeError": (" Lists have no `.T` (nor other array attributes): turn the weights into an "
                       "array first with np.array(weights)."),
}


class _WatchedInputs(np.ndarray):
    """The batch handed to the learner: an ordinary array that notes when it is transposed.

    Transposing the inputs instead of the weights is a common slip; on a square batch it can
    even give an answer of the right shape. Only the array handed over is watched, not the
    arrays computed from it.
    """

    transposed = False

    @property
    def T(self):
        self._note_transpose()
        return super().T

    def transpose(self, *axes):
        self._note_transpose()
        return super().transpose(*axes)

    def _note_transpose(self):
        if getattr(self, "_watched", False):
            _WatchedInputs.transposed = True


def _watched(batch):
    array = np.array(batch).view(_WatchedInputs)
    array._watched = True
    return array


_TRANSPOSED_INPUTS = ("You transposed the inputs. It is the weights that need `.T`: `inputs` already has one "
                      "row per sample, (n_samples, n_inputs), and `weights.T` turns the weights, stored one "
                      "row per neuron, into one column per neuron, (n_inputs, n_neurons). Compute "
                      "np.dot(inputs, weights.T) + biases.")


@guarded(LAYER_TITLE)
def check_layer_output(layer_output):
    """Check `layer_output(inputs, weights, biases)` on the lesson's batch and a non-square one."""
    for batch, weights, biases in LAYER_CASES:
        arguments = [_watched(batch), np.array(weights), np.array(biases)]
        originals = [np.array(a) for a in arguments]
        _WatchedInputs.transposed = False
        n_samples, n_neurons = len(batch), len(weights)
        described = (f"a batch of {n_samples} samples with {len(batch[0])} inputs "
                     f"and {n_neurons} neurons")
        try:
            answer = call_learner(layer_output, *arguments, name="layer_output")
        except LearnerError as problem:
            if problem.unsolved:
                raise
            if _WatchedInputs.transposed:
                return failed(LAYER_TITLE, f"For {described}, NumPy could not compute your answer. "
                                           + _TRANSPOSED_INPUTS)
            text = str(problem).rstrip().rstrip(".")
            raise LearnerError(f"for {described}, {text}.{_LAYER_ERROR_HINTS.get(problem.kind, '')}") from None
        answer = np.asarray(answer) if isinstance(answer, _WatchedInputs) else answer
        expected = np.asarray(batch) @ np.asarray(weights).T + np.asarray(biases)
        if _WatchedInputs.transposed and not _matches(answer, expected):
            return failed(LAYER_TITLE, _TRANSPOSED_INPUTS)
        result = compare(answer, expected, LAYER_TITLE, mistakes=_layer_mistakes(batch, weights, biases),
                         label=f"your output for {described}")
        if not result:
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


# --- Quiz --------------------------------------------------------------------------------

def quiz():
    """The questions of notebook 02's "Check your understanding"."""
    return Quiz([
        Question(
            "A layer has 4 inputs and 3 neurons. How many weights and biases does it have?",
            ["4 weights and 3 biases", "12 weights and 12 biases", "7 weights and 3 biases",
             "12 weights and 3 biases"],
            answer=3,
            explanations=[
                "Each neuron has its own weight for every input, so 4 weights are not enough for 3 neurons.",
                "There is one bias per neuron, added after its weighted sum, not one per weight.",
                "Inputs and neurons multiply, not add: every one of the 3 neurons sees all 4 inputs.",
                "Each of the 3 neurons has 4 weights (one per input) and 1 bias.",
            ]),
        Question(
            "`batch` has shape (5, 4) and `weights` has shape (3, 4), one row per neuron. "
            "Which line computes the layer's output, shape (5, 3)?",
            ["np.dot(batch, weights) + biases", "np.dot(weights, batch) + biases",
             "np.dot(batch, weights.T) + biases", "np.dot(batch.T, weights) + biases"],
            answer=2,
            explanations=[
                "(5, 4) times (3, 4): the inner sizes 4 and 3 differ, so NumPy raises a shape error.",
                "(3, 4) times (5, 4) does not line up either, and would put neurons in the rows.",
                "(5, 4) times (4, 3) gives (5, 3): one row per sample, one column per neuron.",
                "(4, 5) times (3, 4): the inner sizes 5 and 3 differ, so this raises a shape error too.",
            ]),
        Question(
            "What is the shape of `Layer_Dense(2, 64).weights`?",
            ["(2, 64)", "(64, 2)", "(1, 64)", "(64,)"],
            answer=0,
            explanations=[
                "(n_inputs, n_neurons): one column per neuron, so forward computes inputs @ weights "
                "with no transpose.",
                "That is one row per neuron, the layout of the hand-written example, which needs a "
                "transpose in every forward pass.",
                "That is the shape of the biases: one row, one entry per neuron.",
                "The weights are 2-D: each of the 64 neurons has one weight per input.",
            ]),
        Question(
            "What is the shape of `np.array([[[1, 2, 3]], [[4, 5, 6]]])`?",
            ["(3, 1, 2)", "(2, 1, 3)", "(2, 3)", "(1, 2, 3)"],
            answer=1,
            explanations=[
                "Those are the right lengths read from the inside out; a shape starts with the outermost list.",
                "2 matrices, each of 1 row, each row of 3 numbers: read from the outside in.",
                "The lists of length 1 are a level too: it shows up as a 1 in the shape.",
                "The outermost list holds 2 elements, so the shape starts with 2.",
            ]),
        Question(
            "Why does a layer usually process a batch of samples in one step?",
            ["One sample cannot pass through a weight matrix on its own",
             "So that every sample of the batch gets the same output",
             "The biases can only be added to several samples at once",
             "One matrix product is far faster than a loop over samples"],
            answer=3,
            explanations=[
                "It can: np.dot(weights, inputs) + biases computed one sample's outputs earlier in this notebook.",
                "Each sample is a row of its own and gets its own row of outputs.",
                "Broadcasting adds the biases to one sample just as well as to many.",
                "NumPy, the BLAS library under it and GPUs compute many dot products in parallel. "
                "(The other reason comes with training: a step computed from many samples is steadier.)",
            ]),
    ])
