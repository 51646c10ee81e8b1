"""Grade a class's notebooks with the course's own checks.

    nnfs-grade SUBMISSIONS --out RESULTS [--notebooks notebooks/] [--timeout 60]
               [--memory-mb 2048] [--jobs 2]

For every file under SUBMISSIONS the command finds which course notebook it is, rebuilds
that notebook from the course's own copy (found in --notebooks) with only the learner's
exercise cells put in, runs it in a fresh kernel in a temporary folder, and records each
exercise check's verdict as data. It writes RESULTS/results.json (every verdict),
RESULTS/gradebook.csv (one row per learner, 1/0 per exercise), RESULTS/gradebook_status.csv
(the same grid with each status and a note) and RESULTS/report.html (a coloured grid).

Who handed a file in, first rule that applies:
1. the notebook's metadata field `nnfs_learner`;
2. a suffix after the course notebook's name: `04_softmax_alice.ipynb` is alice's;
3. the folder the file sits in below SUBMISSIONS: `SUBMISSIONS/alice/04_softmax.ipynb`;
4. the file's name without its extension (`alice.ipynb` directly in SUBMISSIONS).

Only the cells tagged `exercise` come from the learner. Everything else (the lessons, the
check cells, the data) comes from the course's copy, and solution cells are dropped: an edited
check cell, a deleted cell or a pasted "Correct" changes nothing. What is not isolated: the
kernel runs as the same user as this command, with the same network and the same file system
(its working folder is a fresh temporary folder, but it can read and write elsewhere), and
code in an exercise cell runs in the same process as the checks.
"""

import argparse
import collections
import concurrent.futures
import csv
import html
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["main", "grade", "identify", "learner_of", "rebuild", "STATUSES"]

STATUSES = ("passed", "failed", "not_solved", "not_attempted", "error")
RESULT_MIME = "application/vnd.nnfs-grading+json"
CHECK_CALL = re.compile(r"(?<![\w.])(?:nb\d\d\.)?(check_\w+)\s*\(")  # older versions omit `nbNN.`
TITLE = re.compile(r"^#\s*(\d\d)\b")
EXERCISE_HEADING = re.compile(r"^#+\s*(Exercise\b.*)$", re.MULTILINE)
OUTPUT_LIMIT = 100_000  # characters of output kept per cell: a huge output is cut, not stored
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]


def _code_only(source):
    """The source without comments and blank lines: a stub with reworded comments is still a stub."""
    import io
    import tokenize

    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline)
                  if t.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                                    tokenize.DEDENT, tokenize.ENDMARKER)]
        return " ".join(t.string for t in tokens)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return source.strip()


TAMPERING = re.compile(r"\b(nnfs_helpers|nb\d\d|check_\w+|CheckResult|checking|setattr|__builtins__|"
                       r"builtins|sys\.modules|importlib|get_ipython|_nnfs_\w*)\b|\bnp\.\w+\s*=(?!=)")


def _needs_review(source):
    """Why an exercise cell deserves a look by eye (it names the course's checks or the kernel's
    machinery: a learner who rewrites a check inside the kernel is not stopped), or ""."""
    if not source:
        return ""
    names = sorted({m.group(0).rstrip(" =") for m in TAMPERING.finditer(source)})
    return f"the exercise cell uses {', '.join(names)}: read it" if names else ""


