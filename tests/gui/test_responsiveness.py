"""The window stays responsive while the worker trains at full speed (issue 3's quality bar).

A 10 ms precise QTimer on the GUI thread (gui.responsiveness.EventLoopProbe) measures how late the event loop
serves it while the real MainWindow trains moons in its worker thread with live plots, previews and status bar.
"""
from __future__ import annotations

import os
import sys

import pytest

from engine.presets import default_config

P99_BOUND_MS = 20.0


def test_probe_measures_a_blocked_event_loop(qtbot):
    """The probe itself: blocking the GUI thread for 80 ms shows up as ~80 ms of lateness."""
    import time

    from PySide6.QtCore import QTimer

    from gui.responsiveness import EventLoopProbe

    probe = EventLoopProbe(10)
    probe.start()
    qtbot.waitUntil(lambda: len(probe.lateness_ms) >= 10, timeout=5000)
    before = len(probe.lateness_ms)
    QTimer.singleShot(0, lambda: time.sleep(0.08))
    qtbot.waitUntil(lambda: len(probe.lateness_ms) >= before + 10, timeout=5000)
    probe.stop()
    stats = probe.stats()
    assert 60 <= stats["max"] <= 1000, stats  # the 80 ms block shows up
    assert stats["p50"] < 30, stats  # and the other ticks were (about) on time


@pytest.mark.timeout(240)
def test_event_loop_latency_while_training(main_window, qtbot):
    from gui.responsiveness import measure_training

    cfg = default_config("moons")
    cfg.training.preview_every = 100  # previews on, as a user has them
    seconds = 6.0
    m = measure_training(main_window, cfg, seconds, interval_ms=10)
    lat = m.latency_ms
    sys.stderr.write(f"\n[responsiveness] training {m.steps} steps in {m.seconds:.1f} s ({m.steps_per_s:.1f} it/s, "
                     f"{m.torch_threads} torch threads), {m.metric_batches} metric batches; event-loop lateness "
                     f"p50 {lat['p50']:.1f} ms, p99 {lat['p99']:.1f} ms, max {lat['max']:.1f} ms "
                     f"over {lat['probes']} probes\n")
    assert m.reason == "time_budget"
    assert m.steps > 50, "the worker barely trained"
    assert lat["probes"] >= 0.5 * seconds * 100, "the probe timer was starved"
    # plots get a few batched updates per second, not one per step
    assert m.metric_batches <= 10 * seconds + 5, m.metric_batches
    bound = float(os.environ.get("DIFFUSION_LAB_P99_BOUND_MS", P99_BOUND_MS))
    assert lat["p99"] < bound, f"event loop p99 lateness {lat['p99']:.1f} ms >= {bound} ms while training"
    # the window shows what was trained
    xs, _ = main_window.training_panel.loss_curve_data()
    assert len(xs) == m.steps
