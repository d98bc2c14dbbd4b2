"""The engine worker's thread and the jobs it runs: training sessions, sampler runs, checkpoint load / save.

Everything here runs on the worker thread (all tensor work of the window happens here). Results leave only as
:mod:`gui.events` dataclasses handed to ``owner.post``, which delivers them on the GUI thread.
"""
from __future__ import annotations

import collections
import dataclasses
import logging
import queue
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QCoreApplication, QThread

from engine.errors import TrainingStopped, UserError
from engine.live_quality import LiveQuality
from engine.session import Control
from gui.bound_job import run_bound
from gui.branch_job import run_branch
from gui.compare_job import run_comparison, run_preview
from gui.engine_messages import device_text, engine_message
from gui.events import (
    LAB2D_COMMANDS,
    MID_RUN_COMMANDS,
    BoundRequest,
    BranchRequest,
    CheckpointLoaded,
    CheckpointSaved,
    CompareRequest,
    DeviceChanged,
    GuidanceStudyRequest,
    InversionRequest,
    JobFailed,
    LoadCheckpoint,
    ModelFacts,
    NfeStudyRequest,
    PreviewReady,
    QualityScored,
    Quit,
    RunFinished,
    RunPreviewRequest,
    SampleRequest,
    SamplingAborted,
    SamplingFinished,
    SamplingFrame,
    SaveCheckpoint,
    StartTraining,
    StatusMessage,
    UseTrainer,
    WorkerState,
)
from gui.guidance_job import run_guidance_study
from gui.inversion_job import run_inversion
from gui.metrics_batcher import MetricsBatcher, history_batch
from gui.nfe_job import run_nfe_study

if TYPE_CHECKING:  # annotations only
    from engine.config import ExperimentConfig
    from engine.samplers import Frame
    from engine.training import StepMetrics, Trainer
    from gui.worker import EngineWorker

log = logging.getLogger(__name__)

SAMPLING_PREVIEW_INTERVAL_S = 0.2  # SamplingFrame at most ~5 per second
PREVIEW_STEPS = 20  # DDIM steps of the in-training preview (Trainer.preview's default)
PREVIEW_SEED = 1234

# the messages below are made on the worker thread; QCoreApplication.translate is thread-safe
translate = QCoreApplication.translate
running_threads: set = set()  # strong references: a running QThread must never be garbage-collected


def user_message(exc: BaseException) -> str:
    """A one-line message for the user; no traceback for mistakes the user can fix."""
    if isinstance(exc, (UserError, TrainingStopped)):
        return str(exc)
    if isinstance(exc, FileNotFoundError):
        return translate("EngineWorker", "file not found: {0}").format(exc.filename or exc)
    if isinstance(exc, PermissionError):
        return translate("EngineWorker", "permission denied: {0}").format(exc.filename or exc)
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)
    if isinstance(exc, ValueError):
        return str(exc)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return translate("EngineWorker", "internal error ({0}); see the log for details").format(
        type(exc).__name__ + (": " + text if text else ""))


def is_user_error(exc: BaseException) -> bool:
    """Failures reported without a logged traceback: the user can fix them (a value, a file, a device)."""
    return isinstance(exc, (UserError, TrainingStopped, OSError))


def same_architecture(a: ExperimentConfig, b: ExperimentConfig) -> bool:
    """Whether a model trained under ``a`` can keep training under ``b`` (same data, network and schedule)."""
    return a.data == b.data and a.model == b.model and a.schedule == b.schedule


def model_facts(trainer: Trainer) -> ModelFacts:
    """Plain facts about a trainer, for the panels (no tensors)."""
    cfg = trainer.config
    return ModelFacts(kind=trainer.dataset.kind, dataset=cfg.data.dataset, preset=cfg.model.preset,
                      step=int(trainer.step_count), steps=int(cfg.training.steps),
                      timesteps=int(trainer.schedule.timesteps), device=trainer.device_name,
                      sample_shape=tuple(int(v) for v in trainer.dataset.x.shape[1:]),
                      num_classes=int(trainer.num_classes), config=cfg.copy(),
                      conditional=bool(trainer.conditional and trainer.num_classes),
                      class_names=tuple(str(c) for c in trainer.dataset.class_names)
                      or tuple(str(k) for k in range(int(trainer.num_classes))), data_box=_data_box(trainer))


