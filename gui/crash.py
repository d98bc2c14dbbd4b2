"""Uncaught exceptions in the window: logged to a file and shown as a readable dialog, never a silent exit.

``install_excepthook(app)`` replaces :data:`sys.excepthook` (what PySide6 calls for an exception escaping a slot,
an event handler or a QThread) and :data:`threading.excepthook` (plain Python threads). Each exception is written
to ``log_dir()/crash-<timestamp>.log`` and a :class:`CrashDialog` shows a one-line summary, where it happened, the
log path, the full details, a "Copy details" button and Close. The app keeps running.

Re-entrancy: while a dialog is open (or about to open), further exceptions are appended to the same log file and
counted in the open dialog; they never stack more dialogs (an exception raised in every paint event would
otherwise bury the app). An exception inside the hook itself falls back to Python's default printing. Without a
QApplication (or before one exists) the previous hook runs (the log file is still written).
"""
from __future__ import annotations

import datetime as _dt
import logging
import platform
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

log = logging.getLogger(__name__)

MAX_CRASH_LOGS = 50  # older crash-*.log files are pruned so a long session cannot fill the disk
MAX_APPENDED = 100  # further tracebacks appended to one open episode's log; after that they are only counted
_SUMMARY_LIMIT = 400


# ------------------------------------------------------------------ report text
def _versions() -> str:
    parts = [f"Python {platform.python_version()}", f"{platform.system()} {platform.release()}"]
    try:
        from engine.version import __version__

        parts.insert(0, f"Diffusion Lab {__version__}")
    except Exception:  # noqa: BLE001 - a report must never fail for want of a version
        pass
    torch = sys.modules.get("torch")  # never import torch from the hook
    if torch is not None:
        parts.append(f"torch {getattr(torch, '__version__', '?')}")
    try:
        import PySide6

        parts.append(f"PySide6 {PySide6.__version__}")
    except Exception:  # noqa: BLE001
        pass
    return " | ".join(parts)


def summarize(exc_type: type[BaseException], exc: BaseException | None) -> str:
    """``ValueError: the message`` on one (possibly long) line, shortened to a readable length."""
    text = str(exc).strip() if exc is not None else ""
    text = " ".join(text.split())
    if len(text) > _SUMMARY_LIMIT:
        text = text[:_SUMMARY_LIMIT - 1] + "…"
    name = getattr(exc_type, "__name__", str(exc_type))
    return f"{name}: {text}" if text else name


def location(tb: TracebackType | None) -> str:
    """Where the exception was raised: ``training.py, line 12, in on_click``."""
    frames = traceback.extract_tb(tb) if tb is not None else []
    if not frames:
        return ""
    last = frames[-1]
    return f"{Path(last.filename).name}, line {last.lineno}, in {last.name}"


def format_report(exc_type, exc, tb, thread_name: str) -> str:
    when = _dt.datetime.now().isoformat(timespec="seconds")
    body = "".join(traceback.format_exception(exc_type, exc, tb))
    return (f"Diffusion Lab error report\ntime: {when}\nversions: {_versions()}\nthread: {thread_name}\n"
            f"summary: {summarize(exc_type, exc)}\n\n{body}")


def _new_log_path() -> Path:
    from engine.appdirs import log_dir

    folder = log_dir()
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    path = folder / f"crash-{stamp}.log"
    n = 1
    while path.exists():
        path = folder / f"crash-{stamp}-{n}.log"
        n += 1
    return path


def _prune_logs(folder: Path, keep: int = MAX_CRASH_LOGS) -> None:
    try:
        logs = sorted(folder.glob("crash-*.log"), key=lambda p: p.stat().st_mtime)
    except OSError:
        return
    for old in logs[:-keep] if len(logs) > keep else []:
        try:
            old.unlink()
        except OSError:
            pass


