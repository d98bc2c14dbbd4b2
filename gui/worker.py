"""The bridge between the window and the engine: one background QThread that owns the current :class:`Trainer`.

Every command (:meth:`EngineWorker.start_training`, :meth:`~EngineWorker.sample`, checkpoints...) is called from
the GUI thread and only *queues* work; the worker thread builds trainers, runs the :class:`TrainingSession`, runs
samplers and records :class:`Trajectory` objects. Nothing crosses back but plain numpy / python data, and never one
signal per optimizer step: metrics are batched every ~100 ms, sampler previews go out at most ~5 times a second.

Run control (pause / resume / stop / step-once) uses the session's thread-safe :class:`Control` directly, so it
takes effect between two optimizer steps without waiting for the command queue. While training runs (or is
paused) the worker still serves ``sample`` and ``save_checkpoint`` requests between steps, so one can pause, sample
the model as it is, save it, and resume.

Public signals are always emitted on the GUI thread (the worker thread posts them through one queued connection),
so any slot, lambda or test helper connected to them runs on the GUI thread.
"""
from __future__ import annotations

import atexit
import collections
import dataclasses
import logging
import os
import queue
import threading
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np
from PySide6.QtCore import QObject, QThread, Qt, Signal, Slot

from engine.session import Control

log = logging.getLogger(__name__)

METRICS_INTERVAL_S = 0.1  # one metricsBatch per ~100 ms
SAMPLING_PREVIEW_INTERVAL_S = 0.2  # samplingProgress at most ~5 per second
MAX_PER_SAMPLE_PER_BATCH = 4096  # per-sample (t, loss) pairs sent per batch (the newest ones)
PREVIEW_STEPS = 20  # DDIM steps of the in-training preview (same as Trainer.preview)
PREVIEW_SEED = 1234
STATES = ("idle", "running", "paused", "stopping")

_running_threads: set = set()  # strong references: a running QThread must never be garbage-collected


@atexit.register
def _join_at_exit() -> None:  # pragma: no cover - a script that never called shutdown(), or a stuck step
    for thread in list(_running_threads):
        thread.request_quit()
    for thread in list(_running_threads):
        thread.wait()
    _running_threads.clear()


def default_torch_threads() -> int:
    """Intra-op threads for the worker: one core is left to the window (the GUI thread draws the live plots),
    the rest train. ``DIFFUSION_LAB_THREADS`` overrides.

    Why not all cores: with GNU OpenMP's default *active* waiting, an OpenMP team that shares its cores with any
    other busy thread collapses (measured on a busy 2-core box: moons 0.4 it/s with 2 threads vs 24 it/s with 1).
    With ``OMP_WAIT_POLICY=PASSIVE`` set before torch is imported, the team degrades gracefully, so then every
    core is used."""
    override = os.environ.get("DIFFUSION_LAB_THREADS", "").strip()
    if override.isdigit() and int(override) > 0:
        return int(override)
    try:
        import torch

        cores = int(_DEFAULT_TORCH_THREADS or torch.get_num_threads())
    except Exception:  # noqa: BLE001
        cores = os.cpu_count() or 1
    if os.environ.get("OMP_WAIT_POLICY", "").strip().upper() == "PASSIVE":
        return max(1, cores)
    return max(1, cores - 1)


def _torch_default_threads() -> int | None:
    """torch's own default (physical cores), read once on the importing (main) thread."""
    try:
        import torch

        return int(torch.get_num_threads())
    except Exception:  # noqa: BLE001
        return None


_DEFAULT_TORCH_THREADS = _torch_default_threads()


def user_message(exc: BaseException) -> str:
    """A one-line message for the user; no traceback for mistakes the user can fix."""
    from engine.errors import CheckpointError, ConfigError, DataError, TrainingStopped

    if isinstance(exc, (ConfigError, DataError, CheckpointError, TrainingStopped)):
        return str(exc)
    if isinstance(exc, FileNotFoundError):
        return f"file not found: {exc.filename or exc}"
    if isinstance(exc, PermissionError):
        return f"permission denied: {exc.filename or exc}"
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)
    if isinstance(exc, ValueError):
        return str(exc)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"internal error ({type(exc).__name__}{': ' + text if text else ''}); see the log for details"


