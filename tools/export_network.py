"""Generate nnfs_helpers/network.py from the notebook cells tagged `export`.

The notebooks are the single source of the network code: a class is written once,
in the notebook that teaches it, in a code cell tagged `export`. This script
concatenates those cells, in notebook order, into `nnfs_helpers/network.py`, which
later notebooks import.

    python tools/export_network.py           # regenerate the module
    python tools/export_network.py --check   # exit 1 if the module is out of date
"""

import argparse
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
MODULE = ROOT / "nnfs_helpers" / "network.py"
TAG = "export"

HEADER = '''"""The network code taught in the notebooks.

GENERATED FILE: DO NOT EDIT. Each block below is a notebook cell tagged `export`,
copied character for character, in notebook order. To change the code, edit the
notebook that teaches it, then run `python tools/export_network.py`; a test fails
whenever this file and the notebooks disagree.
"""

import numpy as np
'''


def exported_cells(notebook_dir=NOTEBOOKS):
    """Yield (notebook file name, cell source) for every cell tagged `export`."""
    for path in sorted(Path(notebook_dir).glob("[0-9][0-9]_*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type == "code" and TAG in cell.get("metadata", {}).get("tags", []):
                yield path.name, cell.source.strip("\n")


def render(cells):
    """The module text for a sequence of (notebook name, source) pairs."""
    parts = [HEADER]
    for name, source in cells:
        parts.append(f"\n\n# ---- from notebooks/{name} ----\n{source}\n")
    return "".join(parts)


def build(notebook_dir=NOTEBOOKS):
    return render(exported_cells(notebook_dir))


def missing_sources(current):
    """Notebooks the current module was generated from that no longer exist."""
    named = re.findall(r"^# ---- from notebooks/(\S+) ----$", current, re.M)
    return sorted({name for name in named if not (NOTEBOOKS / name).exists()})


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the module is up to date")
    args = parser.parse_args(argv)
    text = build()
    current = MODULE.read_text() if MODULE.exists() else ""
    missing = missing_sources(current)
    if missing and not args.check:
        # Never drop code because a notebook is absent (renamed, or not written yet).
        print(f"not regenerating {MODULE.relative_to(ROOT)}: it holds code from notebooks that "
              f"do not exist: {', '.join(missing)}")
        return 1
    if args.check:
        if text != current:
            print(f"{MODULE.relative_to(ROOT)} is out of date: run python tools/export_network.py")
            return 1
        print(f"{MODULE.relative_to(ROOT)} is up to date")
        return 0
    if text != current:
        MODULE.write_text(text)
        print(f"wrote {MODULE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
