"""Autosave during long training, and the crash-recovery offer on the next start.

While a run trains, :class:`Autosaver` is passed to :meth:`engine.session.TrainingSession.run` (``on_autosave``)
together with ``autosave_every_s``; every N seconds it writes ``autosave_dir()/<run name>/checkpoint.safetensors``
(atomically, with :func:`engine.checkpoint.save_checkpoint`) and a small ``session.json`` (when, step, config
path, pid). A crash therefore loses at most N seconds of work.

A clean shutdown calls :meth:`Autosaver.mark_clean_exit` (or the module-level :func:`mark_clean_exit`, which
covers every autosave this process wrote), which removes the autosave; whatever is still there at the next start
was left by a crash, and :func:`find_restorable` lists it for the restore offer (gui/restore.py).

Nothing here writes outside :func:`engine.appdirs.autosave_dir`, and an autosave that fails (disk full, read-only
folder) is logged and never stops training.
"""
from __future__ import annotations

import json
import logging
import os
import re
import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from engine.appdirs import autosave_dir
from engine.atomic import atomic_write_text

log = logging.getLogger(__name__)

SESSION_NAME = "session.json"
CHECKPOINT_NAME = "checkpoint.safetensors"
SESSION_FORMAT = "diffusion-lab-autosave"
DEFAULT_EVERY_S = 300.0  # the GUI's default: every 5 minutes
_PROCESS_STARTED = time.time()


def safe_run_name(name: str) -> str:
    """A folder name that cannot escape the autosave folder (no separators, no ``..``, no odd characters)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", str(name or "")).strip("._")
    return cleaned[:80] or "run"


def _process_token(pid: int) -> str | None:
    """Something that tells two processes with the same pid apart (Linux: the start time in clock ticks)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    try:
        return stat.rsplit(")", 1)[1].split()[19]
    except IndexError:
        return None


def _process_alive(pid: int, token: str | None) -> bool:
    """True when the process that wrote an autosave is still running (so it is not a crash leftover)."""
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    if os.name != "posix":  # os.kill(pid, 0) would terminate the process on Windows: assume it is gone
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, another user's
    except (OSError, OverflowError):  # OverflowError: a pid beyond the C int range (a corrupt session.json)
        return False
    if token is not None:
        current = _process_token(pid)
        if current is not None and current != token:
            return False  # the pid was reused by another process
        if current is None and Path("/proc").is_dir():
            return False
    return True


@dataclass
class AutosaveInfo:
    """One autosave found on disk."""

    name: str
    folder: Path
    checkpoint: Path
    when: float  # time.time() of the save
    step: int
    total_steps: int
    dataset: str
    preset: str
    config_path: str | None
    pid: int
    clean: bool = False

    @property
    def when_text(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(self.when))

    def describe(self) -> str:
        total = f" of {self.total_steps}" if self.total_steps else ""
        return f"{self.dataset} ({self.preset} model), step {self.step}{total}, saved {self.when_text}"


class Autosaver:
    """``TrainingSession(...).run(on_autosave=saver, autosave_every_s=saver.every_s)`` (or ``**saver.run_kwargs()``).

    Calling the saver (what the session does every ``every_s`` seconds) writes the checkpoint and ``session.json``.
    Errors are logged and kept in :attr:`last_error`; they never reach the training loop.
    """

    def __init__(self, run_name: str = "last-run", every_s: float = DEFAULT_EVERY_S, *,
                 config_path: str | Path | None = None):
        try:
            every = float(every_s)
        except (TypeError, ValueError):
            every = 0.0
        self.every_s = every if every > 0 and every == every and every != float("inf") else 0.0
        self.name = safe_run_name(run_name)
        self.config_path = str(config_path) if config_path else None
        self.saves = 0
        self.last_error: str | None = None
        self.last_saved: float | None = None

    @property
    def folder(self) -> Path:
        return autosave_dir() / self.name

    @property
    def checkpoint(self) -> Path:
        return self.folder / CHECKPOINT_NAME

    def run_kwargs(self) -> dict:
        """Keyword arguments for :meth:`TrainingSession.run`; autosave is off when ``every_s`` is 0."""
        return {"on_autosave": self if self.every_s > 0 else None, "autosave_every_s": self.every_s}

    def __call__(self, trainer) -> None:
        self.save(trainer)

    def save(self, trainer) -> Path | None:
        """Write the autosave now; returns the checkpoint path, or None when it failed (logged)."""
        from engine.checkpoint import save_checkpoint

        try:
            path = save_checkpoint(trainer, self.checkpoint, write_sidecars=False)
            now = time.time()
            cfg = trainer.config
            session = {
                "format": SESSION_FORMAT, "version": 1, "name": self.name, "when": now,
                "when_text": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(now)),
                "step": int(trainer.step_count), "total_steps": int(cfg.training.steps),
                "dataset": str(cfg.data.dataset), "preset": str(cfg.model.preset),
                "config_path": self.config_path, "pid": os.getpid(), "process": _process_token(os.getpid()),
                "clean": False,
            }
            atomic_write_text(self.folder / SESSION_NAME, json.dumps(session, indent=2))
        except Exception as exc:  # noqa: BLE001 - an autosave must never stop training
            self.last_error = f"autosave failed: {exc}"
            log.warning("autosave to %s failed: %s", self.folder, exc)
            return None
        self.saves += 1
        self.last_saved = now
        self.last_error = None
        return path

    def mark_clean_exit(self) -> None:
        """The app is closing normally: remove this run's autosave so the next start offers nothing."""
        _remove_folder(self.folder)


