"""Instructors grade a class's notebooks with the course's own checks (nnfs_helpers.grading).

The quick tier checks what needs no kernel: no exercise module hands out an answer by name,
submissions are recognised and rebuilt from the course's copy. The notebook tier grades a
prepared class of notebook 04 (and one 01) end to end and reads every cell of the gradebook.
"""

import importlib
import re

import pytest

EXERCISE_MODULES = [f"nnfs_helpers.exercises.nb{n:02d}" for n in range(1, 21)]
GIVEAWAY = re.compile(r"reference|correct|solution|answer", re.IGNORECASE)


def _giveaways(names):
    return sorted(n for n in names if not n.startswith("_") and GIVEAWAY.search(n)
                  and not n.startswith("check_") and n != "quiz")


@pytest.mark.parametrize("name", EXERCISE_MODULES)
def test_no_exercise_module_exports_an_answer_by_name(name):
    module = importlib.import_module(name)
    assert _giveaways(module.__all__) == [], f"{name} exports an answer by name"


@pytest.mark.parametrize("name", EXERCISE_MODULES)
def test_no_exercise_module_has_an_answer_as_a_public_attribute(name):
    module = importlib.import_module(name)
    assert _giveaways(dir(module)) == [], f"{name} has an answer reachable by name"


def test_the_renamed_references_still_drive_the_checks():
    from nnfs_helpers.exercises import nb04, nb05, nb07

    for module, old in [(nb04, "reference_softmax"), (nb05, "reference_cross_entropy"),
                        (nb05, "reference_accuracy"), (nb07, "correct_chain_gradients")]:
        assert not hasattr(module, old) and hasattr(module, "_" + old)
    assert nb04.check_softmax(nb04._reference_softmax).passed
    assert nb07.check_chain_gradients(nb07._correct_chain_gradients).passed


# ---------------------------------------------------------------- a prepared class (no kernel)

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"

RIGHT_SOFTMAX = """def softmax(logits):
    exps = np.exp(logits - np.max(logits, axis=1, keepdims=True))
    return exps / np.sum(exps, axis=1, keepdims=True)"""
RIGHT_LOGITS = """def logits_for(probabilities):
    return np.log(probabilities)"""

# Each named mistake of exercise 1 (04, a batch softmax): the learner's cell.
MISTAKES = {
    "no-shift": """def softmax(logits):
    exps = np.exp(logits)
    return exps / np.sum(exps, axis=1, keepdims=True)""",
    "no-keepdims": """def softmax(logits):
    exps = np.exp(logits - np.max(logits, axis=1, keepdims=True))
    return exps / np.sum(exps, axis=1)""",
    "global-max": """def softmax(logits):
    exps = np.exp(logits - np.max(logits))
    return exps / np.sum(exps, axis=1, keepdims=True)""",
    "column-max": """def softmax(logits):
    exps = np.exp(logits - np.max(logits, axis=0, keepdims=True))
    return exps / np.sum(exps, axis=1, keepdims=True)""",
    "wrong-axis": """def softmax(logits):
    exps = np.exp(logits - np.max(logits, axis=1, keepdims=True))
    return exps / np.sum(exps, axis=0, keepdims=True)""",
    "whole-batch": """def softmax(logits):
    exps = np.exp(logits - np.max(logits))
    return exps / np.sum(exps)""",
    "min-shift": """def softmax(logits):
    exps = np.exp(logits - np.min(logits, axis=1, keepdims=True))
    return exps / np.sum(exps, axis=1, keepdims=True)""",
    "not-normalised": """def softmax(logits):
    return np.exp(logits - np.max(logits, axis=1, keepdims=True))""",
}

# Bad submissions: the learner's first exercise cell, and the words the note must hold.
BAD = {
    "syntax": ("def softmax(logits)\n    return logits", "SyntaxError"),
    "loop": ("while True:\n    pass", "did not finish within"),
    "import-crash": ("import a_module_that_does_not_exist\n" + RIGHT_SOFTMAX, "ModuleNotFoundError"),
    "renamed": (RIGHT_SOFTMAX.replace("def softmax", "def my_softmax"), "NameError"),
    "dies": ("import os\nos._exit(1)", "kernel died"),
    "memory": ("hoard = bytearray(6 << 30)", "MemoryError"),
}
TIMEOUT = 20  # seconds per cell in the test run (the course's cells take well under 5)


