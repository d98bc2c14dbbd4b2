"""DDIM inversion: data x0 -> latent x_T with DDIM's deterministic update run backwards, and the round trip back.

DDIM with eta = 0 (Song et al. 2021, Eq. 12 with sigma = 0) maps x_t to the next *lower* index as

    x_next = sqrt(ab_next) x0_pred(x_t, t) + sqrt(1 - ab_next) eps_pred(x_t, t).

Inversion runs the same update with t *increasing* (Song et al. 2021, Sec. 4.3 and Eq. 14: DDIM is the Euler
method of the probability-flow ODE, which can be integrated either way). It visits the reverse of the DDIM
sampler's timesteps (:func:`~engine.samplers.loop.sampling_timesteps`, same spacing), so a K-step inversion and a
K-step DDIM run cross the same noise levels. The predictions are taken at the point the step *starts* from, as an
explicit method must (it does not know the point it lands on yet), while the sampler takes them at the other end
of the same interval: the two Euler steps do not cancel exactly, and the round trip x0 -> x_T -> x0' misses x0 by
O(1/K) (first order; the tests fit the order on Gaussian data, where the exact denoiser is known in closed form).

The first inversion step starts at the clean data, where alpha_bar = 1 and no model exists: x0_pred is the data
itself, and eps_pred is the model's at the first visited index, fed the clean data (diffusers'
``DDIMInverseScheduler`` does the same at its first step). Clipping x0 is never applied: it is not invertible.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from engine.errors import UserError
from engine.samplers.loop import Denoiser, ddim_sample, sampling_timesteps
from engine.schedules import NoiseSchedule

DEFAULT_STEPS_LIST = (5, 10, 20, 50, 100)

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


class InversionCancelled(Exception):
    """Raised when ``cancel()`` turned true between two steps of an inversion or a reconstruction."""


@dataclass(frozen=True)
class RoundTrip:
    """One round trip. ``x0`` is the input, ``latent`` the inverted x_T, ``reconstruction`` DDIM (eta = 0) from
    ``latent`` back to the data. ``steps`` inversion steps, ``reconstruct_steps`` sampler steps (equal unless a
    mismatch is studied); ``timesteps`` the indices the inversion visited, ascending; ``nfe`` both legs' model
    evaluations."""

    x0: torch.Tensor
    latent: torch.Tensor
    reconstruction: torch.Tensor
    steps: int
    reconstruct_steps: int
    timesteps: tuple[int, ...]
    nfe: int

    @property
    def pixel_error(self) -> torch.Tensor:
        """|reconstruction - x0| per coordinate (per pixel and channel for images), shaped like x0."""
        return (self.reconstruction - self.x0).abs()

    @property
    def sample_error(self) -> torch.Tensor:
        """Per-sample RMSE over its coordinates: sqrt(mean_i (x0' - x0)_i^2), shape (N,)."""
        return (self.reconstruction - self.x0).double().square().flatten(1).mean(dim=1).sqrt()

    @property
    def rmse(self) -> float:
        """RMSE over every sample and coordinate."""
        return float((self.reconstruction - self.x0).double().square().mean().sqrt())


@dataclass(frozen=True)
class StepsRow:
    """One row of :func:`error_vs_steps`: K steps each way, the RMSE over all coordinates, and the worst and
    median per-sample RMSE."""

    steps: int
    rmse: float
    max_sample: float
    median_sample: float
    nfe: int


@dataclass(frozen=True)
class StepsStudy:
    rows: tuple[StepsRow, ...]
    order: float  # fitted p of rmse ~ C K^-p (nan with fewer than two usable rows)


def inversion_timesteps(num_train_timesteps: int, steps: int, spacing: str = "trailing") -> list[int]:
    """The ascending schedule indices a ``steps``-step inversion visits: the DDIM sampler's, reversed."""
    return sampling_timesteps(num_train_timesteps, steps, spacing)[::-1]


def inversion_step(x: torch.Tensor, eps: torch.Tensor, alpha_bar_t: float, alpha_bar_next: float) -> torch.Tensor:
    """One step of Eq. 12 (sigma = 0) from alpha_bar_t up to alpha_bar_next, with x0_pred written through the
    prediction eps at x (Ho et al. 2020, Eq. 4 solved for x0): x0_pred = (x - sqrt(1 - ab_t) eps) / sqrt(ab_t).
    ``alpha_bar_t = 1`` is the clean data (x0_pred = x)."""
    x0_pred = x if alpha_bar_t >= 1.0 else (x - math.sqrt(1.0 - alpha_bar_t) * eps) / math.sqrt(alpha_bar_t)
    return math.sqrt(alpha_bar_next) * x0_pred + math.sqrt(1.0 - alpha_bar_next) * eps


def ddim_invert(denoiser: Denoiser, schedule: NoiseSchedule, x0: torch.Tensor, steps: int, *,
                spacing: str = "trailing", progress: Progress | None = None,
                cancel: Cancel | None = None) -> tuple[torch.Tensor, int]:
    """x0 -> x_T over ``steps`` ascending timesteps (:func:`inversion_timesteps`); returns ``(x_T, nfe)``.
    ``progress(done, steps)`` after each step; ``cancel()`` is polled before each and raises
    :class:`InversionCancelled`."""
    ts = inversion_timesteps(schedule.timesteps, int(steps), spacing)
    ab = schedule.alpha_bar
    x = x0
    ab_t, t = 1.0, -1
    for k, t_next in enumerate(ts):
        if cancel is not None and cancel():
            raise InversionCancelled(f"inversion cancelled at step {k}/{len(ts)}")
        # the clean data has no model: its eps is the model's at the first index, fed the data (module docstring)
        _, eps = denoiser(x, t if t >= 0 else t_next)
        ab_next = float(ab[t_next])
        x = inversion_step(x, eps, ab_t, ab_next)
        ab_t, t = ab_next, t_next
        if progress is not None:
            progress(k + 1, len(ts))
    return x, len(ts)


def ddim_reconstruct(denoiser: Denoiser, schedule: NoiseSchedule, x_T: torch.Tensor, steps: int, *,
                     spacing: str = "trailing", progress: Progress | None = None,
                     cancel: Cancel | None = None) -> torch.Tensor:
    """x_T -> x0 with the DDIM sampler at eta = 0 (:func:`~engine.samplers.loop.ddim_sample`, no clipping)."""
    result = None
    for frame in ddim_sample(denoiser, schedule, x_T, steps=int(steps), eta=0.0, clip_x0=False, spacing=spacing):
        if frame.is_final:
            result = frame.x_t
            break
        if cancel is not None and cancel():
            raise InversionCancelled(f"reconstruction cancelled at step {frame.step}/{frame.num_steps}")
        if progress is not None:
            progress(frame.step, frame.num_steps)
    if progress is not None:
        progress(int(steps), int(steps))
    return result


def check_steps(steps: int, timesteps: int, what: str = "steps") -> int:
    if not 1 <= int(steps) <= int(timesteps):
        raise UserError(f"{what}: must be an integer in [1, {timesteps}] (the schedule's timesteps), got {steps}")
    return int(steps)


def round_trip(denoiser: Denoiser, schedule: NoiseSchedule, x0: torch.Tensor, steps: int, *,
               reconstruct_steps: int | None = None, spacing: str = "trailing",
               progress: Progress | None = None, cancel: Cancel | None = None) -> RoundTrip:
    """Invert ``x0`` over ``steps`` steps and reconstruct it over ``reconstruct_steps`` (default: the same).
    ``progress(done, total)`` counts the steps of both legs."""
    T = schedule.timesteps
    steps = check_steps(steps, T)
    back = check_steps(steps if reconstruct_steps is None else reconstruct_steps, T, "reconstruct steps")
    total = steps + back
    forward_progress = None if progress is None else (lambda done, _n: progress(done, total))
    backward_progress = None if progress is None else (lambda done, _n: progress(steps + done, total))
    latent, nfe = ddim_invert(denoiser, schedule, x0, steps, spacing=spacing, progress=forward_progress,
                              cancel=cancel)
    reconstruction = ddim_reconstruct(denoiser, schedule, latent, back, spacing=spacing,
                                      progress=backward_progress, cancel=cancel)
    return RoundTrip(x0, latent, reconstruction, steps, back,
                     tuple(inversion_timesteps(T, steps, spacing)), nfe + back)


def error_vs_steps(denoiser: Denoiser, schedule: NoiseSchedule, x0: torch.Tensor,
                   steps_list: Sequence[int] = DEFAULT_STEPS_LIST, *, spacing: str = "trailing",
                   progress: Progress | None = None, cancel: Cancel | None = None) -> StepsStudy:
    """One round trip per K in ``steps_list`` (K steps each way) and the fitted order of RMSE against K.
    ``progress(done, total)`` counts round trips."""
    from engine.sampler_study import fitted_order

    ks = sorted({check_steps(k, schedule.timesteps) for k in steps_list})
    rows = []
    for i, k in enumerate(ks):
        trip = round_trip(denoiser, schedule, x0, k, spacing=spacing, cancel=cancel)
        per_sample = trip.sample_error
        rows.append(StepsRow(k, trip.rmse, float(per_sample.max()), float(per_sample.median()), trip.nfe))
        if progress is not None:
            progress(i + 1, len(ks))
    usable = [r for r in rows if r.rmse > 0 and math.isfinite(r.rmse)]
    order = math.nan
    if len({r.steps for r in usable}) >= 2:
        order = fitted_order([r.steps for r in usable], [r.rmse for r in usable])
    return StepsStudy(tuple(rows), order)


def steps_table(study: StepsStudy) -> str:
    """The study as a small fixed-width table (the CLI prints it)."""
    lines = [f"{'K':>5}  {'NFE':>5}  {'RMSE':>10}  {'median':>10}  {'worst':>10}"]
    for r in study.rows:
        lines.append(f"{r.steps:>5}  {r.nfe:>5}  {r.rmse:>10.3e}  {r.median_sample:>10.3e}  {r.max_sample:>10.3e}")
    order = "n/a" if math.isnan(study.order) else f"{study.order:.2f}"
    lines.append(f"fitted order (RMSE ~ K^-p): p = {order}")
    return "\n".join(lines)


def parse_steps_list(text: str, timesteps: int, what: str = "--error-vs-steps") -> list[int]:
    """'5,10,20' -> [5, 10, 20], each checked against the schedule; a clear UserError otherwise."""
    parts = [p.strip() for p in str(text).split(",") if p.strip()]
    try:
        values = [int(p) for p in parts]
    except ValueError:
        raise UserError(f"{what}: expected comma-separated integers such as 5,10,20,50; got {text!r}",
                        code=2) from None
    if not values:
        raise UserError(f"{what}: expected comma-separated integers such as 5,10,20,50; got {text!r}", code=2)
    for v in values:
        if not 1 <= v <= timesteps:
            raise UserError(f"{what}: every K must be in [1, {timesteps}] (the schedule's timesteps); got {v}",
                            code=2)
    return sorted(set(values))


def as_numpy(x: torch.Tensor) -> np.ndarray:
    return x.detach().to("cpu", torch.float32).numpy()


__all__ = ["DEFAULT_STEPS_LIST", "InversionCancelled", "RoundTrip", "StepsRow", "StepsStudy", "as_numpy",
           "check_steps", "ddim_invert", "ddim_reconstruct", "error_vs_steps", "inversion_step",
           "inversion_timesteps", "parse_steps_list", "round_trip", "steps_table"]
