"""Shared by the launch-path tests: fresh virtual environments that install the course the
way a user's platform does, and nbval run inside them on copies of the notebooks kept
outside the repository (so nothing can be imported from the source tree)."""

import glob
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SANITIZE = ROOT / "tests" / "sanitize.cfg"


def find_python(version):
    """The path of a `pythonX.Y` interpreter on this machine, or None."""
    candidates = [shutil.which(f"python{version}")]
    candidates += sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}*/bin/python{version}")))
    candidates += [f"/usr/bin/python{version}", f"/usr/local/bin/python{version}"]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            probe = subprocess.run([candidate, "-c", "import sys, venv; print(sys.version_info[:2])"],
                                   capture_output=True, text=True)
            if probe.returncode == 0 and probe.stdout.strip() == str(tuple(int(p) for p in version.split("."))):
                return candidate
    return None


def pins(path):
    """{name: version} for the `name==version` lines of a requirements file."""
    import re

    found = {}
    for line in Path(path).read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", line.strip())
        if match:
            found[match[1].lower()] = match[2]
    return found


def run(command, **kwargs):
    """Run a command; on failure raise with its output, so a test says what went wrong."""
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, command))} exited {result.returncode}\n"
                             f"--- stdout ---\n{result.stdout[-6000:]}\n--- stderr ---\n{result.stderr[-6000:]}")
    return result


def make_venv(python, path):
    """A new virtual environment at `path`; returns its python."""
    run([python, "-m", "venv", path])
    venv_python = Path(path) / "bin" / "python"
    run([venv_python, "-m", "pip", "install", "-q", "--upgrade", "pip"])
    return venv_python


# Colab's versions of the packages the course uses (checked against a Colab runtime): the one
# list that tests/test_colab.py and tests/test_widget_repeat.py build their environments from.
COLAB_PYTHON = "3.12"
COLAB_VERSIONS = ["numpy==2.0.2", "matplotlib==3.10.0", "ipywidgets==7.7.1", "ipykernel==6.17.1",
                  "ipython==7.34.0", "sympy==1.13.1"]


def cache_root(name):
    """The test cache's folder `name` ($NNFS_TEST_CACHE, default ~/.cache/nnfs-course, outside
    the checkout), or None when NNFS_TEST_CACHE=off."""
    setting = os.environ.get("NNFS_TEST_CACHE", "")
    if setting.lower() == "off":
        return None
    return Path(setting or Path.home() / ".cache" / "nnfs-course") / name


def cached_venv(version, requirements, dest):
    """A fresh virtual environment at `dest` with Python `version` and `requirements` (pip
    arguments for one `pip install`, or a list of such lists for several, in order; files named
    after -r or -c count by their content), copied from a cache keyed by a hash of all of that,
    so it is built once per change of its pins. Returns its python.

    A copy, not the cached environment itself, so a test may install into it freely. Entry
    scripts keep the cached path in their first line: call tools as `python -m tool`."""
    import hashlib
    import json

    python = find_python(version)
    assert python, f"Python {version} is not on this machine"
    steps = requirements if requirements and isinstance(requirements[0], (list, tuple)) else [requirements]
    full = run([python, "-c", "import sys; print(sys.version)"]).stdout.strip()
    parts = [full]
    for step in steps:
        for i, item in enumerate(map(str, step)):
            parts.append(item)
            if i and str(step[i - 1]) in ("-r", "-c"):
                parts.append(_with_included(Path(item)))
        parts.append("--")

    def install(venv):
        for step in steps:
            pip_install(venv, *step)

    key = hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:24]
    root = cache_root("venvs")
    dest = Path(dest)
    if root is None:
        venv = make_venv(python, dest)
        install(venv)
        return venv
    cached = root / f"py{version}-{key}"
    if not (cached / "ready").exists():
        shutil.rmtree(cached, ignore_errors=True)
        venv = make_venv(python, cached)
        install(venv)
        (cached / "ready").write_text(json.dumps(parts, indent=1))
    shutil.copytree(cached, dest, symlinks=True)
    return dest / "bin" / "python"


def _with_included(path):
    """The text of a requirements file followed by that of every file it includes (-r, -c)."""
    import re

    text = path.read_text()
    for name in re.findall(r"^-[rc]\s+(\S+)", text, re.M):
        text += _with_included(path.parent / name)
    return text


LOCK = ROOT / "requirements-lock.txt"
TEST_LOCK = ROOT / "requirements-test-lock.txt"


def learner_environment(*tools):
    """cached_venv steps that install the learner's environment as the README does (the lock,
    hashes required; the package comes after, with --no-deps), then the given test tools
    (names) with what they need, at the versions of the test lock."""
    steps = [["--require-hashes", "-r", LOCK]]
    if tools:
        locked = pins(TEST_LOCK)
        steps.append(["-c", TEST_LOCK, *(f"{name}=={locked[name]}" for name in tools)])
    return steps


