import subprocess
import sys

import numpy as np
import pytest

import nnfs_helpers
from nnfs_helpers import reproducible


@pytest.fixture(autouse=True)
def plain_numpy():
    reproducible.restore_numpy()
    yield
    reproducible.restore_numpy()


def test_import_changes_nothing_in_numpy():
    code = ("import numpy as np; before = (np.dot, np.zeros, np.eye, np.random.randn); "
            "import nnfs_helpers, nnfs_helpers.network, nnfs_helpers.plotting, nnfs_helpers.training; "
            "after = (np.dot, np.zeros, np.eye, np.random.randn); "
            "assert all(a is b for a, b in zip(before, after)), 'import patched numpy'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_setup_applies_float32_and_seeds():
    nnfs_helpers.setup()
    assert nnfs_helpers.is_set_up()
    first = np.random.randn(5)
    assert first.dtype == np.float32
    assert np.zeros(3).dtype == np.float32
    assert np.eye(2).dtype == np.float32
    nnfs_helpers.setup()
    np.testing.assert_array_equal(np.random.randn(5), first)


def test_setup_is_idempotent_and_does_not_wrap_twice():
    nnfs_helpers.setup()
    dot_once = np.dot
    for _ in range(5):
        nnfs_helpers.setup()
    assert np.dot is dot_once
    # nnfs's enclosure of randn must wrap NumPy's own randn, not a previous wrapper
    assert np.random.randn.__module__ == "nnfs.core"
    nnfs_helpers.restore_numpy()
    assert np.random.randn.__module__ != "nnfs.core"
    assert not nnfs_helpers.is_set_up()


def test_dot_is_computed_in_float64_and_returned_as_float32():
    a = np.array([1e8, 1.0, -1e8], dtype=np.float32)
    b = np.array([1.0, 1.0, 1.0], dtype=np.float32)
    nnfs_helpers.setup()
    result = np.dot(a, b)
    assert result.dtype == np.float32
    assert result == 1.0  # float32 accumulation would lose the 1.0 between the large terms
    assert np.dot([1, 2, 3], [2, 3, 4]) == 20  # plain lists work (nnfs's own wrapper fails on them)


def test_dot_matches_nnfs_on_a_layer_example():
    import nnfs
    inputs = np.array([[1, 2, 3, 2.5], [2.0, 5.0, -1.0, 2.0], [-1.5, 2.7, 3.3, -0.8]], dtype=np.float32)
    weights = np.array([[0.2, 0.8, -0.5, 1.0], [0.5, -0.91, 0.26, -0.5], [-0.26, -0.27, 0.17, 0.87]],
                       dtype=np.float32)
    nnfs_helpers.setup()
    ours = np.dot(inputs, weights.T)
    reproducible.restore_numpy()
    nnfs.init()
    theirs = np.dot(inputs, weights.T)
    reproducible.restore_numpy()
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True, None])
def test_bad_seed_is_rejected_clearly(seed):
    with pytest.raises(TypeError, match="non-negative integer"):
        nnfs_helpers.setup(seed)


def test_dot_out_argument_is_refused_clearly():
    nnfs_helpers.setup()
    with pytest.raises(TypeError, match="out="):
        np.dot(np.ones(2), np.ones(2), out=np.empty(()))
