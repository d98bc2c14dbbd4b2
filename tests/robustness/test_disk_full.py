"""Disk full and read-only folders: saving a checkpoint, the autosave and an export, in the engine, the CLI and the
window's worker.

Faults are injected into the one atomic writer (engine/atomic.py) every save goes through:

* ``enospc-create``: creating the temp file fails with ENOSPC (a disk already full);
* ``enospc-flush``: the data was written but flushing it fails with ENOSPC (the disk filled up during the write;
  delayed allocation reports it at fsync);
* ``read-only``: the folder is read-only. ``chmod 0555`` where it blocks writes; as root it does not, so there the
  temp file's creation fails with EACCES instead (what a read-only folder gives).

Property: a one-line message naming the file the user chose (not a hidden temp file), the previous file byte-for-byte
intact, no temp file left behind, and the next save (fault gone) works.
"""
from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
from pathlib import Path

import pytest

import engine.atomic as atomic
from engine.checkpoint import load_checkpoint, save_checkpoint
from engine.cli import main
from engine.presets import quick_config
from engine.training import Trainer

FAULTS = ["enospc-create", "enospc-flush", "read-only"]


def _chmod_blocks_writes(folder: Path) -> bool:
    probe = folder / "probe"
    probe.mkdir()
    probe.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        (probe / "x").write_text("x")
    except PermissionError:
        return True
    else:
        return False  # root (or a file system ignoring modes)
    finally:
        probe.chmod(0o755)
        with contextlib.suppress(OSError):
            (probe / "x").unlink()
        probe.rmdir()


@contextlib.contextmanager
def fault(kind: str, folder: Path, monkeypatch):
    """Inject ``kind`` for writes into ``folder`` while the block runs."""
    with monkeypatch.context() as m:
        if kind == "enospc-create" or (kind == "read-only" and not _chmod_blocks_writes(folder)):
            code, text = (errno.ENOSPC, "No space left on device") if kind == "enospc-create" else (
                errno.EACCES, "Permission denied")
            real = atomic.tempfile.mkstemp

            def mkstemp(*args, dir=None, **kwargs):
                if dir is not None and Path(dir).resolve() == folder.resolve():
                    name = f"{kwargs.get('prefix', 'tmp')}k3j9x{kwargs.get('suffix', '')}"  # as mkstemp names it
                    raise (PermissionError if code == errno.EACCES else OSError)(code, text, str(Path(dir) / name))
                return real(*args, dir=dir, **kwargs)

            m.setattr(atomic.tempfile, "mkstemp", mkstemp)
            yield
        elif kind == "enospc-flush":
            real_fsync = os.fsync

            def fsync(fd):
                if Path(os.readlink(f"/proc/self/fd/{fd}")).parent.resolve() == folder.resolve():
                    raise OSError(errno.ENOSPC, "No space left on device")
                return real_fsync(fd)

            m.setattr(atomic.os, "fsync", fsync)
            yield
        else:  # a real read-only folder
            folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
            try:
                yield
            finally:
                folder.chmod(0o755)


