"""Quiz for notebook 23 · Convolution on the digits.

* `quiz()`: the notebook's quiz.

The notebook's exercises are not written yet; their checks will live here.
"""

from ..quiz import Question, Quiz

__all__ = ["quiz"]


def quiz():
    """The notebook's quiz: three questions, each option explained."""
    return Quiz([
        Question(
            "A 3 x 3 convolution with stride 2 and padding 1 is applied to 8 x 8 images. How large is each "
            "output channel?",
            ["8 x 8, since padding 1 keeps the size of the image.",
             "3 x 3, since (8 - 3) / 2 + 1 rounds down to 3.",
             "5 x 5, since (8 + 2 - 3) / 2 + 1 is 4.5, rounded up.",
             "4 x 4, since (8 + 2 * 1 - 3) // 2 + 1 is 4."],
            answer=3,
            explanations=[
                "Padding 1 keeps the size only with stride 1; stride 2 halves it.",
                "That forgets the padding, which adds a row and a column on each side.",
                "The division rounds down: a window that would run past the border is not used.",
                "Right: floor((H + 2p - k) / s) + 1."]),
        Question(
            "What does im2col change about the convolution?",
            ["It gives the same numbers as the loops, computed as one matrix product of patches and kernels.",
             "It approximates the convolution by a dense layer, which is faster but slightly less accurate.",
             "It flips the kernels, so the result is a true convolution instead of a cross-correlation.",
             "It removes the need for a backward pass, since a matrix product's gradient is known."],
            answer=0,
            explanations=[
                "Right: the notebook checks it equals the loops for every stride and padding.",
                "Nothing is approximated: each row holds a patch exactly, and the products are the same sums.",
                "The kernels are not flipped; both versions compute the cross-correlation.",
                "The backward pass is still needed; im2col makes it a dense layer's, plus col2im."]),
        Question(
            "In the backward pass of 2 x 2 max pooling, where does the gradient of one output go?",
            ["Spread equally over the four inputs of its window, a quarter to each.",
             "All of it to the input that was largest in the window; the other three get 0.",
             "To all four inputs in full, since each was compared with the others.",
             "Nowhere: the maximum is not differentiable, so pooling layers pass no gradient."],
            answer=1,
            explanations=[
                "That is the gradient of average pooling.",
                "Right: only the winner moved the output, so only it receives the gradient.",
                "The output changes only when the winner changes; the others had no effect on it.",
                "Away from ties the maximum has a gradient: 1 for the winner, 0 for the others."]),
    ])
