"""Error types that carry the name of the field (or file) that is wrong, so every client can say *which*."""
from __future__ import annotations


class UserError(Exception):
    """A mistake the user can fix (a value, a file, a flag). Every client shows its message as one line, with no
    traceback; the CLI exits with ``code`` (2 for a bad flag, 1 otherwise)."""

    def __init__(self, message: str = "", code: int = 1):
        super().__init__(message)
        self.code = code


class ConfigError(UserError, ValueError):
    """A configuration value is invalid. ``field`` is its dotted name (``training.lr``)."""

    def __init__(self, field: str, message: str):
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}", code=2)


class DataError(UserError, ValueError):
    """A data source cannot be used (empty folder, wrong shape, unreadable file...)."""


class CheckpointError(UserError, ValueError):
    """A checkpoint cannot be loaded (truncated, wrong architecture, not a safetensors file...)."""


class TrainingStopped(RuntimeError):
    """Training stopped itself for a reason the user must see (NaN loss, out of memory...)."""
