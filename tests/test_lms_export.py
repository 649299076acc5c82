"""The Canvas and Moodle grade files, from a gradebook like the example class's: ada complete, ben the untouched
release (no points), cleo her typical mistakes, and dan who handed nothing in."""

import csv
import shutil
import subprocess
import sys

import pytest
from nbgrader.api import Gradebook

from autograder.commands.lms_export import CanvasExportPlugin, MoodleExportPlugin

from .conftest import REPO

# {assignment: {grade cell: max score}}; {student: {assignment: {grade cell: score}}}
CELLS = {"01_single_example": {"test_sigmoid": 1, "test_relu": 1, "test_dense_backward_single": 3},
         "02_vectorized": {"test_layer_forward": 2, "test_layer_backward": 4}}
SCORES = {"ada": {"01_single_example": {"test_sigmoid": 1, "test_relu": 1, "test_dense_backward_single": 3},
                  "02_vectorized": {"test_layer_forward": 2, "test_layer_backward": 4}},
          "ben": {"01_single_example": {"test_sigmoid": 0, "test_relu": 0, "test_dense_backward_single": 0}},
          "cleo": {"01_single_example": {"test_sigmoid": 1, "test_relu": 0, "test_dense_backward_single": 1.5},
                   "02_vectorized": {"test_layer_forward": 2, "test_layer_backward": 0}}}
NAMES = {"ada": ("Ada", "Lovelace", "ada@example.org"), "ben": ("Ben", "", ""), "cleo": ("Cleo", "Ng", ""),
         "dan": ("", "", "")}


def expected_total(student, assignment):
    return sum(SCORES.get(student, {}).get(assignment, {}).values())


pytestmark = pytest.mark.slow  # creating an nbgrader gradebook takes seconds


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("lms")
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with Gradebook(url) as gb:
        for student, (first, last, email) in NAMES.items():
            gb.add_student(student, first_name=first or None, last_name=last or None, email=email or None)
        for assignment, cells in CELLS.items():
            gb.add_assignment(assignment)
            gb.add_notebook(assignment, assignment)
            for cell, top in cells.items():
                gb.add_grade_cell(cell, assignment, assignment, max_score=top, cell_type="code")
        for student, handed_in in SCORES.items():
            for assignment, scores in handed_in.items():
                gb.add_submission(assignment, student)
                for cell, score in scores.items():
                    gb.find_grade(cell, assignment, assignment, student).auto_score = score
        gb.db.commit()
    return tmp_path, url


def export(plugin_class, course, **traits):
    folder, url = course
    out = folder / f"{plugin_class.__name__}_{len(traits)}.csv"
    with Gradebook(url) as gb:
        plugin_class(to=str(out), **traits).export(gb)
    with open(out, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_canvas_file(course):
    rows = export(CanvasExportPlugin, course)
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "01_single_example",
                       "02_vectorized"]
    assert rows[1] == ["    Points Possible", "", "", "", "", "5", "6"]
    by_login = {row[3]: row for row in rows[2:]}
    assert set(by_login) == set(NAMES)
    assert by_login["ada"][0] == "Lovelace, Ada" and by_login["dan"][0] == "dan"
    for student in NAMES:
        for column, assignment in ((5, "01_single_example"), (6, "02_vectorized")):
            assert float(by_login[student][column]) == expected_total(student, assignment), (student, assignment)
    assert by_login["cleo"][5] == "2.5"


def test_canvas_id_column_and_section_and_one_assignment(course):
    rows = export(CanvasExportPlugin, course, id_column="SIS User ID", section="Tuesday",
                  assignment=["02_vectorized"])
    assert rows[0][-1] == "02_vectorized" and len(rows[0]) == 6
    cleo = next(row for row in rows if row[2] == "cleo")
    assert cleo[3] == "" and cleo[4] == "Tuesday" and float(cleo[5]) == 2


def test_moodle_file(course):
    rows = export(MoodleExportPlugin, course, student=["ada", "cleo"])
    assert rows[0] == ["First name", "Last name", "ID number", "Email address", "01_single_example",
                       "02_vectorized"]
    assert rows[1] == ["Ada", "Lovelace", "ada", "ada@example.org", "5", "6"]
    assert rows[2] == ["Cleo", "Ng", "cleo", "", "2.5", "2"]
    assert len(rows) == 3


def test_nbgrader_export_uses_the_plugins(course):
    folder, _ = course
    shutil.copy2(REPO / "nbgrader_config.py", folder / "nbgrader_config.py")
    shutil.copytree(REPO / "source", folder / "source", dirs_exist_ok=True)
    for name in ("Canvas", "Moodle"):
        done = subprocess.run([sys.executable, "-m", "nbgrader", "export",
                               f"--exporter=autograder.commands.lms_export.{name}ExportPlugin"], cwd=folder,
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        with open(folder / f"{name.lower()}.csv", newline="") as handle:
            rows = list(csv.reader(handle))
        assert any(row[:1] == ["Lovelace, Ada"] or row[2:3] == ["ada"] for row in rows), rows
