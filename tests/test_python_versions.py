"""The Python versions the package claims (`requires-python`), tested at both ends.

The lowest, 3.11, is the course's pinned environment: every other test runs on it. The newest,
3.13, is what current installers and Linux distributions ship: a fresh venv of it gets the
learner's lock (hashes required) and the wheel built from the repository, and every notebook runs there with its
recorded outputs compared (nbval, from a copy outside the repository). A version outside the
range is refused by pip with a message that names the range.
"""

import re

import pytest

import launch_env

pytestmark = pytest.mark.launch

PYPROJECT = (launch_env.ROOT / "pyproject.toml").read_text()
REQUIRES = re.search(r'^requires-python = "([^"]+)"', PYPROJECT, re.M)[1]
LOWEST, NEWEST = re.fullmatch(r">=(3\.\d+),<3\.(\d+)", REQUIRES).groups()
NEWEST = f"3.{int(NEWEST) - 1}"


def test_the_claimed_range_starts_at_the_pinned_python():
    import sys

    assert LOWEST == f"{sys.version_info[0]}.{sys.version_info[1]}", \
        "the lowest claimed Python is not the one the course is pinned and tested on"
    assert "(Python 3.11)" in (launch_env.ROOT / "requirements.txt").read_text()


def test_every_notebook_reproduces_its_outputs_on_the_newest_python(tmp_path):
    wheel = launch_env.build_wheel(tmp_path / "wheel")
    venv = launch_env.cached_venv(NEWEST, launch_env.learner_environment("nbval", "pytest"), tmp_path / "env")
    launch_env.pip_install(venv, "--no-deps", str(wheel))
    launch_env.run([venv, "-m", "pip", "check"])
    version = launch_env.run([venv, "-c", "import sys; print(sys.version_info[:2])"]).stdout.strip()
    assert version == str(tuple(int(p) for p in NEWEST.split("."))), version
    folder = tmp_path / "course"
    copies = launch_env.copy_notebooks(folder)
    result = launch_env.nbval(venv, folder, remember=f"python{NEWEST}")
    assert result.returncode == 0, result.stdout[-10000:] + result.stderr[-3000:]
    assert " failed" not in result.stdout and len(copies) == len(launch_env.copy_notebooks(tmp_path / "again"))


def test_a_python_outside_the_range_is_refused_with_a_clear_message(tmp_path):
    python = launch_env.find_python("3.10")
    if python is None:
        pytest.skip("no Python 3.10 on this machine to show the refusal")
    venv = launch_env.make_venv(python, tmp_path / "env")
    result = launch_env.subprocess.run(
        [str(venv), "-m", "pip", "install", "--no-deps", "--dry-run", str(launch_env.ROOT)],
        capture_output=True, text=True)
    assert result.returncode != 0
    said = result.stdout + result.stderr
    assert "requires a different Python: 3.10" in said and f">={LOWEST}" in said, said[-2000:]
