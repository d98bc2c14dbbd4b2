"""The targets table and latest.md from section results (the registry's markdown and targets functions)."""
from __future__ import annotations

import numpy as np
import torch

from bench import report
from bench.run import SECTIONS, evaluate_targets, to_markdown


def _score(budget, fd_ratio, precision=0.85, recall=0.9, classes=10, steps=100):
    return {"budget_s": budget, "fd": fd_ratio * 0.5, "fd_ratio": fd_ratio, "precision": precision, "recall": recall,
            "classes": classes, "steps": steps}


def _by_name(rows):
    return {r["target"]: r for r in rows}


def test_digits_targets_are_2x_at_60_s_and_1_5x_at_120_s_for_headless_and_window():
    d = {"ours": [_score(60.0, 1.9), _score(120.0, 1.6, precision=0.79)], "peer": [], "peer_status": "x"}
    w = {"status": "ok", "latency_ms": {"p99": 5.0}, "in_window_vs_headless": 0.95,
         "quality": {"rows": [_score(60.0, 2.1), _score(120.0, 1.4, classes=9)]},
         "first_frame": {"median_s": 0.1, "max_s": 0.25, "target_s": 0.2}}
    rows = _by_name(evaluate_targets({"quick": False, "digits": d, "window": w}))
    assert rows["headless digits 60 s: FD <= 2x floor"]["met"] is True
    assert rows["headless digits 120 s: FD <= 1.5x floor"]["met"] is False
    assert rows["headless digits 120 s: precision >= 0.8"]["met"] is False
    assert rows["headless digits 120 s: recall >= 0.8"]["met"] is True
    assert rows["window digits 60 s: FD <= 2x floor"]["met"] is False
    assert rows["window digits 120 s: FD <= 1.5x floor"]["met"] is True
    assert rows["window digits 120 s: 10/10 classes"]["met"] is False
    first = rows["window: Sample (DDIM-50, 64 digits) -> first frame on screen < 0.2 s"]
    assert first["met"] is False and first["measured"] == "median 0.100 s, max 0.250 s"


def test_throughput_targets_and_table_show_threads_and_the_matched_peer():
    rows = [{"image_size": 16, "threads": t, "batch_size": 256, "ours_params": 286465, "ours_images_per_s": 100.0 * t,
             "ours_peak_fraction": 0.3, "peer_params": 280177, "peer_images_per_s": 110.0, "peer_peak_fraction": 0.3,
             "ours_vs_peer": 100.0 * t / 110.0} for t in (1, 2)]
    t = {"rows": rows, "peak_by_threads": {"1": 1e10, "2": 2e10}}
    targets = _by_name(report.targets_throughput(t, {}))
    assert targets["16px, 1 thread(s): throughput >= matched diffusers peer"]["met"] is False
    assert targets["16px, 2 thread(s): throughput >= matched diffusers peer"]["met"] is True
    md = report.md_throughput(t, {})
    assert "| size | threads |" in md[4]
    assert md[6].startswith("| 16px | 1 | 256 | 286,465 | 100.0 |") and md[7].startswith("| 16px | 2 |")


def test_every_registered_section_has_markdown_and_targets_and_errors_are_listed():
    assert list(SECTIONS)[:3] == ["digits", "steps", "points"] and {"profile", "window", "gpu"} <= set(SECTIONS)
    res = {"quick": True, "env": {"time_utc": "t", "platform": "p", "cpu_count": 2, "torch": "2", "torch_threads": 2,
                                  "diffusers": None, "loadavg_start": None},
           "gpu": {"status": "skipped: --gpu needs a CUDA device"}, "profile": {"error": "Traceback\nBoom: x"}}
    res["targets"] = evaluate_targets(res)
    md = to_markdown(res)
    assert "| GPU throughput (autocast) | skipped: --gpu needs a CUDA device | – |" in md
    assert "- profile: Boom: x" in md


def test_the_window_trains_on_the_same_split_the_headless_rows_use(tmp_path):
    from bench.sections_window import write_split_npz
    from engine.config import DataConfig
    from engine.data import images, load_dataset

    train, _ = images.digits_split(0)
    path = write_split_npz(train, tmp_path)
    loaded = load_dataset(DataConfig(dataset=str(path)))
    assert torch.allclose(loaded.x, train.x, atol=1e-6)
    assert np.array_equal(loaded.labels.numpy(), train.labels.numpy())


def test_a_module_section_registers_in_one_line_and_is_imported_when_used(tmp_path, monkeypatch):
    import sys

    from bench.run import module_section

    (tmp_path / "bench_extra_section.py").write_text(
        "def run(args, state):\n    return {'value': 3}\n"
        "def markdown(part, res):\n    return ['## Extra', '', f\"value {part['value']}\"]\n"
        "def targets(part, res):\n    return [{'target': 'value >= 3', 'measured': str(part['value']), "
        "'met': part['value'] >= 3}]\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    section = module_section("bench_extra_section")
    assert "bench_extra_section" not in sys.modules  # registering imports nothing
    part = section.run(None, {})
    assert section.markdown(part, {}) == ["## Extra", "", "value 3"]
    assert section.targets(part, {}) == [{"target": "value >= 3", "measured": "3", "met": True}]
