"""Checks for notebook 07 · Backpropagation.

* `check_dense_backward`: Exercise 1, the backward pass of a dense layer that stores its weights
  with one row per neuron (shape (n_neurons, n_inputs), forward pass inputs @ weights.T + biases).
* `check_softmax_crossentropy_backward`: Exercise 2, the combined softmax + cross-entropy gradient.
* `check_chain_gradients`: Exercise 3, "find the bug" in the gradients of a two-neuron chain.
* `quiz()`: the notebook's quiz.

Every check computes its reference in float64 with its own code (it does not import the
network module), whatever the reproducible setup has done to NumPy's defaults.
"""

import math
import re

import numpy as np

from ..checking import LearnerError, Mistake, call_learner, compare, failed, guarded, passed, to_array
from ..quiz import Question, Quiz

__all__ = [
    "check_dense_backward", "check_softmax_crossentropy_backward", "check_chain_gradients",
    "chain_loss", "buggy_chain_gradients", "CHAIN_POINTS", "SATURATED_POINT",
    "quiz",
]

DENSE_TITLE = "Exercise 1: Layer_Dense backward"
COMBINED_TITLE = "Exercise 2: softmax + cross-entropy gradient"
CHAIN_TITLE = "Exercise 3: find the bug"


# ---- Exercise 1 ---------------------------------------------------------------------------

def _dense_case():
    """5 samples, 4 inputs, 3 neurons: three different sizes, so every shape mistake shows.
    The weights have one row per neuron, shape (3, 4)."""
    rng = np.random.default_rng(7)
    inputs = np.round(rng.uniform(-2, 2, size=(5, 4)), 2)
    weights = np.round(rng.uniform(-1, 1, size=(4, 3)), 2).T.copy()
    dvalues = np.round(rng.uniform(-1, 1, size=(5, 3)), 2)
    return inputs, weights, dvalues


SHAPE_ERROR_WORDS = ("align", "shape", "broadcast", "core dimension", "mismatch")


