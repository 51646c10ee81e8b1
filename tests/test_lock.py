"""The hashed locks: requirements-lock.txt (the learner's environment) and
requirements-test-lock.txt (the same plus the test and build tools), written by tools/lock.py.

Quick tier, no network: every direct pin is in its lock at the same version and for every
platform; every locked line is one pinned version with sha256 hashes; the two locks agree; the
locks name the command that wrote them, which the maintainers' documents give; and, read from the
installed packages' own metadata, the lock holds every package its direct pins (and the helper
package's dependencies) need on this platform.

Launch tier: pip, as a fresh venv has it, really checks the hashes: a file whose hash differs, a
line without a hash and an editable install are each refused, the reason the README installs the
package in a second step. (tests/test_docs_commands.py runs the README's install command itself,
and tests/test_python_versions.py installs the lock on the newest Python.)
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import lock
import launch_env

ROOT = Path(__file__).resolve().parent.parent
LOCKS = {source: ROOT / name for source, name, _ in lock.LOCKS}  # direct pins -> lock
LEARNER, TEST = ROOT / "requirements-lock.txt", ROOT / "requirements-test-lock.txt"


def normalise(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(path):
    """The logical lines of a requirements file (continuations joined, comments dropped)."""
    text = re.sub(r"\\\n", " ", Path(path).read_text())
    lines = [re.sub(r"(^|\s)#.*$", "", line).strip() for line in text.splitlines()]
    return [line for line in lines if line]


def direct_pins(path):
    """{name: version} of a requirements file and of the files it includes with -r."""
    found = {}
    for line in requirements(path):
        if line.startswith("-r "):
            found.update(direct_pins(Path(path).parent / line.split()[1]))
        else:
            match = re.fullmatch(r"([A-Za-z0-9_.-]+)==(\S+)", line)
            assert match, f"{Path(path).name}: `{line}` is not a pin (name==version)"
            found[normalise(match[1])] = match[2]
    return found


ENVIRONMENT = """
import json, os, platform, sys
info = sys.implementation.version
version = f"{info.major}.{info.minor}.{info.micro}"
print(json.dumps({"implementation_name": sys.implementation.name, "implementation_version": version,
    "os_name": os.name, "platform_machine": platform.machine(), "platform_release": platform.release(),
    "platform_system": platform.system(), "platform_version": platform.version(),
    "python_full_version": platform.python_version(), "platform_python_implementation": platform.python_implementation(),
    "python_version": ".".join(platform.python_version_tuple()[:2]), "sys_platform": sys.platform}))
"""


def environment(python=sys.executable):
    """The values a requirement's marker is evaluated against, for the interpreter `python`."""
    return json.loads(subprocess.run([str(python), "-c", ENVIRONMENT], capture_output=True, text=True,
                                     check=True).stdout)


def lock_entries(path, python=sys.executable):
    """(name, version, applies) for each requirement of a lock; `applies`: its marker holds for `python`."""
    from packaging.markers import Marker

    env = environment(python)
    entries = []
    for line in requirements(path):
        match = re.match(r"([A-Za-z0-9_.-]+)==([^\s;]+)\s*(?:;\s*(.*?))?\s*(--hash=|$)", line)
        assert match, f"{Path(path).name}: `{line}` is not a pinned requirement"
        marker = match[3]
        entries.append((normalise(match[1]), match[2], Marker(marker).evaluate(env) if marker else True))
    return entries


def installed_versions(python=sys.executable):
    """{name: version} of the distributions installed for the interpreter `python`."""
    script = ("import importlib.metadata as m, json\n"
              "print(json.dumps({d.metadata['Name']: d.version for d in m.distributions()}))")
    found = json.loads(subprocess.run([str(python), "-c", script], capture_output=True, text=True, check=True).stdout)
    return {normalise(name): version for name, version in found.items()}


@pytest.mark.parametrize("source", LOCKS, ids=list(LOCKS))
def test_every_direct_pin_is_in_its_lock_at_the_same_version_on_every_platform(source):
    entries = lock_entries(LOCKS[source])
    for name, version in direct_pins(ROOT / source).items():
        locked = {(v, applies) for n, v, applies in entries if n == name}
        assert locked == {(version, True)}, f"{source} pins {name}=={version}; {LOCKS[source].name} has {locked or 'nothing'}"


def test_the_helper_packages_dependencies_are_in_the_learners_lock():
    """The README installs the package with --no-deps: the lock must hold what it declares."""
    import tomllib

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    locked = {name for name, _, _ in lock_entries(LEARNER)}
    for requirement in declared:
        name = normalise(re.match(r"[A-Za-z0-9_.-]+", requirement)[0])
        assert name in locked, f"pyproject.toml needs {requirement}; requirements-lock.txt does not pin {name}"


@pytest.mark.parametrize("path", [LEARNER, TEST], ids=lambda p: p.name)
def test_every_locked_line_is_one_version_with_sha256_hashes(path):
    lines = requirements(path)
    assert len(lines) > 50
    for line in lines:
        assert not line.startswith("-"), f"{path.name}: `{line}`: a lock holds only pinned packages"
        assert re.match(r"[A-Za-z0-9_.-]+==[^\s;*]+(\s|$)", line), f"{path.name}: `{line[:80]}` is not pinned to one version"
        hashes = re.findall(r"--hash=(\S+)", line)
        assert hashes, f"{path.name}: `{line[:80]}` has no hash"
        assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in hashes), f"{path.name}: `{line[:80]}`"
    names = [name for name, _, _ in lock_entries(path)]
    doubled = {n for n in names if names.count(n) > 1}
    # A package may have two versions only under markers that cannot both hold (soupsieve before
    # and after Python 3.11.5); uv writes them so, and every other package has one line.
    for name in doubled:
        markers = [line for line in lines if normalise(line.split("==")[0]) == name]
        assert all(";" in line for line in markers), f"{path.name} pins {name} twice"


