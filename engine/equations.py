"""The numbers behind the window's equation strips: each centre tab's formula with the timeline's t substituted.

Every value is read from the one :class:`~engine.schedules.NoiseSchedule` (float64) or computed from its
``alpha_bar`` with the same float formulas the samplers use (engine/samplers/steps.py), so a strip shows exactly
the coefficients that the tab animates. This module returns small dataclasses (values, the terms of a linear
update, the paper reference); how they are drawn is the GUI's business (gui/widgets/equation_strip.py).

Timestep convention: the dataclasses carry the *paper's* t (1..T for the noisy states, 0 for the clean data); the
functions take schedule indices (0..T-1, -1 for the clean data) like the rest of the engine, except where noted.

A sampler update is a list of :class:`Term` (coefficient, symbol): x_next = sum(coef * value(symbol)). The symbols
are ``x_t`` (the state entering the step), ``eps_theta`` and ``x0_theta`` (the model's predictions at x_t, after
the run's x0 clipping), ``z`` (fresh N(0, I) noise), ``eps_theta_next`` (Heun's second evaluation, at the Euler
point) and ``x0_theta_prev`` (DPM-Solver++(2M)'s x0 prediction from the previous step).
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from engine.config import PREDICTIONS, SAMPLERS
from engine.samplers.steps import ddpm_posterior, half_log_snr, karras_sigma
from engine.schedules import NoiseSchedule

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def format_number(value: float, digits: int = 4) -> str:
    """``value`` with ``digits`` significant digits for display: ``0.2816``, ``1``, ``1.2·10⁻⁵``, ``∞``; the minus
    sign is U+2212. The one formatter of every strip (and of the tests that read them)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if value == 0:
        return "0"
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}·10{str(int(exponent)).translate(_SUPERSCRIPT)}"
    return text.replace("-", "−")


@dataclass(frozen=True)
class Term:
    coef: float
    symbol: str  # x_t | eps_theta | x0_theta | z | eps_theta_next | x0_theta_prev | x0 | eps


# ---------------------------------------------------------------------------------------------- schedule
@dataclass(frozen=True)
class ScheduleValues:
    """The schedule's per-timestep quantities at paper t (t = 0: the clean data, where alpha_bar = 1)."""

    t: int
    beta: float
    alpha: float
    alpha_bar: float
    sqrt_alpha_bar: float
    sqrt_one_minus_alpha_bar: float
    snr: float
    log_snr: float
    reference: str = "Ho et al. 2020, Eq. 4, Sec. 2; SNR: Kingma et al. 2021"


def schedule_values(schedule: NoiseSchedule, t: int) -> ScheduleValues:
    """β_t, α_t = 1 − β_t, ᾱ_t = ∏ α_s, √ᾱ_t, √(1−ᾱ_t), SNR_t = ᾱ_t / (1 − ᾱ_t) and log SNR_t at *paper* t in 0..T,
    read from the schedule's float64 curves (t = 0 has β = 0, ᾱ = 1, SNR = ∞: no noise yet)."""
    t = int(t)
    if not 0 <= t <= schedule.timesteps:
        raise ValueError(f"t must be in [0, {schedule.timesteps}], got {t}")
    if t == 0:
        return ScheduleValues(0, 0.0, 1.0, 1.0, 1.0, 0.0, math.inf, math.inf)
    i = t - 1
    return ScheduleValues(t, float(schedule.betas[i]), float(schedule.alphas[i]), float(schedule.alpha_bar[i]),
                          float(schedule.sqrt_alpha_bar[i]), float(schedule.sqrt_one_minus_alpha_bar[i]),
                          float(schedule.snr[i]), float(schedule.log_snr[i]))


# ---------------------------------------------------------------------------------------------- forward
@dataclass(frozen=True)
class ForwardEquation:
    """x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε at paper t: ``terms`` are (√ᾱ_t, x0) and (√(1−ᾱ_t), eps)."""

    t: int
    terms: tuple[Term, ...]
    alpha_bar: float
    reference: str = "Ho et al. 2020, Eq. 4"


def forward_equation(schedule: NoiseSchedule, t: int) -> ForwardEquation:
    """Ho et al. 2020 Eq. 4 (the reparameterized q(x_t | x_0)) at *paper* t in 0..T (t = 0: x_0 itself)."""
    v = schedule_values(schedule, t)
    return ForwardEquation(v.t, (Term(v.sqrt_alpha_bar, "x0"), Term(v.sqrt_one_minus_alpha_bar, "eps")), v.alpha_bar)


