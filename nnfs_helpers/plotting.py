"""Figures for the course, in colour-blind-safe colours (the Okabe-Ito palette).

Importing this module sets a course style for matplotlib (colours, grid, sizes).
Every function draws on the `ax` it is given (or on a new figure) and returns the
axes, so a notebook can add to the plot; end the cell with `plt.show()`.
"""

import numbers

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Circle, FancyArrowPatch

__all__ = [
    "COLOURS", "MARKERS", "use_course_style", "plot_spiral", "plot_function",
    "plot_probabilities", "draw_neuron", "plot_curves", "plot_runs", "plot_lr_schedule",
    "plot_decision_boundary", "plot_contour_paths", "plot_validation_curves",
]

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]


def use_course_style():
    """Apply the course's matplotlib style (colour cycle, grid, readable sizes)."""
    plt.rcParams.update({
        "axes.prop_cycle": plt.cycler(color=COLOURS),
        "axes.grid": True,
        "grid.alpha": 0.3,
        "figure.figsize": (6.4, 4.2),
        "figure.dpi": 80,
        "axes.titlesize": 12,
        "legend.framealpha": 0.9,
        "image.cmap": "cividis",
    })


use_course_style()


# --- input validation -------------------------------------------------------------------

def _points(X, name="X"):
    try:
        X = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers of shape (n_samples, 2), "
                        f"got {type(X).__name__}") from None
    if X.ndim != 2 or X.shape[1] != 2 or len(X) == 0:
        raise ValueError(f"{name} must have shape (n_samples, 2), got shape {X.shape}")
    if not np.isfinite(X).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    return X


