"""The Training tab's loss-by-timestep heatmap and variational bound, driven through the real window."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt

from engine.bound_report import model_bound
from engine.presets import quick_config
from gui.events import BoundFinished, BoundProgress, MetricsBatch


def _tiny_moons():
    cfg = quick_config("moons", steps=120, preview_every=0)
    cfg.schedule.timesteps = 100
    cfg.sampling.steps = min(cfg.sampling.steps, 100)
    cfg.training.quality_every = 0
    cfg.training.batch_size = 128  # rows of ceil(8 * 50 / 128) = 4 steps
    return cfg


@pytest.fixture
def trained_window(qtbot, make_window):
    win = make_window(size=(1280, 800))
    cfg = _tiny_moons()
    win.form.set_config(cfg)
    qtbot.waitUntil(lambda: win.form.is_valid() and win.config().schedule.timesteps == 100
                    and win.config().training.steps == 120, timeout=5000)
    training = win.training_panel
    win.tabs.setCurrentWidget(training)
    batches: list[MetricsBatch] = []
    win.worker.metricsBatch.connect(batches.append)
    with qtbot.waitSignal(win.worker.trainingFinished, timeout=120000) as done:
        qtbot.mouseClick(training.start_button, Qt.LeftButton)
    assert done.args[0].reason == "finished", done.args[0].message
    qtbot.waitUntil(lambda: training.state() == "idle", timeout=5000)
    return win, batches


def test_heatmap_gets_the_trainers_rows_while_training_and_hover_reads_a_cell(qtbot, trained_window):
    win, batches = trained_window
    views = win.training_panel.views
    heatmap = views.heatmap
    trainer = win.worker._thread.trainer  # the worker is idle: reading its record is safe
    record = trainer.history.by_t
    assert record.interval == 4 and len(record) == 30
    # rows arrived in the throttled batches as training ran, not in one piece at the end
    assert sum(1 for b in batches if b.by_t_rows) >= 2
    assert [r.step for b in batches for r in b.by_t_rows] == record.steps.tolist()
    views.setCurrentWidget(heatmap)
    heatmap.redraw()
    np.testing.assert_array_equal(heatmap.by_t.means(), record.means())
    np.testing.assert_allclose(heatmap.shown_values(), record.means(), rtol=1e-12)
    assert heatmap.image.image.shape == (30, 50)
    heatmap.log_check.setChecked(True)
    np.testing.assert_allclose(heatmap.shown_values(), np.log10(record.means()), rtol=1e-12)

    # hover the middle of row 5 (steps 21-24) and t = 37 (bin 18: t 37-38, the paper's t = index + 1)
    row, t = 5, 37
    qtbot.waitUntil(heatmap.plot.isVisible, timeout=5000)
    qtbot.wait(100)  # the view box lays out and auto-ranges over the image
    vb = heatmap.plot.getPlotItem().getViewBox()
    scene = vb.mapViewToScene(QPointF(record.start + (row + 0.5) * record.interval, t))
    heatmap.plot.scene().sigMouseMoved.emit(scene)
    value = record.means()[row, 18]
    expected = f"t 37–38 · steps 21–24 · mean loss {value:.4g} ({int(record.row_counts[row][18])} samples)"
    assert heatmap.readout.text() == expected


def test_compute_bound_plots_engine_bound_terms_and_cancel_stops_it(qtbot, trained_window):
    win, _ = trained_window
    views = win.training_panel.views
    bound = views.bound
    views.setCurrentWidget(bound)
    assert bound.compute_button.isEnabled()
    bound.n_spin.setValue(48)
    events: list = []
    win.worker.boundResult.connect(events.append)
    with qtbot.waitSignal(win.worker.boundResult, timeout=60000,
                          check_params_cb=lambda e: isinstance(e, BoundFinished)):
        qtbot.mouseClick(bound.compute_button, Qt.LeftButton)
        assert not bound.compute_button.isEnabled() and bound.cancel_button.isEnabled()
    finished = events[-1]
    assert finished.reason == "finished", finished.message
    progress = [e for e in events if isinstance(e, BoundProgress)]
    assert progress and progress[-1].done == progress[-1].total == 100

    expected = model_bound(win.worker._thread.trainer, n=48, seed=bound.seed)
    t, bits = bound.plotted_terms()
    np.testing.assert_array_equal(t, np.arange(1, 101))
    positive = expected.per_t_bits > 0  # a log axis draws only positive terms (the 2-D L_0 may be negative)
    np.testing.assert_allclose(bits[positive], expected.per_t_bits[positive], rtol=1e-9)
    assert np.isnan(bits[~positive]).all()
    assert finished.total_bits == pytest.approx(expected.total_bits_per_dim, rel=1e-12)
    assert f"Total {expected.total_bits_per_dim:.4f}" in bound.total_label.text()
    assert finished.step == 120 and bound.total_label.text().endswith("model at step 120")
    assert bound.compute_button.isEnabled() and not bound.cancel_button.isEnabled()

    events.clear()
    bound.n_spin.setValue(2048)
    with qtbot.waitSignal(win.worker.boundResult, timeout=60000,
                          check_params_cb=lambda e: isinstance(e, BoundFinished)):
        bound.compute()
        qtbot.mouseClick(bound.cancel_button, Qt.LeftButton)
    assert events[-1].reason == "cancelled"
    assert bound.total_label.text() == "Bound cancelled."
    t_after, _ = bound.plotted_terms()
    assert len(t_after) == 100  # the finished curve stays


def test_the_heatmap_is_saved_with_the_run_and_comes_back_when_it_is_opened(qtbot, trained_window, tmp_path):
    win, _ = trained_window
    heatmap = win.training_panel.views.heatmap
    record = win.worker._thread.trainer.history.by_t.copy()
    with qtbot.waitSignal(win.worker.checkpointSaved, timeout=30000):
        win.worker.save_checkpoint(tmp_path / "run")
    assert (tmp_path / "run" / "loss_by_t.csv").read_text() == record.to_csv()
    heatmap.add_batch(MetricsBatch(True, *(np.zeros(0),) * 6, 0.0, 0))  # another model: the heatmap empties
    heatmap.redraw()
    assert heatmap.shown_values().size == 0
    with qtbot.waitSignal(win.worker.checkpointLoaded, timeout=30000):
        win.worker.load_checkpoint(tmp_path / "run")
    heatmap.redraw()
    np.testing.assert_allclose(heatmap.shown_values(), record.means(), rtol=1e-8)


def test_the_windows_time_lapse_stays_bounded(main_window, monkeypatch):
    """A long session's previews: the Training tab keeps at most TIMELAPSE_MAX_FRAMES, the latest always last."""
    import numpy as np

    from gui.events import PreviewReady
    from gui.panels import training as training_module

    monkeypatch.setattr(training_module, "TIMELAPSE_MAX_FRAMES", 6)
    panel = main_window.training_panel
    points = np.random.default_rng(0).standard_normal((64, 2)).astype(np.float32)
    for step in range(1, 41):
        panel._on_preview(PreviewReady(step * 10, points))
    steps = [s for s, _ in panel.timelapse_frames]
    assert len(steps) <= 6 and steps[-1] == 400 and steps[0] == 10 and steps == sorted(steps)
