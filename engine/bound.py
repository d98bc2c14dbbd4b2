"""The DDPM variational bound on the negative log-likelihood, term by term.

Ho et al. 2020, Eq. 5 (after Sohl-Dickstein et al. 2015, Appendix B):

    -log p(x_0) <= L = L_T + sum_{t>1} L_{t-1} + L_0,
    L_T     = KL(q(x_T | x_0) || p(x_T)),                       p(x_T) = N(0, I)
    L_{t-1} = KL(q(x_{t-1} | x_t, x_0) || p_theta(x_{t-1} | x_t)),  both Gaussian: closed form
    L_0     = -log p_theta(x_0 | x_1).

Every term is an expectation over x_t ~ q(x_t | x_0) (Eq. 4) and the data; this module draws one x_t per data point
and timestep and averages over the batch, so the result is a Monte Carlo estimate whose standard errors it reports.

Index convention (engine/schedules.py): schedule index ``i`` in ``0..T-1`` is the paper's ``t = i + 1``, so the
reverse step leaving index ``i`` contributes Ho et al.'s ``L_i``: ``per_t_nats[0]`` is the decoder term L_0 and
``per_t_nats[i]`` for ``i >= 1`` is the KL term L_i. The prior term L_T needs no model and is reported apart.

The model's reverse step is p_theta(x_{t-1} | x_t) = N(mu_theta, sigma_t^2 I) with mu_theta the posterior mean of
Eq. 7 evaluated at the denoiser's x0 prediction (for an eps model this equals Eq. 11 algebraically) and a fixed
sigma_t^2 = beta_t or beta_tilde_t (Sec. 3.2). Learned variances (Nichol & Dhariwal 2021) are not covered.

Results are in nats per dimension (summed over the dimensions of one data point, divided by their number) and in
bits per dimension (divided by ln 2).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from engine.samplers import Denoiser, ddpm_posterior
from engine.schedules import NoiseSchedule

DECODERS = ("discretized", "gaussian")
VARIANCES = ("beta_tilde", "beta")
_BIN_HALF_WIDTH = 1.0 / 255.0  # 8-bit data scaled to [-1, 1]: 256 levels 2/255 apart (Ho et al. 2020, Sec. 3.3)


class BoundStopped(Exception):
    """Raised by :func:`variational_bound` when ``should_stop()`` answered True.

    ``done`` of ``total`` denoiser evaluations had finished; ``per_t_nats`` holds the terms computed so far (NaN for
    the others), so a caller may still plot the partial curve."""

    def __init__(self, done: int, total: int, per_t_nats: np.ndarray):
        super().__init__(f"variational bound stopped after {done} of {total} timesteps")
        self.done = done
        self.total = total
        self.per_t_nats = per_t_nats


@dataclass
class BoundResult:
    """The bound averaged over a batch of data, every number in nats per dimension unless it says bits."""

    per_t_nats: np.ndarray  # (T,) L_0 (decoder) at index 0, L_i (KL) at i >= 1; NaN where not evaluated
    per_t_stderr: np.ndarray  # (T,) standard error of each batch mean; NaN where not evaluated
    prior_nats: float  # L_T
    decoder_nats: float  # L_0 == per_t_nats[0]
    kl_nats: float  # sum_{i=1}^{T-1} L_i, estimated from the evaluated indices when not all were
    total_nats: float  # L_T + sum + L_0
    total_stderr: float  # standard error of total_nats over the batch
    per_sample_nats: np.ndarray  # (B,) each data point's own total (its estimate of the bound)
    evaluated: np.ndarray  # (T,) bool: which indices were computed
    decoder: str
    variance: str

    @property
    def total_bits_per_dim(self) -> float:
        return self.total_nats / math.log(2.0)

    @property
    def per_t_bits(self) -> np.ndarray:
        return self.per_t_nats / math.log(2.0)

    @property
    def exact(self) -> bool:
        """True when every term was computed (no stride estimate)."""
        return bool(self.evaluated.all())


# ------------------------------------------------------------------ closed-form pieces (per element, float64)
def gaussian_kl(mean_q: torch.Tensor, var_q: torch.Tensor | float, mean_p: torch.Tensor,
                var_p: torch.Tensor | float) -> torch.Tensor:
    """KL(N(mean_q, var_q) || N(mean_p, var_p)) per element, in nats:
    0.5 (log(var_p / var_q) + var_q / var_p + (mean_q - mean_p)^2 / var_p - 1)."""
    var_q = torch.as_tensor(var_q, dtype=torch.float64)
    var_p = torch.as_tensor(var_p, dtype=torch.float64)
    return 0.5 * (torch.log(var_p / var_q) + var_q / var_p + (mean_q - mean_p).square() / var_p - 1.0)


def gaussian_log_density(x: torch.Tensor, mean: torch.Tensor, var: torch.Tensor | float) -> torch.Tensor:
    """log N(x; mean, var) per element."""
    var = torch.as_tensor(var, dtype=torch.float64)
    return -0.5 * (torch.log(2.0 * math.pi * var) + (x - mean).square() / var)


def _log_normal_mass(lower: torch.Tensor, upper: torch.Tensor) -> torch.Tensor:
    """log(Phi(upper) - Phi(lower)) for lower < upper (either may be infinite), accurate in both tails.

    The difference of two CDFs near 1 cancels; by symmetry Phi(b) - Phi(a) = Phi(-a) - Phi(-b), so intervals on the
    right of 0 are mirrored to the left, where both log-CDFs are accurate. Then
    log(e^hi - e^lo) = hi + log1p(-e^(lo - hi)).
    """
    mirror = (lower + upper) > 0  # inf + (-inf) is NaN -> False: the whole line stays unmirrored (mass 1, log 0)
    a = torch.where(mirror, -upper, lower)
    b = torch.where(mirror, -lower, upper)
    hi = torch.special.log_ndtr(b)
    lo = torch.special.log_ndtr(a)
    return hi + torch.log1p(-torch.exp(lo - hi))


def discretized_gaussian_log_likelihood(x: torch.Tensor, mean: torch.Tensor, var: torch.Tensor | float) -> torch.Tensor:
    """log P(x) per element under N(mean, var) integrated over x's 8-bit bin (Ho et al. 2020, Sec. 3.3, Eq. 13):
    [x - 1/255, x + 1/255], with the edge bins extended to -inf (x = -1) and +inf (x = 1), as in improved-diffusion's
    ``discretized_gaussian_log_likelihood``. The CDF is exact (log_ndtr), not the tanh approximation, so the 256
    probabilities sum to 1 to float64 precision. ``x`` must lie on the grid -1 + 2k/255."""
    x = x.to(torch.float64)
    level = torch.round((x + 1.0) * 127.5)
    if x.numel() and (float((x - (level / 127.5 - 1.0)).abs().max()) > 1e-4 or level.min() < 0 or level.max() > 255):
        raise ValueError("the discretized decoder needs 8-bit data scaled to [-1, 1] (values -1 + 2k/255); "
                         "use decoder='gaussian' for continuous data")
    std = torch.as_tensor(var, dtype=torch.float64).sqrt()
    centered = level / 127.5 - 1.0 - mean.to(torch.float64)
    lower = torch.where(level <= 0, torch.tensor(-math.inf, dtype=torch.float64), (centered - _BIN_HALF_WIDTH) / std)
    upper = torch.where(level >= 255, torch.tensor(math.inf, dtype=torch.float64), (centered + _BIN_HALF_WIDTH) / std)
    return _log_normal_mass(lower, upper)


def prior_kl(schedule: NoiseSchedule, x0: torch.Tensor) -> torch.Tensor:
    """L_T per element: KL(N(sqrt(ab_T) x_0, 1 - ab_T) || N(0, 1)) (Ho et al. 2020, Eq. 4-5)."""
    ab_T = schedule.alpha_bar[-1].item()
    if ab_T == 0.0:  # zero terminal SNR: q(x_T | x_0) is N(0, I) itself
        return torch.zeros_like(x0, dtype=torch.float64)
    return gaussian_kl(math.sqrt(ab_T) * x0.to(torch.float64), 1.0 - ab_T, torch.zeros((), dtype=torch.float64), 1.0)


def _posterior(schedule: NoiseSchedule, t: int) -> tuple[float, float, float, float]:
    """(coef_x0, coef_xt, beta_tilde, beta) of q(x_{t-1} | x_t, x_0) at schedule index ``t`` (Eq. 6-7)."""
    ab = schedule.alpha_bar
    return ddpm_posterior(float(ab[t]), float(ab[t - 1]) if t >= 1 else 1.0)


def model_variance(schedule: NoiseSchedule, t: int, variance: str) -> float:
    """sigma_t^2 of p_theta(x_{t-1} | x_t) at schedule index ``t`` (Ho et al. 2020, Sec. 3.2).

    ``beta``: beta_t. ``beta_tilde``: the posterior variance beta_tilde_t (Eq. 7); it is 0 at the first step, which
    would make the decoder a delta, so index 0 uses beta_tilde_2 instead (the clipped value of Ho et al.'s reference
    code, ``posterior_log_variance_clipped``)."""
    if variance == "beta":
        return schedule.betas[t].item()
    if variance == "beta_tilde":
        return _posterior(schedule, max(t, 1))[2]
    raise ValueError(f"variance must be one of {', '.join(VARIANCES)}; got {variance!r}")


def reverse_kl(schedule: NoiseSchedule, x0: torch.Tensor, x0_pred: torch.Tensor, t: int,
               variance: str = "beta_tilde") -> torch.Tensor:
    """L_{t-1} per element for schedule index ``t >= 1``: KL(q(x_{t-1} | x_t, x_0) || p_theta(x_{t-1} | x_t)).

    Both means are Eq. 7's mu_tilde = c1 x_0 + c2 x_t, the model's at its predicted x_0, so the x_t parts cancel and
    the mean difference is c1 (x_0 - x0_pred) exactly. The posterior variance is beta_tilde_t (Eq. 7)."""
    if not 1 <= t < schedule.timesteps:
        raise ValueError(f"a KL term needs a schedule index in [1, {schedule.timesteps - 1}], got {t}")
    c1, _, var_q, _ = _posterior(schedule, t)
    diff = c1 * (x0.to(torch.float64) - x0_pred.to(torch.float64))
    return gaussian_kl(diff, var_q, torch.zeros((), dtype=torch.float64), model_variance(schedule, t, variance))


def decoder_nll(x0: torch.Tensor, x0_pred: torch.Tensor, schedule: NoiseSchedule, decoder: str = "discretized",
                variance: str = "beta_tilde") -> torch.Tensor:
    """L_0 per element: -log p_theta(x_0 | x_1). At t = 1 Eq. 7's mean is x0_pred itself (c1 = 1, c2 = 0).

    ``discretized``: probability mass of x_0's 8-bit bin (Sec. 3.3). ``gaussian``: the density N(x_0; x0_pred,
    sigma_1^2) for continuous data (2-D points). A density is not a probability: its -log can be negative, so a
    continuous model's bits/dim can be below 0 and is not comparable with the discretized images' numbers."""
    var = model_variance(schedule, 0, variance)
    mean = x0_pred.to(torch.float64)
    if decoder == "discretized":
        return -discretized_gaussian_log_likelihood(x0, mean, var)
    if decoder == "gaussian":
        return -gaussian_log_density(x0.to(torch.float64), mean, var)
    raise ValueError(f"decoder must be one of {', '.join(DECODERS)}; got {decoder!r}")


# ------------------------------------------------------------------ the whole bound
def kl_indices(num_timesteps: int, timesteps: int | Sequence[int] | None) -> list[int]:
    """The KL indices (1..T-1) to evaluate: all for None; K evenly spaced ones for an int K; or the given indices
    (index 0, the decoder, is always evaluated, so a 0 in the list is ignored)."""
    T = int(num_timesteps)
    if timesteps is None:
        return list(range(1, T))
    if isinstance(timesteps, (int, np.integer)) and not isinstance(timesteps, bool):
        if timesteps < 1:
            raise ValueError(f"timesteps must be at least 1, got {timesteps}")
        if T < 2:
            return []
        return sorted({int(v) for v in np.round(np.linspace(1, T - 1, min(int(timesteps), T - 1)))})
    chosen = sorted({int(v) for v in timesteps})
    if chosen and not (0 <= chosen[0] and chosen[-1] < T):
        raise ValueError(f"timesteps must be schedule indices in [0, {T - 1}], got {chosen[0]}..{chosen[-1]}")
    kl = [v for v in chosen if v >= 1]
    if T > 1 and not kl:  # the KL sum would silently count as 0
        raise ValueError(f"timesteps must include at least one KL index in [1, {T - 1}]")
    return kl


def variational_bound(denoiser: Denoiser, schedule: NoiseSchedule, x0: torch.Tensor, *,
                      decoder: str = "discretized", variance: str = "beta_tilde",
                      timesteps: int | Sequence[int] | None = None, generator: torch.Generator | None = None,
                      on_progress: Callable[[int, int], None] | None = None,
                      should_stop: Callable[[], bool] | None = None) -> BoundResult:
    """Estimate Ho et al. 2020's bound (Eq. 5) on -log p(x_0) for the batch ``x0`` (B, ...), in nats per dimension.

    ``denoiser`` is ``(x_t, t_index) -> (x0_pred, eps_pred)`` (engine.samplers.model_denoiser, engine.exact); it is
    called once per evaluated index with the whole batch, x_t drawn from q(x_t | x_0) (Eq. 4) with fresh noise from
    ``generator`` (drawn on the CPU in float64, so a seed fixes the numbers on any device).

    ``timesteps``: None computes every term (the bound itself). A count K or a list of indices computes only those
    KL terms and estimates their sum by equal weights, (T - 1) / K times their sum: cheaper, no longer exact, and
    :attr:`BoundResult.exact` is False. L_T and L_0 are always computed.

    ``on_progress(done, total)`` is called after each denoiser evaluation (total = number of evaluated indices).
    ``should_stop()`` is polled before each; when it answers True the run ends by raising :class:`BoundStopped`.
    """
    if decoder not in DECODERS:
        raise ValueError(f"decoder must be one of {', '.join(DECODERS)}; got {decoder!r}")
    if variance not in VARIANCES:
        raise ValueError(f"variance must be one of {', '.join(VARIANCES)}; got {variance!r}")
    if x0.ndim < 2 or x0.shape[0] < 1:
        raise ValueError(f"x0 must be a batch (B, ...) with B >= 1, got shape {tuple(x0.shape)}")
    T = schedule.timesteps
    indices = [0] + kl_indices(T, timesteps)
    batch = x0.shape[0]
    dims = int(np.prod(x0.shape[1:]))
    per_t = np.full(T, np.nan)
    per_t_stderr = np.full(T, np.nan)
    per_sample_terms = np.zeros((len(indices), batch))

    def per_sample(values: torch.Tensor) -> np.ndarray:  # (B, ...) per element -> (B,) nats per dimension
        return values.reshape(batch, -1).sum(1).cpu().numpy() / dims

    for done, t in enumerate(indices):
        if should_stop is not None and should_stop():
            raise BoundStopped(done, len(indices), per_t.copy())
        noise = torch.randn(x0.shape, generator=generator, dtype=torch.float64).to(device=x0.device, dtype=x0.dtype)
        ab = schedule.alpha_bar[t].item()
        x_t = math.sqrt(ab) * x0 + math.sqrt(1.0 - ab) * noise  # Eq. 4
        with torch.no_grad():
            x0_pred, _ = denoiser(x_t, t)
        if t == 0:
            term = decoder_nll(x0, x0_pred, schedule, decoder, variance)
        else:
            term = reverse_kl(schedule, x0, x0_pred, t, variance)
        values = per_sample(term)
        per_sample_terms[done] = values
        per_t[t] = values.mean()
        per_t_stderr[t] = values.std(ddof=1) / math.sqrt(batch) if batch > 1 else np.nan
        if on_progress is not None:
            on_progress(done + 1, len(indices))

    # equal importance weights: each evaluated KL index stands for (T - 1) / K of the T - 1 KL terms
    kl_weight = (T - 1) / (len(indices) - 1) if len(indices) > 1 else 0.0
    prior = per_sample(prior_kl(schedule, x0))
    totals = prior + per_sample_terms[0] + kl_weight * per_sample_terms[1:].sum(0)
    evaluated = np.zeros(T, dtype=bool)
    evaluated[indices] = True
    return BoundResult(
        per_t_nats=per_t, per_t_stderr=per_t_stderr, prior_nats=float(prior.mean()),
        decoder_nats=float(per_t[0]), kl_nats=float(kl_weight * per_sample_terms[1:].sum(0).mean()),
        total_nats=float(totals.mean()),
        total_stderr=float(totals.std(ddof=1) / math.sqrt(batch)) if batch > 1 else math.nan,
        per_sample_nats=totals, evaluated=evaluated, decoder=decoder, variance=variance)
