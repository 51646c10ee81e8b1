"""The shipped digits data and its loader: the data are right, and bad files give clear errors."""

import hashlib
import io
import pickle
import zipfile

import numpy as np
import pytest

from nnfs_helpers import datasets
from nnfs_helpers.datasets import DataFileError, load_digits

# Class counts and sums taken from scikit-learn's digits.csv.gz when the file was made.
CLASS_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
FIRST_IMAGE = [[0, 0, 5, 13, 9, 1, 0, 0],
               [0, 0, 13, 15, 10, 15, 5, 0],
               [0, 3, 15, 2, 0, 11, 8, 0],
               [0, 4, 12, 0, 0, 8, 8, 0],
               [0, 5, 8, 0, 0, 9, 8, 0],
               [0, 4, 11, 0, 1, 12, 7, 0],
               [0, 2, 14, 5, 10, 12, 0, 0],
               [0, 0, 6, 13, 10, 0, 0, 0]]


# ---------------------------------------------------------------- the shipped data

def test_shapes_dtypes_and_ranges():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float32
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0 and X.max() == 16
    assert np.array_equal(X, np.round(X))  # raw counts, not scaled
    assert sorted(set(y.tolist())) == list(range(10))


def test_images_are_the_same_pixels_as_X():
    X, y, images = load_digits(return_images=True)
    assert images.shape == (1797, 8, 8) and images.dtype == np.uint8
    np.testing.assert_array_equal(images.reshape(1797, 64), X)
    X2, y2 = load_digits(return_images=False)
    np.testing.assert_array_equal(X2, X)
    np.testing.assert_array_equal(y2, y)


def test_class_counts_are_balanced():
    _, y = load_digits()
    counts = np.bincount(y, minlength=10)
    assert counts.tolist() == CLASS_COUNTS
    assert counts.sum() == 1797 and counts.min() >= 170 and counts.max() <= 190


def test_known_samples_match_the_csv():
    X, y, images = load_digits(return_images=True)
    assert y[0] == 0 and y[1] == 1 and y[-1] == 8
    np.testing.assert_array_equal(images[0], FIRST_IMAGE)
    assert X[0].sum() == 294 and X[-1].sum() == 392
    assert int(X.sum()) == 561718


def test_every_call_returns_fresh_arrays():
    X, y, images = load_digits(return_images=True)
    X[:] = -1
    y[:] = -1
    images[:] = 255
    X2, y2, images2 = load_digits(return_images=True)
    assert X2.min() == 0 and y2.min() == 0 and images2.max() == 16


def test_the_recorded_hash_is_the_shipped_file():
    assert hashlib.sha256(datasets.DIGITS_PATH.read_bytes()).hexdigest() == datasets.DIGITS_SHA256


def test_the_licence_ships_next_to_the_data():
    text = (datasets.DIGITS_PATH.parent / "DIGITS_LICENSE.md").read_text()
    for needed in ["Creative Commons Attribution 4.0", "E. Alpaydin and C. Kaynak",
                   "Optical Recognition of Handwritten Digits", "10.24432/C50P49",
                   "scikit-learn", "Only the format was changed", datasets.DIGITS_SHA256]:
        assert needed in text


@pytest.mark.parametrize("bad", [1, "yes", None, [True]])
def test_return_images_must_be_a_bool(bad):
    with pytest.raises(TypeError, match="return_images must be True or False"):
        load_digits(return_images=bad)


# ---------------------------------------------------------------- bad files

def _npz(**arrays):
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def _good_arrays():
    with np.load(datasets.DIGITS_PATH, allow_pickle=False) as archive:
        return {"images": archive["images"], "target": archive["target"]}


def _use(monkeypatch, path, data, trust=True):
    """Point the loader at `path` holding `data`; with trust=True its hash is the expected one."""
    path.write_bytes(data)
    monkeypatch.setattr(datasets, "DIGITS_PATH", path)
    if trust:  # so that the checks behind the hash check are reached
        monkeypatch.setattr(datasets, "DIGITS_SHA256", hashlib.sha256(data).hexdigest())


def _fails(expected_error, match):
    """load_digits raises, in both forms, and so returns nothing (never partial data)."""
    for form in (False, True):
        result = "not assigned"
        with pytest.raises(expected_error, match=match) as info:
            result = load_digits(return_images=form)
        assert result == "not assigned"
    return str(info.value)


def test_missing_file(monkeypatch, tmp_path):
    monkeypatch.setattr(datasets, "DIGITS_PATH", tmp_path / "gone.npz")
    message = _fails(FileNotFoundError, "missing")
    assert str(tmp_path / "gone.npz") in message and "reinstall" in message and "git checkout" in message


