"""``diffusion-lab bound`` prints and writes what engine.bound_report computes; ``train`` writes loss_by_t.csv."""
from __future__ import annotations

import csv
import math

import numpy as np
import pytest

from engine.bound import variational_bound
from engine.bound_report import bound_data, model_bound
from engine.checkpoint import load_checkpoint, trainer_from_checkpoint
from engine.cli import main


@pytest.fixture(scope="module")
def moons_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "moons"
    assert main(["train", "--dataset", "moons", "--steps", "40", "--batch-size", "64", "--timesteps", "60",
                 "--quiet", "--out", str(out)]) == 0
    return out


def test_train_writes_loss_by_t_next_to_loss_csv(moons_run):
    rows = list(csv.reader((moons_run / "loss_by_t.csv").open()))
    by_t = load_checkpoint(moons_run).history.by_t
    assert rows[0] == ["step", *by_t.bin_labels()] and len(rows[0]) == 1 + 50
    assert [int(r[0]) for r in rows[1:]] == by_t.steps.tolist() and len(rows) > 1
    means = by_t.means()
    for row, expected in zip(rows[1:], means):
        got = np.array([float(v) if v else np.nan for v in row[1:]])
        np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_bound_prints_bits_per_dim_and_writes_the_terms_of_model_bound(moons_run, capsys):
    assert main(["bound", "--run", str(moons_run), "--n", "64", "--seed", "3"]) == 0
    printed = capsys.readouterr().out.strip()
    trainer = trainer_from_checkpoint(load_checkpoint(moons_run))
    expected = model_bound(trainer, n=64, seed=3)
    assert printed == f"{expected.total_bits_per_dim:.6f} bits/dim"
    rows = list(csv.DictReader((moons_run / "bound.csv").open()))
    assert [r["term"] for r in rows] == ["L_0", *[f"L_{i}" for i in range(1, 60)], "L_T", "total"]
    nats = np.array([float(r["nats_per_dim"]) for r in rows[:60]])
    np.testing.assert_allclose(nats, expected.per_t_nats, rtol=1e-6)
    assert float(rows[-2]["nats_per_dim"]) == pytest.approx(expected.prior_nats, rel=1e-6)
    # the total is Eq. 5's sum of the terms written above it
    assert float(rows[-1]["nats_per_dim"]) == pytest.approx(nats.sum() + expected.prior_nats, rel=1e-6)
    assert float(rows[-1]["bits_per_dim"]) == pytest.approx(expected.total_nats / math.log(2), rel=1e-6)


def test_model_bound_is_engine_bound_on_the_chosen_points(moons_run):
    import torch

    trainer = trainer_from_checkpoint(load_checkpoint(moons_run))
    x0, labels = bound_data(trainer, 32, 5)
    direct = variational_bound(trainer.denoiser(), trainer.schedule, x0, decoder="gaussian",
                               variance=trainer.config.sampling.ddpm_variance,
                               generator=torch.Generator().manual_seed(6))
    np.testing.assert_array_equal(model_bound(trainer, n=32, seed=5).per_t_nats, direct.per_t_nats)


def test_bound_strided_and_bad_arguments(moons_run, tmp_path, capsys):
    out = tmp_path / "b.csv"
    assert main(["bound", "--run", str(moons_run), "--n", "16", "--timesteps", "5", "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 1 + 5 + 2
    capsys.readouterr()
    assert main(["bound", "--run", str(moons_run), "--n", "0"]) == 2
    assert "--n" in capsys.readouterr().err
