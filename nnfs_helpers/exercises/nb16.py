"""Exercise checks and quiz for notebook 16 · Regression.

* `check_mse_backward(mse_backward)`: Exercise 1, the gradient of the mean squared error.
* `check_mae_backward(mae_backward)`: Exercise 2, the gradient of the mean absolute error.
* `check_first_layer(first_layer_at_start, inputs)`: Exercise 3, which first-layer neurons of
  the untrained sine network are dead on `inputs`, and where each neuron bends.
* `quiz()`: the notebook's quiz.

Every check returns a `CheckResult` and never raises because of the learner's answer. The
checks compute their references in float64 with their own code and their own random
generator, so NumPy's global random state is left as it was.
"""

import numpy as np

from ..checking import LearnerError, Mistake, call_learner, compare, failed, guarded, passed, to_array
from ..quiz import Question, Quiz

__all__ = ["check_mse_backward", "check_mae_backward", "check_first_layer", "quiz"]

TIMEOUT = None  # None: checking.DEFAULT_TIMEOUT, the one setting of how long a learner's function may run
MSE_TITLE = "Exercise 1: mean squared error backward"
MAE_TITLE = "Exercise 2: mean absolute error backward"
FIRST_LAYER_TITLE = "Exercise 3: dead neurons and bends at the start"


def _case():
    """5 samples, 3 outputs (neither 1 nor 2, so no factor can hide a missing division):
    predictions above and below their targets, never equal to them."""
    rng = np.random.default_rng(16)
    y_true = np.round(rng.uniform(-1, 1, size=(5, 3)), 2)
    signs = np.array([[1, -1, 1], [-1, 1, -1], [1, 1, -1], [-1, -1, 1], [1, -1, -1]])
    errors = np.round(rng.uniform(0.1, 0.6, size=(5, 3)), 2) * signs
    return y_true + errors, y_true  # dvalues (the predictions), y_true


def _call(function, name, dvalues, y_true):
    return call_learner(function, dvalues.copy(), y_true.copy(), name=name, timeout=TIMEOUT,
                        context=f"{name}(dvalues, y_true) with 5 samples and 3 outputs")


@guarded(MSE_TITLE)
def check_mse_backward(mse_backward):
    """Check `mse_backward(dvalues, y_true) -> dinputs` (dvalues: the predictions)."""
    dvalues, y_true = _case()
    answer = _call(mse_backward, "mse_backward", dvalues, y_true)
    samples, outputs = dvalues.shape
    error = y_true - dvalues
    expected = -2 * error / outputs / samples
    return compare(answer, expected, MSE_TITLE, label="your dinputs", mistakes=[
        Mistake(-error / outputs / samples,
                "The factor 2 is missing: the derivative of (y - y_hat)^2 with respect to y_hat is "
                "-2 (y - y_hat)."),
        Mistake(2 * error / outputs / samples,
                "The sign is wrong. The error y - y_hat enters the square, and its derivative with respect "
                "to y_hat is -1: the gradient is -2 (y - y_hat), positive where the prediction is too high."),
        Mistake(error / outputs / samples,
                "The factor 2 is missing and the sign is wrong: the gradient is -2 (y - y_hat) / outputs / samples."),
        Mistake(-2 * error / outputs,
                "You did not divide by the number of samples: the loss is a mean over the samples, so each "
                "sample's gradient is divided by their number."),
        Mistake(-2 * error / samples,
                "You did not divide by the number of outputs: each sample's loss is the mean over its "
                "outputs, so divide by their number too."),
        Mistake(-2 * error,
                "You did not divide by the number of outputs and of samples: the loss takes the mean over "
                "both, so its gradient is divided by both."),
        Mistake(-2 * error / samples / samples,
                "You divided by the number of samples twice; the second division should be by the number "
                "of outputs (`len(dvalues[0])`)."),
        Mistake(np.mean(-2 * error / outputs, axis=0),
                "You averaged the gradient over the samples. The gradient has one entry per prediction, "
                "the shape of dvalues: divide by the number of samples instead."),
    ])


@guarded(MAE_TITLE)
def check_mae_backward(mae_backward):
    """Check `mae_backward(dvalues, y_true) -> dinputs` (dvalues: the predictions)."""
    dvalues, y_true = _case()
    answer = _call(mae_backward, "mae_backward", dvalues, y_true)
    samples, outputs = dvalues.shape
    error = y_true - dvalues
    expected = -np.sign(error) / outputs / samples
    return compare(answer, expected, MAE_TITLE, label="your dinputs", mistakes=[
        Mistake(np.sign(error) / outputs / samples,
                "The sign of the gradient is flipped. Where the prediction is too high (y_hat > y), "
                "lowering it reduces the loss, so the gradient must be positive there: "
                "-sign(y - y_hat), which is sign(y_hat - y)."),
        Mistake(np.abs(error) / outputs / samples,
                "You used the absolute value of the error. The derivative of |x| is sign(x): "
                "+1 or -1, whatever the size of the error."),
        Mistake(-error / outputs / samples,
                "That is the error itself, as in the squared error. The absolute error's derivative is "
                "only the sign of the error: `np.sign`."),
        Mistake(-2 * np.sign(error) / outputs / samples,
                "There is no factor 2 here: that came from the square in the MSE. The derivative of |x| is sign(x)."),
        Mistake(-np.sign(error) / outputs,
                "You did not divide by the number of samples: the loss is a mean over the samples."),
        Mistake(-np.sign(error) / samples,
                "You did not divide by the number of outputs: each sample's loss is the mean over its outputs."),
        Mistake(-np.sign(error),
                "You did not divide by the number of outputs and of samples: the loss takes the mean over both."),
        Mistake(np.sign(error),
                "The sign is flipped, and the divisions by the number of outputs and of samples are missing."),
    ])