def same_architecture(a, b) -> bool:  # noqa: ANN001 - ExperimentConfig
    """Whether a model trained under ``a`` can keep training under ``b`` (same data, network and schedule)."""
    return a.data == b.data and a.model == b.model and a.schedule == b.schedule


def model_info(trainer) -> dict:  # noqa: ANN001 - engine.training.Trainer
    """Plain facts about a trainer, for the panels (no tensors)."""
    cfg = trainer.config
    return {
        "kind": trainer.dataset.kind,
        "dataset": cfg.data.dataset,
        "preset": cfg.model.preset,
        "step": int(trainer.step_count),
        "steps": int(cfg.training.steps),
        "timesteps": int(trainer.schedule.timesteps),
        "device": trainer.device_name,
        "sample_shape": tuple(int(v) for v in trainer.dataset.x.shape[1:]),
        "num_classes": int(getattr(trainer, "num_classes", 0)),
        "config": cfg.copy(),
    }


class _RunControl(Control):
    """The session's :class:`Control` plus a hook: while the loop waits between steps (or sits paused), the worker
    flushes metrics, reports pause/resume and serves queued requests (sample, save)."""

    def __init__(self) -> None:
        super().__init__()
        self.service: Callable[[bool], None] = lambda paused: None

    def wait(self, timeout: float | None = None) -> bool:
        while True:
            self.service(self.paused and not self.stop_requested)
            if super().wait(0.05):
                self.service(False)
                return True
            if self.stop_requested:
                return False


