"""nbgrader gives 0 points to a test cell that wrote anything to stderr, even a harmless warning from NumPy.

`StderrToStdout` runs right after execution and turns every stderr stream of a code cell into stdout text
marked as such, so the student still sees the warning in the feedback, and the cell is judged only on whether
it raised. Errors (exceptions) are outputs of type "error", not stderr, and keep scoring 0.
"""

from __future__ import annotations

from nbgrader.preprocessors import NbGraderPreprocessor

MARK = "[stderr, not counted against you] "


def move_stderr(cell):
    """Rewrite the stderr outputs of one code cell as stdout; returns how many were moved."""
    moved = 0
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            output["name"] = "stdout"
            lines = output.get("text", "").splitlines(keepends=True)
            output["text"] = "".join(MARK + line for line in lines)
            moved += 1
    return moved


class StderrToStdout(NbGraderPreprocessor):
    """Autograde preprocessor: see the module's docstring."""

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code":
            move_stderr(cell)
        return cell, resources