def _read_session(folder: Path) -> dict:
    try:
        raw = json.loads((folder / SESSION_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return {}
    return raw if isinstance(raw, dict) and raw.get("format") == SESSION_FORMAT else {}


def _info(folder: Path) -> AutosaveInfo | None:
    """An AutosaveInfo for ``folder`` when it holds a complete checkpoint (checked by its header only)."""
    from engine.checkpoint import FORMAT, _read_header
    from engine.errors import CheckpointError

    ckpt = folder / CHECKPOINT_NAME
    if not ckpt.is_file():
        return None
    try:
        header = _read_header(ckpt)
    except CheckpointError as exc:
        log.info("ignoring unusable autosave %s: %s", ckpt, exc)
        return None
    meta = header.get("__metadata__") or {}
    if meta.get("format") != FORMAT:
        return None
    session = _read_session(folder)
    try:
        step = int(meta.get("step", "0"))  # the checkpoint is the authority (session.json may lag one save)
    except ValueError:
        step = 0
    dataset, preset, total = "?", "?", 0
    try:
        cfg = json.loads(meta.get("config", "{}"))
        dataset = str(cfg.get("data", {}).get("dataset", "?"))
        preset = str(cfg.get("model", {}).get("preset", "?"))
        total = int(cfg.get("training", {}).get("steps", 0))
    except (ValueError, TypeError, AttributeError, OverflowError, RecursionError):
        pass
    try:
        when = float(session.get("when") or ckpt.stat().st_mtime)
        time.localtime(when)  # a date the restore box can show: not NaN, inf or 1e300
    except (TypeError, ValueError, OverflowError, OSError):
        when = time.time()
    try:
        pid = int(session.get("pid") or 0)
    except (TypeError, ValueError, OverflowError):
        pid = 0
    config_path = session.get("config_path")
    return AutosaveInfo(name=folder.name, folder=folder, checkpoint=ckpt, when=when, step=step, total_steps=total,
                        dataset=dataset, preset=preset,
                        config_path=config_path if isinstance(config_path, str) else None,
                        pid=pid, clean=bool(session.get("clean", False)))


def find_restorable(*, include_running: bool = False) -> list[AutosaveInfo]:
    """Autosaves left by a crash (newest first). Autosaves of a process that is still running (another window,
    or this process) are left out unless ``include_running``."""
    found: list[AutosaveInfo] = []
    try:
        folders = sorted(p for p in autosave_dir().iterdir() if p.is_dir() and not p.is_symlink())
    except OSError:
        return []
    for folder in folders:
        info = _info(folder)
        if info is None or info.clean:
            continue
        if not include_running and info.pid:
            token = _read_session(folder).get("process")
            if _process_alive(info.pid, token if isinstance(token, str) else None):
                continue
        found.append(info)
    found.sort(key=lambda i: i.when, reverse=True)
    return found


def discard(info: AutosaveInfo) -> None:
    """Delete an autosave (the user chose Discard)."""
    _remove_folder(Path(info.folder))


def mark_clean_exit() -> None:
    """Remove every autosave this process wrote (call it when the app closes normally)."""
    try:
        folders = [p for p in autosave_dir().iterdir() if p.is_dir() and not p.is_symlink()]
    except OSError:
        return
    me = os.getpid()
    for folder in folders:
        session = _read_session(folder)
        if session:
            mine = session.get("pid") == me and session.get("process") == _process_token(me)
        else:  # written without session.json (an older worker): ours when written after this process started
            ckpt = folder / CHECKPOINT_NAME
            try:
                mine = ckpt.is_file() and ckpt.stat().st_mtime >= _PROCESS_STARTED
            except OSError:
                mine = False
        if mine:
            _remove_folder(folder)


def _remove_folder(folder: Path) -> None:
    """Remove an autosave folder, but only one that really is directly inside the autosave folder."""
    try:
        root = autosave_dir().resolve()
        folder = Path(folder)
        if folder.is_symlink() or folder.resolve().parent != root:
            log.warning("refusing to delete %s: not an autosave folder", folder)
            return
        if folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
    except OSError as exc:
        log.warning("cannot remove autosave %s: %s", folder, exc)


def describe(infos: list[AutosaveInfo]) -> str:
    """Lines for a restore prompt."""
    return "\n".join(i.describe() for i in infos)


if __name__ == "__main__":  # pragma: no cover - a quick look at what would be offered
    for item in find_restorable(include_running=True):
        sys.stdout.write(f"{item.folder}: {item.describe()}\n")
