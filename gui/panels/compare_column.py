"""One column of the Compare tab: a sampler's settings above, its recorded run below, shown at the timeline's t.

The column draws with the Sampling tab's widgets (an :class:`~gui.widgets.image_view.ImageGridView` for images, a
:class:`~gui.panels.sampling_points.ReverseProcessPlot` for 2-D points) and only indexes the recorded trajectory:
at paper t it shows its latest frame whose t is still >= t (:func:`engine.export.compare.aligned_index`).
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
    QSpinBox,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from engine.config import SamplingConfig
from gui.events import ComparedRun
from gui.panels.sampler_fields import SamplerMenu, nfe_text, sampler_name, uses_eta
from gui.panels.sampling_points import ReverseProcessPlot
from gui.widgets.image_view import ImageGridView

if TYPE_CHECKING:  # engine.export (and Pillow) load with the first recorded run, not with the window
    from engine.export.compare import CompareColumn


def run_name(sampling: SamplingConfig) -> str:
    """``DDIM-10``: a sampler and its step count, the name a column goes by in captions and the GIF."""
    return f"{sampler_name(sampling.sampler)}-{sampling.steps}"


class CompareColumnView(QFrame):
    """Settings (sampler, steps, η, seed) and the recorded run of one sampler."""

    removeRequested = Signal(object)  # this column
    changed = Signal()

    def __init__(self, sampler: str, steps: int, seed: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("role", "card")
        self.run: ComparedRun | None = None
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
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(4)
        lay.addLayout(form)
        lay.addWidget(self.header_label)
        lay.addWidget(self.views, 1)

        self.remove_button.clicked.connect(lambda: self.removeRequested.emit(self))
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

    def set_seed_locked(self, locked: bool, seed: int) -> None:
        """With one x_T for every column the seed is the tab's, not the column's."""
        if locked:
            self.seed_spin.setValue(int(seed))
        self.seed_spin.setEnabled(not locked)

    def set_editable(self, editable: bool) -> None:
        for w in (self.sampler_menu, self.steps_spin, self.remove_button):
            w.setEnabled(editable)
        self.eta_spin.setEnabled(editable and uses_eta(self.sampler_menu.sampler()))

    def _sync(self) -> None:
        eta = uses_eta(self.sampler_menu.sampler())
        self.eta_spin.setEnabled(eta)
        self.eta_label.setEnabled(eta)

    # ------------------------------------------------------------------ the recorded run
    def set_run(self, run: ComparedRun | None) -> None:
        self.run = run
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
        return CompareColumn(run_name(self.run.sampling), self.run.trajectory, list(self.run.nfe))

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
            return self.tr("{sampler} · {steps} steps").format(sampler=self.sampler_menu.currentText(),
                                                              steps=self.steps_spin.value())
        s, k = self.run.sampling, self._index
        t = int(self._frame_ts[k])
        return self.tr("{sampler} · {steps} steps · t = {t} · {nfe}").format(
            sampler=sampler_name(s.sampler), steps=s.steps, t=t, nfe=nfe_text(self.run.nfe[k], self.run.nfe[-1]))

    def _show_header(self) -> None:
        self.header_label.setText(self.header_text())

    def set_kind(self, kind: str) -> None:
        self.views.setCurrentWidget(self.points if kind == "points" else self.images)

    def apply_theme(self, theme) -> None:
        self.points.apply_theme(theme)
        if self.run is not None:
            self.show_t(int(self._frame_ts[self._index]), self._view)

    def set_placeholder(self, text: str) -> None:
        self.images.set_images(None)
        self.images.set_placeholder(text)
