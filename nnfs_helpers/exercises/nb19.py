"""Exercise checks and quiz for notebook 19 · Real data: handwritten digits.

* `check_split_data(split_data)`: Exercise 1, shuffle and split into training, validation and
  test sets.
* `check_confusion_matrix(confusion_matrix)`: Exercise 2, count true against predicted classes.
* `check_l2_verdict(my_runs, my_verdict, X_val, y_val)`: Exercise 3, the learner's own experiment
  (three trained Models without and with L2) and the conclusion drawn from it.
* `quiz()`: the notebook's quiz.

Every check returns a `CheckResult` and never raises because of the learner's answer. The checks
build their own small data sets, so the notebook's data is never touched.
"""

import numpy as np

from ..checking import LearnerError, Mistake, call_learner, compare, failed, guarded, passed, to_array
from ..quiz import Question, Quiz
from .nb18 import judge_runs, optimizer_settings_problem

__all__ = ["check_split_data", "check_confusion_matrix", "check_l2_verdict", "quiz"]

TIMEOUT = None  # None: checking.DEFAULT_TIMEOUT, the one setting of how long a learner's function may run
SPLIT_TITLE = "Exercise 1: training, validation and test sets"
CONFUSION_TITLE = "Exercise 2: the confusion matrix"
L2_TITLE = "Exercise 3: does the L2 penalty help here?"
L2_VERDICTS = ("without L2", "with L2", "no clear difference")
L2_STRENGTH, L2_LEARNING_RATE, L2_STEPS = 1e-3, 0.005, 20 * 34  # 20 epochs of 34 batches of 1,077 images

_N, _N_VALIDATION, _N_TEST = 50, 10, 12


def _numbered_data():
    """50 samples whose first feature is their number, so every row can be traced back; the
    label is a fixed function of that number, so a broken pairing shows."""
    ids = np.arange(_N, dtype=np.float64)
    X = np.stack([ids, -ids, ids / 2], axis=1)
    y = (ids.astype(np.int64) * 7) % 10
    return X, y


def _as_parts(result):
    """The learner's six returned arrays, or a LearnerError saying what came instead."""
    if result is None:
        raise LearnerError("`split_data` returned None. Did you forget a `return`?", unsolved=True)
    if not isinstance(result, (tuple, list)) or len(result) != 6:
        got = f"a {type(result).__name__}" + (f" of length {len(result)}" if isinstance(result, (tuple, list)) else "")
        raise LearnerError(f"`split_data` should return six arrays, (X_train, y_train, X_val, y_val, "
                           f"X_test, y_test), but it returned {got}.")
    names = ["X_train", "y_train", "X_val", "y_val", "X_test", "y_test"]
    parts = [to_array(part, name) for part, name in zip(result, names)]
    for name, part in zip(names, parts):
        wanted_ndim = 2 if name.startswith("X") else 1
        if part.ndim != wanted_ndim:
            raise LearnerError(f"{name} should have {wanted_ndim} dimension(s) (samples{', features' if wanted_ndim == 2 else ''}), "
                               f"but it has shape {part.shape}.")
    for X_part, y_part, name in zip(parts[::2], parts[1::2], ("training", "validation", "test")):
        if len(X_part) != len(y_part):
            raise LearnerError(f"The {name} set has {len(X_part)} rows of X but {len(y_part)} labels.")
    return parts