@guarded(DENSE_TITLE)
def check_dense_backward(dense_backward):
    """Check `dense_backward(inputs, weights, dvalues) -> (dweights, dbiases, dinputs)` for a layer
    whose forward pass is inputs @ weights.T + biases (weights of shape (n_neurons, n_inputs))."""
    inputs, weights, dvalues = _dense_case()
    samples = len(inputs)
    try:
        result = call_learner(dense_backward, inputs.copy(), weights.copy(), dvalues.copy(),
                              name="dense_backward")
    except LearnerError as problem:
        text = str(problem)
        # np.dot says "not aligned", the @ operator (matmul) "mismatch in its core dimension".
        if not problem.unsolved and any(word in text for word in SHAPE_ERROR_WORDS):
            raise LearnerError(
                f"{text.rstrip('.')}. Two arrays in a product do not line up. Write the shapes down: inputs "
                "(samples, n_inputs), weights (n_neurons, n_inputs) in this layer, one row per neuron, "
                "dvalues (samples, n_neurons); the inner sizes of a product must match, and the result "
                "must have the shape of the thing it is the gradient of."
            ) from None
        raise
    if result is None:
        raise LearnerError("`dense_backward` returned None. Did you forget the `return`?", unsolved=True)
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        return failed(DENSE_TITLE, "return three arrays, in this order: dweights, dbiases, dinputs "
                      f"(you returned a {type(result).__name__}"
                      + (f" of length {len(result)})." if isinstance(result, (tuple, list)) else ")."))
    dweights, dbiases, dinputs = result
    for value, label in ((dweights, "dweights"), (dbiases, "dbiases"), (dinputs, "dinputs")):
        to_array(value, label)  # `...` or None still in the stub: "Not solved yet"

    want_dweights = dvalues.T @ inputs  # (n_neurons, samples) @ (samples, n_inputs), like weights
    want_dbiases = dvalues.sum(axis=0, keepdims=True)
    want_dinputs = dvalues @ weights  # (samples, n_neurons) @ (n_neurons, n_inputs), like inputs
    per_sample = "The layer itself does not divide by the batch size: the loss's gradient already did."

    verdict = compare(dweights, want_dweights, DENSE_TITLE, label="dweights", mistakes=[
        Mistake(want_dweights.T, "dweights has shape (n_inputs, n_neurons): that is the layout of "
                "Layer_Dense, inputs.T @ dvalues. This layer keeps one row per neuron, weights of shape "
                "(n_neurons, n_inputs), and a gradient has the shape of its parameter. Which product "
                "of inputs and dvalues has that shape?"),
        Mistake(want_dweights / samples, "dweights was divided by the number of samples. " + per_sample),
        Mistake(-want_dweights, "dweights has the wrong sign: nothing is subtracted in a dense layer's "
                "backward pass."),
    ])
    if not verdict:
        return verdict

    verdict = compare(dbiases, want_dbiases, DENSE_TITLE, label="dbiases", mistakes=[
        Mistake(want_dbiases[0], "dbiases has shape (n_neurons,): you summed without keepdims=True. "
                "Keep it 2-D, shape (1, n_neurons), like the biases."),
        Mistake(dvalues, "dbiases was not summed: each bias collects the gradient of every sample, "
                "so add the rows of dvalues (np.sum(dvalues, axis=0, keepdims=True))."),
        Mistake(dvalues.sum(axis=1, keepdims=True), "dbiases was summed over the wrong axis: axis=1 "
                "adds across neurons; the samples are the rows, so use axis=0."),
        Mistake(dvalues.sum(axis=1), "dbiases was summed over the wrong axis (axis=1, across neurons); "
                "sum over the samples with axis=0 and keepdims=True."),
        Mistake(want_dbiases / samples, "dbiases is the mean over the samples. Use the sum: "
                + per_sample),
        Mistake(want_dbiases[0] / samples, "dbiases is a mean without keepdims. Use "
                "np.sum(dvalues, axis=0, keepdims=True): " + per_sample),
        Mistake(lambda answer: answer.size == 1, "dbiases is a single number: you summed over "
                "everything. Sum over the samples only (axis=0), one value per neuron."),
    ])
    if not verdict:
        return verdict

    verdict = compare(dinputs, want_dinputs, DENSE_TITLE, label="dinputs", mistakes=[
        Mistake(want_dinputs.T, "dinputs is transposed: it must have the shape of the inputs, "
                "(samples, n_inputs)."),
        Mistake(want_dinputs / samples, "dinputs was divided by the number of samples. " + per_sample),
        Mistake(-want_dinputs, "dinputs has the wrong sign: nothing is subtracted in a dense layer's "
                "backward pass."),
    ])
    if not verdict:
        return verdict
    return passed(DENSE_TITLE, "dweights = dvalues.T @ inputs, dbiases summed over the samples and "
                  "dinputs = dvalues @ weights: with weights stored one row per neuron, the transposes move, "
                  "and the shapes told you where.")


# ---- Exercise 2 ---------------------------------------------------------------------------

def _combined_case():
    softmax_outputs = np.array([[0.7, 0.2, 0.1],
                                [0.1, 0.3, 0.6],
                                [0.25, 0.5, 0.25],
                                [0.05, 0.15, 0.8]])
    class_targets = np.array([0, 2, 1, 1])
    return softmax_outputs, class_targets


def _subtract_every_listed_class(softmax_outputs, class_targets):
    wrong = softmax_outputs.copy()
    wrong[:, class_targets] -= 1
    return wrong / len(wrong)


def _broadcast_hint(text, samples, classes):
    """Name the mistake behind a "could not be broadcast" error with class indices, or None."""
    if "broadcast" not in text:
        return None
    shapes = set(re.findall(r"\((\d+),(\d*)\)", text.replace(" ", "")))
    if (str(samples), "") in shapes:
        return (f"y_true holds class indices, one number per sample (shape ({samples},)), while the "
                f"softmax outputs have one row of {classes} probabilities per sample (shape ({samples}, "
                f"{classes})): subtracting one from the other does not line up. The y in y_hat - y is a "
                "one-hot row per sample, 1 at its class; subtract 1 in each row at its own class: "
                "dinputs[np.arange(samples), y_true] -= 1.")
    if (str(samples), str(samples)) in shapes:
        return (f"Your one-hot rows have {samples} entries, one per sample: np.eye(samples) makes rows as "
                f"long as the batch. A one-hot row has one entry per class ({classes} here): use "
                "np.eye(softmax_outputs.shape[1]), the number of classes.")
    return ("Two arrays of different shapes were combined: print the shapes of softmax_outputs, y_true "
            "and what you subtract; the gradient has the shape of softmax_outputs.")


