"""Exercise checks and quiz for notebook 22 · Batch normalisation.

* `check_batchnorm_dinputs(batchnorm_dinputs)`: the gradient of the loss with respect to a batch
  normalisation layer's inputs in training mode, from the gradient with respect to its normalised
  values; compared with finite differences.
* `check_batchnorm_verdict(best_rates, verdict, validation, test)`: each network's learning rate
  chosen on validation, and whether batch normalisation beats the plain network on the test set by
  more than two standard errors of the difference, judged against the learner's own sweep.
* `quiz()`: the notebook's quiz.

Every check returns a `CheckResult` and never raises because of the learner's answer. The checks
compute their references with their own code and draw nothing from NumPy's global random generator.
"""

import contextlib
from unittest import mock

import numpy as np

from .. import network
from ..checking import (SE_OF_A_DIFFERENCE, LearnerError, best_on_mean, call_learner, failed, gap_verdict_problem,
                        guarded, mean_and_se, passed, rate_choice_problem, to_array)
from ..quiz import Question, Quiz

__all__ = ["check_batchnorm_dinputs", "check_batchnorm_verdict", "quiz"]

DINPUTS_TITLE = "Exercise 1: the gradient through the batch's statistics"
VERDICT_TITLE = "Exercise 2: judge batch normalisation"
TIMEOUT = None  # None: checking.DEFAULT_TIMEOUT
EPSILON = 1e-5
EXACT = 1e-13  # relative error of a stable formula in float64 is about 1e-16 here; mean(x**2) - mean**2 gives 1e-12


# --- Exercise 1 ------------------------------------------------------------------------------

def _case():
    """A batch of 7 samples and 3 features (not square, so a sum over the wrong axis shows); the
    second feature varies so little that leaving out epsilon changes its gradient visibly."""
    rng = np.random.default_rng(22)
    inputs = rng.normal(size=(7, 3)) * np.array([2.0, 0.01, 3.0]) + np.array([1.0, -2.0, 0.5])
    dnormalised = rng.normal(size=(7, 3))
    return inputs, dnormalised


def _normalise(inputs, ddof=0, epsilon=EPSILON):
    mean = inputs.mean(axis=0, keepdims=True)
    inv_std = 1 / np.sqrt(inputs.var(axis=0, ddof=ddof, keepdims=True) + epsilon)
    return (inputs - mean) * inv_std, inv_std


def _gradient(inputs, d, mean_path=True, variance_path=True, per=None, ddof=0, var_factor=1.0,
              var_sign=-1.0, axis=0, epsilon=EPSILON):
    """The staged chain rule, with switches that reproduce the typical mistakes."""
    n = len(inputs)
    per = n if per is None else per
    normalised, inv_std = _normalise(inputs, ddof, epsilon)
    total = d * inv_std
    if variance_path:
        total = total + var_sign * var_factor * inv_std * normalised * np.sum(d * normalised, axis=axis,
                                                                              keepdims=True) / per
    if mean_path:
        total = total - inv_std * np.sum(d, axis=axis, keepdims=True) / per
    return total


def _finite_differences(inputs, d):
    x = inputs.copy()
    return network.numerical_gradient(lambda: np.sum(d * _normalise(x)[0]), x)


class _UsedLibrary(Exception):
    pass


def _library_backward(self, dvalues):
    raise _UsedLibrary


def _call(batchnorm_dinputs, inputs, d, context):
    with contextlib.ExitStack() as stack:
        # The finished backward pass (the course's, or the notebook's once its cell has run) is the answer.
        for cls in {network.Layer_BatchNorm, getattr(batchnorm_dinputs, "__globals__", {}).get("Layer_BatchNorm")}:
            if isinstance(cls, type):
                stack.enter_context(mock.patch.object(cls, "backward", _library_backward, create=True))
        return call_learner(batchnorm_dinputs, inputs.copy(), d.copy(), EPSILON, timeout=TIMEOUT,
                            name="batchnorm_dinputs", context=context)


def _exact_when_centred(batchnorm_dinputs, inputs, d, context):
    """Whether the function is exact (to float64 rounding) on the batch with each feature's mean
    subtracted first. The gradient does not change under that shift; a formula that cancels large,
    nearly equal numbers (the variance as mean(x**2) - mean**2) does, since the shift removes them."""
    centred = inputs - inputs.mean(axis=0, keepdims=True)
    try:
        array = to_array(_call(batchnorm_dinputs, centred, d, context), f"the result of {context}")
    except LearnerError:
        return False
    return (array.shape == inputs.shape and bool(np.all(np.isfinite(array)))
            and network.relative_error(array, _gradient(centred, d)) < EXACT)


