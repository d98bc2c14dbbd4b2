"""Ctrl+E on each tab opens the export dialog with what that tab shows."""
from PySide6.QtWidgets import QApplication

from gui.export_dialog import ExportDialog


def _open_dialog(window):
    window.export_current()
    QApplication.processEvents()
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, ExportDialog) and w.isVisible()]
    assert dialogs, "no export dialog opened"
    return dialogs[-1]


def test_export_from_schedule_and_forward_tabs(main_window, qtbot):
    window = main_window
    window.tabs.setCurrentWidget(window.schedule_panel)
    dialog = _open_dialog(window)
    assert any(key.startswith("plot:") for key in dialog.available())
    dialog.close()
    window.tabs.setCurrentWidget(window.forward_panel)
    qtbot.waitUntil(lambda: window.forward_panel.x0 is not None, timeout=10000)
    sources, initial = window.forward_panel.export_sources()
    assert initial == "forward" and "schedule" in sources["forward"]
    dialog = _open_dialog(window)
    assert "forward" in dialog.available()
    dialog.close()
