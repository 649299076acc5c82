"""The only language the grader and a student's kernel share: plain values over a Unix socket, never pickle.

A message is one frame: an 8-byte length, a JSON header, then the raw bytes of the arrays the header names.
Values travel as JSON trees: None, bool, int, float and str as themselves; lists, tuples and dicts tagged;
NumPy arrays as {"array": index, "dtype", "shape"} with their bytes after the header; anything else as its type's
name only. The grader decodes strictly (numeric dtypes only, sizes checked, limits on everything), so the
worst a student's process can send back is a wrong number.

This file is also sent, as source text, into the student's kernel to run there (`serve`): it imports nothing but
the standard library and NumPy, and nothing of `autograder` (and, to say where the student's code raised,
`course.checks.calling`, which the notebook's test cells import anyway).
"""

import builtins
import importlib
import json
import math
import socket
import struct
import sys
import time

import numpy as np

_LENGTH = struct.Struct(">Q")
NUMERIC_KINDS = "biufc"
MAX_HEADER = 64 << 20  # bytes of JSON in one message
MAX_ARRAYS = 1 << 30  # bytes of array data in one message
MAX_DEPTH = 40  # nesting of lists, tuples and dicts


class WireError(Exception):
    """A message that breaks the protocol: too large, malformed, or not plain data."""


# --------------------------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------------------------

def encode(value, arrays, callables=None, depth=0):
    """value as a JSON tree; array bytes are appended to `arrays`. A callable becomes a handle registered in
    `callables` ({handle: callable}) when that dict is given, else it is sent as its type's name only."""
    if depth > MAX_DEPTH:
        return {"other": "too deeply nested"}
    if value is None or isinstance(value, (bool, str)):
        return value if type(value) in (bool, str, type(None)) else {"other": type(value).__name__}
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return {"int": int(value)}
    if isinstance(value, (float, np.floating)):
        return {"float": float(value)}
    if isinstance(value, np.ndarray):
        return _encode_array(value, arrays)
    if isinstance(value, (list, tuple)):
        tag = "list" if isinstance(value, list) else "tuple"
        return {tag: [encode(v, arrays, callables, depth + 1) for v in value]}
    if isinstance(value, dict):
        return {"dict": [[encode(k, arrays, None, depth + 1), encode(v, arrays, callables, depth + 1)]
                         for k, v in value.items()]}
    if callables is not None and callable(value):
        handle = len(callables)
        callables[handle] = value
        return {"callable": handle}
    return {"other": type(value).__name__}


def _encode_array(value, arrays):
    array = np.array(value, copy=True, order="C")
    if array.dtype.kind not in NUMERIC_KINDS:
        return {"other": f"array of {array.dtype}"}
    arrays.append(array.tobytes())
    return {"array": len(arrays) - 1, "dtype": array.dtype.str, "shape": list(array.shape)}


def _foreign(name):
    """A stand-in for a value that is not plain data: an object whose type is called like the original's,
    so that a check says "returned a generator" and the like."""
    name = name if isinstance(name, str) and name.isidentifier() and len(name) < 60 else "object"
    return type(name, (), {"__repr__": lambda self: f"<{name}>"})()


def decode(tree, arrays, make_callable=None, depth=0):
    """The value a JSON tree stands for. Strict: anything unexpected raises WireError."""
    if depth > MAX_DEPTH + 2:
        raise WireError("nested too deeply")
    if tree is None or type(tree) in (bool, str):
        return tree
    if not isinstance(tree, dict) or len(tree) not in (1, 3):
        raise WireError(f"not a value: {str(tree)[:80]}")
    if "array" in tree:
        return _decode_array(tree, arrays)
    (tag, body), = tree.items()
    if tag == "int" and type(body) is int:
        return body
    if tag == "float" and type(body) in (float, int):
        return float(body)
    if tag in ("list", "tuple") and isinstance(body, list):
        items = [decode(v, arrays, make_callable, depth + 1) for v in body]
        return items if tag == "list" else tuple(items)
    if tag == "dict" and isinstance(body, list):
        pairs = {}
        for pair in body:
            if not (isinstance(pair, list) and len(pair) == 2):
                raise WireError("malformed dict")
            key = decode(pair[0], arrays, None, depth + 1)
            if not isinstance(key, (str, int, float, bool, type(None), tuple)):
                raise WireError("a dict key must be a plain value")
            pairs[key] = decode(pair[1], arrays, make_callable, depth + 1)
        return pairs
    if tag == "callable" and make_callable is not None and type(body) is int:
        return make_callable(body)
    if tag == "other":
        return _foreign(body)
    raise WireError(f"unknown tag {tag!r}")