# --- Exercise 3 -------------------------------------------------------------------------------

def _first_layer_cases(inputs):
    """(name, weights, biases, inputs): the learner's own inputs with zero biases, the same inputs
    centred, and a layer with non-zero biases (so a bend is not always at 0)."""
    rng = np.random.default_rng(1616)
    weights = 0.01 * rng.standard_normal((1, 48))  # not 64 neurons: no count of inputs can pass
    biased_weights = rng.standard_normal((1, 24))
    biases = 0.5 * rng.standard_normal((1, 24))
    return [("your inputs, zero biases", weights, np.zeros((1, 48)), inputs),
            ("your inputs minus 0.5, zero biases", weights, np.zeros((1, 48)), inputs - 0.5),
            ("your inputs, non-zero biases", biased_weights, biases, inputs)]


def _unpack(answer, context, n_neurons, n_samples):
    if answer is None or answer is Ellipsis:
        raise LearnerError(f"{context} returned {'`...`' if answer is Ellipsis else 'None'}. "
                           "Did you forget the `return`?", unsolved=True)
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise LearnerError(f"{context} should return two arrays, (dead, bends), but returned "
                           f"a {type(answer).__name__}.")
    dead = to_array(answer[0], "your `dead`").reshape(-1)
    bends = to_array(answer[1], "your `bends`").reshape(-1)
    for name, array in (("dead", dead), ("bends", bends)):
        if array.shape != (n_neurons,) and array.size == n_samples:
            raise LearnerError(f"{context}: your `{name}` has one value per input ({n_samples}), but the "
                               "task asks for one per neuron: one row is one input, one column one neuron, "
                               "so reduce over axis=0.")
        if array.shape != (n_neurons,):
            raise LearnerError(f"{context}: your `{name}` has {array.size} value(s), but the layer has "
                               f"{n_neurons} neurons: return one value per neuron (per column)."
                               + (" A single number is a count; the task asks which neurons."
                                  if name == "dead" and array.size == 1 else ""))
    return dead, bends


@guarded(FIRST_LAYER_TITLE)
def check_first_layer(first_layer_at_start, inputs):
    """Check `first_layer_at_start(weights, biases, inputs) -> (dead, bends)` on the learner's inputs."""
    inputs = to_array(inputs, "the inputs").reshape(-1, 1)
    for name, weights, biases, x in _first_layer_cases(inputs):
        context = f"first_layer_at_start(weights, biases, inputs) ({name})"
        answer = call_learner(first_layer_at_start, weights.copy(), biases.copy(), x.copy(),
                              timeout=TIMEOUT, name="first_layer_at_start", context=context)
        z = x @ weights + biases
        dead, bends = _unpack(answer, context, weights.shape[1], len(x))
        right_dead = np.all(z <= 0, axis=0)
        if not np.array_equal(dead != 0, right_dead):
            known = [
                (np.all(z < 0, axis=0), "you asked for a weighted sum below 0 at every input. ReLU outputs "
                                        "0 also where the sum is exactly 0 (at x = 0 with a zero bias): test "
                                        "the ReLU output, np.all(np.maximum(0, z) == 0, axis=0)."),
                (np.any(z <= 0, axis=0), "you marked every neuron that is 0 for at least one input. Dead means "
                                         "0 for every input: np.all, not np.any."),
                (~right_dead, "you marked the live neurons, not the dead ones."),
            ]
            for wrong, message in known:
                if np.array_equal(dead != 0, wrong):
                    return failed(FIRST_LAYER_TITLE, f"{context}: {message}")
            return failed(FIRST_LAYER_TITLE, f"{context}: your `dead` marks {int(np.sum(dead != 0))} neurons, "
                          f"but {int(right_dead.sum())} output 0 for every input.")
        right_bends = -biases[0] / weights[0]
        if not np.allclose(bends, right_bends, rtol=1e-6, atol=1e-9):
            if np.allclose(bends, biases[0] / weights[0], rtol=1e-6, atol=1e-9):
                return failed(FIRST_LAYER_TITLE, f"{context}: the sign of your bends is flipped. The sum "
                              "w x + b is 0 where x = -b / w.")
            with np.errstate(divide="ignore", invalid="ignore"):
                flipped = -weights[0] / biases[0]
            if np.allclose(bends, flipped, rtol=1e-6, atol=1e-9, equal_nan=True):
                return failed(FIRST_LAYER_TITLE, f"{context}: your bends are -w / b; solve w x + b = 0 for x.")
            return failed(FIRST_LAYER_TITLE, f"{context}: your `bends` are not where w x + b = 0 "
                          "(one x per neuron, in the units of the inputs).")
    return passed(FIRST_LAYER_TITLE, "right on your inputs, on the centred inputs and on a layer with "
                  "non-zero biases. Look at what your two arrays say about the network of seed 0.")


