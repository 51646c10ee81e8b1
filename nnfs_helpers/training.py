"""The training loop of notebook 08, packaged so later notebooks can compare runs.

    history = train([dense1, activation1, dense2], loss_activation, optimizer, X, y)

A thin layer over the network classes: it computes nothing itself. Each epoch is one
full-batch step: forward through `layers`, `loss_activation` (an
Activation_Softmax_Loss_CategoricalCrossentropy) for the loss and its gradient, backward, then
the optimiser's pre_update_params / update_params / post_update_params (an optimiser without a
schedule, like the first Optimizer_SGD of notebook 08, needs only update_params and
learning_rate). One product is saved: the first Layer_Dense skips `dinputs`, the gradient with
respect to the data, which nothing uses. The penalties are notebook 13's
Loss.regularization_loss; the progress bar and the printed line are TrainingProgress's, the
same as Model.train's.

The conventions are Model.train's (notebook 18), because they are the ones that also hold for
mini-batches, where an epoch is many steps and no single set of weights has the epoch's
training numbers:

* Epochs are counted from 1: epoch N is the N-th pass over the data. Its loss and accuracy are
  measured during that pass, by the forward pass that computes its gradient (measuring them
  again after the update would cost a second pass): with one full batch, on the weights before
  its update. So epoch 1 reports the untrained network, and history entry k describes the
  weights after k epochs.
* Validation is measured after the epoch's update, on the weights the epoch ends with: the last
  validation numbers describe the weights `train` returns, and `restore_best` puts back weights
  that were validated. (Measuring before the update would give the training and validation
  numbers of a line the same weights, but only with full batches, and would leave the returned
  weights unvalidated.)
* A line is printed every `print_every` epochs and at the last epoch: accuracies with 3
  decimals, losses with 3 significant digits, since a regression loss can be 0.000123 (see
  progress.epoch_summary).

`history` holds the epoch, loss, accuracy and learning rate of every epoch. Notebooks 13 and 14
add four optional things; without them `train` behaves as above:

* Layers with regularisers (`weight_regularizer_l2=...`, notebook 13): the reported loss is the
  data loss plus the regularisation loss, and the history also holds both parts
  (`data_loss`, `regularization_loss`).
* `validation_data=(X_val, y_val)`: every `validate_every` epochs (default 1, and always at the
  last epoch) `train` also measures the validation loss (data loss only) and accuracy; the
  history gains `validation_epoch`, `validation_loss` and `validation_accuracy`.
* `restore_best=True` (needs validation data): keep a copy of the weights and biases from
  the epoch with the lowest validation loss and put them back at the end (early stopping);
  `patience=N` also stops once the validation loss has not improved for N epochs. The history
  gains `best_epoch`. `monitor="accuracy"` chooses the best epoch (for both) by the highest
  validation accuracy instead of the lowest validation loss; the default is `monitor="loss"`.
* Layers whose `forward` takes a `training` flag (Layer_Dropout, notebook 14) get
  `training=True` in the training pass and `training=False` for validation and `predict`.
"""

import functools
import inspect
import numbers

import numpy as np

from .network import Activation_Softmax_Loss_CategoricalCrossentropy, Layer_Dense, Loss, accuracy
from .progress import TrainingProgress

__all__ = ["train", "forward", "backward", "predict", "evaluate", "regularization_loss"]

REGULARIZERS = ("weight_regularizer_l1", "weight_regularizer_l2", "bias_regularizer_l1", "bias_regularizer_l2")


def _check_count(name, value, smallest):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < smallest:
        kind = "non-negative" if smallest == 0 else "positive"
        raise ValueError(f"{name} must be a {kind} integer, got {value!r}")