def _labels(y, n, name="y"):
    try:
        y = np.asarray(y)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of class indices, got {type(y).__name__}") from None
    if y.ndim == 2:  # one-hot rows
        y = np.argmax(y, axis=1)
    if y.ndim != 1 or len(y) != n:
        raise ValueError(f"{name} must hold one class index per sample ({n}), got shape {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        if not np.issubdtype(y.dtype, np.number) or not np.all(np.mod(y, 1) == 0):
            raise TypeError(f"{name} must contain whole-number class indices, got dtype {y.dtype}")
        y = y.astype(int)
    if len(y) and y.min() < 0:
        raise ValueError(f"{name} must contain class indices >= 0, got {y.min()}")
    if len(y) and y.max() >= len(COLOURS):
        raise ValueError(f"at most {len(COLOURS)} classes can be coloured, got class {y.max()}")
    return y


def _axes(ax):
    if ax is None:
        _, ax = plt.subplots()
    elif not isinstance(ax, plt.Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax


def _range(values, name):
    if (not isinstance(values, (tuple, list)) or len(values) != 2
            or not all(isinstance(v, numbers.Real) for v in values) or not values[0] < values[1]):
        raise ValueError(f"{name} must be a pair (low, high) with low < high, got {values!r}")
    return float(values[0]), float(values[1])


def _history(history, name="history"):
    if not isinstance(history, dict) or "loss" not in history or "accuracy" not in history:
        raise TypeError(f"{name} must be a dict with 'loss' and 'accuracy' lists "
                        f"(as returned by train()), got {type(history).__name__}")
    return history


# --- data and functions -----------------------------------------------------------------

def plot_spiral(X, y, ax=None, title="Spiral data", alpha=0.85):
    """Scatter 2-D points coloured (and shaped) by class."""
    X = _points(X)
    y = _labels(y, len(X))
    ax = _axes(ax)
    for cls in np.unique(y):
        mask = y == cls
        ax.scatter(X[mask, 0], X[mask, 1], s=18, color=COLOURS[cls], marker=MARKERS[cls],
                   edgecolors="white", linewidths=0.4, alpha=alpha, label=f"class {cls}")
    ax.set(xlabel="$x_1$", ylabel="$x_2$", title=title)
    ax.set_aspect("equal", adjustable="datalim")
    ax.legend(loc="upper right", fontsize=8)
    return ax


def plot_function(funcs, x_range=(-5, 5), ax=None, title=None, xlabel="x", ylabel="f(x)", points=400):
    """Plot one function or a dict {label: function} over `x_range`."""
    low, high = _range(x_range, "x_range")
    if callable(funcs):
        funcs = {getattr(funcs, "__name__", "f"): funcs}
    if not isinstance(funcs, dict) or not funcs or not all(callable(f) for f in funcs.values()):
        raise TypeError("funcs must be a function or a dict {label: function}")
    if not isinstance(points, int) or points < 2:
        raise ValueError(f"points must be an integer >= 2, got {points!r}")
    ax = _axes(ax)
    x = np.linspace(low, high, points)
    for (label, f), style in zip(funcs.items(), ["-", "--", "-.", ":"] * 4):
        y = np.broadcast_to(np.asarray(f(x), dtype=np.float64), x.shape)
        ax.plot(x, y, style, lw=2, label=str(label))
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title or "")
    ax.legend()
    return ax


def plot_probabilities(probabilities, labels=None, ax=None, title="Class probabilities"):
    """Bar chart of one row of probabilities (values in [0, 1])."""
    p = np.asarray(probabilities, dtype=np.float64).ravel()
    if p.size == 0 or not np.isfinite(p).all() or (p < 0).any() or (p > 1 + 1e-6).any():
        raise ValueError(f"probabilities must be finite numbers in [0, 1], got {probabilities!r}")
    labels = labels or [f"class {i}" for i in range(p.size)]
    if len(labels) != p.size:
        raise ValueError(f"one label per probability: {p.size} probabilities, {len(labels)} labels")
    ax = _axes(ax)
    bars = ax.bar(labels, p, color=COLOURS[: p.size] if p.size <= len(COLOURS) else COLOURS[0],
                  edgecolor="black")
    for bar, value in zip(bars, p):
        ax.text(bar.get_x() + bar.get_width() / 2, value + 0.02, f"{value:.3f}", ha="center")
    ax.set(ylim=(0, 1.12), ylabel="probability", title=title)
    return ax


def draw_neuron(inputs, weights, bias, ax=None, title="One neuron", input_names=None, weight_names=None):
    """Diagram of a neuron: inputs, weighted edges, the sum with the bias, the output.

    `input_names` and `weight_names` (optional, one string per input, such as "$x_1$" and
    "$w_1$") label each input node and each weight with its symbol as well as its value.
    """
    x = np.asarray(inputs, dtype=np.float64).ravel()
    w = np.asarray(weights, dtype=np.float64).ravel()
    if x.size == 0 or x.shape != w.shape:
        raise ValueError(f"inputs and weights must be equally long, got {x.size} inputs and {w.size} weights")
    if not isinstance(bias, numbers.Real):
        raise TypeError(f"bias must be a number, got {type(bias).__name__}")
    for names, kind in [(input_names, "input_names"), (weight_names, "weight_names")]:
        if names is not None and len(names) != x.size:
            raise ValueError(f"{kind} needs one name per input, got {len(names)} for {x.size} inputs")
    ax = _axes(ax)
    n = x.size
    ys = np.linspace(0.85, 0.15, n) if n > 1 else np.array([0.5])
    neuron = (0.62, 0.5)
    output = float(np.dot(x, w) + bias)
    for i, (xi, wi, yi) in enumerate(zip(x, w, ys)):
        ax.add_patch(Circle((0.1, yi), 0.05, color=COLOURS[4], ec="black", zorder=3))
        ax.text(0.1, yi, f"{xi:g}", ha="center", va="center", zorder=4, fontsize=9)
        if input_names is not None:
            ax.text(0.1, yi + 0.065, input_names[i], ha="center", va="bottom", fontsize=10)
        colour = COLOURS[0] if wi >= 0 else COLOURS[5]
        ax.add_patch(FancyArrowPatch((0.15, yi), (neuron[0] - 0.09, neuron[1]), arrowstyle="-|>",
                                     mutation_scale=12, lw=1 + 2 * min(abs(wi), 1.5), color=colour))
        weight_name = weight_names[i] if weight_names is not None else "w"
        ax.text(0.3, yi + 0.35 * (neuron[1] - yi) + 0.03, f"{weight_name}={wi:g}", fontsize=9, color=colour)
    ax.add_patch(Circle(neuron, 0.09, color=COLOURS[1], ec="black", zorder=3))
    ax.text(*neuron, "Σ + b", ha="center", va="center", zorder=4)
    ax.text(neuron[0], neuron[1] - 0.15, f"b={bias:g}", ha="center", fontsize=9)
    ax.add_patch(FancyArrowPatch((neuron[0] + 0.09, 0.5), (0.9, 0.5), arrowstyle="-|>", mutation_scale=14, lw=2))
    ax.text(0.92, 0.5, f"{output:g}", va="center")
    ax.text(0.1, 0.97, "inputs", ha="center")
    ax.text(0.93, 0.58, "output", ha="center")
    ax.set(xlim=(0, 1.05), ylim=(0, 1.02), title=title)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


# --- training ---------------------------------------------------------------------------

def plot_curves(history, title="Training"):
    """Loss and accuracy against epoch, side by side; returns the two axes."""
    history = _history(history)
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.6))
    epochs = history.get("epoch", range(len(history["loss"])))
    ax_loss.plot(epochs, history["loss"], color=COLOURS[0], label="loss")
    ax_loss.set(xlabel="epoch", ylabel="loss", title=f"{title}: loss")
    ax_acc.plot(epochs, history["accuracy"], color=COLOURS[1], label="accuracy")
    ax_acc.set(xlabel="epoch", ylabel="accuracy", ylim=(0, 1), title=f"{title}: accuracy")
    for ax in (ax_loss, ax_acc):
        ax.legend()
    fig.tight_layout()
    return ax_loss, ax_acc


