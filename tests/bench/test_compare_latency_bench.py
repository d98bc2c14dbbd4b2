"""bench/compare_latency.py runs end to end with tiny sizes and writes its report (so it does not rot; the real
numbers come from running it on a quiet machine)."""
from __future__ import annotations

import re

NUMBER = r"\d+(?:\.\d+)?"


def test_compare_latency_reports_median_max_and_load(tmp_path):
    from bench import compare_latency as bench

    out = tmp_path / "compare_latency.md"
    assert bench.main(["--repeats", "2", "--n-points", "50", "--n-digits", "4", "--train-steps-moons", "2",
                       "--preset", "tiny", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Compare tab: first frame on screen after pressing Compare")
    assert re.search(rf"load average \(1/5/15 min\) at start \[{NUMBER}, {NUMBER}, {NUMBER}\], at end \[", text)
    assert "columns DDIM-10, DPM++ (2M)-10, DDPM-1000" in text
    rows = {m.group(1): m for m in re.finditer(
        rf"\| (moons|digits) \| (\d+) \| tiny \| ([^|]+) \| 1000 \| ({NUMBER}) \| ({NUMBER}) \| ([^|]+) \|", text)}
    assert set(rows) == {"moons", "digits"}
    assert rows["moons"].group(2) == "50" and rows["digits"].group(2) == "4"
    assert rows["digits"].group(3).strip() == "0 (freshly initialised)"
    for m in rows.values():
        median, worst = float(m.group(4)), float(m.group(5))
        assert 0 < median <= worst and len(m.group(6).split(",")) == 2
    assert re.search(r"first frame within 0.5 s: \*\*(meets|misses)\*\* it", text)