# ---------------------------------------------------------------------------------------------- training loss
_LOSS_REFERENCES = {
    "eps": "Ho et al. 2020, Eq. 14",
    "x0": "x₀-prediction: Salimans & Ho 2022, Sec. 4",
    "v": "v-prediction: Salimans & Ho 2022, Sec. 4",
}


@dataclass(frozen=True)
class LossEquation:
    """The training loss at paper t for a prediction target (eps | x0 | v) and weighting (uniform | min_snr):
    L = E[w_t ‖target − network(x_t, t)‖²], x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε, v = √ᾱ_t ε − √(1−ᾱ_t) x₀."""

    t: int
    prediction: str
    weighting: str
    gamma: float
    sqrt_alpha_bar: float
    sqrt_one_minus_alpha_bar: float
    snr: float
    weight: float  # w_t: 1 for uniform, the Min-SNR-γ weight otherwise
    reference: str


def min_snr_weight(prediction: str, snr: float, gamma: float) -> float:
    """Hang et al. 2023, Eq. 8-10 (engine.diffusion.loss_weights in float64): min(SNR, γ) for x0,
    min(SNR, γ) / SNR for eps, min(SNR, γ) / (SNR + 1) for v."""
    clipped = min(snr, gamma)
    if prediction == "x0":
        return clipped
    if prediction == "eps":
        return clipped / max(snr, 1e-20)
    if prediction == "v":
        return clipped / (snr + 1.0)
    raise ValueError(f"prediction must be one of {', '.join(PREDICTIONS)}; got {prediction!r}")


def loss_equation(schedule: NoiseSchedule, t: int, prediction: str = "eps", weighting: str = "uniform",
                  gamma: float = 5.0) -> LossEquation:
    """The loss engine.diffusion.diffusion_loss minimizes, at *paper* t in 1..T (training never sees t = 0)."""
    if prediction not in PREDICTIONS:
        raise ValueError(f"prediction must be one of {', '.join(PREDICTIONS)}; got {prediction!r}")
    if not 1 <= int(t) <= schedule.timesteps:
        raise ValueError(f"t must be in [1, {schedule.timesteps}] for the loss, got {t}")
    v = schedule_values(schedule, t)
    if weighting == "uniform":
        weight, reference = 1.0, _LOSS_REFERENCES[prediction]
    elif weighting == "min_snr":
        weight = min_snr_weight(prediction, v.snr, float(gamma))
        reference = _LOSS_REFERENCES[prediction] + "; Min-SNR-γ: Hang et al. 2023, Eq. 8–10"
    else:
        raise ValueError(f"weighting must be uniform or min_snr; got {weighting!r}")
    return LossEquation(v.t, prediction, weighting, float(gamma), v.sqrt_alpha_bar, v.sqrt_one_minus_alpha_bar,
                        v.snr, weight, reference)


# ---------------------------------------------------------------------------------------------- sampler steps
@dataclass(frozen=True)
class SamplerStep:
    """One sampler update from paper t to paper ``t_next`` (0: the clean data).

    ``form`` names the symbolic formula it instantiates (``ddpm``: Algorithm 2; ``ddpm_posterior``: Eq. 6-7, used
    where α_t = 0 makes Algorithm 2's 1/√α_t infinite; ``ddim``; ``dpmpp_2m`` / ``dpmpp_2m_first`` (no history:
    first order) / ``dpmpp_2m_last`` (lands on the x₀ prediction); ``euler``; ``heun``). ``values`` holds the
    named quantities of that formula (alpha_t, beta_t, sigma_t, h, r...), ``terms`` the substituted update."""

    sampler: str
    form: str
    t: int
    t_next: int
    terms: tuple[Term, ...]
    values: Mapping[str, float] = field(default_factory=dict)
    reference: str = ""

    def apply(self, symbols: Mapping[str, object]):
        """sum(coef * symbols[symbol]) over the terms: the update applied to actual arrays (tests)."""
        out = None
        for term in self.terms:
            part = term.coef * symbols[term.symbol]
            out = part if out is None else out + part
        return out


