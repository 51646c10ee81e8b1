"""Benchmark: notebook execution times and the speed of the course's training loop.

    python tools/benchmark.py                # everything, each measurement taken 3 times
    python tools/benchmark.py --skip-notebooks
    python tools/benchmark.py --repeat 5

Prints, for this machine: each notebook's execution time from a fresh kernel (run in
memory; nothing is saved) and the series total; the time of the classic training run
(10,001 epochs of Adam, learning rate 0.05, decay 5e-7, on spiral_data(100, 3) with a
2-64-3 network) with the course's own classes and the reproducible setup on; and, when
PyTorch is installed (optional, never required), the same training in PyTorch on one
CPU thread, with the ratio. Then the digits comparison (notebooks 18-19): the course's Model
trains a 64-64-10 network with Adam (learning rate 0.005), batch size 32, 20 epochs, on the 8x8
digits (scaled to [-1, 1]); PyTorch trains the same network from the same starting weights, on
the same batches in the same order (the Model's own shuffles, replayed), on one thread. It needs
nnfs_helpers.datasets.load_digits and is skipped with a message when that or PyTorch is absent.
Last, the convolution (notebook 23): the forward and backward pass of the course's Layer_Conv2D
(im2col, reproducible setup on) against torch.nn.functional.conv2d and its backward on one thread,
on the same shapes and the same numbers, for the notebook's layer (a batch of 32 digits, 1 -> 8
channels, 3 x 3, padding 1) and a larger one (32 images of 28 x 28, 16 -> 32 channels); each
figure is the time of one forward and backward pass, the best over --repeat rounds of many passes.

    python tools/benchmark.py --only-conv   # only the convolution comparison

A shared virtual machine is only ever slowed down by its neighbours, never sped up, so each
figure is the best of --repeat runs (the median is shown beside it). The notebooks are run
round-robin (01..12, then 01..12 again) and the two trainings alternate, so that a slow spell
of the machine does not fall on one of them only.
"""

import argparse
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
EPOCHS = 10001


def time_course_training():
    from nnfs.datasets import spiral_data

    from nnfs_helpers import setup
    from nnfs_helpers.network import (Activation_ReLU, Activation_Softmax_Loss_CategoricalCrossentropy,
                                      Layer_Dense, Optimizer_Adam)
    from nnfs_helpers.training import train

    setup()
    X, y = spiral_data(samples=100, classes=3)
    dense1, activation1, dense2 = Layer_Dense(2, 64), Activation_ReLU(), Layer_Dense(64, 3)
    loss_activation = Activation_Softmax_Loss_CategoricalCrossentropy()
    optimizer = Optimizer_Adam(learning_rate=0.05, decay=5e-7)
    start = time.perf_counter()
    history = train([dense1, activation1, dense2], loss_activation, optimizer, X, y,
                    epochs=EPOCHS, print_every=0, progress=False)
    return time.perf_counter() - start, history["accuracy"][-1], history["loss"][-1]


def time_torch_training():
    import numpy as np
    import torch
    from nnfs.datasets import spiral_data

    from nnfs_helpers import restore_numpy

    restore_numpy()
    torch.set_num_threads(1)
    np.random.seed(0)
    X_np, y_np = spiral_data(samples=100, classes=3)
    X = torch.tensor(X_np, dtype=torch.float32)
    y = torch.tensor(y_np, dtype=torch.long)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 64), torch.nn.ReLU(), torch.nn.Linear(64, 3))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05, eps=1e-7)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1 / (1 + 5e-7 * step))
    loss_function = torch.nn.CrossEntropyLoss()
    start = time.perf_counter()
    for _ in range(EPOCHS):
        optimizer.zero_grad()
        logits = model(X)
        loss = loss_function(logits, y)
        accuracy = (logits.argmax(dim=1) == y).float().mean()
        loss.backward()
        optimizer.step()
        schedule.step()
    return time.perf_counter() - start, accuracy.item(), loss.item()


DIGITS_EPOCHS, DIGITS_BATCH = 20, 32


def _digits():
    from nnfs_helpers.datasets import load_digits

    X, y = load_digits()
    return (X / 8.0 - 1.0).astype("float32"), y  # pixels 0..16 -> [-1, 1]


def time_course_digits():
    """The course's Model on the digits; returns (seconds, final accuracy, final loss, start, orders)."""
    import numpy as np

    from nnfs_helpers import setup
    from nnfs_helpers.network import (Accuracy_Categorical, Activation_ReLU, Activation_Softmax, Layer_Dense,
                                      Loss_CategoricalCrossentropy, Model, Optimizer_Adam)

    X, y = _digits()
    setup()
    model = Model()
    for layer in (Layer_Dense(64, 64), Activation_ReLU(), Layer_Dense(64, 10), Activation_Softmax()):
        model.add(layer)
    model.set(loss=Loss_CategoricalCrossentropy(), optimizer=Optimizer_Adam(learning_rate=0.005),
              accuracy=Accuracy_Categorical())
    model.finalize()
    start_parameters = model.get_parameters()
    random_state = np.random.get_state()
    start = time.perf_counter()
    history = model.train(X, y, epochs=DIGITS_EPOCHS, batch_size=DIGITS_BATCH, print_every=0)
    seconds = time.perf_counter() - start
    # The Model draws one permutation per epoch and nothing else random: replay them for PyTorch.
    np.random.set_state(random_state)
    orders = [np.random.permutation(len(X)) for _ in range(DIGITS_EPOCHS)]
    return seconds, history["accuracy"][-1], history["loss"][-1], start_parameters, orders


