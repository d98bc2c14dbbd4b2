"""The one sampling loop every sampler shares, the timesteps it visits, and the model-as-denoiser wrapper.

:func:`sample_loop` receives the descending schedule indices a run visits (as k-diffusion's samplers receive
``sigmas``) and a step function from :mod:`engine.samplers.steps`; it asks a *denoiser* ``(x_t, t) -> (x0_pred,
eps_pred)`` for its predictions, yields a :class:`Frame`, and lets the step move x_t to the next index.

Frames: for a run of K timesteps the loop yields K + 1 frames. Frame ``k < K`` holds the state x_t *entering* step k
(at schedule index t) and the predictions made from it; the last frame (``t == -1``, ``is_final``) holds the finished
sample. ``nfe`` counts model evaluations so far (Heun evaluates twice per step but the last). Randomness is drawn on
the CPU from one ``torch.Generator`` so a seed gives bit-identical results on any device.
"""
from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from engine.config import SAMPLERS, TIMESTEP_SPACINGS
from engine.diffusion import predictions_from_output
from engine.samplers.steps import StepContext, StepFunction, ddim_step, ddpm_step, dpmpp_2m_step, euler_step, heun_step
from engine.schedules import NoiseSchedule

Denoiser = Callable[[torch.Tensor, int], tuple[torch.Tensor, torch.Tensor]]


@dataclass
class Frame:
    step: int  # 0..K; K is the final frame
    t: int  # schedule index of this step, -1 for the final (clean) frame
    x_t: torch.Tensor
    x0_pred: torch.Tensor
    eps_pred: torch.Tensor
    num_steps: int  # K, the number of steps (timesteps visited) in this run
    nfe: int = 0  # model evaluations so far in this run (0 for a frame built outside a sampler)

    @property
    def is_final(self) -> bool:
        return self.t < 0


