"""Reusable widgets: the shared timeline, image views and grids, the Experiment forms."""
