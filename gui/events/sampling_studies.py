"""Messages of the sampler studies: side-by-side comparison, branches, error against NFE, the guidance trade-off."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


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