def _decode_array(tree, arrays):
    index, dtype, shape = tree.get("array"), tree.get("dtype"), tree.get("shape")
    if type(index) is not int or not 0 <= index < len(arrays):
        raise WireError("array index out of range")
    if not isinstance(dtype, str) or len(dtype) > 8:
        raise WireError("bad dtype")
    try:
        dtype = np.dtype(dtype)
    except TypeError as error:
        raise WireError("bad dtype") from error
    if dtype.kind not in NUMERIC_KINDS or dtype.hasobject:
        raise WireError(f"not a numeric dtype: {dtype}")
    if not isinstance(shape, list) or len(shape) > 32 or any(type(s) is not int or s < 0 for s in shape):
        raise WireError("bad shape")
    data = arrays[index]
    if math.prod(shape) * dtype.itemsize != len(data):  # exact Python integers, and cheaper than np.prod
        raise WireError("array size does not match its shape")
    return np.frombuffer(data, dtype=dtype).reshape(shape).copy()


# --------------------------------------------------------------------------------------------------------
# Frames
# --------------------------------------------------------------------------------------------------------

def _read_exactly(sock, count, deadline=None):
    chunks, left = [], count
    while left:
        if deadline is not None:
            # One deadline for the whole message: a sender that drips a byte at a time cannot stretch it.
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("a message did not arrive in full by its deadline")
            sock.settimeout(remaining)
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the connection")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def send(sock, header, arrays=()):
    """Send one message: header (a dict of plain JSON) and the arrays' bytes it refers to."""
    header = dict(header, sizes=[len(a) for a in arrays])
    text = json.dumps(header, allow_nan=True).encode()
    sock.sendall(b"".join([_LENGTH.pack(len(text)), text, *arrays]))  # one system call a message


def receive(sock, deadline=None):
    """One message as (header, [bytes of each array]). Raises WireError if it breaks the limits, and
    TimeoutError if it is not complete by `deadline` (a time.monotonic() value; None: the socket's timeout)."""
    (length,) = _LENGTH.unpack(_read_exactly(sock, _LENGTH.size, deadline))
    if length > MAX_HEADER:
        raise WireError(f"a message of {length} bytes is over the limit")
    try:
        header = json.loads(_read_exactly(sock, length, deadline))
    except (ValueError, RecursionError) as error:
        raise WireError("a message is not valid JSON") from error
    sizes = header.get("sizes") if isinstance(header, dict) else None
    if not isinstance(sizes, list) or any(type(s) is not int or s < 0 for s in sizes) or sum(sizes) > MAX_ARRAYS:
        raise WireError("a message's array sizes are malformed or over the limit")
    data, arrays, start = _read_exactly(sock, sum(sizes), deadline), [], 0
    for size in sizes:
        arrays.append(data[start:start + size])
        start += size
    return header, arrays


# --------------------------------------------------------------------------------------------------------
# The kernel's side (runs inside the student's kernel, sandboxed)
# --------------------------------------------------------------------------------------------------------

_MISSING = object()


def _innermost_function(error):
    tb, name = error.__traceback__, None
    while tb is not None:
        name, tb = tb.tb_frame.f_code.co_name, tb.tb_next
    return name


def _student_line(error, function):
    """Where the student's code raised: course.checks.calling.student_line (the same as in a visible check), as
    plain data, or None. `course` is imported in the kernel by every test cell, and is imported here if not."""
    try:
        calling = sys.modules.get("course.checks.calling") or importlib.import_module("course.checks.calling")
        return calling.student_line(error, function)
    except Exception:  # noqa: BLE001 - without it the message only lacks the line
        return None


