"""Closed-form denoisers for 2-D data: what a perfect network would predict, to hold the learned one against.

Two exact answers, both following from q(x_t | x_0) = N(sqrt(alpha_bar_t) x_0, (1 - alpha_bar_t) I)
(Ho et al. 2020, Eq. 4):

* **A finite point set** {x^(i)} (the training data itself). The posterior over which point was noised is a softmax
  of Gaussian log-likelihoods, so the minimum-MSE denoiser is a weighted mean of the points
  (Karras et al. 2022, Appendix B.3; Kadkhodaie et al. 2024, Eq. 2):
      E[x_0 | x_t] = sum_i w_i x^(i),   w = softmax_i( -|x_t - sqrt(alpha_bar_t) x^(i)|^2 / (2 (1 - alpha_bar_t)) ).
  A network trained to optimality on a finite set converges to this, and sampling with it reproduces training points.
* **A Gaussian mixture** sum_k pi_k N(mu_k, s_k^2 I). The noised marginal is again a mixture,
      q(x_t) = sum_k pi_k N(sqrt(alpha_bar_t) mu_k, (alpha_bar_t s_k^2 + 1 - alpha_bar_t) I),
  so its score is closed form, and Tweedie's formula (Efron 2011) turns the score into the denoiser:
      E[x_0 | x_t] = (x_t + (1 - alpha_bar_t) grad log q(x_t)) / sqrt(alpha_bar_t),
      eps = -sqrt(1 - alpha_bar_t) grad log q(x_t).

Memory and time stay bounded for 10^4-10^5 points x a grid of queries: the softmax is taken chunk by chunk over the
points with a running log-sum-exp (the "online softmax" of Milakov & Gimelshein 2018), and queries are processed in
blocks, so no (queries x points) matrix larger than ``block`` x ``chunk`` is ever held.

Timesteps are the schedule's 0-based indices, as everywhere in the engine (index i is the paper's t = i + 1).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from engine.samplers import Denoiser
from engine.schedules import NoiseSchedule

QUERY_BLOCK = 4096  # queries per block
POINT_CHUNK = 8192  # data points per log-sum-exp chunk: 4096 x 8192 float64 distances = 256 MiB at most


def _alpha_bar(schedule: NoiseSchedule, t: int) -> float:
    if not 0 <= t < len(schedule):
        raise ValueError(f"t must be a schedule index in [0, {len(schedule) - 1}], got {t}")
    return float(schedule.alpha_bar[t])


def posterior_mean(x_t: torch.Tensor, data: torch.Tensor, alpha_bar: float, *, block: int = QUERY_BLOCK,
                   chunk: int = POINT_CHUNK) -> torch.Tensor:
    """E[x_0 | x_t] for data uniform over the rows of ``data`` (N, D); ``x_t`` is (Q, D). Computed in float64."""
    if data.ndim != 2 or x_t.ndim != 2 or data.shape[1] != x_t.shape[1]:
        raise ValueError(f"expected x_t (Q, D) and data (N, D), got {tuple(x_t.shape)} and {tuple(data.shape)}")
    if len(data) == 0:
        raise ValueError("the exact denoiser needs at least one data point")
    out_dtype = x_t.dtype
    xq = x_t.to(torch.float64)
    scaled = data.to(device=xq.device, dtype=torch.float64) * math.sqrt(alpha_bar)
    var = max(1.0 - alpha_bar, 1e-300)  # alpha_bar = 1 would be noise-free: the softmax degenerates to nearest point
    out = torch.empty_like(xq)
    for q0 in range(0, len(xq), block):
        q = xq[q0:q0 + block]
        running_max = torch.full((len(q), 1), -math.inf, dtype=torch.float64, device=q.device)
        running_sum = torch.zeros((len(q), 1), dtype=torch.float64, device=q.device)
        running_mean = torch.zeros_like(q)  # sum_i exp(logit_i - running_max) x_i, rescaled as the max moves
        for p0 in range(0, len(data), chunk):
            points = data[p0:p0 + chunk].to(device=q.device, dtype=torch.float64)
            logits = -torch.cdist(q, scaled[p0:p0 + chunk]).square() / (2.0 * var)
            new_max = torch.maximum(running_max, logits.max(dim=1, keepdim=True).values)
            rescale = torch.exp(running_max - new_max)
            weights = torch.exp(logits - new_max)
            running_sum = running_sum * rescale + weights.sum(dim=1, keepdim=True)
            running_mean = running_mean * rescale + weights @ points
            running_max = new_max
        out[q0:q0 + block] = running_mean / running_sum
    return out.to(out_dtype)


def _eps_from_x0(x_t: torch.Tensor, x0: torch.Tensor, alpha_bar: float) -> torch.Tensor:
    # Ho et al. 2020, Eq. 4 solved for eps: eps = (x_t - sqrt(alpha_bar) x_0) / sqrt(1 - alpha_bar)
    return (x_t - math.sqrt(alpha_bar) * x0) / math.sqrt(max(1.0 - alpha_bar, 1e-300))


def empirical_denoiser(data: torch.Tensor, schedule: NoiseSchedule) -> Denoiser:
    """The exact denoiser of the finite set ``data`` as a sampler-ready ``(x_t, t) -> (x0_pred, eps_pred)``."""
    flat = data.reshape(len(data), -1)

    def denoise(x_t: torch.Tensor, t: int) -> tuple[torch.Tensor, torch.Tensor]:
        ab = _alpha_bar(schedule, t)
        x0 = posterior_mean(x_t.reshape(len(x_t), -1), flat, ab).reshape(x_t.shape)
        return x0, _eps_from_x0(x_t, x0, ab)

    return denoise


@dataclass(frozen=True)
class GaussianMixture:
    """sum_k weights[k] N(means[k], stds[k]^2 I) in D dimensions (isotropic components)."""

    weights: torch.Tensor  # (K,), sums to 1
    means: torch.Tensor  # (K, D)
    stds: torch.Tensor  # (K,)

    def noised_log_density(self, x_t: torch.Tensor, alpha_bar: float) -> torch.Tensor:
        """log q(x_t) under the forward process (the mixture with means sqrt(ab) mu_k, variances ab s_k^2 + 1 - ab)."""
        var = alpha_bar * self.stds.to(torch.float64) ** 2 + (1.0 - alpha_bar)  # (K,)
        diff = x_t.to(torch.float64)[:, None, :] - math.sqrt(alpha_bar) * self.means.to(torch.float64)[None]
        dim = x_t.shape[1]
        log_comp = (-diff.square().sum(-1) / (2 * var) - 0.5 * dim * torch.log(2 * math.pi * var)
                    + torch.log(self.weights.to(torch.float64)))
        return torch.logsumexp(log_comp, dim=1)

    def score(self, x_t: torch.Tensor, alpha_bar: float) -> torch.Tensor:
        """grad_x log q(x_t): responsibilities times each component's Gaussian score -(x - m_k) / v_k."""
        var = alpha_bar * self.stds.to(torch.float64) ** 2 + (1.0 - alpha_bar)
        x = x_t.to(torch.float64)
        diff = x[:, None, :] - math.sqrt(alpha_bar) * self.means.to(torch.float64)[None]
        dim = x.shape[1]
        log_comp = (-diff.square().sum(-1) / (2 * var) - 0.5 * dim * torch.log(2 * math.pi * var)
                    + torch.log(self.weights.to(torch.float64)))
        resp = torch.softmax(log_comp, dim=1)  # (Q, K)
        return (-(resp / var)[:, :, None] * diff).sum(1).to(x_t.dtype)


