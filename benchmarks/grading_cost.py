"""What grading a notebook costs: `python -m autograder grade`, `nbgrader autograde`, and a trivial floor.

For every assignment, the complete submission (the release notebook answered with the source's solutions) is
graded, and timed as a whole command (interpreter start-up included), by:

- `grade`: `python -m autograder grade NB --assignment A --json`, the self-study command;
- `autograde`: `nbgrader autograde A --student bench` in a scratch course directory with this course's
  `nbgrader_config.py`;
- `demos run`: the same with `--IsolatedExecute.skip_demonstrations=False`: the cells the source marks as
  demonstrations (autograder/engine/demonstrations.py) run too, as before they were skipped;

and, for comparison, `nbgrader autograde` with the same configuration of two other notebooks with the same
cells (count, order, types, nbgrader metadata and points; only the grade_ids get a prefix, so that no hidden
check is attached to them), each the source of an assignment of the same name in a scratch course of its own,
so that nbgrader's checksums and the overwriting of locked cells work as for the real one:

- `floor`: every code cell is `pass` (solution cells `pass` between the solution markers), and no cell is marked
  as a demonstration: what starting nbgrader and a kernel and stepping through every cell costs, whatever a
  notebook does;
- `no checks`: the solutions and every other cell as in the source, but the test cells `pass`: what the
  notebook's own code (imports, demonstrations, plots) costs without the visible and hidden checks;

and `plain floor`: the floor graded with nbgrader's defaults (no `nbgrader_config.py` of ours), which tells
what this course's configuration (repair of broken submissions, time and memory budget, stderr handling) adds.

Every command runs --repeat times (default 3), the variants in rotating order; the best (shortest) run is
reported, with the ratios to the floor: other work on the machine can only make a run slower, and the ratios of
two medians on a shared machine moved by 0.2. The issue's goal: the checks add at most 50% over the floor, autograde / floor at
most 1.5.

    python benchmarks/grading_cost.py [--repeat 3] [--assignments 01_single_example ...] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))   # the repository's packages, also where it is not pip-installed
import _timing

from autograder.commands.example_class import completed
from autograder.commands.release import generate_all, new_course_dir
from autograder.notebooks import (
    SOLUTION_MARKERS,
    is_solution_cell,
    is_test_cell,
    read_notebook,
    source_notebooks,
)

STUDENT = "bench"
GOAL = 1.5
TRIVIAL_SOLUTION = f"{SOLUTION_MARKERS[0]}\npass\n{SOLUTION_MARKERS[1]}"
PLAIN_CONFIG = 'c = get_config()  # noqa: F821\nc.CourseDirectory.course_id = "plain-nbgrader"\n'


def trivial_notebook(source_nb, keep_code=False):
    """A copy of a source notebook with the same cells in which nothing is checked (or nothing is computed).

    Every cell keeps its type, metadata (points, locks, solution and grade flags) and place. With
    keep_code=False every code cell becomes `pass` (solution cells `pass` between the solution markers, so
    nbgrader releases them as usual); with keep_code=True only the test cells do, and the rest of the notebook
    is left as it is. Every test cell's grade_id gets the prefix `floor_`: the grading engine runs the hidden
    check `check_<name>` after a test cell `test_<name>` whatever the cell holds, and must find none here. The
    solution cells keep theirs, by which `bring` finds the earlier assignments' functions.
    """
    nb = copy.deepcopy(source_nb)
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader")
        if meta and meta.get("grade_id") and is_test_cell(cell):
            meta["grade_id"] = f"floor_{meta['grade_id']}"
        if cell.cell_type != "code":
            continue
        if is_test_cell(cell):
            cell.source = "pass"
        elif not keep_code:
            cell.source = TRIVIAL_SOLUTION if is_solution_cell(cell) else "pass"
            cell.metadata.pop("backprop_course", None)  # the floor steps through every cell
    return nb


def build_course(target, sources, config=None):
    """A scratch course directory at target whose assignments are the given {name: source notebook}, beside the
    repository's other assignments (the earlier ones are what `bring` takes while grading).

    With config (text of an nbgrader_config.py) the course uses it instead of the repository's. Runs
    `nbgrader generate_assignment` for each, then writes the complete submission of student STUDENT to
    submitted/STUDENT/<name>/<name>.ipynb. Returns target.
    """
    course = new_course_dir(REPO, target)
    if config is not None:
        (course / "nbgrader_config.py").write_text(config)
    for name, nb in sources.items():  # the other assignments stay as in the repository: `bring` takes from there
        shutil.rmtree(course / "source" / name, ignore_errors=True)
        (course / "source" / name).mkdir(parents=True)
        nbformat.write(nb, course / "source" / name / f"{name}.ipynb")
    generate_all(course)
    for name, nb in sources.items():
        folder = course / "submitted" / STUDENT / name
        folder.mkdir(parents=True)
        nbformat.write(completed(read_notebook(course / "release" / name / f"{name}.ipynb"), nb),
                       folder / f"{name}.ipynb")
    return course


def run_timed(command, cwd):
    """Run a command; returns (seconds, completed process)."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done


