"""Build the in-browser edition of the course: a JupyterLite site with the Pyodide kernel.

    python tools/build_lite.py                                # mirror: Pyodide's own CDN
    python tools/build_lite.py --mirror ../shared/pyodide-0.27.7   # a local folder
    python tools/build_lite.py --mirror https://example.org/pyodide/0.27.7/ --out public/
    python tools/build_lite.py --report      # then print the site's size and file counts (docs/in-browser.md)

The site (default `lite-build/site/`, not committed) is static files: serve it from any web
server, open `lab/index.html`, and the course runs in the browser, with no install and no
server-side kernel. It holds every notebook (`notebooks/`, the full edition; `workshop/`, the
edition without solutions, from tools/workshop_edition.py), and the kernel starts with
`nnfs_helpers`, `nnfs`, `numpy`, `matplotlib`, `sympy` and `ipywidgets` already installed: no
`%pip` cell and no network when it runs.

Where each file comes from, and how it is checked:
- the JupyterLite application: `jupyterlite-core` (requirements-lite.txt, installed in the
  Python that runs this tool); the Pyodide kernel's lab extension and its own wheels: the
  `jupyterlite-pyodide-kernel` wheel from PyPI, checked against the sha256 in lite/pyodide.json;
- the Pyodide core (pyodide.js, the WebAssembly interpreter, the standard library and
  `pyodide-lock.json`): the npm package `pyodide@VERSION` (lite/pyodide.json), its tarball
  checked against the sha512 pinned there;
- Pyodide's packages (the WebAssembly builds of numpy and matplotlib, IPython, ...): the mirror,
  a folder or a base URL; every file's sha256 must equal the one in the npm package's
  `pyodide-lock.json`, and a mismatch stops the build;
- pure-Python wheels (nnfs, sympy, ipywidgets, ...): PyPI, with the versions and sha256 hashes
  pinned in lite/requirements-browser.txt (pip --require-hashes);
- nnfs_helpers: a wheel built from this repository; the notebooks: as committed in git (--ref).
Each of them is added to the site's own `pyodide-lock.json` (under its normalised name), and the
kernel loads them at start (lite/jupyter-lite.json, `loadPyodideOptions.packages`).

Downloads are cached in `lite-build/cache/` (not committed), so a rebuild needs no network. The
build is deterministic: the same commit, pins and mirror give the same bytes (timestamps come
from the commit, wheels are repacked with fixed dates). At the end it prints the site's size and
a digest of every file, which stays the same from one build to the next.
"""

import argparse
import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LITE = ROOT / "lite"
BUILD = ROOT / "lite-build"
DEFAULT_OUT = BUILD / "site"
DEFAULT_CACHE = BUILD / "cache"
PYODIDE = json.loads((LITE / "pyodide.json").read_text())
KERNEL_WHEELS = ("pyodide_kernel", "piplite", "ipykernel", "widgetsnbextension-4")
FIXED_DATE = (1980, 1, 1, 0, 0, 0)

sys.path.insert(0, str(ROOT / "tools"))

# What JupyterLite writes into a notebook's metadata when the Pyodide kernel (of the pinned
# jupyterlite-pyodide-kernel) starts on it. The notebooks record the native kernel's values; the
# site's copies carry these, so that opening a notebook does not mark it as modified.
PYODIDE_KERNEL_METADATA = {
    "kernelspec": {"display_name": "Python (Pyodide)", "language": "python", "name": "python"},
    "language_info": {"codemirror_mode": {"name": "python", "version": 3}, "file_extension": ".py",
                      "mimetype": "text/x-python", "name": "python", "nbconvert_exporter": "python",
                      "pygments_lexer": "ipython3", "version": "3.8"},
}


class BuildError(SystemExit):
    def __init__(self, message):
        super().__init__(f"build_lite: {message}")


def say(message):
    print(message, flush=True)


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def canonical(name):
    """The normalised name of a package (PEP 503): the key Pyodide looks a package up by."""
    return re.sub(r"[-_.]+", "-", name).lower()


