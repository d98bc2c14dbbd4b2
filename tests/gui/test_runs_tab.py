"""The Runs tab driven through the real window: two run folders written by the CLI overlaid (loss curves equal to
their loss.csv), one step slider moving both previews, the differing setting listed, a broken folder explained while
the other runs still show, recent runs remembered (a deleted one shown as missing), and a run picked to continue."""
from __future__ import annotations

import os
import shutil

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine.export import load_timelapse
from tests.engine.run_folders import session_runs


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    return session_runs(tmp_path_factory)


def _csv(path):
    return np.genfromtxt(path, delimiter=",", names=True)


def open_runs(qtbot, window, folders, count):
    panel = window.runs_panel
    window.tabs.setCurrentWidget(panel)
    panel.add_folders([str(f) for f in folders])
    qtbot.waitUntil(lambda: len(panel.compared()) == count and "Reading" not in panel.message(), timeout=30000)
    return panel


def select(panel, name):
    for i in range(panel.run_list.count()):
        if panel.run_list.item(i).text().startswith(name):
            panel.run_list.setCurrentRow(i)
            return panel.run_list.item(i)
    raise AssertionError(f"no run {name!r} in the list")


def test_two_runs_overlaid_with_one_slider_and_their_differences(qtbot, main_window, two_runs, tmp_path):
    a, b = two_runs
    broken = tmp_path / "not_a_run"
    broken.mkdir()
    shutil.copy(a / "config.json", broken / "config.json")
    (broken / "loss.csv").write_text("step,loss\n1,2\n")  # a corrupt loss.csv
    panel = open_runs(qtbot, main_window, [a.parent, broken], 2)  # the parent folder lists both runs

    # a broken folder: its message names it, and the other runs still show
    assert str(broken / "loss.csv") in panel.message() and panel.message_label.property("role") == "error"
    assert select(panel, "not_a_run").text() == "not_a_run (unreadable)"
    assert [r.name for r in panel.compared()] == ["a", "b"]
    assert main_window.settings.recent_runs() == [str(a), str(b)]  # remembered; the broken folder is not

    # one loss curve per run, equal to its loss.csv; a legend names them
    curves = panel.curves.items["loss"]
    assert len(curves) == 2
    for curve, folder in zip(curves, (a, b)):
        table = _csv(folder / "loss.csv")
        np.testing.assert_allclose(curve.yData, table["loss"])
        np.testing.assert_allclose(curve.xData, table["step"])
        assert curve.name() == folder.name
    assert len(panel.curves.items["lr"]) == 2
    np.testing.assert_allclose(panel.curves.items["lr"][1].yData, _csv(b / "loss.csv")["lr"])
    assert len(panel.curves.items["quality"][0].yData) >= 1  # run a scored its samples; b did not
    assert panel.curves.items["quality"][1].yData is None or len(panel.curves.items["quality"][1].yData) == 0
    legend = panel.curves.loss_plot.getPlotItem().legend
    assert [label.text for _, label in legend.items] == ["a", "b"]

    # aligned by wall time: x is each run's seconds since its start
    panel.curves.align_combo.setCurrentIndex(panel.curves.align_combo.findData("wall"))
    np.testing.assert_allclose(panel.curves.items["loss"][0].xData, _csv(a / "loss.csv")["wall_time"])
    panel.curves.align_combo.setCurrentIndex(panel.curves.align_combo.findData("step"))

    # the settings that differ, and only those
    fields = panel.diff_table.fields()
    assert "training.lr" in fields and "data.dataset" not in fields
    row = fields.index("training.lr")
    assert [panel.diff_table.item(row, j).text() for j in range(2)] == ["0.002", "0.001"]

    # one slider moves both previews: each shows its frame nearest to the slider's step
    frames_a, steps_a = load_timelapse(a)
    frames_b, steps_b = load_timelapse(b)
    assert panel.samples.step() == 30  # opened at the latest samples
    for step, want_a, want_b in ((14, 10, 15), (3, 0, 0), (30, 30, 30), (22, 20, 15)):
        panel.samples.set_step(step)
        assert panel.samples.shown_steps() == [want_a, want_b]
        np.testing.assert_array_equal(panel.samples.views[0].image(), frames_a[steps_a.index(want_a)])
        np.testing.assert_array_equal(panel.samples.views[1].image(), frames_b[steps_b.index(want_b)])
        assert panel.curves._markers["loss"].value() == step
    qtbot.mouseClick(panel.samples.slider, Qt.LeftButton)  # a click on the slider moves it (and both views)
    assert panel.samples.shown_steps()[0] == steps_a[int(np.argmin(np.abs(np.array(steps_a)
                                                                         - panel.samples.step())))]

    # unticking a run takes it out of every view
    select(panel, "b").setCheckState(Qt.Unchecked)
    assert len(panel.curves.items["loss"]) == 1 and len(panel.samples.views) == 1
    assert panel.diff_table.fields() == []


