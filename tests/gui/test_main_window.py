"""The main window: tabs and docks, validation as you type, file round trips, settings, actions."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMessageBox

from engine.config import ExperimentConfig


def test_window_opens_with_tabs_and_dock(main_window):
    w = main_window
    assert w.windowTitle() == "Diffusion Lab"
    assert [w.tabs.tabText(i) for i in range(w.tabs.count())] == ["Schedule", "Forward", "Training", "Sampling",
                                                                  "Compare", "2-D lab", "Inversion", "Runs"]
    docks = {d.windowTitle(): d for d in w.findChildren(QDockWidget)}
    assert "Experiment" in docks and docks["Experiment"].isVisible()
    assert "Timeline" in docks and docks["Timeline"].isVisible()
    assert w.train_action.isEnabled()
    assert isinstance(w.config(), ExperimentConfig)
    # every form section is there
    for name in ("data.dataset", "data.image_size", "schedule.kind", "schedule.timesteps", "schedule.beta_start",
                 "schedule.beta_end", "schedule.zero_terminal_snr", "model.preset", "model.class_conditional",
                 "training.steps", "training.batch_size", "training.lr", "training.warmup_steps",
                 "training.ema_decay", "training.prediction", "training.loss_weighting", "training.min_snr_gamma",
                 "training.seed", "training.device"):
        assert name in w.form.widgets, name
    assert "cpu" in w.form.device_label.text() or "cuda" in w.form.device_label.text()


INVALID_EDITS = [
    ("training.lr", "-1", "(0, 1]"),
    ("schedule.timesteps", "abc", "[1, 100000]"),
    ("schedule.beta_end", "2", "(0, 1)"),
    ("training.batch_size", "2.5", "[1, 65536]"),
    ("training.ema_decay", "1", "[0, 1)"),
]


def test_invalid_value_marks_field_and_disables_train(main_window, qtbot):
    w = main_window
    seen = []
    w.form.validityChanged.connect(seen.append)
    for field, text, range_text in INVALID_EDITS:
        widget = w.form.field_widget(field)
        good = widget.text()
        seen.clear()
        widget.setText(text)
        assert widget.property("invalid") is True, field
        assert range_text in widget.toolTip() and field in widget.toolTip(), widget.toolTip()
        assert not w.train_action.isEnabled()
        assert w.form.error_label.isVisibleTo(w.form)
        assert seen == [False]
        widget.setText(good)
        assert not widget.property("invalid")
        assert w.train_action.isEnabled()
        assert not w.form.error_label.isVisibleTo(w.form)
        assert seen == [False, True]


def test_lenient_numbers_and_cross_field_errors(main_window, qtbot):
    w = main_window
    with qtbot.waitSignal(w.form.configChanged, timeout=1000) as blocker:
        w.form.field_widget("training.lr").setText("3e-4")
    assert blocker.args[0].training.lr == pytest.approx(3e-4)
    w.form.field_widget("training.steps").setText("2e3")
    assert w.config().training.steps == 2000
    assert w.train_action.isEnabled()

    # cross-field errors are shown on the field they name
    # beta_start > beta_end is reported on beta_start
    w.form.field_widget("schedule.beta_start").setText("0.05")
    assert w.form.field_widget("schedule.beta_start").property("invalid") is True
    assert not w.train_action.isEnabled()
    w.form.field_widget("schedule.beta_start").setText("0.0001")
    assert w.train_action.isEnabled()
    # sampling.steps (not in the dock) > T: shown on the T field, which the message names
    w.form.field_widget("schedule.timesteps").setText("10")
    assert w.form.field_widget("schedule.timesteps").property("invalid") is True
    assert "sampling.steps" in w.form.field_widget("schedule.timesteps").toolTip()
    w.form.field_widget("schedule.timesteps").setText("1000")
    assert w.train_action.isEnabled()


def test_save_and_open_round_trip(main_window, tmp_path, monkeypatch):
    w = main_window
    path = tmp_path / "exp.json"
    w.form.field_widget("training.lr").setText("0.0005")
    w.form.field_widget("schedule.timesteps").setText("400")
    kind = w.form.field_widget("schedule.kind")
    kind.setCurrentIndex(kind.findData("cosine"))
    expected = w.config()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    w.save_as_action.trigger()
    assert path.is_file()
    assert ExperimentConfig.load(path).to_dict() == expected.to_dict()
    assert w.files.path == str(path)

    w.new_action.trigger()
    assert w.config().schedule.timesteps == 1000
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    w.open_action.trigger()
    assert w.config().to_dict() == expected.to_dict()
    assert w.form.field_widget("schedule.timesteps").text() == "400"
    assert w.schedule_panel.curves["alpha_bar"].getOriginalDataset()[1].shape == (400,)

    # Ctrl+S now saves to the same file without asking
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: pytest.fail("asked for a file name"))
    w.form.field_widget("training.seed").setText("7")
    assert w.save_action.shortcut() == QKeySequence("Ctrl+S")
    w.save_action.trigger()
    assert ExperimentConfig.load(path).training.seed == 7


BAD_FILES = [
    ("{not json", "not valid JSON"),
    (json.dumps({"training": {"lr": "fast"}}), "training.lr"),
    (json.dumps({"schedule": {"colour": 3}}), "schedule.colour"),
    (json.dumps({"version": 99}), "newer"),
]


def test_bad_experiment_file_gives_message_and_keeps_config(main_window, tmp_path, monkeypatch):
    w = main_window
    w.form.field_widget("training.lr").setText("0.0007")
    before = w.config().to_dict()
    messages = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a, **k: messages.append(text))
    for k, (content, expect) in enumerate(BAD_FILES):
        bad = tmp_path / f"broken{k}.json"
        bad.write_text(content, encoding="utf-8")
        messages.clear()
        assert w.files.open_experiment(bad) is False
        assert len(messages) == 1
        assert str(bad) in messages[0] and expect in messages[0], messages[0]
        assert "Traceback" not in messages[0]
        assert w.config().to_dict() == before
    # a file that does not exist
    messages.clear()
    assert w.files.open_experiment(tmp_path / "missing.json") is False
    assert "missing.json" in messages[0]

    # values out of range: the file opens, the fields are flagged and a message names them
    path = tmp_path / "invalid.json"
    raw = ExperimentConfig().to_dict()
    raw["training"]["lr"] = -1.0
    path.write_text(json.dumps(raw), encoding="utf-8")
    messages.clear()
    assert w.files.open_experiment(path) is True
    assert messages and "training.lr" in messages[0] and str(path) in messages[0]
    assert w.form.field_widget("training.lr").property("invalid") is True
    assert not w.train_action.isEnabled()


def test_settings_restore_geometry_theme_and_experiment(make_window, qtbot):
    first = make_window(size=(1500, 940))
    first.form.field_widget("training.lr").setText("0.00025")
    first.form.field_widget("schedule.timesteps").setText("321")
    first.set_theme("light")
    first.tabs.setCurrentIndex(1)
    first.close()

    second = make_window()
    assert second.size() == QSize(1500, 940)
    assert second.config().training.lr == pytest.approx(2.5e-4)
    assert second.config().schedule.timesteps == 321
    assert second.theme_name == "light"
    assert second.theme_actions["light"].isChecked()
    assert second.tabs.currentIndex() == 1
    assert second.timeline.count() == 322


def test_timeline_actions_and_shortcuts(main_window, qtbot):
    w = main_window
    assert w.play_action.shortcut() == QKeySequence("Space")
    assert w.step_back_action.shortcut() == QKeySequence("Left")
    assert w.step_forward_action.shortcut() == QKeySequence("Right")
    assert QKeySequence("Ctrl+Return") in w.train_action.shortcuts()
    assert w.export_action.shortcut() == QKeySequence("Ctrl+E")
    w.timeline.set_position(10)
    w.step_forward_action.trigger()
    assert w.timeline.position() == 11
    w.step_back_action.trigger()
    w.step_back_action.trigger()
    assert w.timeline.position() == 9
    w.play_action.trigger()
    assert w.timeline.is_playing()
    qtbot.waitUntil(lambda: w.timeline.position() > 12, timeout=3000)
    w.play_action.trigger()
    assert not w.timeline.is_playing()
    assert "t = " in w.timeline.readout_text() and "ᾱ_t" in w.timeline.readout_text()
    w.timeline.set_position(0)
    assert "clean" in w.timeline.readout_text()
    # playback speed scales the rate
    tl = w.timeline
    tl.set_speed(1.0)
    base = tl.rate()
    tl.set_speed(8.0)
    assert tl.rate() == pytest.approx(8 * base)
    tl.set_speed(0.25)
    assert tl.rate() == pytest.approx(base / 4)


def test_actions_forward_to_panels(main_window, monkeypatch):
    w = main_window
    calls = []

    class FakeTraining:
        def state(self):  # the window asks before starting (Train during a run says why nothing starts)
            return "idle"

        def start(self):
            calls.append("start")

        def open_checkpoint(self, path):
            calls.append(("ckpt", path))

    fake = FakeTraining()
    monkeypatch.setattr(w, "training_panel", fake)
    monkeypatch.setattr(w.tabs, "setCurrentWidget", lambda widget: None)
    w.train_action.trigger()
    w.open_checkpoint("/tmp/model.safetensors")
    assert calls == ["start", ("ckpt", "/tmp/model.safetensors")]

    w.tabs.setCurrentIndex(0)
    import gui.export_dialog

    monkeypatch.setattr(gui.export_dialog, "open_export_dialog",
                        lambda parent, sources, initial=None: calls.append(("export", sorted(sources), initial)))
    w.export_action.trigger()
    assert calls[-1][0] == "export" and calls[-1][1] == ["plots"] and calls[-1][2].startswith("plot:")

    # invalid config: Train does nothing
    w.form.field_widget("training.lr").setText("x")
    w.train()
    assert calls.count("start") == 1

    # a tab without export() says so instead of failing
    from PySide6.QtWidgets import QLabel

    w.tabs.addTab(QLabel("plain"), "Plain")
    w.tabs.setCurrentIndex(w.tabs.count() - 1)
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *a, **k: shown.append(text))
    w.export_action.trigger()
    assert shown and "Plain" in shown[0]


def test_status_bar_progress_and_about(main_window):
    w = main_window
    from gui.events import TrainingProgress

    payload = TrainingProgress(step=120, total=3000, its_per_sec=41.7, elapsed=65.0, eta=3700.0)
    if w.worker is not None:
        w.worker.progress.emit(payload)
    else:
        w.statusBar().show_progress(payload)
    bar = w.statusBar()
    assert "120" in bar.step_label.text() and "3,000" in bar.step_label.text()
    assert "41.7 it/s" in bar.speed_label.text()
    assert "1:05" in bar.time_label.text() and "1:01:40" in bar.time_label.text()
    assert "cpu" in bar.device_label.text() or "cuda" in bar.device_label.text()

    from engine.version import __version__
    from gui.window_menus import about_html

    text = about_html(w.config())
    assert __version__ in text and "PyTorch" in text and "Qt" in text and "Python" in text and "cpu" in text


def test_image_folder_preview_names_skipped_files(main_window, qtbot, tmp_path, monkeypatch):
    import numpy as np
    from PIL import Image

    folder = tmp_path / "pics"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for k in range(5):
        Image.fromarray(rng.integers(0, 255, (20, 20, 3), dtype=np.uint8)).save(folder / f"img{k}.png")
    (folder / "broken.png").write_bytes(b"not an image at all")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    combo = main_window.form.field_widget("data.dataset")
    index = combo.findData("__open_folder__")
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    assert main_window.form.candidate_config().data.dataset == str(folder)
    qtbot.waitUntil(lambda: main_window.form.data_warnings.isVisibleTo(main_window.form), timeout=20000)
    assert "broken.png" in main_window.form.data_warnings.text()
    assert main_window.form.preview_grid.cell_count() == 5
    assert "5 images" in main_window.form.data_status.text()


def test_space_types_into_fields_and_plays_elsewhere(main_window, qtbot):
    from PySide6.QtCore import Qt

    w = main_window
    w.activateWindow()
    qtbot.waitUntil(lambda: w.isActiveWindow(), timeout=3000)
    field = w.form.field_widget("training.lr")
    field.setFocus()
    qtbot.keyClick(field, Qt.Key_Space)
    assert not w.timeline.is_playing()  # the line edit kept the key
    assert " " in field.text()
    field.setText("0.001")
    w.tabs.setFocus()
    qtbot.keyClick(w.tabs, Qt.Key_Space)
    assert w.timeline.is_playing()
    qtbot.keyClick(w.tabs, Qt.Key_Space)
    assert not w.timeline.is_playing()
    w.timeline.set_position(5)
    qtbot.keyClick(w.tabs, Qt.Key_Right)
    assert w.timeline.position() == 6


def test_a_panel_that_fails_to_build_becomes_a_labelled_tab(make_window, monkeypatch):
    import gui.main_window
    from gui.panels.unavailable import UnavailablePanel

    def broken(*args, **kwargs):
        raise RuntimeError("no GPU driver")

    monkeypatch.setattr(gui.main_window, "TrainingPanel", broken)
    w = make_window()
    assert isinstance(w.training_panel, UnavailablePanel)
    assert w.tabs.tabText(2) == "Training" and w.tabs.widget(2) is w.training_panel
    assert "Training" in w.training_panel.label.text() and "no GPU driver" in w.training_panel.label.text()
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text, *a, **k: shown.append(text))
    w.train()
    w.tabs.setCurrentWidget(w.training_panel)  # the timeline and Ctrl+E work on it too
    w.export_action.trigger()
    assert "no GPU driver" in shown[0] and "nothing to export" in shown[1]
