"""The Runs tab's views of several runs at once: overlaid curves, previews with a shared step slider, and the table
of the settings that differ.

Each view receives the compared runs as :class:`engine.runs.RunSummary` objects (already read by a short job) and
one colour per run; it only draws (setData / setImage with numpy arrays), it never reads files.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine.runs import RunSummary
from gui import theme as _theme
from gui.panels.training_plots import LossAxis
from gui.widgets.image_view import ImageView

SERIES = ("loss", "quality", "lr")


def _plot(title: str, ylabel: str, log_y: bool, decades: bool = False) -> pg.PlotWidget:
    pw = pg.PlotWidget(axisItems={"left": LossAxis("left")} if decades else None)  # only 1, 2, 5 x 10^k labelled
    pw.setMinimumSize(200, 120)
    pw.setMenuEnabled(False)
    item = pw.getPlotItem()
    _theme.set_plot_title(item, title)
    item.setLabel("left", ylabel)
    item.setLogMode(y=log_y)
    _theme.style_plot(item)
    return pw


class RunCurves(QWidget):
    """Loss, sample quality (multiple of the real-data floor) and learning rate of every run, overlaid, x-linked,
    against the optimizer step or the wall time (``align_combo``); one colour per run, named in the loss legend.
    A dashed vertical line marks the samples slider's step."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.align_combo = QComboBox()
        self.align_combo.addItem(self.tr("Align by step"), "step")
        self.align_combo.addItem(self.tr("Align by wall time"), "wall")
        self.align_combo.setToolTip(self.tr("Overlay the runs by optimizer step, or by seconds since each run "
                                            "started (which run learns faster in real time)"))
        self.align_combo.currentIndexChanged.connect(lambda _i: self._redraw())
        self.loss_plot = _plot(self.tr("Training loss"), self.tr("loss"), True)
        self.loss_plot.getPlotItem().addLegend(offset=(-10, 10))
        self.quality_plot = _plot(self.tr("Sample quality"), self.tr("× real-data floor"), True, decades=True)
        theme = _theme.current_theme()
        self.quality_plot.getPlotItem().addItem(pg.InfiniteLine(
            pos=0.0, angle=0, movable=False, pen=pg.mkPen(theme.text_dim, style=Qt.DashLine), label=self.tr(
                "real data"), labelOpts={"position": 0.1, "color": theme.text_dim, "anchors": [(0, 1), (0, 1)]}))
        self.quality_plot.setToolTip(self.tr("quality.csv: how far the samples are from real data, as a multiple of "
                                             "what real data scores (1.0 = as good as real data; lower is better)"))
        self.lr_plot = _plot(self.tr("Learning rate"), "η", False)
        for p in (self.quality_plot, self.lr_plot):
            p.getPlotItem().setXLink(self.loss_plot.getPlotItem())
        self.plots = {"loss": self.loss_plot, "quality": self.quality_plot, "lr": self.lr_plot}
        self._markers = {}
        for name, p in self.plots.items():
            line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen(_theme.current_theme().text_dim,
                                                                        style=Qt.DashLine))
            line.setVisible(False)
            p.getPlotItem().addItem(line, ignoreBounds=True)
            self._markers[name] = line
        self.items: dict[str, list[pg.PlotDataItem]] = {k: [] for k in SERIES}
        self._runs: list[RunSummary] = []
        self._colors: list[str] = []
        self._step: int | None = None
        self.empty_label = QLabel(self.tr("Open run folders (File › Compare runs…) and tick them in the list to "
                                          "overlay their curves."))
        self.empty_label.setProperty("role", "dim")
        self.empty_label.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.empty_label, 1)
        row.addWidget(self.align_combo, 0, Qt.AlignRight)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(row)
        plots = QHBoxLayout()
        plots.addWidget(self.loss_plot, 3)
        plots.addWidget(self.quality_plot, 2)
        plots.addWidget(self.lr_plot, 2)
        lay.addLayout(plots, 1)
        self.retranslate()  # the x axis is named before any run is drawn, so a language switch finds one name

    def by_wall_time(self) -> bool:
        return self.align_combo.currentData() == "wall"

    def set_runs(self, runs: list[RunSummary], colors: list[str]) -> None:
        self._runs, self._colors = list(runs), list(colors)
        self._redraw()

    def set_marker(self, step: int | None) -> None:
        """Mark ``step`` (the samples slider's) on every plot; only while aligned by step."""
        self._step = step
        for line in self._markers.values():
            line.setVisible(step is not None and not self.by_wall_time())
            if step is not None:
                line.setValue(step)

    def _redraw(self) -> None:
        for name, plot in self.plots.items():
            item = plot.getPlotItem()
            for curve in self.items[name]:
                item.removeItem(curve)
            self.items[name] = []
        wall = self.by_wall_time()
        self.retranslate()
        for run, color in zip(self._runs, self._colors):
            x = run.wall_time if wall else run.step.astype(np.float64)
            qx = run.quality_wall_time() if wall else run.quality_step.astype(np.float64)
            pen = pg.mkPen(color, width=1.6)
            for name, xs, ys, extra in (
                    ("loss", x, run.loss, {"name": run.name}),
                    ("quality", qx, run.quality_ratio, {"symbol": "o", "symbolSize": 6, "symbolPen": None,
                                                        "symbolBrush": pg.mkBrush(color)}),
                    ("lr", x, run.lr, {})):
                curve = self.plots[name].getPlotItem().plot(xs, ys, pen=pen, connect="finite", **extra)
                curve.setDownsampling(auto=True, method="peak")
                curve.setClipToView(True)
                self.items[name].append(curve)
        self.empty_label.setVisible(not self._runs)
        self.set_marker(self._step)
        for plot in self.plots.values():
            plot.getPlotItem().enableAutoRange()

    def retranslate(self) -> None:
        """The x axis label (it follows the alignment), in the current language."""
        xlabel = self.tr("seconds since the run started") if self.by_wall_time() else self.tr("optimizer step")
        for plot in self.plots.values():
            plot.getPlotItem().setLabel("bottom", xlabel)

    def apply_theme(self, theme: _theme.Theme) -> None:
        for plot in self.plots.values():
            _theme.style_plot(plot, theme)


