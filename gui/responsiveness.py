"""How responsive the window stays while the worker trains: an event-loop latency probe.

A ``QTimer`` on the GUI thread asks to fire every ``interval_ms``; each tick records how late it came. Lateness is
the time the event loop could not run anything (a blocked GUI thread, a slow repaint, a starved core), which is
what a user feels as a stutter when dragging the timeline. Used by the GUI test suite (a bound on p99) and by
``bench/run.py`` (the reported numbers), so both measure the same thing.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer

from gui.events import MetricsBatch, RunFinished, WorkerState


class EventLoopProbe(QObject):
    """Records the lateness (ms) of a precise timer that should fire every ``interval_ms``."""

    def __init__(self, interval_ms: int = 10, parent: QObject | None = None):
        super().__init__(parent)
        self.interval_ms = int(interval_ms)
        self.lateness_ms: list[float] = []
        self._last: float | None = None
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.PreciseTimer)
        self._timer.setInterval(self.interval_ms)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.lateness_ms.clear()
        self._last = None
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last is not None:
            self.lateness_ms.append(max(0.0, (now - self._last) * 1e3 - self.interval_ms))
        self._last = now

    def stats(self) -> dict:
        lat = np.asarray(self.lateness_ms or [0.0])
        return {"probes": len(self.lateness_ms), "interval_ms": self.interval_ms,
                "p50": float(np.percentile(lat, 50)), "p99": float(np.percentile(lat, 99)), "max": float(lat.max())}


@dataclass
class TrainingMeasurement:
    latency_ms: dict
    steps: int
    seconds: float
    reason: str
    torch_threads: int | None
    metric_batches: int = 0

    @property
    def steps_per_s(self) -> float:
        return self.steps / self.seconds if self.seconds > 0 else 0.0


def measure_training(window, cfg, seconds: float, interval_ms: int = 10,
                     timeout_s: float | None = None) -> TrainingMeasurement:
    """Train ``cfg`` in ``window``'s worker for ``seconds`` of wall time (the engine's time budget) while probing
    the event loop. The window stays fully live meanwhile (plots, previews, status bar), as for a user."""
    worker = window.worker
    cfg = cfg.copy()
    cfg.training.steps = 10_000_000
    cfg.training.time_budget = float(seconds)
    finished: dict = {}
    batches = {"n": 0}
    loop = QEventLoop()

    first: dict = {}

    def on_batch(batch: MetricsBatch) -> None:
        batches["n"] += 1
        steps = batch.step
        if not batch.replace and len(steps) and not first:
            # throughput counts from the first trained step: data loading and model building are not training
            first.update(step=int(steps[0]) - 1, at=time.perf_counter())

    def on_finished(event: RunFinished) -> None:
        finished.update(reason=event.reason, step=int(event.step), at=time.perf_counter())
        loop.quit()

    worker.metricsBatch.connect(on_batch)
    worker.trainingFinished.connect(on_finished)
    probe = EventLoopProbe(interval_ms)
    guard = QTimer()
    guard.setSingleShot(True)
    guard.timeout.connect(loop.quit)
    guard.start(int(1000 * (timeout_s if timeout_s is not None else seconds + 120)))
    started = {"at": None}

    def on_state(event: WorkerState) -> None:
        if event.state == "running" and started["at"] is None:
            started["at"] = time.perf_counter()  # data loading and model building are not training time
            probe.start()

    worker.trainingStateChanged.connect(on_state)
    try:
        worker.start_training(cfg)
        if not finished:
            loop.exec()
    finally:
        probe.stop()
        guard.stop()
        for signal, slot in ((worker.metricsBatch, on_batch), (worker.trainingFinished, on_finished),
                             (worker.trainingStateChanged, on_state)):
            signal.disconnect(slot)
    if not finished:
        raise TimeoutError(f"training did not finish within {guard.interval() / 1000:.0f} s")
    origin = first or {"step": 0, "at": started["at"] or finished["at"]}
    return TrainingMeasurement(latency_ms=probe.stats(), steps=finished["step"] - origin["step"],
                               seconds=max(finished["at"] - origin["at"], 1e-9), reason=finished["reason"],
                               torch_threads=getattr(worker, "torch_threads", None), metric_batches=batches["n"])
