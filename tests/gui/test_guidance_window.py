"""Guidance in the window: the Class-conditional switch and p_uncond in the dock, the Sampling tab's class picker,
guidance scale and negative class, and samples that are the worker's for the chosen class."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine.presets import quick_config
from engine.samplers import final_sample


def click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.LeftButton)


def run_and_wait(qtbot, worker, panel):
    with qtbot.waitSignal(worker.samplingFinished, timeout=60000) as done:
        click(qtbot, panel.run_button)
    return done.args[0].trajectory


@pytest.fixture
def sampling_panel(qtbot, worker):
    from gui.panels.sampling import SamplingPanel

    def make(cfg):
        panel = SamplingPanel(worker, lambda: cfg)
        panel.set_config(cfg)
        panel.resize(1100, 640)
        qtbot.addWidget(panel)
        panel.show()
        return panel

    return make


def test_class_grid_one_class_and_negative_class_sample_what_the_engine_samples(qtbot, worker, sampling_panel):
    from engine.training import Trainer

    cfg = quick_config("digits")
    cfg.model.class_conditional = True
    trainer = Trainer(cfg)
    panel = sampling_panel(cfg)
    g = panel.guidance
    assert not g.isVisible()  # no model yet
    worker.set_trainer(trainer)
    qtbot.waitUntil(lambda: panel.run_button.isEnabled() and g.isVisible(), timeout=10000)
    assert g.class_combo.count() == 12 and g.negative_combo.count() == 11  # all, none, 0..9 / none, 0..9
    assert "s = 1 + w" in g.convention.text() and "s = 0: unconditional" in g.convention.text()
    panel.steps_spin.setValue(5)

    # all classes, 20 samples: one grid row per class (2 each), the engine's class blocks
    panel.n_spin.setValue(20)
    g.set_class(-1)
    traj = run_and_wait(qtbot, worker, panel)
    assert panel.views.columns == 2
    expected = final_sample(trainer.sample(n=20, steps=5, seed=panel.seed_spin.value(), sampler="ddim",
                                           class_label=-1, guidance_scale=1.0))
    assert np.allclose(traj.final, expected.numpy(), atol=1e-4)

    # class 7 guided away from 3 at s = 3: the formula is shown and the worker samples exactly that
    panel.n_spin.setValue(8)
    g.set_class(7)
    g.set_negative(3)
    g.scale_spin.setValue(3.0)
    assert g.formula.text() == "ε̃ = ε_3 + 3 (ε_7 − ε_3)"
    sent = panel.sampling_config()
    assert (sent.class_label, sent.negative_class, sent.guidance_scale) == (7, 3, 3.0)
    traj = run_and_wait(qtbot, worker, panel)
    assert panel.views.columns is None
    expected = final_sample(trainer.sample(n=8, steps=5, seed=panel.seed_spin.value(), sampler="ddim",
                                           class_label=7, negative_class=3, guidance_scale=3.0))
    assert np.allclose(traj.final, expected.numpy(), atol=1e-4)
    assert "class 7, s = 3, away from 3" in panel.message_label.text()

    # the same class as the negative: refused in the tab, nothing is sampled
    g.set_negative(7)
    click(qtbot, panel.run_button)
    assert "must differ" in panel.message_label.text() and not panel._sampling


def test_unconditional_model_hides_the_guidance_row(qtbot, worker, sampling_panel):
    from engine.training import Trainer

    cfg = quick_config("moons")
    panel = sampling_panel(cfg)
    worker.set_trainer(Trainer(cfg))
    qtbot.waitUntil(lambda: panel.run_button.isEnabled(), timeout=10000)
    assert not panel.guidance.isVisible()
    sent = panel.sampling_config()
    assert (sent.class_label, sent.negative_class, sent.guidance_scale) == (-1, -1, 1.0)


def test_window_conditional_training_then_guided_class_sampling(qtbot, make_window):
    """Tick Class-conditional on gaussians8, train briefly, pick a class and a scale in the Sampling tab, Sample:
    the samples shown are the worker's model's for that class and scale."""
    win = make_window(size=(1280, 800))
    form = win.form
    form.set_dataset("gaussians8")
    for name, text in (("training.steps", "40"), ("training.batch_size", "64"), ("training.warmup_steps", "5")):
        form.set_field_text(name, text)
    form.widgets["model.preset"].setCurrentIndex(form.widgets["model.preset"].findData("tiny"))
    p_uncond = form.widgets["training.cond_drop_prob"]
    assert not p_uncond.isEnabled()  # only means something for a conditional model
    form.widgets["model.class_conditional"].setChecked(True)
    assert p_uncond.isEnabled() and p_uncond.text() == "0.1"
    form.set_field_text("training.cond_drop_prob", "0.2")
    qtbot.waitUntil(lambda: form.is_valid() and win.config().model.class_conditional
                    and win.config().training.cond_drop_prob == 0.2 and win.config().training.steps == 40,
                    timeout=5000)
    training, sampling = win.training_panel, win.sampling_panel
    win.tabs.setCurrentWidget(training)
    with qtbot.waitSignal(win.worker.trainingFinished, timeout=90000) as done:
        click(qtbot, training.start_button)
    assert done.args[0].reason == "finished"

    win.tabs.setCurrentWidget(sampling)
    g = sampling.guidance
    qtbot.waitUntil(lambda: g.isVisible() and g.class_combo.count() == 10, timeout=10000)
    assert g.class_combo.itemText(2 + 2) == "2 · 90 deg"
    g.class_combo.setCurrentIndex(g.class_combo.findData(2))
    g.scale_spin.setValue(4.0)
    sampling.n_spin.setValue(64)
    sampling.steps_spin.setValue(10)
    traj = run_and_wait(qtbot, win.worker, sampling)
    trainer = win.worker._thread.trainer  # idle: reading the model from the test thread is safe
    assert trainer.conditional and trainer.config.training.cond_drop_prob == 0.2
    sa = sampling.sampling_config()
    assert (sa.class_label, sa.guidance_scale) == (2, 4.0)
    expected = final_sample(trainer.sample(sa)).numpy()
    win.timeline.set_position(len(traj) - 1)
    assert np.allclose(sampling.displayed_frame()["x_t"], expected, atol=1e-4)


def test_form_refuses_class_conditioning_on_unlabelled_data(qtbot, make_window, tmp_path):
    from PIL import Image

    win = make_window(size=(1280, 800))
    form = win.form
    form.set_dataset("swissroll")
    form.widgets["model.class_conditional"].setChecked(True)
    qtbot.waitUntil(lambda: not form.is_valid(), timeout=5000)
    assert any(e.field == "model.class_conditional" and "no labels" in e.message for e in form.errors())
    form.widgets["model.class_conditional"].setChecked(False)
    qtbot.waitUntil(form.is_valid, timeout=5000)
    # a folder without class subfolders: the form knows once the data has loaded
    folder = tmp_path / "flat"
    folder.mkdir()
    for k in range(4):
        Image.fromarray(np.full((8, 8), 40 * k, np.uint8)).save(folder / f"{k}.png")
    form.set_dataset(str(folder))
    qtbot.waitUntil(lambda: win.datasets.dataset() is not None, timeout=20000)
    form.widgets["model.class_conditional"].setChecked(True)
    qtbot.waitUntil(lambda: not form.is_valid(), timeout=5000)
    (err,) = [e for e in form.errors() if e.field == "model.class_conditional"]
    assert "one subfolder per class" in err.message


def test_guidance_sweep_grid_one_row_per_scale(qtbot, worker, sampling_panel):
    from engine.training import Trainer

    cfg = quick_config("digits")
    cfg.model.class_conditional = True
    trainer = Trainer(cfg)
    panel = sampling_panel(cfg)
    g = panel.guidance
    worker.set_trainer(trainer)
    qtbot.waitUntil(lambda: panel.run_button.isEnabled() and g.isVisible(), timeout=10000)
    panel.steps_spin.setValue(4)
    g.sweep_edit.setText("1, x")
    click(qtbot, panel.run_button)
    assert "Sweep s must be scales" in panel.message_label.text() and not panel._sampling
    g.sweep_edit.setText("0, 3")
    assert g.formula.text() == "ε̃ = ε_∅ + s (ε_c − ε_∅), s = 0, 3"
    traj = run_and_wait(qtbot, worker, panel)
    assert traj.final.shape[0] == 20 and panel.views.columns == 10  # 2 rows (scales) x 10 columns (classes)
    assert "sweep: a row per s = 0, 3" in panel.message_label.text()
    seed = panel.seed_spin.value()
    for row, s in enumerate((0.0, 3.0)):
        single = final_sample(trainer.sample(n=10, steps=4, seed=seed, sampler="ddim", class_label=-1,
                                             guidance_scale=s))
        assert np.allclose(traj.final[10 * row:10 * row + 10], single.numpy(), atol=1e-4), s
    sources, default = panel.export_sources()  # exported like any sampling run: the grid and the reverse process
    assert default == "reverse" and sources["samples"].shape[0] == 20
