"""Exercise checks and quiz for notebook 18 · A Model class.

* `check_batches(batches)`: Exercise 1, splitting a shuffled order into mini-batches.
* `check_binary_model(build_binary_model)`: Exercise 2, notebook 15's network as a Model.
* `check_batch_verdict(my_runs, my_verdict, X_val, y_val)`: Exercise 3, the learner's own
  experiment (three trained Models per batch size) and the conclusion drawn from it.
* `judge_runs(...)`: the machinery of such experiment checks, shared with later notebooks.
* `quiz()`: the notebook's quiz.

Every check returns a `CheckResult` and never raises because of the learner's answer. The
checks look at classes by name, so they accept the classes a notebook defines in its own cells
as well as those imported from nnfs_helpers.network; they leave NumPy's global random state
as it was.
"""

import numpy as np

from ..checking import LearnerError, call_learner, failed, guarded, passed
from ..quiz import Question, Quiz

__all__ = ["check_batch_verdict", "check_batches", "check_binary_model", "judge_runs", "quiz"]

TIMEOUT = None  # None: checking.DEFAULT_TIMEOUT, the one setting of how long a learner's function may run
BATCHES_TITLE = "Exercise 1: mini-batches"
MODEL_TITLE = "Exercise 2: the binary network as a Model"
VERDICT_TITLE = "Exercise 3: judge your own batch-size experiment"
VERDICTS = ("full batch", "mini-batches", "no clear difference")

# (number of samples, batch size): a last, smaller batch; an exact fit; one batch bigger than the data.
_BATCH_CASES = ((10, 4), (12, 4), (7, 3), (5, 8), (1, 1))


def _as_batches(answer, label):
    if answer is None:
        raise LearnerError(f"`{label}` returned None: return the list of batches.", unsolved=True)
    if isinstance(answer, np.ndarray) and answer.ndim == 2:
        return [np.asarray(row) for row in answer]
    try:
        batches = list(answer)
    except TypeError:
        raise LearnerError(f"{label} should return a list of index arrays, got a "
                           f"{type(answer).__name__}.") from None
    result = []
    for i, batch in enumerate(batches):
        array = np.asarray(batch)
        if array.ndim != 1 or (array.size and not np.issubdtype(array.dtype, np.integer)):
            raise LearnerError(f"batch {i} should be a 1-D array of whole-number indices, got "
                               f"shape {array.shape} and dtype {array.dtype}.")
        result.append(array)
    return result


def _diagnose(got, order, batch_size):
    """A message for a wrong split of `order` (a permutation) into batches of `batch_size`."""
    n = len(order)
    sizes = [len(batch) for batch in got]
    flat = np.concatenate(got) if got else np.array([], dtype=int)
    full = n // batch_size
    if n % batch_size and sizes == [batch_size] * full:
        return (f"With {n} samples and batch_size={batch_size} your batches miss the last "
                f"{n % batch_size} samples: {n} // {batch_size} = {full} steps drops the last, smaller "
                "batch. Round the number of steps up, for example -(-n // batch_size).")
    if sizes and sizes[-1] == 0:
        return (f"Your last batch is empty (with {n} samples and batch_size={batch_size}). Adding 1 "
                "to n // batch_size gives one step too many when the batches fit exactly: round up instead.")
    if sorted(flat.tolist()) == list(range(n)) and not np.array_equal(flat, order):
        if np.array_equal(flat, np.arange(n)):
            return ("Your batches take the samples in the order 0, 1, 2, ... and ignore `order`: index "
                    "`order` with each slice, so that every epoch's shuffle reaches the batches.")
        return "Every sample is there, but not in the given order: slice `order` from its start, in steps of batch_size."
    if len(flat) > n:
        if len(set(flat.tolist())) == n:
            return ("Some samples appear in two batches: consecutive slices overlap. Batch k is "
                    "order[k * batch_size:(k + 1) * batch_size].")
        return f"Your batches hold {len(flat)} indices for {n} samples: each sample belongs in exactly one batch."
    if any(size > batch_size for size in sizes):
        return f"A batch holds more than batch_size={batch_size} samples (sizes {sizes})."
    return (f"With {n} samples and batch_size={batch_size} the batches should have the sizes "
            f"{[len(order[k:k + batch_size]) for k in range(0, n, batch_size)]}; yours have {sizes}.")


