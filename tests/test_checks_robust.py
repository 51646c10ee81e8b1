"""Every exercise check, fed wrong answers of every kind, reports clearly and never crashes."""

import importlib
import inspect
import pkgutil
import time

import numpy as np
import pytest

import nnfs_helpers.exercises as exercises
from nnfs_helpers import checking, reproducible


def all_checks():
    for module_info in pkgutil.iter_modules(exercises.__path__):
        module = importlib.import_module(f"{exercises.__name__}.{module_info.name}")
        for name, check in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("check_") and check.__module__ == module.__name__:
                yield f"{module_info.name}.{name}", check


CHECKS = dict(all_checks())


def raises(*args, **kwargs):
    raise ValueError("a bug in the learner's code")


def never_returns(*args, **kwargs):
    while True:
        pass


def returns_none(*args, **kwargs):
    return None


def returns_text(*args, **kwargs):
    return "forty-two"


def returns_nan(*args, **kwargs):
    return np.full((3, 3), np.nan)


def returns_inf(*args, **kwargs):
    return np.full((2,), np.inf)


WRONG_ANSWERS = {
    "None": None, "Ellipsis": Ellipsis, "int": 42, "string": "text", "list": [1, 2],
    "ragged": [[1], [2, 3]], "nan": np.nan, "inf": np.inf, "float32 array": np.ones((2, 2), np.float32),
    "object": object(), "raises": raises, "never returns": never_returns, "returns None": returns_none,
    "returns text": returns_text, "returns NaN": returns_nan, "returns inf": returns_inf,
}


def test_every_notebook_has_checks():
    modules = {name.split(".")[0] for name in CHECKS}
    assert len(modules) >= 12 and len(CHECKS) >= 24


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_check_survives_every_kind_of_wrong_answer(name, monkeypatch):
    monkeypatch.setattr(checking, "DEFAULT_TIMEOUT", 0.3)
    check = CHECKS[name]
    n_args = len(inspect.signature(check).parameters)
    for label, wrong in WRONG_ANSWERS.items():
        start = time.perf_counter()
        result = check(*[wrong] * n_args)
        assert isinstance(result, checking.CheckResult), f"{label}: returned {type(result).__name__}"
        assert not result.passed, f"{label} was accepted"
        assert result.message.strip() and "Traceback" not in result.message, label
        # Ten times the lowered timeout: a check that waits on its own, longer timeout
        # (instead of the one setting, checking.DEFAULT_TIMEOUT) fails here.
        assert time.perf_counter() - start < 10 * checking.DEFAULT_TIMEOUT, \
            f"{label}: the check took {time.perf_counter() - start:.1f} s (does it use its own timeout?)"
    reproducible.restore_numpy()