def _check_inputs(layers, loss_activation, optimizer, X, y):
    if not isinstance(layers, (list, tuple)) or not layers:
        raise TypeError(f"layers must be a non-empty list such as [dense1, activation1, dense2], "
                        f"got {type(layers).__name__}")
    for layer in layers:
        if not (hasattr(layer, "forward") and hasattr(layer, "backward")):
            raise TypeError(f"every layer needs forward() and backward() methods; "
                            f"{type(layer).__name__} does not have both")
    if not all(hasattr(loss_activation, name) for name in ("forward", "backward")):
        raise TypeError("loss_activation must be an Activation_Softmax_Loss_CategoricalCrossentropy, "
                        f"got {type(loss_activation).__name__}")
    if not hasattr(optimizer, "update_params") or not hasattr(optimizer, "learning_rate"):
        raise TypeError(f"optimizer needs update_params() and a learning_rate; "
                        f"{type(optimizer).__name__} lacks them")
    _check_data(X, y, "X", "y")


def _check_data(X, y, x_name, y_name, features=None):
    if (not isinstance(X, np.ndarray) or X.ndim != 2 or len(X) == 0
            or (features is not None and X.shape[1] != features)):
        per_row = "" if features is None else f" with {features} features per row"
        raise ValueError(f"{x_name} must be a 2-D NumPy array (samples, features){per_row}, "
                         f"got {type(X).__name__} with shape {getattr(X, 'shape', None)}")
    if not isinstance(y, np.ndarray) or y.ndim not in (1, 2) or len(y) != len(X):
        raise ValueError(f"{y_name} must be a NumPy array of {len(X)} class indices or one-hot rows, "
                         f"got {type(y).__name__} with shape {getattr(y, 'shape', None)}")


def _takes_training_flag(layer):
    forward = getattr(layer.forward, "__func__", layer.forward)  # the function behind the method
    try:
        return _has_training_parameter(forward)
    except TypeError:  # a callable that cannot be a dictionary key: ask it directly
        return _has_training_parameter.__wrapped__(forward)


@functools.lru_cache(maxsize=None)
def _has_training_parameter(function):
    """Whether `function` takes a `training` argument; remembered, since reading a signature
    costs more than a small layer's forward pass and train asks every epoch."""
    try:
        return "training" in inspect.signature(function).parameters
    except (TypeError, ValueError):
        return False


def forward(layers, X, training=False):
    """Run X through `layers` and return the last layer's output.

    Layers whose forward takes a `training` flag (dropout) get it; the default, False, is
    evaluation: dropout passes everything through.
    """
    output = X
    for layer in layers:
        if _takes_training_flag(layer):
            layer.forward(output, training=training)
        else:
            layer.forward(output)
        output = layer.output
    return output


def backward(layers, loss_activation, y):
    """Backpropagate the combined softmax/cross-entropy loss back through `layers`.

    A first Layer_Dense skips its dinputs: the gradient with respect to the data is never used.
    """
    loss_activation.backward(loss_activation.output, y)
    dvalues = loss_activation.dinputs
    for layer in reversed(layers[1:]):
        layer.backward(dvalues)
        dvalues = layer.dinputs
    if isinstance(layers[0], Layer_Dense):
        layers[0].backward(dvalues, need_dinputs=False)
    else:
        layers[0].backward(dvalues)


def predict(layers, X):
    """The most likely class for each row of X (softmax is monotonic, so argmax of the logits)."""
    return np.argmax(forward(layers, X, training=False), axis=1)


def _regularisable(layers):
    """The layers that have weights and notebook 13's penalty strengths."""
    return [layer for layer in layers if hasattr(layer, "weights") and all(hasattr(layer, name) for name in REGULARIZERS)]


def regularization_loss(layers):
    """Notebook 13's Loss.regularization_loss(layer), summed over the layers with weights (as the
    Model's loss sums it); 0 without regularisers."""
    penalty = Loss()
    return float(sum(penalty.regularization_loss(layer) for layer in _regularisable(layers)))


def evaluate(layers, X, y):
    """(data loss, accuracy) of the network on (X, y): a forward pass in evaluation mode only.

    A new softmax/cross-entropy object scores it, so the training one keeps the training pass
    that its backward needs.
    """
    scorer = Activation_Softmax_Loss_CategoricalCrossentropy()
    loss = scorer.forward(forward(layers, X, training=False), y)
    return float(loss), float(accuracy(scorer.output, y))


