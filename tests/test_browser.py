"""Students in a real browser: JupyterLab started on a free loopback port, driven by Playwright in Debian's
Chromium (`apt-get install chromium`; Playwright's own browser download is never used).

For every release notebook: open it as a student who has done the exercises before the chosen one, run the cells
above it, type a typical mistake into its solution cell, run its test cell and read the visible check's message on
the page; then the right answer, and read that it passes. And one feedback page, opened from disk with the
network blocked, has its maths typeset. A failing test leaves a screenshot in build/.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import nbformat
import pytest

from autograder.commands.example_class import CLEO_MISTAKES, completed
from autograder.commands.release import nbgrader
from autograder.notebooks import grade_id, read_notebook, without_markers

from .conftest import ASSIGNMENTS, REPO

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = REPO / "build"

# assignment: (exercise, a typical mistake typed into its solution cell): cleo's from the example class, and
# for 05 one earlier in the notebook than hers (one-hot rows instead of columns)
MISTAKES = {
    "01_single_example": ("sigmoid_derivative", CLEO_MISTAKES["01_single_example"]["sigmoid_derivative"]),
    "02_vectorized": ("layer_backward", CLEO_MISTAKES["02_vectorized"]["layer_backward"]),
    "03_deep_network": ("compute_cost", CLEO_MISTAKES["03_deep_network"]["compute_cost"]),
    "04_gradient_checking": ("relative_error", CLEO_MISTAKES["04_gradient_checking"]["relative_error"]),
    "05_application": ("one_hot", "def one_hot(labels, num_classes):\n    return np.eye(num_classes)[labels]\n"),
}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_settings(settings):
    """JupyterLab user settings: every cell in the page (no windowing), no news or update checks."""
    for plugin, values in {
        "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
        "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
    }.items():
        path = settings / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


def student_notebook(assignment):
    """The release notebook as a student has it when reaching the chosen exercise: every other exercise done,
    the chosen one still the release's stub."""
    release = read_notebook(REPO / "release" / assignment / f"{assignment}.ipynb")
    nb = completed(release, read_notebook(REPO / "source" / assignment / f"{assignment}.ipynb"))
    exercise = MISTAKES[assignment][0]
    stub = next(c for c in release.cells if grade_id(c) == exercise)
    next(c for c in nb.cells if grade_id(c) == exercise).source = stub.source
    return nb


def as_student(work, assignment):
    """Write the notebooks as a student has them on reaching the chosen exercise of `assignment`: the earlier
    assignments finished, side by side (its first cells `bring` functions from them), this one up to the exercise."""
    for earlier in ASSIGNMENTS[:ASSIGNMENTS.index(assignment)]:
        done = completed(read_notebook(REPO / "release" / earlier / f"{earlier}.ipynb"),
                         read_notebook(REPO / "source" / earlier / f"{earlier}.ipynb"))
        nbformat.write(done, work / earlier / f"{earlier}.ipynb")
    nbformat.write(student_notebook(assignment), work / assignment / f"{assignment}.ipynb")


@pytest.fixture(scope="module")
def lab_work(tmp_path_factory):
    """The students' folder that JupyterLab serves: the release's assignment folders side by side."""
    work = tmp_path_factory.mktemp("lab") / "work"
    for assignment in ASSIGNMENTS:
        shutil.copytree(REPO / "release" / assignment, work / assignment)
    return work


@pytest.fixture(scope="module")
def lab(lab_work):
    """A JupyterLab server on 127.0.0.1 with token auth, serving the students' notebooks; (base URL, token)."""
    root, work = lab_work.parent, lab_work
    settings = root / "settings"
    write_settings(settings)
    port, token = free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(root / "runtime"), JUPYTER_CONFIG_DIR=str(root / "config"))
    with open(root / "lab.log", "w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
             "--ServerApp.port_retries=0", "--allow-root", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={work}",
             "--LabApp.expose_app_in_browser=True", f"--LabApp.user_settings_dir={settings}",
             f"--LabApp.workspaces_dir={root / 'workspaces'}", "--LabApp.news_url="],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("JupyterLab did not start:\n" + (root / "lab.log").read_text()) from None
                time.sleep(0.3)
        yield base, token
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()


def shut_down_kernels(base, token):
    """End every kernel the server runs (one notebook's kernel must not slow the next test down)."""
    headers = {"Authorization": f"token {token}"}
    with urllib.request.urlopen(urllib.request.Request(f"{base}/api/sessions", headers=headers)) as response:
        sessions = json.load(response)
    for session in sessions:
        request = urllib.request.Request(f"{base}/api/sessions/{session['id']}", headers=headers, method="DELETE")
        urllib.request.urlopen(request).close()


@pytest.fixture
def lab_page(lab, page):
    """A page for JupyterLab; the kernels it started are shut down after the test."""
    yield page
    shut_down_kernels(*lab)