def time_torch_digits(start_parameters, orders):
    """The same network, starting weights, batches and optimiser in PyTorch on one thread."""
    import numpy as np
    import torch

    from nnfs_helpers import restore_numpy

    restore_numpy()
    torch.set_num_threads(1)
    X_np, y_np = _digits()
    X, y = torch.tensor(X_np), torch.tensor(y_np, dtype=torch.long)
    model = torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
    with torch.no_grad():
        for linear, (weights, biases) in zip(model[::2], start_parameters):
            linear.weight.copy_(torch.tensor(np.asarray(weights, dtype=np.float32).T))
            linear.bias.copy_(torch.tensor(np.asarray(biases, dtype=np.float32).ravel()))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.005, eps=1e-7)
    loss_function = torch.nn.CrossEntropyLoss(reduction="sum")
    batches = [[torch.tensor(order[k:k + DIGITS_BATCH]) for k in range(0, len(order), DIGITS_BATCH)]
               for order in orders]
    start = time.perf_counter()
    for epoch_batches in batches:
        loss_sum, right = 0.0, 0
        for batch in epoch_batches:
            X_batch, y_batch = X[batch], y[batch]
            optimizer.zero_grad()
            logits = model(X_batch)
            loss = loss_function(logits, y_batch)
            right += int((logits.argmax(dim=1) == y_batch).sum())  # the Model also scores every batch
            loss_sum += loss.item()
            (loss / len(batch)).backward()
            optimizer.step()
    seconds = time.perf_counter() - start
    return seconds, right / len(X), loss_sum / len(X)


def compare_digits(repeat):
    try:
        _digits()
    except ImportError:
        print("digits, course Model: skipped (nnfs_helpers.datasets.load_digits is not in this version)")
        return
    try:
        import torch
    except ImportError:
        torch = None
    ours, theirs = [], []
    for _ in range(repeat):
        run = time_course_digits()
        ours.append(run[:3])
        if torch is not None:
            theirs.append(time_torch_digits(*run[3:]))
    best, median = best_and_median([run[0] for run in ours])
    _, acc, loss = ours[-1]
    what = f"64-64-10, Adam, batch {DIGITS_BATCH}, {DIGITS_EPOCHS} epochs"
    print(f"digits, course Model (NumPy, {what}): {best:6.2f} s ({median:5.2f}), "
          f"final epoch acc {acc:.3f}, loss {loss:.3f}")
    if torch is None:
        print("digits, PyTorch: not installed (optional: pip install torch), no comparison")
        return
    torch_best, torch_median = best_and_median([run[0] for run in theirs])
    _, acc, loss = theirs[-1]
    print(f"digits, PyTorch {torch.__version__} (1 thread, same start, same batches): {torch_best:6.2f} s "
          f"({torch_median:5.2f}), final epoch acc {acc:.3f}, loss {loss:.3f}")
    print(f"digits speed ratio: the course's Model is {torch_best / best:.2f}x as fast as PyTorch "
          f"(medians: {torch_median / median:.2f}x)")


CONV_SHAPES = (  # (batch, in_channels, height = width, out_channels, kernel size, padding, passes per round)
    (32, 1, 8, 8, 3, 1, 2000),
    (32, 16, 28, 32, 3, 1, 20),
)


def _conv_case(shape):
    """Random float32 images, kernels, biases and an upstream gradient for one shape."""
    import numpy as np

    batch, channels, size, filters, k, padding, _ = shape
    rng = np.random.default_rng(23)
    return [rng.standard_normal(dims).astype(np.float32) for dims in
            ((batch, channels, size, size), (filters, channels, k, k), (1, filters),
             (batch, filters, size + 2 * padding - k + 1, size + 2 * padding - k + 1))]


def time_course_conv(shape):
    """Seconds for one forward and backward pass of Layer_Conv2D; and its output and gradients."""
    from nnfs_helpers import setup
    from nnfs_helpers.network import Layer_Conv2D

    setup()
    images, kernels, biases, upstream = _conv_case(shape)
    _, channels, _, filters, k, padding, passes = shape
    layer = Layer_Conv2D(channels, filters, k, padding=padding)
    layer.weights, layer.biases = kernels, biases
    start = time.perf_counter()
    for _ in range(passes):
        layer.forward(images)
        layer.backward(upstream)
    seconds = (time.perf_counter() - start) / passes
    return seconds, (layer.output, layer.dinputs, layer.dweights, layer.dbiases.ravel())


