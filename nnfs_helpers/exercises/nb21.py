"""Exercise checks and quiz for notebook 21 · Modern optimisation: AdamW, Nesterov momentum and schedules.

* `check_weight_after(weight_after)`: the value of a weight with no data gradient after some steps
  of AdamW, with and without the book's 1/t decay of the learning rate.
* `check_warmup_cosine(warmup_cosine)`: the learning rate of each epoch under a linear warm-up
  followed by a cosine descent to 0.
* `check_step_matrix(step_matrix)`: the 2x2 matrix of one step of momentum or Nesterov momentum
  along a direction of curvature h, judged by its trace and determinant (the two numbers its roots
  depend on), so any ordering of the state is accepted.
* `quiz()`: the notebook's quiz.

Every check returns a `CheckResult` and never raises because of the learner's answer. The checks
compute their references in float64 with their own code and draw nothing from NumPy's global
random generator.
"""

import math

import numpy as np

from ..checking import Mistake, call_learner, compare, failed, guarded, passed, to_array
from ..quiz import Question, Quiz

__all__ = ["check_weight_after", "check_warmup_cosine", "check_step_matrix", "quiz"]

DECAY_TITLE = "Exercise 1: a weight that only decays"
SCHEDULE_TITLE = "Exercise 3: write the schedule"
MATRIX_TITLE = "Exercise 2: one step as a matrix"
TIMEOUT = None  # None: checking.DEFAULT_TIMEOUT

# (w0, learning_rate, weight_decay, steps, decay): each case separates the mistakes below.
DECAY_CASES = [(1.5, 0.1, 0.5, 40, 0.0), (-0.8, 0.05, 1.0, 30, 0.1), (2.0, 0.02, 0.3, 200, 0.01)]


# --- Exercise 1 ------------------------------------------------------------------------------

def _rates(learning_rate, steps, decay, first=0):
    return learning_rate / (1 + decay * np.arange(first, first + steps))


def _weight_after(w0, learning_rate, weight_decay, steps, decay):
    return w0 * np.prod(1 - _rates(learning_rate, steps, decay) * weight_decay)


def _decay_mistakes(w0, learning_rate, weight_decay, steps, decay):
    rates = _rates(learning_rate, steps, decay)
    mistakes = [
        Mistake(w0 * (1 - weight_decay * rates.sum()),
                "You subtracted the shrink of every step from the starting weight, as if each step took "
                "learning_rate * weight_decay * w0. Each step takes that fraction of the weight as it is "
                "then, already shrunk: the factors multiply, (1 - rate * weight_decay) per step."),
        Mistake(w0 * np.prod(1 - _rates(1.0, steps, decay) * weight_decay),
                "The learning rate is missing: the shrink of one step is learning_rate * weight_decay * w, "
                "not weight_decay * w."),
        Mistake(w0 * np.prod(1 - 2 * rates * weight_decay),
                "There is a factor 2 too many: 2 * lambda * w is the gradient of notebook 13's L2 penalty; "
                "AdamW's decay is learning_rate * weight_decay * w."),
        Mistake(w0 * np.exp(-weight_decay * rates.sum()),
                "That is the exponential approximation, exp(-sum of rate * weight_decay). One step multiplies "
                "by exactly (1 - rate * weight_decay); multiply those factors."),
        Mistake(w0 * np.prod(1 - rates[:-1] * weight_decay) if steps > 1 else None,
                "One step too few: count the factors, one per step."),
        Mistake(w0 * np.prod(1 - _rates(learning_rate, steps + 1, decay) * weight_decay),
                "One step too many: count the factors, one per step."),
        Mistake(w0 * np.prod(1 - rates * weight_decay) - np.sign(w0) * learning_rate * steps,
                "You also moved the weight by Adam's step of about learning_rate per step. With every "
                "gradient 0 both moments stay 0, and Adam's step is 0 / (sqrt(0) + epsilon) = 0."),
    ]
    if decay:
        mistakes += [
            Mistake(w0 * (1 - learning_rate * weight_decay) ** steps,
                    "The learning rate decays: step t uses learning_rate / (1 + decay * t), so the factors "
                    "are not all the same. Your answer ignores `decay`."),
            Mistake(w0 * np.prod(1 - _rates(learning_rate, steps, decay, first=1) * weight_decay),
                    "The steps are counted from t = 1: the first step (t = 0) uses the full learning_rate, "
                    "as the optimiser's iterations start at 0."),
        ]
    return mistakes


