"""The notebook tier: every notebook executed once per BLAS variant, and every notebook-level
test read from those executions (tests/notebook_runs.py).

- Recorded outputs hold on every variant: the machine's own OpenBLAS kernel, other kernels
  forced with OPENBLAS_CORETYPE (threadpoolctl confirms the kernel changed), and two BLAS
  threads. Compared: every text output and displayed form (sanitized as in
  tests/sanitize.cfg), the kind and place of every output, and every figure within 0.2% of
  its pixels. A printed rounding residual fails here on some variant.
- Regenerating is byte-stable: what tools/run_notebooks.py would write for the native
  execution is the committed file (figures compared by pixels, as above).
- Every compared cell gives the same output when run a second time in a row (state that
  accumulates: a layer trained further, NumPy wrapped twice, a list that keeps growing).
"""

import difflib
import json

import nbformat
import pytest

import notebook_runs
import run_notebooks

pytestmark = pytest.mark.notebooks

NOTEBOOKS = notebook_runs.NOTEBOOKS
IDS = [p.name for p in NOTEBOOKS]
VARIANTS = list(notebook_runs.variants())
FORCED = [v for v in VARIANTS if v.startswith("kernel-")]
RERUN = notebook_runs.rerun_variant()


@pytest.fixture(scope="module")
def runner():
    # The session's runner: conftest.py asked it at collection for every execution these tests
    # read (notebook_runs.jobs_of), and it has been running them on one core while the tests
    # before this tier ran. From here it uses every core it may (NNFS_TEST_JOBS, default 2).
    # conftest.py closes it.
    runner = notebook_runs.shared_runner()
    runner.widen(notebook_runs.jobs_wanted())
    return runner


def test_the_variants_really_change_the_blas(runner):
    native = notebook_runs.blas_of(tuple(notebook_runs.variants()["native"].items()))
    assert native.get("internal_api") == "openblas", f"NumPy does not use OpenBLAS here: {native}"
    assert native["num_threads"] == 1
    assert FORCED, f"no other OpenBLAS kernel could be forced on this CPU (native: {native})"
    for variant in FORCED:
        forced = notebook_runs.blas_of(tuple(notebook_runs.variants()[variant].items()))
        assert forced["architecture"] != native["architecture"], (variant, forced, native)
    two = notebook_runs.blas_of(tuple(notebook_runs.variants()["threads-2"].items()))
    assert two["num_threads"] == 2 and two["architecture"] == native["architecture"], two


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_recorded_outputs_hold(runner, path, variant):
    execution = runner.get(path, path.name, variant, rerun=(variant == RERUN))
    assert execution.blas == notebook_runs.blas_of(tuple(notebook_runs.variants()[variant].items()))
    problems = notebook_runs.differences(nbformat.read(path, as_version=4), execution.notebook)
    assert not problems, f"{path.name} under {variant} ({execution.blas.get('architecture')}, " \
                         f"{execution.blas.get('num_threads')} thread(s)):\n" + "\n".join(problems)


def without_figures(text):
    """The saved file with every figure's bytes replaced by a marker (compared apart), and the
    outputs of cells whose output legitimately varies (tagged nbval-ignore-output: timings)
    replaced by their kinds."""
    notebook = json.loads(text)
    for cell in notebook["cells"]:
        if "nbval-ignore-output" in cell.get("metadata", {}).get("tags", []):
            cell["outputs"] = [output["output_type"] for output in cell.get("outputs", [])]
            continue
        for output in cell.get("outputs", []):
            for mime in notebook_runs.IMAGES:
                if mime in output.get("data", {}):
                    output["data"][mime] = "<figure>"
    return notebook


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_regenerating_an_unchanged_notebook_writes_the_same_file(runner, path):
    execution = runner.get(path, path.name, "native")
    committed = path.read_text(encoding="utf-8")
    executed = execution.notebook
    # Python's patch version is the one line that another 3.11.x writes differently.
    recorded_version = json.loads(committed)["metadata"].get("language_info", {}).get("version")
    if recorded_version:
        executed.metadata.setdefault("language_info", {})["version"] = recorded_version
    regenerated = run_notebooks.saved_text(executed, path.name)
    old, new = (json.dumps(without_figures(t), indent=1, sort_keys=True).splitlines() for t in (committed, regenerated))
    diff = list(difflib.unified_diff(old, new, "committed", "regenerated", n=2, lineterm=""))
    assert not diff, f"{path.name}: tools/run_notebooks.py would rewrite it:\n" + "\n".join(diff[:60])
    # And the exact bytes, when nothing but figures could differ.
    first, second = json.loads(committed), json.loads(regenerated)
    for old, new in zip(first["cells"], second["cells"]):
        for (_, a), (_, b) in zip(notebook_runs.images(old.get("outputs", [])),
                                  notebook_runs.images(new.get("outputs", []))):
            assert notebook_runs.image_difference(a, b) <= 0.002


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_every_cell_gives_the_same_output_when_run_again(runner, path):
    execution = runner.get(path, path.name, RERUN, rerun=True)
    assert execution.again, f"{path.name}: no cell was run twice"
    for index, outputs in execution.again.items():
        first = execution.notebook.cells[index].outputs
        # stderr apart: Python shows a given warning once per session, by design.
        visible = [o for o in notebook_runs.comparable(first) if o[:2] != ("stream", "stderr")]
        again = [o for o in notebook_runs.comparable(outputs) if o[:2] != ("stream", "stderr")]
        assert again == visible, f"{path.name}: cell {index} gives a different result when run again:\n" \
                                 f"{notebook_runs.describe(first)}\n--- again ---\n{notebook_runs.describe(outputs)}"


def test_a_changed_number_is_caught():
    """The comparison itself: a recorded number changed in its last digit fails, a changed
    memory address does not, a figure off by a few pixels passes and a different one fails."""
    path = NOTEBOOKS[0]
    recorded = nbformat.read(path, as_version=4)
    executed = nbformat.read(path, as_version=4)
    assert notebook_runs.differences(recorded, executed) == []
    cell = next(c for c in executed.cells if c.cell_type == "code" and notebook_runs.compared(c)
                and any(o.output_type == "stream" and any(ch.isdigit() for ch in o.text) for o in c.outputs))
    stream = next(o for o in cell.outputs if o.output_type == "stream" and any(ch.isdigit() for ch in o.text))
    position = max(i for i, ch in enumerate(stream.text) if ch.isdigit())
    stream.text = stream.text[:position] + str((int(stream.text[position]) + 1) % 10) + stream.text[position + 1:]
    assert any("differs" in p for p in notebook_runs.differences(recorded, executed))
    assert notebook_runs.sanitize("<object at 0x7f3a2b>") == notebook_runs.sanitize("<object at 0x55aa01>")