def plot_runs(histories, metric="loss", ax=None, title=None):
    """Several training runs on one plot: `histories` is {label: history}."""
    if not isinstance(histories, dict) or not histories:
        raise TypeError("histories must be a non-empty dict {label: history}")
    if metric not in ("loss", "accuracy", "learning_rate"):
        raise ValueError(f"metric must be 'loss', 'accuracy' or 'learning_rate', got {metric!r}")
    ax = _axes(ax)
    for (label, history), style in zip(histories.items(), ["-", "--", "-.", ":"] * 4):
        history = _history(history, f"histories[{label!r}]")
        epochs = history.get("epoch", range(len(history[metric])))
        ax.plot(epochs, history[metric], style, lw=1.8, label=str(label))
    ax.set(xlabel="epoch", ylabel=metric.replace("_", " "), title=title or f"{metric.replace('_', ' ')} per epoch")
    if metric == "accuracy":
        ax.set_ylim(0, 1)
    ax.legend()
    return ax


def plot_lr_schedule(schedules, ax=None, title="Learning-rate schedule"):
    """Plot learning rates: `schedules` is {label: sequence of learning rates}."""
    if not isinstance(schedules, dict) or not schedules:
        raise TypeError("schedules must be a non-empty dict {label: learning rates}")
    ax = _axes(ax)
    for (label, rates), style in zip(schedules.items(), ["-", "--", "-.", ":"] * 4):
        rates = np.asarray(rates, dtype=np.float64)
        if rates.ndim != 1 or rates.size == 0:
            raise ValueError(f"schedules[{label!r}] must be a 1-D sequence of learning rates")
        ax.plot(np.arange(rates.size), rates, style, lw=2, label=str(label))
    ax.set(xlabel="step", ylabel="learning rate", title=title)
    ax.legend()
    return ax


