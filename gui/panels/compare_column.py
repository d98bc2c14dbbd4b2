"""One column of the Compare tab: a sampler's settings above, its recorded run below, shown at the timeline's t.

The column draws with the Sampling tab's widgets (an :class:`~gui.widgets.image_view.ImageGridView` for images, a
:class:`~gui.panels.sampling_points.ReverseProcessPlot` for 2-D points) and only indexes the recorded trajectory:
at paper t it shows its latest frame whose t is still >= t (:func:`engine.export.compare.aligned_index`). While a
comparison runs it shows the run's live frame instead (:meth:`CompareColumnView.show_live`: x_T first, then the
worker's throttled frames). A column may be a branch of another (:class:`BranchOf`): its run is the parent's frames
before the branch point, then the branch's; its sampler fields show the branch's settings and are not edited.
"""
from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from engine.config import SamplingConfig
from gui import theme as _theme
from gui.events import ComparedRun, CompareProgress
from gui.panels.sampler_fields import SamplerMenu, nfe_text, sampler_name, uses_eta
from gui.panels.sampling_points import ReverseProcessPlot
from gui.widgets.image_view import ImageGridView

if TYPE_CHECKING:  # engine.export (and Pillow) load with the first recorded run, not with the window
    from engine.export.compare import CompareColumn


def run_name(sampling: SamplingConfig) -> str:
    """``DDIM-10``: a sampler and its step count, the name a column goes by in captions and the GIF."""
    return f"{sampler_name(sampling.sampler)}-{sampling.steps}"


@dataclasses.dataclass(frozen=True)
class BranchOf:
    """A column that is a branch: of the run named ``parent`` (its :func:`run_name`), re-sampled from its sampler
    step ``step`` at paper ``t`` with ``sampling`` (the new seed, sampler, steps, η)."""

    parent: str
    step: int
    t: int
    sampling: SamplingConfig

    def name(self) -> str:
        """``DDPM-1000 branch: seed 7 @ t=500``, the branch's own sampler and steps too when they differ from the
        parent's (plain text: the window's and the clip's fonts may lack a fork sign)."""
        own = run_name(self.sampling)
        via = "" if own == self.parent else f" {own}"
        return f"{self.parent} branch:{via} seed {self.sampling.seed} @ t={self.t}"


