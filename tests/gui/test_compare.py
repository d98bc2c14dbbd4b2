"""Samplers you can compare, driven through the real main window: the Sampling tab's sampler menu and NFE readout,
and the Compare tab's three runs from one x_T, scrubbed by one t-aligned timeline, exported as one GIF."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt

from engine.config_fields import field_spec
from engine.presets import quick_config

ALL_SAMPLERS = ["ddpm", "ddim", "dpmpp_2m", "euler", "heun"]


@pytest.fixture(scope="module")
def trained_moons():
    """A tiny moons model trained a few hundred steps (seconds on a busy CPU)."""
    from engine.training import Trainer

    trainer = Trainer(quick_config("moons", steps=300, preview_every=0))
    for _ in range(300):
        trainer.step()
    return trainer


def click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.LeftButton)


def use_model(qtbot, window, trainer, button) -> None:
    window.worker.set_trainer(trainer)
    qtbot.waitUntil(button.isEnabled, timeout=20000)


def expected_index(timesteps: list[int], t: int) -> int:
    """The t-alignment rule, written out: the latest frame whose paper t (schedule index + 1; the final frame's
    index -1 is t = 0) is still >= t; the first frame when none is."""
    at_or_above = [k for k, index in enumerate(timesteps) if index + 1 >= t]
    return at_or_above[-1] if at_or_above else 0


def test_sampling_tab_lists_every_sampler_and_eta_only_for_ddim(qtbot, main_window, trained_moons):
    panel = main_window.sampling_panel
    main_window.tabs.setCurrentWidget(panel)
    menu = panel.sampler_combo
    assert menu.samplers() == ALL_SAMPLERS
    spec = field_spec("sampling.sampler")
    for i, name in enumerate(ALL_SAMPLERS):
        assert menu.itemData(i, Qt.ToolTipRole) == spec.choice_help[name]
        menu.set_sampler(name)
        assert panel.eta_spin.isEnabled() == (name == "ddim"), name
        assert spec.choice_help[name] in menu.toolTip()
    assert [menu.itemText(i) for i in range(menu.count())][:3] == ["DDPM", "DDIM", "DPM++ (2M)"]
    # the NFE of a run: Heun-10 evaluates the model twice per step but the last
    use_model(qtbot, main_window, trained_moons, panel.run_button)
    menu.set_sampler("heun")
    panel.steps_spin.setValue(10)
    panel.n_spin.setValue(64)
    with qtbot.waitSignal(main_window.worker.samplingFinished, timeout=60000) as done:
        click(qtbot, panel.run_button)
    assert done.args[0].nfe == 19 and len(done.args[0].trajectory) == 11
    assert panel.nfe_label.text() == "NFE 19" and panel.nfe_label.isVisible()


def test_compare_three_samplers_from_one_x_T_aligned_by_t(qtbot, main_window, trained_moons, tmp_path):
    from engine.export.compare import comparison_ts, compose_comparison

    window = main_window
    panel = window.compare_panel
    window.tabs.setCurrentWidget(panel)
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Compare"
    # the default columns: DDIM-10, DPM++(2M)-10, DDPM-1000, all from the same seed
    assert [(c.sampler_menu.sampler(), c.steps_spin.value()) for c in panel.columns] == [
        ("ddim", 10), ("dpmpp_2m", 10), ("ddpm", 1000)]
    assert panel.same_seed_check.isChecked() and not panel.columns[0].seed_spin.isEnabled()
    assert [c.eta_spin.isEnabled() for c in panel.columns] == [True, False, False]
    use_model(qtbot, window, trained_moons, panel.run_button)
    panel.columns[1].sampler_menu.set_sampler("heun")
    assert not panel.columns[1].eta_spin.isEnabled()
    panel.n_spin.setValue(128)
    panel.seed_spin.setValue(7)
    assert [c.seed_spin.value() for c in panel.columns] == [7, 7, 7]
    with qtbot.waitSignal(window.worker.compareFinished, timeout=180000) as done:
        click(qtbot, panel.run_button)
        assert panel.cancel_button.isEnabled() and not panel.run_button.isEnabled()
    runs = done.args[0].runs
    assert done.args[0].reason == "finished" and len(runs) == 3
    trajectories = [run.trajectory for run in runs]
    assert [len(traj) for traj in trajectories] == [11, 11, 1001]
    assert [int(run.nfe[-1]) for run in runs] == [10, 19, 1000]
    assert list(runs[1].nfe) == [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 19]  # Heun: 2 per step, 1 for the last
    # same seed: the same x_T in every column
    x_T = trajectories[0].frame(0).x_t
    assert all(np.array_equal(traj.frame(0).x_t, x_T) for traj in trajectories[1:])

    # the timeline runs over t = T .. 0 and ends on the finished samples
    T = 1000
    assert window.timeline.count() == T + 1 and window.timeline.position() == T
    assert all(c.shown_index() == len(c.run.trajectory) - 1 for c in panel.columns)
    for t in (1000, 999, 950, 901, 900, 437, 101, 100, 2, 1, 0):
        window.timeline.set_position(T - t)
        assert panel.shown_t() == t and f"t = {t}" in window.timeline.readout_text()
        for column, traj in zip(panel.columns, trajectories):
            k = expected_index(traj.timesteps, t)
            assert column.shown_index() == k, (column.run.sampling.sampler, t)
            frame_t = traj.timesteps[k] + 1
            assert f"t = {frame_t} ·" in column.header_label.text()
            assert f"NFE {int(column.run.nfe[k])} / {int(column.run.nfe[-1])}" in column.header_label.text()
            xs, ys = column.points.xt_scatter.getData()
            assert np.allclose(np.c_[xs, ys], traj.frame(k).x_t)

    # one GIF: the columns side by side, one frame per t of the clip
    out = tmp_path / "comparison.gif"
    assert panel.export_button.isEnabled()
    panel.export_gif(str(out))  # the button asks for the path first
    qtbot.waitUntil(lambda: panel.last_export is not None, timeout=120000)
    columns = [column.compare_column() for column in panel.columns]
    with Image.open(out) as gif:
        assert gif.n_frames == len(comparison_ts(columns, 120)) == 120
        assert gif.size[0] == sum(compose_comparison([c], 0).shape[1] for c in columns)
    assert "Exported" in panel.message()


def test_compare_columns_add_and_remove_within_two_to_four(qtbot, main_window):
    panel = main_window.compare_panel
    main_window.tabs.setCurrentWidget(panel)
    assert not panel.run_button.isEnabled() and not panel.export_button.isEnabled()  # no model, nothing recorded
    click(qtbot, panel.add_button)
    assert len(panel.columns) == 4 and not panel.add_button.isEnabled()
    assert panel.columns[3].seed_spin.value() == panel.seed_spin.value()
    click(qtbot, panel.columns[0].remove_button)
    click(qtbot, panel.columns[0].remove_button)
    assert len(panel.columns) == 2 and not panel.columns[0].remove_button.isEnabled()
    panel.same_seed_check.setChecked(False)  # each column its own x_T
    assert panel.columns[0].seed_spin.isEnabled() and not panel.seed_spin.isEnabled()
    panel.columns[1].seed_spin.setValue(5)
    assert panel.columns[1].sampling(panel.base_sampling()).seed == 5


def test_compare_cancel_leaves_the_tab_ready(qtbot, main_window, trained_moons):
    panel = main_window.compare_panel
    main_window.tabs.setCurrentWidget(panel)
    use_model(qtbot, main_window, trained_moons, panel.run_button)
    panel.columns[0].sampler_menu.set_sampler("ddpm")  # a long first run, so the cancel lands in it
    panel.columns[0].steps_spin.setValue(1000)
    panel.n_spin.setValue(1024)
    with qtbot.waitSignal(main_window.worker.compareProgress, timeout=20000):
        click(qtbot, panel.run_button)
    with qtbot.waitSignal(main_window.worker.compareFinished, timeout=20000) as done:
        click(qtbot, panel.cancel_button)
    assert done.args[0].reason == "cancelled" and done.args[0].runs == ()
    assert "cancelled" in panel.message().lower()
    assert panel.run_button.isEnabled() and not panel.cancel_button.isEnabled()
    assert all(column.run is None for column in panel.columns) and not panel.export_button.isEnabled()