def _error_message(error, function=None, interrupted=False):
    if interrupted:
        return {"op": "error", "type": "TimeoutError", "where": None,
                "message": "it was stopped: it ran longer than the time limit"}
    try:
        text = str(error)[:2000]
    except Exception:  # noqa: BLE001 - a student's exception whose str() fails still gets reported
        text = "(its message could not be shown)"
    return {"op": "error", "type": type(error).__name__[:60], "message": text,
            "where": _innermost_function(error), "line": _student_line(error, function)}


class _Link:
    """The kernel's end of one connection to the grader: runs the functions the grader asks for, and stands in
    for the functions the grader runs on its side (arguments, and earlier exercises it answers for)."""

    def __init__(self, sock, namespace):
        self.sock, self.namespace = sock, namespace
        self.handles = {}  # the kernel's functions handed to the grader during the current call

    def run(self, function, args, kwargs=None, report_args=False):
        """Call function: the reply to the grader (its result or its exception) and the arrays it refers to."""
        arrays = []
        try:
            result = function(*args, **(kwargs or {}))
            reply = {"op": "result", "value": encode(result, arrays)}
            if report_args:
                reply["args_after"] = encode(args, arrays)
        except KeyboardInterrupt as error:
            reply, arrays = _error_message(error, interrupted=True), []
        except BaseException as error:  # noqa: BLE001 - SystemExit and the like are the student's errors too
            reply, arrays = _error_message(error, function), []
        return reply, arrays

    def stand_in(self, target, name):
        """A function of the kernel's that runs `target` in the grader."""
        def stand_in(*args, **kwargs):
            arrays = []
            send(self.sock, {"op": "callback", "target": target, "args": encode(list(args), arrays, self.handles),
                             "kwargs": encode(kwargs, arrays, self.handles)}, arrays)
            return self.wait()
        stand_in.__name__ = stand_in.__qualname__ = name
        return stand_in

    def wait(self):
        """The grader's answer to a callback, running the kernel's functions it calls meanwhile."""
        while True:
            header, data = receive(self.sock)
            op = header.get("op")
            if op == "return":
                return decode(header["value"], data)
            if op == "raise":
                exception = getattr(builtins, str(header.get("type")), None)
                if not (isinstance(exception, type) and issubclass(exception, Exception)):
                    exception = RuntimeError
                raise exception(header.get("message", ""))
            if op == "call_handle":
                send(self.sock, *self.run(self.handles.get(header.get("handle")), *self.arguments(header, data)))
            else:
                raise WireError(f"unexpected message {op!r}")

    def arguments(self, header, data):
        args = decode(header["args"], data, lambda handle: self.stand_in(["argument", handle], "f"))
        kwargs = decode(header.get("kwargs", {"dict": []}), data)
        return args, kwargs

    def call(self, header, data):
        """The grader's call of an exercise: name(*args), with the served functions standing in meanwhile."""
        name, served = header["name"], header.get("served", [])
        self.handles = {}
        args, _ = self.arguments(header, data)
        saved = {block: self.namespace.get(block, _MISSING) for block in served}
        for block in served:
            self.namespace[block] = self.stand_in(["served", block], block)
        try:
            function = self.namespace.get(name)
            if function is None:
                def function(*_):
                    raise NameError(f"name '{name}' is not defined: run the cell that defines it")
            reply = self.run(function, args, report_args=True)
        finally:
            for block, value in saved.items():
                if value is _MISSING:
                    self.namespace.pop(block, None)
                else:
                    self.namespace[block] = value
        send(self.sock, *reply)


def serve(path, namespace):
    """Answer the grader's calls on the Unix socket at `path` with the functions in `namespace`, until it says
    "done". Run by the grader in the student's kernel after a graded test cell."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    link = _Link(sock, namespace)
    try:
        while True:
            header, data = receive(sock)
            if header.get("op") != "call":
                return
            link.call(header, data)
    finally:
        sock.close()
        sys.stdout.flush()