def run(command, **kwargs):
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise BuildError(f"{' '.join(map(str, command))} failed ({result.returncode}):\n"
                         f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


# -- the Pyodide core, from npm ---------------------------------------------------------------

def pyodide_core(cache):
    """Unpack the npm package pyodide@VERSION (downloaded once into the cache); return its folder."""
    npm_dir = cache / "npm"
    npm_dir.mkdir(parents=True, exist_ok=True)
    tarball = npm_dir / f"pyodide-{PYODIDE['version']}.tgz"
    if not tarball.exists():
        npm = shutil.which("npm")
        if not npm:
            raise BuildError("npm is needed to fetch the Pyodide core (the npm package "
                             f"{PYODIDE['npm_package']}); install Node.js and npm")
        say(f"npm pack {PYODIDE['npm_package']}")
        run([npm, "pack", PYODIDE["npm_package"], "--pack-destination", npm_dir, "--silent"])
    algorithm, expected = PYODIDE["npm_integrity"].split("-", 1)
    got = base64.b64encode(hashlib.new(algorithm, tarball.read_bytes()).digest()).decode()
    if got != expected:
        raise BuildError(f"{tarball} does not match the pinned npm integrity "
                         f"{PYODIDE['npm_integrity']} (got {algorithm}-{got}); delete it and rebuild")
    unpacked = npm_dir / f"pyodide-{PYODIDE['version']}"
    if not (unpacked / "pyodide-lock.json").exists():
        shutil.rmtree(unpacked, ignore_errors=True)
        with tarfile.open(tarball) as archive:
            archive.extractall(npm_dir / "tmp", filter="data")
        (npm_dir / "tmp" / "package").rename(unpacked)
        shutil.rmtree(npm_dir / "tmp")
    lock = json.loads((unpacked / "pyodide-lock.json").read_text())
    if lock["info"]["version"] != PYODIDE["version"]:
        raise BuildError(f"the npm package holds Pyodide {lock['info']['version']}, not {PYODIDE['version']}")
    return unpacked, lock


def closure(lock, names):
    """The names of `names` and of everything they depend on, per the lock (normalised)."""
    wanted, todo = set(), [canonical(n) for n in names]
    while todo:
        name = todo.pop()
        if name in wanted:
            continue
        if name not in lock["packages"]:
            raise BuildError(f"{name} is not a package of Pyodide {PYODIDE['version']}")
        wanted.add(name)
        todo += [canonical(d) for d in lock["packages"][name]["depends"]]
    return sorted(wanted)


def fetch_from_mirror(mirror, file_name, expected, cache):
    """The path of a Pyodide package file whose sha256 is `expected`, from the mirror (a folder
    or a base URL; URLs are cached). Refuses a file whose sha256 differs."""
    if re.match(r"https?://", mirror):
        target = cache / "pyodide-packages" / file_name
        if not target.exists() or sha256(target) != expected:
            target.parent.mkdir(parents=True, exist_ok=True)
            url = mirror.rstrip("/") + "/" + file_name
            say(f"download {url}")
            try:
                with urllib.request.urlopen(url, timeout=120) as response:
                    data = response.read()
            except OSError as error:
                raise BuildError(f"cannot download {url}: {error}")
            partial = target.with_suffix(target.suffix + ".part")
            partial.write_bytes(data)
            partial.rename(target)
        source = target
    else:
        source = Path(mirror) / file_name
        if not source.exists():
            raise BuildError(f"the Pyodide mirror {mirror} has no {file_name}")
    got = sha256(source)
    if got != expected:
        raise BuildError(f"{source}: sha256 {got} differs from {expected}, the one in "
                         f"pyodide-lock.json of {PYODIDE['npm_package']}; refusing it")
    return source


# -- wheels ------------------------------------------------------------------------------------

def repack(wheel, dest):
    """Copy a wheel with its entries sorted and fixed dates, so that it is byte-for-byte
    reproducible (a freshly built wheel carries the build's clock)."""
    with zipfile.ZipFile(wheel) as source, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for info in sorted(source.infolist(), key=lambda i: i.filename):
            fixed = zipfile.ZipInfo(info.filename, FIXED_DATE)
            fixed.external_attr = (0o644 << 16) if not info.filename.endswith("/") else (0o755 << 16)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(fixed, source.read(info.filename))
    return dest


def pypi_wheels(cache):
    """Download the pinned pure-Python wheels (hash-checked by pip) into the cache."""
    folder = cache / "pypi"
    folder.mkdir(parents=True, exist_ok=True)
    requirements = LITE / "requirements-browser.txt"
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", requirements.read_text(), re.M)
    wanted = {canonical(name): version for name, version in pins}
    present = {canonical(p.name.split("-")[0]): p for p in folder.glob("*.whl")
               if p.name.split("-")[1] == wanted.get(canonical(p.name.split("-")[0]))}
    if set(present) != set(wanted):
        say("pip download (PyPI): " + ", ".join(f"{n}=={v}" for n, v in pins))
        run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
             "--no-deps", "--only-binary=:all:", "--python-version", "3.12", "--implementation", "py",
             "--platform", "any", "--require-hashes", "-r", requirements, "-d", folder])
    hashes = dict(re.findall(r"^([A-Za-z0-9_.-]+)==\S+ --hash=sha256:([0-9a-f]{64})", requirements.read_text(), re.M))
    wheels = {}
    for name, version in pins:
        matches = [p for p in folder.glob("*.whl")
                   if canonical(p.name.split("-")[0]) == canonical(name) and p.name.split("-")[1] == version]
        if len(matches) != 1 or sha256(matches[0]) != hashes[name]:
            raise BuildError(f"{name}=={version}: no wheel in {folder} with the pinned sha256")
        wheels[canonical(name)] = matches[0]
    return wheels