def gmm_denoiser(mixture: GaussianMixture, schedule: NoiseSchedule) -> Denoiser:
    """The exact denoiser of a Gaussian mixture via Tweedie's formula (see the module docstring)."""

    def denoise(x_t: torch.Tensor, t: int) -> tuple[torch.Tensor, torch.Tensor]:
        ab = _alpha_bar(schedule, t)
        score = mixture.score(x_t.reshape(len(x_t), -1), ab).reshape(x_t.shape)
        x0 = (x_t + (1.0 - ab) * score) / math.sqrt(ab)
        return x0, -math.sqrt(1.0 - ab) * score

    return denoise


def gaussians8_mixture() -> GaussianMixture:
    """The built-in ``gaussians8`` set as the lab trains on it: eight N(2 (cos a_k, sin a_k), 0.1^2 I), a_k = k pi/4,
    equally weighted, then standardized by the set's exact per-axis statistics (engine/data/toy2d.py)."""
    from engine.data.toy2d import STATS

    (mean_x, mean_y), (std_x, std_y) = STATS["gaussians8"]
    if not math.isclose(std_x, std_y):
        raise AssertionError("gaussians8 is rotation-symmetric: its two axes must have the same std")
    angles = torch.arange(8, dtype=torch.float64) * (math.pi / 4)
    means = (2.0 * torch.stack([angles.cos(), angles.sin()], dim=1) - torch.tensor([mean_x, mean_y])) / std_x
    return GaussianMixture(weights=torch.full((8,), 1 / 8, dtype=torch.float64), means=means,
                           stds=torch.full((8,), 0.1 / std_x, dtype=torch.float64))


