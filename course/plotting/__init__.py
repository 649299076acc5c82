"""Plots the notebooks use. Each function takes the student's own functions or data; none computes an answer."""

from .application import *
from .deep_network import *
from .gradient_checking import *
from .graph_view import *
from .graphs import *
from .single_example import *
from .vectorized import *