def train(layers, loss_activation, optimizer, X, y, epochs=10001, print_every=1000, progress=True,
          validation_data=None, validate_every=1, restore_best=False, patience=None, monitor="loss"):
    """Train with full-batch steps for `epochs` epochs (counted from 1); print a line every
    `print_every` epochs and at the last (0: never); return the history.

    Optional (notebooks 13-14): `validation_data=(X_val, y_val)`, measured after the update of
    every `validate_every`-th epoch (and of the last); `restore_best=True` to end with the weights
    of the lowest validation loss; `patience=N` to stop once N epochs have passed without a new
    lowest validation loss; `monitor="accuracy"` to judge the best epoch by the highest validation
    accuracy instead (a tie is not an improvement). `progress=False` shows no bar.
    """
    _check_inputs(layers, loss_activation, optimizer, X, y)
    _check_count("epochs", epochs, 0)
    _check_count("print_every", print_every, 0)
    _check_count("validate_every", validate_every, 1)
    if patience is not None:
        _check_count("patience (epochs without improvement)", patience, 1)
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise TypeError(f"validation_data must be a pair (X_val, y_val), got {type(validation_data).__name__}")
        _check_data(*validation_data, "validation_data[0]", "validation_data[1]", features=X.shape[1])
    if (restore_best or patience is not None) and validation_data is None:
        raise ValueError("restore_best and patience choose epochs by the validation loss: "
                         "pass validation_data=(X_val, y_val) too")
    if monitor not in ("loss", "accuracy"):
        raise ValueError(f'monitor must be "loss" or "accuracy", got {monitor!r}')

    trainable = [layer for layer in layers if hasattr(layer, "weights")]
    regularised = any(getattr(layer, name) for layer in _regularisable(trainable) for name in REGULARIZERS)
    pre_update = getattr(optimizer, "pre_update_params", lambda: None)
    post_update = getattr(optimizer, "post_update_params", lambda: None)
    history = {"epoch": [], "loss": [], "accuracy": [], "learning_rate": []}
    if regularised:
        history.update(data_loss=[], regularization_loss=[])
    if validation_data is not None:
        history.update(validation_epoch=[], validation_loss=[], validation_accuracy=[])
    best_score, best_epoch, best_parameters = np.inf, None, None
    reporter = TrainingProgress(max(epochs, 1), print_every=print_every, show=progress)
    for epoch in range(1, epochs + 1):
        # The epoch's numbers come from the forward pass that computes its gradient.
        data_loss = loss_activation.forward(forward(layers, X, training=True), y)
        acc = float(accuracy(loss_activation.output, y))
        rate = float(getattr(optimizer, "current_learning_rate", optimizer.learning_rate))
        loss, reg_loss = float(data_loss), None
        if regularised:
            reg_loss = regularization_loss(trainable)
            loss = float(data_loss) + reg_loss  # as Model.train adds them
            history["data_loss"].append(float(data_loss))
            history["regularization_loss"].append(reg_loss)
        for key, value in (("epoch", epoch), ("loss", loss), ("accuracy", acc), ("learning_rate", rate)):
            history[key].append(value)

        backward(layers, loss_activation, y)
        pre_update()
        for layer in trainable:
            optimizer.update_params(layer)
        post_update()

        validation = None
        if validation_data is not None and (epoch % validate_every == 0 or epoch == epochs):
            validation = evaluate(layers, *validation_data)  # the weights this epoch ends with
            history["validation_epoch"].append(epoch)
            history["validation_loss"].append(validation[0])
            history["validation_accuracy"].append(validation[1])
            score = validation[0] if monitor == "loss" else -validation[1]  # lower is better
            if score < best_score:
                best_score, best_epoch = score, epoch
                if restore_best:
                    best_parameters = [(layer.weights.copy(), layer.biases.copy()) for layer in trainable]
        reporter.end_of_epoch(epoch, accuracy=acc, loss=loss, data_loss=float(data_loss),
                              regularization_loss=reg_loss, validation=validation, learning_rate=rate)
        if patience is not None and best_epoch is not None and epoch - best_epoch >= patience:
            break
    reporter.close()
    if validation_data is not None:
        history["best_epoch"] = best_epoch
    if restore_best and best_parameters is not None:
        for layer, (weights, biases) in zip(trainable, best_parameters):
            layer.weights[...] = weights
            layer.biases[...] = biases
    return history
