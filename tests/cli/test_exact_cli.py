"""The exact-answer commands: ``field`` writes learned vs exact x0 on a grid; ``sample --denoiser exact`` samples
with the closed-form denoiser of the training points and so lands on them."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from engine.checkpoint import load_checkpoint, trainer_from_checkpoint
from engine.cli import main
from engine.exact import empirical_denoiser, grid_points


@pytest.fixture(scope="module")
def moons_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "moons"
    assert main(["train", "--dataset", "moons", "--steps", "300", "--quiet", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def untrained_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "untrained"
    assert main(["train", "--dataset", "moons", "--steps", "1", "--lr", "1e-9", "--quiet", "--out", str(out)]) == 0
    return out


def test_field_writes_learned_and_exact_x0(moons_run, tmp_path):
    out = tmp_path / "field.npz"
    assert main(["field", "--run", str(moons_run), "--t", "500", "--grid", "9", "--out", str(out)]) == 0
    with np.load(out) as f:
        assert f["grid"].shape == (81, 2) and f["learned_x0"].shape == (81, 2) and f["exact_x0"].shape == (81, 2)
        assert int(f["t"]) == 500 and int(f["timesteps"]) == 1000 and "1..T" in str(f["t_convention"])
        trainer = trainer_from_checkpoint(load_checkpoint(moons_run))
        data = trainer.dataset.x.double()
        np.testing.assert_allclose(f["data"], data.numpy(), atol=1e-6)
        # exact_x0 is the closed form at the engine's index t - 1 = 499, recomputed here
        expected, _ = empirical_denoiser(data, trainer.schedule)(grid_points(9, 3.0), 499)
        np.testing.assert_allclose(f["exact_x0"], expected.numpy(), rtol=1e-5, atol=1e-5)


def test_trained_field_is_closer_to_exact_than_untrained(moons_run, untrained_run, tmp_path):
    errors = {}
    for name, run in (("trained", moons_run), ("untrained", untrained_run)):
        out = tmp_path / f"{name}.npz"
        assert main(["field", "--run", str(run), "--t", "300", "--grid", "16", "--extent", "2",
                     "--out", str(out)]) == 0
        with np.load(out) as f:
            errors[name] = np.linalg.norm(f["learned_x0"] - f["exact_x0"], axis=1).mean()
    assert errors["trained"] < 0.5 * errors["untrained"], errors


def test_sample_with_the_exact_denoiser_lands_on_training_points(moons_run, tmp_path):
    out = tmp_path / "exact.npy"
    assert main(["sample", "--run", str(moons_run), "--denoiser", "exact", "--sampler", "ddpm", "--steps", "1000",
                 "--n", "64", "--out", str(out)]) == 0
    samples = torch.from_numpy(np.load(out)).double()
    data = trainer_from_checkpoint(load_checkpoint(moons_run)).dataset.x.double()
    nearest = torch.cdist(samples, data).min(dim=1).values
    assert nearest.median() < 0.01 * data.std(0).norm()


@pytest.mark.parametrize("argv, needle", [
    (["--t", "0"], "--t: must be an integer in [1, 1000]"),
    (["--t", "1001"], "--t: must be an integer in [1, 1000]"),
    (["--t", "5", "--grid", "1"], "--grid: must be an integer in [2, 512]"),
    (["--t", "5", "--out-suffix", ".png"], "written as .npz"),
])
def test_field_bad_input_is_one_line(moons_run, tmp_path, capsys, argv, needle):
    out = tmp_path / "f.npz"
    if "--out-suffix" in argv:
        out, argv = tmp_path / "f.png", argv[:2]
    assert main(["field", "--run", str(moons_run), *argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert needle in err and "Traceback" not in err and len(err.splitlines()) == 1
    assert not out.exists()