@guarded(COMBINED_TITLE)
def check_softmax_crossentropy_backward(softmax_crossentropy_backward):
    """Check `softmax_crossentropy_backward(softmax_outputs, y_true) -> dinputs`, both label formats."""
    softmax_outputs, class_targets = _combined_case()
    samples, classes = softmax_outputs.shape
    one_hot = np.eye(classes, dtype=np.float64)[class_targets]
    expected = (softmax_outputs - one_hot) / samples

    given = softmax_outputs.copy()
    try:
        answer = call_learner(softmax_crossentropy_backward, given, class_targets.copy(),
                              name="softmax_crossentropy_backward")
    except LearnerError as problem:
        hint = _broadcast_hint(str(problem), samples, classes)
        if hint is None:
            raise
        return failed(COMBINED_TITLE, f"{str(problem).rstrip(' .')}. {hint}")
    predicted = np.eye(classes, dtype=np.float64)[np.argmax(softmax_outputs, axis=1)]
    verdict = compare(answer, expected, COMBINED_TITLE, label="your gradient", mistakes=[
        Mistake(softmax_outputs - one_hot, "not divided by the number of samples: the loss is a mean "
                "over the batch, so its gradient is (y_hat - y) / n."),
        Mistake((one_hot - softmax_outputs) / samples, "the sign is flipped: it is y_hat - y, not y - y_hat."),
        Mistake(_subtract_every_listed_class(softmax_outputs, class_targets),
                "1 was subtracted at the wrong places: dinputs[:, y_true] picks whole columns, so every "
                "row lost 1 in every listed class. Pair each row with its own class: "
                "dinputs[np.arange(samples), y_true]."),
        Mistake((softmax_outputs - predicted) / samples, "1 was subtracted at the predicted class "
                "(the largest probability); subtract it at the true class, y_true."),
        Mistake(softmax_outputs / samples, "1 was never subtracted at the true class: the gradient "
                "is (y_hat - y) / n, and y is 1 at the true class."),
        Mistake(-one_hot / softmax_outputs / samples, "this is the cross-entropy gradient alone, "
                "-y / y_hat / n; the combined gradient also goes through the softmax: (y_hat - y) / n."),
    ])
    if not verdict:
        return verdict
    if not np.array_equal(given, softmax_outputs):
        return failed(COMBINED_TITLE, "the values are right, but your function changed the softmax "
                      "outputs it was given (in place). Work on a copy: dinputs = softmax_outputs.copy().")

    try:
        answer_one_hot = call_learner(softmax_crossentropy_backward, softmax_outputs.copy(),
                                      one_hot.copy(), name="softmax_crossentropy_backward")
        problem = None
    except LearnerError as error:
        answer_one_hot, problem = None, str(error)
    one_hot_hint = ("It works with class indices such as [0, 2, 1, 1] but not with one-hot rows. "
                    "When y_true is 2-D, turn it into indices first: y_true = np.argmax(y_true, axis=1).")
    if problem is not None:
        return failed(COMBINED_TITLE, f"{one_hot_hint} With one-hot targets: {problem}")
    verdict = compare(answer_one_hot, expected, COMBINED_TITLE, label="your gradient for one-hot targets")
    if not verdict:
        return failed(COMBINED_TITLE, f"{one_hot_hint} ({verdict.message})")
    return passed(COMBINED_TITLE, "(y_hat - y) / n, for class indices and for one-hot targets.")


# ---- Exercise 3 ---------------------------------------------------------------------------

PARAMETERS = ("w1", "b1", "w2", "b2")
# (x, y, w1, b1, w2, b2): the notebook's example first, then two more points, so that an
# answer that only fits one point is caught.
CHAIN_POINTS = [
    (0.5, 1.0, 0.3, 0.1, 0.2, 0.2),
    (1.5, 0.2, -0.7, 0.4, 1.3, -0.5),
    (-0.8, 0.9, 0.9, -0.3, -1.1, 0.6),
]
# A point where the second sigmoid is saturated (z2 about -30.6, y_hat about 5e-14): every gradient
# is about 1e-14 while the loss is about 0.5, so nudging a parameter changes the loss by less than
# its rounding. Central differences are then wrong by 100% for any step from 1e-8 to 1e-3 (and by
# more than 1e-3 for larger steps, through the curvature), while the chain rule stays exact.
SATURATED_POINT = (1.0, 1.0, 0.5, 0.0, -1.0, -30.0)


