"""NoiseSchedule: beta_1..beta_T and the per-timestep curves derived from it (alpha_bar, SNR, ...).

Index convention: every tensor has length T and index ``i`` in ``0..T-1`` stands for the paper's timestep
``t = i + 1`` (Ho et al. 2020 number steps 1..T). ``x_0`` (clean data) has no index; helpers that need
``alpha_bar`` "before the first step" use 1.0. Models receive the 0-based index.

All curves are computed once in float64 (``torch.float64``) and cached per (device, dtype) on request, so the
plots, the loss and the samplers read identical numbers. Quantities of a *pair* of timesteps (the DDPM posterior of
a respaced step, DDIM's sigma, DPM-Solver's step size) are computed by the samplers from ``alpha_bar``
(engine/samplers/steps.py), since a sampler that skips timesteps needs them between any two indices.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch

from engine.config import SCHEDULE_KINDS
from engine.errors import ConfigError

if TYPE_CHECKING:
    from engine.config import ScheduleConfig

_MAX_BETA = 0.999  # Nichol & Dhariwal 2021, Sec. 3.2: clip betas to avoid singularities near t = T


@dataclass(frozen=True)
class _Key:
    device: str
    dtype: torch.dtype


class NoiseSchedule:
    """A variance schedule beta_1..beta_T and its derived quantities (Ho et al. 2020, Sec. 2).

    Parameters
    ----------
    kind: ``linear`` | ``cosine`` | ``quadratic`` | ``sigmoid`` | ``scaled_linear``
    timesteps: T >= 1
    beta_start, beta_end: endpoints in (0, 1) for every kind but ``cosine``
    cosine_s: offset s of the cosine schedule (Nichol & Dhariwal 2021, Eq. 17)
    zero_terminal_snr: rescale so that alpha_bar_T = 0 exactly (Lin et al. 2024, Algorithm 1)
    """

    def __init__(self, kind: str = "linear", timesteps: int = 1000, beta_start: float = 1e-4,
                 beta_end: float = 0.02, cosine_s: float = 0.008, zero_terminal_snr: bool = False):
        _validate(kind, timesteps, beta_start, beta_end, cosine_s)
        self.kind = kind
        self.timesteps = int(timesteps)
        self.beta_start = float(beta_start)
        self.beta_end = float(beta_end)
        self.cosine_s = float(cosine_s)
        self.zero_terminal_snr = bool(zero_terminal_snr)

        betas = _make_betas(kind, self.timesteps, self.beta_start, self.beta_end, self.cosine_s)
        if self.zero_terminal_snr:
            betas = _rescale_zero_terminal_snr(betas)
        self.betas = betas
        self.alphas = 1.0 - betas
        self.alpha_bar = torch.cumprod(self.alphas, dim=0)
        self.sqrt_alpha_bar = self.alpha_bar.sqrt()
        self.sqrt_one_minus_alpha_bar = (1.0 - self.alpha_bar).sqrt()
        # SNR(t) = alpha_bar / (1 - alpha_bar) (Kingma et al. 2021); inf at a clean first step never happens since
        # beta_1 > 0, and 0 at T under zero terminal SNR.
        self.snr = self.alpha_bar / (1.0 - self.alpha_bar)
        self.log_snr = torch.log(self.snr)
        self._cache: dict[_Key, dict[str, torch.Tensor]] = {}

    # ---------------------------------------------------------------- construction helpers
    @classmethod
    def from_config(cls, cfg: ScheduleConfig) -> NoiseSchedule:
        return cls(cfg.kind, cfg.timesteps, cfg.beta_start, cfg.beta_end, cfg.cosine_s, cfg.zero_terminal_snr)

    def __len__(self) -> int:
        return self.timesteps

    def __repr__(self) -> str:
        extra = ", zero_terminal_snr=True" if self.zero_terminal_snr else ""
        return (f"NoiseSchedule(kind={self.kind!r}, timesteps={self.timesteps}, beta_start={self.beta_start:g}, "
                f"beta_end={self.beta_end:g}{extra})")

    # ---------------------------------------------------------------- access for models and samplers
    _NAMES = ("betas", "alphas", "alpha_bar", "sqrt_alpha_bar", "sqrt_one_minus_alpha_bar", "snr")

    def on(self, device: torch.device | str = "cpu", dtype: torch.dtype = torch.float32) -> dict[str, torch.Tensor]:
        """All schedule tensors cast to ``dtype`` on ``device`` (cached), for hot loops."""
        key = _Key(str(device), dtype)
        if key not in self._cache:
            self._cache[key] = {name: getattr(self, name).to(device=device, dtype=dtype) for name in self._NAMES}
        return self._cache[key]

    def gather(self, name: str, t: torch.Tensor, ndim: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
        """``name[t]`` shaped (B, 1, 1, ...) to broadcast against a batch of ``ndim`` dimensions."""
        values = self.on(t.device, dtype)[name][t.long()]
        return values.reshape(-1, *([1] * (ndim - 1)))

    def as_numpy(self) -> dict[str, object]:
        """float64 numpy arrays of every curve, for plots and CSV export."""
        out = {name: getattr(self, name).numpy() for name in self._NAMES}
        out["log_snr"] = self.log_snr.numpy()
        return out


def _validate(kind: str, timesteps: int, beta_start: float, beta_end: float, cosine_s: float) -> None:
    if kind not in SCHEDULE_KINDS:
        raise ConfigError("schedule.kind", f"must be one of {', '.join(SCHEDULE_KINDS)}; got {kind!r}")
    if isinstance(timesteps, bool) or not isinstance(timesteps, int) or not 1 <= timesteps <= 100_000:
        raise ConfigError("schedule.timesteps", f"must be an integer in [1, 100000], got {timesteps!r}")
    if kind == "cosine":
        if not (isinstance(cosine_s, (int, float)) and math.isfinite(cosine_s) and 0 < cosine_s <= 1):
            raise ConfigError("schedule.cosine_s", f"must be a number in (0, 1], got {cosine_s!r}")
        return
    for name, value in (("beta_start", beta_start), ("beta_end", beta_end)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not (0 < value < 1):
            raise ConfigError(f"schedule.{name}", f"must be a number in (0, 1), got {value!r}")
    if beta_start > beta_end:
        raise ConfigError("schedule.beta_start",
                          f"must be <= schedule.beta_end ({beta_end:g}) for a {kind} schedule, got {beta_start:g}")


def _make_betas(kind: str, T: int, beta_start: float, beta_end: float, s: float) -> torch.Tensor:
    f64 = torch.float64
    if kind == "linear":
        # Ho et al. 2020, Sec. 4: linear from 1e-4 to 0.02 over T = 1000
        return torch.linspace(beta_start, beta_end, T, dtype=f64)
    if kind == "scaled_linear":
        # linear in sqrt(beta) (Rombach et al. 2022, the Stable Diffusion schedule)
        return torch.linspace(beta_start ** 0.5, beta_end ** 0.5, T, dtype=f64) ** 2
    if kind == "quadratic":
        # beta grows with the square of normalized time: slow start, fast end
        u = torch.linspace(0.0, 1.0, T, dtype=f64)
        return beta_start + (beta_end - beta_start) * u ** 2
    if kind == "sigmoid":
        # a logistic ramp over [-6, 6] (as in GeoDiff, Xu et al. 2022), renormalized so it starts exactly at
        # beta_start and ends exactly at beta_end
        ramp = torch.sigmoid(torch.linspace(-6.0, 6.0, T, dtype=f64))
        ramp = (ramp - ramp[0]) / (ramp[-1] - ramp[0]) if T > 1 else torch.ones(1, dtype=f64)
        return beta_start + (beta_end - beta_start) * ramp
    if kind == "cosine":
        # Nichol & Dhariwal 2021, Eq. 17: alpha_bar(t) = f(t) / f(0), f(t) = cos^2(((t/T) + s) / (1 + s) * pi/2);
        # beta_t = 1 - alpha_bar(t) / alpha_bar(t-1), clipped at 0.999
        steps = torch.arange(T + 1, dtype=f64) / T
        f = torch.cos((steps + s) / (1 + s) * math.pi / 2) ** 2
        alpha_bar = f / f[0]
        betas = 1.0 - alpha_bar[1:] / alpha_bar[:-1]
        return betas.clamp(min=0.0, max=_MAX_BETA)
    raise ConfigError("schedule.kind", f"must be one of {', '.join(SCHEDULE_KINDS)}; got {kind!r}")


def _rescale_zero_terminal_snr(betas: torch.Tensor) -> torch.Tensor:
    """Lin et al. 2024, Algorithm 1: shift and scale sqrt(alpha_bar) so its last value is 0 and its first is kept."""
    sqrt_ab = torch.cumprod(1.0 - betas, dim=0).sqrt()
    first, last = sqrt_ab[0].clone(), sqrt_ab[-1].clone()
    if len(betas) == 1:
        return torch.ones_like(betas)
    sqrt_ab = (sqrt_ab - last) * first / (first - last)
    alpha_bar = sqrt_ab ** 2
    alphas = torch.cat([alpha_bar[:1], alpha_bar[1:] / alpha_bar[:-1]])
    return 1.0 - alphas
