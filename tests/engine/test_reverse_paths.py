"""engine.reverse_paths: ODE vs SDE paths from one x_T, and the sampled x_t cloud against the forward marginal q(x_t).

Measured (3 tight clusters of 50 points, n = 400, 25 steps, linear T = 1000): exact-denoiser DDPM stays within
0.64-1.24x the mean two-sample floor (~0.12) at every t; the zero denoiser ("x0 = 0") pulls the cloud to the origin
and sits 3.2-7.4x above the floor for t <= 200. At t = T the forward marginal is N(0, I) to within the floor.
"""
import math

import numpy as np
import pytest
import torch

from engine.data import sliced_wasserstein
from engine.exact import empirical_denoiser
from engine.reverse_paths import PROJECTIONS, Stopped, forward_marginal, marginal_distances, ode_sde_paths
from engine.samplers import final_sample, run_sampler
from engine.schedules import NoiseSchedule

SCHEDULE = NoiseSchedule("linear", 1000)
STEPS = 25
N = 400


def clusters() -> torch.Tensor:
    g = torch.Generator().manual_seed(0)
    centres = torch.tensor([[1.0, 1.0], [-1.0, 0.5], [0.0, -1.2]], dtype=torch.float64)
    return torch.cat([c + 0.1 * torch.randn(50, 2, generator=g, dtype=torch.float64) for c in centres])


def zero_denoiser(x_t: torch.Tensor, t: int) -> tuple[torch.Tensor, torch.Tensor]:
    """A deliberately wrong denoiser: always predicts x0 = 0 (eps then follows from Ho et al. 2020, Eq. 4)."""
    return torch.zeros_like(x_t), x_t / math.sqrt(1.0 - float(SCHEDULE.alpha_bar[t]))


@pytest.fixture(scope="module")
def data() -> torch.Tensor:
    return clusters()


@pytest.fixture(scope="module")
def exact_curves(data):
    return marginal_distances(empirical_denoiser(data, SCHEDULE), SCHEDULE, data, n=N, steps=STEPS)


def test_exact_ddpm_follows_the_forward_marginal_and_a_zero_denoiser_does_not(data, exact_curves):
    curves = exact_curves
    assert curves.samplers == ("ddpm", "ddim", "dpmpp_2m")
    assert curves.t[0] == 1000 and curves.t[-1] == 0 and len(curves.t) == STEPS + 1
    assert np.all(np.diff(curves.t) < 0)
    floor = curves.floor.mean()
    assert 0 < floor < 0.3  # finite samples: two independent q(x_t) draws are never at distance 0
    ddpm = curves.distance[0]
    assert np.all(ddpm < 2.5 * floor), ddpm / floor  # at every t, not only at the end

    wrong = marginal_distances(zero_denoiser, SCHEDULE, data, samplers=("ddpm",), n=N, steps=STEPS)
    np.testing.assert_array_equal(wrong.floor, curves.floor)  # the same q(x_t) draws for every run
    late = wrong.t <= 200
    assert np.all(wrong.distance[0][late] > 2.5 * floor), wrong.distance[0][late] / floor
    # both start from N(0, I) (the same x_T), so they agree at t = T and part ways only as t falls
    assert wrong.distance[0][0] == pytest.approx(ddpm[0])


def test_each_point_is_the_sliced_wasserstein_of_that_frame_against_q_xt(data, exact_curves):
    # DDIM (eta = 0), rerun by hand: its x_t at the k-th visited timestep against the same q(x_t) draw
    frames = list(run_sampler(empirical_denoiser(data, SCHEDULE), SCHEDULE, (N, 2), sampler="ddim", steps=STEPS,
                              eta=0.0, seed=0))
    reference = torch.Generator().manual_seed(1)
    indices = [int(i) - 1 for i in exact_curves.t]
    targets = [forward_marginal(SCHEDULE, data, i, N, reference) for i in indices]
    for k in (0, 10, STEPS):
        want = sliced_wasserstein(frames[k].x_t.double(), targets[k], PROJECTIONS)
        assert exact_curves.distance[1, k] == pytest.approx(want, rel=1e-9)


