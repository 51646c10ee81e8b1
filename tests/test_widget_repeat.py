"""The widget cells run again and again without a stall, under ipywidgets 8 and 7.7.

The stall: nbclient (tools/run_notebooks.py, tests/notebook_runs.py) answers every output drawn
into an ipywidgets Output widget, such as the one `interact` draws its figure into, by sending
the widget's state to the kernel on the shell socket, from its IOPub task, while its other
task waits on that same socket for the cell's execute_reply. The send goes out through a
plain (non-asyncio) copy of the socket, which can consume the socket's edge-triggered
wake-up; if the reply arrived just then, it sits unread until nbclient's poll times out,
and the cell takes its whole timeout (then returns as if nothing happened). See
docs/widget-stall.md and nbclient issue #312.

The fix: interactive figures are shown with nnfs_helpers.widgets.interactive_figure (no
Output widget), so the client sends nothing while a cell runs. Until the notebooks call it,
the copies run here are given the change (`use_interactive_figure`).

Each widget-heavy notebook is run in a fresh kernel from the top to the last cell that shows
its widgets (notebook 11: to its first training run, which shows the progress bar), and that
cell is then run AGAIN more times; in the pinned environment (this one: ipywidgets 8) and, at
the same time, in a fresh Colab-like one (Python 3.12, ipywidgets 7.7, ipykernel 6). Every
execution must take well under the cell timeout, with no error output, and the client must
send nothing on the shell socket but execute requests (what makes the stall impossible).
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import launch_env

pytestmark = pytest.mark.launch

ROOT = Path(__file__).resolve().parent.parent
CELL_TIMEOUT = 60  # seconds, per cell, as given to nbclient
WELL_WITHIN = CELL_TIMEOUT / 4  # the slowest cell here takes a few seconds, a stall the timeout
AGAIN = 4  # extra executions of each notebook's widget cell, in the same kernel
# Notebook -> the code that ends the part of it that is run (its last widget cell).
LAST_CELL = {
    "01_single_neuron": "display(controls(weight_slider, bias_slider))",
    "03_activation_functions": "bias_b=FloatSlider(value=-2.6",
    "04_softmax": "interactive_figure(show_softmax,",
    "10_momentum": "steps=fixed(30)",
    "11_adam": 'runs["AdaGrad"] = train(',
}
# Colab's versions (the list tests/test_colab.py uses), plus the client that runs the notebooks.
_PINS = launch_env.pins(launch_env.ROOT / "requirements.txt")
COLAB_PACKAGES = [*launch_env.COLAB_VERSIONS, f"nnfs=={_PINS['nnfs']}", "nbclient==0.11.0", "nbformat"]
def widget_notebooks(folder):
    """Copies of the notebooks, cut after their last widget cell."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    copies = []
    for stem, marker in LAST_CELL.items():
        notebook = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
        code = [c for c in notebook.cells if c.cell_type == "code"]
        last = max(i for i, c in enumerate(code) if marker in c.source)
        notebook.cells = code[:last + 1]
        path = folder / f"{stem}.ipynb"
        nbformat.write(notebook, path)
        copies.append(path)
    return copies


# Runs in the environment under test: for each notebook, a fresh kernel runs it top to
# bottom, as tools/run_notebooks.py does, then runs its last (widget) cell AGAIN more times.
# Prints one JSON line per notebook: the seconds each execution took, the errors, and the
# messages other than execute requests that the client sent on the shell socket.
RUNNER = r"""
import json, sys, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError

timeout, again, paths = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
for path in map(Path, paths):
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=timeout, kernel_name="python3", store_widget_state=True,
                            allow_errors=True, resources={"metadata": {"path": str(path.parent)}})
    executions, errors, sent = [], [], []
    last = len(notebook.cells) - 1
    with client.setup_kernel():
        send = client.kc.shell_channel.send
        def counting_send(msg, send=send):
            sent.append(msg["msg_type"])
            return send(msg)
        client.kc.shell_channel.send = counting_send
        for index in [*range(len(notebook.cells)), *[last] * again]:
            cell = notebook.cells[index]
            start = time.perf_counter()
            try:
                client.execute_cell(cell, index)
            except CellTimeoutError:
                errors.append(f"cell {index}: timed out")
            executions.append((index, round(time.perf_counter() - start, 2)))
            errors += [f"cell {index}: {o.ename}: {o.evalue}" for o in cell.outputs if o.output_type == "error"]
            errors += [f"cell {index}: stderr {o.text[:300]!r}" for o in cell.outputs
                       if o.output_type == "stream" and o.name == "stderr"
                       and ("Error" in o.text or "Traceback" in o.text)]
    print(json.dumps({"notebook": path.name, "executions": executions, "errors": errors,
                      "sent": sorted(set(sent) - {"execute_request"})}), flush=True)
"""