def _data_box(trainer: Trainer) -> tuple[float, float, float, float] | None:
    """A 2-D set's bounding box, computed here on the worker (the Training tab's preview fits its view to it)."""
    if trainer.dataset.kind != "points":
        return None
    x = trainer.dataset.x
    lo, hi = x.amin(dim=0), x.amax(dim=0)
    return float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])


def status_line(reason: str, message: str, step: int) -> str:
    """The status bar's line for the end of a run, the engine's message in the interface language."""
    message = engine_message(message)
    if reason == "finished":
        return translate("EngineWorker", "training finished: {0}").format(message)
    if reason == "stopped":
        return translate("EngineWorker", "training stopped at step {0}").format(step)
    if reason == "diverged":
        return translate("EngineWorker", "training diverged: {0}").format(message)
    if reason == "error":
        return translate("EngineWorker", "training failed: {0}").format(message)
    return message  # time_budget, oom and the rest: the message says it all


class RunControl(Control):
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


def quality_event(score, seconds: float) -> QualityScored:
    """The typed event of an engine QualityScore (plain numbers only)."""
    return QualityScored(step=score.step, metric=score.metric, value=float(score.value), floor=float(score.floor),
                         ratio=float(score.ratio), n_samples=int(score.n_samples), seconds=seconds,
                         precision=score.precision, recall=score.recall, classes=score.classes)


