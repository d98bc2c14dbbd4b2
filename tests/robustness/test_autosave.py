"""Autosave during long training: it fires at the configured interval, survives a real crash (SIGKILL) and is
offered for restore at the next start; a clean exit clears it; a failing autosave never stops training; it writes
nowhere but the app's autosave folder.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from engine import autosave
from engine.appdirs import autosave_dir
from engine.autosave import Autosaver, discard, find_restorable, mark_clean_exit
from engine.checkpoint import load_checkpoint, trainer_from_checkpoint
from engine.presets import default_config
from engine.session import TrainingSession
from engine.training import Trainer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("DIFFUSION_LAB_HOME", str(tmp_path / "home"))
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield tmp_path / "home"
    torch.set_num_threads(before)


def tiny_trainer(steps: int = 40) -> Trainer:
    cfg = default_config("moons")
    cfg.model.preset = "tiny"
    cfg.data.n_points = 512
    cfg.training.steps = steps
    cfg.training.batch_size = 16
    cfg.training.preview_every = 0
    return Trainer(cfg)


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _pretend_crashed(saver: Autosaver) -> None:
    """Rewrite session.json as if another process (now dead) had written it."""
    path = saver.folder / "session.json"
    data = json.loads(path.read_text())
    data["pid"], data["process"] = _dead_pid(), None
    path.write_text(json.dumps(data))


def test_autosave_fires_at_the_configured_interval():
    trainer = tiny_trainer(steps=10_000)
    saver = Autosaver("interval", every_s=0.3)
    saves: list[tuple[float, int]] = []
    real_save = saver.save

    def timed(tr):
        saves.append((time.monotonic(), tr.step_count))
        return real_save(tr)

    saver.save = timed
    started = time.monotonic()

    def slow(m) -> None:  # ~25 ms a step, so the run takes ~2 s
        time.sleep(0.02)

    result = TrainingSession(trainer).run(slow, preview_every=0, total_steps=80, **saver.run_kwargs())
    elapsed = time.monotonic() - started
    assert result.reason == "finished"
    assert saver.saves == len(saves) >= 3, (saves, elapsed)
    assert len(saves) <= elapsed / 0.3 + 1
    gaps = [b[0] - a[0] for a, b in zip(saves, saves[1:])]
    assert all(g >= 0.3 for g in gaps), gaps
    assert saves[0][0] - started >= 0.3
    ckpt = load_checkpoint(saver.checkpoint)
    session = json.loads((saver.folder / "session.json").read_text())
    assert ckpt.step == session["step"] == saves[-1][1]
    assert session["pid"] == os.getpid() and session["total_steps"] == 10_000
    assert sorted(p.name for p in saver.folder.iterdir()) == ["checkpoint.safetensors", "session.json"]


def test_zero_interval_means_off():
    saver = Autosaver("off", every_s=0)
    assert saver.run_kwargs() == {"on_autosave": None, "autosave_every_s": 0.0}
    for bad in (-5, float("nan"), float("inf"), "abc", None):
        assert Autosaver("x", bad).every_s == 0.0


CRASHER = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
import torch
torch.set_num_threads(1)
from engine.autosave import Autosaver
from engine.presets import default_config
from engine.session import TrainingSession
from engine.training import Trainer
cfg = default_config("moons"); cfg.model.preset = "tiny"; cfg.data.n_points = 512
cfg.training.steps = 1_000_000; cfg.training.batch_size = 16
saver = Autosaver("crashed-run", every_s=0.2, config_path="/somewhere/exp.json")
TrainingSession(Trainer(cfg)).run(lambda m: time.sleep(0.005), preview_every=0, **saver.run_kwargs())
"""


def test_restorable_after_a_real_crash_and_cleared_by_a_clean_exit(home):
    env = dict(os.environ, OMP_NUM_THREADS="1", DIFFUSION_LAB_HOME=str(home))
    proc = subprocess.Popen([sys.executable, "-c", CRASHER, str(ROOT)], env=env)
    session_file = autosave_dir() / "crashed-run" / "session.json"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not session_file.exists():
        assert proc.poll() is None, "the training process ended early"
        time.sleep(0.05)
    time.sleep(0.6)  # a few more autosaves
    assert find_restorable() == [], "a running process's autosave must not be offered"
    proc.send_signal(signal.SIGKILL)  # the crash
    proc.wait(10)
    infos = find_restorable()
    assert len(infos) == 1
    info = infos[0]
    assert info.name == "crashed-run" and info.step > 0 and info.dataset == "moons" and info.preset == "tiny"
    assert info.config_path == "/somewhere/exp.json" and info.pid == proc.pid
    assert "step" in info.describe() and info.when_text
    trainer = trainer_from_checkpoint(load_checkpoint(info.checkpoint))  # the autosave is complete
    assert trainer.step_count == info.step
    # Later: still there next time. Discard: gone.
    assert [i.name for i in find_restorable()] == ["crashed-run"]
    discard(info)
    assert find_restorable() == [] and not info.folder.exists()


