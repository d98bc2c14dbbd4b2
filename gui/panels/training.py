"""Training tab: run controls, progress readouts, the live plots (gui/panels/training_plots.py) and the EMA preview
card (gui/panels/training_preview.py).

The panel only views what the :class:`~gui.worker.EngineWorker` reports (gui/events/): metrics batches go to the
plots, previews to the card. Every preview is also kept in :attr:`TrainingPanel.timelapse_frames` as
``(step, uint8 image)`` for a time-lapse export.
"""
from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from engine.config import ExperimentConfig
from engine.export.timelapse import thin_older
from gui import theme as _theme
from gui.engine_messages import engine_message
from gui.events import (
    CheckpointLoaded,
    CheckpointSaved,
    JobFailed,
    MetricsBatch,
    ModelFacts,
    PreviewReady,
    QualityScored,
    RunFinished,
    TrainingProgress,
    WorkerState,
)
from gui.panels.base import Panel, TimelineSpec
from gui.panels.training_plots import TrainingPlots
from gui.panels.training_preview import PreviewCard
from gui.panels.training_views import TrainingViews
from gui.widgets import RATE_READOUT, STEP_READOUT, TIME_READOUT, format_duration, reserve_width
from gui.widgets.equation_strip import EquationStrip

if TYPE_CHECKING:
    from gui.worker import EngineWorker


TIMELAPSE_MAX_FRAMES = 300  # time-lapse frames the window keeps; past that, older ones are thinned (as the CLI does)


