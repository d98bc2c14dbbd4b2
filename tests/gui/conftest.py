"""GUI test setup: offscreen Qt, QSettings isolated in a temp folder, and a ``main_window`` fixture.

``main_window`` builds the real :class:`gui.main_window.MainWindow` with its own INI settings file, shows it and
closes it after the test. ``make_window`` builds more windows over the *same* settings file (restart tests).
"""
from __future__ import annotations

import json
import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import
os.environ.setdefault("DIFFUSION_LAB_THREADS", "1")
if os.environ["QT_QPA_PLATFORM"] == "offscreen":
    # the offscreen platform's default screen is 800x800, smaller than the window's minimum size, so window
    # geometry would be clamped; give it a 1920x1080 screen (Qt's offscreen "configfile" option)
    _screen = os.path.join(tempfile.mkdtemp(prefix="dl-qt-screen-"), "screen.json")
    with open(_screen, "w", encoding="utf-8") as fh:
        json.dump({"screens": [{"name": "test", "x": 0, "y": 0, "width": 1920, "height": 1080,
                                "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}, fh)
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_screen}"

import pytest
from PySide6.QtCore import QCoreApplication, QSettings


@pytest.fixture(scope="session", autouse=True)
def _isolated_qsettings(tmp_path_factory):
    """Any QSettings() made without a file (the app's default) lands in a temp folder, never the user's."""
    folder = tmp_path_factory.mktemp("qsettings")
    QSettings.setDefaultFormat(QSettings.IniFormat)
    for scope in (QSettings.UserScope, QSettings.SystemScope):
        QSettings.setPath(QSettings.IniFormat, scope, str(folder))
    QCoreApplication.setOrganizationName("DiffusionLabTests")
    QCoreApplication.setApplicationName("DiffusionLabTests")
    yield folder


@pytest.fixture
def settings_path(tmp_path):
    return tmp_path / "settings.ini"


@pytest.fixture
def make_window(qtbot, settings_path):
    from gui.main_window import MainWindow
    from gui.settings import Settings

    windows = []

    def make(*, show: bool = True, size: tuple[int, int] | None = None):
        window = MainWindow(settings=Settings.from_file(settings_path))
        windows.append(window)
        if size is not None:
            window.resize(*size)
        if show:
            window.show()
            qtbot.waitExposed(window)
        return window

    yield make
    for window in windows:
        window.close()
        window.deleteLater()
    QCoreApplication.processEvents()


@pytest.fixture
def main_window(make_window):
    return make_window()


@pytest.fixture
def wait_for_data(qtbot):
    """``wait_for_data(window, kind=None)``: wait until the dataset has loaded and the Forward tab has its x0."""

    def wait(window, kind: str | None = None, timeout: int = 30000) -> None:
        def ready() -> bool:
            ds = window.datasets.dataset()
            panel = window.forward_panel
            return (ds is not None and panel.x0 is not None and (kind is None or panel.mode == kind)
                    and panel.dataset is ds)

        qtbot.waitUntil(ready, timeout=timeout)

    return wait


@pytest.fixture
def worker(qtbot):
    """A started :class:`gui.worker.EngineWorker` (one torch thread, no autosave), shut down after the test."""
    from gui.worker import EngineWorker

    w = EngineWorker(torch_threads=1, autosave_every_s=0)
    w.start()
    yield w
    w.shutdown(timeout_ms=5000)


@pytest.fixture
def nan_after(monkeypatch):
    """``nan_after(k)``: the training loss turns NaN from step ``k + 1`` on (a deterministic divergence)."""

    def arm(good_steps: int) -> None:
        import engine.training as training

        original = training.diffusion_loss
        calls = {"n": 0}

        def patched(*args, **kwargs):
            result = original(*args, **kwargs)
            calls["n"] += 1
            if calls["n"] > good_steps:
                result.loss = result.loss * float("nan")
            return result

        monkeypatch.setattr(training, "diffusion_loss", patched)

    return arm