class CompareColumnView(QFrame):
    """Settings (sampler, steps, η, seed) and the recorded run of one sampler."""

    removeRequested = Signal(object)  # this column
    branchRequested = Signal(object)  # this column
    changed = Signal()

    def __init__(self, sampler: str, steps: int, seed: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("role", "card")
        self.run: ComparedRun | None = None
        self.branch_of: BranchOf | None = None
        self.live: CompareProgress | None = None  # the running comparison's latest frame of this column
        self._frame_ts: np.ndarray | None = None
        self._index = 0
        self._view = "x_t"
        self.sampler_menu = SamplerMenu()
        self.sampler_menu.set_sampler(sampler)
        self.steps_spin = QSpinBox()
        self.steps_spin.setRange(1, 100_000)
        self.steps_spin.setValue(int(steps))
        self.steps_spin.setToolTip(self.tr("Sampler steps; Heun evaluates the model twice per step but the last"))
        self.eta_spin = QDoubleSpinBox()
        self.eta_spin.setRange(0.0, 1.0)
        self.eta_spin.setSingleStep(0.1)
        self.eta_spin.setToolTip(self.tr("DDIM stochasticity η (only DDIM uses it)"))
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2**31 - 1)
        self.seed_spin.setValue(int(seed))
        self.seed_spin.setToolTip(self.tr("Seed of this column's x_T (and of its sampler's noise)"))
        self.remove_button = QToolButton()
        self.remove_button.setText("✕")
        self.remove_button.setAutoRaise(True)
        self.remove_button.setToolTip(self.tr("Remove this column"))
        self.branch_sampler_menu = SamplerMenu(intro=lambda: self.tr("The branch's sampler (from the branch point "
                                                                     "on)"))
        self.branch_sampler_menu.set_sampler(sampler)
        self.branch_steps_spin = QSpinBox()
        self.branch_steps_spin.setRange(1, 100_000)
        self.branch_steps_spin.setValue(int(steps))
        self.branch_steps_spin.setToolTip(self.tr("Steps of the branch's timestep grid; it visits those below the "
                                                  "branch point"))
        self.branch_seed_spin = QSpinBox()
        self.branch_seed_spin.setRange(0, 2**31 - 1)
        self.branch_seed_spin.setValue(int(seed) + 1)
        self.branch_seed_spin.setToolTip(self.tr("Seed of a branch's noise: a new seed, a new future from the same "
                                                 "frame"))
        self.dice_button = QToolButton()
        self.dice_button.setIcon(_theme.icon("dice"))
        self.dice_button.setAutoRaise(True)
        self.dice_button.setToolTip(self.tr("New random seed"))
        self.branch_button = QPushButton(self.tr("Branch from here"))
        self.branch_button.setToolTip(self.tr("Re-sample this run from its frame at the timeline's t with the seed "
                                              "beside it, into a new column; the frames before stay this run's"))
        self.header_label = QLabel("")
        self.header_label.setProperty("role", "readout")
        self.header_label.setWordWrap(True)
        self.images = ImageGridView("", placeholder=self.tr("press Compare"))
        self.points = ReverseProcessPlot()
        self.points.legend.hide()  # the Sampling tab explains the colours; here the columns need the room
        self.views = QStackedWidget()
        self.views.addWidget(self.images)
        self.views.addWidget(self.points)

        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.setVerticalSpacing(2)
        top = QHBoxLayout()
        top.addWidget(self.sampler_menu, 1)
        top.addWidget(self.remove_button)
        form.addRow(self.tr("Sampler"), top)
        form.addRow(self.tr("Steps"), self.steps_spin)
        self.eta_label = QLabel(self.tr("η"))
        form.addRow(self.eta_label, self.eta_spin)
        form.addRow(self.tr("Seed"), self.seed_spin)
        branch_with = QHBoxLayout()
        branch_with.setSpacing(2)
        branch_with.addWidget(self.branch_sampler_menu, 1)
        branch_with.addWidget(self.branch_steps_spin)
        form.addRow(self.tr("Branch"), branch_with)
        branch_seed = QHBoxLayout()
        branch_seed.setSpacing(2)
        branch_seed.addWidget(self.branch_seed_spin, 1)
        branch_seed.addWidget(self.dice_button)
        form.addRow(self.tr("New seed"), branch_seed)
        form.addRow(self.branch_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(4)
        lay.addLayout(form)
        lay.addWidget(self.header_label)
        lay.addWidget(self.views, 1)

        self.remove_button.clicked.connect(lambda: self.removeRequested.emit(self))
        self.branch_button.clicked.connect(lambda: self.branchRequested.emit(self))
        self.dice_button.clicked.connect(
            lambda: self.branch_seed_spin.setValue(int(np.random.default_rng().integers(0, 2**31 - 1))))
        self.sampler_menu.currentIndexChanged.connect(lambda _i: self._sync())
        for spin in (self.steps_spin, self.eta_spin, self.seed_spin):
            spin.valueChanged.connect(lambda _v: self.changed.emit())
        self.sampler_menu.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.changed.connect(lambda: self._show_header() if self.run is None else None)
        self._sync()
        self._show_header()

    # ------------------------------------------------------------------ settings
    def sampling(self, base: SamplingConfig) -> SamplingConfig:
        """The column's run: ``base`` (the experiment's sampling section, n, EMA...) with this column's values."""
        return dataclasses.replace(base, sampler=self.sampler_menu.sampler(), steps=self.steps_spin.value(),
                                   eta=self.eta_spin.value(), seed=self.seed_spin.value())

    def set_max_steps(self, timesteps: int) -> None:
        self.steps_spin.setMaximum(max(1, int(timesteps)))
        self.branch_steps_spin.setMaximum(max(1, int(timesteps)))

    def branch_sampling(self) -> SamplingConfig:
        """A branch of the recorded run: its settings (n, η, EMA...) with the branch's sampler, steps and seed."""
        assert self.run is not None
        return dataclasses.replace(self.run.sampling, sampler=self.branch_sampler_menu.sampler(),
                                   steps=self.branch_steps_spin.value(), seed=self.branch_seed_spin.value())

    def set_seed_locked(self, locked: bool, seed: int) -> None:
        """With one x_T for every column the seed is the tab's, not the column's (a branch keeps its own)."""
        if self.branch_of is not None:
            self.seed_spin.setEnabled(False)
            return
        if locked:
            self.seed_spin.setValue(int(seed))
        self.seed_spin.setEnabled(not locked)

    def set_editable(self, editable: bool) -> None:
        settings = editable and self.branch_of is None  # a branch's settings are what it was sampled with
        for w in (self.sampler_menu, self.steps_spin):
            w.setEnabled(settings)
        self.remove_button.setEnabled(editable)
        self.eta_spin.setEnabled(settings and uses_eta(self.sampler_menu.sampler()))
        for w in (self.branch_sampler_menu, self.branch_steps_spin, self.branch_seed_spin, self.dice_button):
            w.setEnabled(editable)

    def _sync(self) -> None:
        eta = uses_eta(self.sampler_menu.sampler())
        self.eta_spin.setEnabled(eta)
        self.eta_label.setEnabled(eta)

    # ------------------------------------------------------------------ the recorded run
    def set_branch(self, branch_of: BranchOf, run: ComparedRun) -> None:
        """Make this column the branch ``branch_of``, recorded as ``run``; the form shows the branch's settings."""
        self.branch_of = branch_of
        s = branch_of.sampling
        self.sampler_menu.set_sampler(s.sampler)
        self.steps_spin.setValue(int(s.steps))
        self.eta_spin.setValue(float(s.eta))
        self.seed_spin.setValue(int(s.seed))
        self.branch_seed_spin.setValue((int(s.seed) + 1) % (2**31 - 1))
        self.set_seed_locked(True, s.seed)
        self.set_editable(True)
        self.set_run(run)

    def set_run(self, run: ComparedRun | None) -> None:
        self.live = None
        self.run = run
        if run is not None:  # a branch starts as a re-roll of this run: same sampler and steps, a new seed
            self.branch_sampler_menu.set_sampler(run.sampling.sampler)
            self.branch_steps_spin.setValue(int(run.sampling.steps))
        self._frame_ts = None if run is None else self.compare_column().frame_ts()
        self._index = 0
        self.points.forget()
        if run is None:
            self.images.set_images(None)
        elif run.trajectory.kind == "points":
            self.points.prepare(run.trajectory)
        self._show_header()

    def compare_column(self) -> CompareColumn:
        from engine.export.compare import CompareColumn

        assert self.run is not None
        name = run_name(self.run.sampling) if self.branch_of is None else self.branch_of.name()
        return CompareColumn(name, self.run.trajectory, list(self.run.nfe))

    # ------------------------------------------------------------------ the live run
    def show_live(self, progress: CompareProgress, view: str = "x_t") -> None:
        """The running comparison's frame of this column: x_T before its run starts, then its latest frame."""
        self.live = progress
        if progress.x_t is None:
            return
        shown = progress.x_t if view == "x_t" or progress.x0_pred is None else progress.x0_pred
        label = self.tr("t = {t} · step {step}/{total}").format(t=progress.t, step=progress.step,
                                                               total=progress.total)
        if shown.ndim == 4:
            self.views.setCurrentWidget(self.images)
            self.images.set_images(shown, ncol=math.ceil(math.sqrt(len(shown))))
        else:
            self.views.setCurrentWidget(self.points)
            self.points.show_live(shown, progress.step, progress.total)
            if progress.x0_pred is not None and view == "x_t":
                self.points.x0_scatter.setData(pos=progress.x0_pred.reshape(-1, 2))
            self.points.set_title(label)
        self._show_header()

    def clear_view(self, placeholder: str) -> None:
        """Nothing recorded and nothing running: an empty view saying why (a new comparison, a cancel)."""
        self.set_run(None)
        self.images.set_placeholder(placeholder)
        self.points.xt_scatter.setData([])
        self.points.x0_scatter.setData([])
        for curve in self.points.track_curves:
            curve.setData([], [])
        self.points.track_heads.setData([])
        self.points.set_title(placeholder)

    def shown_points(self) -> int:
        """How many samples the view draws now (points in the plot or images in the grid), for tests and bench."""
        if self.views.currentWidget() is self.images:
            return self.images.cell_count()
        xs, _ys = self.points.xt_scatter.getData()
        return 0 if xs is None else len(xs)

    def show_t(self, t: int, view: str = "x_t") -> None:
        """Show the latest recorded frame whose paper t is >= ``t``."""
        from engine.export.compare import aligned_index

        if self.run is None:
            return
        self._view = view
        self._index = aligned_index(self._frame_ts, t)
        traj = self.run.trajectory
        frame = traj.frame(self._index)
        if traj.kind == "images":
            self.views.setCurrentWidget(self.images)
            shown = getattr(frame, view)
            self.images.set_images(shown, ncol=math.ceil(math.sqrt(len(shown))))
        else:
            self.views.setCurrentWidget(self.points)
            self.points.show_frame(traj, self._index, self.tr("t = {t}").format(t=int(self._frame_ts[self._index])))
        self._show_header()

    def shown_index(self) -> int | None:
        """The trajectory frame on screen (None before a run)."""
        return None if self.run is None else self._index

    def header_text(self) -> str:
        if self.run is None:
            head = self.tr("{sampler} · {steps} steps").format(sampler=self.sampler_menu.currentText(),
                                                              steps=self.steps_spin.value())
            if self.live is None:
                return head
            if self.live.x0_pred is None:
                return self.tr("{head} · t = {t} · x_T, waiting for its turn").format(head=head, t=self.live.t)
            if self.live.step >= self.live.total:
                return self.tr("{head} · t = 0 · done, waiting for the other runs").format(head=head)
            return self.tr("{head} · t = {t} · running…").format(head=head, t=self.live.t)
        s, k = self.run.sampling, self._index
        t = int(self._frame_ts[k])
        if self.branch_of is not None:
            return self.tr("{name} · t = {t} · {nfe}").format(name=self.branch_of.name(), t=t,
                                                             nfe=nfe_text(self.run.nfe[k], self.run.nfe[-1]))
        return self.tr("{sampler} · {steps} steps · t = {t} · {nfe}").format(
            sampler=sampler_name(s.sampler), steps=s.steps, t=t, nfe=nfe_text(self.run.nfe[k], self.run.nfe[-1]))

    def _show_header(self) -> None:
        self.header_label.setText(self.header_text())

    def retranslate(self) -> None:
        """The readout (and a 2-D run's title) again through tr(), after a language switch."""
        self.sampler_menu.retranslate()  # the chosen sampler's help in the menu's tooltip
        self.branch_sampler_menu.retranslate()
        if self.run is not None:
            self.show_t(int(self._frame_ts[self._index]), self._view)
        self._show_header()

    def set_kind(self, kind: str) -> None:
        self.views.setCurrentWidget(self.points if kind == "points" else self.images)

    def apply_theme(self, theme) -> None:
        self.points.apply_theme(theme)
        self.dice_button.setIcon(_theme.icon("dice", theme=theme))
        if self.run is not None:
            self.show_t(int(self._frame_ts[self._index]), self._view)

    def set_placeholder(self, text: str) -> None:
        self.images.set_images(None)
        self.images.set_placeholder(text)
