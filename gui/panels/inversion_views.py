"""The Inversion tab's views: x0, the inverted latent x_T, the reconstruction and the error map for images; data,
reconstruction and error-coloured displacements for 2-D points; and the round-trip error against K on log-log
axes. They only draw what the worker computed (gui/events/: InversionFinished); the numpy here works on a few
hundred numbers (colours of points, the fitted line's two ends)."""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QWidget

from gui.events import InversionFinished
from gui.widgets.image_view import ImageGridView

DATA_COLOR = "#9aa4b2"
RECON_COLOR = "#5aa9ff"
FIT_COLOR = "#ff9f43"


def grid_columns(n: int) -> int:
    return max(1, min(8, int(math.ceil(math.sqrt(n)))))


class InversionImages(QWidget):
    """Four grids side by side, cell i of each is item i: x0, x_T, reconstruction, error map."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.x0_view = ImageGridView(self.tr("x₀ (input)"))
        self.latent_view = ImageGridView(self.tr("x_T (inverted, shown over ±3)"))
        self.reconstruction_view = ImageGridView(self.tr("reconstruction x₀′"))
        self.error_view = ImageGridView(self.tr("error |x₀′ − x₀|"))
        lay = QGridLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        for i, view in enumerate(self.views()):
            view.set_placeholder(self.tr("press Invert"))
            lay.addWidget(view, i // 2, i % 2)

    def views(self) -> list[ImageGridView]:
        return [self.x0_view, self.latent_view, self.reconstruction_view, self.error_view]

    def show_result(self, event: InversionFinished) -> None:
        ncol = grid_columns(len(event.x0))
        for view, images in zip(self.views(), (event.x0, event.latent, event.reconstruction, event.error_map)):
            view.set_images(images, ncol)
        top = float(event.pixel_error.max()) if event.pixel_error.size else 0.0
        self.error_view.set_caption(self.tr("dark = exact · brightest = {top:.3g}").format(top=top))


def _plot(title: str) -> pg.PlotWidget:
    plot = pg.PlotWidget()
    item = plot.getPlotItem()
    item.setMenuEnabled(False)
    item.showGrid(x=True, y=True, alpha=0.12)
    item.getViewBox().setAspectLocked(True)
    item.setTitle(title)
    return plot


class InversionPoints(QWidget):
    """Left: the data (grey), the reconstruction coloured by its error and a segment from each point to its
    reconstruction. Right: the inverted latents x_T, which should look like N(0, I)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.data_plot = _plot(self.tr("x₀ (grey) → x₀′ (colour: error, yellow = worst)"))
        self.latent_plot = _plot(self.tr("inverted latents x_T"))
        self.data = pg.ScatterPlotItem(size=5, pen=None, brush=pg.mkBrush(DATA_COLOR))
        self.segments = pg.PlotDataItem(connect="pairs", pen=pg.mkPen(255, 255, 255, 90, width=1))
        self.reconstruction = pg.ScatterPlotItem(size=5, pen=None)
        self.latent = pg.ScatterPlotItem(size=4, pen=None, brush=pg.mkBrush(RECON_COLOR))
        for it in (self.segments, self.data, self.reconstruction):
            self.data_plot.addItem(it)
        self.latent_plot.addItem(self.latent)
        self.colour_map = pg.colormap.get("inferno")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        # 2:1, not 3:2: the data plot's title is long (more so in Chinese) and is cut when the plot is narrower
        lay.addWidget(self.data_plot, 2)
        lay.addWidget(self.latent_plot, 1)

    def show_result(self, event: InversionFinished) -> None:
        x0, rec = event.x0.astype(np.float64), event.reconstruction.astype(np.float64)
        error = event.pixel_error.astype(np.float64)
        top = float(error.max()) if error.size else 0.0
        # 0.25..1 of the map: the darkest inferno colours would vanish on the dark theme's background
        colours = self.colour_map.mapToQColor(0.25 + 0.75 * (error / top if top > 0 else np.zeros_like(error)))
        self.data.setData(pos=x0)
        self.reconstruction.setData(pos=rec, brush=[pg.mkBrush(c) for c in colours])
        pairs = np.empty((2 * len(x0), 2))
        pairs[0::2], pairs[1::2] = x0, rec
        self.segments.setData(pairs[:, 0], pairs[:, 1])
        self.latent.setData(pos=event.latent.astype(np.float64))
        for plot in (self.data_plot, self.latent_plot):
            plot.getPlotItem().enableAutoRange()


class ErrorVsStepsPlot(QWidget):
    """Round-trip RMSE against K, log-log, with the least-squares line whose slope is minus the fitted order."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.plot = pg.PlotWidget()
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)
        item.setLogMode(x=True, y=True)
        item.showGrid(x=True, y=True, alpha=0.15)
        item.setLabel("bottom", self.tr("K (DDIM steps each way)"))
        item.setLabel("left", self.tr("round-trip RMSE"))
        for side in ("left", "bottom"):
            item.getAxis(side).enableAutoSIPrefix(False)  # "(x0.001)" next to a log axis reads as a unit
        self.points = self.plot.plot([], [], pen=pg.mkPen(RECON_COLOR, width=2), symbol="o", symbolSize=7,
                                     symbolBrush=RECON_COLOR)
        self.fit = self.plot.plot([], [], pen=pg.mkPen(FIT_COLOR, width=1, dash=[4, 4]))
        self.caption = QLabel(self.tr("Error vs K: the round trip repeated for each K in the list"))
        self.caption.setProperty("role", "dim")
        self.caption.setWordWrap(True)
        lay = QGridLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.plot, 0, 0)
        lay.addWidget(self.caption, 1, 0)

    def show_result(self, event: InversionFinished) -> None:
        ks = event.study_steps.astype(np.float64) if event.study_steps is not None else np.zeros(0)
        rmse = event.study_rmse if event.study_rmse is not None else np.zeros(0)
        self.points.setData(ks, rmse)
        if len(ks) >= 2 and math.isfinite(event.study_order) and np.all(rmse > 0):
            # the fitted line through the geometric means, slope -p (engine.sampler_study.fitted_order)
            centre_k, centre_e = np.exp(np.log(ks).mean()), np.exp(np.log(rmse).mean())
            ends = np.array([ks.min(), ks.max()])
            self.fit.setData(ends, centre_e * (ends / centre_k) ** (-event.study_order))
            self.caption.setText(self.tr("fitted order p = {p:.2f} (RMSE ~ K^-p; 1 for DDIM, a first-order "
                                         "method)").format(p=event.study_order))
        else:
            self.fit.setData([], [])
            self.caption.setText(self.tr("Give two or more K to fit the order."))