@guarded(DECAY_TITLE)
def check_weight_after(weight_after):
    """Check `weight_after(w0, learning_rate, weight_decay, steps, decay=0.0)` -> a number."""
    for w0, learning_rate, weight_decay, steps, decay in DECAY_CASES:
        context = (f"weight_after({w0}, learning_rate={learning_rate}, weight_decay={weight_decay}, "
                   f"steps={steps}, decay={decay})")
        answer = call_learner(weight_after, w0, learning_rate, weight_decay, steps, decay, timeout=TIMEOUT,
                              name="weight_after", context=context)
        array = to_array(answer, "your weight")
        if array.size != 1:
            return failed(DECAY_TITLE, f"{context} returned {array.size} numbers; it should return one "
                                       "number, the weight after the last step.")
        expected = _weight_after(w0, learning_rate, weight_decay, steps, decay)
        mistakes = [m for m in _decay_mistakes(w0, learning_rate, weight_decay, steps, decay) if m.wrong is not None]
        result = compare(array.reshape(()), expected, DECAY_TITLE, rtol=1e-6, atol=1e-9, mistakes=mistakes,
                         label=f"{context}")
        if not result:
            return result
    return passed(DECAY_TITLE, "right: Adam's step is exactly 0 for such a weight, and every step multiplies it "
                               "by (1 - rate * weight_decay), the same fraction whatever its gradients.")


# --- Exercise 2 ------------------------------------------------------------------------------

SCHEDULE_CASES = [(0.01, 10, 150), (0.3, 4, 20)]


def _warmup_cosine(epoch, peak, warmup, total):
    if epoch < warmup:
        return peak * (epoch + 1) / warmup
    return peak * 0.5 * (1 + math.cos(math.pi * (epoch - warmup) / (total - warmup)))


def _schedule_mistakes(peak, warmup, total):
    epochs = np.arange(total)
    after = np.maximum(epochs - warmup, 0)
    up = epochs < warmup

    def cosine(progress):
        return peak * 0.5 * (1 + np.cos(np.pi * progress))

    right_up = peak * (epochs + 1) / warmup
    right_down = cosine(after / (total - warmup))
    return [
        Mistake(np.where(up, peak * epochs / warmup, right_down),
                "The warm-up starts at rate 0 (epoch / warmup), so the first step does nothing and the peak "
                "is reached one epoch late. Use (epoch + 1) / warmup."),
        Mistake(np.where(up, right_up, cosine(epochs / total)),
                "The cosine's progress is counted from epoch 0 (epoch / total), so the descent starts "
                "below the peak. Count it from the end of the warm-up: (epoch - warmup) / (total - warmup)."),
        Mistake(np.where(up, right_up, cosine(after / total)),
                "The progress divides by total, not by the length of the descent, total - warmup, so the "
                "rate never gets near 0 at the end."),
        Mistake(np.where(up, right_up, peak * np.cos(np.pi * after / (total - warmup))),
                "The rate turns negative in the second half: peak * cos(pi * p) runs from peak to -peak. "
                "Half of (1 + cos(pi * p)) runs from 1 to 0."),
        Mistake(np.where(up, right_up, peak * np.cos(0.5 * np.pi * after / (total - warmup))),
                "That is a quarter cosine, cos(pi * p / 2): it starts flat and ends steep. The schedule is "
                "half of (1 + cos(pi * p)), which is flat at both ends."),
        Mistake(np.where(up, right_up, cosine(after / (total - warmup - 1))),
                "The descent reaches 0 at the last epoch: you divided by total - warmup - 1. The cosine "
                "should reach 0 at epoch `total`, one past the last, so the last epoch keeps a small rate."),
        Mistake(right_down * 0 + cosine(epochs / total),
                "The warm-up is missing: the first `warmup` epochs should climb linearly to the peak."),
    ]