def _sigmoid(z):
    return 1.0 / (1.0 + math.exp(-z))


def chain_loss(x, y, w1, b1, w2, b2):
    """0.5 (y_hat - y)^2 for the chain x -> sigmoid(w1 x + b1) -> sigmoid(w2 a1 + b2)."""
    a1 = _sigmoid(w1 * x + b1)
    y_hat = _sigmoid(w2 * a1 + b2)
    return 0.5 * (y_hat - y) ** 2


def _correct_chain_gradients(x, y, w1, b1, w2, b2):
    z1 = w1 * x + b1
    a1 = _sigmoid(z1)
    y_hat = _sigmoid(w2 * a1 + b2)
    dz2 = (y_hat - y) * y_hat * (1 - y_hat)
    dz1 = dz2 * w2 * a1 * (1 - a1)
    return {"w1": dz1 * x, "b1": dz1, "w2": dz2 * a1, "b2": dz2}


def buggy_chain_gradients(x, y, w1, b1, w2, b2):
    """The notebook's buggy function, with the same two bugs."""
    z1 = w1 * x + b1
    a1 = _sigmoid(z1)
    z2 = w2 * a1 + b2
    y_hat = _sigmoid(z2)
    dz2 = (y_hat - y) * y_hat * (1 - z2)  # bug: z2 where y_hat belongs in the sigmoid's slope
    dz1 = dz2 * w2 * a1 * (1 - a1)
    return {"w1": dz1 * x, "b1": dz1, "w2": dz2 * z1, "b2": dz2}  # bug: z1 where a1 belongs


def _central_differences(point, h=1e-6):
    x, y, *params = point
    numeric = {}
    for index, name in enumerate(PARAMETERS):
        plus, minus = list(params), list(params)
        plus[index] += h
        minus[index] -= h
        numeric[name] = (chain_loss(x, y, *plus) - chain_loss(x, y, *minus)) / (2 * h)
    return numeric


def _relative_error(a, b):
    scale = abs(a) + abs(b)
    return 0.0 if scale == 0 else abs(a - b) / scale


def _read_gradients(answer):
    """The learner's answer as {name: float}, or raise LearnerError saying what is wrong."""
    if answer is None or answer is Ellipsis:
        raise LearnerError("`chain_gradients` returned None. Did you forget the `return`?", unsolved=True)
    if isinstance(answer, dict):
        missing = [name for name in PARAMETERS if name not in answer]
        if missing:
            raise LearnerError(f"the dictionary has no key {', '.join(repr(m) for m in missing)}: return "
                               "{'w1': ..., 'b1': ..., 'w2': ..., 'b2': ...} as the buggy function does.")
        values = [answer[name] for name in PARAMETERS]
    elif isinstance(answer, (tuple, list)) and len(answer) == 4:
        values = list(answer)
    else:
        raise LearnerError("return a dictionary {'w1': ..., 'b1': ..., 'w2': ..., 'b2': ...}, "
                           f"as the buggy function does (you returned {type(answer).__name__}).")
    gradients = {}
    for name, value in zip(PARAMETERS, values):
        array = to_array(value, f"the gradient for {name}")
        if array.size != 1:
            raise LearnerError(f"the gradient for {name} should be one number, but it has shape {array.shape}.")
        if not np.isfinite(array).all():
            raise LearnerError(f"the gradient for {name} is {array.item()}: look for a division by zero or an overflow.")
        gradients[name] = float(array.item())
    return gradients


def _close(a, b):
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-12)


