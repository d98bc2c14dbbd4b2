"""A 2-D scatter view's range fitted to its data: the square around the points' bounding box plus a margin.

Computed once per dataset (Forward tab) or per recorded run (Sampling tab), never per frame, so the view holds still
while the timeline is scrubbed. Square, because the views lock the aspect ratio (one unit is as long on both axes)
and sit in square holders: the range set is the range shown.
"""
from __future__ import annotations

import numpy as np

MARGIN = 0.08  # of the half-side, on every side
NOISE_HALF_SIDE = 2.0  # N(0, I)'s 2σ: where x_T lies, which both the forward and the reverse views pass through


def fitted_square(points: np.ndarray, include: float = NOISE_HALF_SIDE,
                  margin: float = MARGIN) -> tuple[tuple[float, float], tuple[float, float]]:
    """(x range, y range): the square, centred on the bounding box of the finite ``points`` (N, 2) joined with
    [−include, include]², whose half-side is the box's larger half-side times ``1 + margin``."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    pts = pts[np.isfinite(pts).all(axis=1)]
    lo = np.full(2, -float(include))
    hi = np.full(2, float(include))
    if len(pts):
        lo, hi = np.minimum(lo, pts.min(axis=0)), np.maximum(hi, pts.max(axis=0))
    centre = (lo + hi) / 2
    half = max(float((hi - lo).max()) / 2, 1e-3) * (1 + margin)
    return (centre[0] - half, centre[0] + half), (centre[1] - half, centre[1] + half)


def fit_view(plot_item, points: np.ndarray, include: float = NOISE_HALF_SIDE) -> None:
    """Set ``plot_item``'s (a pyqtgraph PlotItem) range to :func:`fitted_square` of ``points``."""
    x_range, y_range = fitted_square(points, include)
    plot_item.setRange(xRange=x_range, yRange=y_range, padding=0)
