"""The worker's comparison jobs (gui/worker_jobs.py dispatches :class:`~gui.events.CompareRequest` and
:class:`~gui.events.RunPreviewRequest` here).

Runs on the worker thread: every run of the request is recorded in turn with :func:`engine.samplers.record` over the
worker's current model, and one :class:`~gui.events.CompareFinished` carries all the trajectories back, so the
Compare tab never shows a half-finished comparison.
"""
from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np

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
    from engine.samplers import Frame
    from gui.worker_jobs import EngineThread

PROGRESS_INTERVAL_S = 0.2  # CompareProgress at most ~5 per second, like the sampling preview


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
        raise ValueError("no model yet: train one (Training tab) or open a checkpoint first")
    trainer = thread.trainer
    kind = trainer.dataset.kind
    finished: list[ComparedRun] = []
    last_emit = [0.0]
    for index, sampling_cfg in enumerate(runs):
        post(StatusMessage(f"comparing samplers: run {index + 1}/{len(runs)}, {sampling_cfg.sampler} "
                           f"{sampling_cfg.steps} steps …"))
        nfe_by_step: dict[int, int] = {}

        def on_frame(frame: Frame, index: int = index, nfe_by_step: dict = nfe_by_step) -> None:
            nfe_by_step[frame.step] = frame.nfe
            now = time.perf_counter()
            if now - last_emit[0] >= PROGRESS_INTERVAL_S or frame.is_final:
                last_emit[0] = now
                post(CompareProgress(index, len(runs), int(frame.step), int(frame.num_steps)))

        try:
            trajectory = record(trainer.sample(sampling_cfg), kind, on_frame=on_frame, should_stop=should_stop)
        except RecordingStopped:
            post(CompareFinished((), "cancelled"))
            post(StatusMessage(f"comparison cancelled during run {index + 1}/{len(runs)}"))
            return
        except Exception:
            post(CompareFinished((), "error"))
            raise
        # the recorder keeps every stride-th step of a long run: the NFE of exactly the frames it kept
        nfe = np.asarray([nfe_by_step[s] for s in trajectory.steps], dtype=np.int64)
        finished.append(ComparedRun(sampling_cfg, trajectory, nfe))
    post(CompareFinished(tuple(finished)))
    post(StatusMessage(f"compared {len(finished)} samplers"))


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
