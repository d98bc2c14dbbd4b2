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

from engine.samplers import Denoiser, Frame, make_step, sample_loop, sampling_timesteps
from engine.schedules import NoiseSchedule

ODE_SAMPLERS = ("ddim", "euler", "heun", "dpmpp_2m")  # deterministic at eta = 0: their error is discretization
Reference = torch.Tensor | Callable[[torch.Tensor], torch.Tensor] | None
Watch = Callable[[Frame], None]  # sees every frame of every run; raising (e.g. StudyCancelled) abandons the study


class StudyCancelled(Exception):
    """Raised by a study's ``should_stop`` check between two model evaluations."""


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
                 dtype: torch.dtype = torch.float32, device: torch.device | str = "cpu",
                 watch: Watch | None = None) -> list[StudyRow]:
    """One :class:`StudyRow` per (sampler, steps), all from the same x_T ~ N(0, I) drawn from ``seed``.

    ``reference``: None (DDIM eta = 0 over all T indices from the same x_T), final samples for that x_T, or a
    function of x_T (see the module docstring). ``spacing`` must start every step count at the same index (trailing
    and linspace start at T - 1; leading does not), or the runs would not share x_T's noise level. ``dtype``
    float64 keeps rounding below the discretization error of a 2nd-order sampler at many steps. ``watch`` sees
    every frame of every run (the reference's too): progress, and cancelling by raising."""
    starts = {sampling_timesteps(schedule.timesteps, k, spacing)[0] for k in (*steps_list, schedule.timesteps)}
    if len(starts) != 1:
        raise ValueError(f"spacing {spacing!r} starts different step counts at different indices {sorted(starts)}; "
                         "use trailing or linspace")
    x_T = draw_x_T(shape, seed, dtype, device)

    def run(sampler: str, steps: int) -> tuple[torch.Tensor, int]:
        ts = sampling_timesteps(schedule.timesteps, steps, spacing)
        frames = sample_loop(make_step(sampler, eta=eta), denoiser, schedule, x_T, ts,
                             generator=noise_generator(seed))
        last = _finish(frames, watch)
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



def _finish(frames, watch: Watch | None) -> Frame:
    last = None
    for last in frames:
        if watch is not None:
            watch(last)
    assert last is not None and last.is_final
    return last


