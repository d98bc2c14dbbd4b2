"""Shared pieces of the real-window robustness tests (test_busy_actions.py, test_soak.py): a MainWindow on private
settings, modal dialogs replaced by recorders, the window's menu and toolbar actions, and the busy jobs."""
from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox


class DialogRecorder:
    """Replaces the blocking dialogs (QFileDialog's static getters and exec(), QMessageBox's static boxes and exec())
    by recorders that answer at once: ``answers[caption]`` for file dialogs (default: cancel)."""

    def __init__(self, monkeypatch, answers: dict[str, str] | None = None):
        self.seen: list[str] = []
        self.answers = dict(answers or {})

        def file_dialog(kind):
            def ask(parent=None, caption="", *args, **kwargs):
                self.seen.append(f"{kind}: {caption}")
                answer = self.answers.get(caption, "")
                return answer if kind == "dir" else (answer, "")

            return staticmethod(ask)

        monkeypatch.setattr(QFileDialog, "getOpenFileName", file_dialog("open"))
        monkeypatch.setattr(QFileDialog, "getSaveFileName", file_dialog("save"))
        monkeypatch.setattr(QFileDialog, "getExistingDirectory", file_dialog("dir"))

        def box(kind):
            def show(parent=None, title="", text="", *args, **kwargs):
                self.seen.append(f"{kind}: {title}: {text}")
                return QMessageBox.Ok

            return staticmethod(show)

        for kind in ("information", "warning", "critical", "question", "about"):
            monkeypatch.setattr(QMessageBox, kind, box(kind))

        def exec_(dialog):
            self.seen.append(f"exec: {type(dialog).__name__}: {dialog.windowTitle()}")
            return 0

        monkeypatch.setattr(QMessageBox, "exec", exec_)
        monkeypatch.setattr(QFileDialog, "exec", exec_)

    def take(self) -> list[str]:
        out, self.seen[:] = list(self.seen), []
        return out


def close_stray_windows(keep=()) -> list[str]:
    """Close visible top-level dialogs and message boxes (opened non-blocking by an action); returns their titles."""
    closed = []
    for w in QApplication.topLevelWidgets():
        if w in keep or not w.isVisible() or not isinstance(w, (QDialog, QMessageBox)):
            continue
        closed.append(f"{type(w).__name__}: {w.windowTitle()}")
        shutdown = getattr(w, "shutdown", None)
        if callable(shutdown):
            shutdown()
        w.close()
    return closed


def window_actions(window) -> list:
    """Every action of the menu bar (submenus walked) and the toolbar, once each; separators and submenu headers
    skipped. 'Open recent' is filled when shown; empty here, it holds no action."""
    seen, out = set(), []

    def walk(actions):
        for act in actions:
            if act.isSeparator():
                continue
            if act.menu() is not None:
                walk(act.menu().actions())
                continue
            if id(act) not in seen:
                seen.add(id(act))
                out.append(act)

    walk(window.menuBar().actions())
    walk(window.toolbar.actions())
    return out


def action_name(act) -> str:
    return act.text().replace("&", "").replace("…", "").strip()


class Ticker:
    """A 20 ms QTimer counting ticks: proof that the event loop keeps running."""

    def __init__(self):
        self.ticks = 0
        self.timer = QTimer()
        self.timer.timeout.connect(self._tick)
        self.timer.start(20)

    def _tick(self):
        self.ticks += 1

    def stop(self):
        self.timer.stop()


def make_window(settings_file: Path):
    from gui.main_window import MainWindow
    from gui.settings import Settings

    window = MainWindow(settings=Settings.from_file(settings_file))
    window.resize(1280, 800)
    window.show()
    return window


def set_training(window, qtbot, dataset: str = "moons", steps: int = 1_000_000) -> None:
    """The experiment form set for a quick run (tiny model, small batches)."""
    window.form.set_dataset(dataset)
    for name, text in (("training.steps", str(steps)), ("training.batch_size", "32"),
                       ("training.warmup_steps", "5"), ("training.preview_every", "0")):
        window.form.set_field_text(name, text)
    combo = window.form.widgets["model.preset"]
    combo.setCurrentIndex(combo.findData("tiny"))
    qtbot.waitUntil(lambda: window.form.is_valid() and window.config().training.steps == steps
                    and window.config().data.dataset == dataset, timeout=10000)


def close_window(window, qtbot, limit_s: float = 5.0) -> float:
    thread = window.worker._thread
    t0 = time.perf_counter()
    window.close()
    spent = time.perf_counter() - t0
    with contextlib.suppress(Exception):
        qtbot.waitUntil(lambda: thread.isFinished(), timeout=int(limit_s * 1000))
    window.deleteLater()
    QApplication.processEvents()
    return spent


# ------------------------------------------------------------------------------------- resource probes
def rss_mb() -> float:
    try:
        import psutil

        return psutil.Process().memory_info().rss / 2**20
    except ImportError:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    return float("nan")


def os_threads() -> int:
    return len(os.listdir("/proc/self/task"))


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))
