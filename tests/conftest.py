import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

# Kernels started by nbval inherit this: warnings then name the cell "<cell>", as in the
# recorded outputs written by tools/run_notebooks.py.
os.environ["IPYKERNEL_CELL_NAME"] = "<cell>"
