"""grade-all beyond one machine, with the real parts on loopback: a `dask scheduler`, two `dask worker`s and a
PostgreSQL gradebook. A small class of 01 with broken submissions is graded exactly once whatever fails in the
middle: a worker killed in a chunk, a worker that never comes back, the scheduler restarted, the database away for
a few seconds; and a re-run grades only what is missing."""

import json
import subprocess
import sys
import threading
import time
from collections import Counter

import nbformat
import pytest

from autograder.commands.grade_all import STATE_FILE, grade_all
from autograder.commands.release import nbgrader
from autograder.notebooks import is_test_cell, read_notebook

from . import broken_corpus
from .cluster_parts import DaskCluster, Postgres, alive, autograde_processes

pytestmark = [pytest.mark.slow, pytest.mark.cluster]

A = broken_corpus.A
CLASS = ["a_honest", "c_empty", "z_honest"]  # two honest submissions and an empty file
FAST_LIMITS = "\nc.Execute.timeout = 20\nc.BudgetedExecute.memory_limit_mb = 2048\n"


def shorten(path, tests=5):
    """Cut the notebook after its first `tests` test cells (01's five activations): the machinery under test is the
    same for a short notebook, and each of the many gradings of these tests takes a fraction of the time."""
    nb = read_notebook(path)
    ends = [i for i, cell in enumerate(nb.cells) if is_test_cell(cell)]
    nb.cells = nb.cells[:ends[tests - 1] + 1]
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    from .conftest import REPO

    course = tmp_path_factory.mktemp("cluster_class")
    (course / "nbgrader_config.py").write_text((REPO / "nbgrader_config.py").read_text() + FAST_LIMITS)
    for folder in ("source", "release"):
        subprocess.run(["cp", "-r", str(REPO / folder), str(course / folder)], check=True)
    shorten(course / "source" / A / f"{A}.ipynb")
    nbgrader(course, "generate_assignment", A, "--force", "--log-level=WARN")
    (course / "gradebook.db").unlink()  # the class is graded into PostgreSQL
    expectations = broken_corpus.build(course)
    for student in set(expectations) - set(CLASS):  # a short class: only a few submissions
        subprocess.run(["rm", "-r", str(course / "submitted" / student)], check=True)
    return course, {s: expectations[s] for s in CLASS}


@pytest.fixture(scope="module")
def postgres():
    server = Postgres()
    yield server
    server.close()


@pytest.fixture(scope="module")
def cluster():
    parts = DaskCluster(workers=2)
    parts.wait_for_workers(2)
    yield parts
    parts.close()


def check_gradebook(course_dir, db_url, expectations):
    """Each student exactly once in the gradebook, every graded cell scored once, and the grades expected."""
    from nbgrader.api import Assignment, Gradebook, SubmittedAssignment

    test_cells = sum(map(is_test_cell, read_notebook(course_dir / "source" / A / f"{A}.ipynb").cells))
    with Gradebook(db_url) as gb:
        rows = gb.db.query(SubmittedAssignment).join(Assignment).filter(Assignment.name == A).all()
        assert Counter(r.student.id for r in rows) == Counter(list(expectations)), "one submission per student"
        for student, expected in expectations.items():
            submission = gb.find_submission(A, student)
            grades = [grade for notebook in submission.notebooks for grade in notebook.grades]
            assert len(grades) == test_cells, (student, "a cell graded twice or not at all")
            assert all(g.auto_score is not None for g in grades), (student, "a half-written submission")
            if expected == "full":
                assert submission.score == submission.max_score > 0, student
            elif expected == "zero":
                assert submission.score == 0, student
            else:
                scores = {g.name: g.score for g in grades}
                assert all((scores[t] == 0) == (t in expected[1]) for t in scores), (student, scores)


def in_background(**kwargs):
    """grade_all(**kwargs) in a thread; returns (thread, box) with box["outcomes"] or box["error"] once done."""
    box = {}

    def run():
        try:
            box["outcomes"] = grade_all(progress=False, **kwargs)
        except Exception as error:  # noqa: BLE001 - handed to the test
            box["error"] = error
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, box


