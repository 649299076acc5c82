"""The bundled example class, graded end to end with nbgrader: `python -m autograder example-class`.

Three students hand in every assignment: `ada` a complete solution, `ben` the untouched release, `cleo` a
solution with typical mistakes (below). The class is built in a scratch course directory (build/example_class by
default): release generated from source/ (and release/ of the repository brought in step), submissions written,
then `nbgrader autograde`, `nbgrader generate_feedback` and `nbgrader export`, exactly as an instructor would.
"""

from __future__ import annotations

import copy
import csv
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from ..notebooks import grade_id, is_solution_cell, read_notebook, without_markers
from .release import NbgraderFailed, build_release, nbgrader

# cleo's answers: {assignment: {solution cell grade_id: the whole cell as she wrote it}}; what each mistake is:
# CLEO_MISTAKE_NOTES below.
CLEO_MISTAKES = {
    "01_single_example": {
        "sigmoid_derivative": "def sigmoid_derivative(z):\n    s = 1 / (1 + np.exp(-z))\n    return s * (1 + s)\n",
        "relu_derivative": "def relu_derivative(z):\n    return (z >= 0).astype(float)\n",
        "dense_backward_single": (
            "def dense_backward_single(dy, cache, activation):\n"
            "    z, x, W, b = cache\n"
            "    dz = dy\n"
            "    return W.T @ dz, dz @ x.T, dz\n"
        ),
    },
    "02_vectorized": {
        "layer_backward": (
            "def layer_backward(dA, cache, activation):\n"
            "    Z, A_prev, W, b = cache\n"
            "    dZ = dA * activation_derivative(Z, activation)\n"
            "    return W.T @ dZ, dZ @ A_prev.T, np.sum(dZ, axis=1, keepdims=True)\n"
        ),
        "layer_forward_rows": (
            "def layer_forward_rows(X, W, b, activation):\n"
            "    Z = X @ W\n"
            "    return activation_forward(Z, activation), (Z, X, W, b)\n"
        ),
    },
    "03_deep_network": {
        "softmax": "def softmax(Z):\n    E = np.exp(Z)\n    return E / np.sum(E, axis=0, keepdims=True)\n",
        "compute_cost": (
            "def compute_cost(AL, Y):\n"
            "    m = Y.shape[1]\n"
            "    return float(np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m)\n"
        ),
        "update_parameters": (
            "def update_parameters(parameters, grads, learning_rate):\n"
            "    for name in parameters:\n"
            "        parameters[name] -= learning_rate * grads['d' + name]\n"
            "    return parameters\n"
        ),
    },
    "04_gradient_checking": {
        "relative_error": "def relative_error(a, b):\n    return float(np.linalg.norm(a - b) / np.linalg.norm(a))\n",
    },
    "05_application": {
        "accuracy": "def accuracy(predictions, labels):\n    return float(np.sum(predictions == labels))\n",
    },
}

# What each of cleo's mistakes is, in words (the closing lines of `example-class` list them with their cost).
CLEO_MISTAKE_NOTES = {
    "sigmoid_derivative": "sign slip: σ(z)(1 + σ(z))",
    "relu_derivative": "relu'(0) taken as 1",
    "dense_backward_single": "g'(z) forgotten: dz = dy",
    "layer_backward": "the 1/m of the averaged cost forgotten in dW and db",
    "layer_forward_rows": "the bias forgotten in the row-major layer",
    "softmax": "no max shift: e^z overflows for large logits",
    "compute_cost": "the minus sign of the cross-entropy lost",
    "update_parameters": "updates the caller's arrays in place",
    "relative_error": "divides by ‖a‖ only: not symmetric, 0/0 when both are zero",
    "accuracy": "counts the right answers instead of their share",
}

# What cleo's mistakes must cost her, by assignment and exercise (ada gets full marks, ben 0), under the
# partial-credit rule of autograder/engine/verdict.py: the share of a check's output groups that are right earns points.
EXPECTED_LOST_BY_CLEO = {
    "01_single_example": {"sigmoid_derivative": 1, "relu_derivative": 1,
                          "dense_backward_single": 3},  # dx, dW, db wrong, and a bad name is accepted
    "02_vectorized": {"layer_backward": 2,  # dW, db wrong; dA_prev, bad name right
                      "layer_forward_rows": 1.5},  # A and cache wrong, bad name right: 1/3 of 2 → 0.5
    "03_deep_network": {"softmax": 1,  # right on ordinary logits, nan on huge ones
                        "compute_cost": 1, "update_parameters": 1},
    "04_gradient_checking": {"relative_error": 1},
    "05_application": {"accuracy": 1},
}


def completed(release_nb, source_nb):
    """The release notebook with every solution cell answered as in the source (markers removed)."""
    nb = copy.deepcopy(release_nb)
    answers = {grade_id(c): without_markers(c.source) for c in source_nb.cells if is_solution_cell(c)}
    for cell in nb.cells:
        if is_solution_cell(cell) and grade_id(cell) in answers:
            cell.source = answers[grade_id(cell)]
    return nb


