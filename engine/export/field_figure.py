"""Pictures of a 2-D field (:class:`engine.export.field.FieldArrays`): what the 2-D lab's field view shows, as a
PNG figure or an animation over t.

A figure is two square panels side by side and a caption band:

* left, the training points noised to t (grey) with the learned field as arrows (blue) and, optionally, the exact
  field over them (orange); arrows are x̂0 − x_t or the score −ε̂/σ_t, scaled together so the longest is one grid
  cell, like the window's view;
* right, the error heatmap |learned x̂0 − exact x̂0| over the plane (dark = small), with its colour bar;
* the caption: t, the training step and the mean error.

Pure numpy + Pillow; nothing here touches Qt. Frame k of an animation shows the field at the paper's
``result.frame_indices[k]``.
"""
from __future__ import annotations

import math
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from engine.export.field import FieldArrays, noised_points
from engine.export.files import check_target, write_png
from engine.export.frames import frame_durations
from engine.export.options import Cancel, ExportError, ExportResult, Progress, animation_format
from engine.export.render import LazyFrames, caption_band, caption_colors, hstack_panels
from engine.export.writers import write_animation

FIELD_MODES = ("x0", "score")
LEARNED_RGB = (40, 110, 200)
EXACT_RGB = (255, 140, 40)
NOISED_RGB = (175, 175, 175)
# inferno, sampled at 0, 0.25, 0.5, 0.75, 1 (matplotlib's values): small errors dark, large ones bright
_INFERNO = np.array([(0, 0, 4), (87, 16, 110), (188, 55, 84), (249, 142, 9), (252, 255, 164)], dtype=np.float64)
COLORBAR_PX = 14


def field_vectors(field: FieldArrays, mode: str, exact: bool = False) -> np.ndarray:
    """Arrow vectors (n*n, 2) float64: x̂0 − x_t, or the score −ε̂ / sqrt(1 − alpha_bar_t) (Tweedie)."""
    x0, eps = (field.exact_x0, field.exact_eps) if exact else (field.learned_x0, field.learned_eps)
    if mode == "x0":
        return x0.astype(np.float64) - field.grid.astype(np.float64)
    if mode == "score":
        return -eps.astype(np.float64) / math.sqrt(max(1.0 - field.alpha_bar, 1e-300))
    raise ExportError(f"field mode must be one of {', '.join(FIELD_MODES)}, got {mode!r}", code=2)


def colormap(values: np.ndarray, vmax: float) -> np.ndarray:
    """``values`` in [0, vmax] -> uint8 RGB through the inferno anchors (linear between them)."""
    x = np.clip(np.asarray(values, np.float64) / (vmax if vmax > 0 else 1.0), 0.0, 1.0)
    anchors = np.linspace(0.0, 1.0, len(_INFERNO))
    return np.stack([np.interp(x, anchors, _INFERNO[:, c]) for c in range(3)], axis=-1).round().astype(np.uint8)


def _to_pixels(points: np.ndarray, size: int, extent: float) -> np.ndarray:
    u = (points[..., 0] + extent) / (2 * extent) * size
    v = (extent - points[..., 1]) / (2 * extent) * size  # y up
    return np.stack([u, v], axis=-1)


def _draw_arrows(draw, starts: np.ndarray, ends: np.ndarray, color: tuple[int, int, int], width: int) -> None:
    for (x0, y0), (x1, y1) in zip(starts, ends):
        if not (math.isfinite(x1) and math.isfinite(y1)):
            continue
        draw.line([(x0, y0), (x1, y1)], fill=color, width=width)
        dx, dy = x1 - x0, y1 - y0
        length = math.hypot(dx, dy)
        if length < 2.0:
            continue
        head = min(5.0, 0.35 * length)
        ux, uy = dx / length, dy / length
        left = (x1 - head * (ux - 0.5 * uy), y1 - head * (uy + 0.5 * ux))
        right = (x1 - head * (ux + 0.5 * uy), y1 - head * (uy - 0.5 * ux))
        draw.polygon([(x1, y1), left, right], fill=color)


def field_panel(field: FieldArrays, mode: str = "x0", show_exact: bool = True, size: int = 480,
                background: tuple[int, int, int] = (255, 255, 255)) -> np.ndarray:
    """The noised data and the arrows, ``size`` x ``size`` RGB (the plane [-extent, extent]^2, a half cell more)."""
    from PIL import Image, ImageDraw

    n = field.grid_size
    cell = 2 * field.extent / max(n - 1, 1)
    span = field.extent + cell / 2
    img = Image.new("RGB", (size, size), tuple(background))
    draw = ImageDraw.Draw(img)
    for x, y in _to_pixels(noised_points(field), size, span):
        draw.ellipse([x - 1.5, y - 1.5, x + 1.5, y + 1.5], fill=NOISED_RGB)
    learned = field_vectors(field, mode)
    vectors = [learned] + ([field_vectors(field, mode, exact=True)] if show_exact else [])
    longest = max(float(np.nanmax(np.linalg.norm(v, axis=1), initial=0.0)) for v in vectors)
    scale = 0.9 * cell / longest if longest > 0 and math.isfinite(longest) else 1.0
    grid = field.grid.astype(np.float64)
    starts = _to_pixels(grid, size, span)
    _draw_arrows(draw, starts, _to_pixels(grid + scale * learned, size, span), LEARNED_RGB, 2)
    if show_exact:
        _draw_arrows(draw, starts, _to_pixels(grid + scale * vectors[1], size, span), EXACT_RGB, 1)
    return np.asarray(img)


