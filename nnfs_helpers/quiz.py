"""Multiple-choice quizzes with instant feedback, built on ipywidgets (no `input()`).

    quiz = Quiz([
        Question("What does the bias do?",
                 ["Scales the input", "Shifts the output", "Adds non-linearity"],
                 answer=1,
                 explanations=["That is the weight.", "Yes: it moves w*x up or down.",
                               "That is the activation function."]),
    ])
    quiz          # shows the questions; picking an option shows the feedback

Outside a live kernel (or for tests) answer with `quiz.answer(question_index, option_index)`.
"""

import html

import ipywidgets as widgets

__all__ = ["Question", "Quiz"]


class Question:
    """One multiple-choice question with the index of the right option."""

    def __init__(self, prompt, options, answer, explanations=None):
        if not isinstance(prompt, str) or not prompt:
            raise TypeError(f"Question prompt must be a non-empty string, got {prompt!r}")
        if isinstance(options, str) or len(options) < 2:
            raise ValueError(f"a question needs a list of at least two options, got {options!r}")
        options = [str(option) for option in options]
        if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer < len(options):
            raise ValueError(f"answer must be the index of the right option (0 to {len(options) - 1}), got {answer!r}")
        if explanations is None:
            explanations = [""] * len(options)
        if len(explanations) != len(options):
            raise ValueError(f"give one explanation per option: {len(options)} options, "
                             f"{len(explanations)} explanations")
        self.prompt, self.options, self.answer = prompt, options, answer
        self.explanations = [str(text) for text in explanations]

    def feedback(self, choice):
        """The feedback text for the option at index `choice`."""
        if choice is None:
            return ""
        right = choice == self.answer
        verdict = "Correct!" if right else "Not quite."
        why = self.explanations[choice]
        return f"{verdict} {why}".strip()


class Quiz:
    """A list of `Question`s shown as radio buttons with feedback under each."""

    def __init__(self, questions, title="Check your understanding"):
        questions = list(questions)
        if not questions or not all(isinstance(q, Question) for q in questions):
            raise TypeError("Quiz expects a non-empty list of Question objects")
        self.questions = questions
        self.title = title
        self.choices = [None] * len(questions)
        self._widget = None

    def answer(self, question, choice):
        """Choose option `choice` for question `question`; return the feedback text."""
        if not 0 <= question < len(self.questions):
            raise IndexError(f"question index must be 0 to {len(self.questions) - 1}, got {question}")
        q = self.questions[question]
        if not 0 <= choice < len(q.options):
            raise IndexError(f"option index must be 0 to {len(q.options) - 1}, got {choice}")
        self.choices[question] = choice
        return q.feedback(choice)

    @property
    def score(self):
        """Number of questions answered correctly so far."""
        return sum(c == q.answer for c, q in zip(self.choices, self.questions))

    def __repr__(self):
        return (f"{self.title}: a quiz of {len(self.questions)} questions. "
                "Run this cell to answer it.")

    def _build(self):
        rows = [widgets.HTML(f"<h4>{html.escape(self.title)}</h4>")]
        score = widgets.HTML()

        def show_score():
            score.value = f"<b>Score: {self.score} / {len(self.questions)}</b>"

        for index, q in enumerate(self.questions):
            buttons = widgets.RadioButtons(options=q.options, value=None,
                                           layout=widgets.Layout(width="auto"))
            feedback = widgets.HTML()

            def on_change(change, index=index, q=q, feedback=feedback):
                if change["new"] is None:
                    return
                choice = q.options.index(change["new"])
                text = self.answer(index, choice)
                colour = "#009E73" if choice == q.answer else "#D55E00"
                feedback.value = f'<span style="color: {colour}">{html.escape(text)}</span>'
                show_score()

            buttons.observe(on_change, names="value")
            rows += [widgets.HTML(f"<b>{index + 1}. {html.escape(q.prompt)}</b>"), buttons, feedback]
        show_score()
        rows.append(score)
        return _QuizBox(self, rows)

    def _ipython_display_(self):
        from IPython.display import display

        self._widget = self._widget or self._build()
        display(self._widget)


class _QuizBox(widgets.VBox):
    """The quiz's widget; its text form (what a notebook file records) is the quiz's summary."""

    def __init__(self, quiz, children):
        super().__init__(children)
        self._summary = repr(quiz)

    def __repr__(self):
        return self._summary
