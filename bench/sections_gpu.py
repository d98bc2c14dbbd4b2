"""The ``gpu`` section (``python -m bench.run --gpu``): lab vs matched diffusers peer under autocast on CUDA, time to
quality on digits upscaled to 32x32, and the window's worker training on CUDA end to end (the dock's device field)."""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

import torch

from bench.common import classifier, matmul_peak, progress, score_trainer
from bench.machine import loadavg
from bench.sections_speed import autocast_throughput
from engine import metrics

SIZES = (32, 64)
DTYPES = (torch.bfloat16, torch.float16)


def cuda_refusal() -> str | None:
    """The one-line reason ``--gpu`` cannot run here, or None when a CUDA device is present."""
    if torch.cuda.is_available():
        return None
    return f"--gpu needs a CUDA device; torch {torch.__version__} sees none (CPU build?)"


def gpu_time_to_quality(budget: float, quick: bool, device: str = "cuda") -> dict:
    """The digits default at 32x32 (train split upscaled) on ``device`` with the engine's autocast, trained for
    ``budget`` s, scored like the headless rows (samples and references go through the classifier at 8x8)."""
    from engine.data import images as _images
    from engine.presets import default_config
    from engine.session import TrainingSession
    from engine.training import Trainer

    cfg = default_config("digits")
    cfg.data.image_size = 32
    cfg.training.device = device
    cfg.training.amp = True
    train32, _ = _images.digits_split(0, image_size=32)
    train, held = _images.digits_split(0)
    clf, _, _ = classifier()
    floor = metrics.score_images(clf, held.x, train.x)
    trainer = Trainer(cfg, dataset=train32)
    result = TrainingSession(trainer).run(total_steps=10_000_000, time_budget=budget)
    n, steps = (100, 10) if quick else (500, 50)
    score = score_trainer(trainer, clf, held, floor, n, steps)
    score.update(budget_s=budget, steps=trainer.step_count, reason=result.reason, image_size=32,
                 amp_dtype=str(trainer.amp_dtype).replace("torch.", ""), n_samples=n, sampler=f"ddim-{steps}")
    return score


def window_on_cuda(seconds: float, device: str = "cuda") -> dict:
    """Digits trained by the real window's worker with the dock's device field set to ``device`` (picked in its
    combo box, as a user would), for ``seconds``."""
    from bench.sections_window import _signal_once, close_window, open_window

    opened, why = open_window(Path(tempfile.mkdtemp(prefix="dl-bench-gpu-window-")))
    if opened is None:
        return {"status": why}
    app, window = opened
    names: list = []
    window.worker.deviceName.connect(lambda ev: names.append(ev.name))
    try:
        form = window.form
        form.set_dataset("digits")
        combo = form.field_widget("training.device")
        index = combo.findData(device)
        if index < 0:
            raise ValueError(f"the dock offers no device {device!r}")
        combo.setCurrentIndex(index)
        form.set_field_text("training.steps", "1000000")
        form.set_field_text("training.time_budget", f"{seconds:g}")
        t0 = time.monotonic()
        done = _signal_once(window.worker.trainingFinished, seconds + 300, window.train)
        wall = time.monotonic() - t0
        chosen = window.config().training.device
    finally:
        close_window(app, window)
    return {"status": "ok", "device_field": chosen, "device": names[-1] if names else "?", "steps": int(done.step),
            "reason": done.reason,
            "wall_s": wall, "budget_s": seconds, "steps_per_s": int(done.step) / seconds}


def section_gpu(args, state: dict) -> dict:
    why = cuda_refusal()
    if why is not None:
        return {"status": f"skipped: {why}"}
    out: dict = {"status": "ok", "device_name": torch.cuda.get_device_name(0), "rows": []}
    out["matmul_peak_flops"] = {str(d).replace("torch.", ""): matmul_peak(args.quick, "cuda", d) for d in DTYPES}
    seconds, rounds = (1.0, 1) if args.quick else (5.0, 2)
    for size in SIZES:
        for dtype in DTYPES:
            row = autocast_throughput(size, dtype, "cuda", seconds, rounds)
            row["loadavg"] = loadavg()
            out["rows"].append(row)
            progress(f"gpu {size}px {row['dtype']}: ours {row['ours_images_per_s']:.0f} img/s" +
                     (f", peer {row['peer_images_per_s']:.0f} img/s" if "peer_images_per_s" in row else ""))
    out["time_to_quality"] = gpu_time_to_quality(5.0 if args.quick else 60.0, args.quick)
    out["window"] = window_on_cuda(3.0 if args.quick else 10.0)
    return out
