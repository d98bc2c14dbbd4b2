"""Measure guidance in the Sampling tab: the worker's accuracy / FD / precision / recall against s are
engine.guidance_study.guidance_curve's on the same model, scales and seed, and they are what the plots draw; a 2-D
conditional model gets a plain message instead of the button."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
import torch
from PySide6.QtCore import Qt

from engine.guidance_study import guidance_curve
from engine.presets import quick_config
from gui.events import GuidanceStudyFinished


@pytest.fixture
def sampling_panel(qtbot, worker):
    from gui.panels.sampling import SamplingPanel

    def make(cfg):
        panel = SamplingPanel(worker, lambda: cfg)
        panel.set_config(cfg)
        panel.resize(1100, 800)
        qtbot.addWidget(panel)
        panel.show()
        return panel

    return make


def tiny_trainer(dataset: str, steps: int):
    from engine.training import Trainer

    cfg = quick_config(dataset)
    cfg.model.class_conditional = True
    torch.manual_seed(0)
    trainer = Trainer(cfg)
    for _ in range(steps):
        trainer.step()
    return trainer


def test_measured_curve_is_guidance_curve_and_is_plotted(qtbot, worker, sampling_panel):
    trainer = tiny_trainer("digits", 5)
    panel = sampling_panel(trainer.config)
    m = panel.measure
    assert not m.isVisible()  # no model yet
    worker.set_trainer(trainer)
    qtbot.waitUntil(lambda: m.isVisible() and m.measure_button.isEnabled(), timeout=10000)
    panel.guidance.sweep_edit.setText("0, 1, 3")
    m.per_class_spin.setValue(3)
    m.steps_spin.setValue(3)
    with qtbot.waitSignal(worker.guidanceStudy, timeout=60000,
                          check_params_cb=lambda e: isinstance(e, GuidanceStudyFinished)) as done:
        qtbot.mouseClick(m.measure_button, Qt.LeftButton)
        assert m.cancel_button.isEnabled() and not m.measure_button.isEnabled()
    event = done.args[0]
    assert event.reason == "finished" and m.progress_bar.value() == 3
    want = guidance_curve(trainer, (0.0, 1.0, 3.0), per_class=3, steps=3, seed=0)
    got = event.points
    assert [p.scale for p in got] == [0.0, 1.0, 3.0]
    for g, w in zip(got, want):
        assert g.n == w.n == 30
        assert g.per_class_accuracy == pytest.approx(w.per_class_accuracy)
        for key in ("accuracy", "precision", "recall"):
            assert getattr(g, key) == pytest.approx(getattr(w, key), abs=1e-9)
        assert g.fd == pytest.approx(w.fd, rel=1e-4)
    assert m.plots.isVisible()
    for key in ("accuracy", "precision", "recall", "fd"):
        x, y = m.curves[key].getData()
        np.testing.assert_array_equal(x, [0.0, 1.0, 3.0])
        np.testing.assert_allclose(y, [getattr(w, key) for w in want], rtol=1e-4, atol=1e-9)
    assert m.measure_button.isEnabled() and not m.cancel_button.isEnabled()


def test_2d_conditional_model_is_told_why_it_cannot_be_measured(qtbot, worker, sampling_panel):
    trainer = tiny_trainer("gaussians8", 2)
    panel = sampling_panel(trainer.config)
    m = panel.measure
    worker.set_trainer(trainer)
    qtbot.waitUntil(lambda: m.isVisible(), timeout=10000)
    assert not m.measure_button.isEnabled() and "digits classifier" in m.message_label.text()


def test_cancel_stops_the_measurement_between_scales(qtbot, worker, sampling_panel):
    trainer = tiny_trainer("digits", 1)
    panel = sampling_panel(trainer.config)
    m = panel.measure
    worker.set_trainer(trainer)
    qtbot.waitUntil(lambda: m.measure_button.isEnabled(), timeout=10000)
    panel.guidance.sweep_edit.setText(", ".join(str(s) for s in range(16)))
    m.per_class_spin.setValue(2)
    m.steps_spin.setValue(2)
    with qtbot.waitSignal(worker.guidanceStudy, timeout=60000,
                          check_params_cb=lambda e: isinstance(e, GuidanceStudyFinished)) as done:
        qtbot.mouseClick(m.measure_button, Qt.LeftButton)
        qtbot.mouseClick(m.cancel_button, Qt.LeftButton)
    event = done.args[0]
    assert event.reason == "cancelled" and len(event.points) < 16
    assert "cancelled" in m.message_label.text() and m.measure_button.isEnabled()
