"""The exact denoiser of 1-D Gaussian data N(mu, s^2), shared by the sampler tests.

For x_t = a x_0 + sig eps with a = sqrt(alpha_bar_t), sig = sqrt(1 - alpha_bar_t), the posterior mean of eps is
sig (x_t - a mu) / (a^2 s^2 + sig^2) (a Gaussian conditional), and x0 follows from Ho et al. 2020, Eq. 4."""
from __future__ import annotations

MU, S = 0.7, 0.3


def analytic_denoiser(schedule, mu=MU, s=S):
    def denoise(x, t):
        a = float(schedule.sqrt_alpha_bar[t])
        sig = float(schedule.sqrt_one_minus_alpha_bar[t])
        eps = sig * (x - a * mu) / (a * a * s * s + sig * sig)
        return (x - sig * eps) / a, eps

    return denoise
