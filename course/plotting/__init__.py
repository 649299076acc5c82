"""Plots the notebooks use. Each function takes the student's own functions or data; none computes an answer."""

from .deep_network import *  # noqa: F401,F403
from .single_example import *  # noqa: F401,F403
from .vectorized import *  # noqa: F401,F403
