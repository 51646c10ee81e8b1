"""Generate the workshop edition: the notebooks without their solutions.

    python tools/workshop_edition.py                 # writes workshop/notebooks/
    python tools/workshop_edition.py --out DIR

Cells tagged `solution` are removed; the learners' exercise cells stay as the stubs they
are; every output and execution count is cleared so learners start from a clean page.
The result is deterministic (the same notebooks always give the same bytes) and is not
committed: `workshop/` is in .gitignore. Hand it out, or publish it for nbgitpuller.
"""

import argparse
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
DEFAULT_OUT = ROOT / "workshop" / "notebooks"
NOTE = ("> **Workshop edition:** the worked solutions are removed. Write your answer in each "
        "exercise cell and run the check below it.")


def strip_solutions(notebook):
    """Return a copy of `notebook` without solutions or outputs."""
    edition = nbformat.from_dict(notebook)
    edition.cells = [c for c in edition.cells if "solution" not in c.get("metadata", {}).get("tags", [])]
    for cell in edition.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    first = edition.cells[0]
    if first.cell_type == "markdown" and NOTE not in first.source:
        first.source = first.source.rstrip("\n") + "\n\n" + NOTE
    return edition


def build(out=DEFAULT_OUT):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        edition = strip_solutions(nbformat.read(path, as_version=4))
        nbformat.validate(edition)
        target = out / path.name
        nbformat.write(edition, target)
        written.append(target)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = parser.parse_args(argv)
    for path in build(args.out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