@guarded(BATCHES_TITLE)
def check_batches(batches):
    """Check `batches(order, batch_size) -> list of index arrays`."""
    rng = np.random.default_rng(18)
    for n, batch_size in _BATCH_CASES:
        order = rng.permutation(n)
        answer = call_learner(batches, order.copy(), batch_size, name="batches", timeout=TIMEOUT,
                              context=f"batches(order of {n} samples, batch_size={batch_size})")
        got = _as_batches(answer, "batches")
        expected = [order[k:k + batch_size] for k in range(0, n, batch_size)]
        if len(got) == len(expected) and all(np.array_equal(a, b) for a, b in zip(got, expected)):
            continue
        return failed(BATCHES_TITLE, _diagnose(got, order, batch_size))
    return passed(BATCHES_TITLE, "every sample lands in exactly one batch, in the shuffled order, "
                                 "and the last batch may be smaller. Well done!")


def _name(obj):
    return type(obj).__name__


@guarded(MODEL_TITLE)
def check_binary_model(build_binary_model):
    """Check `build_binary_model() -> Model`: 2-64-1, ReLU, sigmoid, binary cross-entropy,
    Adam, binary accuracy, finalised."""
    state = np.random.get_state()
    try:
        model = call_learner(build_binary_model, name="build_binary_model", timeout=TIMEOUT)
    finally:
        np.random.set_state(state)
    if model is None:
        raise LearnerError("`build_binary_model` returned None: return the model.", unsolved=True)
    if _name(model) != "Model" or not hasattr(model, "layers"):
        return failed(MODEL_TITLE, f"build_binary_model should return a Model, got a {_name(model)}.")
    names = [_name(layer) for layer in model.layers]
    want = ["Layer_Dense", "Activation_ReLU", "Layer_Dense", "Activation_Sigmoid"]
    if "Activation_Softmax" in names:
        return failed(MODEL_TITLE, "The network ends in a softmax. Notebook 15's network answers one yes/no "
                                   "question with one sigmoid output: end in Activation_Sigmoid.")
    if names != want:
        return failed(MODEL_TITLE, f"The layers should be {want}, in this order; yours are {names}.")
    shapes = [model.layers[0].weights.shape, model.layers[2].weights.shape]
    if shapes != [(2, 64), (64, 1)]:
        return failed(MODEL_TITLE, f"The dense layers should be 2 -> 64 and 64 -> 1 (weights (2, 64) and "
                                   f"(64, 1)); yours have weights {shapes[0]} and {shapes[1]}.")
    loss, accuracy, optimizer = (getattr(model, name, None) for name in ("loss", "accuracy", "optimizer"))
    if _name(loss) != "Loss_BinaryCrossentropy":
        return failed(MODEL_TITLE, f"The loss should be Loss_BinaryCrossentropy (a sigmoid output), got "
                                   f"{_name(loss)}. Pass it to model.set(loss=...).")
    if _name(optimizer) != "Optimizer_Adam":
        return failed(MODEL_TITLE, f"The optimiser should be Optimizer_Adam, got {_name(optimizer)}.")
    if abs(getattr(optimizer, "learning_rate", 0) - 0.005) > 1e-12 or abs(getattr(optimizer, "decay", 0) - 5e-7) > 1e-15:
        return failed(MODEL_TITLE, "Use notebook 15's optimiser settings: Optimizer_Adam(learning_rate=0.005, decay=5e-7).")
    if _name(accuracy) != "Accuracy_Categorical":
        return failed(MODEL_TITLE, f"The accuracy should be Accuracy_Categorical(binary=True), got {_name(accuracy)}.")
    if not getattr(accuracy, "binary", False):
        return failed(MODEL_TITLE, "The accuracy must be Accuracy_Categorical(binary=True). Without binary=True it "
                                   "treats a column of 0/1 targets as one-hot rows and takes their argmax, which "
                                   "is always 0.")
    if not hasattr(model, "input_layer"):
        return failed(MODEL_TITLE, "The model is not finalised: call model.finalize() after model.set(...).")
    if model.layers[-1].next is not loss:
        return failed(MODEL_TITLE, "The loss was set after model.finalize(): call set first, then finalize, "
                                   "so the last layer is linked to the loss.")
    return passed(MODEL_TITLE, "the same Model class, with a sigmoid head, binary cross-entropy and a "
                               "yes/no accuracy, is notebook 15's network. Well done!")


def _accuracy(model, X_val, y_val):
    """The model's validation accuracy, leaving NumPy's random state as it was."""
    state = np.random.get_state()
    try:
        return float(model.evaluate(X_val, y_val)[1])
    finally:
        np.random.set_state(state)