@guarded(DINPUTS_TITLE)
def check_batchnorm_dinputs(batchnorm_dinputs):
    """Check `batchnorm_dinputs(inputs, dnormalised, epsilon)` -> dL/dinputs in training mode."""
    inputs, d = _case()
    context = "batchnorm_dinputs(inputs, dnormalised, epsilon)"
    try:
        answer = _call(batchnorm_dinputs, inputs, d, context)
    except LearnerError as problem:
        if "_UsedLibrary" in str(problem):
            return failed(DINPUTS_TITLE, "your function calls the finished "
                          "Layer_BatchNorm.backward, which is the answer itself. Write the chain rule "
                          "from the three paths in the text.")
        raise
    if answer is Ellipsis or answer is None:
        raise LearnerError(f"{context} returned {'`...`' if answer is Ellipsis else 'None'}. "
                           "Did you forget the `return`?", unsolved=True)
    array = to_array(answer, f"the result of {context}")
    if array.shape != inputs.shape:
        return failed(DINPUTS_TITLE, f"{context} returned shape {array.shape}, but the batch has shape "
                      f"{inputs.shape}: one gradient per input. Sums over the batch need keepdims=True.")
    if not np.all(np.isfinite(array)):
        return failed(DINPUTS_TITLE, f"{context} returned values that are not finite (NaN or infinity).")
    exact = _gradient(inputs, d)
    numeric = _finite_differences(inputs, d)
    error, numeric_error = network.relative_error(array, exact), network.relative_error(array, numeric)
    if error < EXACT:
        return passed(DINPUTS_TITLE, f"your gradient agrees with central finite differences (relative error "
                      f"below 1e-7: {numeric_error < 1e-7}), for a batch of {len(inputs)} samples and "
                      f"{inputs.shape[1]} features.")
    where = (f"your gradient differs from central finite differences by a relative error of "
             f"{numeric_error:.2g}: ")
    n = len(inputs)
    mistakes = [
        (_gradient(inputs, d, mean_path=False, variance_path=False),
         "that is the shortcut: the mean and the variance are treated as constants. In training mode "
         "every sample moves both, so the gradient has a path through each of them."),
        (_gradient(inputs, d, mean_path=False),
         "the path through the mean is missing: every x_j enters mu with weight 1/N, and mu is "
         "subtracted from every sample."),
        (_gradient(inputs, d, variance_path=False),
         "the path through the variance is missing: every x_j moves sigma^2 by 2(x_j - mu)/N, and "
         "sigma^2 scales every sample."),
        (_gradient(inputs, d, per=1),
         "the 1/N is missing: d mu / d x_j = 1/N and d sigma^2 / d x_j = 2(x_j - mu)/N, so both sums "
         "over the batch are divided by N."),
        (_gradient(inputs, d, ddof=1),
         "you normalised with the unbiased variance (ddof=1, dividing by N - 1). The layer's forward "
         "pass uses the batch variance, which divides by N."),
        (_gradient(inputs, d, per=n - 1),
         "the sums are divided by N - 1. The forward pass's mean and variance divide by N, so "
         "their derivatives carry 1/N."),
        (_gradient(inputs, d, var_factor=2.0),
         "the path through the variance is twice too large: the derivative of (sigma^2 + eps)^(-1/2) "
         "is -1/2 (sigma^2 + eps)^(-3/2); the 1/2 cancels the 2 of d sigma^2 / d x_j."),
        (_gradient(inputs, d, var_sign=1.0),
         "the path through the variance has the wrong sign: a larger variance makes every |x_hat| "
         "smaller, so the term is subtracted."),
        (_gradient(inputs, d, axis=1),
         "the sums run over the features (axis=1). The statistics are taken over the batch, one "
         "per feature: sum over axis=0."),
        (_gradient(inputs, d, epsilon=0.0),
         "epsilon is left out. The forward pass divides by sqrt(sigma^2 + epsilon), so s must too: it "
         "matters for a feature that hardly varies over the batch, like the second one here."),
        (d, "that is dnormalised unchanged: the division by sqrt(sigma^2 + eps) and both paths through the "
            "statistics are missing."),
    ]
    for wrong, message in mistakes:
        if wrong.shape == array.shape and np.allclose(array, wrong, rtol=1e-9, atol=1e-12):
            return failed(DINPUTS_TITLE, where + message)
    if numeric_error < 1e-7 and _exact_when_centred(batchnorm_dinputs, inputs, d, context):
        # Right in exact arithmetic; the digits lost on this batch come from cancellation, not from the derivation.
        return passed(DINPUTS_TITLE, f"your gradient agrees with central finite differences (relative error below "
                      f"1e-7: True), for a batch of {len(inputs)} samples and {inputs.shape[1]} features. One note: "
                      f"it is {error:.2g} from the exact gradient, where a formula in float64 usually comes within "
                      "about 1e-15, and on the same batch with each feature's mean subtracted first (which leaves "
                      "the gradient unchanged) it is exact. So your formula is right but loses digits to rounding: "
                      "the second feature varies by about 0.01 around -2, and subtracting two large, nearly equal "
                      "numbers, usually the variance written as mean(x**2) - mean**2, cancels most of their "
                      "digits. inputs.var(axis=0), or the mean of (x - mu)**2, keeps them.")
    if error < 1e-4:
        return failed(DINPUTS_TITLE, where + "close, but not as close as a derived formula in float64 comes "
                      "(about 1e-15). That is the size of a finite-difference estimate's own error, or of "
                      "float32 rounding: derive the gradient rather than estimate it, and keep the float64 "
                      "inputs (np.dot is float32 after setup(); np.sum is not).")
    return failed(DINPUTS_TITLE, where + "follow the three paths of the text (direct, through mu, through "
                  "sigma^2) one at a time, and check each sum's axis.")


