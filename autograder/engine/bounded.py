"""A hidden check run in a child process of the grader, bounded in time and in memory.

While a hidden check runs, the student's code steers some of the grader's work: the grader computes the
reference on the check's inputs, answers the student's calls to earlier exercises (the stand-ins of `isolated`)
and runs the functions handed to the student's function (a planted backward, the `f` of numerical_gradient), on
arguments of the student's choosing. All of that happens here, in a process forked for the one check: it has an
address-space limit (what it had when forked, plus GRADER_MEMORY_MB), and the grader kills it at a wall-clock
deadline, whatever it is doing. The verdict comes back over a pipe; a check that is killed, or whose process
dies, earns nothing, with a sentence that says why. The student's kernel sees the connection close and gets on
with the next cell.
"""

from __future__ import annotations

import multiprocessing
import resource
import time

from .session import RemoteFunction, Session
from .verdict import Verdict, judge

GRADER_MEMORY_MB = 1024  # the grader's own work for one check may use this much more memory than it started with
GRACE = 20  # seconds past the check's time limit for the session to interrupt the kernel and hear back


def _address_space():
    """The bytes of address space this process has mapped now (VmSize)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _run(check, name, connection, timeout, pipe, memory_mb):
    """The child: judge the student's function over the inherited connection, send (verdict, broken) back."""
    if memory_mb:
        limit = _address_space() + (memory_mb << 20)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    session = Session(connection, timeout=timeout, interrupt=lambda: pipe.send("interrupt"))
    try:
        verdict = judge(check, RemoteFunction(session, name))
    finally:
        session.close()
    pipe.send((verdict, session.broken))


def judge_bounded(check, name, connection, timeout, interrupt, memory_mb=GRADER_MEMORY_MB, grace=GRACE):
    """Run the hidden check `check` on the student's `name` over `connection`, in a child process.

    Args:
        check: the hidden check (autograder.hidden.check_<name>).
        name: the exercise, the student's function to call.
        connection: the socket to the harness in the student's kernel (closed here once the child has it).
        timeout: seconds for all the calls of the check (the cell's time limit).
        interrupt: what interrupts the student's kernel (asked for by the child's session on its timeout).
        memory_mb: memory the child may use beyond what it starts with (0: no limit).
        grace: seconds past `timeout` before the child is killed.
    Returns:
        (Verdict, why the kernel cannot be reached any more or None).
    """
    context = multiprocessing.get_context("fork")
    mine, theirs = context.Pipe()
    child = context.Process(target=_run, args=(check, name, connection, timeout, theirs, memory_mb), daemon=True)
    child.start()
    theirs.close()
    connection.close()  # the child's copy is the only one: when it ends, the kernel sees the connection close
    deadline = time.monotonic() + timeout + grace
    answer = None
    try:
        while answer is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not mine.poll(min(remaining, 0.5)) and not child.is_alive():
                break
            if not mine.poll(0):
                continue
            try:
                message = mine.recv()
            except EOFError:
                break
            if message == "interrupt":
                interrupt()
            else:
                answer = message
    finally:
        if child.is_alive():
            child.kill()
        child.join()
        mine.close()
    if answer is not None:
        return answer
    if child.exitcode is not None and child.exitcode < 0 and time.monotonic() >= deadline:
        why = f"the grader's own work for this check ran past its time limit ({timeout + grace:g} s) and was stopped"
    else:
        why = f"the grader's process for this check ended unexpectedly (exit code {child.exitcode})"
    return Verdict(0.0, f"{name}: not graded: {why}"), why
