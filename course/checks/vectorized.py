"""Visible checks of assignment vectorized (being written)."""
