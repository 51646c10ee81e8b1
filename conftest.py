"""pytest configuration shared by the unit tests and nbval (root level, so that it is
loaded however pytest is started, even on a single notebook)."""

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "tools"))

# Kernels started by nbval inherit this: warnings then name their cell "<cell>", exactly
# as in the recorded outputs written by tools/run_notebooks.py.
os.environ["IPYKERNEL_CELL_NAME"] = "<cell>"
# One BLAS thread in every kernel: the course's matrices are small, and on a busy 2-core
# machine OpenBLAS's threads fight over the cores (a notebook that takes 13 s took 336 s).
# Results are the same either way.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


# ---------------------------------------------------------------- tiers
# `pytest` runs the quick tier (units, checks, static hygiene, export drift: a couple of
# minutes); `pytest --tier all` runs every tier, as the README's test command and CI do.
TIERS = ("quick", "notebooks", "launch")


def pytest_addoption(parser):
    parser.addoption("--tier", default="quick",
                     help="which tests to run: quick (default), notebooks, launch, all, or a comma-separated list")


def pytest_configure(config):
    config.addinivalue_line("markers", "notebooks: the notebook tier (executes the notebooks)")
    config.addinivalue_line("markers", "launch: the launch tier (virtual environments, browsers, Colab, Binder, hub)")
    wanted = config.getoption("--tier")
    chosen = set(TIERS) if wanted == "all" else {t.strip() for t in wanted.split(",")}
    unknown = chosen - set(TIERS)
    if unknown:
        raise ValueError(f"--tier: expected quick, notebooks, launch or all; got {', '.join(sorted(unknown))}")
    config._course_tiers = chosen
    config._course_status = _git_status()


def _tier(item):
    for tier in ("notebooks", "launch"):
        if item.get_closest_marker(tier):
            return tier
    return "quick"


@pytest.hookimpl(trylast=True)  # after -k and -m have deselected theirs
def pytest_collection_modifyitems(config, items):
    keep, drop = [], []
    for item in items:
        (keep if _tier(item) in config._course_tiers else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
    _start_notebook_runs(items)


def _start_notebook_runs(items):
    """Start the notebook tier's executions now, on one core, so that they run beside the tests
    before that tier (which use one core); the tier widens the runner to two when it begins."""
    if not any(_tier(item) == "notebooks" for item in items):
        return
    notebook_runs = sys.modules.get("notebook_runs")
    if notebook_runs is None:
        return
    runner = notebook_runs.shared_runner()
    for item in items:
        for job in notebook_runs.jobs_of(item):
            runner.submit(*job)


def _git_status():
    import subprocess

    try:
        return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT,
                              capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None


def pytest_sessionfinish(session, exitstatus):
    """Tests leave the checkout as they found it: a file written, changed or deleted by the
    run fails it. The notebook runner stops what it has not finished."""
    notebook_runs = sys.modules.get("notebook_runs")
    if notebook_runs is not None:
        notebook_runs.close_shared_runner()
    before = getattr(session.config, "_course_status", None)
    after = _git_status()
    if before is not None and after is not None and after != before:
        changed = sorted(set(after.splitlines()) ^ set(before.splitlines()))
        session.config._course_dirty = changed
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    remembered = getattr(config, "_course_remembered", 0)
    if remembered:
        terminalreporter.write_line(f"{remembered} launch tests passed before on this tree, environment and machine "
                                    f"and were not run again (NNFS_TEST_CACHE=off runs them)")
    changed = getattr(config, "_course_dirty", None)
    if changed:
        terminalreporter.write_line("FAILED: the tests changed the checkout (git status):", red=True)
        for line in changed[:40]:
            terminalreporter.write_line(f"    {line}")


# ---------------------------------------------------------------- remembered launch passes
# A launch-tier test builds environments and drives browsers: minutes of work whose result
# depends on the checkout's files, this environment and this machine. A pass is remembered
# under a hash of all three (every file git would commit, as it is on disk; the installed
# distributions and Python; the CPU, Chromium and the other Pythons the tests use) and the test
# is reported as passed, not run again, while that hash stays the same. Any change to any file
# runs every launch test afresh. NNFS_TEST_CACHE=off runs everything; the records are in
# $NNFS_TEST_CACHE/launch-passes (default ~/.cache/nnfs-course).
REMEMBERED = "launch"


def _tree_digest():
    """A hash of every file git would commit (tracked or new, not ignored), read from disk."""
    import hashlib
    import subprocess

    listing = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                             capture_output=True, timeout=120)
    if listing.returncode != 0:
        return None
    digest = hashlib.sha256()
    for name in sorted(set(filter(None, listing.stdout.decode().split("\0")))):
        path = ROOT / name
        digest.update(name.encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"<absent>")
    return digest.hexdigest()


