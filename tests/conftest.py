import shutil
from pathlib import Path

import pytest

from autograder.notebooks import read_notebook, source_notebooks

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENTS = list(source_notebooks(REPO))


@pytest.fixture(scope="session")
def repo():
    return REPO


def source_nb(name):
    return read_notebook(REPO / "source" / name / f"{name}.ipynb")


def release_nb(name):
    return read_notebook(REPO / "release" / name / f"{name}.ipynb")


@pytest.fixture
def course_copy(tmp_path):
    """A scratch course directory with the repository's configuration, source/ and release/."""
    for item in ("nbgrader_config.py", "source", "release"):
        src = REPO / item
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, tmp_path / item)
    return tmp_path


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Mark a test whose call failed (item.failed_call), so a fixture can leave evidence behind, e.g. a screenshot."""
    outcome = yield
    if call.when == "call" and outcome.get_result().failed:
        item.failed_call = True
