"""The training loss curve as a picture (Pillow) or an SVG document, without Qt."""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from engine.export.files import AtomicExport, check_target, write_png
from engine.export.options import ExportError, ExportResult, parse_color
from engine.export.render import default_font, text_color


def _smooth(values: np.ndarray, window: int) -> np.ndarray:
    """A bias-corrected exponential moving average (what the loss plot shows as the thick line)."""
    alpha = 2.0 / (max(1, window) + 1)
    out = np.empty_like(values)
    acc, norm = 0.0, 0.0
    for i, v in enumerate(values):
        acc = (1 - alpha) * acc + alpha * v
        norm = (1 - alpha) * norm + alpha
        out[i] = acc / norm
    return out


def _nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    if not hi > lo:
        return [lo]
    raw = (hi - lo) / max(1, n)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step) * step
    return [first + i * step for i in range(int((hi - first) / step + 1e-9) + 1)]


def _fmt_tick(v: float) -> str:
    return f"{v:.4g}" if abs(v) < 1e5 else f"{v:.2e}"


@dataclass
class _LossGeometry:
    steps: np.ndarray
    loss: np.ndarray
    smooth: np.ndarray
    log: bool
    xticks: list[float]
    yticks: list[float]
    box: tuple[int, int, int, int]  # left, top, right, bottom
    xr: tuple[float, float]
    yr: tuple[float, float]

    def to_px(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        l, t, r, b = self.box
        yy = np.log10(np.maximum(y, 1e-12)) if self.log else y
        u = l + (x - self.xr[0]) / max(1e-12, self.xr[1] - self.xr[0]) * (r - l)
        v = b - (yy - self.yr[0]) / max(1e-12, self.yr[1] - self.yr[0]) * (b - t)
        return np.stack([u, v], axis=-1)


def _loss_geometry(history, width: int, height: int) -> _LossGeometry:
    steps = np.asarray(history.step, np.float64)
    loss = np.asarray(history.loss, np.float64)
    ok = np.isfinite(loss)
    steps, loss = steps[ok], loss[ok]
    if len(loss) == 0:
        raise ExportError("nothing to export: the loss history is empty (train first)")
    smooth = _smooth(loss, max(5, len(loss) // 50))
    positive = bool((loss > 0).all())
    log = positive and loss.max() / max(loss.min(), 1e-12) > 20
    yvals = np.log10(loss) if log else loss
    lo, hi = float(np.percentile(yvals, 0.5)), float(yvals.max())
    if log:
        lo, hi = math.floor(lo * 4) / 4, math.ceil(hi * 4) / 4
    if hi - lo < 1e-9:
        lo, hi = lo - 0.5, hi + 0.5
    pad = 0.04 * (hi - lo)
    yr = (lo - (0 if log else pad), hi + (0 if log else pad))
    xr = (float(steps.min()), float(max(steps.max(), steps.min() + 1)))
    yticks = [float(e) for e in range(math.ceil(yr[0]), math.floor(yr[1]) + 1)] if log else _nice_ticks(*yr)
    if log and len(yticks) < 2:
        yticks = _nice_ticks(*yr)
    box = (70, 34, width - 20, height - 44)
    return _LossGeometry(steps, loss, smooth, log, _nice_ticks(*xr), yticks, box, xr, yr)


def render_loss_plot(history, width: int = 800, height: int = 450,
                     background: Any = (255, 255, 255)) -> np.ndarray:
    """The training loss (raw per step, light; smoothed, dark) as an RGB picture, without Qt."""
    from PIL import Image, ImageDraw

    background = parse_color(background)
    g = _loss_geometry(history, width, height)
    fg = text_color(background)
    grid_col = tuple(int(0.85 * b + 0.15 * f) for b, f in zip(background, fg))
    img = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(img)
    font = default_font(12)
    l, t, r, b = g.box
    for x in g.xticks:
        u = float(g.to_px(np.array([x]), np.array([1.0]))[0, 0])
        draw.line([(u, t), (u, b)], fill=grid_col)
        label = _fmt_tick(x)
        draw.text((u - font.getlength(label) / 2, b + 6), label, fill=fg, font=font)
    for y in g.yticks:
        v = float(g.to_px(np.array([g.xr[0]]), np.array([10 ** y if g.log else y]))[0, 1])
        draw.line([(l, v), (r, v)], fill=grid_col)
        label = _fmt_tick(10 ** y if g.log else y)
        draw.text((l - 6 - font.getlength(label), v - 7), label, fill=fg, font=font)
    draw.rectangle([l, t, r, b], outline=fg)
    raw = g.to_px(g.steps, g.loss)
    sm = g.to_px(g.steps, g.smooth)
    stride = max(1, len(raw) // (4 * width))
    draw.line([tuple(p) for p in raw[::stride]], fill=(158, 199, 232), width=1)
    draw.line([tuple(p) for p in sm[::stride]], fill=(31, 119, 180), width=2)
    title = "training loss" + (" (log scale)" if g.log else "")
    draw.text((l, 10), title, fill=fg, font=default_font(14))
    draw.text(((l + r) / 2 - font.getlength("step") / 2, height - 20), "step", fill=fg, font=font)
    return np.asarray(img)


def loss_svg(history, width: int = 800, height: int = 450, background: Any = (255, 255, 255)) -> str:
    """The loss plot of :func:`render_loss_plot` as a standalone SVG document."""
    background = parse_color(background)
    g = _loss_geometry(history, width, height)
    fg = "#{:02x}{:02x}{:02x}".format(*text_color(background))
    bg = "#{:02x}{:02x}{:02x}".format(*background)
    l, t, r, b = g.box
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
             f'<rect width="{width}" height="{height}" fill="{bg}"/>']
    for x in g.xticks:
        u = float(g.to_px(np.array([x]), np.array([1.0]))[0, 0])
        parts.append(f'<line x1="{u:.1f}" y1="{t}" x2="{u:.1f}" y2="{b}" stroke="{fg}" stroke-opacity="0.15"/>')
        parts.append(f'<text x="{u:.1f}" y="{b + 18}" text-anchor="middle" fill="{fg}">{_fmt_tick(x)}</text>')
    for y in g.yticks:
        v = float(g.to_px(np.array([g.xr[0]]), np.array([10 ** y if g.log else y]))[0, 1])
        parts.append(f'<line x1="{l}" y1="{v:.1f}" x2="{r}" y2="{v:.1f}" stroke="{fg}" stroke-opacity="0.15"/>')
        parts.append(f'<text x="{l - 6}" y="{v + 4:.1f}" text-anchor="end" fill="{fg}">'
                     f'{_fmt_tick(10 ** y if g.log else y)}</text>')
    parts.append(f'<rect x="{l}" y="{t}" width="{r - l}" height="{b - t}" fill="none" stroke="{fg}"/>')
    stride = max(1, len(g.steps) // 4000)
    for ys, colour, w in ((g.loss, "#9ec7e8", 1), (g.smooth, "#1f77b4", 2)):
        pts = g.to_px(g.steps[::stride], ys[::stride])
        coords = " ".join(f"{u:.1f},{v:.1f}" for u, v in pts)
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="{w}"/>')
    title = "training loss" + (" (log scale)" if g.log else "")
    parts.append(f'<text x="{l}" y="22" font-size="14" fill="{fg}">{title}</text>')
    parts.append(f'<text x="{(l + r) / 2:.1f}" y="{height - 8}" text-anchor="middle" fill="{fg}">step</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def export_loss_plot(history, out: str | Path, width: int = 800, height: int = 450,
                     background: Any = (255, 255, 255)) -> ExportResult:
    """The loss curve as ``.png`` (rendered with Pillow) or ``.svg``, without Qt (the CLI's ``--what loss``)."""
    started = time.monotonic()
    out = check_target(out, [".png", ".svg"])
    if not (200 <= int(width) <= 8000 and 150 <= int(height) <= 8000):
        raise ExportError(f"size: width must be in [200, 8000] and height in [150, 8000], got {width}x{height}",
                          code=2)
    if out.suffix.lower() == ".svg":
        text = loss_svg(history, int(width), int(height), background)
        with AtomicExport(out, ".tmp.svg") as tmp:
            tmp.write_text(text, encoding="utf-8")
        return ExportResult(out, "svg", (int(width), int(height)), bytes=out.stat().st_size,
                            seconds=time.monotonic() - started)
    return write_png(render_loss_plot(history, int(width), int(height), background), out, started)
