"""A 2-D vector field as arrows, drawn by one pyqtgraph item, coloured by magnitude.

pyqtgraph's line items take one pen per item, so arrows coloured by length would need one item per arrow (slow) or
per colour. :class:`ArrowFieldItem` instead records all arrows into one ``QPicture``, one path per
colour bin, and replays it on paint: one item and one cheap paint per update however many arrows there are.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter, QPen, QPicture

COLOUR_BINS = 16
HEAD_FRACTION = 0.3  # arrowhead length as a fraction of the arrow
HEAD_ANGLE = math.radians(25)


def arrow_segments(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Shaft plus two head strokes per arrow as (3k, 2, 2) float64 line segments [from, to]."""
    starts = np.asarray(starts, dtype=np.float64)
    ends = np.asarray(ends, dtype=np.float64)
    back = (starts - ends) * HEAD_FRACTION  # from the tip back along the shaft
    segments = [np.stack([starts, ends], axis=1)]
    for sign in (1.0, -1.0):
        c, s = math.cos(sign * HEAD_ANGLE), math.sin(sign * HEAD_ANGLE)
        rotated = np.stack([c * back[:, 0] - s * back[:, 1], s * back[:, 0] + c * back[:, 1]], axis=1)
        segments.append(np.stack([ends, ends + rotated], axis=1))
    return np.concatenate(segments)


def display_scale(vectors: list[np.ndarray], cell: float) -> float:
    """The factor that makes the longest of all ``vectors`` (k, 2) one grid ``cell`` long (1 when all are zero),
    shared so that fields drawn together stay comparable."""
    longest = max((float(np.linalg.norm(v, axis=1).max()) for v in vectors if len(v)), default=0.0)
    return cell / longest if longest > 0 and math.isfinite(longest) else 1.0


class ArrowFieldItem(pg.GraphicsObject):
    """Arrows from ``starts`` to ``ends``; coloured by ``magnitude`` through a colormap, or all in one ``color``."""

    def __init__(self, color: str | None = None, width: float = 1.4, colormap: str = "viridis"):
        super().__init__()
        self._color = color
        self._width = width
        self._colormap = pg.colormap.get(colormap)
        self._picture = QPicture()
        self._bounds = QRectF()
        self.segments = np.zeros((0, 2, 2))
        self.magnitude = np.zeros(0)

    def set_color(self, color: str | None) -> None:
        self._color = color

    def setData(self, starts: np.ndarray, ends: np.ndarray, magnitude: np.ndarray | None = None,
                vmax: float | None = None) -> None:
        """Replace the arrows; ``magnitude`` (k,) picks each arrow's colour on [0, vmax] (default its max)."""
        k = len(starts)
        self.segments = arrow_segments(starts, ends) if k else np.zeros((0, 2, 2))
        self.magnitude = np.zeros(k) if magnitude is None else np.asarray(magnitude, dtype=np.float64)
        top = vmax if vmax is not None else (float(self.magnitude.max()) if k else 0.0)
        bins = np.zeros(k, dtype=np.int64)
        if k and top > 0 and self._color is None:
            bins = np.clip((self.magnitude / top * COLOUR_BINS).astype(np.int64), 0, COLOUR_BINS - 1)
        bins = np.tile(bins, 3)  # shaft and both head strokes share the arrow's colour
        self.prepareGeometryChange()
        self._picture = QPicture()
        painter = QPainter(self._picture)
        for b in np.unique(bins):
            color = QColor(self._color) if self._color else self._colormap.map((b + 0.5) / COLOUR_BINS, mode="qcolor")
            pen = QPen(color, self._width)
            pen.setCosmetic(True)  # width in pixels, whatever the zoom
            painter.setPen(pen)
            # one path per colour built from the numpy array in C (pyqtgraph's arrayToQPath, "pairs": segment per two
            # points): a Python QLineF per stroke cost ~3 µs each, 12 ms for two 24x24 fields on the GUI thread
            ends = self.segments[bins == b].reshape(-1, 2)
            painter.drawPath(pg.arrayToQPath(ends[:, 0], ends[:, 1], connect="pairs"))
        painter.end()
        if len(self.segments):
            lo, hi = self.segments.reshape(-1, 2).min(axis=0), self.segments.reshape(-1, 2).max(axis=0)
            self._bounds = QRectF(lo[0], lo[1], hi[0] - lo[0], hi[1] - lo[1])
        else:
            self._bounds = QRectF()
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(self._bounds)

    def paint(self, painter: QPainter, *args) -> None:
        self._picture.play(painter)
