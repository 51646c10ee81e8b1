"""Exercise checks and quizzes, one module per notebook (`nb01` for notebook 01, and so on).

Each check takes the learner's answer (a value, a function or a class), never raises
because of it, and returns a `nnfs_helpers.checking.CheckResult`. Each module's `quiz()`
returns the notebook's quiz (its answers live here, not in the notebook). `solution` is the
block every worked solution runs in (see `nnfs_helpers.checking.solution`).
"""

from ..checking import solution

__all__ = ["solution"]