class TrainingPanel(Panel):
    """Run controls and live plots for the worker's training session."""

    def __init__(self, worker: EngineWorker, get_config: Callable[[], ExperimentConfig],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.worker = worker
        self._get_config = get_config
        self._train_enabled = True
        self._state = "idle"
        self._kind: str | None = None
        self._total = 0
        self._last_step = 0
        self._run_started: float | None = None
        self._finished: tuple[str, str, int] | None = None
        self.timelapse_frames: list[tuple[int, np.ndarray]] = []
        self.preview_count = 0
        self.quality_count = 0  # QualityScored events received (all runs)
        self._pending_continue = False
        self._preparing = False  # "Preparing …" is shown until the run's first TrainingProgress
        self._build()
        self._connect()
        self._sync_buttons()

    # ================================================================== construction
    def _build(self) -> None:
        t = _theme.current_theme()

        def button(text: str, icon_name: str | None, tip: str) -> QPushButton:
            b = QPushButton(text)
            if icon_name:
                b.setIcon(_theme.icon(icon_name))
                b.setProperty("icon_name", icon_name)
            b.setToolTip(tip)
            return b

        self.start_button = button(self.tr("Start"), "train",
                                   self.tr("Train the model configured in the Experiment dock (Ctrl+Enter)"))
        self.start_button.setProperty("role", "primary")
        self.pause_button = button(self.tr("Pause"), "pause", self.tr("Pause after the current step; Resume continues"))
        self.step_button = button(self.tr("Step"), "step_forward",
                                  self.tr("Run exactly one optimizer step, then pause"))
        self.stop_button = button(self.tr("Stop"), None,
                                  self.tr("Stop training; the model keeps its weights (save or sample it)"))
        self.stop_button.setIcon(_theme.stop_icon(t.text))
        self.save_button = button(self.tr("Save checkpoint…"), "save",
                                  self.tr("Save the model, EMA weights, optimizer and loss history as a safetensors "
                                          "checkpoint"))
        self.continue_check = QCheckBox(self.tr("Continue model"))
        self.continue_check.setToolTip(self.tr("Keep training the model in memory (e.g. an opened checkpoint) "
                                               "instead of starting from scratch. Needs the same data, model and "
                                               "schedule."))

        self.step_label = QLabel(self.tr("step {0:,}").format(0))
        self.step_label.setProperty("role", "readout")
        self.rate_label = QLabel("– it/s")
        self.rate_label.setProperty("role", "readout")
        self.rate_label.setToolTip(self.tr("Optimizer steps per second (previews excluded)"))
        self.eta_label = QLabel("")
        self._progress = None  # the last TrainingProgress, for the elapsed / ETA readout after a language switch
        self.eta_label.setProperty("role", "readout")
        for lab in (self.step_label, self.rate_label, self.eta_label):
            lab.setTextInteractionFlags(Qt.TextSelectableByMouse)
        reserve_width(self.step_label, STEP_READOUT)
        reserve_width(self.rate_label, RATE_READOUT)
        reserve_width(self.eta_label, TIME_READOUT)

        bar = QHBoxLayout()
        bar.setSpacing(6)
        for b in (self.start_button, self.pause_button, self.step_button, self.stop_button):
            bar.addWidget(b)
        bar.addSpacing(8)
        bar.addWidget(self.continue_check)
        bar.addStretch(1)
        bar.addWidget(self.save_button)

        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setFixedHeight(4)
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)

        self.message_label = QLabel(self.tr("Configure an experiment in the dock, then press Start."))
        self.message_label.setProperty("role", "dim")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.message_label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)

        self.plots = TrainingPlots()
        self.preview = PreviewCard()
        self.splitter = QSplitter(Qt.Horizontal)
        self.views = TrainingViews(self.worker, self.plots)  # curves | loss by t over training | bound
        self.splitter.addWidget(self.views)
        self.splitter.addWidget(self.preview)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([600, 360])

        plot_tools = QHBoxLayout()
        plot_tools.setSpacing(12)
        plot_tools.addWidget(self.message_label, 1)
        plot_tools.addWidget(self.step_label)
        plot_tools.addWidget(self.rate_label)
        plot_tools.addWidget(self.eta_label)
        plot_tools.addWidget(self.plots.log_check)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 8)
        lay.setSpacing(6)
        lay.addLayout(bar)
        lay.addWidget(self.progress_bar)
        lay.addLayout(plot_tools)
        self.equation = EquationStrip("training")  # the loss being minimized, at the timeline's t
        lay.addWidget(self.equation)
        lay.addWidget(self.splitter, 1)

    def _connect(self) -> None:
        self.start_button.clicked.connect(self.start)
        self.pause_button.clicked.connect(self._on_pause_clicked)
        self.step_button.clicked.connect(self.step_once)
        self.stop_button.clicked.connect(self.stop)
        self.save_button.clicked.connect(self.save_checkpoint_dialog)
        self.continue_check.toggled.connect(lambda _on: self._sync_buttons())
        self.plots.redrawn.connect(self._show_readouts)
        w = self.worker
        w.metricsBatch.connect(self._on_metrics)
        w.progress.connect(self._on_progress)
        w.preview.connect(self._on_preview)
        w.qualityScored.connect(self._on_quality)
        w.trainingStateChanged.connect(self._on_state)
        w.trainingFinished.connect(self._on_finished)
        w.modelChanged.connect(self._on_model_changed)
        w.checkpointSaved.connect(self._on_checkpoint_saved)
        w.checkpointLoaded.connect(self._on_checkpoint_loaded)
        w.error.connect(self._on_error)

    # ================================================================== protocol
    def timeline_spec(self) -> TimelineSpec:
        return TimelineSpec("t", self._config.schedule.timesteps + 1)

    def on_timeline(self, position: int) -> None:
        self.equation.show_loss(self.schedule(), position, self._config.training)  # only the strip follows t

    def set_config(self, cfg: ExperimentConfig) -> None:
        super().set_config(cfg)
        self.equation.show_loss(self.schedule(), None, cfg.training)
        self._sync_buttons()

    def apply_theme(self, theme: _theme.Theme) -> None:
        self.views.apply_theme(theme)
        self.preview.apply_theme(theme)
        self.stop_button.setIcon(_theme.stop_icon(theme.text))
        for b in (self.start_button, self.pause_button, self.step_button, self.save_button):
            name = b.property("icon_name")
            if name:
                b.setIcon(_theme.icon(name, theme=theme))

    def export_sources(self) -> tuple[dict, str | None]:
        """The previews kept for a time-lapse, and the loss plots."""
        sources: dict = {}
        initial = None
        if self.timelapse_frames:
            sources["timelapse"] = list(self.timelapse_frames)
            initial = "timelapse"
        sources["plots"] = {"loss": self.plots.loss_plot, "loss_by_t": self.plots.tloss_plot,
                            "loss_by_t_over_training": self.views.heatmap.plot, "bound": self.views.bound.plot}
        return sources, initial or "plot:loss"

    # ================================================================== commands
    def set_train_enabled(self, enabled: bool) -> None:
        """The main window calls this with the config's validity; Start needs a valid config."""
        self._train_enabled = bool(enabled)
        self._sync_buttons()

    def _current_config(self) -> ExperimentConfig | None:
        try:
            cfg = self._get_config() if self._get_config is not None else self._config
        except Exception as exc:  # noqa: BLE001 - the dock refuses an invalid config with a message
            self._show_message(str(exc), "error")
            return None
        return cfg

    def _can_continue(self, cfg: ExperimentConfig | None = None) -> bool:
        from gui.worker import same_architecture

        model = self.worker.model()
        if model is None:
            return False
        cfg = cfg or self._config
        return same_architecture(model.config, cfg)

    def start(self) -> None:
        """Start (or, with "Continue current model", continue) training the dock's config."""
        if self._state != "idle" or not self._train_enabled:
            return
        cfg = self._current_config()
        if cfg is None:
            return
        resume = self.continue_check.isChecked() and self._can_continue(cfg)
        self._finished = None
        self._run_started = time.perf_counter()
        self._total = cfg.training.steps
        self._preparing = True  # until the first TrainingProgress replaces this message
        self._show_message((self.tr("Continuing the current model…") if resume else
                            self.tr("Preparing {0} and a {1} model…").format(cfg.data.dataset, cfg.model.preset)),
                           "dim")
        self.worker.start_training(cfg, resume=resume)

    def pause(self) -> None:
        self.worker.pause()

    def resume(self) -> None:
        self.worker.resume()

    def stop(self) -> None:
        self.worker.stop()

    def step_once(self) -> None:
        """One optimizer step, then pause (from idle this starts a paused run)."""
        if self._state == "idle":
            if not self._train_enabled:
                return
            self.continue_check.setChecked(self.continue_check.isChecked() or self._can_continue())
            self.start()
            self.worker.step_once()
            return
        self.worker.step_once()

    def _on_pause_clicked(self) -> None:
        if self._state == "paused":
            self.resume()
        else:
            self.pause()

    def save_checkpoint_dialog(self) -> None:
        """Ask for a run folder or a .safetensors file and save the worker's model there."""
        start_dir = str(Path.home())
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save checkpoint"), os.path.join(start_dir, "checkpoint.safetensors"),
            self.tr("Checkpoint file (*.safetensors);;Run folder (any name without .safetensors)"),
            options=QFileDialog.DontUseNativeDialog)
        if path:
            self.save_checkpoint_to(path)

    def save_checkpoint_to(self, path: str | Path) -> None:
        self._show_message(self.tr("Saving checkpoint to {0}…").format(path), "dim")
        self.worker.save_checkpoint(path)

    def open_checkpoint(self, path: str | Path) -> None:
        """Load a checkpoint into the worker: continue training it (Start) or sample it (Sampling tab)."""
        if self._state != "idle":
            self._show_message(self.tr("Stop training before opening a checkpoint."), "warning")
            return
        self._show_message(self.tr("Opening {0}…").format(path), "dim")
        self._pending_continue = True
        self.worker.load_checkpoint(path)

    # ================================================================== worker signals
    def _on_state(self, event: WorkerState) -> None:
        state = self._state = event.state
        if state == "paused":
            self.plots.flush_redraw()
            self._show_message(self.tr("Paused at step {0}. Resume, Step one optimizer step, or Stop.").format(
                self._last_step), "dim")
        elif state == "running" and self._message_role == "dim" and self._last_step and not self._preparing:
            self._show_message(self.tr("Training…"), "dim")
        elif state == "stopping":
            self._show_message(self.tr("Stopping after the current step…"), "dim")
        self._sync_buttons()

    def _on_model_changed(self, facts: ModelFacts) -> None:
        self._kind = facts.kind
        self._last_step = facts.step
        self.step_label.setText(self._step_text())
        self.plots.set_timesteps(facts.timesteps)
        self.preview.set_kind(self._kind)
        self.preview.fit_to_data(facts.data_box)
        self.preview.set_classes(facts.class_names if facts.conditional else ())
        if self._pending_continue:
            self._pending_continue = False
            self.continue_check.setChecked(True)
        self._sync_buttons()

    def _on_metrics(self, batch: MetricsBatch) -> None:
        if batch.replace:
            # another model (fresh, or opened from a checkpoint): its previews and time-lapse start over
            self.timelapse_frames.clear()
            self.preview_count = 0
            self.preview.clear()
            self.rate_label.setText("– it/s")
            self.eta_label.setText("")
            self._progress = None
        self._total = batch.total
        if len(batch.step):
            self._last_step = int(batch.step[-1])
        self.plots.add(batch)

    def _show_readouts(self) -> None:
        """After each drawn plot update: the step readout and the progress bar follow."""
        self.step_label.setText(self._step_text())
        self.equation.set_latest_loss(self.plots.last_smoothed_loss(), self._last_step)
        if self._total:
            self.progress_bar.setRange(0, max(1, self._total))
            self.progress_bar.setValue(min(self._last_step, self._total))

    def _step_text(self) -> str:
        if self._total and self._state != "idle":
            return self.tr("step {0:,} / {1:,}").format(self._last_step, self._total)
        return self.tr("step {0:,}").format(self._last_step)

    def _on_progress(self, progress: TrainingProgress) -> None:
        if self._preparing:  # the first progress of a run: the model is built and training, say so
            self._preparing = False
            if self._state == "running":
                self._show_message(self.tr("Training…"), "dim")
        rate = progress.its_per_sec
        self.rate_label.setText(f"{rate:,.1f} it/s" if rate >= 10 else f"{rate:.2f} it/s" if rate > 0 else "– it/s")
        self._progress = progress
        self._show_eta()

    def _show_eta(self) -> None:
        progress = self._progress
        if progress is not None:
            self.eta_label.setText(self.tr("elapsed {0} · ETA {1}").format(format_duration(progress.elapsed),
                                                                            format_duration(progress.eta)))

    def _on_preview(self, preview: PreviewReady) -> None:
        self.preview_count += 1
        frame = self.preview.show_preview(preview.step, preview.samples, len(self.timelapse_frames) + 1)
        self.timelapse_frames.append((int(preview.step), frame))
        self.timelapse_frames = thin_older(self.timelapse_frames, TIMELAPSE_MAX_FRAMES)

    def _on_quality(self, scored: QualityScored) -> None:
        self.quality_count += 1
        self.plots.add_quality(scored)

    def _on_finished(self, finished: RunFinished) -> None:
        reason, message, step = finished.reason, finished.message, finished.step
        self._preparing = False
        self.plots.flush_redraw()
        self._finished = (reason, message, step)
        self._last_step = step
        took_s = time.perf_counter() - self._run_started if self._run_started is not None else None
        last = self.plots.last_smoothed_loss()

        def ended() -> str:  # made again after a language switch (the engine's message too: gui/engine_messages)
            took = self.tr(" in {0}").format(format_duration(took_s)) if took_s is not None else ""
            final = self.tr(", smoothed loss {0:.4g}").format(last) if math.isfinite(last) else ""
            said = engine_message(message)
            if reason == "finished":
                return self.tr("Finished: {0:,} steps{1}{2}. Sample it in the Sampling tab, save a "
                               "checkpoint, or Start again to continue.").format(step, took, final)
            if reason == "stopped":
                return self.tr("Stopped at step {0:,}{1}. The model keeps its weights: sample it, save it, "
                               "or tick “Continue model” and Start.").format(step, final)
            if reason == "time_budget":
                return self.tr("Time budget reached: {0}.").format(said)
            if reason == "diverged":
                return self.tr("Training diverged — {0}.").format(said)
            if reason == "oom":
                return self.tr("Out of memory: {0}.").format(said)
            return self.tr("Training failed: {0}").format(said)

        role = {"finished": "success", "stopped": "dim", "time_budget": "warning"}.get(reason, "error")
        self._show_message(ended(), role, ended)
        if reason == "finished":
            self.continue_check.setChecked(True)
        elif reason == "diverged":
            self.continue_check.setChecked(False)
        self.step_label.setText(self._step_text())
        self._sync_buttons()

    def _on_checkpoint_saved(self, saved: CheckpointSaved) -> None:
        self._show_message(self.tr("Checkpoint saved to {0}.").format(saved.path), "success")

    def _on_checkpoint_loaded(self, loaded: CheckpointLoaded) -> None:
        cfg = loaded.config
        self.set_config(cfg)  # the main window also puts it in the dock; until then Continue compares with it
        self._show_message(self.tr("Opened a {0} checkpoint at step {1:,}. Start continues training it; the Sampling "
                                   "tab samples it.").format(cfg.data.dataset, self._last_step), "success")

    def _on_error(self, failed: JobFailed) -> None:
        self._pending_continue = False
        self._preparing = False
        self._show_message(failed.message, "error")

    # ================================================================== view state
    def retranslate(self) -> None:
        """After a language switch: the buttons that change with the state and the step readout, at once."""
        self.step_label.setText(self._step_text())
        self._show_eta()
        self.plots.retranslate()
        self.preview.retranslate()
        self.views.bound.retranslate()
        self.views.heatmap.redraw()  # the colour bar's label
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        s = self._state
        idle, running, paused = s == "idle", s == "running", s == "paused"
        can_continue = idle and self._can_continue()
        self.continue_check.setEnabled(can_continue)  # stays ticked while greyed out (e.g. another dataset)
        self.start_button.setEnabled(idle and self._train_enabled)
        self.start_button.setText(self.tr("Continue") if (self.continue_check.isChecked() and can_continue)
                                  else self.tr("Start"))
        self.pause_button.setEnabled(running or paused)
        self.pause_button.setText(self.tr("Resume") if paused else self.tr("Pause"))
        name = "play" if paused else "pause"
        self.pause_button.setProperty("icon_name", name)
        self.pause_button.setIcon(_theme.icon(name))
        self.step_button.setEnabled(running or paused or (idle and self._train_enabled))
        self.stop_button.setEnabled(running or paused)
        self.save_button.setEnabled(self.worker.model() is not None and s != "stopping")

    # ================================================================== for tests and export
    def loss_curve_data(self) -> tuple[np.ndarray, np.ndarray]:
        """Raw loss per step as plotted: (steps, losses) copies."""
        return self.plots.loss_curve_data()

    def smoothed_loss_data(self) -> tuple[np.ndarray, np.ndarray]:
        return self.plots.smoothed_loss_data()

    def lr_curve_data(self) -> tuple[np.ndarray, np.ndarray]:
        return self.plots.lr_curve_data()

    def quality_data(self) -> tuple[np.ndarray, np.ndarray]:
        """The quality plot's points: (steps, multiples of the real-data floor)."""
        return self.plots.quality_data()

    def timestep_loss_data(self) -> tuple[np.ndarray, np.ndarray]:
        return self.plots.timestep_loss_data()

    def state(self) -> str:
        return self._state
