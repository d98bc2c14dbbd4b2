"""The ``window`` section: the real MainWindow (offscreen) as a user drives it.

1. Responsiveness: event-loop lateness while its worker trains the digits default (gui/responsiveness.py, the probe
   tests/gui/test_responsiveness.py bounds), then the same config headless in this process for the speed ratio.
2. Quality through the window: the digits training split is written to a labelled ``.npz`` in a scratch folder and
   chosen as the dataset in the Experiment dock (after picking "digits", as a user would: every untouched field keeps
   the digits default); the dock's time budget is set to the headless digits budgets (cumulative: "Continue current
   model" for the later ones) and Run > Train starts it. After each budget the model is saved through the Training
   tab's own checkpoint path, loaded with engine code and scored exactly like the headless digits rows.
3. Sampling latency: the Sampling tab's Sample button (DDIM-50, 64 samples) on that model, timed to its first frame
   on screen (then Cancel: the rest of the run is not measured).
"""
from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from bench.common import classifier, progress, score_trainer
from bench.machine import loadavg, wait_until
from bench.sections_quality import digits_budgets
from engine import metrics

FIRST_FRAME_TARGET_S = 0.2
DATA_PATH_NOTE = ("digits_split(0) train part written to a labelled .npz (x in [-1, 1], labels) and chosen as the "
                  "dataset in the Experiment dock after picking digits; time budget and steps cap set in the dock; "
                  "Run > Train; checkpoint saved by the Training tab, loaded with engine.checkpoint")


def write_split_npz(train, folder: Path) -> Path:
    """The training split as a user's labelled array file (engine/data/arrays.py reads keys x and labels)."""
    path = folder / "digits-train.npz"
    np.savez(path, x=train.x.numpy().astype(np.float32), labels=train.labels.numpy().astype(np.int64))
    return path


def _signal_once(signal, timeout_s: float, start) -> object:
    """Connect to ``signal``, call ``start()``, run the event loop until it fires; its argument."""
    got: list = []

    def slot(event) -> None:
        got.append(event)

    signal.connect(slot)
    try:
        start()
        if not wait_until(lambda: bool(got), timeout_s, slice_ms=20):
            raise TimeoutError(f"no {signal} within {timeout_s:g} s")
    finally:
        signal.disconnect(slot)
    return got[0]


def train_in_window(window, npz: Path, budgets: list[float], on_budget) -> list[dict]:
    """Train through the dock and Run > Train for the cumulative ``budgets``; ``on_budget(budget, ckpt_path)``
    after each, with a checkpoint saved through the Training tab."""
    form, panel, worker = window.form, window.training_panel, window.worker
    form.set_dataset("digits")
    form.set_dataset(str(npz))
    form.set_field_text("training.steps", "1000000")  # the budget is the limit, as for the headless rows
    rows, done = [], 0.0
    folder = npz.parent
    for k, budget in enumerate(budgets):
        form.set_field_text("training.time_budget", f"{budget - done:g}")
        done = budget
        panel.continue_check.setChecked(k > 0)
        if not form.is_valid():
            raise RuntimeError(f"the dock refused the experiment: {form.errors()}")
        t0 = time.monotonic()
        finished = _signal_once(worker.trainingFinished, budget + 300, window.train)
        trained = time.monotonic() - t0
        path = folder / f"window-{budget:g}s.safetensors"
        saved = _signal_once(worker.checkpointSaved, 120, lambda path=path: panel.save_checkpoint_to(path))
        rows.append(on_budget(budget, Path(saved.path), {"reason": finished.reason, "steps": int(finished.step),
                                                         "train_s": trained}))
    return rows


def first_frame_latency(window, repeats: int, timeout_s: float = 60.0) -> list[float]:
    """Seconds from clicking the Sampling tab's Sample (DDIM-50, 64 samples) to its first frame on screen: our slot
    is connected after the panel's, so it runs once the panel has drawn the frame."""
    panel, worker = window.sampling_panel, window.worker
    window.tabs.setCurrentWidget(panel)
    panel.sampler_combo.set_sampler("ddim")
    panel.steps_spin.setValue(50)
    panel.n_spin.setValue(64)
    seen: dict = {}

    def on_frame(_frame) -> None:
        seen.setdefault("at", time.perf_counter())

    worker.samplingProgress.connect(on_frame)
    seconds = []
    try:
        for _ in range(repeats):
            if not wait_until(panel.run_button.isEnabled, timeout_s, slice_ms=5):
                raise TimeoutError("the Sample button did not come back")
            seen.clear()
            pressed = time.perf_counter()
            panel.run_button.click()
            if not wait_until(lambda: "at" in seen, timeout_s, slice_ms=1):
                raise TimeoutError(f"no sampling frame within {timeout_s:g} s")
            seconds.append(seen["at"] - pressed)
            panel.cancel()  # only the first frame is measured; the next click waits for the cancelled run to end
    finally:
        worker.samplingProgress.disconnect(on_frame)
    return seconds


def _not_default(cfg) -> list[str]:
    """The fields of a checkpoint's experiment that differ from the digits default (the dataset path aside)."""
    from engine.presets import default_config

    ours, base = cfg.to_dict(), default_config("digits").to_dict()
    return sorted(f"{sec}.{k}" for sec, fields in base.items() if isinstance(fields, dict)
                  for k, v in fields.items() if ours[sec].get(k) != v and f"{sec}.{k}" != "data.dataset")


