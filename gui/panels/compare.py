"""Compare tab: two to four sampler runs side by side from the same x_T, scrubbed by one timeline aligned by t.

Each column (gui/panels/compare_column.py) names a sampler, its steps, η and seed; Compare sends them to the worker as
one :class:`~gui.events.CompareRequest`, which records every run and returns them in one
:class:`~gui.events.CompareFinished`. Runs of different lengths visit different timesteps, so the shared timeline
runs over the paper's t, not over frames: position p is t = T − p (playback denoises, and the last position is the
finished samples), and at t each column shows its latest frame whose t is still >= t. Export GIF writes the columns
side by side per t (engine/export/compare.py) as a short job; File › Export offers the same animation with the
format, speed and size options of the other animations. The "Error vs NFE" sub-view (gui/panels/nfe_view.py)
charts every sampler's error against its model evaluations.

While Compare runs, every column shows its run live (:class:`~gui.events.CompareProgress`): its x_T at once, then
its frames as they come; the recorded runs replace the live view when all are finished. "Branch from here" in a
column re-samples its run from the frame at the timeline's t into a new column (gui/panels/compare_branches.py).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from engine.config import ExperimentConfig, SamplingConfig
from gui import jobs
from gui import theme as _theme
from gui.events import CompareFinished, CompareProgress, ModelFacts
from gui.panels.base import Panel, TimelineSpec
from gui.panels.compare_branches import CompareBranchingMixin
from gui.panels.compare_column import CompareColumnView, run_name
from gui.panels.nfe_view import NfeStudyView
from gui.widgets.job_controls import run_controls

if TYPE_CHECKING:
    from gui.worker import EngineWorker

MIN_COLUMNS, MAX_COLUMNS = 2, 4
#: the columns a fresh tab offers: a few-step ODE sampler, a second-order one, and the full ancestral chain
DEFAULT_COLUMNS = (("ddim", 10), ("dpmpp_2m", 10), ("ddpm", 1000))
DEFAULT_N = {"images": 16, "points": 500}


MAX_SAMPLES = 4096  # per column: 2000 points (the latency target) fit, four columns stay light


class ComparePanel(CompareBranchingMixin, Panel):
    """Sampler columns, one Compare command, one t-aligned timeline, a side-by-side GIF."""

    def __init__(self, worker: EngineWorker, get_config: Callable[[], ExperimentConfig],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.worker = worker
        self._get_config = get_config
        self._model: ModelFacts | None = worker.model()
        self._running = False
        self._timesteps = 0  # T of the model the shown runs came from (0: nothing recorded yet)
        self._t = 0
        self._export_job: jobs.Job | None = None
        self.last_export = None  # the ExportResult of the last GIF written
        self.columns: list[CompareColumnView] = []
        self._build()
        for sampler, steps in DEFAULT_COLUMNS:
            self.add_column(sampler, steps)
        if self._model is not None:
            self._on_model_changed(self._model)
        self._sync()

    # ================================================================== construction
    def _build(self) -> None:
        self.n_spin = QSpinBox()
        self.n_spin.setRange(1, MAX_SAMPLES)
        self.n_spin.setValue(DEFAULT_N["points"])
        self.n_spin.setToolTip(self.tr("Samples per column"))
        self.same_seed_check = QCheckBox(self.tr("Same x_T for all, seed"))
        self.same_seed_check.setChecked(True)
        self.same_seed_check.setToolTip(self.tr("One seed for all columns: every sampler starts from the same noise"))
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        self.seed_spin.setToolTip(self.tr("The shared seed of x_T"))
        self.view_combo = QComboBox()
        self.view_combo.addItem(self.tr("x_t"), "x_t")
        self.view_combo.addItem(self.tr("predicted x₀"), "x0_pred")
        self.view_combo.setToolTip(self.tr("What each column shows"))
        self.add_button = QPushButton(self.tr("Add column"))
        self.add_button.setToolTip(self.tr("Compare one more sampler (at most four)"))
        run_controls(self, self.tr("Compare"),
                     self.tr("Run every column's sampler on the current model and record each run"))
        self.export_button = QPushButton(self.tr("Export GIF…"))
        self.export_button.setToolTip(self.tr("The columns side by side, one frame per t, as an animated GIF"))

        # two fixed rows (settings; run controls) so the tab fits beside the dock on a 1280-px screen; not a
        # height-for-width WrapRow: with the columns below resizing as runs arrive, that relayout never settled
        settings_row = QHBoxLayout()
        settings_row.setSpacing(6)
        for widget in (QLabel(self.tr("Samples")), self.n_spin, self.same_seed_check, self.seed_spin,
                       QLabel(self.tr("Show")), self.view_combo, self.add_button):
            settings_row.addWidget(widget)
        settings_row.addStretch(1)
        run_row = QHBoxLayout()
        run_row.setSpacing(6)
        for widget in (self.run_button, self.cancel_button, self.progress_bar):
            run_row.addWidget(widget)
        run_row.addStretch(1)
        run_row.addWidget(self.export_button)
        bar = QVBoxLayout()
        bar.setSpacing(4)
        bar.addLayout(settings_row)
        bar.addLayout(run_row)
        self.columns_row = QHBoxLayout()
        self.columns_row.setSpacing(8)
        self.columns_row.setContentsMargins(0, 0, 0, 0)
        # no QScrollArea around the columns: their images scale with the height a horizontal scroll bar takes away,
        # so the bar came and went in a loop of layout requests that starved the event loop (an export with three
        # columns never returned); the columns shrink instead (three fit beside the dock on a 1280-px screen)
        side = QWidget()
        side_lay = QVBoxLayout(side)
        side_lay.setContentsMargins(0, 6, 0, 0)
        side_lay.setSpacing(6)
        side_lay.addLayout(bar)
        side_lay.addWidget(self.message_label)
        side_lay.addLayout(self.columns_row, 1)
        self.nfe_view = NfeStudyView(self.worker)
        self.views = QTabWidget()
        self.views.setDocumentMode(True)
        self.views.addTab(side, self.tr("Side by side"))
        self.views.addTab(self.nfe_view, self.tr("Error vs NFE"))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 8)
        lay.addWidget(self.views, 1)

        self.run_button.clicked.connect(self.run_comparison)
        self.cancel_button.clicked.connect(self.cancel)
        self.add_button.clicked.connect(lambda: self.add_column("ddim", 10))
        self.export_button.clicked.connect(lambda: self.export_gif())
        self.same_seed_check.toggled.connect(lambda _on: self._lock_seeds())
        self.seed_spin.valueChanged.connect(lambda _v: self._lock_seeds())
        self.view_combo.currentIndexChanged.connect(lambda _i: self._show_view())
        w = self.worker
        w.compareProgress.connect(self._on_progress)
        w.compareFinished.connect(self._on_finished)
        self.connect_branching()
        w.modelChanged.connect(self._on_model_changed)
        w.trainingStateChanged.connect(lambda _state: self._sync())

    # ================================================================== columns
    def add_column(self, sampler: str, steps: int) -> CompareColumnView | None:
        if len(self.columns) >= MAX_COLUMNS or self._running:
            return None
        T = self._model.timesteps if self._model is not None else int(self._config.schedule.timesteps)
        column = CompareColumnView(sampler, min(int(steps), T), self.seed_spin.value())
        column.set_max_steps(T)
        if self._model is not None:
            column.set_kind(self._model.kind)
        column.removeRequested.connect(self.remove_column)
        self.connect_column(column)
        self.columns.append(column)
        self.columns_row.addWidget(column, 1)
        self._lock_seeds()
        self._sync()
        return column

    def remove_column(self, column: CompareColumnView) -> None:
        if len(self.columns) <= MIN_COLUMNS or self._running or column not in self.columns:
            return
        self.columns.remove(column)
        column.setParent(None)
        column.deleteLater()
        self._sync()

    def _lock_seeds(self) -> None:
        for column in self.columns:
            column.set_seed_locked(self.same_seed_check.isChecked(), self.seed_spin.value())
        self.seed_spin.setEnabled(self.same_seed_check.isChecked())

    # ================================================================== protocol
    def timeline_spec(self) -> TimelineSpec:
        T = self._timesteps
        if not T:
            return TimelineSpec("steps", 1, [self.tr("press Compare to record the runs")])
        labels = [self.tr("t = {t}").format(t=T - p) if p < T else self.tr("t = 0 · final samples")
                  for p in range(T + 1)]
        return TimelineSpec("steps", T + 1, labels)

    def on_timeline(self, position: int) -> None:
        if self._timesteps:
            self._show_t(self.t_at(position))

    def t_at(self, position: int) -> int:
        """The paper's t at timeline ``position`` (position p is t = T − p)."""
        return max(0, self._timesteps - int(position))

    def position_of(self, t: int) -> int:
        return max(0, self._timesteps - int(t))

    def export_sources(self) -> tuple[dict, str | None]:
        """File › Export: the recorded comparison as one animation, with the dialog's format, speed and size."""
        if not self._recorded() or self._running:
            return {}, None
        return {"comparison": [column.compare_column() for column in self.columns]}, "compare"

    def set_config(self, cfg: ExperimentConfig) -> None:
        super().set_config(cfg)
        self._sync()

    def apply_theme(self, theme: _theme.Theme) -> None:
        self.run_button.setIcon(_theme.icon("play", theme=theme))
        for column in self.columns:
            column.apply_theme(theme)
        self.nfe_view.apply_theme(theme)

    def retranslate(self) -> None:
        """After a language switch: the columns' readouts, the timeline's t labels and the Error vs NFE view are
        rendered again through tr() (the recorded run's message by its render: Panel.retranslate_message)."""
        for column in self.columns:
            column.retranslate()
        if self._model is not None and not self._running:
            self._on_model_changed(self._model)  # before a comparison: the Ready message
        self.timelineSpecChanged.emit()
        if self._timesteps and not self._running:
            self._show_t(self._t)
            self.seekRequested.emit(self.position_of(self._t))
        self.nfe_view.retranslate()
        self._sync()

    def shutdown(self) -> None:
        self.cancel()
        self.nfe_view.shutdown()
        jobs.shutdown(self)

    # ================================================================== commands
    def base_sampling(self) -> SamplingConfig:
        """The experiment's sampling section (EMA, clipping, spacing...) with this tab's sample count."""
        base = self._config.sampling
        try:
            base = self._get_config().sampling
        except Exception:  # noqa: BLE001 - an invalid dock config does not block comparing the current model
            pass
        return dataclasses.replace(base, n=self.n_spin.value())

    def run_comparison(self) -> None:
        if self._running or self._model is None:
            return
        base = self.base_sampling()
        for column in self.columns:  # a branch column runs again as a plain column with its settings
            column.branch_of = None
        self._lock_seeds()
        runs = [column.sampling(base) for column in self.columns]
        for column in self.columns:  # the last comparison goes; each column shows its x_T as soon as it is drawn
            column.clear_view(self.tr("drawing x_T…"))
        if self._timesteps:
            self._timesteps = 0
            self.timelineSpecChanged.emit()
        self._running = True
        self.progress_bar.setRange(0, len(runs))
        self.progress_bar.setValue(0)
        note = self.tr(" (queued until training stops)") if self.worker.state() in ("running", "paused") else ""
        self._show_message(self.tr("Comparing {names} from seed {seed}{note}…").format(
            names=", ".join(run_name(r) for r in runs), seed=runs[0].seed, note=note))
        self.worker.compare(runs)
        self._sync()

    def cancel(self) -> None:
        if self._running:
            self.worker.cancel_sampling()

    def export_gif(self, path: str | None = None) -> None:
        """Write the comparison as a GIF (asks where when ``path`` is None); the file is made by a short job."""
        from engine.export.compare import export_comparison_animation

        if not self._recorded():
            return
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export comparison"), "comparison.gif",
                                                  self.tr("GIF (*.gif)"), options=QFileDialog.DontUseNativeDialog)
            if not path:
                return
        columns = [column.compare_column() for column in self.columns]
        self._show_message(self.tr("Writing {path}…").format(path=path))
        self._export_job = jobs.run("compare-gif", export_comparison_animation, columns, path,
                                    owner=self, cooperative=True, on_done=self._on_exported,
                                    on_error=lambda message: self._show_message(message, "error"))

    def _on_exported(self, result) -> None:
        self._export_job = None
        self.last_export = result
        self._show_message(self.tr("Exported {summary}").format(summary=result.summary()), "success")

    # ================================================================== worker signals
    def _on_model_changed(self, facts: ModelFacts) -> None:
        new_kind = self._model is None or self._model.kind != facts.kind
        self._model = facts
        if new_kind:
            self.n_spin.setValue(DEFAULT_N.get(facts.kind, 16))
        for column in self.columns:
            column.set_max_steps(facts.timesteps)
            if not self._timesteps:
                column.set_kind(facts.kind)
        if not self._running and not self._timesteps:
            self._show_message(self.tr("Ready: {dataset} model at step {step:,}. Choose the samplers and press "
                                       "Compare.").format(dataset=facts.dataset, step=facts.step))
        self._sync()

    def _on_progress(self, progress: CompareProgress) -> None:
        if not self._running or self._branch is not None:
            return
        if progress.runs == len(self.columns):
            self.columns[progress.run].show_live(progress, self.view_combo.currentData())
        self.progress_bar.setRange(0, progress.runs * max(1, progress.total))
        self.progress_bar.setValue(progress.run * progress.total + progress.step)
        self.progress_bar.setFormat(self.tr("run {run}/{runs}").format(run=progress.run + 1, runs=progress.runs))

    def _on_finished(self, finished: CompareFinished) -> None:
        if not self._running or self._branch is not None:
            return
        self._running = False
        self.progress_bar.setValue(self.progress_bar.maximum() if finished.reason == "finished" else 0)
        if finished.reason != "finished" or len(finished.runs) != len(self.columns):
            cancelled = finished.reason == "cancelled"
            for column in self.columns:
                column.clear_view(self.tr("cancelled: press Compare") if cancelled else self.tr("failed"))
            text = self.tr("Comparison cancelled: nothing recorded.") if cancelled else self.tr(
                "Comparison failed (see the message in the status bar).")
            self._show_message(text, "warning" if finished.reason == "cancelled" else "error")
            self._sync()
            return
        for column, run in zip(self.columns, finished.runs):
            column.set_run(run)
        self._timesteps = self._model.timesteps if self._model is not None else int(
            self._config.schedule.timesteps)
        names = ", ".join(run_name(r.sampling) for r in finished.runs)

        def recorded() -> str:  # made again after a language switch
            return self.tr("Recorded {names}. Scrub the timeline: every column shows its state at the same "
                           "t.").format(names=names)

        self._show_message(recorded(), "success", recorded)
        self._show_t(0)
        self.timelineSpecChanged.emit()
        self.seekRequested.emit(self.position_of(0))
        self._sync()

    # ================================================================== drawing
    def _recorded(self) -> bool:
        return bool(self.columns) and all(column.run is not None for column in self.columns)

    def _show_t(self, t: int) -> None:
        self._t = int(t)
        view = self.view_combo.currentData()
        for column in self.columns:
            column.show_t(self._t, view)

    def _show_view(self) -> None:
        if self._running:
            for column in self.columns:
                if column.live is not None:
                    column.show_live(column.live, self.view_combo.currentData())
        else:
            self._show_t(self._t)

    def shown_t(self) -> int:
        return self._t

    def _sync(self) -> None:
        has_model = self._model is not None
        idle = not self._running
        self.run_button.setEnabled(has_model and idle and self.worker.state() != "stopping")
        self.cancel_button.setEnabled(self._running)
        self.add_button.setEnabled(idle and len(self.columns) < MAX_COLUMNS)
        self.export_button.setEnabled(idle and self._recorded())
        for column in self.columns:
            column.set_editable(idle)
            column.remove_button.setEnabled(idle and len(self.columns) > MIN_COLUMNS)
            column.branch_button.setEnabled(self.can_branch(column))
        if not has_model and idle:
            self._show_message(self.tr("No model yet: train one in the Training tab or open a checkpoint, then "
                                       "compare samplers here."))
