"""Feedback a student can act on at a glance: where their code raised (visible and hidden checks), a failing
visible check shown as its table in a notebook (no traceback through `course`), long lines wrapped at word
boundaries in `grade`'s table and in the feedback HTML.

The functions here stand for a student's: pytest must not rewrite their asserts (PYTEST_DONT_REWRITE)."""

import copy
import os
import re

import nbgrader
import numpy as np
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter
from nbformat.v4 import new_code_cell, new_notebook
from nbgrader.utils import determine_grade, setenv
from traitlets.config import Config

from autograder.commands.grading import Exercise, Grade, format_table
from autograder.engine import offline_mathjax
from autograder.engine.isolated import IsolatedExecute
from autograder.engine.verdict import judge, recorded
from autograder.hidden import check_sigmoid as hidden_check_sigmoid
from autograder.notebooks import grade_id
from course.checks import CheckFailed, check_layer_forward, check_sigmoid

from .conftest import source_nb

ANSI = re.compile(r"\x1b\[[0-9;]*m")


# --------------------------------------------------------------------------------------------------------
# Where the student's code raised: a visible check run here, and a hidden check judged here
# --------------------------------------------------------------------------------------------------------

def sigmoid_with_assert(z):
    s = 1 / (1 + np.exp(-z))
    assert s.shape == (1, 1)
    return s


def layer_forward_with_a_helper(A_prev, W, b, activation):
    return _helper(W, A_prev) + b, None


def _helper(W, A_prev):
    return np.dot(A_prev, W)  # the wrong order: NumPy raises, and this line is the student's that raised


def failure_of(check, function):
    with pytest.raises(CheckFailed) as failure:
        check(function)
    return str(failure.value)


def test_a_visible_check_names_the_students_failed_assert_and_its_line():
    text = failure_of(check_sigmoid, sigmoid_with_assert)
    line = sigmoid_with_assert.__code__.co_firstlineno + 2
    assert "raised AssertionError (an assert without a message)" in text, text
    assert f"the assert that failed: test_feedback_at_a_glance.py, line {line}, in sigmoid_with_assert:\n" \
           "      assert s.shape == (1, 1)" in text, text
    assert "calling.py" not in text and "replay.py" not in text


def test_a_visible_check_names_the_students_line_that_raised_not_numpys():
    text = failure_of(check_layer_forward, layer_forward_with_a_helper)
    line = _helper.__code__.co_firstlineno + 1
    assert f"the line that raised: test_feedback_at_a_glance.py, line {line}, in _helper:\n" \
           "      return np.dot(A_prev, W)" in text, text
    assert "raised ValueError: shapes" in text and "numpy" not in text, text


def test_an_asserts_own_message_is_shown():
    def sigmoid(z):
        assert z.ndim == 1, f"expected a vector, got {z.ndim} dimensions"
        return z

    text = failure_of(check_sigmoid, sigmoid)
    assert "raised AssertionError: expected a vector, got 2 dimensions\n  the assert that failed" in text, text
    assert 'assert z.ndim == 1, f"expected a vector, got {z.ndim} dimensions"' in text, text


def test_a_line_whose_source_is_gone_is_still_named():
    namespace = {}
    exec(compile("def sigmoid(z):\n    return z.T @ z @ z\n", "/nowhere/student.py", "exec"), namespace)  # noqa: S102
    text = failure_of(check_sigmoid, namespace["sigmoid"])
    assert "raised ValueError: matmul: " in text, text
    assert text.endswith("\n  the line that raised: student.py, line 2, in sigmoid"), text  # no source to show


def test_a_hidden_check_names_the_line_too():
    verdict = judge(hidden_check_sigmoid, sigmoid_with_assert)
    assert verdict.share == 0.0
    assert "in sigmoid_with_assert:\n      assert s.shape == (1, 1)" in verdict.text, verdict.text


def test_a_failed_check_renders_as_its_report_in_ipython():
    failure = CheckFailed("sigmoid: 1 of 2 checks failed\n  sigmoid  shape ok  ✗  a hint")
    shown = [ANSI.sub("", line) for line in failure._render_traceback_()]
    assert shown == ["CheckFailed: sigmoid: 1 of 2 checks failed", "  sigmoid  shape ok  ✗  a hint"]


