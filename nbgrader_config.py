"""nbgrader configuration of backprop-course. The directory holding this file is the course directory."""

from nbgrader.converters import Autograde

from autograder.stderr_to_stdout import StderrToStdout

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

c.CourseDirectory.course_id = "backprop-course"

# The assignments, in order; nbgrader creates each one in the gradebook the first time it is generated.
c.CourseDirectory.db_assignments = [
    {"name": "01_single_example"},
    {"name": "02_vectorized"},
    {"name": "03_deep_network"},
    {"name": "04_gradient_checking"},
    {"name": "05_application"},
]

# A cell that runs longer than this (an endless loop, say) is stopped and scored as an error.
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True

# A warning on stderr must not cost a correct answer its points: move stderr to stdout right after execution.
_default = list(Autograde.class_traits()["autograde_preprocessors"].default())
c.Autograde.autograde_preprocessors = _default[:1] + [StderrToStdout] + _default[1:]

# Students get a clear stub in each solution region.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