def test_the_learners_lock_is_the_test_locks_for_every_package_they_share():
    test = {(name, version) for name, version, _ in lock_entries(TEST)}
    for name, version, _ in lock_entries(LEARNER):
        assert (name, version) in test, f"requirements-test-lock.txt does not have {name}=={version} of the learner's lock"
    learner_lines = {re.sub(r"\s+", " ", line) for line in requirements(LEARNER)}
    test_lines = {re.sub(r"\s+", " ", line) for line in requirements(TEST)}
    assert learner_lines <= test_lines, "the same packages with other hashes or markers"


def test_the_locks_cover_every_platform_and_python():
    """One resolution for all: packages needed only on Windows or macOS are there too."""
    text = LEARNER.read_text()
    assert "sys_platform == 'win32'" in text or "os_name == 'nt'" in text
    assert "sys_platform == 'darwin'" in text
    command = lock.compile_command("requirements.txt", "requirements-lock.txt", [])
    assert "--universal" in command and "--generate-hashes" in command
    assert command[command.index("--python-version") + 1] == "3.11"
    requires = re.search(r'^requires-python = ">=(3\.\d+)', (ROOT / "pyproject.toml").read_text(), re.M)[1]
    assert lock.LOWEST_PYTHON == requires, "the lock is resolved from the lowest Python the package takes"


@pytest.mark.parametrize("path", [LEARNER, TEST], ids=lambda p: p.name)
def test_a_lock_names_the_command_that_wrote_it(path):
    head = path.read_text().splitlines()[:2]
    assert head == ["# This file was autogenerated by uv via the following command:", f"#    {lock.COMMAND}"], head
    for document in ("CONTRIBUTING.md", "docs/maintainers.md"):
        blocks = "".join(re.findall(r"```bash\n(.*?)```", (ROOT / document).read_text(), re.S))
        assert lock.COMMAND in blocks, f"{document} does not give the command that refreshes the locks"
    uv = direct_pins(ROOT / "requirements-test.txt").get("uv")
    assert uv, "the tool tools/lock.py runs is pinned in requirements-test.txt"


@pytest.mark.parametrize("source", LOCKS, ids=list(LOCKS))
def test_the_lock_holds_everything_its_pins_need_on_this_platform(source):
    """From the direct pins (and, for the learner's lock, the helper package's dependencies),
    follow each installed distribution's declared requirements, extras and markers included,
    as pip would here: every package reached is in the lock."""
    from importlib import metadata

    from packaging.requirements import Requirement

    entries = lock_entries(LOCKS[source])
    locked = {name: version for name, version, applies in entries if applies}
    installed = installed_versions()
    stale = sorted(f"{n} {installed.get(n)} (lock: {v})" for n, v in locked.items() if installed.get(n) != v)
    wanted = [Requirement(f"{name}=={version}") for name, version in direct_pins(ROOT / source).items()]
    if source == "requirements.txt":
        import tomllib
        wanted += [Requirement(r) for r in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]]
    env = environment()
    seen = set()
    while wanted:
        requirement = wanted.pop()
        name = normalise(requirement.name)
        assert name in locked, f"{source}: {requirement} is needed here, and {LOCKS[source].name} does not pin it"
        for extra in sorted(requirement.extras) or [""]:
            if (name, extra) in seen:
                continue
            seen.add((name, extra))
            if installed.get(name) != locked[name]:
                continue  # reported below: this environment is not the lock's
            for text in metadata.requires(name) or []:
                needed = Requirement(text)
                if needed.marker is None or needed.marker.evaluate({**env, "extra": extra}):
                    wanted.append(needed)
    if stale:
        pytest.skip("this environment is not built from the lock, so its metadata could not be read for: "
                    + ", ".join(stale[:5]) + " (rebuild .venv with the README's command)")


@pytest.mark.launch
def test_pip_refuses_a_wrong_hash_a_missing_hash_and_an_editable_install(tmp_path):
    """With the pip a fresh venv brings (the learner's), the lock's hashes are really checked."""
    python = launch_env.find_python(lock.LOWEST_PYTHON)
    assert python, f"Python {lock.LOWEST_PYTHON} is not on this machine"
    launch_env.run([python, "-m", "venv", tmp_path / "env"])
    venv = tmp_path / "env" / "bin" / "python"
    entry = next(line for line in requirements(LEARNER) if line.startswith("six=="))

    def install(text):
        (tmp_path / "lock.txt").write_text(text + "\n")
        return subprocess.run([venv, "-m", "pip", "install", "--require-hashes", "-r", tmp_path / "lock.txt"],
                              capture_output=True, text=True, cwd=tmp_path)

    flipped = re.sub(r"(--hash=sha256:)(\w)", lambda m: m[1] + ("0" if m[2] != "0" else "1"), entry)
    refused = install(flipped)
    assert refused.returncode != 0 and "DO NOT MATCH THE HASHES" in refused.stdout + refused.stderr, refused.stderr[-2000:]
    refused = install(entry.split(" --hash")[0])
    assert refused.returncode != 0 and "Hashes are required" in refused.stdout + refused.stderr, refused.stderr[-2000:]
    refused = install(f"{entry}\n-e {ROOT}")
    assert refused.returncode != 0 and "hash" in (refused.stdout + refused.stderr).lower(), refused.stderr[-2000:]
    accepted = install(entry)
    assert accepted.returncode == 0, accepted.stdout[-2000:] + accepted.stderr[-2000:]
    assert installed_versions(venv)["six"] == entry.split("==")[1].split()[0]
