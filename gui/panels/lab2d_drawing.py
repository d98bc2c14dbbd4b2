"""The 2-D lab's drawing side: the canvas and its tools (draw / erase, brush size and density, undo, clear,
starters, standardize) and the points files (save, open). The lab panel (gui/panels/lab2d.py) adds training."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from gui import jobs
from gui.widgets.draw_canvas import STARTERS, DrawCanvas, save_points, standardized
from gui.widgets.wrap_row import WrapRow, hgroup


def _read_points(path: str) -> np.ndarray:
    """Short job: a points file as the model would see it (standardized by load_points_file)."""
    from engine.data.toy2d import load_points_file

    return load_points_file(Path(path)).x.numpy().astype(np.float64)


class DrawingTools(QWidget):
    """The canvas with its tool rows. ``message(text, role)`` is a line for the panel's message label."""

    message = Signal(str, str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.canvas = DrawCanvas()
        self.draw_button = QPushButton(self.tr("Draw"))
        self.erase_button = QPushButton(self.tr("Erase"))
        self.tool_group = QButtonGroup(self)
        for b in (self.draw_button, self.erase_button):
            b.setCheckable(True)
            self.tool_group.addButton(b)
        self.draw_button.setChecked(True)
        self.brush_spin = QDoubleSpinBox()
        self.brush_spin.setRange(0.05, 1.5)
        self.brush_spin.setSingleStep(0.05)
        self.brush_spin.setValue(self.canvas.brush_size)
        self.brush_spin.setToolTip(self.tr("Brush radius, in the canvas's units"))
        self.density_spin = QSpinBox()
        self.density_spin.setRange(1, 100)
        self.density_spin.setValue(self.canvas.density)
        self.density_spin.setToolTip(self.tr("Points added per stroke step (each mouse move while drawing)"))
        self.undo_button = QPushButton(self.tr("Undo"))
        self.clear_button = QPushButton(self.tr("Clear"))
        self.standardize_button = QPushButton(self.tr("Standardize"))
        self.standardize_button.setToolTip(self.tr("Move the drawing to the coordinates the model sees: each axis zero "
                                                   "mean and unit std, as training on the points file does"))
        self.starter_combo = QComboBox()
        self.starter_combo.addItem(self.tr("Starter…"), "")
        for name, label in zip(STARTERS, (self.tr("smiley"), self.tr("letter A"), self.tr("ring")), strict=True):
            self.starter_combo.addItem(label, name)
        self.save_button = QPushButton(self.tr("Save…"))
        self.open_button = QPushButton(self.tr("Open…"))

        tools = WrapRow(max_lines=3)  # as many lines as the pane's width needs: the window must fit a 1280-px screen
        for group in (hgroup(self.draw_button, self.erase_button), hgroup(QLabel(self.tr("Size")), self.brush_spin),
                      hgroup(QLabel(self.tr("Density")), self.density_spin),
                      hgroup(self.undo_button, self.clear_button), self.standardize_button, self.starter_combo,
                      hgroup(self.save_button, self.open_button)):
            tools.addWidget(group)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(tools)

        self.tool_group.buttonToggled.connect(lambda *_: setattr(self.canvas, "erasing",
                                                                 self.erase_button.isChecked()))
        self.brush_spin.valueChanged.connect(lambda v: setattr(self.canvas, "brush_size", float(v)))
        self.density_spin.valueChanged.connect(lambda v: setattr(self.canvas, "density", int(v)))
        self.undo_button.clicked.connect(self.canvas.undo)
        self.clear_button.clicked.connect(self.canvas.clear_points)
        self.standardize_button.clicked.connect(self.standardize)
        self.starter_combo.activated.connect(self._on_starter)
        self.save_button.clicked.connect(self.save_dialog)
        self.open_button.clicked.connect(self.open_dialog)
        self.canvas.pointsChanged.connect(self._sync)
        self._sync()

    def _sync(self) -> None:
        self.undo_button.setEnabled(self.canvas.can_undo())

    def _on_starter(self, index: int) -> None:
        name = self.starter_combo.itemData(index)
        if name:
            self.canvas.load_starter(name)
        self.starter_combo.setCurrentIndex(0)

    def standardize(self) -> None:
        if len(self.canvas.points()) >= 2:
            self.canvas.set_points(standardized(self.canvas.points()))

    # -- files -----------------------------------------------------------------------------------------------------
    def save_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save drawing"), "drawing.csv",
                                              self.tr("Points (*.csv *.points.npy)"),
                                              options=QFileDialog.DontUseNativeDialog)
        if path:
            self.save_to(path)

    def save_to(self, path: str | Path) -> Path | None:
        """Write the drawing where ``load_points_file`` (and ``diffusion-lab train --dataset``) reads it."""
        points = self.canvas.points()
        if len(points) < 2:
            self.message.emit(self.tr("Draw at least 2 points first."), "warning")
            return None
        try:
            written = save_points(points, path)
        except OSError as exc:
            self.message.emit(self.tr("Cannot save: {0}").format(exc), "error")
            return None
        self.message.emit(self.tr("Saved {0} points to {1} (train it with: diffusion-lab train --dataset {1})")
                          .format(len(points), written), "dim")
        return written

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open points"), "",
                                              self.tr("Points (*.csv *.txt *.points.npy)"),
                                              options=QFileDialog.DontUseNativeDialog)
        if path:
            self.open_file(path)

    def open_file(self, path: str | Path) -> None:
        """Load a points file (a short job); it arrives standardized, as the model would see it."""
        jobs.run("lab2d-open", _read_points, str(path), owner=self, on_done=self.canvas.set_points,
                 on_error=lambda message: self.message.emit(message, "error"), expected=(OSError,))

    def shutdown(self) -> None:
        jobs.shutdown(self)
