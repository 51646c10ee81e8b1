"""Binder (repo2docker) and a JupyterHub's image install the course whole.

repo2docker, seeing binder/runtime.txt (python-3.11) and binder/requirements.txt, makes a
Python 3.11 environment and runs `pip install --no-cache-dir -r binder/requirements.txt` from
the repository's root (its working directory); because the file includes another (`-r
../requirements-lock.txt`, the hashed lock), it does so after copying the repository in. Then it
runs `./binder/postBuild` from the root, with that environment's python first on PATH, which
installs the helper package. This test does the same in a fresh virtual environment on a copy of
the repository (pip's cache allowed, which changes only the speed), then imports every module
from the installed package, checks JupyterLab can show the widgets, and runs notebook 03 with
nbval in the copy's notebooks folder, as a Binder user would.
"""

import os

import launch_env
import pytest

pytestmark = pytest.mark.launch


def test_binder_files_install_the_course_and_a_notebook_reproduces_its_outputs(tmp_path):
    runtime = (launch_env.ROOT / "binder" / "runtime.txt").read_text().strip()
    assert runtime.startswith("python-")
    python = launch_env.find_python(runtime.split("-", 1)[1])
    assert python, f"{runtime} is not on this machine"
    repo = launch_env.snapshot_repository(tmp_path / "repo", "binder")
    venv = launch_env.make_venv(python, tmp_path / "env")
    launch_env.pip_install(venv, "-r", "binder/requirements.txt", cwd=repo)
    path = os.pathsep.join([str(venv.parent), os.environ.get("PATH", "")])
    launch_env.run(["./binder/postBuild"], cwd=repo, env={**os.environ, "PATH": path})
    launch_env.run([venv, "-m", "pip", "check"])

    script = ("import importlib, pkgutil, nnfs_helpers\n"
              "assert 'site-packages' in nnfs_helpers.__file__, nnfs_helpers.__file__\n"
              "for m in pkgutil.walk_packages(nnfs_helpers.__path__, 'nnfs_helpers.'):\n"
              "    importlib.import_module(m.name)\n"
              "print('ok')")
    assert launch_env.run([venv, "-c", script], cwd=tmp_path).stdout.strip() == "ok"
    extensions = launch_env.run([venv.parent / "jupyter", "labextension", "list"], cwd=tmp_path)
    assert "@jupyter-widgets/jupyterlab-manager" in extensions.stdout + extensions.stderr

    # nbval is not part of the Binder image; add it to run the check.
    launch_env.pip_install(venv, *launch_env.learner_environment("nbval", "pytest")[1])
    folder = repo / "notebooks"
    for path in folder.glob("*.ipynb"):
        if not path.name.startswith("03_"):
            path.unlink()
    result = launch_env.nbval(venv, folder)
    assert result.returncode == 0 and " passed" in result.stdout, result.stdout[-6000:] + result.stderr[-2000:]
