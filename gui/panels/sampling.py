"""Sampling tab: run any engine sampler on the worker's model, watch it denoise, then scrub the recorded trajectory.

While a run is in flight the worker sends a throttled preview (predicted x0 for images, the current x_t for 2-D
points). When it finishes, the panel holds the recorded :class:`~engine.samplers.Trajectory` and the shared timeline
ranges over its frames; :meth:`SamplingPanel.on_timeline` only *indexes* the trajectory (nothing is recomputed). The
views (gui/panels/sampling_views.py) show x_t, the predicted x0 and noise, or one followed sample, or 2-D points.
The Branches box (gui/panels/sampling_branches.py) re-samples the run from the frame on the timeline and keeps the
run and its branches as a tree; the shown trajectory is the selected node's.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from engine.config import ExperimentConfig, SamplingConfig
from gui import theme as _theme
from gui.events import ModelFacts, SamplingAborted, SamplingFinished, SamplingFrame
from gui.panels.base import Panel, TimelineSpec
from gui.panels.guidance_controls import GuidanceControls
from gui.panels.guidance_measure import GuidanceMeasure
from gui.panels.sampler_fields import SamplerMenu, frame_label, nfe_text, uses_eta
from gui.panels.sampling_branches import BranchBox, BranchingMixin, BranchNode
from gui.panels.sampling_equation import step_for_frame
from gui.panels.sampling_views import SamplingViews
from gui.widgets.equation_strip import EquationStrip

if TYPE_CHECKING:
    from gui.worker import EngineWorker

MAX_IMAGES = 1024
MAX_POINTS = 100_000


class SamplingPanel(BranchingMixin, Panel):
    """Sampler form, live preview, trajectory scrubbing and branches."""

    def __init__(self, worker: EngineWorker, get_config: Callable[[], ExperimentConfig],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.worker = worker
        self._get_config = get_config
        self.trajectory = None
        self._position = 0
        self._selected: int | None = None
        self._displayed: dict[str, np.ndarray] = {}
        self._model: ModelFacts | None = worker.model()
        self._sampling = False
        self._last_sampling_cfg: SamplingConfig | None = None
        self._run_cfg: SamplingConfig | None = None
        self._build()
        self._connect()
        self._fill_form(self._config.sampling)
        self._sync()

    # ================================================================== construction
    def _build(self) -> None:
        self.sampler_combo = SamplerMenu()  # every engine sampler, choice help as tooltips
        self.steps_spin = QSpinBox()
        self.steps_spin.setRange(1, 1000)
        self.steps_spin.setToolTip(self.tr("Sampler steps (≤ the model's T): one model evaluation each, two for Heun"))
        self.eta_spin = QDoubleSpinBox()
        self.eta_spin.setRange(0.0, 1.0)
        self.eta_spin.setSingleStep(0.1)
        self.eta_spin.setToolTip(self.tr("DDIM stochasticity η: 0 = deterministic, 1 = DDPM-like noise (Song et al. "
                                         "Eq. 16); only DDIM uses it"))
        self.n_spin = QSpinBox()
        self.n_spin.setRange(1, MAX_POINTS)
        self.n_spin.setToolTip(self.tr("How many samples to draw"))
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        for spin in (self.steps_spin, self.n_spin, self.seed_spin):
            spin.setMinimumWidth(84)
        self.seed_spin.setToolTip(self.tr("Seed of the starting noise x_T (and of DDPM's noise): same seed, same "
                                          "samples"))
        self.dice_button = QToolButton()
        self.dice_button.setIcon(_theme.icon("dice"))
        self.dice_button.setProperty("icon_name", "dice")
        self.dice_button.setToolTip(self.tr("New random seed"))
        self.dice_button.setAutoRaise(True)
        self.ema_check = QCheckBox(self.tr("EMA weights"))
        self.ema_check.setToolTip(self.tr("Sample with the exponential moving average of the weights (usually "
                                           "better)"))

        self.run_button = QPushButton(_theme.icon("play"), self.tr("Sample"))
        self.run_button.setProperty("icon_name", "play")
        self.run_button.setProperty("role", "primary")
        self.run_button.setToolTip(self.tr("Run the sampler on the current model and record every step"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop the running sampler"))
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.progress_bar.setFormat(self.tr("%v / %m steps"))
        self.progress_bar.setMinimumWidth(160)

        def label(text: str, buddy: QWidget) -> QLabel:
            lab = QLabel(text)
            lab.setBuddy(buddy)
            lab.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
            return lab

        # two compact rows, so the tab fits next to the dock in a 1280 px window
        form = QGridLayout()
        form.setHorizontalSpacing(8)
        form.setVerticalSpacing(4)
        form.addWidget(label(self.tr("Sampler"), self.sampler_combo), 0, 0)
        form.addWidget(self.sampler_combo, 0, 1)
        form.addWidget(label(self.tr("Steps"), self.steps_spin), 0, 2)
        form.addWidget(self.steps_spin, 0, 3)
        self.eta_label = label("η", self.eta_spin)
        form.addWidget(self.eta_label, 0, 4)
        form.addWidget(self.eta_spin, 0, 5)
        form.addWidget(label(self.tr("Samples"), self.n_spin), 1, 0)
        form.addWidget(self.n_spin, 1, 1)
        form.addWidget(label(self.tr("Seed"), self.seed_spin), 1, 2)
        seed_row = QHBoxLayout()
        seed_row.setSpacing(2)
        seed_row.addWidget(self.seed_spin, 1)
        seed_row.addWidget(self.dice_button)
        form.addLayout(seed_row, 1, 3)
        form.addWidget(self.ema_check, 1, 4, 1, 2)
        form.setColumnStretch(6, 1)
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        form.addLayout(buttons, 0, 7)
        form.addWidget(self.progress_bar, 1, 7)

        self.message_label = QLabel("")
        self.message_label.setProperty("role", "dim")
        self.message_label.setWordWrap(True)
        self.message_label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.message_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self._message_role = "dim"

        self.follow_label = QLabel("")
        self.follow_label.setProperty("role", "readout")
        self.nfe_label = QLabel("")
        self.nfe_label.setProperty("role", "readout")
        self.nfe_label.setToolTip(self.tr("Model evaluations (NFE) the run used"))
        self.show_all_button = QPushButton(self.tr("Show all"))
        self.show_all_button.setToolTip(self.tr("Back to the grid of all samples"))
        info = QHBoxLayout()
        info.addWidget(self.message_label, 1)
        info.addWidget(self.follow_label)
        info.addWidget(self.nfe_label)
        info.addWidget(self.show_all_button)

        self.views = SamplingViews()
        self.views.cellClicked.connect(self.select_sample)
        self.views.singleClicked.connect(self.show_all)
        # the views' parts, by the names tests and the export wiring know them
        self.grids, self.singles, self.points_plot = self.views.grids, self.views.singles, self.views.points_plot

        frame = QFrame()
        frame.setProperty("role", "card")
        fl = QVBoxLayout(frame)
        fl.setContentsMargins(8, 8, 8, 8)
        fl.addWidget(self.views)
        self.branches = BranchBox()
        self.branches.hide()  # until there is a recorded run to branch
        views_row = QHBoxLayout()
        views_row.setSpacing(6)
        views_row.addWidget(frame, 1)
        views_row.addWidget(self.branches)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 8)
        lay.setSpacing(6)
        lay.addLayout(form)
        self.guidance = GuidanceControls()  # class, guidance scale, negative class: conditional models only
        lay.addWidget(self.guidance)
        self.measure = GuidanceMeasure(self.worker, self.guidance.sweep)  # the trade-off vs s (guidance_measure.py)
        lay.addWidget(self.measure)
        lay.addLayout(info)
        self.equation = EquationStrip("sampling")  # the update taken from the frame on the timeline
        self.equation.show_step(None)
        lay.addWidget(self.equation)
        lay.addLayout(views_row, 1)

    def _connect(self) -> None:
        self.run_button.clicked.connect(self.run_sampling)
        self.cancel_button.clicked.connect(self.cancel)
        self.show_all_button.clicked.connect(self.show_all)
        self.dice_button.clicked.connect(self._new_seed)
        self.sampler_combo.currentIndexChanged.connect(lambda _i: self._sync())
        self.branches.tree.nodeSelected.connect(self.show_node)
        self.branches.branch_button.clicked.connect(self.branch_here)
        w = self.worker
        w.branchFinished.connect(self._on_branch_finished)
        w.samplingProgress.connect(self._on_progress)
        w.samplingFinished.connect(self._on_finished)
        w.samplingAborted.connect(self._on_aborted)
        w.modelChanged.connect(self._on_model_changed)
        w.trainingStateChanged.connect(lambda _state: self._sync())

    # ================================================================== protocol
    def timeline_spec(self) -> TimelineSpec:
        traj = self.trajectory
        if traj is None or len(traj) == 0:
            return TimelineSpec("steps", 1, [self.tr("run the sampler to record a trajectory")])
        labels = [frame_label(s, traj.num_steps, t) for s, t in zip(traj.steps, traj.timesteps)]
        return TimelineSpec("steps", len(traj), labels)

    def on_timeline(self, position: int) -> None:
        if self.trajectory is None or len(self.trajectory) == 0:
            return
        self._position = min(max(int(position), 0), len(self.trajectory) - 1)
        self._show_frame(self._position)

    def set_config(self, cfg: ExperimentConfig) -> None:
        super().set_config(cfg)
        if cfg.sampling != self._last_sampling_cfg:
            self._fill_form(cfg.sampling)
        self._sync()

    def apply_theme(self, theme: _theme.Theme) -> None:
        self.points_plot.apply_theme(theme)
        self.branches.apply_theme(theme)
        for b in (self.run_button, self.dice_button):
            b.setIcon(_theme.icon(b.property("icon_name"), theme=theme))
        if self.trajectory is not None:
            self._show_frame(self._position)

    def export_sources(self) -> tuple[dict, str | None]:
        """The shown trajectory (the run or the selected branch: the reverse-process animation) and its finished
        samples."""
        if self.trajectory is None:
            return {}, None
        sources = {"trajectory": self.trajectory}
        if self.trajectory.final is not None:
            sources["samples"] = self.trajectory.final
        return sources, "reverse"

    def shutdown(self) -> None:
        """Called by the main window on close."""
        self.cancel()

    def retranslate(self) -> None:
        """After a language switch: the readouts, the branch tree, the class menus and the timeline's frame labels
        are rendered again through tr() (the recorded run's message by its render: Panel.retranslate_message)."""
        if self._model is not None:
            self._on_model_changed(self._model)  # the class menus and, before a run, the Ready message
        self.branches.tree.retranslate()
        for menu in (self.sampler_combo, self.branches.sampler_combo):
            menu.retranslate()  # the chosen sampler's help in the menu's tooltip
        node = self.branches.tree.current()
        if node is not None:
            nfe = self.branches.tree.nodes[node].nfe
            self.nfe_label.setText(nfe_text(nfe) if nfe else "")
        self.measure.retranslate()
        self.timelineSpecChanged.emit()  # the frame labels (or the note before a run)
        if self.trajectory is not None and len(self.trajectory):
            self._show_frame(self._position)
            self.seekRequested.emit(self._position)
        self._sync()

    # ================================================================== form
    def _fill_form(self, s: SamplingConfig) -> None:
        self._last_sampling_cfg = dataclasses.replace(s)
        blockers = [QSignalBlocker(w) for w in (self.sampler_combo, self.steps_spin, self.eta_spin, self.n_spin,
                                                 self.seed_spin, self.ema_check)]
        self.sampler_combo.set_sampler(s.sampler)
        self.steps_spin.setMaximum(max(self._max_steps(), 1))
        self.steps_spin.setValue(int(s.steps))
        self.eta_spin.setValue(float(s.eta))
        self.n_spin.setValue(int(s.n))
        self.seed_spin.setValue(int(min(s.seed, self.seed_spin.maximum())))
        self.ema_check.setChecked(bool(s.use_ema))
        self.guidance.set_values(s)
        del blockers

    def _max_steps(self) -> int:
        if self._model is not None:
            return self._model.timesteps
        return int(self._config.schedule.timesteps)

    def _new_seed(self) -> None:
        self.seed_spin.setValue(int(np.random.default_rng().integers(0, 2**31 - 1)))

    def sampling_config(self) -> SamplingConfig:
        """The form's values over the experiment's sampling section."""
        base = self._config.sampling
        try:
            base = self._get_config().sampling if self._get_config is not None else base
        except Exception:  # noqa: BLE001 - an invalid dock config does not block sampling the current model
            pass
        return dataclasses.replace(base, sampler=self.sampler_combo.sampler(), steps=self.steps_spin.value(),
                                   eta=self.eta_spin.value(), n=self.n_spin.value(), seed=self.seed_spin.value(),
                                   use_ema=self.ema_check.isChecked(), **self.guidance.values())

    def form_errors(self) -> list[str]:
        errors = []
        if self._model is None:
            errors.append(self.tr("No model yet: train one in the Training tab or open a checkpoint (File › Open "
                                  "checkpoint)."))
            return errors
        T = self._max_steps()
        if self.steps_spin.value() > T:
            errors.append(self.tr("Steps must be ≤ the model's T = {T}.").format(T=T))
        n_max = MAX_IMAGES if self._model.kind == "images" else MAX_POINTS
        if self.n_spin.value() > n_max:
            errors.append(self.tr("Samples must be ≤ {n} for images.").format(n=n_max) if self._model.kind == "images"
                          else self.tr("Samples must be ≤ {n} for points.").format(n=n_max))
        errors += list(filter(None, [self.guidance.problem()]))
        return errors

    # ================================================================== commands
    def run_sampling(self) -> None:
        if self._sampling:
            return
        errors = self.form_errors()
        if errors:
            self._show_message(" ".join(errors), "error")
            return
        cfg = self.sampling_config()
        self._run_cfg = cfg
        self._sampling = True
        self.progress_bar.setRange(0, max(1, cfg.steps))
        self.progress_bar.setValue(0)
        model = self._model
        note = self.tr(" (queued between two training steps)") if self.worker.state() in ("running", "paused") else ""
        self._show_message(self.tr("Sampling {n} × {sampler}{guidance}, {steps} steps, seed {seed} from the {dataset} "
                                   "model at step {step:,}{note}…").format(
            n=cfg.n, sampler=cfg.sampler.upper(), guidance=self.guidance.describe(cfg), steps=cfg.steps, seed=cfg.seed,
            dataset=model.dataset, step=model.step, note=note), "dim")
        self.worker.sample(cfg)
        self._sync()

    def cancel(self) -> None:
        if self._sampling:
            self.worker.cancel_sampling()

    def select_sample(self, index: int) -> None:
        """Follow sample ``index`` large through the timeline."""
        n = self._sample_count()
        if not 0 <= index < n:
            return
        self._selected = int(index)
        self.views.follow(True)
        if self.trajectory is not None:
            self._show_frame(self._position)
        self._sync()

    def show_all(self) -> None:
        self._selected = None
        self.views.follow(False)
        if self.trajectory is not None:
            self._show_frame(self._position)
        self._sync()

    def selected_sample(self) -> int | None:
        return self._selected

    # ================================================================== worker signals
    def _on_model_changed(self, facts: ModelFacts) -> None:
        self._model = facts
        self.guidance.set_model(facts)
        kind = facts.kind
        self.views.show_kind(kind)  # (follows the model: a 2-D model shows the plot before its first run)
        self.steps_spin.setMaximum(max(1, facts.timesteps))
        self.n_spin.setMaximum(MAX_IMAGES if kind == "images" else MAX_POINTS)
        self.branches.set_conditional(facts.num_classes > 0 and facts.config.model.class_conditional)
        if not self._sampling and self.trajectory is None:
            self._show_message(self.tr("Ready: {dataset} model ({preset}) at step {step:,}. Choose a sampler and "
                                       "press Sample.").format(dataset=facts.dataset, preset=facts.preset,
                                                               step=facts.step), "dim")
        self._sync()

    def _on_progress(self, frame: SamplingFrame) -> None:
        if not self._sampling:
            return
        step, total = frame.step, frame.total
        self.progress_bar.setRange(0, max(1, total))
        self.progress_bar.setValue(min(step, total))
        self.views.show_live(np.asarray(frame.preview), step, total)

    def _on_finished(self, finished: SamplingFinished) -> None:
        trajectory = finished.trajectory
        self._sampling = False
        self.progress_bar.setValue(self.progress_bar.maximum())
        cfg = self._run_cfg
        self.views.columns = self.guidance.grid_columns(cfg) if cfg else None  # a row per class or per scale

        def recorded() -> str:  # made again after a language switch
            what = self.tr("{n} × {sampler}{guidance} {steps} steps, seed {seed}").format(
                n=cfg.n, sampler=cfg.sampler.upper(), guidance=self.guidance.describe(cfg), steps=cfg.steps,
                seed=cfg.seed) if cfg else self.tr("samples")
            thinned = "" if trajectory.stride == 1 else self.tr(" (every {k}th step kept)").format(
                k=trajectory.stride)
            return self.tr("Recorded {count} frames of {what}{thinned}. Scrub the timeline; click a sample to follow "
                           "it, or branch from any frame.").format(count=len(trajectory), what=what, thinned=thinned)

        self._show_message(recorded(), "success", recorded)
        with QSignalBlocker(self.branches.tree):  # a new run: the tree starts again from it
            self.branches.tree.set_root(BranchNode(trajectory, cfg or self.sampling_config(), int(finished.nfe)))
        self.show_node(0, len(trajectory) - 1)  # the finished samples

    def _on_aborted(self, aborted: SamplingAborted) -> None:
        reason = aborted.reason
        if not self._sampling:
            return
        self._sampling = False
        self.progress_bar.setValue(0)
        branching, self._branch_parent = self._branch_parent is not None, None
        if reason == "cancelled":
            text = self.tr("Branching cancelled.") if branching else self.tr("Sampling cancelled.")
            kept = self.tr(" The previous trajectory is still shown.") if self.trajectory is not None else ""
            self._show_message(text + kept, "warning")
        else:
            self._show_message(self.tr("Branching failed (see the message in the status bar).") if branching
                               else self.tr("Sampling failed (see the message in the status bar)."), "error")
        if self.trajectory is not None:
            self._show_frame(self._position)
        self._sync()

    # ================================================================== drawing
    def _sample_count(self) -> int:
        if self.trajectory is None or len(self.trajectory) == 0:
            return 0
        return int(self.trajectory.frame(0).x_t.shape[0])

    def _show_frame(self, index: int) -> None:
        traj = self.trajectory
        frame = traj.frame(index)
        label = frame_label(frame.step, traj.num_steps, frame.t)
        self._displayed = self.views.show_frame(traj, index, self._selected, label)
        self.follow_label.setText(label)
        self.equation.show_step(step_for_frame(self))
        self._sync_branch_point()

    def displayed_frame(self) -> dict[str, np.ndarray]:
        """The arrays on screen: x_t, x0_pred, eps_pred (all samples, or the followed one)."""
        return dict(self._displayed)

    def _sync(self) -> None:
        has_model = self._model is not None
        ddim = uses_eta(self.sampler_combo.sampler())
        self.eta_spin.setEnabled(ddim)
        self.eta_label.setEnabled(ddim)
        self.run_button.setEnabled(has_model and not self._sampling and self.worker.state() != "stopping")
        self.cancel_button.setEnabled(self._sampling)
        # before the first run the bar's "%v / %m" would read "0 / 1 steps"
        self.progress_bar.setFormat(self.tr("no sampling run yet") if self._run_cfg is None
                                    else self.tr("%v / %m steps"))
        self._sync_branch_point()
        following = self._selected is not None and self.trajectory is not None and self.trajectory.kind == "images"
        self.show_all_button.setVisible(following)
        if following:
            self.follow_label.setToolTip(self.tr("Following sample #{index}").format(index=self._selected))
        if not has_model and not self._sampling:
            self._show_message(self.tr("No model yet: train one in the Training tab or open a checkpoint "
                                       "(File › Open checkpoint), then sample it here."), "dim")
