"""Wall time to autograde a class: `python -m autograder grade-all --jobs N` (a local Dask cluster of N worker
processes) against `nbgrader autograde`.

Builds a scratch course directory from this repository, hands in K complete submissions of one assignment, and
times, in this one run on this machine: `nbgrader autograde ASSIGNMENT` (sequential, nbgrader's own) and
`grade-all --jobs N` for N = 1 .. the number of cores (or those given). Prints seconds and the ratio to
nbgrader's time, and how many cores other processes kept busy meanwhile. The class of the README's figures:

    python benchmarks/grade_class.py --students 32 --jobs 2 [--assignment 01_single_example]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import _timing
import nbformat

from autograder.commands.example_class import completed
from autograder.commands.grade_all import grade_all
from autograder.commands.release import nbgrader, new_course_dir
from autograder.notebooks import read_notebook

REPO = Path(__file__).resolve().parents[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=32)
    parser.add_argument("--assignment", default="01_single_example")
    parser.add_argument("--jobs", type=int, nargs="+", help="worker processes of the local Dask cluster to time "
                        "(default: 1 .. the number of cores)")
    args = parser.parse_args()
    a = args.assignment
    with tempfile.TemporaryDirectory() as scratch:
        course = new_course_dir(REPO, Path(scratch) / "course")
        nbgrader(course, "generate_assignment", a, "--force", "--log-level=WARN")
        answer = completed(read_notebook(course / "release" / a / f"{a}.ipynb"),
                           read_notebook(course / "source" / a / f"{a}.ipynb"))
        for k in range(args.students):
            folder = course / "submitted" / f"student{k:03d}" / a
            folder.mkdir(parents=True)
            nbformat.write(answer, folder / f"{a}.ipynb")
        timings = {}
        with _timing.OtherLoad() as load:
            start = time.perf_counter()
            nbgrader(course, "autograde", a, "--force", "--log-level=WARN")
            timings["nbgrader autograde"] = time.perf_counter() - start
            for jobs in args.jobs or range(1, (os.cpu_count() or 1) + 1):
                start = time.perf_counter()
                outcomes = grade_all(course, a, jobs=jobs, force=True, progress=False)
                timings[f"grade-all --jobs {jobs}"] = time.perf_counter() - start
                assert all(o.status == "graded" and o.score == o.max_score for o in outcomes)
    base = timings["nbgrader autograde"]
    print(f"{args.students} submissions of {a}, {os.cpu_count()} cores")
    print(f"{'command':<22} {'seconds':>8} {'× nbgrader':>11}")
    for name, seconds in timings.items():
        print(f"{name:<22} {seconds:>8.1f} {seconds / base:>11.2f}")
    print(_timing.load_note(load))


if __name__ == "__main__":
    main()
