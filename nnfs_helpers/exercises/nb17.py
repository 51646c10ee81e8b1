"""Exercise checks and quiz for notebook 17 · Initialisation and depth.

* `check_init_scales(he_std, xavier_std)`: the standard deviations of He and Xavier/Glorot
  initialisation for a layer with `n_inputs` inputs and `n_neurons` neurons.
* `check_count_dead(count_dead)`: the number of dead ReLU neurons (columns that are 0 for
  every sample, one row per sample) in a layer's output.
* `check_depth_verdict(best_rates, verdicts, validation, test)`: each depth's learning rate chosen
  on validation, and whether a deeper network's test accuracy beats a shallower one's by more than
  two standard errors of the difference, judged against the learner's own sweep.

Every check returns a `CheckResult` and never raises because of the learner's answer. The
checks compute their references with their own code and draw nothing from NumPy's global
random generator.
"""

import numpy as np

from ..checking import (LearnerError, best_on_mean, call_learner, failed, gap_verdict_problem, guarded, mean_and_se,
                        passed, rate_choice_problem, to_array)
from ..quiz import Question, Quiz

__all__ = ["check_init_scales", "check_count_dead", "check_depth_verdict", "quiz"]

SCALES_TITLE = "Exercise 1: the He and Xavier scales"
DEAD_TITLE = "Exercise 2: count the dead ReLUs"
DEPTH_TITLE = "Exercise 2: judge the depth sweep"
TIMEOUT = None  # None: checking.DEFAULT_TIMEOUT, the one setting of how long a learner's function may run
# (n_inputs, n_neurons): different sizes, so that mixing them up shows.
SIZES = ((64, 16), (2, 64), (300, 100))


def _number(answer, context):
    if answer is None or answer is Ellipsis:
        raise LearnerError(f"{context} returned {'`...`' if answer is Ellipsis else 'None'}. "
                           "Did you forget the `return`?", unsolved=True)
    array = to_array(answer, f"the result of {context}")
    if array.size != 1:
        raise LearnerError(f"{context} returned an array of shape {array.shape}. Return one number: the "
                           "standard deviation, not the weights themselves.")
    value = float(array.reshape(()))
    if not np.isfinite(value):
        raise LearnerError(f"{context} returned {value}, not a finite number.")
    return value


def _he_mistakes(n_in, n_out):
    return [
        (2 / n_in, "that is the variance 2 / n_inputs. The standard deviation is its square root: "
                   "np.sqrt(2 / n_inputs)."),
        (np.sqrt(1 / n_in), "that is sqrt(1 / n_inputs), which keeps the variance of a layer without "
                            "ReLU. ReLU sets about half of the outputs to 0 and halves the signal's "
                            "power, so He doubles the variance: np.sqrt(2 / n_inputs)."),
        (np.sqrt(2 / n_out), "it uses n_neurons. A neuron adds up one product per input, so the "
                             "forward pass's variance grows with n_inputs: np.sqrt(2 / n_inputs)."),
        (np.sqrt(2 / (n_in + n_out)), "that is the Xavier/Glorot scale. He uses n_inputs alone: "
                                      "np.sqrt(2 / n_inputs)."),
        (np.sqrt(2) / n_in, "the square root covers the whole fraction: np.sqrt(2 / n_inputs), not "
                            "np.sqrt(2) / n_inputs."),
    ]


def _xavier_mistakes(n_in, n_out):
    return [
        (2 / (n_in + n_out), "that is the variance 2 / (n_inputs + n_neurons). The standard deviation "
                             "is its square root."),
        (np.sqrt(6 / (n_in + n_out)), "sqrt(6 / (n_inputs + n_neurons)) is the limit of the uniform "
                                      "form of Xavier, U(-limit, limit). For np.random.randn the "
                                      "standard deviation is np.sqrt(2 / (n_inputs + n_neurons))."),
        (np.sqrt(1 / (n_in + n_out)), "the 2 is missing: Xavier's variance is 2 / (n_inputs + n_neurons), "
                                      "the inverse of the average of the two sizes."),
        (np.sqrt(2 / n_in), "that is the He scale. Xavier averages the inputs and the neurons: "
                            "np.sqrt(2 / (n_inputs + n_neurons))."),
        (np.sqrt(1 / n_in), "it uses n_inputs alone. Xavier balances the forward pass (n_inputs) and "
                            "the backward pass (n_neurons): np.sqrt(2 / (n_inputs + n_neurons))."),
    ]


