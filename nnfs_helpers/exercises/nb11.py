"""Exercise checks for notebook 11 · AdaGrad, RMSProp and Adam.

* `check_rmsprop_cache(rmsprop_cache)`: RMSProp's cache update, a moving average of the
  squared gradients: `rho * cache + (1 - rho) * grad ** 2`.
* `check_adam_step(adam_step)`: one Adam step for one parameter array, returning the new
  `(param, m, v)`.
* `check_first_step_sizes(sizes)`: the length of Adam's first step for gradients of three
  very different scales (all about the learning rate).
* `quiz()`: the notebook's quiz.

Every check returns a `CheckResult` and never raises because of the learner's answer.
"""

import numpy as np

from ..checking import (LearnerError, Mistake, call_learner, compare, failed, guarded,
                        not_solved, passed, to_array)
from ..quiz import Question, Quiz

__all__ = ["check_rmsprop_cache", "check_adam_step", "check_first_step_sizes",
           "FIRST_STEP_GRADIENTS", "FIRST_STEP_SETTINGS", "quiz"]

TIMEOUT = None  # None: checking.DEFAULT_TIMEOUT, the one setting of how long a learner's function may run


# --- Exercise 1: rmsprop_cache -------------------------------------------------------------

def _cache_mistakes(cache, grad, rho):
    """Typical wrong versions of `rho * cache + (1 - rho) * grad ** 2`."""
    right = rho * cache + (1 - rho) * grad ** 2
    return [
        Mistake(rho * cache + (1 - rho) * grad,
                "You forgot to square the gradient: the cache averages `grad ** 2`, so it is never "
                "negative and its square root measures the gradient's size."),
        Mistake(rho * cache + (1 - rho) * np.abs(grad),
                "You averaged the absolute gradient, `abs(grad)`. RMSProp averages the squared "
                "gradient, `grad ** 2` (its square root is a root-mean-square, hence the name)."),
        Mistake(cache + grad ** 2,
                "That is AdaGrad's cache: a running sum that only grows. RMSProp keeps a moving "
                "average instead: `rho * cache + (1 - rho) * grad ** 2`."),
        Mistake((1 - rho) * cache + rho * grad ** 2,
                "`rho` and `1 - rho` are swapped: `rho` (close to 1) is the share of the old cache "
                "that is kept, and only `1 - rho` of the new squared gradient comes in."),
        Mistake(rho * cache + grad ** 2,
                "The new squared gradient needs the factor `(1 - rho)`: without it the cache grows "
                "like a sum instead of staying an average."),
        Mistake((1 - rho) * grad ** 2,
                "You dropped the old cache: keep `rho * cache` and add `(1 - rho) * grad ** 2`."),
        Mistake(rho * cache ** 2 + (1 - rho) * grad ** 2,
                "You squared the old cache too. It already holds squared gradients: only the new "
                "gradient is squared."),
        Mistake((rho * cache + (1 - rho) * grad) ** 2,
                "You squared the whole average. Square only the new gradient: "
                "`rho * cache + (1 - rho) * grad ** 2`."),
        Mistake(np.sqrt(right),
                "You returned the square root of the cache. The cache itself is the average of "
                "squares; the square root is taken later, in the parameter update."),
    ]


@guarded("Exercise 1: rmsprop_cache")
def check_rmsprop_cache(rmsprop_cache):
    """Check `rmsprop_cache(cache, grad, rho)` on two arrays and two values of rho."""
    title = "Exercise 1: rmsprop_cache"
    rng = np.random.default_rng(11)
    cache = rng.uniform(0.2, 2.0, size=(2, 3))
    grad = rng.normal(0.0, 1.5, size=(2, 3))
    grad[0, 0], grad[1, 2] = -abs(grad[0, 0]) - 0.5, abs(grad[1, 2]) + 0.3  # both signs
    answers = {}
    for rho in (0.9, 0.99):
        returned = call_learner(rmsprop_cache, cache.copy(), grad.copy(), rho,
                                name="rmsprop_cache", timeout=TIMEOUT)
        answers[rho] = returned
        mistakes = _cache_mistakes(cache, grad, rho)
        if rho != 0.9:
            mistakes.append(Mistake(0.9 * cache + 0.1 * grad ** 2,
                                    "Your function always uses rho = 0.9: use the `rho` argument."))
        result = compare(returned, rho * cache + (1 - rho) * grad ** 2, title,
                         label=f"with rho={rho:g}, your cache", mistakes=mistakes)
        if not result:
            return result
    return passed(title, "the cache keeps a share rho of its old value and takes in 1 - rho of "
                         "the new squared gradient.")


