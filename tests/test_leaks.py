"""Nothing a student gets (release/ and the course package) holds a solution or a hidden test."""

import ast
import re

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
