"""Locate bundled resource files (icons, data) from a source checkout and from a PyInstaller bundle (no Qt: the engine
loads its shipped data through this too)."""
from __future__ import annotations

import sys
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """Path of ``resources/<parts...>``.

    In a source checkout (or an installed package) ``resources/`` sits next to ``engine/``; inside a PyInstaller
    bundle it is unpacked under ``sys._MEIPASS`` (the spec file adds it as ``resources``). The returned path is not
    checked for existence, so callers can test ``.is_file()`` and fall back.
    """
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidate = Path(bundle, "resources", *parts)
        if candidate.exists():
            return candidate
    return Path(__file__).resolve().parent.parent.joinpath("resources", *parts)
