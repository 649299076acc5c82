"""The grader overrides private methods of jupyter_client's kernel manager (autograder/engine/sandbox.py); this fails
loudly when an upgrade of jupyter_client changes them, instead of letting the grader misbehave quietly."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import jupyter_client
import jupyter_client.manager
from jupyter_client.manager import AsyncKernelManager

from autograder.engine.sandbox import SandboxedKernelManager

REQUIREMENTS = Path(__file__).resolve().parents[1] / "requirements.txt"

# name: the parameters it must take (self first), as SandboxedKernelManager calls or overrides it
PRIVATE = {
    "_async_interrupt_kernel": ["self"],
    "_async_request_shutdown": ["self", "restart"],
    "_connect_control_socket": ["self"],
    "_make_url": ["self", "channel"],
}


def test_the_installed_jupyter_client_is_the_pinned_one():
    pin = re.search(r"^jupyter_client>=([\d.]+),<([\d.]+)$", REQUIREMENTS.read_text(), re.MULTILINE)
    assert pin, "requirements.txt must pin jupyter_client to a range"
    version = tuple(int(p) for p in jupyter_client.__version__.split(".")[:2])
    low = tuple(int(p) for p in pin.group(1).split(".")[:2])
    high = tuple(int(p) for p in pin.group(2).split(".")[:2])
    assert low <= version < high, f"jupyter_client {jupyter_client.__version__} is outside {pin.group(0)}"


def test_the_private_methods_the_sandbox_overrides_are_still_there():
    for name, parameters in PRIVATE.items():
        method = getattr(AsyncKernelManager, name, None)
        assert method is not None, f"jupyter_client.AsyncKernelManager.{name} is gone: review autograder/engine/sandbox.py"
        assert list(inspect.signature(method).parameters) == parameters, \
            f"AsyncKernelManager.{name} now takes {inspect.signature(method)}: review autograder/engine/sandbox.py"
    assert inspect.iscoroutinefunction(AsyncKernelManager._async_interrupt_kernel)
    assert inspect.iscoroutinefunction(AsyncKernelManager._async_request_shutdown)


def test_the_control_socket_is_still_the_attribute_the_manager_sends_on():
    assert "_control_socket" in AsyncKernelManager.class_trait_names(), \
        "the kernel manager no longer keeps its control socket in _control_socket: review autograder/engine/sandbox.py"
    source = inspect.getsource(jupyter_client.manager)
    assert "self._control_socket = self._create_connected_socket" in source
    assert SandboxedKernelManager.interrupt_kernel is SandboxedKernelManager._async_interrupt_kernel
