import nbformat
from nbgrader.utils import determine_grade
from traitlets.config.loader import PyFileConfigLoader

from autograder.engine.stderr_to_stdout import MARK, move_stderr


def test_a_warning_on_stderr_keeps_the_points():
    cell = nbformat.v4.new_code_cell("check()", metadata={"nbgrader": {
        "grade": True, "grade_id": "test_x", "locked": True, "points": 2, "solution": False, "schema_version": 3}})
    cell.outputs = [nbformat.v4.new_output("stream", name="stderr", text="RuntimeWarning: overflow\n")]
    assert determine_grade(cell)[0] == 0  # what nbgrader alone would do
    assert move_stderr(cell) == 1
    assert determine_grade(cell)[0] == 2
    assert cell.outputs[0].name == "stdout" and cell.outputs[0].text == MARK + "RuntimeWarning: overflow\n"


def test_an_error_still_scores_zero():
    cell = nbformat.v4.new_code_cell("check()", metadata={"nbgrader": {
        "grade": True, "grade_id": "test_x", "locked": True, "points": 2, "solution": False, "schema_version": 3}})
    cell.outputs = [nbformat.v4.new_output("error", ename="CheckFailed", evalue="dW wrong", traceback=[])]
    move_stderr(cell)
    assert determine_grade(cell)[0] == 0


def test_nbgrader_config_runs_it_right_after_execution(repo):
    config = PyFileConfigLoader("nbgrader_config.py", path=str(repo)).load_config()
    names = [p.__name__ for p in config.Autograde.autograde_preprocessors]
    assert names[:2] == ["IsolatedExecute", "StderrToStdout"]
    assert "SaveAutoGrades" in names[names.index("StderrToStdout"):]