# --- Exercise 2: adam_step -----------------------------------------------------------------

def _adam_reference(param, grad, m, v, t, lr, beta_1, beta_2, epsilon, *, square=True,
                    correct_m=True, correct_v=True, t_offset=0, epsilon_inside=False, sign=-1.0,
                    swap_betas=False, no_lr=False, no_sqrt=False, no_epsilon=False,
                    m_without_share=False, swap_corrections=False, step_fixed=None, linear_m=False,
                    linear_v=False, v_corrected_with_beta_1=False, old_v_in_step=False):
    """Adam's step, and (with the keyword switches) its typical wrong versions."""
    b1, b2 = (beta_2, beta_1) if swap_betas else (beta_1, beta_2)
    m_new = b1 * m + (grad if m_without_share else (1 - b1) * grad)
    v_new = b2 * v + (1 - b2) * (grad ** 2 if square else grad)
    step = t + t_offset if step_fixed is None else step_fixed
    c1, c2 = (b2, b1) if swap_corrections else (b1, b2)
    if v_corrected_with_beta_1:
        c2 = b1
    correction_m = 1 - c1 * step if linear_m else 1 - c1 ** step
    correction_v = 1 - c2 * step if linear_v else 1 - c2 ** step
    v_in_step = v if old_v_in_step else v_new
    with np.errstate(all="ignore"):
        m_hat = m_new / correction_m if correct_m else m_new
        v_hat = v_in_step / correction_v if correct_v else v_in_step
        if no_sqrt:
            denominator = v_hat + epsilon
        elif epsilon_inside:
            denominator = np.sqrt(v_hat + epsilon)
        elif no_epsilon:
            denominator = np.sqrt(v_hat)
        else:
            denominator = np.sqrt(v_hat) + epsilon
        rate = 1.0 if no_lr else lr
        new_param = param + sign * rate * m_hat / denominator
    return new_param, m_new, v_new


def _scenarios():
    """Two calls: a later step (t = 4, other settings) and the first step (t = 1, empty moments).

    The later step comes first: at t = 1 some mistakes give the same numbers (m / (1 - beta_1)
    equals the gradient), at t = 4 they differ.
    """
    rng = np.random.default_rng(110)
    param = rng.normal(size=(2, 3))
    grad = np.array([[0.5, -2.0, 0.003], [-0.02, 1.2, -0.0008]])
    first = dict(param=param, grad=grad, m=np.zeros((2, 3)), v=np.zeros((2, 3)), t=1,
                 lr=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-4)
    later = dict(param=rng.normal(size=(2, 3)), grad=np.array([[-0.3, 0.004, 1.5], [0.07, -0.9, 0.02]]),
                 m=rng.normal(0.0, 0.3, size=(2, 3)), v=rng.uniform(0.001, 0.5, size=(2, 3)), t=4,
                 lr=0.05, beta_1=0.8, beta_2=0.99, epsilon=1e-4)
    return later, first


def _unpack(returned):
    """The learner's (param, m, v) as arrays, or a LearnerError saying what is wrong."""
    if returned is None or returned is Ellipsis:
        raise LearnerError("`adam_step` returned None. End it with `return param, m, v`.", unsolved=True)
    if not isinstance(returned, (tuple, list)):
        raise LearnerError(f"`adam_step` should return three arrays `(param, m, v)`, but it returned "
                           f"a {type(returned).__name__}. End it with `return param, m, v`.")
    if len(returned) != 3:
        raise LearnerError(f"`adam_step` should return three arrays `(param, m, v)`, but it returned "
                           f"{len(returned)} values. End it with `return param, m, v`.")
    names = ("param", "m", "v")
    return [to_array(value, f"the returned {name}") for value, name in zip(returned, names)]


