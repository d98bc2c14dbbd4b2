"""Turns the worker thread's stream of per-step :class:`engine.training.StepMetrics` into a few events a second.

One :class:`~gui.events.MetricsBatch` (numpy arrays) plus one :class:`~gui.events.TrainingProgress` per ~100 ms,
never one signal per optimizer step: painting is most of the GUI thread's work during training.
"""
from __future__ import annotations

import collections
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from gui.events import MetricsBatch, TrainingProgress

if TYPE_CHECKING:  # annotations only
    from engine.training import StepMetrics, Trainer

METRICS_INTERVAL_S = 0.1  # one MetricsBatch per ~100 ms
MAX_PER_SAMPLE_PER_BATCH = 4096  # per-sample (t, loss) pairs sent per batch (the newest ones)


def history_batch(trainer: Trainer) -> MetricsBatch:
    """A ``replace`` batch carrying a trainer's whole history (empty for a fresh one)."""
    h = trainer.history
    return MetricsBatch(
        replace=True,
        step=np.asarray(h.step, dtype=np.int64),
        loss=np.asarray(h.loss, dtype=np.float64),
        lr=np.asarray(h.lr, dtype=np.float64),
        grad_norm=np.asarray(h.grad_norm, dtype=np.float64),
        t=np.zeros(0, dtype=np.int64),
        per_sample_loss=np.zeros(0, dtype=np.float32),
        its_per_sec=0.0,
        total=int(trainer.config.training.steps),
        timesteps=int(trainer.schedule.timesteps),
        by_t=trainer.loss_by_t().copy(),  # a copy: the trainer's keeps growing on the worker thread
    )


class MetricsBatcher:
    """Collects StepMetrics on the worker thread and posts a MetricsBatch and a TrainingProgress per ~100 ms.

    The it/s readout counts only active training: pauses and in-training previews are left out of its window."""

    def __init__(self, post: Callable[[object], None], total: int, start_step: int):
        self.post = post
        self.total = int(total)
        self.start_step = int(start_step)
        self.steps: list[int] = []
        self.losses: list[float] = []
        self.lrs: list[float] = []
        self.grad_norms: list[float] = []
        self.ts: collections.deque = collections.deque()
        self.per_sample: collections.deque = collections.deque()
        self.per_sample_count = 0
        self.by_t_rows: list = []  # loss-by-timestep rows closed since the last flush (engine/loss_by_t.py)
        now = time.perf_counter()
        self.window_start = now
        self.window_steps = 0
        self.last_flush = now
        self.active_time = 0.0
        self.active_since: float | None = now
        self.rate = 0.0
        self.last_step = self.start_step

    def add(self, m: StepMetrics) -> None:
        self.steps.append(m.step)
        self.losses.append(m.loss)
        self.lrs.append(m.lr)
        self.grad_norms.append(m.grad_norm)
        self.ts.append(m.t)
        self.per_sample.append(m.per_sample_loss)
        self.per_sample_count += len(m.t)
        if getattr(m, "loss_by_t_row", None) is not None:
            self.by_t_rows.append(m.loss_by_t_row)
        while self.per_sample_count - len(self.ts[0]) >= MAX_PER_SAMPLE_PER_BATCH and len(self.ts) > 1:
            self.per_sample_count -= len(self.ts.popleft())
            self.per_sample.popleft()
        self.window_steps += 1
        self.last_step = m.step
        if time.perf_counter() - self.last_flush >= METRICS_INTERVAL_S:
            self.flush()

    def pause(self) -> None:
        now = time.perf_counter()
        if self.active_since is not None:
            self.active_time += now - self.active_since
            self.active_since = None

    def resume(self) -> None:
        now = time.perf_counter()
        self.active_since = now
        self.window_start = now
        self.window_steps = 0

    def skip_time(self) -> None:
        """Leave the time just spent (a preview) out of the it/s window."""
        now = time.perf_counter()
        self.window_start = now
        self.window_steps = 0
        self.last_flush = now

    def elapsed(self) -> float:
        extra = time.perf_counter() - self.active_since if self.active_since is not None else 0.0
        return self.active_time + extra

    def flush(self, force: bool = False) -> None:
        now = time.perf_counter()
        if not self.steps:
            self.last_flush = now
            return
        window = now - self.window_start
        if self.window_steps and window > 0 and self.active_since is not None:
            instant = self.window_steps / window
            # smooth the readout; the first window sets it directly
            self.rate = instant if self.rate == 0 else 0.6 * self.rate + 0.4 * instant
            self.window_start = now
            self.window_steps = 0
        batch = MetricsBatch(
            replace=False,
            step=np.asarray(self.steps, dtype=np.int64),
            loss=np.asarray(self.losses, dtype=np.float64),
            lr=np.asarray(self.lrs, dtype=np.float64),
            grad_norm=np.asarray(self.grad_norms, dtype=np.float64),
            t=np.concatenate(list(self.ts)).astype(np.int64, copy=False),
            per_sample_loss=np.concatenate(list(self.per_sample)).astype(np.float32, copy=False),
            its_per_sec=float(self.rate),
            total=self.total,
            by_t_rows=tuple(self.by_t_rows),
        )
        self.by_t_rows = []
        self.steps, self.losses, self.lrs, self.grad_norms = [], [], [], []
        self.ts.clear()
        self.per_sample.clear()
        self.per_sample_count = 0
        self.last_flush = now
        self.post(batch)
        remaining = max(0, self.total - self.last_step)
        eta = remaining / self.rate if self.rate > 0 else -1.0
        self.post(TrainingProgress(step=int(self.last_step), total=self.total, its_per_sec=float(self.rate),
                                   elapsed=float(self.elapsed()), eta=float(eta)))