def autograde(course, name, *options):
    """`nbgrader autograde name --student STUDENT [options]` in course. Returns (seconds, score or an error)."""
    seconds, done = run_timed([sys.executable, "-m", "nbgrader", "autograde", name, "--student", STUDENT,
                               "--force", "--log-level=WARN", *options], course)
    if done.returncode != 0:
        output = (done.stderr or done.stdout)[-300:]
        return seconds, f"nbgrader autograde failed ({done.returncode}): {output}"
    return seconds, gradebook_score(course, name)


def gradebook_score(course, name):
    """'score / max_score' of STUDENT's submission of `name` in the gradebook, and the cells that raised."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(name, STUDENT)
        score, maximum = submission.score, submission.max_score
    graded = read_notebook(course / "autograded" / STUDENT / name / f"{name}.ipynb")
    errors = sum(any(o.get("output_type") == "error" for o in cell.get("outputs", []))
                 for cell in graded.cells if cell.cell_type == "code")
    return f"{score:g} / {maximum:g}" + (f" ({errors} cells raised)" if errors else "")


def grade(course, notebook, name):
    """`python -m autograder grade notebook --assignment name --json`: (seconds, score or an error)."""
    seconds, done = run_timed([sys.executable, "-m", "autograder", "--course-dir", str(course), "grade",
                               str(notebook), "--assignment", name, "--json"], course)
    if done.returncode != 0:
        return seconds, f"grade failed ({done.returncode}): {(done.stderr or done.stdout)[-300:]}"
    try:
        result = json.loads(done.stdout)
        return seconds, f"{result['score']:g} / {result['max_score']:g}"
    except (ValueError, KeyError) as error:
        return seconds, f"grade printed no JSON grade ({error}): {done.stdout[-300:]}"


def build_all(workdir, names):
    """The four scratch courses and the notebooks `grade` reads: ({variant: course}, {name: path})."""
    sources = {name: read_notebook(REPO / "source" / name / f"{name}.ipynb") for name in names}
    trivial = {name: trivial_notebook(nb) for name, nb in sources.items()}
    no_checks = {name: trivial_notebook(nb, keep_code=True) for name, nb in sources.items()}
    courses = {
        "course": build_course(workdir / "course", sources),
        "floor": build_course(workdir / "floor", trivial),
        "no checks": build_course(workdir / "no_checks", no_checks),
        "plain floor": build_course(workdir / "plain_floor", trivial, config=PLAIN_CONFIG),
    }
    notebooks = {}
    for name in names:
        notebooks[name] = workdir / "grade" / f"{name}.ipynb"
        notebooks[name].parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(courses["course"] / "submitted" / STUDENT / name / f"{name}.ipynb", notebooks[name])
    return courses, notebooks


def measure(courses, notebooks, names, repeat):
    """Every variant of every assignment, `repeat` times in rotating order.

    Returns {name: {variant: (best seconds, score or error of the last run)}}.
    """
    variants = {
        "grade": lambda name: grade(courses["course"], notebooks[name], name),
        "autograde": lambda name: autograde(courses["course"], name),
        "demos run": lambda name: autograde(courses["course"], name, "--IsolatedExecute.skip_demonstrations=False"),
        "no checks": lambda name: autograde(courses["no checks"], name),
        "floor": lambda name: autograde(courses["floor"], name),
        "plain floor": lambda name: autograde(courses["plain floor"], name),
    }
    order = list(variants)
    seconds = {name: {variant: [] for variant in variants} for name in names}
    outcome = {name: {} for name in names}
    for round_ in range(repeat):
        for name in names:
            for offset in range(len(order)):
                variant = order[(round_ + offset) % len(order)]
                took, result = variants[variant](name)
                seconds[name][variant].append(took)
                outcome[name][variant] = result
                print(f"  round {round_ + 1}/{repeat} {name} {variant}: {took:.1f} s, {result}", flush=True)
    return {name: {v: (min(seconds[name][v]), outcome[name][v]) for v in variants}
            for name in names}


def report(results):
    """The table of seconds and ratios to the floor, and the verdict on the goal, as text."""
    rows = []
    for name, r in results.items():
        floor = r["floor"][0]
        rows.append([name, f"{r['grade'][0]:.1f}", f"{r['autograde'][0]:.1f}", f"{r['no checks'][0]:.1f}",
                     f"{floor:.1f}", f"{r['plain floor'][0]:.1f}", f"{r['grade'][0] / floor:.2f}",
                     f"{r['autograde'][0] / floor:.2f}", f"{r['no checks'][0] / floor:.2f}",
                     f"{(r['autograde'][0] - r['no checks'][0]) / floor:.2f}", f"{r['demos run'][0]:.1f}",
                     f"{r['demos run'][0] / floor:.2f}", r["autograde"][1]])
    lines = [_timing.table(["assignment", "grade s", "autograde s", "no checks s", "floor s", "plain floor s",
                            "grade / floor", "autograde / floor", "no checks / floor", "checks / floor",
                            "demos run s", "demos run / floor", "autograde score"], rows)]
    worst = max(r["autograde"][0] / r["floor"][0] for r in results.values())
    lines.append(f"goal: autograde <= {GOAL} x floor for every assignment: worst {worst:.2f}: "
                 f"{'met' if worst <= GOAL else 'NOT met'}")
    failures = [f"{name} {variant}: {out}" for name, r in results.items() for variant, (_, out) in r.items()
                if "failed" in out or "no JSON" in out]
    if failures:
        lines.append("FAILED RUNS:\n  " + "\n  ".join(failures))
    return "\n".join(lines)


def main(argv=None):
    names_all = list(source_notebooks(REPO))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--assignments", nargs="+", default=names_all, choices=names_all)
    parser.add_argument("--workdir", help="keep the scratch courses here (default: a temporary folder)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="grading-cost-") as scratch:
        workdir = Path(args.workdir or scratch).resolve()
        print(f"building the scratch courses in {workdir} ...", flush=True)
        courses, notebooks = build_all(workdir, args.assignments)
        with _timing.OtherLoad() as load:
            results = measure(courses, notebooks, args.assignments, args.repeat)
    print(f"\nseconds per notebook (best of {args.repeat}), whole commands, {os.cpu_count()} cores; "
          f"floor = nbgrader autograde of the same cells as `pass`")
    print(report(results))
    print(_timing.load_note(load))
    return 1 if "FAILED" in report(results) else 0


if __name__ == "__main__":
    sys.exit(main())
