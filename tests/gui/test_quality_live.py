"""Live sample quality in the real window: the worker scores EMA samples every so often while training and the
Training tab plots their multiple of the real-data floor beside the loss (engine/live_quality.py LiveQuality,
gui/panels/training_plots.py)."""
from __future__ import annotations

import math
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine.presets import quick_config
from gui.events import QualityScored


def _train_in_window(qtbot, win, cfg) -> list[QualityScored]:
    """Train ``cfg`` through the window's Start button; the QualityScored events the worker sent."""
    win.form.set_config(cfg)
    qtbot.waitUntil(lambda: win.form.is_valid() and win.config().training.steps == cfg.training.steps
                    and win.config().training.quality_every == cfg.training.quality_every, timeout=5000)
    training = win.training_panel
    win.tabs.setCurrentWidget(training)
    events: list[QualityScored] = []
    win.worker.qualityScored.connect(events.append)
    with qtbot.waitSignal(win.worker.trainingFinished, timeout=120000) as done:
        qtbot.mouseClick(training.start_button, Qt.LeftButton)
    assert done.args[0].reason == "finished", done.args[0].message
    qtbot.waitUntil(lambda: training.state() == "idle", timeout=5000)
    return events


def test_window_plots_a_quality_point_per_score_while_training_moons(qtbot, make_window):
    win = make_window(size=(1280, 800))
    cfg = quick_config("moons", steps=400, preview_every=0)
    cfg.model.preset = "tiny"
    cfg.training.batch_size = 128
    cfg.training.quality_every = 40
    events = _train_in_window(qtbot, win, cfg)
    training = win.training_panel

    assert events, "no QualityScored while training 400 steps with quality_every = 40"
    steps = [e.step for e in events]
    assert steps == sorted(steps) and len(set(steps)) == len(steps)
    assert steps[0] >= 40 and all(b - a >= 40 for a, b in zip(steps, steps[1:]))  # never closer than the setting
    for e in events:
        assert e.metric == "sliced_wasserstein" and e.n_samples >= 2
        assert math.isfinite(e.ratio) and e.ratio > 0 and e.floor > 0
        assert e.ratio == pytest.approx(e.value / e.floor)
        assert e.precision is None and e.recall is None and e.classes is None  # digits only
    x, ratios = training.quality_data()
    assert len(x) == len(events) == training.quality_count
    assert list(x) == steps and np.isfinite(ratios).all() and (ratios > 0).all()
    assert np.allclose(ratios, [e.ratio for e in events])
    # the readout is the engine's one-line summary of the newest score; the dashed line sits at 1.0x
    label = training.plots.quality_label.text()
    assert label.startswith(f"step {steps[-1]}: sliced Wasserstein") and "x real-data floor" in label
    line = training.plots.real_data_line
    assert line.value() == 0.0 and line.label.toPlainText() == "real data"  # log10(1.0) on the log axis
    assert training.plots.quality_plot.getPlotItem().getAxis("left").logMode

    # a fresh model starts the quality plot over
    cfg2 = cfg.copy()
    cfg2.training.quality_every = 0
    training.continue_check.setChecked(False)
    assert _train_in_window(qtbot, win, cfg2) == []
    assert len(training.quality_data()[0]) == 0


def test_quality_off_sends_no_scores(qtbot, worker):
    cfg = quick_config("moons", steps=120, preview_every=0)
    cfg.model.preset = "tiny"
    cfg.training.quality_every = 0
    events: list[QualityScored] = []
    worker.qualityScored.connect(events.append)
    with qtbot.waitSignal(worker.trainingFinished, timeout=60000) as done:
        worker.start_training(cfg)
    assert done.args[0].reason == "finished"
    qtbot.wait(50)
    assert events == []


def test_quality_scored_is_numpy_free_and_has_its_own_signal():
    from gui.worker import EngineWorker

    e = QualityScored(step=10, metric="sliced_wasserstein", value=0.2, floor=0.1, ratio=2.0)
    assert not any(isinstance(v, np.ndarray) for v in vars(e).values())
    assert EngineWorker.SIGNAL_OF[QualityScored] == "qualityScored"