# --------------------------------------------------------------------------------------------------------
# In a real kernel: the visible check's report without a traceback; the hidden check through the engine
# --------------------------------------------------------------------------------------------------------

STUDENT = '''import numpy as np


def sigmoid(z):
    s = 1 / (1 + np.exp(-z))
    assert s.shape == (3, 1)
    return s'''

TWICE = '''def sigmoid(z):
    return 2 / (1 + np.exp(-z))'''


def source_cell(gid):
    return copy.deepcopy(next(c for c in source_nb("01_single_example").cells if grade_id(c) == gid))


def notebook(*cells):
    nb = new_notebook(cells=list(cells))
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


@pytest.mark.slow
def test_a_failing_visible_check_shows_its_table_and_the_cell_fails(monkeypatch):
    test_cell = source_cell("test_sigmoid")
    test_cell.source = "from course.checks import check_sigmoid\n\ncheck_sigmoid(sigmoid)"  # the visible part
    nb = notebook(new_code_cell(STUDENT), test_cell, new_code_cell(TWICE), new_code_cell(test_cell.source))
    statuses = []
    client = NotebookClient(nb, timeout=60, allow_errors=True, kernel_name="python3",
                            on_cell_executed=lambda cell, cell_index, execute_reply: statuses.append(
                                execute_reply["content"]["status"]))
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)  # as a student runs it, not as nbgrader grades it
    client.execute()
    assert statuses == ["ok", "error", "ok", "error"], "a failed check fails its cell (Run All stops there)"
    raised, wrong = (next(o for o in nb.cells[i].outputs if o.output_type == "error") for i in (1, 3))
    for output in (raised, wrong):
        shown = ANSI.sub("", "\n".join(output.traceback))
        assert output.ename == "CheckFailed" and shown.startswith("CheckFailed: sigmoid"), shown
        assert not any(s in shown for s in ("Traceback", "course/", "site-packages", "File ")), shown
    shown = ANSI.sub("", "\n".join(raised.traceback))
    assert "the assert that failed: cell In[1], line 6, in sigmoid:\n      assert s.shape == (3, 1)" in shown, shown
    shown = ANSI.sub("", "\n".join(wrong.traceback))
    assert "checks failed" in shown and "✗" in shown and "2× what it should be" in shown, shown
    # nbgrader (validate, or autograde without this course's engine) reads an error output as 0 points
    assert determine_grade(nb.cells[1]) == (0, 1.0)


@pytest.mark.slow
def test_the_hidden_check_says_which_cell_and_line_raised_through_the_engine(tmp_path):
    nb = notebook(new_code_cell(STUDENT), source_cell("test_sigmoid"))
    with setenv(NBGRADER_EXECUTION="autograde"):
        IsolatedExecute(timeout=60, notebook_budget=120).preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    verdict = recorded(nb.cells[1])
    assert verdict["earned"] == 0, verdict
    assert "raised AssertionError (an assert without a message)\n  the assert that failed: cell In[1], line 6, " \
           "in sigmoid:\n      assert s.shape == (3, 1)" in verdict["report"], verdict["report"]
    shown = "".join(o.get("text", "") + o.get("evalue", "") for o in nb.cells[1].outputs)
    assert "cell In[1], line 6" in shown and "<grader>" not in shown, shown


# --------------------------------------------------------------------------------------------------------
# Long lines wrap: `grade`'s table, and the feedback HTML
# --------------------------------------------------------------------------------------------------------

LONG_HINT = ("dW relu m=4  shape ok  max|Δ| 2.1e-01 at [2, 0]  ✗  dW is 3× too large over 3 examples: is the 1/m "
             "missing? Divide the sum over the examples by m, as the formula of section 2.3 does, and compare "
             "with the notebook's worked example before you run the check again")
RAISED = ("layer_backward(dA=array(3, 4), cache=(array(3, 4), array(5, 4), array(3, 5), array(3, 1)), "
          "activation='relu') raised AssertionError: dZ has the wrong shape\n"
          "  the assert that failed: cell In[12], line 6, in layer_backward:\n"
          '      assert dZ.shape == Z.shape, "dZ has the wrong shape"')


