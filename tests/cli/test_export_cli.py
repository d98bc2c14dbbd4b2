"""``diffusion-lab export`` and ``sample --out anim.gif`` end to end on tiny real runs: every output is opened back."""
from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from engine import export as E
from engine.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def moons_run(tmp_path_factory) -> Path:
    run = tmp_path_factory.mktemp("runs") / "moons"
    rc = main(["train", "--dataset", "moons", "--model", "tiny", "--steps", "20", "--batch-size", "64",
               "--timelapse-every", "20", "--quiet", "--out", str(run)])
    assert rc == 0
    return run


def export(run, *args) -> int:
    return main(["export", "--run", str(run), *map(str, args)])


def n_frames(path) -> int:
    return getattr(Image.open(path), "n_frames", 1)


def test_train_records_a_timelapse(moons_run):
    frames, steps = E.load_timelapse(moons_run)
    assert steps == [0, 20]  # the untrained model first, then every 20 steps
    assert frames[0].dtype == np.uint8 and frames[0].shape[2] == 3


def test_reverse_gif_from_a_run(moons_run, tmp_path, capsys):
    out = tmp_path / "rev.gif"
    assert export(moons_run, "--what", "reverse", "--steps", 8, "--n", 300, "--caption", "--trails", 10,
                  "--out", out) == 0
    im = Image.open(out)
    assert im.n_frames == 9 and im.size[0] == 384 and im.info["loop"] == 0
    assert "GIF, 9 frames" in capsys.readouterr().err


def test_sample_out_anim_gif_shares_the_exporter(moons_run, tmp_path):
    from engine.samplers import Trajectory

    out = tmp_path / "anim.gif"
    traj_file = tmp_path / "traj.npz"
    assert main(["sample", "--run", str(moons_run), "--steps", "6", "--n", "200", "--trajectory", str(traj_file),
                 "--out", str(out)]) == 0
    traj = Trajectory.load(traj_file)
    assert len(traj) == 7
    # the same trajectory through the engine API gives the very same file (one code path)
    same = E.export_reverse_animation(traj, tmp_path / "same.gif", E.AnimationOptions())
    assert out.read_bytes() == same.path.read_bytes()
    assert n_frames(out) == same.n_frames >= 2
    # the saved trajectory exports on its own, without the run
    webp = tmp_path / "again.webp"
    assert main(["export", "--what", "reverse", "--trajectory", str(traj_file), "--view", "both", "--caption",
                 "--out", str(webp)]) == 0
    im = Image.open(webp)
    assert im.n_frames == 7 and im.size[0] > 2 * 384


def test_forward_timelapse_and_stills(moons_run, tmp_path):
    assert export(moons_run, "--what", "forward", "--max-frames", 20, "--n", 500, "--out", tmp_path / "f.apng") == 0
    assert n_frames(tmp_path / "f.apng") == 20
    assert export(moons_run, "--what", "timelapse", "--fps", 4, "--caption", "--out", tmp_path / "tl.gif") == 0
    im = Image.open(tmp_path / "tl.gif")
    assert im.n_frames == 2 and im.info["duration"] == 250
    assert export(moons_run, "--what", "grid", "--steps", 5, "--n", 300, "--out", tmp_path / "g.png") == 0
    assert Image.open(tmp_path / "g.png").size == (512, 512)
    assert export(moons_run, "--what", "grid", "--steps", 5, "--n", 300, "--out", tmp_path / "g.npy") == 0
    assert np.load(tmp_path / "g.npy").shape == (300, 2)
    assert export(moons_run, "--what", "strip", "--steps", 10, "--n", 200, "--t", 1000, 500, 0,
                  "--out", tmp_path / "s.png") == 0
    assert Image.open(tmp_path / "s.png").size[0] == 3 * 256 + 2 * 8
    assert export(moons_run, "--what", "strip", "--source", "forward", "--t", 0, 250, 1000,
                  "--out", tmp_path / "sf.png") == 0
    assert Image.open(tmp_path / "sf.png").size[0] == 3 * 256 + 2 * 8


