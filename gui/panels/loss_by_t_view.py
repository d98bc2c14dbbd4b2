"""Loss by timestep over training as a heatmap: x the optimizer step, y the paper's t = 1..T, colour the mean loss.

The rows come from the trainer (engine/loss_by_t.py) inside the worker's metrics batches: a replace batch carries a
copy of the model's whole record, later batches the rows closed since. This view keeps its own
:class:`~engine.loss_by_t.LossByT` fed with those rows, which merges them exactly as the trainer's does, so the two
stay equal without ever shipping the whole matrix again. Redraws are coalesced to a few per second.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, QTimer
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from engine.loss_by_t import LossByT
from gui import theme as _theme
from gui.events import MetricsBatch

REDRAW_MS = 250  # at most ~4 redraws a second, however often rows arrive
COLOR_MAP = "viridis"


class LossByTView(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.by_t: LossByT | None = None
        self._values = np.zeros((0, 0))  # what the image shows: (rows, bins), log10 when the log box is ticked
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.redraw)

        self.plot = pg.PlotWidget()
        self.plot.setMinimumSize(200, 140)
        self.plot.setMenuEnabled(False)
        item = self.plot.getPlotItem()
        _theme.set_plot_title(item, self.tr("Loss by timestep over training"))
        item.setLabel("left", self.tr("timestep t"))
        item.setLabel("bottom", self.tr("optimizer step"))
        self.image = pg.ImageItem(axisOrder="col-major")  # image[row, bin]: rows along x (steps), bins along y (t)
        item.addItem(self.image)
        self.colorbar = pg.ColorBarItem(colorMap=pg.colormap.get(COLOR_MAP), interactive=False, width=14)
        self.colorbar.setImageItem(self.image, insert_in=item)
        self.colorbar.axis.setLabel(self.tr("mean loss"))  # the tick axis: one label beside the numbers
        self.colorbar.axis.enableAutoSIPrefix(False)  # "mean loss (x0.001)" over 100..800 read as a wrong scale
        _theme.style_plot(self.plot)
        self.plot.scene().sigMouseMoved.connect(self._on_mouse_moved)

        self.log_check = QCheckBox(self.tr("log colour"))
        self.log_check.setToolTip(self.tr("Colour by log₁₀ of the loss: the small losses at large t stay visible"))
        self.log_check.toggled.connect(lambda _on: self.redraw())
        self.readout = QLabel(self.tr("Train a model: each column is the mean per-sample loss of a few steps, "
                                      "in bins of t. Hover for values."))
        self.readout.setProperty("role", "dim")
        self.readout.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.readout.setWordWrap(True)  # the hint and the hover readout can be wider than the tab: wrap, never cut
        tools = QHBoxLayout()
        tools.addWidget(self.readout, 1)
        tools.addWidget(self.log_check)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.plot, 1)
        lay.addLayout(tools)

    # ------------------------------------------------------------------ data in
    def add_batch(self, batch: MetricsBatch) -> None:
        changed = False
        if batch.replace:
            self.by_t = batch.by_t.copy() if batch.by_t is not None else None
            changed = True
        if self.by_t is not None:
            for row in batch.by_t_rows:
                self.by_t.add_row(row)
                changed = True
        if changed and not self._timer.isActive():
            self._timer.start(REDRAW_MS)

    def redraw(self) -> None:
        by_t = self.by_t
        if by_t is None or not len(by_t):
            self._values = np.zeros((0, 0))
            self.image.clear()
            return
        means = by_t.means()
        log = self.log_check.isChecked()
        with np.errstate(divide="ignore", invalid="ignore"):
            values = np.log10(np.where(means > 0, means, np.nan)) if log else means
        finite = values[np.isfinite(values)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        if hi <= lo:
            hi = lo + 1e-6
        self._values = values
        self.image.setImage(values.astype(np.float32), autoLevels=False, levels=(lo, hi))
        self.colorbar.setLevels((lo, hi))
        self.colorbar.axis.setLabel(self.tr("log₁₀ mean loss") if log else self.tr("mean loss"))
        # column k covers steps (start + k * interval, start + (k + 1) * interval]; bins split t = 1..T evenly
        self.image.setRect(QRectF(by_t.start, 0.5, len(by_t) * by_t.interval, by_t.timesteps))

    # ------------------------------------------------------------------ hover
    def cell_at(self, step: float, t: float) -> tuple[int, int] | None:
        """(row, bin) under a point of the plot (x in steps, y in the paper's t), or None outside the heatmap."""
        by_t = self.by_t
        if by_t is None or not len(by_t) or not (math.isfinite(step) and math.isfinite(t)):
            return None
        row = math.ceil((step - by_t.start) / by_t.interval) - 1  # steps (start + k i, start + (k + 1) i]
        t_paper = int(round(t))
        if not (0 <= row < len(by_t) and 1 <= t_paper <= by_t.timesteps):
            return None
        return row, int(by_t.bin_of(np.array([t_paper - 1]))[0])

    def hover_text(self, step: float, t: float) -> str:
        cell = self.cell_at(step, t)
        if cell is None:
            return ""
        row, b = cell
        by_t = self.by_t
        first_t, last_t = (int(v) for v in by_t.bin_ranges()[b])
        end = int(by_t.row_steps[row])
        value = float(by_t.means()[row, b])
        count = int(by_t.row_counts[row][b])
        loss = self.tr("no sample") if not math.isfinite(value) else f"{value:.4g}"
        return self.tr("t {a}–{b} · steps {s0}–{s1} · mean loss {v} ({n} samples)").format(
            a=first_t, b=last_t, s0=end - by_t.interval + 1, s1=end, v=loss, n=count)

    def _on_mouse_moved(self, scene_pos) -> None:
        vb = self.plot.getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(scene_pos):
            return
        point = vb.mapSceneToView(scene_pos)
        text = self.hover_text(point.x(), point.y())
        if text:
            self.readout.setText(text)

    # ------------------------------------------------------------------ for tests
    def shown_values(self) -> np.ndarray:
        """The image's values (rows, bins) as last drawn (log10 when the log box is ticked)."""
        return self._values.copy()

    def apply_theme(self, theme: _theme.Theme) -> None:
        _theme.style_plot(self.plot, theme)