def _diagnose(wrong, learner, point):
    """Specific hints for the wrong parameters at one point."""
    x, y, w1, b1, w2, b2 = point
    right = _correct_chain_gradients(*point)
    buggy = buggy_chain_gradients(*point)
    a1 = _sigmoid(w1 * x + b1)
    z1 = w1 * x + b1
    hints = []
    if all(_close(learner[name], buggy[name]) for name in PARAMETERS):
        return ["This is still the buggy function: fix it, then run gradient_report on your version."]
    z2 = w2 * a1 + b2
    y_hat = _sigmoid(z2)
    shared = [name for name in ("w1", "b1", "b2") if name in wrong]
    if shared:
        ratio = (1 - z2) / (1 - y_hat)
        if all(_close(learner[name], right[name] * ratio) for name in shared):
            hints.append("Everything that passes through dz2 is off by the same factor: the second "
                         "sigmoid's slope is y_hat * (1 - y_hat), written with the sigmoid's OUTPUT, "
                         "not with z2: dz2 = (y_hat - y) * y_hat * (1 - y_hat).")
    if {"w1", "b1"} & wrong and not hints:
        first = [name for name in ("w1", "b1") if name in wrong]
        slope = a1 * (1 - a1)
        if all(_close(learner[name], right[name] / slope) for name in first):
            hints.append("The first neuron's gradients miss the derivative of its sigmoid, "
                         "a1 * (1 - a1): dz1 = dz2 * w2 * a1 * (1 - a1).")
        elif all(_close(learner[name], -right[name]) for name in first):
            hints.append(f"{' and '.join(first)} {'have' if len(first) > 1 else 'has'} the wrong sign.")
    if "w2" in wrong:
        dz2 = right["b2"]
        if _close(learner["w2"], dz2 * z1) or _close(learner["w2"], learner["b2"] * z1):
            hints.append("dw2 uses z1, the first neuron's value before its sigmoid. The second neuron "
                         "sees a1 = sigmoid(z1), so dw2 = dz2 * a1.")
        elif _close(learner["w2"], dz2 * x):
            hints.append("dw2 uses x, but the second neuron's input is a1, so dw2 = dz2 * a1.")
        elif _close(learner["w2"], -right["w2"]):
            hints.append("w2's gradient has the wrong sign.")
    if "b2" in wrong and _close(learner["b2"], -right["b2"]):
        hints.append("b2's gradient has the wrong sign.")
    return hints


@guarded(CHAIN_TITLE)
def check_chain_gradients(chain_gradients):
    """Compare the learner's `chain_gradients(x, y, w1, b1, w2, b2)` with central differences."""
    for number, point in enumerate(CHAIN_POINTS):
        learner = _read_gradients(call_learner(chain_gradients, *point, name="chain_gradients"))
        numeric = _central_differences(point)
        errors = {name: _relative_error(learner[name], numeric[name]) for name in PARAMETERS}
        wrong = [name for name in PARAMETERS if errors[name] > 1e-6]
        if wrong:
            where = ("at the notebook's example point" if number == 0 else
                     "at another point, (x, y, w1, b1, w2, b2) = " + str(point))
            details = ", ".join(f"{name} (relative error {errors[name]:.2g})" for name in wrong)
            hints = _diagnose(set(wrong), learner, point)
            return failed(CHAIN_TITLE, f"Compared with central differences {where}, these gradients "
                          f"are wrong: {details}. " + " ".join(hints))
    learner = _read_gradients(call_learner(chain_gradients, *SATURATED_POINT, name="chain_gradients"))
    exact = _correct_chain_gradients(*SATURATED_POINT)
    wrong = [name for name in PARAMETERS if _relative_error(learner[name], exact[name]) > 1e-6]
    if wrong:
        return failed(CHAIN_TITLE, "Your gradients match central differences at three points, but at a "
                      f"point where the second sigmoid is saturated, (x, y, w1, b1, w2, b2) = {SATURATED_POINT}, "
                      f"{', '.join(wrong)} {'are' if len(wrong) > 1 else 'is'} wrong. There every gradient is "
                      "about 1e-14 while the loss is about 0.5, so nudging a parameter changes the loss by "
                      "less than its rounding, and a finite difference measures noise. Does your function "
                      "nudge the parameters (numerical gradients) instead of applying the chain rule? "
                      "Write each gradient as a product of local derivatives, as buggy_chain_gradients does.")
    return passed(CHAIN_TITLE, "all four gradients match central differences (relative error below "
                  "1e-6) at three different points, and the exact values at a saturated point, where "
                  "central differences fail.")


# ---- Quiz ---------------------------------------------------------------------------------