# --- Exercise 2 ------------------------------------------------------------------------------

NETWORKS = ("plain", "batch norm")


def _gap(test, rates, rate_of=None):
    """Batch norm's mean test accuracy minus the plain network's, and the standard error of that
    difference, each network at its rate in `rates` (or both at `rate_of`)."""
    (mean_bn, se_bn), (mean_plain, se_plain) = (
        mean_and_se(test[name][rate_of if rate_of is not None else rates[name]]) for name in ("batch norm", "plain"))
    return mean_bn - mean_plain, np.hypot(se_bn, se_plain)


@guarded(VERDICT_TITLE)
def check_batchnorm_verdict(best_rates, verdict, validation, test):
    """Check the rates chosen on validation and the verdict against the sweep they came from.

    `validation` and `test`: {"plain" or "batch norm": {learning rate: accuracies, one per seed}}.
    `best_rates`: {network: rate}; `verdict`: True if batch norm wins by more than 2 standard errors.
    """
    if best_rates is Ellipsis or verdict is Ellipsis:
        raise LearnerError("`best_rates` or `verdict` is still `...`.", unsolved=True)
    if not isinstance(best_rates, dict):
        raise LearnerError("`best_rates` should be the dictionary of the cell above, "
                           f"not a {type(best_rates).__name__}.")
    right_rates = {name: best_on_mean(validation[name]) for name in NETWORKS}
    for name in NETWORKS:
        problem = rate_choice_problem(best_rates.get(name, Ellipsis), f'best_rates["{name}"]',
                                      validation[name], test[name])
        if problem:
            return failed(VERDICT_TITLE, problem)
    if not isinstance(verdict, (bool, np.bool_)):
        return failed(VERDICT_TITLE, f"`verdict` should be True or False, not {verdict!r}.")
    gap, se = _gap(test, right_rates)
    problem = gap_verdict_problem(verdict, gap, se)
    if problem is None:
        return passed(VERDICT_TITLE, "the rates are the ones your validation runs choose, and the verdict "
                      "follows from your own test accuracies and their standard errors.")
    where = (f"`verdict` is {bool(verdict)}, but in your sweep the gap on the test set is {gap:+.3f} and two "
             f"standard errors of the difference are {2 * se:.3f}: ")
    if problem == SE_OF_A_DIFFERENCE and len(set(right_rates.values())) > 1 and any(
            gap_verdict_problem(verdict, *_gap(test, right_rates, rate)) is None for rate in right_rates.values()):
        return failed(VERDICT_TITLE, where + "compare each network at its own chosen rate, not both at one rate.")
    return failed(VERDICT_TITLE, where + problem)


# --- Quiz ------------------------------------------------------------------------------------