def test_forward_marginal_is_the_data_at_t0_and_standard_normal_at_T(data):
    g = torch.Generator().manual_seed(3)
    clean = forward_marginal(SCHEDULE, data, -1, 500, g)
    assert all(((data - row).norm(dim=1).min() == 0) for row in clean)  # training points, unnoised
    x_T = forward_marginal(SCHEDULE, data, SCHEDULE.timesteps - 1, 2000, g)
    gauss = torch.randn(2000, 2, generator=g, dtype=torch.float64)
    floor = sliced_wasserstein(torch.randn(2000, 2, generator=g, dtype=torch.float64), gauss, PROJECTIONS)
    assert sliced_wasserstein(x_T, gauss, PROJECTIONS) < 2.5 * floor
    assert x_T.mean(0).abs().max() < 0.1 and (x_T.std(0) - 1).abs().max() < 0.1
    # at mid t the law is Eq. 4's: mean sqrt(ab) E[x0], variance ab Var[x0] + 1 - ab (per axis, float64)
    i = 299
    ab = float(SCHEDULE.alpha_bar[i])
    mid = forward_marginal(SCHEDULE, data, i, 20000, g)
    np.testing.assert_allclose(mid.mean(0).numpy(), math.sqrt(ab) * data.mean(0).numpy(), atol=0.03)
    np.testing.assert_allclose(mid.var(0).numpy(), ab * data.var(0, unbiased=False).numpy() + 1 - ab, rtol=0.05)


def test_ode_and_sde_paths_share_x_T_and_follow_their_samplers(data):
    denoiser = empirical_denoiser(data, SCHEDULE)
    x_T = torch.randn(8, 2, generator=torch.Generator().manual_seed(5))
    paths = ode_sde_paths(denoiser, SCHEDULE, x_T, steps=40, seed=2)
    assert paths.ode.shape == paths.sde.shape == (41, 8, 2) and paths.t.tolist()[:2] == [1000, 975]
    assert paths.t[-1] == 0
    np.testing.assert_array_equal(paths.ode[0], x_T.numpy())
    np.testing.assert_array_equal(paths.sde[0], x_T.numpy())
    # the ODE path is DDIM eta = 0 from that x_T; the SDE path is DDPM with its noise from ``seed``
    from engine.samplers import ddim_sample, ddpm_sample

    ode_end = final_sample(ddim_sample(denoiser, SCHEDULE, x_T, steps=40, eta=0.0))
    sde_end = final_sample(ddpm_sample(denoiser, SCHEDULE, x_T, steps=40,
                                       generator=torch.Generator().manual_seed(2)))
    np.testing.assert_allclose(paths.ode[-1], ode_end.double().numpy(), atol=1e-6)
    np.testing.assert_allclose(paths.sde[-1], sde_end.double().numpy(), atol=1e-6)
    assert np.abs(paths.ode[-1] - paths.sde[-1]).max() > 1e-3  # the noise sends them apart
    # deterministic: the same x_T gives the same ODE path whatever the seed; the SDE path changes with it
    again = ode_sde_paths(denoiser, SCHEDULE, x_T, steps=40, seed=3)
    np.testing.assert_array_equal(again.ode, paths.ode)
    assert not np.allclose(again.sde, paths.sde)
    # the ODE path is smooth: its step lengths vary far less than the SDE path's jitter
    ode_jerk = np.abs(np.diff(paths.ode[:-5], n=2, axis=0)).mean()
    sde_jerk = np.abs(np.diff(paths.sde[:-5], n=2, axis=0)).mean()
    assert ode_jerk < 0.3 * sde_jerk


def test_should_stop_ends_the_runs(data):
    denoiser = empirical_denoiser(data, SCHEDULE)
    with pytest.raises(Stopped):
        marginal_distances(denoiser, SCHEDULE, data, n=50, steps=5, should_stop=lambda: True)
    with pytest.raises(Stopped):
        ode_sde_paths(denoiser, SCHEDULE, torch.zeros(2, 2), steps=5, should_stop=lambda: True)
