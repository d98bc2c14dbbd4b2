"""Inversion tab: DDIM inversion round trip of the current model's data, and how its error grows with fewer steps.

Pick K and which training items (digits or 2-D points), press Invert: the worker runs DDIM backwards from x0 to
x_T (engine.samplers.inversion: Song et al. 2021 Eq. 12 with t increasing) and DDIM with eta = 0 back, then the
same round trip for every K of the "Error vs K" list, and answers with one :class:`~gui.events.InversionFinished`.
The tab shows x0, x_T, the reconstruction and the error map (images) or error-coloured displacements (points), and
the error against K on log-log axes with its fitted order. Nothing here is scrubbed: the timeline shows a note.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from engine.config import ExperimentConfig
from engine.errors import UserError
from engine.samplers.inversion import parse_steps_list
from gui import theme as _theme
from gui.events import InversionFinished, InversionProgress, ModelFacts
from gui.panels.base import Panel, TimelineSpec
from gui.panels.inversion_views import ErrorVsStepsPlot, InversionImages, InversionPoints
from gui.widgets.job_controls import run_controls
from gui.widgets.wrap_row import WrapRow, hgroup

if TYPE_CHECKING:
    from gui.worker import EngineWorker

DEFAULT_N = {"images": 16, "points": 300}
DEFAULT_STEPS = 20
DEFAULT_STUDY = "5,10,20,50,100"


class InversionPanel(Panel):
    """K, the items, Invert; the four pictures (or the points) and the error-vs-K chart."""

    def __init__(self, worker: EngineWorker, get_config: Callable[[], ExperimentConfig],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.worker = worker
        self._get_config = get_config
        self._model: ModelFacts | None = worker.model()
        self._running = False
        self.result: InversionFinished | None = None
        self._build()
        if self._model is not None:
            self._on_model_changed(self._model)
        self._sync()

    # ================================================================== construction
    def _build(self) -> None:
        self.steps_spin = QSpinBox()
        self.steps_spin.setRange(1, 1000)
        self.steps_spin.setValue(DEFAULT_STEPS)
        self.steps_spin.setToolTip(self.tr("K: DDIM steps from x₀ up to x_T, and (by default) back down"))
        self.same_check = QCheckBox(self.tr("back with the same K"))
        self.same_check.setChecked(True)
        self.same_check.setToolTip(self.tr("Untick to reconstruct with another number of steps and see the "
                                           "mismatch"))
        self.back_spin = QSpinBox()
        self.back_spin.setRange(1, 1000)
        self.back_spin.setValue(DEFAULT_STEPS)
        self.back_spin.setToolTip(self.tr("DDIM steps of the way back (x_T to x₀′)"))
        self.n_spin = QSpinBox()
        self.n_spin.setRange(1, 2048)
        self.n_spin.setValue(DEFAULT_N["points"])
        self.n_spin.setToolTip(self.tr("How many items of the model's training data to invert"))
        self.start_spin = QSpinBox()
        self.start_spin.setRange(0, 10**8)
        self.start_spin.setToolTip(self.tr("The first training item to invert (e.g. another digit)"))
        self.study_edit = QLineEdit(DEFAULT_STUDY)
        self.study_edit.setMaximumWidth(140)
        self.study_edit.setToolTip(self.tr("The round trip is repeated for each K here, for the error-vs-K chart "
                                           "(empty: skip)"))
        run_controls(self, self.tr("Invert"),
                     self.tr("Take the items to x_T with DDIM inversion and back, and measure the error"),
                     progress_width=120)

        bar = WrapRow()  # wraps when the tab is narrow: the window must fit a 1280-px screen
        for group in (hgroup(QLabel(self.tr("K")), self.steps_spin), hgroup(self.same_check, self.back_spin),
                      hgroup(QLabel(self.tr("Items")), self.n_spin, QLabel(self.tr("from")), self.start_spin),
                      hgroup(QLabel(self.tr("Error vs K")), self.study_edit)):
            bar.addWidget(group)
        bar.addWidget(hgroup(self.run_button, self.cancel_button, self.progress_bar), trailing=True)
        self.images = InversionImages()
        self.points = InversionPoints()
        self.views = QStackedWidget()
        self.views.addWidget(self.images)
        self.views.addWidget(self.points)
        self.study_plot = ErrorVsStepsPlot()
        body = QHBoxLayout()
        body.addWidget(self.views, 2)  # the views get the room: their plot titles are cut on a 1280-px screen
        body.addWidget(self.study_plot, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 8)
        lay.setSpacing(6)
        lay.addLayout(bar)
        lay.addWidget(self.message_label)
        lay.addLayout(body, 1)

        self.run_button.clicked.connect(self.invert)
        self.cancel_button.clicked.connect(self.cancel)
        self.same_check.toggled.connect(lambda _on: self._sync())
        self.steps_spin.valueChanged.connect(lambda _v: self._sync())
        w = self.worker
        w.inversionProgress.connect(self._on_progress)
        w.inversionFinished.connect(self._on_finished)
        w.modelChanged.connect(self._on_model_changed)
        w.trainingStateChanged.connect(lambda _state: self._sync())

    # ================================================================== protocol
    def timeline_spec(self) -> TimelineSpec:
        return TimelineSpec("steps", 1, [self.tr("the Inversion tab has no timeline: press Invert")])

    def apply_theme(self, theme: _theme.Theme) -> None:
        self.run_button.setIcon(_theme.icon("play", theme=theme))

    def shutdown(self) -> None:
        self.cancel()

    # ================================================================== commands
    def study_steps(self) -> tuple[int, ...]:
        """The K list of the error-vs-K chart; raises UserError with the reason."""
        text = self.study_edit.text().strip()
        if not text:
            return ()
        T = self._model.timesteps if self._model is not None else int(self._config.schedule.timesteps)
        return tuple(parse_steps_list(text, T, self.tr("Error vs K")))

    def invert(self) -> None:
        if self._running or self._model is None:
            return
        try:
            study = self.study_steps()
        except UserError as exc:
            self._show_message(str(exc), "error")
            return
        steps = self.steps_spin.value()
        back = steps if self.same_check.isChecked() else self.back_spin.value()
        self._running = True
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        # served between two training steps (gui/events/ MID_RUN_COMMANDS): the model as it is now
        self._show_message(self.tr("Inverting {n} items over K = {k} steps…").format(n=self.n_spin.value(), k=steps))
        self.worker.invert(steps, back, self.n_spin.value(), self.start_spin.value(), study)
        self._sync()

    def cancel(self) -> None:
        if self._running:
            self.worker.cancel_sampling()

    # ================================================================== worker signals
    def _on_model_changed(self, facts: ModelFacts) -> None:
        new_kind = self._model is None or self._model.kind != facts.kind
        self._model = facts
        for spin in (self.steps_spin, self.back_spin):
            spin.setMaximum(facts.timesteps)
        if new_kind:
            self.n_spin.setValue(DEFAULT_N.get(facts.kind, 16))
            self.views.setCurrentWidget(self.images if facts.kind == "images" else self.points)
        if not self._running and self.result is None:
            self._show_message(self.tr("Ready: {dataset} model at step {step:,}. Choose K and the items, then press "
                                       "Invert.").format(dataset=facts.dataset, step=facts.step))
        self._sync()

    def _on_progress(self, progress: InversionProgress) -> None:
        if self._running:
            self.progress_bar.setRange(0, max(1, progress.total))
            self.progress_bar.setValue(progress.done)

    def _on_finished(self, event: InversionFinished) -> None:
        if not self._running:
            return
        self._running = False
        if event.reason != "finished":
            self.progress_bar.setValue(0)
            text = self.tr("Inversion cancelled.") if event.reason == "cancelled" else self.tr(
                "Inversion failed (see the message in the status bar).")
            self._show_message(text, "warning" if event.reason == "cancelled" else "error")
            self._sync()
            return
        self.result = event
        self.progress_bar.setValue(self.progress_bar.maximum())
        self.views.setCurrentWidget(self.images if event.kind == "images" else self.points)
        (self.images if event.kind == "images" else self.points).show_result(event)
        self.study_plot.show_result(event)
        self._show_result_message(event)
        self._sync()

    def _show_result_message(self, event: InversionFinished) -> None:
        back = "" if event.reconstruct_steps == event.steps else self.tr(", {b} back").format(
            b=event.reconstruct_steps)
        worst = float(event.sample_error.max()) if event.sample_error.size else math.nan
        self._show_message(self.tr("K = {k}{back}: round-trip RMSE {rmse:.3g}, worst item {worst:.3g}. Fewer steps "
                                   "give a larger error (see Error vs K).").format(
            k=event.steps, back=back, rmse=event.rmse, worst=worst), "success")

    def retranslate(self) -> None:
        """After a language switch: the result's message and captions (or the Ready note) again through tr()."""
        self.timelineSpecChanged.emit()
        if self._running:
            return
        if self.result is not None:
            if self.result.kind == "images":
                self.images.show_result(self.result)
            self.study_plot.show_result(self.result)
            self._show_result_message(self.result)
        elif self._model is not None:
            self._on_model_changed(self._model)
        self._sync()

    def _sync(self) -> None:
        has_model = self._model is not None
        idle = not self._running
        self.run_button.setEnabled(has_model and idle and self.worker.state() != "stopping")
        self.cancel_button.setEnabled(self._running)
        self.back_spin.setEnabled(idle and not self.same_check.isChecked())
        if self.same_check.isChecked():
            self.back_spin.setValue(self.steps_spin.value())
        for widget in (self.steps_spin, self.same_check, self.n_spin, self.start_spin, self.study_edit):
            widget.setEnabled(idle)
        if not has_model and idle:
            self._show_message(self.tr("No model yet: train one in the Training tab or open a checkpoint, then "
                                       "invert its data here."))
