"""Exercise checks and quiz for notebook 15 · Binary logistic regression.

* `check_sigmoid_backward(sigmoid_backward)`: Exercise 1, the sigmoid's backward pass from
  what its forward pass saved.
* `check_binary_crossentropy(binary_crossentropy)`: Exercise 2, the binary cross-entropy of
  every sample (clipped, mean over the outputs).
* `check_first_dead_z(first_dead_z)`: Exercise 3, the first z of a grid at which the chained
  sigmoid and binary cross-entropy backward passes give a gradient of exactly 0 in float32.
* `quiz()`: the notebook's quiz.

Every check returns a `CheckResult` and never raises because of the learner's answer. The
checks compute their references in float64 with their own code, and use their own random
generator, so NumPy's global random state is left as it was.
"""

import numpy as np

from ..checking import LearnerError, Mistake, call_learner, compare, failed, guarded, passed, to_array
from ..quiz import Question, Quiz

__all__ = ["check_sigmoid_backward", "check_binary_crossentropy", "check_first_dead_z", "quiz"]

TIMEOUT = None  # None: checking.DEFAULT_TIMEOUT, the one setting of how long a learner's function may run
SIGMOID_TITLE = "Exercise 1: sigmoid backward"
BCE_TITLE = "Exercise 2: binary cross-entropy"
DEAD_TITLE = "Exercise 3: where the chained gradient dies"


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# --- Exercise 1: sigmoid backward -----------------------------------------------------------

def _sigmoid_case():
    """4 samples, 3 outputs: inputs between -3 and 3, so input and output differ clearly."""
    rng = np.random.default_rng(15)
    inputs = np.round(rng.uniform(-3, 3, size=(4, 3)), 2)
    dvalues = np.round(rng.uniform(-1, 1, size=(4, 3)), 2)
    return inputs, _sigmoid(inputs), dvalues


@guarded(SIGMOID_TITLE)
def check_sigmoid_backward(sigmoid_backward):
    """Check `sigmoid_backward(dvalues, inputs, output) -> dinputs`."""
    inputs, output, dvalues = _sigmoid_case()
    answer = call_learner(sigmoid_backward, dvalues.copy(), inputs.copy(), output.copy(),
                          name="sigmoid_backward", timeout=TIMEOUT,
                          context="sigmoid_backward(dvalues, inputs, output) on a batch of shape (4, 3)")
    expected = dvalues * output * (1 - output)
    return compare(answer, expected, SIGMOID_TITLE, label="your dinputs", mistakes=[
        Mistake(dvalues * inputs * (1 - inputs),
                "You computed the derivative from the input instead of the output: "
                "sigmoid'(z) = sigma(z) * (1 - sigma(z)) uses the sigmoid's output sigma(z), which the "
                "forward pass saved as `output`, not the input z."),
        Mistake(inputs * (1 - inputs),
                "You computed the derivative from the input instead of the output, and did not multiply "
                "by dvalues. Use `output * (1 - output)`, then multiply by dvalues (the chain rule)."),
        Mistake(output * (1 - output),
                "That is the sigmoid's own derivative. The chain rule multiplies it by dvalues, the "
                "gradient arriving from the layer above."),
        Mistake(dvalues * _sigmoid(output) * (1 - _sigmoid(output)),
                "You applied the sigmoid to its output a second time. `output` already is sigma(z): "
                "use `output * (1 - output)` directly."),
        Mistake(-dvalues * output * (1 - output),
                "The sign is wrong: the derivative output * (1 - output) is positive, so dinputs has the "
                "sign of dvalues."),
        Mistake(dvalues * output,
                "The factor (1 - output) is missing: sigmoid'(z) = output * (1 - output)."),
        Mistake(dvalues * (1 - output),
                "The factor `output` is missing: sigmoid'(z) = output * (1 - output)."),
        Mistake(dvalues * output * (1 - output) / len(dvalues),
                "You divided by the number of samples. An activation passes each sample's gradient "
                "back unchanged in scale; the 1/n of the mean comes from the loss's backward pass."),
        Mistake(dvalues * output * (1 + output),
                "Check the sign inside the derivative: sigmoid'(z) = output * (1 - output)."),
    ])


