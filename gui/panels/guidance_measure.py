"""The Sampling tab's Measure guidance: the fidelity / diversity trade-off of the current conditional digits model.

The worker runs engine.guidance_study.guidance_curve (gui/guidance_job.py; the function bench/guidance.py reports
with) at the sweep's scales (or 0, 1, 2, 4, 8): per scale, the digits classifier's accuracy on the requested classes,
and the classifier-feature Fréchet distance, precision and recall against real digits (Kynkäänniemi et al. 2019).
Ho & Salimans (2022, Fig. 4-5): larger s, more accurate and precise samples, lower recall. This view only draws.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QSpinBox, QVBoxLayout, QWidget

from engine.guidance_study import DEFAULT_SCALES
from gui.events import GuidanceStudyFinished, GuidanceStudyProgress, GuidanceStudyRequest, ModelFacts

CURVES = (("accuracy", "#8ce99a"), ("precision", "#5aa9ff"), ("recall", "#ff9f43"))
FD_COLOR = "#ff5c5c"


def measurable(facts: ModelFacts | None) -> bool:
    """Whether the digits classifier can score the model's samples (engine.guidance_study.guidance_curve's check)."""
    return bool(facts and facts.conditional and facts.kind == "images" and facts.num_classes == 10)


class GuidanceMeasure(QWidget):
    """Measure guidance / Cancel, samples per class, steps, progress; then the two curves against s."""

    def __init__(self, worker, get_scales: Callable[[], tuple[float, ...]], parent: QWidget | None = None):
        super().__init__(parent)
        self.worker = worker
        self._get_scales = get_scales
        self.request: GuidanceStudyRequest | None = None
        self.result: GuidanceStudyFinished | None = None
        self.measure_button = QPushButton(self.tr("Measure guidance"))
        self.measure_button.setToolTip(self.tr("Classifier accuracy, Fréchet distance, precision and recall against "
                                               "the guidance scale s (the sweep's scales, or 0, 1, 2, 4, 8)"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.per_class_spin = QSpinBox()
        self.per_class_spin.setRange(2, 500)
        self.per_class_spin.setValue(20)
        self.per_class_spin.setToolTip(self.tr("Samples per class at each scale"))
        self.steps_spin = QSpinBox()
        self.steps_spin.setRange(1, 1000)
        self.steps_spin.setValue(20)
        self.steps_spin.setToolTip(self.tr("DDIM steps (η = 0) per sample"))
        self.progress_bar = QProgressBar()
        self.progress_bar.setMaximumWidth(120)
        self.message_label = QLabel()
        self.message_label.setProperty("role", "dim")
        self.message_label.setWordWrap(True)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for w in (self.measure_button, self.cancel_button, QLabel(self.tr("per class")), self.per_class_spin,
                  QLabel(self.tr("steps")), self.steps_spin, self.progress_bar):
            row.addWidget(w)
        row.addWidget(self.message_label, 1)
        self.quality_plot = self._plot(self.tr("share"))
        self.quality_plot.addLegend(offset=(-10, 10))
        names = {"accuracy": self.tr("classifier accuracy"), "precision": self.tr("precision"),
                 "recall": self.tr("recall")}
        self.curves = {k: self.quality_plot.plot([], [], pen=pg.mkPen(c, width=2), symbol="o", symbolSize=6,
                                                 symbolBrush=c, name=names[k]) for k, c in CURVES}
        self.fd_plot = self._plot(self.tr("Fréchet distance"))
        self.curves["fd"] = self.fd_plot.plot([], [], pen=pg.mkPen(FD_COLOR, width=2), symbol="o", symbolSize=6,
                                              symbolBrush=FD_COLOR)
        self.plots = QWidget()
        plots_row = QHBoxLayout(self.plots)
        plots_row.setContentsMargins(0, 0, 0, 0)
        plots_row.addWidget(self.quality_plot)
        plots_row.addWidget(self.fd_plot)
        self.plots.setFixedHeight(200)
        self.plots.setVisible(False)  # until the first measurement
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(row)
        lay.addWidget(self.plots)
        self.measure_button.clicked.connect(self.measure)
        self.cancel_button.clicked.connect(self.worker.cancel_sampling)
        worker.guidanceStudy.connect(self._on_event)
        worker.modelChanged.connect(self.set_model)
        self.set_model(worker.model())

    def _plot(self, left: str) -> pg.PlotWidget:
        plot = pg.PlotWidget()
        item = plot.getPlotItem()
        item.setMenuEnabled(False)
        item.showGrid(x=True, y=True, alpha=0.15)
        item.setLabel("bottom", self.tr("guidance scale s"))
        item.setLabel("left", left)
        return plot

    def set_model(self, facts: ModelFacts | None) -> None:
        """Shown for conditional models; the classifier scores digits only, which a 2-D set is told plainly."""
        self.setVisible(bool(facts and facts.conditional))
        ok = measurable(facts)
        self.measure_button.setEnabled(ok and self.request is None)
        self.cancel_button.setEnabled(self.request is not None)
        if facts and facts.conditional and not ok:
            self.message_label.setText(self.tr("The trade-off is scored by a digits classifier, so it needs a "
                                               "conditional digits model; on a 2-D set, see the Guidance field in "
                                               "the 2-D lab."))
        elif ok and self.request is None and self.result is None:
            self.message_label.setText("")

    def measure(self) -> None:
        scales = self._get_scales() or DEFAULT_SCALES
        self.result = None
        self.request = self.worker.study_guidance(scales, self.per_class_spin.value(), self.steps_spin.value(), 0)
        self.progress_bar.setRange(0, len(scales))
        self.progress_bar.setValue(0)
        self.message_label.setText(self.tr("measuring {0} scales …").format(len(scales)))
        self.set_model(self.worker.model())

    def _on_event(self, event: object) -> None:
        if isinstance(event, GuidanceStudyProgress):
            self.progress_bar.setValue(event.done)
            return
        if not isinstance(event, GuidanceStudyFinished) or event.request != self.request:
            return
        self.request = None
        self.result = event
        self.set_model(self.worker.model())
        if event.reason == "error":
            self.message_label.setText(event.message)
            return
        self.show_points(event.points)
        self.message_label.setText(self._result_text(event))

    def _result_text(self, event: GuidanceStudyFinished) -> str:
        if event.reason == "cancelled":
            return self.tr("cancelled after {0} scales").format(len(event.points))
        return self.tr("{0} samples per scale, model step {1}").format(event.points[0].n if event.points else 0,
                                                                       event.model_step)

    def retranslate(self) -> None:
        """The message again through tr(), after a language switch."""
        self.set_model(self.worker.model())
        if self.request is not None:
            self.message_label.setText(self.tr("measuring {0} scales …").format(self.progress_bar.maximum()))
        elif self.result is not None and self.result.reason != "error":
            self.message_label.setText(self._result_text(self.result))

    def show_points(self, points) -> None:
        s = np.array([p.scale for p in points], dtype=np.float64)
        for key in ("accuracy", "precision", "recall", "fd"):
            self.curves[key].setData(s, np.array([getattr(p, key) for p in points], dtype=np.float64))
        self.plots.setVisible(bool(points))
