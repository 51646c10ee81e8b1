"""Write the hashed locks of the course's two environments from the direct pins.

    .venv/bin/python tools/lock.py              # after changing requirements*.txt
    .venv/bin/python tools/lock.py --upgrade    # also move every unpinned package to its newest release

- `requirements-lock.txt`: the learner's environment (from `requirements.txt`), which the
  README's install command, Binder (`binder/requirements.txt`) and a hub image install;
- `requirements-test-lock.txt`: the same plus the test and build tools (from
  `requirements-test.txt`), which CI and contributors install. It is resolved under the
  learner's lock as constraints, so both environments have the same version of every package
  they share.

Every package, direct or not, is pinned to one version with the sha256 of each of its files, so
`pip install --require-hashes -r LOCK` installs exactly these files or stops. The resolution is
universal (`uv pip compile --universal`): one file for Linux, macOS and Windows and every Python
from 3.11 on, with markers where a package is needed on one platform only.

Without `--upgrade`, a package keeps the version the lock already has unless a changed direct pin
needs another, so refreshing after one change moves only what that change needs. Then rebuild the
environment from the lock (README) and run the notebooks again (tools/run_notebooks.py).
Needs uv (pinned in requirements-test.txt) and the package index.
"""

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMAND = ".venv/bin/python tools/lock.py"  # what the locks' headers name
LOCKS = [  # (direct pins, lock, locks it is resolved under), in this order
    ("requirements.txt", "requirements-lock.txt", []),
    ("requirements-test.txt", "requirements-test-lock.txt", ["requirements-lock.txt"]),
]
LOWEST_PYTHON = "3.11"  # requires-python's lower end; universal mode covers every later Python too


def compile_command(source, lock, constraints, upgrade=False):
    command = [sys.executable, "-m", "uv", "pip", "compile", source, "--output-file", lock,
               "--universal", "--python-version", LOWEST_PYTHON, "--generate-hashes",
               "--custom-compile-command", COMMAND, "--quiet"]
    for constraint in constraints:
        command += ["--constraint", constraint]
    if upgrade:
        command.append("--upgrade")
    return command


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upgrade", action="store_true",
                        help="take the newest release of every package that no direct pin fixes")
    args = parser.parse_args(argv)
    try:
        subprocess.run([sys.executable, "-m", "uv", "--version"], check=True, capture_output=True)
    except (subprocess.CalledProcessError, FileNotFoundError):
        print("uv is not installed in this environment: it comes with requirements-test-lock.txt "
              "(see the README's test command)", file=sys.stderr)
        return 1
    for source, lock, constraints in LOCKS:
        print(f"{source} -> {lock}")
        result = subprocess.run(compile_command(source, lock, constraints, args.upgrade), cwd=ROOT)
        if result.returncode != 0:
            return result.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
