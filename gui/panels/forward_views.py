"""The Forward tab's plot pieces: a histogram of x_t against N(0, 1), a scatter whose points move in place, and the
2-D view of the noised point cloud."""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from gui import theme as _theme
from gui.widgets.fit_view import fit_view

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
        item.setLabel("bottom", self.tr("value"))
        item.setLabel("left", self.tr("density"))
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

    def apply_theme(self, theme: _theme.Theme) -> None:
        fill = QColor(theme.curve(0))
        fill.setAlpha(90)
        self.bars.setPen(pg.mkPen(theme.curve(0), width=1.5))
        self.bars.setBrush(pg.mkBrush(fill))
        self.pdf.setPen(pg.mkPen(theme.curve(1), width=2, style=Qt.DashLine))
        _theme.style_plot(self, theme)


class NoisedPointsPlot(pg.PlotWidget):
    """x_t of a 2-D point cloud on a fixed square view, with the 1σ / 2σ circles of N(0, I) and x₀ as faint ghosts."""

    def __init__(self, extent: float):
        super().__init__(enableMenu=False)
        theme = _theme.current_theme()
        self.setMenuEnabled(False)
        self.setMinimumSize(300, 300)
        item = self.getPlotItem()
        _theme.set_plot_title(item, self.tr("x_t  (colour = each point's x₀ angle)"), theme)
        item.setLabel("bottom", "x<sub>1</sub>")
        item.setLabel("left", "x<sub>2</sub>")
        item.setAspectLocked(True)
        item.setXRange(-extent, extent, padding=0)
        item.setYRange(-extent, extent, padding=0)
        item.getViewBox().setMouseEnabled(x=False, y=False)
        item.hideButtons()
        self.circles: list[pg.PlotDataItem] = []
        theta = np.linspace(0, 2 * np.pi, 241)
        for r in (1.0, 2.0):
            c = pg.PlotDataItem(r * np.cos(theta), r * np.sin(theta))
            c.setZValue(5)  # above the points, drawn thin and translucent
            item.addItem(c)
            self.circles.append(c)
        self.circle_labels = []
        for r in (1.0, 2.0):
            label = pg.TextItem(f"{int(r)}σ", anchor=(0, 1))
            label.setPos(r * math.cos(math.pi / 4) + 0.05, r * math.sin(math.pi / 4) + 0.05)
            label.setZValue(6)
            item.addItem(label)
            self.circle_labels.append(label)
        self.ghost = pg.ScatterPlotItem(size=3, pen=None)
        self.ghost.setZValue(-3)
        item.addItem(self.ghost)
        self.scatter_item = pg.ScatterPlotItem(size=4, pen=None)
        item.addItem(self.scatter_item)
        self.scatter = FastScatter(self.scatter_item)

    def fit_to(self, x0: np.ndarray) -> None:
        """Fit the view to a new dataset's x₀ and N(0, I)'s 2σ square (where x_T lies); once per dataset."""
        fit_view(self.getPlotItem(), x0)

    def apply_theme(self, theme: _theme.Theme) -> None:
        _theme.style_plot(self, theme)
        ring = _theme.with_alpha(theme.plot_fg, 170)
        for k, c in enumerate(self.circles):
            c.setPen(pg.mkPen(ring, width=1.4, style=Qt.DashLine if k else Qt.SolidLine))
        for label in self.circle_labels:
            label.setColor(theme.plot_fg)
            label.fill = pg.mkBrush(_theme.with_alpha(theme.plot_bg, 170))
        self.ghost.setBrush(pg.mkBrush(_theme.with_alpha(theme.text_dim, 45)))
