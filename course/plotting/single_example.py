"""Plots of assignment single_example."""