def _cells_tagged(notebook, tag):
    return [c for c in notebook.cells if tag in c.metadata.get("tags", [])]


def _solution_code(cell):
    body = cell.source.split("with solution():\n", 1)[1]
    lines = [line[4:] for line in body.splitlines()]
    return "\n".join(line for line in lines if not re.match(r"nb\d\d\.check_", line))


def workshop(name):
    import nbformat

    import workshop_edition

    return workshop_edition.strip_solutions(nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4))


def with_answers(notebook, answers):
    """`notebook` with its exercise cells (in order) replaced by `answers` (None: keep the stub)."""
    for cell, answer in zip(_cells_tagged(notebook, "exercise"), answers):
        if answer is not None:
            cell.source = answer
    return notebook


def right_answers(name):
    import nbformat

    course = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    return [_solution_code(c) for c in _cells_tagged(course, "solution")]


def make_class(folder):
    """Write a class's submissions into `folder`; return {learner: {notebook: [statuses]}} and
    {learner: note words}."""
    import nbformat

    write = nbformat.write
    expected, notes = {}, {}

    def hand_in(path, notebook, learner, statuses, note=""):
        path = folder / path
        path.parent.mkdir(parents=True, exist_ok=True)
        write(notebook, path)
        expected.setdefault(learner, {})[notebook_name(path)] = statuses
        if note:
            notes[learner] = note

    def notebook_name(path):
        return "01_single_neuron" if "01_" in path.name else "04_softmax"

    # Right answers (the solutions' code) in both notebooks, in the hub layout (folder = learner).
    course04 = nbformat.read(NOTEBOOKS / "04_softmax.ipynb", as_version=4)
    right = nbformat.from_dict(course04)
    with_answers(right, right_answers("04_softmax"))
    right.cells = [c for c in right.cells if "solution" not in c.metadata.get("tags", [])]
    hand_in("right/04_softmax.ipynb", right, "right", ["passed", "passed"])
    right01 = with_answers(workshop("01_single_neuron"), right_answers("01_single_neuron"))
    hand_in("right/01_single_neuron.ipynb", right01, "right", ["passed", "passed", "passed"])
    # The workshop edition: untouched (not attempted), and with right answers.
    hand_in("stub/04_softmax.ipynb", workshop("04_softmax"), "stub", ["not_attempted", "not_attempted"])
    hand_in("04_softmax_workshop.ipynb", with_answers(workshop("04_softmax"), [RIGHT_SOFTMAX, RIGHT_LOGITS]),
            "workshop", ["passed", "passed"])
    # Each named mistake of exercise 1 (file-name suffix = learner).
    for learner, source in MISTAKES.items():
        hand_in(f"uploads/04_softmax_{learner}.ipynb", with_answers(workshop("04_softmax"), [source]),
                learner, ["failed", "not_attempted"])
    # What a class hands in besides.
    for learner, (source, _) in BAD.items():
        hand_in(f"{learner}/04_softmax.ipynb", with_answers(workshop("04_softmax"), [source, RIGHT_LOGITS]),
                learner, ["error", "error" if learner == "dies" else "passed"])
    # A forged "Correct": the check cell prints it, with a pasted green output; the answer is wrong.
    forged = with_answers(workshop("04_softmax"), [MISTAKES["no-shift"]])
    check = _cells_tagged(forged, "check")[0]
    check.source = 'print("[Correct] Exercise 1: batch softmax: well done!")'
    check.outputs = [nbformat.v4.new_output("stream", name="stdout", text="[Correct] Exercise 1: well done!\n")]
    hand_in("forged/04_softmax.ipynb", forged, "forged", ["failed", "not_attempted"])
    # A cell that replaces the check in the kernel: the check is reloaded, and the cell is flagged.
    tamper = ("nb04.check_softmax = lambda f: __import__('nnfs_helpers').checking.passed('Exercise 1')\n"
              + MISTAKES["no-shift"])
    hand_in("tamper/04_softmax.ipynb", with_answers(workshop("04_softmax"), [tamper]), "tamper",
            ["failed", "not_attempted"], note="uses check_softmax")
    # A huge output next to a right answer: kept short, graded all the same.
    huge = with_answers(workshop("04_softmax"), ['print("x" * 20_000_000)\n' + RIGHT_SOFTMAX])
    hand_in("huge/04_softmax.ipynb", huge, "huge", ["passed", "not_attempted"])
    # An older version of the course: no cell ids, checks called without `nb04.`, stubs reworded.
    older = with_answers(workshop("04_softmax"), [RIGHT_SOFTMAX])
    older.nbformat_minor = 4
    for cell in older.cells:
        cell.pop("id", None)
        cell.source = cell.source.replace("nb04.check_", "check_")
    _cells_tagged(older, "exercise")[1].source = "def logits_for(probabilities):\n    # your code\n    return ..."
    older.cells[0].source = older.cells[0].source.replace("# 04 · Softmax", "# 04 · The softmax function")
    hand_in("older/04_softmax.ipynb", older, "older", ["passed", "not_attempted"])
    # The learner named in the notebook's metadata (beats the folder name).
    named = with_answers(workshop("04_softmax"), [None, RIGHT_LOGITS])
    named.metadata["nnfs_learner"] = "named"
    hand_in("shared-drive/untitled.ipynb", named, "named", ["not_attempted", "passed"])
    # Files that are not gradable notebooks: a row each, with a note.
    for path, note in [("empty/04_softmax.ipynb", "empty file"), ("text/notes.txt", "not a notebook"),
                       ("broken/04_softmax.ipynb", "not valid JSON"), ("other/04_softmax.ipynb", "not one of")]:
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        learner = path.split("/")[0]
        expected[learner] = {}
        notes[learner] = note
    (folder / "empty/04_softmax.ipynb").write_bytes(b"")
    (folder / "text/notes.txt").write_text("my answers: softmax = exp / sum\n")
    (folder / "broken/04_softmax.ipynb").write_text('{"cells": [')
    write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# My own notes")]),
          folder / "other/04_softmax.ipynb")
    return expected, notes


