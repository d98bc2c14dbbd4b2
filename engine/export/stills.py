"""Still figures: a PNG grid of samples (what ``diffusion-lab sample --out x.png`` and ``export --what grid`` both
write) and a PNG strip of the forward or reverse process at chosen paper timesteps."""
from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from engine.export.files import check_target, write_png
from engine.export.frames import paper_t, strip_positions
from engine.export.options import AnimationOptions, ExportError, ExportResult, parse_color
from engine.export.render import (
    as_float_tensor,
    hstack_panels,
    image_panel,
    image_scale,
    label_row,
    pick_sample,
    samples_kind,
    scatter_trails_image,
    upscale,
)


def render_grid(samples, *, nrow: int | None = None, padding: int = 2,
                background: tuple[int, int, int] = (255, 255, 255), scale: int = 0, plot_size: int = 512,
                extent: float = 4.0) -> np.ndarray:
    """Samples as one RGB picture: an image grid (upscaled nearest-neighbour when small) or a 2-D scatter."""
    from engine.plotting import point_colors

    background = parse_color(background)
    kind, arr = samples_kind(samples)
    if kind == "points":
        return scatter_trails_image(arr, None, plot_size, extent, point_colors(arr), background)
    factor = image_scale(len(arr), arr.shape[1], arr.shape[2], nrow, scale, target=512)
    return image_panel(arr, nrow, padding, background, factor)


def export_grid_png(samples, out: str | Path, *, nrow: int | None = None, padding: int = 2,
                    background: Any = (255, 255, 255), scale: int = 0, plot_size: int = 512,
                    extent: float = 4.0) -> ExportResult:
    """A PNG of samples (float ``(N, C, H, W)`` in [-1, 1], uint8 ``(N, H, W, C)``, or points ``(N, 2)``)."""
    started = time.monotonic()
    out = check_target(out, [".png"])
    img = render_grid(samples, nrow=nrow, padding=padding, background=background, scale=scale,
                      plot_size=plot_size, extent=extent)
    return write_png(img, out, started)


def export_strip_png(out: str | Path, *, trajectory=None, x0=None, schedule=None, noise=None, seed: int = 0,
                     ts: Sequence[int] | None = None, count: int = 8, view: str = "x_t", sample: int | None = 0,
                     nrow: int | None = None, padding: int = 2, background: Any = (255, 255, 255), scale: int = 0,
                     labels: bool = True, plot_size: int = 256, extent: float = 4.0) -> ExportResult:
    """A PNG strip of the process at chosen t (paper timesteps, 0 = clean), left to right, labelled "t = ...".

    Reverse: give ``trajectory`` (the recorded frames nearest to each t; ``view`` x_t or x0_pred; ``sample``
    index or None for the grid). Forward: give ``x0`` (images ``(N, C, H, W)`` or points ``(N, 2)``) and
    ``schedule`` (plus optional ``noise`` / ``seed``); default t: ``count`` values evenly spaced in 0..T.
    """
    import torch

    from engine.diffusion import q_sample
    from engine.imaging import to_uint8
    from engine.plotting import point_colors

    started = time.monotonic()
    out = check_target(out, [".png"])
    background = parse_color(background)
    if view not in ("x_t", "x0_pred"):
        raise ExportError(f"view: a strip shows x_t or x0_pred, got {view!r}", code=2)
    AnimationOptions(padding=padding, scale=scale, sample=sample, nrow=nrow).validate()  # range checks
    states: list[np.ndarray] = []  # uint8 images (N, H, W, C) or float points (N, 2), one per panel
    names: list[str] = []
    colors = None
    if trajectory is not None:
        points = trajectory.kind == "points"
        if points:
            ref = trajectory.final if trajectory.final is not None else trajectory.frame(len(trajectory) - 1).x_t
            colors = point_colors(np.asarray(ref).reshape(-1, 2))
        for i in strip_positions(trajectory, ts, count):
            f = trajectory.frame(i)
            states.append(getattr(f, view))
            names.append(f"t = {paper_t(f.t)}")
    elif x0 is not None and schedule is not None:
        x = as_float_tensor(x0)
        points = x.ndim == 2 and x.shape[1] == 2
        if not points and x.ndim == 3:
            x = x[None]
        T = schedule.timesteps
        steps = list(ts) if ts else [int(round(v)) for v in np.linspace(0, T, max(2, count))]
        bad = [t for t in steps if not 0 <= int(t) <= T]
        if bad:
            raise ExportError(f"t: values must be in [0, {T}] (0 = clean data), got {bad[0]}", code=2)
        eps = as_float_tensor(noise).reshape(x.shape) if noise is not None else torch.randn(
            x.shape, generator=torch.Generator().manual_seed(int(seed)))
        colors = point_colors(x.numpy()) if points else None
        for t in steps:
            xt = x if int(t) == 0 else q_sample(schedule, x, torch.tensor(int(t) - 1), eps)
            states.append(xt.numpy() if points else to_uint8(xt))
            names.append(f"t = {int(t)}")
    else:
        raise ExportError("strip: give a trajectory (reverse) or x0 and a schedule (forward)", code=2)
    if points:
        factor = max(1, scale)
        panels = [upscale(scatter_trails_image(p, None, plot_size, extent, colors, background), factor)
                  for p in states]
    else:
        n, h, w = pick_sample(states[0], sample).shape[:3]
        factor = image_scale(n, h, w, nrow, scale, target=160)
        panels = [image_panel(pick_sample(p, sample), nrow, padding, background, factor) for p in states]
    gap = max(8, 2 * padding)
    strip = hstack_panels(panels, gap, background)
    if labels:
        centers, x_left = [], 0
        for p in panels:
            centers.append(x_left + p.shape[1] // 2)
            x_left += p.shape[1] + gap
        size = int(min(18, max(11, panels[0].shape[1] // 8)))
        strip = np.concatenate([strip, label_row(names, centers, strip.shape[1], background, size)], axis=0)
    return write_png(strip, out, started)
