"""The benchmark's metrics on tiny inputs, and the quick benchmark end to end (must pass without diffusers)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from engine import metrics

ROOT = Path(__file__).resolve().parents[2]


def _gauss(n: int, d: int, seed: int, shift: float = 0.0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, d)) + shift


def test_frechet_distance_of_a_set_with_itself_is_zero():
    a = _gauss(400, 8, 0)
    assert metrics.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-6)


def test_frechet_distance_grows_with_a_mean_shift():
    a = _gauss(2000, 4, 0)
    values = [metrics.frechet_distance(a, _gauss(2000, 4, 1, shift)) for shift in (0.0, 0.5, 1.0, 2.0)]
    assert values == sorted(values)
    # a pure mean shift of s in every one of 4 dimensions adds 4 s^2
    assert values[3] == pytest.approx(16.0, rel=0.1)
    assert values[0] < 0.1


def test_frechet_distance_matches_the_closed_form_for_diagonal_gaussians():
    rng = np.random.default_rng(3)
    a = rng.standard_normal((20000, 2)) * [1.0, 2.0]
    b = rng.standard_normal((20000, 2)) * [3.0, 2.0]
    # (1 - 3)^2 + (2 - 2)^2 = 4
    assert metrics.frechet_distance(a, b) == pytest.approx(4.0, rel=0.05)


def test_precision_recall_of_identical_sets_is_one():
    a = _gauss(200, 5, 0)
    assert metrics.precision_recall(a, a.copy(), k=3) == (1.0, 1.0)


def test_precision_recall_of_disjoint_far_sets_is_zero():
    a = _gauss(200, 5, 0)
    b = _gauss(200, 5, 1, shift=100.0)
    assert metrics.precision_recall(a, b, k=3) == (0.0, 0.0)


def test_precision_recall_detect_mode_collapse():
    real = _gauss(300, 2, 0)
    fake = real[real[:, 0] > 0.5]  # only part of the real distribution: precise but low recall
    precision, recall = metrics.precision_recall(real, fake, k=3)
    assert precision == 1.0
    assert recall < 0.6


def test_class_coverage_counts_confident_classes():
    probs = np.full((100, 10), 0.01)
    probs[:, 0] = 0.91  # every sample confidently a 0
    cov = metrics.class_coverage(probs)
    assert cov["present"] == 1 and cov["fraction"] == 0.1
    probs = np.eye(10)[np.arange(100) % 10]
    assert metrics.class_coverage(probs)["present"] == 10
    probs = np.full((100, 10), 0.1)  # nobody is confident
    assert metrics.class_coverage(probs)["present"] == 0


@pytest.mark.slow
def test_quick_benchmark_writes_json_and_markdown(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "bench.run", "--quick", "--out", str(tmp_path)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    elapsed = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr[-3000:]
    # 38 s on an idle 2-core machine with diffusers before the profile section, 1- and 2-thread throughput rows and
    # the window's quality rows were added; 45 s with all of them and the steps section (idle, 2026-12-07), 185 s
    # beside two helpers' tests (load ~5)
    assert elapsed < 240, f"quick benchmark took {elapsed:.0f} s"  # a guard against a 5x regression, not a target
    data = json.loads((tmp_path / "latest.json").read_text(encoding="utf-8"))
    assert data["quick"] is True
    assert "loadavg_start" in data["env"]
    for section in ("digits", "points", "throughput", "sampling", "profile", "window", "gpu"):
        assert section in data, section
        assert "error" not in data[section], data[section].get("error")
    assert data["digits"]["ours"] and data["digits"]["floor"]["fd"] > 0
    if data["env"]["diffusers"] is None:
        assert data["digits"]["peer_status"] == "diffusers not installed"
    assert data["targets"]
    assert data["window"]["status"] != "ok" or data["window"]["quality"]["rows"][0]["budget_s"] == 5.0
    assert data["profile"]["categories"] and data["sampling"]["ddim64"]["n"] == 64
    md = (tmp_path / "latest.md").read_text(encoding="utf-8")
    assert md.startswith("# Diffusion Lab benchmark")
    assert "| target | measured | status |" in md
