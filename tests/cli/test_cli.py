"""Every CLI subcommand end to end, in-process through engine.cli.main and once through a real subprocess."""
import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from engine.cli import main
from engine.schedules import NoiseSchedule

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def moons_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "moons"
    assert main(["train", "--dataset", "moons", "--steps", "150", "--quiet", "--out", str(out)]) == 0
    return out


def test_train_writes_a_run_folder(moons_run):
    assert (moons_run / "checkpoint.safetensors").exists()
    rows = list(csv.DictReader((moons_run / "loss.csv").open()))
    assert len(rows) == 150 and rows[0].keys() >= {"step", "loss", "lr"}
    assert '"dataset": "moons"' in (moons_run / "config.json").read_text()


def test_sample_png_and_npy(moons_run, tmp_path):
    out = tmp_path / "s.npy"
    assert main(["sample", "--run", str(moons_run), "--n", "300", "--steps", "20", "--out", str(out)]) == 0
    arr = np.load(tmp_path / "s.npy")
    assert arr.shape == (300, 2) and arr.dtype == np.float32 and np.isfinite(arr).all()
    assert main(["sample", "--run", str(moons_run), "--sampler", "ddpm", "--steps", "100", "--n", "200",
                 "--out", str(tmp_path / "s.png")]) == 0
    with Image.open(tmp_path / "s.png") as img:
        assert img.size == (512, 512)


def test_sample_is_seeded(moons_run, tmp_path):
    for name in ("a", "b"):
        main(["sample", "--run", str(moons_run), "--n", "50", "--steps", "10", "--seed", "4",
              "--out", str(tmp_path / f"{name}.npy")])
    assert np.array_equal(np.load(tmp_path / "a.npy"), np.load(tmp_path / "b.npy"))


def test_schedule_csv_matches_noise_schedule(tmp_path):
    out = tmp_path / "cos.csv"
    assert main(["schedule", "--schedule", "cosine", "--timesteps", "100", "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open()))
    assert list(rows[0].keys()) == ["t (1..T)", "beta", "alpha_bar", "sqrt_alpha_bar", "sqrt_one_minus_alpha_bar",
                                    "snr", "log_snr"] and len(rows) == 100
    ref = NoiseSchedule("cosine", 100)
    assert np.allclose([float(r["alpha_bar"]) for r in rows], ref.alpha_bar.numpy(), rtol=1e-8)
    assert rows[0]["t (1..T)"] == "1" and rows[-1]["t (1..T)"] == "100"
    # the paper's t: row t = 1 holds beta_1 (schedule index 0), row t = T holds alpha_bar_T
    assert float(rows[0]["beta"]) == pytest.approx(float(ref.betas[0]), rel=1e-9)
    assert float(rows[-1]["alpha_bar"]) == pytest.approx(float(ref.alpha_bar[-1]), rel=1e-9)


def test_sample_png_is_export_grid_png(moons_run, tmp_path):
    """One implementation per artefact: ``sample --out x.png`` and ``export --what grid`` write the same file."""
    flags = ["--run", str(moons_run), "--n", "200", "--steps", "5", "--seed", "3"]
    assert main(["sample", *flags, "--out", str(tmp_path / "sample.png")]) == 0
    assert main(["export", "--what", "grid", *flags, "--out", str(tmp_path / "export.png")]) == 0
    assert (tmp_path / "sample.png").read_bytes() == (tmp_path / "export.png").read_bytes()


def test_forward_is_export_strip_of_the_forward_process(moons_run, tmp_path):
    """``forward`` and ``export --what strip --source forward`` draw through one function: same data, same file."""
    ts = ["0", "250", "1000"]
    assert main(["forward", "--dataset", "moons", "--t", *ts, "--out", str(tmp_path / "forward.png")]) == 0
    assert main(["export", "--run", str(moons_run), "--what", "strip", "--source", "forward", "--t", *ts,
                 "--out", str(tmp_path / "strip.png")]) == 0
    assert (tmp_path / "forward.png").read_bytes() == (tmp_path / "strip.png").read_bytes()


def test_forward_strip_for_images_and_points(tmp_path):
    assert main(["forward", "--dataset", "digits", "--t", "0", "100", "500", "1000", "--out",
                 str(tmp_path / "f.png")]) == 0
    with Image.open(tmp_path / "f.png") as img:
        w, h = img.size
        assert w > 3 * h  # a horizontal strip of 4 frames
    assert main(["forward", "--dataset", "moons", "--out", str(tmp_path / "p.png")]) == 0
    assert Image.open(tmp_path / "p.png").size[0] > 1000


@pytest.mark.parametrize("argv, fragment", [
    (["train", "--dataset", "moons", "--steps", "-5"], "training.steps"),
    (["train", "--dataset", "moons", "--lr", "abc"], "--lr"),
    (["train", "--dataset", "moons", "--beta-end", "nan"], "--beta-end"),
    (["train", "--dataset", "nowhere/at/all"], "nowhere"),
    (["sample", "--run", "/definitely/missing"], "no checkpoint"),
    (["schedule", "--schedule", "linear", "--timesteps", "0"], "schedule.timesteps"),
])
def test_bad_arguments_give_one_line_and_nonzero_exit(argv, fragment, tmp_path, capsys):
    code = main([*argv, "--out", str(tmp_path / "out.png")])
    err = capsys.readouterr().err.strip()
    assert code != 0 and fragment in err and "Traceback" not in err
    assert len(err.splitlines()) == 1
    assert not (tmp_path / "out.png").exists()


def test_entry_point_subprocess_and_version(tmp_path):
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "--version"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0 and "Diffusion Lab" in proc.stdout and "torch" in proc.stdout
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "train", "--steps", "zero", "--out",
                           str(tmp_path / "x")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "--steps" in proc.stderr and "Traceback" not in proc.stderr


def test_every_subcommand_prints_its_help():
    """argparse %-formats help texts: one stray % in a setting's help crashed `train --help` with a TypeError."""
    import argparse
    import contextlib
    import io

    from engine.cli import build_parser

    parser = build_parser()
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert {"train", "sample", "field", "bound"} <= set(subparsers.choices)
    for name, sub in subparsers.choices.items():
        out = io.StringIO()
        with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as stop:
            sub.parse_args(["--help"])
        assert stop.value.code == 0 and "usage:" in out.getvalue(), name
