"""The worker's comparison jobs (gui/worker_jobs.py dispatches :class:`~gui.events.CompareRequest` and
:class:`~gui.events.RunPreviewRequest` here).

Runs on the worker thread: every run of the request is recorded in turn with :func:`engine.samplers.record` over the
worker's current model, and one :class:`~gui.events.CompareFinished` carries all the trajectories back. While they
run, :class:`~gui.events.CompareProgress` carries a live view: every run's x_T as soon as the request is served
(drawn from its seed exactly as the sampler will draw it, before any model evaluation), then each run's frames,
its first one at once and the rest throttled to a few per second.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QCoreApplication  # translate() is thread-safe: status texts for the window

from gui.events import (
    ComparedRun,
    CompareFinished,
    CompareProgress,
    CompareRequest,
    RunPreviewReady,
    RunPreviewRequest,
    StatusMessage,
)

if TYPE_CHECKING:
    import torch

    from engine.samplers import Frame
    from gui.worker_jobs import EngineThread

PROGRESS_INTERVAL_S = 0.2  # CompareProgress at most ~5 per second, like the sampling preview


def live_view(x: torch.Tensor, kind: str) -> np.ndarray:
    """A frame's tensor as the Compare columns draw it: uint8 (N, H, W, C) images, float32 (N, 2) points; exactly
    what :func:`engine.samplers.record` keeps for the frame."""
    from engine.imaging import to_uint8

    x = x.detach().float().cpu()
    return to_uint8(x) if kind == "images" else x.numpy().astype(np.float32, copy=True)


def post_initial_frames(post, trainer, runs: tuple) -> None:
    """Every run's x_T (step 0, paper t of its first timestep), before any of them evaluates the model."""
    from engine.samplers import initial_noise, sampling_timesteps

    kind, shown = trainer.dataset.kind, {}
    for index, cfg in enumerate(runs):
        shape = tuple(trainer.sample_shape(cfg.n))
        key = (shape, int(cfg.seed))
        if key not in shown:  # one x_T per seed: the same array for every column that shares it
            shown[key] = live_view(initial_noise(shape, cfg.seed), kind)
        steps = min(int(cfg.steps), trainer.schedule.timesteps)
        first_t = sampling_timesteps(trainer.schedule.timesteps, steps, cfg.timestep_spacing)[0] + 1
        post(CompareProgress(index, len(runs), 0, steps, int(first_t), shown[key], None))


def run_comparison(thread: EngineThread, command: CompareRequest) -> None:
    from engine.samplers import RecordingStopped, record

    owner, post, runs = thread.owner, thread.post, tuple(command.runs)

    def should_stop() -> bool:
        return owner.sampling_cancelled(command.request_id) or thread.quit_requested

    if should_stop():
        post(CompareFinished((), "cancelled"))
        return
    if thread.trainer is None:
        post(CompareFinished((), "error"))
        raise ValueError(QCoreApplication.translate(
            "CompareJob", "no model yet: train one (Training tab) or open a checkpoint first"))
    trainer = thread.trainer
    kind = trainer.dataset.kind
    try:
        post_initial_frames(post, trainer, runs)
    except Exception:
        post(CompareFinished((), "error"))
        raise
    finished: list[ComparedRun] = []
    last_emit = [0.0]
    for index, sampling_cfg in enumerate(runs):
        post(StatusMessage(QCoreApplication.translate("CompareJob", "comparing samplers: run {run}/{runs}, {sampler} "
                                                                    "{steps} steps …").format(
            run=index + 1, runs=len(runs), sampler=sampling_cfg.sampler, steps=sampling_cfg.steps)))
        nfe_by_step: dict[int, int] = {}

        def on_frame(frame: Frame, index: int = index, nfe_by_step: dict = nfe_by_step) -> None:
            nfe_by_step[frame.step] = frame.nfe
            now = time.perf_counter()
            if frame.step == 0 or frame.is_final or now - last_emit[0] >= PROGRESS_INTERVAL_S:
                last_emit[0] = now
                post(CompareProgress(index, len(runs), int(frame.step), int(frame.num_steps), int(frame.t) + 1,
                                     live_view(frame.x_t, kind), live_view(frame.x0_pred, kind)))

        try:
            trajectory = record(trainer.sample(sampling_cfg), kind, on_frame=on_frame, should_stop=should_stop)
        except RecordingStopped:
            post(CompareFinished((), "cancelled"))
            post(StatusMessage(QCoreApplication.translate("CompareJob", "comparison cancelled during run {run}/{runs}")
                               .format(run=index + 1, runs=len(runs))))
            return
        except Exception:
            post(CompareFinished((), "error"))
            raise
        # the recorder keeps every stride-th step of a long run: the NFE of exactly the frames it kept
        nfe = np.asarray([nfe_by_step[s] for s in trajectory.steps], dtype=np.int64)
        finished.append(ComparedRun(sampling_cfg, trajectory, nfe))
    post(CompareFinished(tuple(finished)))
    post(StatusMessage(QCoreApplication.translate("CompareJob", "compared {n} samplers").format(n=len(finished))))


def run_preview(command: RunPreviewRequest) -> RunPreviewReady:
    """Runs tab: the latest samples of a run that saved no time-lapse, from a model built for this alone (the
    worker's own model is not touched); a problem the user can fix becomes the event's message."""
    from engine.errors import UserError
    from engine.runs import latest_samples

    try:
        step, image = latest_samples(command.checkpoint, device="cpu")  # small models; the GPU stays training's
    except UserError as exc:
        return RunPreviewReady(command.folder, -1, None, str(exc))
    return RunPreviewReady(command.folder, step, image)