@guarded(SCHEDULE_TITLE)
def check_warmup_cosine(warmup_cosine):
    """Check `warmup_cosine(epoch, peak, warmup, total)` -> a number, for every epoch of two schedules."""
    for peak, warmup, total in SCHEDULE_CASES:
        answers = []
        for epoch in range(total):
            context = f"warmup_cosine({epoch}, peak={peak}, warmup={warmup}, total={total})"
            value = to_array(call_learner(warmup_cosine, epoch, peak, warmup, total, timeout=TIMEOUT,
                                          name="warmup_cosine", context=context), f"the rate of epoch {epoch}")
            if value.size != 1:
                return failed(SCHEDULE_TITLE, f"{context} returned {value.size} numbers; it should return "
                                              "one number, the rate of that epoch.")
            answers.append(float(value.reshape(())))
        expected = [_warmup_cosine(epoch, peak, warmup, total) for epoch in range(total)]
        result = compare(answers, expected, SCHEDULE_TITLE, rtol=1e-6, atol=1e-12,
                         mistakes=_schedule_mistakes(peak, warmup, total),
                         label=f"your rates for peak={peak}, warmup={warmup}, total={total}")
        if not result:
            return result
    return passed(SCHEDULE_TITLE, "right. Now test your answer to the question above with your own function: "
                                  "the first epoch, for warmup=10 and total=150, whose rate is at most half the peak.")


# --- Exercise 3 ------------------------------------------------------------------------------

# (rate, h, mu): each case separates the mistakes below.
MATRIX_CASES = [(0.01, 50.0, 0.9), (0.02, 1.0, 0.5), (0.004, 120.0, 0.8)]


def _step_matrix(rate, h, mu, nesterov):
    a = rate * h
    if nesterov:
        return np.array([[1 - a * (1 + mu), mu * mu], [-a, mu]])
    return np.array([[1 - a, mu], [-a, mu]])


def _trace_det(matrix):
    m = np.asarray(matrix, dtype=np.float64)
    return np.array([m[0, 0] + m[1, 1], m[0, 0] * m[1, 1] - m[0, 1] * m[1, 0]])


def _matrix_mistakes(rate, h, mu, nesterov):
    a = rate * h
    wrong = [
        (np.array([[1, 1], [-a, mu]]),
         "The weight moved by the old velocity. In the optimiser the weight moves by the new velocity, "
         "mu * v - rate * h * w, so the weight's row depends on both w and v."),
        (_step_matrix(-rate, h, mu, nesterov),
         "A sign: the gradient of 0.5 * h * w**2 is h * w, and the step goes against it, -rate * h * w."),
    ]
    if nesterov:
        wrong += [
            (np.array([[1 - a * (1 + mu), mu], [-a, mu]]),
             "The velocity's factor in the weight's row: the weight moves by mu * (new velocity) - rate * h * w, "
             "and the new velocity itself carries mu * v, so v enters with mu * mu."),
            (np.array([[1 - a, mu * mu], [-a, mu]]),
             "The weight's own factor: the gradient step enters twice, once inside the new velocity (times mu) "
             "and once on its own, so w is multiplied by 1 - rate * h * (1 + mu)."),
            (_step_matrix(rate, h, mu, False),
             "That is plain momentum's matrix: with nesterov=True the weight moves by mu * (new velocity) "
             "- rate * h * w, not by the new velocity."),
        ]
    else:
        wrong.append((_step_matrix(rate, h, mu, True),
                      "That is Nesterov's matrix; with nesterov=False the weight moves by the new velocity only."))
    return [Mistake(_trace_det(matrix), message) for matrix, message in wrong]


