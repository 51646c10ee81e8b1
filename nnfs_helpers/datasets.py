"""Data sets that ship with the course, so that no notebook needs a download.

`load_digits()` returns the 8x8 handwritten digits (1,797 images of the digits 0-9; the UCI
"Optical Recognition of Handwritten Digits" set as scikit-learn distributes it), stored in
``nnfs_helpers/data/digits.npz``. Its licence (CC BY 4.0) and attribution are in
``nnfs_helpers/data/DIGITS_LICENSE.md``; ``tools/make_digits_data.py`` made the file.

The loader checks everything it reads: the file's sha256, that it holds no pickle, and the
shapes, dtypes and ranges of its arrays. If any check fails it raises an error that says what
was expected and what it found, and it returns nothing: it never hands back part of the data.
"""

import hashlib
import io
import zipfile
import zlib
from pathlib import Path

import numpy as np

__all__ = ["load_digits", "DataFileError", "DIGITS_PATH", "DIGITS_SHA256"]

DIGITS_PATH = Path(__file__).resolve().parent / "data" / "digits.npz"
DIGITS_SHA256 = "07101cafabf339d548f995317f7eea3444026ee1274127968dffdc58553264c9"
N_DIGITS = 1797

_HOW_TO_FIX = ("The file ships with the course's helper package: in a clone of the course "
               "repository restore it with `git checkout -- nnfs_helpers/data/digits.npz`; "
               "otherwise reinstall nnfs_helpers (run the notebook's install cell again, or "
               "`pip install --force-reinstall --no-deps` with the course's install line).")


class DataFileError(ValueError):
    """A data file that ships with the course is corrupt, modified or not in the expected format."""


def _fail(path, problem):
    raise DataFileError(f"The digits data file {path} cannot be used: {problem}. {_HOW_TO_FIX}")


def _read_checked(path, sha256):
    """The file's (images, target), every check passed; raises otherwise."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"The digits data file is missing: expected it at {path}. {_HOW_TO_FIX}")
    data = path.read_bytes()  # one read: what is hashed is exactly what is parsed
    found = hashlib.sha256(data).hexdigest()
    if found != sha256:
        _fail(path, f"expected sha256 {sha256}, found {found} ({len(data)} bytes), so the file "
                    "is corrupt, truncated or has been modified")
    if data.startswith(b"\x80"):
        _fail(path, "expected a NumPy .npz archive, found pickled data (never loaded here: "
                    "unpickling can run any code)")
    if data.startswith(b"\x93NUMPY"):
        _fail(path, "expected a .npz archive of two arrays, found a single .npy array")
    if not data.startswith(b"PK"):
        _fail(path, f"expected a NumPy .npz archive (a zip file), found a file that begins "
                    f"with {data[:12]!r}")
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            names = sorted(archive.files)
            if names != ["images", "target"]:
                _fail(path, f"expected the arrays ['images', 'target'], found {names}")
            images, target = archive["images"], archive["target"]
    except DataFileError:
        raise
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, zlib.error) as error:
        if "pickle" in str(error).lower():
            _fail(path, "expected arrays of numbers, found an array of Python objects, which "
                        "needs pickle (never loaded here: unpickling can run any code)")
        _fail(path, f"expected a readable NumPy .npz archive, but reading it failed "
                    f"({type(error).__name__}: {error})")
    expected = {"images": (images, (N_DIGITS, 8, 8), 16), "target": (target, (N_DIGITS,), 9)}
    for name, (array, shape, largest) in expected.items():
        if array.dtype != np.uint8 or array.shape != shape:
            _fail(path, f"expected '{name}' to be uint8 with shape {shape}, found "
                        f"{array.dtype} with shape {array.shape}")
        if array.max() > largest:  # uint8: never below 0
            _fail(path, f"expected '{name}' values 0..{largest}, found values up to {array.max()}")
    return images, target


def load_digits(return_images=False):
    """The 8x8 handwritten digits: ``X, y`` or, with ``return_images=True``, ``X, y, images``.

    Parameters
    ----------
    return_images : bool
        Also return the images as 8x8 grids (for plotting them).

    Returns
    -------
    X : ndarray, float32, shape (1797, 64)
        Each row is one image read row by row; the raw pixel values 0..16, NOT scaled. Scaling
        the inputs (for example to [-1, 1]) is part of preparing the data, left to the learner.
    y : ndarray, int64, shape (1797,)
        The digit each image shows, 0..9 (about 180 of each).
    images : ndarray, uint8, shape (1797, 8, 8)
        The same pixels as X, as images; only with ``return_images=True``.

    Raises
    ------
    FileNotFoundError
        The data file is missing.
    DataFileError (a ValueError)
        The file is corrupt, modified, or its contents are not what is expected.

    Every call reads the file afresh and returns new arrays, so changing them changes nothing
    for the next call. The samples come in the file's order: shuffle them before splitting.
    """
    if not isinstance(return_images, (bool, np.bool_)):
        raise TypeError(f"return_images must be True or False, got {return_images!r} "
                        f"({type(return_images).__name__})")
    images, target = _read_checked(DIGITS_PATH, DIGITS_SHA256)
    X = images.reshape(N_DIGITS, 64).astype(np.float32)
    y = target.astype(np.int64)
    if return_images:
        return X, y, images
    return X, y