def plot_decision_boundary(predict, X, y, ax=None, title="Decision boundary", resolution=200):
    """Colour the plane by the class `predict(points)` gives, with the data on top.

    `predict` takes an (n, 2) array and returns class indices (n,) or probabilities (n, classes).
    """
    if not callable(predict):
        raise TypeError(f"predict must be a function of an (n, 2) array, got {type(predict).__name__}")
    X = _points(X)
    y = _labels(y, len(X))
    ax = _axes(ax)
    pad = 0.1 * (X.max(axis=0) - X.min(axis=0)) + 1e-3
    low, high = X.min(axis=0) - pad, X.max(axis=0) + pad
    gx, gy = np.meshgrid(np.linspace(low[0], high[0], resolution), np.linspace(low[1], high[1], resolution))
    grid = np.c_[gx.ravel(), gy.ravel()]
    predicted = np.asarray(predict(grid))
    if predicted.ndim == 2:
        predicted = np.argmax(predicted, axis=1)
    if predicted.shape != (len(grid),):
        raise ValueError(f"predict must return one class (or one row of probabilities) per point; "
                         f"for {len(grid)} points it returned shape {predicted.shape}")
    n_classes = int(max(predicted.max(), y.max())) + 1
    cmap = ListedColormap(COLOURS[:n_classes])
    ax.contourf(gx, gy, predicted.reshape(gx.shape), levels=np.arange(n_classes + 1) - 0.5,
                cmap=cmap, alpha=0.3)
    plot_spiral(X, y, ax=ax, title=title)
    # The coloured grid fills the axes: equal scales by shrinking the box, not by widening the limits.
    ax.set(xlim=(low[0], high[0]), ylim=(low[1], high[1]))
    ax.set_aspect("equal", adjustable="box")
    return ax


def plot_contour_paths(f, paths, x_range=(-5, 5), y_range=(-5, 5), ax=None, title=None, levels=25):
    """Contours of f(x, y) with optimisation paths: `paths` is {label: array of (x, y) points}."""
    if not callable(f):
        raise TypeError(f"f must be a function f(x, y), got {type(f).__name__}")
    if not isinstance(paths, dict):
        raise TypeError("paths must be a dict {label: array of (x, y) points}")
    (x0, x1), (y0, y1) = _range(x_range, "x_range"), _range(y_range, "y_range")
    ax = _axes(ax)
    gx, gy = np.meshgrid(np.linspace(x0, x1, 300), np.linspace(y0, y1, 300))
    contours = ax.contour(gx, gy, f(gx, gy), levels=levels, cmap="cividis", linewidths=0.8)
    ax.clabel(contours, fontsize=7, inline=True, fmt="%.3g")
    for (label, path), colour, marker in zip(paths.items(), COLOURS[1:] + COLOURS[:1], MARKERS):
        path = np.asarray(path, dtype=np.float64)
        if path.ndim != 2 or path.shape[1] != 2:
            raise ValueError(f"paths[{label!r}] must have shape (steps, 2), got {path.shape}")
        ax.plot(path[:, 0], path[:, 1], "-", marker=marker, ms=3, lw=1.5, color=colour, label=str(label))
        ax.plot(*path[-1], marker="*", ms=12, color=colour, mec="black")
    ax.set(xlabel="x", ylabel="y", title=title or "Optimisation paths", xlim=(x0, x1), ylim=(y0, y1))
    if paths:
        ax.legend(fontsize=8)
    return ax


# --- Notebook 02: a layer on a batch, drawn as matrices ---------------------------------------

from matplotlib.colors import LinearSegmentedColormap  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

# Orange for negative, white for zero, blue for positive (two Okabe-Ito colours).
SIGNED_CMAP = LinearSegmentedColormap.from_list("signed", [COLOURS[5], "white", COLOURS[0]])
__all__ += ["SIGNED_CMAP", "plot_layer_product"]


def _matrix(values, name, ndim=2):
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers, got {type(values).__name__}") from None
    if ndim == 1 and array.ndim == 2 and array.shape[0] == 1:
        array = array[0]
    if array.ndim != ndim:
        want = "(n_neurons,) or (1, n_neurons)" if ndim == 1 else "2-D (rows, columns)"
        raise ValueError(f"{name} must be {want}, got shape {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} contains NaN or infinity")
    return array


