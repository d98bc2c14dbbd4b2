"""The Compare tab through the real main window: each column shows its run live (x_T at once, then its frames)
before the comparison finishes, and "Branch from here" re-samples a column from the timeline's t into a new column
that the GIF export includes."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt

from engine.presets import quick_config

T = 100


@pytest.fixture(scope="module")
def small_moons():
    from engine.training import Trainer

    cfg = quick_config("moons", steps=100, preview_every=0)
    cfg.schedule.timesteps = T
    trainer = Trainer(cfg)
    for _ in range(100):
        trainer.step()
    return trainer


def ready(qtbot, window, trainer):
    panel = window.compare_panel
    window.tabs.setCurrentWidget(panel)
    window.worker.set_trainer(trainer)
    qtbot.waitUntil(panel.run_button.isEnabled, timeout=20000)
    return panel


def scatter(column) -> np.ndarray:
    xs, ys = column.points.xt_scatter.getData()
    return np.c_[xs, ys]


def test_columns_show_their_runs_live_starting_from_the_shared_x_T(qtbot, main_window, small_moons):
    window = main_window
    panel = ready(qtbot, window, small_moons)
    panel.columns[2].steps_spin.setValue(T)  # DDIM-10, DPM++(2M)-10, DDPM-100
    panel.n_spin.setValue(200)
    shots = []

    def snapshot(progress) -> None:  # connected after the tab's own slot: what the column shows after drawing it
        column = panel.columns[progress.run]
        shots.append(dict(run=progress.run, step=progress.step, t=progress.t, shown=scatter(column).copy(),
                          running=panel._running, recorded=column.run is not None,
                          header=column.header_label.text(), x0=progress.x0_pred is not None))

    window.worker.compareProgress.connect(snapshot)
    with qtbot.waitSignal(window.worker.compareFinished, timeout=60000) as done:
        qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    window.worker.compareProgress.disconnect(snapshot)
    runs = done.args[0].runs
    assert done.args[0].reason == "finished" and len(runs) == 3
    x_T = runs[0].trajectory.frame(0).x_t

    # the first three frames on screen: every column's x_T, before any model evaluation, all the same array
    assert [(s["run"], s["step"], s["x0"]) for s in shots[:3]] == [(0, 0, False), (1, 0, False), (2, 0, False)]
    for shot in shots[:3]:
        assert shot["running"] and not shot["recorded"]
        assert shot["t"] == T and f"t = {T}" in shot["header"]
        assert np.array_equal(shot["shown"], x_T)
    # then each run's frames, live, while the comparison is still going: the first at once, the last too
    for run in range(3):
        live = [s for s in shots[3:] if s["run"] == run]
        assert live[0]["step"] == 0 and live[0]["x0"] and np.array_equal(live[0]["shown"], x_T)
        assert all(s["running"] and not s["recorded"] for s in live)
        final = runs[run].trajectory
        assert live[-1]["t"] == 0 and np.array_equal(live[-1]["shown"], final.frame(len(final) - 1).x_t)
    assert "running" in shots[3]["header"]
    # finished: the recorded runs replace the live view at the finished samples
    assert all(column.live is None and column.run is not None for column in panel.columns)
    assert window.timeline.count() == T + 1


def test_cancel_leaves_empty_columns_saying_so(qtbot, main_window, small_moons):
    window = main_window
    panel = ready(qtbot, window, small_moons)
    panel.columns[0].sampler_menu.set_sampler("ddpm")
    panel.columns[0].steps_spin.setValue(T)
    panel.n_spin.setValue(1024)
    with qtbot.waitSignal(window.worker.compareProgress, timeout=20000):
        qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    with qtbot.waitSignal(window.worker.compareFinished, timeout=20000) as done:
        qtbot.mouseClick(panel.cancel_button, Qt.LeftButton)
    if done.args[0].reason == "finished":  # pragma: no cover - a fast machine beat the click
        pytest.skip("the comparison finished before the cancel")
    assert all(column.run is None and column.live is None and column.shown_points() == 0
               for column in panel.columns)
    assert "nothing recorded" in panel.message() and panel.run_button.isEnabled()


def test_branch_a_column_at_the_middle_and_export_three_columns(qtbot, main_window, small_moons, tmp_path):
    from engine.export.compare import compose_comparison

    window = main_window
    panel = ready(qtbot, window, small_moons)
    qtbot.mouseClick(panel.columns[1].remove_button, Qt.LeftButton)  # DDIM-10 and DDPM-100 remain
    panel.columns[1].steps_spin.setValue(T)
    panel.n_spin.setValue(64)
    with qtbot.waitSignal(window.worker.compareFinished, timeout=60000):
        qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    assert len(panel.columns) == 2
    two = tmp_path / "two.gif"
    panel.export_gif(str(two))
    qtbot.waitUntil(lambda: panel.last_export is not None, timeout=60000)
    panel.last_export = None

    parent = panel.columns[1]
    window.timeline.set_position(T - 50)  # the middle frame: t = 50
    assert panel.shown_t() == 50 and parent.branch_button.isEnabled()
    parent.branch_seed_spin.setValue(7)
    with qtbot.waitSignal(window.worker.branchFinished, timeout=60000):
        qtbot.mouseClick(parent.branch_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: len(panel.columns) == 3, timeout=5000)
    branch = panel.columns[2]
    assert branch.branch_of is not None and branch.branch_of.t == 50
    assert "DDPM-100 branch: seed 7 @ t=50" in branch.header_label.text()
    assert not branch.sampler_menu.isEnabled() and branch.seed_spin.value() == 7
    assert branch.shown_index() is not None and panel.shown_t() == 50  # shown at the same t

    # the branch's frames before the branch point are the parent's; from it on, its own (a new seed: other noise)
    ptraj, btraj = parent.run.trajectory, branch.run.trajectory
    split = branch.branch_of.step
    head = [k for k, s in enumerate(btraj.steps) if s < split]
    assert head and len(btraj) == len(ptraj)
    for k in head:
        assert btraj.steps[k] == ptraj.steps[k]
        assert np.array_equal(btraj.frame(k).x_t, ptraj.frame(k).x_t)
    assert not np.allclose(btraj.final, ptraj.final)
    assert list(branch.run.nfe[:len(head)]) == list(parent.run.nfe[:len(head)])
    assert int(branch.run.nfe[-1]) == int(parent.run.nfe[-1])  # DDPM: one evaluation per step either way

    # the comparison's exports hold all three columns: the frames are wider
    sources, what = panel.export_sources()
    assert what == "compare" and len(sources["comparison"]) == 3
    three = tmp_path / "three.gif"
    panel.export_gif(str(three))
    qtbot.waitUntil(lambda: panel.last_export is not None, timeout=60000)
    columns = [column.compare_column() for column in panel.columns]
    with Image.open(two) as a, Image.open(three) as b:
        assert b.size[0] > a.size[0]
        assert b.size[0] == sum(compose_comparison([c], 0).shape[1] for c in columns)
        assert b.n_frames > 1
        b.seek(b.n_frames - 1)
        b.convert("RGB")
    assert columns[2].name == "DDPM-100 branch: seed 7 @ t=50"


def test_digit_columns_show_x_T_as_images_before_any_run_finishes(qtbot, main_window):
    from engine.training import Trainer

    cfg = quick_config("digits", steps=1, preview_every=0)
    cfg.schedule.timesteps = 50
    trainer = Trainer(cfg)  # freshly initialised: what is checked is x_T, drawn before any model evaluation
    window = main_window
    panel = ready(qtbot, window, trainer)
    qtbot.mouseClick(panel.columns[2].remove_button, Qt.LeftButton)
    for column in panel.columns:
        column.steps_spin.setValue(5)
    panel.n_spin.setValue(4)
    shots = []
    window.worker.compareProgress.connect(lambda p: shots.append(
        (p.run, p.step, p.x_t, panel.columns[p.run].shown_points(), panel.columns[p.run].run is None)))
    with qtbot.waitSignal(window.worker.compareFinished, timeout=60000) as done:
        qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    runs = done.args[0].runs
    x_T = runs[0].trajectory.frame(0).x_t
    assert x_T.dtype == np.uint8 and x_T.shape[0] == 4
    for run, step, shown, cells, live in shots[:2]:
        assert step == 0 and live and cells == 4 and np.array_equal(shown, x_T)


def test_branch_with_another_sampler_fills_the_fourth_column(qtbot, main_window, small_moons):
    window = main_window
    panel = ready(qtbot, window, small_moons)
    panel.n_spin.setValue(32)
    with qtbot.waitSignal(window.worker.compareFinished, timeout=60000):
        qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    parent = panel.columns[0]  # DDIM-10
    assert (parent.branch_sampler_menu.sampler(), parent.branch_steps_spin.value()) == ("ddim", 10)
    window.timeline.set_position(T - 55)  # DDIM-10 holds its t = 60 frame at t = 55
    parent.branch_sampler_menu.set_sampler("dpmpp_2m")
    parent.branch_steps_spin.setValue(20)
    parent.branch_seed_spin.setValue(3)
    with qtbot.waitSignal(window.worker.branchFinished, timeout=60000) as done:
        qtbot.mouseClick(parent.branch_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: len(panel.columns) == 4, timeout=5000)
    branch = panel.columns[3]
    assert branch.branch_of.name() == "DDIM-10 branch: DPM++ (2M)-20 seed 3 @ t=60"
    assert (branch.sampler_menu.sampler(), branch.steps_spin.value()) == ("dpmpp_2m", 20)
    # from t = 60 the branch visits the 20-step grid's timesteps below it: 60 (again), 55, 50, ..., 5, then 0
    ts = [t + 1 for t in done.args[0].trajectory.timesteps]
    assert ts == [100, 90, 80, 70, 60, 55, 50, 45, 40, 35, 30, 25, 20, 15, 10, 5, 0]
    assert list(branch.run.nfe) == [1, 2, 3, 4] + [4 + k for k in range(1, 13)] + [16]
    assert not panel.add_button.isEnabled() and not any(c.branch_button.isEnabled() for c in panel.columns)


def test_cancelling_a_branch_leaves_the_columns_as_they_were(qtbot, main_window, small_moons):
    window = main_window
    panel = ready(qtbot, window, small_moons)
    qtbot.mouseClick(panel.columns[1].remove_button, Qt.LeftButton)
    panel.columns[1].steps_spin.setValue(T)
    panel.n_spin.setValue(256)
    with qtbot.waitSignal(window.worker.compareFinished, timeout=60000):
        qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    window.timeline.set_position(0)  # t = T: the whole run is re-sampled
    with qtbot.waitSignal(window.worker.samplingAborted, timeout=60000) as aborted:
        qtbot.mouseClick(panel.columns[1].branch_button, Qt.LeftButton)
        assert panel.cancel_button.isEnabled() and not panel.columns[0].branch_button.isEnabled()
        qtbot.mouseClick(panel.cancel_button, Qt.LeftButton)
    assert aborted.args[0].reason == "cancelled"
    assert len(panel.columns) == 2 and all(c.run is not None for c in panel.columns)
    assert "Branch cancelled" in panel.message() and panel.columns[1].branch_button.isEnabled()
    assert panel.export_button.isEnabled() and panel.run_button.isEnabled()
