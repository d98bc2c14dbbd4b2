"""Schedule and Forward tabs driven through the real window: live curves, pins, the fixed-noise forward process."""
from __future__ import annotations

import statistics

import numpy as np
import torch

from engine.diffusion import q_sample
from engine.imaging import to_uint8
from engine.schedules import NoiseSchedule


def _expected_schedule(w) -> NoiseSchedule:
    s = w.config().schedule
    return NoiseSchedule(s.kind, s.timesteps, s.beta_start, s.beta_end, s.cosine_s, s.zero_terminal_snr)


def test_schedule_curves_follow_the_form(main_window):
    w = main_window
    panel = w.schedule_panel
    form = w.form
    kind = form.field_widget("schedule.kind")
    steps = [
        lambda: kind.setCurrentIndex(kind.findData("cosine")),
        lambda: form.field_widget("schedule.timesteps").setText("250"),
        lambda: kind.setCurrentIndex(kind.findData("quadratic")),
        lambda: form.field_widget("schedule.beta_end").setText("0.035"),
        lambda: form.field_widget("schedule.zero_terminal_snr").setChecked(True),
        lambda: form.field_widget("training.prediction").setCurrentIndex(
            form.field_widget("training.prediction").findData("v")),
        lambda: kind.setCurrentIndex(kind.findData("sigmoid")),
    ]
    for change in steps:
        change()
        expected = _expected_schedule(w)
        x, y = panel.curves["alpha_bar"].getOriginalDataset()
        assert np.allclose(y, expected.alpha_bar.numpy())
        assert np.array_equal(x, np.arange(1, expected.timesteps + 1))
        assert np.allclose(panel.curves["beta"].getOriginalDataset()[1], expected.betas.numpy())
        assert np.allclose(panel.curves["sqrt_one_minus_alpha_bar"].getOriginalDataset()[1],
                           expected.sqrt_one_minus_alpha_bar.numpy())
        log_snr = panel.curves["log_snr"].getOriginalDataset()[1]
        finite = np.isfinite(expected.log_snr.numpy())
        assert np.allclose(log_snr[finite], expected.log_snr.numpy()[finite])
        assert panel.last_redraw_ms < 50
    assert w.config().schedule.kind == "sigmoid" and w.config().schedule.timesteps == 250
    assert w.timeline.count() == 251


def test_cursor_invalid_input_and_csv_export(main_window, tmp_path):
    w = main_window
    w.tabs.setCurrentWidget(w.schedule_panel)
    w.timeline.set_position(123)
    assert all(line.value() == 123 for line in w.schedule_panel.cursors)
    assert len(w.schedule_panel.cursors) >= 3
    # an invalid schedule keeps the last valid curves
    before = w.schedule_panel.curves["alpha_bar"].getOriginalDataset()[1].copy()
    w.form.field_widget("schedule.beta_end").setText("2")
    assert np.array_equal(w.schedule_panel.curves["alpha_bar"].getOriginalDataset()[1], before)
    w.form.field_widget("schedule.beta_end").setText("0.02")
    # CSV export of the curves
    path = tmp_path / "schedule.csv"
    w.schedule_panel.export_csv(path)
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    assert data.shape == (1000, 7)
    assert np.allclose(data[:, 2], _expected_schedule(w).alpha_bar.numpy())


def test_pin_and_clear(main_window):
    w = main_window
    panel = w.schedule_panel
    plot = panel.plots["alpha"].getPlotItem()
    n_items = len(plot.listDataItems())
    panel.pin_button.click()
    assert panel.overlay_count() == 1
    assert len(plot.listDataItems()) == n_items + 3  # alpha_bar and both square-root curves
    legend_text = [label.text for _sample, label in plot.legend.items]
    assert any("pin 1" in t and "linear T=1000" in t for t in legend_text)
    w.form.field_widget("schedule.timesteps").setText("500")
    panel.pin_button.click()
    assert panel.overlay_count() == 2
    legend_text = [label.text for _sample, label in plot.legend.items]
    assert any("T=500" in t for t in legend_text)
    pinned = panel.pins[0]["alpha_bar"].getOriginalDataset()[1]
    assert pinned.shape == (1000,)  # the pin kept the old curve
    panel.clear_button.click()
    assert panel.overlay_count() == 0
    assert len(plot.listDataItems()) == n_items
    assert not any("pin" in label.text for _s, label in plot.legend.items)


def _displayed_xt(panel):
    return panel.xt_view.image()


def test_forward_images_use_one_fixed_noise(main_window, qtbot, wait_for_data):
    w = main_window
    w.form.set_dataset("digits")
    wait_for_data(w, "images")
    panel = w.forward_panel
    w.tabs.setCurrentWidget(panel)
    sched = _expected_schedule(w)
    x0, noise = panel.x0.clone(), panel.noise.clone()
    assert x0.shape == (1, 1, 8, 8)

    for p in (1, 50, 400, 1000):
        w.timeline.set_position(p)
        expected = to_uint8(q_sample(sched, x0, torch.tensor([p - 1]), noise))[0]
        assert np.array_equal(_displayed_xt(panel), expected)
        assert torch.equal(panel.noise, noise)  # the same noise at every t
    # the labels use the paper's t = 1..T: the last position is t = T (schedule index T - 1)
    assert "(t = 1000)" in panel.xt_view.title() and "(t = 1000)" in panel.equation.text()
    assert w.timeline.readout_text().startswith("t = 1000 / 1000")
    # t = 0 is the clean image
    w.timeline.set_position(0)
    assert np.array_equal(_displayed_xt(panel), to_uint8(x0)[0])
    assert np.array_equal(panel.x0_view.image(), to_uint8(x0)[0])
    assert "t = 0" in panel.xt_view.title() and w.timeline.readout_text().startswith("t = 0 / 1000")

    # New noise: a different draw, and x_t changes with it
    w.timeline.set_position(600)
    old = _displayed_xt(panel).copy()
    panel.new_noise_button.click()
    assert not torch.equal(panel.noise, noise)
    assert not np.array_equal(_displayed_xt(panel), old)
    expected = to_uint8(q_sample(sched, x0, torch.tensor([599]), panel.noise))[0]
    assert np.array_equal(_displayed_xt(panel), expected)

    # scrubbing is cheap
    times = []
    for p in range(1, 1001, 50):
        w.timeline.set_position(p)
        times.append(panel.last_update_ms)
    assert statistics.median(times) < 10.0

    # another image of the dataset
    panel.index_spin.setValue(5)
    assert torch.equal(panel.x0, w.datasets.dataset().x[5:6])
    assert np.array_equal(panel.x0_view.image(), to_uint8(w.datasets.dataset().x[5:6])[0])


