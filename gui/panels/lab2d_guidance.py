"""The 2-D lab's guidance geometry: for a class-conditional model on a labelled 2-D set (gaussians8, moons...), the
conditional field of one class, the unconditional field and the guided field at scale s, drawn over the field view.

Classifier-free guidance (Ho & Salimans 2022, Eq. 6, with the lab's s = 1 + w) moves each prediction along
ε̃ = ε_∅ + s (ε_c − ε_∅): beyond the conditional arrow, away from the unconditional one, so with s > 1 the guided
arrows point away from the other classes' modes. The worker computes the three fields (gui/lab2d_worker.py:
guidance_field, through engine.samplers.model_denoiser); this module only asks for them and draws them.
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QWidget

from gui.events import GuidanceFieldReady, GuidanceFieldRequest, ModelFacts
from gui.widgets.field_item import ArrowFieldItem, display_scale

COND_COLOR = "#8ce99a"
UNCOND_COLOR = "#b0b0b0"
GUIDED_COLOR = "#ff5c5c"
INTERVAL_MS = 250  # like the lab's own field: at most a few requests per second while t or s moves
STALE_S = 10.0  # a request unanswered this long (an error elsewhere) no longer blocks the next


def guidance_vectors(event: GuidanceFieldReady, mode: str) -> dict[str, np.ndarray]:
    """Arrows of each field, float64 (n*n, 2): x̂₀ − x_t, or the score −ε̂ / √(1 − ᾱ_t) (Tweedie)."""
    grid = event.grid.astype(np.float64)
    out = {}
    for name in ("cond", "uncond", "guided"):
        if mode == "score":
            eps = getattr(event, f"{name}_eps").astype(np.float64)
            out[name] = -eps / math.sqrt(max(1.0 - event.alpha_bar, 1e-300))
        else:
            out[name] = getattr(event, f"{name}_x0").astype(np.float64) - grid
    return out


class GuidanceField(QWidget):
    """A compact row (show, class, s), shown only for conditional 2-D models, and three arrow sets with a legend."""

    def __init__(self, worker, plot: pg.PlotItem, t_slider, mode_combo, base_items: tuple = (), grid: int = 24,
                 extent: float = 3.0, parent: QWidget | None = None):
        super().__init__(parent)
        self.worker = worker
        self._get_t = t_slider.value
        self._get_mode: Callable[[], str] = lambda: mode_combo.currentData() or "x0"
        self._base_items = base_items  # the lab's own arrows, hidden while the three fields are shown
        self._grid, self._extent = grid, extent
        self.show_check = QCheckBox(self.tr("Guidance field"))
        self.show_check.setToolTip(self.tr("Show the conditional (class c), unconditional and guided fields at t"))
        self.class_combo = QComboBox()
        self.scale_spin = QDoubleSpinBox()
        self.scale_spin.setRange(0.0, 20.0)
        self.scale_spin.setSingleStep(0.5)
        self.scale_spin.setValue(3.0)
        self.scale_spin.setToolTip(self.tr("s = 1 + w (Ho & Salimans 2022): 0 unconditional, 1 conditional"))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for w in (self.show_check, QLabel(self.tr("class")), self.class_combo, QLabel(self.tr("s")), self.scale_spin):
            row.addWidget(w)
        row.addStretch(1)
        self.items = {"cond": ArrowFieldItem(color=COND_COLOR, width=1.6),
                      "uncond": ArrowFieldItem(color=UNCOND_COLOR, width=1.4),
                      "guided": ArrowFieldItem(color=GUIDED_COLOR, width=1.2)}
        # the guided arrows are the longest at s > 1: under the other two, so those stay visible on top of them
        for z, name in enumerate(("guided", "uncond", "cond")):
            self.items[name].setZValue(5 + z)
            plot.addItem(self.items[name])
        self.legend = pg.LegendItem(offset=(-6, 6), labelTextColor="w", labelTextSize="8pt", verticalSpacing=-4,
                                    brush=pg.mkBrush(0, 0, 0, 150))
        self.legend.setParentItem(plot.getViewBox())
        # the legend needs line samples; the arrow items have no pen of their own to show
        self._samples = {k: pg.PlotDataItem(pen=pg.mkPen(c, width=2)) for k, c in
                         (("cond", COND_COLOR), ("uncond", UNCOND_COLOR), ("guided", GUIDED_COLOR))}
        self.event: GuidanceFieldReady | None = None
        self._dirty = True
        self._sent_at: float | None = None
        self._conditional = False
        self.show_check.toggled.connect(self._on_toggled)
        self.class_combo.currentIndexChanged.connect(self.mark_dirty)
        self.scale_spin.valueChanged.connect(self.mark_dirty)
        worker.lab2dResult.connect(self.on_result)
        worker.modelChanged.connect(self.set_model)
        worker.progress.connect(lambda _: self.mark_dirty())
        worker.error.connect(self._on_error)
        t_slider.valueChanged.connect(self.mark_dirty)
        mode_combo.currentIndexChanged.connect(self.redraw)
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.request_if_due)
        self._timer.start()
        self.setVisible(False)
        self._show_items(False)

    # ------------------------------------------------------------------ state
    def set_model(self, facts: ModelFacts) -> None:
        """Offer the row only for a class-conditional model of 2-D points, with that model's classes."""
        self._conditional = bool(facts.conditional and facts.kind == "points" and facts.num_classes)
        keep = self.class_combo.currentIndex()
        self.class_combo.blockSignals(True)
        self.class_combo.clear()
        names = facts.class_names or tuple(str(c) for c in range(facts.num_classes))
        for c in range(facts.num_classes if self._conditional else 0):
            self.class_combo.addItem(names[c] if c < len(names) else str(c), c)
        self.class_combo.setCurrentIndex(keep if 0 <= keep < self.class_combo.count() else 0)
        self.class_combo.blockSignals(False)
        self.setVisible(self._conditional)
        self.event = None
        self._show_items(False)
        self.mark_dirty()

    def active(self) -> bool:
        return self._conditional and self.show_check.isChecked()

    def mark_dirty(self, *_args) -> None:
        self._dirty = True

    def request(self) -> GuidanceFieldRequest:
        return GuidanceFieldRequest(t=int(self._get_t()), class_label=int(self.class_combo.currentData() or 0),
                                    scale=float(self.scale_spin.value()), grid=self._grid, extent=self._extent)

    def request_if_due(self, *, force: bool = False) -> bool:
        in_flight = self._sent_at is not None and time.monotonic() - self._sent_at < STALE_S
        if not self.active() or in_flight or not (force or (self._dirty and self.isVisible())):
            return False
        self._dirty = False
        self._sent_at = time.monotonic()
        self.worker.submit_lab2d(self.request())
        return True

    # ------------------------------------------------------------------ drawing
    def on_result(self, event: object) -> bool:
        if not isinstance(event, GuidanceFieldReady):
            return False
        self._sent_at = None
        self.event = event
        self.redraw()
        return True

    def redraw(self, *_args) -> None:
        if self.event is None or not self.active():
            self._show_items(False)
            return
        vectors = guidance_vectors(self.event, self._get_mode())
        grid = self.event.grid.astype(np.float64)
        cell = 2 * self._extent / max(self._grid - 1, 1)
        scale = display_scale(list(vectors.values()), 0.9 * cell)
        for name, item in self.items.items():
            item.setData(grid, grid + scale * vectors[name])
        self._show_items(True)

    def _show_items(self, on: bool) -> None:
        for item in self.items.values():
            item.setVisible(on)
        for item in self._base_items:
            item.setVisible(not on)
        self.legend.clear()
        if on:
            names = self.class_combo.currentText()
            self.legend.addItem(self._samples["cond"], self.tr("conditional ({0})").format(names))
            self.legend.addItem(self._samples["uncond"], self.tr("unconditional"))
            self.legend.addItem(self._samples["guided"], self.tr("guided, s = {0:g}").format(self.event.scale))
        self.legend.setVisible(on)

    def _on_toggled(self, _on: bool) -> None:
        self.mark_dirty()
        self.redraw()

    def _on_error(self, _event: object) -> None:
        self._sent_at = None