def helpers_wheel(cache, epoch):
    """The nnfs_helpers wheel, built from the repository (pip wheel --no-deps .), repacked."""
    folder = cache / "helpers"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    # No build isolation: the build backend is the pinned setuptools and wheel of
    # requirements-lite.txt, not whatever version an isolated build would download today.
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--disable-pip-version-check", "--no-deps",
         "--no-build-isolation", "-w", folder / "raw", ROOT],
        env={**os.environ, "SOURCE_DATE_EPOCH": str(epoch)})
    built = list((folder / "raw").glob("nnfs_helpers-*.whl"))
    if len(built) != 1:
        raise BuildError(f"pip wheel gave {built}")
    return repack(built[0], folder / built[0].name)


def wheel_metadata(wheel):
    """(name, version, top-level import names) of a wheel."""
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
        text = archive.read(meta).decode()
        tops = sorted({n.split("/")[0].removesuffix(".py") for n in names
                       if "/" in n and not n.split("/")[0].endswith((".dist-info", ".data"))
                       or (n.endswith(".py") and "/" not in n)})
    name = re.search(r"^Name: (.+)$", text, re.M).group(1).strip()
    version = re.search(r"^Version: (.+)$", text, re.M).group(1).strip()
    return name, version, tops


def lock_entry(wheel, depends):
    name, version, tops = wheel_metadata(wheel)
    return canonical(name), {
        "name": canonical(name), "version": version, "file_name": wheel.name, "install_dir": "site",
        "sha256": sha256(wheel), "package_type": "package", "imports": tops,
        "depends": sorted(canonical(d) for d in depends), "unvendored_tests": False,
    }


# -- Matplotlib's font list, made once at build time ------------------------------------------------

# Pyodide's matplotlib keeps its font list in matplotlib/fontlist.json (beside font_manager.py); its
# wheel has none, so every kernel start would scan the fonts and print "Matplotlib is building the
# font cache" under the learner's first cell. The build makes the list once, with the site's own
# Pyodide and matplotlib run in Node.js, and ships it as a small wheel that puts the file there.
FONTLIST_SCRIPT = r"""
const [core, index] = process.argv.slice(2);
const { loadPyodide } = await import(core + "/pyodide.mjs");
const py = await loadPyodide({ indexURL: index, packages: ["matplotlib"], stdout: () => {}, stderr: () => {} });
process.stdout.write(py.runPython(`
import pathlib, matplotlib.font_manager as fm
(pathlib.Path(fm.__file__).parent / "fontlist.json").read_text()
`));
"""
FONTLIST_PACKAGE = "nnfs-course-fontlist"


