"""The student's kernel in a sandbox: bubblewrap on Linux, with a loud warning where there is none.

Inside, the kernel sees the operating system's libraries and the Python environment read-only, the `course`
package read-only, a copy of the submission's own folder (thrown away afterwards), and an empty /tmp. It does not
see the `autograder` package, the course's source/ and gradebook (only the grader's copy of the earlier
assignments' building blocks, autograder/engine/earlier.py, read-only), the other students, the instructor's home or
the network. It has an address-space limit, and it talks to the grader only through Unix sockets in a folder of
its own (the kernel's ZeroMQ channels and the grader's socket, autograder/engine/session.py).
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import zmq
from jupyter_client.manager import AsyncKernelManager
from traitlets import Any, Integer

from course.earlier import ENVIRONMENT as EARLIER

SYSTEM_PATHS = ("/usr", "/bin", "/lib", "/lib64", "/lib32", "/sbin", "/etc/alternatives", "/etc/ld.so.cache",
                "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/fonts", "/etc/localtime", "/etc/passwd", "/etc/group",
                "/etc/nsswitch.conf", "/etc/mime.types", "/etc/matplotlibrc")
NO_SANDBOX_WARNING = (
    "NO SANDBOX: bubblewrap (bwrap) is not available or not permitted here, so students' notebooks run with the "
    "grader's own file access. Grades are still decided outside their kernels, but a notebook could read or change "
    "course files. Install it (Debian/Ubuntu: apt-get install bubblewrap) before grading for real.")

# What a notebook may write: its folder and /tmp are in memory, at most this much each; no file is larger than
# FILE_LIMIT (the folder of the kernel's sockets is the grader's disk).
SCRATCH_LIMIT = 512 << 20
HOME = "/tmp/home"  # the kernel's home, in its /tmp
FILE_LIMIT = 256 << 20
INTERRUPT_SEND_MS = 2000  # how long the grader tries to hand a message to the kernel's control channel

# Run by the kernel's own interpreter before the kernel: an address-space limit it cannot raise again.
_LIMIT = ("import os, resource, sys; limit = int(sys.argv[1]); "
          "limit and resource.setrlimit(resource.RLIMIT_AS, (limit, limit)); "
          f"resource.setrlimit(resource.RLIMIT_FSIZE, ({FILE_LIMIT}, {FILE_LIMIT})); "
          "os.execv(sys.argv[2], sys.argv[2:])")

log = logging.getLogger(__name__)


@functools.cache
def bwrap_works():
    """True if bubblewrap is installed and allowed to make namespaces here."""
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return False
    probe = [bwrap, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "--proc", "/proc", "true"]
    try:
        return subprocess.run(probe, capture_output=True, timeout=20, check=False).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _package_dir(name):
    module = sys.modules.get(name) or __import__(name)
    return Path(module.__file__).resolve().parent


def python_paths():
    """The folders the kernel's Python needs: its installation, the environment, and the `course` package."""
    paths = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), _package_dir("course")}
    for entry in sys.path:
        if entry and os.path.isdir(entry) and "site-packages" in entry:
            paths.add(Path(entry).resolve())
    return sorted(paths)


def hidden_paths(bound):
    """Instructor-only folders that lie inside a folder bound into the sandbox (e.g. a non-editable install of
    `autograder` in site-packages): each gets an empty folder mounted over it."""
    secret = [_package_dir("autograder")]
    return [s for s in secret if any(s != b and b in s.parents for b in bound)]


def submitted_links(folder):
    """Paths in `folder` (an autograded copy) that were symbolic links in the student's submitted folder: nbgrader
    copies what a link points to (the course's source, say), so those files are kept out of the sandbox."""
    folder = Path(folder)
    if len(folder.parents) < 3 or folder.parents[1].name != "autograded":
        return set()
    submitted = folder.parents[2] / "submitted" / folder.parent.name / folder.name
    if not submitted.is_dir():
        return set()
    found = set()
    for path in submitted.rglob("*"):
        if path.is_symlink():
            found.add(folder / path.relative_to(submitted))
    return found


