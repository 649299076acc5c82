"""The grader's end of a hidden check: the student's function as a `RemoteFunction` that runs in their kernel.

A hidden check is ordinary code (`check_layer_backward(layer_backward)`) that calls the function it is given. Here
it is given a RemoteFunction: each call sends the arguments, as plain data (autograder/engine/wire.py), to the student's
kernel, which runs the student's function there and sends back the plain result. The comparison with the
reference happens here, in the grader's process, which never runs student code. Functions the student's code
calls back (an argument such as `f` of numerical_gradient, or an earlier exercise swapped for the reference's by
`isolated`) run here too, and only those the current call was given may be called.
"""

from __future__ import annotations

import builtins
import socket
import time

import numpy as np

from . import wire

CONNECT_TIMEOUT = 20  # seconds for the kernel to pick up the grader's call
EXCEPTIONS = {name: getattr(builtins, name) for name in (
    "ValueError", "TypeError", "NotImplementedError", "IndexError", "KeyError", "ZeroDivisionError",
    "AttributeError", "NameError", "RuntimeError", "FloatingPointError", "OverflowError", "AssertionError",
    "ArithmeticError", "LookupError", "MemoryError", "RecursionError", "UnboundLocalError", "TimeoutError")}


class KernelUnreachable(Exception):
    """The student's kernel stopped answering the grader (it died, hung, or its code blocked the harness)."""


class RemoteError(Exception):
    """An exception of a type the grader does not re-create, raised by the student's function."""


def _student_line(line):
    """The place in the student's code the kernel says its exception came from (course.checks.calling.student_line),
    checked to be plain text of bounded size, or None."""
    if not isinstance(line, dict):
        return None
    place, number, function, text = (line.get(k) for k in ("place", "line", "function", "text"))
    if not (isinstance(place, str) and type(number) is int and isinstance(function, str) and isinstance(text, str)):
        return None
    return {"place": place[:80], "line": number, "function": function[:80], "text": text[:600]}


def _rebuild(header):
    """The exception the student's function raised, re-created here from its type name and message, with where it
    was raised (`raised_in`: the innermost function; `student_line`: the line of the student's code)."""
    name, message = str(header.get("type")), str(header.get("message", ""))[:2000]
    exception_type = EXCEPTIONS.get(name)
    error = exception_type(message) if exception_type else RemoteError(f"{name}: {message}")
    error.raised_in = header.get("where") if isinstance(header.get("where"), str) else None
    error.student_line = _student_line(header.get("line"))
    return error


MAX_ELEMENTS = 1 << 21  # entries of one array the grader takes from student code (16 MB of float64)
MAX_INTEGERS = 1024     # entries of an integer or boolean array (layer sizes, labels), which the grader never multiplies


def admissible(value):
    """value, from the student's code, as the grader's functions may take it: arrays of floats as float64 (float32
    is converted), small integer arrays as they are; anything larger, or of another kind, raises TypeError."""
    if isinstance(value, np.ndarray):
        kind = value.dtype.kind
        if kind == "f" and value.size <= MAX_ELEMENTS:
            return value.astype(np.float64, copy=False)
        if kind in "iub" and value.size <= MAX_INTEGERS:
            return value
        raise TypeError(f"the grader takes arrays of at most {MAX_ELEMENTS:,} floats or {MAX_INTEGERS} integers "
                        f"from your code; this one is {value.dtype} of shape {value.shape}")
    if isinstance(value, list):
        return [admissible(v) for v in value]
    if isinstance(value, tuple):
        return tuple(admissible(v) for v in value)
    if isinstance(value, dict):
        return {k: admissible(v) for k, v in value.items()}
    return value


