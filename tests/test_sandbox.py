"""What a student's kernel can see and do under IsolatedExecute (autograder/engine/sandbox.py)."""

import logging
import threading

import pytest
from nbformat.v4 import new_code_cell, new_notebook

from autograder.engine import isolated
from autograder.engine.isolated import IsolatedExecute

pytestmark = pytest.mark.slow

PROBES = {
    "autograder": "try:\n    import autograder\n    print('visible')\nexcept ImportError:\n    print('hidden')",
    "course": "import course.checks\nprint('importable')",
    "course dir": "import os\nprint(sorted(os.listdir({course!r})) if os.path.isdir({course!r}) else 'absent')",
    "write": "open('mine.txt', 'w').write('x')\nopen('/tmp/canary-sandbox', 'w').write('x')\nprint('written')",
    "network": "import socket\ntry:\n    socket.create_connection(('1.1.1.1', 53), timeout=2)\n    print('online')\n"
               "except OSError:\n    print('offline')",
    "matplotlib": "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nprint('plotted')",
    "fill": "try:\n    with open('/tmp/big', 'wb') as f:\n        for _ in range(300):\n            f.write(bytes(1 << 20))\n"
            "    print('filled')\nexcept OSError:\n    print('refused')",
    "overwrite": "try:\n    open('data.txt', 'w').write('changed')\n    print('overwritten')\nexcept OSError:\n"
                 "    print('read-only')",
}


def run(cells, folder, assignment=None, **traits):
    nb = new_notebook(cells=[new_code_cell(c) for c in cells])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    traits = {"timeout": 30, "notebook_budget": 120, **traits}
    IsolatedExecute(**traits).preprocess(nb, {"metadata": {"path": str(folder)}, "nbgrader": {"assignment": assignment}})
    return ["".join(o.get("text", "") for o in c.outputs if o.get("output_type") == "stream").strip()
            for c in nb.cells], nb


def test_the_kernel_sees_only_its_folder_and_the_environment(tmp_path, repo):
    (tmp_path / "data.txt").write_text("the student's own file")
    cells = [code.format(course=str(repo)) for code in PROBES.values()] + ["print(open('data.txt').read())"]
    printed, nb = run(cells, tmp_path)
    seen = dict(zip([*PROBES, "own file"], printed))
    assert seen["autograder"] == "hidden"
    assert seen["course"] == "importable"
    assert seen["course dir"] in ("absent", "['course']", "['.venv', 'course']")
    assert seen["write"] == "written" and not (tmp_path / "mine.txt").exists()
    assert not __import__("os").path.exists("/tmp/canary-sandbox")
    assert seen["network"] == "offline"
    assert seen["matplotlib"] == "plotted" and not any(o.get("name") == "stderr" for o in nb.cells[5].outputs)
    assert seen["fill"] == "refused", "a file of 300 MB is over the limit"
    assert seen["overwrite"] == "read-only"
    assert seen["own file"] == "the student's own file"


EARLIER = [
    ("import os\nfrom course.earlier import ENVIRONMENT\nfolder = os.environ[ENVIRONMENT]\nprint(sorted(os.listdir(folder)))\n"
    "try:\n    open(os.path.join(folder, 'planted.ipynb'), 'w')\n    print('writable')\nexcept OSError:\n"
    "    print('read-only')"),
    ("from course.earlier import bring\nbring('02_vectorized', 'layer_forward', 'layer_backward_rows')\n"
    "bring('03_deep_network', 'model_forward')\nprint(callable(layer_forward))"),
]


def _check_earlier(printed, sandboxed):
    """What a notebook of 03 finds for `bring` while it is graded: the course's building blocks of 01 and 02 only."""
    listing, writable = printed[0].splitlines()
    assert listing == "['01_single_example', '02_vectorized']"
    assert writable == ("read-only" if sandboxed else "writable")
    lines = printed[1].splitlines()
    assert lines[0].startswith("bring: from 02_vectorized.ipynb (the grader's copy") and lines[0].endswith(
        ": layer_forward")
    assert "has no solution cell 'layer_backward_rows'" in lines[1]  # not a building block: not in the copy
    assert lines[2].startswith("bring: nothing brought: 03_deep_network.ipynb was not found")  # the one graded
    assert lines[3] == "True"


def test_a_graded_notebook_brings_only_strictly_earlier_building_blocks(tmp_path):
    printed, _ = run(EARLIER, tmp_path, assignment="03_deep_network")
    _check_earlier(printed, sandboxed=True)


def test_without_a_sandbox_grading_still_works_and_says_so_loudly(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(isolated, "bwrap_works", lambda: False)
    with caplog.at_level(logging.WARNING):
        printed, _ = run(["print(1 + 1)", *EARLIER], tmp_path, assignment="03_deep_network")
    assert printed[0] == "2"
    _check_earlier(printed[1:], sandboxed=False)
    assert "NO SANDBOX" in caplog.text


def test_a_required_sandbox_that_is_missing_stops_grading(tmp_path, monkeypatch):
    monkeypatch.setattr(isolated, "bwrap_works", lambda: False)
    with pytest.raises(isolated.SandboxUnavailable):
        run(["print(1)"], tmp_path, sandbox="bwrap")


def test_an_endless_function_costs_its_exercise_only(tmp_path):
    from autograder.notebooks import grade_id, is_test_cell

    from .conftest import source_nb

    tests = {grade_id(c): c for c in source_nb("01_single_example").cells if is_test_cell(c)}
    endless = "import numpy as np\n\ndef sigmoid(z):\n    while True:\n        pass"
    right = "def relu(z):\n    return np.maximum(z, 0.0)"
    nb = new_notebook(cells=[new_code_cell(endless), tests["test_sigmoid"], new_code_cell(right), tests["test_relu"]])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    IsolatedExecute(timeout=5, notebook_budget=120).preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    from nbgrader.utils import determine_grade

    assert determine_grade(nb.cells[1]) == (0, 1.0)
    assert "took longer than" in nb.cells[1].outputs[-1]["evalue"]
    assert determine_grade(nb.cells[3]) == (1.0, 1.0)


GARBLE_OWN_SOCKETS = """import os, socket
for name in os.listdir('/proc/self/fd'):
    try:
        if os.readlink(f'/proc/self/fd/{name}').startswith('socket:'):
            garbled = socket.socket(fileno=os.dup(int(name)))
            garbled.setblocking(False)
            for _ in range(50):
                garbled.send(bytes([255]) * 4096)
    except OSError:
        pass
while True:
    pass"""


def test_a_kernel_that_garbles_its_own_sockets_is_given_up_within_its_time_limit(tmp_path):
    """The cheat c39_forge_messages once held a whole `nbgrader autograde` batch for ever: the kernel wrote garbage
    into its ZeroMQ sockets, and the grader's interrupt then waited for a control channel nobody read."""
    graded = []
    thread = threading.Thread(target=lambda: graded.append(run([GARBLE_OWN_SOCKETS, "print(1)"], tmp_path, timeout=3)),
                              daemon=True)
    thread.start()
    thread.join(90)
    assert graded, "grading a kernel that garbled its sockets did not end within 90 s"
    _, nb = graded[0]
    assert [o.get("ename") for o in nb.cells[0].outputs] == ["KernelStopped"]
    assert [o.get("ename") for o in nb.cells[1].outputs] == ["NotRun"]
