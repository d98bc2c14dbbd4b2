"""Training and Sampling tabs driven like a user: buttons, live curves, divergence, trajectory scrubbing,
checkpoints, and one end-to-end run through the real main window."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import time

import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine.presets import quick_config as short_config


def _panel_maker(qtbot, worker, module: str, class_name: str):
    """``make(cfg)``: the real panel class on ``worker``, showing ``cfg``, at a typical tab size."""
    import importlib

    cls = getattr(importlib.import_module(f"gui.panels.{module}"), class_name)

    def make(cfg):
        panel = cls(worker, lambda: cfg)
        panel.set_config(cfg)
        panel.resize(1000, 640)
        qtbot.addWidget(panel)
        panel.show()
        return panel

    return make


@pytest.fixture
def make_training(qtbot, worker):
    return _panel_maker(qtbot, worker, "training", "TrainingPanel")


@pytest.fixture
def make_sampling(qtbot, worker):
    return _panel_maker(qtbot, worker, "sampling", "SamplingPanel")


def click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.LeftButton)


def buttons(panel) -> dict[str, bool]:
    return {name: getattr(panel, f"{name}_button").isEnabled() for name in ("start", "pause", "step", "stop")}


def test_training_tab_trains_moons_and_the_loss_falls(qtbot, worker, make_training):
    cfg = short_config(steps=300, preview_every=100)
    panel = make_training(cfg)
    assert buttons(panel) == {"start": True, "pause": False, "step": True, "stop": False}
    with qtbot.waitSignal(worker.trainingFinished, timeout=60000) as done:
        click(qtbot, panel.start_button)
        assert not panel.start_button.isEnabled()
    assert done.args[0].reason == "finished"
    qtbot.waitUntil(lambda: panel.state() == "idle", timeout=2000)
    steps, losses = panel.loss_curve_data()
    assert np.array_equal(steps, np.arange(1, 301)) and np.isfinite(losses).all()
    _, smooth = panel.smoothed_loss_data()
    assert smooth[-1] < 0.8 * smooth[10]  # it learned something
    edges, means = panel.timestep_loss_data()
    assert len(edges) == 21 and np.isfinite(means).sum() >= 15
    lr_steps, lr = panel.lr_curve_data()
    assert lr[0] < lr[-1] == pytest.approx(cfg.training.lr)  # warm-up then constant
    assert [s for s, _ in panel.timelapse_frames] == [100, 200, 300]
    assert all(f.dtype == np.uint8 and f.ndim == 3 and f.shape[2] == 3 for _, f in panel.timelapse_frames)
    assert "Finished" in panel.message() and "300" in panel.message()
    assert buttons(panel) == {"start": True, "pause": False, "step": True, "stop": False}
    assert panel.save_button.isEnabled()
    panel.set_train_enabled(False)  # an invalid config in the dock
    assert not panel.start_button.isEnabled() and not panel.step_button.isEnabled()


def test_pause_resume_step_once_and_stop_buttons(qtbot, worker, make_training):
    panel = make_training(short_config(steps=1_000_000, preview_every=0))
    click(qtbot, panel.start_button)
    qtbot.waitUntil(lambda: len(panel.loss_curve_data()[0]) > 0, timeout=20000)
    assert buttons(panel) == {"start": False, "pause": True, "step": True, "stop": True}
    assert panel.pause_button.text() == "Pause"
    click(qtbot, panel.pause_button)
    qtbot.waitUntil(lambda: panel.state() == "paused", timeout=5000)
    assert panel.pause_button.text() == "Resume" and "Paused" in panel.message()
    qtbot.wait(200)
    n = len(panel.loss_curve_data()[0])
    click(qtbot, panel.step_button)
    qtbot.waitUntil(lambda: len(panel.loss_curve_data()[0]) == n + 1, timeout=5000)
    qtbot.wait(200)
    assert len(panel.loss_curve_data()[0]) == n + 1 and panel.state() == "paused"
    click(qtbot, panel.pause_button)  # Resume
    qtbot.waitUntil(lambda: len(panel.loss_curve_data()[0]) > n + 5, timeout=10000)
    assert panel.state() == "running"
    t0 = time.perf_counter()
    click(qtbot, panel.stop_button)
    qtbot.waitUntil(lambda: panel.state() == "idle", timeout=2000)
    assert time.perf_counter() - t0 < 2.0
    assert "Stopped at step" in panel.message()
    assert buttons(panel) == {"start": True, "pause": False, "step": True, "stop": False}


def test_preparing_message_gives_way_to_the_running_state(qtbot, worker, make_training):
    panel = make_training(short_config(steps=1_000_000, preview_every=0))
    click(qtbot, panel.start_button)
    assert "Preparing moons" in panel.message()
    with qtbot.waitSignal(worker.progress, timeout=20000):
        pass
    assert "Preparing" not in panel.message() and "Training" in panel.message()
    panel.stop()
    qtbot.waitUntil(lambda: panel.state() == "idle", timeout=2000)


def test_step_from_idle_runs_one_paused_step(qtbot, worker, make_training):
    panel = make_training(short_config(steps=100, preview_every=0))
    click(qtbot, panel.step_button)
    qtbot.waitUntil(lambda: panel.state() == "paused", timeout=20000)
    qtbot.waitUntil(lambda: len(panel.loss_curve_data()[0]) == 1, timeout=5000)
    panel.stop()
    qtbot.waitUntil(lambda: panel.state() == "idle", timeout=2000)


def test_nan_loss_shows_the_diverged_message(qtbot, worker, make_training, nan_after):
    nan_after(25)
    panel = make_training(short_config(steps=300, preview_every=0))
    with qtbot.waitSignal(worker.trainingFinished, timeout=30000):
        click(qtbot, panel.start_button)
    text = panel.message()
    assert "diverged" in text.lower() and "step 26" in text and "last good weights were kept" in text
    assert panel.message_label.property("role") == "error"
    assert len(panel.loss_curve_data()[0]) == 25
    assert panel.start_button.isEnabled()


def run_and_wait(qtbot, worker, panel):
    with qtbot.waitSignal(worker.samplingFinished, timeout=30000) as done:
        click(qtbot, panel.run_button)
    return done.args[0].trajectory


@pytest.mark.parametrize("dataset", ["moons", "digits"])
def test_sampling_tab_scrubs_the_recorded_trajectory(qtbot, worker, make_sampling, dataset):
    from engine.training import Trainer

    cfg = short_config(dataset)
    panel = make_sampling(cfg)
    assert not panel.run_button.isEnabled()  # no model yet
    worker.set_trainer(Trainer(cfg))
    qtbot.waitUntil(lambda: panel.run_button.isEnabled(), timeout=10000)
    panel.sampler_combo.setCurrentIndex(panel.sampler_combo.findData("ddim"))
    panel.steps_spin.setValue(20)
    panel.n_spin.setValue(16)
    specs = []
    panel.timelineSpecChanged.connect(lambda: specs.append(panel.timeline_spec()))
    traj = run_and_wait(qtbot, worker, panel)
    assert panel.trajectory is traj and len(traj) == 21
    assert specs and specs[-1].kind == "steps" and specs[-1].count == 21
    # the paper's t = 1..T (the GIF captions' convention), the finished sample at t = 0
    assert specs[-1].labels[0] == "step 0/20 · t = 1000" and specs[-1].labels[-1] == "step 20/20 · t = 0 · final sample"
    assert specs[-1].labels[1] == f"step 1/20 · t = {traj.timesteps[1] + 1}"
    for k in (0, 3, 10, 17, 20):
        panel.on_timeline(k)
        shown = panel.displayed_frame()
        frame = traj.frame(k)
        assert np.array_equal(shown["x_t"], frame.x_t)
        assert np.array_equal(shown["x0_pred"], frame.x0_pred)
        assert np.array_equal(shown["eps_pred"], frame.eps_pred)
    if dataset == "digits":
        grid = panel.grids["x_t"]
        qtbot.mouseClick(grid, Qt.LeftButton, pos=grid.cell_center(5))  # follow one sample
        assert panel.selected_sample() == 5 and panel.show_all_button.isVisible()
        panel.on_timeline(7)
        assert np.array_equal(panel.displayed_frame()["x_t"], traj.frame(7).x_t[5])
        assert np.array_equal(panel.singles["x0_pred"].image(), traj.frame(7).x0_pred[5])
        click(qtbot, panel.show_all_button)
        assert panel.selected_sample() is None
        assert np.array_equal(panel.displayed_frame()["x_t"], traj.frame(7).x_t)
    else:
        panel.on_timeline(12)
        heads = panel.points_plot.track_heads.getData()
        assert len(heads[0]) == 12
        xt = traj.frame(12).x_t
        assert np.allclose(np.c_[heads[0], heads[1]], xt[panel.points_plot.track_idx])


def test_sampling_cancel_keeps_the_previous_trajectory(qtbot, worker, make_sampling):
    from engine.training import Trainer

    cfg = short_config()
    panel = make_sampling(cfg)
    worker.set_trainer(Trainer(cfg))
    qtbot.waitUntil(lambda: panel.run_button.isEnabled(), timeout=10000)
    panel.steps_spin.setValue(10)
    first = run_and_wait(qtbot, worker, panel)
    panel.sampler_combo.setCurrentIndex(panel.sampler_combo.findData("ddpm"))
    panel.steps_spin.setValue(1000)
    panel.n_spin.setValue(20000)
    with qtbot.waitSignal(worker.samplingProgress, timeout=20000):
        click(qtbot, panel.run_button)
    assert panel.cancel_button.isEnabled() and not panel.run_button.isEnabled()
    with qtbot.waitSignal(worker.samplingAborted, timeout=5000):
        click(qtbot, panel.cancel_button)
    assert "cancelled" in panel.message().lower()
    assert panel.trajectory is first and panel.run_button.isEnabled() and not panel.cancel_button.isEnabled()


def test_checkpoint_save_then_open_restores_step_and_samples(qtbot, worker, make_training, tmp_path):
    from gui.panels.training import TrainingPanel
    from gui.worker import EngineWorker

    cfg = short_config(steps=60, preview_every=0)
    panel = make_training(cfg)
    with qtbot.waitSignal(worker.trainingFinished, timeout=30000):
        click(qtbot, panel.start_button)
    target = tmp_path / "moons.safetensors"
    with qtbot.waitSignal(worker.checkpointSaved, timeout=10000):
        panel.save_checkpoint_to(target)
    assert target.is_file() and "saved" in panel.message()
    with qtbot.waitSignal(worker.samplingFinished, timeout=20000) as a:
        worker.sample(cfg.sampling)

    other = EngineWorker(torch_threads=1, autosave_every_s=0)
    other.start()
    try:
        reopened = TrainingPanel(other, lambda: cfg)
        qtbot.addWidget(reopened)
        with qtbot.waitSignal(other.checkpointLoaded, timeout=20000):
            reopened.open_checkpoint(str(target))
        qtbot.waitUntil(lambda: other.model() is not None, timeout=2000)
        assert other.model().step == 60
        assert np.array_equal(reopened.loss_curve_data()[0], np.arange(1, 61))
        assert reopened.continue_check.isChecked() and reopened.start_button.text() == "Continue"
        with qtbot.waitSignal(other.samplingFinished, timeout=20000) as b:
            other.sample(cfg.sampling)
        assert np.array_equal(a.args[0].trajectory.final, b.args[0].trajectory.final)
        # Continue trains on from step 60 (to 60 + 60 since it is already past cfg.training.steps)
        with qtbot.waitSignal(other.trainingFinished, timeout=30000) as cont:
            click(qtbot, reopened.start_button)
        assert cont.args[0].reason == "finished" and cont.args[0].step == 120
        assert np.array_equal(reopened.loss_curve_data()[0], np.arange(1, 121))
    finally:
        other.shutdown()


def test_end_to_end_through_the_main_window(qtbot, make_window):
    win = make_window(size=(1280, 800))
    win.form.set_dataset("moons")
    for name, text in (("training.steps", "200"), ("training.batch_size", "128"), ("training.warmup_steps", "20")):
        win.form.set_field_text(name, text)
    win.form.widgets["model.preset"].setCurrentIndex(win.form.widgets["model.preset"].findData("tiny"))
    qtbot.waitUntil(lambda: win.form.is_valid() and win.config().training.steps == 200, timeout=5000)
    training, sampling = win.training_panel, win.sampling_panel
    win.tabs.setCurrentWidget(training)
    with qtbot.waitSignal(win.worker.trainingFinished, timeout=60000) as done:
        click(qtbot, training.start_button)
    assert done.args[0].reason == "finished" and done.args[0].step == 200
    assert "step 200" in win.statusBar().step_label.text()

    win.tabs.setCurrentWidget(sampling)
    sampling.steps_spin.setValue(25)
    traj = run_and_wait(qtbot, win.worker, sampling)
    assert win.timeline.spec().kind == "steps" and win.timeline.count() == len(traj) == 26
    assert win.timeline.position() == 25  # jumped to the finished samples
    for k in (0, 9, 18):
        win.timeline.set_position(k)
        assert np.array_equal(sampling.displayed_frame()["x_t"], traj.frame(k).x_t)
        assert f"step {traj.steps[k]}/25" in win.timeline.spec().labels[k]

    # close mid-training: the worker stops and joins
    win.tabs.setCurrentWidget(training)
    training.continue_check.setChecked(False)
    win.form.set_field_text("training.steps", "100000")
    qtbot.waitUntil(lambda: win.config().training.steps == 100000, timeout=5000)
    click(qtbot, training.start_button)
    qtbot.waitUntil(lambda: training.state() == "running" and len(training.loss_curve_data()[0]) > 5,
                    timeout=20000)
    thread = win.worker._thread
    t0 = time.perf_counter()
    win.close()
    assert time.perf_counter() - t0 < 3.0
    assert thread.isFinished()
