"""Error types that carry the name of the field (or file) that is wrong, so every client can say *which*."""
from __future__ import annotations


class ConfigError(ValueError):
    """A configuration value is invalid. ``field`` is its dotted name (``training.lr``)."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class DataError(ValueError):
    """A data source cannot be used (empty folder, wrong shape, unreadable file...)."""


class CheckpointError(ValueError):
    """A checkpoint cannot be loaded (truncated, wrong architecture, not a safetensors file...)."""


class TrainingStopped(RuntimeError):
    """Training stopped itself for a reason the user must see (NaN loss, out of memory...)."""
