"""``python -m bench.compare_latency [--repeats 5] [--n-points 2000] [--n-digits 64]``

Issue 13's "switching sampler or steps in the compare view and pressing Compare gives the first frame on screen
within 0.5 s for 2000 points or 64 digits on 2 CPU cores".

The real :class:`gui.main_window.MainWindow` (offscreen unless ``QT_QPA_PLATFORM`` says otherwise, a throw-away
settings file and app folder) gets a model on its worker: a moons model (the dataset's default network, trained
``--train-steps-moons`` steps, default 200; 0 = freshly initialised) and a digits model (the default network, trained
``--train-steps-digits`` steps, default 0 = freshly initialised: what is measured, the first frame, is x_T and needs
no model evaluation, so the weights do not change it). The Compare tab's columns are set (default DDIM-10, DPM++-10,
DDPM-1000); then, ``--repeats`` times, one column's steps change (a new run each time), Compare is clicked, and the
clock runs until the first column's view holds the new run's samples (its plot holds n points, or its grid n images:
the tab empties every column when Compare is pressed, so nothing older can be counted), polling the widget between
event-loop passes. Then Cancel, and the next repeat waits for the cancelled comparison to end. Reported: median and
max per dataset, and the load average at start and end (the numbers mean little on a busy machine).
"""
from __future__ import annotations

import argparse
import datetime as _dt
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.machine import loadavg, wait_until

RESULTS = Path(__file__).resolve().parent / "results" / "compare_latency.md"
TARGET_S = 0.5
DEFAULT_COLUMNS = "ddim:10,dpmpp_2m:10,ddpm:1000"


def make_trainer(dataset: str, train_steps: int, preset: str | None):
    from engine.presets import default_config
    from engine.training import Trainer

    cfg = default_config(dataset)
    cfg.training.preview_every = 0
    cfg.training.steps = max(1, int(train_steps))
    if preset:
        cfg.model.preset = preset
    trainer = Trainer(cfg)
    for _ in range(int(train_steps)):
        trainer.step()
    return trainer


def measure(window, trainer, n: int, columns: list[tuple[str, int]], repeats: int, timeout_s: float) -> list[float]:
    """Seconds from the Compare click to the new run's first frame in the first column, ``repeats`` times."""
    worker, panel = window.worker, window.compare_panel
    window.tabs.setCurrentWidget(panel)
    worker.set_trainer(trainer)
    if not wait_until(lambda: panel.run_button.isEnabled() and worker.model() is not None
                      and worker.model().dataset == trainer.config.data.dataset, 120.0, slice_ms=5):
        raise TimeoutError("the model did not reach the Compare tab")
    while len(panel.columns) > len(columns):
        panel.remove_column(panel.columns[-1])
    while len(panel.columns) < len(columns):
        panel.add_column("ddim", 10)
    T = trainer.schedule.timesteps
    for column, (sampler, steps) in zip(panel.columns, columns):
        column.sampler_menu.set_sampler(sampler)
        column.steps_spin.setValue(min(steps, T))
    panel.n_spin.setValue(n)
    if panel.n_spin.value() != n:
        raise ValueError(f"the Compare tab takes at most {panel.n_spin.maximum()} samples, not {n}")
    seconds = []
    for k in range(repeats):
        first = panel.columns[0]
        first.steps_spin.setValue(columns[0][1] + (k % 2))  # switching steps: a new run every time
        if not wait_until(panel.run_button.isEnabled, timeout_s, slice_ms=5):
            raise TimeoutError("the Compare button did not come back")
        pressed = time.perf_counter()
        panel.run_button.click()
        if not wait_until(lambda first=first: first.shown_points() == n, timeout_s, slice_ms=5):
            raise TimeoutError(f"no frame in the first column within {timeout_s:g} s")
        seconds.append(time.perf_counter() - pressed)
        panel.cancel()
        wait_until(panel.run_button.isEnabled, timeout_s, slice_ms=5)  # the cancelled comparison has ended
    return seconds


