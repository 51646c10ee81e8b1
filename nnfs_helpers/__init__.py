"""Helpers for the *Neural Networks from Scratch* notebooks.

* `nnfs_helpers.network`: the network code the notebooks teach (generated from them).
* `nnfs_helpers.reproducible`: `setup()`, the reproducible NumPy setup.
* `nnfs_helpers.plotting`: figures in colour-blind-safe colours.
* `nnfs_helpers.checking` and `nnfs_helpers.exercises`: exercise checks.
* `nnfs_helpers.quiz`: multiple-choice quizzes with instant feedback.
* `nnfs_helpers.training`: a training loop that records history (notebooks 08-11).
* `nnfs_helpers.datasets`: `load_digits()`, the 8x8 handwritten digits shipped with the course
  (notebook 19; licence in nnfs_helpers/data/DIGITS_LICENSE.md).

Importing the package changes nothing in NumPy; call `setup()` for that.
"""

from .reproducible import is_set_up, restore_numpy, setup

__version__ = "1.0.0"
__all__ = ["setup", "restore_numpy", "is_set_up", "__version__"]
