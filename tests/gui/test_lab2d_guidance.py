"""The 2-D lab's guidance geometry on the real window: for a tiny class-conditional gaussians8 model, the worker's
guided field is Ho & Salimans' (2022, Eq. 6) ε̃ = ε_∅ + s (ε_c − ε_∅), turned into x̂₀ at t, recomputed here in
float64 from the same network, and the field view draws the three arrow sets."""
from __future__ import annotations

import copy
import math

import numpy as np
import torch

from engine.exact import grid_points
from engine.presets import quick_config
from gui.events import GuidanceFieldReady
from gui.panels.lab2d import EXTENT, GRID


def test_guided_field_is_the_formula_and_three_arrow_sets_are_drawn(main_window, qtbot):
    from engine.training import Trainer

    cfg = quick_config("gaussians8")
    cfg.model.class_conditional = True
    cfg.training.prediction = "eps"
    torch.manual_seed(0)
    trainer = Trainer(cfg)
    for _ in range(20):
        trainer.step()
    lab = main_window.lab2d_panel
    main_window.tabs.setCurrentWidget(lab)
    g = lab.guidance
    assert not g.isVisible()  # no conditional model yet
    main_window.worker.set_trainer(trainer)
    qtbot.waitUntil(lambda: g.isVisible() and g.class_combo.count() == 8, timeout=10000)
    lab.t_slider.setValue(300)
    g.class_combo.setCurrentIndex(2)
    g.scale_spin.setValue(4.0)
    with qtbot.waitSignal(main_window.worker.lab2dResult, timeout=20000,
                          check_params_cb=lambda e: isinstance(e, GuidanceFieldReady) and e.scale == 4.0
                          and e.class_label == 2 and e.t == 300) as got:
        g.show_check.setChecked(True)
    event = got.args[0]

    # the same EMA network in float64: both branches, guidance and the eps -> x0 conversion done here
    net = copy.deepcopy(trainer.ema_model).double().eval()
    x = grid_points(GRID, EXTENT).to(torch.float64)
    n, index = len(x), 300 - 1
    tt = torch.full((n,), index, dtype=torch.long)
    with torch.no_grad():
        eps_c = net(x, tt, torch.full((n,), 2, dtype=torch.long))
        eps_u = net(x, tt, torch.full((n,), trainer.num_classes, dtype=torch.long))
    s = 4.0
    eps = eps_u + s * (eps_c - eps_u)
    ab = float(trainer.schedule.alpha_bar[index])
    x0 = (x - math.sqrt(1 - ab) * eps) / math.sqrt(ab)  # Ho et al. 2020, Eq. 4 solved for x0
    x0_c = (x - math.sqrt(1 - ab) * eps_c) / math.sqrt(ab)
    x0_u = (x - math.sqrt(1 - ab) * eps_u) / math.sqrt(ab)
    assert event.alpha_bar == ab
    np.testing.assert_allclose(event.guided_eps, eps.numpy(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(event.guided_x0, x0.numpy(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(event.cond_x0, x0_c.numpy(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(event.uncond_x0, x0_u.numpy(), rtol=1e-4, atol=1e-4)
    assert np.abs(event.guided_x0 - event.cond_x0).max() > 1e-3  # guidance moved something at s = 4

    # three arrow sets, one per grid point each, in three colours with a legend; the lab's own arrows hidden
    qtbot.waitUntil(lambda: g.event is event)
    assert all(item.isVisible() and len(item.segments) == 3 * GRID * GRID for item in g.items.values())
    assert not lab.field_view.learned.isVisible()
    assert g.legend.isVisible() and len(g.legend.items) == 3
    # the guided arrows drawn are the guided x0 - x_t, at the display scale shared by the three sets
    shaft = g.items["guided"].segments[:GRID * GRID]
    drawn = shaft[:, 1] - shaft[:, 0]
    want = event.guided_x0.astype(np.float64) - event.grid
    ratio = np.linalg.norm(drawn, axis=1).sum() / np.linalg.norm(want, axis=1).sum()
    np.testing.assert_allclose(drawn, ratio * want, atol=1e-6)
    g.show_check.setChecked(False)
    assert lab.field_view.learned.isVisible() and not g.items["guided"].isVisible()
