"""The Inversion tab on the real main window: pick K and the items, press Invert, and the worker's round trip
(engine.samplers.inversion) comes back as pictures (digits) or error-coloured points (2-D), with the error-vs-K
chart. Tiny models trained a few dozen steps: the round trip's numbers do not need a good model to be checked, but a
freshly initialised one predicts a constant eps (its output layer starts at zero), for which the round trip is exact.
"""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt

from engine.presets import quick_config


def tiny_trainer(dataset: str, steps: int = 30):
    from engine.training import Trainer

    cfg = quick_config(dataset, steps=steps, preview_every=0)
    cfg.schedule.timesteps = 100
    trainer = Trainer(cfg, device="cpu")
    for _ in range(steps):
        trainer.step()
    return trainer


@pytest.fixture(scope="module")
def moons_trainer():
    return tiny_trainer("moons")


@pytest.fixture(scope="module")
def digits_trainer():
    return tiny_trainer("digits", 10)


def open_tab(qtbot, window, trainer):
    panel = window.inversion_panel
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    window.tabs.setCurrentIndex(titles.index("Inversion"))
    assert window.tabs.currentWidget() is panel
    window.worker.set_trainer(trainer)
    qtbot.waitUntil(panel.run_button.isEnabled, timeout=20000)
    return panel


def press_invert(qtbot, window, panel):
    with qtbot.waitSignal(window.worker.inversionFinished, timeout=120000) as done:
        qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    return done.args[0]


def test_points_round_trip_with_error_vs_k(qtbot, main_window, moons_trainer):
    from engine.samplers.inversion import round_trip

    panel = open_tab(qtbot, main_window, moons_trainer)
    assert "press Invert" in panel.message()
    panel.steps_spin.setValue(5)
    panel.n_spin.setValue(48)
    panel.start_spin.setValue(10)
    panel.study_edit.setText("2,5,10")
    event = press_invert(qtbot, main_window, panel)
    assert event.reason == "finished" and event.kind == "points" and panel.result is event
    x0 = moons_trainer.dataset.x[10:58]
    np.testing.assert_allclose(event.x0, x0.numpy())
    # the same round trip computed here: the worker added nothing of its own
    expected = round_trip(moons_trainer.denoiser(use_ema=True), moons_trainer.schedule, x0, 5)
    np.testing.assert_allclose(event.reconstruction, expected.reconstruction.numpy(), atol=1e-5)
    np.testing.assert_allclose(event.latent, expected.latent.numpy(), atol=1e-5)
    displacement = np.linalg.norm(event.reconstruction.astype(np.float64) - event.x0, axis=1)
    np.testing.assert_allclose(event.pixel_error, displacement, rtol=1e-4, atol=1e-6)
    assert event.rmse == pytest.approx(expected.rmse, rel=1e-4)
    # drawn: data, reconstruction and one segment per point; the latents; the study's three K on log-log axes
    assert panel.views.currentWidget() is panel.points
    np.testing.assert_allclose(panel.points.reconstruction.data["x"], event.reconstruction[:, 0])
    assert len(panel.points.segments.xData) == 2 * 48
    assert event.study_steps.tolist() == [2, 5, 10] and len(panel.study_plot.points.xData) == 3
    assert event.study_rmse[1] == pytest.approx(event.rmse, rel=1e-4)  # K = 5 is the main run's K
    assert "fitted order p =" in panel.study_plot.caption.text()
    assert "round-trip RMSE" in panel.message()

    # a mismatched way back (5 up, 1 down) misses by more
    panel.same_check.setChecked(False)
    panel.back_spin.setValue(1)
    panel.study_edit.setText("")
    mismatched = press_invert(qtbot, main_window, panel)
    assert mismatched.reconstruct_steps == 1 and mismatched.rmse > event.rmse
    assert "1 back" in panel.message()


def test_digits_show_x0_latent_reconstruction_and_error_map(qtbot, main_window, digits_trainer):
    panel = open_tab(qtbot, main_window, digits_trainer)
    panel.steps_spin.setValue(4)
    panel.n_spin.setValue(6)
    panel.study_edit.setText("2,4")
    event = press_invert(qtbot, main_window, panel)
    assert event.reason == "finished" and event.kind == "images"
    assert panel.views.currentWidget() is panel.images
    assert event.x0.shape == (6, 8, 8, 1) and event.x0.dtype == np.uint8
    assert event.error_map.shape == (6, 8, 8, 3) and event.pixel_error.shape == (6, 8, 8)
    x0 = digits_trainer.dataset.x[:6]
    from engine.imaging import to_uint8

    np.testing.assert_array_equal(event.x0, to_uint8(x0))
    for view in panel.images.views():
        assert view.cell_count() == 6 and view.image() is not None
    # per-item RMSE from the per-pixel error (one channel: the pixel error is |x0' - x0| itself)
    rmse_items = np.sqrt((event.pixel_error.astype(np.float64) ** 2).reshape(6, -1).mean(axis=1))
    np.testing.assert_allclose(event.sample_error, rmse_items, rtol=1e-4, atol=1e-6)
    assert torch.isfinite(torch.from_numpy(event.pixel_error)).all()


def test_bad_error_vs_k_list_says_why(qtbot, main_window, moons_trainer):
    panel = open_tab(qtbot, main_window, moons_trainer)
    panel.study_edit.setText("5,abc")
    qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    assert "comma-separated integers" in panel.message() and panel.run_button.isEnabled()
    panel.study_edit.setText("5,5000")
    qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    assert "[1, 100]" in panel.message()


def test_worker_without_a_model_or_cancelled_answers_once(qtbot, worker, moons_trainer):
    finished, failed = [], []
    worker.inversionFinished.connect(finished.append)
    worker.error.connect(failed.append)
    worker.invert(5, 5, 8, 0)
    qtbot.waitUntil(lambda: bool(finished and failed), timeout=20000)
    assert finished[-1].reason == "error" and "no model yet" in failed[-1].message
    worker.set_trainer(moons_trainer)
    worker.invert(5, 5, 8, 0, (2, 5))
    worker.cancel_sampling()  # before the worker picks it up: nothing is computed
    qtbot.waitUntil(lambda: len(finished) == 2, timeout=20000)
    assert finished[-1].reason == "cancelled" and finished[-1].x0 is None
    worker.invert(5, 5, 8, 10**6)
    qtbot.waitUntil(lambda: len(finished) == 3 and len(failed) == 2, timeout=20000)
    assert finished[-1].reason == "error" and "first item must be in [0, 2047]" in failed[-1].message
    qtbot.wait(200)
    assert len(finished) == 3  # one answer per request
