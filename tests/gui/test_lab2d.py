"""The 2-D lab tab on the real window: drawing with the mouse, files the CLI reads, training on a drawing (and
continuing on an edited one), and the field / error / exact-sampling views against engine.exact's numbers."""
from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage

from engine.config import DataConfig
from engine.data import load_dataset
from engine.data.toy2d import load_points_file
from engine.exact import empirical_denoiser, grid_points, nearest_distance
from engine.presets import quick_config
from engine.schedules import NoiseSchedule
from gui.events import ErrorCurveReady, ExactSamplesReady, FieldReady, PointsSwapped
from gui.panels.lab2d import FIELD_INTERVAL_MS, GRID, Lab2DPanel, drawing_path
from gui.widgets.draw_canvas import standardized


@pytest.fixture
def lab(main_window) -> Lab2DPanel:
    panel = main_window.lab2d_panel
    assert isinstance(panel, Lab2DPanel)
    main_window.tabs.setCurrentWidget(panel)
    return panel


def plot_position(canvas, pos: QPoint) -> np.ndarray:
    view = canvas.getPlotItem().getViewBox().mapSceneToView(canvas.mapToScene(pos))
    return np.array([view.x(), view.y()])


def stroke(qtbot, canvas, positions: list[QPoint]) -> None:
    viewport = canvas.viewport()
    qtbot.mousePress(viewport, Qt.LeftButton, pos=positions[0])
    for pos in positions[1:]:
        qtbot.mouseMove(viewport, pos)
    qtbot.mouseRelease(viewport, Qt.LeftButton, pos=positions[-1])


def drawn_pixels(canvas) -> int:
    """How many pixels of the canvas show the points' colour."""
    # keep the converted QImage alive while numpy reads its buffer: constBits() of a temporary points at freed
    # memory, which made this count random (a few stray "points" on an empty canvas in CI)
    image = canvas.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    rgb = rows[:, :image.width() * 4].reshape(image.height(), image.width(), 4)[..., 2::-1].astype(int)
    return int(((rgb[..., 2] > 150) & (rgb[..., 2] - rgb[..., 0] > 60)).sum())


def test_tab_is_in_the_window(main_window):
    titles = [main_window.tabs.tabText(i) for i in range(main_window.tabs.count())]
    assert "2-D lab" in titles and main_window.lab2d_panel in main_window.panels()


def test_t_slider_follows_the_shared_timeline_and_back(main_window, lab, qtbot):
    main_window.timeline.set_position(250)
    assert lab.t_slider.value() == 250 and lab.t_label.text() == "t = 250 / 1000"
    lab.t_slider.setValue(40)
    assert main_window.timeline.position() == 40
    assert lab.field_request().t == 40  # the worker's field is asked at the paper's t


def test_brush_strokes_add_density_points_per_step_and_undo_clear_erase(lab, qtbot):
    canvas = lab.canvas
    lab.drawing.density_spin.setValue(5)
    lab.drawing.brush_spin.setValue(0.25)
    centre = canvas.rect().center()
    positions = [centre + QPoint(dx, 0) for dx in (0, 15, 30, 45)]
    edits = []
    canvas.pointsChanged.connect(lambda: edits.append(len(canvas.points())))
    stroke(qtbot, canvas, positions)
    points = canvas.points()
    assert len(points) == 4 * 5 and edits == [20]  # one stroke step per mouse event, one change per stroke
    centres = np.array([plot_position(canvas, p) for p in positions])
    for step, c in enumerate(centres):  # each step's points lie inside the brush around that step's position
        assert (np.linalg.norm(points[5 * step:5 * step + 5] - c, axis=1) <= 0.25 + 1e-9).all()
    assert lab.count_label.text() == "20 points"
    assert drawn_pixels(canvas) > 0

    qtbot.mouseClick(lab.drawing.undo_button, Qt.LeftButton)
    assert len(canvas.points()) == 0
    stroke(qtbot, canvas, positions)
    qtbot.mouseClick(lab.drawing.clear_button, Qt.LeftButton)
    assert len(canvas.points()) == 0 and drawn_pixels(canvas) == 0
    qtbot.mouseClick(lab.drawing.undo_button, Qt.LeftButton)
    assert len(canvas.points()) == 20

    before = canvas.points()
    lab.drawing.brush_spin.setValue(0.5)
    qtbot.mouseClick(lab.drawing.erase_button, Qt.LeftButton)
    assert canvas.erasing
    stroke(qtbot, canvas, [positions[0]])
    left = canvas.points()
    assert (np.linalg.norm(left - centres[0], axis=1) > 0.5).all()
    assert len(left) == int((np.linalg.norm(before - centres[0], axis=1) > 0.5).sum())


