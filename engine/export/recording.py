"""Sampling for export: run a trainer's sampler and keep every frame, through the one recorder
:func:`engine.samplers.record`."""
from __future__ import annotations

import dataclasses

from engine.export.options import Cancel, ExportCancelled, Progress


def record_trajectory(trainer, sampling=None, progress: Progress | None = None, cancel: Cancel | None = None,
                      **overrides):
    """Run ``trainer``'s sampler and record every frame into a :class:`~engine.samplers.Trajectory`.

    ``progress(done, total)`` counts frames (K + 1 for K model steps); ``cancel()`` is polled after each step and
    a True answer raises :class:`ExportCancelled`."""
    from engine.samplers import RecordingStopped, record

    cfg = dataclasses.replace(sampling or trainer.config.sampling, **overrides)

    def on_frame(frame) -> None:
        if progress is not None:
            progress(frame.step + 1, frame.num_steps + 1)

    try:
        return record(trainer.sample(cfg), trainer.dataset.kind, on_frame=on_frame, should_stop=cancel)
    except RecordingStopped:
        raise ExportCancelled("sampling cancelled") from None