def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def _source(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


# ------------------------------------------------------------------ the course's notebooks

class CourseNotebook:
    """One course notebook (the instructor's copy) and its exercises."""

    def __init__(self, path):
        import nbformat

        self.path = Path(path)
        self.name = self.path.stem
        self.number = self.name[:2]
        self.notebook = nbformat.from_dict(json.loads(self.path.read_text(encoding="utf-8")))  # no slow validation
        cells = self.notebook.cells
        for cell in cells:  # a source saved as a list of lines becomes one string
            cell.source = _source(cell)
        self.ids = {c.get("id") for c in cells if c.get("id")}
        self.checks = set()
        self.exercises = []  # dicts: index, id, stub, check, title
        for index, cell in enumerate(cells):
            if "check" in _tags(cell):
                self.checks.update(m.group(1) for m in CHECK_CALL.finditer(_source(cell)))
            if "exercise" in _tags(cell):
                self.exercises.append({
                    "index": index, "id": cell.get("id"), "stub": _source(cell),
                    "check": _next_check(cells, index), "title": _exercise_title(cells, index),
                })
        for number, exercise in enumerate(self.exercises, 1):
            exercise["title"] = exercise["title"] or f"Exercise {number}"
            exercise["column"] = f"{self.number} {exercise['title']}"

    def title(self):
        first = _source(self.notebook.cells[0]).splitlines()
        return first[0].lstrip("# ").strip() if first else self.name


def _next_check(cells, index):
    """The check function called by the first check cell after cell `index`."""
    for cell in cells[index + 1:]:
        if cell.get("cell_type") != "code":
            continue
        match = CHECK_CALL.search(_source(cell))
        if match:
            return match.group(1)
        if "exercise" in _tags(cell):
            return None
    return None


def _exercise_title(cells, index):
    for cell in reversed(cells[:index]):
        if cell.get("cell_type") == "markdown":
            headings = EXERCISE_HEADING.findall(_source(cell))
            if headings:
                return headings[-1].strip()
    return None


def load_course(folder):
    paths = sorted(Path(folder).glob("[0-9][0-9]_*.ipynb"))
    if not paths:
        raise SystemExit(f"nnfs-grade: no course notebooks (NN_name.ipynb) in {folder}")
    return [CourseNotebook(p) for p in paths]


# ------------------------------------------------------------------ reading a submission

class Unreadable(Exception):
    """The file is not a notebook we can grade; str() says why, for the gradebook."""


def read_submission(path):
    """The submitted notebook as a dict, or raise Unreadable with a clear note."""
    import nbformat

    path = Path(path)
    if path.stat().st_size == 0:
        raise Unreadable("empty file")
    if path.suffix != ".ipynb":
        raise Unreadable(f"not a notebook ({path.suffix or 'no extension'})")
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
    except UnicodeDecodeError:
        raise Unreadable("not a notebook (not text)") from None
    except json.JSONDecodeError as exc:
        raise Unreadable(f"not a notebook (not valid JSON: {exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise Unreadable("not a notebook (no list of cells)")
    try:
        notebook = nbformat.from_dict(data)
        if notebook.get("nbformat", 4) < 4:
            notebook = nbformat.reads(text, as_version=4)
    except Exception as exc:
        raise Unreadable(f"not a readable notebook ({type(exc).__name__})") from None
    return notebook


def identify(notebook, course, filename=""):
    """The course notebook that `notebook` is a copy of (by its title cell, its check calls,
    its cell ids and the file's name), or None."""
    cells = [c for c in notebook.get("cells", []) if isinstance(c, dict)]
    checks = {m.group(1) for c in cells for m in CHECK_CALL.finditer(_source(c))}
    ids = {c.get("id") for c in cells if c.get("id")}
    title = None
    for cell in cells:
        if cell.get("cell_type") == "markdown" and _source(cell).strip():
            match = TITLE.match(_source(cell).strip())
            title = match.group(1) if match else None
            break
    best, best_score = None, 0
    for candidate in course:
        score = 10 * (title == candidate.number) + 5 * len(checks & candidate.checks)
        score += min(len(ids & candidate.ids), 20)
        score += 3 * Path(filename).name.startswith(candidate.number + "_")
        if score > best_score:
            best, best_score = candidate, score
    return best if best_score >= 5 else None


def learner_of(path, notebook, root, course):
    """Who handed in `path` (see the module's docstring for the rule)."""
    path, root = Path(path), Path(root)
    if notebook is not None:
        named = notebook.get("metadata", {}).get("nnfs_learner")
        if isinstance(named, str) and named.strip():
            return named.strip()
    # Browsers and Jupyter add " (1)", "-checkpoint" or "-Copy1" to copies: not a learner's name.
    stem = re.sub(r"(\s*\(\d+\)|-checkpoint|-Copy\d*)+$", "", path.stem)
    for candidate in course:
        for separator in "_-. ":
            prefix = candidate.name + separator
            if stem.startswith(prefix) and stem[len(prefix):].strip():
                return stem[len(prefix):].strip()
    relative = path.relative_to(root)
    if len(relative.parts) > 1:
        return relative.parts[0]
    return stem


# ------------------------------------------------------------------ rebuilding

def _learner_exercises(notebook, course_nb):
    """The learner's exercise cells: tagged `exercise`, or (tags lost) the code cell before
    each course check call."""
    cells = notebook.get("cells", [])
    found = []
    for index, cell in enumerate(cells):
        if cell.get("cell_type") == "code" and "exercise" in _tags(cell):
            found.append({"id": cell.get("id"), "source": _source(cell), "check": _next_check(cells, index)})
    if found:
        return found
    for index, cell in enumerate(cells):
        match = CHECK_CALL.search(_source(cell))
        if match and match.group(1) in course_nb.checks and "solution" not in _tags(cell) and index > 0:
            previous = cells[index - 1]
            if previous.get("cell_type") == "code" and not CHECK_CALL.search(_source(previous)):
                found.append({"id": previous.get("id"), "source": _source(previous), "check": match.group(1)})
    return found


def match_exercises(notebook, course_nb):
    """For each course exercise, the learner's source (or None): matched by cell id, then by
    the check that follows it, then by order."""
    learner = _learner_exercises(notebook, course_nb)
    by_id = {c["id"]: c for c in learner if c["id"]}
    by_check = {c["check"]: c for c in learner if c["check"]}
    used, sources = set(), []
    for exercise in course_nb.exercises:
        chosen = by_id.get(exercise["id"])
        if chosen is None or id(chosen) in used:
            chosen = by_check.get(exercise["check"]) if exercise["check"] else None
        if chosen is not None and id(chosen) in used:
            chosen = None
        sources.append(chosen)
        if chosen is not None:
            used.add(id(chosen))
    rest = [c for c in learner if id(c) not in used]
    for position, chosen in enumerate(sources):
        if chosen is None and rest and not rest[0]["check"]:
            sources[position] = rest.pop(0)
    return [c["source"] if c else None for c in sources]


def _limit_cell(memory_mb):
    return ("import resource as _nnfs_resource\n"
            "try:\n"
            f"    _nnfs_resource.setrlimit(_nnfs_resource.RLIMIT_AS, ({memory_mb} << 20, {memory_mb} << 20))\n"
            "except (ValueError, OSError):\n"
            "    pass\n"
            "del _nnfs_resource")


def _report_cell(number, nonce):
    """A cell that hands the last check's CheckResult to the grader as data (its own MIME type)."""
    return "\n".join([
        "from IPython.display import display as _nnfs_display",
        "from nnfs_helpers.checking import CheckResult as _NnfsCheckResult",
        "_nnfs_r = globals().get('_nnfs_result')",
        "_nnfs_ok = isinstance(_nnfs_r, _NnfsCheckResult)",
        f"_nnfs_display({{{RESULT_MIME!r}: {{'exercise': {number}, 'nonce': {nonce!r},",
        "    'kind': 'CheckResult' if _nnfs_ok else type(_nnfs_r).__name__,",
        "    'passed': bool(_nnfs_r.passed) if _nnfs_ok else False,",
        "    'message': str(_nnfs_r.message) if _nnfs_ok else '',",
        "    'title': str(_nnfs_r.title) if _nnfs_ok else ''}}, raw=True)",
        "del _nnfs_display, _NnfsCheckResult, _nnfs_r, _nnfs_ok",
    ])


def _fresh_checks(number):
    """Code that reloads the course's checks, so an exercise cell that replaced a check function
    (or a helper of `nnfs_helpers.checking`) in the kernel does not grade itself."""
    return ("import importlib as _nnfs_importlib\n"
            "import nnfs_helpers.checking as _nnfs_checking\n"
            f"import nnfs_helpers.exercises.nb{number} as _nnfs_module\n"
            "_nnfs_importlib.reload(_nnfs_checking)\n"
            f"nb{number} = _nnfs_importlib.reload(_nnfs_module)\n"
            "del _nnfs_importlib, _nnfs_checking, _nnfs_module\n")


def _capture_check(source, number="00"):
    """The course's check cell, with the course's checks reloaded first and the value of its last
    expression kept in `_nnfs_result`."""
    import ast

    lines = source.rstrip().splitlines()
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    fresh = _fresh_checks(number) if f"nb{number}." in source else ""
    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        return f"_nnfs_result = None\n{fresh}{source}"
    last = tree.body[-1]
    head = "\n".join(lines[: last.lineno - 1])
    tail = "\n".join(lines[last.lineno - 1:])
    return f"_nnfs_result = None\n{fresh}{head}\n_nnfs_result = (\n{tail}\n)\n_nnfs_result"


def rebuild(course_nb, learner_sources, memory_mb=2048, nonce="x"):
    """The course notebook with the learner's exercise cells put in, solutions dropped and
    outputs cleared; returns (notebook, roles) where roles[i] = ("exercise" | "check" |
    "report", exercise number) or None for cell i."""
    import nbformat

    notebook = nbformat.from_dict(json.loads(json.dumps(course_nb.notebook)))
    by_index = {e["index"]: number for number, e in enumerate(course_nb.exercises)}
    cells, roles = [nbformat.v4.new_code_cell(_limit_cell(memory_mb))], [None]
    current = None
    for index, cell in enumerate(notebook.cells):
        if "solution" in _tags(cell):
            continue
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        if index in by_index:
            current = by_index[index]
            source = learner_sources[current]
            cell.source = course_nb.exercises[current]["stub"] if source is None else source
            cells.append(cell)
            roles.append(("exercise", current))
        elif "check" in _tags(cell) and current is not None:
            cell.source = _capture_check(cell.source, course_nb.number)
            cells.append(cell)
            roles.append(("check", current))
            cells.append(nbformat.v4.new_code_cell(_report_cell(current, nonce)))
            roles.append(("report", current))
        else:
            cells.append(cell)
            roles.append(None)
    notebook.cells = cells
    for cell in notebook.cells:
        cell.pop("id", None)
    notebook.nbformat_minor = 4  # no cell ids needed: the roles list keeps the order
    return notebook, roles


# ------------------------------------------------------------------ executing (worker process)

def _client_class():
    from nbclient import NotebookClient

    class LimitedClient(NotebookClient):
        """nbclient with a cap on the output kept per cell and a stopwatch per cell."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.sizes = collections.Counter()
            self.cut = set()
            self.seconds = {}

        def output(self, outs, msg, display_id, cell_index):
            size = len(json.dumps(msg.get("content", {}), default=str))
            self.sizes[cell_index] += size
            if self.sizes[cell_index] > OUTPUT_LIMIT and msg["msg_type"] != "error":
                self.cut.add(cell_index)
                return None
            return super().output(outs, msg, display_id, cell_index)

        async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
            start = time.perf_counter()
            try:
                return await super().async_execute_cell(cell, cell_index, *args, **kwargs)
            finally:
                self.seconds[cell_index] = time.perf_counter() - start

    return LimitedClient


def _error_of(cell, job):
    """What went wrong in an executed cell, in words (None if nothing did)."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            name, value = output.get("ename", "Error"), str(output.get("evalue", "")).strip()
            if name in ("KeyboardInterrupt", "Timeout"):  # the grader interrupts only at the time limit
                return f"did not finish within {job['timeout']} s (an endless loop?) and was stopped"
            if name == "MemoryError":
                return f"raised MemoryError (the limit is {job['memory_mb']} MB)"
            return f"raised {name}: {value}" if value else f"raised {name}"
    return None


def run_job(job):
    """Execute one rebuilt notebook (in this process, with its kernel as a child) and return
    the verdict of each exercise."""
    import nbformat
    from nbclient.exceptions import DeadKernelError

    notebook = nbformat.from_dict(job["notebook"])
    roles = [tuple(r) if r else None for r in job["roles"]]
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", MPLBACKEND="agg", IPYKERNEL_CELL_NAME="<cell>",
               PYTHONWARNINGS="ignore")
    died = None
    with tempfile.TemporaryDirectory(prefix="nnfs-grade-") as folder:
        client = _client_class()(
            notebook, timeout=job["timeout"], kernel_name="python3", allow_errors=True,
            interrupt_on_timeout=True, shutdown_kernel="immediate", record_timing=False,
            extra_arguments=list(KERNEL_ARGUMENTS),
            error_on_timeout={"ename": "Timeout", "evalue": f"the cell did not finish within {job['timeout']} s",
                              "traceback": []},
            resources={"metadata": {"path": folder}})
        try:
            client.execute(env=env, cwd=folder)
        except DeadKernelError:
            died = "the kernel died (out of memory, or the code ended the process)"
        except Exception as exc:  # the run must go on: this submission gets a note
            died = f"the notebook could not be run ({type(exc).__name__}: {str(exc)[:200]})"
    return _verdicts(notebook, roles, client, job, died)


def _verdicts(notebook, roles, client, job, died):
    exercises = job["exercises"]
    verdicts = []
    for number, exercise in enumerate(exercises):
        indices = [i for i, r in enumerate(roles) if r and r[1] == number]
        seconds = sum(client.seconds.get(i, 0.0) for i in indices)
        verdict = {"exercise": exercise["title"], "column": exercise["column"], "status": "error",
                   "message": "", "seconds": round(seconds, 2)}
        verdicts.append(verdict)
        cells = {r[0]: notebook.cells[i] for i, r in zip(indices, [roles[i] for i in indices])}
        report = None
        for output in cells.get("report", {}).get("outputs", []):
            data = output.get("data", {}).get(RESULT_MIME)
            if isinstance(data, dict) and data.get("nonce") == job["nonce"] and data.get("exercise") == number:
                report = data
        exercise_error = _error_of(cells["exercise"], job) if "exercise" in cells else None
        check_error = _error_of(cells["check"], job) if "check" in cells else None
        cut = any(i in client.cut for i in indices)
        if report is not None and report["kind"] == "CheckResult":
            if report["passed"]:
                verdict["status"] = "passed"
            elif report["message"].startswith("Not solved yet"):
                verdict["status"] = "not_solved"
            else:
                verdict["status"] = "failed"
            verdict["message"] = report["message"]
            if exercise_error and verdict["status"] != "passed":
                verdict["message"] += f" (the exercise cell {exercise_error})"
        elif exercise_error:
            verdict["message"] = f"the exercise cell {exercise_error}"
        elif check_error:
            verdict["message"] = f"the check cell {check_error}"
            if "NameError" in check_error:
                verdict["message"] += " (is the name in the exercise cell renamed, deleted or misspelt?)"
        else:
            verdict["message"] = died or "the check gave no verdict"
        if exercise["stub"] and verdict["status"] != "passed":
            verdict["status"] = "not_attempted"
            verdict["message"] = ("the exercise cell is missing" if exercise["missing"]
                                  else "the exercise cell is still the stub")
        if cut:
            verdict["message"] += f" [output cut after {OUTPUT_LIMIT} characters]"
        if exercise.get("review"):
            verdict["review"] = exercise["review"]
        if died and report is None and verdict["status"] == "error" and died not in verdict["message"]:
            verdict["message"] += f" ({died})"
    return verdicts


def _worker():
    """Run jobs one after another: read a job file's path per line on stdin, write each
    verdicts file and answer "done" on the original stdout. The kernels started here get
    /dev/null as their stdout, so nothing a learner's code writes can reach the protocol."""
    protocol = os.fdopen(os.dup(1), "w")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    for line in sys.stdin:
        job_path = Path(line.strip())
        job = json.loads(job_path.read_text(encoding="utf-8"))
        try:
            verdicts = run_job(job)
        except Exception as exc:  # a job that cannot run still answers, so the others go on
            problem = f"the notebook could not be run ({type(exc).__name__}: {str(exc)[:200]})"
            verdicts = [{"exercise": e["title"], "column": e["column"], "status": "error",
                         "message": problem, "seconds": None} for e in job["exercises"]]
        job_path.with_suffix(".out").write_text(json.dumps(verdicts), encoding="utf-8")
        protocol.write("done\n")
        protocol.flush()
    return 0


# ------------------------------------------------------------------ grading a folder

def _submissions(root):
    for path in sorted(Path(root).rglob("*")):
        parts = path.relative_to(root).parts
        if path.is_file() and not any(p.startswith(".") or p == "__pycache__" for p in parts):
            yield path


def _prepare(path, root, course, memory_mb, timeout):
    """(row, job): the row describing the submission, and the job to run (or None)."""
    row = {"file": str(path.relative_to(root)), "learner": None, "notebook": None, "note": "", "verdicts": []}
    try:
        notebook = read_submission(path)
    except (Unreadable, OSError) as problem:
        row["learner"] = learner_of(path, None, root, course)
        row["note"] = str(problem)
        return row, None
    row["learner"] = learner_of(path, notebook, root, course)
    course_nb = identify(notebook, course, path.name)
    if course_nb is None:
        row["note"] = "not one of the course's notebooks (no title, check or cell id matched)"
        return row, None
    row["notebook"] = course_nb.name
    sources = match_exercises(notebook, course_nb)
    notes = []
    if "exercise" not in {t for c in notebook.get("cells", []) for t in _tags(c)}:
        notes.append("no cell tagged exercise: the cell before each check was taken as the exercise")
    if not any(c.get("id") in course_nb.ids for c in notebook.get("cells", [])):
        notes.append("no cell id matches the course's (an older version, or saved by another tool): "
                     "exercises matched by the checks that follow them")
    row["note"] = "; ".join(notes)
    exercises = []
    for exercise, source in zip(course_nb.exercises, sources):
        exercises.append({"title": exercise["title"], "column": exercise["column"],
                          "missing": source is None, "review": _needs_review(source),
                          "stub": source is None or _code_only(source) == _code_only(exercise["stub"])})
    nonce = secrets.token_hex(8)
    rebuilt, roles = rebuild(course_nb, sources, memory_mb, nonce)
    job = {"notebook": rebuilt, "roles": roles, "exercises": exercises, "nonce": nonce, "timeout": timeout,
           "memory_mb": memory_mb}
    return row, job


class _Worker:
    """One long-lived worker process (nbformat and nbclient are imported once, not per
    notebook); every notebook still gets its own fresh kernel."""

    def __init__(self, scratch):
        self.scratch = scratch
        self.process = None

    def start(self):
        command = [sys.executable, "-m", "nnfs_helpers.grading", "--worker"]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True, start_new_session=True)

    def run(self, job, deadline):
        """The verdicts of one job, or (None, why) when it failed or passed its deadline."""
        import selectors

        if self.process is None or self.process.poll() is not None:
            self.start()
        job_path = Path(tempfile.mkstemp(suffix=".json", dir=self.scratch)[1])
        job_path.write_text(json.dumps(job), encoding="utf-8")
        try:
            self.process.stdin.write(f"{job_path}\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            self.stop()
            return None, "the grading process stopped"
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            ready = selector.select(timeout=deadline)
        line = self.process.stdout.readline() if ready else ""
        if not ready:
            self.stop()
            return None, f"the whole notebook did not finish within {deadline:.0f} s"
        if line.strip() != "done":
            self.stop()
            return None, "the grading process stopped (the kernel or its process was killed)"
        out_path = job_path.with_suffix(".out")
        return json.loads(out_path.read_text(encoding="utf-8")), None

    def stop(self):
        if self.process is None:
            return
        _kill_tree(self.process)
        self.process = None


def _descendants(pid):
    """Every process below `pid` (Linux /proc; elsewhere none are found)."""
    found, stack = [], [pid]
    while stack:
        parent = stack.pop()
        for children in Path(f"/proc/{parent}/task").glob("*/children"):
            try:
                kids = [int(k) for k in children.read_text().split()]
            except (OSError, ValueError):
                continue
            found.extend(kids)
            stack.extend(kids)
    return found


def _kill_tree(process):
    """Kill a worker and the kernels it started (kernels run in sessions of their own)."""
    import signal

    for pid in [process.pid, *_descendants(process.pid)]:
        try:
            os.kill(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    try:
        process.communicate(timeout=10)
    except (subprocess.TimeoutExpired, ValueError, OSError):
        pass


def grade(submissions, course_folder, timeout=60, memory_mb=2048, jobs=2, progress=None):
    """Grade every file under `submissions`; return the list of rows (one per file)."""
    submissions = Path(submissions)
    course = load_course(course_folder)
    prepared = [_prepare(p, submissions, course, memory_mb, timeout) for p in _submissions(submissions)]
    scratch = tempfile.mkdtemp(prefix="nnfs-grade-jobs-")
    import queue
    import threading

    workers = queue.Queue()
    for _ in range(max(1, jobs)):
        workers.put(_Worker(scratch))

    def work(item):
        row, job = item
        if job is None:
            return row
        start = time.perf_counter()
        deadline = timeout * 3 + 30 + 2 * sum(1 for r in job["roles"] if r)
        worker = workers.get()
        try:
            verdicts, problem = worker.run(job, deadline)
        finally:
            workers.put(worker)
        if verdicts is None:
            verdicts = [{"exercise": e["title"], "column": e["column"], "status": "error",
                         "message": problem, "seconds": None} for e in job["exercises"]]
            row["note"] = "; ".join(filter(None, [row["note"], problem]))
        row["verdicts"] = verdicts
        row["seconds"] = round(time.perf_counter() - start, 2)
        if progress:
            with lock:
                progress(row)
        return row

    lock = threading.Lock()
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            rows = list(pool.map(work, prepared))
    finally:
        while not workers.empty():
            worker = workers.get()
            if worker.process is not None:
                worker.process.stdin.close()
                try:
                    worker.process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    worker.stop()
        shutil.rmtree(scratch, ignore_errors=True)
    for row in rows:
        for verdict in row["verdicts"]:
            verdict.update(learner=row["learner"], notebook=row["notebook"], file=row["file"])
    return rows


# ------------------------------------------------------------------ results

def _better(verdicts, other):
    score = lambda vs: sum(v["status"] == "passed" for v in vs)  # noqa: E731
    return score(verdicts) > score(other)


def gradebook(rows):
    """(learners, columns, status[learner][column], notes[learner]) from the graded rows.
    A learner who handed in the same notebook twice is graded on the better copy."""
    columns, learners = [], []
    status, chosen, notes = {}, {}, collections.defaultdict(list)
    for row in rows:
        if row["learner"] not in learners:
            learners.append(row["learner"])
        for verdict in row["verdicts"]:
            if verdict["column"] not in columns:
                columns.append(verdict["column"])
        if row["note"]:
            notes[row["learner"]].append(f"{row['file']}: {row['note']}")
        for verdict in row["verdicts"]:
            if verdict.get("review"):
                notes[row["learner"]].append(f"{row['file']}, {verdict['column']}: {verdict['review']}")
        if row["notebook"] and row["verdicts"]:
            key = (row["learner"], row["notebook"])
            if key in chosen and not _better(row["verdicts"], chosen[key]["verdicts"]):
                notes[row["learner"]].append(f"{row['file']}: a second copy of {row['notebook']}, not used")
                continue
            if key in chosen:
                notes[row["learner"]].append(f"{chosen[key]['file']}: a second copy of {row['notebook']}, not used")
            chosen[key] = row
    columns.sort()
    learners.sort()
    for learner in learners:
        status[learner] = {c: "not_attempted" for c in columns}
    for (learner, _), row in chosen.items():
        for verdict in row["verdicts"]:
            status[learner][verdict["column"]] = verdict["status"]
    return learners, columns, status, notes


def write_results(rows, out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    learners, columns, status, notes = gradebook(rows)
    verdicts = [v for row in rows for v in row["verdicts"]]
    (out / "results.json").write_text(json.dumps({
        "statuses": list(STATUSES),
        "submissions": rows,
        "verdicts": verdicts,
    }, indent=1), encoding="utf-8")
    with open(out / "gradebook.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["learner", *columns])
        for learner in learners:
            writer.writerow([learner, *(int(status[learner][c] == "passed") for c in columns)])
    with open(out / "gradebook_status.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["learner", *columns, "notes"])
        for learner in learners:
            writer.writerow([learner, *(status[learner][c] for c in columns), " | ".join(notes[learner])])
    (out / "report.html").write_text(report_html(rows, learners, columns, status, notes), encoding="utf-8")
    return out


COLOURS = {"passed": "#009E73", "failed": "#E69F00", "not_solved": "#F0E442", "not_attempted": "#DDDDDD",
           "error": "#CC3311"}
LABELS = {"passed": "passed", "failed": "named mistake", "not_solved": "not solved yet",
          "not_attempted": "not attempted", "error": "error"}


def report_html(rows, learners, columns, status, notes):
    e = html.escape
    messages, reviews = {}, {}
    for row in rows:
        for v in row["verdicts"]:
            messages.setdefault((row["learner"], v["column"]), v["message"])
            reviews[(row["learner"], v["column"])] = v.get("review", "")
    legend = " ".join(f'<span class="cell s-{s}">{e(LABELS[s])}</span>' for s in STATUSES)
    head = "".join(f"<th>{e(c)}</th>" for c in columns)
    body = []
    for learner in learners:
        cells = []
        for c in columns:
            s = status[learner][c]
            tip = messages.get((learner, c), "not handed in")
            flag = " &#9873;" if reviews.get((learner, c)) else ""
            cells.append(f'<td class="cell s-{s}" data-status="{s}" title="{e(tip)}">{e(LABELS[s])}{flag}</td>')
        body.append(f'<tr class="learner"><th scope="row">{e(learner)}</th>{"".join(cells)}'
                    f'<td class="notes">{e(" | ".join(notes[learner]))}</td></tr>')
    summary = []
    for c in columns:
        counts = collections.Counter(status[learner][c] for learner in learners)
        mistakes = collections.Counter(v["message"] for row in rows for v in row["verdicts"]
                                       if v["column"] == c and v["status"] == "failed")
        items = "".join(f"<li>{n} &times; {e(m)}</li>" for m, n in mistakes.most_common(5)) or "<li>none</li>"
        tally = ", ".join(f"{counts[s]} {LABELS[s]}" for s in STATUSES if counts[s])
        summary.append(f'<section class="exercise"><h3>{e(c)}</h3><p>{tally}</p>'
                       f"<p>Most common named mistakes:</p><ul>{items}</ul></section>")
    style = "".join(f".s-{s}{{background:{colour}}}" for s, colour in COLOURS.items())
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Grades</title>
<style>
body{{font-family:sans-serif;margin:1.5em}} table{{border-collapse:collapse}}
th,td{{border:1px solid #999;padding:0.3em 0.6em;font-size:0.9em}} th{{background:#f4f4f4}}
.cell{{text-align:center;padding:0.3em 0.6em}} .notes{{font-size:0.8em;color:#555;max-width:30em}}
{style}
</style></head><body>
<h1>Grades</h1>
<p>{len(learners)} learners, {len(rows)} files. Hover over a cell for the check's message;
&#9873; marks an exercise cell to read by eye (see its note). {legend}</p>
<table id="grid"><thead><tr><th>learner</th>{head}<th>notes</th></tr></thead>
<tbody>{"".join(body)}</tbody></table>
<h2>Per exercise</h2>
{"".join(summary)}
</body></html>
"""


# ------------------------------------------------------------------ command line

def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["--worker"]:
        return _worker()
    parser = argparse.ArgumentParser(
        prog="nnfs-grade", description="Grade a class's notebooks with the course's own checks.",
        epilog="Writes results.json, gradebook.csv, gradebook_status.csv and report.html into --out.")
    parser.add_argument("submissions", type=Path, help="folder of submitted notebooks (searched recursively)")
    parser.add_argument("--out", type=Path, required=True, help="folder for the results")
    parser.add_argument("--notebooks", type=Path, default=Path("notebooks"),
                        help="the course's notebooks, the instructor's copy (default: notebooks/)")
    parser.add_argument("--timeout", type=int, default=60, help="seconds allowed per cell (default 60)")
    parser.add_argument("--memory-mb", type=int, default=2048, help="address-space limit of each kernel (MB)")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks run at the same time (default 2)")
    args = parser.parse_args(argv)
    if not args.submissions.is_dir():
        parser.error(f"{args.submissions} is not a folder")
    start = time.perf_counter()

    def progress(row):
        passed = sum(v["status"] == "passed" for v in row["verdicts"])
        print(f"{row['file']:<50} {row['learner']:<20} {passed}/{len(row['verdicts'])} passed"
              f"{'  (' + row['note'] + ')' if row['note'] else ''}", flush=True)

    rows = grade(args.submissions, args.notebooks, args.timeout, args.memory_mb, args.jobs, progress)
    for row in rows:
        if not row["verdicts"]:
            print(f"{row['file']:<50} {row['learner']:<20} not graded: {row['note']}", flush=True)
    out = write_results(rows, args.out)
    print(f"graded {len(rows)} files in {time.perf_counter() - start:.1f} s; results in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
