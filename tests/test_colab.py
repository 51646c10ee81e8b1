"""Colab, proven without Colab.

An environment with Colab's versions (Python 3.12, numpy 2.0, ipywidgets 7.7, ipykernel 6,
and no nnfs_helpers) in which `google.colab` is imported at start, as on Colab. Every
notebook runs there under nbval with its Colab cell active: the cell installs the course,
non-editable, from a local git repository standing in for the published one (the working
tree, tagged with the launch setting's ref). Passing means no error output and every
recorded number unchanged. BLAS runs with the threads OpenBLAS chooses, as on Colab.
"""

import json
from pathlib import Path

import nbformat
import pytest

import launch_env
import launch_links

pytestmark = pytest.mark.launch

CONFIG = launch_links.settings()
TOOLS = launch_env.pins(launch_env.ROOT / "requirements-test.txt")
COLAB_PACKAGES = [*launch_env.COLAB_VERSIONS, f"pytest=={TOOLS['pytest']}", f"nbval=={TOOLS['nbval']}"]


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    root = tmp_path_factory.mktemp("colab")
    venv = launch_env.cached_venv(launch_env.COLAB_PYTHON, COLAB_PACKAGES, root / "env")
    site = Path(launch_env.run([venv, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    # Colab's kernel has google.colab imported before the first cell runs.
    (site / "google" / "colab").mkdir(parents=True)
    (site / "google" / "__init__.py").write_text("")
    (site / "google" / "colab" / "__init__.py").write_text('"""Stands in for Colab\'s module in tests."""\n')
    (site / "colab_emulation.pth").write_text("import google.colab\n")
    repository = launch_env.snapshot_repository(root / "published", CONFIG["ref"])
    return venv, repository, root


def test_the_environment_looks_like_colab_and_lacks_the_course(colab):
    venv, _, root = colab
    script = ("import sys, importlib.util, numpy, ipywidgets, ipykernel\n"
              "print(sys.version_info[:2], numpy.__version__, ipywidgets.__version__, ipykernel.__version__,\n"
              "      'google.colab' in sys.modules, importlib.util.find_spec('nnfs_helpers') is None)")
    out = launch_env.run([venv, "-c", script], cwd=root).stdout
    assert out.split() == ["(3,", "12)", "2.0.2", "7.7.1", "6.17.1", "True", "True"], out


def test_every_notebook_runs_on_colab_with_its_recorded_outputs(colab):
    venv, repository, root = colab
    url = f"file://{repository}"

    def as_on_colab(notebook):
        for cell in notebook.cells:
            if "colab" in cell.metadata.get("tags", []):
                cell.source = launch_links.COLAB_CELL.format(repository=url, ref=CONFIG["ref"])
                # pip's "you may need to restart the kernel" note is the only output it may add.
                cell.metadata["tags"] = cell.metadata["tags"] + ["nbval-ignore-output"]

    # BLAS as on Colab: as many threads as OpenBLAS chooses (two on Colab's two cores), not
    # the one thread the other tests set.
    colab_blas = {"OPENBLAS_NUM_THREADS": None}
    # The first notebook on its own, every time: its Colab cell installs the course from the URL.
    first = launch_env.copy_notebooks(root / "first", names=["01"], edit=as_on_colab)
    result = launch_env.nbval(venv, root / "first", env_extra=colab_blas)
    assert result.returncode == 0 and len(first) == 1, result.stdout[-10000:] + result.stderr[-3000:]
    # Then every notebook (its pass remembered for the same notebooks, package and environment).
    folder = root / "course"
    copies = launch_env.copy_notebooks(folder, edit=as_on_colab)
    result = launch_env.nbval(venv, folder, env_extra=colab_blas, remember="colab")
    assert result.returncode == 0, result.stdout[-10000:] + result.stderr[-3000:]
    assert " failed" not in result.stdout and " error" not in result.stdout
    assert f"{sum(len([c for c in nbformat.read(p, 4).cells if c.cell_type == 'code']) for p in copies)} passed" \
        in result.stdout, result.stdout[-2000:]
    # The package came from the git URL, installed as a normal (non-editable) package.
    info = launch_env.run([venv, "-c", (
        "import importlib.metadata as m, json\n"
        "d = m.distribution('nnfs_helpers')\n"
        "print(d.read_text('direct_url.json'))")], cwd=root).stdout
    direct = json.loads(info)
    assert direct["url"] == url and direct["vcs_info"]["requested_revision"] == CONFIG["ref"], direct
    assert "dir_info" not in direct, "installed editable"
