"""The variational bound of the current model: "Compute bound" runs it on the worker, the plot shows each term.

Ho et al. 2020, Eq. 5: -log p(x_0) <= L_T + sum_{t>1} L_{t-1} + L_0. The worker evaluates it with
engine/bound_report.py (the function ``diffusion-lab bound`` uses) and sends the terms in bits per dimension: L_0
at t = 1, L_{t-1} at t = 2..T (the reverse step leaving x_t), drawn against t on a log axis, and the prior L_T as a
marker at t = T. 2-D points use a Gaussian decoder whose L_0 may be negative: a log axis cannot show it, the
readout does.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from engine.bound_report import DEFAULT_N, DEFAULT_SEED
from gui import theme as _theme
from gui.events import BoundFinished, BoundProgress, ModelFacts

if TYPE_CHECKING:
    from gui.worker import EngineWorker


class BoundView(QWidget):
    def __init__(self, worker: EngineWorker, parent: QWidget | None = None):
        super().__init__(parent)
        self.worker = worker
        self._request: int | None = None
        self.result: BoundFinished | None = None

        self.compute_button = QPushButton(self.tr("Compute bound"))
        self.compute_button.setToolTip(self.tr("Evaluate every term of the bound for the current (EMA) model on "
                                               "training items: one network pass per timestep"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.n_spin = QSpinBox()
        self.n_spin.setRange(1, 100_000)
        self.n_spin.setValue(DEFAULT_N)
        self.n_spin.setPrefix(self.tr("items "))
        self.n_spin.setToolTip(self.tr("Training items the bound is averaged over"))
        self.terms_spin = QSpinBox()
        self.terms_spin.setRange(0, 100_000)
        self.terms_spin.setValue(0)
        self.terms_spin.setSpecialValueText(self.tr("all timesteps"))
        self.terms_spin.setPrefix(self.tr("KL terms "))
        self.terms_spin.setToolTip(self.tr("Evaluate only this many evenly spaced KL terms (a cheaper estimate); "
                                           "all timesteps gives the bound itself"))
        self.seed = DEFAULT_SEED
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setFixedHeight(6)
        self.total_label = QLabel(self.tr("Train a model or open a checkpoint, then Compute bound."))
        self.total_label.setProperty("role", "dim")
        self.total_label.setWordWrap(True)
        self.total_label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)

        t = _theme.current_theme()
        self.plot = pg.PlotWidget()
        self.plot.setMinimumSize(200, 140)
        self.plot.setMenuEnabled(False)
        item = self.plot.getPlotItem()
        _theme.set_plot_title(item, self.tr("Variational bound per timestep (Ho et al. 2020, Eq. 5)"))
        item.setLabel("left", self.tr("bits / dim"))
        item.setLabel("bottom", self.tr("timestep t"))
        item.getAxis("left").setLogMode(True)  # the items carry log10(bits)
        item.addLegend(offset=(-10, 10))
        self.terms_curve = item.plot([], [], pen=pg.mkPen(t.curve(0), width=2), symbol="o", symbolSize=4,
                                     symbolPen=None, symbolBrush=pg.mkBrush(t.curve(0)), connect="finite",
                                     name=self.tr("L_0 (t = 1), L_t−1 (t ≥ 2)"))
        self.prior_point = item.plot([], [], pen=None, symbol="s", symbolSize=9, symbolPen=None,
                                     symbolBrush=pg.mkBrush(t.curve(3)), name=self.tr("L_T (prior)"))
        _theme.style_plot(self.plot)

        controls = QHBoxLayout()
        for w in (self.compute_button, self.cancel_button, self.n_spin, self.terms_spin):
            controls.addWidget(w)
        controls.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(controls)
        lay.addWidget(self.progress_bar)
        lay.addWidget(self.plot, 1)
        lay.addWidget(self.total_label)

        self.compute_button.clicked.connect(self.compute)
        self.cancel_button.clicked.connect(self.cancel)
        worker.boundResult.connect(self._on_result)
        worker.modelChanged.connect(self._on_model)
        self._sync()

    # ------------------------------------------------------------------ commands
    def compute(self) -> None:
        if not self.worker.has_model():
            return
        terms = self.terms_spin.value()
        self._request = self.worker.compute_bound(self.n_spin.value(), self.seed, terms or None)
        self.progress_bar.setRange(0, 0)  # busy until the first progress
        self.total_label.setText(self.tr("Computing the bound…"))
        self._sync()

    def cancel(self) -> None:
        if self._request is not None:
            self.worker.cancel_sampling()

    def is_busy(self) -> bool:
        return self._request is not None

    # ------------------------------------------------------------------ events
    def _on_model(self, _facts: ModelFacts) -> None:
        self._sync()

    def _on_result(self, event: BoundProgress | BoundFinished) -> None:
        if event.request_id != self._request:
            return  # an older, superseded request
        if isinstance(event, BoundProgress):
            self.progress_bar.setRange(0, max(1, event.total))
            self.progress_bar.setValue(event.done)
            return
        self._request = None
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        if event.reason == "finished":
            self.show_result(event)
        elif event.reason == "cancelled":
            self.total_label.setText(self.tr("Bound cancelled."))
        else:
            self.total_label.setText(self.tr("The bound failed: {message}").format(message=event.message))
        self._sync()

    def show_result(self, event: BoundFinished) -> None:
        self.result = event
        with np.errstate(divide="ignore", invalid="ignore"):
            log_bits = np.where(event.bits > 0, np.log10(np.where(event.bits > 0, event.bits, 1.0)), np.nan)
        self.terms_curve.setData(event.t.astype(np.float64), log_bits)
        T = int(event.t[-1]) if len(event.t) else 1
        prior = [math.log10(event.prior_bits)] if event.prior_bits > 0 else [np.nan]
        self.prior_point.setData([float(T)], prior)
        self.plot.getPlotItem().enableAutoRange()
        note = "" if event.exact else self.tr(" (estimated from evenly spaced KL terms)")
        decoder = (self.tr("8-bit discretized decoder") if event.decoder == "discretized"
                   else self.tr("Gaussian decoder: a density, may be negative, not comparable with images"))
        l0 = float(event.bits[0]) if len(event.bits) else float("nan")
        self.total_label.setText(self.tr("Total {total:.4f} ± {err:.4f} bits/dim{note} · L_T {prior:.3g} · "
                                         "L_0 {l0:.3g} · {decoder} · model at step {step:,}").format(
            total=event.total_bits, err=event.total_stderr_bits, note=note, prior=event.prior_bits, l0=l0,
            decoder=decoder, step=event.step))

    def retranslate(self) -> None:
        """After a language switch: the totals line of the shown result in the new language."""
        if self.result is not None and self._request is None:
            self.show_result(self.result)

    def _sync(self) -> None:
        busy = self._request is not None
        self.compute_button.setEnabled(not busy and self.worker.has_model())
        self.cancel_button.setEnabled(busy)
        self.n_spin.setEnabled(not busy)
        self.terms_spin.setEnabled(not busy)

    # ------------------------------------------------------------------ for tests and export
    def plotted_terms(self) -> tuple[np.ndarray, np.ndarray]:
        """(t, bits/dim) as drawn by the terms curve (undoing the log axis)."""
        x, y = self.terms_curve.getData()
        if x is None:
            return np.zeros(0), np.zeros(0)
        return np.asarray(x), np.power(10.0, np.asarray(y, dtype=np.float64))

    def apply_theme(self, theme: _theme.Theme) -> None:
        _theme.style_plot(self.plot, theme)
        self.terms_curve.setPen(pg.mkPen(theme.curve(0), width=2))
        self.terms_curve.setSymbolBrush(pg.mkBrush(theme.curve(0)))
        self.prior_point.setSymbolBrush(pg.mkBrush(theme.curve(3)))
