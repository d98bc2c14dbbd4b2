"""Diffusion Lab entry point: no arguments opens the window; a subcommand runs the headless CLI.

    python main.py                      # the visual lab
    python main.py train --dataset moons --out runs/moons
    diffusion-lab sample --run runs/moons --out moons.png
"""
from __future__ import annotations

import sys

GUI_FLAGS = ("--selftest",)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or all(a in GUI_FLAGS for a in argv):
        from gui.app import run_gui

        return run_gui(argv, selftest="--selftest" in argv)
    from engine.cli import main as cli_main

    return cli_main(argv, frontend_versions=_gui_versions)


def _gui_versions() -> list[str]:
    """``--version``'s GUI line; found in gui/ because it imports Qt (engine/ never does)."""
    from gui.versions import qt_versions

    return [f"GUI: {qt_versions()}"]


if __name__ == "__main__":
    sys.exit(main())
