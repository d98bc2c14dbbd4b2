"""Rough edges a new user meets: the timeline's groove click, the Sampling tab before a run, Quit while training,
and the 2-D views' range (fitted to the data, steady while scrubbing)."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMessageBox, QStyle, QStyleOptionSlider

from engine.presets import quick_config


def _groove(slider):
    opt = QStyleOptionSlider()
    slider.initStyleOption(opt)
    return slider.style().subControlRect(QStyle.CC_Slider, opt, QStyle.SC_SliderGroove, slider)


def test_a_click_on_the_timeline_groove_jumps_there_and_dragging_still_works(qtbot):
    from gui.panels.base import TimelineSpec
    from gui.widgets.timeline import TimelineWidget

    timeline = TimelineWidget()
    qtbot.addWidget(timeline)
    timeline.resize(900, 80)
    timeline.show()
    qtbot.waitExposed(timeline)
    timeline.set_spec(TimelineSpec("t", 1001), 0)
    slider = timeline.slider
    groove = _groove(slider)
    y = slider.height() // 2
    seen = []
    timeline.positionChanged.connect(seen.append)
    qtbot.mouseClick(slider, Qt.LeftButton, pos=QPoint(groove.x() + int(0.75 * groove.width()), y))
    assert abs(timeline.position() - 750) <= 25  # not one page (50) towards the click
    assert seen and seen[-1] == timeline.position() and timeline.spin.value() == timeline.position()
    # press on the handle (now at 3/4) and drag it to 1/4
    qtbot.mousePress(slider, Qt.LeftButton, pos=QPoint(groove.x() + int(0.75 * groove.width()), y))
    qtbot.mouseMove(slider, QPoint(groove.x() + int(0.25 * groove.width()), y))
    qtbot.mouseRelease(slider, Qt.LeftButton, pos=QPoint(groove.x() + int(0.25 * groove.width()), y))
    assert abs(timeline.position() - 250) <= 25


def test_the_sampling_tab_says_there_is_no_run_before_the_first(qtbot, worker):
    from engine.training import Trainer
    from gui.panels.sampling import SamplingPanel

    cfg = quick_config()
    panel = SamplingPanel(worker, lambda: cfg)
    panel.set_config(cfg)
    qtbot.addWidget(panel)
    panel.show()
    assert panel.progress_bar.text() == "no sampling run yet"  # was "0 / 1 steps"
    worker.set_trainer(Trainer(cfg))
    qtbot.waitUntil(lambda: panel.run_button.isEnabled(), timeout=10000)
    assert panel.progress_bar.text() == "no sampling run yet"  # a model, still no run
    panel.steps_spin.setValue(12)
    with qtbot.waitSignal(worker.samplingFinished, timeout=60000):
        panel.run_button.click()
    assert panel.progress_bar.text() == "12 / 12 steps"


def _train_forever(window, qtbot):
    """A fresh quick moons run in the window that will not end by itself; returns the list of steps seen."""
    cfg = quick_config(steps=1_000_000, preview_every=0)
    cfg.training.quality_every = 0
    window.form.set_config(cfg)
    steps: list[int] = []
    window.worker.progress.connect(lambda event: steps.append(int(event.step)))
    window.train()
    qtbot.waitUntil(lambda: bool(steps) and steps[-1] >= 3, timeout=60000)
    return steps


def _answer(monkeypatch, which: str, offered: list):
    """QMessageBox.exec replaced: record the buttons offered and click the one whose text starts with ``which``."""

    def exec_(box):
        offered.append([b.text() for b in box.buttons()])
        for b in box.buttons():
            if b.text().replace("&", "").startswith(which):
                b.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)


def test_quit_while_training_asks_and_cancel_keeps_training(qtbot, main_window, monkeypatch):
    window = main_window
    steps = _train_forever(window, qtbot)
    offered: list = []
    _answer(monkeypatch, "Cancel", offered)
    window.quit_action.trigger()
    assert len(offered) == 1
    assert sorted(offered[0]) == sorted(["Stop and quit", "Save checkpoint and quit", "Cancel"])
    assert window.isVisible() and window.worker.state() == "running"
    mark = steps[-1]
    qtbot.waitUntil(lambda: steps[-1] > mark + 2, timeout=30000)  # still training

    class WindowManagerClose:  # the window's close button: a spontaneous QCloseEvent (Python cannot make one)
        ignored = accepted = False

        def spontaneous(self):
            return True

        def ignore(self):
            self.ignored = True

        def accept(self):
            self.accepted = True

    event = WindowManagerClose()
    window.closeEvent(event)  # answered Cancel again
    assert len(offered) == 2 and event.ignored and not event.accepted
    assert window.isVisible() and window.worker.state() == "running"

    _answer(monkeypatch, "Stop", offered)
    thread = window.worker._thread
    window.quit_action.trigger()
    assert len(offered) == 3 and not window.isVisible()
    qtbot.waitUntil(thread.isFinished, timeout=10000)


def test_save_checkpoint_and_quit_writes_the_checkpoint_then_closes(qtbot, main_window, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog

    from engine.checkpoint import load_checkpoint

    window = main_window
    steps = _train_forever(window, qtbot)
    target = tmp_path / "quit-run" / "checkpoint.safetensors"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    offered: list = []
    _answer(monkeypatch, "Save", offered)
    window.quit_action.trigger()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30000)
    assert load_checkpoint(target).step >= steps[0]


def test_a_programmatic_close_never_asks(qtbot, make_window, monkeypatch):
    import gui.help_actions as help_actions

    window = make_window()
    _train_forever(window, qtbot)
    asked = []
    monkeypatch.setattr(help_actions, "ask_quit", lambda w: asked.append(w) or help_actions.QUIT_CANCEL)
    window.close()  # what tests and the app's own code do: no box, even mid-training
    assert not window.isVisible() and asked == []


def _ranges(plot) -> tuple[tuple[float, float], tuple[float, float]]:
    (x0, x1), (y0, y1) = plot.getPlotItem().getViewBox().viewRange()
    return (round(x0, 6), round(x1, 6)), (round(y0, 6), round(y1, 6))


def _fits(view, points: np.ndarray, slack: float = 0.2) -> bool:
    """The view holds the points' bounding box (joined with N(0, I)'s 2σ square) with at most ``slack`` of the
    box's larger side to spare on each side."""
    lo = np.minimum(points.min(axis=0), -2.0)
    hi = np.maximum(points.max(axis=0), 2.0)
    side = float((hi - lo).max())
    (x0, x1), (y0, y1) = view
    holds = x0 <= lo[0] and x1 >= hi[0] and y0 <= lo[1] and y1 >= hi[1]
    tight = (x1 - x0) <= side * (1 + 2 * slack) and (y1 - y0) <= side * (1 + 2 * slack)
    return holds and tight