class SampleStrip(QWidget):
    """Each run's preview (its time-lapse frame nearest to the shared step slider; the last one is its latest
    samples), side by side. ``stepChanged(step)`` follows the slider."""

    stepChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setToolTip(self.tr("Training step: each run shows its preview nearest to it"))
        self.slider.valueChanged.connect(self._on_slider)
        self.step_label = QLabel()
        self.step_label.setMinimumWidth(90)
        self.views: list[ImageView] = []
        self._runs: list[RunSummary] = []
        self._row = QHBoxLayout()
        self._row.setContentsMargins(0, 0, 0, 0)
        holder = QWidget()
        holder.setLayout(self._row)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setWidget(holder)
        slider_row = QHBoxLayout()
        slider_row.addWidget(QLabel(self.tr("Step")))
        slider_row.addWidget(self.slider, 1)
        slider_row.addWidget(self.step_label)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(scroll, 1)
        lay.addLayout(slider_row)

    def set_runs(self, runs: list[RunSummary], colors: list[str], pending: frozenset[str] = frozenset()) -> None:
        """``pending``: folders whose latest samples the worker is drawing (they saved no time-lapse)."""
        for view in self.views:
            self._row.removeWidget(view)
            view.deleteLater()
        self._runs = list(runs)
        self.views = []
        for run in runs:
            placeholder = (self.tr("drawing the latest samples…") if str(run.folder) in pending else
                           self.tr("no previews saved"))
            view = ImageView(run.name, placeholder=placeholder, min_side=96)
            view.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
            self._row.addWidget(view)
            self.views.append(view)
        last = max((run.last_step for run in runs), default=0)
        at_end = self.slider.value() >= self.slider.maximum()
        self.slider.blockSignals(True)
        self.slider.setRange(0, last)
        self.slider.setPageStep(max(1, last // 20))
        if at_end:  # opening runs shows their latest samples
            self.slider.setValue(last)
        self.slider.blockSignals(False)
        self._show(self.slider.value())

    def step(self) -> int:
        return self.slider.value()

    def retranslate(self) -> None:
        """The step readout and captions in the current language (no readout before any run is shown)."""
        if self._runs:
            self._show(self.slider.value())

    def set_step(self, step: int) -> None:
        self.slider.setValue(int(step))

    def _on_slider(self, step: int) -> None:
        self._show(step)
        self.stepChanged.emit(step)

    def _show(self, step: int) -> None:
        self.step_label.setText(self.tr("step {0:,}").format(step))
        for run, view in zip(self._runs, self.views):
            k = run.frame_at(step)
            view.set_image(None if k is None else run.frames[k])
            view.set_caption("" if k is None else self.tr("step {0:,}").format(int(run.frame_steps[k])))

    def shown_steps(self) -> list[int | None]:
        """The step of the frame each view shows (None where a run has no previews)."""
        out = []
        for run in self._runs:
            k = run.frame_at(self.slider.value())
            out.append(None if k is None else int(run.frame_steps[k]))
        return out


class ConfigDiffTable(QTableWidget):
    """One row per setting that differs between the compared runs, one column per run (in its colour)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setEditTriggers(QTableWidget.NoEditTriggers)
        self.setSelectionMode(QTableWidget.NoSelection)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self._fields: list[str] = []

    def set_runs(self, runs: list[RunSummary], colors: list[str]) -> None:
        from engine.runs import config_differences

        diff = config_differences([r.config for r in runs])
        self._fields = list(diff)
        self.clear()
        self.setColumnCount(len(runs))
        self.setRowCount(len(diff))
        for j, (run, color) in enumerate(zip(runs, colors)):
            head = QTableWidgetItem(run.name)
            head.setForeground(QBrush(QColor(color)))
            head.setToolTip(str(run.folder))
            self.setHorizontalHeaderItem(j, head)
        for i, (name, values) in enumerate(diff.items()):
            self.setVerticalHeaderItem(i, QTableWidgetItem(name))
            for j, value in enumerate(values):
                self.setItem(i, j, QTableWidgetItem("—" if value is None else str(value)))
        if len(runs) >= 2 and not diff:
            self.setToolTip(self.tr("These runs share every setting"))
        else:
            self.setToolTip(self.tr("The settings that differ between the compared runs"))

    def fields(self) -> list[str]:
        return list(self._fields)