def start_runs(python, folder, processes=1):
    """Start running the widget notebooks in `folder` with `python`, split among `processes`
    runners; returns [(process, copies)]."""
    folder = Path(folder)
    copies = widget_notebooks(folder)
    runner = folder / "run_repeatedly.py"
    runner.write_text(RUNNER)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "JUPYTER"))}
    env.update({"IPYKERNEL_CELL_NAME": "<cell>", "JUPYTER_DATA_DIR": str(folder / ".jupyter-data")})
    started = []
    for share in (copies[i::processes] for i in range(processes)):
        process = subprocess.Popen([str(python), str(runner), str(CELL_TIMEOUT), str(AGAIN), *map(str, share)],
                                   cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        started.append((process, share))
    return started


def finish_runs(started):
    runs = []
    for process, copies in started:
        # Bounded: a stall costs one cell timeout; every cell stalling would take far longer.
        stdout, stderr = process.communicate(timeout=len(copies) * (AGAIN + 5) * CELL_TIMEOUT)
        assert process.returncode == 0, stdout[-3000:] + stderr[-6000:]
        done = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
        assert [r["notebook"] for r in done] == [p.name for p in copies], stdout[-3000:] + stderr[-3000:]
        runs += done
    return runs


def check(runs):
    problems, widget_cell_runs = [], 0
    for run in runs:
        last = max(index for index, _ in run["executions"])
        widget_cell_runs += sum(index == last for index, _ in run["executions"])
        for index, seconds in run["executions"]:
            if seconds >= WELL_WITHIN:
                problems.append(f"{run['notebook']}: cell {index} took {seconds} s "
                                f"(a stall takes the {CELL_TIMEOUT} s cell timeout)")
        problems += [f"{run['notebook']}: {error}" for error in run["errors"]]
        if run["sent"]:
            problems.append(f"{run['notebook']}: the client sent {run['sent']} on the shell socket while cells ran")
    timings = "\n".join(f"{r['notebook']}: widget cell {[s for i, s in r['executions'] if i == max(j for j, _ in r['executions'])]} s"
                        for r in runs)
    assert not problems, "\n".join(problems) + "\n" + timings
    assert widget_cell_runs == len(runs) * (AGAIN + 1)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Both environments' runs, made at the same time: the pinned one (this environment) starts
    first and runs while the ipywidgets 7.7 environment is being built."""
    import ipywidgets

    pinned = start_runs(sys.executable, tmp_path_factory.mktemp("ipywidgets8"))
    try:
        root = tmp_path_factory.mktemp("ipywidgets7")
        venv = launch_env.cached_venv(launch_env.COLAB_PYTHON, COLAB_PACKAGES, root / "env")
        wheel = launch_env.build_wheel(root / "wheel")
        launch_env.pip_install(venv, "--no-deps", str(wheel))
        versions = launch_env.run([venv, "-c", "import ipywidgets, ipykernel; print(ipywidgets.__version__, "
                                               "ipykernel.__version__)"], cwd=root).stdout.split()
        # By now the pinned runs are (nearly) done: this machine's two cores are free for two runners.
        colab_like = start_runs(venv, root / "course", processes=2)
    except BaseException:
        for process, _ in pinned:
            process.kill()
        raise
    return {"8": (ipywidgets.__version__, finish_runs(pinned)),
            "7": (" ".join(versions), finish_runs(colab_like))}


def test_no_notebook_shows_a_figure_through_an_output_widget():
    """`interact` draws into an Output widget, which nbclient answers from the kernel's side
    while the cell runs (the stall); the notebooks use interactive_figure instead."""
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                assert not re.search(r"\binteract(ive)?\(|\bOutput\(", cell.source), \
                    f"{path.name}: use nnfs_helpers.widgets.interactive_figure, not interact/Output"


def test_widget_cells_repeat_without_a_stall_under_ipywidgets_8(runs):
    version, results = runs["8"]
    assert version.startswith("8."), version
    check(results)


def test_widget_cells_repeat_without_a_stall_under_ipywidgets_7(runs):
    versions, results = runs["7"]
    assert versions == "7.7.1 6.17.1", versions
    check(results)