def local_only(route):
    """Let requests to files and to this machine's loopback through; abort everything else (no network)."""
    url = route.request.url
    if url.startswith(("file://", "http://127.0.0.1:", "ws://127.0.0.1:", "data:")):
        route.continue_()
    else:
        route.abort()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route("**/*", local_only)
    page = context.new_page()
    yield page
    if getattr(request.node, "failed_call", False):  # set by conftest.py's pytest_runtest_makereport
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"browser-{request.node.name}.png"), full_page=True)
    context.close()


KERNEL_IDLE = """() => {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const kernel = panel && panel.sessionContext && panel.sessionContext.session
        && panel.sessionContext.session.kernel;
    return kernel && kernel.status === 'idle';
}"""


def shift_enter(page, cell):
    """Shift+Enter (the cell must have the focus); wait until the cell shows its new execution count."""
    before = cell.locator(".jp-InputPrompt").inner_text()
    page.keyboard.press("Shift+Enter")
    page.wait_for_function(
        """([cell, before]) => { const p = cell.querySelector('.jp-InputPrompt').innerText;
                                 return /\\[\\d+\\]/.test(p) && p !== before; }""",
        arg=[cell.element_handle(), before], timeout=60_000)
    return cell.locator(".jp-OutputArea").inner_text()


def run_test_cell(page, cell):
    """Run the test cell as a student does (click, Shift+Enter); the text of its output area."""
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Escape")
    return shift_enter(page, cell)


def answer(page, cell, code):
    """Replace the solution cell's code as a student pastes it, and run the cell."""
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(code)
    shown = shift_enter(page, cell)
    assert "Error" not in shown and "Traceback" not in shown, shown


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_student_sees_the_visible_check_in_jupyterlab(lab, lab_work, lab_page, assignment):
    page = lab_page
    base, token = lab
    exercise, mistake = MISTAKES[assignment]
    as_student(lab_work, assignment)
    nb = student_notebook(assignment)
    index = next(i for i, c in enumerate(nb.cells) if grade_id(c) == exercise)
    assert grade_id(nb.cells[index + 1]) == f"test_{exercise}"
    source = read_notebook(REPO / "source" / assignment / f"{assignment}.ipynb")
    right = without_markers(next(c for c in source.cells if grade_id(c) == exercise).source)

    # `reset`: a fresh workspace, without the tabs an earlier test left open
    page.goto(f"{base}/lab/tree/{assignment}/{assignment}.ipynb?reset&token={token}")
    page.wait_for_function(KERNEL_IDLE, timeout=60_000)
    cells = page.locator(".jp-Notebook .jp-Cell")
    assert cells.count() == len(nb.cells)
    # Run > Run All Above Selected Cell, with the exercise's solution cell selected
    page.evaluate(f"() => {{ window.jupyterapp.shell.currentWidget.content.activeCellIndex = {index}; }}")
    ran = page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-above')")
    assert ran is True, "every cell above the exercise runs without an error"
    tools = [i for i, c in enumerate(nb.cells) if (grade_id(c) or "").startswith("tools_from_")]
    for i in tools:  # 02-05: the student's earlier functions, brought from their finished notebooks
        brought = cells.nth(i).locator(".jp-OutputArea").inner_text()
        calls = sum(line.startswith("bring(") for line in nb.cells[i].source.splitlines())
        assert calls and brought.count("bring: from") == calls and "yours" in brought, brought
        assert "not finished" not in brought and "nothing brought" not in brought, brought

    solution, test = cells.nth(index), cells.nth(index + 1)
    answer(page, solution, mistake)
    shown = run_test_cell(page, test)
    # the check's report, as the student reads it: which exercise, and at least one row marked wrong; no
    # traceback through the checks' own code (course/checks/report.py: CheckFailed._render_traceback_)
    assert "CheckFailed" in shown and f"{exercise}:" in shown and "✗" in shown, shown
    assert "Traceback" not in shown and "course/" not in shown and "File " not in shown, shown

    answer(page, solution, right)
    shown = run_test_cell(page, test)
    assert "CheckFailed" not in shown and "Traceback" not in shown, shown
    assert "✓" in shown and "✗" not in shown, shown


def assert_typeset(page):
    """Every formula of the page typeset by MathJax, none left as TeX or in error."""
    page.wait_for_function(
        "() => window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0"
        " && document.querySelectorAll('.MathJax, .MathJax_Display').length > 0", timeout=60_000)
    assert page.locator(".MathJax_Display").count() > 0 and page.locator(".MathJax").count() > 10
    text = page.inner_text("body")
    assert "\\frac" not in text and "$" not in text, "no formula is left as raw TeX"
    assert page.locator(".MathJax_Error, .merror").count() == 0


