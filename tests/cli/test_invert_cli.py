"""``diffusion-lab invert``: the DDIM inversion round trip of a run, written to .npz, and its error-vs-K table."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from engine.cli import main

TINY = ["--model", "tiny", "--timesteps", "200", "--steps", "30", "--quality-every", "0", "--quiet"]


@pytest.fixture(scope="module")
def moons_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "moons"
    assert main(["train", "--dataset", "moons", *TINY, "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def digits_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "digits"
    assert main(["train", "--dataset", "digits", *TINY, "--out", str(out)]) == 0
    return out


def test_round_trip_npz_for_points(moons_run, tmp_path, capsys):
    out = tmp_path / "rt.npz"
    assert main(["invert", "--run", str(moons_run), "--steps", "10", "--n", "64", "--out", str(out)]) == 0
    assert "round-trip RMSE" in capsys.readouterr().err
    with np.load(out) as f:
        for key in ("x0", "latent", "reconstruction", "pixel_error"):
            assert f[key].shape == (64, 2), key
        assert f["sample_error"].shape == (64,) and int(f["steps"]) == 10 and int(f["reconstruct_steps"]) == 10
        # the inversion's path in the paper's t, ascending: trailing spacing over T = 200 in 10 steps
        assert f["t"].tolist() == list(range(20, 201, 20)) and int(f["timesteps"]) == 200
        diff = f["reconstruction"].astype(np.float64) - f["x0"]
        np.testing.assert_allclose(f["pixel_error"], np.abs(diff), atol=1e-6)
        np.testing.assert_allclose(f["sample_error"], np.sqrt((diff ** 2).mean(axis=1)), rtol=1e-5, atol=1e-7)
        assert float(f["rmse"]) == pytest.approx(np.sqrt((diff ** 2).mean()), rel=1e-5)
        assert str(f["kind"]) == "points"


def test_error_vs_steps_table_and_mismatch(moons_run, tmp_path, capsys):
    out = tmp_path / "study.npz"
    assert main(["invert", "--run", str(moons_run), "--steps", "20", "--n", "64", "--error-vs-steps", "50,5,20",
                 "--out", str(out)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].split()[:3] == ["K", "NFE", "RMSE"] and "fitted order" in lines[-1]
    assert [int(line.split()[0]) for line in lines[1:-1]] == [5, 20, 50]
    with np.load(out) as f:
        rmse = f["study_rmse"]
        assert f["study_steps"].tolist() == [5, 20, 50] and rmse[0] > rmse[-1], rmse
        matched = float(f["rmse"])
        assert matched == pytest.approx(rmse[1], rel=1e-5)  # the --steps 20 run is the table's K = 20 row
    mismatched = tmp_path / "mismatch.npz"
    assert main(["invert", "--run", str(moons_run), "--steps", "20", "--reconstruct-steps", "2", "--n", "64",
                 "--out", str(mismatched)]) == 0
    with np.load(mismatched) as f:
        assert int(f["reconstruct_steps"]) == 2 and float(f["rmse"]) > 2 * matched


def test_points_file_input_is_taken_as_is(moons_run, tmp_path):
    from engine.checkpoint import load_checkpoint, trainer_from_checkpoint

    points = trainer_from_checkpoint(load_checkpoint(moons_run)).dataset.x[:16].numpy()
    csv = tmp_path / "points.csv"
    np.savetxt(csv, points, delimiter=",", header="x,y", comments="")
    npy = tmp_path / "points.npy"
    np.save(npy, points)
    results = []
    for source in (csv, npy):
        out = tmp_path / f"{source.suffix[1:]}.npz"
        assert main(["invert", "--run", str(moons_run), "--steps", "5", "--input", str(source), "--out",
                     str(out)]) == 0
        with np.load(out) as f:
            np.testing.assert_allclose(f["x0"], points, atol=1e-6)  # not re-standardized
            results.append(f["reconstruction"])
    np.testing.assert_allclose(results[0], results[1], atol=1e-5)


def test_image_input_for_a_digits_run(digits_run, tmp_path):
    png = tmp_path / "digit.png"
    ramp = np.tile(np.linspace(0, 255, 8, dtype=np.uint8), (8, 1))
    Image.fromarray(ramp, mode="L").save(png)
    out = tmp_path / "digit.npz"
    assert main(["invert", "--run", str(digits_run), "--steps", "10", "--input", str(png), "--out", str(out)]) == 0
    with np.load(out) as f:
        assert f["x0"].shape == (1, 1, 8, 8) and f["reconstruction"].shape == (1, 1, 8, 8)
        np.testing.assert_allclose(f["x0"][0, 0, 0], np.linspace(-1, 1, 8), atol=0.01)
        assert f["pixel_error"].shape == (1, 1, 8, 8) and np.isfinite(f["latent"]).all()
    default = tmp_path / "default.npz"
    assert main(["invert", "--run", str(digits_run), "--steps", "5", "--out", str(default)]) == 0
    with np.load(default) as f:
        assert f["x0"].shape == (8, 1, 8, 8)


@pytest.mark.parametrize("argv, needle, code", [
    (["--steps", "0", "--out", "{tmp}/a.npz"], "--steps: must be an integer in [1, 200]", 2),
    (["--steps", "5", "--reconstruct-steps", "201", "--out", "{tmp}/a.npz"], "--reconstruct-steps: must be", 2),
    (["--steps", "5", "--out", "{tmp}/a.png"], "written as .npz", 2),
    (["--steps", "5"], "give --out", 2),
    (["--error-vs-steps", "5,x"], "comma-separated integers", 2),
    (["--error-vs-steps", "5,500"], "in [1, 200]", 2),
    (["--steps", "5", "--index", "99999", "--out", "{tmp}/a.npz"], "--index: must be in", 2),
    (["--steps", "5", "--input", "{tmp}/missing.csv", "--out", "{tmp}/a.npz"], "missing.csv", 1),
])
def test_bad_input_is_one_line(moons_run, tmp_path, capsys, argv, needle, code):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    assert main(["invert", "--run", str(moons_run), *argv]) == code
    err = capsys.readouterr().err.strip()
    assert needle in err and "Traceback" not in err and len(err.splitlines()) == 1, err
    assert not (tmp_path / "a.npz").exists()


def test_help_texts_with_percent_signs_print():
    """argparse %-formats help: the config fields whose help says '0.25%' must not crash 'train --help'."""
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--help"])
    assert exit_info.value.code == 0
