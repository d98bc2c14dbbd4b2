"""``python -m bench.run --gpu``: its refusal without CUDA, and its code path's pieces on the CPU."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from bench import peers

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA: --gpu would run")
def test_gpu_flag_without_cuda_exits_2_with_one_line_and_writes_nothing(tmp_path):
    out = tmp_path / "results"
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, "-m", "bench.run", "--gpu", "--out", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip() == f"--gpu needs a CUDA device; torch {torch.__version__} sees none (CPU build?)"
    assert proc.stdout == ""
    assert not out.exists()


def test_autocast_throughput_runs_lab_and_peer_under_bf16_on_the_cpu():
    from bench.sections_speed import autocast_throughput, digits_pair

    trainer, peer, _ = digits_pair(8, "cpu", batch_size=4, amp_dtype=torch.bfloat16)
    assert trainer.amp_dtype is torch.bfloat16 and trainer.scaler is None  # no GradScaler off CUDA
    seen = []
    handle = trainer.model.conv_in.register_forward_hook(lambda m, i, o: seen.append(o.dtype))
    trainer.step()
    handle.remove()
    assert seen == [torch.bfloat16]  # the step really ran under bf16 autocast
    row = autocast_throughput(8, torch.bfloat16, "cpu", seconds=0.0, rounds=1, batch_size=4, min_steps=1)
    assert row["dtype"] == "bfloat16" and row["device"] == "cpu" and row["batch_size"] == 4
    assert row["ours_images_per_s"] > 0
    if peers.AVAILABLE:
        assert peer.amp_dtype is torch.bfloat16
        assert row["peer_images_per_s"] > 0
        assert row["ours_vs_peer"] == pytest.approx(row["ours_images_per_s"] / row["peer_images_per_s"])
        assert abs(row["peer_params"] / sum(p.numel() for p in trainer.model.parameters()) - 1) <= 0.05


@pytest.mark.slow
def test_gpu_time_to_quality_path_runs_on_the_cpu():
    from bench.sections_gpu import gpu_time_to_quality

    score = gpu_time_to_quality(0.5, quick=True, device="cpu")
    assert score["image_size"] == 32 and score["steps"] >= 1 and score["n_samples"] == 100
    assert score["fd"] > 0 and score["fd_ratio"] > 0 and score["classes"] >= 0
    assert score["amp_dtype"] == "None"  # the engine autocasts on CUDA only


@pytest.mark.slow
def test_window_device_path_trains_through_the_dock_on_the_cpu(tmp_path, monkeypatch):
    from bench.sections_gpu import window_on_cuda

    monkeypatch.setenv("DIFFUSION_LAB_HOME", str(tmp_path / "home"))
    out = window_on_cuda(1.0, device="cpu")
    assert out["status"] == "ok", out["status"]
    assert out["device_field"] == "cpu" and out["device"].startswith("cpu")
    assert out["reason"] == "time_budget" and out["steps"] >= 1
