"""The 2-D lab's reverse-process controls: ODE vs SDE paths of a few followed points (drawn over the field) and the
marginals-over-t page, both sampled with the model or the exact denoiser of its training points.

:class:`SamplerStudy` is the control row under the field view; :attr:`SamplerStudy.marginals_page` goes into the
lab's bottom tabs. Requests go to the worker (gui/lab2d_worker.py) and come back as PathsReady / MarginalsReady;
the lab panel forwards those to :meth:`SamplerStudy.on_result`.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from gui.events import MarginalsReady, MarginalsRequest, PathsReady, PathsRequest
from gui.panels.lab2d_paths import MarginalsPlot, PathOverlay, legend_html
from gui.widgets.wrap_row import WrapRow, hgroup

if TYPE_CHECKING:
    from gui.worker import EngineWorker

PATH_STEPS = 100  # timesteps per path: enough for the SDE's jitter to show, cheap for a handful of points
MARGINAL_POINTS = 1000  # the two-sample floor shrinks like 1/sqrt(n): 1000 keeps it well under the curves' gaps
MARGINAL_STEPS = 50


class SamplerStudy(QWidget):
    """``message(text, role)`` is a line for the panel's message label."""

    message = Signal(str, str)

    def __init__(self, worker: EngineWorker, overlay: PathOverlay, current_t: Callable[[], int],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.worker = worker
        self.overlay = overlay
        self._current_t = current_t
        self.last_paths: PathsReady | None = None
        self.last_marginals: MarginalsReady | None = None

        self.denoiser_combo = QComboBox()
        self.denoiser_combo.addItem(self.tr("model"), "model")
        self.denoiser_combo.addItem(self.tr("exact denoiser"), "exact")
        self.denoiser_combo.setToolTip(self.tr("Sample with the trained network, or with the exact denoiser of its "
                                               "training points (engine.exact)"))
        self.points_spin = QSpinBox()
        self.points_spin.setRange(1, 30)
        self.points_spin.setValue(8)
        self.points_spin.setToolTip(self.tr("How many points to follow from the same x_T"))
        self.paths_button = QPushButton(self.tr("ODE vs SDE paths"))
        self.paths_button.setToolTip(self.tr("Follow the points from one x_T with DDIM η=0 (deterministic, the "
                                             "probability-flow ODE) and with DDPM (stochastic, the reverse SDE)"))
        self.paths_check = QCheckBox(self.tr("Show paths"))
        self.paths_check.setChecked(True)
        row = WrapRow(self)  # wraps when the pane is narrow: the window must fit a 1280-px screen
        for w in (hgroup(QLabel(self.tr("Sample with")), self.denoiser_combo), self.paths_button,
                  hgroup(QLabel(self.tr("points")), self.points_spin), self.paths_check):
            row.addWidget(w)

        self.marginals_button = QPushButton(self.tr("Compute marginals"))
        self._show_marginals_tip()
        self.marginals_label = QLabel(self.tr("How far each sampler's x_t cloud is from q(x_t) (training points "
                                              "noised to t), at every t; the dashed floor is what two q(x_t) draws "
                                              "differ by."))
        self.marginals_label.setWordWrap(True)
        self.marginals_label.setTextFormat(Qt.RichText)  # the result line is the plot's legend, with colour swatches
        self.marginals_label.setProperty("role", "dim")
        self.marginals_plot = MarginalsPlot()
        self.marginals_page = QWidget()
        page = QVBoxLayout(self.marginals_page)
        top = QHBoxLayout()
        top.addWidget(self.marginals_button)
        top.addWidget(self.marginals_label, 1)
        page.addLayout(top)
        page.addWidget(self.marginals_plot, 1)

        self.paths_button.clicked.connect(self.request_paths)
        self.paths_check.toggled.connect(self.overlay.set_visible)
        self.marginals_button.clicked.connect(self.request_marginals)

    def denoiser(self) -> str:
        return self.denoiser_combo.currentData() or "model"

    def request_paths(self) -> PathsRequest:
        request = PathsRequest(denoiser=self.denoiser(), n=int(self.points_spin.value()), steps=PATH_STEPS)
        self.worker.submit_lab2d(request)
        self.message.emit(self.tr("Following {0} points with the {1} …").format(request.n, self.denoiser_combo
                                                                                 .currentText()), "dim")
        return request

    def request_marginals(self) -> MarginalsRequest:
        request = MarginalsRequest(denoiser=self.denoiser(), n=MARGINAL_POINTS, steps=MARGINAL_STEPS)
        self.worker.submit_lab2d(request)
        self.marginals_label.setText(self.tr("sampling with the {0} …").format(self.denoiser_combo.currentText()))
        return request

    def set_enabled(self, has_model: bool) -> None:
        for w in (self.paths_button, self.marginals_button):
            w.setEnabled(has_model)

    def forget_paths(self) -> None:
        """A new model: the paths drawn were another model's."""
        self.last_paths = None
        self.overlay.clear()

    def set_t(self, t: int) -> None:
        self.overlay.set_t(t)
        self.marginals_plot.set_t(t)

    def on_result(self, event: object) -> bool:
        """Show a PathsReady / MarginalsReady; False for any other event."""
        if isinstance(event, PathsReady):
            self.last_paths = event
            self.overlay.show_paths(event, self._current_t())
            self.overlay.set_visible(self.paths_check.isChecked())
            self.message.emit(self.tr("{0} points from one x_T: the ODE paths (cyan) are smooth and "
                                      "deterministic, the SDE paths (magenta) jitter with fresh noise each step; "
                                      "the dots show where each is at the field's t.").format(event.ode.shape[1]),
                              "dim")
            return True
        if isinstance(event, MarginalsReady):
            self.last_marginals = event
            self.marginals_plot.show_marginals(event)
            self.marginals_plot.set_t(self._current_t())
            self._show_marginals_label()
            return True
        return False

    def _show_marginals_label(self) -> None:
        event = self.last_marginals
        if event is None:
            return
        who = (self.tr("exact denoiser") if event.denoiser == "exact"
               else self.tr("model at step {0}").format(event.step))
        self.marginals_label.setText(self.tr("{0}, at t = 0 against the data: {1}").format(who, legend_html(event)))

    def _show_marginals_tip(self) -> None:
        self.marginals_button.setToolTip(self.tr("Sample {0} points with DDPM, DDIM and DPM++(2M) and measure, at "
                                                 "each t, how far the x_t cloud is from the forward marginal q(x_t)")
                                         .format(MARGINAL_POINTS))

    def retranslate(self) -> None:
        """After a language switch: the marginals' button tooltip and result line in the new language (texts with
        numbers; the lab panel calls it)."""
        self._show_marginals_tip()
        self._show_marginals_label()
