"""nbgrader configuration of backprop-course. The directory holding this file is the course directory."""

from nbgrader.converters import Autograde

from autograder.engine import offline_mathjax
from autograder.engine.isolated import IsolatedExecute
from autograder.engine.repair import RepairingExporter
from autograder.engine.stderr_to_stdout import StderrToStdout

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

c.CourseDirectory.course_id = "backprop-course"

# The gradebook: SQLite in gradebook.db here by default. Several machines grading one class share a database:
# c.CourseDirectory.db_url = "postgresql://USER:PASSWORD@HOST/DATABASE"
# The assignments are the folders of source/; `nbgrader generate_assignment` adds each to the gradebook (and
# `python -m autograder grade-all` adds it to a new gradebook).

# A cell that runs longer than this (an endless loop, say) is stopped and scored as an error; a notebook gets
# at most notebook_budget seconds in all, and its kernel at most memory_limit_mb of memory. A kernel that dies
# (segfault, os._exit) costs only the cells from there on. See autograder/engine/budgeted.py.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True
c.BudgetedExecute.notebook_budget = 300
c.BudgetedExecute.memory_limit_mb = 4096

# Broken submissions (unreadable, duplicated or deleted cells, another assignment's notebook) are repaired for
# grading, with the reasons in the feedback, instead of stopping the batch. The student's file is not changed.
c.Autograde.exporter_class = RepairingExporter

# A warning on stderr must not cost a correct answer its points: move stderr to stdout right after execution.
_default = list(Autograde.class_traits()["autograde_preprocessors"].default())
c.Autograde.autograde_preprocessors = [IsolatedExecute, StderrToStdout] + _default[1:]

# Students get a clear stub in each solution region.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# Feedback HTML typesets its maths with the MathJax installed on this machine (no network needed to read it).
offline_mathjax.configure(c)