class _EngineThread(QThread):
    """The worker thread: a command loop; all tensor work of the window happens here."""

    def __init__(self, owner: "EngineWorker"):
        super().__init__()
        self.setObjectName("dl-engine")
        self.owner = owner
        self.commands: "queue.Queue[tuple[str, tuple]]" = queue.Queue()
        self.deferred: collections.deque = collections.deque()
        self.trainer = None
        self.running_session = False
        self.quit_requested = False
        self.current_control: Control | None = None
        self.finished.connect(lambda: _running_threads.discard(self))

    @property
    def stop_requested(self) -> bool:
        """Lets the thread itself stand in for a Control in :func:`_interruptible_preview`."""
        return self.quit_requested

    def request_quit(self) -> None:
        """Any thread: stop the current run or sampler and leave the loop."""
        self.quit_requested = True
        control = self.current_control
        if control is not None:
            control.stop()
        self.commands.put(("quit", ()))

    # -------------------------------------------------------------- loop
    def run(self) -> None:  # noqa: D102 - QThread entry point
        try:
            import torch

            torch.set_num_threads(self.owner.torch_threads)
        except Exception:  # noqa: BLE001 - never let thread setup kill the loop
            log.exception("cannot configure torch threads")
        if self.owner.warm_up:
            self.warm_up()
        while not self.quit_requested:
            if self.deferred:
                name, args = self.deferred.popleft()
            else:
                try:
                    name, args = self.commands.get(timeout=0.25)
                except queue.Empty:
                    continue
            if name == "quit":
                break
            self.execute(name, args)

    def warm_up(self) -> None:
        """Pay the engine's one-time costs while the user is still looking at the fresh window, not at the first
        Start: the first ``torch.optim`` optimizer imports ``torch._dynamo`` (2.4 s here), and that import held
        the GUI thread up to ~0.5 s (measured with gui/responsiveness.py) when it happened mid-session."""
        if self.quit_requested or not self.commands.empty():
            return
        try:
            import torch

            import engine.training  # noqa: F401 - the trainer, models, data and samplers

            torch.optim.AdamW([torch.zeros(1, requires_grad=True)])
        except Exception:  # noqa: BLE001 - only an optimisation; a real run reports real errors
            log.debug("engine warm-up failed", exc_info=True)

    def execute(self, name: str, args: tuple) -> None:
        handler = getattr(self, "do_" + name)
        try:
            handler(*args)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a message, the loop survives
            if not _is_user_error(exc):
                log.exception("worker command %s failed", name)
            self.owner._post("error", user_message(exc))
            self.owner._post("statusMessage", user_message(exc))

    def service_in_loop(self) -> None:
        """Between two steps: run the requests that make sense mid-training, defer the others."""
        while True:
            try:
                name, args = self.commands.get_nowait()
            except queue.Empty:
                return
            if name == "quit":
                self.quit_requested = True
                return
            if name in ("sample", "save_checkpoint"):
                self.execute(name, args)
            else:
                self.deferred.append((name, args))

    # -------------------------------------------------------------- commands
    def do_set_trainer(self, trainer) -> None:  # noqa: ANN001
        self.trainer = trainer
        self.owner._post("deviceName", trainer.device_name)
        self.owner._post("modelChanged", model_info(trainer))
        self.owner._post("statusMessage", f"model ready: {trainer.config.data.dataset}, step {trainer.step_count}")

    def do_load_checkpoint(self, path: str) -> None:
        from engine.checkpoint import load_checkpoint, trainer_from_checkpoint

        self.owner._post("statusMessage", f"loading checkpoint {path} …")
        ckpt = load_checkpoint(path)
        trainer = trainer_from_checkpoint(ckpt)
        self.trainer = trainer
        self.owner._post("deviceName", trainer.device_name)
        self.owner._post("metricsBatch", _history_batch(trainer))
        self.owner._post("modelChanged", model_info(trainer))
        self.owner._post("checkpointLoaded", trainer.config.copy())
        self.owner._post("statusMessage", f"opened checkpoint {ckpt.path} (step {trainer.step_count})")
        if trainer.step_count and trainer.dataset.kind in ("images", "points"):
            grid = _interruptible_preview(trainer, self)  # what the opened model draws, for the Training tab
            if grid is not None:
                self.owner._post("preview", int(trainer.step_count), grid)

    def do_save_checkpoint(self, path: str) -> None:
        from engine.checkpoint import save_checkpoint

        if self.trainer is None:
            raise ValueError("nothing to save yet: train a model or open a checkpoint first")
        written = save_checkpoint(self.trainer, path)
        self.owner._post("checkpointSaved", str(written))
        self.owner._post("statusMessage", f"checkpoint saved: {written} (step {self.trainer.step_count})")

    def do_train(self, cfg, resume: bool, control) -> None:  # noqa: ANN001, C901
        from engine.session import TrainingSession, is_out_of_memory
        from engine.training import Trainer

        owner = self.owner
        if control.stop_requested:  # stopped before it started
            owner._post("trainingStateChanged", "idle")  # idle first: a trainingFinished handler may start again
            owner._post("trainingFinished", "stopped", "stopped before the first step",
                        self.trainer.step_count if self.trainer else 0)
            return
        owner._post("trainingStateChanged", "running")
        trainer = self.trainer
        fresh = not (resume and trainer is not None and same_architecture(trainer.config, cfg))
        try:
            if fresh:
                owner._post("statusMessage", f"preparing {cfg.data.dataset} and a {cfg.model.preset} model …")
                trainer = Trainer(cfg)
                self.trainer = trainer
                owner._post("metricsBatch", _history_batch(trainer))  # clears the plots
                total = cfg.training.steps
            else:
                trainer.config = dataclasses.replace(trainer.config, training=dataclasses.replace(cfg.training),
                                                     sampling=dataclasses.replace(cfg.sampling))
                for group in trainer.optimizer.param_groups:
                    group["weight_decay"] = cfg.training.weight_decay
                done = trainer.step_count
                total = cfg.training.steps if done < cfg.training.steps else done + cfg.training.steps
        except Exception as exc:  # noqa: BLE001 - bad config / data: a message, not a traceback
            if not _is_user_error(exc):
                log.exception("cannot build the trainer")
            msg = user_message(exc)
            owner._post("error", msg)
            owner._post("trainingStateChanged", "idle")
            owner._post("trainingFinished", "error", msg, self.trainer.step_count if self.trainer else 0)
            return
        owner._post("deviceName", trainer.device_name)
        owner._post("modelChanged", model_info(trainer))
        if not fresh:
            owner._post("statusMessage", f"continuing from step {trainer.step_count} to {total}")
        else:
            owner._post("statusMessage", f"training {cfg.data.dataset} on {trainer.device_name}")

        batcher = _MetricsBatcher(owner, total, trainer.step_count)
        every = int(cfg.training.preview_every or 0)
        state = {"paused": False}

        def service(paused: bool) -> None:
            if paused:
                if not state["paused"]:
                    state["paused"] = True
                    batcher.pause()
                    owner._post("trainingStateChanged", "paused")
                batcher.flush(force=True)  # e.g. the one step of a step-once
            elif not paused and state["paused"] and not control.paused:
                state["paused"] = False
                batcher.resume()
                owner._post("trainingStateChanged", "running")
            self.service_in_loop()
            if self.quit_requested:
                control.stop()

        control.service = service

        def on_metrics(m) -> None:  # noqa: ANN001 - StepMetrics
            batcher.add(m)
            if every and (m.step % every == 0 or m.step == total):
                batcher.flush(force=True)
                grid = _interruptible_preview(trainer, control)
                if grid is not None:
                    owner._post("preview", int(m.step), grid)
                batcher.skip_time()

        autosave_dir = None
        if owner.autosave_every_s > 0:
            try:
                from engine.appdirs import autosave_dir as _autosave_dir

                autosave_dir = _autosave_dir() / "last-run"
            except Exception:  # noqa: BLE001 - autosave is a convenience
                autosave_dir = None

        def on_autosave(tr) -> None:  # noqa: ANN001
            from engine.checkpoint import save_checkpoint

            try:
                save_checkpoint(tr, autosave_dir)
            except Exception:  # noqa: BLE001 - never stop training for an autosave
                log.exception("autosave failed")

        self.running_session = True
        self.current_control = control
        if self.quit_requested:
            control.stop()
        try:
            session = TrainingSession(trainer, control)
            result = session.run(on_metrics, None, preview_every=0, total_steps=total,
                                 on_autosave=on_autosave if autosave_dir else None,
                                 autosave_every_s=owner.autosave_every_s)
            reason, message, step = result.reason, result.message, result.step
        except Exception as exc:  # noqa: BLE001 - unexpected failures end the run with a message
            if is_out_of_memory(exc):
                reason, message = "oom", f"out of memory at step {trainer.step_count + 1}: {exc}"
            else:
                log.exception("training failed")
                reason, message = "error", user_message(exc)
            step = trainer.step_count
        finally:
            self.running_session = False
            self.current_control = None
            batcher.flush(force=True)
        if reason == "diverged":
            message = _diverged_message(message, step)
        owner._post("modelChanged", model_info(trainer))
        owner._post("statusMessage", _status_line(reason, message, step))
        owner._post("trainingStateChanged", "idle")  # idle first: a trainingFinished handler may start again
        owner._post("trainingFinished", reason, message, int(step))

    def do_sample(self, sampling_cfg, request_id: int) -> None:  # noqa: ANN001
        from engine.imaging import to_uint8
        from engine.samplers import Trajectory

        owner = self.owner
        if owner._sampling_cancelled(request_id):
            owner._post("samplingAborted", "cancelled")
            return
        if self.trainer is None:
            owner._post("samplingAborted", "error")
            raise ValueError("no model yet: train one (Training tab) or open a checkpoint first")
        trainer = self.trainer
        owner._post("statusMessage", f"sampling {sampling_cfg.n} × {sampling_cfg.sampler.upper()} "
                                     f"{sampling_cfg.steps} steps …")
        started = time.perf_counter()
        try:
            frames = trainer.sample(sampling_cfg)
            trajectory = None
            last_emit = 0.0
            for frame in frames:
                if trajectory is None:
                    trajectory = Trajectory(frame.num_steps, tuple(frame.x_t.shape), trainer.dataset.kind)
                trajectory.record(frame)
                if owner._sampling_cancelled(request_id) or self.quit_requested:
                    owner._post("samplingAborted", "cancelled")
                    owner._post("statusMessage", f"sampling cancelled at step {frame.step}/{frame.num_steps}")
                    return
                now = time.perf_counter()
                if now - last_emit >= SAMPLING_PREVIEW_INTERVAL_S or frame.is_final:
                    last_emit = now
                    if trainer.dataset.kind == "images":
                        shown = to_uint8(frame.x0_pred.detach().float().cpu())
                    else:
                        shown = frame.x_t.detach().float().cpu().numpy().astype(np.float32)
                    owner._post("samplingProgress", int(frame.step), int(frame.num_steps), shown)
        except Exception:
            owner._post("samplingAborted", "error")
            raise
        elapsed = time.perf_counter() - started
        owner._post("samplingFinished", trajectory)
        owner._post("statusMessage", f"sampled {sampling_cfg.n} in {elapsed:.1f} s "
                                     f"({len(trajectory)} frames recorded, {trajectory.nbytes / 2**20:.1f} MB)")


