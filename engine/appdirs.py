"""Where the app may write on its own: one per-user folder (settings, logs, autosaves), nowhere else.

``DIFFUSION_LAB_HOME`` overrides it (tests, portable installs); otherwise platformdirs' user data folder.
"""
from __future__ import annotations

import os
from pathlib import Path


def app_dir() -> Path:
    override = os.environ.get("DIFFUSION_LAB_HOME")
    if override:
        path = Path(override)
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir("DiffusionLab", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def autosave_dir() -> Path:
    path = app_dir() / "autosave"
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    path = app_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path
