"""Reverse-process samplers as generators that yield one :class:`Frame` per step, and a compact recorder.

Every sampler has the same shape (k-diffusion's idea): a short loop over descending schedule indices that asks a
*denoiser* ``(x_t, t) -> (x0_pred, eps_pred)`` for its predictions and then takes one step. The GUI, the recorder and
the exporter only ever see Frames, so none of them special-cases a sampler.

Frames: for a run of K model steps the generator yields K + 1 frames. Frame ``k < K`` holds the state x_t *entering*
step k (at schedule index t) and the predictions made from it; the last frame (``t == -1``, ``is_final``) holds the
finished sample. Randomness is drawn on the CPU from one ``torch.Generator`` so a seed gives bit-identical results.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Sequence

import numpy as np
import torch

from engine.diffusion import output_from_predictions, predictions_from_output
from engine.schedules import NoiseSchedule

SAMPLERS = ("ddpm", "ddim")
TIMESTEP_SPACINGS = ("trailing", "leading", "linspace")
EPS_DISPLAY_RANGE = 3.0  # recorded eps is stored as uint8 over [-3, 3] (three standard deviations)

Denoiser = Callable[[torch.Tensor, int], tuple[torch.Tensor, torch.Tensor]]


@dataclass
class Frame:
    step: int  # 0..K; K is the final frame
    t: int  # schedule index of this step, -1 for the final (clean) frame
    x_t: torch.Tensor
    x0_pred: torch.Tensor
    eps_pred: torch.Tensor
    num_steps: int  # K, the number of model evaluations in this run

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
                   guidance_scale: float = 1.0) -> Denoiser:
    """Wrap a network as a denoiser. With labels and ``guidance_scale != 1`` it applies classifier-free guidance
    (Ho & Salimans 2022, Eq. 6): out = out_uncond + w (out_cond - out_uncond), both halves in one batched forward.
    The combination is linear, so it is exact in any parameterization (eps, x0 or v)."""
    guided = labels is not None and null_label is not None and guidance_scale != 1.0

    @torch.no_grad()
    def denoise(x_t: torch.Tensor, t: int) -> tuple[torch.Tensor, torch.Tensor]:
        tt = torch.full((x_t.shape[0],), t, device=x_t.device, dtype=torch.long)
        if guided:
            nulls = torch.full_like(labels, null_label)
            out = model(torch.cat([x_t, x_t]), torch.cat([tt, tt]), torch.cat([labels, nulls]))
            cond, uncond = out.float().chunk(2)
            out = uncond + guidance_scale * (cond - uncond)
        elif labels is not None:
            out = model(x_t, tt, labels).float()
        else:
            out = model(x_t, tt).float()
        return predictions_from_output(prediction, schedule, x_t, tt, out)

    return denoise


def _clip(x0: torch.Tensor, eps: torch.Tensor, x_t: torch.Tensor, a: torch.Tensor, s: torch.Tensor,
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


# ------------------------------------------------------------------ samplers
def ddpm_sample(denoiser: Denoiser, schedule: NoiseSchedule, x_T: torch.Tensor, *, steps: int | None = None,
                variance: str = "beta_tilde", clip_x0: bool = False, spacing: str = "trailing",
                generator: torch.Generator | None = None) -> Iterator[Frame]:
    """Ancestral sampling, Ho et al. 2020 Algorithm 2, written through the posterior of Eq. 6-7:
    x_{t-1} = mu_tilde(x_t, x0_pred) + sigma_t z, with sigma_t^2 = beta_t or beta_tilde_t (Sec. 3.2; both are
    "optimal" for different data, as the paper notes). With eps-prediction and no clipping, mu_tilde equals
    Algorithm 2's 1/sqrt(alpha_t) (x_t - beta_t / sqrt(1 - alpha_bar_t) eps).

    ``steps < T`` respaces the chain (Nichol & Dhariwal 2021, Sec. 4): beta'_t = 1 - alpha_bar_t / alpha_bar_t'.
    """
    if variance not in ("beta", "beta_tilde"):
        raise ValueError(f"sampling.ddpm_variance must be beta or beta_tilde; got {variance!r}")
    ts = sampling_timesteps(schedule.timesteps, steps or schedule.timesteps, spacing)
    ab = schedule.alpha_bar
    x = x_T
    eps = torch.zeros_like(x)
    for k, t in enumerate(ts):
        t_prev = ts[k + 1] if k + 1 < len(ts) else -1
        ab_t = float(ab[t])
        ab_prev = float(ab[t_prev]) if t_prev >= 0 else 1.0
        x0, eps = denoiser(x, t)
        x0, eps = _clip(x0, eps, x, math.sqrt(ab_t), math.sqrt(1 - ab_t), clip_x0)
        yield Frame(k, t, x, x0, eps, len(ts))
        beta = 1.0 - ab_t / ab_prev
        # posterior mean coefficients of Ho et al. Eq. 7 for the (possibly respaced) step t -> t_prev
        coef_x0 = beta * math.sqrt(ab_prev) / (1.0 - ab_t)
        coef_xt = (1.0 - ab_prev) * math.sqrt(1.0 - beta) / (1.0 - ab_t)
        mean = coef_x0 * x0 + coef_xt * x
        if t_prev >= 0:
            var = beta if variance == "beta" else beta * (1.0 - ab_prev) / (1.0 - ab_t)
            x = mean + math.sqrt(var) * _noise_like(x, generator)
        else:
            x = mean
    yield Frame(len(ts), -1, x, x, eps, len(ts))


def ddim_sample(denoiser: Denoiser, schedule: NoiseSchedule, x_T: torch.Tensor, *, steps: int = 50,
                eta: float = 0.0, clip_x0: bool = False, spacing: str = "trailing",
                generator: torch.Generator | None = None) -> Iterator[Frame]:
    """DDIM, Song et al. 2021 Eq. 12:
    x_{t-1} = sqrt(ab_{t-1}) x0_pred + sqrt(1 - ab_{t-1} - sigma_t^2) eps_pred + sigma_t z,
    sigma_t = eta sqrt((1 - ab_{t-1}) / (1 - ab_t)) sqrt(1 - ab_t / ab_{t-1})  (Eq. 16).
    eta = 0 is deterministic; eta = 1 matches DDPM's beta_tilde variance. Timestep spacing: see
    :func:`sampling_timesteps`."""
    if not 0.0 <= eta <= 1.0:
        raise ValueError(f"sampling.eta must be in [0, 1], got {eta}")
    ts = sampling_timesteps(schedule.timesteps, steps, spacing)
    ab = schedule.alpha_bar
    x = x_T
    eps = torch.zeros_like(x)
    for k, t in enumerate(ts):
        t_prev = ts[k + 1] if k + 1 < len(ts) else -1
        ab_t = float(ab[t])
        ab_prev = float(ab[t_prev]) if t_prev >= 0 else 1.0
        x0, eps = denoiser(x, t)
        x0, eps = _clip(x0, eps, x, math.sqrt(ab_t), math.sqrt(1 - ab_t), clip_x0)
        yield Frame(k, t, x, x0, eps, len(ts))
        sigma = eta * math.sqrt((1 - ab_prev) / (1 - ab_t) * (1 - ab_t / ab_prev)) if t_prev >= 0 else 0.0
        direction = math.sqrt(max(1.0 - ab_prev - sigma ** 2, 0.0))
        x = math.sqrt(ab_prev) * x0 + direction * eps
        if sigma > 0:
            x = x + sigma * _noise_like(x, generator)
    yield Frame(len(ts), -1, x, x, eps, len(ts))


def run_sampler(denoiser: Denoiser, schedule: NoiseSchedule, shape: Sequence[int], *, sampler: str = "ddim",
                steps: int = 50, eta: float = 0.0, variance: str = "beta_tilde", clip_x0: bool = False,
                spacing: str = "trailing", seed: int = 0,
                device: torch.device | str = "cpu") -> Iterator[Frame]:
    """Draw x_T ~ N(0, I) from ``seed`` (on the CPU, so the draw is device independent) and run ``sampler``."""
    generator = torch.Generator().manual_seed(int(seed))
    x_T = torch.randn(tuple(shape), generator=generator).to(device)
    if sampler == "ddpm":
        return ddpm_sample(denoiser, schedule, x_T, steps=steps, variance=variance, clip_x0=clip_x0,
                           spacing=spacing, generator=generator)
    if sampler == "ddim":
        return ddim_sample(denoiser, schedule, x_T, steps=steps, eta=eta, clip_x0=clip_x0, spacing=spacing,
                           generator=generator)
    raise ValueError(f"sampling.sampler must be one of {', '.join(SAMPLERS)}; got {sampler!r}")


def final_sample(frames: Iterator[Frame]) -> torch.Tensor:
    """Exhaust a sampler and return its finished samples."""
    last = None
    for last in frames:
        pass
    assert last is not None and last.is_final
    return last.x_t


# ------------------------------------------------------------------ recorder
class RecordingStopped(Exception):
    """Raised by :func:`record` when ``should_stop()`` turned true; ``trajectory`` holds the frames kept so far."""

    def __init__(self, trajectory: "Trajectory | None", step: int):
        super().__init__(f"sampling stopped at step {step}")
        self.trajectory = trajectory
        self.step = step


def record(frames: Iterator[Frame], kind: str, on_frame: Callable[[Frame], None] | None = None,
           should_stop: Callable[[], bool] | None = None, max_bytes: int = 96 * 2**20) -> "Trajectory":
    """Run a sampler to the end and keep every frame in a :class:`Trajectory` (the one recorder the CLI, the worker,
    export and bench use). ``kind`` is ``"images"`` or ``"points"``. ``on_frame`` sees each frame after it is
    recorded (progress, live previews); ``should_stop`` is polled after each frame and, when true, ends the run with
    :class:`RecordingStopped`."""
    trajectory: Trajectory | None = None
    for frame in frames:
        if trajectory is None:
            trajectory = Trajectory(frame.num_steps, tuple(frame.x_t.shape), kind, max_bytes=max_bytes)
        trajectory.record(frame)
        if on_frame is not None:
            on_frame(frame)
        if should_stop is not None and not frame.is_final and should_stop():
            raise RecordingStopped(trajectory, frame.step)
    if trajectory is None:
        raise ValueError("the sampler yielded no frames")
    return trajectory


@dataclass
class RecordedFrame:
    step: int
    t: int
    x_t: np.ndarray  # images: uint8 (N, H, W, C) over [-1, 1]; points: float32 (N, 2)
    x0_pred: np.ndarray
    eps_pred: np.ndarray  # images: uint8 over [-EPS_DISPLAY_RANGE, EPS_DISPLAY_RANGE]


class Trajectory:
    """Keeps a whole sampling run compactly so the timeline can scrub it without recomputing.

    Images are stored as uint8 (x_t and x0_pred over [-1, 1], eps_pred over [-3, 3]); points as float32. When the
    full run would exceed ``max_bytes`` the recorder keeps every ``stride``-th frame (chosen up front from the run's
    size) plus the final one, so e.g. DDPM-1000 of 64 RGB 32x32 images stays under 100 MB. ``final`` always keeps
    the finished samples at full float32 precision.
    """

    def __init__(self, num_steps: int, sample_shape: Sequence[int], kind: str, max_bytes: int = 96 * 2**20):
        if kind not in ("images", "points"):
            raise ValueError(f"kind must be images or points, got {kind!r}")
        self.kind = kind
        self.num_steps = int(num_steps)
        self.sample_shape = tuple(int(v) for v in sample_shape)
        per_array = int(np.prod(self.sample_shape)) * (1 if kind == "images" else 4)
        self.bytes_per_frame = 3 * per_array
        total = (self.num_steps + 1) * self.bytes_per_frame
        self.stride = max(1, math.ceil(total / max_bytes))
        self.steps: list[int] = []
        self.timesteps: list[int] = []
        self._x_t: list[np.ndarray] = []
        self._x0: list[np.ndarray] = []
        self._eps: list[np.ndarray] = []
        self.final: np.ndarray | None = None

    def record(self, frame: Frame) -> bool:
        """Store ``frame`` if the stride keeps it; returns whether it was kept."""
        if frame.is_final:
            self.final = frame.x_t.detach().float().cpu().numpy()
        elif frame.step % self.stride:
            return False
        self.steps.append(frame.step)
        self.timesteps.append(frame.t)
        self._x_t.append(self._encode(frame.x_t, 1.0))
        self._x0.append(self._encode(frame.x0_pred, 1.0))
        self._eps.append(self._encode(frame.eps_pred, EPS_DISPLAY_RANGE))
        return True

    def _encode(self, x: torch.Tensor, scale: float) -> np.ndarray:
        arr = x.detach().float().cpu()
        if self.kind == "points":
            return arr.numpy().astype(np.float32, copy=True)
        from engine.imaging import to_uint8

        return to_uint8(arr / scale)

    def __len__(self) -> int:
        return len(self.steps)

    def frame(self, index: int) -> RecordedFrame:
        return RecordedFrame(self.steps[index], self.timesteps[index], self._x_t[index], self._x0[index],
                             self._eps[index])

    def index_of_step(self, step: int) -> int:
        """The recorded frame nearest to sampler step ``step`` (exact when no frames were thinned)."""
        return int(np.argmin(np.abs(np.asarray(self.steps) - step)))

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for arrays in (self._x_t, self._x0, self._eps) for a in arrays) + (
            self.final.nbytes if self.final is not None else 0)

    def stacked(self, which: str = "x_t") -> np.ndarray:
        """All recorded frames of one view as one array (F, ...)."""
        source = {"x_t": self._x_t, "x0_pred": self._x0, "eps_pred": self._eps}[which]
        return np.stack(source)

    # ---- persistence without pickle: a plain .npz of numeric arrays
    def save(self, path: str | Path) -> None:
        from engine.atomic import atomic_path

        with atomic_path(path, suffix=".tmp.npz") as tmp:
            np.savez(tmp, steps=np.asarray(self.steps), timesteps=np.asarray(self.timesteps),
                     x_t=self.stacked("x_t"), x0_pred=self.stacked("x0_pred"), eps_pred=self.stacked("eps_pred"),
                     final=self.final if self.final is not None else np.zeros(0, np.float32),
                     meta=np.asarray([self.num_steps, self.stride, 1 if self.kind == "images" else 0]))

    @classmethod
    def load(cls, path: str | Path) -> "Trajectory":
        with np.load(path, allow_pickle=False) as data:
            num_steps, stride, is_images = (int(v) for v in data["meta"])
            final = data["final"]
            traj = cls.__new__(cls)
            traj.kind = "images" if is_images else "points"
            traj.num_steps, traj.stride = num_steps, stride
            traj.sample_shape = tuple(final.shape)
            traj.bytes_per_frame = 0
            traj.steps = [int(v) for v in data["steps"]]
            traj.timesteps = [int(v) for v in data["timesteps"]]
            traj._x_t = list(data["x_t"])
            traj._x0 = list(data["x0_pred"])
            traj._eps = list(data["eps_pred"])
            traj.final = final if final.size else None
        return traj