# ------------------------------------------------------------------ the dialog
class CrashDialog(QDialog):
    """What the user sees: summary, where, the log path, the details, "Copy details" and Close."""

    def __init__(self, summary: str, where: str, details: str, log_path: Path | None, parent=None):
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle(self.tr("Diffusion Lab: unexpected error"))
        self.setAttribute(Qt.WA_DeleteOnClose, False)
        self.details = details
        self.log_path = log_path
        self.more = 0

        headline = QLabel(self.tr("<b>Something went wrong.</b> Diffusion Lab is still running: the action you "
                                  "were doing did not finish, but your window and data are still open. Saving your "
                                  "work now is a good idea."))
        headline.setWordWrap(True)
        self.summary_label = QLabel(summary)
        self.summary_label.setObjectName("crashSummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.where_label = QLabel(self.tr("where: {0}").format(where) if where else "")
        self.where_label.setVisible(bool(where))
        where_text = str(log_path) if log_path else self.tr("(the log file could not be written)")
        self.log_label = QLabel(self.tr("details were saved to: {0}").format(where_text))
        self.log_label.setObjectName("crashLogPath")
        self.log_label.setWordWrap(True)
        self.log_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.more_label = QLabel("")
        self.more_label.setObjectName("crashMore")
        self.more_label.setVisible(False)

        self.details_view = QPlainTextEdit(details)
        self.details_view.setReadOnly(True)
        self.details_view.setFont(QFontDatabase.systemFont(QFontDatabase.FixedFont))
        self.details_view.setMinimumHeight(160)

        self.copy_button = QPushButton(self.tr("Copy details"))
        self.copy_button.setObjectName("crashCopy")
        self.copy_button.clicked.connect(self.copy_details)
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        self.close_button = buttons.button(QDialogButtonBox.Close)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.copy_button)
        row.addStretch(1)
        row.addWidget(buttons)

        layout = QVBoxLayout(self)
        for widget in (headline, self.summary_label, self.where_label, self.log_label, self.more_label):
            layout.addWidget(widget)
        layout.addWidget(self.details_view, 1)
        layout.addLayout(row)
        self.resize(640, 420)

    @Slot()
    def copy_details(self) -> None:
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(self.details)
            self.copy_button.setText(self.tr("Copied"))

    def add_more(self, count: int = 1) -> None:
        """Another exception happened while this dialog was open; it is in the same log file."""
        self.more += count
        text = (self.tr("{0} more error happened after this one; see the log file.") if self.more == 1 else
                self.tr("{0} more errors happened after this one; see the log file."))
        self.more_label.setText(text.format(self.more))
        self.more_label.setVisible(True)