class EngineThread(QThread):
    """The worker thread: a loop over typed commands (gui.events) that owns the model; training, sampling and
    checkpoint work all happen here."""

    def __init__(self, owner: EngineWorker):
        super().__init__()
        self.setObjectName("dl-engine")
        self.owner = owner
        self.post = owner.post
        self.commands: queue.Queue = queue.Queue()
        self.deferred: collections.deque = collections.deque()
        self.trainer = None
        self.quit_requested = False
        self.current_control: Control | None = None
        self.finished.connect(lambda: running_threads.discard(self))

    def request_quit(self) -> None:
        """Any thread: stop the current run or sampler and leave the loop."""
        self.quit_requested = True
        control = self.current_control
        if control is not None:
            control.stop()
        self.commands.put(Quit())

    # -------------------------------------------------------------- loop
    def run(self) -> None:
        try:
            import torch

            torch.set_num_threads(self.owner.torch_threads)
        except Exception:
            log.exception("cannot configure torch threads")
        if self.owner.warm_up:
            self.warm_up()
        while not self.quit_requested:
            if self.deferred:
                command = self.deferred.popleft()
            else:
                try:
                    command = self.commands.get(timeout=0.25)
                except queue.Empty:
                    continue
            if isinstance(command, Quit):
                break
            self.execute(command)

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
        except Exception:
            log.debug("engine warm-up failed", exc_info=True)

    def execute(self, command: object) -> None:
        handlers = {StartTraining: self.train, SampleRequest: self.sample, SaveCheckpoint: self.save_checkpoint,
                    LoadCheckpoint: self.load_checkpoint, UseTrainer: self.use_trainer,
                    CompareRequest: self.compare, BranchRequest: self.branch,
                    BoundRequest: lambda c: run_bound(self, c),
                    **dict.fromkeys(LAB2D_COMMANDS, self.lab2d),
                    RunPreviewRequest: lambda c: self.post(run_preview(c)), NfeStudyRequest: self.study_nfe,
                    InversionRequest: lambda c: run_inversion(self, c),
                    GuidanceStudyRequest: lambda c: run_guidance_study(self, c)}
        try:
            handlers[type(command)](command)
        except Exception as exc:
            if not is_user_error(exc):
                log.exception("worker command %s failed", type(command).__name__)
            self.post(JobFailed(user_message(exc)))
            self.post(StatusMessage(user_message(exc)))

    def service_in_loop(self) -> None:
        """Between two steps: run the requests that make sense mid-training, defer the others."""
        while True:
            try:
                command = self.commands.get_nowait()
            except queue.Empty:
                return
            if isinstance(command, Quit):
                self.quit_requested = True
                return
            if isinstance(command, MID_RUN_COMMANDS):
                self.execute(command)
            else:
                self.deferred.append(command)

    def preview(self, trainer: Trainer, control: Control) -> np.ndarray | None:
        """The fixed-seed EMA preview, abandoned (None) as soon as a stop or quit is requested."""
        return trainer.preview(steps=PREVIEW_STEPS, seed=PREVIEW_SEED,
                               should_stop=lambda: control.stop_requested or self.quit_requested)

    # -------------------------------------------------------------- model commands
    def use_trainer(self, command: UseTrainer) -> None:
        trainer = command.trainer
        self.trainer = trainer
        self.post(DeviceChanged(trainer.device_name))
        self.post(model_facts(trainer))
        self.post(StatusMessage(translate("EngineWorker", "model ready: {0}, step {1}").format(
            trainer.config.data.dataset, trainer.step_count)))

    def load_checkpoint(self, command: LoadCheckpoint) -> None:
        from engine.checkpoint import trainer_from_checkpoint

        ckpt = command.checkpoint  # read and checked by a short job (gui/worker.py)
        self.post(StatusMessage(translate("EngineWorker", "building the model of {0} …").format(ckpt.path)))
        trainer = trainer_from_checkpoint(ckpt)
        self.trainer = trainer
        self.post(DeviceChanged(trainer.device_name))
        self.post(history_batch(trainer))
        self.post(model_facts(trainer))
        self.post(CheckpointLoaded(trainer.config.copy()))
        self.post(StatusMessage(translate("EngineWorker", "opened checkpoint {0} (step {1})").format(
            ckpt.path, trainer.step_count)))
        if trainer.step_count and trainer.dataset.kind in ("images", "points"):
            grid = self.preview(trainer, Control())  # what the opened model draws, for the Training tab
            if grid is not None:
                self.post(PreviewReady(int(trainer.step_count), grid))

    def save_checkpoint(self, command: SaveCheckpoint) -> None:
        from engine.checkpoint import save_checkpoint

        if self.trainer is None:
            raise ValueError(translate("EngineWorker", "nothing to save yet: train a model or open a checkpoint first"))
        written = save_checkpoint(self.trainer, command.path)
        self.post(CheckpointSaved(str(written)))
        self.post(StatusMessage(translate("EngineWorker", "checkpoint saved: {0} (step {1})").format(
            written, self.trainer.step_count)))

    # -------------------------------------------------------------- training
    def _end_run(self, reason: str, message: str) -> None:
        self.post(WorkerState("idle"))  # idle first: a RunFinished handler may start again
        self.post(RunFinished(reason, message, self.trainer.step_count if self.trainer else 0))

    def _prepare_trainer(self, cfg: ExperimentConfig, resume: bool) -> tuple[Trainer, int]:
        """The trainer to run and the step to run it to: a fresh one, or the current one continued."""
        from engine.training import Trainer

        trainer = self.trainer
        if resume and trainer is not None and same_architecture(trainer.config, cfg):
            trainer.config = dataclasses.replace(trainer.config, training=dataclasses.replace(cfg.training),
                                                 sampling=dataclasses.replace(cfg.sampling))
            for group in trainer.optimizer.param_groups:
                group["weight_decay"] = cfg.training.weight_decay
            done = trainer.step_count
            total = cfg.training.steps if done < cfg.training.steps else done + cfg.training.steps
            self.post(StatusMessage(translate("EngineWorker", "continuing from step {0} to {1}").format(
                trainer.step_count, total)))
            return trainer, total
        self.post(StatusMessage(translate("EngineWorker", "preparing {0} and a {1} model …").format(
            cfg.data.dataset, cfg.model.preset)))
        trainer = Trainer(cfg)
        self.trainer = trainer
        self.post(history_batch(trainer))  # clears the plots
        self.post(StatusMessage(translate("EngineWorker", "training {0} on {1}").format(
            cfg.data.dataset, device_text(trainer.device_name))))
        return trainer, cfg.training.steps

    def _autosave(self) -> Callable | None:
        """TrainingSession's periodic autosave (a crash leaves the last run to offer), or None when it is off."""
        if self.owner.autosave_every_s <= 0:
            return None
        try:
            from engine.appdirs import autosave_dir

            folder = autosave_dir() / "last-run"
        except Exception:  # noqa: BLE001 - autosave is a convenience
            return None

        def on_autosave(trainer: Trainer) -> None:
            from engine.checkpoint import save_checkpoint

            try:
                save_checkpoint(trainer, folder)
            except Exception:
                log.exception("autosave failed")

        return on_autosave

    def _live_quality(self, trainer: Trainer, every: int) -> LiveQuality | None:
        """This trainer's live quality scoring (kept across continued runs), or None when ``quality_every`` is 0."""
        current = getattr(self, "live_quality", None)
        if every <= 0:
            return None
        if current is None or current.trainer is not trainer:
            current = self.live_quality = LiveQuality(trainer, every)
        current.set_every(every)
        return current if current.off_reason is None else None

    def _score_quality(self, quality: LiveQuality, step: int, control: Control, batcher: MetricsBatcher) -> None:
        batcher.flush(force=True)
        started = time.perf_counter()
        try:
            score = quality.score(step, lambda: control.stop_requested or self.quit_requested)
            event = quality_event(score, time.perf_counter() - started) if score is not None else None
        except Exception as exc:
            log.warning("live quality score failed at step %s", step, exc_info=True)
            self.post(StatusMessage(translate("EngineWorker", "quality score failed at step {0}: {1}").format(
                step, user_message(exc))))
            event = None
        if quality.off_reason is not None:  # said once: due() is False from now on
            self.post(StatusMessage(translate("EngineWorker", "live quality off: {0}").format(quality.off_reason)))
        if event is not None:
            self.post(event)
        batcher.skip_time()

    def train(self, command: StartTraining) -> None:
        from engine.session import TrainingSession, is_out_of_memory

        cfg, control = command.config, command.control
        if control.stop_requested:  # stopped before it started
            self._end_run("stopped", "stopped before the first step")
            return
        self.post(WorkerState("running"))
        try:
            trainer, total = self._prepare_trainer(cfg, command.resume)
        except Exception as exc:
            if not is_user_error(exc):
                log.exception("cannot build the trainer")
            self.post(JobFailed(user_message(exc)))
            self._end_run("error", user_message(exc))
            return
        self.post(DeviceChanged(trainer.device_name))
        self.post(model_facts(trainer))

        batcher = MetricsBatcher(self.post, total, trainer.step_count)
        every = int(cfg.training.preview_every or 0)
        quality = self._live_quality(trainer, int(cfg.training.quality_every or 0))
        paused_reported = [False]

        def service(paused: bool) -> None:
            if paused:
                if not paused_reported[0]:
                    paused_reported[0] = True
                    batcher.pause()
                    self.post(WorkerState("paused"))
                batcher.flush(force=True)  # e.g. the one step of a step-once
            elif paused_reported[0] and not control.paused:
                paused_reported[0] = False
                batcher.resume()
                self.post(WorkerState("running"))
            self.service_in_loop()
            if self.quit_requested:
                control.stop()

        control.service = service

        def on_metrics(m: StepMetrics) -> None:
            batcher.add(m)
            if every and (m.step % every == 0 or m.step == total):
                batcher.flush(force=True)
                grid = self.preview(trainer, control)
                if grid is not None:
                    self.post(PreviewReady(int(m.step), grid))
                batcher.skip_time()
            if quality is not None:
                quality.observe(m.step_time)
                if quality.due(m.step):
                    self._score_quality(quality, m.step, control, batcher)

        on_autosave = self._autosave()
        self.current_control = control
        if self.quit_requested:
            control.stop()
        try:
            session = TrainingSession(trainer, control)
            result = session.run(on_metrics, None, preview_every=0, total_steps=total, on_autosave=on_autosave,
                                 autosave_every_s=self.owner.autosave_every_s)
            reason, message, step = result.reason, result.message, result.step
        except Exception as exc:
            if is_out_of_memory(exc):
                reason, message = "oom", translate("EngineWorker", "out of memory at step {0}: {1}").format(
                    trainer.step_count + 1, exc)
            else:
                log.exception("training failed")
                reason, message = "error", user_message(exc)
            step = trainer.step_count
        finally:
            self.current_control = None
            batcher.flush(force=True)
        self.post(model_facts(trainer))
        self.post(StatusMessage(status_line(reason, message, step)))
        self.post(WorkerState("idle"))  # idle first: a RunFinished handler may start again
        self.post(RunFinished(reason, message, int(step)))

    # -------------------------------------------------------------- sampling
    def sample(self, command: SampleRequest) -> None:
        from engine.imaging import to_uint8
        from engine.samplers import RecordingStopped, record

        owner, sampling_cfg = self.owner, command.sampling
        if owner.sampling_cancelled(command.request_id):
            self.post(SamplingAborted("cancelled"))
            return
        if self.trainer is None:
            self.post(SamplingAborted("error"))
            raise ValueError(translate("EngineWorker", "no model yet: train one (Training tab) or open a "
                                                       "checkpoint first"))
        trainer = self.trainer
        kind = trainer.dataset.kind
        self.post(StatusMessage(translate("EngineWorker", "sampling {0} × {1} {2} steps …").format(
            sampling_cfg.n, sampling_cfg.sampler.upper(), sampling_cfg.steps)))
        started = time.perf_counter()
        last_emit, nfe = [0.0], [0]  # nfe: the last frame's model evaluations, for SamplingFinished

        def on_frame(frame: Frame) -> None:
            nfe[0] = frame.nfe
            now = time.perf_counter()
            if now - last_emit[0] >= SAMPLING_PREVIEW_INTERVAL_S or frame.is_final:
                last_emit[0] = now
                if kind == "images":
                    shown = to_uint8(frame.x0_pred.detach().float().cpu())
                else:
                    shown = frame.x_t.detach().float().cpu().numpy().astype(np.float32)
                self.post(SamplingFrame(int(frame.step), int(frame.num_steps), shown))

        def should_stop() -> bool:
            return owner.sampling_cancelled(command.request_id) or self.quit_requested

        try:
            trajectory = record(trainer.sample(sampling_cfg), kind, on_frame=on_frame, should_stop=should_stop)
        except RecordingStopped as stopped:
            total = stopped.trajectory.num_steps if stopped.trajectory is not None else sampling_cfg.steps
            self.post(SamplingAborted("cancelled"))
            self.post(StatusMessage(translate("EngineWorker", "sampling cancelled at step {0}/{1}").format(
                stopped.step, total)))
            return
        except Exception:
            self.post(SamplingAborted("error"))
            raise
        elapsed = time.perf_counter() - started
        self.post(SamplingFinished(trajectory, int(nfe[0])))
        self.post(StatusMessage(translate("EngineWorker", "sampled {0} in {1:.1f} s ({2} frames recorded, "
                                                          "{3:.1f} MB)").format(
            sampling_cfg.n, elapsed, len(trajectory), trajectory.nbytes / 2**20)))

    def compare(self, command: CompareRequest) -> None:  # the job lives in gui/compare_job.py
        run_comparison(self, command)

    def branch(self, command: BranchRequest) -> None:  # the job lives in gui/branch_job.py
        run_branch(self, command)
    def study_nfe(self, command: NfeStudyRequest) -> None:  # the job lives in gui/nfe_job.py
        run_nfe_study(self, command)

    # -------------------------------------------------------------- 2-D lab
    def lab2d(self, command: object) -> None:
        """A 2-D lab request (gui/lab2d_worker.py); served between two training steps too."""
        from gui.lab2d_worker import answer

        event = answer(self.trainer, command, lambda: self.quit_requested)
        if event is not None:
            self.post(event)
