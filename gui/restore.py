"""The crash-recovery offer at start: "Training from your last session was autosaved. Restore it?"

``offer_restore(parent)`` looks for autosaves left by a crash (:func:`engine.autosave.find_restorable`) and, when
there is one, asks with Restore / Discard / Later. Restore returns the checkpoint path for the caller to load
(``worker.load_checkpoint(path)``); Discard deletes the autosave(s); Later keeps them for the next start.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from engine.autosave import AutosaveInfo, discard, find_restorable

BOX_NAME = "restoreAutosaveBox"
MAX_LISTED = 5


def build_restore_box(parent: QWidget | None, infos: list[AutosaveInfo]) -> QMessageBox:
    """The question box (not shown). Buttons carry object names restoreButton / discardButton / laterButton."""
    newest = infos[0]
    box = QMessageBox(parent)
    box.setObjectName(BOX_NAME)
    box.setIcon(QMessageBox.Question)
    box.setWindowTitle(QCoreApplication.translate("RestoreBox", "Restore autosaved training?"))
    box.setText(QCoreApplication.translate("RestoreBox", "Diffusion Lab did not close normally last time. Your "
                                           "training was autosaved:"))
    lines = [f"• {newest.describe()}"]
    older = infos[1:]
    for info in older[:MAX_LISTED - 1]:
        lines.append(QCoreApplication.translate("RestoreBox", "• older: {0}").format(info.describe()))
    if len(older) > MAX_LISTED - 1:
        lines.append(QCoreApplication.translate("RestoreBox", "• … and {0} more").format(len(older) - (MAX_LISTED - 1)))
    lines.append("")
    lines.append(QCoreApplication.translate("RestoreBox", "Restore opens the newest one. Discard deletes them; Later "
                                            "asks again at the next start.") if older else
                 QCoreApplication.translate("RestoreBox", "Restore opens the newest one. Discard deletes it; Later "
                                            "asks again at the next start."))
    box.setInformativeText("\n".join(lines))
    restore = box.addButton(QCoreApplication.translate("RestoreBox", "Restore"), QMessageBox.AcceptRole)
    restore.setObjectName("restoreButton")
    remove = box.addButton(QCoreApplication.translate("RestoreBox", "Discard"), QMessageBox.DestructiveRole)
    remove.setObjectName("discardButton")
    later = box.addButton(QCoreApplication.translate("RestoreBox", "Later"), QMessageBox.RejectRole)
    later.setObjectName("laterButton")
    box.setDefaultButton(restore)
    box.setEscapeButton(later)
    return box


def offer_restore(parent: QWidget | None = None, infos: list[AutosaveInfo] | None = None) -> Path | None:
    """Ask about the autosave(s) left by a crash. Returns the checkpoint to load, or None (nothing to restore,
    Discard, Later, or the box was closed)."""
    infos = find_restorable() if infos is None else list(infos)
    if not infos:
        return None
    box = build_restore_box(parent, infos)
    try:
        box.exec()
        clicked = box.clickedButton()
        name = clicked.objectName() if clicked is not None else "laterButton"
    finally:
        box.deleteLater()
    if name == "restoreButton":
        path = infos[0].checkpoint
        return path if path.is_file() else None
    if name == "discardButton":
        for info in infos:
            discard(info)
    return None