class Session:
    """One connection to the harness in a student's kernel, for the calls of one hidden check."""

    def __init__(self, connection, timeout, interrupt):
        """timeout: seconds for all the calls of the check together (a cell's time limit)."""
        self.connection, self.timeout, self.interrupt = connection, timeout, interrupt
        self.deadline = time.monotonic() + timeout
        self.broken = None
        self.inputs_after = None

    def call(self, name, args, served):
        """name(*args) in the student's kernel, with the functions in `served` answering from here."""
        if self.broken:
            raise KernelUnreachable(self.broken)
        arrays, callables = [], {}
        tree = wire.encode(list(args), arrays, callables)
        self._send({"op": "call", "name": name, "args": tree, "served": sorted(served)}, arrays)
        self._context = (self.deadline, callables, served)
        value, data, header = self._wait()
        # What the call did to its inputs is reported (RemoteFunction.inputs_after), never written into the
        # grader's arrays: a check's expected values stay those of the inputs as drawn.
        self.inputs_after = wire.decode(header.get("args_after"), data)
        return value

    def _wait(self):
        """The kernel's answer to the last request, answering its callbacks meanwhile."""
        deadline, callables, served = self._context
        while True:
            header, data = self._receive(deadline)
            op = header.get("op")
            if op == "callback":
                self._answer(header, data, callables, served)
            elif op == "result":
                return wire.decode(header.get("value"), data), data, header
            elif op == "error":
                raise _rebuild(header)
            else:
                self.broken = f"your kernel sent the grader an unexpected message ({str(op)[:40]})"
                raise KernelUnreachable(self.broken)

    def _kernel_function(self, handle):
        """A function of the student's kernel that their code handed to a function the grader runs."""
        def kernel_function(*args, **kwargs):
            arrays = []
            self._send({"op": "call_handle", "handle": handle, "args": wire.encode(list(args), arrays),
                        "kwargs": wire.encode(kwargs, arrays)}, arrays)
            return self._wait()[0]
        return kernel_function

    def _answer(self, header, data, callables, served):
        """Run a function the student's code called back (an argument, or a served earlier exercise)."""
        target = header.get("target")
        kind, key = target if isinstance(target, list) and len(target) == 2 else (None, None)
        function = callables.get(key) if kind == "argument" else served.get(key) if kind == "served" else None
        if not callable(function) or not isinstance(key, (int, str)):
            self._send({"op": "raise", "type": "NameError", "message": f"{key!r} cannot be called here"})
            return
        try:
            args = wire.decode(header.get("args"), data, self._kernel_function)
            kwargs = wire.decode(header.get("kwargs"), data, self._kernel_function)
            if not isinstance(args, list) or not isinstance(kwargs, dict) or any(type(k) is not str for k in kwargs):
                raise TypeError("malformed call")
            args, kwargs = admissible(args), admissible(kwargs)
            arrays = []
            value = wire.encode(function(*args, **kwargs), arrays)
        except (KernelUnreachable, TimeoutError):  # the call as a whole is over
            raise
        except Exception as error:  # noqa: BLE001 - the student's code sees the error, as it would locally
            self._send({"op": "raise", "type": type(error).__name__, "message": str(error)[:2000]})
            return
        self._send({"op": "return", "value": value}, arrays)

    def _send(self, header, arrays=()):
        try:
            self.connection.settimeout(self.timeout)
            wire.send(self.connection, header, arrays)
        except OSError as error:
            self.broken = f"the connection to your kernel broke ({error})"
            raise KernelUnreachable(self.broken) from error

    def _receive(self, deadline):
        try:
            return wire.receive(self.connection, deadline=max(deadline, time.monotonic() + 0.01))
        except TimeoutError:
            return self._after_timeout()
        except (OSError, EOFError, wire.WireError) as error:
            self.broken = f"your kernel stopped answering the grader ({type(error).__name__}: {error})"
            raise KernelUnreachable(self.broken) from error

    def _after_timeout(self):
        """Interrupt the student's function; its harness then reports the interruption as an error."""
        self.interrupt()
        try:
            header, _ = wire.receive(self.connection, deadline=time.monotonic() + 10)
        except (OSError, EOFError, wire.WireError):
            header = {}
        if header.get("op") != "error":
            self.broken = f"your kernel did not stop after {self.timeout:g} s and no longer answers"
            raise KernelUnreachable(self.broken)
        raise TimeoutError(f"the calls of this check took longer than {self.timeout:g} s in all (an endless loop?)")

    def close(self):
        try:
            if not self.broken:
                self.connection.settimeout(5)
                wire.send(self.connection, {"op": "done"})
        except OSError:
            pass
        finally:
            self.connection.close()


class RemoteFunction:
    """Stands for the student's function `name` in a hidden check; calling it runs it in the student's kernel.

    `__globals__` plays the part of the notebook's namespace for `isolated` and `planted`: the functions they put
    there are the ones the student's code may call back while a call runs (and none other). `inputs_after` holds
    the arguments as the student's function left them in its kernel, after the last call (course.checks.calling
    compares them with the arguments sent)."""

    def __init__(self, session, name):
        self._session = session
        self.__name__ = self.__qualname__ = name
        self.__globals__ = {}
        self.inputs_after = None

    def __call__(self, *args):
        self.inputs_after = None
        value = self._session.call(self.__name__, args, dict(self.__globals__))
        self.inputs_after = self._session.inputs_after
        return value

    def __repr__(self):
        return f"<your function {self.__name__}>"


def bootstrap_code(socket_path):
    """The code the grader runs in the student's kernel: define the harness (wire.py) in a namespace of its own
    and let it answer on socket_path."""
    with open(wire.__file__, encoding="utf-8") as handle:
        source = handle.read()
    return (f"(lambda _ns: (exec(compile({source!r}, '<grader>', 'exec'), _ns), "
            f"_ns['serve']({str(socket_path)!r}, get_ipython().user_ns)))({{'__name__': '_grader_wire'}})")


def listen(path):
    """A Unix socket listening at path, for one kernel to connect to."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(1)
    listener.settimeout(CONNECT_TIMEOUT)
    return listener
