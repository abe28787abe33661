"""Synthetic data: the deterministic demo and scale networks, generated on the real territories."""