def sampler_step(schedule: NoiseSchedule, sampler: str, t_index: int, t_next_index: int, *,
                 t_prev_index: int | None = None, eta: float = 0.0, variance: str = "beta_tilde") -> SamplerStep:
    """The update ``sampler`` applies from schedule index ``t_index`` to ``t_next_index`` (-1: the clean data), as
    engine.samplers.steps computes it. ``t_prev_index`` is the index visited before ``t_index`` in the same run
    (DPM-Solver++(2M)'s history; None on a run's or a branch's first step)."""
    if sampler not in SAMPLERS:
        raise ValueError(f"sampler must be one of {', '.join(SAMPLERS)}; got {sampler!r}")
    ab = schedule.alpha_bar
    ab_t = float(ab[t_index])
    ab_next = float(ab[t_next_index]) if t_next_index >= 0 else 1.0
    t, t_next = int(t_index) + 1, int(t_next_index) + 1
    last = t_next_index < 0
    if sampler == "ddpm":
        return _ddpm(t, t_next, ab_t, ab_next, last, variance)
    if sampler == "ddim":
        return _ddim(t, t_next, ab_t, ab_next, last, eta)
    if sampler == "dpmpp_2m":
        ab_prev = float(ab[t_prev_index]) if t_prev_index is not None else None
        return _dpmpp_2m(t, t_next, ab_t, ab_next, last, ab_prev)
    return _karras(sampler, t, t_next, ab_t, ab_next, last)


def _ddpm(t: int, t_next: int, ab_t: float, ab_next: float, last: bool, variance: str) -> SamplerStep:
    # Ho et al. 2020 Algorithm 2, line 4, for a step between any two indices: alpha = ab_t / ab_next and
    # beta = 1 - alpha (Nichol & Dhariwal 2021, Sec. 4); the engine's posterior-mean form (Eq. 6-7) is the same
    # map for any consistent (x0_theta, eps_theta) pair
    coef_x0, coef_xt, beta_tilde, beta = ddpm_posterior(ab_t, ab_next)
    alpha = 1.0 - beta
    var = 0.0 if last else (beta if variance == "beta" else beta_tilde)
    sigma = math.sqrt(var)
    values = {"alpha_t": alpha, "beta_t": beta, "alpha_bar_t": ab_t, "sigma_t": sigma, "beta_tilde_t": beta_tilde,
              "variance_is_beta": float(variance == "beta")}
    noise = (Term(sigma, "z"),) if not last else ()
    if alpha <= 0.0:  # zero terminal SNR: 1/sqrt(alpha_t) is infinite, the posterior mean is not
        values.update(coef_x0=coef_x0, coef_xt=coef_xt)
        return SamplerStep("ddpm", "ddpm_posterior", t, t_next, (Term(coef_x0, "x0_theta"), Term(coef_xt, "x_t"),
                                                                  *noise), values, "Ho et al. 2020, Eq. 6–7")
    inv_sqrt_alpha = 1.0 / math.sqrt(alpha)
    eps_coef = beta / math.sqrt(1.0 - ab_t)
    values.update(inv_sqrt_alpha=inv_sqrt_alpha, eps_coef=eps_coef)
    terms = (Term(inv_sqrt_alpha, "x_t"), Term(-inv_sqrt_alpha * eps_coef, "eps_theta"), *noise)
    return SamplerStep("ddpm", "ddpm", t, t_next, terms, values, "Ho et al. 2020, Algorithm 2")


def _ddim(t: int, t_next: int, ab_t: float, ab_next: float, last: bool, eta: float) -> SamplerStep:
    # Song et al. 2021 Eq. 12 with sigma from Eq. 16 (engine.samplers.steps.ddim_step)
    sigma = eta * math.sqrt((1 - ab_next) / (1 - ab_t) * (1 - ab_t / ab_next)) if not last else 0.0
    direction = math.sqrt(max(1.0 - ab_next - sigma ** 2, 0.0))
    terms = (Term(math.sqrt(ab_next), "x0_theta"), Term(direction, "eps_theta"))
    if sigma > 0:
        terms += (Term(sigma, "z"),)
    values = {"alpha_bar_t": ab_t, "alpha_bar_next": ab_next, "sigma_t": sigma, "eta": float(eta)}
    return SamplerStep("ddim", "ddim", t, t_next, terms, values, "Song et al. 2021, Eq. 12 and 16")