@guarded(SPLIT_TITLE)
def check_split_data(split_data):
    """Check `split_data(X, y, n_validation, n_test, seed) -> (X_train, y_train, X_val, y_val, X_test, y_test)`."""
    X, y = _numbered_data()
    X_before, y_before = X.copy(), y.copy()
    context = f"split_data(X, y, n_validation={_N_VALIDATION}, n_test={_N_TEST}, seed=1) on {_N} samples"
    def call(seed):
        return call_learner(split_data, X, y, _N_VALIDATION, _N_TEST, seed, name="split_data",
                            timeout=TIMEOUT, context=context)
    parts = _as_parts(call(1))
    if not (np.array_equal(X, X_before) and np.array_equal(y, y_before)):
        return failed(SPLIT_TITLE, "Your function changed the X or y it was given (for example with "
                      "`np.random.shuffle(X)`, which shuffles in place). Shuffle a list of indices "
                      "instead and index with it, so the caller's data stays as it was.")
    X_train, y_train, X_val, y_val, X_test, y_test = parts
    sizes = (len(X_train), len(X_val), len(X_test))
    wanted = (_N - _N_VALIDATION - _N_TEST, _N_VALIDATION, _N_TEST)
    if sizes != wanted:
        hint = ""
        if sizes == (wanted[0], wanted[2], wanted[1]):
            hint = " The validation and test sizes look swapped."
        return failed(SPLIT_TITLE, f"The sets have {sizes[0]}, {sizes[1]} and {sizes[2]} samples; with "
                      f"{_N} samples, n_validation={_N_VALIDATION} and n_test={_N_TEST} they should have "
                      f"{wanted[0]} (training), {wanted[1]} (validation) and {wanted[2]} (test).{hint}")
    if any(part.shape[1:] != (3,) for part in (X_train, X_val, X_test)):
        return failed(SPLIT_TITLE, "The X parts should keep every feature of a sample (3 here); "
                      f"their shapes are {X_train.shape}, {X_val.shape} and {X_test.shape}.")
    ids = [part[:, 0] for part in (X_train, X_val, X_test)]
    known = np.isin(np.concatenate(ids), np.arange(_N))
    if not known.all() or not all(np.array_equal(part, np.stack([i, -i, i / 2], axis=1)) for part, i in zip((X_train, X_val, X_test), ids)):
        return failed(SPLIT_TITLE, "Some rows of your X parts are not rows of the X given: take whole rows, "
                      "with `X[indices]`, and do not change their values.")
    all_ids = np.concatenate(ids)
    if len(np.unique(all_ids)) != _N:
        return failed(SPLIT_TITLE, "Some samples appear in two sets (or twice in one) and others in none: "
                      "a sample used for training must never be used to validate or test. Shuffle the "
                      "indices once and cut that one permutation into three pieces.")
    for labels, sample_ids, name in zip((y_train, y_val, y_test), ids, ("training", "validation", "test")):
        if not np.array_equal(labels, (sample_ids.astype(np.int64) * 7) % 10):
            return failed(SPLIT_TITLE, f"In the {name} set the labels no longer belong to their samples. "
                          "X and y must be reordered by the same permutation: draw the shuffled indices "
                          "once and use them for both.")
    if all(np.all(np.diff(i) > 0) for i in ids):
        return failed(SPLIT_TITLE, "The samples keep the order of the file: nothing was shuffled. Real files "
                      "are often ordered (by class, by writer, by date), so cut the data only after shuffling.")
    again = _as_parts(call(1))
    if not all(np.array_equal(a, b) for a, b in zip(parts, again)):
        return failed(SPLIT_TITLE, "Two calls with the same seed gave different splits: make the shuffle "
                      "depend on `seed`, for example with `np.random.default_rng(seed).permutation(len(X))`.")
    other = _as_parts(call(2))
    if all(np.array_equal(a, b) for a, b in zip(parts, other)):
        return failed(SPLIT_TITLE, "Seeds 1 and 2 gave the same split: the shuffle should use `seed`.")
    return passed(SPLIT_TITLE, "well done! Every sample is in exactly one set, with its own label, in a "
                  "shuffled order that the seed reproduces.")


@guarded(CONFUSION_TITLE)
def check_confusion_matrix(confusion_matrix):
    """Check `confusion_matrix(y_true, y_pred, n_classes) -> (n_classes, n_classes)` counts:
    row = true class, column = predicted class."""
    y_true = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2, 3, 1, 0])
    y_pred = np.array([0, 1, 0, 1, 2, 2, 2, 0, 2, 3, 1, 2])
    n_classes = 5  # class 4 never occurs: the matrix must still have a row and a column for it
    answer = call_learner(confusion_matrix, y_true.copy(), y_pred.copy(), n_classes, name="confusion_matrix",
                          timeout=TIMEOUT, context="confusion_matrix(y_true, y_pred, n_classes=5) on 12 samples")
    expected = np.zeros((n_classes, n_classes))
    for t, p in zip(y_true, y_pred):
        expected[t, p] += 1
    rows = expected.sum(axis=1, keepdims=True)
    small = expected[:4, :4]
    return compare(answer, expected, CONFUSION_TITLE, label="your matrix", mistakes=[
        Mistake(expected.T, "Rows and columns are swapped: row i should be the samples whose TRUE class is i, "
                "column j those PREDICTED as j (index the matrix as [y_true, y_pred])."),
        Mistake(np.divide(expected, rows, out=np.zeros_like(expected), where=rows > 0),
                "Your rows are fractions: the exercise asks for counts (the notebook divides later, for the figure)."),
        Mistake(expected / len(y_true), "Your entries are fractions of all samples: the exercise asks for counts."),
        Mistake(small, "Your matrix has no row and column for class 4, which never occurs here: size it by "
                "`n_classes`, not by the largest label seen."),
        Mistake(small.T, "Your matrix is transposed and misses class 4: index it as [y_true, y_pred] and size it "
                "by `n_classes`."),
        Mistake(np.diag(np.diag(expected)), "Only the diagonal (the right answers) is filled: count every "
                "(true, predicted) pair, including the mistakes."),
        Mistake(lambda a: a.shape == expected.shape and a.sum() == 1 * (expected > 0).sum() and np.all((a == 0) | (a == 1)),
                "Each entry is 0 or 1: a pair seen twice must count 2. Add 1 for every sample (`+= 1`) "
                "instead of setting the entry to 1."),
    ])


def _l2_settings(l2, model):
    layer = model.trainable_layers[0] if model.trainable_layers else None
    strength = getattr(layer, "weight_regularizer_l2", None)
    if not isinstance(strength, (int, float)) or abs(strength - l2) > 1e-12:
        return (f"has weight_regularizer_l2={strength!r} on its first layer; these runs use {l2}: "
                f"build_model({L2_LEARNING_RATE}, {l2}).")
    return optimizer_settings_problem(
        model, L2_LEARNING_RATE, L2_STEPS, rate_advice=" for every run, so that only the L2 strength differs.",
        steps_advice=f"20 epochs in batches of 32 on the 1,077 training images make {L2_STEPS}. Train each "
                     "new model once: train(X_train, y_train, epochs=EPOCHS, batch_size=BATCH_SIZE).")


