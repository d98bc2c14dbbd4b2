"""Two tiny run folders written by the real ``diffusion-lab train`` (moons, 30 steps, 50 timesteps: a few seconds),
for the run-reading engine tests and the Runs tab tests.

``a``: lr 0.002 (the moons default), quality scored every 10 steps, a time-lapse frame every 10 steps.
``b``: lr 0.001, no quality scores, a time-lapse frame every 15 steps.
"""
from __future__ import annotations

from pathlib import Path

FAST = ["--dataset", "moons", "--model", "tiny", "--batch-size", "64", "--timesteps", "50", "--steps", "30",
        "--quiet"]


def train_runs(parent: Path) -> tuple[Path, Path]:
    from engine.cli import main

    a, b = parent / "a", parent / "b"
    if (parent / "done").exists():  # trained once per test session (the folders are only read)
        return a, b
    assert main(["train", *FAST, "--quality-every", "10", "--timelapse-every", "10", "--out", str(a)]) == 0
    assert main(["train", *FAST, "--lr", "0.001", "--timelapse-every", "15", "--out", str(b)]) == 0
    (parent / "done").touch()
    return a, b


def session_runs(tmp_path_factory) -> tuple[Path, Path]:
    """:func:`train_runs` in one folder per test session, shared by every module that asks."""
    parent = tmp_path_factory.getbasetemp() / "cli_runs"
    parent.mkdir(exist_ok=True)
    return train_runs(parent)
