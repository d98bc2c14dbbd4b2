"""Error against the number of model evaluations (NFE): how fast each sampler converges as it is given more steps.

:func:`error_vs_nfe` runs every sampler at several step counts from one x_T and measures, per run, the RMSE of its
final samples against a reference for that same x_T:

* by default the probability-flow ODE solved finely: DDIM with eta = 0 over every index of the schedule (DDIM is
  the Euler method of that ODE, Song et al. 2021, Eq. 14-15), so the RMSE is the discretization error of a
  deterministic sampler;
* or an exact answer, when the caller has one: a tensor of final samples for the study's x_T, or a function
  ``x_T -> final samples`` (for Gaussian data, :func:`gaussian_flow_solution`; for 2-D data, a fine run with the
  exact denoiser of the training points, :func:`engine.exact.empirical_denoiser`).

:func:`fitted_order` turns (NFE, error) pairs into the empirical order p of error ~ C NFE^-p: 1 for DDIM/Euler,
2 for Heun and DPM-Solver++(2M) once the step is small enough.

Stochastic samplers (DDPM, DDIM with eta > 0) can be studied too, but their RMSE against the ODE's answer measures
the injected noise, not a discretization error, and does not go to zero.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from engine.samplers import Denoiser, make_step, sample_loop, sampling_timesteps
from engine.schedules import NoiseSchedule

ODE_SAMPLERS = ("ddim", "euler", "heun", "dpmpp_2m")  # deterministic at eta = 0: their error is discretization
Reference = torch.Tensor | Callable[[torch.Tensor], torch.Tensor] | None


@dataclass
class StudyRow:
    sampler: str
    steps: int
    nfe: int  # model evaluations of the run (Heun: 2 steps - 1)
    rmse: float  # sqrt of the mean over samples and coordinates of (final - reference)^2
    samples: torch.Tensor = field(repr=False)  # the run's final samples, for distribution metrics


def gaussian_flow_solution(schedule: NoiseSchedule, mu: float, s: float, t_start: int | None = None
                           ) -> Callable[[torch.Tensor], torch.Tensor]:
    """The exact probability-flow ODE map from x at index ``t_start`` (default T - 1) to the clean data, for data
    N(mu, s^2) per coordinate. The noised marginal is N(a mu, a^2 s^2 + sig^2) (a = sqrt(alpha_bar_t),
    sig = sqrt(1 - alpha_bar_t)), and the ODE (Song et al. 2021b, Eq. 13) transports marginals while keeping each
    sample's standardized value (x - a mu) / sqrt(a^2 s^2 + sig^2),
    so x0 = mu + s (x - a mu) / sqrt(a^2 s^2 + sig^2)."""
    t = schedule.timesteps - 1 if t_start is None else int(t_start)
    ab = float(schedule.alpha_bar[t])
    a, spread = math.sqrt(ab), math.sqrt(ab * s * s + 1.0 - ab)

    def solve(x_T: torch.Tensor) -> torch.Tensor:
        return mu + s * (x_T - a * mu) / spread

    return solve


def draw_x_T(shape: Sequence[int], seed: int, dtype: torch.dtype = torch.float32,
             device: torch.device | str = "cpu") -> torch.Tensor:
    """The x_T ~ N(0, I) every run of :func:`error_vs_nfe` with this ``seed`` starts from (drawn in float32 on the
    CPU, as :func:`~engine.samplers.run_sampler` draws it, then cast), so a caller can compute its reference."""
    x_T = torch.randn(tuple(shape), generator=torch.Generator().manual_seed(int(seed)), dtype=torch.float32)
    return x_T.to(device=device, dtype=dtype)


def noise_generator(seed: int) -> torch.Generator:
    """The generator of the stochastic samplers' noise in :func:`error_vs_nfe` runs with this ``seed``."""
    return torch.Generator().manual_seed(int(seed) + 1)


def error_vs_nfe(denoiser: Denoiser, schedule: NoiseSchedule, shape: Sequence[int], *,
                 samplers: Sequence[str] = ODE_SAMPLERS, steps_list: Sequence[int] = (10, 20, 50), seed: int = 0,
                 reference: Reference = None, eta: float = 0.0, spacing: str = "trailing",
                 dtype: torch.dtype = torch.float32, device: torch.device | str = "cpu") -> list[StudyRow]:
    """One :class:`StudyRow` per (sampler, steps), all from the same x_T ~ N(0, I) drawn from ``seed``.

    ``reference``: None (DDIM eta = 0 over all T indices from the same x_T), final samples for that x_T, or a
    function of x_T (see the module docstring). ``spacing`` must start every step count at the same index (trailing
    and linspace start at T - 1; leading does not), or the runs would not share x_T's noise level. ``dtype``
    float64 keeps rounding below the discretization error of a 2nd-order sampler at many steps."""
    starts = {sampling_timesteps(schedule.timesteps, k, spacing)[0] for k in (*steps_list, schedule.timesteps)}
    if len(starts) != 1:
        raise ValueError(f"spacing {spacing!r} starts different step counts at different indices {sorted(starts)}; "
                         "use trailing or linspace")
    x_T = draw_x_T(shape, seed, dtype, device)

    def run(sampler: str, steps: int) -> tuple[torch.Tensor, int]:
        ts = sampling_timesteps(schedule.timesteps, steps, spacing)
        frames = sample_loop(make_step(sampler, eta=eta), denoiser, schedule, x_T, ts,
                             generator=noise_generator(seed))
        last = None
        for last in frames:
            pass
        return last.x_t, last.nfe

    if reference is None:
        target = run("ddim", schedule.timesteps)[0]
    elif callable(reference):
        target = reference(x_T)
    else:
        target = reference
    target = torch.as_tensor(target).to(device=device, dtype=dtype)
    if tuple(target.shape) != tuple(x_T.shape):
        raise ValueError(f"reference has shape {tuple(target.shape)}, the study's samples {tuple(x_T.shape)}")
    rows = []
    for sampler in samplers:
        for steps in steps_list:
            final, nfe = run(sampler, int(steps))
            rmse = float((final - target).double().square().mean().sqrt())
            rows.append(StudyRow(sampler, int(steps), int(nfe), rmse, final))
    return rows


def fitted_order(nfe: Sequence[float], error: Sequence[float]) -> float:
    """The empirical order p of error ~ C NFE^-p: minus the least-squares slope of log(error) against log(NFE)."""
    x, y = np.log(np.asarray(nfe, dtype=np.float64)), np.asarray(error, dtype=np.float64)
    if len(x) < 2 or len(set(x.tolist())) < 2:
        raise ValueError(f"fitted_order needs at least two different NFE values, got {list(nfe)}")
    if len(x) != len(y) or not np.all(y > 0) or not np.all(np.isfinite(y)):
        raise ValueError(f"fitted_order needs one positive finite error per NFE value, got {list(error)}")
    slope = np.polyfit(x, np.log(y), 1)[0]
    return float(-slope)


def rows_for(rows: Sequence[StudyRow], sampler: str) -> list[StudyRow]:
    """The rows of one sampler, in the order they were run."""
    return [r for r in rows if r.sampler == sampler]


__all__ = ["ODE_SAMPLERS", "StudyRow", "draw_x_T", "error_vs_nfe", "noise_generator", "fitted_order",
           "gaussian_flow_solution", "rows_for"]
