"""Plots of assignment vectorized."""