def test_a_class_is_recognised_and_rebuilt_from_the_course_copy(tmp_path):
    from nnfs_helpers import grading

    expected, _ = make_class(tmp_path)
    course = grading.load_course(NOTEBOOKS)
    forged = grading.read_submission(tmp_path / "forged/04_softmax.ipynb")
    course04 = grading.identify(forged, course)
    assert course04.name == "04_softmax"
    rebuilt, roles = grading.rebuild(course04, grading.match_exercises(forged, course04))
    checks = [c.source for c, r in zip(rebuilt.cells, roles) if r and r[0] == "check"]
    assert all("nb04.check_" in c and "print" not in c for c in checks)  # the course's check, not the forged one
    assert not [c for c in rebuilt.cells if "solution" in c.metadata.get("tags", [])]
    older = grading.read_submission(tmp_path / "older/04_softmax.ipynb")
    assert grading.identify(older, course).name == "04_softmax"
    learners = {grading.learner_of(p, grading.read_submission(p), tmp_path, course)
                for p in tmp_path.rglob("*.ipynb") if p.stat().st_size and "broken" not in p.parts}
    assert learners == set(expected) - {"text", "empty", "broken"}


# ---------------------------------------------------------------- grading the class (kernels)

@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    from nnfs_helpers import grading

    folder = tmp_path_factory.mktemp("submissions")
    out = tmp_path_factory.mktemp("results")
    expected, notes = make_class(folder)
    start = __import__("time").perf_counter()
    code = grading.main([str(folder), "--out", str(out), "--notebooks", str(NOTEBOOKS),
                         "--timeout", str(TIMEOUT), "--jobs", "2"])
    assert code == 0
    return out, expected, notes, __import__("time").perf_counter() - start


def _columns():
    from nnfs_helpers import grading

    course = {c.name: c for c in grading.load_course(NOTEBOOKS)}
    return {name: [e["column"] for e in course[name].exercises] for name in ("01_single_neuron", "04_softmax")}