def test_truncated_file(monkeypatch, tmp_path):
    data = datasets.DIGITS_PATH.read_bytes()
    _use(monkeypatch, tmp_path / "digits.npz", data[: len(data) // 2], trust=False)
    message = _fails(DataFileError, "expected sha256")
    assert datasets.DIGITS_SHA256 in message and "corrupt" in message
    assert f"({len(data) // 2} bytes)" in message


def test_truncated_file_with_a_matching_hash_is_still_refused(monkeypatch, tmp_path):
    data = datasets.DIGITS_PATH.read_bytes()
    _use(monkeypatch, tmp_path / "digits.npz", data[: len(data) // 2])
    _fails(DataFileError, "expected a readable NumPy .npz archive")


def test_file_with_another_hash(monkeypatch, tmp_path):
    arrays = _good_arrays()
    arrays["images"][0, 0, 0] = 1  # one pixel changed: a valid file, but not the shipped one
    _use(monkeypatch, tmp_path / "digits.npz", _npz(**arrays), trust=False)
    _fails(DataFileError, "modified")


def test_a_single_bit_flipped_is_caught(monkeypatch, tmp_path):
    data = bytearray(datasets.DIGITS_PATH.read_bytes())
    data[len(data) // 2] ^= 1
    _use(monkeypatch, tmp_path / "digits.npz", bytes(data), trust=False)
    _fails(DataFileError, "expected sha256")


def test_pickle_file(monkeypatch, tmp_path):
    _use(monkeypatch, tmp_path / "digits.npz", pickle.dumps(_good_arrays()))
    _fails(DataFileError, "expected a NumPy .npz archive, found pickled data")


def test_npz_with_a_pickled_array(monkeypatch, tmp_path):
    arrays = _good_arrays()
    arrays["target"] = np.array(list(arrays["target"]) + [None], dtype=object)
    _use(monkeypatch, tmp_path / "digits.npz", _npz(**arrays))
    _fails(DataFileError, "found an array of Python objects, which needs pickle")


def test_a_bare_npy_array(monkeypatch, tmp_path):
    buffer = io.BytesIO()
    np.save(buffer, _good_arrays()["images"])
    _use(monkeypatch, tmp_path / "digits.npz", buffer.getvalue())
    _fails(DataFileError, "expected a .npz archive of two arrays, found a single .npy array")


def test_not_a_zip_at_all(monkeypatch, tmp_path):
    _use(monkeypatch, tmp_path / "digits.npz", b"these are not the digits")
    _fails(DataFileError, r"a zip file\), found a file that begins with b'these are no'")


def test_broken_member_inside_a_zip(monkeypatch, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("images.npy", b"\x93NUMPY broken")
        archive.writestr("target.npy", b"\x93NUMPY broken")
    _use(monkeypatch, tmp_path / "digits.npz", buffer.getvalue())
    _fails(DataFileError, "cannot be used")


def test_corrupt_compressed_data_inside_the_zip(monkeypatch, tmp_path):
    """Bytes changed inside a member: zip and zlib errors become the loader's clear error."""
    data = bytearray(_npz(**_good_arrays()))
    for position in range(200, 3000, 97):
        data[position] ^= 0xFF
    _use(monkeypatch, tmp_path / "digits.npz", bytes(data))
    _fails(DataFileError, "expected a readable NumPy .npz archive, but reading it failed")


@pytest.mark.parametrize("names", [["images"], ["images", "target", "extra"], ["X", "y"]])
def test_wrong_array_names(monkeypatch, tmp_path, names):
    good = _good_arrays()
    arrays = {name: good.get(name, good["target"]) for name in names}
    _use(monkeypatch, tmp_path / "digits.npz", _npz(**arrays))
    _fails(DataFileError, r"expected the arrays \['images', 'target'\], found")


@pytest.mark.parametrize("change, match", [
    (lambda a: a.update(images=a["images"][:1000]), r"'images' to be uint8 with shape \(1797, 8, 8\)"),
    (lambda a: a.update(images=a["images"].reshape(1797, 64)), r"found uint8 with shape \(1797, 64\)"),
    (lambda a: a.update(target=a["target"][:, None]), r"'target' to be uint8 with shape \(1797,\)"),
    (lambda a: a.update(target=a["target"][:-1]), r"found uint8 with shape \(1796,\)"),
    (lambda a: a.update(images=a["images"].astype(np.float64)), "found float64"),
    (lambda a: a.update(target=a["target"].astype(np.int64)), "found int64"),
    (lambda a: a["images"].__setitem__((5, 3, 3), 17), r"'images' values 0\.\.16, found values up to 17"),
    (lambda a: a["target"].__setitem__(7, 10), r"'target' values 0\.\.9, found values up to 10"),
])
def test_wrong_shapes_dtypes_and_values(monkeypatch, tmp_path, change, match):
    arrays = _good_arrays()
    change(arrays)
    _use(monkeypatch, tmp_path / "digits.npz", _npz(**arrays))
    _fails(DataFileError, match)


def test_a_good_copy_elsewhere_loads(monkeypatch, tmp_path):
    """The checks accept a correct file written by np.savez_compressed (not only our bytes)."""
    _use(monkeypatch, tmp_path / "copy.npz", _npz(**_good_arrays()))
    X, y = load_digits()
    assert X.shape == (1797, 64) and y.shape == (1797,)


def test_data_file_error_is_a_value_error():
    assert issubclass(DataFileError, ValueError)
