"""The forward process, training targets and the loss, over one :class:`NoiseSchedule`.

Timesteps ``t`` are 0-based indices into the schedule (see engine/schedules.py). Formulas cite Ho et al. 2020
("Denoising Diffusion Probabilistic Models"), Salimans & Ho 2022 (v-prediction) and Hang et al. 2023 (Min-SNR).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch

from engine.schedules import NoiseSchedule

PREDICTIONS = ("eps", "x0", "v")
LOSS_WEIGHTINGS = ("uniform", "min_snr")


def q_sample(schedule: NoiseSchedule, x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
    """Closed-form forward process, Ho et al. 2020 Eq. 4: x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps."""
    t = _as_batch_t(t, x0)
    a = schedule.gather("sqrt_alpha_bar", t, x0.ndim, x0.dtype)
    s = schedule.gather("sqrt_one_minus_alpha_bar", t, x0.ndim, x0.dtype)
    return a * x0 + s * noise


def forward_chain(schedule: NoiseSchedule, x0: torch.Tensor, t_max: int,
                  generator: torch.Generator | None = None) -> Iterator[torch.Tensor]:
    """The forward Markov chain one step at a time, Ho et al. 2020 Eq. 2:
    x_t = sqrt(1 - beta_t) x_{t-1} + sqrt(beta_t) eps_t, fresh eps_t each step.

    Yields x at indices 0..t_max (inclusive). For teaching: it reaches the same marginal as :func:`q_sample`.
    """
    if not 0 <= t_max < schedule.timesteps:
        raise ValueError(f"t_max must be in [0, {schedule.timesteps - 1}], got {t_max}")
    betas = schedule.on(x0.device, x0.dtype)["betas"]
    x = x0
    for i in range(t_max + 1):
        eps = torch.randn(x.shape, generator=generator, dtype=x.dtype).to(x.device)
        x = (1.0 - betas[i]).sqrt() * x + betas[i].sqrt() * eps
        yield x


# ------------------------------------------------------------------ parameterizations
def training_target(prediction: str, schedule: NoiseSchedule, x0: torch.Tensor, noise: torch.Tensor,
                    t: torch.Tensor) -> torch.Tensor:
    """What the network regresses: eps (Ho et al. 2020 Eq. 14), x0, or v = sqrt(ab) eps - sqrt(1-ab) x0
    (Salimans & Ho 2022, Sec. 4)."""
    if prediction == "eps":
        return noise
    if prediction == "x0":
        return x0
    if prediction == "v":
        a = schedule.gather("sqrt_alpha_bar", t, x0.ndim, x0.dtype)
        s = schedule.gather("sqrt_one_minus_alpha_bar", t, x0.ndim, x0.dtype)
        return a * noise - s * x0
    raise ValueError(f"training.prediction must be one of {', '.join(PREDICTIONS)}; got {prediction!r}")


def predictions_from_output(prediction: str, schedule: NoiseSchedule, x_t: torch.Tensor, t: torch.Tensor,
                            output: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Convert a network output into (predicted x0, predicted eps) using x_t = sqrt(ab) x0 + sqrt(1-ab) eps.

    Where the inversion divides by a vanishing coefficient (sqrt(ab) at zero terminal SNR, sqrt(1-ab) near t=0)
    the divisor is floored at 1e-8 so the result stays finite; the other quantity is then the meaningful one.
    """
    t = _as_batch_t(t, x_t)
    a = schedule.gather("sqrt_alpha_bar", t, x_t.ndim, x_t.dtype)
    s = schedule.gather("sqrt_one_minus_alpha_bar", t, x_t.ndim, x_t.dtype)
    if prediction == "eps":
        eps = output
        x0 = (x_t - s * eps) / a.clamp(min=1e-8)
    elif prediction == "x0":
        x0 = output
        eps = (x_t - a * x0) / s.clamp(min=1e-8)
    elif prediction == "v":
        # Salimans & Ho 2022, Eq. 9 and its counterpart for eps (alpha^2 + sigma^2 = 1)
        x0 = a * x_t - s * output
        eps = s * x_t + a * output
    else:
        raise ValueError(f"training.prediction must be one of {', '.join(PREDICTIONS)}; got {prediction!r}")
    return x0, eps