# ------------------------------------------------------------------ the hook
class CrashHandler(QObject):
    """Installed by :func:`install_excepthook`. ``dialog`` is the open dialog (or None), ``log_paths`` the crash
    logs written, ``count`` the exceptions handled."""

    _request = Signal(object)  # any thread -> GUI thread

    def __init__(self, app: QApplication | None = None):
        super().__init__()
        self.app = app
        self.previous_hook = sys.excepthook
        self.previous_thread_hook = threading.excepthook
        self.dialog: CrashDialog | None = None
        self.log_paths: list[Path] = []
        self.count = 0
        self._episode = False  # True from the first exception until its dialog closes
        self._episode_log: Path | None = None  # that episode's log file (None when it could not be written)
        self._appended = 0
        self._lock = threading.RLock()
        self._local = threading.local()
        self._installed = False
        self._request.connect(self._present, Qt.QueuedConnection)

    # -------------------------------------------------------------- install
    def install(self) -> CrashHandler:
        if not self._installed:
            self.previous_hook = sys.excepthook
            self.previous_thread_hook = threading.excepthook
            sys.excepthook = self.excepthook
            threading.excepthook = self.thread_excepthook
            self._installed = True
        return self

    def uninstall(self) -> None:
        if self._installed:
            if sys.excepthook == self.excepthook:
                sys.excepthook = self.previous_hook
            if threading.excepthook == self.thread_excepthook:
                threading.excepthook = self.previous_thread_hook
            self._installed = False

    # -------------------------------------------------------------- hooks
    def excepthook(self, exc_type, exc, tb) -> None:
        self.handle(exc_type, exc, tb, threading.current_thread().name)

    def thread_excepthook(self, args) -> None:  # threading.ExceptHookArgs
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread is not None else threading.current_thread().name
        self.handle(args.exc_type, args.exc_value, args.exc_traceback, name)

    def handle(self, exc_type, exc, tb, thread_name: str = "") -> None:
        """Log ``exc`` and show (or update) the dialog. Never raises."""
        if exc_type is not None and issubclass(exc_type, KeyboardInterrupt):
            self._fallback(exc_type, exc, tb)  # Ctrl+C in a terminal keeps its usual meaning
            return
        if getattr(self._local, "busy", False):  # an exception while handling one: print it, do not recurse
            self._print_default(exc_type, exc, tb)
            return
        self._local.busy = True
        try:
            self._handle(exc_type, exc, tb, thread_name)
        except Exception:  # noqa: BLE001 - the hook itself failed: Python's default printing, then go on
            self._print_default(exc_type, exc, tb)
            self._print_default(*sys.exc_info())
        finally:
            self._local.busy = False

    def _handle(self, exc_type, exc, tb, thread_name: str) -> None:
        report = format_report(exc_type, exc, tb, thread_name or "?")
        log.error("uncaught exception in thread %s: %s", thread_name, summarize(exc_type, exc))
        app = QApplication.instance()
        have_gui = isinstance(app, QApplication)
        with self._lock:
            self.count += 1
            first = not self._episode
            path = self._write(report, new_file=first or not have_gui)
            if have_gui and first:
                self._episode, self._episode_log = True, path
        if not have_gui:
            self._fallback(exc_type, exc, tb)
            return
        payload = {"summary": summarize(exc_type, exc), "where": location(tb), "details": report,
                   "log": path, "first": first}
        if threading.current_thread() is threading.main_thread():  # the Qt GUI thread
            self._present(payload)
        else:
            self._request.emit(payload)

    def _write(self, report: str, new_file: bool) -> Path | None:
        try:
            if new_file or self._episode_log is None:
                path = _new_log_path()
                path.write_text(report, encoding="utf-8")
                self.log_paths.append(path)
                self._appended = 0
                _prune_logs(path.parent)
                return path
            self._appended += 1
            if self._appended <= MAX_APPENDED:
                with open(self._episode_log, "a", encoding="utf-8") as fh:
                    fh.write("\n" + "=" * 72 + "\nanother error while the first was shown:\n" + report)
            return self._episode_log
        except Exception as exc:  # noqa: BLE001 - disk full / read-only: still show the dialog
            log.warning("cannot write the crash log: %s", exc)
            return None

    @Slot(object)
    def _present(self, payload: dict) -> None:
        try:
            if self.dialog is not None and self.dialog.isVisible():
                self.dialog.add_more(1)
                return
            if not payload.get("first", True) and self.dialog is not None:
                self.dialog.add_more(1)
                return
            self.dialog = CrashDialog(payload["summary"], payload["where"], payload["details"], payload["log"],
                                      parent=None)
            self.dialog.finished.connect(self._closed)
            self.dialog.setWindowModality(Qt.ApplicationModal)
            self.dialog.show()
            self.dialog.raise_()
            self.dialog.activateWindow()
        except Exception:  # noqa: BLE001
            with self._lock:
                self._episode, self._episode_log = False, None
            self._print_default(*sys.exc_info())

    @Slot()
    def _closed(self) -> None:
        with self._lock:
            self._episode, self._episode_log = False, None
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.deleteLater()

    # -------------------------------------------------------------- fallbacks
    def _fallback(self, exc_type, exc, tb) -> None:
        hook = self.previous_hook if self.previous_hook not in (None, self.excepthook) else sys.__excepthook__
        try:
            hook(exc_type, exc, tb)
        except Exception:  # noqa: BLE001
            self._print_default(exc_type, exc, tb)

    @staticmethod
    def _print_default(exc_type, exc, tb) -> None:
        try:
            if exc_type is not None:
                sys.__excepthook__(exc_type, exc, tb)
        except Exception:  # noqa: BLE001 - stderr closed: nothing more can be done
            pass


_handler: CrashHandler | None = None


def install_excepthook(app: QApplication | None = None) -> CrashHandler:
    """Install (once) the crash handler for ``app``; returns it. Call right after creating the QApplication."""
    global _handler
    if _handler is not None:
        _handler.app = app or _handler.app
        return _handler.install()
    _handler = CrashHandler(app).install()
    if app is not None:
        _handler.moveToThread(app.thread())
    return _handler


def uninstall_excepthook() -> None:
    """Restore the previous hooks (tests; the app never needs it)."""
    global _handler
    if _handler is not None:
        _handler.uninstall()
        dialog = _handler.dialog
        if dialog is not None:
            dialog.close()
        _handler = None


def crash_log_dir() -> Path:
    from engine.appdirs import log_dir

    return log_dir()


__all__ = ["CrashDialog", "CrashHandler", "install_excepthook", "uninstall_excepthook", "crash_log_dir",
           "format_report", "summarize", "location"]