def test_feedback_maths_is_typeset_offline(course_copy, page, lab, lab_work):
    """nbgrader's feedback for a submission, opened from disk with every request off this machine aborted; and
    the same file as a student opens it from JupyterLab, served by a Jupyter server (on their own machine, where
    the grader's copy of MathJax is not)."""
    assignment = ASSIGNMENTS[0]
    nbgrader(course_copy, "generate_assignment", assignment, "--force", "--log-level=WARN")
    submitted = course_copy / "submitted" / "ben" / assignment
    submitted.mkdir(parents=True)
    shutil.copy2(course_copy / "release" / assignment / f"{assignment}.ipynb", submitted)
    nbgrader(course_copy, "autograde", assignment, "--log-level=WARN")
    nbgrader(course_copy, "generate_feedback", assignment, "--log-level=WARN")
    html = course_copy / "feedback" / "ben" / assignment / f"{assignment}.html"
    assert r"\frac" in html.read_text(), "the page has formulas for MathJax to typeset"

    aborted = []  # (files MathJax probes for and does not find are not network requests)
    page.on("requestfailed", lambda request: aborted.append(request.url)
            if not request.url.startswith(("file://", "about:")) else None)
    page.goto(html.as_uri())
    assert_typeset(page)
    assert not aborted, f"the page asked the network for {aborted}"

    # On a narrow window, the reports' long lines wrap inside the page instead of running off it
    page.set_viewport_size({"width": 600, "height": 1000})
    boxes = page.evaluate(TEXT_OUTPUT_BOXES)
    assert boxes["outputs"], "the page has text outputs (the hidden checks' reports)"
    wider = [b for b in boxes["outputs"] if b["right"] > boxes["page"] + 1 or b["scroll"] > b["client"] + 1]
    assert not wider, f"wider than the page ({boxes['page']} px): {wider[:3]}"
    assert any(b["rows"] > b["lines"] for b in boxes["outputs"]), "some long line is shown wrapped"

    # Fetched by the student and opened from JupyterLab ("Open in New Browser Tab"): MathJax from the server
    base, token = lab
    shutil.copy2(html, lab_work / "feedback.html")
    page.goto(f"{base}/files/feedback.html?token={token}")
    assert_typeset(page)
    assert page.evaluate("() => [...document.scripts].some(s => s.src.startsWith(location.origin + "
                         "'/static/jupyter_server_mathjax/MathJax.js'))"), "MathJax from the Jupyter server"
    # The server serves HTML files in a sandbox (an origin of their own), so the browser refuses MathJax's web
    # fonts from it and the formulas are typeset in the browser's own fonts: failed requests to the server itself
    # are those, not the network.
    off_machine = [url for url in aborted if not url.startswith(base + "/")]
    assert not off_machine, f"the page asked the network for {off_machine}"


# Every text output of a feedback page: where its box ends, how wide its content is, and how many lines it has
# in its text and on the screen.
TEXT_OUTPUT_BOXES = """() => {
    const boxes = [...document.querySelectorAll('div.output_subarea.output_text pre')];
    return {page: document.documentElement.clientWidth, outputs: boxes.map(pre => {
        const style = getComputedStyle(pre);
        const lineHeight = parseFloat(style.lineHeight) || 1.2 * parseFloat(style.fontSize);
        return {right: pre.getBoundingClientRect().right, scroll: pre.scrollWidth, client: pre.clientWidth,
                lines: pre.innerText.replace(/\\n$/, '').split('\\n').length,
                rows: Math.round(pre.getBoundingClientRect().height / lineHeight), text: pre.innerText.slice(0, 60)};
    })};
}"""

GRAPH_CELL = """from course.plotting import neuron_graph, step_through
import numpy as np
w, x = np.array([[1.0], [2.0], [-1.0]]), np.array([[2.0], [-1.0], [0.5]])
step_through(neuron_graph(w, -0.5, x, {"z": -1.0, "y": 0.2689}, None, "σ"));
"""


def test_the_graph_steps_through_in_jupyterlab(lab, lab_page):
    """The computational-graph view's widget in JupyterLab: `next ▶` advances the pass, and the figure changes."""
    page = lab_page
    base, token = lab
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(GRAPH_CELL)], metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}})
    body = json.dumps({"type": "notebook", "content": json.loads(nbformat.writes(notebook))}).encode()
    request = urllib.request.Request(f"{base}/api/contents/graph_view.ipynb", data=body, method="PUT",
                                     headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    urllib.request.urlopen(request).close()

    page.goto(f"{base}/lab/tree/graph_view.ipynb?reset&token={token}")
    page.wait_for_function(KERNEL_IDLE, timeout=60_000)
    assert page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')") is True
    figure = page.locator(".jp-OutputArea .widget-output img")
    figure.wait_for(timeout=60_000)
    before = figure.get_attribute("src")
    assert "the given inputs" in page.locator(".graph-caption").inner_text()

    page.get_by_role("button", name="next ▶").click()
    page.wait_for_function("(before) => { const img = document.querySelector('.widget-output img');"
                           " return img && img.getAttribute('src') !== before; }", arg=before, timeout=30_000)
    assert "forward 1/2: z =" in page.locator(".graph-caption").inner_text()
    assert page.locator(".widget-readout").first.inner_text().strip() == "1"