def matplotlib_fontlist_wheel(core, static, cache, version):
    """A wheel holding matplotlib/fontlist.json for the site's matplotlib (entries sorted, so the
    file is the same from one build to the next)."""
    node = shutil.which("node")
    if not node:
        raise BuildError("Node.js is needed to make Matplotlib's font list (npm comes with it)")
    folder = cache / "fontlist"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "fontlist.mjs").write_text(FONTLIST_SCRIPT)
    fontlist = json.loads(run([node, folder / "fontlist.mjs", core, str(static) + "/"]).stdout)
    for key in ("ttflist", "afmlist"):
        fontlist[key] = sorted(fontlist[key], key=lambda entry: json.dumps(entry, sort_keys=True))
    name = FONTLIST_PACKAGE.replace("-", "_")
    dist_info = f"{name}-{version}.dist-info"
    files = {
        "matplotlib/fontlist.json": json.dumps(fontlist, indent=2, sort_keys=True) + "\n",
        f"{dist_info}/METADATA": f"Metadata-Version: 2.1\nName: {FONTLIST_PACKAGE}\nVersion: {version}\n"
                                 "Summary: Matplotlib's font list for Pyodide, made by tools/build_lite.py\n",
        f"{dist_info}/WHEEL": "Wheel-Version: 1.0\nGenerator: build_lite\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(f"{path},sha256={base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b'=').decode()},"
                     f"{len(text.encode())}\n" for path, text in files.items()) + f"{dist_info}/RECORD,,\n"
    files[f"{dist_info}/RECORD"] = record
    wheel = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(path, FIXED_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[path])
    return wheel


# -- the site ------------------------------------------------------------------------------------

def commit_epoch(ref):
    result = run(["git", "log", "-1", "--format=%ct", ref], cwd=ROOT)
    return int(result.stdout.strip())


def for_the_browser(notebook):
    """The notebook with the Pyodide kernel's kernelspec and language_info (nothing else changes)."""
    notebook.metadata.update(json.loads(json.dumps(PYODIDE_KERNEL_METADATA)))
    return notebook


def stage(staging, ref, epoch):
    """Write the notebooks (full edition and workshop edition, as committed at `ref`), with the
    Pyodide kernel's metadata."""
    import nbformat
    import workshop_edition

    files = staging / "files"
    shutil.rmtree(files, ignore_errors=True)
    (files / "notebooks").mkdir(parents=True)
    for name, text in workshop_edition.committed_notebooks(ref):
        nbformat.write(for_the_browser(nbformat.reads(text, as_version=4)), files / "notebooks" / name)
    for path in workshop_edition.build(files / "workshop", ref=ref):
        nbformat.write(for_the_browser(nbformat.read(path, as_version=4)), path)
    for path in files.rglob("*"):
        os.utime(path, (epoch, epoch))
    return files


def kernel_extension_wheels(kernel_wheel, cache):
    """The kernel's own wheels (pyodide_kernel, piplite, its ipykernel and widgetsnbextension
    stand-ins), taken from the pinned jupyterlite-pyodide-kernel wheel."""
    folder = cache / "kernel-wheels"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    found = {}
    with zipfile.ZipFile(kernel_wheel) as archive:
        inner = [n for n in archive.namelist() if "/static/pypi/" in n and n.endswith(".whl")]
        for prefix in KERNEL_WHEELS:
            matches = [n for n in inner if Path(n).name.startswith(prefix)]
            if len(matches) != 1:
                raise BuildError(f"expected one {prefix} wheel in {kernel_wheel.name}, found {matches}")
            target = folder / Path(matches[0]).name
            target.write_bytes(archive.read(matches[0]))
            found[prefix.split("-")[0]] = target
    return found