def _responsiveness(window, duration: float, cli_threads: int) -> dict:
    from engine.data import images as _images
    from engine.presets import default_config
    from engine.session import TrainingSession
    from engine.training import Trainer
    from gui.responsiveness import measure_training

    cfg = default_config("digits")
    m = measure_training(window, cfg, duration)
    torch.set_num_threads(cli_threads)
    headless_cfg = cfg.copy()
    headless_cfg.training.steps = 10_000_000
    trainer = Trainer(headless_cfg, dataset=_images.load_digits())
    t1 = time.monotonic()
    res = TrainingSession(trainer).run(time_budget=duration, preview_every=0)
    headless_s = time.monotonic() - t1
    lat = m.latency_ms
    out = {"duration_s": duration, "finished": m.reason, "probe_interval_ms": lat["interval_ms"],
           "probes": lat["probes"], "latency_ms": {k: lat[k] for k in ("p50", "p99", "max")},
           "in_window_steps_per_s": m.steps_per_s, "headless_steps_per_s": res.step / headless_s,
           "worker_torch_threads": m.torch_threads, "headless_torch_threads": cli_threads,
           "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "")}
    out["in_window_vs_headless"] = out["in_window_steps_per_s"] / max(out["headless_steps_per_s"], 1e-9)
    return out


def open_window(scratch: Path):
    """A real MainWindow with a throw-away settings file and app folder; (app, window) or a skip reason."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("DIFFUSION_LAB_HOME", str(scratch / "home"))
    try:
        from PySide6.QtWidgets import QApplication

        from gui.main_window import MainWindow
        from gui.settings import Settings
    except Exception as exc:  # noqa: BLE001 - the GUI is optional for the benchmark
        return None, f"skipped: {type(exc).__name__}: {exc}"
    app = QApplication.instance() or QApplication([])
    window = MainWindow(settings=Settings.from_file(scratch / "settings.ini"), restore=False)
    window.show()
    if window.worker is None:
        window.close()
        return None, f"skipped: worker unavailable ({window.worker_error or '?'})"
    return (app, window), None


def close_window(app, window) -> None:
    try:
        window.worker.shutdown(timeout_ms=5000)
    except Exception:  # noqa: BLE001 - closing is best effort; the numbers are already taken
        pass
    window.close()
    app.processEvents()


def section_window(args, state: dict) -> dict:
    from engine.checkpoint import load_checkpoint, trainer_from_checkpoint
    from engine.data import images as _images

    scratch = Path(tempfile.mkdtemp(prefix="dl-bench-window-"))
    opened, why = open_window(scratch)
    if opened is None:
        return {"status": why}
    app, window = opened
    cli_threads = torch.get_num_threads()
    out: dict = {"status": "ok"}
    try:
        out.update(_responsiveness(window, 3.0 if args.quick else 15.0, cli_threads))
        progress(f"window: p99 {out['latency_ms']['p99']:.1f} ms, in-window {out['in_window_vs_headless']:.0%} "
                 "of headless")
        ev = state.get("digits_eval") or {"n": args.n_samples or (100 if args.quick else 500),
                                          "ddim_steps": args.ddim_steps or (10 if args.quick else 50)}
        clf, _, _ = classifier()
        train, held = _images.digits_split(0)
        floor = ev.get("floor") or metrics.score_images(clf, held.x, train.x)
        npz = write_split_npz(train, scratch)
        budgets = digits_budgets(args) if getattr(args, "budgets_given", True) or not args.quick else [5.0]

        def on_budget(budget: float, path: Path, run: dict) -> dict:
            ckpt = load_checkpoint(path)
            trainer = trainer_from_checkpoint(ckpt, dataset=train, device="cpu")
            score = score_trainer(trainer, clf, held, floor, ev["n"], ev["ddim_steps"])
            score.update(budget_s=budget, loadavg=loadavg(), checkpoint_step=ckpt.step,
                         dataset=ckpt.config.data.dataset, not_digits_default=_not_default(ckpt.config), **run)
            progress(f"window digits {budget:g}s: FD x{score['fd_ratio']:.2f} P {score['precision']:.2f} "
                     f"R {score['recall']:.2f} cls {score['classes']} ({run['steps']} steps)")
            return score

        out["quality"] = {"rows": train_in_window(window, npz, budgets, on_budget), "n_samples": ev["n"],
                          "sampler": f"ddim-{ev['ddim_steps']}", "floor_fd": floor["fd"], "data_path": DATA_PATH_NOTE,
                          "config": window.config().to_dict()["training"]}
        s = first_frame_latency(window, 3 if args.quick else 10)
        out["first_frame"] = {"seconds": s, "median_s": statistics.median(s), "max_s": max(s), "n": 64,
                              "sampler": "ddim-50", "target_s": FIRST_FRAME_TARGET_S}
        progress(f"window: first sampling frame median {out['first_frame']['median_s']:.3f} s")
    finally:
        close_window(app, window)
        torch.set_num_threads(cli_threads)
    return out