def _check_one(function, name, right, mistakes_for):
    """None if `function` gives `right(n_in, n_out)` for every size; else a failure message."""
    for n_in, n_out in SIZES:
        context = f"{name}({n_in}, {n_out})"
        value = _number(call_learner(function, n_in, n_out, timeout=TIMEOUT, name=name, context=context),
                        context)
        expected = right(n_in, n_out)
        if np.isclose(value, expected, rtol=1e-6):
            continue
        where = f"{context} returned {value:.6g}, but the answer is {expected:.6g}: "
        for wrong, message in mistakes_for(n_in, n_out):
            if np.isclose(value, wrong, rtol=1e-6):
                return where + message
        return where + "compare your formula with the one in the text."
    return None


@guarded(SCALES_TITLE)
def check_init_scales(he_std, xavier_std):
    """Check `he_std(n_inputs, n_neurons)` and `xavier_std(n_inputs, n_neurons)` -> one number each."""
    problem = _check_one(he_std, "he_std", lambda n_in, n_out: np.sqrt(2 / n_in), _he_mistakes)
    if problem:
        return failed(SCALES_TITLE, problem)
    problem = _check_one(xavier_std, "xavier_std", lambda n_in, n_out: np.sqrt(2 / (n_in + n_out)),
                         _xavier_mistakes)
    if problem:
        return failed(SCALES_TITLE, problem)
    return passed(SCALES_TITLE, "both standard deviations are right for three layer sizes, including "
                  "layers with more inputs than neurons and fewer.")


# --- Exercise 2 ------------------------------------------------------------------------------

def _relu_outputs():
    """100 samples x 12 neurons of ReLU output with 3 dead neurons (columns), 2 all-zero samples
    (rows) and zeros scattered everywhere else, so every typical miscount gives another number."""
    rng = np.random.default_rng(17)
    outputs = np.maximum(0, rng.normal(size=(100, 12)))
    outputs[:, [1, 6, 7]] = 0   # dead neurons
    outputs[[10, 55], :] = 0    # samples for which every neuron is 0
    return outputs


@guarded(DEAD_TITLE)
def check_count_dead(count_dead):
    """Check `count_dead(relu_output)` -> how many neurons output 0 for every sample."""
    outputs = _relu_outputs()
    context = "count_dead(relu_output)"
    answer = call_learner(count_dead, outputs.copy(), timeout=TIMEOUT, name="count_dead", context=context)
    if answer is None or answer is Ellipsis:
        raise LearnerError(f"{context} returned {'`...`' if answer is Ellipsis else 'None'}. "
                           "Did you forget the `return`?", unsolved=True)
    array = to_array(answer, f"the result of {context}")
    zero = outputs == 0
    right = int(np.all(zero, axis=0).sum())
    n_samples, n_neurons = outputs.shape
    if array.size != 1:
        if array.shape == (n_neurons,):
            return failed(DEAD_TITLE, f"{context} returned one value per neuron (shape {array.shape}). "
                          "Add them up: the answer is a count, one number.")
        if array.shape == (n_samples,):
            return failed(DEAD_TITLE, f"{context} returned one value per sample (shape {array.shape}): the "
                          "reduction ran over the wrong axis, and the count is missing. Reduce over the "
                          "samples (axis=0), then add up the neurons.")
        return failed(DEAD_TITLE, f"{context} returned an array of shape {array.shape}; return one number.")
    value = float(array.reshape(()))
    if value == right:
        return passed(DEAD_TITLE, f"{right} of the {n_neurons} neurons output 0 for every one of the "
                      f"{n_samples} samples: np.all over axis 0 (the samples), then a sum over the neurons.")
    where = f"{context} returned {value:g}, but {right} of the {n_neurons} neurons are dead: "
    known = [
        (np.all(zero, axis=1).sum(), "that counts the samples for which every neuron is 0 (axis=1). One "
                                     "row is one sample, one column one neuron: reduce over axis=0."),
        (zero.sum(), "that counts every zero output. A neuron is dead only when it is 0 for every sample: "
                     "np.all(relu_output == 0, axis=0), then sum."),
        (np.any(zero, axis=0).sum(), "that counts the neurons that are 0 for at least one sample, which "
                                     "almost every ReLU is. Use np.all, not np.any."),
        (n_neurons - right, "that counts the neurons that are still alive."),
        (right / n_neurons, "that is the fraction of dead neurons; the task asks for the count."),
        (zero.mean(), "that is the fraction of zero outputs; a dead neuron is 0 for every sample."),
    ]
    for wrong, message in known:
        if np.isclose(value, wrong):
            return failed(DEAD_TITLE, where + message)
    return failed(DEAD_TITLE, where + "a dead neuron is a column that is 0 in every row.")


