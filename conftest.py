"""pytest configuration shared by the unit tests and nbval (root level, so that it is
loaded however pytest is started, even on a single notebook)."""

import os
import sys
from pathlib import Path

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


def pytest_collection_modifyitems(config, items):
    keep, drop = [], []
    for item in items:
        (keep if _tier(item) in config._course_tiers else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _git_status():
    import subprocess

    try:
        return subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT,
                              capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None


def pytest_sessionfinish(session, exitstatus):
    """Tests leave the checkout as they found it: a file written, changed or deleted by the
    run fails it."""
    before = getattr(session.config, "_course_status", None)
    after = _git_status()
    if before is not None and after is not None and after != before:
        changed = sorted(set(after.splitlines()) ^ set(before.splitlines()))
        session.config._course_dirty = changed
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    changed = getattr(config, "_course_dirty", None)
    if changed:
        terminalreporter.write_line("FAILED: the tests changed the checkout (git status):", red=True)
        for line in changed[:40]:
            terminalreporter.write_line(f"    {line}")
