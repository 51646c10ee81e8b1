"""Every notebook is a clean, complete lesson: checked without running it."""

import ast
import re
from pathlib import Path

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager

import export_network

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
REQUIRED_HEADINGS = ["What you will learn", "Prerequisites", "Estimated time", "Exercise", "Key takeaways"]


def load(path):
    return nbformat.read(path, as_version=4)


def tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def output_text(cell):
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts.extend(str(v) for k, v in output.get("data", {}).items() if k.startswith("text/"))
    return "\n".join(parts)


ids = [p.name for p in NOTEBOOKS]


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 5
    numbers = [int(p.name[:2]) for p in NOTEBOOKS]
    assert numbers == list(range(1, len(NOTEBOOKS) + 1)), "notebook numbers must be contiguous from 01"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_valid_and_python3(path):
    nb = load(path)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert "widgets" not in nb.metadata, "stored widget state: run tools/run_notebooks.py"
    info = nb.metadata.get("language_info", {})
    assert {"name", "version", "codemirror_mode", "mimetype", "file_extension", "pygments_lexer"} <= set(info), \
        "language_info must be what the kernel reports (JupyterLab writes it on opening): run tools/run_notebooks.py"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_executed_top_to_bottom(path):
    counts = [c.execution_count for c in load(path).cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), \
        "execution counts must be 1..N: run tools/run_notebooks.py on this notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_no_unexpected_errors(path):
    for index, cell in enumerate(load(path).cells):
        if cell.cell_type != "code" or "raises-exception" in tags(cell):
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert not errors, f"cell {index} has an error output: {errors[0].ename}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_required_sections(path):
    nb = load(path)
    first = nb.cells[0]
    assert first.cell_type == "markdown" and re.search(r"^# \S", first.source, re.M), \
        "the first cell must be markdown with a '# Title'"
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for heading in REQUIRED_HEADINGS:
        assert heading in markdown, f"missing section: {heading!r}"
    objectives = re.search(r"What you will learn(.*?)(?:\n#|\Z)", markdown, re.S).group(1)
    bullets = re.findall(r"^\s*[-*] ", objectives, re.M)
    assert 3 <= len(bullets) <= 6, f"'What you will learn' needs 3-6 bullets, has {len(bullets)}"
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    number = path.name[:2]
    assert re.search(r"^nb%s\.quiz\(\)$" % number, code, re.M), \
        f"every notebook has a quiz, shown by a cell `nb{number}.quiz()` (its answers live in the package)"
    for marker in ("Question(", "answer=", "explanations="):
        assert marker not in code, f"{marker!r} in a notebook cell: a quiz's answers must not be readable above it"
    assert "plt." in code or "plot_" in code or "draw_neuron" in code, "every notebook has a figure"
    if path != NOTEBOOKS[-1]:
        assert re.search(r"\]\((?:\./)?%02d_\w+\.ipynb\)" % (int(path.name[:2]) + 1), markdown), \
            "link to the next notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_exercises_are_complete(path):
    """At least two exercises, each: a learner's cell, a check, and a hidden solution that passes it."""
    cells = load(path).cells
    exercise = [c for c in cells if "exercise" in tags(c)]
    checks = [c for c in cells if "check" in tags(c)]
    solutions = [c for c in cells if "solution" in tags(c)]
    assert len(exercise) >= 2 and len(solutions) >= 2 and len(checks) >= 2, \
        f"{len(exercise)} exercise, {len(checks)} check and {len(solutions)} solution cells; need 2 of each"
    for cell in solutions:
        assert cell.source.startswith("# @title"), "a solution cell starts with '# @title ...' (a Colab form)"
        assert cell.metadata.get("jupyter", {}).get("source_hidden") is True
        assert cell.metadata.get("cellView") == "form"
    for cell in checks:
        text = output_text(cell)
        assert "[Not yet]" in text or "[Correct]" in text, "a check cell shows the check's verdict"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_only_taught_network_code_is_imported(path):
    """A notebook imports from nnfs_helpers.network only what an earlier notebook exported."""
    taught = set()
    for name, source in export_network.exported_cells():
        if name < path.name:
            for node in ast.parse(source).body:
                if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
                    taught.add(node.name)
    for cell in load(path).cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(TransformerManager().transform_cell(cell.source))):
            if isinstance(node, ast.ImportFrom) and node.module == "nnfs_helpers.network":
                early = {alias.name for alias in node.names} - taught
                assert not early, f"imports {sorted(early)} before the notebook that teaches them"


def test_no_class_is_pasted_again():
    """Once a notebook exports a class, no later notebook defines it again."""
    exported_in = {}
    for name, source in export_network.exported_cells():
        for node in ast.parse(source).body:
            if isinstance(node, ast.ClassDef):
                assert node.name not in exported_in, f"{node.name} exported twice"
                exported_in[node.name] = name
    for path in NOTEBOOKS:
        for cell in load(path).cells:
            if cell.cell_type != "code" or "export" in tags(cell):
                continue
            for cls in re.findall(r"^class (\w+)", cell.source, re.M):
                if cls in exported_in:
                    assert path.name <= exported_in[cls], \
                        f"{path.name} defines {cls} again; import it from nnfs_helpers.network"


SOLUTION_LINE = ("This worked solution passes its check. Running it changed none of your variables: "
                 "to use it, copy its code into your own cell above.")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_solutions_reveal_nothing_and_cannot_overwrite_the_learners_work(path):
    """Every solution cell is one `with solution():` block (which holds back all output and
    restores every variable it changes) whose recorded output is the single neutral line.
    nbval re-runs the block, and `solution()` raises when its check fails, so a broken
    solution fails the test command."""
    for index, cell in enumerate(load(path).cells):
        if "solution" not in tags(cell):
            continue
        body = [line for line in cell.source.splitlines() if line.strip() and not line.startswith("#")]
        assert body and body[0] == "with solution():", \
            f"cell {index}: a solution cell's code is one `with solution():` block"
        assert all(line.startswith((" ", "\t")) for line in body[1:]), \
            f"cell {index}: every line of the solution belongs inside its `with solution():` block"
        tree = ast.parse(TransformerManager().transform_cell(cell.source))
        assert len(tree.body) == 1 and isinstance(tree.body[0], ast.With), f"cell {index}: one with-block"
        outputs = cell.get("outputs", [])
        assert len(outputs) == 1 and outputs[0].get("output_type") == "stream" \
            and outputs[0].get("text", "").strip() == SOLUTION_LINE, \
            f"cell {index}: a solution's recorded output must be only the neutral line, got {output_text(cell)!r}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=ids)
def test_no_check_message_restates_an_answer_before_it_is_earned(path):
    """Recorded check outputs are the verdicts on the shipped stubs: nothing reads "Correct"
    before the learner has written anything."""
    for index, cell in enumerate(load(path).cells):
        if "check" in tags(cell):
            text = output_text(cell)
            assert "[Correct]" not in text, \
                f"cell {index}: a check shows a success message before the learner has answered"
