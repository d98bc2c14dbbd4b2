"""bench/steps_to_quality.py: the quick path end to end, and the bookkeeping of steps to a threshold."""
from __future__ import annotations

import math
import time
from types import SimpleNamespace

import pytest

from bench import steps_to_quality as stq
from engine.errors import ConfigError
from engine.presets import default_config


def _curve(ratios, every=50):
    return [{"steps": every * (i + 1), "fd_ratio": r} for i, r in enumerate(ratios)]


def test_first_checkpoint_at_or_below_a_threshold_and_fd_at_a_step():
    curve = _curve([9.0, 3.5, 3.0, 2.4, 1.9, 2.1])
    assert stq.first_at_or_below(curve, 3.0) == 150  # at, not only below
    assert stq.first_at_or_below(curve, 2.0) == 250  # the first one, though a later one is above again
    assert stq.first_at_or_below(curve, 1.5) is None
    assert stq.fd_at(curve, 260) == 1.9
    assert stq.fd_at(curve, 301) is None


def test_median_counts_a_seed_that_never_got_there_as_infinitely_many_steps():
    assert stq._median([400, None, 300]) == 400
    assert stq._median([None, None, 300]) is None
    assert stq._median([300, 500]) == 400
    assert stq._median([300, None]) is None


def test_overrides_change_the_digits_default_and_reject_unknown_keys():
    cfg = stq.apply_overrides(default_config("digits"), ["training.lr=0.004", "training.batch_size=128",
                                                         "schedule.kind=linear"])
    assert (cfg.training.lr, cfg.training.batch_size, cfg.schedule.kind) == (0.004, 128, "linear")
    assert cfg.model.preset == default_config("digits").model.preset
    with pytest.raises(ValueError, match="known key"):
        stq.apply_overrides(default_config("digits"), ["training.learning_rate=1e-3"])
    with pytest.raises(ConfigError, match="training.lr"):
        stq.apply_overrides(default_config("digits"), ["training.lr=2"])


def test_quick_section_scores_the_ema_model_at_each_checkpoint_and_times_training_only():
    t0 = time.perf_counter()
    res = stq.section_steps(SimpleNamespace(quick=True), {})
    wall = time.perf_counter() - t0
    (run,) = res["runs"]
    assert [c["steps"] for c in run["curve"]] == [50, 100]
    assert res["floor_fd"] == pytest.approx(0.618, abs=0.01)
    for c in run["curve"]:
        assert c["fd_ratio"] == pytest.approx(c["fd"] / res["floor_fd"])
        assert 0 <= c["precision"] <= 1 and 0 <= c["recall"] <= 1 and 0 <= c["classes"] <= 10
    # 100 steps are far from the real floor, and the EMA model improves between the checkpoints
    assert run["curve"][1]["fd_ratio"] < run["curve"][0]["fd_ratio"]
    assert run["steps_le_3x"] is None and run["steps_le_2x"] is None and run["seconds_le_2x"] is None
    # sampling 2 x 64 DDIM-50 chains is excluded from the training time, so steps/s beats steps / wall time
    assert run["steps_per_s"] > 100 / wall
    md = stq.steps_markdown(res)
    assert "| 0 | never | never |" in md and "| median |" in md
    rows = stq.steps_targets(res)
    assert [r["met"] for r in rows] == [False, False]
    assert all(set(r) == {"target", "measured", "met"} for r in rows)


def test_targets_read_the_median_steps_at_the_measured_speed():
    runs = [{"seed": s, "curve": _curve(r, 100), "steps_per_s": 10.0, "final_fd_ratio": r[-1]}
            for s, r in enumerate([[4, 2.5, 1.9, 1.4], [4, 2.2, 1.8, 1.6], [5, 3, 2.5, 1.9]])]
    for run in runs:
        for t in stq.THRESHOLDS:
            run[f"steps_le_{t:g}x"] = stq.first_at_or_below(run["curve"], t)
    res = {"runs": runs, "median": {"steps_per_s": 10.0, "steps_le_2x": stq._median([300, 300, 400])}}
    two, one_and_half = stq.steps_targets(res)
    assert two["met"] and two["measured"].startswith("300 steps = 30 s")  # 300 steps at 10 steps/s <= 60 s
    # <= 1.5x: seed 0 at 400, seeds 1 and 2 never: median never
    assert one_and_half["met"] is False and one_and_half["measured"].startswith("never")
    assert math.isclose(res["median"]["steps_per_s"], 10.0)
