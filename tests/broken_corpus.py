"""A class of submissions of 01_single_example that break grading in every way we know of, between honest ones.

`build(course_dir)` writes submitted/<student>/01_single_example/01_single_example.ipynb for each student and
returns {student: what the grader should give}: "full", "zero", or ("lose", [test ids that must score 0]).
"""

from __future__ import annotations

import copy
import json

import nbformat

from autograder.commands.example_class import completed
from autograder.notebooks import grade_id, is_solution_cell, is_test_cell, read_notebook

A = "01_single_example"
OTHER = "02_vectorized"


def _first_solution(nb, gid):
    return next(c for c in nb.cells if grade_id(c) == gid)


def _prepend(nb, gid, code):
    nb = copy.deepcopy(nb)
    cell = _first_solution(nb, gid)
    cell.source = code + "\n" + cell.source
    return nb


def corpus(course_dir):
    """{student: (notebook or raw text, expectation)}."""
    release = read_notebook(course_dir / "release" / A / f"{A}.ipynb")
    good = completed(release, read_notebook(course_dir / "source" / A / f"{A}.ipynb"))
    solutions = [grade_id(c) for c in good.cells if is_solution_cell(c) and not grade_id(c).startswith("tools")]
    tests = [grade_id(c) for c in good.cells if is_test_cell(c)]
    last = solutions[-1]

    duplicated = copy.deepcopy(good)
    index = duplicated.cells.index(_first_solution(duplicated, solutions[0]))
    duplicated.cells.insert(index + 1, copy.deepcopy(duplicated.cells[index]))  # a JupyterLab "split" or a copy

    deleted = copy.deepcopy(good)
    deleted.cells.remove(next(c for c in deleted.cells if grade_id(c) == tests[1]))

    retyped = copy.deepcopy(good)
    raw = next(c for c in retyped.cells if grade_id(c) == tests[2])
    raw.cell_type = "raw"
    del raw["outputs"], raw["execution_count"]

    wrong_version = json.loads(nbformat.writes(good))
    wrong_version["nbformat"] = 3

    other_release = read_notebook(course_dir / "release" / OTHER / f"{OTHER}.ipynb")
    other = completed(other_release, read_notebook(course_dir / "source" / OTHER / f"{OTHER}.ipynb"))

    return {
        "a_honest": (good, "full"),
        "b_invalid_json": ('{"cells": [ this is not json', "zero"),
        "c_empty": ("", "zero"),
        "d_nbformat3": (json.dumps(wrong_version), "zero"),
        "e_duplicated_cell": (duplicated, "full"),
        "f_deleted_test": (deleted, "full"),
        "g_retyped_test": (retyped, "full"),
        "h_endless_loop": (_prepend(good, last, "while True:\n    pass"), ("lose", [f"test_{last}"])),
        "i_memory_bomb": (_prepend(good, last, "import numpy as _np\n_hog = []\nwhile True:\n"
                                               "    _hog.append(_np.ones(10**7))"), ("lose", [f"test_{last}"])),
        "j_segfault": (_prepend(good, last, "import ctypes\nctypes.string_at(0)"), ("lose", [f"test_{last}"])),
        "k_os_exit": (_prepend(good, last, "import os\nos._exit(3)"), ("lose", [f"test_{last}"])),
        "l_huge_output": (_prepend(good, solutions[0], "for _i in range(300_000):\n    print(_i)"), "full"),
        "m_stderr_warning": (_prepend(good, solutions[0], "import sys, warnings\nprint('careful', file=sys.stderr)\n"
                                                          "warnings.warn('a harmless warning')"), "full"),
        "n_other_assignment": (other, "zero"),
        "z_honest": (good, "full"),
    }


def build(course_dir):
    expectations = {}
    for student, (content, expected) in corpus(course_dir).items():
        folder = course_dir / "submitted" / student / A
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{A}.ipynb"
        if isinstance(content, str):
            target.write_text(content)
        else:
            nbformat.write(content, target)
        expectations[student] = expected
    return expectations