# ------------------------------------------------------------------ timesteps
def sampling_timesteps(num_train_timesteps: int, steps: int, spacing: str = "trailing") -> list[int]:
    """The descending schedule indices a K-step sampler visits.

    ``trailing`` (default; Lin et al. 2024, Table 2): start at the last index T-1 and step by T/K, so the first step
    starts from pure noise — with ``leading`` (the DDIM paper's 0, T/K, 2T/K ... reversed) the first step starts at
    index T - T/K, a little short of pure noise. ``linspace``: K indices evenly spaced from T-1 to 0, rounded.
    """
    T = int(num_train_timesteps)
    if not 1 <= steps <= T:
        raise ValueError(f"sampling.steps must be in [1, {T}] (the schedule's timesteps), got {steps}")
    if spacing == "trailing":
        raw = np.round(T - np.arange(steps) * (T / steps)).astype(np.int64) - 1
    elif spacing == "leading":
        raw = (np.arange(steps) * (T // steps))[::-1]
    elif spacing == "linspace":
        raw = np.round(np.linspace(T - 1, 0, steps)).astype(np.int64)
    else:
        raise ValueError(f"sampling.timestep_spacing must be one of {', '.join(TIMESTEP_SPACINGS)}; got {spacing!r}")
    unique = sorted({int(v) for v in raw if 0 <= v < T}, reverse=True)
    return unique


# ------------------------------------------------------------------ denoisers
def model_denoiser(model: torch.nn.Module, schedule: NoiseSchedule, prediction: str, *,
                   labels: torch.Tensor | None = None, null_label: int | None = None,
                   guidance_scale: float | torch.Tensor = 1.0, negative_labels: torch.Tensor | None = None) -> Denoiser:
    """Wrap a network as a denoiser. With labels and ``guidance_scale`` s != 1 it applies classifier-free guidance
    (Ho & Salimans 2022, Eq. 6, with s = 1 + w): out = out_uncond + s (out_cond - out_uncond), both halves in one
    batched forward. The combination is linear, so it is exact in any parameterization (eps, x0 or v). Every model
    evaluation of every sampler (Heun's second one too) goes through here, so guidance acts the same in all of them.

    ``negative_labels`` replace the null label in the branch guided *away* from: out = out_neg + s (out_cond -
    out_neg). This is the negative prompt of text-to-image pipelines (diffusers' ``negative_prompt`` is encoded in
    place of the empty prompt of the unconditional branch), so with ``labels`` all null it samples "anything but
    the negative class". s = 1 is still the plain conditional model, whatever the negative. ``guidance_scale`` may
    be a tensor with one s per sample (a guidance sweep in one batch)."""
    per_sample = isinstance(guidance_scale, torch.Tensor)
    guided = labels is not None and null_label is not None and (per_sample or guidance_scale != 1.0)

    @torch.no_grad()
    def denoise(x_t: torch.Tensor, t: int) -> tuple[torch.Tensor, torch.Tensor]:
        tt = torch.full((x_t.shape[0],), t, device=x_t.device, dtype=torch.long)
        if guided:
            away = negative_labels if negative_labels is not None else torch.full_like(labels, null_label)
            out = model(torch.cat([x_t, x_t]), torch.cat([tt, tt]), torch.cat([labels, away]))
            cond, base = out.float().chunk(2)
            s = guidance_scale.to(cond).reshape(-1, *([1] * (cond.ndim - 1))) if per_sample else guidance_scale
            out = base + s * (cond - base)
        elif labels is not None:
            out = model(x_t, tt, labels).float()
        else:
            out = model(x_t, tt).float()
        return predictions_from_output(prediction, schedule, x_t, tt, out)

    return denoise


def _clip(x0: torch.Tensor, eps: torch.Tensor, x_t: torch.Tensor, a: float, s: float,
          clip_x0: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """Optionally clip x0 to the data range [-1, 1] and re-derive eps so both stay consistent with x_t."""
    if not clip_x0:
        return x0, eps
    x0 = x0.clamp(-1.0, 1.0)
    if float(s) > 0:
        eps = (x_t - a * x0) / s
    return x0, eps


def _noise_like(x: torch.Tensor, generator: torch.Generator | None) -> torch.Tensor:
    return torch.randn(x.shape, generator=generator, dtype=torch.float32).to(device=x.device, dtype=x.dtype)


# ------------------------------------------------------------------ the loop
def sample_loop(step: StepFunction, denoiser: Denoiser, schedule: NoiseSchedule, x_T: torch.Tensor,
                timesteps: Sequence[int], *, clip_x0: bool = False,
                generator: torch.Generator | None = None) -> Iterator[Frame]:
    """Run ``step`` over the descending schedule indices ``timesteps`` from x_T, yielding one Frame per timestep
    and a final one. ``clip_x0`` clips every x0 prediction to [-1, 1] (eps re-derived to match)."""
    ts = [int(t) for t in timesteps]
    if not ts or any(b >= a for a, b in itertools.pairwise(ts)) or ts[-1] < 0 or ts[0] >= schedule.timesteps:
        raise ValueError(f"timesteps must be strictly descending indices in [0, {schedule.timesteps - 1}], got {ts}")
    return _frames(step, denoiser, schedule, x_T, ts, clip_x0, generator)


def _frames(step: StepFunction, denoiser: Denoiser, schedule: NoiseSchedule, x_T: torch.Tensor, ts: list[int],
            clip_x0: bool, generator: torch.Generator | None) -> Iterator[Frame]:
    ab = schedule.alpha_bar
    nfe = 0

    def evaluate(x: torch.Tensor, t: int) -> tuple[torch.Tensor, torch.Tensor]:
        nonlocal nfe
        nfe += 1
        ab_t = float(ab[t])
        x0, eps = denoiser(x, t)
        return _clip(x0, eps, x, math.sqrt(ab_t), math.sqrt(1 - ab_t), clip_x0)

    memory: dict = {}
    x = x_T
    eps = torch.zeros_like(x)
    for k, t in enumerate(ts):
        t_next = ts[k + 1] if k + 1 < len(ts) else -1
        x0, eps = evaluate(x, t)
        yield Frame(k, t, x, x0, eps, len(ts), nfe)
        x = step(StepContext(x, x0, eps, t, t_next, float(ab[t]), float(ab[t_next]) if t_next >= 0 else 1.0,
                             evaluate, functools.partial(_noise_like, x, generator), memory))
    yield Frame(len(ts), -1, x, x, eps, len(ts), nfe)


def make_step(sampler: str, *, eta: float = 0.0, variance: str = "beta_tilde") -> StepFunction:
    """The step function called ``sampler`` (one of :data:`SAMPLERS`); ``eta`` applies to DDIM, ``variance`` to DDPM,
    and the other samplers ignore both."""
    if sampler == "ddpm":
        if variance not in ("beta", "beta_tilde"):
            raise ValueError(f"sampling.ddpm_variance must be beta or beta_tilde; got {variance!r}")
        return functools.partial(ddpm_step, variance=variance)
    if sampler == "ddim":
        if not 0.0 <= eta <= 1.0:
            raise ValueError(f"sampling.eta must be in [0, 1], got {eta}")
        return functools.partial(ddim_step, eta=eta)
    steps = {"dpmpp_2m": dpmpp_2m_step, "euler": euler_step, "heun": heun_step}
    if sampler in steps:
        return steps[sampler]
    raise ValueError(f"sampling.sampler must be one of {', '.join(SAMPLERS)}; got {sampler!r}")


def ddpm_sample(denoiser: Denoiser, schedule: NoiseSchedule, x_T: torch.Tensor, *, steps: int | None = None,
                variance: str = "beta_tilde", clip_x0: bool = False, spacing: str = "trailing",
                generator: torch.Generator | None = None) -> Iterator[Frame]:
    """Ancestral DDPM sampling (:func:`~engine.samplers.steps.ddpm_step`) over ``steps`` timesteps (default: all T).
    ``steps < T`` respaces the chain (Nichol & Dhariwal 2021, Sec. 4)."""
    ts = sampling_timesteps(schedule.timesteps, steps or schedule.timesteps, spacing)
    return sample_loop(make_step("ddpm", variance=variance), denoiser, schedule, x_T, ts, clip_x0=clip_x0,
                       generator=generator)


def ddim_sample(denoiser: Denoiser, schedule: NoiseSchedule, x_T: torch.Tensor, *, steps: int = 50,
                eta: float = 0.0, clip_x0: bool = False, spacing: str = "trailing",
                generator: torch.Generator | None = None) -> Iterator[Frame]:
    """DDIM (:func:`~engine.samplers.steps.ddim_step`) over ``steps`` timesteps; see :func:`sampling_timesteps`."""
    ts = sampling_timesteps(schedule.timesteps, steps, spacing)
    return sample_loop(make_step("ddim", eta=eta), denoiser, schedule, x_T, ts, clip_x0=clip_x0, generator=generator)


def run_sampler(denoiser: Denoiser, schedule: NoiseSchedule, shape: Sequence[int], *, sampler: str = "ddim",
                steps: int = 50, eta: float = 0.0, variance: str = "beta_tilde", clip_x0: bool = False,
                spacing: str = "trailing", seed: int = 0, device: torch.device | str = "cpu",
                repeat: int = 1) -> Iterator[Frame]:
    """Draw x_T ~ N(0, I) from ``seed`` (on the CPU, so the draw is device independent) and run ``sampler``.

    ``repeat`` > 1 draws shape[0] / repeat starting points and tiles them, so every block of the batch starts from
    the same x_T (a guidance sweep: one block per scale)."""
    step = make_step(sampler, eta=eta, variance=variance)
    ts = sampling_timesteps(schedule.timesteps, steps, spacing)
    generator = torch.Generator().manual_seed(int(seed))
    x_T = draw_x_T(generator, shape, repeat).to(device)  # = initial_noise(shape, seed, repeat)
    return sample_loop(step, denoiser, schedule, x_T, ts, clip_x0=clip_x0, generator=generator)


def draw_x_T(generator: torch.Generator, shape: Sequence[int], repeat: int = 1) -> torch.Tensor:
    """x_T ~ N(0, I) of ``shape`` from ``generator`` (CPU); ``repeat`` > 1 tiles shape[0] / repeat draws."""
    shape = tuple(shape)
    x_T = torch.randn((shape[0] // repeat, *shape[1:]), generator=generator)
    return x_T.repeat(repeat, *([1] * (len(shape) - 1))) if repeat > 1 else x_T


def initial_noise(shape: Sequence[int], seed: int, repeat: int = 1) -> torch.Tensor:
    """The x_T that :func:`run_sampler` draws from ``seed`` (CPU, float32), without running a sampler: a caller can
    show a run's first frame before its first model evaluation."""
    return draw_x_T(torch.Generator().manual_seed(int(seed)), shape, repeat)


def final_sample(frames: Iterator[Frame]) -> torch.Tensor:
    """Exhaust a sampler and return its finished samples."""
    last = None
    for last in frames:
        pass
    assert last is not None and last.is_final
    return last.x_t