def quiz():
    """The notebook's quiz: five questions, each option explained."""
    return Quiz([
        Question(
            "Why are gamma and beta stored as the layer's `weights` and `biases`?",
            ["So that every optimiser and the Model train them without any change to their code.",
             "Because batch normalisation replaces the dense layer before it, so it takes over its weights.",
             "Because the L2 penalty of notebook 13 must act on gamma and beta like on any weight.",
             "So that saving and loading in notebook 20 can tell the two layers apart."],
            answer=0,
            explanations=[
                "Right: optimisers update `weights` and `biases` from `dweights` and `dbiases`, whatever the layer.",
                "The layer follows a dense layer; it has its own parameters, one pair per feature.",
                "The layer sets its penalties to 0; the names are about training, not about penalties.",
                "Saving reads layers by position and shape; the names do not tell layers apart."]),
        Question(
            "A backward pass treats the batch's mean and variance as constants in training mode. What happens?",
            ["Nothing measurable: the mean and variance change very little when one sample changes.",
             "The gradient check fails: every sample moves the statistics, and that part is missing.",
             "The gradients of gamma and beta are wrong, but the gradient of the inputs is right.",
             "It is right, because the running statistics are constants during training."],
            answer=1,
            explanations=[
                "The notebook measured it: the shortcut's relative error was far above rounding.",
                "Right: the two sums over the batch in the full formula are the missing part.",
                "It is the other way round: dgamma and dbeta do not involve the statistics' dependence.",
                "Training normalises with the batch's own statistics, not the running ones."]),
        Question(
            "A trained network with batch normalisation predicts a single image in training mode. What comes out "
            "of the batch-normalisation layer?",
            ["The same as in evaluation mode, since the weights are the same.",
             "NaN, because the variance of one sample is 0 and the layer divides by it.",
             "Beta for every feature, whatever the image: the image equals its batch's mean.",
             "The input unchanged, since there is nothing to normalise in a batch of one."],
            answer=2,
            explanations=[
                "Training mode uses the batch's own statistics, which for one sample say nothing about the data.",
                "Epsilon keeps the division finite; the numerator is 0, so the normalised value is 0.",
                "Right: x - mean is 0, so the output is gamma * 0 + beta. Evaluation mode uses the running statistics.",
                "The layer subtracts the batch's mean, which is the sample itself."]),
        Question(
            "A feature's running mean is 2 and its running variance 4 (gamma 1, beta 0, epsilon negligible). "
            "In evaluation mode, what does the layer output for an input of 6 in a batch of 50?",
            ["1, since the difference 6 - 2 is divided by the running variance 4.",
             "It depends on the other 49 samples, whose mean and variance are used.",
             "0, since in a batch every sample is centred on the batch's own mean.",
             "2, since the difference 6 - 2 is divided by the standard deviation 2."],
            answer=3,
            explanations=[
                "The division is by the square root of the variance (plus epsilon), the standard deviation.",
                "That is training mode. Evaluation uses the running statistics, so the batch does not matter.",
                "Only training mode centres on the batch's mean; evaluation subtracts the running mean.",
                "Right: (6 - 2) / sqrt(4 + epsilon) is about 2, whatever else is in the batch."]),
        Question(
            "From the book's 0.01 start, notebook 17's deep network stalled, and with batch normalisation it "
            "trained. What did the notebook measure that explains it?",
            ["Gamma and beta add parameters, and the larger network can fit the spiral where the smaller could not.",
             "Each layer's sums are divided by their own spread, so the gradients no longer vanish below Adam's epsilon.",
             "The noise of the batch's statistics regularises the network, which stops it from overfitting.",
             "The layer's own epsilon (1e-5) is added to Adam's in the update, so Adam's steps no longer shrink with the gradients."],
            answer=1,
            explanations=[
                "About 800 extra parameters do not explain a network that did not move at all; the notebook "
                "measured the gradients' size instead.",
                "Right: with the same weights, the ReLU inputs came out at unit scale and the weights' gradients "
                "far above 1e-7, against about 1e-11 without.",
                "With full-batch steps the statistics are those of the whole training set, with no noise; and a "
                "stalled network is not overfitting.",
                "The layer's epsilon is added to the variance of its inputs, in its forward pass; Adam's "
                "epsilon (1e-7) is unchanged. What changed is the gradients themselves, from about 1e-11 to "
                "about 1e-2."]),
    ])
