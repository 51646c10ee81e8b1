"""The notebook tier's executions: each notebook run once per variant, cached by a hash.

A *variant* is a BLAS configuration of the kernel (the machine's own OpenBLAS kernel with one
thread, other kernels forced with OPENBLAS_CORETYPE, two threads). An execution is run in a
separate process (`python tests/notebook_runs.py --job ...`), exactly as
tools/run_notebooks.py runs a notebook, and stored under a key made of everything that can
change its outputs: the notebook's cells, every file of nnfs_helpers and of the runner, the
installed distributions and Python, and the BLAS kernel and thread count that threadpoolctl
reports for the variant. Every notebook-level test reads these stored executions, so a
notebook runs once per variant per change, however many tests look at it.

    python tests/notebook_runs.py              # run (or find in the cache) every execution
    python tests/notebook_runs.py --list       # the variants on this machine and their kernels

The cache lives in $NNFS_TEST_CACHE (default ~/.cache/nnfs-course), outside the checkout;
NNFS_TEST_CACHE=off runs everything afresh.
"""

import argparse
import base64
import configparser
import concurrent.futures
import copy
import functools
import hashlib
import importlib.metadata
import io
import itertools
import json
import os
import platform
import queue
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import nbformat  # noqa: E402

import run_notebooks  # noqa: E402

sys.path.insert(0, str(ROOT / "tests"))
import launch_env  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SANITIZE = ROOT / "tests" / "sanitize.cfg"
CELL_TIMEOUT = 300
JOB_TIMEOUT = 900
IMAGES = ("image/png", "image/jpeg")
NOT_COMPARED = IMAGES + (run_notebooks.WIDGET_VIEW,)

# OpenBLAS kernels to force, oldest first, with the CPU flag each needs. Prescott (SSE3) runs on
# every x86-64 CPU; the others only where the CPU has the instructions.
FORCED_KERNELS = {
    "x86_64": [("Prescott", None), ("Haswell", "avx2"), ("Sandybridge", "avx"), ("SkylakeX", "avx512f")],
    "aarch64": [("ARMV8", None)],
}


def cache_folder():
    return launch_env.cache_root("notebook-runs")


