"""File › Export on the Compare tab: the recorded comparison is offered as an animation with the dialog's format,
speed and size options, written by a background job, and the file decodes to the expected frames."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from engine.presets import quick_config
from gui.export_dialog import ExportDialog


@pytest.fixture(scope="module")
def small_moons():
    from engine.training import Trainer

    cfg = quick_config("moons", steps=100, preview_every=0)
    cfg.schedule.timesteps = 100
    trainer = Trainer(cfg)
    for _ in range(100):
        trainer.step()
    return trainer


def test_file_export_writes_the_comparison_animation(qtbot, main_window, small_moons, tmp_path):
    from engine.export.compare import comparison_ts, compose_comparison
    from engine.export.frames import select_frames

    window = main_window
    panel = window.compare_panel
    window.tabs.setCurrentWidget(panel)
    assert panel.export_sources() == ({}, None)  # nothing recorded yet
    window.worker.set_trainer(small_moons)
    qtbot.waitUntil(panel.run_button.isEnabled, timeout=20000)
    qtbot.mouseClick(panel.columns[2].remove_button, Qt.LeftButton)  # DDIM-10 and DPM++(2M)-10 remain
    panel.n_spin.setValue(32)
    with qtbot.waitSignal(window.worker.compareFinished, timeout=60000):
        qtbot.mouseClick(panel.run_button, Qt.LeftButton)

    window.export_current()  # File › Export (Ctrl+E)
    QApplication.processEvents()
    dialog = [w for w in QApplication.topLevelWidgets() if isinstance(w, ExportDialog) and w.isVisible()][-1]
    assert dialog.what() == "compare" and "compare" in dialog.available()
    assert dialog.anim_box.isVisible() and dialog.scale_spin.isEnabled()
    assert [dialog.format_combo.itemData(i) for i in range(dialog.format_combo.count())][:3] == [
        ".gif", ".webp", ".apng"]
    dialog.fps_spin.setValue(25.0)
    dialog.hold_spin.setValue(0.0)
    dialog.select_combo.setCurrentIndex(dialog.select_combo.findData("every_k"))
    dialog.k_spin.setValue(3)
    dialog.scale_spin.setValue(2)
    out = tmp_path / "comparison.gif"
    dialog.set_path(out)
    assert dialog.start_export()
    assert dialog.is_running() or dialog.last_result is not None  # a background job, not the GUI thread
    qtbot.waitUntil(lambda: dialog.last_result is not None, timeout=120000)

    columns = [column.compare_column() for column in panel.columns]
    every_t = comparison_ts(columns)
    expected_ts = [every_t[i] for i in select_frames(len(every_t), "every_k", 3, 300)]
    result = dialog.last_result
    assert result.frame_indices == expected_ts and expected_ts[-1] == 0
    width = 2 * compose_comparison(columns, 0, plot_size=384).shape[1]  # the dialog's plot size, upscaled 2x
    with Image.open(out) as gif:
        assert gif.n_frames == len(expected_ts)
        assert gif.size[0] == width
        durations = []
        for k in range(gif.n_frames):
            gif.seek(k)
            durations.append(gif.info["duration"])
        assert durations == [40] * len(expected_ts)  # 25 fps
    assert "Saved" in dialog.last_message
    dialog.close()
