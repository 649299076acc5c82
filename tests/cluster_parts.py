"""Real parts for the cluster tests, started on loopback and stopped: a private PostgreSQL server (Debian's
`postgresql` package) and Dask's own `dask scheduler` and `dask worker` processes."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

HOST = "127.0.0.1"


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listens on {HOST}:{port} after {timeout} s")


def postgres_bin():
    """The folder of Debian's PostgreSQL programs (initdb, pg_ctl), or an error saying what to install."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    if shutil.which("initdb"):
        return Path(shutil.which("initdb")).parent
    raise RuntimeError("PostgreSQL is not installed: `apt-get install -y postgresql` (see README, set-up)")


class Postgres:
    """A PostgreSQL server of its own in a temporary folder, on a free loopback port, trusting local users.
    PostgreSQL refuses to run as root: as root, it runs as the `postgres` user the package creates."""

    def __init__(self):
        self.bin = postgres_bin()
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="backprop-pg-"))
        self.data = self.folder / "data"
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.folder, "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "grader", "--no-sync")
        self.start()
        self._run(str(self.bin / "createdb"), "-h", HOST, "-p", str(self.port), "-U", "grader", "backprop")
        self.url = f"postgresql+psycopg2://grader@{HOST}:{self.port}/backprop"

    def _run(self, *args):
        done = subprocess.run([*self.as_user, *args], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done

    def start(self):
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"), "-w", "-o",
                  f"-p {self.port} -k {self.folder} -c listen_addresses={HOST} -c fsync=off", "start")

    def stop(self):
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def close(self):
        subprocess.run([*self.as_user, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
                       capture_output=True, check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


class DaskCluster:
    """`dask scheduler` on a free loopback port and named `dask worker` processes (each a nanny and its worker
    process, one thread, started again when it ends), all of this interpreter, in process groups of their own so
    that they can be killed."""

    def __init__(self, workers=2):
        self.port = free_port()
        self.address = f"tcp://{HOST}:{self.port}"
        self.logs = Path(tempfile.mkdtemp(prefix="backprop-dask-"))
        self.workers = {}
        self.scheduler = None
        self.start_scheduler()
        for number in range(workers):
            self.start_worker(f"w{number}")

    def _spawn(self, name, *args, again=False):
        """`python -m dask ARGS` in a process group of its own; with `again`, started again whenever it ends, as
        a service manager (systemd's Restart=always) does: a Dask worker ends when it loses its scheduler."""
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 - kept open for the life of the process
        command = [sys.executable, "-m", "dask", *args]
        if again:
            command = ["sh", "-c", 'while :; do "$@"; sleep 1; done', "sh", *command]
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def start_scheduler(self):
        self.scheduler = self._spawn("scheduler", "scheduler", "--host", HOST, "--port", str(self.port),
                                     "--no-dashboard", "--no-show")
        wait_for_port(self.port)

    def start_worker(self, name):
        self.workers[name] = self._spawn(name, "worker", self.address, "--name", name, "--nthreads", "1",
                                         "--host", HOST, "--no-dashboard", "--memory-limit", "0", again=True)
        return self.workers[name]

    def wait_for_workers(self, count, timeout=90.0):
        from dask.distributed import Client

        with Client(self.address, timeout="30s") as client:
            client.wait_for_workers(count, timeout=timeout)

    def grading_under(self, name):
        """The `nbgrader autograde` processes started by worker `name` (its nanny's descendants)."""
        try:
            below = psutil.Process(self.workers[name].pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        return [p for p in below if _is_autograde(p)]

    def worker_process(self, name):
        """The worker process under worker `name`'s nanny (the nanny's child that runs the tasks)."""
        below = psutil.Process(self.workers[name].pid).children(recursive=True)
        nanny = next(p for p in below if "dask" in p.cmdline() and "worker" in p.cmdline())
        return next(p for p in nanny.children() if "spawn_main" in " ".join(p.cmdline()))

    def kill_worker_process(self, name):
        """SIGKILL the process that runs worker `name`'s tasks; its nanny starts a new one."""
        self.worker_process(name).kill()

    def remove_worker(self, name):
        """SIGKILL worker `name` with everything it started, for good."""
        os.killpg(self.workers[name].pid, signal.SIGKILL)
        self.workers[name].wait()

    def kill_scheduler(self):
        os.killpg(self.scheduler.pid, signal.SIGKILL)
        self.scheduler.wait()

    def close(self):
        for process in [*self.workers.values(), self.scheduler]:
            if process is not None and process.poll() is None:
                with _suppress():
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        shutil.rmtree(self.logs, ignore_errors=True)


def alive(process):
    """Running and not a zombie (a killed child nobody has reaped yet)."""
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _is_autograde(process):
    try:
        line = process.cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return False
    return "nbgrader" in line and "autograde" in line and alive(process)


def autograde_processes():
    """Every `nbgrader autograde` process on this machine started from this interpreter."""
    return [p for p in psutil.process_iter() if _is_autograde(p) and sys.executable in " ".join(p.cmdline())]


class _suppress:
    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        return kind is not None and issubclass(kind, ProcessLookupError)
