"""Visible checks: `check_<exercise>(your_function, ...)` for every graded exercise.

A check prints one line per output when everything is right and raises CheckFailed (an AssertionError)
with the same table and a hint when something is not.
"""

from ._compare import CheckFailed, Report, compare
from .application import *
from .deep_network import *
from .gradient_checking import *
from .single_example import *
from .vectorized import *

__all__ = ["CheckFailed", "Report", "compare"]
__all__ += [name for name in dir() if name.startswith("check_")]
