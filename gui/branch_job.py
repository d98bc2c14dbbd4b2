"""The worker's branching job (gui/worker_jobs.py dispatches :class:`~gui.events.BranchRequest` here).

Runs on the worker thread: the engine's :func:`~engine.samplers.branch_from` restarts the chosen sampler from the
parent trajectory's exact state at the requested step, :func:`~engine.samplers.record` keeps the branch, and the
answer is the branch grafted onto its parent's head (:meth:`~engine.samplers.Trajectory.grafted`), so the Sampling
tab scrubs and exports it like any run.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QCoreApplication  # translate() is thread-safe: texts for the window

from engine.errors import UserError
from gui.events import BranchFinished, BranchRequest, SamplingAborted, SamplingFrame, StatusMessage

if TYPE_CHECKING:
    from engine.samplers import Frame
    from gui.worker_jobs import EngineThread

PREVIEW_INTERVAL_S = 0.2  # SamplingFrame at most ~5 per second, like a plain run's


def branch_frames(trainer, command: BranchRequest):
    """The branch's Frame generator over ``trainer``'s model (checks that the parent was drawn by such a model)."""
    from engine.samplers import branch_from

    parent, cfg = command.parent, command.sampling
    n = parent.sample_shape[0]
    if tuple(parent.sample_shape) != trainer.sample_shape(n):
        raise UserError(QCoreApplication.translate("BranchJob", "this trajectory's samples have shape {shape}, the "
                                                                "current model makes {model_shape}: sample the current "
                                                                "model again to branch it").format(
            shape=parent.sample_shape, model_shape=trainer.sample_shape(n)))
    if max(parent.timesteps) >= trainer.schedule.timesteps:
        raise UserError(QCoreApplication.translate("BranchJob", "this trajectory visits timestep {t} but the current "
                                                                "model has T = {T}: sample the current model again to "
                                                                "branch it").format(
            t=max(parent.timesteps) + 1, T=trainer.schedule.timesteps))
    if cfg.steps > trainer.schedule.timesteps:
        raise UserError(QCoreApplication.translate("BranchJob", "steps must be ≤ the model's T = {T}, got {steps}")
                        .format(T=trainer.schedule.timesteps, steps=cfg.steps))
    # the parent's samples keep their classes (same labels); only the guidance strength is the branch's own
    denoiser = trainer.denoiser(use_ema=cfg.use_ema, labels=trainer.class_labels(n, cfg.class_label),
                                guidance_scale=cfg.guidance_scale)
    return branch_from(parent, command.step, denoiser=denoiser, schedule=trainer.schedule, sampler=cfg.sampler,
                       steps=cfg.steps, eta=cfg.eta, variance=cfg.ddpm_variance,
                       clip_x0=cfg.clip_x0 and trainer.dataset.kind == "images", spacing=cfg.timestep_spacing,
                       seed=cfg.seed, device=trainer.device)


def run_branch(thread: EngineThread, command: BranchRequest) -> None:
    from engine.imaging import to_uint8
    from engine.samplers import RecordingStopped, record

    owner, post, cfg = thread.owner, thread.post, command.sampling

    def should_stop() -> bool:
        return owner.sampling_cancelled(command.request_id) or thread.quit_requested

    if should_stop():
        post(SamplingAborted("cancelled", command.request_id))
        return
    trainer = thread.trainer
    if trainer is None:
        post(SamplingAborted("error", command.request_id))
        raise ValueError(QCoreApplication.translate(
            "BranchJob", "no model yet: train one (Training tab) or open a checkpoint first"))
    kind = trainer.dataset.kind
    try:
        frames = branch_frames(trainer, command)
    except Exception:
        post(SamplingAborted("error", command.request_id))
        raise
    post(StatusMessage(QCoreApplication.translate("BranchJob", "branching from step {step}: {sampler} {steps} steps, "
                                                               "seed {seed} …").format(
        step=command.step, sampler=cfg.sampler.upper(), steps=cfg.steps, seed=cfg.seed)))
    started = time.perf_counter()
    last_emit, nfe, point_t, nfe_by_step = [0.0], [0], [None], {}

    def on_frame(frame: Frame) -> None:
        nfe[0] = nfe_by_step[frame.step] = frame.nfe
        if point_t[0] is None:
            point_t[0] = int(frame.t)  # the branch's first frame is its branch point
        now = time.perf_counter()
        if now - last_emit[0] >= PREVIEW_INTERVAL_S or frame.is_final:
            last_emit[0] = now
            if kind == "images":
                shown = to_uint8(frame.x0_pred.detach().float().cpu())
            else:
                shown = frame.x_t.detach().float().cpu().numpy().astype(np.float32)
            post(SamplingFrame(int(frame.step), int(frame.num_steps), shown, command.request_id))

    try:
        branch = record(frames, kind, on_frame=on_frame, should_stop=should_stop)
    except RecordingStopped as stopped:
        post(SamplingAborted("cancelled", command.request_id))
        post(StatusMessage(QCoreApplication.translate("BranchJob", "branch cancelled at step {step}").format(
            step=stopped.step)))
        return
    except Exception:
        post(SamplingAborted("error", command.request_id))
        raise
    joined = command.parent.grafted(branch)
    own_nfe = np.asarray([nfe_by_step[s] for s in branch.steps], dtype=np.int64)  # of the frames it kept
    post(BranchFinished(joined, int(command.step), int(point_t[0]), int(nfe[0]), cfg, command.request_id, own_nfe))
    post(StatusMessage(QCoreApplication.translate("BranchJob", "branched from step {step} in {seconds:.1f} s ({frames} "
                                                               "new frames, NFE {nfe})").format(
        step=command.step, seconds=time.perf_counter() - started, frames=len(branch), nfe=nfe[0])))
