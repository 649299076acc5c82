"""Nothing a student gets (release/ and the course package) holds a solution or a hidden test."""

import ast
import builtins
import copy
import re
import types
from pathlib import Path

import numpy as np
import pytest

import autograder.reference
from autograder.notebooks import HIDDEN_MARKERS, SOLUTION_MARKERS, is_solution_cell, is_test_cell

from .conftest import ASSIGNMENTS, REPO, source_nb

MARKER = re.compile("|".join(re.escape(m) for m in SOLUTION_MARKERS + HIDDEN_MARKERS))
STUDENT_FILES = [p for p in [*(REPO / "release").rglob("*"), *(REPO / "course").rglob("*")]
                 if p.is_file() and "__pycache__" not in p.parts]


def secret_lines(nb):
    """Lines that only the instructor may see: solution regions and hidden tests (long enough to be telling)."""
    lines = set()
    for cell in nb.cells:
        for start, end in (SOLUTION_MARKERS, HIDDEN_MARKERS):
            for region in re.findall(rf"{re.escape(start)}\n(.*?){re.escape(end)}", cell.source, re.DOTALL):
                lines |= {line.strip() for line in region.splitlines() if len(line.strip()) >= 24}
    return lines


def test_student_files_exist():
    assert any(p.suffix == ".ipynb" for p in STUDENT_FILES)


@pytest.mark.parametrize("path", STUDENT_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_no_markers_in_student_files(path):
    text = path.read_text(errors="ignore")
    assert not MARKER.search(text), f"{path} holds a solution or hidden-test marker"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_no_solution_line_in_release_or_course(name):
    secrets = secret_lines(source_nb(name))
    assert secrets, "the source notebook should have solutions"
    for path in STUDENT_FILES:
        text = path.read_text(errors="ignore")
        # signatures and control-flow headers (`for l in range(...):`) are structure, not answers, and bare data
        # lines ("b2": np.array(...)) can coincide with a fixture
        leaked = [line for line in secrets if line in text and not line.startswith(("#", '"""', "def ", '"', "'"))
                  and not line.endswith(":")]
        assert not leaked, f"{path.relative_to(REPO)} holds solution or hidden-test lines: {leaked[:3]}"


def test_course_package_defines_no_graded_function():
    graded = {name for name in dir(autograder.reference) if not name.startswith("_")}
    graded |= {c.metadata.nbgrader["grade_id"] for a in ASSIGNMENTS for c in source_nb(a).cells
               if is_solution_cell(c) or is_test_cell(c)}
    for path in (REPO / "course").rglob("*.py"):
        tree = ast.parse(path.read_text())
        public = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and not n.name.startswith("_")}
        clash = public & graded
        assert not clash, f"{path.relative_to(REPO)} defines {clash}, which an exercise asks students to write"


def test_no_hidden_test_line_in_release():
    for name in ASSIGNMENTS:
        hidden = set()
        for cell in source_nb(name).cells:
            start, end = (re.escape(m) for m in HIDDEN_MARKERS)
            for region in re.findall(rf"{start}\n(.*?){end}", cell.source, re.DOTALL):
                hidden |= {line.strip() for line in region.splitlines() if line.strip()
                           and not line.strip().startswith("#")}
        assert hidden, f"{name}: the source notebook should have hidden tests"
        for path in (REPO / "release").rglob("*.ipynb"):
            text = path.read_text()
            leaked = sorted(line for line in hidden if line in text)
            assert not leaked, f"{path.relative_to(REPO)} holds hidden-test lines of {name}: {leaked[:3]}"


# --------------------------------------------------------------------------------------------------------
# The reference's code in what students get
# --------------------------------------------------------------------------------------------------------

REFERENCE = Path(autograder.reference.__file__)
# Lines that say nothing about an answer: unpacking (`Z, A_prev, W, b = cache`), returning names, a generator from
# a seed, turning arguments into float arrays.
BOILERPLATE = [re.compile(p) for p in (
    r"^[\w, ()*\[\]]+ = [\w.]+$",
    r"^return [\w, ()]+$",
    r"^\w+ = np\.random\.default_rng\(\w*\)$",
    r"^[\w, ]+ = (np\.asarray\(\w+(, dtype=[\w.]+)?\)(, )?)+$",
)]


def normal_line(line):
    """A line of code without its comment, indentation and repeated spaces ("" for a comment line)."""
    if line.lstrip().startswith("#"):
        return ""
    return re.sub(r"\s+", " ", re.sub(r"\s+#.*$", "", line)).strip()