def pip_install(venv_python, *args, cwd=None):
    return run([venv_python, "-m", "pip", "install", "-q", "--disable-pip-version-check", *args], cwd=cwd)


def build_wheel(out):
    """Build the nnfs_helpers wheel from the repository, as pip does for `pip install .`."""
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", out, ROOT])
    wheels = list(Path(out).glob("nnfs_helpers-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def copy_notebooks(dest, names=None, edit=None):
    """Copy notebooks (all, or those whose names start with one of `names`) to `dest`,
    applying `edit(notebook)` to each; return the copies."""
    import nbformat

    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    copies = []
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        if names and not path.name.startswith(tuple(names)):
            continue
        notebook = nbformat.read(path, as_version=4)
        if edit:
            edit(notebook)
        nbformat.write(notebook, dest / path.name)
        copies.append(dest / path.name)
    return copies


def nbval_key(venv_python, folder, env_extra, timeout):
    """What an nbval run depends on: the notebooks' bytes, the course's package files (a notebook
    may install them), every distribution installed in the environment, its Python, the BLAS
    settings passed on, this machine's CPU, and this module (which runs nbval)."""
    import hashlib

    digest = hashlib.sha256()
    files = sorted(Path(folder).glob("*.ipynb")) + [SANITIZE, Path(__file__), ROOT / "pyproject.toml"]
    files += sorted(p for p in (ROOT / "nnfs_helpers").rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in files:  # (the run's own temporary folder, which a notebook may name, left out)
        digest.update(f"{path.name}\0".encode() + path.read_bytes().replace(str(Path(folder).parent).encode(), b"<run>"))
    freeze = run([venv_python, "-m", "pip", "freeze", "--all", "--disable-pip-version-check"]).stdout
    freeze = re.sub(r" @ \S+", " @ <local>", freeze)  # the course, built or cloned for this run: its files are counted above
    version = run([venv_python, "-c", "import sys; print(sys.version)"]).stdout
    blas = sorted((k, v) for k, v in os.environ.items() if k.startswith(("OPENBLAS", "OMP", "MKL")))
    cpu = Path("/proc/cpuinfo").read_text().split("\n\n")[0] if Path("/proc/cpuinfo").exists() else ""
    cpu = "\n".join(line for line in cpu.splitlines() if line.startswith(("model name", "flags")))
    digest.update(repr((freeze, version, blas, sorted((env_extra or {}).items(), key=str), timeout, cpu)).encode())
    return digest.hexdigest()[:24]


def nbval(venv_python, folder, env_extra=None, timeout=300, remember=None):
    """Run nbval with `venv_python` over the notebooks in `folder`; return the result.
    `env_extra` sets variables of the kernel's environment (None removes one). With
    `remember="name"`, a passing run is kept in the test cache and given back, without running
    again, for a run with the same inputs (see `nbval_key`)."""
    import json

    folder = Path(folder)
    record = cache_root("nbval-passes") if remember else None
    if record is not None:
        record = record / f"{remember}-{nbval_key(venv_python, folder, env_extra, timeout)}.json"
        if record.exists():
            kept = json.loads(record.read_text())
            return subprocess.CompletedProcess(kept["args"], 0, kept["stdout"], kept["stderr"])
    result = _nbval(venv_python, folder, env_extra, timeout)
    if record is not None and result.returncode == 0:
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps({"args": [str(a) for a in result.args], "stdout": result.stdout,
                                      "stderr": result.stderr}))
    return result


def _nbval(venv_python, folder, env_extra, timeout):
    shutil.copy(SANITIZE, folder / "sanitize.cfg")
    (folder / "pytest.ini").write_text("[pytest]\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "JUPYTER"))}
    env.update({"IPYKERNEL_CELL_NAME": "<cell>", "JUPYTER_DATA_DIR": str(folder / ".jupyter-data"),
})
    for key, value in (env_extra or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    notebooks = sorted(p.name for p in folder.glob("*.ipynb"))
    return subprocess.run(
        [venv_python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", "--nbval-current-env",
         "--nbval-sanitize-with", "sanitize.cfg", f"--nbval-cell-timeout={timeout}", *notebooks],
        cwd=folder, env=env, capture_output=True, text=True)


def snapshot_repository(dest, tag):
    """A git repository holding the working tree as it is (tracked and new files), tagged
    `tag`: a local stand-in for the published repository, for `pip install git+file://...`."""
    dest = Path(dest)
    files = run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT).stdout.split("\0")
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    git = ["git", "-c", "user.name=course", "-c", "user.email=course@localhost", "-c", "init.defaultBranch=main"]
    run([*git, "init", "-q"], cwd=dest)
    run([*git, "add", "-A"], cwd=dest)
    run([*git, "commit", "-q", "-m", "snapshot"], cwd=dest)
    run([*git, "tag", tag], cwd=dest)
    return dest
