"""Reproducible setup: the same numbers on every machine.

`setup()` wraps ``nnfs.init()``. It

* seeds NumPy's global random generator (seed 0 by default),
* makes ``np.random.randn``, ``np.zeros`` and ``np.eye`` return float32 by default,
* computes ``np.dot`` in float64 and returns float32, so that matrix products
  do not depend on the machine's BLAS.

It is idempotent: calling it again restores NumPy's own functions first and then
applies the wrapping once more, so nothing is wrapped twice, and the generator is
re-seeded. Importing this module changes nothing in NumPy.
"""

import numpy as np

__all__ = ["setup", "restore_numpy", "is_set_up"]

# The functions nnfs.init() replaces, captured untouched when this module is imported.
_PATCHED = [(np, "dot"), (np, "zeros"), (np, "eye"), (np.random, "randn")]
_ORIGINALS = {(owner.__name__, name): getattr(owner, name) for owner, name in _PATCHED}
_NUMPY_DOT = _ORIGINALS[("numpy", "dot")]  # looked up once: the wrapper runs on every product of every epoch
_WRAPPER_MODULES = ("nnfs.core", __name__)
_state = {"set_up": False}


def _looks_wrapped(func):
    return getattr(func, "__module__", "") in _WRAPPER_MODULES


if any(_looks_wrapped(f) for f in _ORIGINALS.values()):  # pragma: no cover
    raise ImportError(
        "nnfs_helpers must be imported before nnfs.init() is called: NumPy is already "
        "wrapped, so its original functions cannot be recorded. Restart the kernel and "
        "call nnfs_helpers.setup() instead of nnfs.init()."
    )


def restore_numpy():
    """Put back NumPy's own dot, zeros, eye and random.randn."""
    for owner, name in _PATCHED:
        setattr(owner, name, _ORIGINALS[(owner.__name__, name)])
    _state["set_up"] = False


def is_set_up():
    """True while the reproducible setup is in force."""
    return _state["set_up"]


def setup(seed=0):
    """Apply the nnfs reproducible setup; safe to call any number of times.

    Parameters
    ----------
    seed : int
        Seed for NumPy's global random generator (the book uses 0).
    """
    import nnfs

    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise TypeError(f"setup(seed=...) expects a non-negative integer, got {seed!r}")
    restore_numpy()
    nnfs.init(random_seed=int(seed))
    # nnfs's own dot wrapper calls .astype() on its arguments, so it fails on plain lists,
    # and it copies arrays that are float64 already. This one computes the same thing
    # (a float64 product returned as float32) for any input, with no needless copies.
    np.dot = _dot_float64_to_float32
    _state["set_up"] = True


def _dot_float64_to_float32(a, b, out=None):
    """np.dot computed in float64 and returned as float32 (the nnfs reproducible setup)."""
    if out is not None:
        raise TypeError("np.dot(..., out=...) is not supported while the reproducible setup is on")
    return _NUMPY_DOT(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)).astype(np.float32)
