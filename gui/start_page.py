"""The start page: three one-click experiments, the keyboard shortcuts, and "Show this page on start".

Shown by gui/app.py after the window appears on the first start (or every start, if the user ticks the box) and
from Help › Start here…; never by MainWindow itself, so tests that build windows never meet it. Everything runs
offline: the experiments use the presets of engine/presets.py (moons and the digits shipped with the app).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from engine.presets import first_run_config

if TYPE_CHECKING:
    from gui.main_window import MainWindow
    from gui.settings import Settings


def should_show_start_page(settings: Settings) -> bool:
    """The app's decision at start: the first start shows the page; later ones only if the user asked."""
    return not settings.start_page_seen() or settings.show_start_page()


def start_training_experiment(w: MainWindow, dataset: str) -> bool:
    """Put the preset's time-budgeted config (engine.presets.first_run_config) in the Experiment dock and start a
    fresh run on the Training tab; False (with the reason in the status bar) when a run is already going."""
    panel = w.training_panel
    if w.worker is None or not hasattr(panel, "continue_check"):
        return False
    if w.worker.state() != "idle":
        w.statusBar().showMessage(QCoreApplication.translate("StartPage", "Already training: stop the current run "
                                                             "first"), 5000)
        return False
    w.form.set_config(first_run_config(dataset))
    panel.continue_check.setChecked(False)  # a new model, not the one in memory
    w.train()
    return True


def start_drawing(w: MainWindow) -> bool:
    """Open the 2-D lab with the Draw tool selected and the canvas ready for the mouse."""
    lab = w.lab2d_panel
    if not hasattr(lab, "drawing"):
        return False
    w.tabs.setCurrentWidget(lab)
    lab.drawing.draw_button.setChecked(True)
    lab.canvas.setFocus()
    lab._show_message(QCoreApplication.translate("StartPage",
        "Draw points with the left mouse button (or pick a starter), then press Train on drawing."))
    return True


class StartPage(QDialog):
    """Non-modal: the window (and a run started from here) stays usable while the page is open."""

    def __init__(self, window: MainWindow, parent: QWidget | None = None):
        super().__init__(parent if parent is not None else window)
        self.window_ = window
        self.setObjectName("startPage")
        self.setWindowTitle(self.tr("Start here"))
        self.setMinimumWidth(520)
        intro = QLabel(self.tr("Diffusion Lab trains small diffusion models on your computer and shows every step "
                               "of what they do. Pick an experiment: one click sets it up and starts it. Nothing "
                               "is downloaded."))
        intro.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        self.moons_button = self._experiment(
            lay, self.tr("Moons in 30 seconds"),
            self.tr("Trains the moons preset (2-D points) for at most 30 seconds (a time budget), on the Training "
                    "tab: watch the loss fall and the samples take the shape of two moons."))
        self.digits_button = self._experiment(
            lay, self.tr("Digits in two minutes"),
            self.tr("Trains the digits preset (8×8 handwritten digits shipped with the app) for 2 minutes (a time "
                    "budget: as many steps as your computer manages in that time); on a 2-core laptop CPU the samples "
                    "start to look like digits within about a minute."))
        self.draw_button = self._experiment(
            lay, self.tr("Draw your own distribution"),
            self.tr("Opens the 2-D lab in draw mode: draw points with the mouse, train on them, and compare the "
                    "learned denoiser with the exact one."))
        note = QLabel(self.tr("The time budget is in the Experiment panel's Advanced training section (0 = no limit). "
                              "Press F1 on any tab to learn what it shows."))
        note.setWordWrap(True)
        note.setProperty("role", "dim")
        lay.addWidget(note)
        self.shortcuts_button = QPushButton(self.tr("Keyboard shortcuts…"))
        lay.addWidget(self.shortcuts_button, 0, Qt.AlignLeft)
        self.show_check = QCheckBox(self.tr("Show this page on start"))
        self.show_check.setChecked(window.settings.show_start_page())
        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        lay.addWidget(self.show_check)
        lay.addWidget(buttons)

        self.moons_button.clicked.connect(lambda: self._run(lambda: start_training_experiment(window, "moons")))
        self.digits_button.clicked.connect(lambda: self._run(lambda: start_training_experiment(window, "digits")))
        self.draw_button.clicked.connect(lambda: self._run(lambda: start_drawing(window)))
        self.shortcuts_button.clicked.connect(self._show_shortcuts)
        self.show_check.toggled.connect(window.settings.set_show_start_page)
        buttons.rejected.connect(self.reject)
        window.settings.set_start_page_seen()

    def _experiment(self, lay: QVBoxLayout, title: str, text: str) -> QPushButton:
        button = QPushButton(title)
        button.setProperty("role", "primary")
        caption = QLabel(text)
        caption.setWordWrap(True)
        caption.setProperty("role", "dim")
        lay.addSpacing(6)
        lay.addWidget(button)
        lay.addWidget(caption)
        return button

    def _run(self, start) -> None:
        if start():
            self.accept()

    def _show_shortcuts(self) -> None:
        from gui.window_menus import show_shortcuts  # the one shortcuts table

        show_shortcuts(self)


def show_start_page(w: MainWindow) -> StartPage:
    """Open the start page over ``w`` (not blocking) and return it."""
    page = StartPage(w)
    page.setAttribute(Qt.WA_DeleteOnClose)
    page.show()
    page.raise_()
    return page
