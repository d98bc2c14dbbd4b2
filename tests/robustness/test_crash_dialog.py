"""An uncaught exception anywhere in the GUI is logged to log_dir()/crash-*.log and shown as a readable dialog with
a "Copy details" button; the app keeps running; exceptions while the dialog is open are logged, not stacked.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication

from gui import crash

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.qt_no_exception_capture  # our hook, not pytest-qt's, must see the exceptions


@pytest.fixture
def logs(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("DIFFUSION_LAB_HOME", str(tmp_path / "home"))
    from engine.appdirs import log_dir

    return log_dir()


@pytest.fixture
def handler(qapp, logs):
    before = sys.excepthook, threading.excepthook
    h = crash.install_excepthook(qapp)
    assert sys.excepthook == h.excepthook and threading.excepthook == h.thread_excepthook
    yield h
    crash.uninstall_excepthook()
    assert (sys.excepthook, threading.excepthook) == before


def _crash_logs(folder: Path) -> list[Path]:
    return sorted(folder.glob("crash-*.log"))


def boom() -> None:
    raise ValueError("bad thing 42")


def test_exception_in_a_slot_shows_a_dialog_and_the_app_keeps_running(qtbot, handler, logs):
    alive = []
    QTimer.singleShot(0, boom)
    QTimer.singleShot(200, lambda: alive.append(True))  # the event loop goes on after the exception
    qtbot.waitUntil(lambda: handler.dialog is not None and handler.dialog.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: alive == [True], timeout=5000)
    dialog = handler.dialog
    assert dialog.summary_label.text() == "ValueError: bad thing 42"
    assert dialog.where_label.text() == f"where: test_crash_dialog.py, line {boom.__code__.co_firstlineno + 1}, in boom"
    [log] = _crash_logs(logs)
    assert str(log) in dialog.log_label.text()
    text = log.read_text()
    assert "Traceback (most recent call last)" in text and "ValueError: bad thing 42" in text and "in boom" in text
    assert "versions: Diffusion Lab" in text and "thread: MainThread" in text
    # Copy details puts the full report on the clipboard
    QGuiApplication.clipboard().setText("")
    qtbot.mouseClick(dialog.copy_button, Qt.LeftButton)
    assert QGuiApplication.clipboard().text() == dialog.details == text
    assert dialog.copy_button.text() == "Copied"
    dialog.close_button.click()
    qtbot.waitUntil(lambda: handler.dialog is None, timeout=3000)
    assert handler.count == 1


def test_exceptions_while_the_dialog_is_open_are_logged_not_stacked(qtbot, handler, logs, qapp):
    from PySide6.QtWidgets import QDialog

    for _i in range(4):
        QTimer.singleShot(0, boom)
    qtbot.waitUntil(lambda: handler.count == 4, timeout=5000)
    qtbot.waitUntil(lambda: handler.dialog is not None and handler.dialog.more == 3, timeout=5000)
    dialogs = [w for w in qapp.topLevelWidgets() if isinstance(w, QDialog) and w.objectName() == "crashDialog"
               and w.isVisible()]
    assert len(dialogs) == 1
    assert "3 more errors" in handler.dialog.more_label.text()
    [log] = _crash_logs(logs)  # one file per episode
    assert log.read_text().count("another error while the first was shown") == 3
    handler.dialog.reject()
    qtbot.waitUntil(lambda: handler.dialog is None, timeout=3000)
    QTimer.singleShot(0, boom)  # a later, separate error: a new dialog and a new log
    qtbot.waitUntil(lambda: handler.dialog is not None and handler.dialog.isVisible(), timeout=5000)
    assert len(_crash_logs(logs)) == 2 and handler.dialog.more == 0


def test_exception_in_a_worker_thread(qtbot, handler, logs):
    def work() -> None:
        raise RuntimeError("background failure")

    thread = threading.Thread(target=work, name="engine-thread")
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: handler.dialog is not None and handler.dialog.isVisible(), timeout=5000)
    assert handler.dialog.summary_label.text() == "RuntimeError: background failure"
    assert "thread: engine-thread" in handler.dialog.details
    assert len(_crash_logs(logs)) == 1


def test_a_failing_dialog_never_recurses(qtbot, handler, logs, monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise TypeError("the dialog itself is broken")

    monkeypatch.setattr(crash, "CrashDialog", broken)
    alive = []
    QTimer.singleShot(0, boom)
    QTimer.singleShot(100, lambda: alive.append(True))
    qtbot.waitUntil(lambda: alive == [True], timeout=5000)
    err = capsys.readouterr().err
    assert "the dialog itself is broken" in err  # printed by Python's default hook, once
    assert handler.count == 1 and len(_crash_logs(logs)) == 1
    monkeypatch.undo()
    QTimer.singleShot(0, boom)  # the handler recovered: the next error gets its dialog
    qtbot.waitUntil(lambda: handler.dialog is not None and handler.dialog.isVisible(), timeout=5000)


def test_keyboard_interrupt_keeps_its_meaning(handler):
    seen = []
    previous, handler.previous_hook = handler.previous_hook, lambda *exc: seen.append(exc[0])
    try:
        handler.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)
    finally:
        handler.previous_hook = previous
    assert seen == [KeyboardInterrupt] and handler.count == 0


def test_old_crash_logs_are_pruned(qtbot, handler, logs):
    for i in range(crash.MAX_CRASH_LOGS + 15):
        (logs / f"crash-20000101-000000-{i:06d}.log").write_text("old")
    QTimer.singleShot(0, boom)
    qtbot.waitUntil(lambda: handler.dialog is not None, timeout=5000)
    assert len(_crash_logs(logs)) == crash.MAX_CRASH_LOGS
    assert handler.log_paths[-1].exists()


def test_report_helpers():
    try:
        boom()
    except ValueError as exc:
        report = crash.format_report(type(exc), exc, exc.__traceback__, "T")
        assert crash.location(exc.__traceback__).endswith("in boom")
    assert "summary: ValueError: bad thing 42" in report
    long = crash.summarize(ValueError, ValueError("x" * 5000 + "\n\nmore"))
    assert len(long) < 500 and "\n" not in long


SCRIPT_NO_APP = r"""
import sys
sys.path.insert(0, sys.argv[1])
from gui.crash import install_excepthook
install_excepthook(None)
raise ValueError("no application yet")
"""

SCRIPT_APP = r"""
import sys
sys.path.insert(0, sys.argv[1])
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from gui.crash import install_excepthook
app = QApplication([])
handler = install_excepthook(app)
def boom():
    raise ZeroDivisionError("in a real event loop")
