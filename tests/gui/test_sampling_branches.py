"""Branch from any frame, driven through the real main window: the Sampling tab re-samples a recorded run from the
frame on the timeline with a new seed / sampler / steps, keeps the run and its branches as a tree, scrubs them on
the shared timeline aligned by t, and File › Export writes the selected branch."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from engine.presets import quick_config

VIEWS = ("x_t", "x0_pred", "eps_pred")


@pytest.fixture(scope="module")
def trained_moons():
    """A tiny moons model, a few steps trained: branching is about which frames a run shares, not sample quality."""
    from engine.training import Trainer

    trainer = Trainer(quick_config("moons", steps=20, preview_every=0))
    for _ in range(20):
        trainer.step()
    return trainer


def click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.LeftButton)


def same_frame(a, b) -> bool:
    return all(np.array_equal(getattr(a, v), getattr(b, v)) for v in VIEWS)


def shown_at(window, panel, position: int) -> dict[str, np.ndarray]:
    """What the tab draws with the shared timeline at ``position``."""
    window.timeline.set_position(position)
    assert window.timeline.position() == position
    return panel.displayed_frame()


def branch(qtbot, window, panel, sampler: str, steps: int, seed: int, eta: float = 0.0):
    box = panel.branches
    box.sampler_combo.set_sampler(sampler)
    box.steps_spin.setValue(steps)
    box.eta_spin.setValue(eta)
    box.seed_spin.setValue(seed)
    with qtbot.waitSignal(window.worker.branchFinished, timeout=60000) as done:
        click(qtbot, box.branch_button)
        assert not box.branch_button.isEnabled() and panel.cancel_button.isEnabled()
    return done.args[0]


def open_export_dialog(window):
    from gui.export_dialog import ExportDialog

    window.export_current()
    QApplication.processEvents()
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, ExportDialog) and w.isVisible()]
    assert dialogs, "no export dialog opened"
    return dialogs[-1]


def test_branch_from_the_middle_frame_with_a_new_seed(qtbot, main_window, trained_moons, tmp_path):
    import torch

    from engine.export import export_reverse_animation
    from engine.samplers import branch_from, final_sample

    window, panel = main_window, main_window.sampling_panel
    window.tabs.setCurrentWidget(panel)
    assert not panel.branches.isVisible()  # nothing recorded to branch yet
    window.worker.set_trainer(trained_moons)
    qtbot.waitUntil(panel.run_button.isEnabled, timeout=20000)
    panel.sampler_combo.set_sampler("ddim")
    panel.steps_spin.setValue(10)
    panel.n_spin.setValue(128)
    panel.seed_spin.setValue(3)
    with qtbot.waitSignal(window.worker.samplingFinished, timeout=60000) as ran:
        click(qtbot, panel.run_button)
    parent = ran.args[0].trajectory
    tree = panel.branches.tree
    assert panel.branches.isVisible() and tree.texts() == ["Run: DDIM-10 · seed 3"]
    assert not panel.branches.guidance_spin.isVisibleTo(panel.branches)  # no guidance for an unconditional model
    assert window.timeline.position() == 10  # the finished samples: no branch from there
    assert not panel.branches.branch_button.isEnabled() and "finished sample" in panel.branches.point_label.text()

    # scrub to the middle frame and branch from it with DDPM and a new seed
    middle = 5
    shown_at(window, panel, middle)
    t_mid = parent.timesteps[middle]
    assert panel.branches.point_label.text() == f"From step 5/10 · t = {t_mid + 1}"
    done = branch(qtbot, window, panel, "ddpm", 10, seed=7)
    child = done.trajectory
    assert (done.step, done.t) == (middle, t_mid)
    assert tree.topLevelItemCount() == 1 and tree.topLevelItem(0).childCount() == 1 and len(tree.nodes) == 2
    assert tree.texts()[1] == f"at t = {t_mid + 1}: DDPM-10 · seed 7" and tree.current() == 1
    assert panel.trajectory is child and window.timeline.position() == len(child) - 1
    assert panel.export_sources()[0]["trajectory"] is child
    # the same grid below the branch point: 11 frames, the first five the parent's own, bit for bit
    assert child.steps == parent.steps and child.timesteps == parent.timesteps
    for k in range(len(child)):
        shown = shown_at(window, panel, k)
        assert np.array_equal(shown["x_t"], child.frame(k).x_t)
        if k < middle:
            assert same_frame(child.frame(k), parent.frame(k)), k
            assert all(np.array_equal(shown[v], getattr(parent.frame(k), v)) for v in VIEWS), k
        elif k > middle:  # a new future from the same frame
            assert not np.allclose(shown["x_t"], parent.frame(k).x_t), k
    assert np.array_equal(child.frame(middle).x_t, parent.frame(middle).x_t)  # it starts at the parent's x_t
    # the branch's finished samples are engine branch_from's for the same seed
    cfg = trained_moons.config.sampling
    torch.set_num_threads(1)  # as the window's worker (tests/gui/conftest.py): the same float rounding
    expected = final_sample(branch_from(parent, middle, denoiser=trained_moons.denoiser(use_ema=cfg.use_ema),
                                        schedule=trained_moons.schedule, sampler="ddpm", steps=10, seed=7))
    assert np.array_equal(child.final, expected.numpy())

    # the run and the branch on one timeline: selecting a node keeps the t on screen
    shown_at(window, panel, 8)
    tree.select(0)
    assert panel.trajectory is parent and window.timeline.position() == 8
    assert np.array_equal(panel.displayed_frame()["x_t"], parent.frame(8).x_t)
    assert f"t = {parent.timesteps[8] + 1}" in window.timeline.readout_text()

    # a branch of the branch, on a finer grid: its head is the branch's (so the run's before step 5)
    tree.select(1)
    assert panel.trajectory is child and window.timeline.position() == 8
    shown_at(window, panel, 7)
    grand = branch(qtbot, window, panel, "ddim", 40, seed=9, eta=1.0).trajectory
    assert len(tree.nodes) == 3 and tree.nodes[2].parent == 1 and tree.topLevelItem(0).child(0).childCount() == 1
    assert grand.steps[:7] == list(range(7)) and all(same_frame(grand.frame(k), child.frame(k)) for k in range(7))
    assert grand.timesteps[7] == child.timesteps[7] and len(grand) > len(child)
    # scrubbed by t: at a t only the finer grid visits, the run shows its latest frame with a t still above it
    k = next(i for i, t in enumerate(grand.timesteps) if t not in parent.timesteps)
    shown_at(window, panel, k)
    tree.select(0)
    aligned = max(i for i, t in enumerate(parent.timesteps) if t >= grand.timesteps[k])
    assert window.timeline.position() == aligned and panel.trajectory is parent

    # File › Export writes the selected branch, like any run
    tree.select(1)
    dialog = open_export_dialog(window)
    try:
        assert dialog.what() == "reverse"
        out = tmp_path / "branch.gif"
        dialog.set_path(out)
        assert dialog.start_export(), dialog.last_message
        qtbot.waitUntil(lambda: not dialog.is_running(), timeout=60000)
        assert out.exists(), dialog.status_label.text()
        export_reverse_animation(child, tmp_path / "direct.gif", dialog.options())
        export_reverse_animation(parent, tmp_path / "parent.gif", dialog.options())
    finally:
        dialog.shutdown()
        dialog.close()
    with Image.open(out) as gif, Image.open(tmp_path / "direct.gif") as direct, \
            Image.open(tmp_path / "parent.gif") as run:
        assert gif.n_frames == direct.n_frames == len(child)
        for index in range(gif.n_frames):
            gif.seek(index)
            direct.seek(index)
            assert np.array_equal(np.asarray(gif.convert("RGB")), np.asarray(direct.convert("RGB"))), index
        gif.seek(gif.n_frames - 1)
        run.seek(run.n_frames - 1)
        assert not np.array_equal(np.asarray(gif.convert("RGB")), np.asarray(run.convert("RGB")))


def test_cancelled_branch_keeps_the_tree_and_a_new_run_starts_a_new_one(qtbot, main_window, trained_moons):
    window, panel = main_window, main_window.sampling_panel
    window.tabs.setCurrentWidget(panel)
    window.worker.set_trainer(trained_moons)
    qtbot.waitUntil(panel.run_button.isEnabled, timeout=20000)
    panel.steps_spin.setValue(10)
    with qtbot.waitSignal(window.worker.samplingFinished, timeout=60000):
        click(qtbot, panel.run_button)
    shown_at(window, panel, 2)
    first = branch(qtbot, window, panel, "ddpm", 10, seed=4).trajectory
    shown_at(window, panel, 4)
    box = panel.branches
    box.sampler_combo.set_sampler("ddpm")
    box.steps_spin.setValue(1000)
    with qtbot.waitSignal(window.worker.samplingAborted, timeout=60000):
        click(qtbot, box.branch_button)
        click(qtbot, panel.cancel_button)
    assert "Branching cancelled" in panel.message()
    assert len(box.tree.nodes) == 2 and panel.trajectory is first and box.branch_button.isEnabled()
    with qtbot.waitSignal(window.worker.samplingFinished, timeout=60000):
        click(qtbot, panel.run_button)
    assert len(box.tree.nodes) == 1 and box.tree.topLevelItem(0).childCount() == 0


def test_branch_of_a_conditional_image_model_uses_its_guidance_scale(qtbot, main_window):
    import torch

    from engine.samplers import branch_from, final_sample
    from engine.training import Trainer

    cfg = quick_config("digits", steps=1, preview_every=0)
    cfg.model.class_conditional = True
    trainer = Trainer(cfg)
    torch.manual_seed(0)  # random weights: the untrained U-Net predicts 0 (zero-initialized output) for any class
    with torch.no_grad():
        for p in [*trainer.model.parameters(), *trainer.ema_model.parameters()]:
            p.normal_(0.0, 0.05)
    window, panel = main_window, main_window.sampling_panel
    window.tabs.setCurrentWidget(panel)
    window.worker.set_trainer(trainer)
    qtbot.waitUntil(panel.run_button.isEnabled, timeout=20000)
    box = panel.branches
    assert not box.isVisible()
    panel.steps_spin.setValue(6)
    panel.n_spin.setValue(4)
    with qtbot.waitSignal(window.worker.samplingFinished, timeout=60000) as ran:
        click(qtbot, panel.run_button)
    parent = ran.args[0].trajectory
    assert parent.kind == "images" and box.guidance_spin.isVisibleTo(box)  # a conditional model: guidance offered
    shown_at(window, panel, 3)
    box.guidance_spin.setValue(3.0)
    done = branch(qtbot, window, panel, "ddim", 6, seed=11)
    assert done.sampling.guidance_scale == 3.0 and "guidance scale 3" in box.tree.currentItem().toolTip(0)
    assert all(np.array_equal(done.trajectory.frame(k).x_t, parent.frame(k).x_t) for k in range(3))
    sa = done.sampling
    torch.set_num_threads(1)
    denoiser = trainer.denoiser(use_ema=sa.use_ema, labels=trainer.class_labels(4, sa.class_label),
                                guidance_scale=3.0)
    expected = final_sample(branch_from(parent, 3, denoiser=denoiser, schedule=trainer.schedule, sampler="ddim",
                                        steps=6, seed=11, clip_x0=sa.clip_x0))
    assert np.array_equal(done.trajectory.final, expected.numpy())
    unguided = trainer.denoiser(use_ema=sa.use_ema, labels=trainer.class_labels(4, sa.class_label))
    plain = final_sample(branch_from(parent, 3, denoiser=unguided, schedule=trainer.schedule, sampler="ddim",
                                     steps=6, seed=11, clip_x0=sa.clip_x0))
    assert not np.allclose(plain.numpy(), expected.numpy())  # so the branch really used its guidance scale
    assert np.array_equal(panel.displayed_frame()["x_t"], done.trajectory.frame(len(done.trajectory) - 1).x_t)