def _is_user_error(exc: BaseException) -> bool:
    from engine.errors import CheckpointError, ConfigError, DataError, TrainingStopped

    return isinstance(exc, (CheckpointError, ConfigError, DataError, TrainingStopped, OSError))


def _diverged_message(message: str, step: int) -> str:
    text = message.strip().replace("training paused and the last good weights were kept",
                                   "training stopped and the last good weights were kept")
    if "last good weights" not in text:
        text += "; the last good weights were kept"
    return text


def _status_line(reason: str, message: str, step: int) -> str:
    return {"finished": f"training finished: {message}", "stopped": f"training stopped at step {step}",
            "time_budget": message, "diverged": f"training diverged: {message}",
            "oom": message, "error": f"training failed: {message}"}.get(reason, message)


def _history_batch(trainer) -> dict:  # noqa: ANN001
    """A ``replace`` batch carrying a trainer's whole history (empty for a fresh one)."""
    h = trainer.history
    return {
        "replace": True,
        "step": np.asarray(h.step, dtype=np.int64),
        "loss": np.asarray(h.loss, dtype=np.float64),
        "lr": np.asarray(h.lr, dtype=np.float64),
        "grad_norm": np.asarray(h.grad_norm, dtype=np.float64),
        "t": np.zeros(0, dtype=np.int64),
        "per_sample_loss": np.zeros(0, dtype=np.float32),
        "its_per_sec": 0.0,
        "total": int(trainer.config.training.steps),
        "timesteps": int(trainer.schedule.timesteps),
    }


