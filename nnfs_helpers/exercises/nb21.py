"""Quiz for notebook 21 · Modern optimisation: AdamW and Nesterov momentum.

* `quiz()`: the notebook's quiz.

The notebook's exercises are not written yet; their checks will live here.
"""

from ..quiz import Question, Quiz

__all__ = ["quiz"]


def quiz():
    """The notebook's quiz: three questions, each option explained."""
    return Quiz([
        Question(
            "Under Adam, an L2 penalty of strength 0.01 is added to the loss. Which weights does it pull "
            "towards zero the hardest?",
            ["Those with the largest values, since the penalty's gradient 2 * 0.01 * w grows with w.",
             "Those whose data gradients are tiny: Adam divides the penalty's gradient by their small scale.",
             "All weights equally, since the penalty has one strength for the whole network.",
             "Those whose data gradients are largest, since they receive the largest total gradient."],
            answer=1,
            explanations=[
                "That holds for plain gradient descent; under Adam the division by each weight's gradient scale "
                "matters more than the weight's size.",
                "Right: with no data gradient the penalty's gradient alone is normalised to a full-size step.",
                "The strength is shared, but Adam rescales every gradient, the penalty's included, per weight.",
                "A large total gradient also means a large scale to divide by; the penalty's share of the step "
                "is then tiny."]),
        Question(
            "One step of Optimizer_AdamW(learning_rate=0.01, weight_decay=0.1) changes a weight w and a bias b. "
            "Compared with Optimizer_Adam's step from the same state, what is different?",
            ["Both w and b also shrink by 0.001 times themselves.",
             "w also shrinks by 0.001 * w, divided by the square root of its second moment.",
             "w also shrinks by 0.001 * w; b gets exactly Adam's step.",
             "Nothing on the first step: the decay starts once Adam's moments are warmed up."],
            answer=2,
            explanations=[
                "Biases are not decayed: they only shift a neuron's output.",
                "That division is what the decoupled decay avoids; it is the L2 penalty inside Adam.",
                "Right: Adam's step, minus learning_rate * weight_decay * w for the weights only.",
                "The decay acts from the first step; it does not use Adam's moments at all."]),
        Question(
            "In notebook 10's valley with momentum 0.9, plain momentum is stable at learning rate 0.035 and "
            "Nesterov momentum is not. Why?",
            ["Nesterov momentum needs a bias correction, like Adam, and diverges without it.",
             "The look-ahead adds momentum twice, so it moves faster along the flat floor of the valley.",
             "Nesterov momentum only works with learning-rate decay, which this run did not use.",
             "Across the steep walls its largest stable rate is 2(1 + mu) / ((1 + 2 mu) h), about a third of momentum's."],
            answer=3,
            explanations=[
                "There is no moment estimate to correct: the velocity starts at zero in both methods.",
                "The divergence is across the valley, in the steep direction, not along the floor.",
                "Both were run without decay; Nesterov converges without decay below its limit (0.01 in the figure).",
                "Right: with h = 50 that is 0.0271 against 0.076, and 0.035 lies between the two."]),
    ])
