"""Write the Binder, Colab and in-browser launch links from the one setting in pyproject.toml.

    python tools/launch_links.py           # update README.md and every notebook
    python tools/launch_links.py --check   # exit 1 if anything is out of date
    python tools/launch_links.py --hub https://hub.example.org   # print an nbgitpuller link

`[tool.nnfs-course]` in pyproject.toml holds the repository address, the fixed `ref` (a tag or
commit) that Binder and Colab launch, and the `hub_branch` that a JupyterHub's nbgitpuller link
follows (nbgitpuller pulls updates with `git diff ..origin/BRANCH`, so it needs a branch: a tag
fails on the second click). From them this writes: the badge line between `<!-- badges -->` and
`<!-- /badges -->` in README.md and in each notebook's first cell, and each notebook's
cell tagged `colab`, which installs `nnfs_helpers` from that tag on Colab only.

With the optional `lite_url` (where the in-browser edition, tools/build_lite.py, is published,
such as https://OWNER.github.io/NAME/), a third badge, "Run in your browser", opens each notebook
in that JupyterLite site. Without it there is no third badge.
"""

import argparse
import re
import sys
import tomllib
from pathlib import Path
from urllib.parse import urlencode

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
README = ROOT / "README.md"
BADGES = re.compile(r"<!-- badges -->.*?<!-- /badges -->", re.S)
BINDER_BADGE = "https://mybinder.org/badge_logo.svg"
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
LITE_BADGE = "https://img.shields.io/badge/run-in%20your%20browser-F37726?logo=jupyter"

COLAB_CELL = '''# On Colab, install the course's helper package first; anywhere else this cell does nothing.
# If pip then says "you may need to restart the kernel", carry on without restarting: that note
# is for packages imported before they were installed, and nothing of the course is imported yet.
import sys
if "google.colab" in sys.modules:
    %pip install --quiet "nnfs_helpers @ git+{repository}@{ref}"'''


def settings():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["nnfs-course"]
    repository, ref = config["repository"].rstrip("/"), config["ref"]
    hub_branch = config.get("hub_branch", "")
    match = re.fullmatch(r"https://github\.com/([\w.-]+)/([\w.-]+)", repository)
    if not match:
        raise ValueError(f"[tool.nnfs-course] repository must be https://github.com/OWNER/NAME, got {repository!r}")
    for name, value in (("ref", ref), ("hub_branch", hub_branch)):
        if not re.fullmatch(r"[\w.][\w./-]*", value or ""):
            raise ValueError(f"[tool.nnfs-course] {name} must be a git tag, commit or branch name, got {value!r}")
    lite_url = config.get("lite_url", "")
    if lite_url and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", lite_url):
        raise ValueError(f"[tool.nnfs-course] lite_url must be the address of the published in-browser site, "
                         f"such as https://OWNER.github.io/NAME/, got {lite_url!r}")
    return {"repository": repository, "ref": ref, "hub_branch": hub_branch, "slug": f"{match[1]}/{match[2]}",
            "lite_url": lite_url}


def binder_url(config, notebook=None):
    url = f"https://mybinder.org/v2/gh/{config['slug']}/{config['ref']}"
    return url + (f"?urlpath=lab/tree/notebooks/{notebook}" if notebook else "?urlpath=lab/tree/notebooks")


def colab_url(config, notebook):
    return f"https://colab.research.google.com/github/{config['slug']}/blob/{config['ref']}/notebooks/{notebook}"


def nbgitpuller_url(config, hub, notebook="01_single_neuron.ipynb"):
    """A link that clones (or updates) the course into each learner's home on a JupyterHub."""
    if not re.fullmatch(r"https?://[^\s/]+(/[^\s]*)?", hub or ""):
        raise ValueError(f"hub must be the JupyterHub's address, such as https://hub.example.org, got {hub!r}")
    folder = config["slug"].split("/")[1]
    query = urlencode({"repo": config["repository"], "branch": config["hub_branch"],
                       "urlpath": f"lab/tree/{folder}/notebooks/{notebook}"})
    return f"{hub.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def lite_url(config, notebook):
    """The notebook in the published in-browser site (JupyterLite), or None without `lite_url`."""
    if not config.get("lite_url"):
        return None
    return f"{config['lite_url'].rstrip('/')}/lab/index.html?path=notebooks/{notebook}"


def badge_line(config, notebook=None):
    """Markdown badges; for the README (notebook=None) Colab opens notebook 01."""
    first = notebook or min(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    # The comments stand on lines of their own: a line that starts with "<!--" is an HTML block
    # in CommonMark, and Markdown on the same line would show as raw text.
    lite = lite_url(config, first)
    third = f" [![Run in your browser]({LITE_BADGE})]({lite})" if lite else ""
    return (f"<!-- badges -->\n[![Open in Binder]({BINDER_BADGE})]({binder_url(config, notebook or first)}) "
            f"[![Open in Colab]({COLAB_BADGE})]({colab_url(config, first)}){third}\n<!-- /badges -->")


def apply_to_notebook(notebook, name, config):
    """Update the badges and the Colab cell of one notebook (in memory); return it."""
    title = notebook.cells[0]
    if BADGES.search(title.source):
        title.source = BADGES.sub(lambda _: badge_line(config, name), title.source)
    for cell in notebook.cells:
        if "colab" in cell.get("metadata", {}).get("tags", []):
            cell.source = COLAB_CELL.format(**config)
    return notebook


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--hub", help="print the nbgitpuller link for this JupyterHub and stop")
    parser.add_argument("--repository", help="with --hub: link to this repository instead of the course's "
                        "(e.g. one holding the workshop edition), https://github.com/OWNER/NAME")
    parser.add_argument("--branch", help="with --hub: the branch to follow instead of hub_branch")
    args = parser.parse_args(argv)
    config = settings()
    if args.repository or args.branch:
        if not args.hub:
            parser.error("--repository and --branch go with --hub")
        if args.repository:
            match = re.fullmatch(r"https://github\.com/([\w.-]+)/([\w.-]+)", args.repository.rstrip("/"))
            if not match:
                parser.error(f"--repository must be https://github.com/OWNER/NAME, got {args.repository!r}")
            config = {**config, "repository": args.repository.rstrip("/"), "slug": f"{match[1]}/{match[2]}"}
        config = {**config, "hub_branch": args.branch or config["hub_branch"]}
    if args.hub:
        print(nbgitpuller_url(config, args.hub))
        return 0
    stale = []
    readme = README.read_text()
    new_readme = BADGES.sub(lambda _: badge_line(config), readme)
    if new_readme != readme:
        stale.append(README)
        if not args.check:
            README.write_text(new_readme)
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        before = nbformat.writes(notebook)
        apply_to_notebook(notebook, path.name, config)
        if nbformat.writes(notebook) != before:
            stale.append(path)
            if not args.check:
                nbformat.write(notebook, path)
    for path in stale:
        print(("out of date: " if args.check else "updated: ") + str(path.relative_to(ROOT)))
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