def output_from_predictions(prediction: str, schedule: NoiseSchedule, x_t: torch.Tensor, t: torch.Tensor,
                            x0: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
    """Inverse of :func:`predictions_from_output`: express (x0, eps) in the network's parameterization."""
    t = _as_batch_t(t, x_t)
    return training_target(prediction, schedule, x0, eps, t)


# ------------------------------------------------------------------ loss
def loss_weights(weighting: str, prediction: str, schedule: NoiseSchedule, t: torch.Tensor,
                 gamma: float = 5.0) -> torch.Tensor:
    """Per-sample loss weights.

    ``uniform``: 1 (Ho et al. 2020's "simple" loss). ``min_snr``: Hang et al. 2023, Eq. 8-10 — the weight that
    turns each parameterization's MSE into an x0-MSE weighted by min(SNR, gamma): min(SNR, gamma) for x0,
    min(SNR, gamma) / SNR for eps, min(SNR, gamma) / (SNR + 1) for v.
    """
    if weighting == "uniform":
        return torch.ones(t.shape[0], device=t.device)
    if weighting != "min_snr":
        raise ValueError(f"training.loss_weighting must be one of {', '.join(LOSS_WEIGHTINGS)}; got {weighting!r}")
    snr = schedule.on(t.device, torch.float32)["snr"][t.long()]
    clipped = torch.clamp(snr, max=gamma)
    if prediction == "x0":
        return clipped
    if prediction == "eps":
        return clipped / snr.clamp(min=1e-20)
    if prediction == "v":
        return clipped / (snr + 1.0)
    raise ValueError(f"training.prediction must be one of {', '.join(PREDICTIONS)}; got {prediction!r}")


@dataclass
class LossResult:
    loss: torch.Tensor  # scalar, the mean of the weighted per-sample losses (what is optimized)
    per_sample: torch.Tensor  # (B,) weighted per-sample losses, detached
    t: torch.Tensor  # (B,) timesteps used


def diffusion_loss(model: Callable[..., torch.Tensor], schedule: NoiseSchedule, x0: torch.Tensor, *,
                   prediction: str = "eps", weighting: str = "uniform", gamma: float = 5.0,
                   t: torch.Tensor | None = None, noise: torch.Tensor | None = None,
                   y: torch.Tensor | None = None, generator: torch.Generator | None = None) -> LossResult:
    """Ho et al. 2020 Algorithm 1 (training): t ~ U{0..T-1}, eps ~ N(0, I), regress the target from q_sample.

    Returns per-sample losses and their t so the GUI can plot loss by timestep.
    """
    batch = x0.shape[0]
    if t is None:
        t = torch.randint(0, schedule.timesteps, (batch,), generator=generator).to(x0.device)
    if noise is None:
        noise = torch.randn(x0.shape, generator=generator, dtype=x0.dtype).to(x0.device)
    x_t = q_sample(schedule, x0, t, noise)
    output = model(x_t, t, y) if y is not None else model(x_t, t)
    target = training_target(prediction, schedule, x0, noise, t)
    per_sample = (output.float() - target.float()).pow(2).flatten(1).mean(dim=1)
    per_sample = per_sample * loss_weights(weighting, prediction, schedule, t, gamma).to(per_sample.dtype)
    return LossResult(loss=per_sample.mean(), per_sample=per_sample.detach(), t=t.detach())


def _as_batch_t(t: torch.Tensor | int, x: torch.Tensor) -> torch.Tensor:
    if not torch.is_tensor(t):
        t = torch.tensor(t)
    t = t.to(x.device).long()
    if t.ndim == 0:
        t = t.expand(x.shape[0])
    return t
