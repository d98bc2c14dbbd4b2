"""Help › Start here… and Help › What am I looking at? (F1), and File › Quit that asks while a model trains.

:func:`install_help_actions` is called once by ``window_menus.install_menus`` after the menus exist. The quit
question is asked from the Quit action and from a *spontaneous* close (the window manager's close button, see
``MainWindow.closeEvent``), never from a programmatic ``close()``: tests and the app's own code close the window
while training and must never meet a modal box.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from gui.help_texts import help_for

if TYPE_CHECKING:
    from gui.main_window import MainWindow

QUIT_STOP, QUIT_SAVE, QUIT_CANCEL = "stop", "save", "cancel"


def install_help_actions(w: MainWindow, help_menu: QMenu) -> None:
    """Add Start here… and What am I looking at? to the Help menu, and make File › Quit ask while training."""
    w.start_here_action = QAction(QCoreApplication.translate("HelpActions", "&Start here…"), w)
    w.start_here_action.setStatusTip(QCoreApplication.translate(
        "HelpActions", "Three one-click experiments and the keyboard shortcuts"))
    w.start_here_action.triggered.connect(lambda _checked=False: _show_start_page(w))
    w.whats_this_action = QAction(QCoreApplication.translate("HelpActions", "&What am I looking at?"), w)
    w.whats_this_action.setStatusTip(QCoreApplication.translate(
        "HelpActions", "Explain the current tab's view and the paper it follows"))
    w.shortcuts_action.setShortcut(QKeySequence("Shift+F1"))  # F1 now explains the current tab
    w.whats_this_action.setShortcut(QKeySequence(Qt.Key_F1))
    w.whats_this_action.triggered.connect(lambda _checked=False: explain_current_tab(w))
    for act in (w.start_here_action, w.whats_this_action):
        w.addAction(act)  # shortcuts work while the menu bar is hidden
    help_menu.insertAction(w.shortcuts_action, w.start_here_action)  # above Keyboard shortcuts and About
    help_menu.insertAction(w.shortcuts_action, w.whats_this_action)
    # File › Quit: the slot window_menus gave it (a plain close) becomes the asking one
    w.quit_action.triggered.disconnect()
    w.quit_action.triggered.connect(lambda _checked=False: request_quit(w))


def _show_start_page(w: MainWindow) -> None:
    from gui.start_page import show_start_page

    show_start_page(w)


# ============================================================================================== What am I looking at?
def current_panel_name(w: MainWindow) -> str | None:
    """The window attribute that holds the current tab (``sampling_panel`` ...)."""
    current = w.tabs.currentWidget()
    for name in ("schedule_panel", "forward_panel", "training_panel", "sampling_panel", "compare_panel",
                 "lab2d_panel", "inversion_panel", "runs_panel"):
        if getattr(w, name, None) is current:
            return name
    return None


def explain_current_tab(w: MainWindow) -> QMessageBox | None:
    """F1: a box with the current tab's explanation (gui/help_texts.py); returns it (open, not blocking)."""
    entry = help_for(current_panel_name(w) or "")
    if entry is None:
        return None
    title, text = entry
    box = QMessageBox(QMessageBox.Information, title, text, QMessageBox.Close, w)
    box.setObjectName("whatAmILookingAt")
    box.setAttribute(Qt.WA_DeleteOnClose)
    box.setTextInteractionFlags(Qt.TextSelectableByMouse)
    box.open()  # window-modal, returns at once: the training or sampler on screen keeps running
    return box


# ============================================================================================== quitting
def is_training(w: MainWindow) -> bool:
    return w.worker is not None and w.worker.state() in ("running", "paused")


def ask_quit(w: MainWindow) -> str:
    """Ask what to do with the run in progress: QUIT_STOP, QUIT_SAVE or QUIT_CANCEL."""
    box = QMessageBox(QMessageBox.Question, QCoreApplication.translate("HelpActions", "Quit while training?"),
                      QCoreApplication.translate("HelpActions", "A model is training. Quitting stops it; save a "
                                                 "checkpoint first to keep it (you can continue it later)."),
                      QMessageBox.NoButton, w)
    stop = box.addButton(QCoreApplication.translate("HelpActions", "Stop and quit"), QMessageBox.DestructiveRole)
    save = box.addButton(QCoreApplication.translate("HelpActions", "Save checkpoint and quit"),
                         QMessageBox.AcceptRole)
    cancel = box.addButton(QMessageBox.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    return QUIT_STOP if clicked is stop else QUIT_SAVE if clicked is save else QUIT_CANCEL


def request_quit(w: MainWindow) -> None:
    """File › Quit (Ctrl+Q): close at once, or, while training, as the user answers."""
    if confirm_close(w):
        w.close()


def confirm_close(w: MainWindow) -> bool:
    """Whether the window may close now. While training the user chooses: stop (True), save a checkpoint and close
    once it is written (False now), or cancel (False)."""
    if not is_training(w):
        return True
    choice = ask_quit(w)
    if choice == QUIT_STOP:
        return True
    if choice == QUIT_SAVE:
        save_then_quit(w)
    return False


def save_then_quit(w: MainWindow) -> bool:
    """Ask where to save the checkpoint, save it through the Training tab (the worker saves between two steps)
    and close the window when the worker says it is written; False when the user cancelled the file dialog."""
    panel = w.training_panel
    path, _ = QFileDialog.getSaveFileName(
        w, QCoreApplication.translate("HelpActions", "Save checkpoint"), w.files.dialog_dir(),
        QCoreApplication.translate("HelpActions", "Checkpoint file (*.safetensors);;Run folder (any name without "
                                   ".safetensors)"), options=QFileDialog.DontUseNativeDialog)
    if not path:
        return False
    worker = w.worker

    def done(_event: object) -> None:
        worker.checkpointSaved.disconnect(done)
        worker.error.disconnect(failed)
        w.close()

    def failed(_event: object) -> None:  # the Training tab and the status bar show why; the window stays
        worker.checkpointSaved.disconnect(done)
        worker.error.disconnect(failed)

    worker.checkpointSaved.connect(done)
    worker.error.connect(failed)
    if hasattr(panel, "save_checkpoint_to"):
        panel.save_checkpoint_to(path)
    else:  # the Training tab is unavailable: the worker still holds the model
        worker.save_checkpoint(path)
    return True
