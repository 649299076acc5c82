"""Plots of assignment application."""
