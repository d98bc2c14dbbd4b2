"""The 2-D lab's measurement scripts run end to end with tiny budgets and write their reports (so they do not rot;
the real numbers come from running them on a quiet machine)."""
from __future__ import annotations

import re

import pytest

NUMBER = r"[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?"


def table_rows(text: str, first_cell: str = NUMBER) -> list[list[float]]:
    rows = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and re.fullmatch(first_cell, cells[0]):
            rows.append([float(c) for c in cells[1 if first_cell != NUMBER else 0:]])
    return rows


def test_draw_to_shape_reports_sw_against_the_floor(tmp_path):
    from bench import lab2d_draw_to_shape as bench

    out = tmp_path / "draw.md"
    assert bench.main(["--budget", "1", "--interval", "0.3", "--n", "200", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# 2-D lab: from a drawing to its shape")
    assert re.search(rf"load average \(1/5/15 min\) at start \[{NUMBER}, {NUMBER}, {NUMBER}\], at end \[", text)
    assert "| time since Train (s) | step | loss | sliced W2 to the drawing | / floor |" in text
    floor = float(re.search(rf"to the drawing = ({NUMBER})\.", text).group(1))
    assert 0 < floor < 1  # fresh draws of the same shape, standardized: close to the drawing
    rows = table_rows(text)
    assert rows, text
    times = [r[0] for r in rows]
    assert times == sorted(times) and all(r[1] >= 1 for r in rows)  # each evaluation after a training step
    for _, _, loss, sw, ratio in rows:
        assert loss > 0 and sw > 0 and ratio == pytest.approx(sw / floor, abs=0.01 + 1e-3 * ratio)
    assert re.search(r"Time from Train to the samples taking the shape: \*\*", text)


def test_latency_reports_percentiles_and_load(tmp_path):
    from bench import lab2d_latency as bench

    out = tmp_path / "latency.md"
    assert bench.main(["--seconds", "1.5", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# 2-D lab: window responsiveness while training with the field view on")
    assert re.search(rf"load average \(1/5/15 min\) at start \[{NUMBER}, {NUMBER}, {NUMBER}\], at end \[", text)
    assert "| event-loop lateness | p50 | p95 | p99 | max |" in text
    (p50, p95, p99, worst), = table_rows(text, first_cell="ms")
    assert 0 <= p50 <= p95 <= p99 <= worst
    ticks = int(re.search(r"(\d+) ticks", text).group(1))
    assert ticks >= 2  # the probe ran (a 10 ms timer for 1.5 s; a loaded CI box may starve it badly)
    assert re.search(r"\d+ fields drawn \(\d+\.\d/s\), \d+ training steps \(\d+\.\d/s\)", text)
    assert re.search(r"Target p99 < 20 ms: \*\*(meets|misses)\*\* it", text)