@guarded(MATRIX_TITLE)
def check_step_matrix(step_matrix):
    """Check `step_matrix(rate, h, mu, nesterov)` -> a 2x2 array, by its trace and determinant."""
    for nesterov in (False, True):
        for rate, h, mu in MATRIX_CASES:
            context = f"step_matrix({rate}, h={h}, mu={mu}, nesterov={nesterov})"
            answer = call_learner(step_matrix, rate, h, mu, nesterov, timeout=TIMEOUT, name="step_matrix",
                                  context=context)
            array = to_array(answer, "your matrix")
            if array.shape != (2, 2):
                return failed(MATRIX_TITLE, f"{context} returned an array of shape {array.shape}; it should "
                                            "return a 2x2 array, the matrix that maps (w, v) before a step to "
                                            "(w, v) after it.")
            result = compare(_trace_det(array), _trace_det(_step_matrix(rate, h, mu, nesterov)), MATRIX_TITLE,
                             rtol=1e-6, atol=1e-9, mistakes=_matrix_mistakes(rate, h, mu, nesterov),
                             label=f"the trace and determinant of {context}")
            if not result:
                return result
    return passed(MATRIX_TITLE, "right: the trace and determinant match, and they are all the roots depend on "
                                "(the roots solve r**2 - trace * r + determinant = 0). Now make your prediction "
                                "before the next cell runs.")


def quiz():
    """The notebook's quiz: five questions, each option explained."""
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
             "Across the steep walls its largest stable rate is 2(1 + mu) / ((1 + 2 mu) h), about 36 % of momentum's."],
            answer=3,
            explanations=[
                "There is no moment estimate to correct: the velocity starts at zero in both methods.",
                "The divergence is across the valley, in the steep direction, not along the floor.",
                "Both were run without decay; Nesterov converges without decay below its limit (0.01 in the figure).",
                "Right: with h = 50 that is 0.0271 against 0.076, and 0.035 lies between the two."]),
        Question(
            "On the digits, the range test's loss was lowest at rate 0.25, so the rule picked 0.025. What did "
            "the sweep of constant rates (150 epochs, 3 seeds) say about that pick?",
            ["It trained fast, near the sweep's lowest training loss, but ranked mid-sweep on validation loss.",
             "It was the sweep's best rate on validation loss too, so the sweep could have been skipped.",
             "It diverged: a tenth of the lowest-loss rate is still beyond where the loss starts to climb.",
             "It was too small to train in 150 epochs; the rule should divide by 2 rather than by 10."],
            answer=0,
            explanations=[
                "Right: the test finds a rate that trains fast; on 300 images the best validation loss came "
                "from a rate about ten times smaller.",
                "The best validation loss in the sweep came from 0.003, not from a rate near the pick.",
                "The loss climbed only beyond about 0.3 in the test, and the pick trained without trouble.",
                "The pick reached one of the lowest training losses of the sweep; it was not too small."]),
        Question(
            "At its best rate, warm-up + cosine reached a lower training loss than 1/t decay or a constant rate, "
            "but a slightly higher validation loss (150 epochs, 300 images, 3 seeds). A fair conclusion?",
            ["Warm-up + cosine is the better schedule, since the training loss is what a schedule optimises.",
             "In this setting no schedule improved validation; a claim beyond this budget needs its own test.",
             "Cosine schedules overfit on every data set, so the book's 1/t decay should always be used.",
             "The comparison is unfair because the schedules' best rates differ; all must use one rate."],
            answer=1,
            explanations=[
                "What matters is the validation score, and there it did not win; a lower training loss on "
                "300 images went with more overfitting.",
                "Right: the result is stated with its budget, and it is negative for the schedule here.",
                "One small data set and one budget cannot support a claim about every data set.",
                "Giving each method its own best rate is what makes the comparison fair; one shared rate "
                "would favour whichever method it happens to suit."]),
    ])
