"""backprop-course: what students get. Visible checks (`course.checks`), plotting (`course.plotting`)
and data sets. It contains no solution to any exercise."""

__version__ = "0.1.0"
