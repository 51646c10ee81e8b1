"""The launch tier's remembered passes (conftest.py): a launch test that passed is not run again
while the checkout, the environment and the machine are the same, and is run again when any
file changes, when it failed or was skipped, or with NNFS_TEST_CACHE=off. Checked on a small
project that uses the course's conftest.py."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TESTS = '''
import os
from pathlib import Path

import pytest

LOG = Path(os.environ["RUN_LOG"])


def note(name):
    with LOG.open("a") as stream:
        stream.write(name + "\\n")


@pytest.fixture(scope="module")
def expensive():
    note("fixture")
    return 1


@pytest.mark.launch
def test_launch_a(expensive):
    note("a")


@pytest.mark.launch
def test_launch_b(expensive):
    note("b")
    assert os.environ.get("FAIL_B") != "1"


@pytest.mark.launch
def test_launch_skipped():
    note("skipped")
    pytest.skip("nothing to run here")


def test_quick():
    note("quick")
'''

OTHER = '''
import pytest


@pytest.fixture(scope="module")
def other_fixture():
    return 2


@pytest.mark.launch
def test_in_another_module(other_fixture):
    assert other_fixture == 2
'''


def project(tmp_path):
    folder = tmp_path / "project"
    (folder / "tests").mkdir(parents=True)
    shutil.copy(ROOT / "conftest.py", folder / "conftest.py")
    shutil.copy(ROOT / "tests" / "launch_env.py", folder / "tests" / "launch_env.py")
    (folder / "tests" / "test_things.py").write_text(TESTS)
    (folder / "tests" / "test_other.py").write_text(OTHER)
    (folder / "pyproject.toml").write_text('[tool.pytest.ini_options]\ntestpaths = ["tests"]\n')
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@localhost"]
    subprocess.run([*git, "init", "-q"], cwd=folder, check=True)
    subprocess.run([*git, "add", "-A"], cwd=folder, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "start"], cwd=folder, check=True)
    return folder


def run(folder, log, cache, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "NNFS_"))}
    env.update({"RUN_LOG": str(log), "NNFS_TEST_CACHE": str(cache), **extra})
    log.write_text("")
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:hypothesispytest", "-p", "no:nbval", "-p", "no:anyio", "--tier", "all", "-rA"],
                            cwd=folder, env=env, capture_output=True, text=True, timeout=120)
    return result, log.read_text().split()


def records(cache):
    return sorted(json.loads(p.read_text())["test"] for p in (cache / "launch-passes").glob("*.json"))


def test_a_pass_is_remembered_until_a_file_changes_and_a_failure_or_skip_never(tmp_path):
    folder, log, cache = project(tmp_path), tmp_path / "log", tmp_path / "cache"
    everything = ["fixture", "a", "b", "skipped", "quick"]
    failed, ran = run(folder, log, cache, FAIL_B="1")
    assert failed.returncode == 1 and ran == everything, failed.stdout + failed.stderr
    assert records(cache) == ["tests/test_other.py::test_in_another_module", "tests/test_things.py::test_launch_a"]

    # The failed test runs again (with the fixture it needs), the passed ones do not.
    second, ran = run(folder, log, cache)
    assert second.returncode == 0 and ran == ["fixture", "b", "skipped", "quick"], second.stdout + second.stderr
    assert len(records(cache)) == 3  # now b too; never the skipped one

    third, ran = run(folder, log, cache)
    assert third.returncode == 0, third.stdout + third.stderr
    assert ran == ["skipped", "quick"], "a remembered test ran again, or its fixture was set up"
    assert "4 passed, 1 skipped" in third.stdout, third.stdout
    assert "3 launch tests passed before on this tree, environment and machine" in third.stdout
    assert "not run again" in third.stdout

    # Any file of the checkout changed, even one no test reads: everything runs again.
    (folder / "README.md").write_text("a new file\n")
    _, ran = run(folder, log, cache)
    assert ran == everything

    _, ran = run(folder, log, cache, NNFS_TEST_CACHE="off")
    assert ran == everything
