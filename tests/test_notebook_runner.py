"""The notebook tier's scheduler (tests/notebook_runs.Runner), with stand-in executions: runs in
the order asked, one-thread runs first; a run with two BLAS threads waits for a second worker and
runs with nothing beside it; a failure reaches the test that asks; close cancels the rest."""

import threading
import time

import pytest

import notebook_runs


@pytest.fixture
def log(monkeypatch):
    events, lock = [], threading.Lock()

    def run_job(path, name, variant, rerun=False, prepared=True, processes=None):
        with lock:
            events.append(("start", name))
        time.sleep(0.05)
        if name == "broken":
            raise RuntimeError("executing broken failed")
        with lock:
            events.append(("end", name))
        return name

    monkeypatch.setattr(notebook_runs, "run_job", run_job)
    monkeypatch.setattr(notebook_runs, "threads_of", lambda variant: 2 if variant == "threads-2" else 1)
    return events


def overlapping(events, name):
    """The names of the runs that were running at some moment while `name` ran."""
    running, seen = set(), set()
    for kind, other in events:
        if kind == "start":
            running.add(other)
        else:
            running.discard(other)
        if name in running:
            seen |= running - {name}
    return seen


def test_two_thread_runs_wait_for_a_second_worker_and_run_alone(log):
    runner = notebook_runs.Runner(workers=1)
    try:
        wide = [runner.submit("x", f"wide{i}", "threads-2") for i in range(2)]
        narrow = [runner.submit("x", f"narrow{i}", "native") for i in range(4)]
        for future in narrow:
            assert future.result(timeout=10)
        time.sleep(0.3)
        assert not any(f.done() for f in wide), "a two-thread run started with one worker"
        assert [n for k, n in log if k == "start"] == [f"narrow{i}" for i in range(4)]  # in order, one at a time
        runner.widen(2)
        assert [f.result(timeout=10) for f in wide] == ["wide0", "wide1"]
        more = [runner.submit("x", f"late{i}", "native") for i in range(4)]
        assert [f.result(timeout=10) for f in more] == [f"late{i}" for i in range(4)]
        for name in ("wide0", "wide1"):
            assert overlapping(log, name) == set(), f"{name} ran beside another execution"
        assert any(overlapping(log, f"late{i}") for i in range(4)), "two workers never ran two executions at once"
    finally:
        runner.close()


def test_a_failure_reaches_the_test_and_close_cancels_the_rest(log):
    runner = notebook_runs.Runner(workers=1)
    broken = runner.submit("x", "broken", "native")
    waiting = [runner.submit("x", f"after{i}", "native") for i in range(20)]
    with pytest.raises(RuntimeError, match="executing broken failed"):
        broken.result(timeout=10)
    runner.close()
    time.sleep(0.2)
    assert sum(f.cancelled() for f in waiting) >= 15
    assert runner.submit("x", "broken", "native") is broken  # one execution per job, however often asked
