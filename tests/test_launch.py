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


def test_colab_cell_installs_a_fixed_ref_only_on_colab(monkeypatch):
    """The cell as IPython runs it (its %pip turned into a magic call), once as on Colab and
    once elsewhere: only Colab installs, and from the fixed ref."""
    import sys
    import types

    from IPython.core.inputtransformer2 import TransformerManager

    code = TransformerManager().transform_cell(launch_links.COLAB_CELL.format(**CONFIG))
    calls = []
    shell = types.SimpleNamespace(run_line_magic=lambda name, line: calls.append((name, line)))
    exec(code, {"get_ipython": lambda: shell})
    assert calls == [], "the cell installs outside Colab"
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    exec(code, {"get_ipython": lambda: shell})
    assert calls == [("pip", f'install --quiet "nnfs_helpers @ git+{CONFIG["repository"]}@{CONFIG["ref"]}"')], calls


def test_settings_reject_a_non_github_address_and_a_missing_branch(monkeypatch, tmp_path):
    monkeypatch.setattr(launch_links, "ROOT", tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.nnfs-course]\nrepository = "ftp://x"\nref = "v1"\nhub_branch = "main"\n')
    with pytest.raises(ValueError, match="github.com/OWNER/NAME"):
        launch_links.settings()
    (tmp_path / "pyproject.toml").write_text('[tool.nnfs-course]\nrepository = "https://github.com/a/b"\nref = "v1"\n')
    with pytest.raises(ValueError, match="hub_branch must be"):
        launch_links.settings()


def render_commonmark(text):
    from markdown_it import MarkdownIt
    return MarkdownIt("commonmark").render(text)


@pytest.mark.parametrize("path", [ROOT / "README.md"] + NOTEBOOKS, ids=["README.md"] + [p.name for p in NOTEBOOKS])
def test_badges_render_as_images(path):
    """The badge line is Markdown between HTML comments on lines of their own: rendered by a
    CommonMark renderer, both badges are images inside links, and no raw "[![" shows."""
    text = path.read_text() if path.suffix == ".md" else nbformat.read(path, as_version=4).cells[0].source
    html = render_commonmark(text)
    assert html.count('<img src="https://mybinder.org/badge_logo.svg"') == 1, html[:600]
    assert html.count('<img src="https://colab.research.google.com/assets/colab-badge.svg"') == 1, html[:600]
    assert "[![" not in html, "badge Markdown shows as raw text"


from launch_env import pins  # noqa: E402

TEST_TOOLS = {"pytest", "nbval", "hypothesis", "playwright", "nbgitpuller", "markdown-it-py", "threadpoolctl", "ruff"}


def readme_command(marker):
    readme = (ROOT / "README.md").read_text()
    return re.search(r"<!-- %s -->\n```bash\n(.+)\n```" % marker, readme).group(1)


def test_the_learners_install_is_lean_and_the_test_install_adds_the_tools():
    assert readme_command("install-command").endswith("-r requirements.txt -e .")
    assert "-r requirements-test.txt " in readme_command("test-command")
    # The every-day command installs nothing, so it works with no network.
    assert "pip" not in readme_command("open-command") and readme_command("open-command").startswith(".venv/bin/")
    runtime, test = pins(ROOT / "requirements.txt"), pins(ROOT / "requirements-test.txt")
    assert not TEST_TOOLS & set(runtime), "test tools do not belong in the learner's install"
    assert TEST_TOOLS <= set(test)
    assert "-r requirements.txt" in (ROOT / "requirements-test.txt").read_text().splitlines()


def test_the_runtime_pins_cover_every_package_the_notebooks_and_helpers_import():
    import ast
    import sys as _sys
    from IPython.core.inputtransformer2 import TransformerManager

    provided = {"numpy", "nnfs", "matplotlib", "sympy", "ipywidgets", "IPython", "nnfs_helpers",
                "ipykernel", "jupyterlab", "matplotlib_inline",
                # the grader's notebook tools, which JupyterLab brings (jupyter_server, nbconvert)
                "nbformat", "nbclient"}
    sources = [c.source for p in NOTEBOOKS for c in nbformat.read(p, as_version=4).cells if c.cell_type == "code"]
    sources = [TransformerManager().transform_cell(s) for s in sources]
    sources += [p.read_text() for p in (ROOT / "nnfs_helpers").rglob("*.py")]
    imported = set()
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imported.add(node.module.split(".")[0])
    third_party = {name for name in imported if name not in _sys.stdlib_module_names}
    assert third_party <= provided, f"imported but not in requirements.txt: {sorted(third_party - provided)}"
    assert {"numpy", "nnfs", "matplotlib", "sympy", "ipywidgets"} <= set(pins(ROOT / "requirements.txt"))


def test_binder_pins_agree_with_requirements_and_install_the_package():
    root, binder = pins(ROOT / "requirements.txt"), pins(ROOT / "binder" / "requirements.txt")
    assert binder and all(root.get(name) == version for name, version in binder.items()), \
        "binder/requirements.txt must use the same pins as requirements.txt"
    assert not TEST_TOOLS & set(binder), "keep the Binder image lean"
    lines = [line.strip() for line in (ROOT / "binder" / "requirements.txt").read_text().splitlines()]
    assert "." in lines, "Binder installs nnfs_helpers from the repository itself"
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"


def test_nbgitpuller_link_is_built_from_the_setting():
    url = launch_links.nbgitpuller_url(CONFIG, "https://hub.example.org/")
    assert url.startswith("https://hub.example.org/hub/user-redirect/git-pull?repo=")
    assert "branch=" + CONFIG["hub_branch"] in url and "01_single_neuron.ipynb" in url
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


def test_the_in_browser_badge_comes_from_the_same_setting_and_renders():
    """With `lite_url` set, a third badge opens the same notebook in the JupyterLite site;
    without it the badge line is exactly the Binder and Colab badges."""
    config = {**CONFIG, "lite_url": "https://nnfs-course.github.io/nnfs-notebooks/"}
    name = NOTEBOOKS[0].name
    line = launch_links.badge_line(config, name)
    url = f"https://nnfs-course.github.io/nnfs-notebooks/lab/index.html?path=notebooks/{name}"
    assert launch_links.lite_url(config, name) == url and f"]({url})" in line
    assert line.startswith(launch_links.badge_line({**CONFIG, "lite_url": ""}, name).split("\n<!-- /badges -->")[0])
    html = render_commonmark(line)
    assert html.count(f'<img src="{launch_links.LITE_BADGE}"') == 1 and "[![" not in html
    assert launch_links.lite_url({**CONFIG, "lite_url": ""}, name) is None


def test_settings_reject_a_lite_url_that_is_not_an_address(monkeypatch, tmp_path):
    monkeypatch.setattr(launch_links, "ROOT", tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.nnfs-course]\nrepository = "https://github.com/a/b"\n'
                                            'ref = "v1"\nhub_branch = "main"\nlite_url = "pages"\n')
    with pytest.raises(ValueError, match="lite_url must be"):
        launch_links.settings()
