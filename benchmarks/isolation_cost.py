"""What grading outside the kernel, in a sandbox, costs per notebook: this course's `nbgrader autograde` against
plain `nbgrader autograde` of the same notebook.

For every assignment, one complete submission (the release answered with the source's solutions) is autograded
in a scratch course directory, alternately with:

- `ours`: this course's `nbgrader_config.py` (IsolatedExecute: bubblewrap sandbox, every exercise checked from
  outside the kernel over the wire, repair of broken submissions, time and memory budgets);
- `ours, no sandbox`: the same with `c.IsolatedExecute.sandbox = "none"` (what the sandbox alone costs);
- `plain`: nbgrader's defaults (its own Execute, everything in the student's kernel). The hidden region of a test
  cell is only `hidden_check("<name>")`, which prints a line, so this is the cost of running the notebook and its
  visible checks, with no grading at all: the floor the isolation is measured against.

Prints the median seconds of --repeat runs and the ratios to `plain`.

    python benchmarks/isolation_cost.py [--repeat 3] [--assignments 01_single_example ...]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import nbformat

from autograder.commands.example_class import completed
from autograder.commands.release import generate_all, nbgrader, new_course_dir
from autograder.notebooks import read_notebook, source_notebooks

REPO = Path(__file__).resolve().parents[1]
PLAIN = 'c = get_config()  # noqa: F821\nc.CourseDirectory.course_id = "backprop-course"\n'
VARIANTS = ("ours", "ours, no sandbox", "plain")


def configure(course, variant, ours):
    """Write the course's nbgrader_config.py for one variant."""
    if variant == "plain":
        text = PLAIN
    elif variant == "ours, no sandbox":
        text = ours + '\nc.IsolatedExecute.sandbox = "none"\n'
    else:
        text = ours
    (course / "nbgrader_config.py").write_text(text)


def time_autograde(course, assignment):
    start = time.perf_counter()
    nbgrader(course, "autograde", assignment, "--student=bench", "--force", "--log-level=ERROR")
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--assignments", nargs="*")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        course = new_course_dir(REPO, Path(scratch) / "course")
        generate_all(course)
        ours = (course / "nbgrader_config.py").read_text()
        assignments = args.assignments or list(source_notebooks(course))
        seconds = {(a, v): [] for a in assignments for v in VARIANTS}
        for a in assignments:
            answer = completed(read_notebook(course / "release" / a / f"{a}.ipynb"),
                               read_notebook(course / "source" / a / f"{a}.ipynb"))
            folder = course / "submitted" / "bench" / a
            folder.mkdir(parents=True)
            nbformat.write(answer, folder / f"{a}.ipynb")
            for run in range(args.repeat):
                for variant in VARIANTS[run % 3:] + VARIANTS[:run % 3]:  # rotate the order between runs
                    configure(course, variant, ours)
                    seconds[a, variant].append(time_autograde(course, a))
        configure(course, "ours", ours)
    print(f"seconds per notebook (median of {args.repeat}) and × plain nbgrader autograde")
    print(f"{'assignment':<22}" + "".join(f"{v:>22}" for v in VARIANTS))
    for a in assignments:
        plain = statistics.median(seconds[a, "plain"])
        cells = [f"{statistics.median(seconds[a, v]):8.1f} s {statistics.median(seconds[a, v]) / plain:5.2f}×"
                 for v in VARIANTS]
        print(f"{a:<22}" + "".join(f"{c:>22}" for c in cells))


if __name__ == "__main__":
    main()
