"""One step of each sampler: a small function from the state at schedule index ``t`` to the state at ``t_next``.

The shared loop (:func:`engine.samplers.loop.sample_loop`) evaluates the model at x_t, yields the Frame and then
calls ``step(ctx)`` with a :class:`StepContext`; the step returns x at ``t_next`` (``-1``: the clean data, where
alpha_bar = 1). k-diffusion's samplers have the same split, with ``sigmas`` where we have schedule indices.

State convention: x is always the variance-preserving x_t = sqrt(alpha_bar_t) x0 + sqrt(1 - alpha_bar_t) eps the
model was trained on. Samplers that work in another space (Euler and Heun in Karras et al.'s sigma space) convert on
entry and on exit, so every Frame shows the same quantity whatever the sampler.

Quantities of a *pair* of indices (the respaced posterior, DDIM's sigma, DPM-Solver's step size h) are computed here
from alpha_bar; :class:`~engine.schedules.NoiseSchedule` holds only per-index curves.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import torch

# Euler and Heun need sigma = sqrt((1 - ab) / ab), infinite at zero terminal SNR (ab_T = 0); like diffusers'
# Euler scheduler we use ab = 2^-24 (sigma ~ 4096) for that one timestep.
ZERO_SNR_ALPHA_BAR = 2.0 ** -24


@dataclass
class StepContext:
    """What one step may use. ``evaluate`` is the run's model call (counted towards ``nfe``, with the run's x0
    clipping); ``noise()`` draws fresh N(0, I) shaped like x_t from the run's generator; ``memory`` persists across
    the steps of one run (multistep samplers keep their history there)."""

    x_t: torch.Tensor
    x0_pred: torch.Tensor
    eps_pred: torch.Tensor
    t: int
    t_next: int  # -1 for the last step, which lands on the clean data
    alpha_bar_t: float
    alpha_bar_next: float  # 1.0 when t_next == -1
    evaluate: Callable[[torch.Tensor, int], tuple[torch.Tensor, torch.Tensor]]
    noise: Callable[[], torch.Tensor]
    memory: dict = field(default_factory=dict)


StepFunction = Callable[[StepContext], torch.Tensor]


# ------------------------------------------------------------------ DDPM
def ddpm_posterior(alpha_bar_t: float, alpha_bar_prev: float) -> tuple[float, float, float, float]:
    """The posterior q(x_prev | x_t, x0) = N(coef_x0 x0 + coef_xt x_t, beta_tilde I) of Ho et al. 2020 Eq. 6-7 for a
    step between any two indices (Nichol & Dhariwal 2021, Sec. 4: respacing uses beta = 1 - ab_t / ab_prev).

    Returns ``(coef_x0, coef_xt, beta_tilde, beta)``. For consecutive indices beta is the schedule's beta_t; with
    ``alpha_bar_prev = 1`` (the first timestep) beta_tilde is 0."""
    beta = 1.0 - alpha_bar_t / alpha_bar_prev
    coef_x0 = beta * math.sqrt(alpha_bar_prev) / (1.0 - alpha_bar_t)
    coef_xt = (1.0 - alpha_bar_prev) * math.sqrt(1.0 - beta) / (1.0 - alpha_bar_t)
    beta_tilde = beta * (1.0 - alpha_bar_prev) / (1.0 - alpha_bar_t)
    return coef_x0, coef_xt, beta_tilde, beta


def ddpm_step(c: StepContext, *, variance: str = "beta_tilde") -> torch.Tensor:
    """Ancestral sampling, Ho et al. 2020 Algorithm 2 written through the posterior of Eq. 6-7:
    x_prev = mu_tilde(x_t, x0_pred) + sigma z, sigma^2 = beta or beta_tilde (Sec. 3.2; both are "optimal" for
    different data, as the paper notes). With eps-prediction and no clipping, mu_tilde equals Algorithm 2's
    1/sqrt(alpha_t) (x_t - beta_t / sqrt(1 - alpha_bar_t) eps). The last step adds no noise."""
    coef_x0, coef_xt, beta_tilde, beta = ddpm_posterior(c.alpha_bar_t, c.alpha_bar_next)
    mean = coef_x0 * c.x0_pred + coef_xt * c.x_t
    if c.t_next < 0:
        return mean
    var = beta if variance == "beta" else beta_tilde
    return mean + math.sqrt(var) * c.noise()


# ------------------------------------------------------------------ DDIM
def ddim_step(c: StepContext, *, eta: float = 0.0) -> torch.Tensor:
    """DDIM, Song et al. 2021 Eq. 12:
    x_prev = sqrt(ab_prev) x0_pred + sqrt(1 - ab_prev - sigma^2) eps_pred + sigma z,
    sigma = eta sqrt((1 - ab_prev) / (1 - ab_t)) sqrt(1 - ab_t / ab_prev)  (Eq. 16).
    eta = 0 is deterministic; eta = 1 matches DDPM's beta_tilde variance."""
    ab_t, ab_prev = c.alpha_bar_t, c.alpha_bar_next
    sigma = eta * math.sqrt((1 - ab_prev) / (1 - ab_t) * (1 - ab_t / ab_prev)) if c.t_next >= 0 else 0.0
    direction = math.sqrt(max(1.0 - ab_prev - sigma ** 2, 0.0))
    x = math.sqrt(ab_prev) * c.x0_pred + direction * c.eps_pred
    if sigma > 0:
        x = x + sigma * c.noise()
    return x


