"""2-D lab tab: draw a point set, train on it, and hold the learned denoiser against the exact one.

Left, the canvas and its tools (gui/panels/lab2d_drawing.py). "Train on drawing" writes the drawing to the app
folder as a points .csv and starts the worker's usual training on it (the Experiment dock's settings moved to that
file by ``switch_dataset``); editing the drawing while that model trains or sits there sends :class:`SwapPoints`, and
the worker reloads the file into the trainer between two steps: training continues on the new points.

Right, the field at the paper's t (slider, kept in step with the shared timeline): the worker computes the learned
and the exact denoiser (engine.exact) on a grid and the panel draws arrows, the error heatmap and the noised data.
Field requests are throttled: at most one in flight and one every :data:`FIELD_INTERVAL_MS`, only while the tab is
visible and something changed (a slider move, new training steps, a new drawing). Under the field, ODE vs SDE paths
and the marginals over t (gui/panels/lab2d_study.py); the plots below it share a tab widget.

The drawing is part of the experiment: :meth:`Lab2DPanel.experiment_extras` puts it in the experiment file and
:meth:`Lab2DPanel.restore_experiment_extras` puts it back into the canvas (engine/experiment_file.py).
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from engine.config import ExperimentConfig
from engine.experiment_file import DRAWING_KEY, drawing_entry, drawing_points
from engine.presets import switch_dataset
from gui.events import (
    ErrorCurveReady,
    ErrorCurveRequest,
    ExactSampleRequest,
    ExactSamplesReady,
    FieldReady,
    FieldRequest,
    MarginalsReady,
    ModelFacts,
    PointsSwapped,
    SwapPoints,
    WorkerState,
)
from gui.panels.base import Panel, TimelineSpec
from gui.panels.lab2d_drawing import DrawingTools
from gui.panels.lab2d_export import Lab2DExport
from gui.panels.lab2d_guidance import GuidanceField
from gui.panels.lab2d_paths import PathOverlay
from gui.panels.lab2d_study import SamplerStudy
from gui.panels.lab2d_views import FIELD_MODES, ErrorCurvePlot, FieldView, NearestHistogram, plot_page
from gui.widgets.draw_canvas import save_points
from gui.widgets.wrap_row import WrapRow

if TYPE_CHECKING:
    from gui.worker import EngineWorker

FIELD_INTERVAL_MS = 300  # at most ~3 field requests a second
STALE_REQUEST_S = 5.0  # a request unanswered this long (e.g. dropped by a failing command) no longer blocks
GRID = 24
EXTENT = 3.0


def is_drawing(dataset: str) -> bool:
    return Path(dataset) == drawing_path()


def drawing_path() -> Path:
    """Where the drawing being trained on lives (the run's config names this file)."""
    from engine.appdirs import app_dir

    return app_dir() / "lab2d" / "drawing.csv"


class Lab2DPanel(Panel):
    def __init__(self, worker: EngineWorker, get_config: Callable[[], ExperimentConfig],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.worker = worker
        self._get_config = get_config
        self._field_dirty = True
        self._field_sent_at: float | None = None  # monotonic time of the request in flight
        self.last_field: FieldReady | None = None
        self.last_curve: ErrorCurveReady | None = None
        self.last_samples: ExactSamplesReady | None = None
        self._started_run = False  # this tab started the worker's latest run (on the drawing)
        self._build()
        self._connect()
        self._timer = QTimer(self)
        self._timer.setInterval(FIELD_INTERVAL_MS)
        self._timer.timeout.connect(self.request_field_if_due)
        self._timer.start()
        self._sync()

    # ================================================================== construction
    def _build(self) -> None:
        self.drawing = DrawingTools()
        self.canvas = self.drawing.canvas
        self.train_button = QPushButton(self.tr("Train on drawing"))
        self.train_button.setProperty("role", "primary")
        self.train_button.setToolTip(self.tr("Train a model on the drawn points with the Experiment dock's settings; "
                                             "edits made while it trains continue the same run on the new points"))
        self.stop_button = QPushButton(self.tr("Stop"))
        self.count_label = QLabel()

        run_row = QHBoxLayout()
        run_row.addWidget(self.train_button)
        run_row.addWidget(self.stop_button)
        run_row.addStretch(1)
        run_row.addWidget(self.count_label)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(self.drawing, 1)
        left_layout.addLayout(run_row)

        self.t_slider = QSlider(Qt.Horizontal)
        self.t_slider.setRange(1, self._timesteps())
        self.t_label = QLabel()
        self.mode_combo = QComboBox()
        self.mode_combo.addItem(self.tr("x̂₀ − x_t (denoising direction)"), "x0")
        self.mode_combo.addItem(self.tr("score −ε̂/σ_t"), "score")
        self.exact_check = QCheckBox(self.tr("Exact field"))
        self.exact_check.setChecked(True)
        self.exact_check.setToolTip(self.tr("Orange arrows: the exact denoiser of the training points (engine.exact)"))
        self.heatmap_check = QCheckBox(self.tr("Error heatmap"))
        self.heatmap_check.setChecked(True)
        self.error_label = QLabel()
        self.field_view = FieldView()
        self.curve_button = QPushButton(self.tr("Error vs t"))
        self.curve_plot = ErrorCurvePlot()
        self.sample_button = QPushButton(self.tr("Sample exact vs model"))
        self.histogram = NearestHistogram()
        self.samples_label = QLabel()
        self.samples_label.setWordWrap(True)
        self.message_label = QLabel(self.tr("Draw points (or pick a starter), then press Train on drawing."))
        self.message_label.setProperty("role", "dim")
        self.message_label.setWordWrap(True)
        self.message_label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)

        field_row = QHBoxLayout()
        field_row.addWidget(QLabel(self.tr("t")))
        field_row.addWidget(self.t_slider, 1)
        field_row.addWidget(self.t_label)
        options = WrapRow()  # wraps when the pane is narrow: the window must fit a 1280-px screen
        for w in (self.mode_combo, self.exact_check, self.heatmap_check):
            options.addWidget(w)
        options.addWidget(self.error_label, trailing=True)
        self.exporter = Lab2DExport(self)  # Export… (PNG figure, field.npz, GIF over t): gui/panels/lab2d_export.py
        options.addWidget(self.exporter.button, trailing=True)
        self.paths_overlay = PathOverlay(self.field_view.getPlotItem())
        self.study = SamplerStudy(self.worker, self.paths_overlay, self.t_slider.value)
        # conditional models only: class c, unconditional and guided arrows (gui/panels/lab2d_guidance.py)
        self.guidance = GuidanceField(self.worker, self.field_view.getPlotItem(), self.t_slider, self.mode_combo,
                                      (self.field_view.learned, self.field_view.exact), GRID, EXTENT)
        # the plots under the field share one tab widget: the field stays the main view at any window size
        self.bottom_tabs = QTabWidget()
        self.bottom_tabs.setDocumentMode(True)
        self.bottom_tabs.addTab(plot_page(self.curve_button, None, self.curve_plot), self.tr("Error vs t"))
        self.bottom_tabs.addTab(plot_page(self.sample_button, self.samples_label, self.histogram),
                                self.tr("Memorization"))
        self.bottom_tabs.addTab(self.study.marginals_page, self.tr("Marginals over t"))
        self.bottom_tabs.setMinimumHeight(240)
        field_block = QWidget()
        field_layout = QVBoxLayout(field_block)
        field_layout.setContentsMargins(0, 0, 0, 0)
        field_layout.addLayout(field_row)
        field_layout.addLayout(options)
        field_layout.addWidget(self.guidance)
        field_layout.addWidget(self.field_view, 1)
        field_layout.addWidget(self.study)
        self.right_splitter = QSplitter(Qt.Vertical)  # the user may trade field height for the plots below
        self.right_splitter.addWidget(field_block)
        self.right_splitter.addWidget(self.bottom_tabs)
        self.right_splitter.setStretchFactor(0, 1)
        self.right_splitter.setStretchFactor(1, 0)
        self.right_splitter.setChildrenCollapsible(False)
        self.right_splitter.setSizes([600, 250])

        splitter = QSplitter(Qt.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.right_splitter)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message_label)

    def _connect(self) -> None:
        self.study.message.connect(self._show_message)
        self.canvas.pointsChanged.connect(self._on_drawing_changed)
        self.drawing.message.connect(self._show_message)
        self.train_button.clicked.connect(self.train_on_drawing)
        self.stop_button.clicked.connect(self.worker.stop)
        self.t_slider.valueChanged.connect(self._on_t_changed)
        self.mode_combo.currentIndexChanged.connect(self._redraw_field)
        self.exact_check.toggled.connect(self._on_exact_toggled)
        self.heatmap_check.toggled.connect(self._redraw_field)
        self.curve_button.clicked.connect(lambda: self.worker.submit_lab2d(ErrorCurveRequest(grid=GRID,
                                                                                             extent=EXTENT)))
        self.sample_button.clicked.connect(self._on_sample_clicked)
        self.worker.lab2dResult.connect(self._on_result)
        self.worker.modelChanged.connect(self._on_model_changed)
        self.worker.progress.connect(lambda _: self._mark_dirty())
        self.worker.trainingStateChanged.connect(self._on_state)
        self.worker.error.connect(self._on_error)

    # ================================================================== Panel protocol
    def timeline_spec(self) -> TimelineSpec:
        return TimelineSpec("t", self._timesteps() + 1)

    def on_timeline(self, position: int) -> None:
        self.t_slider.setValue(max(1, int(position)))

    def set_config(self, cfg: ExperimentConfig) -> None:
        super().set_config(cfg)
        self._set_timesteps(self._timesteps())

    def show_own_exports(self) -> bool:
        self.exporter.button.showMenu()  # PNG figure, field.npz, GIF over t (gui/panels/lab2d_export.py)
        return True

    def shutdown(self) -> None:
        self._timer.stop()
        self.drawing.shutdown()
        self.exporter.shutdown()

    def experiment_extras(self) -> dict:
        """The drawing, as drawn, is part of the experiment (engine/experiment_file.py); ``trained`` marks a config
        whose dataset is the drawing's file, which an opened experiment writes back (on any machine)."""
        trained = is_drawing(self._config.data.dataset)
        return {DRAWING_KEY: drawing_entry(self.canvas.points(), trained=trained)}

    def restore_experiment_extras(self, extras: dict, cfg: ExperimentConfig) -> ExperimentConfig:
        if DRAWING_KEY not in extras:  # an experiment saved before drawings were part of it: keep the canvas
            return cfg
        entry = extras[DRAWING_KEY]
        points = drawing_points(entry)
        self.canvas.set_points(points)  # undoable: Undo brings back the drawing it replaced
        if entry.get("trained") is True and len(points) >= 2:
            save_points(points, drawing_path())
            cfg.data.dataset = str(drawing_path())  # this machine's drawing file, wherever the experiment was saved
        return cfg

    # ================================================================== drawing
    def _on_drawing_changed(self) -> None:
        self._sync()
        # while our run starts, the model in the facts is still the previous one: write the file all the same
        starting = self._started_run and self.worker.state() != "idle"
        if (starting or self._trains_drawing()) and len(self.canvas.points()) >= 2:
            save_points(self.canvas.points(), drawing_path())
            self.worker.submit_lab2d(SwapPoints(str(drawing_path())))

    # ================================================================== training
    def _trains_drawing(self) -> bool:
        facts = self.worker.model()
        return facts is not None and Path(facts.dataset) == drawing_path()

    def train_config(self) -> ExperimentConfig:
        """The Experiment dock's settings moved to the drawing's file (switch_dataset keeps the user's edits)."""
        cfg = switch_dataset(self._get_config(), str(drawing_path()))
        cfg.model.class_conditional = False  # a drawing has no labels
        return cfg

    def train_on_drawing(self) -> None:
        points = self.canvas.points()
        if len(points) < 2:
            self._show_message(self.tr("Draw at least 2 points first."), "warning")
            return
        if self.worker.state() != "idle":
            if self._trains_drawing():
                self._on_drawing_changed()
                self._show_message(self.tr("Training continues on the current drawing."))
            else:
                self._show_message(self.tr("Another training run is in progress; stop it first."), "warning")
            return
        save_points(points, drawing_path())
        self._started_run = True
        self.worker.start_training(self.train_config())
        self._show_message(self.tr("Training on {0} drawn points; edit the drawing to continue on new points.")
                           .format(len(points)))

    # ================================================================== field
    def _timesteps(self) -> int:
        facts = self.worker.model()
        return int(facts.timesteps) if facts is not None else int(self._config.schedule.timesteps)

    def _set_timesteps(self, T: int) -> None:
        if self.t_slider.maximum() != T:
            self.t_slider.setRange(1, T)
            self.timelineSpecChanged.emit()
        self._update_t_label()

    def _update_t_label(self) -> None:
        self.t_label.setText(self.tr("t = {0} / {1}").format(self.t_slider.value(), self.t_slider.maximum()))

    def _on_t_changed(self, t: int) -> None:
        self._update_t_label()
        self.study.set_t(int(t))
        self.seekRequested.emit(int(t))
        self._mark_dirty()

    def _on_exact_toggled(self, _checked: bool) -> None:
        self._mark_dirty()
        self._redraw_field()

    def _mark_dirty(self) -> None:
        self._field_dirty = True

    def _has_points_model(self) -> bool:
        facts = self.worker.model()
        return facts is not None and facts.kind == "points"

    def field_request(self) -> FieldRequest:
        return FieldRequest(t=int(self.t_slider.value()), grid=GRID, extent=EXTENT, exact=self.exact_check.isChecked()
                            or self.heatmap_check.isChecked())

    def request_field_if_due(self, *, force: bool = False) -> bool:
        """Send one field request when the tab is visible, something changed and none is in flight."""
        in_flight = self._field_sent_at is not None and time.monotonic() - self._field_sent_at < STALE_REQUEST_S
        if not self._has_points_model() or in_flight or not (force or (self._field_dirty and self.isVisible())):
            return False
        self._field_dirty = False
        self._field_sent_at = time.monotonic()
        self.worker.submit_lab2d(self.field_request())
        return True

    def _redraw_field(self, *_args) -> None:
        event = self.last_field
        if event is None:
            return
        self.field_view.show_field(event, self.mode_combo.currentData() or FIELD_MODES[0],
                                   self.exact_check.isChecked(), self.heatmap_check.isChecked())
        self.error_label.setText(self.tr("mean |x̂₀ − exact| = {0:.4f}").format(event.error_mean)
                                 if math.isfinite(event.error_mean) else "")

    # ================================================================== worker events
    def _on_result(self, event: object) -> None:
        if isinstance(event, FieldReady):
            self._field_sent_at = None
            self.last_field = event
            self._redraw_field()
        elif isinstance(event, ErrorCurveReady):
            self.last_curve = event
            self.curve_plot.show_curve(event)
        elif isinstance(event, ExactSamplesReady):
            self.last_samples = event
            self.histogram.show_distances(event)
            self._show_samples_label()
        elif self.study.on_result(event):
            if isinstance(event, MarginalsReady):
                self.bottom_tabs.setCurrentWidget(self.study.marginals_page)
        elif isinstance(event, PointsSwapped):
            self._mark_dirty()
            self._show_message(self.tr("Now training on the edited drawing ({0} points) from step {1}.")
                               .format(event.points, event.step))

    def _show_samples_label(self) -> None:
        event = self.last_samples
        if event is None:
            return
        self.samples_label.setText(self.tr("median distance to the nearest of {0} training points: exact "
                                           "{1:.3f}, model {2:.3f}").format(
            event.train_points, float(np.median(event.exact_nearest)), float(np.median(event.model_nearest))))

    def retranslate(self) -> None:
        """After a language switch (the Panel hook): re-render the readouts now, not at their next update."""
        self._sync()
        self._update_t_label()
        self._redraw_field()
        self._show_samples_label()
        self.study.retranslate()
        self.guidance.redraw()  # its legend

    def _on_sample_clicked(self) -> None:
        self.samples_label.setText(self.tr("sampling …"))
        self.worker.submit_lab2d(ExactSampleRequest(n=500, steps=50, seed=0))

    def _on_model_changed(self, facts: ModelFacts) -> None:
        self.study.forget_paths()
        self._set_timesteps(int(facts.timesteps))
        self._mark_dirty()
        self._sync()

    def _on_state(self, event: WorkerState) -> None:
        if event.state == "idle":
            self._started_run = False
        self._sync()

    def _on_error(self, _event: object) -> None:
        self._field_sent_at = None  # it may have been our request; the next tick asks again if needed

    def _sync(self) -> None:
        n = len(self.canvas.points())
        self.count_label.setText(self.tr("{0} points").format(n))
        running = self.worker.state() in ("running", "paused")
        self.stop_button.setEnabled(running)
        has_model = self._has_points_model()
        self.curve_button.setEnabled(has_model)
        self.sample_button.setEnabled(has_model)
        self.study.set_enabled(has_model)

