"""The machinery behind the exercise checks.

Every check returns a `CheckResult`: it shows as a green "Correct" or an orange
"Not yet" box with a specific diagnosis, and it is truthy only when the answer is
right. A check never raises because of the learner's answer: wrong types, wrong
shapes, NaN, exceptions and endless loops all become a message.

Checks for each notebook live in `nnfs_helpers.exercises`.

Every check follows one control flow, in this order:

1. read the answer: call the learner's function with `call_learner` (or `quiet_call`) and turn
   what it gave into numbers with `to_array`; anything unusable (not written yet, wrong type,
   an exception, an endless loop) raises `LearnerError`, which `guarded` turns into the message;
2. check its type and shape before any arithmetic, so that no diagnosis ever depends on the
   text of NumPy's or Python's error messages (they change between releases): a failure is
   read from the exception's type only (`LearnerError.kind`, `call_learner(hints=...)`);
3. compare it with the right value (`compare`);
4. if it differs, name the mistake: the first `Mistake` (a wrong formula's value, or a test on
   the answer) that the answer matches;
5. otherwise say "Not yet" with what was expected and what was given.

A check of a function on a few cases, with the right value and the named mistakes of each
case given as data, is one call of `check_cases`; a check of one value is a `value_check`.
Checks that need more logic are code, written with the same helpers and in the same order.
"""

import contextlib
import copy
import functools
import html
import io
import signal
import sys
import threading
import warnings
from contextlib import contextmanager

import numpy as np

__all__ = [
    "CheckResult", "passed", "failed", "not_solved", "call_learner", "to_array",
    "compare", "guarded", "Mistake", "LearnerError", "NOT_SOLVED", "solution", "SolutionError",
    "short", "quiet_call", "check_cases", "value_check", "require_given",
    "mean_and_se", "best_on_mean", "rate_choice_problem", "gap_verdict_problem",
]

NOT_SOLVED = "Not solved yet"
DEFAULT_TIMEOUT = 5.0


class CheckResult:
    """The outcome of one check: `passed` (bool) and a `message` for the learner."""

    def __init__(self, passed, message, title="Check"):
        self.passed = bool(passed)
        self.message = str(message)
        self.title = str(title)

    def __bool__(self):
        return self.passed

    def __repr__(self):
        mark = "Correct" if self.passed else "Not yet"
        return f"[{mark}] {self.title}: {self.message}"

    def _repr_html_(self):
        colour, mark = ("#009E73", "&#10004; Correct") if self.passed else ("#D55E00", "&#10008; Not yet")
        return (
            f'<div style="border-left: 6px solid {colour}; padding: 0.4em 0.8em; margin: 0.3em 0">'
            f'<b style="color: {colour}">{mark}</b> <b>{html.escape(self.title)}</b><br>'
            f"{html.escape(self.message)}</div>"
        )


def passed(title, message="well done!"):
    return CheckResult(True, message, title)


def failed(title, message):
    return CheckResult(False, message, title)


def not_solved(title, hint="replace the `...` in the cell above with your code, run it, then run this check again."):
    return CheckResult(False, f"{NOT_SOLVED}: {hint}", title)


class _Timeout(Exception):
    pass


@contextmanager
def _time_limit(seconds):
    """Interrupt the block after `seconds` (POSIX main thread only; elsewhere no limit)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or seconds is None:
        yield
        return

    def on_alarm(signum, frame):
        raise _Timeout()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class LearnerError(Exception):
    """The learner's code could not give an answer; `str()` says why, for the learner."""

    def __init__(self, message, unsolved=False, kind=None):
        super().__init__(message)
        self.unsolved = unsolved
        self.kind = kind  # the name of the exception the learner's code raised ("ValueError"), if any


