"""Grade a class's notebooks with the course's own checks (the `nnfs-grade` command).

    .venv/bin/python tools/grade.py SUBMISSIONS --out RESULTS [--jobs 2] [--timeout 60] [--memory-mb 2048]

See nnfs_helpers/grading.py and INSTRUCTORS.md, "Grading a class's notebooks".
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from nnfs_helpers.grading import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