def with_answers(nb, answers):
    """A copy of nb whose solution cells named in `answers` hold the given code instead."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if grade_id(cell) in answers:
            cell.source = answers[grade_id(cell)]
    return nb


def write_submissions(course_dir):
    """Write submitted/<student>/<assignment>/<assignment>.ipynb for the three students."""
    course_dir = Path(course_dir)
    for folder in sorted((course_dir / "release").iterdir()):
        name = folder.name
        release_nb = read_notebook(folder / f"{name}.ipynb")
        complete = completed(release_nb, read_notebook(course_dir / "source" / name / f"{name}.ipynb"))
        notebooks = {"ada": complete, "ben": release_nb,
                     "cleo": with_answers(complete, CLEO_MISTAKES.get(name, {}))}
        for student, nb in notebooks.items():
            target = course_dir / "submitted" / student / name
            target.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, target / f"{name}.ipynb")


def expected_scores(grades):
    """{(student, assignment): expected score} for the rows of grades.csv."""
    expected = {}
    for row in grades:
        maximum = float(row["max_score"])
        student, assignment = row["student_id"], row["assignment"]
        lost = sum(EXPECTED_LOST_BY_CLEO.get(assignment, {}).values())
        expected[student, assignment] = {"ada": maximum, "ben": 0.0, "cleo": maximum - lost}[student]
    return expected


def autograde(course_dir, assignment, progress, width=0):
    """`nbgrader autograde ASSIGNMENT` in course_dir, calling progress(line) as each student's submission is done,
    with the time it took (read from nbgrader's log as it runs); the assignment's name is padded to width."""
    command = [sys.executable, "-m", "nbgrader", "autograde", assignment, "--log-level=INFO"]
    started = re.compile(r"Sanitizing .*[/\\]submitted[/\\]([^/\\]+)[/\\]")
    output, current, since = [], None, time.monotonic()

    def done():
        if current is not None:
            progress(f"  {assignment:<{width}}  {current:<8} autograded in {time.monotonic() - since:.1f} s")

    with subprocess.Popen(command, cwd=course_dir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True) as process:
        for line in process.stdout:
            output.append(line)
            match = started.search(line)
            if match and match.group(1) != current:
                done()
                current, since = match.group(1), time.monotonic()
    if process.returncode != 0:
        raise NbgraderFailed(f"nbgrader autograde {assignment} failed ({process.returncode}):\n{''.join(output)}")
    done()


def run(repo, workdir, update_release=True, progress=None):
    """Build, grade and export the example class; returns (rows of grades.csv, list of surprises).

    With update_release, the repository's release/ is brought in step with source/ on the way. progress, if
    given, is called with a line of text at each step (each student's submission of each assignment graded).
    """
    repo, workdir = Path(repo), Path(workdir)
    progress = progress or (lambda line: None)
    if workdir.exists():
        shutil.rmtree(workdir)
    progress("generating the assignments from source/ (nbgrader generate_assignment)")
    differences = build_release(repo, course_dir=workdir, check=not update_release)
    if differences and update_release:
        progress(f"release/ brought in step with source/ ({len(differences)} files changed)")
    write_submissions(workdir)
    folders = sorted((workdir / "release").iterdir())
    width = max(len(folder.name) for folder in folders)
    for folder in folders:
        autograde(workdir, folder.name, progress, width)
        nbgrader(workdir, "generate_feedback", folder.name, "--log-level=WARN")
        progress(f"  {folder.name:<{width}}  feedback written")
    nbgrader(workdir, "export", "--log-level=WARN")
    with open(workdir / "grades.csv", newline="") as handle:
        grades = list(csv.DictReader(handle))
    expected = expected_scores(grades)
    surprises = [f"{s} {a}: {float(row['score']):g}, expected {expected[s, a]:g}"
                 for row in grades for s, a in [(row["student_id"], row["assignment"])]
                 if abs(float(row["score"]) - expected[s, a]) > 1e-9]
    return grades, surprises


def points_lost(course_dir, student):
    """{(assignment, exercise): (points lost, points possible)} of every exercise the student did not get in full,
    read from the gradebook."""
    from nbgrader.api import Gradebook

    lost = {}
    with Gradebook(f"sqlite:///{Path(course_dir) / 'gradebook.db'}") as gb:
        for assignment in gb.assignments:
            for notebook in gb.find_submission(assignment.name, student).notebooks:
                for grade in notebook.grades:
                    if grade.name.startswith("test_") and grade.score < grade.max_score:
                        lost[assignment.name, grade.name.removeprefix("test_")] = (
                            grade.max_score - grade.score, grade.max_score)
    return lost


def format_mistakes(lost):
    """cleo's planted mistakes, each with the points it cost her (from points_lost)."""
    planted = [(a, e) for a, answers in CLEO_MISTAKES.items() for e in answers]
    unplanned = sorted(set(lost) - set(planted))
    width_a = max(len(a) for a, _ in planted + unplanned)
    width_e = max(len(e) for _, e in planted + unplanned)
    lines = ["cleo's planted mistakes and what each cost her:"]
    for assignment, exercise in planted + unplanned:
        cost, maximum = lost.get((assignment, exercise), (0, None))
        points = f"−{cost:g} of {maximum:g}" if maximum is not None else "none: not caught!"
        note = CLEO_MISTAKE_NOTES[exercise] if (assignment, exercise) in planted else "(not a planted mistake)"
        lines.append(f"  {assignment:<{width_a}}  {exercise:<{width_e}}  {points:<10}  {note}")
    return "\n".join(lines)


def format_grades(grades):
    """The grade table: one row per student, one column per assignment, and the total."""
    assignments = sorted({row["assignment"] for row in grades})
    students = sorted({row["student_id"] for row in grades})
    rows = {(r["student_id"], r["assignment"]): r for r in grades}
    cell = {key: f"{float(r['score']):g} / {float(r['max_score']):g}" for key, r in rows.items()}
    for student in students:
        mine = [r for (s, _), r in rows.items() if s == student]
        cell[student, "total"] = (f"{sum(float(r['score']) for r in mine):g} / "
                                  f"{sum(float(r['max_score']) for r in mine):g}")
    columns = assignments + ["total"]
    width = max(len(a) for a in columns)
    lines = ["student  " + "  ".join(f"{a:>{width}}" for a in columns)]
    for student in students:
        lines.append(f"{student:<8} " + "  ".join(f"{cell.get((student, a), '-'):>{width}}" for a in columns))
    return "\n".join(lines)