@guarded(L2_TITLE)
def check_l2_verdict(my_runs, my_verdict, X_val, y_val):
    """Check Exercise 3: three Models without L2 (key 0) and three with L2 of 1e-3, trained at the
    learning rate 0.005 for 20 epochs, and the verdict their validation accuracies support."""
    return judge_runs(L2_TITLE, my_runs, my_verdict, X_val, y_val, keys=(0, L2_STRENGTH),
                      names=("without L2", f"L2 = {L2_STRENGTH:g}"), settings=_l2_settings, verdicts=L2_VERDICTS,
                      describe="Compare the two means with the standard error of their difference, "
                               "sqrt(s1**2 / n1 + s2**2 / n2), where s is the standard deviation over the seeds.")


# --- Quiz -------------------------------------------------------------------------------------

def quiz():
    """The notebook's quiz: five questions, each option explained."""
    return Quiz([
        Question(
            "Why does this notebook keep a validation set and a test set, instead of one held-out set?",
            ["Choosing settings by a set's score makes that score optimistic; an untouched test set stays honest.",
             "Because the test set must be larger than the validation set, so it needs its own samples.",
             "Because training on the validation set after the search would be cheating, so the final model "
             "is trained on the test set instead.",
             "Because the validation set is drawn from the training data, so it cannot tell anything new."],
            answer=0,
            explanations=[
                "Right: the winner of a search won partly by luck on the validation samples; the test set took "
                "no part in any choice.",
                "Both are 360 images here; the sizes do not decide it, their roles do.",
                "Nothing is trained on the test set: it is only ever used to measure, at the end.",
                "The validation samples are held out from training; they do tell something new, until they are "
                "used to choose."]),
        Question(
            "The pixels of the digits are 0 to 16. Why scale them to [-1, 1] before training?",
            ["Because the softmax output needs inputs between -1 and 1 to give valid probabilities.",
             "Because the loss can only be computed for inputs between -1 and 1, and is NaN otherwise.",
             "Because integers cannot be multiplied by the float weights of the first layer in NumPy.",
             "So inputs have the size the starting weights and learning rate were chosen for."],
            answer=3,
            explanations=[
                "The softmax gives probabilities for any inputs; it never sees the pixels directly.",
                "The loss is computed from the outputs and labels, whatever the input scale; it would just train worse.",
                "NumPy multiplies integers by floats without complaint.",
                "Right: inputs up to 16 make the first layer's outputs 16 times larger than inputs up to 1, and "
                "the well-tried settings assume inputs of about unit size."]),
        Question(
            "The random search found a learning rate whose validation accuracy is 0.6 percentage points above "
            "the runner-up's, with about 360 validation images. What can you conclude?",
            ["That setting is better, and will beat the runner-up on any new data by 0.6 points.",
             "Little: one standard error is about a percentage point here, so the order of the two may be luck.",
             "The runner-up is better, because a search always overestimates its winner.",
             "That the search needs a grid instead: random search cannot rank two runs."],
            answer=1,
            explanations=[
                "A difference this small is within the noise of 360 samples; a new sample may reverse it.",
                "Right: sqrt(p(1 - p)/n) is about 0.9 points at p = 0.97 and n = 360; 0.6 points is less than that.",
                "The winner's number is optimistic, but that does not make the runner-up better.",
                "A grid has the same noise: any search on 360 samples ranks close settings by luck."]),
        Question(
            "Why is the learning rate drawn as 10 to the power of a uniform number, rather than uniformly "
            "between 0.0001 and 0.1?",
            ["Because negative learning rates must be avoided, and a power of 10 is always positive.",
             "Because Adam only accepts learning rates that are exact powers of 10, such as 0.001 or 0.01.",
             "Uniform draws land mostly above 0.01; a log scale gives each factor of 10 an equal share.",
             "Because the power makes every run use a different seed."],
            answer=2,
            explanations=[
                "A uniform draw between two positive bounds is positive too; the problem is where the draws land.",
                "Adam accepts any positive learning rate.",
                "Right: what matters is the ratio between learning rates, so the search should spread over ratios.",
                "The seed is set separately; the scale of the draw has nothing to do with it."]),
        Question(
            "In the confusion matrix, row 8 has a large count in column 1. What does that mean?",
            ["Many images predicted as 8 were really ones.",
             "The network is most confident about eights and ones.",
             "The network saw eights and ones more often than other digits in training.",
             "Many images of an 8 were predicted to be a 1."],
            answer=3,
            explanations=[
                "That would be column 8 of row 1: rows are the true classes.",
                "The matrix counts decisions; it says nothing about confidence.",
                "The classes are about equally frequent; the matrix shows the errors, not the training counts.",
                "Right: rows are true classes, columns predicted ones."]),
    ])
