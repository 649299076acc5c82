"""Plots of assignment deep_network."""