def nearest_distance(samples: torch.Tensor, data: torch.Tensor, *, chunk: int = POINT_CHUNK) -> torch.Tensor:
    """For each sample, the Euclidean distance to its nearest data point (memorization vs generalization)."""
    s = samples.reshape(len(samples), -1).to(torch.float64)
    d = data.reshape(len(data), -1).to(torch.float64)
    best = torch.full((len(s),), math.inf, dtype=torch.float64)
    for p0 in range(0, len(d), chunk):
        best = torch.minimum(best, torch.cdist(s, d[p0:p0 + chunk]).min(dim=1).values)
    return best


def grid_points(n: int, extent: float = 3.0) -> torch.Tensor:
    """An n x n grid over [-extent, extent]^2 as (n*n, 2) rows, x varying fastest (row-major like an image)."""
    if n < 2:
        raise ValueError(f"grid size must be at least 2, got {n}")
    axis = torch.linspace(-extent, extent, n, dtype=torch.float64)
    yy, xx = torch.meshgrid(axis, axis, indexing="ij")
    return torch.stack([xx.reshape(-1), yy.reshape(-1)], dim=1)


def score_from_eps(eps: torch.Tensor, alpha_bar: float) -> torch.Tensor:
    """The score grad log q(x_t) from a noise prediction: -eps / sqrt(1 - alpha_bar_t) (Tweedie, as above)."""
    return -eps / math.sqrt(max(1.0 - alpha_bar, 1e-300))


def curve_timesteps(timesteps: int, count: int) -> list[int]:
    """``count`` (or fewer, without repeats) schedule indices spread evenly over 0..timesteps-1, both ends kept."""
    if timesteps < 1 or count < 1:
        raise ValueError(f"need timesteps >= 1 and count >= 1, got {timesteps} and {count}")
    if count == 1:
        return [timesteps - 1]
    return sorted({round(i * (timesteps - 1) / (count - 1)) for i in range(count)})


def field_error_curve(learned: Denoiser, exact: Denoiser, grid: torch.Tensor, timesteps: list[int]) -> torch.Tensor:
    """Mean over ``grid`` of |x0_learned - x0_exact| (Euclidean norm per point) at each schedule index, float64.

    How far a trained denoiser is from the one it converges to, per noise level: large at small t, where the exact
    one snaps to the nearest training point and a smooth network cannot."""
    out = torch.empty(len(timesteps), dtype=torch.float64)
    for i, t in enumerate(timesteps):
        with torch.no_grad():
            learned_x0 = learned(grid, int(t))[0].detach().to("cpu", torch.float64)
            exact_x0 = exact(grid, int(t))[0].detach().to("cpu", torch.float64)
        out[i] = (learned_x0 - exact_x0).norm(dim=1).mean()
    return out
