"""The GUI toolkit's versions, for ``diffusion-lab --version`` (via main.py) and Help > About.

Lives in ``gui/`` because finding them imports Qt, and nothing under ``engine/`` may."""
from __future__ import annotations


def qt_versions() -> str:
    """``"Qt 6.11.3 · PySide6 6.11.3"``, or ``"not installed"``."""
    try:
        import PySide6
        from PySide6.QtCore import qVersion
    except ImportError:
        return "not installed"
    return f"Qt {qVersion()} · PySide6 {PySide6.__version__}"