# --- Exercise 2: binary cross-entropy --------------------------------------------------------

# Three samples, two yes/no outputs each: the shapes (3, 2), (3,) and (2,) all differ.
_BCE_PRED = np.array([[0.9, 0.2], [0.3, 0.6], [0.75, 0.05]])
_BCE_TRUE = np.array([[1, 0], [1, 1], [0, 0]])
# Certain predictions, right and wrong: log(0) unless both ends are clipped.
_EDGE_PRED = np.array([[1.0, 0.0], [0.0, 0.5], [1.0, 1.0]])
_EDGE_TRUE = np.array([[1, 0], [1, 0], [0, 1]])


def _elementwise(y_pred, y_true, low=1e-7, high=1 - 1e-7):
    p = np.clip(y_pred, low, high)
    return -(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))


def _call_bce(binary_crossentropy, y_pred, y_true):
    return call_learner(binary_crossentropy, y_pred.copy(), y_true.copy(), name="binary_crossentropy",
                        timeout=TIMEOUT,
                        context=f"binary_crossentropy(y_pred, y_true) with y_pred of shape {y_pred.shape}")


@guarded(BCE_TITLE)
def check_binary_crossentropy(binary_crossentropy):
    """Check `binary_crossentropy(y_pred, y_true) -> one loss per sample`, then its clipping."""
    title = BCE_TITLE
    answer = _call_bce(binary_crossentropy, _BCE_PRED, _BCE_TRUE)
    elements = _elementwise(_BCE_PRED, _BCE_TRUE)
    expected = np.mean(elements, axis=-1)
    p, y = _BCE_PRED, _BCE_TRUE
    result = compare(answer, expected, title, label="your sample losses", mistakes=[
        Mistake(elements, "These are the losses of every single output, shape (samples, outputs). The mean "
                          "over outputs was forgotten: average each row, `np.mean(..., axis=-1)`, to get one "
                          "loss per sample."),
        Mistake(np.sum(elements, axis=-1),
                "You added the outputs' losses. Take their mean over the outputs instead "
                "(`np.mean(..., axis=-1)`), so that the loss does not grow with the number of outputs."),
        Mistake(np.mean(elements),
                "That is one number for the whole batch: you also averaged over the samples. Return one loss "
                "per sample; `Loss.calculate` takes the mean over the samples."),
        Mistake(np.mean(elements, axis=0),
                "You took the mean over the samples (axis 0) instead of over the outputs: use `axis=-1`, "
                "one loss per sample (row)."),
        Mistake(-expected, "The sign is wrong: the log of a probability is negative, so the loss is "
                           "minus the sum of the two log terms, a positive number."),
        Mistake(np.mean(-y * np.log(p), axis=-1),
                "Only the y * log(p) term is there: that is categorical cross-entropy's shortcut. A yes/no "
                "output is also scored when the answer is no: add (1 - y) * log(1 - p)."),
        Mistake(np.mean(-(1 - y) * np.log(1 - p), axis=-1),
                "Only the (1 - y) * log(1 - p) term is there: add y * log(p) for the outputs whose answer is yes."),
        Mistake(np.mean(-(y * np.log(1 - p) + (1 - y) * np.log(p)), axis=-1),
                "The two log terms are swapped: y goes with log(p), the probability of yes, and (1 - y) with "
                "log(1 - p)."),
        Mistake(np.mean(-(y * np.log10(p) + (1 - y) * np.log10(1 - p)), axis=-1),
                "You used log10. Cross-entropy uses the natural logarithm, `np.log`."),
    ])
    if not result:
        return result

    # The same formula on predictions of exactly 0 and 1.
    answer = _call_bce(binary_crossentropy, _EDGE_PRED, _EDGE_TRUE)
    expected = np.mean(_elementwise(_EDGE_PRED, _EDGE_TRUE), axis=-1)
    array = to_array(answer, "your sample losses for predictions of exactly 0 and 1")
    if array.shape == expected.shape and not np.all(np.isfinite(array)):
        return failed(title, "Right on ordinary predictions, but predictions of exactly 0 or 1 give "
                             f"{array.tolist()}: log(0) is -inf. Clip the predictions to [1e-7, 1 - 1e-7] "
                             "before taking logs. Both ends: a prediction of 1 makes log(1 - p) = log(0).")
    return compare(answer, expected, title, rtol=1e-5, label="your sample losses for predictions of exactly 0 and 1",
                   success="right, one mean loss per sample, and finite even for predictions of exactly 0 and 1.",
                   mistakes=[
        Mistake(np.mean(_elementwise(_EDGE_PRED, _EDGE_TRUE, 1e-15, 1 - 1e-15), axis=-1),
                "Finite, but clipped at 1e-15: the course clips at 1e-7 (and 1 - 1e-7), as notebook 05 did."),
    ])