def _draw_matrix(ax, matrix, left, label, norm, outline, label_y):
    """Numbered, coloured squares with the top-left corner at (left, 0); returns the right edge."""
    for (i, j), value in np.ndenumerate(matrix):
        ax.add_patch(Rectangle((left + j, -i - 1), 1, 1, facecolor=SIGNED_CMAP(norm(value)),
                               edgecolor="white", linewidth=1.5))
        ax.text(left + j + 0.5, -i - 0.5, f"{value:.3g}", ha="center", va="center", fontsize=8)
    row, column, height, width = outline
    ax.add_patch(Rectangle((left + column, -row - height), width, height, fill=False,
                           edgecolor=COLOURS[7], linewidth=2.5))
    ax.text(left + matrix.shape[1] / 2, label_y, label, ha="center", va="top", fontsize=9)
    return left + matrix.shape[1]


def plot_layer_product(inputs, weights_t, biases, outputs, sample=0, neuron=0, ax=None):
    """Draw `inputs @ weights_t + biases = outputs` as coloured squares with their values.

    `inputs` is (n_samples, n_inputs), `weights_t` (n_inputs, n_neurons), one column per
    neuron, `biases` (n_neurons,) and `outputs` (n_samples, n_neurons). Row `sample` of the
    inputs, column `neuron` of the weights, that neuron's bias and the output they give are
    outlined. Blue is positive, orange negative, white zero. Returns the axes.
    """
    x = _matrix(inputs, "inputs")
    w = _matrix(weights_t, "weights_t")
    b = _matrix(biases, "biases", ndim=1)
    out = _matrix(outputs, "outputs")
    n_samples, n_inputs = x.shape
    if w.shape[0] != n_inputs:
        raise ValueError(f"weights_t must have one row per input ({n_inputs}), got shape {w.shape}: "
                         "pass the weights with one column per neuron")
    n_neurons = w.shape[1]
    if b.shape != (n_neurons,):
        raise ValueError(f"biases must hold one bias per neuron ({n_neurons}), got shape {b.shape}")
    if out.shape != (n_samples, n_neurons):
        raise ValueError(f"outputs must have shape (n_samples, n_neurons) = {(n_samples, n_neurons)}, "
                         f"got {out.shape}")
    for value, name, limit in [(sample, "sample", n_samples), (neuron, "neuron", n_neurons)]:
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not 0 <= value < limit:
            raise ValueError(f"{name} must be a whole number from 0 to {limit - 1}, got {value!r}")
    if ax is None:
        width = n_inputs + 2 * n_neurons + 1 + 4.5
        _, ax = plt.subplots(figsize=(min(0.62 * width + 1, 14), 0.62 * (max(n_samples, n_inputs) + 2) + 0.6))
    else:
        ax = _axes(ax)
    largest = max(np.abs(m).max() for m in (x, w, b, out)) or 1.0
    norm = plt.Normalize(vmin=-largest, vmax=largest)   # white at 0
    label_y = -max(n_samples, n_inputs) - 0.4
    middle = -min(n_samples, n_inputs) / 2
    right = _draw_matrix(ax, x, 0, f"inputs  {x.shape}\n{n_samples} samples × {n_inputs} inputs", norm,
                         (sample, 0, 1, n_inputs), label_y)
    pieces = [("@", w, f"weights.T  {w.shape}\n{n_inputs} inputs × {n_neurons} neurons", (0, neuron, n_inputs, 1)),
              ("+", b[None, :], f"biases  ({n_neurons},)\nadded to every row", (0, neuron, 1, 1)),
              ("=", out, f"output  {out.shape}\n{n_samples} samples × {n_neurons} neurons", (sample, neuron, 1, 1))]
    for symbol, matrix, label, outline in pieces:
        ax.text(right + 0.75, middle, symbol, fontsize=18, ha="center", va="center")
        right = _draw_matrix(ax, matrix, right + 1.5, label, norm, outline, label_y)
    ax.set(xlim=(-0.3, right + 0.3), ylim=(label_y - 1.2, 0.3),
           title=f"A layer on a batch: {x.shape} @ {w.shape} + ({n_neurons},) → {out.shape}; "
                 f"outlined: sample {sample} through neuron {neuron}")
    ax.set_aspect("equal")
    ax.axis("off")
    return ax

# --- notebooks 06 and 07: the backward pass of one neuron, drawn as a graph --------------

