"""The Compare tab's Error vs NFE view, driven through the real main window on a tiny moons model: one curve per
sampler with its fitted order in the legend, numbers equal to engine.sampler_study.nfe_study on the same inputs,
progress, the cache, and Cancel."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
from PySide6.QtCore import Qt

from engine.presets import quick_config

ALL_SAMPLERS = ["ddpm", "ddim", "dpmpp_2m", "euler", "heun"]
NAMES = {"ddpm": "DDPM", "ddim": "DDIM", "dpmpp_2m": "DPM++ (2M)", "euler": "Euler", "heun": "Heun"}


@pytest.fixture(scope="module")
def small_moons():
    """A tiny moons model on a 200-step schedule, so the exact reference (a 200-step run of the training points'
    exact denoiser) and every sampler run take a second."""
    from engine.training import Trainer

    cfg = quick_config("moons", steps=200, preview_every=0)
    cfg.schedule.timesteps = 200
    trainer = Trainer(cfg)
    for _ in range(200):
        trainer.step()
    return trainer


def click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.LeftButton)


def test_error_vs_nfe_chart_matches_the_engine(qtbot, main_window, small_moons):
    from engine.quality import QualityScorer
    from engine.sampler_study import nfe_study

    window = main_window
    panel = window.compare_panel
    window.tabs.setCurrentWidget(panel)
    view = panel.nfe_view
    panel.views.setCurrentWidget(view)
    assert panel.views.tabText(panel.views.currentIndex()) == "Error vs NFE"
    assert not view.run_button.isEnabled()  # no model yet
    window.worker.set_trainer(small_moons)
    qtbot.waitUntil(view.run_button.isEnabled, timeout=20000)
    view.n_spin.setValue(64)
    view.seed_spin.setValue(5)
    view.nfe_edit.setText("5, 10, 20")
    progress = []
    window.worker.nfeStudyProgress.connect(lambda p: progress.append((p.done, p.total)))
    with qtbot.waitSignal(window.worker.nfeStudyFinished, timeout=180000) as done:
        click(qtbot, view.run_button)
        assert view.cancel_button.isEnabled() and not view.run_button.isEnabled()
    finished = done.args[0]
    assert finished.reason == "finished" and finished.reference == "exact"
    assert view.reference_combo.isEnabled()  # a 2-D model: the exact answer is offered (and the default)
    # progress counts model evaluations: the 200-step exact reference, then every run (Heun's: 5, 9, 19)
    assert progress and progress[-1] == (200 + 4 * 35 + 33, 200 + 4 * 35 + 33)

    # the same study, computed here on the same model and inputs
    trainer = small_moons
    scorer = QualityScorer(trainer.config.data, seed=int(trainer.config.training.seed), n_samples=64,
                           dataset=trainer.dataset)
    expected = nfe_study(trainer.denoiser(), trainer.schedule, (64, 2), samplers=ALL_SAMPLERS, nfe_targets=(5, 10, 20),
                         seed=5, exact_points=trainer.dataset.x.float(), scorer=scorer)
    series, metric_series = view.series("error"), view.series("metric")
    assert list(series) == ALL_SAMPLERS and list(metric_series) == ALL_SAMPLERS
    legend = view.legend_labels("error")
    assert len(legend) == 5
    for i, sampler in enumerate(ALL_SAMPLERS):
        rows = [r for r in expected.rows if r.sampler == sampler]
        values = [v for r, v in zip(expected.rows, expected.metric_values) if r.sampler == sampler]
        nfe, rmse = series[sampler]
        assert list(nfe) == [r.nfe for r in rows]
        np.testing.assert_allclose(rmse, [r.rmse for r in rows], rtol=1e-4)
        np.testing.assert_allclose(metric_series[sampler][1], values, rtol=1e-3)
        assert legend[i] == f"{NAMES[sampler]} · order {expected.orders[sampler]:.2f}"
    assert list(series["heun"][0]) == [5, 9, 19]  # Heun: 2 evaluations per step but the last
    assert expected.orders["dpmpp_2m"] is not None and expected.orders["ddim"] is not None
    assert view.floor_line.isVisible() and view.floor_line.value() == pytest.approx(np.log10(expected.floor))
    assert "step 200" in view.message()

    # the same model and settings again: from the cache, no worker request
    requests = window.worker._sample_requests
    click(qtbot, view.run_button)
    assert window.worker._sample_requests == requests and "cache" in view.message()

    # against the model's own 200-step runs instead: the same numbers as nfe_study without exact points
    view.reference_combo.setCurrentIndex(view.reference_combo.findData("chain"))
    with qtbot.waitSignal(window.worker.nfeStudyFinished, timeout=180000) as done:
        click(qtbot, view.run_button)
    assert done.args[0].reference == "chain"
    chain = nfe_study(trainer.denoiser(), trainer.schedule, (64, 2), samplers=ALL_SAMPLERS, nfe_targets=(5, 10, 20),
                      seed=5)
    for sampler, (nfe, rmse) in view.series("error").items():
        np.testing.assert_allclose(rmse, [r.rmse for r in chain.rows if r.sampler == sampler], rtol=1e-4)
    assert "200-step run" in view.message()

    # new settings run again, and Cancel stops them
    view.seed_spin.setValue(6)
    with qtbot.waitSignal(window.worker.nfeStudyFinished, timeout=60000) as cancelled:
        click(qtbot, view.run_button)
        click(qtbot, view.cancel_button)
    assert cancelled.args[0].reason == "cancelled"
    qtbot.waitUntil(view.run_button.isEnabled, timeout=5000)
    assert "Cancelled" in view.message()
    assert list(view.series("error")) == ALL_SAMPLERS  # the last finished study stays on the chart
