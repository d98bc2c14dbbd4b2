"""The worker's DDIM inversion job (gui/worker_jobs.py dispatches :class:`~gui.events.InversionRequest` here).

Runs on the worker thread, next to the model: the round trip of the requested training items
(engine.samplers.inversion.round_trip), then the error-vs-K study, and one :class:`~gui.events.InversionFinished`
with uint8 pictures (images) or float32 points, so the Inversion tab only draws. No widgets here (texts go through
the thread-safe QCoreApplication.translate).
"""
from __future__ import annotations

import time
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QCoreApplication

from engine.errors import UserError
from gui.engine_messages import engine_message
from gui.events import InversionFinished, InversionProgress, InversionRequest, StatusMessage

if TYPE_CHECKING:
    from gui.worker_jobs import EngineThread

PROGRESS_INTERVAL_S = 0.2  # InversionProgress at most ~5 per second
LATENT_RANGE = 3.0  # the latent is ~N(0, I): shown over [-3, 3], three standard deviations


@lru_cache(maxsize=1)
def _error_colours() -> np.ndarray:
    """(256, 3) uint8 lookup table of the error maps (inferno: dark = exact, bright = far off)."""
    import pyqtgraph as pg  # numpy colour tables only; nothing here touches a widget

    return np.asarray(pg.colormap.get("inferno").getLookupTable(nPts=256, alpha=False), dtype=np.uint8)


def error_map_rgb(error: np.ndarray, top: float) -> np.ndarray:
    """(N, H, W) errors -> (N, H, W, 3) uint8, 0 -> darkest and ``top`` (or more) -> brightest."""
    scaled = np.clip(error / max(float(top), 1e-12), 0.0, 1.0)
    return _error_colours()[np.round(scaled * 255).astype(np.int64)]


def _finished(trip, kind: str, study) -> InversionFinished:
    from engine.imaging import to_uint8
    from engine.samplers.inversion import as_numpy

    if kind == "images":
        error = trip.pixel_error.float().mean(dim=1).cpu().numpy()  # over channels: one value per pixel
        pictures = dict(x0=to_uint8(trip.x0.float().cpu()), reconstruction=to_uint8(trip.reconstruction.float().cpu()),
                        latent=to_uint8(trip.latent.float().cpu() / LATENT_RANGE),
                        error_map=error_map_rgb(error, float(error.max())))
    else:
        error = (trip.reconstruction - trip.x0).float().norm(dim=1).cpu().numpy()
        pictures = dict(x0=as_numpy(trip.x0), latent=as_numpy(trip.latent),
                        reconstruction=as_numpy(trip.reconstruction), error_map=None)
    rows = study.rows if study is not None else ()
    return InversionFinished("finished", kind, pixel_error=error.astype(np.float32),
                             sample_error=trip.sample_error.cpu().numpy().astype(np.float32), rmse=trip.rmse,
                             steps=trip.steps, reconstruct_steps=trip.reconstruct_steps,
                             study_steps=np.asarray([r.steps for r in rows], dtype=np.int64),
                             study_rmse=np.asarray([r.rmse for r in rows], dtype=np.float64),
                             study_order=float(study.order) if study is not None else float("nan"), **pictures)


def run_inversion(thread: EngineThread, command: InversionRequest) -> None:
    import torch

    from engine.samplers.inversion import InversionCancelled, check_steps, error_vs_steps, round_trip

    owner, post = thread.owner, thread.post

    def cancelled() -> bool:
        return owner.sampling_cancelled(command.request_id) or thread.quit_requested

    if cancelled():
        post(InversionFinished("cancelled"))
        return
    trainer = thread.trainer
    try:
        if trainer is None:
            raise UserError(QCoreApplication.translate(
            "InversionJob", "no model yet: train one (Training tab) or open a checkpoint first"))
        T = trainer.schedule.timesteps
        steps = check_steps(command.steps, T, "K")
        back = check_steps(command.reconstruct_steps, T, "steps back")
        ks = sorted({check_steps(k, T, "error vs K") for k in command.study_steps})
        data = trainer.dataset.x
        if not 0 <= command.start < len(data):
            raise UserError(QCoreApplication.translate("InversionJob", "first item must be in [0, {last}], got {start}")
                            .format(last=len(data) - 1, start=command.start))
        x0 = data[command.start:command.start + max(1, command.n)].to(trainer.device, torch.float32)
    except Exception:
        post(InversionFinished("error"))
        raise
    kind = trainer.dataset.kind
    denoiser = trainer.denoiser(use_ema=True)
    spacing = trainer.config.sampling.timestep_spacing
    total = steps + back + sum(2 * k for k in ks)
    offset, last = [0], [0.0]

    def progress(done: int, _n: int) -> None:
        now = time.perf_counter()
        if now - last[0] >= PROGRESS_INTERVAL_S:
            last[0] = now
            post(InversionProgress(offset[0] + done, total))

    post(StatusMessage(QCoreApplication.translate("InversionJob", "inverting {n} items over {k} DDIM steps …").format(
        n=len(x0), k=steps)))
    started = time.perf_counter()
    try:
        trip = round_trip(denoiser, trainer.schedule, x0, steps, reconstruct_steps=back, spacing=spacing,
                          progress=progress, cancel=cancelled)
        offset[0] = steps + back
        study = None
        if ks:
            def study_progress(done: int, _n: int) -> None:  # error_vs_steps counts round trips
                progress(sum(2 * k for k in ks[:done]), total)

            study = error_vs_steps(denoiser, trainer.schedule, x0, ks, spacing=spacing, progress=study_progress,
                                   cancel=cancelled)
    except InversionCancelled as stop:
        post(InversionFinished("cancelled"))
        post(StatusMessage(engine_message(str(stop))))
        return
    except Exception:
        post(InversionFinished("error"))
        raise
    post(InversionProgress(total, total))
    post(_finished(trip, kind, study))
    post(StatusMessage(QCoreApplication.translate("InversionJob", "round trip of {n} items, K = {k}: RMSE {rmse:.3g} "
                                                                  "({seconds:.1f} s)").format(
        n=len(x0), k=steps, rmse=trip.rmse, seconds=time.perf_counter() - started)))