# --- Exercise 2: judge the depth sweep ---------------------------------------------------------

def _beats(test, deeper, shallower, rates):
    mean_a, se_a = mean_and_se(test[deeper][rates[deeper]])
    mean_b, se_b = mean_and_se(test[shallower][rates[shallower]])
    return mean_a - mean_b, np.hypot(se_a, se_b)


PAIRS = (("2 vs 1", 2, 1), ("3 vs 2", 3, 2))


@guarded(DEPTH_TITLE)
def check_depth_verdict(best_rates, verdicts, validation, test):
    """Check the rates chosen on validation and the two verdicts against the sweep they came from.

    `validation` and `test`: {hidden layers: {learning rate: accuracies, one per seed}}.
    `best_rates`: {hidden layers: rate}; `verdicts`: {"2 vs 1": bool, "3 vs 2": bool}.
    """
    if not isinstance(best_rates, dict) or not isinstance(verdicts, dict):
        raise LearnerError("`best_rates` and `verdicts` should be the two dictionaries of the cell above.")
    right_rates = {hidden: best_on_mean(scores) for hidden, scores in validation.items()}
    for hidden in right_rates:
        problem = rate_choice_problem(best_rates.get(hidden, Ellipsis), f"best_rates[{hidden}]",
                                      validation[hidden], test[hidden])
        if problem:
            return failed(DEPTH_TITLE, problem)
    for name, deeper, shallower in PAIRS:
        verdict = verdicts.get(name, Ellipsis)
        if verdict is Ellipsis or verdict is None:
            raise LearnerError(f'verdicts["{name}"] is still `...`.', unsolved=True)
        if not isinstance(verdict, (bool, np.bool_)):
            return failed(DEPTH_TITLE, f'verdicts["{name}"] should be True or False, not {verdict!r}.')
        gap, se = _beats(test, deeper, shallower, right_rates)
        problem = gap_verdict_problem(verdict, gap, se)
        if problem:
            return failed(DEPTH_TITLE, f'verdicts["{name}"] is {bool(verdict)}, but in your sweep the gap on the '
                          f"test set is {gap:+.3f} and two standard errors of the difference are {2 * se:.3f}: "
                          + problem)
    return passed(DEPTH_TITLE, "the rates are the ones your validation runs choose, and both verdicts "
                  "follow from your own test accuracies and their standard errors.")


# --- Quiz ------------------------------------------------------------------------------------