def _describe(setting):
    return (f"t={setting['t']}, lr={setting['lr']:g}, beta_1={setting['beta_1']:g}, "
            f"beta_2={setting['beta_2']:g}, epsilon={setting['epsilon']:g}")


@guarded("Exercise 2: adam_step")
def check_adam_step(adam_step):
    """Check `adam_step(param, grad, m, v, t, lr, beta_1, beta_2, epsilon)` on two steps."""
    title = "Exercise 2: adam_step"
    for setting in _scenarios():
        arguments = [setting[key].copy() if isinstance(setting[key], np.ndarray) else setting[key]
                     for key in ("param", "grad", "m", "v", "t", "lr", "beta_1", "beta_2", "epsilon")]
        # Positional arguments: the learner may name the parameters differently.
        returned = call_learner(adam_step, *arguments, name="adam_step", timeout=TIMEOUT)
        param, m, v = _unpack(returned)
        expected_param, expected_m, expected_v = _adam_reference(**setting)
        where = f"with {_describe(setting)}"

        if (param.shape == expected_param.shape and np.array_equal(param, setting["param"])
                and m.shape == expected_m.shape and np.array_equal(m, setting["m"])
                and v.shape == expected_v.shape and np.array_equal(v, setting["v"])):
            return not_solved(title, "`adam_step` returned param, m and v unchanged. Write the "
                                     "update in the cell above, run it, then run this check again.")

        def wrong(**switches):
            return _adam_reference(**setting, **switches)

        b1, b2 = setting["beta_1"], setting["beta_2"]
        t = setting["t"]
        result = compare(m, expected_m, title, label=f"{where}, the returned m", mistakes=[
            Mistake(wrong(swap_betas=True)[1],
                    "beta_1 and beta_2 are swapped: the first moment m uses beta_1, the second "
                    "moment v uses beta_2."),
            Mistake(wrong(m_without_share=True)[1],
                    "The new gradient needs the factor `(1 - beta_1)`: m is a moving average, "
                    "`beta_1 * m + (1 - beta_1) * grad`."),
            Mistake(expected_m / (1 - b1 ** t),
                    "You returned the bias-corrected m. Return the raw moving average: the "
                    "correction is used for this step only, and the next step builds on raw m."),
            Mistake(setting["grad"],
                    "m should be a moving average of the gradients, not the gradient itself: "
                    "`beta_1 * m + (1 - beta_1) * grad`."),
        ])
        if not result:
            return result
        result = compare(v, expected_v, title, label=f"{where}, the returned v", mistakes=[
            Mistake(wrong(square=False)[2],
                    "The second moment averages the *squared* gradient: "
                    "`beta_2 * v + (1 - beta_2) * grad ** 2`. Without the square v can be negative "
                    "and its square root is NaN."),
            Mistake(wrong(swap_betas=True)[2],
                    "beta_1 and beta_2 are swapped: the first moment m uses beta_1, the second "
                    "moment v uses beta_2."),
            Mistake(expected_v / (1 - b2 ** t),
                    "You returned the bias-corrected v. Return the raw moving average: the "
                    "correction is used for this step only, and the next step builds on raw v."),
            Mistake(setting["v"] + setting["grad"] ** 2,
                    "That is AdaGrad's running sum. Adam's v is a moving average: "
                    "`beta_2 * v + (1 - beta_2) * grad ** 2`."),
        ])
        if not result:
            return result

        param_mistakes = [
            Mistake(wrong(linear_v=True)[0],  # NaN wherever v's correction is linear, whatever m's
                    f"At step t = {t} your bias correction divides by a negative number, so v_hat is "
                    "negative and its square root is NaN. The correction is `1 - beta ** t`, beta to "
                    "the power t (it grows from 1 - beta towards 1), not `1 - beta * t`."),
            Mistake(wrong(linear_m=True)[0],
                    "m's bias correction must be `1 - beta_1 ** t`, beta_1 to the power t, not "
                    "`1 - beta_1 * t` (which turns negative after a few steps and flips the step)."),
            Mistake(wrong(step_fixed=1)[0],
                    f"Your bias correction is that of the first step, `1 - beta`, at step t = {t} too. "
                    "It must use this step's number: `1 - beta_1 ** t` and `1 - beta_2 ** t`, which "
                    "fade towards 1 as t grows."),
            Mistake(wrong(v_corrected_with_beta_1=True)[0],
                    "You divided v by `1 - beta_1 ** t`. Each average is corrected with its own beta: "
                    "m by `1 - beta_1 ** t`, v by `1 - beta_2 ** t`."),
            Mistake(wrong(old_v_in_step=True)[0],
                    "Your step divides by the square root of the v you were given, the previous step's. "
                    "Update v first (`beta_2 * v + (1 - beta_2) * grad ** 2`), then correct it and use "
                    "it in this step, as you did for m."),
        ]
        if not np.isfinite(param).all():
            for mistake in param_mistakes:
                if mistake.matches(param):
                    return failed(title, f"{where}: {mistake.message}")
            if t == 1:
                return failed(title, f"{where}, your new param contains inf or NaN. At the first "
                                     "step, t = 1: did your bias correction use t - 1 (counting from "
                                     "0)? Then 1 - beta ** 0 = 0 and you divide by zero. The step "
                                     "number t counts from 1.")
            return failed(title, f"{where}, your new param contains inf or NaN. Look for a division "
                                 "by zero or the square root of a negative number.")
        result = compare(param, expected_param, title, label=f"{where}, the returned param", mistakes=[
            *param_mistakes,
            Mistake(wrong(correct_m=False, correct_v=False)[0],
                    "No bias correction: divide m by `(1 - beta_1 ** t)` and v by "
                    "`(1 - beta_2 ** t)` before the step. Both averages start at 0, so early on they "
                    "are far too small."),
            Mistake(wrong(correct_v=False)[0],
                    "You corrected m but not v: divide v by `(1 - beta_2 ** t)` too."),
            Mistake(wrong(correct_m=False)[0],
                    "You corrected v but not m: divide m by `(1 - beta_1 ** t)` too."),
            Mistake(wrong(t_offset=-1)[0],
                    "Your bias correction uses t - 1, as if the steps counted from 0. The first step "
                    "is t = 1 (otherwise 1 - beta ** 0 = 0 and the first step divides by zero)."),
            Mistake(wrong(t_offset=1)[0],
                    "Your bias correction uses t + 1: t is already the number of this step (1 for "
                    "the first), use it as it is."),
            Mistake(wrong(swap_corrections=True)[0],
                    "The corrections are swapped: m is divided by `1 - beta_1 ** t`, v by "
                    "`1 - beta_2 ** t`."),
            Mistake(wrong(epsilon_inside=True)[0],
                    "epsilon belongs outside the square root: `np.sqrt(v_hat) + epsilon`, not "
                    "`np.sqrt(v_hat + epsilon)`."),
            Mistake(wrong(sign=1.0)[0],
                    "Wrong sign: the step goes against the gradient, `param - lr * ...`."),
            Mistake(wrong(no_sqrt=True)[0],
                    "Divide by the square root of v_hat: v holds squared gradients, and its root "
                    "brings them back to the gradient's scale."),
            Mistake(wrong(no_lr=True)[0],
                    "Your step ignores the learning rate: multiply it by `lr`."),
            Mistake(wrong(no_epsilon=True)[0],
                    "Add epsilon to the denominator, `np.sqrt(v_hat) + epsilon`: it keeps the step "
                    "finite when v is 0."),
            Mistake(setting["param"] - setting["lr"] * setting["grad"],
                    "That is a plain gradient-descent step. Adam steps by `lr * m_hat / "
                    "(np.sqrt(v_hat) + epsilon)`."),
        ])
        if not result:
            return result
    return passed(title, "both moments, their bias correction and the step are right, at the first "
                         "step and at a later one.")