def call_learner(func, *args, timeout=None, name=None, context=None, hints=None, **kwargs):
    """Call the learner's `func`; return its result or raise `LearnerError` with a clear reason.

    `timeout` (seconds, default `DEFAULT_TIMEOUT`) stops a function that never returns.
    `context` (such as "dot_product([1, 2], [3, 4])") is put in front of a failure's message,
    and `hints` maps the name of an exception the function raised (such as "IndexError") to
    advice added after it. A function that is not written yet is reported as such, unprefixed.
    """
    timeout = DEFAULT_TIMEOUT if timeout is None else timeout
    label = name or getattr(func, "__name__", "your function")

    def failure(message, advice="", kind=None):
        message = f"{context}: {message}" if context else message
        return LearnerError(f"{message.rstrip(' .')}. {advice}" if advice else message, kind=kind)

    if func is None or func is Ellipsis:
        raise LearnerError(f"`{label}` is not defined yet.", unsolved=True)
    if not callable(func):
        raise failure(f"expected a function, but got a {type(func).__name__}: {_short(func)}.")
    try:
        with _time_limit(timeout):
            return func(*args, **kwargs)
    except _Timeout:
        raise failure(f"`{label}` did not finish within {timeout:g} s. Look for a loop that never ends.") from None
    except NotImplementedError:
        raise LearnerError(f"`{label}` is not written yet.", unsolved=True) from None
    except Exception as exc:  # the learner's bug becomes a message, never a traceback
        kind = type(exc).__name__
        raise failure(f"`{label}` raised {kind}: {exc}", (hints or {}).get(kind, ""), kind) from None


def quiet_call(func, *args, **kwargs):
    """`call_learner` with NumPy's warnings silenced (they would clutter the check's message)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return call_learner(func, *args, **kwargs)


def short(value, limit=60):
    """`repr(value)`, cut to `limit` characters, to quote a learner's value in a message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


_short = short


def require_given(value, label, none=". Did you forget a `return`, or to assign the result?"):
    """Raise `LearnerError` (not solved yet) if `value` is None or still `...`; `none` ends the
    message for None."""
    if value is None:
        raise LearnerError(f"{label} is None{none}", unsolved=True)
    if value is Ellipsis:
        raise LearnerError(f"{label} is still `...`.", unsolved=True)


def to_array(value, label="your answer"):
    """Turn an answer into a float array or raise `LearnerError` saying what is wrong."""
    require_given(value, label)
    if isinstance(value, (str, bytes, dict, set)):
        raise LearnerError(f"{label} should be numbers, but it is a {type(value).__name__}: {_short(value)}.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise LearnerError(
            f"{label} could not be read as an array of numbers ({_short(value)}). "
            "Are all rows the same length, and are all entries numbers?"
        ) from None
    return array


class Mistake:
    """A typical wrong answer: the value it produces (or a test on the answer) and what to say
    (a text, or a function of the answer that returns it)."""

    def __init__(self, wrong, message):
        self.wrong = wrong
        self.message = message

    def describe(self, array):
        return self.message(array) if callable(self.message) else self.message

    def matches(self, array):
        if callable(self.wrong):
            try:
                return bool(self.wrong(array))
            except Exception:
                return False
        try:
            wrong = np.asarray(self.wrong, dtype=np.float64)
        except (TypeError, ValueError):
            return False
        return wrong.shape == array.shape and bool(np.allclose(array, wrong, rtol=1e-4, atol=1e-6, equal_nan=True))


def _as_mistake(mistake):
    return mistake if isinstance(mistake, Mistake) else Mistake(*mistake)


def compare(answer, expected, title, *, rtol=1e-5, atol=1e-6, mistakes=(), label="your answer",
            success="well done!"):
    """Check `answer` against `expected` and diagnose the mistakes listed in `mistakes`
    (`Mistake`s or (wrong value or test, message) pairs)."""
    try:
        array = to_array(answer, label)
    except LearnerError as problem:
        return _from_problem(title, problem)
    mistakes = [_as_mistake(m) for m in mistakes]
    expected = np.asarray(expected, dtype=np.float64)
    if expected.ndim == 0 and array.size == 1:
        array = array.reshape(())
    right = array.shape == expected.shape and np.allclose(array, expected, rtol=rtol, atol=atol)
    if right:
        return passed(title, success)
    named = next((m for m in mistakes if m.matches(array)), None)
    if named is not None:
        return failed(title, named.describe(array))
    if array.shape != expected.shape and expected.ndim == 0:
        return failed(title, f"{label} should be one number, but it holds {array.size} values.")
    if array.shape != expected.shape:
        return failed(title, f"{label} has shape {array.shape}, but the answer has shape {expected.shape}."
                      + _shape_hint(array.shape, expected.shape))
    if np.isnan(array).any() and not np.isnan(expected).any():
        return failed(title, f"{label} contains NaN (not a number). Look for 0/0, inf - inf or log of a negative number.")
    if np.isinf(array).any() and not np.isinf(expected).any():
        return failed(title, f"{label} contains infinity. Look for an overflow in np.exp, or log(0).")
    return failed(title, _value_hint(array, expected, label))


