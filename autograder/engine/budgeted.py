"""`BudgetedExecute`: nbgrader's Execute within a time budget and a memory limit, surviving a kernel that dies.

A notebook runs within a time budget and a memory limit; a kernel that dies (segfault, `os._exit`) gives the cell
that killed it an error saying so, the later cells are marked as not run, and the grades of the cells that did
run stand. autograder/engine/isolated.py builds on it; nbgrader_config.py wires that in.
"""

from __future__ import annotations

import asyncio
import subprocess
import time

from jupyter_core.utils import run_sync
from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Integer

WATCHDOG_GRACE = 30  # seconds past a cell's time limit before its kernel is given up
OUTPUT_LIMIT = 200_000  # characters of text output a cell keeps
ABANDON_LIMIT = 20  # seconds to shut a given-up kernel down before its process is killed outright


def _error(ename, evalue):
    return NotebookNode(output_type="error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


class BudgetedExecute(Execute):
    """nbgrader's Execute with a budget for the whole notebook, a memory limit, and no crash on a dead kernel."""

    notebook_budget = Integer(300, help="Seconds the whole notebook may run; later cells are not run.").tag(
        config=True)
    memory_limit_mb = Integer(4096, help="Address-space limit of the kernel, in MiB (0: none); applied by the "
                              "kernel manager of IsolatedExecute (autograder/engine/isolated.py).").tag(config=True)

    async def async_start_new_kernel(self, **kwargs):
        # The kernel process's own stdout and stderr are start-up chatter (e.g. "running over TCP"), not the notebook's:
        # what a cell writes to sys.stderr still arrives as a stream output.
        kwargs.setdefault("stderr", subprocess.DEVNULL)
        kwargs.setdefault("stdout", subprocess.DEVNULL)
        return await super().async_start_new_kernel(**kwargs)

    start_new_kernel = run_sync(async_start_new_kernel)

    async def async_start_new_kernel_client(self):
        # No heartbeat channel: the kernel manager watches the kernel's process already, and the heartbeat's thread,
        # which a kernel that writes garbage into its sockets can wedge, would hang the grader when it shuts down.
        make_client = self.km.client

        def client(**kwargs):
            kc = make_client(**kwargs)
            start_channels = kc.start_channels
            kc.start_channels = lambda *args, **options: start_channels(*args, **{**options, "hb": False})
            return kc

        self.km.client = client
        return await super().async_start_new_kernel_client()

    start_new_kernel_client = run_sync(async_start_new_kernel_client)

    def preprocess(self, nb, resources=None, km=None):
        self._deadline = time.monotonic() + self.notebook_budget
        self._stopped = None
        self._cell_timeout = self.timeout
        try:
            return super().preprocess(nb, resources, km)
        finally:
            self.timeout = self._cell_timeout

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not cell.source.strip():
            return cell, resources
        remaining = self._deadline - time.monotonic()
        if self._stopped is None and remaining <= 0:
            self._stopped = f"the notebook used up its {self.notebook_budget} s of running time"
        if self._stopped:
            cell.outputs = [_error("NotRun", f"this cell was not run: {self._stopped}")]
            return cell, resources
        self.timeout = max(1, int(min(self._cell_timeout or remaining, remaining)))
        try:
            cell, resources = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._stopped = "the Python kernel died in an earlier cell"
            cell.outputs.append(_error("KernelDied", "the Python kernel died while running this cell (a crash "
                                       "such as a segmentation fault, os._exit, or running out of memory)"))
        except Exception as error:  # noqa: BLE001 - whatever broke the kernel's link, the batch goes on
            self.abandon_kernel(f"the kernel stopped responding ({type(error).__name__})")
            cell.outputs.append(_error("KernelStopped", f"this cell did not finish and its kernel stopped "
                                       f"responding ({type(error).__name__}: {str(error)[:200]}); it was shut down"))
        cap_outputs(cell)
        return cell, resources

    def execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        # A watchdog over nbclient's own time limit: a kernel whose messages stop (or are garbled) cannot hold the
        # batch beyond the cell's time limit plus a grace period.
        return run_sync(self._watched)(cell, cell_index, execution_count, store_history)

    async def _watched(self, cell, cell_index, execution_count, store_history):
        return await asyncio.wait_for(self.async_execute_cell(cell, cell_index, execution_count, store_history),
                                      timeout=self.timeout + WATCHDOG_GRACE)

    def abandon_kernel(self, reason):
        """Shut the kernel down for good (killing it): the later cells are not run, for `reason`."""
        self._stopped = reason
        try:
            run_sync(self._shut_down_within)(ABANDON_LIMIT)
        except Exception:  # noqa: BLE001 - however the polite way fails, the process is killed below
            process = getattr(getattr(self.km, "provisioner", None), "process", None)
            if process is not None and process.poll() is None:
                process.kill()

    async def _shut_down_within(self, seconds):
        await asyncio.wait_for(self.km.shutdown_kernel(now=True), timeout=seconds)


def cap_outputs(cell, limit=OUTPUT_LIMIT):
    """Cut a cell's text outputs down to `limit` characters in all, so that a huge print (or repr) cannot swell
    the feedback page; nbgrader's own limit counts lines, not characters."""
    left = limit
    for output in cell.get("outputs", []):
        for holder, key in ((output, "text"), (output.get("data", {}), "text/plain")):
            text = holder.get(key)
            if isinstance(text, list):
                text = "".join(text)
            if not isinstance(text, str):
                continue
            if len(text) > left:
                holder[key] = text[:max(0, left)] + f"\n[... {len(text) - max(0, left):,} more characters cut]\n"
            left -= min(len(text), max(0, left))
