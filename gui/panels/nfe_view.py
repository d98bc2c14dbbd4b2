"""The Compare tab's "Error vs NFE" view: how fast each sampler converges as it is given more model evaluations.

Compute sends one :class:`~gui.events.NfeStudyRequest` to the worker (it owns the model), which runs
:func:`engine.sampler_study.nfe_study`: every sampler at each NFE target from one x_T, the RMSE of its final samples
against a reference (the exact answer of a 2-D training set, else the model's own T-step run from the same x_T),
and the data-level metric of :class:`engine.quality.QualityScorer` with its real-data floor. The left chart is the
RMSE against NFE on log-log axes, each legend entry naming the fitted slope (the empirical order); the right one the
metric against NFE. Answers are cached per model and settings, so asking again shows them at once.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from engine.config import SAMPLERS
from engine.quality import METRIC_LABELS
from gui import theme as _theme
from gui.events import ModelFacts, NfeStudyFinished, NfeStudyProgress
from gui.panels.sampler_fields import sampler_name
from gui.widgets.job_controls import run_controls
from gui.widgets.wrap_row import WrapRow, hgroup

if TYPE_CHECKING:
    from gui.worker import EngineWorker

DEFAULT_NFE = (10, 20, 50)
DEFAULT_N = {"images": 64, "points": 500}
#: engine.quality.METRIC_LABELS, spelled out for lupdate; the chart's axis label translates the engine's text
#: (tests/gui/test_sampler_menu_texts.py checks that they still match)
METRIC_TEXTS = (QT_TRANSLATE_NOOP("NfeStudyView", "sliced Wasserstein"),
                QT_TRANSLATE_NOOP("NfeStudyView", "Frechet distance (digits)"),
                QT_TRANSLATE_NOOP("NfeStudyView", "pixel sliced Wasserstein"))


class NfeStudyView(QWidget):
    """Settings, Compute / Cancel with progress, and the two charts of one error-against-NFE study."""

    def __init__(self, worker: EngineWorker, parent: QWidget | None = None):
        super().__init__(parent)
        self.worker = worker
        self._model: ModelFacts | None = worker.model()
        self._pending = None  # the NfeStudyRequest in flight
        self._pending_key: tuple | None = None
        self.cache: dict[tuple, NfeStudyFinished] = {}
        self.shown: NfeStudyFinished | None = None
        self._build()
        if self._model is not None:
            self._on_model_changed(self._model)
        self._sync()

    # ================================================================== construction
    def _build(self) -> None:
        self.n_spin = QSpinBox()
        self.n_spin.setRange(2, 4096)
        self.n_spin.setValue(DEFAULT_N["points"])
        self.n_spin.setToolTip(self.tr("Samples per run (every run starts from the same x_T)"))
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        self.seed_spin.setToolTip(self.tr("The seed of the shared x_T"))
        self.nfe_edit = QLineEdit(", ".join(map(str, DEFAULT_NFE)))
        self.nfe_edit.setToolTip(self.tr("Model evaluations per run, e.g. 10, 20, 50 (Heun gets the nearest odd "
                                         "count: it evaluates twice per step but the last)"))
        self.reference_combo = QComboBox()
        self.reference_combo.addItem(self.tr("exact answer"), "exact")
        self.reference_combo.addItem(self.tr("model's T-step run"), "chain")
        self.reference_combo.setToolTip(self.tr(
            "What the RMSE is measured against. Exact answer (2-D sets): the training points' own probability-flow "
            "ODE solved finely, so the error includes the model's own (the curves flatten onto it). The model's "
            "T-step run from the same x_T: the sampler's discretization error alone, whose slope is its order."))
        run_controls(self, self.tr("Compute"), self.tr("Run every sampler at each NFE on the current model (off the "
                                                       "window's thread; cached per model and settings)"))
        self.message_label.setTextInteractionFlags(Qt.TextSelectableByMouse)

        bar = WrapRow()  # wraps when the tab is narrow: the window must fit a 1280-px screen
        for group in (hgroup(QLabel(self.tr("Samples")), self.n_spin), hgroup(QLabel(self.tr("seed")), self.seed_spin),
                      hgroup(QLabel(self.tr("NFE")), self.nfe_edit),
                      hgroup(QLabel(self.tr("Reference")), self.reference_combo)):
            bar.addWidget(group)
        bar.addWidget(hgroup(self.run_button, self.cancel_button, self.progress_bar), trailing=True)

        self.error_plot = pg.PlotWidget(enableMenu=False)
        self.metric_plot = pg.PlotWidget(enableMenu=False)
        for plot, title, left in ((self.error_plot, self.tr("Error of the final samples"), self.tr("RMSE")),
                                  (self.metric_plot, self.tr("Distance to real data"), self.tr("metric"))):
            item = plot.getPlotItem()
            item.setLogMode(x=True, y=True)
            item.setLabel("bottom", self.tr("NFE (model evaluations)"))
            item.setLabel("left", left)
            # error falls to the right and the metric towards its floor: the lower left / upper right stay free
            item.addLegend(offset=(10, -10) if plot is self.error_plot else (-10, 10))
            item.legend.setVisible(False)  # an empty legend draws an empty box: shown once it has curves
            _theme.set_plot_title(item, title)
            _theme.style_plot(plot)
        self.floor_line = pg.InfiniteLine(pos=0.0, angle=0, movable=False,
                                          pen=pg.mkPen(_theme.current_theme().text_dim, width=1, style=Qt.DashLine),
                                          label=self.tr("real data"), labelOpts={"position": 0.1})
        self.floor_line.setVisible(False)
        self.metric_plot.getPlotItem().addItem(self.floor_line)  # in the auto range: the floor is the scale
        self.error_curves: dict[str, pg.PlotDataItem] = {}
        self.metric_curves: dict[str, pg.PlotDataItem] = {}

        charts = QHBoxLayout()
        charts.addWidget(self.error_plot, 1)
        charts.addWidget(self.metric_plot, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        lay.addLayout(bar)
        lay.addWidget(self.message_label)
        lay.addLayout(charts, 1)

        self.run_button.clicked.connect(self.compute)
        self.cancel_button.clicked.connect(self.cancel)
        w = self.worker
        w.nfeStudyProgress.connect(self._on_progress)
        w.nfeStudyFinished.connect(self._on_finished)
        w.modelChanged.connect(self._on_model_changed)
        w.trainingStateChanged.connect(lambda _state: self._sync())

    # ================================================================== commands
    def nfe_targets(self) -> tuple[int, ...] | None:
        """The NFE list typed in, sorted and deduplicated; None (with a message) when it is unusable."""
        text = self.nfe_edit.text().replace(",", " ").replace(";", " ").split()
        T = self._model.timesteps if self._model is not None else 1000
        try:
            values = sorted({int(v) for v in text})
        except ValueError:
            values = []
        if len(values) < 2 or values[0] < 1 or values[-1] > T:
            self._show_message(self.tr("NFE: give at least two different whole numbers between 1 and {T}, "
                                       "e.g. 10, 20, 50.").format(T=T), "error")
            return None
        return tuple(values)

    def cache_key(self, nfe: tuple[int, ...]) -> tuple | None:
        """What a study depends on: the model (its data, preset, training step and settings) and this view's
        settings. None without a model."""
        facts = self._model
        if facts is None:
            return None
        return (facts.dataset, facts.preset, facts.step, facts.timesteps, repr(facts.config),
                self.n_spin.value(), self.seed_spin.value(), nfe, self.reference())

    def reference(self) -> str:
        """``exact`` (offered for 2-D models only) or ``chain``."""
        points = self._model is not None and self._model.kind == "points"
        return self.reference_combo.currentData() if points else "chain"

    def compute(self) -> None:
        if self._pending is not None or self._model is None:
            return
        nfe = self.nfe_targets()
        if nfe is None:
            return
        key = self.cache_key(nfe)
        if key in self.cache:
            self._show(self.cache[key])
            self._show_message(self.tr("From the cache: the same model and settings were measured before."),
                               "success")
            return
        self._pending_key = key
        self._pending = self.worker.study_nfe(self.n_spin.value(), self.seed_spin.value(), nfe, SAMPLERS,
                                              self.reference())
        self.progress_bar.setRange(0, 0)
        note = self.tr(" (queued until training stops)") if self.worker.state() in ("running", "paused") else ""
        self._show_message(self.tr("Running {count} samplers at NFE {nfe}{note}…").format(
            count=len(SAMPLERS), nfe=", ".join(map(str, nfe)), note=note))
        self._sync()

    def cancel(self) -> None:
        if self._pending is not None:
            self.worker.cancel_sampling()

    def shutdown(self) -> None:
        self.cancel()

    # ================================================================== worker signals
    def _on_model_changed(self, facts: ModelFacts) -> None:
        new_kind = self._model is None or self._model.kind != facts.kind
        self._model = facts
        if new_kind:
            self.n_spin.setValue(DEFAULT_N.get(facts.kind, 64))
            # images have no exact answer: their reference is the model's own T-step run
            self.reference_combo.setCurrentIndex(0 if facts.kind == "points" else 1)
        if self._pending is None and self.shown is None:
            self._show_message(self.tr("Press Compute: every sampler at each NFE from one x_T, its error against "
                                       "the reference and its distance to real data."))
        self._sync()

    def _on_progress(self, progress: NfeStudyProgress) -> None:
        if self._pending is None:
            return
        self.progress_bar.setRange(0, max(1, progress.total))
        self.progress_bar.setValue(progress.done)

    def _on_finished(self, finished: NfeStudyFinished) -> None:
        if self._pending is None or finished.request != self._pending:
            return
        self._pending = None
        self.progress_bar.setRange(0, 1)
        if finished.reason != "finished":
            self.progress_bar.setValue(0)
            text = self.tr("Cancelled.") if finished.reason == "cancelled" else self.tr(
                "Failed (see the message in the status bar).")
            self._show_message(text, "warning" if finished.reason == "cancelled" else "error")
            self._sync()
            return
        self.progress_bar.setValue(1)
        self.cache[self._pending_key] = finished
        self._show(finished)
        self._sync()

    # ================================================================== drawing
    def _show(self, study: NfeStudyFinished) -> None:
        self.shown = study
        theme = _theme.current_theme()
        for plot, curves in ((self.error_plot, self.error_curves), (self.metric_plot, self.metric_curves)):
            item = plot.getPlotItem()
            for curve in curves.values():
                item.removeItem(curve)
            curves.clear()
            item.legend.clear()
        orders = dict(study.orders)
        for i, sampler in enumerate(SAMPLERS):
            rows = [r for r in study.rows if r[0] == sampler]
            if not rows:
                continue
            nfe = np.asarray([r[2] for r in rows], dtype=np.float64)
            rmse = np.asarray([r[3] for r in rows], dtype=np.float64)
            metric = np.asarray([r[4] for r in rows], dtype=np.float64)
            style = dict(pen=pg.mkPen(theme.curve(i), width=2), symbol="o", symbolSize=7, symbolPen=None,
                         symbolBrush=pg.mkBrush(theme.curve(i)))
            self.error_curves[sampler] = self.error_plot.getPlotItem().plot(
                nfe, rmse, name=self.legend_text(sampler, orders.get(sampler)), **style)
            if np.isfinite(metric).any():
                self.metric_curves[sampler] = self.metric_plot.getPlotItem().plot(
                    nfe, metric, name=sampler_name(sampler), **style)
        for plot in (self.error_plot, self.metric_plot):
            legend = plot.getPlotItem().legend
            legend.setVisible(bool(legend.items))
        label = METRIC_LABELS.get(study.metric or "", study.metric or "")
        label = QCoreApplication.translate("NfeStudyView", label) if label else self.tr("metric")
        self.metric_plot.getPlotItem().setLabel("left", label)
        floor = study.floor
        self.floor_line.setVisible(floor is not None and floor > 0)
        if floor is not None and floor > 0:
            self.floor_line.setPos(math.log10(floor))  # the axis is logarithmic: the line sits at log10(floor)
        reference = self.tr("the exact answer of the training points (so a learned model's curve flattens at its "
                            "own error)") if study.reference == "exact" else self.tr(
            "the model's own {T}-step run from the same x_T (DDPM: DDPM-{T} with the same noise)").format(
            T=self._model.timesteps if self._model is not None else "T")
        floor_text = self.tr("; real-data floor {floor:.4g}").format(floor=floor) if floor else ""
        self._show_message(self.tr("Model at step {step:,}. RMSE against {reference}. Slope = fitted order p of "
                                   "error ~ NFE^-p{floor}.").format(step=study.model_step, reference=reference,
                                                                     floor=floor_text), "success")

    def legend_text(self, sampler: str, order: float | None) -> str:
        if order is None:
            return self.tr("{name} · order n/a").format(name=sampler_name(sampler))
        return self.tr("{name} · order {order:.2f}").format(name=sampler_name(sampler), order=order)

    def series(self, which: str = "error") -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """What a chart draws, per sampler: (NFE, value) as handed to pyqtgraph (before its log transform)."""
        curves = self.error_curves if which == "error" else self.metric_curves
        return {s: (np.asarray(c.xData), np.asarray(c.yData)) for s, c in curves.items()}

    def legend_labels(self, which: str = "error") -> list[str]:
        plot = self.error_plot if which == "error" else self.metric_plot
        return [label.text for _sample, label in plot.getPlotItem().legend.items]

    def apply_theme(self, theme: _theme.Theme) -> None:
        self.run_button.setIcon(_theme.icon("play", theme=theme))
        for plot in (self.error_plot, self.metric_plot):
            _theme.style_plot(plot, theme)
        if self.shown is not None:
            self._show(self.shown)

    def message(self) -> str:
        return self.message_label.text()

    def retranslate(self) -> None:
        """The legends and the message again through tr(), after a language switch."""
        if self.shown is not None and self._pending is None:
            self._show(self.shown)
        elif self._model is not None and self._pending is None:
            self._on_model_changed(self._model)
        self._sync()

    def _show_message(self, text: str, role: str = "dim") -> None:
        self.message_label.setText(text)
        self.message_label.setProperty("role", role)
        self.message_label.style().unpolish(self.message_label)
        self.message_label.style().polish(self.message_label)

    def _sync(self) -> None:
        idle = self._pending is None
        self.run_button.setEnabled(self._model is not None and idle and self.worker.state() != "stopping")
        self.cancel_button.setEnabled(not idle)
        for widget in (self.n_spin, self.seed_spin, self.nfe_edit):
            widget.setEnabled(idle)
        self.reference_combo.setEnabled(idle and self._model is not None and self._model.kind == "points")
        if self._model is None and idle:
            self._show_message(self.tr("No model yet: train one in the Training tab or open a checkpoint."))