@pytest.mark.parametrize("name", ["drawing.csv", "drawing.npy"])
def test_saved_drawing_is_what_the_loader_and_cli_read(lab, qtbot, tmp_path, name):
    lab.drawing.starter_combo.activated.emit(1)  # smiley
    points = lab.canvas.points()
    assert len(points) == 600 and lab.drawing.starter_combo.currentIndex() == 0
    written = lab.drawing.save_to(tmp_path / name)
    assert written.name in ("drawing.csv", "drawing.points.npy")  # a plain .npy would be read as images
    loaded = load_points_file(written).x.numpy()
    np.testing.assert_allclose(loaded, standardized(points), rtol=0, atol=1e-6)
    mean, std = points.mean(axis=0), points.std(axis=0)  # the documented standardization, per axis
    np.testing.assert_allclose(loaded, (points - mean) / std, rtol=0, atol=1e-6)
    # `diffusion-lab train --dataset <file>` goes through load_dataset with the file as its dataset
    via_cli = load_dataset(DataConfig(dataset=str(written)))
    assert via_cli.kind == "points" and np.allclose(via_cli.x.numpy(), loaded)

    qtbot.mouseClick(lab.drawing.standardize_button, Qt.LeftButton)  # the drawing moves to the model's coordinates
    np.testing.assert_allclose(lab.canvas.points(), loaded, atol=1e-6)
    lab.canvas.clear_points()
    lab.drawing.open_file(written)
    qtbot.waitUntil(lambda: len(lab.canvas.points()) == 600, timeout=10000)
    np.testing.assert_allclose(lab.canvas.points(), loaded, atol=1e-6)


def wait_for(qtbot, results: list, kind, predicate=lambda e: True, timeout: int = 30000):
    qtbot.waitUntil(lambda: any(isinstance(e, kind) and predicate(e) for e in results), timeout=timeout)
    return [e for e in results if isinstance(e, kind) and predicate(e)][-1]


def train_tiny(main_window, lab, qtbot, steps: int) -> None:
    main_window.form.set_config(quick_config("moons", steps=steps, preview_every=0))
    lab.drawing.starter_combo.activated.emit(3)  # ring
    qtbot.mouseClick(lab.train_button, Qt.LeftButton)


