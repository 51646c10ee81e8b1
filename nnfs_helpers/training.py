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
"""

import numbers
import time

import numpy as np

from .network import Layer_Dense, accuracy

__all__ = ["train", "forward", "backward", "predict"]


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
        import ipywidgets as widgets
    except ImportError:
        return None
    shell = get_ipython()
    if shell is None or not getattr(shell, "kernel", None):
        return None
    bar = widgets.IntProgress(value=0, min=0, max=epochs, description="Training")
    display(bar)
    return bar


def forward(layers, X):
    """Run X through `layers` and return the last layer's output."""
    output = X
    for layer in layers:
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
    return np.argmax(forward(layers, X), axis=1)


def train(layers, loss_activation, optimizer, X, y, epochs=10001, print_every=1000, progress=True):
    """Train with full-batch steps; print a line every `print_every` epochs; return the history."""
    _check_inputs(layers, loss_activation, optimizer, X, y)
    for name, value in (("epochs", epochs), ("print_every", print_every)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
            raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    trainable = [layer for layer in layers if hasattr(layer, "weights")]
    pre_update = getattr(optimizer, "pre_update_params", lambda: None)
    post_update = getattr(optimizer, "post_update_params", lambda: None)
    history = {"epoch": [], "loss": [], "accuracy": [], "learning_rate": []}
    bar = _progress_bar(epochs, progress)
    last_update = time.perf_counter()
    for epoch in range(epochs):
        loss = loss_activation.forward(forward(layers, X), y)
        acc = accuracy(loss_activation.output, y)
        rate = getattr(optimizer, "current_learning_rate", optimizer.learning_rate)
        history["epoch"].append(epoch)
        history["loss"].append(float(loss))
        history["accuracy"].append(float(acc))
        history["learning_rate"].append(float(rate))
        if print_every and epoch % print_every == 0:
            print(f"epoch: {epoch:>5}, acc: {acc:.3f}, loss: {loss:.3f}, lr: {rate:.6g}")

        backward(layers, loss_activation, y)
        pre_update()
        for layer in trainable:
            optimizer.update_params(layer)
        post_update()
        # Each update is a message to the browser: send about four a second, not one an epoch.
        if bar is not None and epoch % 100 == 0 and time.perf_counter() - last_update > 0.25:
            bar.value = epoch + 1
            last_update = time.perf_counter()
    if bar is not None:
        bar.value = epochs
        bar.bar_style = "success"
    return history
