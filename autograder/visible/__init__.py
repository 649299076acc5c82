"""The visible checks' stored values: generated here, on the instructor's side, and written as data into
`course/checks/stored/<assignment>.json`, which course/checks/replay.py runs in the student's notebook.

Each assignment's module here (autograder/exercises.py names it: `02_vectorized` is `vectorized.py`) has
`scripts()`, {exercise: Script}, one for each of the assignment's exercises. `python -m autograder release` rewrites the files;
`python -m autograder release --check` fails when one is stale.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from pathlib import Path

from .. import exercises

STORED = Path("course") / "checks" / "stored"  # inside a course directory (the repository)


def render(assignment):
    """The text of the stored-checks file of one assignment (its folder name), exercises in the course's order."""
    module = importlib.import_module(f"{__name__}.{assignment.split('_', 1)[1]}")
    scripts = module.scripts()
    order = [e.name for e in exercises.of(assignment)]
    missing = sorted(set(order) - set(scripts)) + sorted(set(scripts) - set(order))
    if missing:
        raise KeyError(f"{module.__name__}.scripts() and autograder/exercises.py disagree on {missing}")
    lines = [f"{json.dumps(name)}: {json.dumps(scripts[name].data(), ensure_ascii=False)}" for name in order]
    return ('{"assignment": ' + json.dumps(assignment) + ',\n"checks": {\n' + ",\n".join(lines) + "\n}}\n")


def assignments():
    """The assignments whose stored checks are generated here (every one, once all are converted)."""
    modules = {info.name for info in pkgutil.iter_modules(__path__)}
    return [a.folder for a in exercises.ASSIGNMENTS if a.module in modules]


def update(repo, check=False):
    """Regenerate the stored checks of every assignment into repo/course/checks/stored/.

    Args:
        repo: the course directory (the repository).
        check: only compare, write nothing.
    Returns:
        the differences, one line a file ("differs: ...", "missing: ...", "not generated: ...").
    """
    folder = Path(repo) / STORED
    wanted = {f"{a}.json": render(a) for a in assignments()}
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
