"""Exercise checks and quiz for notebook 16 · Regression.

* `check_mse_backward(mse_backward)`: Exercise 1, the gradient of the mean squared error.
* `check_mae_backward(mae_backward)`: Exercise 2, the gradient of the mean absolute error.
* `quiz()`: the notebook's quiz.

Every check returns a `CheckResult` and never raises because of the learner's answer. The
checks compute their references in float64 with their own code and their own random
generator, so NumPy's global random state is left as it was.
"""

import numpy as np

from ..checking import Mistake, call_learner, compare, guarded
from ..quiz import Question, Quiz

__all__ = ["check_mse_backward", "check_mae_backward", "quiz"]

TIMEOUT = None  # None: checking.DEFAULT_TIMEOUT, the one setting of how long a learner's function may run
MSE_TITLE = "Exercise 1: mean squared error backward"
MAE_TITLE = "Exercise 2: mean absolute error backward"


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
            "The 1-64-64-1 network got stuck more often when its weights started at 0.01 * randn than "
            "at 0.1 * randn. What was different at the start?",
            ["The random starting numbers were drawn separately for each scale, so the comparison is "
             "unfair and says nothing about the scale itself.",
             "The data set was smaller for the 0.01 runs.",
             "The larger weights used a larger learning rate.",
             "Only their size: the same random numbers times 10, so the signal after two hidden layers "
             "began about 100 times larger."],
            answer=3,
            explanations=[
                "The notebook scales the very same random numbers; only their size differs.",
                "Both runs used the same 64 points.",
                "Both used Adam with the same learning rate and decay.",
                "Right: why the size of the starting weights matters so much is notebook 17's subject."]),
    ])
