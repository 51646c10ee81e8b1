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
