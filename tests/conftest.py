"""Shared test setup: headless Qt, a private settings/autosave folder, and few threads (CI has 2 cores)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTHONHASHSEED", "0")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _private_app_dirs(tmp_path_factory, monkeypatch):
    """Keep the app's settings, logs and autosaves out of the user's home during tests."""
    base = tmp_path_factory.getbasetemp() / "appdirs"
    monkeypatch.setenv("DIFFUSION_LAB_HOME", str(base))
    yield


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A test that switches the window to another language (tests/gui/test_i18n.py, the Chinese journey, the 1280 px
    layout test in zh_CN) must not leave its translator installed: later tests read English texts."""
    yield
    i18n = sys.modules.get("gui.i18n")
    if i18n is not None and i18n.current() != i18n.SOURCE_LANGUAGE:
        from PySide6.QtCore import QCoreApplication

        app = QCoreApplication.instance()
        if app is not None:
            i18n.install(app, i18n.SOURCE_LANGUAGE)


def pytest_collection_modifyitems(config, items):
    """Tests marked ``soak`` (the 20-minute window soak) run only when asked for: ``pytest -m soak``. The README's
    test command (packaging/bootstrap.py test = plain pytest) skips them; the 90-second soak runs by default."""
    if "soak" in (config.getoption("markexpr", "") or ""):
        return
    skip = pytest.mark.skip(reason="long soak: run with -m soak")
    for item in items:
        if item.get_closest_marker("soak") is not None:
            item.add_marker(skip)