# --- Exercise 3: where the chained gradient dies ----------------------------------------------

# Grids the check runs: coarse, fine (the answer is not a whole number), and one where it never dies.
DEAD_GRIDS = [np.arange(0.0, 40.0, 1.0), np.linspace(16.0, 18.0, 21), np.arange(-5.0, 10.0, 0.5)]


def _first_dead(grid, dtype=np.float32):
    """The first z whose sigmoid rounds to exactly 1 in `dtype`: there p * (1 - p) = 0."""
    for z in grid:
        if 1 / (1 + np.exp(-dtype(z))) == 1:
            return float(z)
    return None


@guarded(DEAD_TITLE)
def check_first_dead_z(first_dead_z):
    """Check `first_dead_z(z_values) -> the first z with a chained gradient of exactly 0, or None`."""
    for grid in DEAD_GRIDS:
        context = f"first_dead_z(np.linspace({grid[0]:g}, {grid[-1]:g}, {len(grid)}))"
        answer = call_learner(first_dead_z, grid.copy(), timeout=TIMEOUT, name="first_dead_z", context=context)
        expected = _first_dead(grid)
        if answer is Ellipsis:
            raise LearnerError("`first_dead_z` still returns `...`.", unsolved=True)
        if answer is None and expected is None:
            continue
        if answer is None:
            return failed(DEAD_TITLE, f"{context} returned None, but the chained gradient is exactly 0 from "
                          f"z = {expected:g} on. If you used the combined class or p - y, that is the fix, not "
                          "the experiment: chain the loss's backward pass and the sigmoid's. And keep z in "
                          "float32 (np.float32), as in the course's networks.")
        try:
            value = float(np.asarray(answer).reshape(()))
        except (TypeError, ValueError):
            return failed(DEAD_TITLE, f"{context} should return one z value from the grid (or None), got "
                          f"{answer!r:.60}.")
        if expected is not None and abs(value - expected) < 1e-9:
            continue
        if expected is None:
            return failed(DEAD_TITLE, f"{context} returned {value:g}, but on this grid the chained gradient never "
                          "reaches exactly 0: return None.")
        in_float64 = _first_dead(grid, np.float64)
        if in_float64 is not None and abs(value - in_float64) < 1e-9:
            return failed(DEAD_TITLE, f"{context} returned {value:g}: that is where float64 rounds the sigmoid to "
                          "1. The course's networks run in float32 (np.float32(z)), where it happens much sooner.")
        if float(value).is_integer() and 0 <= value < len(grid) and abs(grid[int(value)] - expected) < 1e-9:
            return failed(DEAD_TITLE, f"{context} returned {value:g}, the position in the grid; return the z value "
                          "itself, z_values[i].")
        return failed(DEAD_TITLE, f"{context} returned {value:g}, but the first z with a chained gradient of "
                      f"exactly 0 is {expected:g}. Compare the gradient with 0 exactly (== 0), not with a small "
                      "number, and stop at the first one.")
    return passed(DEAD_TITLE, "right on a coarse grid, a fine one and one where the gradient never dies. The "
                  "chained gradient dies exactly where float32 rounds the sigmoid to 1, a little above z = 16.6: "
                  "p * (1 - p) is then 0, and no clip of the loss can bring it back.")


# --- Quiz -------------------------------------------------------------------------------------