# --- Exercise 3: first_step_sizes ----------------------------------------------------------

FIRST_STEP_GRADIENTS = (0.001, 1.0, 1000.0)
FIRST_STEP_SETTINGS = dict(lr=0.05, beta_1=0.9, beta_2=0.999, epsilon=1e-7)


@guarded("Exercise 3: first_step_sizes")
def check_first_step_sizes(first_step_sizes):
    """Check the sizes of Adam's first step for the gradients 0.001, 1 and 1000."""
    title = "Exercise 3: first_step_sizes"
    g = np.array(FIRST_STEP_GRADIENTS)
    lr, b1, b2, eps = (FIRST_STEP_SETTINGS[k] for k in ("lr", "beta_1", "beta_2", "epsilon"))
    m, v = (1 - b1) * g, (1 - b2) * g ** 2
    m_hat, v_hat = m / (1 - b1), v / (1 - b2)
    expected = lr * m_hat / (np.sqrt(v_hat) + eps)
    answer = to_array(first_step_sizes, "first_step_sizes")
    if answer.shape == () and abs(answer.item() - lr) < 1e-3 * lr + 1e-6:
        return failed(title, "Right value, but give one size per gradient: an array of three numbers "
                             "(that they come out (almost) the same is the point).")

    def near(wrong):  # lenient, so that answers rounded by hand are recognised too
        return lambda array: array.shape == wrong.shape and bool(np.allclose(array, wrong, rtol=1e-2))

    return compare(answer, expected, title, rtol=1e-6, atol=1e-12, label="first_step_sizes", mistakes=[
        Mistake(lambda array: array.shape == expected.shape and bool(np.allclose(array, lr, rtol=1e-6, atol=0)),
                f"Those are exactly lr = {lr:g} three times: the rounded answer, not the computed one. "
                "Compute the three lengths from the formulas with NumPy (m, v, their corrections, "
                "then the step), epsilon included: it makes them differ a little, and the check "
                "compares them to six significant digits."),
        Mistake(near(-expected),
                "Those are the steps with their sign. A size is a length: take the absolute value."),
        Mistake(near(lr * m / (np.sqrt(v) + eps)),
                "Without bias correction the first step is about 3.16 times lr: m is only "
                "(1 - beta_1) g and v only (1 - beta_2) g ** 2. Apply the correction of step t = 1."),
        Mistake(near(lr * m_hat / (np.sqrt(v) + eps)),
                "You corrected m but not v: divide v by (1 - beta_2) too (t = 1)."),
        Mistake(near(lr * m / (np.sqrt(v_hat) + eps)),
                "You corrected v but not m: divide m by (1 - beta_1) too (t = 1)."),
        Mistake(near(lr * g),
                "That is plain gradient descent, lr * g. Adam divides by the root of the second "
                "moment, which cancels the gradient's scale."),
        Mistake(near(lr * m_hat / np.sqrt(v_hat + eps)),
                "epsilon belongs outside the square root: sqrt(v_hat) + epsilon."),
        Mistake(near(expected / lr),
                "Those are the steps divided by the learning rate: multiply by lr = 0.05."),
    ], success="the first step is about lr whatever the gradient's scale: m_hat / sqrt(v_hat) is "
               "g / |g| = 1 (almost: epsilon trims the smallest one a little).")