def test_recent_runs_are_remembered_and_a_missing_one_is_shown_as_missing(qtbot, make_window, two_runs, tmp_path):
    a, _ = two_runs
    copy = tmp_path / "copy_of_a"
    shutil.copytree(a, copy)
    window = make_window()
    open_runs(qtbot, window, [a, copy], 2)
    window.close()
    shutil.rmtree(copy)

    again = make_window()
    panel = again.runs_panel
    texts = lambda: [panel.run_list.item(i).text() for i in range(panel.run_list.count())]  # noqa: E731
    qtbot.waitUntil(lambda: "copy_of_a (missing)" in texts(), timeout=10000)
    assert texts()[0] in ("copy_of_a (missing)", "a") and len(texts()) == 2
    assert panel.compared() == []  # remembered, not loaded until ticked
    item = select(panel, "a")
    item.setCheckState(Qt.Checked)
    qtbot.waitUntil(lambda: [r.name for r in panel.compared()] == ["a"], timeout=30000)
    missing = select(panel, "copy_of_a")
    assert not (missing.flags() & Qt.ItemIsUserCheckable)
    assert not panel.continue_button.isEnabled()


def test_a_run_picked_to_continue_training_and_to_sample(qtbot, main_window, two_runs, monkeypatch):
    from gui.panels.runs import RunsPanel

    _, b = two_runs
    monkeypatch.setattr(RunsPanel, "_ask_folders", lambda self: [str(b)])
    main_window.compare_runs_action.trigger()  # File › Compare runs…
    panel = main_window.runs_panel
    assert main_window.tabs.currentWidget() is panel
    qtbot.waitUntil(lambda: [r.name for r in panel.compared()] == ["b"], timeout=30000)
    select(panel, "b")
    assert panel.continue_button.isEnabled()
    qtbot.mouseClick(panel.continue_button, Qt.LeftButton)
    assert main_window.tabs.currentWidget() is main_window.training_panel
    qtbot.waitUntil(lambda: "Opened a moons checkpoint" in main_window.training_panel.message(), timeout=30000)
    assert main_window.config().training.lr == 0.001  # the run's settings are in the dock

    main_window.tabs.setCurrentWidget(panel)
    qtbot.mouseClick(panel.sample_button, Qt.LeftButton)
    assert main_window.tabs.currentWidget() is main_window.sampling_panel


def test_a_run_without_a_time_lapse_gets_its_latest_samples_drawn_by_the_worker(qtbot, main_window, two_runs,
                                                                                 tmp_path):
    _, b = two_runs
    bare = tmp_path / "bare"
    shutil.copytree(b, bare, ignore=shutil.ignore_patterns("timelapse.npz"))
    panel = open_runs(qtbot, main_window, [bare], 1)
    qtbot.waitUntil(lambda: panel.samples.views[0].image() is not None, timeout=60000)
    view = panel.samples.views[0]
    frame = view.image()
    assert frame.dtype == np.uint8 and frame.ndim == 3 and panel.samples.shown_steps() == [30]
    assert main_window.worker.model() is None  # drawn by a model of its own: the worker's model is untouched