def draw_neuron_backward(inputs, weights, bias, doutput=1.0, ax=None,
                         title="One ReLU neuron: forward values above the edges, gradients below"):
    """The neuron ReLU(sum_i x_i w_i + b) as a graph of operations (multiply, add, ReLU).

    On every edge the forward value is written above the line and the gradient below it:
    the gradient of the output with respect to that value, times `doutput` (the gradient
    arriving from above, 1.0 by default). Returns the axes.
    """
    x = np.asarray(inputs, dtype=np.float64).ravel()
    w = np.asarray(weights, dtype=np.float64).ravel()
    if x.size == 0 or x.shape != w.shape:
        raise ValueError(f"inputs and weights must be equally long, got {x.size} inputs and {w.size} weights")
    for name, value in (("bias", bias), ("doutput", doutput)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    ax = _axes(ax)
    n = x.size
    # Forward, then backward, exactly as the notebook computes it.
    products = x * w
    z = float(products.sum() + bias)
    output = max(z, 0.0)
    dz = float(doutput) * (1.0 if z > 0 else 0.0)
    dproducts, dx, dw = np.full(n, dz), dz * w, dz * x

    forward_colour, gradient_colour = COLOURS[2], COLOURS[5]
    height = 3 * n + 1
    centre = (height + 1) / 2

    def node(position, label, colour):
        ax.add_patch(Circle(position, 0.42, color=colour, ec="black", zorder=3))
        ax.text(*position, label, ha="center", va="center", fontsize=10, zorder=4)

    def edge(start, end, value, gradient, name):
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=11, lw=1.4,
                                     color="0.35", shrinkA=0, shrinkB=15, zorder=2))
        middle = (0.55 * start[0] + 0.45 * end[0], 0.55 * start[1] + 0.45 * end[1])
        ax.text(middle[0], middle[1] + 0.15, f"{name} = {value:g}", ha="center", va="bottom",
                fontsize=9, color=forward_colour, fontweight="bold")
        ax.text(middle[0], middle[1] - 0.15, f"{gradient + 0.0:g}", ha="center", va="top",  # no "-0"
                fontsize=9, color=gradient_colour, fontweight="bold")

    sum_node, relu_node = (6.6, centre), (8.8, centre)
    for i in range(n):
        x_row = height - 0.5 - 3 * i
        w_row = x_row - 2
        times = (3.6, x_row - 1)
        edge((0.3, x_row), times, x[i], dx[i], f"x{i}")
        edge((0.3, w_row), times, w[i], dw[i], f"w{i}")
        node(times, "×", COLOURS[4])
        edge(times, sum_node, products[i], dproducts[i], f"x{i}w{i}")
    edge((4.2, 0.5), sum_node, float(bias), dz, "b")
    node(sum_node, "+", COLOURS[1])
    edge(sum_node, relu_node, z, dz, "z")
    node(relu_node, "ReLU", COLOURS[3])
    edge(relu_node, (11.0, centre), output, float(doutput), "out")
    ax.text(0.0, height + 0.4, "above each edge: its forward value", color=forward_colour, fontsize=9.5)
    ax.text(6.0, height + 0.4, "below: the gradient d out / d value", color=gradient_colour, fontsize=9.5)
    ax.set(xlim=(-0.2, 11.3), ylim=(-0.1, height + 0.9), title=title)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


__all__ += ["draw_neuron_backward"]

