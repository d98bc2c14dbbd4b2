"""engine.exact: the closed-form denoisers against brute force, autograd and their sampling consequences."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from engine import exact
from engine.data.toy2d import raw_points, standardize
from engine.samplers import final_sample, run_sampler
from engine.schedules import NoiseSchedule


def brute_force_posterior_mean(x_t: np.ndarray, data: np.ndarray, alpha_bar: float) -> np.ndarray:
    """E[x0 | x_t] written out naively in float64: weights exp(-|x_t - sqrt(ab) x_i|^2 / 2(1 - ab)), normalised."""
    out = np.empty_like(x_t)
    for q, x in enumerate(x_t):
        logits = np.array([-np.sum((x - math.sqrt(alpha_bar) * p) ** 2) / (2 * (1 - alpha_bar)) for p in data])
        w = np.exp(logits - logits.max())
        out[q] = (w[:, None] * data).sum(0) / w.sum()
    return out


@pytest.mark.parametrize("alpha_bar", [0.9999, 0.7, 0.2, 1e-3])
def test_posterior_mean_equals_brute_force(alpha_bar: float) -> None:
    rng = np.random.default_rng(0)
    data = rng.normal(size=(57, 2)) * [1.0, 0.3]
    x_t = rng.normal(size=(23, 2)) * 1.5
    got = exact.posterior_mean(torch.from_numpy(x_t), torch.from_numpy(data), alpha_bar).numpy()
    np.testing.assert_allclose(got, brute_force_posterior_mean(x_t, data, alpha_bar), rtol=1e-10, atol=1e-12)


def test_chunked_equals_unchunked() -> None:
    gen = torch.Generator().manual_seed(1)
    data = torch.randn(1000, 2, generator=gen, dtype=torch.float64)
    x_t = torch.randn(300, 2, generator=gen, dtype=torch.float64)
    whole = exact.posterior_mean(x_t, data, 0.5, block=10**6, chunk=10**6)
    chunked = exact.posterior_mean(x_t, data, 0.5, block=7, chunk=13)
    torch.testing.assert_close(chunked, whole, rtol=1e-12, atol=1e-12)


def test_far_query_is_stable_and_picks_the_nearest_point() -> None:
    # At small noise a query far from every point has logits around -1e6: a naive softmax would give 0/0.
    data = torch.tensor([[0.0, 0.0], [1.0, 0.0]], dtype=torch.float64)
    x0 = exact.posterior_mean(torch.tensor([[50.0, 0.0]], dtype=torch.float64), data, 1 - 1e-4)
    torch.testing.assert_close(x0, torch.tensor([[1.0, 0.0]], dtype=torch.float64))


def test_gmm_score_equals_autograd_of_log_density() -> None:
    mix = exact.gaussians8_mixture()
    x = torch.randn(64, 2, generator=torch.Generator().manual_seed(2), dtype=torch.float64) * 1.3
    for ab in (0.999, 0.5, 0.01):
        xg = x.clone().requires_grad_(True)
        (grad,) = torch.autograd.grad(mix.noised_log_density(xg, ab).sum(), xg)
        torch.testing.assert_close(mix.score(x, ab), grad, rtol=1e-9, atol=1e-10)


def test_gmm_denoiser_matches_the_point_set_denoiser_of_a_large_draw() -> None:
    # The mixture's exact E[x0 | x_t] is the limit of the empirical one over many draws from the mixture.
    schedule = NoiseSchedule("linear", 1000)
    data = torch.from_numpy(standardize("gaussians8", raw_points("gaussians8", 60000, seed=3)[0]))
    x_t = exact.grid_points(9, 2.5)
    t = 300
    x0_gmm, _ = exact.gmm_denoiser(exact.gaussians8_mixture(), schedule)(x_t, t)
    x0_emp, _ = exact.empirical_denoiser(data, schedule)(x_t, t)
    assert (x0_gmm - x0_emp).norm(dim=1).max() < 0.03


def test_gaussians8_mixture_has_the_data_sets_moments() -> None:
    mix = exact.gaussians8_mixture()
    data = standardize("gaussians8", raw_points("gaussians8", 200000, seed=4)[0])
    mean = (mix.weights[:, None] * mix.means).sum(0).numpy()
    var = ((mix.weights[:, None] * mix.means ** 2).sum(0) + (mix.weights * mix.stds ** 2).sum()).numpy()
    np.testing.assert_allclose(mean, data.mean(0), atol=0.01)
    np.testing.assert_allclose(var, data.var(0), atol=0.02)
    np.testing.assert_allclose(var, [1.0, 1.0], atol=1e-6)  # standardized exactly


def test_denoiser_eps_is_consistent_with_forward_process() -> None:
    schedule = NoiseSchedule("cosine", 1000)
    data = torch.randn(40, 2, generator=torch.Generator().manual_seed(5), dtype=torch.float64)
    x_t = torch.randn(10, 2, generator=torch.Generator().manual_seed(6), dtype=torch.float64)
    for denoise in (exact.empirical_denoiser(data, schedule), exact.gmm_denoiser(exact.gaussians8_mixture(), schedule)):
        t = 400
        x0, eps = denoise(x_t, t)
        ab = float(schedule.alpha_bar[t])
        # Ho et al. 2020, Eq. 4: x_t = sqrt(ab) x0 + sqrt(1 - ab) eps
        torch.testing.assert_close(math.sqrt(ab) * x0 + math.sqrt(1 - ab) * eps, x_t, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("sampler", ["ddpm", "ddim"])
def test_exact_sampling_reproduces_training_points(sampler: str) -> None:
    # The optimal denoiser of a finite set memorizes it: its samples land on the training points.
    data = torch.from_numpy(standardize("moons", raw_points("moons", 200, seed=7)[0]))
    schedule = NoiseSchedule("linear", 1000)
    frames = run_sampler(exact.empirical_denoiser(data, schedule), schedule, (256, 2), sampler=sampler,
                         steps=1000, seed=8)
    samples = final_sample(frames).to(torch.float64)
    spread = data.std(0).norm().item()
    nearest = exact.nearest_distance(samples, data)
    assert nearest.median().item() < 0.01 * spread
    # and it uses many of them rather than collapsing onto a few
    hits = torch.cdist(samples, data).argmin(dim=1).unique().numel()
    assert hits > 80


def test_nearest_distance_matches_cdist() -> None:
    gen = torch.Generator().manual_seed(9)
    a, b = torch.randn(50, 2, generator=gen), torch.randn(333, 2, generator=gen)
    torch.testing.assert_close(exact.nearest_distance(a, b, chunk=17),
                               torch.cdist(a.double(), b.double()).min(dim=1).values)


def test_grid_points_layout_and_bad_input() -> None:
    g = exact.grid_points(3, 1.0)
    assert g.shape == (9, 2)
    torch.testing.assert_close(g[:3, 0], torch.tensor([-1.0, 0.0, 1.0], dtype=torch.float64))  # x fastest
    assert torch.all(g[:3, 1] == -1.0)
    with pytest.raises(ValueError, match="grid size"):
        exact.grid_points(1)
    with pytest.raises(ValueError, match="schedule index"):
        exact.empirical_denoiser(torch.zeros(3, 2), NoiseSchedule("linear", 10))(torch.zeros(1, 2), 10)


def test_score_from_eps_is_the_gaussian_score() -> None:
    # data = {0}: q(x_t) = N(0, (1 - ab) I), score -x / (1 - ab); the exact eps there is x / sqrt(1 - ab)
    schedule = NoiseSchedule("linear", 100)
    x_t = torch.tensor([[0.3, -1.2], [2.0, 0.5]], dtype=torch.float64)
    _, eps = exact.empirical_denoiser(torch.zeros(1, 2, dtype=torch.float64), schedule)(x_t, 40)
    ab = float(schedule.alpha_bar[40])
    torch.testing.assert_close(exact.score_from_eps(eps, ab), -x_t / (1 - ab))


def test_curve_timesteps_spreads_indices_without_repeats() -> None:
    assert exact.curve_timesteps(1000, 5) == [0, 250, 500, 749, 999]
    assert exact.curve_timesteps(3, 20) == [0, 1, 2]
    assert exact.curve_timesteps(50, 1) == [49]
    with pytest.raises(ValueError):
        exact.curve_timesteps(0, 3)


def test_field_error_curve_is_the_mean_x0_distance_per_t() -> None:
    schedule = NoiseSchedule("linear", 200)
    data = torch.tensor([[-1.0, 0.0], [1.0, 0.5], [0.2, -1.5]], dtype=torch.float64)
    grid = exact.grid_points(7, 2.5)
    exact_denoise = exact.empirical_denoiser(data, schedule)
    shrink = lambda x, t: (0.5 * x, x)  # noqa: E731 - a stand-in "learned" denoiser
    ts = [0, 60, 199]
    got = exact.field_error_curve(shrink, exact_denoise, grid, ts)
    for i, t in enumerate(ts):
        ab = float(schedule.alpha_bar[t])
        want = np.linalg.norm(0.5 * grid.numpy() - brute_force_posterior_mean(grid.numpy(), data.numpy(), ab),
                              axis=1).mean()
        assert got[i].item() == pytest.approx(want, rel=1e-9)
    assert exact.field_error_curve(exact_denoise, exact_denoise, grid, ts).abs().max().item() == 0.0
