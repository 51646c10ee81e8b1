"""The workshop edition (no solutions) is deterministic and runs cleanly."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import workshop_edition

NOTEBOOKS = sorted(workshop_edition.NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("workshop")
    return workshop_edition.build(out)


def test_edition_is_deterministic(edition, tmp_path):
    again = workshop_edition.build(tmp_path)
    assert [p.name for p in again] == [p.name for p in edition]
    for first, second in zip(edition, again):
        assert first.read_bytes() == second.read_bytes(), f"{first.name} differs between two builds"


def test_edition_has_no_solutions_and_no_outputs(edition):
    assert len(edition) == len(NOTEBOOKS)
    for path in edition:
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            assert "solution" not in cell.metadata.get("tags", [])
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None
        assert any("exercise" in c.metadata.get("tags", []) for c in notebook.cells)


@pytest.mark.parametrize("index", range(len(NOTEBOOKS)), ids=[p.name for p in NOTEBOOKS])
def test_edition_runs_and_every_check_says_not_solved_yet(edition, index):
    path = Path(edition[index])
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=300, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    checks = [c for c in notebook.cells if "check" in c.metadata.get("tags", [])]
    assert len(checks) >= 2
    for cell in checks:
        text = "".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in cell.outputs)
        assert "Not solved yet" in text, f"a check in {path.name} did not report 'Not solved yet': {text!r}"
        assert "Traceback" not in text
