"""Messages about a model's quality: live quality scores, the variational bound, compared runs' previews, DDIM
inversion."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


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
