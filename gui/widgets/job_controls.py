"""The controls every "compute something on the worker" view shares: a primary run button, Cancel, a progress bar
and the dim message line under them (the Compare, Error vs NFE and Inversion views)."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QSizePolicy

from gui import theme as _theme


def run_controls(owner, run_text: str, run_tip: str, *, progress_width: int = 140) -> None:
    """Give ``owner`` ``run_button``, ``cancel_button``, ``progress_bar`` (empty) and ``message_label`` (the panels'
    ``_show_message`` writes it); the texts are already translated by the caller's ``tr``."""
    owner.run_button = QPushButton(_theme.icon("play"), run_text)
    owner.run_button.setProperty("role", "primary")
    owner.run_button.setToolTip(run_tip)
    owner.cancel_button = QPushButton(QCoreApplication.translate("JobControls", "Cancel"))
    owner.progress_bar = QProgressBar()
    owner.progress_bar.setRange(0, 1)
    owner.progress_bar.setValue(0)
    owner.progress_bar.setMinimumWidth(progress_width)
    owner.message_label = QLabel("")
    owner.message_label.setProperty("role", "dim")
    owner.message_label.setWordWrap(True)
    owner.message_label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)  # long messages wrap, never widen
