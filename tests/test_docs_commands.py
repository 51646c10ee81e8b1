"""The commands the documents give, checked as written.

Quick tier: every command in a ```bash block of README.md, INSTRUCTORS.md, CONTRIBUTING.md and
docs/ follows one convention (the course's tools run with `.venv/bin/python` from the
repository's root; only the lines that create an environment call `python3`), every file it
names exists, and the commands that only read (`--check`, `--list`, `--hub`) run as written.

Launch tier: in a fresh clone, the README's first-time command runs exactly as written (the
hashed lock with --require-hashes, then the package): the environment holds exactly the lock's
versions, pip check finds nothing missing, and the package imports from the clone; its every-time
command starts JupyterLab exactly as written with every package index and proxy made unreachable
(it needs no network); as root, JupyterLab's refusal and the README's `--allow-root` advice are
checked too.
"""

import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", ROOT / "INSTRUCTORS.md", ROOT / "CONTRIBUTING.md",
             *sorted((ROOT / "docs").glob("*.md"))]


def commands():
    """(document, command) for every command line of every ```bash block."""
    found = []
    for path in DOCUMENTS:
        for block in re.findall(r"```bash\n(.*?)```", path.read_text(), re.S):
            for line in block.splitlines():
                line = re.sub(r"\s+#.*$", "", line).strip()
                if line and not line.startswith("#"):
                    found.append((path.name, line))
    return found


COMMANDS = commands()


def test_there_are_commands_to_check():
    assert len(COMMANDS) >= 20


@pytest.mark.parametrize("document,command", COMMANDS)
def test_a_command_uses_the_course_environment_and_names_files_that_exist(document, command):
    words = command.split()
    for i, word in enumerate(words):
        if re.fullmatch(r"python3?(\.\d+)?", word):
            # Only creating an environment, or a hub image's system-wide install, calls a bare python3.
            rest = " ".join(words[i + 1:i + 3])
            assert word == "python3" and rest in ("-m venv", "-m pip"), \
                f"{document}: `{command}` calls {word}: use .venv/bin/python (or python3 -m venv to create it)"
    for name in re.findall(r"(?<![\w/.])((?:tools|tests|notebooks|docs|binder|lite)/[\w./-]+)", command):
        if "*" in name or name.endswith("/"):
            continue
        assert (ROOT / name).exists(), f"{document}: `{command}` names {name}, which does not exist"


READ_ONLY = [(d, c) for d, c in COMMANDS if c.startswith(".venv/bin/python tools/")
             and re.search(r" --(check|list|hub)\b", c)]


@pytest.mark.parametrize("document,command", READ_ONLY)
def test_a_read_only_command_runs_as_written(document, command):
    if not (ROOT / ".venv" / "bin" / "python").exists():
        pytest.skip("no .venv in this checkout (the README's first-time command makes it)")
    result = subprocess.run(command, shell=True, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{document}: `{command}`\n{result.stdout[-2000:]}{result.stderr[-2000:]}"


def readme_command(marker):
    readme = (ROOT / "README.md").read_text()
    return re.search(r"<!-- %s -->\n```bash\n(.+)\n```" % marker, readme).group(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_jupyter(command, cwd, env, wait=120):
    """Start `command`; return (process, output so far) once JupyterLab serves, or it ended."""
    import threading

    process = subprocess.Popen(command, shell=True, cwd=cwd, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        text = "".join(lines)
        if "is running at" in text and "http://127.0.0.1:" in text:
            return process, text
        if process.poll() is not None:
            reader.join(timeout=5)
            return process, "".join(lines)
        time.sleep(0.5)
    return process, "".join(lines)


def stop(process):
    for sig in (15, 9):
        if process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
            process.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass


@pytest.mark.launch
def test_the_readme_commands_work_as_written_and_the_every_day_one_needs_no_network(tmp_path):
    clone = tmp_path / "course"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    # The working tree as it is (the commit may lag behind while a change is being made).
    for name in ("README.md", "requirements.txt", "requirements-lock.txt", "pyproject.toml"):
        shutil.copy(ROOT / name, clone / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH", "JUPYTER"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)
    install = subprocess.run(readme_command("install-command"), shell=True, cwd=clone, env=env,
                             capture_output=True, text=True, timeout=1200)
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    assert (clone / ".venv" / "bin" / "jupyter").exists()
    python = clone / ".venv" / "bin" / "python"
    imported = subprocess.run([python, "-c", "import nnfs_helpers, nnfs_helpers.network; print(nnfs_helpers.__file__)"],
                              cwd=clone / "notebooks", env=env, capture_output=True, text=True)
    assert imported.returncode == 0 and imported.stdout.startswith(str(clone / "nnfs_helpers")), imported.stderr
    check = subprocess.run([python, "-m", "pip", "check"], env=env, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    from test_lock import installed_versions, lock_entries
    installed = installed_versions(python)
    wanted = {name: version for name, version, applies in lock_entries(clone / "requirements-lock.txt", python) if applies}
    assert {name: installed.get(name) for name in wanted} == wanted, "the environment is not the lock's"
    assert set(installed) - set(wanted) <= {"nnfs-helpers", "pip", "setuptools"}, set(installed) - set(wanted)

    # Every-day start with no network: no index, proxies pointing at a closed port.
    offline = {**env, "PIP_NO_INDEX": "1", "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
               "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9", "BROWSER": "true",
               "JUPYTER_PORT": str(free_port()), "HOME": str(tmp_path / "home"),
               "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    (tmp_path / "home").mkdir()
    command = readme_command("open-command")
    if os.geteuid() == 0:
        # As root, JupyterLab refuses, with the message the README quotes ...
        process, text = start_jupyter(command, clone, offline, wait=60)
        stop(process)
        assert "Running as root is not recommended" in text, text[-2000:]
        assert "Running as root is not recommended" in " ".join((ROOT / "README.md").read_text().split())
        # ... and the README's advice works.
        command += " --allow-root"
    process, text = start_jupyter(command, clone, offline)
    try:
        assert "is running at" in text and process.poll() is None, text[-3000:]
        assert "01_single_neuron.ipynb" in text or "notebooks" in text, text[-3000:]
    finally:
        stop(process)

