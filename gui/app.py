"""Start the window: QApplication + qasync event loop + theme + :class:`MainWindow`."""
from __future__ import annotations

import asyncio
import logging
import sys

log = logging.getLogger(__name__)

ORG_NAME = "DiffusionLab"
APP_NAME = "DiffusionLab"
DISPLAY_NAME = "Diffusion Lab"


def run_gui(argv: list[str] | None = None, *, selftest: bool = False) -> int:
    """Run the GUI until the window closes; returns the process exit code.

    ``selftest``: open the window, let the event loop run briefly, close it and return 0 if nothing failed
    (used by packaging smoke tests; callers may extend what it checks).
    """
    argv = list(sys.argv if argv is None else argv)
    import qasync
    from PySide6.QtCore import QCoreApplication, Qt, QTimer
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setOrganizationName(ORG_NAME)
    QCoreApplication.setApplicationName(APP_NAME)
    QGuiApplication.setApplicationDisplayName(DISPLAY_NAME)
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication(argv)
    app.setDesktopFileName("io.github.diffusionlab.DiffusionLab")
    from gui.crash import install_excepthook

    install_excepthook(app)  # an uncaught exception is logged and shown as a dialog, never a silent exit

    from gui import i18n, theme
    from gui.main_window import MainWindow
    from gui.settings import Settings

    settings = Settings()
    # the saved View › Language choice, else the system's: before any widget exists, so every tr() sees it
    i18n.install(app, i18n.resolve(settings.language()))
    theme.apply_theme(app, settings.theme())
    app.setWindowIcon(theme.app_icon())

    from gui import jobs

    # one asyncio loop on Qt's event loop: short background jobs (gui/jobs.py) are coroutines on it
    loop = jobs.install_loop(qasync.QEventLoop(app))
    exit_code = 0
    failures: list[str] = []

    window = MainWindow(settings=settings)
    window.show()
    if not selftest:
        def _offer_restore() -> None:
            from gui.restore import offer_restore

            path = offer_restore(window)
            if path and window.worker is not None:
                window.worker.load_checkpoint(str(path))
            from gui.start_page import should_show_start_page, show_start_page

            if should_show_start_page(settings):  # after the window (and any restore question): never by MainWindow
                show_start_page(window)
        QTimer.singleShot(0, _offer_restore)

    if selftest:
        def _finish() -> None:
            if not window.isVisible():
                failures.append("the main window is not visible")
            else:
                from gui.selftest import run_selftest
                if run_selftest(window, app) != 0:
                    failures.append("the end-to-end check failed (see above)")
            window.close()
        QTimer.singleShot(1500, _finish)

    closed = asyncio.Event()
    app.lastWindowClosed.connect(closed.set)
    app.aboutToQuit.connect(closed.set)
    try:
        with loop:
            loop.run_until_complete(closed.wait())
            jobs.shutdown()  # the window's own jobs ended with it; anything left (a dialog's) ends here
    except RuntimeError as exc:  # the loop was stopped from elsewhere (app.quit during shutdown)
        log.debug("event loop ended: %s", exc)
    if failures:
        for line in failures:
            print(f"selftest: {line}", file=sys.stderr)
        exit_code = 1
    return exit_code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(run_gui())
