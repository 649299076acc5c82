"""Plots of assignment gradient_checking."""