def judge_runs(title, runs, verdict, X_val, y_val, *, keys, names, settings, verdicts, describe,
               measure=None, numbers=None, lower_is_better=False):
    """Check an experiment the learner ran and the conclusion they drew from it.

    `runs` maps each key of `keys` to a list of at least 3 trained Models (one per seed);
    `settings(key, model)` returns None when a model was trained as the exercise asks, otherwise
    what is wrong. The check measures every model on (X_val, y_val) itself, and the verdict must
    follow from those numbers: verdicts[0] or verdicts[1] when the first or the second group's mean is
    ahead by more than two standard errors of the difference, verdicts[2] otherwise.

    `measure(model)` gives a model's number (default: its accuracy on X_val, y_val), lower being
    better when `lower_is_better`; `numbers(a, b, difference, error, names)` words the two groups' numbers
    for the messages."""
    if verdict is None or verdict is Ellipsis:
        raise LearnerError("`my_verdict` is not set yet.", unsolved=True)
    if not isinstance(runs, dict) or any(key not in runs for key in keys):
        raise LearnerError(f"`my_runs` should be a dict with the keys {list(keys)}, each holding a list of "
                           f"trained Models; got {type(runs).__name__}.")
    if all(isinstance(runs[key], (list, tuple)) and not runs[key] for key in keys):
        raise LearnerError("`my_runs` holds no trained models yet.", unsolved=True)
    measure = measure or (lambda model: _accuracy(model, X_val, y_val))
    accuracies = {}
    for key, name in zip(keys, names):
        models = runs[key]
        if not isinstance(models, (list, tuple)) or len(models) < 3:
            return failed(title, f"For {name}, put at least three trained Models (one per seed) in a list; got "
                                 f"{len(models) if isinstance(models, (list, tuple)) else type(models).__name__}.")
        for model in models:
            if _name(model) != "Model" or not hasattr(model, "trainable_layers"):
                return failed(title, f"For {name}, every entry should be a trained Model; one is a {_name(model)}.")
            problem = settings(key, model)
            if problem:
                return failed(title, f"One of the models for {name} {problem}")
        first_weights = [model.trainable_layers[0].weights for model in models]
        if any(a is b or np.array_equal(a, b) for i, a in enumerate(first_weights) for b in first_weights[i + 1:]):
            return failed(title, f"Two of the models for {name} have the same weights: train each one from its own "
                                 "seed (and a new Model each time), so that the seeds show how much a result varies.")
        accuracies[key] = [measure(model) for model in models]
    (a, b) = (np.array(accuracies[key]) for key in keys)
    difference = a.mean() - b.mean()
    error = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    lead = -difference if lower_is_better else difference  # how far the first group is ahead
    expected = verdicts[0] if lead > 2 * error else verdicts[1] if -lead > 2 * error else verdicts[2]
    numbers = (numbers or _scores)(a, b, difference, error, names)
    if verdict not in verdicts:
        return failed(title, f"`my_verdict` should be one of {list(verdicts)}; got {verdict!r}.")
    if verdict != expected:
        if expected == verdicts[2]:
            why = "that is within two standard errors, so the seeds do not let you tell the two apart"
        else:
            why = "that is more than two standard errors, so the difference is clear"
        return failed(title, f"Not what your own runs say: {numbers}; {why}. {describe}")
    return passed(title, f"{numbers}, so {verdict!r} is what your experiment shows. Well done!")


def _scores(a, b, difference, error, names):
    return (f"your runs score {a.mean():.3f} ({names[0]}) and {b.mean():.3f} ({names[1]}) on the validation "
            f"set, a difference of {difference:+.3f} with a standard error of {error:.3f}")


def optimizer_settings_problem(model, learning_rate, steps, *, rate_advice, steps_advice):
    """What is wrong with a trained Model's optimiser for a run of an experiment, or None:
    the learning rate must be `learning_rate` and the optimiser must have made `steps` steps.
    (For `judge_runs`'s `settings`; shared by notebooks 18 and 19.)"""
    optimizer = getattr(model, "optimizer", None)
    rate = getattr(optimizer, "learning_rate", None)
    if not isinstance(rate, (int, float)) or abs(rate - learning_rate) > 1e-12:
        return f"has the learning rate {rate!r}; the experiment uses {learning_rate}{rate_advice}"
    made = getattr(optimizer, "iterations", None)
    if made != steps:
        return f"made {made} optimiser steps; {steps_advice}"
    return None


def _batch_settings(batch_size, model):
    wanted = 100 if batch_size is None else 100 * 10
    return optimizer_settings_problem(
        model, 0.01, wanted, rate_advice=": spiral_model(0.01, seed).",
        steps_advice=f"100 epochs on the 300 spiral points make {wanted} with batch_size={batch_size}. "
                     "Train each model once, with epochs=100 and that batch size.")


