"""Hidden checks of assignment vectorized (being written)."""
