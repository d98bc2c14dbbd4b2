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
    """Run ``run`` (0-based) of ``runs`` is at step ``step`` of ``total`` (throttled like SamplingFrame), with a live
    view of that frame: ``t`` its paper t, ``x_t`` and ``x0_pred`` uint8 (N, H, W, C) for images, float32 (N, 2) for
    points. When a comparison starts, every run's x_T comes first (step 0, ``x0_pred`` None: no model evaluation
    yet); each run's first sampler frame is never held back by the throttle."""

    run: int
    runs: int
    step: int
    total: int
    t: int = -1
    x_t: np.ndarray | None = None
    x0_pred: np.ndarray | None = None


@dataclass(frozen=True)
class CompareFinished:
    """A comparison ended: ``reason`` is ``finished`` (``runs`` holds every column), ``cancelled`` or ``error``."""

    runs: tuple
    reason: str = "finished"


# ============================================================================================== branching
# The Sampling tab re-samples a recorded run from one of its frames (engine.samplers.branch_from); the worker answers
# with the branch joined to its parent's head (Trajectory.grafted). Live progress is SamplingFrame, a cancel or a
# failure SamplingAborted, as for a plain run: the tab shows a branch in the making like any other sampling.
@dataclass(frozen=True)
class BranchRequest:
    """Re-sample ``parent`` (a recorded :class:`engine.samplers.Trajectory`) from its sampler step ``step`` with
    ``sampling`` (sampler, steps, η, seed, guidance; its ``n`` and class label are the parent's). ``request_id``
    shares the sampling counter, so Cancel stops it too."""

    parent: Any
    step: int
    sampling: Any  # engine.config.SamplingConfig
    request_id: int


@dataclass(frozen=True)
class BranchFinished:
    """A branch was recorded: ``trajectory`` is the parent's frames before ``step`` then the branch's own, ``t`` the
    schedule index of the branch point, ``nfe`` the model evaluations the branch alone used."""

    trajectory: Any  # engine.samplers.Trajectory
    step: int
    t: int
    nfe: int
    sampling: Any  # engine.config.SamplingConfig
    request_id: int
    nfe_per_frame: np.ndarray | None = None  # int64, the branch's own evaluations at each of its recorded frames
@dataclass(frozen=True)
class NfeStudyRequest:
    """Error against NFE of every sampler on the current model (engine.sampler_study.nfe_study): ``n`` samples from
    seed ``seed``, ``nfe`` targets; shares the sampling counter through ``request_id``, so Cancel stops it too.
    ``reference``: ``exact`` (2-D sets: the training points' exact answer) or ``chain`` (the model's T-step runs)."""

    n: int
    seed: int
    nfe: tuple[int, ...]
    samplers: tuple[str, ...]
    request_id: int
    reference: str = "exact"


@dataclass(frozen=True)
class NfeStudyProgress:
    """``done`` of ``total`` model evaluations of a study (throttled)."""

    done: int
    total: int


@dataclass(frozen=True)
class NfeStudyFinished:
    """A study ended: ``reason`` finished (the fields are filled), ``cancelled`` or ``error``. ``rows`` are
    ``(sampler, steps, nfe, rmse, metric value or nan)``; ``orders`` ``(sampler, fitted order or None)``;
    ``reference`` ``exact`` (the 2-D set's exact answer) or ``chain`` (the model's T-step runs)."""

    request: NfeStudyRequest
    reason: str = "finished"
    rows: tuple = ()
    orders: tuple = ()
    reference: str = ""
    metric: str | None = None
    floor: float | None = None
    model_step: int = 0


@dataclass(frozen=True)
class GuidanceStudyRequest:
    """Accuracy / FD / precision / recall against the guidance scale of the current conditional digits model
    (engine.guidance_study.guidance_curve); shares the sampling counter through ``request_id`` (Cancel stops it)."""

    scales: tuple[float, ...]
    per_class: int
    steps: int
    seed: int
    request_id: int


@dataclass(frozen=True)
class GuidanceStudyProgress:
    """``done`` of ``total`` guidance scales measured."""

    done: int
    total: int


