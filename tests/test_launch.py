"""Launch links come from the one setting; Binder and Colab are configured."""

import re
from pathlib import Path

import nbformat
import pytest

import launch_links

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
CONFIG = launch_links.settings()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_notebook_has_the_right_badges_and_colab_cell(path):
    notebook = nbformat.read(path, as_version=4)
    title = notebook.cells[0].source
    assert launch_links.badge_line(CONFIG, path.name) in title
    assert launch_links.binder_url(CONFIG, path.name) in title
    assert launch_links.colab_url(CONFIG, path.name) in title
    colab = [c for c in notebook.cells if "colab" in c.metadata.get("tags", [])]
    assert len(colab) == 1 and colab[0].source == launch_links.COLAB_CELL.format(**CONFIG)
    assert colab[0].outputs == [], "the Colab cell prints nothing outside Colab"
    assert notebook.cells.index(colab[0]) == 1, "the Colab cell comes right after the title"


def test_readme_badges_and_nothing_out_of_date():
    assert launch_links.badge_line(CONFIG) in (ROOT / "README.md").read_text()
    assert launch_links.main(["--check"]) == 0


def test_colab_cell_installs_a_fixed_ref_only_on_colab():
    cell = launch_links.COLAB_CELL.format(**CONFIG)
    assert 'if "google.colab" in sys.modules:' in cell
    assert f"git+{CONFIG['repository']}@{CONFIG['ref']}" in cell


def test_settings_reject_a_non_github_address(monkeypatch, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.nnfs-course]\nrepository = "ftp://x"\nref = "v1"\n')
    monkeypatch.setattr(launch_links, "ROOT", tmp_path)
    with pytest.raises(ValueError, match="github.com/OWNER/NAME"):
        launch_links.settings()


def pins(path):
    found = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", line.strip())
        if match:
            found[match[1].lower()] = match[2]
    return found


def test_binder_pins_agree_with_requirements_and_install_the_package():
    root, binder = pins(ROOT / "requirements.txt"), pins(ROOT / "binder" / "requirements.txt")
    assert binder and all(root.get(name) == version for name, version in binder.items()), \
        "binder/requirements.txt must use the same pins as requirements.txt"
    assert not {"pytest", "nbval", "hypothesis", "playwright"} & set(binder), "keep the Binder image lean"
    lines = [l.strip() for l in (ROOT / "binder" / "requirements.txt").read_text().splitlines()]
    assert "." in lines, "Binder installs nnfs_helpers from the repository itself"
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"


def test_nbgitpuller_link_is_built_from_the_setting():
    url = launch_links.nbgitpuller_url(CONFIG, "https://hub.example.org/")
    assert url.startswith("https://hub.example.org/hub/user-redirect/git-pull?repo=")
    assert "branch=" + CONFIG["ref"] in url and "01_single_neuron.ipynb" in url
    with pytest.raises(ValueError, match="JupyterHub's address"):
        launch_links.nbgitpuller_url(CONFIG, "not a url")


def test_readme_table_matches_the_notebooks():
    """Each notebook is listed in README.md with its own title and estimated minutes."""
    readme = (ROOT / "README.md").read_text()
    for path in NOTEBOOKS:
        title_cell = nbformat.read(path, as_version=4).cells[0].source
        title = re.search(r"^# \d\d · (.+)$", title_cell, re.M).group(1).strip()
        minutes = re.search(r"Estimated time:\*\*\s*(\d+)", title_cell).group(1)
        row = re.search(r"^\| %s \| \[(.+?)\]\(notebooks/%s\) \|.*\| (\d+) \|$" % (path.name[:2], path.name),
                        readme, re.M)
        assert row, f"README.md has no row for {path.name}"
        assert (row.group(1), row.group(2)) == (title, minutes), f"README row for {path.name} is out of date"
