"""Atomic file writes: write a temp file in the target's folder, fsync, then rename over the target.

A process killed at any moment leaves either the previous good file or the new complete one, never a torn file
(rename is atomic on POSIX and on NTFS through os.replace).
"""
from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(target: str | Path, suffix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; on success it replaces ``target`` atomically.

    On an exception (including KeyboardInterrupt) the temp file is removed and ``target`` is untouched.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    folder.mkdir(parents=True, exist_ok=True)
    suffix = suffix or (".tmp" + target.suffix)
    remove_stale_temps(target, suffix)
    # the writer's pid is in the name, so a later save can tell a dead process's leftover from a write in flight
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=suffix, dir=folder)
    except OSError as exc:  # a read-only folder, a full disk: name the file the user asked for
        raise _naming(exc, target) from exc
    os.close(fd)
    tmp_path = Path(tmp)
    # mkstemp creates 0600; a saved file should get the usual permissions (0666 minus the umask)
    umask = os.umask(0)
    os.umask(umask)
    with contextlib.suppress(OSError):
        os.chmod(tmp_path, 0o666 & ~umask)
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp_path, target)
        _fsync_dir(folder)
    except OSError as exc:  # disk full while writing / flushing, a rename refused: the previous file is untouched
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise _naming(exc, target, tmp_path) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise


def _naming(exc: OSError, target: Path, tmp: Path | None = None) -> OSError:
    """``exc`` naming ``target`` (the file the user chose) instead of nothing, its folder or our hidden temp file, so
    every client's one-line message says which file could not be written (``No space left on device: run/x.png``)."""
    name = os.fspath(exc.filename) if exc.filename is not None else None
    ours = name is None or Path(name) == target.parent or Path(name).name.startswith(f".{target.name}.")
    if not ours:
        return exc
    return type(exc)(exc.errno, exc.strerror or str(exc) or type(exc).__name__, str(target))


STALE_TEMP_AGE_S = 24 * 3600  # where liveness cannot be checked (Windows), older temp files count as leftovers


def remove_stale_temps(target: str | Path, suffix: str | None = None) -> int:
    """Delete temp files of ``target`` left by a process that was killed mid-write; returns how many.

    A temp file belongs to a dead writer when the pid in its name is no longer running (POSIX), or, where that
    cannot be checked, when it is older than :data:`STALE_TEMP_AGE_S`. Writes in flight are never touched.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    suffix = suffix or (".tmp" + target.suffix)
    prefix = f".{target.name}."
    removed = 0
    try:
        candidates = [p for p in folder.iterdir() if p.name.startswith(prefix) and p.name.endswith(suffix)]
    except OSError:
        return 0
    now = time.time()
    for path in candidates:
        pid_text = path.name[len(prefix):].split(".", 1)[0]
        try:
            if pid_text.isdigit() and os.name == "posix":
                if int(pid_text) == os.getpid() or _pid_alive(int(pid_text)):
                    continue
            elif now - path.stat().st_mtime < STALE_TEMP_AGE_S:
                continue
            path.unlink()
            removed += 1
        except OSError:
            continue
    return removed


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # POSIX only: signal 0 checks existence (on Windows it would terminate the process)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError, ValueError):
        return True  # exists but belongs to someone else (EPERM), or cannot tell: keep the file
    return True


def atomic_write_bytes(target: str | Path, data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def atomic_write_text(target: str | Path, text: str) -> None:
    atomic_write_bytes(target, text.encode("utf-8"))


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