@dataclass(frozen=True)
class GuidanceStudyFinished:
    """A guidance study ended: ``reason`` finished, ``cancelled`` (``points`` so far) or ``error`` (``message``).
    ``points`` are engine.guidance_study.GuidancePoint, one per measured scale."""

    request: GuidanceStudyRequest
    reason: str = "finished"
    points: tuple = ()
    message: str = ""
    model_step: int = 0


GUIDANCE_STUDY_EVENTS = (GuidanceStudyProgress, GuidanceStudyFinished)


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


@dataclass(frozen=True)
class FieldExportRequest:
    """The field at each paper ``t`` of ``ts`` for an export (gui/panels/lab2d_export.py): the arrays the CLI's
    ``field`` command writes, computed by the same engine function (engine.export.field.field_series)."""

    ts: tuple[int, ...]
    grid: int = 24
    extent: float = 3.0
    request_id: int = 0


@dataclass(frozen=True)
class FieldExportReady:
    request_id: int
    fields: tuple  # engine.export.field.FieldArrays, one per requested t, in the request's order


LAB2D_DENOISERS = ("model", "exact")  # the trained network, or engine.exact's denoiser of its training points


@dataclass(frozen=True)
class PathsRequest:
    """Follow ``n`` points from one x_T (drawn from ``seed``) with DDIM eta = 0 (ODE) and DDPM (SDE), ``steps``
    timesteps each, with the model or the exact denoiser (engine.reverse_paths.ode_sde_paths)."""

    denoiser: str = "model"
    n: int = 8
    steps: int = 100
    seed: int = 0


@dataclass(frozen=True)
class PathsReady:
    """Positions per frame, float32 (frames, n, 2); ``t`` the paper's t per frame (T .. 1, then 0)."""

    step: int
    denoiser: str
    t: np.ndarray
    ode: np.ndarray
    sde: np.ndarray


@dataclass(frozen=True)
class MarginalsRequest:
    """SW(sampled x_t cloud, q(x_t)) at each recorded t, one curve per sampler (engine.reverse_paths)."""

    denoiser: str = "model"
    samplers: tuple[str, ...] = ("ddpm", "ddim", "dpmpp_2m")
    n: int = 500
    steps: int = 50
    seed: int = 0


@dataclass(frozen=True)
class MarginalsReady:
    step: int
    denoiser: str
    t: np.ndarray  # int64 (frames,) the paper's t, T .. 0
    samplers: tuple[str, ...]
    distance: np.ndarray  # float64 (samplers, frames)
    floor: np.ndarray  # float64 (frames,): SW between two independent q(x_t) draws


@dataclass(frozen=True)
class GuidanceFieldRequest:
    """A class-conditional model's three fields on the grid at the paper's ``t``: conditional on ``class_label``,
    unconditional (the null label) and guided at the lab's scale ``scale`` = 1 + w (Ho & Salimans 2022, Eq. 6)."""

    t: int
    class_label: int
    scale: float
    grid: int = 24
    extent: float = 3.0


@dataclass(frozen=True)
class GuidanceFieldReady:
    """A :class:`GuidanceFieldRequest` answered: x̂₀ and ε̂ (float32, (n*n, 2)) of each field on ``grid``."""

    t: int
    step: int
    class_label: int
    scale: float
    alpha_bar: float
    grid: np.ndarray
    cond_x0: np.ndarray
    cond_eps: np.ndarray
    uncond_x0: np.ndarray
    uncond_eps: np.ndarray
    guided_x0: np.ndarray
    guided_eps: np.ndarray


LAB2D_COMMANDS = (FieldRequest, ErrorCurveRequest, ExactSampleRequest, SwapPoints, FieldExportRequest, PathsRequest,
                  MarginalsRequest, GuidanceFieldRequest)
LAB2D_EVENTS = (FieldReady, ErrorCurveReady, ExactSamplesReady, PointsSwapped, FieldExportReady, PathsReady,
                MarginalsReady, GuidanceFieldReady)
