"""`IsolatedExecute`: the notebook runs sandboxed, and each exercise's score is decided outside its kernel.

The autograde preprocessor of this course (nbgrader_config.py) and the engine of `python -m autograder grade`.
It executes the notebook like nbgrader's Execute, in a kernel started by `SandboxedKernelManager`
(autograder/engine/sandbox.py). Right after a graded test cell `test_<name>` has run, the grader runs the hidden check
`autograder.hidden.check_<name>` in its own process, with the student's `<name>` as a RemoteFunction
(autograder/engine/session.py): fresh inputs go in, plain numbers come out, and the reference decides. The test cell's
outputs are then rewritten so that nbgrader reads the hidden check's score from them (autograder/engine/verdict.py);
whatever the cell printed stays, as text, and never decides.

Grading each exercise right after its test cell keeps two things true: a kernel that dies later costs only the
later exercises, and the earlier exercises the grader answers for (`isolated`) have all been graded already, so
the student's code never gets to call the reference of an exercise still to be graded.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from jupyter_core.utils import run_sync
from traitlets import Bool, Enum, Unicode

from .. import hidden
from ..notebooks import NotACourseNotebook, find_course_dir, grade_id, is_test_cell
from .bounded import judge_bounded
from .budgeted import BudgetedExecute
from .demonstrations import cells_to_skip, mark_skipped, marked_in_sources
from .earlier import write_earlier
from .sandbox import NO_SANDBOX_WARNING, Sandbox, SandboxedKernelManager, bwrap_works
from .session import bootstrap_code, listen
from .verdict import Verdict, graded_outputs, record


class SandboxUnavailable(RuntimeError):
    """sandbox = "bwrap" was asked for, and bubblewrap cannot run here."""


def hidden_check_of(cell):
    """(exercise name, its hidden check) for a graded test cell `test_<name>`, else (None, None)."""
    gid = grade_id(cell) or ""
    if not (is_test_cell(cell) and gid.startswith("test_")):
        return None, None
    name = gid[len("test_"):]
    return name, getattr(hidden, f"check_{name}", None)


class IsolatedExecute(BudgetedExecute):
    """BudgetedExecute in a sandboxed kernel, with every test cell scored by its hidden check from outside."""

    sandbox = Enum(["auto", "bwrap", "none"], "auto", help=(
        "auto: bubblewrap if it works here, else run unsandboxed with a loud warning; bwrap: refuse to grade "
        "without it; none: no sandbox (a trusted notebook, e.g. the instructor's own).")).tag(config=True)
    course_dir = Unicode("", help=(
        "The course directory whose source/ gives the earlier assignments' building blocks to `bring` "
        "(autograder/engine/earlier.py); empty: the one at or above the working directory.")).tag(config=True)
    skip_demonstrations = Bool(True, help=(
        "Do not run the cells the course's source notebooks mark as demonstrations (backprop_course.demonstration: "
        "ungraded, defining nothing later cells use; autograder/engine/demonstrations.py); each gets a note "
        "instead of its outputs.")).tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        enabled = self.sandbox != "none" and bwrap_works()
        if self.sandbox == "bwrap" and not enabled:
            raise SandboxUnavailable("sandbox = 'bwrap' is configured, but bubblewrap cannot run here")
        if not enabled and self.sandbox == "auto":
            self.log.warning(NO_SANDBOX_WARNING)
        folder = (resources or {}).get("metadata", {}).get("path") or "."
        self._sandbox = Sandbox(folder, enabled)
        self._unreachable = None
        assignment = (resources or {}).get("nbgrader", {}).get("assignment")
        self._skipped = set()
        try:
            course_dir = Path(self.course_dir) if self.course_dir else find_course_dir()
        except NotACourseNotebook as error:  # then `bring` finds no grader's copy, and says so; no cell is skipped
            self.log.warning("no course directory for this notebook: %s", error)
            course_dir = None
        if course_dir is not None:
            try:
                write_earlier(course_dir, assignment, self._sandbox.earlier)
            except (NotACourseNotebook, OSError) as error:
                self.log.warning("no earlier assignments for the notebook to bring: %s", error)
            if self.skip_demonstrations:
                self._skipped = cells_to_skip(nb, marked_in_sources(course_dir))
        try:
            return super().preprocess(nb, resources, km)
        finally:
            self._sandbox.remove()

    async def async_start_new_kernel(self, **kwargs):
        kwargs["env"] = self._sandbox.environment(kwargs.get("env") or os.environ)  # bubblewrap sets its own
        return await super().async_start_new_kernel(**kwargs)

    start_new_kernel = run_sync(async_start_new_kernel)

    def create_kernel_manager(self):
        self.kernel_manager_class = SandboxedKernelManager
        km = super().create_kernel_manager()
        km.prepare(self._sandbox, self.memory_limit_mb)
        return km

    def preprocess_cell(self, cell, resources, index):
        if index in self._skipped:
            mark_skipped(cell)
            return cell, resources
        cell, resources = super().preprocess_cell(cell, resources, index)
        name, check = hidden_check_of(cell)
        if check is not None:
            verdict = self._verdict(name, check)
            points = float(cell.metadata["nbgrader"]["points"])
            cell.outputs = graded_outputs(cell.get("outputs", []), verdict, points)
            record(cell, name, verdict, points)
        return cell, resources

    def _verdict(self, name, check):
        why_not = self._stopped or self._unreachable
        if why_not:
            return Verdict(0.0, f"{name}: not graded: {why_not}")
        remaining = self._deadline - time.monotonic()
        if remaining <= 1:
            return Verdict(0.0, f"{name}: not graded: the notebook used up its {self.notebook_budget} s")
        # A fresh, unguessable name in a folder the kernel sees read-only: nothing can be planted there.
        path = self._sandbox.grader / f"{secrets.token_hex(8)}.sock"
        try:
            listener = listen(path)
        except OSError as error:
            return Verdict(0.0, f"{name}: not graded: the grader could not open its socket ({error})")
        try:
            request = self.kc.execute(bootstrap_code(path), silent=True, store_history=False, allow_stdin=False)
            connection, _ = listener.accept()
        except (TimeoutError, OSError):
            self._unreachable = ("the grader could not reach your kernel (did your notebook change how IPython "
                                 "runs code, or block it?)")
            return Verdict(0.0, f"{name}: not graded: {self._unreachable}")
        finally:
            listener.close()
            path.unlink(missing_ok=True)
        timeout = max(1.0, min(self._cell_timeout or remaining, remaining))
        verdict, broken = judge_bounded(check, name, connection, timeout, run_sync(self.km.interrupt_kernel))
        self._settle(request, broken)
        return verdict

    def _settle(self, request, broken):
        """Wait until the kernel is done with the grader's call, so that the next cell runs as usual."""
        try:
            self.timeout = 15
            self.wait_for_reply(request)
        except Exception:  # noqa: BLE001 - a kernel that does not come back is shut down
            self.abandon_kernel(broken or "your kernel did not come back after an exercise was checked")