# --- Quiz -------------------------------------------------------------------------------------

def quiz():
    """The notebook's quiz: five questions, each option explained."""
    return Quiz([
        Question(
            "A network should predict tomorrow's temperature in degrees, which can be below zero. "
            "Which output layer and loss fit?",
            ["A linear output (the identity) and the mean squared error.",
             "A sigmoid output and binary cross-entropy, with the temperatures scaled into [0, 1].",
             "A ReLU output and the mean squared error, since ReLU is cheap and never saturates.",
             "A softmax over 100 temperature bins and categorical cross-entropy, read off by argmax."],
            answer=0,
            explanations=[
                "Right: the output can take any value, and MSE scores the distance to the target.",
                "Binary cross-entropy scores yes/no probabilities; a temperature is not one, and the scaling "
                "would cap the forecasts at the extremes seen in training.",
                "ReLU cannot output a negative number: every frost would be predicted as 0 degrees.",
                "That throws away that 20 degrees is closer to 21 than to 5: every wrong bin costs the same."]),
        Question(
            "Five measurements of one quantity are 1.0, 1.2, 0.9, 1.1 and a faulty 6.0. Fitting a single "
            "constant, which loss is pulled least by the faulty value?",
            ["Mean squared error, because squaring makes all the small errors weigh more.",
             "Both give the same constant, since they have the same minimum.",
             "Mean squared error, because its gradient shrinks as the fit improves.",
             "Mean absolute error: its best constant is the median of the data."],
            answer=3,
            explanations=[
                "Squaring makes the one big error weigh far more, not the small ones.",
                "The notebook's figure shows two different minima: the mean and the median.",
                "Its gradient shrinks near the target, but the outlier's large error keeps pulling the fit.",
                "Right: the median ignores how far away the faulty value is; the mean does not."]),
        Question(
            "During training the book's regression 'accuracy' jumps up and down by tens of percentage "
            "points while the loss barely changes. What does that tell you?",
            ["The network has started to overfit its training points, so the learning rate should be "
             "lowered at once to stop it.",
             "The loss is misleading here; the accuracy is the number that shows what the network "
             "really does on each of the points.",
             "Many predictions sit near the edge of a very narrow band (std(y) / 250), so a tiny shift "
             "moves them in or out of it.",
             "The data set changed between the two epochs."],
            answer=2,
            explanations=[
                "Overfitting is a gap between training and validation, not a jump in one number.",
                "The loss measures every error; the 'accuracy' only counts errors below a threshold.",
                "Right: it is a count at a sharp threshold, a rough guide, not a measurement of the fit.",
                "The data is the same every epoch; only the weights change."]),
        Question(
            "Why is the mean squared error's gradient divided by the number of outputs and by the "
            "number of samples?",
            ["Because the gradient would otherwise be negative.",
             "Because the loss is a mean over both, so each prediction enters it divided by both counts.",
             "Because Adam only works with gradients between -1 and 1, and larger ones would make its "
             "steps too big.",
             "Because the factor 2 of the derivative has to be cancelled, or every step would be twice "
             "as large as it should be."],
            answer=1,
            explanations=[
                "Dividing by a positive count never changes a sign.",
                "Right: and so the good learning rate does not depend on the batch or output size.",
                "Adam rescales its steps itself; the division follows from the definition of the loss.",
                "The 2 stays: it comes from the square, the divisions from the means."]),
        Question(
            "Before training, the 1-64-64-1 sine network (inputs in [0, 1), biases 0, weights "
            "0.01 * randn) has about half of its first layer dead. Why, and what revives them?",
            ["Its weights are too small to pass a signal; multiplying them by 10 revives them.",
             "Adam cannot move gradients this small; a smaller epsilon revives them.",
             "Their weights are negative and no input is; centring the inputs revives them.",
             "They were killed by too large a learning rate; a smaller rate revives them."],
            answer=2,
            explanations=[
                "Scaling every weight by 10 changes no sign: the notebook finds the same neurons dead "
                "at 0.01 and at 0.1.",
                "Their gradients are exactly 0, and the live neurons' gradients are far above Adam's "
                "epsilon, so its steps are already full-sized.",
                "Right: with a zero bias, w x is never positive when w < 0 and x >= 0. With x - 0.5 "
                "each neuron is positive on one side of the middle, and every seed learnt.",
                "They are dead before the first step: no learning rate has acted on them yet."]),
    ])
