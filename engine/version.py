"""The app version, with one source of truth: ``pyproject.toml``.

An installed package reports it through its metadata; a source checkout (or a frozen bundle that ships
pyproject.toml as a resource) reads the file directly.
"""
from __future__ import annotations

import re
from pathlib import Path


def _read_version() -> str:
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "pyproject.toml", here / "pyproject.toml"):
        if candidate.is_file():
            match = re.search(r'^version\s*=\s*"([^"]+)"', candidate.read_text(encoding="utf-8"), re.M)
            if match:
                return match.group(1)
    try:
        from importlib.metadata import version

        return version("diffusion-lab")
    except ImportError:  # not installed (PackageNotFoundError is an ImportError) and no pyproject next to us
        return "0.0.0+unknown"


__version__ = _read_version()
