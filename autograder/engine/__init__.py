"""The grading engine: a student's notebook run in a sandboxed kernel, each exercise judged outside it.

`isolated` (the preprocessor nbgrader_config.py wires in) runs the notebook with `budgeted` in the kernel of
`sandbox`, and after each test cell judges the exercise: `session` and `wire` carry the calls to the student's
function, `bounded` runs the hidden check in a child process limited in time and memory, `verdict` turns its
report into points and outputs. `repair` makes any submission gradable; `stderr_to_stdout` keeps warnings from
costing points.
"""
