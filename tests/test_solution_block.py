"""`solution()` blocks: they show nothing of the answer, never change the learner's work,
and fail loudly when a worked solution does not pass its check."""

import numpy as np
import pytest
from IPython.testing.globalipapp import start_ipython

from nnfs_helpers.checking import SolutionError, solution
from nnfs_helpers.exercises import nb01


@pytest.fixture(scope="module")
def shell():
    ip = start_ipython()
    ip.run_cell("from nnfs_helpers.checking import solution\nfrom nnfs_helpers.exercises import nb01")
    return ip


def run(shell, code, capsys):
    result = shell.run_cell(code)
    return result, capsys.readouterr().out


def test_a_passing_solution_shows_one_neutral_line_and_restores_the_learners_values(shell, capsys):
    shell.run_cell("line_weight = 5\nline_bias = ...\nimport numpy as np\nnp.random.seed(3)")
    before = np.random.get_state()[1].copy()
    result, out = run(shell, (
        "with solution():\n"
        "    line_weight = -2.0\n"
        "    line_bias = 6.0\n"
        "    helper = 'new name'\n"
        "    np.random.rand(5)\n"
        "    print(f'weight {line_weight}, bias {line_bias}')\n"
        "    nb01.check_line_through_points(line_weight, line_bias)\n"), capsys)
    assert result.success
    assert "This worked solution passes its check" in out
    assert "-2" not in out and "6" not in out and "Correct" not in out
    ns = shell.user_ns
    assert ns["line_weight"] == 5 and ns["line_bias"] is Ellipsis and "helper" not in ns
    assert np.array_equal(np.random.get_state()[1], before), "NumPy's random state is restored"


def test_a_failing_solution_raises_and_shows_why(shell, capsys):
    result, out = run(shell, (
        "with solution():\n"
        "    line_weight, line_bias = 2.0, 6.0\n"
        "    nb01.check_line_through_points(line_weight, line_bias)\n"), capsys)
    assert isinstance(result.error_in_exec, SolutionError)
    assert "Not yet" in str(result.error_in_exec)


def test_a_solution_that_runs_no_check_raises(shell, capsys):
    result, _ = run(shell, "with solution():\n    x = 1\n", capsys)
    assert isinstance(result.error_in_exec, SolutionError)
    assert "ran no exercise check" in str(result.error_in_exec)
    assert "x" not in shell.user_ns


def test_a_solution_that_raises_keeps_its_traceback_and_restores(shell, capsys):
    shell.run_cell("kept = 'mine'")
    result, _ = run(shell, "with solution():\n    kept = 'theirs'\n    1 / 0\n", capsys)
    assert isinstance(result.error_in_exec, ZeroDivisionError)
    assert shell.user_ns["kept"] == "mine"


def test_plain_python_works_too(capsys):
    namespace = {"solution": solution, "nb01": nb01, "output_change": ...}
    exec("with solution():\n    output_change = -0.5\n    print(output_change)\n"
         "    nb01.check_output_change(output_change)\n", namespace)
    out = capsys.readouterr().out
    assert "passes its check" in out and "-0.5" not in out
    assert namespace["output_change"] is Ellipsis


def test_solution_blocks_do_not_nest():
    with solution():
        with pytest.raises(RuntimeError, match="nested"):
            with solution():
                pass
        nb01.check_output_change(-0.5)
