"""The Training tab's preview card: what the EMA weights draw every N steps, as images or as 2-D points.

Previews arrive rendered by the worker thread (:class:`~gui.events.PreviewReady`: a uint8 grid or float32 points);
the card shows them and returns the frame kept for the time-lapse export (points are rendered to an image here,
with numpy, never with tensors).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QSize
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget

from gui import theme as _theme
from gui.widgets.fit_view import fit_view
from gui.widgets.image_view import ImageView

POINT_RANGE = 3.0  # the 2-D preview's fixed axes: (-3, 3)
TIMELAPSE_SIZE = 384  # side of a rendered 2-D time-lapse frame
WAITING_CAPTION = QT_TRANSLATE_NOOP("PreviewCard", "Previews appear every N steps (Preview every, in the dock's "
                                    "Advanced section): 20 DDIM steps from the EMA weights, fixed seed.")


def quantized_brushes(colors: np.ndarray, alpha: int = 220, levels: int = 8) -> list:
    """One brush per point from uint8 (N, 3) colours, rounded to a coarse grid so pyqtgraph's symbol atlas stays
    small (fast setData) and equal brushes are shared."""
    step = 256 // levels
    q = (colors.astype(np.int32) // step) * step + step // 2
    cache: dict[tuple[int, int, int], object] = {}
    out = []
    for r, g, b in q:
        key = (int(r), int(g), int(b))
        brush = cache.get(key)
        if brush is None:
            brush = cache[key] = pg.mkBrush(key[0], key[1], key[2], alpha)
        out.append(brush)
    return out


class SquareHolder(QWidget):
    """Keeps its one child the largest centred square (a 2-D plot with locked aspect and a fixed range)."""

    def __init__(self, child: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.child = child
        child.setParent(self)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)

    def resizeEvent(self, event) -> None:
        side = max(1, min(self.width(), self.height()))
        self.child.setGeometry((self.width() - side) // 2, (self.height() - side) // 2, side, side)
        super().resizeEvent(event)

    def sizeHint(self) -> QSize:
        return QSize(320, 320)

    def minimumSizeHint(self) -> QSize:
        return QSize(160, 160)


class PreviewCard(QFrame):
    """Title, the newest preview (an image view or a square scatter plot) and a caption."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("role", "card")
        self._classes: tuple[str, ...] = ()  # a conditional model's class names: a row (or colour) per class
        self._shown: tuple[int, int, bool] | None = None  # (step, frames kept, images) of the preview shown
        self.title = QLabel(self.tr("EMA samples"))
        self.title.setProperty("role", "heading")
        self.caption = QLabel(self.tr(WAITING_CAPTION))
        self.caption.setProperty("role", "dim")
        self.caption.setWordWrap(True)
        self.image = ImageView(placeholder=self.tr("no preview yet"))
        self.points = pg.PlotWidget()
        self.points.setMenuEnabled(False)
        pitem = self.points.getPlotItem()
        pitem.setLabel("left", "x₂")
        pitem.setLabel("bottom", "x₁")
        pitem.setXRange(-POINT_RANGE, POINT_RANGE, padding=0)
        pitem.setYRange(-POINT_RANGE, POINT_RANGE, padding=0)
        pitem.getViewBox().setAspectLocked(True)
        pitem.getViewBox().setMouseEnabled(x=False, y=False)
        pitem.hideButtons()
        self.scatter = pg.ScatterPlotItem(size=3.5, pen=None)
        pitem.addItem(self.scatter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.image)
        self.points_holder = SquareHolder(self.points)
        self.stack.addWidget(self.points_holder)
        self.stack.setMinimumWidth(220)
        pv = QVBoxLayout(self)
        pv.setContentsMargins(8, 8, 8, 8)
        pv.setSpacing(4)
        pv.addWidget(self.title)
        pv.addWidget(self.stack, 1)
        pv.addWidget(self.caption)
        _theme.style_plot(self.points, _theme.current_theme())

    def apply_theme(self, theme: _theme.Theme) -> None:
        _theme.style_plot(self.points, theme)

    def fit_to_data(self, box: tuple[float, float, float, float] | None) -> None:
        """Fit the 2-D view to the model's training points (x min, y min, x max, y max), once per model: the
        previews of one run are then drawn on the same axes."""
        if box is not None:
            fit_view(self.points.getPlotItem(), np.array([box[:2], box[2:]], dtype=np.float64))

    def set_kind(self, kind: str | None) -> None:
        self.stack.setCurrentWidget(self.points_holder if kind == "points" else self.image)

    def set_classes(self, names: tuple[str, ...]) -> None:
        """A conditional model draws its classes in turn: one grid row per class, or one colour per class."""
        self._classes = tuple(names)

    def clear(self) -> None:
        """Another model: its previews start over."""
        self.image.clear()
        self.scatter.clear()
        self._shown = None
        self.title.setText(self.tr("EMA samples"))

    def show_preview(self, step: int, samples: np.ndarray, kept: int) -> np.ndarray:
        """Show one preview; returns it as a uint8 image for the time-lapse (``kept`` frames so far, this one
        included, for the caption)."""
        arr = np.asarray(samples)
        if arr.dtype == np.uint8:
            self.stack.setCurrentWidget(self.image)
            self.image.set_image(arr)
            frame = arr
        else:
            from engine.plotting import point_colors, scatter_image

            self.stack.setCurrentWidget(self.points_holder)
            pts = arr.astype(np.float32, copy=False)
            if self._classes:
                from engine.plotting import class_block_colors

                colors = class_block_colors(len(pts), len(self._classes))
            else:
                colors = point_colors(pts) if len(pts) else np.zeros((0, 3), np.uint8)
            finite = np.isfinite(pts).all(axis=1)
            pts, colors = pts[finite], colors[finite]
            self.scatter.setData(pos=pts, brush=quantized_brushes(colors))
            frame = scatter_image(pts, size=TIMELAPSE_SIZE, extent=POINT_RANGE, colors=colors)
        self._shown = (int(step), int(kept), arr.dtype == np.uint8)
        self._show_texts()
        return frame

    def _show_texts(self) -> None:
        """The title and caption of the preview shown, in the current language."""
        step, kept, images = self._shown
        self.title.setText(self.tr("EMA samples · step {0:,}").format(step))
        per_class = ""
        if self._classes:
            how = self.tr("one row per class") if images else self.tr("one colour per class")
            per_class = f" · {how}: {', '.join(self._classes)}"
        if kept == 1:
            text = self.tr("20 DDIM steps from the EMA weights, fixed seed{0} · 1 frame kept for the time-lapse "
                           "export").format(per_class)
        else:
            text = self.tr("20 DDIM steps from the EMA weights, fixed seed{0} · {1} frames kept for the time-lapse "
                           "export").format(per_class, kept)
        self.caption.setText(text)

    def retranslate(self) -> None:
        """After a language switch: title and caption again (the waiting texts when nothing is shown yet)."""
        if self._shown is not None:
            self._show_texts()
        else:
            self.title.setText(self.tr("EMA samples"))
            self.caption.setText(self.tr(WAITING_CAPTION))
