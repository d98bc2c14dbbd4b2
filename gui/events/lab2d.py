"""Messages of the 2-D lab: fields, error curves, exact samples, swapped points, exports, paths, marginals and the
guidance field; served by gui/lab2d_worker.py between two training steps."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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
