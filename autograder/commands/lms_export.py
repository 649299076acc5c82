"""nbgrader exporter plugins writing grade files that learning-management systems import: one row a student,
one column an assignment (the score after nbgrader's late penalty; 0 without a submission, as nbgrader's own
`grades.csv`).

    nbgrader export --exporter=autograder.commands.lms_export.CanvasExportPlugin --to=canvas.csv
    nbgrader export --exporter=autograder.commands.lms_export.MoodleExportPlugin --to=moodle.csv

Canvas (Grades > Import): the columns Student, ID, SIS User ID, SIS Login ID, Section, then one per assignment,
and a "Points Possible" row; the nbgrader student id goes in `id_column` (default SIS Login ID), which Canvas
matches students by. Moodle (Grade administration > Import > CSV file): First name, Last name, ID number,
Email address, then one per assignment; map "ID number" (or "Email address") to the user field of that name, and
each assignment column to its grade item.
"""

from __future__ import annotations

import csv

from nbgrader.api import MissingEntry
from nbgrader.plugins import ExportPlugin
from traitlets import Enum, Unicode

CANVAS_IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_IDENTITY = ["First name", "Last name", "ID number", "Email address"]


def grade_table(gradebook, assignments=(), students=()):
    """(assignments [(name, max_score)], rows [(student, {assignment name: score})]) of the gradebook, in
    the order of the assignments' due dates and names and of the students' ids; only the given ones if any."""
    chosen = sorted((a for a in gradebook.assignments if not assignments or a.name in assignments),
                    key=lambda a: (a.duedate is None, a.duedate or 0, a.name))
    people = sorted((s for s in gradebook.students if not students or s.id in students), key=lambda s: s.id)
    rows = []
    for student in people:
        scores = {}
        for assignment in chosen:
            try:
                scores[assignment.name] = gradebook.find_submission(assignment.name, student.id).score
            except MissingEntry:
                scores[assignment.name] = 0.0
        rows.append((student, scores))
    return [(a.name, a.max_score) for a in chosen], rows


def _number(value):
    return f"{value:g}"


class _GradeFilePlugin(ExportPlugin):
    default_file = "grades.csv"

    def destination(self):
        return self.to or self.default_file

    def header_and_rows(self, assignments, rows):
        raise NotImplementedError

    def export(self, gradebook):
        """Write the grade file (`--to`, default canvas.csv or moodle.csv) from the gradebook."""
        assignments, rows = grade_table(gradebook, [str(a) for a in self.assignment], [str(s) for s in self.student])
        dest = self.destination()
        self.log.info("Writing %s grades of %d students to %s", type(self).__name__, len(rows), dest)
        with open(dest, "w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows(self.header_and_rows(assignments, rows))


class CanvasExportPlugin(_GradeFilePlugin):
    """A Canvas gradebook import file: identity columns, one column per assignment, a Points Possible row."""

    default_file = "canvas.csv"
    id_column = Enum(["SIS Login ID", "SIS User ID", "ID"], default_value="SIS Login ID",
                     help="the Canvas column that gets the nbgrader student id").tag(config=True)
    section = Unicode("", help="the Section column of every student").tag(config=True)

    def header_and_rows(self, assignments, rows):
        names = [name for name, _ in assignments]
        table = [CANVAS_IDENTITY + names,
                 ["    Points Possible", "", "", "", ""] + [_number(top) for _, top in assignments]]
        for student, scores in rows:
            full_name = ", ".join(p for p in (student.last_name, student.first_name) if p) or student.id
            identity = dict.fromkeys(CANVAS_IDENTITY, "") | {"Student": full_name, "Section": self.section}
            identity[self.id_column] = student.id
            table.append([identity[c] for c in CANVAS_IDENTITY] + [_number(scores[n]) for n in names])
        return table


class MoodleExportPlugin(_GradeFilePlugin):
    """A Moodle grade import file: First name, Last name, ID number, Email address, one column per assignment."""

    default_file = "moodle.csv"

    def header_and_rows(self, assignments, rows):
        names = [name for name, _ in assignments]
        table = [MOODLE_IDENTITY + names]
        for student, scores in rows:
            table.append([student.first_name or "", student.last_name or "", student.id, student.email or ""]
                         + [_number(scores[n]) for n in names])
        return table
