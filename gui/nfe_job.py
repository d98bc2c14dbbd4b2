"""The worker's error-against-NFE job (gui/worker_jobs.py dispatches :class:`~gui.events.NfeStudyRequest` here).

Runs on the worker thread, which owns the model: :func:`engine.sampler_study.nfe_study` over the current model with
the reference the lab has for its data (the exact answer of a 2-D training set; the model's own T-step runs for
images) and the data-level metric of :class:`engine.quality.QualityScorer` (sliced Wasserstein for 2-D sets, the
classifier Frechet distance for digits). Only plain numbers go back, in one :class:`~gui.events.NfeStudyFinished`.
"""
from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication  # translate() is thread-safe: status texts for the window

from gui.events import NfeStudyFinished, NfeStudyProgress, NfeStudyRequest, StatusMessage

if TYPE_CHECKING:
    from gui.worker_jobs import EngineThread

PROGRESS_INTERVAL_S = 0.2  # at most ~5 progress events per second


def study_inputs(trainer, n: int, reference: str = "exact"):
    """What the study runs on, for the window and for a test checking its numbers: the denoiser (EMA, the classes
    in turn for a conditional model), the 2-D training points for the exact reference (None for images or when the
    model's own T-step runs are asked for) and the scorer of the data-level metric (None when the data cannot be
    scored: too few items)."""
    from engine.errors import UserError
    from engine.quality import QualityScorer

    denoiser = trainer.denoiser(labels=trainer.class_labels(n))
    exact = reference == "exact" and trainer.dataset.kind == "points"
    points = trainer.dataset.x.float() if exact else None
    try:
        scorer = QualityScorer(trainer.config.data, seed=int(trainer.config.training.seed), n_samples=n,
                               dataset=trainer.dataset)
    except (UserError, ValueError, OSError):
        scorer = None
    return denoiser, points, scorer


def run_nfe_study(thread: EngineThread, command: NfeStudyRequest) -> None:
    from engine.sampler_study import StudyCancelled, nfe_study

    owner, post = thread.owner, thread.post

    def should_stop() -> bool:
        return owner.sampling_cancelled(command.request_id) or thread.quit_requested

    if should_stop():
        post(NfeStudyFinished(command, "cancelled"))
        return
    if thread.trainer is None:
        post(NfeStudyFinished(command, "error"))
        raise ValueError(QCoreApplication.translate(
            "NfeJob", "no model yet: train one (Training tab) or open a checkpoint first"))
    trainer = thread.trainer
    last_emit = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last_emit[0] >= PROGRESS_INTERVAL_S or done == total:
            last_emit[0] = now
            post(NfeStudyProgress(int(done), int(total)))

    post(StatusMessage(QCoreApplication.translate("NfeJob", "error against NFE: {count} samplers at NFE {nfe} …")
                       .format(count=len(command.samplers), nfe=", ".join(map(str, command.nfe)))))
    try:
        denoiser, points, scorer = study_inputs(trainer, command.n, command.reference)
        study = nfe_study(denoiser, trainer.schedule, trainer.sample_shape(command.n), samplers=command.samplers,
                          nfe_targets=command.nfe, seed=command.seed, exact_points=points, scorer=scorer,
                          device=trainer.device, progress=progress, should_stop=should_stop)
    except StudyCancelled:
        post(NfeStudyFinished(command, "cancelled"))
        post(StatusMessage(QCoreApplication.translate("NfeJob", "error against NFE cancelled")))
        return
    except Exception:
        post(NfeStudyFinished(command, "error"))
        raise
    values = study.metric_values or [math.nan] * len(study.rows)
    rows = tuple((r.sampler, r.steps, r.nfe, r.rmse, float(v)) for r, v in zip(study.rows, values))
    post(NfeStudyFinished(command, "finished", rows, tuple(study.orders.items()), study.reference, study.metric,
                          study.floor, int(trainer.step_count)))
    post(StatusMessage(QCoreApplication.translate("NfeJob", "error against NFE: {n} runs measured").format(
        n=len(rows))))
