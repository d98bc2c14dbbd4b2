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