def reference_body_lines(min_length=25):
    """Telling lines of the bodies of autograder/reference.py's functions: at least min_length characters, and not
    a docstring, a signature, an import, a control-flow header or boilerplate (BOILERPLATE)."""
    text = REFERENCE.read_text()
    source, tree = text.splitlines(), ast.parse(text)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                docstrings |= set(range(first.lineno, first.end_lineno + 1))
    lines = set()
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for statement in node.body:
            for number in range(statement.lineno, statement.end_lineno + 1):
                line = normal_line(source[number - 1])
                if number in docstrings or len(line) < min_length or line.endswith(":") \
                        or line.startswith(("def ", "class ", "import ", "from ", "@", '"', "'")) \
                        or any(p.match(line) for p in BOILERPLATE):
                    continue
                lines.add(line)
    return lines


def test_reference_lines_are_found():
    lines = reference_body_lines()
    assert len(lines) > 30, "the rule should keep most lines of the reference"
    assert any("1.0 / (1.0 + e)" in line for line in lines), "sigmoid's last line should be among them"


@pytest.mark.parametrize("path", sorted((REPO / "course").rglob("*.py")), ids=lambda p: str(p.relative_to(REPO)))
def test_course_package_holds_no_reference_code(path):
    own = {normal_line(line) for line in path.read_text().splitlines()}
    copied = sorted(own & reference_body_lines())
    assert not copied, f"{path.relative_to(REPO)} holds lines of autograder/reference.py: {copied[:4]}"


def test_course_package_never_imports_autograder():
    for path in (REPO / "course").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            assert not any(n.split(".")[0] == "autograder" for n in names), f"{path.relative_to(REPO)} imports {names}"


# --------------------------------------------------------------------------------------------------------
# Hidden inputs: nothing a student has predicts them
# --------------------------------------------------------------------------------------------------------

HIDDEN_SOURCES = sorted((REPO / "autograder" / "hidden").glob("*.py"))
PREDICTABLE = {
    "a fixed seed for a generator": re.compile(r"default_rng\(\s*(\d|\[|\(|[A-Z_]{2,}\s*\)|seed\s*=\s*\d)"),
    "NumPy's global generator seeded": re.compile(r"\b(np|numpy)\.random\.seed\("),
    "Python's global generator seeded": re.compile(r"\brandom\.seed\("),
    "a legacy RandomState": re.compile(r"RandomState\("),
    "NumPy's global generator (a student can seed it)": re.compile(
        r"\b(np|numpy)\.random\.(rand|randn|randint|random|random_sample|normal|uniform|choice|permutation|"
        r"shuffle|standard_normal|integers)\("),
    "a bit generator with a fixed seed": re.compile(r"\b(PCG64|PCG64DXSM|MT19937|Philox|SFC64)\(\s*\d"),
}


def test_fresh_generators_draw_different_numbers():
    from autograder.hidden._harness import fresh_rng

    first, second = fresh_rng().standard_normal(8), fresh_rng().standard_normal(8)
    assert not np.array_equal(first, second)


@pytest.mark.parametrize("path", HIDDEN_SOURCES, ids=lambda p: p.name)
def test_hidden_checks_use_no_predictable_generator(path):
    text = path.read_text()
    found = {why: pattern.search(text).group(0) for why, pattern in PREDICTABLE.items() if pattern.search(text)}
    assert not found, f"autograder/hidden/{path.name}: {found}"


def spy(name):
    """(a stand-in for the student's `name` that records its arguments and answers as the reference, its calls).
    Like a notebook's function, it is called `name` and has a namespace of its own (for `isolated`)."""
    calls, target, snapshot = [], getattr(autograder.reference, name), copy.deepcopy

    def record(*args):
        calls.append(snapshot(args))
        return target(*args)

    function = types.FunctionType(record.__code__, {"__builtins__": builtins}, name, None, record.__closure__)
    function.__qualname__ = name
    return function, calls


def fingerprint(value):
    """The inputs of a call as bytes, numbers exactly."""
    if isinstance(value, np.ndarray):
        return repr((value.shape, value.dtype.str)).encode() + value.tobytes()
    if isinstance(value, (list, tuple)):
        return b"(" + b",".join(fingerprint(v) for v in value) + b")"
    if isinstance(value, dict):
        return b"{" + b",".join(repr(k).encode() + b":" + fingerprint(v) for k, v in sorted(value.items())) + b"}"
    return repr(value).encode()


def recorded_inputs(exercise):
    import autograder.hidden

    function, calls = spy(exercise)
    getattr(autograder.hidden, f"check_{exercise}")(function)
    assert calls, f"check_{exercise} never called the function"
    return fingerprint(calls)


# exercises of 01 whose hidden check gives the function inputs (xor_parameters takes none)
WITH_INPUTS = ["sigmoid", "sigmoid_derivative", "relu", "relu_derivative", "tanh_derivative", "neuron_forward",
               "dense_forward_single", "dense_backward_loops", "dense_backward_single"]


@pytest.mark.parametrize("exercise", WITH_INPUTS)
def test_a_hidden_check_gives_new_inputs_on_every_run(exercise):
    assert recorded_inputs(exercise) != recorded_inputs(exercise), f"check_{exercise} repeats its inputs"