def value_check(name, title, expected, mistakes=(), *, label="your answer", success="well done!",
                rtol=1e-5, atol=1e-6, doc=None):
    """A check of one value, as data: the right value and the named mistakes.

    `mistakes` holds (wrong value or test on the answer, message) pairs. Returns the check
    function (guarded), named `name` in the module that calls this, with `doc` as docstring.
    """
    @guarded(title)
    def check(answer):
        return compare(answer, expected, title, rtol=rtol, atol=atol, mistakes=mistakes, label=label,
                       success=success)

    check.__name__ = check.__qualname__ = name
    check.__module__ = sys._getframe(1).f_globals["__name__"]
    check.__doc__ = doc
    return check


def check_cases(title, func, cases, *, name, expected, mistakes=None, label=None, success="well done!",
                rtol=1e-5, atol=1e-6, hints=None, inspect=None, together=None, shape_hint=None,
                advice=None, arguments=None, read=None, changed="Your function changed the arguments it was given. Compute the "
                                     "answer without modifying them."):
    """Check the learner's function `func` on `cases`: the one runner of the value checks.

    The check is data: `cases` (tuples of arguments), `expected(*case)` (the right value) and
    `mistakes(*case)` (the named mistakes of that case: (wrong value or test on the answer,
    message) pairs or `Mistake`s), and `label(*case)`, how the answer is named in messages
    (`arguments(*case)`, if given, picks the function's arguments out of a case, and
    `read(answer, label)` turns an answer of several parts into numbers or raises LearnerError).
    For each case in turn, `func` is called on copies of the arguments (NumPy warnings
    silenced; exceptions and endless loops become messages, with `hints` keyed by the
    exception's type), its answer read as numbers and compared, and a wrong answer named
    by the first mistake it matches. Then `inspect(answer, *case)` may return a message for
    an answer that is right but made the wrong way, and an argument changed in place fails
    with `changed` (None: allowed). The first failure is returned; when every case passes, `passed(title,
    success)`.

    With `together` (a label for all the answers), a mistake is named only when it explains
    every case at once (the i-th mistake of each case, stacked): the answers are first
    checked for the right shape (`shape_hint` says what the function should return), then
    compared all together; an answer that no mistake explains is named by its first wrong
    case (its right value not shown: that would give the function away), with `advice(*case)`.
    """
    return guarded(title)(_run_cases)(title, func, cases, name, expected, mistakes, label, success, rtol, atol,
                                      hints, inspect, together, shape_hint, advice, arguments, read, changed)


def _run_cases(title, func, cases, name, expected, mistakes, label, success, rtol, atol, hints, inspect,
               together, shape_hint, advice, arguments, read, changed):
    answers = []
    for case in cases:
        given = tuple(arguments(*case)) if arguments else tuple(case)
        copies = copy.deepcopy(given)
        described = label(*case) if label else "your answer"
        answer = quiet_call(func, *copies, name=name, hints=hints, context=described if label else None)
        answer = read(answer, described) if read else answer
        want = np.asarray(expected(*case), dtype=np.float64)
        if together is not None:
            array = to_array(answer, described)
            if array.shape != want.shape and not (want.ndim == 0 and array.size == 1):
                return failed(title, f"{described} returned shape {array.shape}; it should return "
                                     f"{shape_hint or f'shape {want.shape}'}.")
            answers.append(array.reshape(want.shape))
            result = passed(title)
        else:
            result = compare(answer, want, title, rtol=rtol, atol=atol,
                             mistakes=mistakes(*case) if mistakes else (), label=described)
        if not result:
            return result
        problem = inspect(answer, *case) if inspect else None
        if problem:
            return failed(title, problem)
        if changed and not all(_same(a, b) for a, b in zip(copies, given)):
            return failed(title, changed)
    if together is None:
        return passed(title, success)
    return _compare_together(title, cases, answers, expected, mistakes, label, together, success,
                             rtol, atol, advice)


def _compare_together(title, cases, answers, expected, mistakes, label, together, success, rtol, atol,
                      advice):
    wants = [np.asarray(expected(*case), dtype=np.float64) for case in cases]
    if all(np.allclose(a, w, rtol=rtol, atol=atol) for a, w in zip(answers, wants)):
        return passed(title, success)
    per_case = [[_as_mistake(m) for m in mistakes(*case)] for case in cases] if mistakes else [[]]
    for named in zip(*per_case):
        if all(m.matches(a) for m, a in zip(named, answers)):
            return failed(title, named[0].describe(answers[0]))
    # The first wrong case, without its right value: that would give a function's answer away.
    case, got = next((c, a) for c, a, w in zip(cases, answers, wants) if not np.allclose(a, w, rtol=rtol, atol=atol))
    extra = f" {advice(*case)}" if advice else ""
    return failed(title, f"{together}: {label(*case) if label else 'your answer'} returned {_shown(got)}, "
                         f"which is not right.{extra}")


