"""Building `release/` from `source/` with `nbgrader generate_assignment`, in a scratch course directory so the
repository never gets a gradebook of its own. `python -m autograder release [--check]`."""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ..notebooks import source_notebooks


class NbgraderFailed(RuntimeError):
    """An nbgrader command exited non-zero; the message holds its output."""


def nbgrader(course_dir, *args, check=True):
    """Run `nbgrader ARGS` in course_dir with this interpreter; returns the completed process."""
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course_dir, capture_output=True,
                          text=True, check=False)
    if check and done.returncode != 0:
        raise NbgraderFailed(f"nbgrader {' '.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done


def new_course_dir(repo, target):
    """Make `target` an nbgrader course directory with the repository's configuration and sources."""
    target = Path(target)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copy2(Path(repo) / "nbgrader_config.py", target / "nbgrader_config.py")
    shutil.copytree(Path(repo) / "source", target / "source",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return target


def generate_all(course_dir):
    """`nbgrader generate_assignment` for every assignment of course_dir; returns their names."""
    names = list(source_notebooks(course_dir))
    for name in names:
        nbgrader(course_dir, "generate_assignment", name, "--force", "--log-level=WARN")
    return names


def _differences(built, committed):
    differences = []
    comparison = filecmp.dircmp(built, committed, ignore=[".ipynb_checkpoints", "__pycache__"])
    stack = [(comparison, Path())]
    while stack:
        cmp, rel = stack.pop()
        differences += [f"missing in release/: {rel / n}" for n in cmp.left_only]
        differences += [f"not generated from source/: {rel / n}" for n in cmp.right_only]
        differences += [f"differs: {rel / n}" for n in cmp.diff_files]
        # dircmp compares shallowly (size, mtime): compare the bytes of the files it calls the same.
        differences += [f"differs: {rel / n}" for n in cmp.same_files
                        if Path(cmp.left, n).read_bytes() != Path(cmp.right, n).read_bytes()]
        stack += [(sub, rel / n) for n, sub in cmp.subdirs.items()]
    return sorted(differences)


def build_release(repo, course_dir=None, check=False):
    """Regenerate release/ from source/.

    Args:
        repo: the repository (course directory) holding source/ and release/.
        course_dir: where to run nbgrader (a scratch folder by default; it is emptied first).
        check: only compare, leave release/ as it is.
    Returns:
        the list of differences between the generated release and the committed one (before any update).
    """
    repo = Path(repo)
    with tempfile.TemporaryDirectory(prefix="backprop-release-") as scratch:
        course = new_course_dir(repo, course_dir or Path(scratch) / "course")
        generate_all(course)
        committed = repo / "release"
        committed.mkdir(exist_ok=True)
        differences = _differences(course / "release", committed)
        if differences and not check:
            shutil.rmtree(committed)
            shutil.copytree(course / "release", committed)
    return differences
