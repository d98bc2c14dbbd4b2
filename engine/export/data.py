"""Data files: samples as ``.npy``, the loss history and the noise schedule as CSV."""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from engine.export.files import AtomicExport, check_target
from engine.export.options import ExportResult


def export_samples_npy(samples, out: str | Path) -> ExportResult:
    """Samples as a float32 ``.npy`` (images ``(N, C, H, W)`` in [-1, 1], points ``(N, 2)``)."""
    started = time.monotonic()
    out = check_target(out, [".npy"])
    arr = samples.detach().float().cpu().numpy() if hasattr(samples, "detach") else np.asarray(samples)
    arr = arr.astype(np.float32) if arr.dtype != np.uint8 else arr
    with AtomicExport(out, ".tmp.npy") as tmp:
        np.save(tmp, arr)
    return ExportResult(out, "npy", (0, 0), bytes=out.stat().st_size, seconds=time.monotonic() - started)


def export_loss_csv(history, out: str | Path) -> ExportResult:
    """The loss history (:class:`~engine.training.LossHistory`) as CSV: step, loss, lr, grad_norm, wall_time."""
    started = time.monotonic()
    out = check_target(out, [".csv"])
    with AtomicExport(out, ".tmp.csv") as tmp:
        tmp.write_text(history.to_csv(), encoding="utf-8")
    return ExportResult(out, "csv", (0, 0), bytes=out.stat().st_size, seconds=time.monotonic() - started)


SCHEDULE_CSV_COLUMNS = ("t (1..T)", "beta", "alpha_bar", "sqrt_alpha_bar", "sqrt_one_minus_alpha_bar", "snr", "log_snr")


def schedule_csv(schedule) -> str:
    """A :class:`~engine.schedules.NoiseSchedule` as CSV text, one row per paper timestep t = 1..T (Ho et al. 2020
    Sec. 2: row t holds beta_t, alpha_bar_t = prod_{s<=t} (1 - beta_s), and SNR(t) = alpha_bar_t / (1 - alpha_bar_t),
    Kingma et al. 2021 Sec. 2). The CLI's ``schedule`` subcommand and the window's schedule export both write this."""
    curves = schedule.as_numpy()
    names = ("betas", "alpha_bar", "sqrt_alpha_bar", "sqrt_one_minus_alpha_bar", "snr", "log_snr")
    lines = [",".join(SCHEDULE_CSV_COLUMNS)]
    for index in range(schedule.timesteps):  # schedule index i holds the paper's t = i + 1
        lines.append(",".join([str(index + 1)] + [f"{float(curves[name][index]):.10g}" for name in names]))
    return "\n".join(lines) + "\n"
