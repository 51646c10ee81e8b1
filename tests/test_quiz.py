import pytest

from nnfs_helpers.quiz import Question, Quiz


def make_quiz():
    return Quiz([
        Question("What shifts the output?", ["weight", "bias"], answer=1,
                 explanations=["The weight scales.", "Yes, the bias shifts."]),
        Question("2 + 2?", ["3", "4", "5"], answer=1),
    ])


def test_answers_give_instant_feedback_and_score():
    quiz = make_quiz()
    assert quiz.answer(0, 0).startswith("Not quite.") and "scales" in quiz.answer(0, 0)
    assert quiz.answer(0, 1) == "Correct! Yes, the bias shifts."
    assert quiz.answer(1, 1) == "Correct!"
    assert quiz.score == 2


def test_widget_feedback_on_selection():
    quiz = make_quiz()
    box = quiz._build()
    radios = [w for w in box.children if hasattr(w, "options")]
    radios[0].value = "bias"
    feedback = box.children[box.children.index(radios[0]) + 1]
    assert "Correct!" in feedback.value
    assert "Score: 1 / 2" in box.children[-1].value
    assert repr(box) == repr(quiz)  # what the notebook file records is stable text


def test_text_form_is_stable():
    assert repr(make_quiz()) == repr(make_quiz())
    assert "2 questions" in repr(make_quiz())


@pytest.mark.parametrize("kwargs, error", [
    (dict(prompt="", options=["a", "b"], answer=0), TypeError),
    (dict(prompt="q", options="ab", answer=0), ValueError),
    (dict(prompt="q", options=["a", "b"], answer=2), ValueError),
    (dict(prompt="q", options=["a", "b"], answer=True), ValueError),
    (dict(prompt="q", options=["a", "b"], answer=0, explanations=["x"]), ValueError),
])
def test_bad_questions_are_refused_clearly(kwargs, error):
    with pytest.raises(error):
        Question(**kwargs)


def test_bad_quiz_and_answers_are_refused_clearly():
    with pytest.raises(TypeError, match="Question"):
        Quiz(["not a question"])
    with pytest.raises(IndexError, match="question index"):
        make_quiz().answer(5, 0)
    with pytest.raises(IndexError, match="option index"):
        make_quiz().answer(0, 9)
