"""The bridge between the window and the engine: one background QThread that owns the current :class:`Trainer`.

Every command (:meth:`EngineWorker.start_training`, :meth:`~EngineWorker.sample`, checkpoints...) is called from
the GUI thread and only *queues* a typed command (gui/events/); the worker thread (gui/worker_jobs.py) builds
trainers, runs the :class:`TrainingSession`, runs samplers and records :class:`Trajectory` objects. Nothing crosses
back but the frozen event dataclasses of gui/events/ carrying numpy / python data, and never one signal per
optimizer step: metrics are batched every ~100 ms, sampler previews go out at most ~5 times a second.

Run control (pause / resume / stop / step-once) uses the session's thread-safe :class:`Control` directly, so it
takes effect between two optimizer steps without waiting for the command queue. While training runs (or is
paused) the worker still serves ``sample`` and ``save_checkpoint`` requests between steps, so one can pause, sample
the model as it is, save it, and resume.

Public signals are always emitted on the GUI thread (the worker thread posts events through one queued connection),
and each carries exactly one event type (see :data:`EngineWorker.SIGNAL_OF`).
"""
from __future__ import annotations

import atexit
import dataclasses
import logging
import os
import threading
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot

from gui import jobs
from gui.events import (
    BOUND_EVENTS,
    GUIDANCE_STUDY_EVENTS,
    LAB2D_EVENTS,
    BoundRequest,
    BranchFinished,
    BranchRequest,
    CheckpointLoaded,
    CheckpointSaved,
    CompareFinished,
    CompareProgress,
    CompareRequest,
    DeviceChanged,
    GuidanceStudyRequest,
    InversionFinished,
    InversionProgress,
    InversionRequest,
    JobFailed,
    LoadCheckpoint,
    MetricsBatch,
    ModelFacts,
    NfeStudyFinished,
    NfeStudyProgress,
    NfeStudyRequest,
    PreviewReady,
    QualityScored,
    RunFinished,
    RunPreviewReady,
    RunPreviewRequest,
    SampleRequest,
    SamplingAborted,
    SamplingFinished,
    SamplingFrame,
    SaveCheckpoint,
    StartTraining,
    StatusMessage,
    TrainingProgress,
    UseTrainer,
    WorkerState,
)
from gui.worker_jobs import EngineThread, RunControl, running_threads, same_architecture, user_message

__all__ = ["EngineWorker", "default_torch_threads", "same_architecture", "user_message"]

log = logging.getLogger(__name__)


@atexit.register
def _join_at_exit() -> None:  # pragma: no cover - a script that never called shutdown(), or a stuck step
    for thread in list(running_threads):
        thread.request_quit()
    for thread in list(running_threads):
        thread.wait()
    running_threads.clear()


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