class Sandbox:
    """The folders of one sandboxed kernel: a copy of the submission folder and a folder for its sockets."""

    def __init__(self, folder, enabled):
        self.folder = Path(folder).resolve()
        self.enabled = enabled
        self.scratch = Path(tempfile.mkdtemp(prefix="sandbox-"))
        self.copy = self.scratch / "work"
        self.sockets = self.scratch / "run"
        self.grader = self.scratch / "grader"
        self.home = self.scratch / "home"
        self.earlier = self.scratch / "earlier"  # autograder/engine/earlier.py writes it; read-only for the kernel
        links = submitted_links(self.folder)
        shutil.copytree(self.folder, self.copy, symlinks=True,
                        ignore=lambda where, names: [n for n in names if Path(where, n) in links])
        for own in (self.sockets, self.grader, self.home, self.earlier):
            own.mkdir()
        self._warm_matplotlib()

    def _warm_matplotlib(self):
        """Give the kernel matplotlib's font list, so that it does not rebuild it (and say so on stderr)."""
        try:
            import matplotlib

            cache = Path(matplotlib.get_cachedir())
        except Exception:  # noqa: BLE001 - no matplotlib, nothing to warm
            return
        target = self.home / "mpl"
        target.mkdir()
        for font_list in cache.glob("fontlist-*.json"):
            shutil.copy(font_list, target / font_list.name)

    def command(self, kernel_cmd, memory_limit_mb):
        """kernel_cmd wrapped in the memory limit and, when enabled, in bubblewrap."""
        limited = [sys.executable, "-c", _LIMIT, str(memory_limit_mb << 20), *kernel_cmd]
        if not self.enabled:
            return limited
        args = [shutil.which("bwrap"), "--unshare-all", "--die-with-parent", "--new-session",
                "--proc", "/proc", "--dev", "/dev", "--size", str(SCRATCH_LIMIT), "--tmpfs", "/tmp"]
        for path in SYSTEM_PATHS:
            args += ["--ro-bind-try", path, path]
        bound = python_paths()
        for path in bound:
            args += ["--ro-bind", str(path), str(path)]
        for path in hidden_paths(bound):
            args += ["--tmpfs", str(path)]
        # The submission's folder: its files read-only, in a folder in memory where new files may be written.
        args += ["--size", str(SCRATCH_LIMIT), "--tmpfs", str(self.folder)]
        for entry in sorted(self.copy.iterdir()):
            args += ["--ro-bind", str(entry), str(self.folder / entry.name)]
        args += ["--bind", str(self.sockets), str(self.sockets),
                 "--ro-bind", str(self.grader), str(self.grader),
                 "--ro-bind", str(self.earlier), str(self.earlier),
                 "--dir", HOME, "--dir", f"{HOME}/mpl", "--chdir", str(self.folder), "--clearenv"]
        for font_list in sorted((self.home / "mpl").glob("fontlist-*.json")):
            args += ["--ro-bind", str(font_list), f"{HOME}/mpl/{font_list.name}"]
        environment = {
            "HOME": HOME, "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8", "MPLCONFIGDIR": f"{HOME}/mpl", "PYTHONNOUSERSITE": "1",
            "NBGRADER_EXECUTION": "autograde", "TMPDIR": "/tmp", EARLIER: str(self.earlier),
            "PYTHONSAFEPATH": "1",  # a handed-in ipykernel_launcher.py must not replace the kernel's own
        }
        for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            if name in os.environ:
                environment[name] = os.environ[name]
        for name, value in environment.items():
            args += ["--setenv", name, value]
        return [*args, "--", *limited]

    def environment(self, base):
        """The kernel's environment without bubblewrap: `base` with the folder of the earlier assignments."""
        return {**base, EARLIER: str(self.earlier)}

    def remove(self):
        shutil.rmtree(self.scratch, ignore_errors=True)


class SandboxedKernelManager(AsyncKernelManager):
    """A kernel manager that starts the kernel through `Sandbox.command` and talks to it over Unix sockets."""

    sandbox = Any(None, allow_none=True, help="The Sandbox of this kernel (set before start).")
    memory_limit_mb = Integer(4096, help="Address-space limit of the kernel, in MiB (0: none).")

    def prepare(self, sandbox, memory_limit_mb):
        self.sandbox, self.memory_limit_mb = sandbox, memory_limit_mb
        if sandbox.enabled:
            # TCP on the loopback does not cross into a namespace without network: use Unix sockets instead.
            self.transport = "ipc"
            self.ip = str(sandbox.sockets / "kernel")
            self.connection_file = str(sandbox.sockets / "kernel.json")

    def format_kernel_cmd(self, extra_arguments=None):
        command = super().format_kernel_cmd(extra_arguments)
        if self.sandbox is None:
            return command
        return self.sandbox.command(command, self.memory_limit_mb)

    async def _async_interrupt_kernel(self):
        # A signal to bubblewrap does not reach the kernel (it runs in a session of its own): ask by message.
        if self.sandbox is not None and self.sandbox.enabled and self.has_kernel:
            self._connect_control_socket()
            try:
                self.session.send(self._control_socket, self.session.msg("interrupt_request", content={}))
            except zmq.Again:
                self.log.warning("the kernel's control channel takes no message: it could not be interrupted")
            return
        await super()._async_interrupt_kernel()

    interrupt_kernel = _async_interrupt_kernel

    def _connect_control_socket(self):
        # A kernel that garbled its end of the control channel (tests/test_sandbox.py) used to hold the grader in
        # its next send for ever: messages go only to a kernel that is connected (IMMEDIATE), and a send that
        # nobody takes gives up after INTERRUPT_SEND_MS (zmq.Again, caught by the two methods above and below).
        if self._control_socket is None:
            control = self.context.socket(zmq.DEALER)
            for option, value in ((zmq.IMMEDIATE, 1), (zmq.SNDTIMEO, INTERRUPT_SEND_MS), (zmq.LINGER, 0)):
                control.setsockopt(option, value)
            control.connect(self._make_url("control"))
            self._control_socket = control

    async def _async_request_shutdown(self, restart=False):
        try:
            await super()._async_request_shutdown(restart=restart)
        except zmq.Again:  # no polite shutdown then: _async_finish_shutdown waits a moment and kills the kernel
            self.log.warning("the kernel's control channel takes no message: it is shut down by force")
