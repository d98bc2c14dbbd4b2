"""The Sampling tab's pictures of a run: for images, three grids (x_t, the predicted x0, the predicted noise) or the
same three views of one followed sample; for 2-D points, the reverse-process plot (gui/panels/sampling_points.py).

Drawing only: the views show recorded numpy frames of a :class:`~engine.samplers.Trajectory` (or the live preview of
a running sampler) and never compute anything.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal
from PySide6.QtWidgets import QGridLayout, QStackedWidget, QWidget

from gui.panels.sampling_points import ReverseProcessPlot
from gui.panels.training_preview import SquareHolder
from gui.widgets.image_view import ImageGridView, ImageView

if TYPE_CHECKING:
    from engine.samplers import Trajectory

VIEWS = ("x_t", "x0_pred", "eps_pred")
VIEW_TITLES = {"x_t": QT_TRANSLATE_NOOP("SamplingViews", "x_t — current sample"),
               "x0_pred": QT_TRANSLATE_NOOP("SamplingViews", "predicted clean sample x₀"),
               "eps_pred": QT_TRANSLATE_NOOP("SamplingViews", "predicted noise ε")}
VIEW_CAPTIONS = {"x_t": QT_TRANSLATE_NOOP("SamplingViews", "values over [−1, 1]"),
                 "x0_pred": QT_TRANSLATE_NOOP("SamplingViews", "values over [−1, 1]"),
                 "eps_pred": QT_TRANSLATE_NOOP("SamplingViews", "values over [−3, 3]")}


def _tr(text: str) -> str:
    """A title or caption of the tables above (variables: lupdate finds them there) in the current language."""
    return QCoreApplication.translate("SamplingViews", text)


class SamplingViews(QStackedWidget):
    """Image grids / one followed sample (``image_stack``) or the 2-D plot (``points_plot``)."""

    cellClicked = Signal(int)  # a sample of a grid: follow it
    singleClicked = Signal()  # the followed sample: back to all

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.grids: dict[str, ImageGridView] = {}
        self.columns: int | None = None  # images per grid row; None: a near-square grid
        self.singles: dict[str, ImageView] = {}
        pages = []
        for _ in range(2):
            page = QWidget()
            layout = QGridLayout(page)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.setSpacing(8)
            pages.append((page, layout))
        for col, key in enumerate(VIEWS):
            grid = ImageGridView(_tr(VIEW_TITLES[key]), placeholder=self.tr("run the sampler"))
            grid.setToolTip(self.tr("Click a sample to follow it through the timeline"))
            grid.cellClicked.connect(self.cellClicked)
            single = ImageView(_tr(VIEW_TITLES[key]), placeholder="")
            single.setToolTip(self.tr("Click to go back to all samples"))
            single.clicked.connect(self.singleClicked)
            for view, store, (_page, layout) in ((grid, self.grids, pages[0]), (single, self.singles, pages[1])):
                view.set_caption(_tr(VIEW_CAPTIONS[key]))
                store[key] = view
                layout.addWidget(view, 0, col)
                layout.setColumnStretch(col, 1)
        self.image_stack = QStackedWidget()
        for page, _layout in pages:
            self.image_stack.addWidget(page)
        self.points_plot = ReverseProcessPlot()
        self.points_holder = SquareHolder(self.points_plot)  # square: the aspect-locked range is the one shown
        self.addWidget(self.image_stack)
        self.addWidget(self.points_holder)

    def show_kind(self, kind: str) -> None:
        self.setCurrentWidget(self.points_holder if kind == "points" else self.image_stack)

    def follow(self, following: bool) -> None:
        """The followed sample's three views, or the three grids of all samples."""
        self.image_stack.setCurrentIndex(1 if following else 0)

    def show_live(self, preview: np.ndarray, step: int, total: int) -> None:
        """A running sampler's preview: the predicted x0 (uint8 images) or the current x_t (float points)."""
        if preview.dtype == np.uint8:
            self.show_kind("images")
            self.follow(False)
            self.grids["x0_pred"].set_images(preview)
            self.grids["x_t"].set_images(None)
            self.grids["eps_pred"].set_images(None)
            self.grids["x_t"].set_placeholder(self.tr("sampling… step {step}/{total}").format(step=step, total=total))
            self.grids["eps_pred"].set_placeholder(self.tr("recording…"))
        else:
            self.show_kind("points")
            self.points_plot.show_live(preview, step, total)

    def start_trajectory(self, trajectory: Trajectory) -> None:
        """A new recorded run replaces the live preview."""
        self.points_plot.forget()
        for key in ("x_t", "eps_pred"):
            self.grids[key].set_placeholder(self.tr("run the sampler"))
        if trajectory is not None and trajectory.kind == "points":
            self.points_plot.prepare(trajectory)

    def show_frame(self, traj: Trajectory, index: int, selected: int | None, label: str) -> dict[str, np.ndarray]:
        """Recorded frame ``index`` (of every sample, or of sample ``selected``); returns the arrays shown."""
        frame = traj.frame(index)
        shown = {"x_t": frame.x_t, "x0_pred": frame.x0_pred, "eps_pred": frame.eps_pred}
        if traj.kind == "images":
            self.show_kind("images")
            if selected is not None:
                shown = {k: v[selected] for k, v in shown.items()}
                for key in VIEWS:
                    self.singles[key].set_image(shown[key])
                    self.singles[key].set_title(self.tr("{title} · sample #{index}").format(
                        title=_tr(VIEW_TITLES[key]), index=selected))
            else:
                ncol = self.columns or math.ceil(math.sqrt(len(frame.x_t)))
                for key in VIEWS:
                    self.grids[key].set_images(shown[key], ncol=ncol)
        else:
            self.show_kind("points")
            self.points_plot.show_frame(traj, index, label)
        return {k: np.asarray(v) for k, v in shown.items()}
