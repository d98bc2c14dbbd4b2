"""The 2-D lab's plots: the denoising field over the noised data, the error-vs-t curve and the nearest-distance
histograms. They only draw what the worker computed (gui/events/: FieldReady, ErrorCurveReady,
ExactSamplesReady); the little numpy here (differences, a histogram) is on arrays of a few hundred numbers."""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from gui.events import ErrorCurveReady, ExactSamplesReady, FieldReady
from gui.widgets.field_item import ArrowFieldItem, display_scale

FIELD_MODES = ("x0", "score")  # arrows of x0_pred - x_t, or of the score -eps / sqrt(1 - alpha_bar_t)
EXACT_COLOR = "#ff9f43"
MODEL_COLOR = "#5aa9ff"
HIST_BINS = 30


def field_vectors(event: FieldReady, mode: str, exact: bool = False) -> np.ndarray | None:
    """The arrows' vectors of the learned (or exact) field of ``event``, float64 (n*n, 2); None if not sent."""
    x0, eps = (event.exact_x0, event.exact_eps) if exact else (event.learned_x0, event.learned_eps)
    if x0 is None:
        return None
    if mode == "x0":
        return x0.astype(np.float64) - event.grid.astype(np.float64)
    if mode == "score":  # Tweedie: grad log q(x_t) = -eps / sqrt(1 - alpha_bar_t) (engine.exact.score_from_eps)
        return -eps.astype(np.float64) / math.sqrt(max(1.0 - event.alpha_bar, 1e-300))
    raise ValueError(f"field mode must be one of {FIELD_MODES}, got {mode!r}")


class FieldView(pg.PlotWidget):
    """x_t scatter, the error heatmap beneath it, the learned arrows and (optionally) the exact ones over them."""

    def __init__(self, parent=None):
        super().__init__(parent)
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.showGrid(x=True, y=True, alpha=0.12)
        item.getViewBox().setAspectLocked(True)
        item.setLabel("bottom", self.tr("x (standardized: what the model sees)"))
        # the field's default grid covers [-3, 3]^2: show that plane before the first field arrives, not pyqtgraph's
        # empty-view default range
        item.getViewBox().setRange(xRange=(-3.2, 3.2), yRange=(-3.2, 3.2), padding=0)
        self.heatmap = pg.ImageItem(axisOrder="row-major")
        self.heatmap.setColorMap(pg.colormap.get("inferno"))
        self.heatmap.setOpacity(0.55)  # the arrows stay readable over it
        self.heatmap.setZValue(-10)
        self.noised = pg.ScatterPlotItem(size=3, pen=None, brush=pg.mkBrush(200, 200, 200, 110))
        self.learned = ArrowFieldItem()
        self.exact = ArrowFieldItem(color=EXACT_COLOR, width=1.0)
        for it in (self.heatmap, self.noised, self.learned, self.exact):
            self.addItem(it)
        self.field: FieldReady | None = None  # the field shown (not "event": that is QWidget.event)
        self.heatmap_image: np.ndarray | None = None  # (n, n) rows = y, as shown

    def show_field(self, event: FieldReady, mode: str, show_exact: bool, show_heatmap: bool) -> None:
        first = self.field is None or self.field.extent != event.extent
        self.field = event
        grid = event.grid.astype(np.float64)
        learned = field_vectors(event, mode)
        exact = field_vectors(event, mode, exact=True) if show_exact else None
        cell = 2 * event.extent / max(event.grid_size - 1, 1)
        shown = [v for v in (learned, exact) if v is not None]
        scale = display_scale(shown, 0.9 * cell)
        top = max(float(np.linalg.norm(v, axis=1).max()) for v in shown)
        self.learned.setData(grid, grid + scale * learned, np.linalg.norm(learned, axis=1), vmax=top)
        if exact is not None:
            self.exact.setData(grid, grid + scale * exact)
        else:
            self.exact.setData(np.zeros((0, 2)), np.zeros((0, 2)))
        self.noised.setData(pos=event.noised)
        n = event.grid_size
        if show_heatmap and event.error is not None:
            self.heatmap_image = event.error.reshape(n, n)  # grid rows run x fastest: row index is y
            self.heatmap.setImage(self.heatmap_image, autoLevels=True)
            half = cell / 2
            self.heatmap.setRect(QRectF(-event.extent - half, -event.extent - half, 2 * event.extent + cell,
                                        2 * event.extent + cell))
            self.heatmap.setVisible(True)
        else:
            self.heatmap_image = None
            self.heatmap.setVisible(False)
        if first:
            span = event.extent + cell
            self.getPlotItem().getViewBox().setRange(xRange=(-span, span), yRange=(-span, span), padding=0)


class ErrorCurvePlot(pg.PlotWidget):
    """Mean |learned x0 - exact x0| over the grid against the paper's t."""

    def __init__(self, parent=None):
        super().__init__(parent)
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.showGrid(x=True, y=True, alpha=0.15)
        item.setLabel("bottom", self.tr("t"))
        item.setLabel("left", self.tr("mean |x̂₀ − x̂₀ exact|"))
        self.curve = self.plot([], [], pen=pg.mkPen(MODEL_COLOR, width=2), symbol="o", symbolSize=5,
                               symbolBrush=MODEL_COLOR)

    def show_curve(self, event: ErrorCurveReady) -> None:
        self.curve.setData(event.t.astype(np.float64), event.error)


class NearestHistogram(pg.PlotWidget):
    """Histograms of each sample's distance to its nearest training point, exact sampler vs model: the exact
    denoiser lands on the training points (memorization, distances ~0), a model that generalizes does not."""

    def __init__(self, parent=None):
        super().__init__(parent)
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.showGrid(x=True, y=True, alpha=0.15)
        item.setLabel("bottom", self.tr("distance to the nearest training point"))
        item.getAxis("bottom").enableAutoSIPrefix(False)  # "(x0.001)" would crowd out the label
        item.setLabel("left", self.tr("samples"))
        item.addLegend(offset=(-10, 10))
        self.exact_curve = self.plot([0, 1], [0], stepMode="center", pen=pg.mkPen(EXACT_COLOR, width=2),
                                     name=self.tr("exact denoiser"))
        self.model_curve = self.plot([0, 1], [0], stepMode="center", pen=pg.mkPen(MODEL_COLOR, width=2),
                                     name=self.tr("model"))
        self.edges = np.zeros(0)
        self.counts: dict[str, np.ndarray] = {}

    def show_distances(self, event: ExactSamplesReady) -> None:
        top = float(max(event.model_nearest.max(initial=0.0), event.exact_nearest.max(initial=0.0)))
        self.edges = np.linspace(0.0, top if top > 0 else 1.0, HIST_BINS + 1)
        self.counts = {"model": np.histogram(event.model_nearest, self.edges)[0],
                       "exact": np.histogram(event.exact_nearest, self.edges)[0]}
        self.model_curve.setData(self.edges, self.counts["model"].astype(np.float64))
        self.exact_curve.setData(self.edges, self.counts["exact"].astype(np.float64))


def plot_page(button: QPushButton, label: QLabel | None, plot: QWidget) -> QWidget:
    """A bottom tab: its button (and a label beside it) over its plot."""
    page = QWidget()
    layout = QVBoxLayout(page)
    top = QHBoxLayout()
    top.addWidget(button)
    if label is not None:
        top.addWidget(label, 1)
    else:
        top.addStretch(1)
    layout.addLayout(top)
    layout.addWidget(plot, 1)
    return page
