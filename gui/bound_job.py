"""The worker's variational-bound job (gui/worker_jobs.py dispatches :class:`~gui.events.BoundRequest` here).

Runs on the worker thread over the worker's current model through engine/bound_report.py, the function
``diffusion-lab bound`` calls, so the window's curve and the CLI's numbers agree for the same model and seed.
Progress goes out at most ~5 times a second; Cancel (the sampling counter) stops it between two timesteps.
"""
from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QCoreApplication  # translate() is thread-safe: texts for the window

from gui.engine_messages import engine_message
from gui.events import BoundFinished, BoundProgress, BoundRequest, StatusMessage

if TYPE_CHECKING:
    from gui.worker_jobs import EngineThread

PROGRESS_INTERVAL_S = 0.2


def _empty(request_id: int, reason: str, message: str = "") -> BoundFinished:
    return BoundFinished(request_id, reason, np.zeros(0, dtype=np.int64), np.zeros(0), message=message)


def run_bound(thread: EngineThread, command: BoundRequest) -> None:
    from engine.bound import BoundStopped
    from engine.bound_report import bound_summary, bound_terms, model_bound

    owner, post, rid = thread.owner, thread.post, command.request_id

    def should_stop() -> bool:
        return owner.sampling_cancelled(rid) or thread.quit_requested

    if should_stop():
        post(_empty(rid, "cancelled"))
        return
    if thread.trainer is None:
        post(_empty(rid, "error", QCoreApplication.translate("BoundJob", "no model yet: train one or open a checkpoint "
                                                                          "first")))
        return
    last = [0.0]

    def on_progress(done: int, total: int) -> None:
        now = time.perf_counter()
        if now - last[0] >= PROGRESS_INTERVAL_S or done == total:
            last[0] = now
            post(BoundProgress(rid, int(done), int(total)))

    post(StatusMessage(QCoreApplication.translate("BoundJob", "computing the variational bound on {n} items …").format(
        n=command.n)))
    try:
        result = model_bound(thread.trainer, n=command.n, seed=command.seed, timesteps=command.timesteps,
                             on_progress=on_progress, should_stop=should_stop)
    except BoundStopped as stopped:
        post(_empty(rid, "cancelled"))
        post(StatusMessage(QCoreApplication.translate("BoundJob", "bound cancelled after {done} of {total} timesteps")
                           .format(done=stopped.done, total=stopped.total)))
        return
    except Exception as exc:
        post(_empty(rid, "error", str(exc)))
        raise
    t, bits = bound_terms(result)
    ln2 = math.log(2.0)
    post(BoundFinished(rid, "finished", t.astype(np.int64), bits.astype(np.float64),
                       prior_bits=result.prior_nats / ln2, total_bits=result.total_bits_per_dim,
                       total_stderr_bits=result.total_stderr / ln2, exact=result.exact, decoder=result.decoder,
                       step=int(thread.trainer.step_count)))
    post(StatusMessage(engine_message(bound_summary(result))))