def test_the_forward_2d_view_fits_moons_and_holds_still_while_scrubbing(qtbot, main_window, wait_for_data):
    window = main_window
    window.form.set_dataset("moons")
    window.tabs.setCurrentWidget(window.forward_panel)
    wait_for_data(window, "points")
    qtbot.wait(50)
    plot = window.forward_panel.scatter_plot
    view = _ranges(plot)
    x0 = window.forward_panel.x0.numpy()
    assert np.abs(x0).max() < 2.5  # moons are standardized: the old view ran from about -4.3 to 4.3
    assert _fits(view, x0)
    for position in (0, 1, 250, 700, 1000, 3):
        window.timeline.set_position(position)
        assert _ranges(plot) == view


def test_the_sampling_2d_view_fits_the_run_and_holds_still_while_scrubbing(qtbot, worker):
    from engine.training import Trainer
    from gui.panels.sampling import SamplingPanel

    cfg = quick_config("moons")
    panel = SamplingPanel(worker, lambda: cfg)
    panel.set_config(cfg)
    qtbot.addWidget(panel)
    panel.resize(1200, 650)  # a wide tab: the aspect-locked plot used to spread x over about -6.9 .. 6.9
    panel.show()
    trainer = Trainer(cfg)
    for _ in range(30):
        trainer.step()
    worker.set_trainer(trainer)
    qtbot.waitUntil(lambda: panel.run_button.isEnabled(), timeout=10000)
    panel.steps_spin.setValue(20)
    panel.n_spin.setValue(500)
    with qtbot.waitSignal(worker.samplingFinished, timeout=60000):
        panel.run_button.click()
    qtbot.wait(50)
    final = np.asarray(panel.trajectory.final).reshape(-1, 2)
    final = final[np.isfinite(final).all(axis=1)]
    view = _ranges(panel.points_plot)
    assert _fits(view, final)
    for position in (0, 5, 11, 20, 2):
        panel.on_timeline(position)
        assert _ranges(panel.points_plot) == view


def test_the_training_preview_fits_the_training_points_and_holds_still(qtbot, main_window):
    window = main_window
    cfg = quick_config("moons", steps=200, preview_every=40)
    cfg.training.quality_every = 0
    window.form.set_config(cfg)
    previews = []
    window.worker.preview.connect(previews.append)
    window.train()
    qtbot.waitUntil(lambda: len(previews) >= 2, timeout=60000)
    box = window.worker.model().data_box
    corners = np.array([box[:2], box[2:]])
    assert np.abs(corners).max() < 2.5  # standardized moons; the old fixed view ran from -3 to 3
    plot = window.training_panel.preview.points
    view = _ranges(plot)
    assert _fits(view, corners)
    qtbot.waitUntil(lambda: len(previews) >= 4, timeout=60000)
    assert _ranges(plot) == view  # later previews of the run: same axes
    window.training_panel.stop()
    qtbot.waitUntil(lambda: window.training_panel.state() == "idle", timeout=20000)
