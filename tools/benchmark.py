"""Benchmark: notebook execution times and the speed of the course's training loop.

    python tools/benchmark.py                # everything, each measurement taken 3 times
    python tools/benchmark.py --skip-notebooks
    python tools/benchmark.py --repeat 5

Prints, for this machine: each notebook's execution time from a fresh kernel (run in
memory; nothing is saved) and the series total; the time of the classic training run
(10,001 epochs of Adam, learning rate 0.05, decay 5e-7, on spiral_data(100, 3) with a
2-64-3 network) with the course's own classes and the reproducible setup on; and, when
PyTorch is installed (optional, never required), the same training in PyTorch on one
CPU thread, with the ratio.

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


def best_and_median(times):
    ordered = sorted(times)
    return ordered[0], ordered[len(ordered) // 2]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement (best is reported)")
    parser.add_argument("--skip-notebooks", action="store_true")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}; best (median) of {args.repeat} runs")
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
        return 0
    torch_best, torch_median = best_and_median([run[0] for run in theirs])
    _, acc, loss = theirs[-1]
    print(f"training, PyTorch {torch.__version__} (1 thread): {torch_best:6.2f} s ({torch_median:5.2f}) "
          f"for {EPOCHS} epochs ({torch_best / EPOCHS * 1e6:.0f} us/epoch), final acc {acc:.3f}, loss {loss:.3f}")
    print(f"speed ratio: the course's loop is {torch_best / best:.2f}x as fast as PyTorch "
          f"(medians: {torch_median / median:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