def _dpmpp_2m(t: int, t_next: int, ab_t: float, ab_next: float, last: bool, ab_prev: float | None) -> SamplerStep:
    # Lu et al. 2022 (DPM-Solver++), Algorithm 2, as engine.samplers.steps.dpmpp_2m_step
    reference = "Lu et al. 2022, DPM-Solver++(2M), Algorithm 2"
    lam_t = half_log_snr(ab_t)
    if last:
        return SamplerStep("dpmpp_2m", "dpmpp_2m_last", t, t_next, (Term(1.0, "x0_theta"),),
                           {"lambda_t": lam_t}, reference)
    alpha_next, sigma_next = math.sqrt(ab_next), math.sqrt(1.0 - ab_next)
    sigma_t = math.sqrt(1.0 - ab_t)
    lam_next = half_log_snr(ab_next)
    h = lam_next - lam_t
    scale = -alpha_next * math.expm1(-h)  # alpha_next (1 - e^{-h})
    values = {"sigma_t": sigma_t, "sigma_next": sigma_next, "alpha_next": alpha_next, "lambda_t": lam_t,
              "lambda_next": lam_next, "h": h}
    if ab_prev is None:
        return SamplerStep("dpmpp_2m", "dpmpp_2m_first", t, t_next,
                           (Term(sigma_next / sigma_t, "x_t"), Term(scale, "x0_theta")), values, reference)
    r = (lam_t - half_log_snr(ab_prev)) / h
    half_inv_r = 1.0 / (2.0 * r)
    values["r"] = r
    terms = (Term(sigma_next / sigma_t, "x_t"), Term(scale * (1.0 + half_inv_r), "x0_theta"),
             Term(-scale * half_inv_r, "x0_theta_prev"))
    return SamplerStep("dpmpp_2m", "dpmpp_2m", t, t_next, terms, values, reference)


def _karras(sampler: str, t: int, t_next: int, ab_t: float, ab_next: float, last: bool) -> SamplerStep:
    # Karras et al. 2022 Algorithm 1 in sigma space, x~ = sqrt(1 + sigma^2) x_t, converted back to the VP state
    # (engine.samplers.steps.euler_step / heun_step; the derivative d = eps_theta)
    sigma, sigma_next = karras_sigma(ab_t), karras_sigma(ab_next)
    scale, scale_next = math.sqrt(1.0 + sigma ** 2), math.sqrt(1.0 + sigma_next ** 2)
    values = {"sigma_t": sigma, "sigma_next": sigma_next}
    slope = (sigma_next - sigma) / scale_next
    if sampler == "euler" or last:  # Heun's last step is Euler's (Algorithm 1, line 5)
        reference = "Karras et al. 2022, Algorithm 1 (Euler step" + (", line 5)" if sampler == "heun" else ")")
        return SamplerStep(sampler, "euler", t, t_next, (Term(scale / scale_next, "x_t"), Term(slope, "eps_theta")),
                           values, reference)
    terms = (Term(scale / scale_next, "x_t"), Term(0.5 * slope, "eps_theta"), Term(0.5 * slope, "eps_theta_next"))
    return SamplerStep(sampler, "heun", t, t_next, terms, values, "Karras et al. 2022, Algorithm 1")


def step_at(schedule: NoiseSchedule, timesteps: Sequence[int], t_index: int, sampler: str, *, eta: float = 0.0,
            variance: str = "beta_tilde", first: int | None = None) -> SamplerStep:
    """The step a run over the descending indices ``timesteps`` takes from its frame at ``t_index``: to the next
    index it visits. ``t_index == -1`` (the finished sample) gives the run's last step, the one that produced it.
    ``first`` is the index where the run's (or branch's) own history starts: DPM-Solver++(2M) has no previous x0
    prediction there."""
    ts = [int(v) for v in timesteps]
    if not ts:
        raise ValueError("timesteps is empty")
    k = len(ts) - 1 if t_index < 0 else ts.index(int(t_index))
    t_next = ts[k + 1] if k + 1 < len(ts) else -1
    start = ts.index(int(first)) if first is not None and int(first) in ts else 0
    t_prev = ts[k - 1] if k > start else None
    return sampler_step(schedule, sampler, ts[k], t_next, t_prev_index=t_prev, eta=eta, variance=variance)
