"""The tab shown in place of a panel that could not be built, saying which one and why."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from gui.panels.base import Panel


class UnavailablePanel(Panel):
    """A placeholder tab: the window keeps working without the panel, and the user reads the reason."""

    def __init__(self, title: str, reason: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.title = title
        self.reason = reason
        self.setObjectName(f"{title}Placeholder")
        self.label = QLabel(self.tr("The {title} tab is unavailable: {reason}").format(title=title, reason=reason))
        self.label.setAlignment(Qt.AlignCenter)
        self.label.setWordWrap(True)
        self.label.setProperty("role", "dim")
        self.label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
