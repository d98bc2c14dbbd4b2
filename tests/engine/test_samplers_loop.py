"""The shared sampling loop keeps DDPM and DDIM exactly as they were before it existed.

``reference_ddpm`` and ``reference_ddim`` are the per-sampler loops the project used before the samplers became step
functions of one loop, copied verbatim in their arithmetic (same operations in the same order, same noise draws), so
the comparisons below are bit-for-bit (``torch.equal``). ``CAPTURED`` holds float64 outputs of that code, so the
references themselves cannot drift.
"""
import math

import pytest
import torch
from gaussian_reference import analytic_denoiser

from engine.samplers import ddim_sample, ddpm_sample, final_sample, run_sampler, sampling_timesteps
from engine.samplers.loop import _clip, _noise_like  # primitives the old loops shared, unchanged
from engine.schedules import NoiseSchedule


def reference_ddpm(denoiser, schedule, x_T, steps, variance, clip_x0, spacing, generator):
    """Ho et al. 2020 Algorithm 2 through the respaced posterior of Eq. 6-7, as the pre-loop ddpm_sample did it."""
    ts = sampling_timesteps(schedule.timesteps, steps, spacing)
    ab = schedule.alpha_bar
    x = x_T
    for k, t in enumerate(ts):
        t_prev = ts[k + 1] if k + 1 < len(ts) else -1
        ab_t = float(ab[t])
        ab_prev = float(ab[t_prev]) if t_prev >= 0 else 1.0
        x0, eps = denoiser(x, t)
        x0, eps = _clip(x0, eps, x, math.sqrt(ab_t), math.sqrt(1 - ab_t), clip_x0)
        beta = 1.0 - ab_t / ab_prev
        coef_x0 = beta * math.sqrt(ab_prev) / (1.0 - ab_t)
        coef_xt = (1.0 - ab_prev) * math.sqrt(1.0 - beta) / (1.0 - ab_t)
        mean = coef_x0 * x0 + coef_xt * x
        if t_prev >= 0:
            var = beta if variance == "beta" else beta * (1.0 - ab_prev) / (1.0 - ab_t)
            x = mean + math.sqrt(var) * _noise_like(x, generator)
        else:
            x = mean
    return x


def reference_ddim(denoiser, schedule, x_T, steps, eta, clip_x0, spacing, generator):
    """Song et al. 2021 Eq. 12 and 16, as the pre-loop ddim_sample did it."""
    ts = sampling_timesteps(schedule.timesteps, steps, spacing)
    ab = schedule.alpha_bar
    x = x_T
    for k, t in enumerate(ts):
        t_prev = ts[k + 1] if k + 1 < len(ts) else -1
        ab_t = float(ab[t])
        ab_prev = float(ab[t_prev]) if t_prev >= 0 else 1.0
        x0, eps = denoiser(x, t)
        x0, eps = _clip(x0, eps, x, math.sqrt(ab_t), math.sqrt(1 - ab_t), clip_x0)
        sigma = eta * math.sqrt((1 - ab_prev) / (1 - ab_t) * (1 - ab_t / ab_prev)) if t_prev >= 0 else 0.0
        direction = math.sqrt(max(1.0 - ab_prev - sigma ** 2, 0.0))
        x = math.sqrt(ab_prev) * x0 + direction * eps
        if sigma > 0:
            x = x + sigma * _noise_like(x, generator)
    return x


# float64 outputs of the pre-loop ddpm_sample / ddim_sample (cosine schedule, T = 100, x_T from seed 7)
CAPTURED = {
    "ddpm": (ddpm_sample, {"steps": 20, "variance": "beta_tilde"},
             [0.6742331730717396, 0.7306188519157891, 0.6775715223818571, 0.8614076547569293]),
    "ddpm_beta": (ddpm_sample, {"steps": 20, "variance": "beta", "spacing": "leading"},
                  [0.6413157475646171, 0.7444458359420066, 0.6417091238836665, 0.953490542316767]),
    "ddim": (ddim_sample, {"steps": 10},
             [0.6651799340896549, 0.8859553403016966, 0.9239796481929953, 0.43621362133264413]),
    "ddim_eta": (ddim_sample, {"steps": 10, "eta": 0.5, "spacing": "linspace", "clip_x0": True},
                 [1.0, 0.5762642410592377, 1.0, 0.794207255418931]),
}


@pytest.mark.parametrize("name", sorted(CAPTURED))
def test_float64_outputs_match_the_captured_pre_loop_values(name):
    sample, kwargs, expected = CAPTURED[name]
    sch = NoiseSchedule("cosine", 100)
    g = torch.Generator().manual_seed(7)
    x_T = torch.randn((4,), generator=g, dtype=torch.float64)
    x = final_sample(sample(analytic_denoiser(sch), sch, x_T, generator=g, **kwargs))
    assert x.tolist() == pytest.approx(expected, rel=0, abs=1e-14)


@pytest.mark.parametrize("kind", ["linear", "cosine"])
@pytest.mark.parametrize("variance, clip_x0, spacing, steps", [
    ("beta_tilde", False, "trailing", 1000), ("beta", False, "leading", 37), ("beta_tilde", True, "linspace", 50)])
def test_ddpm_is_bit_identical_to_the_reference(kind, variance, clip_x0, spacing, steps):
    sch = NoiseSchedule(kind, 1000)
    den = analytic_denoiser(sch, mu=0.2, s=0.8)
    new = final_sample(run_sampler(den, sch, (6, 1, 3, 3), sampler="ddpm", steps=steps, variance=variance,
                                   clip_x0=clip_x0, spacing=spacing, seed=21))
    g = torch.Generator().manual_seed(21)
    x_T = torch.randn((6, 1, 3, 3), generator=g)
    old = reference_ddpm(den, sch, x_T, steps, variance, clip_x0, spacing, g)
    assert new.dtype == torch.float32 and torch.equal(new, old)


@pytest.mark.parametrize("kind", ["linear", "cosine"])
@pytest.mark.parametrize("eta, clip_x0, spacing, steps", [
    (0.0, False, "trailing", 50), (0.5, False, "leading", 20), (1.0, True, "linspace", 13), (0.0, True, "trailing", 1)])
def test_ddim_is_bit_identical_to_the_reference(kind, eta, clip_x0, spacing, steps):
    sch = NoiseSchedule(kind, 1000)
    den = analytic_denoiser(sch, mu=0.2, s=0.8)
    new = final_sample(run_sampler(den, sch, (6, 1, 3, 3), sampler="ddim", steps=steps, eta=eta, clip_x0=clip_x0,
                                   spacing=spacing, seed=22))
    g = torch.Generator().manual_seed(22)
    x_T = torch.randn((6, 1, 3, 3), generator=g)
    old = reference_ddim(den, sch, x_T, steps, eta, clip_x0, spacing, g)
    assert torch.equal(new, old)


@pytest.mark.parametrize("sampler", ["ddpm", "dpmpp_2m"])
def test_initial_noise_is_the_x_T_a_run_starts_from(sampler):
    """The Compare tab shows x_T before a run starts: it must be exactly the run's first frame."""
    from engine.samplers import initial_noise

    sch = NoiseSchedule("cosine", 100)
    first = next(run_sampler(analytic_denoiser(sch), sch, (5, 2), sampler=sampler, steps=10, seed=3))
    assert first.step == 0 and torch.equal(initial_noise((5, 2), 3), first.x_t)
