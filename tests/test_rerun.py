"""Running a cell twice, or a whole notebook twice in one kernel, gives the same results.

In one kernel every code cell is run twice in a row, then the whole notebook is run again
from the top; each run's output must equal the first. This catches state that accumulates
(a layer trained further, NumPy wrapped twice, a list that keeps growing). Compared: what
the cell prints and displays. Not compared: cells tagged nbval-ignore-output (timings,
widgets), and stderr, because Python shows a given warning once per session by design.
"""

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ADDRESS = re.compile(r"at 0x[0-9a-fA-F]+")


def visible(cell):
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream" and output.name == "stdout":
            parts.append(output.text)
        elif output.output_type in ("display_data", "execute_result"):
            data = output.get("data", {})
            parts.append(str(data.get("text/plain", "")) + str(data.get("text/html", "")))
        elif output.output_type == "error":
            parts.append(f"{output.ename}: {output.evalue}")
    return ADDRESS.sub("at 0x", "".join(parts))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_cells_and_notebook_give_the_same_results_when_run_again(path):
    notebook = nbformat.read(path, as_version=4)
    code = [(i, c) for i, c in enumerate(notebook.cells) if c.cell_type == "code"]
    compared = {i for i, c in code if "nbval-ignore-output" not in c.metadata.get("tags", [])}
    client = NotebookClient(notebook, timeout=300, kernel_name="python3", store_widget_state=True,
                            allow_errors=True, resources={"metadata": {"path": str(path.parent)}})
    first = {}
    with client.setup_kernel():
        for index, cell in code:
            client.execute_cell(cell, index)
            first[index] = visible(cell)
            if index in compared:
                client.execute_cell(cell, index)
                assert visible(cell) == first[index], f"cell {index} gives a different result when run again"
        for index, cell in code:
            client.execute_cell(cell, index)
            if index in compared:
                assert visible(cell) == first[index], \
                    f"cell {index} gives a different result when the notebook runs a second time"
