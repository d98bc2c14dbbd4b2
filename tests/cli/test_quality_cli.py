"""``train --quality-every N`` scores the EMA model's samples while training and writes quality.csv next to
loss.csv; 0 writes none; ``--resume`` keeps the earlier rows."""
from __future__ import annotations

import math

import pytest

from engine import quality
from engine.cli import main
from engine.quality import QUALITY_CSV, read_quality_csv

FAST = ["--dataset", "moons", "--model", "tiny", "--batch-size", "64", "--quiet"]


@pytest.fixture
def scores_made(monkeypatch):
    """The QualityScore objects QualityScorer.score returned, in order."""
    made = []
    original = quality.QualityScorer.score

    def counting(self, samples, step):
        score = original(self, samples, step)
        made.append(score)
        return score

    monkeypatch.setattr(quality.QualityScorer, "score", counting)
    return made


def test_train_with_quality_on_writes_quality_csv_and_resume_keeps_it(tmp_path, scores_made, capsys):
    out = tmp_path / "run"
    assert main(["train", *FAST, "--steps", "80", "--quality-every", "20", "--out", str(out)]) == 0
    assert (out / "loss.csv").exists() and (out / QUALITY_CSV).exists()
    rows = read_quality_csv(out / QUALITY_CSV)
    assert scores_made and len(rows) == len(scores_made)
    assert [r.step for r in rows] == [s.step for s in scores_made]
    assert all(b.step - a.step >= 20 for a, b in zip(rows, rows[1:])) and rows[0].step >= 20
    for r in rows:
        assert r.metric == "sliced_wasserstein" and math.isfinite(r.ratio) and r.ratio > 0 and r.n_samples >= 2
    assert f"({len(rows)} scores in" in capsys.readouterr().err

    made_first = len(scores_made)
    assert main(["train", "--resume", "--steps", "160", "--quality-every", "20", "--quiet", "--out", str(out)]) == 0
    again = read_quality_csv(out / QUALITY_CSV)
    assert len(again) == len(scores_made) > made_first  # the earlier rows plus this run's
    assert [r.step for r in again[:made_first]] == [r.step for r in rows]
    assert again[made_first].step >= 80 + 20  # the resumed run waits an interval before its first score


def test_train_with_quality_off_writes_no_quality_csv(tmp_path, scores_made):
    out = tmp_path / "run"
    assert main(["train", *FAST, "--steps", "60", "--quality-every", "0", "--out", str(out)]) == 0
    assert (out / "loss.csv").exists() and not (out / QUALITY_CSV).exists()
    assert scores_made == []
