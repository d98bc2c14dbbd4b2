"""The worker's core messages: run state, training progress and metrics, previews, sampling frames, checkpoints;
and the commands that start, sample, save and load (gui/events/__init__.py explains the two directions)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

WORKER_STATES = ("idle", "running", "paused", "stopping")
RUN_END_REASONS = ("finished", "stopped", "time_budget", "diverged", "oom", "error")


# ============================================================================================== events
@dataclass(frozen=True)
class StatusMessage:
    """A one-line note for the status bar, worded by the worker / engine."""

    text: str


@dataclass(frozen=True)
class DeviceChanged:
    """The device the current model lives on, as the engine describes it (e.g. ``cpu (2 threads)``)."""

    name: str


@dataclass(frozen=True)
class WorkerState:
    """The training run's state, one of :data:`WORKER_STATES`."""

    state: str

    def __post_init__(self) -> None:
        if self.state not in WORKER_STATES:
            raise ValueError(f"WorkerState.state must be one of {', '.join(WORKER_STATES)}, got {self.state!r}")


@dataclass(frozen=True)
class TrainingProgress:
    """The run's position and speed, sent with every metrics batch (a few per second)."""

    step: int
    total: int
    its_per_sec: float
    elapsed: float  # seconds of active (unpaused) training
    eta: float  # seconds left; negative while unknown


@dataclass(frozen=True)
class MetricsBatch:
    """Optimizer-step metrics of one ~100 ms window. ``replace``: the arrays are a model's whole history (a fresh
    model, or one opened from a checkpoint), so the plots start over from them."""

    replace: bool
    step: np.ndarray  # int64 (k,)
    loss: np.ndarray  # float64 (k,)
    lr: np.ndarray  # float64 (k,)
    grad_norm: np.ndarray  # float64 (k,)
    t: np.ndarray  # int64 (m,) schedule indices of the newest per-sample losses
    per_sample_loss: np.ndarray  # float32 (m,)
    its_per_sec: float
    total: int
    timesteps: int | None = None  # the model's T, on a replace batch
    by_t_rows: tuple = ()  # engine.loss_by_t.LossByTRow closed in this window (numpy per-bin sums and counts)
    by_t: Any = None  # replace batch: a copy of the model's engine.loss_by_t.LossByT, which the rows then extend


@dataclass(frozen=True)
class PreviewReady:
    """In-training preview from the EMA weights: a uint8 grid (H, W, C) for images, float32 (n, 2) for points."""

    step: int
    samples: np.ndarray


@dataclass(frozen=True)
class RunFinished:
    """A training run ended. ``reason`` is one of :data:`RUN_END_REASONS`; ``message`` is the engine's text."""

    reason: str
    message: str
    step: int

    def __post_init__(self) -> None:
        if self.reason not in RUN_END_REASONS:
            raise ValueError(f"RunFinished.reason must be one of {', '.join(RUN_END_REASONS)}, got {self.reason!r}")


@dataclass(frozen=True)
class SamplingFrame:
    """A throttled live view of a sampler run: step ``step`` of ``total``. ``preview`` is the predicted x0 as uint8
    (N, H, W, C) for images, the current x_t as float32 (N, 2) for points. ``request_id``: the branch request it
    belongs to (-1 for a plain run), so the tab that asked for a branch knows its own."""

    step: int
    total: int
    preview: np.ndarray
    request_id: int = -1


@dataclass(frozen=True)
class SamplingFinished:
    """A sampler run completed; ``trajectory`` is the recorded :class:`engine.samplers.Trajectory`, ``nfe`` the
    model evaluations it used (the last frame's ``Frame.nfe``)."""

    trajectory: Any
    nfe: int = 0


@dataclass(frozen=True)
class SamplingAborted:
    """A sampler run ended without a trajectory: ``reason`` is ``cancelled`` or ``error``; ``request_id`` as in
    :class:`SamplingFrame`."""

    reason: str
    request_id: int = -1


@dataclass(frozen=True)
class CheckpointSaved:
    path: str


@dataclass(frozen=True)
class CheckpointLoaded:
    """A checkpoint became the worker's model; ``config`` is its :class:`~engine.config.ExperimentConfig`."""

    config: Any


@dataclass(frozen=True)
class ModelFacts:
    """Plain facts about the worker's current model (no tensors)."""

    kind: str  # images | points
    dataset: str
    preset: str
    step: int
    steps: int
    timesteps: int
    device: str
    sample_shape: tuple[int, ...]
    num_classes: int
    config: Any  # a copy of the model's ExperimentConfig
    conditional: bool = False  # the network takes a class label (classifier-free guidance is possible)
    class_names: tuple[str, ...] = ()  # the dataset's class names (Sampling tab's class pickers)
    data_box: tuple[float, float, float, float] | None = None  # 2-D sets: x min, y min, x max, y max (views fit it)


@dataclass(frozen=True)
class JobFailed:
    """A command failed; ``message`` is one line for the user (no traceback)."""

    message: str


# ============================================================================================== commands
@dataclass(frozen=True)
class StartTraining:
    """Train ``config``; with ``resume`` keep the current model when its architecture matches."""

    config: Any
    resume: bool
    control: Any  # the run's engine.session.Control, created on the GUI thread so Stop works before it starts


@dataclass(frozen=True)
class SampleRequest:
    """Run a sampler over the current model. ``request_id`` lets a later cancel skip it."""

    sampling: Any  # engine.config.SamplingConfig
    request_id: int


@dataclass(frozen=True)
class SaveCheckpoint:
    path: str


@dataclass(frozen=True)
class LoadCheckpoint:
    """Make a checkpoint the worker's model; ``checkpoint`` is an :class:`engine.checkpoint.Checkpoint` already read
    and checked off the GUI thread by a short job."""

    checkpoint: Any


@dataclass(frozen=True)
class UseTrainer:
    """Make an already built :class:`engine.training.Trainer` the worker's model (tests, the selftest)."""

    trainer: Any


@dataclass(frozen=True)
class Quit:
    """Leave the worker's command loop."""
