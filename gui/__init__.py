"""Diffusion Lab's window: PySide6 + pyqtgraph views over the Qt-free ``engine`` package.

Entry point: :func:`gui.app.run_gui`. Nothing here is imported by ``engine``.

PySide6 6.12.0 is excluded in pyproject.toml: on CPython 3.11 it drops a reference to ``None`` on every ``void``
call and the interpreter aborts after about a thousand Qt calls ("none_dealloc"); 6.11.3 is clean.
"""
from __future__ import annotations