MID_RUN_COMMANDS = MID_RUN_COMMANDS + LAB2D_COMMANDS + (BranchRequest,)


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


# ============================================================================================== variational bound
@dataclass(frozen=True)
class BoundRequest:
    """The variational bound of the current model on ``n`` training items (engine/bound_report.py); ``timesteps``
    None evaluates every term. ``request_id`` shares the sampling counter: Cancel stops it."""

    n: int
    seed: int
    timesteps: int | None
    request_id: int


@dataclass(frozen=True)
class BoundProgress:
    request_id: int
    done: int
    total: int


@dataclass(frozen=True)
class BoundFinished:
    """``reason``: finished, cancelled or error. Bits per dimension: ``t`` (paper t of L_0 .. L_{T-1}) and
    ``bits`` per term, the prior L_T, the total and its standard error; empty arrays unless finished."""

    request_id: int
    reason: str
    t: np.ndarray  # int64
    bits: np.ndarray  # float64
    prior_bits: float = float("nan")
    total_bits: float = float("nan")
    total_stderr_bits: float = float("nan")
    exact: bool = True
    decoder: str = ""
    message: str = ""
    step: int = 0  # the model's optimizer step when the bound was computed


BOUND_EVENTS = (BoundProgress, BoundFinished)
MID_RUN_COMMANDS = MID_RUN_COMMANDS + (BoundRequest,)
# ============================================================================================== runs compared
@dataclass(frozen=True)
class RunPreviewRequest:
    """Draw the latest samples of a compared run that saved no time-lapse: ``checkpoint`` (an
    :class:`engine.checkpoint.Checkpoint`, read by a short job) of the run in ``folder``. The worker builds a model
    of its own for it; its current model is left alone."""

    checkpoint: Any
    folder: str


@dataclass(frozen=True)
class RunPreviewReady:
    """The run in ``folder`` drew ``image`` (uint8 (H, W, 3)) at ``step``; ``image`` None and ``message`` set when it
    could not (a missing data shape, weights that do not fit...)."""

    folder: str
    step: int
    image: np.ndarray | None
    message: str = ""


# ============================================================================================== DDIM inversion
@dataclass(frozen=True)
class InversionRequest:
    """Invert items ``start .. start + n - 1`` of the current model's training data over ``steps`` DDIM steps and
    reconstruct them over ``reconstruct_steps`` (engine.samplers.inversion), then the round trip for each K of
    ``study_steps`` (error vs K). ``request_id`` shares the sampling counter, so Cancel stops it too."""

    steps: int
    reconstruct_steps: int
    n: int
    start: int
    study_steps: tuple[int, ...]
    request_id: int


@dataclass(frozen=True)
class InversionProgress:
    """``done`` of ``total`` steps (both legs of the round trip, then the study's), throttled like SamplingFrame."""

    done: int
    total: int


@dataclass(frozen=True)
class InversionFinished:
    """A round trip ended: ``reason`` is ``finished``, ``cancelled`` or ``error`` (then only ``reason`` is set).

    Images: ``x0``, ``latent`` (shown over [-3, 3]), ``reconstruction`` uint8 (N, H, W, C), ``error_map`` uint8 RGB
    (N, H, W, 3) of ``pixel_error``, float32 (N, H, W) |x0' - x0| averaged over channels. Points: float32 (N, 2) and
    ``pixel_error`` the displacement length (N,). ``sample_error``: per-item RMSE (N,); ``study_*``: K, RMSE per K
    and the fitted order of RMSE ~ K^-p."""

    reason: str
    kind: str = ""
    x0: np.ndarray | None = None
    latent: np.ndarray | None = None
    reconstruction: np.ndarray | None = None
    error_map: np.ndarray | None = None
    pixel_error: np.ndarray | None = None
    sample_error: np.ndarray | None = None
    rmse: float = float("nan")
    steps: int = 0
    reconstruct_steps: int = 0
    study_steps: np.ndarray | None = None
    study_rmse: np.ndarray | None = None
    study_order: float = float("nan")


MID_RUN_COMMANDS = MID_RUN_COMMANDS + (InversionRequest,)
