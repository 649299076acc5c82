"""Command line of the instructor's side: `python -m autograder {grade,grade-all,release,example-class,student-bundle}`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .notebooks import NotACourseNotebook, course_dir_and_origin, find_course_dir


def _grade(args):
    from .commands.grading import format_table, grade_notebook

    course_dir, origin = course_dir_and_origin(args.course_dir)
    print(f"course directory: {course_dir} ({origin})", file=sys.stderr)
    grade = grade_notebook(args.notebook, course_dir, args.assignment, args.timeout)
    print(json.dumps(grade.as_dict(), indent=2, ensure_ascii=False) if args.json else format_table(grade))
    return 0


def _release(args):
    from . import exercises, visible
    from .commands.release import build_release
    from .visible import graph_numbers

    repo = find_course_dir(args.course_dir)
    differences = (visible.update(repo, check=args.check) + graph_numbers.update(repo, check=args.check)
                   + build_release(repo, check=args.check)
                   + exercises.update_curriculum(repo / "README.md", check=args.check))
    for line in differences:
        print(("  " if args.check else "  updated: ") + line)
    if args.check:
        print("release/ and the visible checks' stored values are in step with source/ and the reference"
              if not differences else
              f"release/ or the stored values are out of date ({len(differences)} files): "
              "run `python -m autograder release`")
        return 1 if differences else 0
    print("release/ and course/checks/stored/ regenerated" + (" (no change)" if not differences else ""))
    return 0


def _example_class(args):
    from .commands.example_class import format_grades, format_mistakes, points_lost, run

    repo = find_course_dir(args.course_dir)
    workdir = Path(args.workdir or repo / "build" / "example_class")
    grades, surprises = run(repo, workdir, progress=lambda line: print(line, flush=True))
    print()
    print(format_grades(grades))
    print()
    print(format_mistakes(points_lost(workdir, "cleo")))
    print(f"\ncourse directory of the example class: {workdir}")
    print(f"  feedback: {workdir / 'feedback'}   grades: {workdir / 'grades.csv'}")
    if surprises:
        print("UNEXPECTED GRADES:\n  " + "\n  ".join(surprises))
        return 1
    print("every grade is the one expected: ada full marks, ben 0, cleo loses exactly her mistakes")
    return 0


def _grade_all(args):
    import time

    from .commands.grade_all import GradeAllError, format_summary, grade_all

    # never the checkout autograder was installed from: grading into another course's gradebook is worse than none
    course_dir, origin = course_dir_and_origin(args.course_dir, installed=False)
    print(f"course directory: {course_dir} ({origin})", flush=True)
    start = time.monotonic()
    try:
        outcomes = grade_all(course_dir, args.assignment, args.jobs, args.student, args.force,
                             scheduler=args.scheduler, db_url=args.db_url)
    except GradeAllError as error:
        raise NotACourseNotebook(str(error)) from error
    print(format_summary(args.assignment, outcomes, time.monotonic() - start))
    return 1 if any(o.status == "failed" for o in outcomes) else 0


def _student_bundle(args):
    from .commands.student_bundle import build_bundle

    out = build_bundle(find_course_dir(args.course_dir), args.out)
    print(f"student bundle written to {out}: release/, course/, requirements.txt (no autograder, no source)")
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    parser.add_argument("--course-dir", help="the course directory (default: found from here)")
    commands = parser.add_subparsers(dest="command", required=True)

    grade = commands.add_parser("grade", help="grade one filled-in notebook, no gradebook needed")
    grade.add_argument("notebook")
    grade.add_argument("--json", action="store_true", help="print the grade as JSON")
    grade.add_argument("--assignment", help="the assignment (default: recognised from the notebook's cells)")
    grade.add_argument("--timeout", type=int, default=None,
                       help="seconds a cell may run (default: the course's c.Execute.timeout)")
    grade.set_defaults(run=_grade)

    release = commands.add_parser("release", help="regenerate release/ from source/ with nbgrader")
    release.add_argument("--check", action="store_true", help="only report whether release/ is in step")
    release.set_defaults(run=_release)

    example = commands.add_parser("example-class", help="build and grade the bundled example class")
    example.add_argument("--workdir", help="scratch course directory (default build/example_class)")
    example.set_defaults(run=_example_class)

    everyone = commands.add_parser("grade-all", help="autograde every submission of an assignment in parallel")
    everyone.add_argument("assignment")
    everyone.add_argument("--jobs", type=int, help="worker processes of the local cluster (default: the number of cores)")
    everyone.add_argument("--student", nargs="+", help="only these students")
    everyone.add_argument("--force", action="store_true", help="regrade unchanged submissions too")
    everyone.add_argument("--scheduler", help="a Dask scheduler, tcp://HOST:PORT (default: a local cluster)")
    everyone.add_argument("--db-url", help="the gradebook (default: c.CourseDirectory.db_url of the course, "
                          "else its gradebook.db), e.g. postgresql://USER:PASSWORD@HOST/DB")
    everyone.set_defaults(run=_grade_all)

    bundle = commands.add_parser("student-bundle", help="write what students get (release + course) to a folder")
    bundle.add_argument("out")
    bundle.set_defaults(run=_student_bundle)

    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except NotACourseNotebook as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
