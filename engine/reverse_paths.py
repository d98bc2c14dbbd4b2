"""The reverse process seen whole, for 2-D data: how individual points travel, and how the cloud's law evolves.

* **ODE vs SDE paths** (:func:`ode_sde_paths`). From one x_T, DDIM with eta = 0 follows the probability-flow ODE
  (Song et al. 2021b, Eq. 13; DDIM is its discretization, Song et al. 2021a, Sec. 4.3): a smooth, deterministic
  curve. DDPM's ancestral step (Ho et al. 2020, Alg. 2; DDIM with eta = 1) is the reverse SDE (Song et al. 2021b,
  Eq. 6) discretized: the same drift plus fresh noise each step, so its path jitters and ends somewhere else. Both
  runs visit the same timesteps and start from the same x_T, so the difference is the noise alone.
* **Marginals over time** (:func:`marginal_distances`). A sampler that is right makes its x_t cloud follow the
  forward marginal q(x_t) (x_0 from the data noised with Ho et al. 2020, Eq. 4) at every t, not only at the end. At
  each recorded t we measure the sliced Wasserstein distance (engine.data.sliced_wasserstein) between the sampled
  cloud and a fresh draw of q(x_t), together with the *floor*: the same distance between two independent q(x_t)
  draws of the same size, which is what finite samples give even for a perfect sampler.

Both drive the engine's one sampling loop (engine.samplers: make_step, sampling_timesteps, sample_loop / run_sampler)
and only read its Frames. Timesteps are schedule indices (index i is the paper's t = i + 1); a frame's index -1 is
the finished sample, the paper's t = 0, whose marginal is the data itself.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from engine.data import sliced_wasserstein
from engine.diffusion import q_sample
from engine.samplers import Denoiser, make_step, run_sampler, sample_loop, sampling_timesteps
from engine.schedules import NoiseSchedule

ODE = ("ddim", 0.0)  # DDIM, eta = 0: the probability-flow ODE
SDE = ("ddpm", None)  # ancestral DDPM (beta_tilde variance): the reverse SDE
PROJECTIONS = 128  # sliced-Wasserstein directions: 2-D clouds need few; repeated calls use the same ones


class Stopped(Exception):
    """``should_stop()`` turned true between two sampler steps."""


@dataclass(frozen=True)
class Paths:
    """The followed points' positions at each frame. ``t`` holds the paper's t per frame (T..1, then 0 for the
    finished sample); ``ode`` and ``sde`` are float64 (frames, n, 2), row 0 the shared x_T."""

    t: np.ndarray
    ode: np.ndarray
    sde: np.ndarray


@dataclass(frozen=True)
class MarginalCurves:
    """Per sampler, SW(sampled x_t cloud, q(x_t)) at each recorded frame; ``floor`` is SW between two independent
    q(x_t) draws of the same size. ``t`` is the paper's t per frame (0: the finished sample against the data)."""

    t: np.ndarray  # int64 (frames,)
    samplers: tuple[str, ...]
    distance: np.ndarray  # float64 (samplers, frames)
    floor: np.ndarray  # float64 (frames,)


def _run(frames, should_stop: Callable[[], bool] | None, visit: Callable) -> None:
    for frame in frames:
        if should_stop is not None and should_stop():
            raise Stopped
        visit(frame)


def ode_sde_paths(denoiser: Denoiser, schedule: NoiseSchedule, x_T: torch.Tensor, *, steps: int = 100,
                  seed: int = 0, should_stop: Callable[[], bool] | None = None) -> Paths:
    """Run DDIM (eta = 0) and DDPM from the same ``x_T`` (n, 2) over the same ``steps`` timesteps and keep every
    point's position at every frame. ``seed`` seeds DDPM's noise."""
    ts = sampling_timesteps(schedule.timesteps, int(steps))
    out = {}
    for name, (sampler, eta) in (("ode", ODE), ("sde", SDE)):
        step = make_step(sampler, eta=eta or 0.0)
        generator = torch.Generator().manual_seed(int(seed))
        positions: list[np.ndarray] = []
        _run(sample_loop(step, denoiser, schedule, x_T, ts, generator=generator), should_stop,
             lambda frame, positions=positions: positions.append(frame.x_t.detach().to("cpu", torch.float64)
                                                                 .numpy().copy()))
        out[name] = np.stack(positions)
    t = np.asarray([*(i + 1 for i in ts), 0], dtype=np.int64)
    return Paths(t=t, ode=out["ode"], sde=out["sde"])


def forward_marginal(schedule: NoiseSchedule, data: torch.Tensor, index: int, n: int,
                     generator: torch.Generator) -> torch.Tensor:
    """``n`` draws of q(x_t) at schedule index ``index`` (-1: the data itself): training points picked uniformly
    with replacement, noised with Ho et al. 2020, Eq. 4 (engine.diffusion.q_sample). float64 (n, D)."""
    x0 = data[torch.randint(len(data), (int(n),), generator=generator)].to(torch.float64)
    if index < 0:
        return x0
    noise = torch.randn(x0.shape, generator=generator, dtype=torch.float64)
    return q_sample(schedule, x0, torch.full((len(x0),), int(index), dtype=torch.long), noise)


def marginal_distances(denoiser: Denoiser, schedule: NoiseSchedule, data: torch.Tensor, *,
                       samplers: Sequence[str] = ("ddpm", "ddim", "dpmpp_2m"), n: int = 500, steps: int = 50,
                       seed: int = 0, should_stop: Callable[[], bool] | None = None) -> MarginalCurves:
    """Sample ``n`` points with each sampler (the same x_T for all, from ``seed``; DDIM with eta = 0) and, at every
    frame, measure SW(x_t cloud, q(x_t)) and the two-sample floor. ``data`` (N, D) holds the training points."""
    data = data.reshape(len(data), -1).to("cpu", torch.float64)
    ts = sampling_timesteps(schedule.timesteps, int(steps))
    indices = [*ts, -1]
    reference = torch.Generator().manual_seed(int(seed) + 1)  # the q(x_t) draws: the same for every sampler
    targets = [forward_marginal(schedule, data, i, n, reference) for i in indices]
    floor = np.asarray([sliced_wasserstein(target, forward_marginal(schedule, data, i, n, reference),
                                           PROJECTIONS) for i, target in zip(indices, targets, strict=True)])
    rows = []
    for sampler in samplers:
        row: list[float] = []
        frames = run_sampler(denoiser, schedule, (int(n), data.shape[1]), sampler=sampler, steps=int(steps), eta=0.0,
                             seed=int(seed))
        _run(frames, should_stop, lambda frame, row=row: row.append(sliced_wasserstein(
            frame.x_t.detach().to("cpu", torch.float64), targets[len(row)], PROJECTIONS)))
        rows.append(row)
    return MarginalCurves(t=np.asarray([i + 1 for i in indices], dtype=np.int64), samplers=tuple(samplers),
                          distance=np.asarray(rows, dtype=np.float64), floor=floor)