def _shown(values):
    if values.size == 1:
        return f"{values.item():.6g}"
    return "(" + ", ".join(f"{x:.6g}" for x in values.ravel()) + ")"


def _same(a, b):
    try:
        return bool(np.array_equal(np.asarray(a), np.asarray(b)))
    except Exception:
        return a == b


def _shape_hint(got, want):
    if len(got) == len(want) == 2 and got == want[::-1]:
        return " It looks transposed: check the order of the arguments or use `.T`."
    if len(got) + 1 == len(want) and want[-1] == 1:
        return " A dimension was dropped: did you forget `keepdims=True`?"
    return ""


def _value_hint(array, expected, label):
    if array.size == 1:
        return f"{label} is {array.item():.6g}, but it should be {expected.item():.6g}."
    diff = np.abs(array - expected)
    index = tuple(int(i) for i in np.unravel_index(np.argmax(diff), diff.shape))
    where = index[0] if len(index) == 1 else index
    return (f"{label} has the right shape but wrong values: at index {where} it is "
            f"{array[index]:.6g} where {expected[index]:.6g} was expected.")


# --- Judging a sweep: the rate chosen on validation, a gap against its standard error ---------

def mean_and_se(values):
    """The mean of `values` (one per seed) and its standard error (ddof=1)."""
    values = np.asarray(values, dtype=float)
    return values.mean(), values.std(ddof=1) / np.sqrt(len(values))


def best_on_mean(scores):
    """The rate with the best mean over the seeds (`scores`: rate -> accuracies)."""
    return max(scores, key=lambda rate: np.mean(scores[rate]))


def rate_choice_problem(rate, label, validation, test):
    """None when `rate` (the learner's `label`) is the rate whose mean validation accuracy is best;
    otherwise what is wrong, naming the likely mistake (the test set, one seed). `validation` and
    `test`: rate -> accuracies, one per seed. A rate still `...` raises LearnerError."""
    if rate is Ellipsis or rate is None:
        raise LearnerError(f"{label} is still `...`.", unsolved=True)
    try:
        rate = float(rate)
    except (TypeError, ValueError):
        return f"{label} should be a learning rate, not {rate!r}."
    if not any(np.isclose(rate, r) for r in validation):
        return (f"{label} is {rate:g}, which is not one of the rates of the sweep "
                f"({', '.join(f'{r:g}' for r in validation)}).")
    right = best_on_mean(validation)
    if np.isclose(rate, right):
        return None
    where = f"{label} is {rate:g}, but on validation the best mean is at {right:g}: "
    if np.isclose(rate, best_on_mean(test)):
        return where + ("you chose on the test set. The test set is looked at once, after every choice is "
                        "made; choose on validation.")
    n_seeds = len(next(iter(validation.values())))
    if any(np.isclose(rate, max(validation, key=lambda r: validation[r][i])) for i in range(n_seeds)):
        return where + "you followed one seed. Choose on the mean over the seeds."
    return where + "compare the mean validation accuracy of each rate."


SE_OF_A_DIFFERENCE = ("the standard error of a difference is sqrt(se_a**2 + se_b**2), each se the standard "
                      "deviation over the seeds (ddof=1) divided by sqrt(seeds).")


def gap_verdict_problem(verdict, gap, se):
    """None when `verdict` says whether `gap` exceeds two standard errors `se` of the difference;
    otherwise the likely mistake as a sentence: one standard error taken as the bar, any positive gap
    taken as a win, or, when neither explains the verdict, SE_OF_A_DIFFERENCE."""
    if bool(verdict) == bool(gap > 2 * se):
        return None
    if bool(verdict) == bool(gap > se):
        return "you compared with one standard error. Two are the usual bar."
    if bool(verdict) == bool(gap > 0):
        return "a gap above 0 is not enough; it must exceed the noise."
    return SE_OF_A_DIFFERENCE


def _from_problem(title, problem):
    if problem.unsolved:
        return not_solved(title, f"{problem} Write your code in the cell above, run it, then run this check again.")
    return failed(title, str(problem))


# The results of the checks run inside a `solution()` block (None outside one).
_solution_results = None
_check_depth = 0