def plot_validation_curves(histories, title=None, data_loss=True):
    """Training and validation loss and accuracy of several runs, side by side.

    `histories` is {label: history} with histories from `train(..., validation_data=...)`.
    Each run has one colour: training solid, validation dashed; a star marks the epoch of
    the lowest validation loss. With `data_loss=True` the training curve is the data loss
    (without the regularisation penalty), so it compares with the validation loss.
    Returns the two axes.
    """
    if not isinstance(histories, dict) or not histories:
        raise TypeError("histories must be a non-empty dict {label: history}")
    for label, history in histories.items():
        _history(history, f"histories[{label!r}]")
        if "validation_loss" not in history or "validation_epoch" not in history:
            raise ValueError(f"histories[{label!r}] has no validation curves: train with "
                             "validation_data=(X_val, y_val)")
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(11, 3.8))
    for (label, history), colour in zip(histories.items(), COLOURS * 2):
        epochs = history.get("epoch", range(len(history["loss"])))
        train_loss = history.get("data_loss", history["loss"]) if data_loss else history["loss"]
        ax_loss.plot(epochs, train_loss, "-", color=colour, lw=1.2, label=f"{label}: training")
        ax_loss.plot(history["validation_epoch"], history["validation_loss"], "--", color=colour, lw=1.8,
                     label=f"{label}: validation")
        ax_acc.plot(epochs, history["accuracy"], "-", color=colour, lw=1.2, label=f"{label}: training")
        ax_acc.plot(history["validation_epoch"], history["validation_accuracy"], "--", color=colour, lw=1.8,
                    label=f"{label}: validation")
        best = int(np.argmin(history["validation_loss"]))
        ax_loss.plot(history["validation_epoch"][best], history["validation_loss"][best], "*", ms=13,
                     color=colour, mec="black")
    ylabel = "data loss" if data_loss else "loss"
    ax_loss.set(xlabel="epoch", ylabel=ylabel, title=f"{title}: {ylabel}" if title else ylabel)
    ax_acc.set(xlabel="epoch", ylabel="accuracy", ylim=(0, 1),
               title=f"{title}: accuracy" if title else "accuracy")
    for ax in (ax_loss, ax_acc):
        ax.legend(fontsize=8)
    fig.tight_layout()
    return ax_loss, ax_acc

# --- notebooks 15-16: yes/no outputs and training loops written in a notebook -------------

def plot_probability_map(predict_proba, X, y, ax=None, title="Probability of class 1", resolution=200):
    """Colour the plane by the probability of class 1 that `predict_proba(points)` gives.

    `predict_proba` takes an (n, 2) array and returns n probabilities (shape (n,) or (n, 1));
    the 0.5 contour (where the thresholded class changes) is drawn in black, the data on top.
    """
    if not callable(predict_proba):
        raise TypeError(f"predict_proba must be a function of an (n, 2) array, got {type(predict_proba).__name__}")
    X = _points(X)
    y = _labels(np.asarray(y).ravel() if np.ndim(y) == 2 and np.shape(y)[1] == 1 else y, len(X))
    if not isinstance(resolution, int) or resolution < 2:
        raise ValueError(f"resolution must be an integer >= 2, got {resolution!r}")
    ax = _axes(ax)
    pad = 0.1 * (X.max(axis=0) - X.min(axis=0)) + 1e-3
    low, high = X.min(axis=0) - pad, X.max(axis=0) + pad
    gx, gy = np.meshgrid(np.linspace(low[0], high[0], resolution), np.linspace(low[1], high[1], resolution))
    probabilities = np.asarray(predict_proba(np.c_[gx.ravel(), gy.ravel()]), dtype=np.float64)
    if probabilities.size != gx.size or probabilities.ndim > 2:
        raise ValueError(f"predict_proba must return one probability per point; for {gx.size} points "
                         f"it returned shape {probabilities.shape}")
    if not np.all((probabilities >= 0) & (probabilities <= 1)):
        raise ValueError("predict_proba must return probabilities between 0 and 1")
    probabilities = probabilities.reshape(gx.shape)
    filled = ax.contourf(gx, gy, probabilities, levels=np.linspace(0, 1, 11), cmap="cividis", alpha=0.45)
    ax.contour(gx, gy, probabilities, levels=[0.5], colors="black", linewidths=1.5)
    ax.figure.colorbar(filled, ax=ax, label="probability of class 1")
    plot_spiral(X, y, ax=ax, title=title)
    ax.plot([], [], color="black", lw=1.5, label="probability 0.5")
    ax.legend(loc="upper right", fontsize=8)
    return ax


# The progress bar lives in nnfs_helpers.progress (no matplotlib: the network code imports it);
# it is re-exported here, where notebooks 08-17 found it.
from .progress import TrainingProgress, progress_bar  # noqa: E402,F401

__all__ += ["progress_bar"]


__all__ += ["plot_probability_map", "TrainingProgress"]