def check():
    ok = handler.dialog is not None and handler.dialog.isVisible()
    print("dialog visible" if ok else "no dialog", flush=True)
    app.exit(0 if ok else 5)
QTimer.singleShot(0, boom)
QTimer.singleShot(500, check)
sys.exit(app.exec())
"""


def _run(script: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, DIFFUSION_LAB_HOME=str(tmp_path / "home"), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-c", script, str(ROOT)], capture_output=True, text=True, env=env,
                          timeout=120, cwd=tmp_path)


def test_without_a_qapplication_the_default_hook_runs(tmp_path):
    proc = _run(SCRIPT_NO_APP, tmp_path)
    assert proc.returncode == 1
    assert "Traceback" in proc.stderr and "ValueError: no application yet" in proc.stderr
    assert list((tmp_path / "home" / "logs").glob("crash-*.log"))


def test_a_real_app_survives_an_uncaught_exception(tmp_path):
    proc = _run(SCRIPT_APP, tmp_path)
    assert proc.returncode == 0, (proc.stdout, proc.stderr[-2000:])
    assert "dialog visible" in proc.stdout
    [log] = list((tmp_path / "home" / "logs").glob("crash-*.log"))
    assert "ZeroDivisionError: in a real event loop" in log.read_text()


def test_unwritable_log_folder_still_shows_the_dialog(qtbot, handler, monkeypatch):
    def read_only():
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(crash, "_new_log_path", read_only)
    QTimer.singleShot(0, boom)
    qtbot.waitUntil(lambda: handler.dialog is not None and handler.dialog.isVisible(), timeout=5000)
    assert "could not be written" in handler.dialog.log_label.text()
    assert "bad thing 42" in handler.dialog.details
