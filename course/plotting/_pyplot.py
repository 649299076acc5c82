"""matplotlib.pyplot, imported when a plot is first drawn rather than when course.plotting is imported.

Importing pyplot takes most of a second. While a notebook is graded its figures are demonstrations that are not
run (autograder/engine/demonstrations.py), so a notebook graded without drawing anything never pays for it.
"""

import importlib


class _Pyplot:
    """Stands for the module matplotlib.pyplot: the first attribute asked for imports it."""

    def __getattr__(self, name):
        return getattr(importlib.import_module("matplotlib.pyplot"), name)

    def __repr__(self):
        return "<matplotlib.pyplot, imported on first use>"


plt = _Pyplot()
