"""Exercise checks for notebook 08 · Stochastic gradient descent.

* `check_sgd_update(sgd_update)`: one gradient-descent step on a layer's weights and biases.
* `check_minibatches(minibatches)`: a generator of shuffled (X_batch, y_batch) pairs that
  covers every sample exactly once per epoch.
* `check_minibatch_epoch(minibatch_epoch)`: one epoch of mini-batch training (a new
  shuffle; then for every batch forward, loss, backward, and pre_update_params,
  update_params for each dense layer, post_update_params); returns the mean batch loss.
* `check_judge(judge, table)`: verdicts (per epoch, per step) on the paired differences of
  mini-batch and full-batch runs, judged on fixed cases and on the learner's own run.
* `quiz()`: the notebook's quiz.

Every check returns a `CheckResult` and never raises because of the learner's answer.
"""

import math
import numbers
from itertools import islice

import numpy as np

from ..checking import (LearnerError, Mistake, call_learner, compare, failed, guarded,
                        not_solved, passed)
from ..training import backward, forward

__all__ = ["check_sgd_update", "check_minibatches", "check_minibatch_epoch", "check_judge"]

TIMEOUT = None  # None: checking.DEFAULT_TIMEOUT, the one setting of how long a learner's function may run


def _short(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --- Exercise 1: sgd_update ----------------------------------------------------------------

class _Layer:
    """A stand-in for a Layer_Dense after its backward pass: parameters and their gradients."""

    def __init__(self, rng, n_inputs=3, n_neurons=4):
        self.weights = rng.normal(size=(n_inputs, n_neurons))
        self.biases = rng.normal(size=(1, n_neurons))
        self.dweights = rng.normal(size=(n_inputs, n_neurons))
        self.dbiases = rng.normal(size=(1, n_neurons))


def _parameter(layer, name):
    """layer.<name> as a float array, or a LearnerError saying what happened to it."""
    if not hasattr(layer, name):
        raise LearnerError(f"after your update the layer has no `{name}` attribute any more.")
    value = getattr(layer, name)
    if value is None:
        raise LearnerError(f"after your update `layer.{name}` is None. Did you assign it the result "
                           f"of a function that returns nothing? Write `layer.{name} -= ...`.")
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise LearnerError(f"after your update `layer.{name}` is not an array of numbers "
                           f"({_short(value)}).") from None


def _step_mistakes(before, gradient, learning_rate, name, gradient_name):
    """Typical wrong versions of `before - learning_rate * gradient`."""
    return [
        Mistake(before + learning_rate * gradient,
                f"Wrong sign: you added the step to `{name}`. The gradient points uphill, so "
                f"subtract it: `layer.{name} -= learning_rate * layer.{gradient_name}`."),
        Mistake(before - learning_rate * before,
                f"You multiplied the learning rate by `layer.{name}` itself. The step uses the "
                f"gradient, `layer.{gradient_name}`."),
        Mistake(before - learning_rate ** 2 * gradient,
                "The learning rate is applied twice (learning_rate ** 2 times the gradient). "
                "Multiply the gradient by it once."),
        Mistake(before - gradient,
                "Your step ignores `learning_rate`: multiply the gradient by it."),
        Mistake(before - 2 * learning_rate * gradient,
                "Your step is twice too long: did the update run twice, or did you subtract the "
                "step and then subtract it again?"),
        Mistake(-learning_rate * gradient,
                f"You replaced `layer.{name}` by the step. Add the step to the current values: "
                f"`layer.{name} += -learning_rate * layer.{gradient_name}`."),
        Mistake(before - gradient / learning_rate,
                "You divided the gradient by the learning rate: multiply instead."),
    ]


@guarded("Exercise 1: sgd_update")
def check_sgd_update(sgd_update):
    """Check `sgd_update(layer, learning_rate)` on two layers and two learning rates."""
    title = "Exercise 1: sgd_update"
    rng = np.random.default_rng(8)
    for learning_rate, shape in ((0.1, (3, 4)), (0.7, (2, 5))):
        layer = _Layer(rng, *shape)
        weights, biases = layer.weights.copy(), layer.biases.copy()
        dweights, dbiases = layer.dweights.copy(), layer.dbiases.copy()
        expected_w = weights - learning_rate * dweights
        expected_b = biases - learning_rate * dbiases
        returned = call_learner(sgd_update, layer, learning_rate, name="sgd_update", timeout=TIMEOUT)
        label = f"with learning_rate={learning_rate:g}, layer.weights"

        new_w = _parameter(layer, "weights")
        new_b = _parameter(layer, "biases")
        gradients_changed = not (np.array_equal(np.asarray(layer.dweights, dtype=float), dweights)
                                 and np.array_equal(np.asarray(layer.dbiases, dtype=float), dbiases))
        w_unchanged = new_w.shape == weights.shape and np.array_equal(new_w, weights)
        b_unchanged = new_b.shape == biases.shape and np.array_equal(new_b, biases)
        if w_unchanged and b_unchanged:
            if gradients_changed:
                return failed(title, "You changed `layer.dweights` / `layer.dbiases` instead of the "
                                     "parameters. Update `layer.weights` and `layer.biases`; leave the "
                                     "gradients as they are.")
            if isinstance(returned, (tuple, list)) and len(returned) == 2:
                try:
                    if (np.allclose(np.asarray(returned[0], dtype=float), expected_w)
                            and np.allclose(np.asarray(returned[1], dtype=float), expected_b)):
                        return failed(title, "You returned the new weights and biases but did not "
                                             "store them: assign them to `layer.weights` and "
                                             "`layer.biases` (or update them in place with `-=`).")
                except (TypeError, ValueError):
                    pass
            return not_solved(title, "`layer.weights` and `layer.biases` did not change. Update them "
                                     "in place (`layer.weights -= ...`) or assign the new values back "
                                     "to the layer, then run this check again.")
        if gradients_changed:
            return failed(title, "Your function changed `layer.dweights` or `layer.dbiases`. Only the "
                                 "parameters should move; the gradients stay as they are.")
        if not w_unchanged:
            result = compare(new_w, expected_w, title, label=label, mistakes=[
                Mistake(biases - learning_rate * dbiases,
                        "`layer.weights` now holds the updated biases: did you mix up the names?"),
                *_step_mistakes(weights, dweights, learning_rate, "weights", "dweights"),
            ])
            if not result:
                return result
        if b_unchanged:
            return failed(title, "You updated the weights but forgot the biases: they are parameters "
                                 "too, and need `layer.biases -= learning_rate * layer.dbiases`.")
        if w_unchanged:
            return failed(title, "You updated the biases but not the weights: add "
                                 "`layer.weights -= learning_rate * layer.dweights`.")
        result = compare(new_b, expected_b, title, label=label.replace("weights", "biases"),
                         mistakes=[
                             Mistake(lambda a, s=biases.shape: a.shape != s,
                                     "`layer.biases` changed shape: did you use `layer.dweights` "
                                     "for the biases? Use `layer.dbiases`."),
                             *_step_mistakes(biases, dbiases, learning_rate, "biases", "dbiases"),
                         ])
        if not result:
            return result
    return passed(title, "both the weights and the biases take one step of length learning_rate "
                         "against their gradient.")


# --- Exercise 2: minibatches -----------------------------------------------------------------

def _indexed_data(n):
    """Data whose rows say which sample they are: X[i] = [i, 0.5 - i], y unique per sample."""
    index = np.arange(n)
    X = np.column_stack([index, 0.5 - index]).astype(np.float64)
    y = (index * 7 + 3) % n if math.gcd(7, n) == 1 else index[::-1].copy()
    return X, y


def _rows_to_indices(X_batch, n):
    """Sample indices of the rows of X_batch (made by _indexed_data), or None if a row is foreign."""
    X_batch = np.asarray(X_batch, dtype=np.float64)
    index = np.rint(X_batch[:, 0]).astype(int)
    ok = (np.allclose(X_batch[:, 0], index) and np.allclose(X_batch[:, 1], 0.5 - index)
          and index.min(initial=0) >= 0 and index.max(initial=0) < n)
    return index if ok else None


def _collect_batches(minibatches, X, y, batch_size, rng):
    """Call the learner's function and read every (X_batch, y_batch) pair it produces."""
    produced = call_learner(minibatches, X, y, batch_size, rng, name="minibatches", timeout=TIMEOUT)
    if produced is None or produced is Ellipsis:
        raise LearnerError("`minibatches` returned None. Use `yield X_batch, y_batch` inside a loop "
                           "(or return a list of pairs).", unsolved=True)
    if isinstance(produced, (str, bytes, dict, numbers.Number, np.ndarray)) or not hasattr(produced, "__iter__"):
        raise LearnerError(f"`minibatches` should yield (X_batch, y_batch) pairs, but it returned "
                           f"{_short(produced)} (of type {type(produced).__name__}).")
    limit = 2 * len(X) + 5

    def read_all():
        return list(islice(iter(produced), limit))

    items = call_learner(read_all, name="minibatches", timeout=TIMEOUT)
    if len(items) >= limit:
        raise LearnerError(f"`minibatches` kept yielding: it gave {limit} batches for only {len(X)} "
                           "samples. Does its loop ever stop?")
    batches = []
    for number, item in enumerate(items):
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            what = (f"a {type(item).__name__} of {len(item)} values" if isinstance(item, (tuple, list))
                    else f"a {type(item).__name__}")
            raise LearnerError(f"each item should be a pair (X_batch, y_batch), but item {number} is "
                               f"{what}. Write `yield X_batch, y_batch`.")
        try:
            X_batch = np.asarray(item[0], dtype=np.float64)
            y_batch = np.asarray(item[1])
        except (TypeError, ValueError):
            raise LearnerError(f"batch {number} could not be read as arrays: {_short(item)}.") from None
        if X_batch.ndim == 1 and X_batch.shape == (X.shape[1],):
            raise LearnerError("you yielded one sample at a time (X_batch has shape "
                               f"{X_batch.shape}). Yield `batch_size` rows at a time: "
                               "X[indices[start:start + batch_size]].")
        if X_batch.ndim != 2 or X_batch.shape[1] != X.shape[1]:
            raise LearnerError(f"X_batch should have shape (rows, {X.shape[1]}) like X, but batch "
                               f"{number} has shape {X_batch.shape}. Did you swap X_batch and y_batch?")
        if y_batch.ndim != 1 or len(y_batch) != len(X_batch):
            raise LearnerError(f"y_batch should hold one label per row of X_batch, but batch {number} "
                               f"has X_batch of shape {X_batch.shape} and y_batch of shape {y_batch.shape}.")
        batches.append((X_batch, y_batch))
    return batches


def _batch_problems(index_batches, n, batch_size):
    """A message about how batches (lists of sample indices) fail to cover 0..n-1 once, or None."""
    sizes = [len(b) for b in index_batches]
    if not index_batches:
        return "it yielded no batches at all."
    if 0 in sizes:
        return (f"batch {sizes.index(0)} is empty. Stop the loop once every sample is used: "
                "`range(0, len(X), batch_size)`.")
    if max(sizes) > batch_size:
        return (f"a batch has {max(sizes)} samples, more than batch_size={batch_size}. "
                "Slice `indices[start:start + batch_size]`.")
    counts = np.bincount(np.concatenate(index_batches), minlength=n)
    missing = int(np.sum(counts == 0))
    repeated = np.flatnonzero(counts > 1)
    if len(repeated):
        return (f"some samples appear more than once in one epoch (sample {repeated[0]} appears "
                f"{counts[repeated[0]]} times): your batches overlap, or you drew indices with "
                "replacement. Use one permutation and step `start` by batch_size.")
    if missing:
        remainder = n % batch_size
        if remainder and missing == remainder and all(s == batch_size for s in sizes):
            return (f"the last, smaller batch is missing ({remainder} samples never appear with "
                    f"{n} samples and batch_size={batch_size}). Keep the partial batch at the end: "
                    "it is part of the epoch.")
        return f"{missing} of the {n} samples never appear: every sample must be in one batch per epoch."
    expected = math.ceil(n / batch_size)
    if len(sizes) != expected:
        return (f"it gave {len(sizes)} batches of sizes {sizes}; with {n} samples and "
                f"batch_size={batch_size} there should be {expected}.")
    return None


@guarded("Exercise 2: minibatches")
def check_minibatches(minibatches):
    """Check that `minibatches(X, y, batch_size, rng)` yields shuffled pairs covering every sample once."""
    title = "Exercise 2: minibatches"
    for n, batch_size in ((10, 4), (12, 3), (6, 8)):
        X, y = _indexed_data(n)
        X_given, y_given = X.copy(), y.copy()
        case = f"With {n} samples and batch_size={batch_size}, "
        batches = _collect_batches(minibatches, X_given, y_given, batch_size, np.random.default_rng(42))
        if not (np.array_equal(X_given, X) and np.array_equal(y_given, y)):
            return failed(title, "your function reordered X or y in place (for example with "
                                 "rng.shuffle(X)). Leave the caller's data alone: index it with a "
                                 "permutation, X[order] and y[order], which makes shuffled copies.")
        index_batches = []
        for number, (X_batch, y_batch) in enumerate(batches):
            index = _rows_to_indices(X_batch, n)
            if index is None:
                return failed(title, f"{case}batch {number} holds rows that are not rows of X. "
                                     "Select whole rows: X[batch_indices].")
            index_batches.append(index)
        problem = _batch_problems(index_batches, n, batch_size)
        if problem:
            return failed(title, case + problem)
        for (X_batch, y_batch), index in zip(batches, index_batches):
            if not np.array_equal(np.asarray(y_batch, dtype=np.float64), y[index].astype(np.float64)):
                return failed(title, f"{case}X_batch and y_batch do not belong together: the labels "
                                     "are not those of the rows. X and y were shuffled differently; "
                                     "draw one permutation and index both with it.")
        order = np.concatenate(index_batches)
        if np.array_equal(order, np.arange(n)):
            return failed(title, f"{case}the samples come out in their original order: nothing was "
                                 "shuffled. Draw `rng.permutation(len(X))` and index X and y with it "
                                 "(spiral_data is sorted by class, so unshuffled batches hold one class).")
        if np.array_equal(order, np.arange(n)[::-1]):
            return failed(title, f"{case}the samples come out in reverse order: that is not a random "
                                 "order. Use `rng.permutation(len(X))`.")
        again = _collect_batches(minibatches, X.copy(), y.copy(), batch_size, np.random.default_rng(42))
        again_order = np.concatenate([_rows_to_indices(b, n) for b, _ in again])
        if not np.array_equal(again_order, order):
            return failed(title, "two calls with generators seeded alike gave different orders: "
                                 "shuffle with the `rng` argument (rng.permutation), not np.random, "
                                 "so that a seed reproduces a run.")
    X, y = _indexed_data(12)
    rng = np.random.default_rng(7)
    first = np.concatenate([_rows_to_indices(b, 12) for b, _ in _collect_batches(minibatches, X, y, 5, rng)])
    second = np.concatenate([_rows_to_indices(b, 12) for b, _ in _collect_batches(minibatches, X, y, 5, rng)])
    if np.array_equal(first, second):
        return failed(title, "two epochs with the same `rng` gave the same order. Each epoch needs a "
                             "new shuffle: use the `rng` you are given, do not make a new, freshly "
                             "seeded generator inside the function.")
    return passed(title, "every sample appears exactly once per epoch, in a new random order, "
                         "with its own label.")


# --- Exercise 3: minibatch_epoch --------------------------------------------------------------

def _gradients_fit_inputs(layer):
    """Whether the layer's last backward pass saw the inputs of its last forward pass."""
    seen = getattr(layer, "backward_inputs", None)
    return seen is not None and (seen is layer.inputs or np.array_equal(seen, layer.inputs))


def _recording_dense(network):
    """Layer_Dense that remembers the inputs its last backward pass used."""
    class Layer_Dense(network.Layer_Dense):
        def backward(self, dvalues, *args, **kwargs):
            super().backward(dvalues, *args, **kwargs)
            self.backward_inputs = self.inputs

    return Layer_Dense


class _RecordingOptimizer:
    """Plain SGD that remembers every call: "pre", "post", and what each update_params saw."""

    def __init__(self, learning_rate):
        self.learning_rate = learning_rate
        self.current_learning_rate = learning_rate
        self.calls = []  # (layer, inputs, dweights, dbiases)
        self.events = []  # "pre", "update" and "post", in the order they happened
        self.missing_gradients = False  # update_params met a layer with no gradients yet
        self.stale_update = None  # the first update whose gradients came from an earlier batch

    def pre_update_params(self):
        self.events.append("pre")

    def post_update_params(self):
        self.events.append("post")

    def update_params(self, layer):
        self.events.append("update")
        if not hasattr(layer, "dweights"):
            self.missing_gradients = True
        elif self.stale_update is None and not _gradients_fit_inputs(layer):
            self.stale_update = len(self.calls)
        self.calls.append((layer, np.array(layer.inputs, dtype=np.float64),
                           np.array(layer.dweights, dtype=np.float64),
                           np.array(layer.dbiases, dtype=np.float64)))
        layer.weights += -self.learning_rate * layer.dweights
        layer.biases += -self.learning_rate * layer.dbiases


def _schedule_problem(events, steps):
    """A message if pre/post_update_params were not called once around each step's updates."""
    pre, post = events.count("pre"), events.count("post")
    if pre == 0 and post == 0:
        return ("the training steps are right, but `optimizer.pre_update_params()` and "
                "`optimizer.post_update_params()` are never called. Call them once per step, that is "
                "once per mini-batch: pre before the layer updates, post after them. This notebook's "
                "Optimizer_SGD does nothing in them yet, but with learning-rate decay (notebook 09) "
                "or Adam (notebook 11) a loop without them silently trains with the wrong settings.")
    if pre == 1 and post == 1 and steps > 1:
        return ("`pre_update_params()` and `post_update_params()` ran once for the whole epoch. They "
                "belong to every step: with mini-batches that is once per batch, inside the loop, so "
                "that a decaying learning rate counts steps, not epochs.")
    if post == 2 * steps or pre == 2 * steps:
        return ("`pre_update_params()` or `post_update_params()` ran once per layer. Call each once "
                "per step: pre before all the layer updates of a batch, post after all of them.")
    if pre != steps or post != steps:
        return (f"with {steps} mini-batches, `pre_update_params()` ran {pre} times and "
                f"`post_update_params()` {post} times. Call each exactly once per batch: pre before "
                "the layer updates, post after them.")
    # Each step must read: pre, its updates, post.
    expected = []
    updates_per_step = events.count("update") // steps if steps else 0
    for _ in range(steps):
        expected += ["pre"] + ["update"] * updates_per_step + ["post"]
    if events != expected:
        return ("`pre_update_params()` and `post_update_params()` are not in their places. For every "
                "mini-batch call pre once before its layer updates and post once after them.")
    return None


def _small_network(rng, network):
    """Two dense layers around a ReLU, with float64 parameters drawn from `rng`."""
    dense = _recording_dense(network)
    dense1, dense2 = dense.__new__(dense), dense.__new__(dense)
    dense1.weights, dense1.biases = rng.normal(0, 0.5, (2, 6)), rng.normal(0, 0.1, (1, 6))
    dense2.weights, dense2.biases = rng.normal(0, 0.5, (6, 3)), rng.normal(0, 0.1, (1, 3))
    return [dense1, network.Activation_ReLU(), dense2]


def _reference_step(layers, loss_activation, X_batch, y_batch):
    """Forward, loss and backward on one batch; returns the loss (parameters are not changed)."""
    loss = loss_activation.forward(forward(layers, X_batch), y_batch)
    backward(layers, loss_activation, y_batch)
    return float(loss)


def _copy_network(layers, network):
    copies = _small_network(np.random.default_rng(0), network)
    for source, target in zip(layers, copies):
        if hasattr(source, "weights"):
            target.weights, target.biases = source.weights.copy(), source.biases.copy()
    return copies


@guarded("Exercise 3: minibatch_epoch")
def check_minibatch_epoch(minibatch_epoch):
    """Run the learner's epoch on a small network and replay it step by step."""
    from .. import network

    title = "Exercise 3: minibatch_epoch"
    n, batch_size, learning_rate = 20, 6, 0.5
    X, _ = _indexed_data(n)
    X = X / n  # keep the inputs small
    y = np.arange(n) % 3
    layers = _small_network(np.random.default_rng(3), network)
    start = _copy_network(layers, network)
    dense1, dense2 = layers[0], layers[2]
    optimizer = _RecordingOptimizer(learning_rate)
    seen_labels = []

    class RecordingLoss(network.Activation_Softmax_Loss_CategoricalCrossentropy):
        def forward(self, inputs, y_true):
            seen_labels.append(np.array(y_true))
            return super().forward(inputs, y_true)

    X_given, y_given = X.copy(), y.copy()
    epoch_rng = np.random.default_rng(5)
    order_hint = ("Every step runs in this order: the forward pass on X_batch, the loss, the backward "
                  "pass (which computes layer.dweights and layer.dbiases), and only then the updates.")
    try:
        returned = call_learner(minibatch_epoch, layers, RecordingLoss(), optimizer, X_given, y_given,
                                batch_size, epoch_rng, name="minibatch_epoch", timeout=TIMEOUT)
    except LearnerError:
        if optimizer.missing_gradients:
            return failed(title, "`optimizer.update_params(layer)` was called before any backward pass "
                                 "had given the layer its gradients (it has no `dweights` yet), so it "
                                 f"raised an error: the update comes before the backward pass. {order_hint}")
        raise
    if optimizer.stale_update is not None:
        return failed(title, f"at update {optimizer.stale_update} the optimizer applied gradients from the "
                             "backward pass of an earlier batch, not of the batch the layer had just seen: "
                             f"the update comes before this batch's backward pass. {order_hint}")
    calls1 = [c for c in optimizer.calls if c[0] is dense1]
    calls2 = [c for c in optimizer.calls if c[0] is dense2]
    if not optimizer.calls:
        if returned is None or returned is Ellipsis:
            return not_solved(title)
        return failed(title, "the optimizer never updated a layer: call `optimizer.update_params(layer)` "
                             "for each layer with weights after every backward pass.")
    if len(optimizer.calls) != len(calls1) + len(calls2):
        return failed(title, "update_params received something that is not one of the dense layers "
                             "in `layers`. Update only the layers that have weights.")
    if not (np.array_equal(X_given, X) and np.array_equal(y_given, y)):
        return failed(title, "your function reordered X or y in place. Index them with a "
                             "permutation instead (X[order], y[order]).")
    if len(calls1) != len(calls2):
        return failed(title, f"the first dense layer was updated {len(calls1)} times and the second "
                             f"{len(calls2)} times: update every layer with weights once per batch.")
    expected_steps = math.ceil(n / batch_size)
    if len(calls1) == 1 and len(seen_labels) > 1:
        return failed(title, f"the loss was computed for {len(seen_labels)} batches, but the layers "
                             "were updated only once: the update sits after the loop over the "
                             "batches. Move the updates into the loop, so that every mini-batch ends "
                             "with its own step.")
    if len(calls1) == 1 and len(calls1[0][1]) == n:
        return failed(title, "there was one update for the whole epoch, on all the samples: that is "
                             "full-batch gradient descent. Loop over the mini-batches and update after "
                             "each one.")
    index_batches = []
    for number, (_, inputs, _, _) in enumerate(calls1):
        index = _rows_to_indices(inputs * n, n) if inputs.ndim == 2 and inputs.shape[1] == 2 else None
        if index is None:
            return failed(title, f"at update {number} the first layer's inputs were not rows of X: run "
                                 "the forward pass on X_batch, starting with the first layer.")
        index_batches.append(index)
    if all(len(index) == n for index in index_batches):
        return failed(title, "every forward pass used all of X. Use the mini-batch: "
                             "forward X_batch, and compute the loss against y_batch.")
    problem = _batch_problems(index_batches, n, batch_size)
    if problem:
        return failed(title, f"With {n} samples and batch_size={batch_size}, the batches the network "
                             f"was trained on are wrong: {problem}")
    if len(calls1) != expected_steps:
        return failed(title, f"expected {expected_steps} updates, got {len(calls1)}.")

    reference = start
    reference_losses = []
    for step, (index, (_, _, dw1, db1), (_, _, dw2, db2)) in enumerate(zip(index_batches, calls1, calls2)):
        loss_function = network.Activation_Softmax_Loss_CategoricalCrossentropy()
        reference_losses.append(_reference_step(reference, loss_function, X[index], y[index]))
        ref1, ref2 = reference[0], reference[2]
        matches = all(np.allclose(got, want, rtol=1e-4, atol=1e-6) for got, want in
                      ((dw1, ref1.dweights), (db1, ref1.dbiases), (dw2, ref2.dweights), (db2, ref2.dbiases)))
        if not matches:
            one_loss_per_step = len(seen_labels) == len(index_batches)
            if one_loss_per_step and not np.array_equal(np.asarray(seen_labels[step]).ravel(), y[index]):
                return failed(title, f"at update {step} the labels given to the loss do not belong to "
                                     "the rows in X_batch: use the same indices for X and y.")
            return failed(title, f"at update {step} the gradients do not match the batch the first "
                                 "layer saw. For every batch run, in order: the forward pass on X_batch, "
                                 "the loss against y_batch, the backward pass, then the updates.")
        for layer in (ref1, ref2):
            layer.weights += -learning_rate * layer.dweights
            layer.biases += -learning_rate * layer.dbiases

    order = np.concatenate(index_batches)
    if np.array_equal(order, np.arange(n)):
        return failed(title, "the batches follow the original order of X: nothing was shuffled. Draw a "
                             "new order every epoch with `rng.permutation(len(X))` and cut that into "
                             "batches (spiral_data is sorted by class, so unshuffled batches each hold "
                             "one class).")
    problem = _schedule_problem(optimizer.events, expected_steps)
    if problem:
        return failed(title, problem)
    second = _RecordingOptimizer(learning_rate)
    call_learner(minibatch_epoch, layers, network.Activation_Softmax_Loss_CategoricalCrossentropy(),
                 second, X.copy(), y.copy(), batch_size, epoch_rng, name="minibatch_epoch",
                 timeout=TIMEOUT)
    second_order = [_rows_to_indices(inputs * n, n) for layer, inputs, _, _ in second.calls
                    if layer is dense1]
    if (len(second_order) == len(index_batches) and all(i is not None for i in second_order)
            and np.array_equal(np.concatenate(second_order), order)):
        return failed(title, "two epochs in a row, with the same `rng`, trained on the batches in the "
                             "same order. Each epoch needs a new shuffle: draw it from the `rng` you "
                             "are given, not from a generator you create (and seed) inside the "
                             "function.")

    if returned is None:
        return failed(title, "the training steps are right, but the function returns None: return the "
                             "mean of the batch losses, `np.mean(batch_losses)`.")
    if isinstance(returned, (list, tuple, np.ndarray)) and np.size(returned) == len(reference_losses):
        return failed(title, "the training steps are right, but you returned every batch's loss: "
                             "return one number, their mean.")
    plain_mean = float(np.mean(reference_losses))
    sizes = [len(index) for index in index_batches]
    weighted_mean = float(np.average(reference_losses, weights=sizes))
    success = ("one update per mini-batch, each with the gradient of its own batch. "
               "That is mini-batch stochastic gradient descent.")
    mistakes = [
        Mistake(reference_losses[-1], "You returned the last batch's loss: return the mean over all batches."),
        Mistake(reference_losses[0], "You returned the first batch's loss: return the mean over all batches."),
        Mistake(sum(reference_losses), "You returned the sum of the batch losses: divide by the number of batches."),
    ]
    result = compare(returned, plain_mean, title, rtol=1e-4, mistakes=mistakes,
                     label="the returned loss", success=success)
    if not result and compare(returned, weighted_mean, title, rtol=1e-4):
        return passed(title, success + " (You weighted the batch losses by batch size: also right.)")
    return result


# --- Quiz -----------------------------------------------------------------------------------

def quiz():
    """The notebook's quiz (its answers live here, not in the notebook)."""
    from ..quiz import Question, Quiz

    n_samples, batch_size = 300, 32
    return Quiz([
        Question(
            "In `layer.weights += -self.learning_rate * layer.dweights`, why is there a minus sign?",
            ["It cancels the minus sign that the backward pass puts into every gradient it stores.",
             "The gradient points the way the loss grows, so the step goes the other way.",
             "It keeps the weights small, which stops the network from overfitting.",
             "The loss is negative, and the minus sign moves it up towards zero."],
            answer=1,
            explanations=["The backward pass computes the plain derivative dL/dw, uphill, with no extra "
                          "sign; the minus is added here, in the step.",
                          "Right: minus the gradient is the direction of steepest descent.",
                          "Keeping weights small is what weight decay does, a different technique; "
                          "this sign just walks downhill.",
                          "Cross-entropy is never negative; the sign turns an uphill direction into "
                          "a downhill step."]),
        Question(
            "A run's loss jumps up in the first epochs and then bounces around, and the accuracy is "
            "stuck at one third. What is the likeliest cause?",
            ["The learning rate is too small.",
             "Too few epochs were run.",
             "The biases started at zero.",
             "The learning rate is too large."],
            answer=3,
            explanations=["A small learning rate makes the loss fall slowly, but it does not make it "
                          "jump up.",
                          "More epochs of the same oversized steps would not help: the learning rate "
                          "10 run was stuck at one third from its first epochs to its last.",
                          "Zero biases are the normal start; the run with learning rate 1 began the "
                          "same way and learned.",
                          "Yes: huge steps overshoot and can kill every ReLU neuron, leaving a network "
                          "that predicts one class."]),
        Question(
            "Every step of this notebook's long training loop used the gradient over all 300 samples. "
            "What is the honest name for that?",
            ["Full-batch gradient descent",
             "Mini-batch gradient descent",
             "Stochastic gradient descent, batch size 1",
             "Random search with a gradient"],
            answer=0,
            explanations=["Right: one exact step per pass over the whole data set.",
                          "That would use a random subset of the samples at each step.",
                          "That would use one random sample per step.",
                          "Random search (notebook 05) does not use gradients at all."]),
        Question(
            f"With {n_samples} samples and a batch size of {batch_size}, keeping the last, smaller "
            "batch, how many updates does one epoch make?",
            [str(n_samples // batch_size), str(batch_size), str(math.ceil(n_samples / batch_size)),
             str(n_samples)],
            answer=2,
            explanations=["That drops the last, smaller batch: some samples would be skipped.",
                          "That is the size of a batch, not the number of batches.",
                          f"Right: {n_samples // batch_size} full batches and one smaller one.",
                          "That would be one sample per step (batch size 1)."]),
        Question(
            "Why are the samples shuffled before they are cut into mini-batches?",
            ["Without a shuffle some samples would be used twice in one epoch and some others never.",
             "The data are sorted by class, so unshuffled batches would each hold a single class.",
             "Shuffled batches are cheaper to compute, because NumPy needs no sorted copy.",
             "A random order removes the noise of the mini-batch gradient estimates."],
            answer=1,
            explanations=["Cutting the data in order also uses every sample exactly once; the "
                          "problem is which samples end up together.",
                          "Right: random batches give gradients that are right on average.",
                          "A step costs the same whatever the order of the samples.",
                          "Shuffling is what makes the estimate random; the noise is still there, but "
                          "it averages out instead of pulling one way."]),
        Question(
            "After 300 epochs, mini-batches of 32 had reached a much lower loss than full-batch "
            "steps. Where did the gain come from?",
            ["Each mini-batch gradient was more accurate than the gradient over all samples.",
             "Small batches raise the learning rate, because the loss is averaged over fewer samples.",
             "The same arithmetic per epoch bought ten steps instead of one, each roughly right.",
             "Shuffling made the optimiser skip the plateau at the start of training."],
            answer=2,
            explanations=["A mini-batch gradient is a noisy estimate of the full one (the figure of "
                          "relative errors); it is never more accurate.",
                          "The gradient is a mean over the batch whatever its size, so the step length "
                          "per unit of slope is the learning rate in both runs.",
                          "Right: ten cheaper, noisier steps per pass over the data; per step, the "
                          "two runs were much closer.",
                          "Both runs start on the same plateau; the mini-batch run got off it sooner "
                          "because it took ten times as many steps."]),
    ])


# --- Exercise 4: judge the comparison at another learning rate -----------------------------

JUDGE_TITLE = "Exercise 4: judge the comparison"
VERDICTS = ("mini-batches lower", "full batch lower", "no clear difference")

# One row per start: (full batch after 300 epochs, mini-batches after 300 epochs, full batch
# after 3,000 epochs), made so that each typical mistake gives a different pair of verdicts.
JUDGE_CASES = [
    np.array([[1.08, 0.90, 0.95], [1.07, 0.93, 0.97], [1.08, 0.91, 0.92], [1.06, 0.92, 0.96]]),
    np.array([[1.00, 0.93, 0.96], [1.20, 1.12, 1.16], [0.90, 0.84, 0.87]]),   # paired clear, unpaired not
    np.array([[0.90, 0.95, 0.80], [0.92, 0.98, 0.83], [0.91, 0.97, 0.80]]),   # full batch lower, both
    np.array([[1.05, 0.90, 0.95], [1.15, 1.00, 1.10], [1.10, 0.95, 0.97], [1.10, 0.95, 1.02]]),  # SE, not SD
    np.array([[1.08, 0.93, 0.94], [1.07, 0.95, 0.93], [1.08, 0.92, 0.93], [1.06, 0.94, 0.95]]),  # steps: noise
]


def _verdict(differences):
    """The verdict on the paired differences, mini-batches minus full batch."""
    differences = np.asarray(differences, dtype=float)
    mean = differences.mean()
    standard_error = differences.std(ddof=1) / np.sqrt(len(differences))
    if mean < -2 * standard_error:
        return VERDICTS[0]
    if mean > 2 * standard_error:
        return VERDICTS[1]
    return VERDICTS[2]


def _judge(table):
    return _verdict(table[:, 1] - table[:, 0]), _verdict(table[:, 1] - table[:, 2])


def _unpaired_verdict(a, b):
    mean = np.mean(a) - np.mean(b)
    error = np.sqrt(np.var(a, ddof=1) / len(a) + np.var(b, ddof=1) / len(b))
    return VERDICTS[0] if mean < -2 * error else VERDICTS[1] if mean > 2 * error else VERDICTS[2]


def _judge_answer(judge, table):
    context = "judge(table)"
    answer = call_learner(judge, table.copy(), timeout=TIMEOUT, name="judge", context=context)
    if answer is None or answer is Ellipsis or (isinstance(answer, tuple) and Ellipsis in answer):
        raise LearnerError("`judge` still returns `...` or None.", unsolved=True)
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise LearnerError(f"{context} should return two verdicts, (per_epoch, per_step); got {_short(answer)}.")
    for verdict in answer:
        if verdict not in VERDICTS:
            raise LearnerError(f"{context}: each verdict must be one of {', '.join(map(repr, VERDICTS))}; "
                               f"got {_short(verdict)}.")
    return tuple(answer)


def _diagnose_judgement(answer, table):
    right = _judge(table)
    if tuple(answer) == right:
        return None
    per_epoch, per_step = table[:, 1] - table[:, 0], table[:, 1] - table[:, 2]
    swap = {VERDICTS[0]: VERDICTS[1], VERDICTS[1]: VERDICTS[0], VERDICTS[2]: VERDICTS[2]}
    if tuple(answer) == (swap[right[0]], swap[right[1]]):
        return ("your verdicts are the wrong way round: take mini-batches minus full batch, so that a "
                "negative difference means the mini-batches ended lower.")
    if tuple(answer) == (right[0], _verdict(table[:, 1] - table[:, 0])) and answer[1] != right[1]:
        return ("per step, compare the mini-batch run with the full-batch run after the same number of "
                "steps: column 2 (3,000 epochs), not column 0.")
    spread = tuple(VERDICTS[0] if d.mean() < -2 * d.std(ddof=1) else VERDICTS[1] if d.mean() > 2 * d.std(ddof=1)
                   else VERDICTS[2] for d in (per_epoch, per_step))
    if tuple(answer) == spread:
        return ("you compared the mean difference with twice the standard deviation of the differences. "
                "The yardstick is the standard error of their mean: divide by np.sqrt(number of starts).")
    if tuple(answer) == (_unpaired_verdict(table[:, 1], table[:, 0]), _unpaired_verdict(table[:, 1], table[:, 2])):
        return ("your verdicts treat the two runs as independent samples. Each start gave both runs the "
                "same initial weights: take the differences start by start, then their standard error "
                "(np.std(differences, ddof=1) / np.sqrt(number of starts)).")
    which = "per epoch" if answer[0] != right[0] else "per step"
    return (f"the verdict {which} is not right. Take the paired differences (mini-batches minus full batch), "
            "their mean and standard error; below -2 standard errors is 'mini-batches lower', above +2 is "
            "'full batch lower', anything between is 'no clear difference'.")


@guarded(JUDGE_TITLE)
def check_judge(judge, table):
    """Check `judge(table) -> (per_epoch, per_step)` on fixed cases and on the learner's own `table`
    (one row per start: full batch 300 epochs, mini-batches 300 epochs, full batch 3,000 epochs)."""
    try:
        own = np.asarray(table, dtype=float)
        if own.ndim != 2 or own.shape[1] != 3 or own.shape[0] < 2 or not np.all(np.isfinite(own)):
            raise ValueError
    except (TypeError, ValueError):
        return failed(JUDGE_TITLE, "pass your run's table as the second argument: one row per start, "
                      "three columns, as `compare_at` returns it.")
    for where, case in [(f"test case {n + 1}", c) for n, c in enumerate(JUDGE_CASES)] + [("your run", own)]:
        problem = _diagnose_judgement(_judge_answer(judge, case), case)
        if problem:
            return failed(JUDGE_TITLE, f"on {where}: {problem}")
    per_epoch, per_step = _judge(own)
    return passed(JUDGE_TITLE, f"right on the test cases and on your run: per epoch, {per_epoch}; "
                  f"per step, {per_step}. Now compare with the verdicts at learning rate 1.0.")