def site_digest(out):
    """(number of files, bytes, sha256 over every file's path and content)."""
    digest, count, size = hashlib.sha256(), 0, 0
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        digest.update(f"{path.relative_to(out).as_posix()}\0{sha256(path)}\n".encode())
        count, size = count + 1, size + path.stat().st_size
    return count, size, digest.hexdigest()


def build(out=DEFAULT_OUT, mirror=PYODIDE["default_mirror"], cache=DEFAULT_CACHE, ref="HEAD"):
    started = time.time()
    out, cache = Path(out).resolve(), Path(cache).resolve()
    check_build_tools()
    import workshop_edition

    ref = workshop_edition.resolve_ref(ref, "build_lite")
    epoch = commit_epoch(ref)
    staging = cache / "staging"
    shutil.rmtree(staging, ignore_errors=True)
    static = staging / "static" / "pyodide"
    static.mkdir(parents=True)

    core, npm_lock = pyodide_core(cache)
    for name in PYODIDE["core_files"]:
        shutil.copy2(core / name, static / name)

    # Pyodide's own packages: numpy, matplotlib, IPython and their dependencies, checked.
    wanted = closure(npm_lock, PYODIDE["from_pyodide"])
    lock = {"info": npm_lock["info"], "packages": {}}
    for name in wanted:
        entry = npm_lock["packages"][name]
        source = fetch_from_mirror(mirror, entry["file_name"], entry["sha256"], cache)
        shutil.copy2(source, static / entry["file_name"])
        lock["packages"][name] = entry

    # The wheels that are not Pyodide's: from PyPI (pinned, hashed), the kernel, this repository.
    pypi = pypi_wheels(cache)
    kernel_wheel = kernel_package_wheel(cache)
    kernel = kernel_extension_wheels(kernel_wheel, cache)
    helpers = helpers_wheel(cache, epoch)
    depends = {
        "nnfs": ["numpy"], "mpmath": [], "sympy": ["mpmath"], "comm": ["traitlets"],
        "ipywidgets": ["comm", "ipython", "traitlets", "widgetsnbextension"],
        "pyodide_kernel": ["ipython", "comm", "ipykernel", "traitlets", "jedi", "ssl", "sqlite3", "piplite"],
        "piplite": ["micropip"], "ipykernel": ["comm"], "widgetsnbextension": [],
        "nnfs_helpers": ["numpy", "matplotlib", "ipywidgets", "nnfs", "sympy"],
    }
    extra = {name: path for name, path in pypi.items() if name != "jupyterlab-widgets"}
    extra.update(kernel)
    extra["nnfs_helpers"] = helpers
    for name, wheel in sorted(extra.items()):
        key, entry = lock_entry(wheel, depends[name.replace("-", "_")])
        lock["packages"][key] = entry
        shutil.copy2(wheel, static / wheel.name)
    for entry in lock["packages"].values():
        missing = [d for d in entry["depends"] if canonical(d) not in lock["packages"]]
        if missing:
            raise BuildError(f"{entry['name']} depends on {missing}, which the site does not carry")
    # Matplotlib's font list, made by the site's own Pyodide (which needs the lock so far).
    (static / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True) + "\n")
    fontlist = matplotlib_fontlist_wheel(core, static, cache, lock["packages"]["matplotlib"]["version"])
    key, entry = lock_entry(fontlist, ["matplotlib"])
    lock["packages"][key] = {**entry, "imports": []}
    shutil.copy2(fontlist, static / fontlist.name)
    lock["packages"] = dict(sorted(lock["packages"].items()))
    (static / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True) + "\n")

    # JupyterLite's settings, and the build configuration.
    shutil.copy2(LITE / "jupyter-lite.json", staging / "jupyter-lite.json")
    files = stage(staging, ref, epoch)
    for path in staging.rglob("*"):
        os.utime(path, (epoch, epoch))
    config = {"LiteBuildConfig": {
        "contents": [str(files)],
        "output_dir": str(out),
        "ignore_sys_prefix": ["federated_extensions"],
        "federated_extensions": [str(kernel_wheel), str(pypi["jupyterlab-widgets"])],
        "no_sourcemaps": True,
        "no_unused_shared_packages": True,
        "source_date_epoch": epoch,
    }}
    (staging / "jupyter_lite_config.json").write_text(json.dumps(config, indent=1))
    shutil.rmtree(out, ignore_errors=True)
    say("jupyter lite build")
    run([sys.executable, "-m", "jupyterlite_core", "build", "--lite-dir", staging],
        cwd=staging, env={**os.environ, "SOURCE_DATE_EPOCH": str(epoch)})
    for junk in (".jupyterlite.doit.db",):
        (out / junk).unlink(missing_ok=True)
    count, size, digest = site_digest(out)
    say(f"built {out}: {count} files, {size / 1e6:.1f} MB, sha256 of the site {digest} "
        f"({time.time() - started:.0f} s)")
    return out