@guarded(VERDICT_TITLE)
def check_batch_verdict(my_runs, my_verdict, X_val, y_val):
    """Check Exercise 3: three Models per batch size (None and 32) trained at learning rate 0.01 for
    100 epochs, and the verdict their validation accuracies support."""
    return judge_runs(VERDICT_TITLE, my_runs, my_verdict, X_val, y_val, keys=(None, 32),
                      names=("full batch", "batch_size=32"), settings=_batch_settings, verdicts=VERDICTS,
                      describe="Compare the two means with the standard error of their difference, "
                               "sqrt(s1**2 / n1 + s2**2 / n2), where s is the standard deviation over the seeds.")


# --- Quiz -------------------------------------------------------------------------------------

def quiz():
    """The notebook's quiz: five questions, each option explained."""
    return Quiz([
        Question(
            "After model.finalize(), which object does the last layer's `next` point to?",
            ["The model's loss, whose dinputs start the backward pass.",
             "The optimiser, which needs the last layer's gradients first.",
             "The Layer_Input, so the chain closes into a loop.",
             "None, because the last layer has no layer after it."],
            answer=0,
            explanations=[
                "Right: the backward pass starts at the loss, and the last layer reads its gradient from it.",
                "The optimiser updates the trainable layers after the backward pass; it is not part of the chain.",
                "The input layer is the start of the chain, the `prev` of the first layer; nothing loops back to it.",
                "The last layer still needs a gradient from somewhere: the loss is its `next`."]),
        Question(
            "A training set has 1,000 samples and batch_size=32. How many optimiser steps does one epoch take?",
            ["31, since 1,000 // 32 = 31 and the 8 samples left over wait for the next epoch.",
             "32, since the batch size is 32 and each batch is one step of the optimiser.",
             "1,000, since each sample gives its own gradient and so its own step.",
             "32: 31 full batches and a last batch of 8, so every sample is used once."],
            answer=3,
            explanations=[
                "Dropping the remainder means 8 samples are never trained on in that epoch; the Model rounds up.",
                "The batch size is the number of samples per step, not the number of steps.",
                "That would be a batch size of 1. Here 32 samples share one step.",
                "Right: -(-1000 // 32) = 32 steps, the last one on the 8 remaining samples."]),
        Question(
            "Why does the Model use the combined softmax/cross-entropy backward only when the last layer is "
            "Activation_Softmax and the loss is Loss_CategoricalCrossentropy?",
            ["Because the combined gradient is only an approximation, so it must be kept for the cases where "
             "its error is small.",
             "Because its shortcut (y_hat - y) / n is the derivative of exactly that pair; other pairs have other "
             "derivatives.",
             "Because every other loss is slower with the shortcut, though it would give the same numbers.",
             "Because the optimiser only accepts the combined gradient from softmax classifiers."],
            answer=1,
            explanations=[
                "It is exact, not an approximation: notebook 07 showed it equals the chained result.",
                "Right: the shortcut comes from differentiating cross-entropy through softmax; a sigmoid with "
                "binary cross-entropy, or a linear output with MSE, has its own gradients.",
                "It would give wrong numbers, not slower ones: (y_hat - y) / n is not the gradient of other pairs.",
                "The optimiser only sees each layer's dweights and dbiases; it never knows which loss made them."]),
        Question(
            "The Model prints an epoch's training accuracy of 0.95 after training with batch_size=32. "
            "What is that number?",
            ["The accuracy of the weights at the end of the epoch, on the whole training set.",
             "The accuracy on the validation set, measured once the epoch has ended.",
             "The mean over the epoch's samples, each scored by the weights of its own step.",
             "The accuracy of the epoch's last batch only, since the others were overwritten."],
            answer=2,
            explanations=[
                "The Model does not re-score the whole set at the end: that would cost another pass.",
                "The validation numbers are printed separately, as val_acc.",
                "Right: each batch is scored before its update, and the epoch reports the accumulated "
                "mean; early batches saw older weights.",
                "The accumulated sum and count keep every batch of the epoch; new_pass() clears them only "
                "at the start of the next epoch."]),
        Question(
            "A model with a dropout layer is evaluated on the validation set between two epochs. What "
            "does evaluate() change?",
            ["Nothing that training uses: it runs forward in evaluation mode, with dropout passing everything.",
             "The weights, by one small step, because evaluate also runs the backward pass on the validation set.",
             "The dropout masks, redrawn so that the next training step uses new ones.",
             "The accuracy's precision, which evaluate re-measures on the validation targets."],
            answer=0,
            explanations=[
                "Right: training=False switches dropout off, no gradient is computed and no parameter changes.",
                "evaluate never calls backward or the optimiser: learning from the validation set would spoil it.",
                "With training=False, dropout draws no mask; the training mask is left as it was.",
                "The precision of a regression accuracy comes from the training targets and is kept; evaluate "
                "only measures it when the model never trained."]),
    ])
