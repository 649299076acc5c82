"""The visible checks' stored values: generated here, on the instructor's side, and written as data into
`course/checks/stored/<assignment>.json`, which course/checks/replay.py runs in the student's notebook.

Each assignment's module here (its name is the assignment's without the number: `02_vectorized` is
`vectorized.py`) has `scripts()`, {exercise: Script}. `python -m autograder release` rewrites the files;
`python -m autograder release --check` fails when one is stale.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from pathlib import Path

STORED = Path("course") / "checks" / "stored"  # inside a course directory (the repository)


def module_name(assignment):
    """`02_vectorized` -> `vectorized`."""
    return assignment.split("_", 1)[1]


def render(assignment):
    """The text of the stored-checks file of one assignment."""
    module = importlib.import_module(f"{__name__}.{module_name(assignment)}")
    scripts = module.scripts()
    lines = [f"{json.dumps(exercise)}: {json.dumps(script.data(), ensure_ascii=False)}"
             for exercise, script in scripts.items()]
    return ('{"assignment": ' + json.dumps(assignment) + ',\n"checks": {\n' + ",\n".join(lines) + "\n}}\n")


def generated_modules():
    """The modules of this package that generate an assignment's stored checks."""
    return {info.name for info in pkgutil.iter_modules(__path__) if info.name != "script"}


def assignments(repo):
    """The assignments of the course directory `repo` (source/NN_name/) whose stored checks are generated here."""
    modules = generated_modules()
    return sorted(p.name for p in (Path(repo) / "source").iterdir() if p.is_dir() and module_name(p.name) in modules)


def update(repo, check=False):
    """Regenerate the stored checks of every assignment into repo/course/checks/stored/.

    Args:
        repo: the course directory (the repository).
        check: only compare, write nothing.
    Returns:
        the differences, one line a file ("differs: ...", "missing: ...", "not generated: ...").
    """
    folder = Path(repo) / STORED
    wanted = {f"{a}.json": render(a) for a in assignments(repo)}
    present = {p.name for p in folder.glob("*.json")} if folder.exists() else set()
    differences = [f"not generated: {STORED / n}" for n in sorted(present - set(wanted))]
    for name, text in wanted.items():
        target = folder / name
        if not target.exists():
            differences.append(f"missing: {STORED / name}")
        elif target.read_text(encoding="utf-8") != text:
            differences.append(f"differs: {STORED / name}")
    if not check:
        folder.mkdir(parents=True, exist_ok=True)
        for name in present - set(wanted):
            (folder / name).unlink()
        for name, text in wanted.items():
            (folder / name).write_text(text, encoding="utf-8")
    return differences
