"""Execute the notebooks and record their outputs: the one way outputs are regenerated.

    python tools/run_notebooks.py                  # every notebook in notebooks/
    python tools/run_notebooks.py notebooks/03_*.ipynb

For each notebook: regenerate nnfs_helpers/network.py from the `export` cells, tidy the
metadata (kernel, hidden solutions, no widget state), run every cell top to bottom in a
fresh kernel of this environment (badges and the Colab cell
are rewritten from the launch setting first), save the outputs and print the time taken. Stops at
the first cell that raises (unless the cell is tagged `raises-exception`).
"""

import argparse
import hashlib
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
import export_network  # noqa: E402
import launch_links  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
# Warnings name the cell they come from; a fixed name keeps that text the same on every run.
os.environ["IPYKERNEL_CELL_NAME"] = "<cell>"
# One BLAS thread (as in conftest.py): small matrices, and no thread fights on a busy machine.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _joined(text):
    return "".join(text) if isinstance(text, list) else text


def merge_streams(outputs):
    """Join consecutive stdout (or stderr) pieces: how text is split depends on timing.

    Returns new output objects where it joins; the outputs it was given are never changed
    (their text may be a list shared with other copies)."""
    merged = []
    for output in outputs:
        if (output.get("output_type") == "stream" and merged
                and merged[-1].get("output_type") == "stream" and merged[-1]["name"] == output["name"]):
            merged[-1] = nbformat.from_dict({**merged[-1], "text": _joined(merged[-1]["text"]) + _joined(output["text"])})
        else:
            merged.append(output)
    return merged


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
# The kernel's own log (not the notebook's output): its start-up warning about TCP without
# encryption concerns a kernel on a network, not one on this machine talking to this process.
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]


def stable_widget_ids(notebook, name=""):
    """Give every displayed widget a model id made from where it is displayed.

    ipywidgets draws a random id for every widget; the saved notebook holds no widget state
    (nothing a saved id could point to), so the id carries no information, and a fixed one
    makes a re-run write identical bytes.
    """
    for index, cell in enumerate(notebook.cells):
        for number, output in enumerate(cell.get("outputs", [])):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view and "model_id" in view:
                view["model_id"] = hashlib.sha256(f"{name}:{index}:{number}".encode()).hexdigest()[:32]
    return notebook


def tidy(notebook, name=""):
    """Normalise notebook metadata so every run writes the same file.

    `language_info` is kept exactly as the kernel reported it when the notebook ran (nbclient
    records it): JupyterLab writes the same on opening, so a notebook opened and closed in the
    course's environment stays unmodified (on another Python patch version, only its
    "version" line would change).
    """
    language_info = notebook.metadata.get("language_info", {"name": "python"})
    notebook.metadata = nbformat.from_dict({
        "kernelspec": KERNELSPEC,
        "language_info": language_info,
        **({"colab": notebook.metadata["colab"]} if "colab" in notebook.metadata else {}),
    })
    for cell in notebook.cells:
        metadata = cell.setdefault("metadata", {})
        metadata.pop("execution", None)
        metadata.pop("lines_to_next_cell", None)  # left by jupytext conversions
        if cell.cell_type == "code":
            cell.outputs = merge_streams(cell.outputs)
        if "solution" in metadata.get("tags", []):
            # Hidden until opened: collapsed in JupyterLab, a form cell in Colab.
            metadata.setdefault("jupyter", {})["source_hidden"] = True
            metadata["cellView"] = "form"
    return stable_widget_ids(notebook, name)


def prepare(path):
    """The notebook as it is about to run: tidied, badges and Colab cell from the launch setting."""
    notebook = tidy(nbformat.read(path, as_version=4), path.name)
    launch_links.apply_to_notebook(notebook, path.name, launch_links.settings())
    return notebook


def client_for(notebook, folder, timeout=600, **options):
    """The one way a notebook is executed: a fresh python3 kernel, cwd `folder`."""
    return NotebookClient(
        notebook, timeout=timeout, kernel_name="python3", store_widget_state=True,
        record_timing=False, extra_arguments=list(KERNEL_ARGUMENTS),
        resources={"metadata": {"path": str(folder)}}, **options,
    )


def run(path, timeout=600, env=None):
    """Execute one notebook from a fresh kernel, in memory; return (notebook, seconds).

    `env`, when given, is the kernel's whole environment (the tests use it to choose the
    BLAS kernel and thread count)."""
    notebook = prepare(path)
    client = client_for(notebook, path.parent, timeout)
    start = time.perf_counter()
    client.execute(**({"env": env} if env is not None else {}))
    return notebook, time.perf_counter() - start


def saved_text(notebook, name):
    """The exact text `execute` writes for an executed notebook."""
    nbformat.validate(notebook)
    text = nbformat.writes(tidy(notebook, name))
    return text if text.endswith("\n") else text + "\n"


def execute(path, timeout=600):
    """Run one notebook and save its outputs in place; return the seconds it took."""
    notebook, elapsed = run(path, timeout)
    path.write_text(saved_text(notebook, path.name), encoding="utf-8")
    return elapsed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to run (default: all)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    export_network.main([])
    total = 0.0
    for path in paths:
        seconds = execute(path.resolve(), args.timeout)
        total += seconds
        print(f"{path.name:<40} {seconds:6.1f} s", flush=True)
    print(f"{'total':<40} {total:6.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
