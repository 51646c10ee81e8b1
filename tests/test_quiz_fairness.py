"""The quizzes measure understanding: the right option's position varies, it is not the
longest by habit, and every notebook has a quiz whose answers live in the package."""

import importlib
from collections import Counter
from pathlib import Path

import pytest

from nnfs_helpers.quiz import Quiz

ROOT = Path(__file__).resolve().parent.parent
NUMBERS = sorted(p.name[:2] for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def quiz_of(number):
    module = importlib.import_module(f"nnfs_helpers.exercises.nb{number}")
    assert hasattr(module, "quiz"), f"nnfs_helpers.exercises.nb{number} has no quiz()"
    quiz = module.quiz()
    assert isinstance(quiz, Quiz)
    return quiz


QUIZZES = {number: quiz_of(number) for number in NUMBERS}


def test_every_quiz_has_three_or_more_questions():
    for number, quiz in QUIZZES.items():
        assert len(quiz.questions) >= 3, f"notebook {number}: {len(quiz.questions)} questions"


def test_no_position_holds_more_than_40_percent_of_the_right_answers():
    positions = Counter(q.answer for quiz in QUIZZES.values() for q in quiz.questions)
    total = sum(positions.values())
    worst, count = positions.most_common(1)[0]
    assert count <= 0.4 * total, f"option {worst + 1} is right in {count} of {total} questions: {dict(positions)}"


@pytest.mark.parametrize("number", NUMBERS)
def test_no_notebook_has_all_its_right_answers_in_one_position(number):
    answers = {q.answer for q in QUIZZES[number].questions}
    assert len(answers) > 1, f"notebook {number}: every right answer is option {answers.pop() + 1}"


def test_the_right_option_is_the_longest_in_at_most_40_percent_of_questions():
    questions = [q for quiz in QUIZZES.values() for q in quiz.questions]
    longest = [q for q in questions
               if len(q.options[q.answer]) > max(len(o) for i, o in enumerate(q.options) if i != q.answer)]
    assert len(longest) <= 0.4 * len(questions), (
        f"the right option is the longest in {len(longest)} of {len(questions)} questions, e.g. "
        + "; ".join(repr(q.prompt[:50]) for q in longest[:5]))


def test_options_are_distinct_and_every_option_is_explained():
    for number, quiz in QUIZZES.items():
        for q in quiz.questions:
            assert len(set(q.options)) == len(q.options), f"notebook {number}: repeated option in {q.prompt!r}"
            assert all(text.strip() for text in q.explanations), f"notebook {number}: {q.prompt!r} lacks an explanation"