def run(repeats: int = 5, n_points: int = 2000, n_digits: int = 64, columns: str = DEFAULT_COLUMNS,
        train_steps_moons: int = 200, train_steps_digits: int = 0, preset: str | None = None,
        out: Path | None = RESULTS, timeout_s: float = 60.0) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    scratch = Path(tempfile.mkdtemp(prefix="dl-compare-latency-"))
    os.environ.setdefault("DIFFUSION_LAB_HOME", str(scratch / "home"))
    from PySide6.QtWidgets import QApplication

    from gui.main_window import MainWindow
    from gui.settings import Settings

    cols = [(name, int(steps)) for name, steps in (c.split(":") for c in columns.split(","))]
    app = QApplication.instance() or QApplication([])
    load_start = loadavg()
    trainers = {"moons": (make_trainer("moons", train_steps_moons, preset), n_points, train_steps_moons),
                "digits": (make_trainer("digits", train_steps_digits, preset), n_digits, train_steps_digits)}
    window = MainWindow(settings=Settings.from_file(scratch / "settings.ini"), restore=False)
    window.show()
    rows = []
    try:
        for dataset, (trainer, n, trained) in trainers.items():
            s = measure(window, trainer, n, cols, repeats, timeout_s)
            rows.append({"dataset": dataset, "n": n, "trained": trained, "model": trainer.config.model.preset,
                         "T": trainer.schedule.timesteps, "seconds": s, "median": float(np.median(s)),
                         "max": float(np.max(s))})
    finally:
        window.close()
        app.processEvents()
    report = {
        "rows": rows, "columns": cols, "repeats": repeats, "target_s": TARGET_S,
        "torch_threads": getattr(window.worker, "torch_threads", None), "load_start": load_start,
        "load_end": loadavg(), "platform": os.environ.get("QT_QPA_PLATFORM", ""),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }
    report["meets_target"] = all(r["max"] < TARGET_S for r in rows)
    if out is not None:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(to_markdown(report), encoding="utf-8")
    return report


def to_markdown(r: dict) -> str:
    from gui.panels.sampler_fields import sampler_name

    names = ", ".join(f"{sampler_name(s)}-{k}" for s, k in r["columns"])
    lines = [
        "# Compare tab: first frame on screen after pressing Compare", "",
        f"{r['date']} · {r['machine']} · Qt platform {r['platform'] or 'default'} · worker threads "
        f"{r['torch_threads']} · load average (1/5/15 min) at start {r['load_start']}, at end {r['load_end']}", "",
        f"MainWindow, Compare tab, columns {names}; each repeat changes the first column's steps, clicks Compare and "
        "times until the first column's view holds the new run's n samples (then Cancel). "
        f"{r['repeats']} repeats per model.", "",
        "| model | n | network | trained steps | T | median s | max s | all s |",
        "|---|---:|---|---:|---:|---:|---:|---|",
    ]
    for row in r["rows"]:
        trained = f"{row['trained']}" if row["trained"] else "0 (freshly initialised)"
        lines.append(f"| {row['dataset']} | {row['n']} | {row['model']} | {trained} | {row['T']} | "
                     f"{row['median']:.3f} | {row['max']:.3f} | "
                     f"{', '.join(f'{v:.3f}' for v in row['seconds'])} |")
    verdict = "meets" if r["meets_target"] else "misses"
    lines += ["", f"Target: first frame within {r['target_s']:g} s: **{verdict}** it (max over repeats). Reproduce "
              "with `python -m bench.compare_latency` on an otherwise idle machine.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.compare_latency", description=__doc__.split("\n\n")[1])
    p.add_argument("--repeats", type=int, default=5, help="Compare clicks per model (default 5)")
    p.add_argument("--n-points", type=int, default=2000, help="samples per column for moons (default 2000)")
    p.add_argument("--n-digits", type=int, default=64, help="samples per column for digits (default 64)")
    p.add_argument("--columns", default=DEFAULT_COLUMNS, help=f"sampler:steps,... (default {DEFAULT_COLUMNS})")
    p.add_argument("--train-steps-moons", type=int, default=200, help="moons training steps (0 = fresh model)")
    p.add_argument("--train-steps-digits", type=int, default=0, help="digits training steps (default 0: fresh)")
    p.add_argument("--preset", default=None, help="model preset for both (default: each dataset's default)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for one frame before giving up")
    p.add_argument("--out", default=str(RESULTS), help="the markdown report to write")
    args = p.parse_args(argv)
    r = run(args.repeats, args.n_points, args.n_digits, args.columns, args.train_steps_moons,
            args.train_steps_digits, args.preset, Path(args.out), args.timeout)
    for row in r["rows"]:
        print(f"{row['dataset']} n={row['n']}: median {row['median']:.3f} s, max {row['max']:.3f} s (target < "
              f"{TARGET_S:g})", file=sys.stderr)
    print(f"load {r['load_start']} -> {r['load_end']} -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
