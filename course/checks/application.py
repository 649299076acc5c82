"""Visible checks of assignment application (being written)."""
