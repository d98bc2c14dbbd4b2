"""The 2-D lab's ODE vs SDE paths and marginals over t on the real window, against engine.reverse_paths's numbers,
and the tab's layout at 1400 x 900."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
import torch
from PySide6.QtCore import Qt

from engine.data.toy2d import load_points_file
from engine.exact import empirical_denoiser
from engine.presets import quick_config
from engine.reverse_paths import marginal_distances, ode_sde_paths
from engine.schedules import NoiseSchedule
from gui.events import MarginalsReady, PathsReady
from gui.panels.lab2d import Lab2DPanel, drawing_path
from gui.panels.lab2d_paths import joined
from gui.panels.lab2d_study import MARGINAL_POINTS, MARGINAL_STEPS, PATH_STEPS


def wait_for(qtbot, results: list, kind, timeout: int = 60000):
    qtbot.waitUntil(lambda: any(isinstance(e, kind) for e in results), timeout=timeout)
    return [e for e in results if isinstance(e, kind)][-1]


@pytest.fixture
def trained_lab(main_window, qtbot) -> Lab2DPanel:
    lab = main_window.lab2d_panel
    main_window.tabs.setCurrentWidget(lab)
    main_window.form.set_config(quick_config("moons", steps=60, preview_every=0))
    lab.drawing.starter_combo.activated.emit(3)  # ring
    with qtbot.waitSignal(main_window.worker.trainingFinished, timeout=120000):
        qtbot.mouseClick(lab.train_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: lab.study.paths_button.isEnabled(), timeout=10000)
    return lab


def test_ode_sde_paths_with_the_exact_denoiser_are_drawn_over_the_field(main_window, trained_lab, qtbot):
    lab = trained_lab
    results: list = []
    main_window.worker.lab2dResult.connect(results.append)
    study = lab.study
    study.denoiser_combo.setCurrentIndex(study.denoiser_combo.findData("exact"))
    study.points_spin.setValue(6)
    lab.t_slider.setValue(500)
    qtbot.mouseClick(study.paths_button, Qt.LeftButton)
    event = wait_for(qtbot, results, PathsReady)
    assert event.denoiser == "exact" and event.ode.shape == event.sde.shape == (PATH_STEPS + 1, 6, 2)
    # the worker's paths are engine.reverse_paths's, from x_T ~ N(0, I) drawn with seed 0
    schedule = NoiseSchedule.from_config(main_window.worker.model().config.schedule)
    data = load_points_file(drawing_path()).x.to(torch.float64)
    x_T = torch.randn((6, 2), generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    want = ode_sde_paths(empirical_denoiser(data, schedule), schedule, x_T, steps=PATH_STEPS, seed=1)
    np.testing.assert_allclose(event.ode, want.ode, atol=1e-5)
    np.testing.assert_allclose(event.sde, want.sde, atol=1e-5)
    np.testing.assert_array_equal(event.t, want.t)
    # exact sampling ends on training points (the memorization a perfect denoiser of a finite set implies)
    ends = torch.from_numpy(event.ode[-1]).double()
    assert torch.cdist(ends, data).min(dim=1).values.max() < 0.05

    qtbot.waitUntil(lambda: study.last_paths is event)
    overlay = lab.paths_overlay
    assert overlay.visible() and overlay.legend.isVisible()
    xs, ys = overlay.ode.getData()
    np.testing.assert_allclose(np.stack([xs, ys], 1), joined(event.ode.astype(np.float64)), atol=1e-6)
    assert np.isnan(xs).sum() == 6  # one polyline per point, one draw item per kind
    # the dots sit where each path is at the slider's t, and move with it
    frame = int(np.argmin(np.abs(event.t - 500)))
    np.testing.assert_allclose(np.array(overlay.ode_now.getData()).T, event.ode[frame], atol=1e-6)
    lab.t_slider.setValue(20)
    frame = int(np.argmin(np.abs(event.t - 20)))
    np.testing.assert_allclose(np.array(overlay.sde_now.getData()).T, event.sde[frame], atol=1e-6)
    legend = [label.text for _, label in overlay.legend.items]
    assert legend[0].startswith("ODE") and legend[1].startswith("SDE")
    study.paths_check.setChecked(False)
    assert not overlay.visible() and not overlay.legend.isVisible()
    study.paths_check.setChecked(True)
    assert overlay.visible()
    main_window.worker.modelChanged.emit(main_window.worker.model())  # a new model: its paths are not these
    assert not overlay.visible() and study.last_paths is None


def test_marginals_over_t_one_curve_per_sampler(main_window, trained_lab, qtbot):
    lab = trained_lab
    results: list = []
    main_window.worker.lab2dResult.connect(results.append)
    study = lab.study
    assert study.denoiser() == "model"
    qtbot.mouseClick(study.marginals_button, Qt.LeftButton)
    event = wait_for(qtbot, results, MarginalsReady, timeout=120000)
    assert event.denoiser == "model" and event.samplers == ("ddpm", "ddim", "dpmpp_2m")
    assert event.distance.shape == (3, MARGINAL_STEPS + 1) and event.t[0] == 1000 and event.t[-1] == 0
    # recomputed from the same model weights (idle now): the same numbers
    trainer = main_window.worker._thread.trainer
    denoise = trainer.denoiser(use_ema=True)

    def learned(x, t):
        with torch.no_grad():
            x0, eps = denoise(x.float(), t)
        return x0.double(), eps.double()

    want = marginal_distances(learned, trainer.schedule, trainer.dataset.x.double(), samplers=("ddpm",),
                              n=MARGINAL_POINTS, steps=MARGINAL_STEPS)
    np.testing.assert_allclose(event.distance[0], want.distance[0], rtol=1e-4)
    np.testing.assert_allclose(event.floor, want.floor, rtol=1e-9)

    qtbot.waitUntil(lambda: study.last_marginals is event)
    assert lab.bottom_tabs.currentWidget() is study.marginals_page  # the answer is shown
    plot = study.marginals_plot
    assert set(plot.curves) == {"ddpm", "ddim", "dpmpp_2m"}
    for k, name in enumerate(event.samplers):
        xs, ys = plot.curves[name].getData()
        np.testing.assert_array_equal(xs, event.t.astype(np.float64))
        np.testing.assert_allclose(ys, event.distance[k])
    assert "DDPM" in study.marginals_label.text() and "floor" in study.marginals_label.text()
    lab.t_slider.setValue(300)
    assert plot.now.value() == 300


def test_the_tab_is_not_cramped_at_1400_by_900(make_window, qtbot):
    window = make_window(size=(1400, 900))
    lab = window.lab2d_panel
    window.tabs.setCurrentWidget(lab)
    qtbot.wait(50)
    assert lab.field_view.height() >= 250 and lab.field_view.width() >= 250, lab.field_view.size()
    assert lab.canvas.height() >= 250
    for tab in range(lab.bottom_tabs.count()):
        lab.bottom_tabs.setCurrentIndex(tab)
        qtbot.wait(10)
        page = lab.bottom_tabs.currentWidget()
        plot = page.findChildren(pg.PlotWidget)[0]
        assert plot.height() >= 150 and plot.width() >= 300, (tab, plot.height(), plot.width())
    # every control of the rows above and below the field is fully inside the panel, none squeezed below its hint
    for w in (lab.mode_combo, lab.exact_check, lab.heatmap_check, lab.study.denoiser_combo, lab.study.paths_button,
              lab.study.points_spin, lab.study.paths_check, lab.train_button, lab.drawing.open_button):
        top_left = w.mapTo(lab, w.rect().topLeft())
        assert lab.rect().contains(top_left) and lab.rect().contains(w.mapTo(lab, w.rect().bottomRight()))
        assert w.width() >= w.minimumSizeHint().width(), w


def test_worker_answers_refuse_a_bad_denoiser_and_stop_quietly():
    """The worker-side functions alone (gui/lab2d_worker.py): a clear UserError, and None when asked to stop."""
    from engine.errors import UserError
    from engine.training import Trainer
    from gui import lab2d_worker
    from gui.events import MarginalsRequest, PathsRequest

    trainer = Trainer(quick_config("moons", steps=1, preview_every=0), device="cpu")
    with pytest.raises(UserError, match="model or exact"):
        lab2d_worker.answer(trainer, PathsRequest(denoiser="oracle"), lambda: False)
    assert lab2d_worker.answer(trainer, PathsRequest(n=3, steps=5), lambda: True) is None
    assert lab2d_worker.answer(trainer, MarginalsRequest(n=20, steps=5), lambda: True) is None
    small = lab2d_worker.answer(trainer, MarginalsRequest(denoiser="exact", samplers=("ddim",), n=50, steps=4),
                                lambda: False)
    assert small.samplers == ("ddim",) and small.distance.shape == (1, 5) and np.isfinite(small.distance).all()