@pytest.mark.notebooks
def test_every_cell_of_the_gradebook(graded):
    import csv

    out, expected, notes, _ = graded
    columns = _columns()
    header = sorted(columns["01_single_neuron"] + columns["04_softmax"])
    with open(out / "gradebook.csv", newline="", encoding="utf-8") as handle:
        scores = list(csv.reader(handle))
    with open(out / "gradebook_status.csv", newline="", encoding="utf-8") as handle:
        statuses = list(csv.reader(handle))
    assert scores[0] == ["learner", *header]
    assert statuses[0] == ["learner", *header, "notes"]
    assert [row[0] for row in scores[1:]] == sorted(expected)
    for score_row, status_row in zip(scores[1:], statuses[1:]):
        learner = score_row[0]
        want = {}
        for name, cols in columns.items():
            for column, status in zip(cols, expected[learner].get(name, ["not_attempted"] * len(cols))):
                want[column] = status
        assert status_row[1:-1] == [want[c] for c in header], learner
        assert score_row[1:] == [str(int(want[c] == "passed")) for c in header], learner
        if learner in notes:
            assert notes[learner] in status_row[-1], (learner, status_row[-1])


@pytest.mark.notebooks
def test_verdicts_name_the_mistake_and_the_problem(graded):
    import json

    from nnfs_helpers.exercises import nb04

    out, expected, _, _ = graded
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    first = {v["learner"]: v for v in results["verdicts"]
             if v["notebook"] == "04_softmax" and v["column"].startswith("04 Exercise 1")}
    for learner, source in MISTAKES.items():  # the same message as the check gives in this process
        namespace = {"np": __import__("numpy")}
        exec(source, namespace)
        assert first[learner]["message"] == nb04.check_softmax(namespace["softmax"]).message
        assert first[learner]["status"] == "failed"
    assert first["forged"]["message"] == first["no-shift"]["message"] == first["tamper"]["message"]
    assert "read it" in first["tamper"]["review"] and "review" not in first["right"]
    for learner, (_, words) in BAD.items():
        assert words in first[learner]["message"], (learner, first[learner]["message"])
    assert "output cut" in first["huge"]["message"]
    for verdict in results["verdicts"]:
        assert set(verdict) >= {"learner", "notebook", "exercise", "status", "message", "seconds"}
        assert verdict["status"] in ("passed", "failed", "not_solved", "not_attempted", "error")


@pytest.mark.notebooks
def test_the_html_report_in_a_browser(graded, tmp_path):
    import shutil

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not __import__("os").path.exists(chromium):
        pytest.skip("no chromium on this machine")
    from playwright.sync_api import sync_playwright

    from nnfs_helpers.grading import COLOURS

    out, expected, _, _ = graded
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium,
                                             args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = browser.new_page(viewport={"width": 1400, "height": 1200})
        page.goto((out / "report.html").as_uri())
        rows = page.locator("#grid tbody tr")
        assert rows.count() == len(expected)
        cells = page.locator("#grid td.cell")
        assert cells.count() == len(expected) * 5
        seen = page.evaluate("""() => Array.from(document.querySelectorAll('#grid td.cell')).map(
            td => [td.dataset.status, getComputedStyle(td).backgroundColor])""")
        for status, colour in seen:
            r, g, b = (int(COLOURS[status][i:i + 2], 16) for i in (1, 3, 5))
            assert colour == f"rgb({r}, {g}, {b})", (status, colour)
        assert {s for s, _ in seen} == {"passed", "failed", "not_attempted", "error"}
        page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        browser.close()
    assert (tmp_path / "report.png").stat().st_size > 10_000


@pytest.mark.parametrize("path, learner", [
    ("alice/04_softmax.ipynb", "alice"),               # the folder
    ("uploads/04_softmax_bob.ipynb", "bob"),           # the suffix beats the folder
    ("uploads/04_softmax_bob (2).ipynb", "bob"),       # a browser's " (2)" is not a name
    ("carol/04_softmax (1).ipynb", "carol"),
    ("dave/04_softmax-Copy1.ipynb", "dave"),
    ("erin.ipynb", "erin"),                            # the file name, at the top level
])
def test_whose_notebook(path, learner):
    from nnfs_helpers import grading

    course = grading.load_course(NOTEBOOKS)
    root = __import__("pathlib").Path("/submissions")
    assert grading.learner_of(root / path, {}, root, course) == learner
    assert grading.learner_of(root / path, {"metadata": {"nnfs_learner": "frank"}}, root, course) == "frank"