def quiz():
    """The notebook's quiz: five questions, each option explained."""
    return Quiz([
        Question(
            "A photo can show a cat, a dog, both or neither. Which output layer fits?",
            ["Softmax over four classes: cat, dog, both, neither.",
             "Softmax over two classes, cat and dog, read with a threshold.",
             "Two sigmoid outputs, one per animal, each read at 0.5.",
             "One sigmoid output that is high for a cat and low for a dog."],
            answer=2,
            explanations=[
                "That works for two labels, but the number of classes doubles with every new label, "
                "and 'both' shares nothing with 'cat' or 'dog'.",
                "Softmax makes the two probabilities sum to 1: it cannot say 'both' (0.9 and 0.9) or "
                "'neither' (0.1 and 0.1).",
                "Right: two independent yes/no questions, two sigmoids, binary cross-entropy averaged "
                "over the two outputs.",
                "One output can only answer one question; 'both' and 'neither' have no place on it."]),
        Question(
            "Activation_Sigmoid.backward uses `self.output * (1 - self.output)`. Why the output "
            "and not the input?",
            ["Because the derivative of the sigmoid at z equals sigma(z) * (1 - sigma(z)), and "
             "sigma(z) is the output the forward pass already saved.",
             "Because the input is no longer needed once the forward pass is done, so the layer "
             "throws it away to save memory before the backward pass runs.",
             "Because using the input would give the same numbers but slower.",
             "Because the chain rule always differentiates with respect to a layer's output."],
            answer=0,
            explanations=[
                "Right: the derivative is written in terms of the output, so the backward pass needs "
                "no new exponential.",
                "The class keeps `self.inputs` too; the reason is the form of the derivative.",
                "z * (1 - z) is a different, wrong number: the formula needs sigma(z).",
                "The chain rule needs the derivative of the output with respect to the input; here that "
                "derivative happens to be expressible through the output."]),
        Question(
            "The labels come as `y` of shape (200,) and the network's output has shape (200, 1). "
            "What happens in `y_true * np.log(y_pred)` if you forget `y.reshape(-1, 1)`?",
            ["NumPy raises a ValueError about the mismatched shapes (200,) and (200, 1), so the "
             "mistake is caught at once, before any training starts.",
             "NumPy broadcasts to a (200, 200) array of every label against every prediction, and "
             "the loss is a wrong number with no error.",
             "Nothing: NumPy matches the samples up one by one either way.",
             "The labels are turned into one-hot rows automatically."],
            answer=1,
            explanations=[
                "(200,) and (200, 1) are compatible for broadcasting, so no error is raised.",
                "Right: the notebook shows it. Silent shape bugs are why the labels are reshaped to a column.",
                "Broadcasting pairs every row with every label; the samples are not matched up.",
                "NumPy knows nothing of labels; it only broadcasts shapes."]),
        Question(
            "Why does binary cross-entropy clip the predictions to [1e-7, 1 - 1e-7]?",
            ["To keep the probabilities from summing to more than 1.",
             "To speed up training by making the gradients larger.",
             "Because the sigmoid can return tiny negative numbers for very negative inputs, and the "
             "log of a negative number is not defined.",
             "Because a prediction of exactly 0 or 1 would put log(0) = -inf into the loss and a "
             "division by zero into the gradient."],
            answer=3,
            explanations=[
                "Sigmoid outputs are separate probabilities; they need not sum to 1.",
                "Clipping changes nothing for ordinary predictions; it only guards the ends.",
                "The sigmoid's output is always between 0 and 1; in float32 it can round to exactly 0 or 1.",
                "Right: both ends matter, since log(p) and log(1 - p) both appear."]),
        Question(
            "The trained network gives a point the output 0.52. What does the probability map say about it?",
            ["The network is sure the point is class 1.",
             "The point lies close to the 0.5 contour, where the network is unsure; it is counted as class 1.",
             "The point is an outlier and is ignored by the accuracy.",
             "About 52% of the training points in its neighbourhood belong to class 1, exactly as "
             "the output says."],
            answer=1,
            explanations=[
                "0.52 is barely above the threshold: far from sure.",
                "Right: thresholding at 0.5 gives class 1, but the colour of the map shows how close the call is.",
                "Every point counts in the accuracy.",
                "The output is a model's estimate, not a count of neighbouring training points."]),
    ])