def quiz():
    """The notebook's quiz: symmetry, the scale, He against Xavier, dead ReLUs, depth."""
    return Quiz([
        Question(
            "Every weight of a 2-8-3 ReLU network starts at the same value 0.5 (biases 0). After "
            "training with Adam, what do the eight hidden neurons look like?",
            ["Different, because Adam gives every weight its own learning rate",
             "Different, because the training data has points of three classes",
             "All still identical: they get the same gradient at every step",
             "All zero, because equal weights make the loss's gradient vanish"],
            answer=2,
            explanations=[
                "Adam's per-weight rates are computed from the gradients, which are identical for "
                "the eight neurons, so the rates are identical too.",
                "The data reach every hidden neuron through the same weights, so each sees the same "
                "thing; the classes differ only at the output layer.",
                "Right: identical neurons compute the same output and get the same gradient, so no "
                "update can tell them apart. Random starting weights break the symmetry.",
                "The gradient is not zero (the network learns something); it is just the same for "
                "every hidden neuron."]),
        Question(
            "A ReLU layer has 64 inputs and 32 neurons. With He initialisation, what standard "
            "deviation do its weights get?",
            ["np.sqrt(2 / 64), about 0.177",
             "np.sqrt(2 / 32), 0.25",
             "2 / 64, about 0.031",
             "np.sqrt(2 / (64 + 32)), about 0.144"],
            answer=0,
            explanations=[
                "Right: He uses the number of inputs, because each neuron adds up one product per "
                "input, and the 2 makes up for the half of the signal that ReLU removes.",
                "32 is the number of neurons. The forward pass's variance grows with the inputs.",
                "2 / 64 is the variance; np.random.randn is multiplied by the standard deviation, "
                "its square root.",
                "That is the Xavier/Glorot scale, which averages inputs and neurons and forgets "
                "ReLU's factor 2."]),
        Question(
            "In a deep ReLU network started with `0.01 * np.random.randn`, the activations of the "
            "sixth hidden layer are over a million times smaller than those of the first. Why?",
            ["ReLU clips every value above 0.01, and the clipping repeats at each layer",
             "Each layer multiplies the signal's size by about 0.01 times sqrt(64 / 2), below 1",
             "The biases start at zero, and zero biases pull every output towards zero",
             "Float32 rounds the small weights to zero, so most products vanish"],
            answer=1,
            explanations=[
                "ReLU only clips below 0; it leaves positive values as they are.",
                "Right: 64 products with weights of standard deviation 0.01, half of them silenced "
                "by ReLU, give about 0.057 times the input's size per layer; six layers multiply that.",
                "Zero biases add nothing, but they do not shrink anything either; the weights do.",
                "Float32 represents 0.01 and far smaller numbers without trouble; the shrinking is "
                "real arithmetic, not rounding."]),
        Question(
            "How do you count the dead ReLU neurons of a layer from `relu_output`, one row per sample?",
            ["np.sum(np.all(relu_output == 0, axis=1)), a count of the rows",
             "np.sum(relu_output == 0), every output that is zero",
             "np.sum(np.any(relu_output == 0, axis=0)), each column with a zero",
             "np.sum(np.all(relu_output == 0, axis=0)), each column of zeros"],
            answer=3,
            explanations=[
                "Axis 1 runs over the neurons: this counts samples for which every neuron is 0.",
                "About half of all ReLU outputs are 0 in a healthy layer; dead means 0 for every sample.",
                "Almost every neuron is 0 for some sample; that is how ReLU works.",
                "Right: a dead neuron is a column that is 0 for every sample, so it passes no gradient "
                "and never learns again."]),
        Question(
            "Networks with 1, 2 and 3 hidden layers were trained on the spiral at three learning rates "
            "each. At 0.005 alone, one hidden layer was far behind. What does the whole sweep support?",
            ["Deeper networks are better, so a third layer would help on every problem",
             "At each depth's own best rate, most of that gap was gone; 2 still beat 1",
             "Depth does not matter: every depth reached the same accuracy at some rate",
             "One hidden layer is about 0.25 behind, since that held in all three starts"],
            answer=1,
            explanations=[
                "One data set, one budget and three starts cannot show 'always', and here a third layer "
                "was level with two.",
                "Right: the shared rate suited the deeper networks better. Compared at the rates chosen "
                "on validation, the gap shrank to a few hundredths, still beyond two standard errors.",
                "Not quite: at their best rates two hidden layers still beat one by more than two "
                "standard errors of the difference, at this budget.",
                "That gap belongs to one learning rate. Repeating a comparison over starts does not fix "
                "a setting that favours one side; sweeping the rate does."]),
    ])
