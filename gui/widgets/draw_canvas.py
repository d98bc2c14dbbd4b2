"""A canvas to draw a 2-D point set with the mouse: brush (size, density), eraser, undo, starters, files.

Coordinates are the plot's own, [-3, 3]^2 by default: what a drawn set becomes once standardized (zero mean, unit
std per axis, as engine/data/toy2d.py's ``load_points_file`` does when training on it) lies in the same range, so
what one draws is roughly what the model sees. Files written here are what that loader (and ``diffusion-lab train
--dataset``) reads: ``.csv`` with an ``x,y`` header, or ``*.points.npy`` holding a float (N, 2) array.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent

EXTENT = 3.0  # the canvas shows [-EXTENT, EXTENT]^2
MAX_UNDO = 50
STARTERS = ("smiley", "letter A", "ring")


# ---------------------------------------------------------------------------------------------- starters
def _segment(rng: np.random.Generator, a: tuple[float, float], b: tuple[float, float], n: int,
             noise: float) -> np.ndarray:
    s = rng.uniform(0.0, 1.0, (n, 1))
    return np.asarray(a) + s * (np.asarray(b) - np.asarray(a)) + rng.normal(0.0, noise, (n, 2))


def _arc(rng: np.random.Generator, centre: tuple[float, float], radius: float, start: float, stop: float, n: int,
         noise: float) -> np.ndarray:
    angle = rng.uniform(start, stop, n)
    return np.asarray(centre) + radius * np.stack([np.cos(angle), np.sin(angle)], axis=1) \
        + rng.normal(0.0, noise, (n, 2))


def starter_points(name: str, n: int = 600, seed: int = 0) -> np.ndarray:
    """A ready-made drawing of about ``n`` float64 points (name in :data:`STARTERS`), within [-2.5, 2.5]^2."""
    rng = np.random.default_rng(seed)
    noise = 0.04
    if name == "ring":
        return _arc(rng, (0.0, 0.0), 1.8, 0.0, 2 * math.pi, n, noise)
    if name == "smiley":
        face = _arc(rng, (0.0, 0.0), 2.2, 0.0, 2 * math.pi, n // 2, noise)
        eyes = np.concatenate([rng.normal((-0.8, 0.8), 0.12, (n // 8, 2)), rng.normal((0.8, 0.8), 0.12, (n // 8, 2))])
        mouth = _arc(rng, (0.0, 0.1), 1.3, 1.15 * math.pi, 1.85 * math.pi, n - n // 2 - 2 * (n // 8), noise)
        return np.concatenate([face, eyes, mouth])
    if name == "letter A":
        side = n * 2 // 5
        return np.concatenate([_segment(rng, (-1.6, -2.2), (0.0, 2.2), side, noise),
                               _segment(rng, (1.6, -2.2), (0.0, 2.2), side, noise),
                               _segment(rng, (-0.85, -0.2), (0.85, -0.2), n - 2 * side, noise)])
    raise ValueError(f"unknown starter {name!r}; choose one of {', '.join(STARTERS)}")


# ---------------------------------------------------------------------------------------------- files
def points_file_path(path: str | Path) -> Path:
    """The name the points loader recognises: ``.csv`` / ``.txt`` kept, any ``.npy`` made ``*.points.npy``
    (a plain ``.npy`` is read as an image array), anything else gets ``.csv``."""
    path = Path(path)
    lowered = path.name.lower()
    if lowered.endswith((".csv", ".txt", ".points.npy")):
        return path
    if lowered.endswith(".npy"):
        return path.with_name(path.name[:-4] + ".points.npy")
    return path.with_name(path.name + ".csv")


def save_points(points: np.ndarray, path: str | Path) -> Path:
    """Write ``points`` (N, 2) where :func:`engine.data.toy2d.load_points_file` reads them back; returns the path
    written (see :func:`points_file_path`). Atomic: a reader never sees half a file."""
    from engine.atomic import atomic_path

    target = points_file_path(path)
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    target.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(target) as tmp:
        if target.name.lower().endswith(".npy"):
            with open(tmp, "wb") as fh:
                np.save(fh, points, allow_pickle=False)
        else:  # %.17g: doubles round-trip exactly
            np.savetxt(tmp, points, fmt="%.17g", delimiter=",", header="x,y", comments="")
    return target


def standardized(points: np.ndarray) -> np.ndarray:
    """The points as the model sees them: per axis zero mean and unit std (an axis without spread only centred),
    the standardization of ``load_points_file``."""
    points = np.asarray(points, dtype=np.float64)
    std = points.std(axis=0)
    return (points - points.mean(axis=0)) / np.where(std > 0, std, 1.0)


# ---------------------------------------------------------------------------------------------- the canvas
class DrawCanvas(pg.PlotWidget):
    """Left button draws (or erases, in erase mode) with a round brush; every mouse event of a stroke is one
    "stroke step" that adds ``density`` points uniformly inside the brush. ``pointsChanged`` is emitted once per
    finished edit (stroke, undo, clear, starter, load), never per mouse move."""

    pointsChanged = Signal()

    def __init__(self, parent=None, *, seed: int = 0):
        super().__init__(parent)
        self._points = np.zeros((0, 2), dtype=np.float64)
        self._undo: list[np.ndarray] = []
        self._rng = np.random.default_rng(seed)
        self._stroking = False
        self.brush_size = 0.3  # brush radius, in plot units
        self.density = 8  # points added per stroke step
        self.erasing = False
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.showGrid(x=True, y=True, alpha=0.15)
        view = item.getViewBox()
        view.setMouseEnabled(False, False)
        view.setAspectLocked(True)
        view.setRange(xRange=(-EXTENT, EXTENT), yRange=(-EXTENT, EXTENT), padding=0.02)
        self.scatter = pg.ScatterPlotItem(size=4, pen=None, brush=pg.mkBrush(90, 170, 255, 200))
        self.addItem(self.scatter)
        self.setCursor(Qt.CrossCursor)

    # -- data ------------------------------------------------------------------------------------------------------
    def points(self) -> np.ndarray:
        """A copy of the drawn points, float64 (N, 2), in canvas coordinates."""
        return self._points.copy()

    def set_points(self, points: np.ndarray, *, undoable: bool = True) -> None:
        if undoable:
            self._push_undo()
        self._points = np.asarray(points, dtype=np.float64).reshape(-1, 2).copy()
        self._redraw()
        self.pointsChanged.emit()

    def clear_points(self) -> None:  # not clear(): PlotWidget binds that name to PlotItem.clear
        self.set_points(np.zeros((0, 2)))

    def load_starter(self, name: str) -> None:
        self.set_points(starter_points(name))

    def can_undo(self) -> bool:
        return bool(self._undo)

    def undo(self) -> None:
        if self._undo:
            self._points = self._undo.pop()
            self._redraw()
            self.pointsChanged.emit()

    def _push_undo(self) -> None:
        self._undo.append(self._points.copy())
        del self._undo[:-MAX_UNDO]

    def _redraw(self) -> None:
        self.scatter.setData(pos=self._points)

    # -- brush -----------------------------------------------------------------------------------------------------
    def stroke_step(self, x: float, y: float) -> None:
        """One step of the brush at plot position (x, y): add ``density`` points in the disk, or erase it."""
        if self.erasing:
            if len(self._points):
                keep = np.hypot(self._points[:, 0] - x, self._points[:, 1] - y) > self.brush_size
                self._points = self._points[keep]
        else:
            # uniform in the disk: radius ~ R sqrt(u), so equal areas get equal counts
            radius = self.brush_size * np.sqrt(self._rng.uniform(0.0, 1.0, self.density))
            angle = self._rng.uniform(0.0, 2 * math.pi, self.density)
            added = np.stack([x + radius * np.cos(angle), y + radius * np.sin(angle)], axis=1)
            self._points = np.concatenate([self._points, added])
        self._redraw()

    def _plot_position(self, event: QMouseEvent) -> tuple[float, float]:
        scene = self.mapToScene(event.position().toPoint())
        view = self.getPlotItem().getViewBox().mapSceneToView(scene)
        return float(view.x()), float(view.y())

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.LeftButton:
            return
        self._push_undo()
        self._stroking = True
        self.stroke_step(*self._plot_position(event))
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._stroking:
            self.stroke_step(*self._plot_position(event))
            event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._stroking and event.button() == Qt.LeftButton:
            self._stroking = False
            self.pointsChanged.emit()
            event.accept()

    def wheelEvent(self, event) -> None:
        event.ignore()
