"""Benchmark: notebook execution times and the speed of the course's training loop.

    python tools/benchmark.py                # everything
    python tools/benchmark.py --skip-notebooks
    python tools/benchmark.py --repeat 5

Prints, for this machine: each notebook's execution time from a fresh kernel (run in
memory; nothing is saved) and the series total; the time of the classic training run
(10,001 epochs of Adam, learning rate 0.05, decay 5e-7, on spiral_data(100, 3) with a
2-64-3 network) with the course's own classes and the reproducible setup on; and, when
PyTorch is installed (optional, never required), the same training in PyTorch on one
CPU thread, with the ratio. Times are the best of --repeat runs.
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


def best_of(function, repeat):
    runs = [function() for _ in range(repeat)]
    return min(runs, key=lambda run: run[0])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="training runs to take the best of")
    parser.add_argument("--skip-notebooks", action="store_true")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}")
    if not args.skip_notebooks:
        import run_notebooks

        total = 0.0
        for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
            _, seconds = run_notebooks.run(path)
            total += seconds
            print(f"notebook {path.name:<42} {seconds:6.1f} s", flush=True)
        print(f"notebook series total {'':<29} {total:6.1f} s")

    ours, acc, loss = best_of(time_course_training, args.repeat)
    print(f"training, course classes (NumPy): {ours:6.2f} s for {EPOCHS} epochs "
          f"({ours / EPOCHS * 1e6:.0f} us/epoch), final acc {acc:.3f}, loss {loss:.3f}")
    try:
        import torch
    except ImportError:
        print("training, PyTorch: not installed (optional: pip install torch), no comparison")
        return 0
    theirs, acc, loss = best_of(time_torch_training, args.repeat)
    print(f"training, PyTorch {torch.__version__} (1 thread): {theirs:6.2f} s for {EPOCHS} epochs "
          f"({theirs / EPOCHS * 1e6:.0f} us/epoch), final acc {acc:.3f}, loss {loss:.3f}")
    print(f"speed ratio: the course's loop is {theirs / ours:.2f}x as fast as PyTorch")
    return 0


if __name__ == "__main__":
    sys.exit(main())
