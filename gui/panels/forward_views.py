"""The Forward tab's plot pieces: a histogram of x_t against N(0, 1) and a scatter whose points move in place."""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from gui import theme as _theme

HIST_RANGE = (-4.0, 4.0)


def normal_pdf(x: np.ndarray) -> np.ndarray:
    return np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


def brushes_for(colors: np.ndarray, codes: np.ndarray, alpha: int = 220) -> list:
    """One shared QBrush per colour code (pyqtgraph keys its atlas by brush)."""
    cache: dict[int, object] = {}
    out = []
    for code, (r, g, b) in zip(codes.tolist(), colors.tolist()):
        brush = cache.get(code)
        if brush is None:
            brush = cache[code] = pg.mkBrush(r, g, b, alpha)
        out.append(brush)
    return out


class FastScatter:
    """A ScatterPlotItem whose styles are set once and whose positions are then moved in place (no re-styling)."""

    def __init__(self, item: pg.ScatterPlotItem):
        self.item = item
        self._brushes: list | None = None

    def set_points(self, pos: np.ndarray, brushes: list) -> None:
        self._brushes = brushes
        self.item.setData(pos=pos, brush=brushes)

    def move(self, pos: np.ndarray) -> None:
        item = self.item
        data = getattr(item, "data", None)
        if data is not None and len(data) == len(pos) and data.dtype.names and "x" in data.dtype.names:
            data["x"] = pos[:, 0]
            data["y"] = pos[:, 1]
            item.prepareGeometryChange()
            item.informViewBoundsChanged()
            item.bounds = [None, None]
            item.invalidate()
            item.update()
        else:
            item.setData(pos=pos, brush=self._brushes)

    def positions(self) -> np.ndarray:
        data = self.item.data
        return np.column_stack([data["x"], data["y"]]) if data is not None and len(data) else np.zeros((0, 2))


class ValueHistogram(pg.PlotWidget):
    """Step histogram of values against the N(0, 1) density."""

    def __init__(self, title: str):
        super().__init__(enableMenu=False)
        t = _theme.current_theme()
        self.setMouseEnabled(False, False)
        self.hideButtons()
        self.setMinimumSize(220, 180)
        item = self.getPlotItem()
        _theme.set_plot_title(item, title, t)
        item.setLabel("bottom", "value")
        item.setLabel("left", "density")
        item.addLegend(offset=(8, 8))
        self.bars = pg.PlotDataItem([0, 1], [0], stepMode="center", fillLevel=0, name="x<sub>t</sub>")
        self.pdf = pg.PlotDataItem(name="N(0, 1)")
        item.addItem(self.bars)
        item.addItem(self.pdf)
        xs = np.linspace(*HIST_RANGE, 241)
        self.pdf.setData(xs, normal_pdf(xs))
        self.setXRange(*HIST_RANGE, padding=0)
        self.apply_theme(t)

    def set_values(self, values: np.ndarray) -> None:
        v = np.asarray(values, dtype=np.float64).ravel()
        bins = int(np.clip(2 * math.sqrt(max(v.size, 1)), 24, 80))
        counts, edges = np.histogram(np.clip(v, *HIST_RANGE), bins=bins, range=HIST_RANGE, density=True)
        self.bars.setData(edges, counts)
        top = max(0.45, float(counts.max()) if counts.size else 0.45)
        self.setYRange(0, top * 1.08, padding=0)

    def apply_theme(self, theme) -> None:  # noqa: ANN001
        fill = QColor(theme.curve(0))
        fill.setAlpha(90)
        self.bars.setPen(pg.mkPen(theme.curve(0), width=1.5))
        self.bars.setBrush(pg.mkBrush(fill))
        self.pdf.setPen(pg.mkPen(theme.curve(1), width=2, style=Qt.DashLine))
        _theme.style_plot(self, theme)