def steps_for_nfe(sampler: str, nfe: int) -> int:
    """Steps giving about ``nfe`` model evaluations: Heun spends 2K - 1 on K steps, the others K."""
    return max(1, (int(nfe) + 1) // 2) if sampler == "heun" else max(1, int(nfe))


def nfe_of(sampler: str, steps: int) -> int:
    """The model evaluations of a ``steps``-step run of ``sampler`` (the inverse of :func:`steps_for_nfe`)."""
    return 2 * int(steps) - 1 if sampler == "heun" else int(steps)


def full_chain(denoiser: Denoiser, schedule: NoiseSchedule, sampler: str, x_T: torch.Tensor, seed: int,
               watch: Watch | None = None) -> torch.Tensor:
    """``sampler`` over every index of the schedule from x_T, with the noise generator :func:`error_vs_nfe` gives
    its runs (so DDPM-T shares the noise path of the DDPM runs it is the reference of)."""
    ts = list(range(schedule.timesteps - 1, -1, -1))
    return _finish(sample_loop(make_step(sampler), denoiser, schedule, x_T, ts,
                               generator=noise_generator(seed)), watch).x_t


def exact_reference(points: torch.Tensor, schedule: NoiseSchedule, watch: Watch | None = None
                    ) -> Callable[[torch.Tensor], torch.Tensor]:
    """``x_T -> the exact answer`` for a finite 2-D set: the probability-flow ODE of the set's own (exact) denoiser
    (:func:`engine.exact.empirical_denoiser`) solved finely, DDIM over all T indices. Against it a learned model's
    error is its discretization error plus the model's own error (a floor the curves flatten onto)."""
    from engine.exact import empirical_denoiser

    exact = empirical_denoiser(points, schedule)

    def solve(x_T: torch.Tensor) -> torch.Tensor:
        return full_chain(exact, schedule, "ddim", x_T.to(points.dtype), 0, watch).to(x_T.dtype)

    return solve


@dataclass
class NfeStudy:
    """:func:`nfe_study`'s answer: one row per (sampler, NFE target), the fitted order per sampler (None when it
    cannot be fitted, e.g. a zero error), what the RMSE is measured against, and the data-level metric."""

    rows: list[StudyRow]
    orders: dict[str, float | None]
    reference: str  # "exact" (the 2-D set's exact answer) or "chain" (the model's own T-step runs)
    metric: str | None = None  # a QualityScorer's metric name, None without a scorer
    metric_values: list[float] = field(default_factory=list)  # per row, in row order
    floor: float | None = None  # the real-data floor of the metric at the study's sample count


def nfe_study(denoiser: Denoiser, schedule: NoiseSchedule, shape: Sequence[int], *,
              samplers: Sequence[str] = ("ddpm", "ddim", "dpmpp_2m", "euler", "heun"),
              nfe_targets: Sequence[int] = (10, 20, 50), seed: int = 0, exact_points: torch.Tensor | None = None,
              scorer=None, device: torch.device | str = "cpu",
              progress: Callable[[int, int], None] | None = None,
              should_stop: Callable[[], bool] | None = None) -> NfeStudy:
    """Error against NFE for every sampler of a model, as the window's Compare tab and ``bench.samplers`` chart it.

    All runs start from :func:`draw_x_T` (``seed``); each sampler runs :func:`steps_for_nfe` steps per NFE target.
    The RMSE reference is the exact answer of ``exact_points`` (a 2-D training set, :func:`exact_reference`) when
    given, else the model's own T-step run from the same x_T (:func:`full_chain`: DDIM-T for the deterministic
    samplers, DDPM-T with the same noise for DDPM, whose RMSE then measures a different noise path, not a
    discretization error). ``scorer`` (an :class:`engine.quality.QualityScorer`) adds the data-level metric of
    every row's samples and its real-data floor. ``progress(done, total)`` counts model evaluations (the
    reference's included); ``should_stop`` is polled between two of them and raises :class:`StudyCancelled`."""
    T = schedule.timesteps
    plan = {s: [steps_for_nfe(s, k) for k in nfe_targets if steps_for_nfe(s, k) <= T] for s in samplers}
    chains = [] if exact_points is not None else ["ddim"] * any(s != "ddpm" for s in samplers) + \
        ["ddpm"] * ("ddpm" in samplers)
    total = T * (1 if exact_points is not None else len(chains)) + sum(
        nfe_of(s, k) for s, ks in plan.items() for k in ks)
    done, run_nfe = 0, 0

    def watch(frame: Frame) -> None:
        nonlocal done, run_nfe
        if should_stop is not None and should_stop():
            raise StudyCancelled()
        # frame.nfe counts the evaluations of its own run so far: add what it grew by since the run's last frame
        done += frame.nfe - (0 if frame.step == 0 else run_nfe)
        run_nfe = frame.nfe
        if progress is not None:
            progress(min(done, total), total)

    x_T = draw_x_T(shape, seed, device=device)
    if exact_points is not None:
        references = dict.fromkeys(samplers, exact_reference(exact_points.to(device), schedule, watch)(x_T))
    else:
        made = {chain: full_chain(denoiser, schedule, chain, x_T, seed, watch) for chain in chains}
        references = {s: made["ddpm" if s == "ddpm" else "ddim"] for s in samplers}
    rows: list[StudyRow] = []
    for sampler in samplers:
        if plan[sampler]:
            rows += error_vs_nfe(denoiser, schedule, shape, samplers=(sampler,), steps_list=plan[sampler],
                                 seed=seed, reference=references[sampler], device=device, watch=watch)
    orders: dict[str, float | None] = {}
    for sampler in samplers:
        mine = rows_for(rows, sampler)
        try:
            orders[sampler] = fitted_order([r.nfe for r in mine], [r.rmse for r in mine])
        except ValueError:
            orders[sampler] = None
    study = NfeStudy(rows, orders, "exact" if exact_points is not None else "chain")
    if scorer is not None:
        study.metric = scorer.metric
        study.metric_values = [float(scorer.score(r.samples, 0).value) for r in rows]
        study.floor = float(scorer.floor(int(shape[0])))
    return study


__all__ = ["ODE_SAMPLERS", "NfeStudy", "StudyCancelled", "StudyRow", "draw_x_T", "error_vs_nfe", "exact_reference",
           "fitted_order", "full_chain", "gaussian_flow_solution", "nfe_of", "nfe_study", "noise_generator", "rows_for",
           "steps_for_nfe"]