def test_forward_strip_histogram_and_export(main_window, qtbot, wait_for_data, tmp_path):
    w = main_window
    w.form.set_dataset("digits")
    wait_for_data(w, "images")
    panel = w.forward_panel
    w.tabs.setCurrentWidget(panel)
    T = w.config().schedule.timesteps
    assert panel._strip_positions[0] == 0 and panel._strip_positions[-1] == T
    assert len(panel._strip_positions) == 8
    sched = _expected_schedule(w)
    p = panel._strip_positions[3]
    assert np.array_equal(panel.strip_views[3].image(),
                          to_uint8(q_sample(sched, panel.x0, torch.tensor(p - 1), panel.noise))[0])
    # clicking a strip image moves the timeline there
    panel.strip_views[3].clicked.emit()
    assert w.timeline.position() == p
    # the histogram shows x_t's values and the N(0, 1) density
    edges, density = panel.hist.bars.getOriginalDataset()
    assert len(edges) == len(density) + 1
    assert np.isclose((density * np.diff(edges)).sum(), 1.0)
    xs, pdf = panel.hist.pdf.getOriginalDataset()
    assert np.isclose(pdf.max(), 1 / np.sqrt(2 * np.pi), atol=1e-3)
    # clicking a sample in the dock's preview grid shows that image in the Forward tab
    from PySide6.QtCore import Qt

    w.tabs.setCurrentWidget(w.schedule_panel)
    grid = w.form.preview_grid
    assert grid.cell_count() > 3
    qtbot.mouseClick(grid, Qt.LeftButton, pos=grid.cell_center(3))
    assert w.tabs.currentWidget() is panel
    assert panel.index == w.form._preview_indices[3] and panel.index_spin.value() == panel.index
    assert torch.equal(panel.x0, w.datasets.dataset().x[panel.index:panel.index + 1])
    # export: one row of the eight strip frames
    from PIL import Image

    path = tmp_path / "strip.png"
    panel.export_png(str(path))
    img = np.asarray(Image.open(path))
    assert img.ndim == 3 and img.shape[1] > img.shape[0] * 4


def test_forward_points_scatter(main_window, qtbot, wait_for_data):
    w = main_window
    w.form.set_dataset("moons")
    wait_for_data(w, "points")
    panel = w.forward_panel
    w.tabs.setCurrentWidget(panel)
    assert panel.stack.currentWidget() is panel.points_page
    assert 1000 <= len(panel.x0) <= 3000
    sched = _expected_schedule(w)
    for p in (0, 10, 500, 1000):
        w.timeline.set_position(p)
        pos = panel.scatter.positions()
        expected = panel.x0 if p == 0 else q_sample(sched, panel.x0, torch.tensor(p - 1), panel.noise)
        assert np.allclose(pos, expected.numpy(), atol=1e-6)
        assert panel.last_update_ms < 50
    vb = panel.scatter_plot.getPlotItem().getViewBox()
    (x0, x1), (y0, y1) = vb.viewRange()
    lo = np.minimum(panel.x0.numpy().min(axis=0), -2.0)  # x₀ and N(0, I)'s 2σ square, where x_T lies
    hi = np.maximum(panel.x0.numpy().max(axis=0), 2.0)
    assert x0 <= lo[0] and x1 >= hi[0] and y0 <= lo[1] and y1 >= hi[1]
    # late t: close to N(0, I)
    w.timeline.set_position(1000)
    pos = panel.scatter.positions()
    assert abs(pos.std() - 1.0) < 0.1


def test_timesteps_change_updates_timeline_range(main_window, wait_for_data):
    w = main_window
    wait_for_data(w)
    w.tabs.setCurrentWidget(w.forward_panel)
    w.timeline.set_position(900)
    w.form.field_widget("schedule.timesteps").setText("200")
    assert w.timeline.count() == 201
    assert w.timeline.position() == 200
    assert w.forward_panel.position == 200


def test_open_any_image_in_forward_tab(main_window, qtbot, tmp_path):
    from PIL import Image

    path = tmp_path / "photo.png"
    Image.fromarray(np.full((40, 30, 3), 200, dtype=np.uint8)).save(path)
    panel = main_window.forward_panel
    main_window.tabs.setCurrentWidget(panel)
    panel.open_image(str(path))
    qtbot.waitUntil(lambda: panel.source == "file", timeout=10000)
    assert panel.mode == "images"
    assert panel.x0.shape[0] == 1 and panel.x0.shape[1] == 3
    main_window.timeline.set_position(0)
    assert np.array_equal(panel.xt_view.image(), to_uint8(panel.x0)[0])
    assert panel.dataset_button.isVisibleTo(panel)