def _interruptible_preview(trainer, control):  # noqa: ANN001, ANN202
    """``Trainer.preview`` (fixed-seed DDIM from the EMA weights) that gives up as soon as a stop is requested,
    so Stop and closing the window never wait for a preview to finish."""
    from engine.imaging import make_grid, to_uint8

    is_images = trainer.dataset.kind == "images"
    n = 36 if is_images else 1000
    steps = min(PREVIEW_STEPS, trainer.schedule.timesteps)
    last = None
    for frame in trainer.sample(n=n, steps=steps, seed=PREVIEW_SEED, sampler="ddim", eta=0.0, use_ema=True):
        if control.stop_requested:
            return None
        last = frame
    samples = last.x_t.detach().float().cpu()
    if is_images:
        return make_grid(to_uint8(samples), padding=1)
    return samples.numpy().astype(np.float32)


class _MetricsBatcher:
    """Collects StepMetrics on the worker thread and posts one ``metricsBatch`` (numpy arrays) per ~100 ms."""

    def __init__(self, owner: "EngineWorker", total: int, start_step: int):
        self.owner = owner
        self.total = int(total)
        self.start_step = int(start_step)
        self.steps: list[int] = []
        self.losses: list[float] = []
        self.lrs: list[float] = []
        self.grad_norms: list[float] = []
        self.ts: collections.deque = collections.deque()
        self.per_sample: collections.deque = collections.deque()
        self.per_sample_count = 0
        now = time.perf_counter()
        self.window_start = now
        self.window_steps = 0
        self.last_flush = now
        self.active_time = 0.0
        self.active_since: float | None = now
        self.rate = 0.0
        self.last_step = self.start_step

    def add(self, m) -> None:  # noqa: ANN001
        self.steps.append(m.step)
        self.losses.append(m.loss)
        self.lrs.append(m.lr)
        self.grad_norms.append(m.grad_norm)
        self.ts.append(m.t)
        self.per_sample.append(m.per_sample_loss)
        self.per_sample_count += len(m.t)
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
        batch = {
            "replace": False,
            "step": np.asarray(self.steps, dtype=np.int64),
            "loss": np.asarray(self.losses, dtype=np.float64),
            "lr": np.asarray(self.lrs, dtype=np.float64),
            "grad_norm": np.asarray(self.grad_norms, dtype=np.float64),
            "t": np.concatenate(list(self.ts)).astype(np.int64, copy=False),
            "per_sample_loss": np.concatenate(list(self.per_sample)).astype(np.float32, copy=False),
            "its_per_sec": float(self.rate),
            "total": self.total,
        }
        self.steps, self.losses, self.lrs, self.grad_norms = [], [], [], []
        self.ts.clear()
        self.per_sample.clear()
        self.per_sample_count = 0
        self.last_flush = now
        self.owner._post("metricsBatch", batch)
        elapsed = self.elapsed()
        remaining = max(0, self.total - self.last_step)
        eta = remaining / self.rate if self.rate > 0 else -1.0
        self.owner._post("progress", {"step": int(self.last_step), "total": self.total,
                                      "its_per_sec": float(self.rate), "elapsed": float(elapsed),
                                      "eta": float(eta)})