def test_clean_exit_removes_only_this_process_autosaves():
    mine = Autosaver("mine", 60)
    assert mine.save(tiny_trainer()) is not None
    other = Autosaver("crashed-before", 60)
    other.save(tiny_trainer())
    _pretend_crashed(other)
    assert {i.name for i in find_restorable(include_running=True)} == {"mine", "crashed-before"}
    mark_clean_exit()  # the app closes normally
    assert not mine.folder.exists()
    assert [i.name for i in find_restorable()] == ["crashed-before"]  # a crash's autosave survives
    saver = Autosaver("method", 60)
    saver.save(tiny_trainer())
    saver.mark_clean_exit()
    assert not saver.folder.exists()


def test_newest_first_and_broken_autosaves_ignored():
    a = Autosaver("older", 60)
    a.save(tiny_trainer())
    _pretend_crashed(a)
    time.sleep(0.05)
    b = Autosaver("newer", 60)
    b.save(tiny_trainer())
    _pretend_crashed(b)
    torn = autosave_dir() / "torn"
    torn.mkdir()
    (torn / "checkpoint.safetensors").write_bytes(b.checkpoint.read_bytes()[:5000])
    (autosave_dir() / "only-session").mkdir()
    (autosave_dir() / "only-session" / "session.json").write_text("{}")
    (autosave_dir() / "garbage").mkdir()
    (autosave_dir() / "garbage" / "checkpoint.safetensors").write_bytes(b"\x80\x04\x95 not a checkpoint")
    (autosave_dir() / "stray-file.txt").write_text("x")
    assert [i.name for i in find_restorable()] == ["newer", "older"]


def test_failing_autosave_never_stops_training(monkeypatch):
    import engine.checkpoint as checkpoint

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(checkpoint, "save_checkpoint", full_disk)
    saver = Autosaver("full", every_s=0.01)
    result = TrainingSession(tiny_trainer()).run(lambda m: time.sleep(0.005), preview_every=0, **saver.run_kwargs())
    assert result.reason == "finished"
    assert saver.saves == 0 and "No space left" in (saver.last_error or "")


def test_run_names_cannot_escape_the_autosave_folder(tmp_path):
    root = autosave_dir().resolve()
    for name in ("../../etc/passwd", "/abs/path", "..", "", "a/b\\c", "name with spaces", "x" * 500, "\0evil"):
        saver = Autosaver(name, 60)
        assert saver.folder.resolve().parent == root, (name, saver.folder)
    # discard() refuses anything that is not directly inside the autosave folder
    victim = tmp_path / "precious"
    victim.mkdir()
    (victim / "checkpoint.safetensors").write_text("mine")
    fake = autosave.AutosaveInfo(name="x", folder=victim, checkpoint=victim / "checkpoint.safetensors", when=0,
                                 step=0, total_steps=0, dataset="?", preset="?", config_path=None, pid=0)
    discard(fake)
    assert (victim / "checkpoint.safetensors").exists()
    link = autosave_dir() / "link"
    link.symlink_to(victim, target_is_directory=True)
    discard(autosave.AutosaveInfo(name="link", folder=link, checkpoint=link / "checkpoint.safetensors", when=0,
                                  step=0, total_steps=0, dataset="?", preset="?", config_path=None, pid=0))
    assert (victim / "checkpoint.safetensors").exists()


# ---------------------------------------------------------------- the restore offer (gui/restore.py)
def _click_when_shown(qtbot, button_name: str) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

    def click() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QMessageBox) and widget.objectName() == "restoreAutosaveBox" and widget.isVisible():
                widget.findChild(QPushButton, button_name).click()
                return
        QTimer.singleShot(20, click)

    QTimer.singleShot(20, click)


@pytest.mark.parametrize("choice", ["restoreButton", "laterButton", "discardButton"])
def test_offer_restore(choice, qtbot):
    from gui.restore import offer_restore

    assert offer_restore(None) is None  # nothing to offer: no box at all
    saver = Autosaver("crashed", 60)
    saver.save(tiny_trainer())
    _pretend_crashed(saver)
    _click_when_shown(qtbot, choice)
    result = offer_restore(None)
    if choice == "restoreButton":
        assert result == saver.checkpoint and load_checkpoint(result).config.model.preset == "tiny"
    else:
        assert result is None
    assert saver.folder.exists() == (choice != "discardButton")


def test_restore_box_text(qtbot):
    from gui.restore import build_restore_box

    saver = Autosaver("crashed", 60)
    saver.save(tiny_trainer())
    _pretend_crashed(saver)
    box = build_restore_box(None, find_restorable())
    qtbot.addWidget(box)
    text = box.text() + box.informativeText()
    assert "moons" in text and "step 0" in text and "Restore" in text
    assert {b.text() for b in box.buttons()} == {"Restore", "Discard", "Later"}
