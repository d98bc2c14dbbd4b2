"""The Training tab's views as tabs: the live curves, loss by timestep over training, and the variational bound.

The curves (gui/panels/training_plots.py) are fed by the panel; the heatmap takes the worker's metrics batches
itself and the bound view talks to the worker itself, so the panel only places them.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QTabWidget, QWidget

from gui import theme as _theme
from gui.panels.bound_view import BoundView
from gui.panels.loss_by_t_view import LossByTView

if TYPE_CHECKING:
    from gui.worker import EngineWorker


class TrainingViews(QTabWidget):
    def __init__(self, worker: EngineWorker, plots: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.setDocumentMode(True)
        self.plots = plots
        self.heatmap = LossByTView()
        self.bound = BoundView(worker)
        self.addTab(plots, self.tr("Curves"))
        self.addTab(self.heatmap, self.tr("Loss by t over training"))
        self.addTab(self.bound, self.tr("Variational bound"))
        self.setTabToolTip(1, self.tr("Which noise levels the network learns first, and where learning stalls"))
        self.setTabToolTip(2, self.tr("Ho et al. (2020) Eq. 5: the bound on −log p(x₀), term by term, in bits/dim"))
        worker.metricsBatch.connect(self.heatmap.add_batch)

    def apply_theme(self, theme: _theme.Theme) -> None:
        self.plots.apply_theme(theme)
        self.heatmap.apply_theme(theme)
        self.bound.apply_theme(theme)
