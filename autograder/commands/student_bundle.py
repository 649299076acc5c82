"""What students get, in one folder: `python -m autograder student-bundle OUT`.

OUT holds the release notebooks and the `course` package with a pyproject of its own, so students install it
with `pip install -r requirements.txt` inside OUT. Nothing of `autograder/` or `source/` goes in.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import course

PYPROJECT = f"""[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "backprop-course-student"
version = "{course.__version__}"
description = "backprop-course: visible checks, plots and data for students"
requires-python = ">=3.11"
dependencies = ["numpy>=1.26", "matplotlib>=3.8", "threadpoolctl>=3.1"]

[tool.setuptools.packages.find]
include = ["course*"]

[tool.setuptools.package-data]
course = ["data/*", "checks/stored/*.json"]
"""

REQUIREMENTS = (
    "numpy>=1.26,<3\nmatplotlib>=3.8,<4\nthreadpoolctl>=3.1,<4\njupyterlab>=4.2,<5\nipywidgets>=8.1,<9\n"
    "jupyter-server-mathjax>=0.2.6,<0.3\n"  # JupyterLab serves it: the maths of feedback pages opened from there
    "-e .\n")

README = """# backprop-course: your notebooks

    python3 -m venv .venv && . .venv/bin/activate && pip install -r requirements.txt
    jupyter lab

Open `release/<assignment>/<assignment>.ipynb`, fill in every `raise NotImplementedError()`, and run the test
cell under each function: it tells you what is right and what is not. `course/errata.md` ("Errata in the
sources") lists the mistakes of the texts the notebooks quote, each with its correction.
"""


def build_bundle(repo, out):
    """Write the student bundle of the course in `repo` to the folder `out` (replaced if it exists)."""
    repo, out = Path(repo), Path(out)
    if out.exists():
        shutil.rmtree(out)
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.pyc")
    shutil.copytree(repo / "release", out / "release", ignore=ignore)
    shutil.copytree(repo / "course", out / "course", ignore=ignore)
    (out / "pyproject.toml").write_text(PYPROJECT)
    (out / "requirements.txt").write_text(REQUIREMENTS)
    (out / "README.md").write_text(README)
    return out
