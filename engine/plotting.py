"""Qt-free rendering of 2-D point clouds to RGB arrays (for the CLI, exports and headless previews)."""
from __future__ import annotations

import colorsys

import numpy as np


def point_colors(reference: np.ndarray) -> np.ndarray:
    """A colour per point from its position (hue = angle around the origin), so a point keeps its colour as it
    moves through the diffusion process. Returns uint8 (N, 3)."""
    ref = np.asarray(reference, dtype=np.float64)
    angle = (np.arctan2(ref[:, 1], ref[:, 0]) / (2 * np.pi)) % 1.0
    radius = np.clip(np.hypot(ref[:, 0], ref[:, 1]) / 2.5, 0.0, 1.0)
    rgb = [colorsys.hsv_to_rgb(h, 0.55 + 0.45 * r, 0.95) for h, r in zip(angle, radius)]
    return (np.asarray(rgb) * 255).astype(np.uint8).reshape(-1, 3)


def class_block_colors(n: int, num_classes: int) -> np.ndarray:
    """A colour per point for n samples drawn in equal consecutive class blocks (class floor(i C / n), as
    engine.training.Trainer.class_labels(-1) lays them out): C hues evenly around the wheel. Returns uint8 (n, 3)."""
    labels = np.arange(n) * num_classes // max(n, 1)
    hues = [colorsys.hsv_to_rgb(k / max(num_classes, 1), 0.8, 0.9) for k in range(num_classes)]
    return (np.asarray(hues)[labels] * 255).astype(np.uint8).reshape(-1, 3)


def scatter_image(points: np.ndarray, size: int = 384, extent: float = 4.0, colors: np.ndarray | None = None,
                  background: tuple[int, int, int] = (255, 255, 255), radius: int = 1,
                  unit_circle: bool = True) -> np.ndarray:
    """Draw points in [-extent, extent]^2 onto a ``size`` x ``size`` RGB uint8 image (y up), with the 1-sigma and
    2-sigma circles of N(0, I) in light grey as a reference."""
    img = np.empty((size, size, 3), dtype=np.uint8)
    img[:] = background
    if unit_circle:
        yy, xx = np.mgrid[0:size, 0:size]
        rr = np.hypot((xx + 0.5) / size * 2 * extent - extent, extent - (yy + 0.5) / size * 2 * extent)
        px = 2 * extent / size
        for r in (1.0, 2.0):
            img[np.abs(rr - r) < px * 0.6] = (200, 200, 200)
        img[np.abs(xx - size // 2) < 1] = np.minimum(img[np.abs(xx - size // 2) < 1], 230)
        img[np.abs(yy - size // 2) < 1] = np.minimum(img[np.abs(yy - size // 2) < 1], 230)
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    cols = np.asarray(colors, dtype=np.uint8) if colors is not None else np.tile(
        np.array([[31, 119, 180]], dtype=np.uint8), (len(pts), 1))
    finite = np.isfinite(pts).all(axis=1)
    pts, cols = pts[finite], cols[finite]
    u = np.floor((pts[:, 0] + extent) / (2 * extent) * size).astype(np.int64)
    v = np.floor((extent - pts[:, 1]) / (2 * extent) * size).astype(np.int64)
    for dy in range(-radius, radius + 1):
        for dx in range(-radius, radius + 1):
            if dx * dx + dy * dy > radius * radius + radius:
                continue
            uu, vv = u + dx, v + dy
            ok = (uu >= 0) & (uu < size) & (vv >= 0) & (vv < size)
            img[vv[ok], uu[ok]] = cols[ok]
    return img
