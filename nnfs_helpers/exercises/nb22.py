"""Quiz for notebook 22 · Batch normalisation.

* `quiz()`: the notebook's quiz.

The notebook's exercises are not written yet; their checks will live here.
"""

from ..quiz import Question, Quiz

__all__ = ["quiz"]


def quiz():
    """The notebook's quiz: three questions, each option explained."""
    return Quiz([
        Question(
            "Why are gamma and beta stored as the layer's `weights` and `biases`?",
            ["So that every optimiser and the Model train them without any change to their code.",
             "Because batch normalisation replaces the dense layer before it, so it takes over its weights.",
             "Because the L2 penalty of notebook 13 must act on gamma and beta like on any weight.",
             "So that saving and loading in notebook 20 can tell the two layers apart."],
            answer=0,
            explanations=[
                "Right: optimisers update `weights` and `biases` from `dweights` and `dbiases`, whatever the layer.",
                "The layer follows a dense layer; it has its own parameters, one pair per feature.",
                "The layer sets its penalties to 0; the names are about training, not about penalties.",
                "Saving reads layers by position and shape; the names do not tell layers apart."]),
        Question(
            "A backward pass treats the batch's mean and variance as constants in training mode. What happens?",
            ["Nothing measurable: the mean and variance change very little when one sample changes.",
             "The gradient check fails: every sample moves the statistics, and that part is missing.",
             "The gradients of gamma and beta are wrong, but the gradient of the inputs is right.",
             "It is right, because the running statistics are constants during training."],
            answer=1,
            explanations=[
                "The notebook measured it: the shortcut's relative error was 0.24, far above rounding.",
                "Right: the two sums over the batch in the full formula are the missing part.",
                "It is the other way round: dgamma and dbeta do not involve the statistics' dependence.",
                "Training normalises with the batch's own statistics, not the running ones."]),
        Question(
            "A trained network with batch normalisation predicts a single image in training mode. What comes out "
            "of the batch-normalisation layer?",
            ["The same as in evaluation mode, since the weights are the same.",
             "NaN, because the variance of one sample is 0 and the layer divides by it.",
             "Beta for every feature, whatever the image: the image equals its batch's mean.",
             "The input unchanged, since there is nothing to normalise in a batch of one."],
            answer=2,
            explanations=[
                "Training mode uses the batch's own statistics, which for one sample say nothing about the data.",
                "Epsilon keeps the division finite; the numerator is 0, so the normalised value is 0.",
                "Right: x - mean is 0, so the output is gamma * 0 + beta. Evaluation mode uses the running statistics.",
                "The layer subtracts the batch's mean, which is the sample itself."]),
    ])
