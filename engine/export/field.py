"""The 2-D field as data: the learned and the exact denoiser of a points model on a grid of x_t positions at one
paper timestep, and the one writer of ``field.npz``.

``diffusion-lab field`` and the window's 2-D lab (Export > field arrays) both compute the arrays with
:func:`compute_field` and write them with :func:`write_field_npz`, so the two files have the same keys, shapes and
numbers for the same model, t and grid. The pictures of a field (PNG figure, animation over t) are in
:mod:`engine.export.field_figure`.

Timesteps: ``t`` is the paper's 1..T everywhere here (the engine's schedule index is ``t - 1``).
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.export.files import AtomicExport, check_target
from engine.export.options import ExportCancelled, ExportError, ExportResult

T_CONVENTION = "paper t = 1..T; x_t = sqrt(alpha_bar_t) x_0 + sqrt(1 - alpha_bar_t) eps"
NPZ_KEYS = ("grid", "t", "t_convention", "timesteps", "learned_x0", "exact_x0", "data")


@dataclass(frozen=True)
class FieldArrays:
    """One field: float32 arrays, rows of ``grid`` running x fastest (engine.exact.grid_points)."""

    t: int  # the paper's t, 1..T
    timesteps: int  # T
    step: int  # the model's training step
    extent: float  # the grid covers [-extent, extent]^2
    alpha_bar: float
    grid: np.ndarray  # (n*n, 2) x_t positions
    learned_x0: np.ndarray  # (n*n, 2)
    learned_eps: np.ndarray  # (n*n, 2)
    exact_x0: np.ndarray  # (n*n, 2): the closed-form denoiser of ``data``
    exact_eps: np.ndarray  # (n*n, 2)
    data: np.ndarray  # (M, 2) the training points the exact denoiser used

    @property
    def grid_size(self) -> int:
        return int(round(math.sqrt(len(self.grid))))

    def error(self) -> np.ndarray:
        """|learned x0 - exact x0| per grid point, float64 (n*n,)."""
        return np.linalg.norm(self.learned_x0.astype(np.float64) - self.exact_x0.astype(np.float64), axis=1)


def _f32(x) -> np.ndarray:
    return x.detach().to("cpu").float().numpy()


def _check_args(trainer, ts: Sequence[int], grid_size: int, extent: float) -> None:
    T = trainer.schedule.timesteps
    bad = [int(t) for t in ts if not 1 <= int(t) <= T]
    if bad:
        raise ExportError(f"t must be in [1, {T}] (the paper's t) for this model, got {bad[0]}", code=2)
    if not 2 <= int(grid_size) <= 512:
        raise ExportError(f"grid must be an integer in [2, 512], got {grid_size}", code=2)
    if not 0 < float(extent) <= 100:
        raise ExportError(f"extent must be a number in (0, 100], got {extent}", code=2)
    if trainer.dataset.kind != "points":
        raise ExportError("the field needs a model trained on 2-D points; this one was trained on images")


def field_series(trainer, ts: Sequence[int], grid_size: int = 32, extent: float = 3.0, *, use_ema: bool = True,
                 should_stop: Callable[[], bool] | None = None) -> list[FieldArrays]:
    """The field of ``trainer``'s model (EMA weights unless ``use_ema`` is False) at each paper ``t`` in ``ts``.

    The learned part runs the network in float32 on the trainer's device; the exact part is
    :func:`engine.exact.empirical_denoiser` of the training points in float64 on the CPU. Raises
    :class:`ExportCancelled` when ``should_stop()`` turns True between two timesteps."""
    import torch

    from engine.exact import empirical_denoiser, grid_points

    _check_args(trainer, ts, grid_size, extent)
    grid = grid_points(int(grid_size), float(extent))
    data = trainer.dataset.x.detach().to("cpu", torch.float64)
    learned = trainer.denoiser(use_ema=use_ema)
    exact = empirical_denoiser(data, trainer.schedule)
    grid_f32 = grid.numpy().astype(np.float32)
    data_f32 = data.float().numpy()
    out = []
    for t in ts:
        if should_stop is not None and should_stop():
            raise ExportCancelled("export cancelled")
        index = int(t) - 1  # the engine's 0-based schedule index of the paper's t
        with torch.no_grad():
            learned_x0, learned_eps = learned(grid.to(trainer.device, torch.float32), index)
        exact_x0, exact_eps = exact(grid, index)
        out.append(FieldArrays(
            t=int(t), timesteps=int(trainer.schedule.timesteps), step=int(trainer.step_count), extent=float(extent),
            alpha_bar=float(trainer.schedule.alpha_bar[index]), grid=grid_f32,
            learned_x0=_f32(learned_x0), learned_eps=_f32(learned_eps), exact_x0=_f32(exact_x0),
            exact_eps=_f32(exact_eps), data=data_f32))
    return out


def compute_field(trainer, t: int, grid_size: int = 32, extent: float = 3.0, *, use_ema: bool = True) -> FieldArrays:
    """The field at one paper ``t`` (see :func:`field_series`)."""
    return field_series(trainer, [int(t)], grid_size, extent, use_ema=use_ema)[0]


def write_field_npz(field: FieldArrays, out: str | Path) -> ExportResult:
    """``field.npz``: ``grid`` (n², 2) x_t positions, ``t`` (the paper's, stated in ``t_convention``),
    ``timesteps`` (T), ``learned_x0`` and ``exact_x0`` (n², 2), and ``data`` (M, 2), the training points the exact
    denoiser used. Written atomically: the file appears complete or not at all."""
    started = time.monotonic()
    out = check_target(out, [".npz"])
    with AtomicExport(out, ".tmp.npz") as tmp:
        with open(tmp, "wb") as fh:
            np.savez(fh, grid=field.grid.astype(np.float32), t=np.int64(field.t), t_convention=np.str_(T_CONVENTION),
                     timesteps=np.int64(field.timesteps), learned_x0=field.learned_x0.astype(np.float32),
                     exact_x0=field.exact_x0.astype(np.float32), data=field.data.astype(np.float32))
    return ExportResult(out, "npz", (0, 0), bytes=out.stat().st_size, seconds=time.monotonic() - started)


def noised_points(field: FieldArrays, count: int = 800, seed: int = 7) -> np.ndarray:
    """Up to ``count`` training points noised to the field's t (one fixed draw: moving t moves the same points),
    float64 (k, 2); Ho et al. 2020, Eq. 4."""
    rng = np.random.default_rng(seed)
    data = field.data.astype(np.float64)
    shown = data[rng.permutation(len(data))[:count]]
    noise = rng.standard_normal(shown.shape)
    return math.sqrt(field.alpha_bar) * shown + math.sqrt(1.0 - field.alpha_bar) * noise