def wait_until(condition, timeout=240.0, what="it"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {timeout} s")


def finish(thread, box, timeout=420.0):
    thread.join(timeout)
    assert not thread.is_alive(), "grade-all did not finish"
    assert "error" not in box, box.get("error")
    return {o.student: o.status for o in box["outcomes"]}


def test_a_class_graded_on_the_cluster_into_postgres_then_only_what_changed(course, postgres, cluster):
    course_dir, expectations = course
    outcomes = grade_all(course_dir, A, scheduler=cluster.address, db_url=postgres.url, progress=False)
    assert {o.student: o.status for o in outcomes} == dict.fromkeys(CLASS, "graded")
    assert not (course_dir / "gradebook.db").exists(), "the PostgreSQL gradebook, not SQLite"
    check_gradebook(course_dir, postgres.url, expectations)
    (course_dir / "submitted" / "z_honest" / A / "notes.txt").write_text("a file handed in late")
    done = subprocess.run([sys.executable, "-m", "autograder", "--course-dir", str(course_dir), "grade-all", A,
                           "--scheduler", cluster.address, "--db-url", postgres.url], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"course directory: {course_dir}" in done.stdout
    assert "graded 1, skipped 2, failed 0" in done.stdout, done.stdout
    check_gradebook(course_dir, postgres.url, expectations)


def test_a_worker_killed_in_a_chunk_and_one_that_never_comes_back(course, postgres, cluster):
    course_dir, expectations = course
    thread, box = in_background(course_dir=course_dir, assignment=A, force=True, scheduler=cluster.address,
                                db_url=postgres.url)
    first = wait_until(lambda: cluster.grading_under("w0"), what="w0 grading")
    cluster.kill_worker_process("w0")  # its nanny starts a new worker process; the chunk goes elsewhere
    wait_until(lambda: not any(map(alive, first)), 30, "the killed worker's nbgrader ending")
    wait_until(lambda: cluster.grading_under("w1"), what="w1 grading")
    cluster.remove_worker("w1")  # gone for good, in the middle of its chunk
    assert finish(thread, box) == dict.fromkeys(CLASS, "graded")
    check_gradebook(course_dir, postgres.url, expectations)
    assert not autograde_processes(), "a killed worker left grading behind"
    cluster.start_worker("w1")
    cluster.wait_for_workers(2)


def test_the_scheduler_restarted_in_the_middle(course, postgres, cluster, capfd):
    course_dir, expectations = course
    thread, box = in_background(course_dir=course_dir, assignment=A, force=True, scheduler=cluster.address,
                                db_url=postgres.url)
    wait_until(autograde_processes, what="grading")
    cluster.kill_scheduler()
    time.sleep(3)
    cluster.start_scheduler()  # the same address; the workers are started again by their service loop
    assert finish(thread, box) == dict.fromkeys(CLASS, "graded")
    assert "lost the Dask scheduler" in capfd.readouterr().err
    check_gradebook(course_dir, postgres.url, expectations)
    cluster.wait_for_workers(2)


def test_the_database_away_for_a_few_seconds(course, postgres, cluster):
    course_dir, expectations = course
    thread, box = in_background(course_dir=course_dir, assignment=A, force=True, scheduler=cluster.address,
                                db_url=postgres.url)
    first = wait_until(autograde_processes, what="grading")
    postgres.stop()  # before nbgrader reaches the gradebook: it fails, and its chunk must be run again
    wait_until(lambda: not any(map(alive, first)), 120, "nbgrader failing without its database")
    time.sleep(2)
    postgres.start()
    assert finish(thread, box) == dict.fromkeys(CLASS, "graded")
    runs = [json.loads((course_dir / "autograded" / s / A / STATE_FILE).read_text())["nbgrader_runs"] for s in CLASS]
    assert max(runs) > 1, "no chunk was run again: the database was not missed"
    check_gradebook(course_dir, postgres.url, expectations)
    again = grade_all(course_dir, A, scheduler=cluster.address, db_url=postgres.url, progress=False)
    assert [o.status for o in again] == ["skipped"] * len(CLASS), "a re-run grades only what is missing"
