"""Every message between the engine worker and the panels, defined once as a frozen dataclass.

Worker -> panels (events): each :class:`~gui.worker.EngineWorker` signal carries exactly one of these types, always
on the GUI thread. Payloads are plain python values and numpy arrays (uint8 images, float32 points, int64 / float64
metric chunks) that the worker thread produced; the GUI thread never touches a tensor.

Panels -> worker (commands): the requests the worker thread executes in order from its queue. Run control (pause,
resume, step once, stop) does not queue: it flips the session's thread-safe ``Control`` directly so it takes effect
between two optimizer steps.

No Qt here: the dataclasses are importable (and testable) without a display.
"""
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
    (N, H, W, C) for images, the current x_t as float32 (N, 2) for points."""

    step: int
    total: int
    preview: np.ndarray


@dataclass(frozen=True)
class SamplingFinished:
    """A sampler run completed; ``trajectory`` is the recorded :class:`engine.samplers.Trajectory`, ``nfe`` the
    model evaluations it used (the last frame's ``Frame.nfe``)."""

    trajectory: Any
    nfe: int = 0


@dataclass(frozen=True)
class SamplingAborted:
    """A sampler run ended without a trajectory: ``reason`` is ``cancelled`` or ``error``."""

    reason: str


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


#: commands the worker serves between two training steps (the others wait until the run ends)
MID_RUN_COMMANDS = (SampleRequest, SaveCheckpoint)


# ============================================================================================== sampler comparison
@dataclass(frozen=True)
class CompareRequest:
    """Run several samplers over the current model, one after another (the Compare tab). ``runs`` is a tuple of
    :class:`engine.config.SamplingConfig`; ``request_id`` shares the sampling counter, so Cancel stops it too."""

    runs: tuple
    request_id: int


@dataclass(frozen=True)
class ComparedRun:
    """One finished run of a comparison: its settings, its recorded trajectory, and the model evaluations used up to
    each recorded frame (``Frame.nfe``; the recorder does not keep it)."""

    sampling: Any  # engine.config.SamplingConfig
    trajectory: Any  # engine.samplers.Trajectory
    nfe: np.ndarray  # int64 (len(trajectory),)


@dataclass(frozen=True)
class CompareProgress:
    """Run ``run`` (0-based) of ``runs`` is at step ``step`` of ``total`` (throttled like SamplingFrame)."""

    run: int
    runs: int
    step: int
    total: int


@dataclass(frozen=True)
class CompareFinished:
    """A comparison ended: ``reason`` is ``finished`` (``runs`` holds every column), ``cancelled`` or ``error``."""

    runs: tuple
    reason: str = "finished"


# ============================================================================================== 2-D lab
# The 2-D lab tab (gui/panels/lab2d.py) asks the worker, which holds the model, for fields and samples; all of them
# are served between two training steps, so the view follows a model while it trains.
@dataclass(frozen=True)
class FieldRequest:
    """The denoiser on an n x n grid over [-extent, extent]^2 at the paper's ``t`` (1..T), learned and exact."""

    t: int
    grid: int = 24
    extent: float = 3.0
    exact: bool = True


@dataclass(frozen=True)
class FieldReady:
    """A :class:`FieldRequest` answered. Arrays are float32; rows of ``grid`` run x fastest (engine.exact.grid_points).
    The exact parts are None when not requested; ``error`` is |learned x0 - exact x0| per grid point."""

    t: int
    step: int
    grid_size: int
    extent: float
    alpha_bar: float
    grid: np.ndarray  # (n*n, 2)
    learned_x0: np.ndarray  # (n*n, 2)
    learned_eps: np.ndarray  # (n*n, 2)
    exact_x0: np.ndarray | None
    exact_eps: np.ndarray | None
    error: np.ndarray | None  # (n*n,)
    error_mean: float  # NaN without the exact part
    noised: np.ndarray  # (m, 2) training points noised to t (a fixed draw)


@dataclass(frozen=True)
class ErrorCurveRequest:
    """Mean |learned x0 - exact x0| over the field's grid at ``count`` values of t."""

    count: int = 20
    grid: int = 24
    extent: float = 3.0


@dataclass(frozen=True)
class ErrorCurveReady:
    step: int
    t: np.ndarray  # int64 (k,) the paper's t
    error: np.ndarray  # float64 (k,)


@dataclass(frozen=True)
class ExactSampleRequest:
    """Sample ``n`` points with the exact denoiser of the training points and with the model (same noise, DDIM)."""

    n: int = 500
    steps: int = 50
    seed: int = 0


@dataclass(frozen=True)
class ExactSamplesReady:
    """Both sample sets (float32 (n, 2)) and each sample's distance to its nearest training point (float32 (n,))."""

    step: int
    model_samples: np.ndarray
    exact_samples: np.ndarray
    model_nearest: np.ndarray
    exact_nearest: np.ndarray
    train_points: int


@dataclass(frozen=True)
class SwapPoints:
    """The drawing behind the current model changed: reload ``path`` (a points file) into the trainer's data, so a
    run in progress continues on the new points without restarting."""

    path: str


@dataclass(frozen=True)
class PointsSwapped:
    step: int
    points: int


LAB2D_COMMANDS = (FieldRequest, ErrorCurveRequest, ExactSampleRequest, SwapPoints)
LAB2D_EVENTS = (FieldReady, ErrorCurveReady, ExactSamplesReady, PointsSwapped)
MID_RUN_COMMANDS = MID_RUN_COMMANDS + LAB2D_COMMANDS


# ============================================================================================== live quality
@dataclass(frozen=True)
class QualityScored:
    """A live quality score of the run's EMA samples at ``step`` (engine/quality.py): ``value`` of ``metric``
    against held-out real data, its real-data ``floor`` and ``ratio = value / floor`` (1.0: as good as real data;
    ``inf`` for samples holding NaN / inf). ``precision``, ``recall`` and ``classes`` (of 10) for digits only.
    Plain numbers, no arrays."""

    step: int
    metric: str
    value: float
    floor: float
    ratio: float
    n_samples: int = 0
    seconds: float = 0.0  # sampling plus scoring
    precision: float | None = None
    recall: float | None = None
    classes: int | None = None