def quiz():
    """The questions of notebook 07's "Check your understanding"."""
    return Quiz([
        Question("A dense layer receives inputs of shape (300, 2) and has 64 neurons. "
                 "What is the shape of dweights?",
                 ["(2, 64)", "(300, 64)", "(64, 2)", "(300, 2)"], answer=0,
                 explanations=[
                     "Right: a gradient has the shape of its parameter; inputs.T @ dvalues is "
                     "(2, 300) @ (300, 64).",
                     "That is the shape of the layer's output, and so of dvalues.",
                     "That is dweights transposed, dvalues.T @ inputs.",
                     "That is the shape of the inputs, and so of dinputs."]),
        Question("Why does Activation_ReLU.backward multiply dvalues by (inputs > 0)?",
                 ["To make every gradient non-negative, so no weight reverses its direction",
                  "To divide by the batch size: the mask counts how many samples were active",
                  "To clip large gradients, since the mask caps each entry at 1 for stability",
                  "ReLU's slope is 1 where its input was positive and 0 elsewhere"], answer=3,
                 explanations=[
                     "Negative entries of dvalues stay negative where the mask is 1; the mask only "
                     "switches entries off.",
                     "Nothing is divided: the mask is 0 or 1 per entry, and the loss's gradient "
                     "already carries the 1/n.",
                     "The mask never rescales an entry it lets through, however large.",
                     "Right: by the chain rule the gradient passes where the neuron was active and "
                     "is blocked where it output 0."]),
        Question("What does the combined softmax + cross-entropy backward pass compute, for a batch "
                 "of n samples?",
                 ["-y / y_hat / n", "diag(s) - s s^T", "(y_hat - y) / n", "y_hat * (1 - y_hat) / n"],
                 answer=2,
                 explanations=[
                     "That is the gradient of cross-entropy alone, with respect to the probabilities.",
                     "That is the softmax Jacobian of one sample, which the shortcut never builds.",
                     "Right: chaining the two derivatives, the probabilities cancel and only "
                     "y_hat - y remains, divided by n for the mean.",
                     "That looks like a sigmoid's slope; softmax + cross-entropy has no such factor."]),
        Question("A gradient check in float32 with h = 1e-6 reports a large relative error for a "
                 "layer that is correct. What is the most likely reason?",
                 ["A correct backward pass passes the check in any precision, so the layer is wrong",
                  "float32 keeps about 7 digits, so f(x + h) - f(x - h) is mostly rounding",
                  "Central differences work for a scalar loss only, not through a layer's outputs",
                  "The step is too large for float32: h = 1e-12 would make the estimate exact"],
                 answer=1,
                 explanations=[
                     "Run it in float64 first: the layer is probably fine.",
                     "Right: in float32, x + 1e-6 barely differs from x, so the difference of the "
                     "two losses is mostly noise. Use float64 (restore_numpy()).",
                     "They work for any function that returns a number; the checker builds one "
                     "from the layer's outputs.",
                     "A smaller step makes the rounding worse, not better."]),
        Question("A correct ReLU fails the gradient check (its relative error is far above 1e-6) when one of "
                 "its inputs is 1e-7 and h = 1e-6. Why?",
                 ["The nudges of ±h cross the kink at 0, so the estimate mixes slopes 0 and 1",
                  "The mask should be (inputs >= 0): NumPy treats an input this small as zero",
                  "1e-7 is below float64's precision, so the input is stored as exactly 0",
                  "A tiny input makes the relative error's denominator zero, which inflates it"],
                 answer=0,
                 explanations=[
                     "Right: x - h is negative and x + h positive, so the central difference "
                     "averages the two sides of the kink. It is the check that is wrong here, "
                     "not the ReLU.",
                     "The analytic slope at 1e-7 is 1 with either mask; the numerical estimate is "
                     "the one that is off.",
                     "float64 represents 1e-7 with about 16 significant digits.",
                     "The denominator is the sizes of the two gradients, which are not zero here."]),
        Question("The gradient check says dw1 and db1 are wrong, while dw2 and db2 are ok. "
                 "Where is the bug most likely?",
                 ["In the loss's derivative, the first factor of every gradient",
                  "In the forward pass, which both gradients are computed from",
                  "In numerical_gradient, which cannot nudge the first neuron's parameters",
                  "On the path from z2 back to z1: through w2 and the first sigmoid"],
                 answer=3,
                 explanations=[
                     "Then dw2 and db2 would be wrong too: every gradient starts with the loss's "
                     "derivative.",
                     "The numerical gradient uses the same forward pass; a wrong forward pass would "
                     "not single out w1 and b1.",
                     "It gave correct results for w2 and b2 with the same code.",
                     "Right: what dw1 and db1 share beyond dz2 is the path through w2 and the "
                     "first sigmoid."]),
    ])
