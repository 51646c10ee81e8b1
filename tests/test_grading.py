"""Instructors grade a class's notebooks with the course's own checks (nnfs_helpers.grading).

The quick tier checks what needs no kernel: no exercise module hands out an answer by name,
submissions are recognised and rebuilt from the course's copy. The notebook tier grades a
prepared class of notebook 04 (and one 01) end to end and reads every cell of the gradebook.
"""

import importlib
import re

import pytest

EXERCISE_MODULES = [f"nnfs_helpers.exercises.nb{n:02d}" for n in range(1, 21)]
GIVEAWAY = re.compile(r"reference|correct|solution|answer", re.IGNORECASE)


def _giveaways(names):
    return sorted(n for n in names if not n.startswith("_") and GIVEAWAY.search(n)
                  and not n.startswith("check_") and n != "quiz")


@pytest.mark.parametrize("name", EXERCISE_MODULES)
def test_no_exercise_module_exports_an_answer_by_name(name):
    module = importlib.import_module(name)
    assert _giveaways(module.__all__) == [], f"{name} exports an answer by name"


# nb20 keeps a public `reference_fingerprint` outside its __all__: reachable as
# nb20.reference_fingerprint. Strict: this fails as soon as it is made private, so the mark goes too.
KNOWN_ATTRIBUTE_LEAKS = {"nnfs_helpers.exercises.nb20"}


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.xfail(strict=True, reason="public reference_fingerprint in nb20"))
    if n in KNOWN_ATTRIBUTE_LEAKS else n for n in EXERCISE_MODULES])
def test_no_exercise_module_has_an_answer_as_a_public_attribute(name):
    module = importlib.import_module(name)
    assert _giveaways(dir(module)) == [], f"{name} has an answer reachable by name"


def test_the_renamed_references_still_drive_the_checks():
    from nnfs_helpers.exercises import nb04, nb05, nb07

    for module, old in [(nb04, "reference_softmax"), (nb05, "reference_cross_entropy"),
                        (nb05, "reference_accuracy"), (nb07, "correct_chain_gradients")]:
        assert not hasattr(module, old) and hasattr(module, "_" + old)
    assert nb04.check_softmax(nb04._reference_softmax).passed
    assert nb07.check_chain_gradients(nb07._correct_chain_gradients).passed
