"""The worker's guidance-trade-off job (gui/worker_jobs.py dispatches :class:`~gui.events.GuidanceStudyRequest`).

Runs on the worker thread, which owns the model: :func:`engine.guidance_study.guidance_curve` (the same function
bench/guidance.py reports with) on the current model, one progress event per scale. Only plain numbers go back.
A model the digits classifier cannot score (a 2-D set, an unconditional model) ends with the engine's message.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication  # translate() is thread-safe: texts for the window

from engine.errors import UserError
from gui.events import GuidanceStudyFinished, GuidanceStudyProgress, GuidanceStudyRequest, StatusMessage

if TYPE_CHECKING:
    from gui.worker_jobs import EngineThread


def run_guidance_study(thread: EngineThread, command: GuidanceStudyRequest) -> None:
    from engine.guidance_study import guidance_curve

    owner, post = thread.owner, thread.post

    def should_stop() -> bool:
        return owner.sampling_cancelled(command.request_id) or thread.quit_requested

    if should_stop():
        post(GuidanceStudyFinished(command, "cancelled"))
        return
    trainer = thread.trainer
    if trainer is None:
        post(GuidanceStudyFinished(command, "error", message=QCoreApplication.translate(
            "GuidanceJob", "no model yet: train one (Training tab) or open a checkpoint first")))
        return
    post(StatusMessage(QCoreApplication.translate("GuidanceJob", "measuring guidance at s = {scales} …").format(
        scales=", ".join(f"{s:g}" for s in command.scales))))
    try:
        points = guidance_curve(trainer, command.scales, per_class=command.per_class, steps=command.steps,
                                seed=command.seed, should_stop=should_stop,
                                progress=lambda done, total: post(GuidanceStudyProgress(int(done), int(total))))
    except UserError as exc:  # e.g. not a digits model: said in the view, no error dialog
        post(GuidanceStudyFinished(command, "error", message=str(exc)))
        return
    except Exception:
        post(GuidanceStudyFinished(command, "error", message=QCoreApplication.translate(
            "GuidanceJob", "the measurement failed (see the crash log)")))
        raise
    reason = "finished" if len(points) == len(command.scales) else "cancelled"
    post(GuidanceStudyFinished(command, reason, tuple(points), model_step=int(trainer.step_count)))
    if reason == "finished":
        post(StatusMessage(QCoreApplication.translate("GuidanceJob", "guidance measured at {n} scales").format(
            n=len(points))))
    else:
        post(StatusMessage(QCoreApplication.translate("GuidanceJob", "guidance measurement cancelled")))
