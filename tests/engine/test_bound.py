"""engine.bound: every term of Ho et al. 2020's bound (Eq. 5) against brute force and closed forms.

Statistical checks compare estimates within 4 standard errors (fixed seeds); closed-form checks to float64 precision.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from engine import bound
from engine.schedules import NoiseSchedule


def _normal_logpdf(x: np.ndarray, mean: np.ndarray, var: float) -> np.ndarray:
    return -0.5 * (np.log(2 * np.pi * var) + (x - mean) ** 2 / var)


def _phi(z: float) -> float:
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


# ------------------------------------------------------------------ 1. each term against brute-force Monte Carlo
def _tanh_eps_denoiser(schedule: NoiseSchedule):
    """A deliberately imperfect eps model, eps_pred = 0.8 tanh(x_t) + 0.05 (t + 1), converted to x0 by Eq. 4."""
    def denoise(x_t: torch.Tensor, t: int):
        ab = schedule.alpha_bar[t].item()
        eps = 0.8 * torch.tanh(x_t) + 0.05 * (t + 1)
        return (x_t - math.sqrt(1 - ab) * eps) / math.sqrt(ab), eps
    return denoise


@pytest.mark.parametrize("variance", ["beta_tilde", "beta"])
def test_every_term_equals_brute_force_monte_carlo(variance: str) -> None:
    """T = 5, 2-D data: each per_t entry and L_T against E_q[log q(x_{t-1}|x_t,x_0) - log p(x_{t-1}|x_t)] sampled
    directly, with the model mean written as Ho et al. Eq. 11 (eps form), not Eq. 7 as the module does."""
    schedule = NoiseSchedule("linear", 5, beta_start=0.05, beta_end=0.4)
    denoiser = _tanh_eps_denoiser(schedule)
    points = torch.tensor([[0.5, -1.0], [1.5, 0.2], [-0.7, 0.9], [0.0, 0.0]], dtype=torch.float64)
    n = 100_000
    x0 = points.repeat(n // len(points), 1)
    result = bound.variational_bound(denoiser, schedule, x0, decoder="gaussian", variance=variance,
                                     generator=torch.Generator().manual_seed(1))

    betas = schedule.betas.numpy()
    ab = np.cumprod(1 - betas)
    ab_prev = np.concatenate([[1.0], ab[:-1]])
    rng = np.random.default_rng(2)
    x0_np = x0.numpy()
    for i in range(5):
        x_t = math.sqrt(ab[i]) * x0_np + math.sqrt(1 - ab[i]) * rng.standard_normal(x0_np.shape)
        _, eps = denoiser(torch.from_numpy(x_t), i)
        # Ho et al. Eq. 11: mu_theta = (x_t - beta_t / sqrt(1 - ab_t) eps) / sqrt(alpha_t)
        mu_p = (x_t - betas[i] / math.sqrt(1 - ab[i]) * eps.numpy()) / math.sqrt(1 - betas[i])
        if variance == "beta":
            var_p = betas[i]
        else:  # beta_tilde, with the first step's 0 replaced by beta_tilde_2 (clipped, as the module documents)
            k = max(i, 1)
            var_p = betas[k] * (1 - ab_prev[k]) / (1 - ab[k])
        if i == 0:  # L_0 = -log N(x_0; mu_theta(x_1), sigma_1^2)
            samples = -_normal_logpdf(x0_np, mu_p, var_p).mean(1)
        else:  # Eq. 6-7 posterior, sampled
            var_q = betas[i] * (1 - ab_prev[i]) / (1 - ab[i])
            mu_q = (math.sqrt(ab_prev[i]) * betas[i] * x0_np
                    + math.sqrt(1 - betas[i]) * (1 - ab_prev[i]) * x_t) / (1 - ab[i])
            x_prev = mu_q + math.sqrt(var_q) * rng.standard_normal(x0_np.shape)
            samples = (_normal_logpdf(x_prev, mu_q, var_q) - _normal_logpdf(x_prev, mu_p, var_p)).mean(1)
        mc, mc_se = samples.mean(), samples.std(ddof=1) / math.sqrt(n)
        tol = 4 * math.hypot(mc_se, result.per_t_stderr[i])
        assert abs(result.per_t_nats[i] - mc) < tol, (i, result.per_t_nats[i], mc, tol)
        assert result.per_t_nats[i] > 0.01 or i == 0  # the imperfect model really pays something per step

    # L_T = E_q[log q(x_T | x_0) - log N(x_T; 0, I)]
    x_T = math.sqrt(ab[-1]) * x0_np + math.sqrt(1 - ab[-1]) * rng.standard_normal(x0_np.shape)
    samples = (_normal_logpdf(x_T, math.sqrt(ab[-1]) * x0_np, 1 - ab[-1]) - _normal_logpdf(x_T, 0.0, 1.0)).mean(1)
    assert abs(result.prior_nats - samples.mean()) < 4 * samples.std(ddof=1) / math.sqrt(n)
    assert result.total_nats == pytest.approx(result.prior_nats + np.sum(result.per_t_nats), rel=1e-12)
    assert result.total_bits_per_dim == pytest.approx(result.total_nats / math.log(2), rel=1e-12)
    assert result.exact


def test_gaussian_kl_matches_its_formula_and_is_zero_for_equal_gaussians() -> None:
    mq, mp = torch.tensor([0.3], dtype=torch.float64), torch.tensor([-0.2], dtype=torch.float64)
    expected = 0.5 * (math.log(2.0 / 0.5) + 0.5 / 2.0 + 0.25 / 2.0 - 1.0)
    assert bound.gaussian_kl(mq, 0.5, mp, 2.0).item() == pytest.approx(expected, rel=1e-14)
    assert bound.gaussian_kl(mq, 0.7, mq, 0.7).item() == 0.0


# ------------------------------------------------------------------ 2. Gaussian data with its exact denoiser
def _gaussian_data_denoiser(schedule: NoiseSchedule, s: float):
    """E[x_0 | x_t] for x_0 ~ N(0, s^2): sqrt(ab) s^2 x_t / (ab s^2 + 1 - ab) (a Gaussian conditional)."""
    def denoise(x_t: torch.Tensor, t: int):
        ab = schedule.alpha_bar[t].item()
        x0 = math.sqrt(ab) * s * s * x_t / (ab * s * s + 1 - ab)
        return x0, (x_t - math.sqrt(ab) * x0) / math.sqrt(1 - ab)
    return denoise


def _expected_gaussian_bound(schedule: NoiseSchedule, s: float, variance: str) -> np.ndarray:
    """E over x_0 ~ N(0, s^2) and x_t of every term, in closed form: with the exact denoiser the mean error is
    c1 (x_0 - E[x_0 | x_t]), whose second moment is c1^2 Var[x_0 | x_t] = c1^2 s^2 (1 - ab) / (ab s^2 + 1 - ab).
    Returns [L_0, L_1, ..., L_{T-1}, L_T]."""
    betas = schedule.betas.numpy()
    ab = np.cumprod(1 - betas)
    ab_prev = np.concatenate([[1.0], ab[:-1]])
    cond_var = s * s * (1 - ab) / (ab * s * s + 1 - ab)
    var_q = betas * (1 - ab_prev) / (1 - ab)
    c1 = betas * np.sqrt(ab_prev) / (1 - ab)
    var_p = betas.copy() if variance == "beta" else var_q.copy()
    if variance == "beta_tilde":
        var_p[0] = var_q[1]
    terms = np.empty_like(betas)
    vp, vq = var_p[1:], var_q[1:]
    terms[1:] = 0.5 * (np.log(vp / vq) + vq / vp - 1 + c1[1:] ** 2 * cond_var[1:] / vp)
    terms[0] = 0.5 * math.log(2 * math.pi * var_p[0]) + cond_var[0] / (2 * var_p[0])
    prior = 0.5 * (-math.log(1 - ab[-1]) + (1 - ab[-1]) + ab[-1] * s * s - 1)
    return np.concatenate([terms, [prior]])


GAUSSIAN_S = 0.5
# measured (closed form, linear schedule, T = 1000, s = 0.5): bound - entropy = 0.00109 nats/dim with sigma^2 = beta,
# 0.56993 with beta_tilde (0.39 of it in L_1..L_9 and 0.11 in L_0, where beta_tilde is far below the true reverse
# variance; Nichol & Dhariwal 2021, Sec. 3.1 make the same point about the first steps).
GAP_BOUNDS = {"beta": (0.0, 0.005), "beta_tilde": (0.5, 0.65)}


@pytest.mark.parametrize("variance", ["beta", "beta_tilde"])
def test_exact_denoiser_bound_is_above_the_nll_and_close_to_it(variance: str) -> None:
    schedule = NoiseSchedule("linear", 1000)
    s = GAUSSIAN_S
    x0 = s * torch.randn(4000, 1, generator=torch.Generator().manual_seed(3), dtype=torch.float64)
    result = bound.variational_bound(_gaussian_data_denoiser(schedule, s), schedule, x0, decoder="gaussian",
                                     variance=variance, generator=torch.Generator().manual_seed(4))
    expected = _expected_gaussian_bound(schedule, s, variance)
    entropy = 0.5 * math.log(2 * math.pi * math.e * s * s)  # E[-log N(x_0; 0, s^2)], the true NLL per dimension
    low, high = GAP_BOUNDS[variance]
    assert low <= expected.sum() - entropy <= high  # the closed form itself, as measured above

    # the estimate agrees with the closed form, term by term on the noisy first steps and in total
    assert abs(result.total_nats - expected.sum()) < 4 * result.total_stderr
    for i in (0, 1, 2, 10, 500, 999):
        assert abs(result.per_t_nats[i] - expected[i]) < 4 * result.per_t_stderr[i], i
    assert result.prior_nats == pytest.approx(
        0.5 * (-math.log(1 - schedule.alpha_bar[-1].item()) + (1 - schedule.alpha_bar[-1].item())
               + schedule.alpha_bar[-1].item() * float(x0.square().mean()) - 1), rel=1e-12)
    # paired with the batch's own NLL (removes the x_0 sampling noise): the bound is above it, by about the gap
    nll = -_normal_logpdf(x0.numpy()[:, 0], 0.0, s * s)
    gap = result.per_sample_nats - nll
    gap_se = gap.std(ddof=1) / math.sqrt(len(gap))
    assert gap.mean() > low - 4 * gap_se
    assert gap.mean() < high + 4 * gap_se
    # continuous data's bits/dim can be negative: here L_0 alone is about -3 nats/dim
    assert result.decoder_nats < -2.5


def test_unit_gaussian_with_beta_variance_is_a_tight_bound() -> None:
    """For x_0 ~ N(0, 1) the forward chain is stationary, so the exact reverse step is N(sqrt(alpha_t) x_t, beta_t):
    the model with sigma^2 = beta IS the true reverse process and the bound equals -log p(x_0) for every x_0."""
    schedule = NoiseSchedule("linear", 1000)
    x0 = torch.randn(10_000, 2, generator=torch.Generator().manual_seed(5), dtype=torch.float64)
    result = bound.variational_bound(_gaussian_data_denoiser(schedule, 1.0), schedule, x0, decoder="gaussian",
                                     variance="beta", generator=torch.Generator().manual_seed(6))
    gap = result.per_sample_nats - (-_normal_logpdf(x0.numpy(), 0.0, 1.0).mean(1))
    gap_se = gap.std(ddof=1) / math.sqrt(len(gap))
    assert abs(gap.mean()) < 4 * gap_se
    assert gap_se < 0.008  # a real check: a gap of 0.03 nats/dim would fail the line above


@pytest.mark.parametrize("variance", ["beta", "beta_tilde"])
def test_zero_denoiser_is_much_worse(variance: str) -> None:
    schedule = NoiseSchedule("linear", 1000)
    s = GAUSSIAN_S
    x0 = s * torch.randn(2000, 1, generator=torch.Generator().manual_seed(7), dtype=torch.float64)
    entropy = 0.5 * math.log(2 * math.pi * math.e * s * s)
    zero = bound.variational_bound(lambda x_t, t: (torch.zeros_like(x_t), x_t), schedule, x0, decoder="gaussian",
                                   variance=variance, generator=torch.Generator().manual_seed(8))
    exact_gap = _expected_gaussian_bound(schedule, s, variance).sum() - entropy
    zero_gap = zero.total_nats - entropy
    # predicting x_0 = 0 costs c1^2 x_0^2 / (2 sigma^2) per step: hundreds of nats/dim, not tenths
    assert zero_gap > 20 * exact_gap
    assert zero_gap > 50.0


# ------------------------------------------------------------------ 3. the discretized decoder
@pytest.mark.parametrize("mean,std", [(0.0, 1.0), (-0.3, 0.05), (0.999, 1e-3), (-1.0, 0.01), (3.0, 0.2),
                                      (0.5, 10.0), (0.2, 1e-5)])
def test_discretized_probabilities_sum_to_one(mean: float, std: float) -> None:
    levels = torch.arange(256, dtype=torch.float64) / 127.5 - 1.0
    log_p = bound.discretized_gaussian_log_likelihood(levels, torch.full_like(levels, mean), std * std)
    assert torch.isfinite(log_p).all()
    assert float(torch.exp(log_p).sum()) == pytest.approx(1.0, abs=1e-12)
    # one interior bin against the CDF written with erf
    k = 100
    x = k / 127.5 - 1.0
    direct = _phi((x + 1 / 255 - mean) / std) - _phi((x - 1 / 255 - mean) / std)
    if direct > 1e-10:
        assert float(torch.exp(log_p[k])) == pytest.approx(direct, rel=1e-9)


def test_discretized_far_tail_stays_accurate() -> None:
    # the bin at 1 - 2/255 under N(-0.9, 0.1^2): both CDFs are ~1 - 1e-80, a naive difference would give 0
    x = torch.tensor([1 - 2 / 255], dtype=torch.float64)
    log_p = bound.discretized_gaussian_log_likelihood(x, torch.tensor([-0.9], dtype=torch.float64), 0.01)
    assert math.isfinite(log_p.item()) and -700 < log_p.item() < -150


def test_sharp_decoder_at_the_right_value_costs_nothing() -> None:
    levels = torch.tensor([0, 1, 140, 254, 255], dtype=torch.float64) / 127.5 - 1.0  # both edges and inner bins
    nll = -bound.discretized_gaussian_log_likelihood(levels, levels.clone(), 1e-4 ** 2)
    assert float(nll.abs().max()) < 1e-12


def test_oracle_denoiser_on_8bit_images_costs_only_the_decoder_width() -> None:
    """A denoiser that returns the true x_0 makes every KL term 0 (with sigma^2 = beta_tilde) and L_0 the mass of
    x_0's bin under N(x_0, sigma_1^2): -log(2 Phi(h / sigma_1) - 1) inside, -log Phi(h / sigma_1) at the two edges,
    h = 1/255."""
    schedule = NoiseSchedule("linear", 50)
    gen = torch.Generator().manual_seed(9)
    x0 = torch.randint(0, 256, (6, 1, 4, 4), generator=gen).double() / 127.5 - 1.0
    x0[0, 0, 0, :2] = torch.tensor([-1.0, 1.0])  # both edge bins present
    result = bound.variational_bound(lambda x_t, t: (x0, torch.zeros_like(x_t)), schedule, x0,
                                     variance="beta_tilde", generator=gen)
    ab1, ab2 = schedule.alpha_bar[0].item(), schedule.alpha_bar[1].item()
    # beta_tilde_2 = beta_2 (1 - ab_1) / (1 - ab_2) (Eq. 7), the clipped first-step variance
    sigma = math.sqrt((1 - ab2 / ab1) * (1 - ab1) / (1 - ab2))
    inner, edge = -math.log(2 * _phi(1 / 255 / sigma) - 1), -math.log(_phi(1 / 255 / sigma))
    is_edge = (x0.abs() == 1.0).double()
    assert result.decoder_nats == pytest.approx(float((is_edge * edge + (1 - is_edge) * inner).mean()), rel=1e-10)
    assert np.abs(result.per_t_nats[1:]).max() == 0.0
    assert result.total_bits_per_dim == pytest.approx((result.decoder_nats + result.prior_nats) / math.log(2))


def test_discretized_decoder_refuses_continuous_data() -> None:
    schedule = NoiseSchedule("linear", 10)
    x0 = torch.full((2, 3), 0.123, dtype=torch.float64)
    with pytest.raises(ValueError, match="8-bit"):
        bound.variational_bound(lambda x_t, t: (x_t, x_t), schedule, x0, decoder="discretized")


# ------------------------------------------------------------------ strided estimates
def test_strided_timesteps_weight_the_evaluated_terms_equally() -> None:
    schedule = NoiseSchedule("linear", 100)
    assert bound.kl_indices(100, None) == list(range(1, 100))
    assert bound.kl_indices(100, 10) == [1, 12, 23, 34, 45, 55, 66, 77, 88, 99]
    assert bound.kl_indices(100, [0, 5, 5, 7]) == [5, 7]
    with pytest.raises(ValueError, match="schedule indices"):
        bound.kl_indices(100, [100])
    with pytest.raises(ValueError, match="at least one KL index"):
        bound.kl_indices(100, [0])
    x0 = 0.5 * torch.randn(64, 2, generator=torch.Generator().manual_seed(10), dtype=torch.float64)
    result = bound.variational_bound(_gaussian_data_denoiser(schedule, 0.5), schedule, x0, decoder="gaussian",
                                     timesteps=10, generator=torch.Generator().manual_seed(11))
    assert not result.exact and result.evaluated.sum() == 11
    assert np.isnan(result.per_t_nats[2]) and not np.isnan(result.per_t_nats[12])
    kl = np.nansum(result.per_t_nats[1:])
    assert result.kl_nats == pytest.approx(99 / 10 * kl, rel=1e-12)
    assert result.total_nats == pytest.approx(result.prior_nats + result.decoder_nats + result.kl_nats, rel=1e-12)


# ------------------------------------------------------------------ 4. progress and cancellation
def test_progress_counts_up_and_should_stop_raises() -> None:
    schedule = NoiseSchedule("linear", 20)
    x0 = torch.zeros(3, 2, dtype=torch.float64)
    calls: list[int] = []

    def denoiser(x_t: torch.Tensor, t: int):
        calls.append(t)
        return torch.zeros_like(x_t), x_t

    progress: list[tuple[int, int]] = []
    bound.variational_bound(denoiser, schedule, x0, decoder="gaussian",
                            on_progress=lambda done, total: progress.append((done, total)))
    assert progress == [(k, 20) for k in range(1, 21)]
    assert calls == list(range(20))

    calls.clear()
    with pytest.raises(bound.BoundStopped) as stopped:
        bound.variational_bound(denoiser, schedule, x0, decoder="gaussian", should_stop=lambda: len(calls) >= 3)
    assert len(calls) == 3
    assert (stopped.value.done, stopped.value.total) == (3, 20)
    assert np.isfinite(stopped.value.per_t_nats[:3]).all() and np.isnan(stopped.value.per_t_nats[3:]).all()


def test_rejects_unknown_choices() -> None:
    schedule = NoiseSchedule("linear", 10)
    x0 = torch.zeros(2, 2)
    with pytest.raises(ValueError, match="decoder"):
        bound.variational_bound(lambda x_t, t: (x_t, x_t), schedule, x0, decoder="logistic")
    with pytest.raises(ValueError, match="variance"):
        bound.variational_bound(lambda x_t, t: (x_t, x_t), schedule, x0, decoder="gaussian", variance="learned")
