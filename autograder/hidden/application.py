"""Hidden checks of assignment application (being written)."""