def graded():
    return Grade("my02.ipynb", "02_vectorized", 2.5, 8.0, [
        Exercise("test_layer_forward", 2.5, 3.0, "layer_forward: 1 of 9 checks failed", failing=[LONG_HINT]),
        Exercise("test_layer_backward", 0.0, 4.0, RAISED),
        Exercise("test_relu", 1.0, 1.0, "relu: all 3 checks passed\n  relu  shape ok  max|Δ| 0.0e+00  ✓")])


def message_column(table, exercise):
    """The message of one exercise's row as the table shows it: the text in its message column, then the lines
    under the row (indented, until the next row)."""
    lines = table.splitlines()
    column = lines[1].index("message")
    start = next(i for i, line in enumerate(lines) if line.startswith(f"  {exercise} "))
    below = []
    for line in lines[start + 1:]:
        if not line.startswith("   "):  # the next row: two spaces, then its name
            break
        below.append(line.strip())
    return [text for text in (lines[start][column:].strip(), *below) if text]


@pytest.mark.parametrize("width", [60, 80, 100, 200])
def test_grades_table_wraps_long_messages_at_word_boundaries(width):
    table = format_table(graded(), width=width)
    assert all(len(line) <= width for line in table.splitlines()), table
    hint = message_column(table, "test_layer_forward")[1:]
    assert " ".join(" ".join(hint).split()) == " ".join(LONG_HINT.split()), "every word is there, in order"
    words = set(LONG_HINT.split())
    assert all(word in words for line in hint for word in line.split()), "no word is cut"
    raised = " ".join(" ".join(message_column(table, "test_layer_backward")).split())
    assert raised == " ".join(RAISED.split()), "where it raised is shown, whole"
    assert message_column(table, "test_relu") == ["relu: all 3 checks passed"], "a passed exercise: one line"
    assert table.splitlines()[-1].split()[:4] == ["total", "2.5", "/", "8"]


def test_grades_table_on_a_narrow_terminal_puts_messages_under_the_rows(monkeypatch):
    monkeypatch.setenv("COLUMNS", "44")
    table = format_table(graded())
    assert all(len(line) <= 44 for line in table.splitlines()), table
    assert ["test_layer_forward", "2.5", "/", "3"] in [line.split() for line in table.splitlines()], table
    hint = message_column(table, "test_layer_forward")[1:]
    assert " ".join(" ".join(hint).split()) == " ".join(LONG_HINT.split())


def test_feedback_html_wraps_long_lines_of_text_outputs():
    config = Config()
    offline_mathjax.configure(config)
    config.HTMLExporter.extra_template_paths = [os.path.join(  # as nbgrader's generate_feedback sets it
        os.path.dirname(nbgrader.__file__), "server_extensions", "formgrader", "static", "node_modules", "bootstrap",
        "dist", "css")]
    cell = new_code_cell("check_layer_forward(layer_forward)", outputs=[
        {"output_type": "stream", "name": "stdout", "text": LONG_HINT},
        {"output_type": "error", "ename": "CheckFailed", "evalue": LONG_HINT, "traceback": [LONG_HINT]}])
    html, _ = HTMLExporter(config=config).from_notebook_node(
        notebook(cell), resources={"nbgrader": {"notebook": "x", "score": 0, "max_score": 1, "late_penalty": 0}})
    rule = re.search(r"div\.output_subarea\.output_text pre, div\.output_subarea\.output_error pre \{(.*?)\}",
                     html, re.DOTALL)
    assert rule, "the wrapping rule is in the page"
    declarations = dict(d.strip().split(": ") for d in rule.group(1).split(";") if d.strip())
    assert declarations == {"white-space": "pre-wrap", "word-break": "normal", "overflow-wrap": "break-word"}
    assert html.index(rule.group(0)) > html.index("word-break:break-all"), "after Bootstrap's rule for pre"
    assert 'class="output_subarea output_stream output_stdout output_text"' in html
    assert 'class="output_subarea output_text output_error"' in html