def test_loss_exports(moons_run, tmp_path):
    assert export(moons_run, "--what", "loss", "--out", tmp_path / "loss.csv") == 0
    lines = (tmp_path / "loss.csv").read_text().splitlines()
    assert lines[0].startswith("step,loss") and len(lines) == 21
    assert export(moons_run, "--what", "loss", "--width", 600, "--height", 300, "--out", tmp_path / "loss.png") == 0
    assert Image.open(tmp_path / "loss.png").size == (600, 300)
    assert export(moons_run, "--what", "loss", "--out", tmp_path / "loss.svg") == 0
    assert ET.parse(tmp_path / "loss.svg").getroot().tag.endswith("svg")


def test_image_trajectory_exports_without_a_run(tmp_path):
    """Images through the CLI from a saved trajectory (a real sampler with a toy denoiser: no training)."""
    from engine.samplers import Trajectory, run_sampler
    from engine.schedules import NoiseSchedule

    sched = NoiseSchedule("linear", 1000)
    traj = Trajectory(6, (4, 1, 8, 8), "images")
    for f in run_sampler(lambda x, t: (x * 0.5, x * 0.1), sched, (4, 1, 8, 8), sampler="ddpm", steps=6):
        traj.record(f)
    traj.save(tmp_path / "t.npz")

    def run(*args) -> int:
        return main(["export", "--trajectory", str(tmp_path / "t.npz"), *map(str, args)])

    assert run("--what", "reverse", "--view", "both", "--caption", "--scale", 4, "--out", tmp_path / "r.gif") == 0
    im = Image.open(tmp_path / "r.gif")
    assert im.n_frames == 7 and im.size[0] == 2 * (2 * 32 + 3 * 2) + E.view_gap(2)
    assert run("--what", "reverse", "--sample", 2, "--scale", 8, "--padding", 0, "--out", tmp_path / "one.apng") == 0
    frames = []
    im = Image.open(tmp_path / "one.apng")
    for k in range(im.n_frames):
        im.seek(k)
        frames.append(np.asarray(im.convert("RGB")))
    assert len(frames) == 7 and frames[0].shape == (64, 64, 3)
    assert all(np.array_equal(fr[::8, ::8, 0], traj.frame(k).x_t[2, ..., 0]) for k, fr in enumerate(frames))
    assert run("--what", "strip", "--t", 1000, 0, "--sample", 1, "--scale", 4, "--padding", 0,
               "--out", tmp_path / "s.png") == 0
    assert Image.open(tmp_path / "s.png").size[0] == 2 * 32 + 8
    assert run("--what", "grid", "--scale", 2, "--out", tmp_path / "g.png") == 0
    assert Image.open(tmp_path / "g.png").size == (2 * (16 + 2) + 2, 2 * (16 + 2) + 2)


def test_errors_are_one_line_with_the_right_code(moons_run, tmp_path, capsys, monkeypatch):
    assert export(moons_run, "--what", "reverse", "--out", tmp_path / "a.bmp") == 2
    assert "unknown extension '.bmp'" in capsys.readouterr().err
    assert export(moons_run, "--what", "loss", "--out", tmp_path / "loss.txt") == 2
    assert "use .csv, .png, .svg" in capsys.readouterr().err
    assert main(["export", "--what", "timelapse", "--out", str(tmp_path / "t.gif")]) == 2
    assert "--run" in capsys.readouterr().err
    empty = tmp_path / "norun"
    empty.mkdir()
    assert export(empty, "--what", "timelapse", "--out", tmp_path / "t.gif") == 1
    assert "--timelapse-every" in capsys.readouterr().err
    assert export(moons_run, "--what", "reverse", "--fps", 0, "--out", tmp_path / "a.gif") == 2
    assert "fps" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    assert export(moons_run, "--what", "reverse", "--out", tmp_path / "a.mp4") == 1
    assert 'pip install "diffusion-lab[mp4]"' in capsys.readouterr().err
    assert main(["sample", "--run", str(moons_run), "--steps", "3", "--out", str(tmp_path / "s.mp4")]) == 1
    assert 'pip install "diffusion-lab[mp4]"' in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["norun"]


def test_entry_point_subprocess(moons_run, tmp_path):
    out = tmp_path / "loss.csv"
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "export", "--run", str(moons_run), "--what",
                           "loss", "--out", str(out)], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert out.read_text().startswith("step,loss")