class EngineWorker(QObject):
    """The window's handle on the engine thread. Construct, :meth:`start`, and :meth:`shutdown` on close."""

    statusMessage = Signal(object)  # StatusMessage
    deviceName = Signal(object)  # DeviceChanged
    progress = Signal(object)  # TrainingProgress
    metricsBatch = Signal(object)  # MetricsBatch
    preview = Signal(object)  # PreviewReady
    trainingStateChanged = Signal(object)  # WorkerState
    trainingFinished = Signal(object)  # RunFinished
    samplingProgress = Signal(object)  # SamplingFrame
    samplingFinished = Signal(object)  # SamplingFinished
    samplingAborted = Signal(object)  # SamplingAborted
    checkpointSaved = Signal(object)  # CheckpointSaved
    checkpointLoaded = Signal(object)  # CheckpointLoaded
    modelChanged = Signal(object)  # ModelFacts
    error = Signal(object)  # JobFailed
    compareProgress = Signal(object)  # CompareProgress
    compareFinished = Signal(object)  # CompareFinished
    lab2dResult = Signal(object)  # one of LAB2D_EVENTS (FieldReady, ErrorCurveReady, ExactSamplesReady...)
    qualityScored = Signal(object)  # QualityScored
    branchFinished = Signal(object)  # BranchFinished
    boundResult = Signal(object)  # BoundProgress or BoundFinished
    runPreview = Signal(object)  # RunPreviewReady
    nfeStudyProgress = Signal(object)  # NfeStudyProgress
    nfeStudyFinished = Signal(object)  # NfeStudyFinished
    guidanceStudy = Signal(object)  # GuidanceStudyProgress or GuidanceStudyFinished
    inversionProgress = Signal(object)  # InversionProgress
    inversionFinished = Signal(object)  # InversionFinished

    #: the one signal (by attribute name) that carries each event type
    SIGNAL_OF = {StatusMessage: "statusMessage", DeviceChanged: "deviceName", TrainingProgress: "progress",
                 MetricsBatch: "metricsBatch", PreviewReady: "preview", WorkerState: "trainingStateChanged",
                 RunFinished: "trainingFinished", SamplingFrame: "samplingProgress",
                 SamplingFinished: "samplingFinished", SamplingAborted: "samplingAborted",
                 CheckpointSaved: "checkpointSaved", CheckpointLoaded: "checkpointLoaded",
                 ModelFacts: "modelChanged", JobFailed: "error", CompareProgress: "compareProgress",
                 CompareFinished: "compareFinished", **dict.fromkeys(LAB2D_EVENTS, "lab2dResult"),
                 QualityScored: "qualityScored", BranchFinished: "branchFinished",
                 **dict.fromkeys(BOUND_EVENTS, "boundResult"),
                 **dict.fromkeys(GUIDANCE_STUDY_EVENTS, "guidanceStudy"), RunPreviewReady: "runPreview",
                 NfeStudyProgress: "nfeStudyProgress", NfeStudyFinished: "nfeStudyFinished",
                 InversionProgress: "inversionProgress", InversionFinished: "inversionFinished"}

    _posted = Signal(object)  # worker thread -> GUI thread

    def __init__(self, parent: QObject | None = None, *, torch_threads: int | None = None,
                 autosave_every_s: float = 300.0, warm_up: bool = False):
        super().__init__(parent)
        self.torch_threads = int(torch_threads or default_torch_threads())
        self.warm_up = bool(warm_up)  # see EngineThread.warm_up
        self.autosave_every_s = float(autosave_every_s)
        self._thread: EngineThread | None = None
        self._control: RunControl | None = None
        self._state = "idle"
        self._sampling = False
        self._model: ModelFacts | None = None
        self._sample_requests = 0
        self._cancelled_upto = 0
        self._lock = threading.Lock()
        self._posted.connect(self._dispatch, Qt.QueuedConnection)

    # -------------------------------------------------------------- lifecycle
    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = EngineThread(self)
        running_threads.add(self._thread)
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

    def model(self) -> ModelFacts | None:
        """Facts about the worker's current model (as of the last ModelFacts event), or None."""
        return self._model

    # -------------------------------------------------------------- commands (GUI thread)
    def _submit(self, command: object) -> None:
        if self._thread is None:
            self.start()
        self._thread.commands.put(command)

    def start_training(self, cfg, resume: bool = False) -> None:
        """Train ``cfg`` in the worker thread; with ``resume`` keep the current model when its architecture
        matches (continuing to ``cfg.training.steps``, or that many more steps when already past it)."""
        if self._state in ("running", "paused", "stopping"):
            self.error.emit(JobFailed(QCoreApplication.translate("EngineWorker",
                                                                 "training is already running; stop it first")))
            return
        self._control = RunControl()
        self._set_state("running")
        self._submit(StartTraining(cfg.copy(), bool(resume), self._control))

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

    def sample(self, sampling_cfg) -> int:
        """Run a sampler over the current model; returns the request id. While training runs, it is served
        between two steps."""
        with self._lock:
            self._sample_requests += 1
            request = self._sample_requests
        self._sampling = True
        self._submit(SampleRequest(dataclasses.replace(sampling_cfg), request))
        return request

    def branch(self, parent, step: int, sampling_cfg) -> int:
        """Re-sample the recorded trajectory ``parent`` from its sampler step ``step`` with ``sampling_cfg``
        (the Sampling tab's branches); returns the request id. Answered by ``branchFinished``, or
        ``samplingAborted``; served between two training steps, like :meth:`sample`."""
        with self._lock:
            self._sample_requests += 1
            request = self._sample_requests
        self._sampling = True
        self._submit(BranchRequest(parent, int(step), dataclasses.replace(sampling_cfg), request))
        return request

    def compare(self, runs) -> int:
        """Record each of ``runs`` over the current model (the Compare tab); returns the request id, which
        :meth:`cancel_sampling` cancels like a sampling request's."""
        with self._lock:
            self._sample_requests += 1
            request = self._sample_requests
        self._submit(CompareRequest(tuple(dataclasses.replace(r) for r in runs), request))
        return request

    def compute_bound(self, n: int, seed: int, timesteps: int | None = None) -> int:
        """The variational bound of the current model (answered on ``boundResult``); returns the request id, which
        :meth:`cancel_sampling` cancels. While training runs it is served between two steps."""
        with self._lock:
            self._sample_requests += 1
            request = self._sample_requests
        self._submit(BoundRequest(int(n), int(seed), timesteps, request))
        return request

    def study_nfe(self, n: int, seed: int, nfe, samplers, reference: str = "exact") -> NfeStudyRequest:
        """Error against NFE of ``samplers`` on the current model (the Compare tab's Error vs NFE view); returns the
        request, which :meth:`cancel_sampling` cancels like a sampling request."""
        with self._lock:
            self._sample_requests += 1
            request = NfeStudyRequest(int(n), int(seed), tuple(int(k) for k in nfe), tuple(samplers),
                                      self._sample_requests, str(reference))
        self._submit(request)
        return request

    def study_guidance(self, scales, per_class: int, steps: int, seed: int) -> GuidanceStudyRequest:
        """The guidance trade-off of the current model (the Sampling tab's Measure guidance; gui/guidance_job.py),
        answered on ``guidanceStudy``; :meth:`cancel_sampling` cancels it like a sampling request."""
        with self._lock:
            self._sample_requests += 1
            request = GuidanceStudyRequest(tuple(float(s) for s in scales), int(per_class), int(steps), int(seed),
                                           self._sample_requests)
        self._submit(request)
        return request

    def invert(self, steps: int, reconstruct_steps: int, n: int, start: int, study_steps=()) -> int:
        """DDIM round trip of training items ``start ..`` of the current model, then error vs K (the Inversion
        tab); returns the request id, which :meth:`cancel_sampling` cancels like a sampling request's."""
        with self._lock:
            self._sample_requests += 1
            request = self._sample_requests
        self._submit(InversionRequest(int(steps), int(reconstruct_steps), int(n), int(start),
                                      tuple(int(k) for k in study_steps), request))
        return request

    def cancel_sampling(self) -> None:
        with self._lock:
            self._cancelled_upto = self._sample_requests

    def sampling_cancelled(self, request: int) -> bool:
        """Any thread: whether sample request ``request`` was cancelled."""
        with self._lock:
            return request <= self._cancelled_upto

    def save_checkpoint(self, path: str | Path) -> None:
        self._submit(SaveCheckpoint(str(path)))

    def load_checkpoint(self, path: str | Path) -> None:
        if self._state != "idle":
            self.error.emit(JobFailed(QCoreApplication.translate("EngineWorker",
                                                                 "stop training before opening a checkpoint")))
            return
        # reading and checking the file is a short job (gui/jobs.py); building the model from it is the worker's
        jobs.run("checkpoint", _read_checkpoint, str(path), owner=self,
                 on_done=lambda ckpt: self._submit(LoadCheckpoint(ckpt)),
                 on_error=lambda message: self.error.emit(JobFailed(message)))

    def preview_run(self, folder: str, checkpoint_path: str) -> None:
        """The latest samples of a compared run (the Runs tab): read its checkpoint in a short job, draw in the
        worker thread after the current run; the answer (or its reason) arrives on ``runPreview``."""
        jobs.run(f"run-preview:{folder}", _read_checkpoint, str(checkpoint_path), owner=self,
                 on_done=lambda ckpt: self._submit(RunPreviewRequest(ckpt, folder)),
                 on_error=lambda message: self.runPreview.emit(RunPreviewReady(folder, -1, None, message)))

    def set_trainer(self, trainer) -> None:
        self._submit(UseTrainer(trainer))

    def submit_lab2d(self, command: object) -> None:
        """Queue a 2-D lab command (gui/events/: LAB2D_COMMANDS); its answer arrives on ``lab2dResult``."""
        self._submit(command)

    # -------------------------------------------------------------- delivery (GUI thread)
    def post(self, event: object) -> None:
        """Worker thread: deliver ``event`` (a gui.events dataclass) on the GUI thread."""
        try:
            self._posted.emit(event)
        except RuntimeError:  # the QObject is gone (window closed mid-step)
            pass

    @Slot(object)
    def _dispatch(self, event: object) -> None:
        if isinstance(event, WorkerState):
            self._set_state(event.state)
            return
        if isinstance(event, ModelFacts):
            self._model = event
        elif isinstance(event, (SamplingFinished, SamplingAborted, BranchFinished)):
            self._sampling = False
        getattr(self, self.SIGNAL_OF[type(event)]).emit(event)

    def _set_state(self, state: str) -> None:
        if self._state == "stopping" and state != "idle":
            return  # a late "running" / "paused" posted before the worker saw the stop request
        if state == self._state:
            return
        self._state = state
        if state == "idle":
            self._control = None
        self.trainingStateChanged.emit(WorkerState(state))


def _read_checkpoint(path: str):  # -> engine.checkpoint.Checkpoint
    from engine.checkpoint import load_checkpoint

    return load_checkpoint(path)
