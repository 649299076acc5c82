"""The grader's own work for a hidden check is bounded: it runs in a child process with a memory limit, killed at
a deadline (autograder/engine/bounded.py), and the arguments student code hands it are checked (session.admissible)."""

from __future__ import annotations

import socket
import threading
import time

import numpy as np
import pytest

from autograder.engine import wire
from autograder.engine.bounded import judge_bounded
from autograder.engine.session import MAX_ELEMENTS, admissible


def _kernel(namespace):
    """A socket whose far end answers like a student's kernel with the functions in namespace."""
    grader, kernel = socket.socketpair()
    link = wire._Link(kernel, namespace)

    def serve():
        with kernel:
            while True:
                try:
                    header, data = wire.receive(kernel)
                except (EOFError, OSError):
                    return
                if header.get("op") != "call":
                    return
                link.call(header, data)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return grader, thread


def _student(x):
    return x * 2.0


def _hogging_check(fn):
    fn(np.ones(3))
    while True:  # the grader's own work, steered by a student, that never ends
        pass


def test_the_graders_work_is_stopped_at_its_deadline():
    connection, thread = _kernel({"double": _student})
    start = time.monotonic()
    verdict, why = judge_bounded(_hogging_check, "double", connection, timeout=1, interrupt=lambda: None, grace=1)
    assert time.monotonic() - start < 10
    assert verdict.share == 0 and "time limit" in verdict.text and why
    thread.join(5)


def _memory_check(fn):
    fn(np.ones(3))
    held = np.ones((16_000, 16_000))  # 2 GB: the child may use 1 GB more than it had
    held += 1


def test_the_graders_memory_is_limited():
    connection, thread = _kernel({"double": _student})
    verdict, _ = judge_bounded(_memory_check, "double", connection, timeout=20, interrupt=lambda: None)
    assert verdict.share == 0 and "MemoryError" in verdict.text, verdict.text
    thread.join(5)


def _passing_check(fn):
    assert np.array_equal(fn(np.ones(3)), np.full(3, 2.0))
    print("double: passed")


def test_a_right_function_is_judged_in_the_child_as_before():
    connection, thread = _kernel({"double": _student})
    verdict, why = judge_bounded(_passing_check, "double", connection, timeout=20, interrupt=lambda: None)
    assert verdict.share == 1.0 and why is None, verdict.text
    thread.join(5)


def test_the_grader_takes_only_arrays_of_the_exercises_kinds_and_sizes():
    assert admissible([np.ones((2, 3), dtype=np.float32)])[0].dtype == np.float64
    assert admissible({"dims": np.array([4, 3, 1])})["dims"].dtype.kind == "i"
    for refused in (np.ones(MAX_ELEMENTS + 1), np.arange(5000), np.ones(3, dtype=complex)):
        with pytest.raises(TypeError, match="the grader takes arrays"):
            admissible((refused,))


def test_every_nbgrader_process_of_grade_all_has_a_time_limit():
    """A process that outlives its limit is killed and reported as failed (its chunk is then graded one student at
    a time, so a submission that holds its process costs only its own grade)."""
    import os
    import sys

    from autograder.commands.grade_all import STUDENT_SECONDS, run_bounded

    start = time.monotonic()
    code, log = run_bounded([sys.executable, "-c", "import time; print('working'); time.sleep(60)"], ".",
                            dict(os.environ), timeout=1)
    assert code != 0 and "stopped after 1 s" in log and time.monotonic() - start < 10
    assert run_bounded([sys.executable, "-c", "print('fine')"], ".", dict(os.environ), timeout=20) == (0, "fine\n")
    assert STUDENT_SECONDS >= 300, "at least a notebook's budget per student"
