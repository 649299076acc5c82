"""A kernel that no longer answers cannot hold the grader: giving it up ends in its process being killed.
(tests/test_sandbox.py has the real case: a kernel that garbles its own sockets.)"""

import asyncio
import subprocess
import sys
import time
from types import SimpleNamespace

from autograder.engine import budgeted
from autograder.engine.budgeted import BudgetedExecute


def test_a_kernel_whose_shutdown_hangs_is_killed(monkeypatch):
    monkeypatch.setattr(budgeted, "ABANDON_LIMIT", 0.5)
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])

    async def never_returns(now=False):
        await asyncio.sleep(3600)

    executor = BudgetedExecute()
    executor.km = SimpleNamespace(shutdown_kernel=never_returns, provisioner=SimpleNamespace(process=process))
    start = time.monotonic()
    try:
        executor.abandon_kernel("a test")
        assert process.wait(timeout=10) is not None, "the kernel's process still runs"
        assert time.monotonic() - start < 10
        assert executor._stopped == "a test", "the later cells are marked not run, for the reason given"
    finally:
        process.kill()
