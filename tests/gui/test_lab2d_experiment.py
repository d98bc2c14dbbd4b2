"""The 2-D lab's drawing is part of the experiment: File > Save writes it beside the config, File > Open puts it back
into the canvas, and the next session starts with it (the real window, its menus' actions and file dialogs)."""
from __future__ import annotations

import json

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from engine.config import ExperimentConfig
from engine.data.toy2d import load_points_file
from engine.experiment_file import DRAWING_KEY
from gui.panels.lab2d import drawing_path
from gui.widgets.draw_canvas import standardized


def draw(qtbot, lab) -> np.ndarray:
    """A starter plus one mouse stroke: points no starter alone would give."""
    lab.drawing.starter_combo.activated.emit(2)  # letter A
    viewport = lab.canvas.viewport()
    centre = lab.canvas.rect().center()
    qtbot.mousePress(viewport, Qt.LeftButton, pos=centre)
    qtbot.mouseMove(viewport, centre + QPoint(30, 10))
    qtbot.mouseRelease(viewport, Qt.LeftButton, pos=centre + QPoint(30, 10))
    points = lab.canvas.points()
    assert len(points) > 600
    return points


def save_via_menu(window, monkeypatch, path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    window.save_as_action.trigger()


def open_via_menu(window, monkeypatch, path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    window.open_action.trigger()


def test_save_and_open_restore_the_drawing_into_the_canvas(main_window, qtbot, tmp_path, monkeypatch):
    w = main_window
    lab = w.lab2d_panel
    w.tabs.setCurrentWidget(lab)
    w.form.field_widget("training.lr").setText("0.00042")
    drawn = draw(qtbot, lab)
    path = tmp_path / "my-experiment.json"
    save_via_menu(w, monkeypatch, path)
    assert w.files.path == str(path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    np.testing.assert_array_equal(np.asarray(raw[DRAWING_KEY]["points"]), drawn)  # as drawn, exactly
    assert "trained" not in raw[DRAWING_KEY]  # the form's dataset is moons, not the drawing
    assert ExperimentConfig.load(path).training.lr == 0.00042  # the CLI's --config reads the same file

    lab.canvas.clear_points()
    w.form.field_widget("training.lr").setText("0.001")
    open_via_menu(w, monkeypatch, path)
    np.testing.assert_array_equal(lab.canvas.points(), drawn)
    assert lab.count_label.text() == f"{len(drawn)} points"
    assert w.config().training.lr == 0.00042
    lab.drawing.undo_button.click()  # opening is one more edit: Undo gives back the canvas it replaced
    assert len(lab.canvas.points()) == 0

    # an experiment from before drawings were saved leaves the canvas alone
    lab.canvas.set_points(drawn[:10])
    old = tmp_path / "old.json"
    old.write_text(json.dumps(ExperimentConfig().to_dict()), encoding="utf-8")
    open_via_menu(w, monkeypatch, old)
    assert len(lab.canvas.points()) == 10


def test_a_bad_drawing_is_one_message_and_the_config_still_opens(main_window, tmp_path, monkeypatch):
    w = main_window
    lab = w.lab2d_panel
    lab.canvas.load_starter("ring")
    before = lab.canvas.points()
    raw = ExperimentConfig().to_dict()
    raw["training"]["lr"] = 0.0005
    raw[DRAWING_KEY] = {"points": [[0.0, 1.0], [2.0, "three"]]}
    path = tmp_path / "bad-drawing.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    messages = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a, **k: messages.append(text))
    assert w.files.open_experiment(path) is True
    assert len(messages) == 1 and "drawing.points[1]" in messages[0] and str(path) in messages[0]
    assert "Traceback" not in messages[0]
    assert w.config().training.lr == 0.0005
    np.testing.assert_array_equal(lab.canvas.points(), before)


def test_a_trained_drawing_is_written_back_and_the_config_points_at_it(main_window, tmp_path, monkeypatch):
    w = main_window
    lab = w.lab2d_panel
    lab.canvas.load_starter("smiley")
    drawn = lab.canvas.points()
    w.form.set_config(lab.train_config())  # the dock's dataset is the drawing's file, as when training it
    path = tmp_path / "trained.json"
    assert w.files.save_experiment(path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw[DRAWING_KEY]["trained"] is True
    # opened elsewhere: the drawing file named in the config is not there
    raw["data"]["dataset"] = "/elsewhere/lab2d/drawing.csv"
    path.write_text(json.dumps(raw), encoding="utf-8")
    drawing_path().unlink(missing_ok=True)
    lab.canvas.clear_points()
    assert w.files.open_experiment(path) is True
    assert w.config().data.dataset == str(drawing_path())
    np.testing.assert_allclose(load_points_file(drawing_path()).x.numpy(), standardized(drawn), atol=1e-6)
    np.testing.assert_array_equal(lab.canvas.points(), drawn)


def test_the_next_session_starts_with_the_drawing(make_window, qtbot):
    first = make_window()
    lab = first.lab2d_panel
    first.tabs.setCurrentWidget(lab)
    drawn = draw(qtbot, lab)
    first.close()

    second = make_window()
    np.testing.assert_array_equal(second.lab2d_panel.canvas.points(), drawn)
