"""The training loop of notebook 08, packaged so later notebooks can compare runs.

    history = train([dense1, activation1, dense2], loss_activation, optimizer, X, y)

Each epoch is one full-batch step: forward through `layers`, softmax + cross-entropy,
backward, then the optimiser's pre_update_params / update_params / post_update_params, as
the notebooks write it out (an optimiser without a schedule, like the first Optimizer_SGD of
notebook 08, needs only update_params and learning_rate). One product is saved: the first
layer skips `dinputs`, the gradient with respect to the data, which nothing uses. `history`
holds the epoch, loss, accuracy and learning rate of every epoch. A progress bar shows in
JupyterLab and Colab; its text form, which the notebook file records, does not change while
it runs.

Notebooks 13 and 14 add four optional things; without them `train` behaves as above:

* Layers with regularisers (`weight_regularizer_l2=...`, notebook 13): the reported loss is the
  data loss plus the regularisation loss, and the history also holds both parts
  (`data_loss`, `regularization_loss`).
* `validation_data=(X_val, y_val)`: every `validate_every` epochs (default 1, and always at the
  last epoch) `train` also measures the validation loss (data loss only) and accuracy, before
  that epoch's update, so training and validation numbers describe the same weights; the
  history gains `validation_epoch`, `validation_loss` and `validation_accuracy`.
* `restore_best=True` (needs validation data): keep a copy of the weights and biases from
  the epoch with the lowest validation loss and put them back at the end (early stopping);
  `patience=N` also stops once the validation loss has not improved for N epochs. The history
  gains `best_epoch`. `monitor="accuracy"` chooses the best epoch (for both) by the highest
  validation accuracy instead of the lowest validation loss; the default is `monitor="loss"`.
* Layers whose `forward` takes a `training` flag (Layer_Dropout, notebook 14) get
  `training=True` in the training pass and `training=False` for validation and `predict`.
"""

import inspect
import numbers
import time

import numpy as np

from .network import Layer_Dense, accuracy

__all__ = ["train", "forward", "backward", "predict", "evaluate", "regularization_loss"]

REGULARIZERS = ("weight_regularizer_l1", "weight_regularizer_l2", "bias_regularizer_l1", "bias_regularizer_l2")


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
    if not isinstance(X, np.ndarray) or X.ndim != 2 or len(X) == 0:
        raise ValueError(f"X must be a 2-D NumPy array (samples, features), "
                         f"got {type(X).__name__} with shape {getattr(X, 'shape', None)}")
    if not isinstance(y, np.ndarray) or y.ndim not in (1, 2) or len(y) != len(X):
        raise ValueError(f"y must be a NumPy array of {len(X)} class indices or one-hot rows, "
                         f"got {type(y).__name__} with shape {getattr(y, 'shape', None)}")


def _progress_bar(epochs, show):
    """An ipywidgets progress bar when a notebook front end can show one, else None."""
    if not show:
        return None
    try:
        from IPython import get_ipython
        from IPython.display import display
        import ipywidgets  # noqa: F401  (the bar is one of its widgets)
    except ImportError:
        return None
    shell = get_ipython()
    if shell is None or not getattr(shell, "kernel", None):
        return None
    from .progress import progress_bar

    bar = progress_bar(epochs)
    display(bar)
    return bar


def _takes_training_flag(layer):
    try:
        return "training" in inspect.signature(layer.forward).parameters
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


def _is_regularised(layer):
    return any(getattr(layer, name, 0) for name in REGULARIZERS)


def regularization_loss(layers):
    """The sum of the L1 and L2 penalties of every layer in `layers` (0 without regularisers).

    The same sum as notebook 13's Loss.regularization_loss(layer), added over the layers.
    """
    total = 0.0
    for layer in layers:
        l1w, l2w, l1b, l2b = (getattr(layer, name, 0) for name in REGULARIZERS)
        if l1w:
            total += l1w * np.sum(np.abs(layer.weights))
        if l2w:
            total += l2w * np.sum(layer.weights * layer.weights)
        if l1b:
            total += l1b * np.sum(np.abs(layer.biases))
        if l2b:
            total += l2b * np.sum(layer.biases * layer.biases)
    return float(total)


def evaluate(layers, X, y):
    """(data loss, accuracy) of the network on (X, y): a forward pass in evaluation mode only."""
    scorer = _Scorer()
    loss = scorer.forward(forward(layers, X, training=False), y)
    return float(loss), float(accuracy(scorer.output, y))


class _Scorer:
    """Softmax and mean cross-entropy, apart from the training loss object (whose output the
    backward pass needs)."""

    def forward(self, logits, y):
        exp_values = np.exp(logits - np.max(logits, axis=1, keepdims=True))
        self.output = exp_values / np.sum(exp_values, axis=1, keepdims=True)
        clipped = np.clip(self.output, 1e-7, 1 - 1e-7)
        if y.ndim == 1:
            confidences = clipped[np.arange(len(clipped)), y]
        else:
            confidences = np.sum(clipped * y, axis=1)
        return np.mean(-np.log(confidences))


