"""bench/guidance.py writes the accuracy / FD / precision / recall vs guidance table (a --quick smoke run)."""
from __future__ import annotations

import json


def test_quick_guidance_bench_writes_the_table(tmp_path, capsys):
    from bench.guidance import main

    assert main(["--quick", "--scales", "0,1,4", "--out", str(tmp_path)]) == 0
    res = json.loads((tmp_path / "guidance.json").read_text(encoding="utf-8"))
    assert [p["scale"] for p in res["points"]] == [0.0, 1.0, 4.0]
    table = (tmp_path / "guidance.md").read_text(encoding="utf-8")
    assert "| s | accuracy | FD | precision | recall |" in table and "| 4 |" in table
