"""Generate the workshop edition: the notebooks without their solutions.

    .venv/bin/python tools/workshop_edition.py                 # writes workshop/notebooks/
    .venv/bin/python tools/workshop_edition.py --out DIR --ref v1.0

The notebooks are read from git, as committed (`--ref`, default HEAD), never from the working
copy, which may hold a learner's or an author's unsaved experiments. Cells tagged `solution`
are removed, and so is every sentence that points to a solution cell; the learners' exercise
cells stay as the stubs they are; every output and execution count is cleared so learners
start from a clean page. The result is deterministic (the same commit always gives the same
bytes) and is not committed: `workshop/` is in .gitignore. Hand it out, or publish it for
nbgitpuller.
"""

import argparse
import re
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
DEFAULT_OUT = ROOT / "workshop" / "notebooks"
NOTE = ("> **Workshop edition:** the worked solutions are removed. Write your answer in each "
        "exercise cell and run the check below it.")


# A sentence (or parenthesis) in the notebooks' text that points to the worked solution.
POINTER = r"\b(?:the|worked|hidden)\s+(?:worked\s+)?solutions?\b"
PARENTHESIS = re.compile(r"\s*\([^()]*%s[^()]*\)" % POINTER, re.IGNORECASE)


def drop_solution_references(markdown):
    """Remove each parenthesis and sentence of `markdown` that points to a solution cell
    (only paragraphs that contain such a pointer are touched)."""
    paragraphs = markdown.split("\n\n")
    for index, paragraph in enumerate(paragraphs):
        if not re.search(POINTER, paragraph, re.IGNORECASE):
            continue
        paragraph = PARENTHESIS.sub("", paragraph)
        sentences = re.split(r"(?<=[.!?])\s+", paragraph)
        paragraphs[index] = " ".join(s for s in sentences if not re.search(POINTER, s, re.IGNORECASE))
    return "\n\n".join(p for p in paragraphs if p.strip())


def strip_solutions(notebook):
    """Return a copy of `notebook` without solutions, references to them, or outputs."""
    edition = nbformat.from_dict(notebook)
    edition.cells = [c for c in edition.cells if "solution" not in c.get("metadata", {}).get("tags", [])]
    for cell in edition.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        elif cell.cell_type == "markdown":
            cell.source = drop_solution_references(cell.source)
    first = edition.cells[0]
    if first.cell_type == "markdown" and NOTE not in first.source:
        first.source = first.source.rstrip("\n") + "\n\n" + NOTE
    return edition


def resolve_ref(ref="HEAD", tool="workshop_edition"):
    """`ref` if this clone has it; otherwise HEAD, after saying which ref is missing and what to
    do (a tag such as v1.0 exists only once the course is published and the tag is created)."""
    found = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
                           cwd=ROOT, capture_output=True, text=True)
    if found.returncode == 0 or ref == "HEAD":
        return ref
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    print(f"{tool}: this clone has no commit, tag or branch named {ref!r}; using HEAD "
          f"({head.stdout.strip() or 'the checked-out commit'}) instead. To build {ref}, create the tag "
          f"(git tag {ref} && git push origin {ref}) or fetch it (git fetch --tags), then run this again.",
          file=sys.stderr, flush=True)
    return "HEAD"


def committed_notebooks(ref="HEAD"):
    """(name, text) of every notebook as committed at `ref` (HEAD, saying so, if `ref` is missing)."""
    ref = resolve_ref(ref)

    def git(*args):
        result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"workshop_edition: git {' '.join(args)} failed: {result.stderr.strip()} "
                             "(the edition is built from the notebooks as committed in git)")
        return result.stdout

    names = [n for n in git("ls-tree", "--name-only", ref, "notebooks/").splitlines()
             if re.fullmatch(r"notebooks/\d\d_[^/]+\.ipynb", n)]
    if not names:
        raise SystemExit(f"workshop_edition: no notebooks committed at {ref}")
    return [(Path(name).name, git("show", f"{ref}:{name}")) for name in sorted(names)]


def build(out=DEFAULT_OUT, ref="HEAD"):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in committed_notebooks(ref):
        edition = strip_solutions(nbformat.reads(text, as_version=4))
        nbformat.validate(edition)
        target = out / name
        nbformat.write(edition, target)
        written.append(target)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--ref", default="HEAD", help="the commit, tag or branch to build from (default HEAD)")
    args = parser.parse_args(argv)
    for path in build(args.out, args.ref):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