# ------------------------------------------------------------------ DPM-Solver++(2M)
def half_log_snr(alpha_bar: float) -> float:
    """lambda = log(alpha / sigma) with alpha = sqrt(ab), sigma = sqrt(1 - ab) (Lu et al. 2022, Sec. 3);
    -inf at zero terminal SNR, +inf for the clean data."""
    if alpha_bar <= 0.0:
        return -math.inf
    if alpha_bar >= 1.0:
        return math.inf
    return 0.5 * math.log(alpha_bar / (1.0 - alpha_bar))


def dpmpp_2m_step(c: StepContext) -> torch.Tensor:
    """DPM-Solver++(2M), Lu et al. 2022 ("DPM-Solver++", Algorithm 2), in data prediction:
    x_next = (sigma_next / sigma_t) x_t - alpha_next (e^{-h} - 1) D,   h = lambda_next - lambda_t,
    D = (1 + 1/(2r)) x0_t - 1/(2r) x0_prev,   r = h_prev / h  (second order, from the previous step's x0_pred),
    D = x0_t on the first step (no history; then the step is DDIM's) and on the last, which lands on sigma = 0
    (e^{-h} = 0, so x_next = x0_pred, as in DDIM; the second-order term would divide by r = 0 there)."""
    lam_t = half_log_snr(c.alpha_bar_t)
    history = c.memory.get("dpmpp_2m")
    c.memory["dpmpp_2m"] = (c.x0_pred, lam_t)
    if c.t_next < 0:
        return c.x0_pred
    alpha_next, sigma_next = math.sqrt(c.alpha_bar_next), math.sqrt(1.0 - c.alpha_bar_next)
    sigma_t = math.sqrt(1.0 - c.alpha_bar_t)
    h = half_log_snr(c.alpha_bar_next) - lam_t
    if history is None:
        denoised = c.x0_pred
    else:
        x0_prev, lam_prev = history
        r = (lam_t - lam_prev) / h  # inf after a zero-SNR first step: the correction then vanishes
        denoised = (1.0 + 1.0 / (2.0 * r)) * c.x0_pred - (1.0 / (2.0 * r)) * x0_prev
    return (sigma_next / sigma_t) * c.x_t - (alpha_next * math.expm1(-h)) * denoised


# ------------------------------------------------------------------ Euler and Heun (Karras et al. 2022)
def karras_sigma(alpha_bar: float) -> float:
    """sigma = sqrt((1 - ab) / ab): the noise level of x_t / sqrt(ab) = x0 + sigma eps, the variance-exploding form
    of the same process (Karras et al. 2022, Sec. 2 and Table 1, VP column). 0 for the clean data."""
    ab = alpha_bar if alpha_bar > 0.0 else ZERO_SNR_ALPHA_BAR
    return math.sqrt((1.0 - ab) / ab)


def _ode_derivative(eps_pred: torch.Tensor) -> torch.Tensor:
    """dx/dsigma = (x - D(x; sigma)) / sigma (Karras et al. 2022, Eq. 1 and 3 with sigma(t) = t; Algorithm 1, line 3).
    With x = x_t sqrt(1 + sigma^2) and D = x0_pred, x - D = sigma eps_pred, so the derivative is eps_pred itself; using
    it directly stays finite where x0_pred does not (zero terminal SNR)."""
    return eps_pred


def euler_step(c: StepContext) -> torch.Tensor:
    """Euler's method on the probability-flow ODE in sigma space (Karras et al. 2022, Algorithm 1, lines 3-4, without
    the correction): x_next = x + (sigma_next - sigma) d. In exact arithmetic this is DDIM with eta = 0 (Song et al.
    2021, Eq. 14 and Karras et al. Sec. 3)."""
    sigma, sigma_next = karras_sigma(c.alpha_bar_t), karras_sigma(c.alpha_bar_next)
    x = c.x_t * math.sqrt(1.0 + sigma ** 2)
    x_next = x + (sigma_next - sigma) * _ode_derivative(c.eps_pred)
    return x_next / math.sqrt(1.0 + sigma_next ** 2)


def heun_step(c: StepContext) -> torch.Tensor:
    """Heun's second-order method, Karras et al. 2022 Algorithm 1 (lines 3-7; deterministic, no churn): an Euler
    step to sigma_next, one more model evaluation there, and the average of the two slopes. The last step
    (sigma_next = 0) stays Euler (line 5), so a K-step run costs 2K - 1 model evaluations.

    Heun averages the slopes over the whole first step, so a huge sigma_max hurts it: the cosine schedule's last
    index has sigma ~ 3e4 (Karras et al. stop at 80), and 10 trailing steps then overshoot the data's spread
    (diffusers' HeunDiscreteScheduler gives the same numbers)."""
    sigma, sigma_next = karras_sigma(c.alpha_bar_t), karras_sigma(c.alpha_bar_next)
    x = c.x_t * math.sqrt(1.0 + sigma ** 2)
    d = _ode_derivative(c.eps_pred)
    x_euler = x + (sigma_next - sigma) * d
    if c.t_next < 0:
        return x_euler
    scale_next = math.sqrt(1.0 + sigma_next ** 2)
    _, eps_next = c.evaluate(x_euler / scale_next, c.t_next)
    x_next = x + (sigma_next - sigma) * 0.5 * (d + _ode_derivative(eps_next))
    return x_next / scale_next