def test_field_of_a_trained_model_matches_engine_exact(main_window, lab, qtbot):
    worker = main_window.worker
    results: list = []
    worker.lab2dResult.connect(results.append)
    with qtbot.waitSignal(worker.trainingFinished, timeout=120000) as finished:
        train_tiny(main_window, lab, qtbot, steps=150)
    assert finished.args[0].reason == "finished"
    assert Path(worker.model().dataset) == drawing_path()

    lab.t_slider.setValue(100)  # moving the slider asks for the field at the new t
    event = wait_for(qtbot, results, FieldReady, lambda e: e.t == 100 and e.step == 150)
    n = GRID * GRID
    assert event.grid.shape == event.learned_x0.shape == event.exact_x0.shape == event.learned_eps.shape == (n, 2)
    assert event.error.shape == (n,) and event.grid.dtype == np.float32
    facts = worker.model()
    schedule = NoiseSchedule.from_config(facts.config.schedule)
    data = load_points_file(drawing_path()).x.to(torch.float64)
    grid = grid_points(GRID, 3.0)
    exact_x0, exact_eps = empirical_denoiser(data, schedule)(grid, 99)  # paper t = 100 is index 99
    np.testing.assert_allclose(event.grid, grid.numpy(), atol=1e-6)
    np.testing.assert_allclose(event.exact_x0, exact_x0.numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(event.exact_eps, exact_eps.numpy(), rtol=1e-4, atol=1e-4)
    assert event.alpha_bar == pytest.approx(float(schedule.alpha_bar[99]))
    trainer = worker._thread.trainer  # idle: reading the model from the test thread is safe
    with torch.no_grad():
        learned_x0, _ = trainer.denoiser(use_ema=True)(grid.float(), 99)
    np.testing.assert_allclose(event.learned_x0, learned_x0.numpy(), atol=1e-5)

    qtbot.waitUntil(lambda: lab.last_field is not None and lab.last_field.t == 100)
    diff = np.linalg.norm(event.learned_x0.astype(np.float64) - exact_x0.numpy(), axis=1)
    assert event.error_mean == pytest.approx(diff.mean(), rel=1e-5)
    assert lab.error_label.text() == f"mean |x̂₀ − exact| = {diff.mean():.4f}"
    shown = lab.field_view.heatmap_image  # row iy, column ix is the grid point (-3 + ix h, -3 + iy h)
    np.testing.assert_allclose(shown, diff.reshape(GRID, GRID), rtol=1e-5)
    h = 6.0 / (GRID - 1)
    assert np.allclose(grid[5 * GRID + 7].numpy(), [-3 + 7 * h, -3 + 5 * h])
    assert shown[5, 7] == event.error[5 * GRID + 7]

    # the arrows start on the grid and point along x0 - x_t; in score mode along -eps / sqrt(1 - alpha_bar)
    shafts = lab.field_view.learned.segments[:n]
    np.testing.assert_allclose(shafts[:, 0], grid.numpy(), atol=1e-6)
    direction = shafts[:, 1] - shafts[:, 0]
    want = event.learned_x0 - event.grid
    assert np.allclose(direction[:, 0] * want[:, 1] - direction[:, 1] * want[:, 0], 0, atol=1e-6)
    assert (np.einsum("ij,ij->i", direction, want) >= 0).all()
    lab.mode_combo.setCurrentIndex(1)
    direction = lab.field_view.learned.segments[:n, 1] - lab.field_view.learned.segments[:n, 0]
    score = -event.learned_eps / math.sqrt(1 - event.alpha_bar)
    assert np.allclose(direction[:, 0] * score[:, 1] - direction[:, 1] * score[:, 0], 0, atol=1e-5)
    assert len(lab.field_view.exact.segments) == 3 * n  # exact arrows drawn over them
    lab.exact_check.setChecked(False)
    assert len(lab.field_view.exact.segments) == 0

    qtbot.mouseClick(lab.curve_button, Qt.LeftButton)
    curve = wait_for(qtbot, results, ErrorCurveReady)
    assert curve.t[0] == 1 and curve.t[-1] == facts.timesteps and len(curve.t) == 20
    assert np.all(np.isfinite(curve.error)) and curve.error.min() >= 0
    for k in (0, 7, 19):  # each point: the mean over the grid of |learned x0 - exact x0| at that t
        index = int(curve.t[k]) - 1
        with torch.no_grad():
            learned_k = trainer.denoiser(use_ema=True)(grid.float(), index)[0].double()
        exact_k = empirical_denoiser(data, schedule)(grid, index)[0]
        assert curve.error[k] == pytest.approx((learned_k - exact_k).norm(dim=1).mean().item(), rel=1e-5)

    qtbot.mouseClick(lab.sample_button, Qt.LeftButton)
    samples = wait_for(qtbot, results, ExactSamplesReady, timeout=60000)
    assert samples.model_samples.shape == samples.exact_samples.shape == (500, 2)
    np.testing.assert_allclose(samples.exact_nearest,
                               nearest_distance(torch.from_numpy(samples.exact_samples).double(), data).numpy(),
                               atol=1e-4)
    assert np.median(samples.exact_nearest) < 0.05  # the exact denoiser reproduces training points
    assert lab.histogram.counts["exact"].sum() == 500 and lab.histogram.counts["model"].sum() == 500


def test_editing_the_drawing_continues_the_run_on_the_new_points(main_window, lab, qtbot):
    worker = main_window.worker
    results: list = []
    worker.lab2dResult.connect(results.append)
    train_tiny(main_window, lab, qtbot, steps=1_000_000)
    qtbot.waitUntil(lambda: worker.model() is not None and worker.progress is not None
                    and Path(worker.model().dataset) == drawing_path(), timeout=60000)
    lab.drawing.starter_combo.activated.emit(2)  # letter A replaces the ring while the run goes on
    swapped = wait_for(qtbot, results, PointsSwapped)
    assert swapped.points == 600 and worker.state() == "running"
    trainer = worker._thread.trainer
    np.testing.assert_allclose(trainer.dataset.x.numpy(), standardized(lab.canvas.points()), atol=1e-6)
    step = swapped.step
    qtbot.waitUntil(lambda: trainer.step_count > step + 5, timeout=30000)  # the same run keeps stepping

    # while it trains, the visible tab's field follows it: a few updates a second, never a flood
    start, began = len(results), time.monotonic()
    qtbot.wait(2000)
    elapsed_ms = (time.monotonic() - began) * 1000
    fields = [e for e in results[start:] if isinstance(e, FieldReady)]
    assert 2 <= len(fields) <= elapsed_ms / FIELD_INTERVAL_MS + 2  # one per timer tick at most (+ one in flight)
    assert fields[-1].step > fields[0].step  # newer weights each time
    main_window.tabs.setCurrentWidget(main_window.training_panel)  # hidden: no more field requests
    qtbot.waitUntil(lambda: lab._field_sent_at is None, timeout=5000)
    start = len(results)
    qtbot.wait(1000)
    assert not [e for e in results[start:] if isinstance(e, FieldReady)]
    with qtbot.waitSignal(worker.trainingFinished, timeout=30000):
        qtbot.mouseClick(lab.stop_button, Qt.LeftButton)