def _temps(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


@pytest.fixture(scope="module")
def trainer():
    t = Trainer(quick_config(steps=3, preview_every=0))
    for _ in range(2):
        t.step()
    return t


@pytest.mark.parametrize("kind", FAULTS)
def test_checkpoint_save_keeps_the_previous_file(trainer, tmp_path, monkeypatch, kind):
    run = tmp_path / "run"
    first = save_checkpoint(trainer, run)
    step = trainer.step_count
    before = {p.name: p.read_bytes() for p in run.iterdir()}
    with fault(kind, run, monkeypatch), pytest.raises(OSError) as info:
        save_checkpoint(trainer, run)
    assert info.value.filename == str(first), info.value  # the checkpoint the user asked for, not a temp file
    assert info.value.errno in (errno.ENOSPC, errno.EACCES)
    assert {p.name: p.read_bytes() for p in run.iterdir()} == before and not _temps(run)
    assert load_checkpoint(run).step == step
    trainer.step()
    save_checkpoint(trainer, run)  # the fault gone, saving works again
    assert load_checkpoint(run).step == step + 1


@pytest.mark.parametrize("kind", FAULTS)
def test_autosave_fails_quietly_and_keeps_the_last_good_one(trainer, tmp_path, monkeypatch, kind):
    from engine.autosave import Autosaver

    monkeypatch.setenv("DIFFUSION_LAB_HOME", str(tmp_path / "home"))
    saver = Autosaver("disk", every_s=1)
    assert saver.save(trainer) is not None
    before = saver.checkpoint.read_bytes()
    with fault(kind, saver.folder, monkeypatch):
        assert saver.save(trainer) is None
    assert "autosave failed" in saver.last_error and str(saver.checkpoint) in saver.last_error
    assert "\n" not in saver.last_error
    assert saver.checkpoint.read_bytes() == before and not _temps(saver.folder)
    assert saver.save(trainer) is not None and saver.last_error is None


def _cli(argv) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main([str(a) for a in argv])
    return code, err.getvalue()


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory):
    run = tmp_path_factory.mktemp("disk") / "run"
    assert _cli(["train", "--dataset", "moons", "--steps", "2", "--batch-size", "8", "--quiet", "--out", run])[0] == 0
    return run


@pytest.mark.parametrize("kind", FAULTS)
def test_cli_export_and_train_exit_with_one_line(cli_run, tmp_path, monkeypatch, kind):
    out = tmp_path / "exports"
    grid = out / "grid.png"
    base = ["export", "--run", cli_run, "--what", "grid", "--n", "4", "--steps", "2", "--out", grid]
    assert _cli(base)[0] == 0
    before = grid.read_bytes()
    with fault(kind, out, monkeypatch):
        code, err = _cli(base)
    assert code == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert str(grid) in err and any(w in err for w in ("disk is full", "No space left", "ermission denied")), err
    assert grid.read_bytes() == before and not _temps(out)

    run = tmp_path / "train-run"
    argv = ["train", "--dataset", "moons", "--steps", "2", "--batch-size", "8", "--quiet", "--out", run]
    run.mkdir()
    with fault(kind, run, monkeypatch):
        code, err = _cli(argv)
    # train prints its "training ... on moons" line first (stderr); the error is the one line after it
    assert code == 1 and err.strip().splitlines()[-1].startswith("error: ") and "Traceback" not in err, err
    assert str(run / "checkpoint.safetensors") in err.strip().splitlines()[-1], err
    assert not (run / "checkpoint.safetensors").exists() and not _temps(run)


@pytest.mark.parametrize("kind", ["enospc-flush", "read-only"])
def test_window_worker_reports_the_file_and_stays_usable(qtbot, trainer, tmp_path, monkeypatch, kind):
    from gui.worker import EngineWorker

    worker = EngineWorker(torch_threads=1, autosave_every_s=0)
    worker.start()
    try:
        worker.set_trainer(trainer)
        folder = tmp_path / "saves"
        with qtbot.waitSignal(worker.checkpointSaved, timeout=20000):
            worker.save_checkpoint(folder / "c.safetensors")
        before = (folder / "c.safetensors").read_bytes()
        with fault(kind, folder, monkeypatch):
            with qtbot.waitSignal(worker.error, timeout=20000) as failed:
                worker.save_checkpoint(folder / "c.safetensors")
        message = failed.args[0].message
        assert str(folder / "c.safetensors") in message and "\n" not in message, message
        assert (folder / "c.safetensors").read_bytes() == before and not _temps(folder)
        with qtbot.waitSignal(worker.checkpointSaved, timeout=20000):  # still usable
            worker.save_checkpoint(folder / "c.safetensors")
        assert load_checkpoint(folder / "c.safetensors").step == trainer.step_count
    finally:
        worker.shutdown(timeout_ms=5000)
