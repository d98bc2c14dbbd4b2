"""Where and how exports are written: target checks that fail early with one clear line, atomic writes whose
OSErrors become :class:`ExportError`, progress reporting and cancellation polling shared by every writer."""
from __future__ import annotations

import errno
import os
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from engine.atomic import atomic_path
from engine.export.options import Cancel, ExportCancelled, ExportError, ExportResult, Progress


def check_target(out: str | Path, allowed: Sequence[str] | None = None) -> Path:
    """Fail early and clearly when ``out`` cannot be written: a wrong extension, a folder in the way, a parent that
    is a file, or a folder without write permission."""
    out = Path(out)
    if allowed is not None and out.suffix.lower() not in allowed:
        raise ExportError(f"{out}: unknown extension {out.suffix.lower() or '(none)'!r}; use "
                          f"{', '.join(allowed)}", code=2)
    if out.is_dir():
        raise ExportError(f"{out} is a folder; give a file name such as {out / ('export' + (allowed or ['.gif'])[0])}",
                          code=2)
    probe = out.parent if str(out.parent) else Path(".")
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    if not probe.is_dir():
        raise ExportError(f"cannot write {out}: {probe} is a file, not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ExportError(f"cannot write {out}: no permission to write in {probe}; choose another folder")
    return out


def io_error_message(out: Path, exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return f"cannot write {out}: the disk is full; free some space or choose another location"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot write {out}: permission denied ({exc.strerror or exc}); choose another folder"
    return f"cannot write {out}: {exc.strerror or exc}"


def _read_umask() -> int:
    mask = os.umask(0o022)  # read once, at import (main thread): os.umask can only be read by setting it
    os.umask(mask)
    return mask


_UMASK = _read_umask()


class AtomicExport:
    """``with AtomicExport(out, ".tmp.gif") as tmp:`` an atomic write whose OSErrors become one-line ExportErrors.

    The temp file comes from mkstemp (mode 0600); a finished export gets the usual permissions for new files
    (0666 minus the umask), like any file a program saves, so it can be shared and served as is.
    """

    def __init__(self, out: Path, suffix: str):
        self.out, self.suffix = Path(out), suffix
        self._cm = None

    def __enter__(self) -> Path:
        self._cm = atomic_path(self.out, suffix=self.suffix)
        try:
            self._tmp = self._cm.__enter__()
            return self._tmp
        except OSError as exc:
            raise ExportError(io_error_message(self.out, exc)) from None

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None:
            try:
                os.chmod(self._tmp, 0o666 & ~_UMASK)
            except OSError:
                pass
        try:
            self._cm.__exit__(exc_type, exc, tb)
        except OSError as err:
            raise ExportError(io_error_message(self.out, err)) from None
        if exc_type is not None and issubclass(exc_type, OSError) and not isinstance(exc, ExportError):
            raise ExportError(io_error_message(self.out, exc)) from None
        return False


class Ticker:
    """Progress reporting (at most ~100 calls) and cancellation polling for one export."""

    def __init__(self, progress: Progress | None, cancel: Cancel | None, total: int):
        self.progress, self.cancel, self.total = progress, cancel, max(1, int(total))
        self.done = 0
        self._every = max(1, self.total // 100)

    def __call__(self, amount: int = 1) -> None:
        if self.cancel is not None and self.cancel():
            raise ExportCancelled("export cancelled")
        self.done = min(self.total, self.done + amount)
        if self.progress is not None and (self.done % self._every == 0 or self.done == self.total):
            self.progress(self.done, self.total)

    def set(self, done: int) -> None:
        self(max(0, done - self.done))

    def check(self) -> None:
        """Raise :class:`ExportCancelled` if the user asked to stop (e.g. while an encoder ran without ticks)."""
        if self.cancel is not None and self.cancel():
            raise ExportCancelled("export cancelled")

    def finish(self) -> None:
        if self.progress is not None:
            self.progress(self.total, self.total)


def checked_frame(frames: Sequence[np.ndarray], i: int, shape: tuple[int, ...]) -> np.ndarray:
    """``frames[i]``, after checking it is uint8 of the first frame's ``shape`` (a writer cannot mix sizes)."""
    f = np.asarray(frames[i])
    if f.shape != shape or f.dtype != np.uint8:
        raise ValueError(f"frame {i} is {f.dtype} {f.shape}; every frame must be uint8 {shape} like the first")
    return f


def write_png(img: np.ndarray, out: Path, started: float) -> ExportResult:
    """A still RGB picture as PNG; ``started`` (time.monotonic()) is when the export began, for the report."""
    from PIL import Image

    with AtomicExport(out, ".tmp.png") as tmp:
        Image.fromarray(np.ascontiguousarray(img, dtype=np.uint8)).save(tmp, format="PNG", optimize=False)
    return ExportResult(out, "png", (img.shape[1], img.shape[0]), bytes=out.stat().st_size,
                        seconds=time.monotonic() - started)