def heatmap_panel(field: FieldArrays, size: int = 480, vmax: float | None = None,
                  background: tuple[int, int, int] = (255, 255, 255)) -> np.ndarray:
    """|learned x̂0 − exact x̂0| on the grid as a ``size`` x ``size`` image (grid cell -> block of pixels, y up)
    and a colour bar from 0 (bottom) to ``vmax`` (top; default the largest error) along its right edge."""
    n = field.grid_size
    error = field.error().reshape(n, n)  # row iy, column ix: the grid point (-extent + ix h, -extent + iy h)
    top = float(vmax) if vmax is not None else float(np.nanmax(error, initial=0.0))
    rgb = colormap(error[::-1], top)  # image rows run downwards, y upwards
    cells = np.minimum((np.arange(size) * n) // size, n - 1)
    img = rgb[cells][:, cells]
    bar = colormap(np.linspace(top, 0.0, size)[:, None].repeat(COLORBAR_PX, axis=1), top)
    gap = np.empty((size, 4, 3), np.uint8)
    gap[:] = background
    return np.concatenate([img, gap, bar], axis=1)


def render_field_figure(field: FieldArrays, mode: str = "x0", show_exact: bool = True, heatmap: bool = True,
                        size: int = 480, vmax: float | None = None,
                        background: tuple[int, int, int] = (255, 255, 255)) -> np.ndarray:
    """The whole figure as uint8 RGB (H, W, 3): field panel, heatmap panel (when ``heatmap``), caption."""
    panels = [field_panel(field, mode, show_exact, size, background)]
    if heatmap:
        panels.append(heatmap_panel(field, size, vmax, background))
    picture = hstack_panels(panels, 12, background)
    arrows = "x0_pred - x_t" if mode == "x0" else "score -eps/sigma_t"
    caption = (f"t = {field.t} / {field.timesteps} · step {field.step:,} · arrows: {arrows} "
               f"(blue learned{', orange exact' if show_exact else ''})")
    if heatmap:
        top = float(vmax) if vmax is not None else float(field.error().max(initial=0.0))
        caption += f" · heatmap |learned - exact| x0, 0..{top:.3g}, mean {field.error().mean():.4f}"
    return np.concatenate([picture, caption_band(caption, picture.shape[1], background, size=13)], axis=0)


def export_field_png(field: FieldArrays, out: str | Path, *, mode: str = "x0", show_exact: bool = True,
                     heatmap: bool = True, size: int = 480,
                     background: tuple[int, int, int] = (255, 255, 255)) -> ExportResult:
    """The figure of one field as a PNG."""
    started = time.monotonic()
    out = check_target(out, [".png"])
    field_vectors(field, mode)  # an unknown mode fails before anything is drawn
    return write_png(render_field_figure(field, mode, show_exact, heatmap, size, None, background), out, started)


def export_field_animation(fields: Sequence[FieldArrays], out: str | Path, *, mode: str = "x0",
                           show_exact: bool = True, heatmap: bool = True, size: int = 320, fps: float = 8.0,
                           hold_final_s: float = 1.0, background: tuple[int, int, int] = (255, 255, 255),
                           progress: Progress | None = None, cancel: Cancel | None = None) -> ExportResult:
    """The field over t, one frame per field in the given order (GIF, WebP, APNG or MP4 from the extension). The
    heatmap keeps one colour scale (the largest error of the clip) so frames compare; every caption differs, so
    no two frames merge and frame k of the file shows t = ``result.frame_indices[k]``."""
    if not fields:
        raise ExportError("nothing to export: no fields")
    fmt = animation_format(out, None)
    check_target(out)
    field_vectors(fields[0], mode)
    vmax = max(float(f.error().max(initial=0.0)) for f in fields)
    frames = LazyFrames(len(fields), lambda k: render_field_figure(fields[k], mode, show_exact, heatmap, size, vmax,
                                                                   background))
    durations = frame_durations(len(fields), fps, None, hold_final_s, 10 if fmt == "gif" else 1)
    keys = [tuple(background)] + caption_colors(tuple(background)) + [LEARNED_RGB, EXACT_RGB, NOISED_RGB]
    return write_animation(frames, durations, out, fmt, key_colors=keys, background=tuple(background), fps=fps,
                           source_indices=[int(f.t) for f in fields], progress=progress, cancel=cancel)