def _check_validation(validation_data, X):
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
        raise TypeError(f"validation_data must be a pair (X_val, y_val), got {type(validation_data).__name__}")
    X_val, y_val = validation_data
    if not isinstance(X_val, np.ndarray) or X_val.ndim != 2 or len(X_val) == 0 or X_val.shape[1] != X.shape[1]:
        raise ValueError(f"validation_data[0] must be a 2-D NumPy array with {X.shape[1]} features per row, "
                         f"got {type(X_val).__name__} with shape {getattr(X_val, 'shape', None)}")
    if not isinstance(y_val, np.ndarray) or y_val.ndim not in (1, 2) or len(y_val) != len(X_val):
        raise ValueError(f"validation_data[1] must be a NumPy array of {len(X_val)} class indices or one-hot "
                         f"rows, got {type(y_val).__name__} with shape {getattr(y_val, 'shape', None)}")
    return X_val, y_val


def train(layers, loss_activation, optimizer, X, y, epochs=10001, print_every=1000, progress=True,
          validation_data=None, validate_every=1, restore_best=False, patience=None, monitor="loss"):
    """Train with full-batch steps; print a line every `print_every` epochs; return the history.

    Optional (notebooks 13-14): `validation_data=(X_val, y_val)`, measured every
    `validate_every` epochs (and at the last epoch); `restore_best=True` to end with the weights
    of the lowest validation loss; `patience=N` to stop once N epochs have passed without a new
    lowest validation loss; `monitor="accuracy"` to judge the best epoch by the highest validation
    accuracy instead (a tie is not an improvement).
    """
    _check_inputs(layers, loss_activation, optimizer, X, y)
    for name, value in (("epochs", epochs), ("print_every", print_every)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
            raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    if validation_data is not None:
        X_val, y_val = _check_validation(validation_data, X)
    if (restore_best or patience is not None) and validation_data is None:
        raise ValueError("restore_best and patience choose epochs by the validation loss: "
                         "pass validation_data=(X_val, y_val) too")
    if monitor not in ("loss", "accuracy"):
        raise ValueError(f'monitor must be "loss" or "accuracy", got {monitor!r}')
    if isinstance(validate_every, bool) or not isinstance(validate_every, numbers.Integral) or validate_every < 1:
        raise ValueError(f"validate_every must be a positive integer, got {validate_every!r}")
    if patience is not None and (isinstance(patience, bool) or not isinstance(patience, numbers.Integral)
                                 or patience < 1):
        raise ValueError(f"patience must be a positive integer (epochs without improvement), got {patience!r}")
    trainable = [layer for layer in layers if hasattr(layer, "weights")]
    regularised = any(_is_regularised(layer) for layer in trainable)
    pre_update = getattr(optimizer, "pre_update_params", lambda: None)
    post_update = getattr(optimizer, "post_update_params", lambda: None)
    history = {"epoch": [], "loss": [], "accuracy": [], "learning_rate": []}
    if regularised:
        history.update(data_loss=[], regularization_loss=[])
    if validation_data is not None:
        history.update(validation_epoch=[], validation_loss=[], validation_accuracy=[])
    best_loss, best_epoch, best_parameters = np.inf, None, None
    bar = _progress_bar(epochs, progress)
    last_update = time.perf_counter()
    for epoch in range(epochs):
        data_loss = loss_activation.forward(forward(layers, X, training=True), y)
        acc = accuracy(loss_activation.output, y)
        rate = getattr(optimizer, "current_learning_rate", optimizer.learning_rate)
        history["epoch"].append(epoch)
        if regularised:
            reg_loss = regularization_loss(trainable)
            loss = data_loss + reg_loss
            history["data_loss"].append(float(data_loss))
            history["regularization_loss"].append(reg_loss)
        else:
            loss = data_loss
        history["loss"].append(float(loss))
        history["accuracy"].append(float(acc))
        history["learning_rate"].append(float(rate))

        backward(layers, loss_activation, y)
        validating = validation_data is not None and (epoch % validate_every == 0 or epoch == epochs - 1)
        if validating:  # the same weights as the training numbers: before this epoch's update
            val_loss, val_acc = evaluate(layers, X_val, y_val)
            history["validation_epoch"].append(epoch)
            history["validation_loss"].append(val_loss)
            history["validation_accuracy"].append(val_acc)
            score = val_loss if monitor == "loss" else -val_acc  # lower is better
            if score < best_loss:
                best_loss, best_epoch = score, epoch
                if restore_best:
                    best_parameters = [(layer.weights.copy(), layer.biases.copy()) for layer in trainable]
        if print_every and epoch % print_every == 0:
            line = f"epoch: {epoch:>5}, acc: {acc:.3f}, loss: {loss:.3f}"
            if regularised:
                line += f" (data: {data_loss:.3f}, reg: {reg_loss:.3f})"
            if validating:
                line += f", val_acc: {val_acc:.3f}, val_loss: {val_loss:.3f}"
            print(line + f", lr: {rate:.6g}")
        if patience is not None and best_epoch is not None and epoch - best_epoch >= patience:
            break

        pre_update()
        for layer in trainable:
            optimizer.update_params(layer)
        post_update()
        # Each update is a message to the browser: send about four a second, not one an epoch.
        if bar is not None and epoch % 100 == 0 and time.perf_counter() - last_update > 0.25:
            bar.value = epoch + 1
            last_update = time.perf_counter()
    if validation_data is not None:
        history["best_epoch"] = best_epoch
    if restore_best and best_parameters is not None:
        for layer, (weights, biases) in zip(trainable, best_parameters):
            layer.weights[...] = weights
            layer.biases[...] = biases
    if bar is not None:
        bar.value = epochs
        bar.bar_style = "success"
    return history
