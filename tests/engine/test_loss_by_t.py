"""Loss by timestep over training (engine/loss_by_t.py): the binned means equal a direct computation."""
from __future__ import annotations

import numpy as np
import pytest

from engine.loss_by_t import MAX_ROWS, LossByT, first_interval
from engine.training import Trainer
from tests.engine.test_training import small_moons


def direct_means(ts: list[np.ndarray], losses: list[np.ndarray], timesteps: int, bins: int) -> np.ndarray:
    """The mean loss of the samples whose paper t = i + 1 lies in each of ``bins`` equal runs of 1..T."""
    t = np.concatenate(ts)
    loss = np.concatenate(losses).astype(np.float64)
    out = np.full(bins, np.nan)
    width = timesteps / bins
    for k in range(bins):
        inside = (t >= k * width) & (t < (k + 1) * width)  # schedule indices i with floor(i * bins / T) == k
        if inside.any():
            out[k] = loss[inside].mean()
    return out


def test_bins_split_1_to_T_into_equal_runs():
    by_t = LossByT(1000, bins=50)
    ranges = by_t.bin_ranges()
    assert ranges[0].tolist() == [1, 20] and ranges[-1].tolist() == [981, 1000]
    assert (ranges[:, 1] - ranges[:, 0] + 1 == 20).all()
    assert by_t.bin_labels()[1] == "t=21-40"
    short = LossByT(7, bins=50)  # never more bins than timesteps
    assert short.bins == 7 and short.bin_ranges()[:, 0].tolist() == list(range(1, 8))


def test_rows_are_the_mean_per_bin_over_each_interval():
    rng = np.random.default_rng(0)
    T, bins, interval = 100, 10, 3
    by_t = LossByT(T, bins=bins, interval=interval)
    ts, losses, rows = [], [], []
    for step in range(1, 10):
        t = rng.integers(0, T, 16)
        loss = rng.random(16).astype(np.float32)
        ts.append(t)
        losses.append(loss)
        row = by_t.add(step, t, loss)
        assert (row is not None) == (step % interval == 0)
        if row is not None:
            rows.append(row)
            np.testing.assert_allclose(by_t.means()[-1], direct_means(ts[-3:], losses[-3:], T, bins), rtol=1e-12)
    assert by_t.steps.tolist() == [3, 6, 9]
    assert sum(int(r.counts.sum()) for r in rows) == 9 * 16


def test_a_bin_with_no_sample_is_nan_and_the_csv_leaves_it_empty():
    by_t = LossByT(10, bins=5, interval=1)
    by_t.add(1, np.array([0, 1, 9]), np.array([1.0, 3.0, 5.0]))
    np.testing.assert_array_equal(by_t.means()[0], [2.0, np.nan, np.nan, np.nan, 5.0])
    assert by_t.to_csv().splitlines() == ["step,t=1-2,t=3-4,t=5-6,t=7-8,t=9-10", "1,2,,,,5"]


def test_rows_merge_in_pairs_sample_weighted_and_a_mirror_fed_the_rows_stays_equal():
    rng = np.random.default_rng(1)
    by_t = LossByT(20, bins=4, interval=1)
    mirror = LossByT(20, bins=4, interval=1)
    ts, losses = [], []
    for step in range(1, MAX_ROWS + 3):
        t = rng.integers(0, 20, int(rng.integers(1, 6)))  # uneven counts: a plain mean of means would differ
        loss = rng.random(t.size)
        ts.append(t)
        losses.append(loss)
        row = by_t.add(step, t, loss)
        if row is not None:
            mirror.add_row(row)
    assert by_t.interval == 2 and len(by_t) == MAX_ROWS // 2 + 1
    assert by_t.steps[:3].tolist() == [2, 4, 6]
    np.testing.assert_allclose(by_t.means()[0], direct_means(ts[0:2], losses[0:2], 20, 4), rtol=1e-12)
    np.testing.assert_allclose(by_t.means()[-1], direct_means(ts[-2:], losses[-2:], 20, 4), rtol=1e-12)
    np.testing.assert_array_equal(mirror.means(), by_t.means())
    assert mirror.interval == by_t.interval
    back = LossByT.from_dict(by_t.to_dict())
    np.testing.assert_allclose(back.means(), by_t.means(), rtol=1e-8)


def test_from_dict_rejects_a_malformed_record():
    with pytest.raises(ValueError):
        LossByT.from_dict({"timesteps": 10, "bins": 5, "interval": 1, "steps": [1], "sums": [[1.0]],
                           "counts": [[1]]})
    with pytest.raises(ValueError):
        LossByT.from_dict({"bins": 5})


def test_the_trainer_records_its_own_per_sample_losses_and_saves_them(tmp_path):
    from engine.checkpoint import load_checkpoint, save_checkpoint

    cfg = small_moons(steps=12, batch_size=64)
    trainer = Trainer(cfg)
    interval = first_interval(64)
    assert interval == 7  # ceil(8 * 50 / 64)
    seen_t, seen_loss = [], []
    for _ in range(12):
        m = trainer.step()
        seen_t.append(m.t)
        seen_loss.append(m.per_sample_loss)
        assert (m.loss_by_t_row is not None) == (m.step == interval)
    by_t = trainer.history.by_t
    T = trainer.schedule.timesteps
    assert by_t.steps.tolist() == [interval]
    np.testing.assert_allclose(by_t.means()[0], direct_means(seen_t[:interval], seen_loss[:interval], T, 50),
                               rtol=1e-6)
    save_checkpoint(trainer, tmp_path)
    csv = (tmp_path / "loss_by_t.csv").read_text().splitlines()
    assert len(csv) == 2 and csv[1].startswith(f"{interval},")
    loaded = load_checkpoint(tmp_path).history.by_t
    np.testing.assert_allclose(loaded.means(), by_t.means(), rtol=1e-8)


def test_a_resumed_trainer_continues_the_same_rows(tmp_path):
    from engine.checkpoint import load_checkpoint, save_checkpoint, trainer_from_checkpoint

    trainer = Trainer(small_moons(steps=30, batch_size=64))  # rows of 7 steps
    seen = [trainer.step() for _ in range(10)]
    save_checkpoint(trainer, tmp_path)
    resumed = trainer_from_checkpoint(load_checkpoint(tmp_path))
    seen += [resumed.step() for _ in range(4)]
    assert [m.step for m in seen if m.loss_by_t_row is not None] == [7, 14]
    by_t = resumed.history.by_t
    assert by_t.steps.tolist() == [7, 14] and by_t.start == 0
    # steps 8-10 (before the save) and 11-14 (after it) make the second row, as in an uninterrupted run
    T = resumed.schedule.timesteps
    np.testing.assert_allclose(by_t.means()[1], direct_means([m.t for m in seen[7:]],
                                                             [m.per_sample_loss for m in seen[7:]], T, 50),
                               rtol=1e-6)