def _machine_digest():
    """A hash of what a launch test uses besides the checkout: this Python and its packages,
    the other Pythons on the machine, Chromium, the CPU and the settings read from the
    environment."""
    import hashlib
    import importlib.metadata
    import platform
    import shutil
    import subprocess

    facts = [sys.version, platform.platform(), sorted(f"{d.metadata['Name']}=={d.version}"
                                                      for d in importlib.metadata.distributions() if d.metadata["Name"])]
    for minor in range(8, 16):
        python = shutil.which(f"python3.{minor}")
        if python:
            probe = subprocess.run([python, "-c", "import sys; print(sys.version)"], capture_output=True, text=True)
            facts.append((python, probe.stdout))
    chromium = shutil.which("chromium")
    if chromium:
        facts.append(subprocess.run([chromium, "--version"], capture_output=True, text=True).stdout)
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        first = cpuinfo.read_text().split("\n\n")[0]
        facts.append([line for line in first.splitlines() if line.startswith(("model name", "flags"))])
    facts.append(sorted((k, v) for k, v in os.environ.items()
                        if k.startswith(("NNFS_", "OPENBLAS", "OMP_", "MKL_", "PIP_", "UV_"))))
    return hashlib.sha256(repr(facts).encode()).hexdigest()


def _launch_record(item):
    """The file that remembers `item`'s pass, or None when passes are not remembered."""
    import hashlib

    config = item.config
    if _tier(item) != REMEMBERED:
        return None
    if not hasattr(config, "_course_launch_key"):
        from launch_env import cache_root  # tests/launch_env.py: the one rule for the test cache

        folder = cache_root("launch-passes")
        tree = _tree_digest() if folder is not None else None
        config._course_launch_key = None if tree is None else (folder, tree + _machine_digest())
    if config._course_launch_key is None:
        return None
    folder, key = config._course_launch_key
    name = hashlib.sha256(f"{key}\0{item.nodeid}".encode()).hexdigest()[:32]
    return folder / f"{name}.json"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    record = _launch_record(item)
    if record is None:
        return None
    if not record.exists():
        item._course_record = record  # written if every phase passes (below)
        return None
    from _pytest.reports import TestReport

    item.ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
    note = f"passed before on this tree, environment and machine: not run again ({record.name})"
    for when in ("setup", "call", "teardown"):
        report = TestReport(item.nodeid, item.location, {}, "passed", None, when,
                            sections=[("remembered", note)] if when == "call" else [], duration=0.0)
        item.ihook.pytest_runtest_logreport(report=report)
    # Tear down what the next test does not share, as this test's own teardown would have.
    item.session._setupstate.teardown_exact(nextitem)
    item.ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
    item.config._course_remembered = getattr(item.config, "_course_remembered", 0) + 1
    return True


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    report = (yield).get_result()
    record = getattr(item, "_course_record", None)
    if record is None:
        return
    if report.outcome != "passed" or hasattr(report, "wasxfail"):
        item._course_record = None  # failed or skipped: nothing to remember
    elif report.when == "teardown":
        import json

        record.parent.mkdir(parents=True, exist_ok=True)
        temporary = record.with_suffix(".tmp")
        temporary.write_text(json.dumps({"test": item.nodeid}))
        temporary.replace(record)