class EngineWorker(QObject):
    """The window's handle on the engine thread. Construct, :meth:`start`, and :meth:`shutdown` on close."""

    statusMessage = Signal(str)
    deviceName = Signal(str)
    progress = Signal(dict)  # step, total, its_per_sec, elapsed, eta (seconds; eta < 0 while unknown)
    metricsBatch = Signal(dict)  # see _MetricsBatcher.flush; ``replace`` True = a whole history (clear first)
    preview = Signal(int, object)  # step, uint8 grid (H, W, C) or float32 points (n, 2)
    trainingStateChanged = Signal(str)  # idle | running | paused | stopping
    trainingFinished = Signal(str, str, int)  # reason (RunResult reasons), message, step
    samplingProgress = Signal(int, int, object)  # step, total, uint8 x0_pred stack (N,H,W,C) or float32 x_t (N,2)
    samplingFinished = Signal(object)  # engine.samplers.Trajectory
    samplingAborted = Signal(str)  # cancelled | error
    checkpointSaved = Signal(str)
    checkpointLoaded = Signal(object)  # ExperimentConfig of the checkpoint
    modelChanged = Signal(dict)  # model_info(): kind, dataset, step, timesteps, sample_shape, config ...
    error = Signal(str)

    _posted = Signal(str, object)  # worker thread -> GUI thread

    def __init__(self, parent: QObject | None = None, *, torch_threads: int | None = None,
                 autosave_every_s: float = 300.0, warm_up: bool = False):
        super().__init__(parent)
        self.torch_threads = int(torch_threads or default_torch_threads())
        self.warm_up = bool(warm_up)  # see _EngineThread.warm_up
        self.autosave_every_s = float(autosave_every_s)
        self._thread: _EngineThread | None = None
        self._control = None
        self._state = "idle"
        self._sampling = False
        self._model: dict | None = None
        self._sample_requests = 0
        self._cancelled_upto = 0
        self._lock = threading.Lock()
        self._posted.connect(self._dispatch, Qt.QueuedConnection)

    # -------------------------------------------------------------- lifecycle
    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = _EngineThread(self)
        _running_threads.add(self._thread)
        self._thread.start()

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def shutdown(self, timeout_ms: int = 2000) -> bool:
        """Stop training and sampling and join the thread; True when it finished within ``timeout_ms``."""
        thread = self._thread
        if thread is None:
            return True
        self.cancel_sampling()
        if self._control is not None:
            self._control.stop()
        thread.request_quit()
        finished = thread.wait(max(0, int(timeout_ms)))
        if not finished:  # a step / data load outlived the timeout: it is joined at exit, never destroyed running
            log.warning("engine thread still busy after %d ms; it will be joined at exit", timeout_ms)
        self._thread = None
        self._set_state("idle")
        return bool(finished)

    # -------------------------------------------------------------- state
    def state(self) -> str:
        return self._state

    def is_sampling(self) -> bool:
        return self._sampling

    def has_model(self) -> bool:
        return self._model is not None

    def model(self) -> dict | None:
        """model_info() of the worker's current trainer (as of the last signal), or None."""
        return self._model

    # -------------------------------------------------------------- commands (GUI thread)
    def _submit(self, name: str, *args: Any) -> None:
        if self._thread is None:
            self.start()
        self._thread.commands.put((name, args))

    def start_training(self, cfg, resume: bool = False) -> None:  # noqa: ANN001 - ExperimentConfig
        """Train ``cfg`` in the worker thread; with ``resume`` keep the current model when its architecture
        matches (continuing to ``cfg.training.steps``, or that many more steps when already past it)."""
        if self._state in ("running", "paused", "stopping"):
            self.error.emit("training is already running; stop it first")
            return
        cfg = cfg.copy()
        self._control = _RunControl()
        self._set_state("running")
        self._submit("train", cfg, bool(resume), self._control)

    def pause(self) -> None:
        if self._control is not None and self._state == "running":
            self._control.pause()

    def resume(self) -> None:
        if self._control is not None and self._state in ("running", "paused"):
            self._control.resume()

    def step_once(self) -> None:
        """While paused: one more optimizer step."""
        if self._control is not None and self._state in ("running", "paused"):
            self._control.pause()
            self._control.step_once()

    def stop(self) -> None:
        if self._control is not None and self._state in ("running", "paused"):
            self._control.stop()
            self._set_state("stopping")
        self.cancel_sampling()

    def sample(self, sampling_cfg) -> int:  # noqa: ANN001 - SamplingConfig
        """Run a sampler over the current model; returns the request id. While training runs, it is served
        between two steps."""
        with self._lock:
            self._sample_requests += 1
            request = self._sample_requests
        self._sampling = True
        self._submit("sample", dataclasses.replace(sampling_cfg), request)
        return request

    def cancel_sampling(self) -> None:
        with self._lock:
            self._cancelled_upto = self._sample_requests

    def _sampling_cancelled(self, request: int) -> bool:
        with self._lock:
            return request <= self._cancelled_upto

    def save_checkpoint(self, path: str | Path) -> None:
        self._submit("save_checkpoint", str(path))

    def load_checkpoint(self, path: str | Path) -> None:
        if self._state != "idle":
            self.error.emit("stop training before opening a checkpoint")
            return
        self._submit("load_checkpoint", str(path))

    def set_trainer(self, trainer) -> None:  # noqa: ANN001 - engine.training.Trainer
        self._submit("set_trainer", trainer)

    # -------------------------------------------------------------- delivery (GUI thread)
    def _post(self, name: str, *args: Any) -> None:
        """Called on the worker thread: deliver ``name(*args)`` on the GUI thread."""
        try:
            self._posted.emit(name, args)
        except RuntimeError:  # the QObject is gone (window closed mid-step)
            pass

    @Slot(str, object)
    def _dispatch(self, name: str, args: tuple) -> None:
        if name == "trainingStateChanged":
            self._set_state(args[0])
            return
        if name == "modelChanged":
            self._model = args[0]
        elif name in ("samplingFinished", "samplingAborted"):
            self._sampling = False
        getattr(self, name).emit(*args)

    def _set_state(self, state: str) -> None:
        if self._state == "stopping" and state != "idle":
            return  # a late "running" / "paused" posted before the worker saw the stop request
        if state == self._state:
            return
        self._state = state
        if state == "idle":
            self._control = None
        self.trainingStateChanged.emit(state)
