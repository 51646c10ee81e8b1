"""A non-editable install (what Colab, Binder and a JupyterHub do) contains the whole course.

The wheel is built from the repository and installed, as INSTRUCTORS.md's hub recipe does, with
--no-deps into a fresh virtual environment made from the learner's lock (hashes required); pip
check confirms the lock holds every dependency the wheel declares; every module of nnfs_helpers
is imported from it, and nbval runs notebooks 01 and 12 from a copy of notebooks/ outside the
repository, so nothing can come from the source tree.
"""

import zipfile

import pytest

import launch_env

pytestmark = pytest.mark.launch



@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    return launch_env.build_wheel(tmp_path_factory.mktemp("wheel"))


def test_the_wheel_holds_every_module_and_data_file_of_the_package(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    package = launch_env.ROOT / "nnfs_helpers"
    for path in package.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            wanted = path.relative_to(launch_env.ROOT).as_posix()
            assert wanted in names, f"{wanted} is missing from the wheel"


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory):
    """A fresh venv with the learner's lock and the wheel (non-editable)."""
    # The locked environment and the test tools come from a cached environment; the wheel is
    # installed afresh each time, with nothing but itself, as the hub recipe does.
    venv = launch_env.cached_venv("3.11", launch_env.learner_environment("nbval", "pytest"),
                                  tmp_path_factory.mktemp("venv") / "env")
    launch_env.pip_install(venv, "--no-deps", str(wheel))
    launch_env.run([venv, "-m", "pip", "check"])
    return venv


def test_every_module_imports_from_the_installed_package(installed, tmp_path):
    script = (
        "import importlib, pkgutil, nnfs_helpers\n"
        "assert 'site-packages' in nnfs_helpers.__file__, nnfs_helpers.__file__\n"
        "names = [m.name for m in pkgutil.walk_packages(nnfs_helpers.__path__, 'nnfs_helpers.')]\n"
        "for name in names: importlib.import_module(name)\n"
        "print(len(names), 'modules', sorted(names))\n")
    out = launch_env.run([installed, "-c", script], cwd=tmp_path).stdout
    assert "nnfs_helpers.exercises.nb01" in out and "nnfs_helpers.network" in out


def test_notebooks_01_and_12_reproduce_their_outputs_from_the_installed_package(installed, tmp_path):
    folder = tmp_path / "course"
    launch_env.copy_notebooks(folder, names=["01_", "12_"])
    result = launch_env.nbval(installed, folder)
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-3000:]
    assert " passed" in result.stdout and "failed" not in result.stdout
