"""The loop that runs a Trainer under a :class:`Control` (pause / resume / stop / step-once) from any thread.

This is what the GUI's worker QThread drives and what the CLI runs in the foreground; both pass callbacks and get a
:class:`RunResult` saying why the loop ended. The loop checks the Control between steps only, so a stop takes
effect within one optimizer step.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from engine.errors import TrainingStopped
from engine.training import StepMetrics, Trainer

REASONS = ("finished", "stopped", "time_budget", "diverged", "oom", "error")


class Control:
    """Thread-safe run control. The GUI thread calls pause/resume/stop/step_once; the loop calls :meth:`wait`."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._paused = False
        self._stop = False
        self._single_steps = 0

    def pause(self) -> None:
        with self._cond:
            self._paused = True
            self._cond.notify_all()

    def resume(self) -> None:
        with self._cond:
            self._paused = False
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()

    def step_once(self) -> None:
        """While paused, let exactly one more step run."""
        with self._cond:
            self._single_steps += 1
            self._cond.notify_all()

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def stop_requested(self) -> bool:
        return self._stop

    def wait(self, timeout: float | None = None) -> bool:
        """Block while paused (unless a single step was requested). False once stop was requested (or on timeout)."""
        with self._cond:
            deadline = None if timeout is None else time.monotonic() + timeout
            while self._paused and not self._stop and self._single_steps == 0:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._cond.wait(remaining if remaining is not None else 0.25)
            if self._stop:
                return False
            if self._paused and self._single_steps:
                self._single_steps -= 1
            return True


@dataclass
class RunResult:
    reason: str  # one of REASONS
    message: str
    step: int


def is_out_of_memory(exc: BaseException) -> bool:
    oom_type = getattr(torch, "OutOfMemoryError", None)
    if oom_type is not None and isinstance(exc, oom_type):
        return True
    if isinstance(exc, MemoryError):
        return True
    text = str(exc).lower()
    return isinstance(exc, RuntimeError) and ("out of memory" in text or "can't allocate memory" in text
                                              or "failed to allocate" in text)


class TrainingSession:
    """Runs ``trainer`` until its configured step count, a time budget, a stop, or a fault."""

    def __init__(self, trainer: Trainer, control: Control | None = None):
        self.trainer = trainer
        self.control = control or Control()

    def run(self, on_metrics: Callable[[StepMetrics], None] | None = None,
            on_preview: Callable[[int, np.ndarray], None] | None = None, *,
            preview_every: int | None = None, total_steps: int | None = None,
            time_budget: float | None = None,
            on_autosave: Callable[[Trainer], None] | None = None, autosave_every_s: float = 0.0) -> RunResult:
        trainer = self.trainer
        tr = trainer.config.training
        total = total_steps if total_steps is not None else tr.steps
        budget = time_budget if time_budget is not None else tr.time_budget
        every = tr.preview_every if preview_every is None else preview_every
        started = time.monotonic()
        last_autosave = started
        while trainer.step_count < total:
            if not self.control.wait():
                return RunResult("stopped", f"stopped at step {trainer.step_count}", trainer.step_count)
            if budget and time.monotonic() - started >= budget:
                return RunResult("time_budget", f"time budget of {budget:g} s reached at step {trainer.step_count}",
                                 trainer.step_count)
            try:
                metrics = trainer.step()
            except TrainingStopped as exc:
                self.control.pause()
                return RunResult("diverged", str(exc), trainer.step_count)
            except (RuntimeError, MemoryError) as exc:
                if is_out_of_memory(exc):
                    _release_memory(trainer)
                    return RunResult("oom", "out of memory on " + trainer.device_name + " at step "
                                     f"{trainer.step_count + 1}; try a smaller batch size or model preset",
                                     trainer.step_count)
                raise
            if on_metrics is not None:
                on_metrics(metrics)
            if on_preview is not None and every and (metrics.step % every == 0 or metrics.step == total):
                on_preview(metrics.step, trainer.preview())
            due = autosave_every_s > 0 and time.monotonic() - last_autosave >= autosave_every_s
            if on_autosave is not None and due:
                on_autosave(trainer)
                last_autosave = time.monotonic()
        return RunResult("finished", f"finished {trainer.step_count} steps", trainer.step_count)


def _release_memory(trainer: Trainer) -> None:
    trainer.optimizer.zero_grad(set_to_none=True)
    if trainer.device.type == "cuda":
        torch.cuda.empty_cache()
