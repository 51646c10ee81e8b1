"""The workshop edition (no solutions) is deterministic and runs cleanly."""

import re
import subprocess
from pathlib import Path

import nbformat
import pytest

import notebook_runs
import workshop_edition

NOTEBOOKS = [workshop_edition.NOTEBOOKS / name for name, _ in workshop_edition.committed_notebooks()]


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("workshop")
    return workshop_edition.build(out)


def test_edition_is_deterministic(edition, tmp_path):
    again = workshop_edition.build(tmp_path)
    assert [p.name for p in again] == [p.name for p in edition]
    for first, second in zip(edition, again):
        assert first.read_bytes() == second.read_bytes(), f"{first.name} differs between two builds"


def test_edition_text_points_to_no_removed_solution(edition):
    for path in edition:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                text = cell.source.replace(workshop_edition.NOTE, "")
                assert not re.search(workshop_edition.POINTER, text, re.IGNORECASE), \
                    f"{path.name}: the text still points to a removed solution: {text[:300]!r}"


def test_edition_is_built_from_the_committed_notebooks_not_the_working_copy(tmp_path, monkeypatch):
    # A clone stands in for the checkout, so the test edits no file of the real one.
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(workshop_edition.ROOT), str(clone)], check=True)
    monkeypatch.setattr(workshop_edition, "ROOT", clone)
    monkeypatch.setattr(workshop_edition, "NOTEBOOKS", clone / "notebooks")
    committed = dict(workshop_edition.committed_notebooks())
    name = sorted(committed)[0]
    notebook = nbformat.reads(committed[name], as_version=4)
    notebook.cells[0].source += "\n\nA learner's unsaved experiment."
    nbformat.write(notebook, clone / "notebooks" / name)
    built = workshop_edition.build(tmp_path / "out")
    text = (tmp_path / "out" / name).read_text()
    assert "unsaved experiment" not in text and len(built) == len(committed)
    # The same build from the working copy would have carried the edit.
    assert "unsaved experiment" in (clone / "notebooks" / name).read_text()


def test_a_sentence_pointing_to_a_solution_is_removed():
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Title"),
        nbformat.v4.new_markdown_cell("Try it first. The solution below trains it (open the hidden solution if stuck). "
                                      "Small steps near a good solution help."),
    ])
    text = workshop_edition.strip_solutions(notebook).cells[1].source
    assert text.strip() == "Try it first. Small steps near a good solution help."


def test_edition_has_no_solutions_and_no_outputs(edition):
    assert len(edition) == len(NOTEBOOKS)
    for path in edition:
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            assert "solution" not in cell.metadata.get("tags", [])
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None
        assert any("exercise" in c.metadata.get("tags", []) for c in notebook.cells)


@pytest.fixture(scope="module")
def runner(edition):
    runner = notebook_runs.shared_runner()  # (conftest.py closes it)
    for path in edition:
        runner.submit(path, f"workshop-{path.name}", "native", prepared=False)
    runner.widen(notebook_runs.jobs_wanted())
    return runner


@pytest.mark.notebooks
@pytest.mark.parametrize("index", range(len(NOTEBOOKS)), ids=[p.name for p in NOTEBOOKS])
def test_edition_runs_and_every_check_says_not_solved_yet(edition, runner, index):
    path = Path(edition[index])
    notebook = runner.get(path, f"workshop-{path.name}", "native", prepared=False).notebook
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{path.name}: {errors[0].ename}: {errors[0].evalue}"
    checks = [c for c in notebook.cells if "check" in c.metadata.get("tags", [])]
    assert len(checks) >= 2
    for cell in checks:
        text = "".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in cell.outputs)
        assert "Not solved yet" in text, f"a check in {path.name} did not report 'Not solved yet': {text!r}"
        assert "Traceback" not in text
