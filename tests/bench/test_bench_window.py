"""The window section's quick path: the real MainWindow trains the digits split through the dock (two budgets, the
second continuing the first), its checkpoints are scored, and the Sampling tab's first frame is timed."""
from __future__ import annotations

import pytest

from bench.run import parse_args
from bench.sections_window import section_window


@pytest.mark.slow
def test_window_section_trains_the_split_through_the_dock_and_times_the_first_frame(tmp_path, monkeypatch):
    monkeypatch.setenv("DIFFUSION_LAB_HOME", str(tmp_path / "home"))
    args = parse_args(["--quick", "--budgets", "2,4", "--out", str(tmp_path)])
    out = section_window(args, {})
    assert out["status"] == "ok", out["status"]
    q = out["quality"]
    first, second = q["rows"]
    assert [first["budget_s"], second["budget_s"]] == [2.0, 4.0]
    assert first["dataset"].endswith("digits-train.npz")  # the split, picked in the dock
    # only the steps cap and the time budget (set in the dock) differ from the digits default
    assert first["not_digits_default"] == ["training.steps", "training.time_budget"]
    assert first["reason"] == second["reason"] == "time_budget"
    # "Continue current model": the second checkpoint carries on from the first
    assert 1 <= first["checkpoint_step"] < second["checkpoint_step"]
    for row in q["rows"]:
        assert row["fd"] > 0 and 0 <= row["precision"] <= 1 and row["classes"] in range(11)
    assert q["n_samples"] == 100 and q["sampler"] == "ddim-10"
    ff = out["first_frame"]
    assert len(ff["seconds"]) == 3 and all(0 < s < 60 for s in ff["seconds"])
