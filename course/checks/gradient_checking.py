"""Visible checks of assignment gradient_checking (being written)."""
