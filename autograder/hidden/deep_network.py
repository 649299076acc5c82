"""Hidden checks of assignment deep_network (being written)."""
