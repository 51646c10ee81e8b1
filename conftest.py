"""pytest configuration shared by the unit tests and nbval (root level, so that it is
loaded however pytest is started, even on a single notebook)."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "tools"))

# Kernels started by nbval inherit this: warnings then name their cell "<cell>", exactly
# as in the recorded outputs written by tools/run_notebooks.py.
os.environ["IPYKERNEL_CELL_NAME"] = "<cell>"
# One BLAS thread in every kernel: the course's matrices are small, and on a busy 2-core
# machine OpenBLAS's threads fight over the cores (a notebook that takes 13 s took 336 s).
# Results are the same either way.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