def site_report(out):
    """The figures docs/in-browser.md quotes, measured on the built site: (what, figure) rows."""
    def folder(path):
        files = [p for p in path.rglob("*") if p.is_file()]
        return len(files), sum(p.stat().st_size for p in files) / 1e6

    count, size, digest = site_digest(out)
    rows = [("site", f"{size / 1e6:.1f} MB, {count} files"),
            ("sha256 of the site", digest)]
    for part, what in (("static/pyodide", "Pyodide and the wheels"), ("build", "JupyterLite"),
                       ("extensions", "lab extensions"), ("files", "notebooks, both editions")):
        n, megabytes = folder(out / part)
        rows.append((f"{what} (`{part}/`)", f"{megabytes:.1f} MB, {n} files"))
    lock = json.loads((out / "static" / "pyodide" / "pyodide-lock.json").read_text())
    rows.append(("packages in the site's lock", str(len(lock["packages"]))))
    return rows


def kernel_package_wheel(cache):
    """The jupyterlite-pyodide-kernel wheel pinned in lite/pyodide.json, from PyPI, hash-checked:
    its lab extension and its kernel wheels go into the site."""
    pinned = PYODIDE["kernel_wheel"]
    folder = cache / "pypi-build"
    folder.mkdir(parents=True, exist_ok=True)
    wheel = folder / pinned["file"]
    if not wheel.exists():
        name, version = pinned["file"].split("-")[:2]
        run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
             "--only-binary=:all:", f"{name}=={version}", "-d", folder])
    if sha256(wheel) != pinned["sha256"]:
        raise BuildError(f"{wheel}: sha256 {sha256(wheel)} differs from the pinned {pinned['sha256']}")
    return wheel


def check_build_tools():
    """jupyterlite-core and jupyterlite-pyodide-kernel, at the versions of requirements-lite.txt."""
    import importlib.metadata

    install = f"{sys.executable} -m pip install -r requirements-lite.txt"
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", (ROOT / "requirements-lite.txt").read_text(), re.M)
    for name, version in pins:
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            raise BuildError(f"{name} is not installed: {install}")
        if installed != version:
            raise BuildError(f"{name} {installed} is installed, the build is pinned to {version}: {install}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", default=os.environ.get("PYODIDE_MIRROR", PYODIDE["default_mirror"]),
                        help="where Pyodide's packages come from: a folder or a base URL "
                             f"(default {PYODIDE['default_mirror']}, or $PYODIDE_MIRROR)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"the site folder (default {DEFAULT_OUT.relative_to(ROOT)})")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where downloads are kept")
    parser.add_argument("--ref", default="HEAD", help="the commit whose notebooks go in (default HEAD)")
    parser.add_argument("--report", action="store_true",
                        help="after building, print the figures docs/in-browser.md quotes (a Markdown table)")
    args = parser.parse_args(argv)
    started = time.time()
    out = build(args.out, args.mirror, args.cache, args.ref)
    if args.report:
        rows = site_report(out) + [("build time, this run", f"{time.time() - started:.0f} s")]
        say("\n| what | measured |\n|---|---|")
        for what, figure in rows:
            say(f"| {what} | {figure} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