def guarded(title):
    """Decorator for check functions: any LearnerError becomes a message, any other
    surprise becomes a polite failure instead of a traceback."""
    def decorate(check):
        @functools.wraps(check)
        def wrapper(*args, **kwargs):
            global _check_depth
            _check_depth += 1
            try:
                result = check(*args, **kwargs)
            except LearnerError as problem:
                result = _from_problem(title, problem)
            except Exception as exc:  # a check must never crash on a learner's answer
                result = failed(title, f"your answer could not be checked ({type(exc).__name__}: {exc}).")
            finally:
                _check_depth -= 1
            if _solution_results is not None and _check_depth == 0:
                _solution_results.append(result)
            return result
        return wrapper
    return decorate


class SolutionError(AssertionError):
    """A worked solution did not pass its own check (a bug in the course, never the learner's)."""


class solution:
    """Run a worked solution without showing its results or touching the learner's work.

    A solution cell reads::

        # @title Solution (click to show)
        with solution():
            line_weight = ...
            nb01.check_line_through_points(line_weight, line_bias)

    Inside the block nothing is shown (printed text, figures and check messages are held
    back), so a notebook's recorded output never gives an answer away. When the block ends,
    every variable it assigned or changed gets its old value back (and NumPy's random state
    too), so running the whole notebook never overwrites the learner's own answer. If every
    check run in the block passed, one neutral line says so; if a check failed, or none ran,
    or the code raised, the held-back output is shown and `SolutionError` is raised, which
    fails the notebook's test. (Objects changed in place, such as a list appended to, are
    not restored.)
    """

    def __enter__(self):
        global _solution_results
        if _solution_results is not None:
            raise RuntimeError("solution() blocks cannot be nested")
        self._namespace = sys._getframe(1).f_globals
        self._before = dict(self._namespace)
        self._random_state = _numpy_random_state()
        self._figures = _open_figures()
        self._capture = _capture_output()
        self._capture.__enter__()
        _solution_results = []
        return self

    def __exit__(self, exc_type, exc, traceback):
        global _solution_results
        results, _solution_results = _solution_results, None
        held_back = self._capture.held_back()
        self._capture.__exit__(None, None, None)
        self._restore()
        if exc_type is not None:
            _show(held_back)
            return False  # the solution's own error, with its traceback
        failing = [r for r in results if not r.passed]
        if not results or failing:
            _show(held_back)
            why = (f"its check said: {failing[0]!r}" if failing
                   else "it ran no exercise check (call the check at the end of the block)")
            raise SolutionError(f"this worked solution does not pass: {why}")
        print("This worked solution passes its check. Running it changed none of your variables: "
              "to use it, copy its code into your own cell above.")
        return False

    def _restore(self):
        namespace, before = self._namespace, self._before
        for name in [n for n in namespace if n not in before]:
            del namespace[name]
        for name, value in before.items():
            if namespace.get(name, _MISSING) is not value:
                namespace[name] = value
        if self._random_state is not None:
            np.random.set_state(self._random_state)
        plt = sys.modules.get("matplotlib.pyplot")
        if plt is not None:
            for number in set(plt.get_fignums()) - self._figures:
                plt.close(number)


_MISSING = object()


def _numpy_random_state():
    return np.random.get_state()


def _open_figures():
    plt = sys.modules.get("matplotlib.pyplot")
    return set(plt.get_fignums()) if plt is not None else set()


class _capture_output:
    """Hold back printed text and rich displays (IPython's capture where a kernel runs)."""

    def __init__(self):
        try:
            from IPython import get_ipython
            from IPython.utils.capture import capture_output
        except ImportError:
            get_ipython = None
        if get_ipython is not None and get_ipython() is not None:
            self._inner = capture_output()
        else:
            self._inner = _PlainCapture()

    def __enter__(self):
        self._captured = self._inner.__enter__()
        return self

    def held_back(self):
        return self._captured

    def __exit__(self, *exc):
        return self._inner.__exit__(*exc)


class _PlainCapture:
    """stdout and stderr only, for plain Python."""

    def __enter__(self):
        self._buffer = io.StringIO()
        self._stack = contextlib.ExitStack()
        self._stack.enter_context(contextlib.redirect_stdout(self._buffer))
        self._stack.enter_context(contextlib.redirect_stderr(self._buffer))
        return self

    def show(self):
        sys.stdout.write(self._buffer.getvalue())

    def __exit__(self, *exc):
        return self._stack.__exit__(*exc)


def _show(captured):
    """Show what a failing solution printed and displayed, so its author can see why."""
    captured.show()