def time_torch_conv(shape):
    """The same pass with torch.nn.functional.conv2d and autograd, on one thread."""
    import torch

    from nnfs_helpers import restore_numpy

    restore_numpy()
    torch.set_num_threads(1)
    images, kernels, biases, upstream = (torch.tensor(array) for array in _conv_case(shape))
    padding, passes = shape[5], shape[6]
    images.requires_grad_(True)
    kernels.requires_grad_(True)
    biases = biases.ravel().clone().requires_grad_(True)
    start = time.perf_counter()
    for _ in range(passes):
        images.grad = kernels.grad = biases.grad = None
        output = torch.nn.functional.conv2d(images, kernels, biases, padding=padding)
        output.backward(upstream)
    seconds = (time.perf_counter() - start) / passes
    return seconds, tuple(t.detach().numpy() for t in (output, images.grad, kernels.grad, biases.grad))


def compare_convolution(repeat):
    import numpy as np

    try:
        from nnfs_helpers.network import Layer_Conv2D  # noqa: F401 (taught in notebook 23)
    except ImportError:
        print("convolution: skipped (nnfs_helpers.network has no Layer_Conv2D in this version)")
        return
    try:
        import torch
    except ImportError:
        torch = None
    for shape in CONV_SHAPES:
        batch, channels, size, filters, k, padding, _ = shape
        what = f"{batch} x {channels} x {size} x {size} -> {filters} channels, {k} x {k}, padding {padding}"
        ours, theirs = [], []
        for _ in range(repeat):
            seconds, course_results = time_course_conv(shape)
            ours.append(seconds)
            if torch is not None:
                seconds, torch_results = time_torch_conv(shape)
                theirs.append(seconds)
        best, median = best_and_median(ours)
        print(f"convolution {what}, course Layer_Conv2D (NumPy im2col), forward + backward: "
              f"{best * 1e6:8.0f} us ({median * 1e6:.0f})")
        if torch is None:
            continue
        torch_best, torch_median = best_and_median(theirs)
        agree = all(np.allclose(a, b, rtol=1e-3, atol=1e-3) for a, b in zip(course_results, torch_results))
        print(f"convolution {what}, PyTorch {torch.__version__} conv2d (1 thread), forward + backward: "
              f"{torch_best * 1e6:8.0f} us ({torch_median * 1e6:.0f}); same output and gradients: {agree}")
        print(f"convolution speed ratio: the course's layer is {torch_best / best:.2f}x as fast as PyTorch's "
              f"(medians: {torch_median / median:.2f}x)")
    if torch is None:
        print("convolution, PyTorch: not installed (optional: pip install torch), no comparison")


def best_and_median(times):
    ordered = sorted(times)
    return ordered[0], ordered[len(ordered) // 2]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement (best is reported)")
    parser.add_argument("--skip-notebooks", action="store_true")
    parser.add_argument("--only-digits", action="store_true", help="only the digits comparison of the Model")
    parser.add_argument("--only-conv", action="store_true", help="only the convolution comparison (notebook 23)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}; best (median) of {args.repeat} runs")
    if args.only_digits:
        compare_digits(args.repeat)
        return 0
    if args.only_conv:
        compare_convolution(args.repeat)
        return 0
    if not args.skip_notebooks:
        import run_notebooks

        paths = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
        times = {path.name: [] for path in paths}
        for _ in range(args.repeat):
            for path in paths:
                times[path.name].append(run_notebooks.run(path)[1])
        total_best = total_median = 0.0
        for name, runs in times.items():
            best, median = best_and_median(runs)
            total_best, total_median = total_best + best, total_median + median
            print(f"notebook {name:<42} {best:6.1f} s ({median:5.1f})")
        print(f"notebook series total {'':<29} {total_best:6.1f} s ({total_median:5.1f})")

    try:
        import torch
    except ImportError:
        torch = None
    ours, theirs = [], []
    for _ in range(args.repeat):
        ours.append(time_course_training())
        if torch is not None:
            theirs.append(time_torch_training())
    best, median = best_and_median([run[0] for run in ours])
    _, acc, loss = ours[-1]
    print(f"training, course classes (NumPy): {best:6.2f} s ({median:5.2f}) for {EPOCHS} epochs "
          f"({best / EPOCHS * 1e6:.0f} us/epoch), final acc {acc:.3f}, loss {loss:.3f}")
    if torch is None:
        print("training, PyTorch: not installed (optional: pip install torch), no comparison")
        compare_digits(args.repeat)
        compare_convolution(args.repeat)
        return 0
    torch_best, torch_median = best_and_median([run[0] for run in theirs])
    _, acc, loss = theirs[-1]
    print(f"training, PyTorch {torch.__version__} (1 thread): {torch_best:6.2f} s ({torch_median:5.2f}) "
          f"for {EPOCHS} epochs ({torch_best / EPOCHS * 1e6:.0f} us/epoch), final acc {acc:.3f}, loss {loss:.3f}")
    print(f"speed ratio: the course's loop is {torch_best / best:.2f}x as fast as PyTorch "
          f"(medians: {torch_median / median:.2f}x)")
    compare_digits(args.repeat)
    compare_convolution(args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