def kernel_environment(overrides):
    """The whole environment of a kernel for a variant: this process's, with the variant's
    BLAS settings (a value of None removes the variable)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env["IPYKERNEL_CELL_NAME"] = "<cell>"
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


PROBE = ("import json, numpy, threadpoolctl\n"
         "print(json.dumps([{k: i.get(k) for k in ('internal_api', 'architecture', 'num_threads', 'version')}"
         " for i in threadpoolctl.threadpool_info()]))")


@functools.lru_cache(maxsize=None)
def blas_of(overrides_items):
    """What threadpoolctl reports for NumPy's BLAS in a process with these settings."""
    result = subprocess.run([sys.executable, "-c", PROBE], env=kernel_environment(dict(overrides_items)),
                            capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise RuntimeError(f"the BLAS probe failed: {result.stderr[-2000:]}")
    libraries = [i for i in json.loads(result.stdout) if i["internal_api"] == "openblas"]
    return libraries[0] if libraries else {"internal_api": "none"}


def cpu_flags():
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    match = re.search(r"^flags\s*:(.*)$", text, re.MULTILINE)
    return set(match[1].split()) if match else set()


@functools.lru_cache(maxsize=None)
def variants():
    """{name: environment overrides} for this machine: the native kernel with one thread,
    up to two other kernels forced with OPENBLAS_CORETYPE, and the native kernel with two
    threads (as Colab runs)."""
    native = {"OPENBLAS_NUM_THREADS": "1"}
    found = {"native": native}
    native_arch = blas_of(tuple(native.items())).get("architecture")
    flags = cpu_flags()
    for coretype, flag in FORCED_KERNELS.get(platform.machine(), []):
        if flag and flag not in flags:
            continue
        overrides = {"OPENBLAS_NUM_THREADS": "1", "OPENBLAS_CORETYPE": coretype}
        arch = blas_of(tuple(overrides.items())).get("architecture")
        if arch and arch != native_arch and len(found) < 3:
            found[f"kernel-{coretype}"] = overrides
    found["threads-2"] = {"OPENBLAS_NUM_THREADS": "2"}
    return found


# ---------------------------------------------------------------- the key of an execution

def _files_digest(paths):
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.lru_cache(maxsize=None)
def environment_digest():
    package = [p for p in (ROOT / "nnfs_helpers").rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    runner = [ROOT / "tools" / n for n in ("run_notebooks.py", "launch_links.py", "export_network.py")]
    runner += [ROOT / "pyproject.toml", Path(__file__).resolve()]
    distributions = sorted({f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions()
                            if d.metadata["Name"]})
    text = json.dumps([_files_digest(package + runner), distributions, sys.version, platform.machine()])
    return hashlib.sha256(text.encode()).hexdigest()


def notebook_digest(notebook):
    cells = [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in notebook.cells]
    return hashlib.sha256(json.dumps(cells).encode()).hexdigest()


def key(notebook, name, variant, rerun):
    overrides = variants()[variant]
    text = json.dumps([environment_digest(), notebook_digest(notebook), name, sorted(overrides.items()),
                       blas_of(tuple(overrides.items())), rerun])
    return hashlib.sha256(text.encode()).hexdigest()[:40]


# ---------------------------------------------------------------- running one execution

def compared(cell):
    tags = cell.metadata.get("tags", [])
    return cell.cell_type == "code" and not {"nbval-ignore-output", "nbval-skip"} & set(tags)


def execute(path, env, rerun, prepared):
    """Execute the notebook at `path` as tools/run_notebooks.py does. With `rerun`, every
    compared cell runs twice in a row and the second run's outputs are returned apart.
    `prepared`: apply the launch setting and tidy first (the course's notebooks)."""
    path = Path(path)
    notebook = run_notebooks.prepare(path) if prepared else nbformat.read(path, as_version=4)
    client = run_notebooks.client_for(notebook, path.parent, CELL_TIMEOUT, allow_errors=True)
    again = {}
    start = time.perf_counter()
    if not rerun:
        client.execute(env=env)
    else:
        with client.setup_kernel(env=env):
            info = client.wait_for_reply(client.kc.kernel_info())
            notebook.metadata["language_info"] = info["content"]["language_info"]
            for index, cell in enumerate(notebook.cells):
                if cell.cell_type != "code":
                    continue
                client.execute_cell(cell, index)
                if compared(cell):
                    first = copy.deepcopy(cell.outputs)
                    client.execute_cell(cell, index)
                    again[str(index)] = run_notebooks.merge_streams(cell.outputs)
                    cell.outputs = first
    seconds = time.perf_counter() - start
    return {"notebook": json.loads(nbformat.writes(notebook)), "again": again, "seconds": seconds}


def job_main(spec):
    """Run one job (in its own process) and write its result to `spec["out"]`."""
    result = execute(spec["path"], kernel_environment(spec["overrides"]), spec["rerun"], spec["prepared"])
    result["blas"] = spec["blas"]
    out = Path(spec["out"])
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=out.parent, suffix=".tmp")
    with os.fdopen(handle, "w") as stream:
        json.dump(result, stream)
    os.replace(temporary, out)


class Execution:
    """One stored execution: the executed notebook, the second runs, the time, the BLAS."""

    def __init__(self, data):
        # Read as a notebook file is read: multi-line text joined into one string per output.
        self.notebook = nbformat.reads(json.dumps(data["notebook"]), as_version=4)
        self.again = {int(k): [nbformat.from_dict({**o, "text": _text(o["text"])} if "text" in o else o) for o in v]
                      for k, v in data["again"].items()}
        self.seconds = data["seconds"]
        self.blas = data["blas"]


def run_job(path, name, variant, rerun=False, prepared=True, processes=None):
    """The stored execution of one notebook in one variant, running it when it is not stored.
    `processes`: a set that holds the running job's process meanwhile (so that it can be stopped)."""
    notebook = nbformat.read(path, as_version=4)
    overrides = variants()[variant]
    folder = cache_folder()
    k = key(notebook, name, variant, rerun)
    out = (folder or Path(tempfile.mkdtemp(prefix="nbrun-"))) / f"{Path(name).stem}-{variant}-{k}.json"
    if folder is None or not out.exists():
        spec = {"path": str(path), "overrides": overrides, "rerun": rerun, "prepared": prepared,
                "blas": blas_of(tuple(overrides.items())), "out": str(out)}
        process = subprocess.Popen([sys.executable, __file__, "--job", json.dumps(spec)], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, cwd=str(Path(path).parent))
        if processes is not None:
            processes.add(process)
        try:
            _, stderr = process.communicate(timeout=JOB_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            _, stderr = process.communicate()
        finally:
            if processes is not None:
                processes.discard(process)
        if process.returncode != 0:
            raise RuntimeError(f"executing {name} ({variant}) failed:\n{stderr[-4000:]}")
    return Execution(json.loads(out.read_text()))


def threads_of(variant):
    return int(variants()[variant].get("OPENBLAS_NUM_THREADS") or 1)


class Runner:
    """Executions requested ahead and run by worker threads in the order asked, runs with one BLAS
    thread before the others; `get` waits for one.

    A run with more than one BLAS thread runs with no other execution beside it, and only once the
    runner has as many workers as it has threads: it then gets the cores it asks for (OpenBLAS's
    threads that share a core with other work wait for each other: 13 s became 336 s here).
    `widen` adds workers: the session's runner starts with one, in the background of the tests
    before the notebook tier, and is widened to NNFS_TEST_JOBS (default 2) when that tier begins."""

    def __init__(self, workers=1):
        self.queue = queue.PriorityQueue()
        self.order = itertools.count()
        self.futures = {}
        self.processes = set()
        self.condition = threading.Condition()
        self.workers = self.running = 0
        self.exclusive = False
        self.widen(workers)

    def widen(self, workers):
        with self.condition:
            while self.workers < workers:
                threading.Thread(target=self._work, daemon=True).start()
                self.workers += 1
            self.condition.notify_all()

    def submit(self, path, name, variant, rerun=False, prepared=True):
        job = (str(path), name, variant, rerun, prepared)
        if job not in self.futures:
            self.futures[job] = concurrent.futures.Future()
            self.queue.put((threads_of(variant) > 1, next(self.order), job))
        return self.futures[job]

    def get(self, path, name, variant, rerun=False, prepared=True):
        return self.submit(path, name, variant, rerun, prepared).result()

    def _work(self):
        while True:
            _, _, job = self.queue.get()
            if job is None:
                return
            future = self.futures[job]
            if not future.set_running_or_notify_cancel():
                continue
            threads = threads_of(job[2])
            with self.condition:
                if threads > 1:
                    self.condition.wait_for(lambda: self.workers >= threads and not self.running and not self.exclusive)
                    self.exclusive = True
                else:
                    self.condition.wait_for(lambda: not self.exclusive)
                self.running += 1
            try:
                future.set_result(run_job(*job, processes=self.processes))
            except BaseException as error:  # handed to the test that asks for this execution
                future.set_exception(error)
            finally:
                with self.condition:
                    self.running -= 1
                    if threads > 1:
                        self.exclusive = False
                    self.condition.notify_all()

    def close(self):
        """Cancel what has not started and stop what is running."""
        for future in self.futures.values():
            future.cancel()
        for _ in range(self.workers):
            self.queue.put((2, next(self.order), None))  # after every job: a worker's signal to stop
        for process in list(self.processes):
            process.kill()


_SHARED = []


def shared_runner():
    """The session's runner (one per process), created with one worker."""
    if not _SHARED:
        _SHARED.append(Runner(workers=1))
    return _SHARED[0]


def jobs_wanted():
    """How many executions may run at once: NNFS_TEST_JOBS, default 2 (this machine's cores)."""
    return int(os.environ.get("NNFS_TEST_JOBS", "2"))


def close_shared_runner():
    if _SHARED:
        _SHARED.pop().close()


def rerun_variant():
    """The variant whose executions also run every compared cell a second time: the first forced
    kernel (the native one where none can be forced)."""
    forced = [v for v in variants() if v.startswith("kernel-")]
    return forced[0] if forced else "native"


def jobs_of(item):
    """The executions a test of tests/test_notebooks.py reads: [(path, name, variant, rerun)]."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    if getattr(item, "module", None) is None or not item.module.__name__.endswith("test_notebooks") \
            or "path" not in params:
        return []
    rerun = rerun_variant()
    variant = params.get("variant", rerun if "run_again" in item.name else "native")
    return [(params["path"], params["path"].name, variant, variant == rerun)]


# ---------------------------------------------------------------- comparing outputs

@functools.lru_cache(maxsize=None)
def sanitizers():
    parser = configparser.ConfigParser()
    parser.read(SANITIZE)
    return [(re.compile(parser[s]["regex"]), parser[s]["replace"]) for s in parser.sections()]


def sanitize(text):
    for pattern, replacement in sanitizers():
        text = pattern.sub(replacement, text)
    return text


def _text(value):
    return "".join(value) if isinstance(value, list) else value


def comparable(outputs):
    """What is compared of a cell's outputs (as nbval does, figures apart): stream text,
    every displayed form but images and widget views (their place is kept), error names."""
    outputs = run_notebooks.merge_streams(list(outputs))
    found = []
    for output in outputs:
        kind = output["output_type"]
        if kind == "stream":
            found.append(("stream", output["name"], sanitize(_text(output["text"]))))
        elif kind in ("display_data", "execute_result"):
            data = output.get("data", {})
            found.append(("data", sorted(data), {k: sanitize(_text(v)) if isinstance(v, (str, list)) else v
                                                for k, v in data.items() if k not in NOT_COMPARED}))
        elif kind == "error":
            found.append(("error", output["ename"], sanitize(output["evalue"])))
    return found


def images(outputs):
    return [(mime, output["data"][mime]) for output in outputs
            for mime in IMAGES if mime in output.get("data", {})]


def image_difference(first, second):
    """The fraction of pixels whose colour differs by more than 10% between two PNG/JPEG
    payloads (1.0 when their sizes differ)."""
    import matplotlib.image

    a, b = (matplotlib.image.imread(io.BytesIO(base64.b64decode(_text(x))), format="png") for x in (first, second))
    if a.shape != b.shape:
        return 1.0
    differs = (abs(a.astype(float) - b.astype(float)) > 0.1).any(axis=-1)
    return float(differs.mean())


def differences(recorded, executed, image_tolerance=0.002):
    """Where an executed notebook's outputs differ from the recorded ones: a list of messages."""
    problems = []
    if len(recorded.cells) != len(executed.cells):
        return [f"{len(executed.cells)} cells executed, {len(recorded.cells)} recorded"]
    for index, (old, new) in enumerate(zip(recorded.cells, executed.cells)):
        if old.cell_type != "code":
            continue
        tags = old.metadata.get("tags", [])
        errors = [o for o in new.outputs if o.output_type == "error"]
        if errors and "raises-exception" not in tags:
            problems.append(f"cell {index} raised {errors[0].ename}: {errors[0].evalue}")
            continue
        if not compared(old):
            continue
        if comparable(old.outputs) != comparable(new.outputs):
            problems.append(f"cell {index} differs:\n--- recorded\n{describe(old.outputs)}\n"
                            f"--- executed\n{describe(new.outputs)}")
            continue
        for (_, a), (_, b) in zip(images(old.outputs), images(new.outputs)):
            fraction = image_difference(a, b)
            if fraction > image_tolerance:
                problems.append(f"cell {index}: a figure differs in {fraction:.1%} of its pixels")
    return problems


def describe(outputs):
    lines = []
    for item in comparable(outputs):
        if item[0] == "stream":
            lines.append(item[2])
        elif item[0] == "data":
            lines.append(str(item[2].get("text/plain", item[1])))
        else:
            lines.append(f"{item[1]}: {item[2]}")
    return "\n".join(lines)[-3000:]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--job", help=argparse.SUPPRESS)
    parser.add_argument("--list", action="store_true", help="list the variants on this machine")
    args = parser.parse_args(argv)
    if args.job:
        job_main(json.loads(args.job))
        return 0
    if args.list:
        for name, overrides in variants().items():
            print(f"{name:<20} {overrides}  ->  {blas_of(tuple(overrides.items()))}")
        return 0
    runner = Runner(workers=jobs_wanted())
    jobs = [(p, p.name, v, v == rerun_variant()) for v in variants() for p in NOTEBOOKS]
    for path, name, variant, rerun in jobs:
        runner.submit(path, name, variant, rerun)
    for path, name, variant, rerun in jobs:
        execution = runner.get(path, name, variant, rerun)
        print(f"{name:<40} {variant:<20} {execution.seconds:6.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