# --- Quiz ----------------------------------------------------------------------------------

def quiz():
    """The quiz of notebook 11."""
    return Quiz([
        Question(
            "AdaGrad divides each step by √c + ε. Parameter A's gradients have been much smaller "
            "than parameter B's all along. How do their effective learning rates η / (√c + ε) compare?",
            ["They are equal: AdaGrad still uses one learning rate η for all parameters.",
             "A's is smaller: small gradients mean there is little for A to learn.",
             "A's is larger: its smaller cache gives a smaller denominator.",
             "It depends on η: a larger η could make B's the larger one."],
            answer=2,
            explanations=["η is shared, but each parameter divides it by its own √c + ε, so the "
                          "effective rates differ.",
                          "The size of a gradient says nothing about how far a parameter is from a "
                          "good value; AdaGrad gives the small-gradient parameter the larger rate.",
                          "Right: both rates are η divided by the root of a sum of squared gradients, and "
                          "A's sum is the smaller one.",
                          "η multiplies both rates alike, so it cannot change which is larger."]),
        Question(
            "Why can AdaGrad's effective learning rate only go down during training, even with decay 0?",
            ["The gradients shrink as the network approaches a minimum.",
             "The decay setting lowers the learning rate at every step.",
             "Epsilon in the denominator grows a little at every step.",
             "Its cache adds g² at every step and never decreases."],
            answer=3,
            explanations=["Gradients can grow again (a spike, a new region); the cache still would not "
                          "shrink.",
                          "With decay 0 there is no schedule, and the steps still shrink.",
                          "Epsilon is a constant; it only prevents a division by zero.",
                          "Right: g² ≥ 0 is added at every step, so √c can only grow and η / (√c + ε) "
                          "can only shrink."]),
        Question(
            "RMSProp with ρ = 0.9 updates its cache as c ← 0.9 c + 0.1 g². Roughly how many recent steps "
            "does the cache remember?",
            ["About 90: nine tenths of the cache is kept at each step.",
             "About 10: weights fade as 0.9ᵏ, a memory of 1 / (1 − ρ).",
             "All of them, like AdaGrad: nothing is ever subtracted.",
             "Only the last one: each step overwrites the cache."],
            answer=1,
            explanations=["Keeping 90% at each step means an old square has weight 0.9ᵏ after k steps: "
                          "it fades within a few tens of steps, not 90.",
                          "Right: a squared gradient from k steps ago counts with weight 0.1 · 0.9ᵏ, so "
                          "the cache mostly reflects the last 1 / (1 − ρ) = 10 steps.",
                          "Multiplying by 0.9 at every step shrinks old squares geometrically; that is "
                          "how it forgets, unlike AdaGrad's sum.",
                          "That would be ρ = 0; with ρ = 0.9 the new square brings only a tenth."]),
        Question(
            "Adam's first moment starts at m₀ = 0. With β₁ = 0.9 and a constant gradient g, what are m₁ "
            "and the bias-corrected m̂₁?",
            ["m₁ = 0.1 g and m̂₁ = g",
             "m₁ = g and m̂₁ = g",
             "m₁ = 0.9 g and m̂₁ = g",
             "m₁ = 0.1 g and m̂₁ = 0.1 g"],
            answer=0,
            explanations=["Right: m₁ = (1 − β₁) g, and dividing by 1 − β₁¹ = 0.1 gives back g.",
                          "The new gradient enters the average with weight 1 − β₁ = 0.1, so m₁ is only a "
                          "tenth of it.",
                          "The new gradient enters with weight 1 − β₁ = 0.1, not β₁.",
                          "That leaves out the correction, which divides by 1 − β₁ᵗ."]),
        Question(
            "You multiply every gradient of a network by 1000 (say, by scaling the loss). Whose steps "
            "change the least?",
            ["Momentum's: its velocity averages the factor away.",
             "Nobody's: the minimum of the loss has not moved.",
             "Adam's: m̂ / √v̂ cancels the factor (up to ε).",
             "Plain gradient descent's: each step is only η g."],
            answer=2,
            explanations=["The velocity adds up steps of η g, each 1000 times longer, so it is 1000 times "
                          "longer too.",
                          "The minimum stays where it was, but the steps towards it depend on the "
                          "gradients, which are 1000 times larger.",
                          "Right: m̂ grows 1000 times and √v̂ grows 1000 times, so their ratio is the same "
                          "(epsilon aside).",
                          "η g with g 1000 times larger is a step 1000 times longer."]),
        Question(
            "On the bowl turned by 45°, AdaGrad and RMSProp lost most of their lead, while SGD and "
            "momentum did exactly as before. Why?",
            ["The turned bowl is steeper in both x and y, so every optimiser needs a smaller rate.",
             "Each coordinate gets its own step size, and the valley follows neither axis.",
             "Turning the bowl moved its minimum away from the point (0, 0).",
             "Their caches start at zero, which hurts more on a turned surface."],
            answer=1,
            explanations=["The turned bowl has the same heights and slopes, only in other directions; "
                          "SGD's best rate did not change.",
                          "Right: dividing x and y steps separately helps only when the steep and shallow "
                          "directions are x and y. SGD's and momentum's steps are multiples of the "
                          "gradient, which turns with the bowl.",
                          "The minimum is still at (0, 0): a rotation about the origin keeps it there.",
                          "The caches start at zero on both bowls, in the same way."]),
    ])
