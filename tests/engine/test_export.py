"""Export: every file is decoded back and checked for frame count, size, per-frame duration and content.

Trajectories come from the real samplers with a tiny analytic denoiser (no training). For exact pixel checks the
recorded frames are snapped to a few levels per channel, so every colour fits a GIF palette; lossless WebP and
APNG are compared exactly on ordinary frames; lossy outputs (GIF of noisy frames, MP4) with a tolerance.
"""
from __future__ import annotations

import errno
import os
import stat
import sys
import time
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import torch
from PIL import Image, ImageSequence

from engine import export as E
from engine.diffusion import q_sample
from engine.export import (
    AnimationOptions,
    ExportCancelled,
    ExportError,
    TimelapseRecorder,
    export_forward_animation,
    export_grid_png,
    export_loss_csv,
    export_loss_plot,
    export_reverse_animation,
    export_samples_npy,
    export_strip_png,
    export_timelapse,
    files,
    frame_durations,
    gif,
    load_timelapse,
    select_frames,
    write_animation,
)
from engine.imaging import make_grid, to_uint8
from engine.samplers import Frame, Trajectory, run_sampler
from engine.schedules import NoiseSchedule
from engine.training import LossHistory, StepMetrics

SCHED = NoiseSchedule("linear", 1000)
WHITE = (255, 255, 255)


def toy_denoiser(x, t):
    return x * 0.5, x * 0.1


def record(shape, steps=10, sampler="ddpm", snap=None, kind="images", seed=0) -> Trajectory:
    """Run a real sampler and record it; ``snap`` rounds x_t / x0 to ``snap`` levels in [-1, 1] (palette-exact)."""
    traj = Trajectory(steps, shape, kind)

    def q(x):
        return x if snap is None else torch.round((x.clamp(-1, 1) + 1) / 2 * (snap - 1)) / (snap - 1) * 2 - 1

    for f in run_sampler(toy_denoiser, SCHED, shape, sampler=sampler, steps=steps, seed=seed):
        traj.record(Frame(f.step, f.t, q(f.x_t), q(f.x0_pred), f.eps_pred, f.num_steps))
    return traj


def decode(path):
    """All frames of an animated file as RGB arrays plus their durations (ms) and the file's info."""
    im = Image.open(path)
    frames, durations = [], []
    for fr in ImageSequence.Iterator(im):
        frames.append(np.asarray(fr.convert("RGB")))
        durations.append(fr.info.get("duration"))
    return frames, durations, im


def expected_grid(images, scale, padding, nrow=None, bg=WHITE):
    """An independent re-implementation of the layout: upscale each image, then tile with padding."""
    imgs = np.asarray(images)
    if imgs.shape[-1] == 1:
        imgs = np.repeat(imgs, 3, axis=-1)
    imgs = imgs.repeat(scale, axis=1).repeat(scale, axis=2)
    n, h, w, _ = imgs.shape
    cols = nrow or int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / cols))
    out = np.empty((rows * (h + padding) + padding, cols * (w + padding) + padding, 3), np.uint8)
    out[:] = bg
    for i in range(n):
        r, c = divmod(i, cols)
        out[padding + r * (h + padding):padding + r * (h + padding) + h,
            padding + c * (w + padding):padding + c * (w + padding) + w] = imgs[i]
    return out


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir())


# ------------------------------------------------------------------ frame selection and timing
def test_select_frames_modes():
    assert select_frames(5) == [0, 1, 2, 3, 4]
    assert select_frames(10, "every_k", k=4) == [0, 4, 8, 9]
    assert select_frames(9, "every_k", k=4) == [0, 4, 8]
    assert select_frames(1, "end_dense") == [0]
    assert select_frames(0) == []
    dense = select_frames(101, "end_dense", k=5)
    assert len(dense) == 21 and dense[0] == 0 and dense[-1] == 100
    gaps = np.diff(dense)
    assert (gaps > 0).all() and (np.diff(gaps) <= 0).all(), "spacing must shrink towards the end"
    assert gaps[-1] == 1 and gaps[0] > 5
    start = select_frames(101, "end_dense", k=5, dense="start")
    assert start == [100 - i for i in reversed(dense)]
    thinned = select_frames(1001, "all", max_frames=300)
    assert len(thinned) == 300 and thinned[0] == 0 and thinned[-1] == 1000
    assert select_frames(1001, "end_dense", max_frames=50)[-3:] == [998, 999, 1000]
    with pytest.raises(ExportError):
        select_frames(10, "random")


def test_frame_durations_keep_the_total():
    assert frame_durations(4, fps=20) == [50, 50, 50, 50]
    d = frame_durations(30, fps=30, grain=10)  # 33.3 ms -> 30/40 ms steps that add up to 1 s
    assert set(d) <= {30, 40} and sum(d) == 1000
    d = frame_durations(7, duration=2.0, hold_final_s=1.5)
    assert sum(d) == 3500 and d[-1] == round(2000 / 7) + 1500


# ------------------------------------------------------------------ reverse animation, every format
def test_gif_reverse_single_sample_is_pixel_exact(tmp_path):
    traj = record((3, 3, 8, 8), steps=10, snap=5)
    opts = AnimationOptions(sample=1, padding=0, scale=4, fps=25, hold_final_s=0.5)
    out = tmp_path / "one.gif"
    res = export_reverse_animation(traj, out, opts)
    frames, durations, im = decode(out)
    assert im.format == "GIF" and im.info.get("loop") == 0
    assert len(frames) == res.n_frames == len(traj) == 11
    assert res.frame_indices == list(range(11))
    assert im.size == (32, 32) == res.size
    assert durations == res.durations_ms == [40] * 10 + [540]
    for k, fr in enumerate(frames):
        assert np.array_equal(fr[::4, ::4], traj.frame(res.frame_indices[k]).x_t[1]), f"frame {k}"
        assert np.array_equal(fr, fr[::4, ::4].repeat(4, 0).repeat(4, 1)), "nearest-neighbour upscale"


@pytest.mark.parametrize("ext", ["gif", "webp", "apng", "png"])
def test_grid_animation_roundtrip(tmp_path, ext):
    snap = 5 if ext == "gif" else None  # lossless formats need no palette-friendly frames
    traj = record((5, 3, 6, 6), steps=8, snap=snap, seed=1)
    opts = AnimationOptions(scale=3, padding=2, nrow=3, fps=10, hold_final_s=1.0, background="#204060")
    res = export_reverse_animation(traj, tmp_path / f"grid.{ext}", opts)
    frames, durations, im = decode(tmp_path / f"grid.{ext}")
    assert len(frames) == res.n_frames == len(traj)
    assert [int(round(d)) for d in durations] == res.durations_ms == [100] * 8 + [1100]
    for k, fr in enumerate(frames):
        want = expected_grid(traj.frame(res.frame_indices[k]).x_t, 3, 2, nrow=3, bg=(0x20, 0x40, 0x60))
        assert fr.shape == want.shape
        assert np.array_equal(fr, want), f"frame {k} differs"
    assert leftovers(tmp_path) == [f"grid.{ext}"]


def test_gif_of_noisy_rgb_frames_is_close_and_keeps_flat_background(tmp_path):
    traj = record((4, 3, 8, 8), steps=12, sampler="ddim")
    res = export_reverse_animation(traj, tmp_path / "noisy.gif", AnimationOptions(scale=2, padding=3))
    frames, _, _ = decode(tmp_path / "noisy.gif")
    assert len(frames) == res.n_frames
    for k, fr in enumerate(frames):
        want = expected_grid(traj.frame(res.frame_indices[k]).x_t, 2, 3)
        assert np.abs(fr.astype(int) - want).mean() < 12
        border = np.concatenate([fr[:3].reshape(-1, 3), fr[:, :3].reshape(-1, 3)])
        assert (border == 255).all(), "padding must stay exactly the background colour (no dithering)"


def test_grey_trajectory_gif_within_one_level(tmp_path):
    traj = record((4, 1, 8, 8), steps=6)
    res = export_reverse_animation(traj, tmp_path / "grey.gif", AnimationOptions(scale=1, padding=1))
    frames, _, _ = decode(tmp_path / "grey.gif")
    for k, fr in enumerate(frames):
        want = expected_grid(traj.frame(res.frame_indices[k]).x_t, 1, 1)
        assert np.abs(fr.astype(int) - want).max() <= 2


def test_views_both_and_x0(tmp_path):
    traj = record((1, 3, 8, 8), steps=6, snap=4)
    res = export_reverse_animation(traj, tmp_path / "both.apng",
                                   AnimationOptions(view="both", scale=2, padding=1, hold_final_s=0))
    frames, _, _ = decode(tmp_path / "both.apng")
    panel = 16 + 2
    gap = E.view_gap(1)
    assert frames[0].shape == (panel, 2 * panel + gap, 3)
    for k, fr in enumerate(frames):
        f = traj.frame(res.frame_indices[k])
        assert np.array_equal(fr[:, :panel], expected_grid(f.x_t, 2, 1))
        assert np.array_equal(fr[:, panel + gap:], expected_grid(f.x0_pred, 2, 1))
    res = export_reverse_animation(traj, tmp_path / "x0.webp", AnimationOptions(view="x0_pred", scale=1))
    frames, _, _ = decode(tmp_path / "x0.webp")
    assert np.array_equal(frames[2], expected_grid(traj.frame(res.frame_indices[2]).x0_pred, 1, 2))


def test_caption_band_below_the_content(tmp_path):
    traj = record((4, 3, 8, 8), steps=5, snap=5)
    plain = export_reverse_animation(traj, tmp_path / "plain.gif", AnimationOptions(scale=4))
    capt = export_reverse_animation(traj, tmp_path / "capt.gif", AnimationOptions(scale=4, caption=True))
    assert capt.size[0] == plain.size[0] and capt.size[1] > plain.size[1] + 10
    a, _, _ = decode(tmp_path / "plain.gif")
    b, _, _ = decode(tmp_path / "capt.gif")
    h = plain.size[1]
    for k in range(len(a)):
        assert np.array_equal(a[k], b[k][:h])
        band = b[k][h:]
        assert (band != 255).any(), "caption text is drawn"
    assert not np.array_equal(b[0][h:], b[-1][h:]), "the caption changes with t"


def test_end_dense_selection_and_duration(tmp_path):
    traj = record((2, 3, 4, 4), steps=60, sampler="ddpm")
    opts = AnimationOptions(select="end_dense", k=4, duration=3.0, hold_final_s=0.0, scale=2)
    res = export_reverse_animation(traj, tmp_path / "dense.webp", opts)
    assert res.frame_indices == select_frames(len(traj), "end_dense", k=4, max_frames=300)
    frames, durations, _ = decode(tmp_path / "dense.webp")
    assert len(frames) == len(res.frame_indices) == 16
    assert sum(durations) == 3000


def test_identical_frames_are_merged_and_reported(tmp_path):
    traj = record((2, 3, 4, 4), steps=6, snap=3)
    traj._x_t[3] = traj._x_t[2].copy()  # a run that paused for a frame
    res = export_reverse_animation(traj, tmp_path / "m.gif", AnimationOptions(scale=1, fps=10, hold_final_s=0))
    frames, durations, _ = decode(tmp_path / "m.gif")
    assert len(frames) == res.n_frames == len(traj) - 1
    assert 3 not in res.frame_indices and durations == res.durations_ms
    assert durations[res.frame_indices.index(2)] == 200
    assert sum(durations) == 100 * len(traj)


def test_gif_timing_limits(tmp_path):
    traj = record((1, 1, 4, 4), steps=99, sampler="ddpm")
    with pytest.raises(ExportError, match="50 frames per second"):
        export_reverse_animation(traj, tmp_path / "fast.gif", AnimationOptions(fps=100))
    res = export_reverse_animation(traj, tmp_path / "short.gif", AnimationOptions(duration=1.0, hold_final_s=0))
    assert res.n_frames == 50 and min(res.durations_ms) >= 20 and res.total_ms == 1000
    assert res.frame_indices[0] == 0 and res.frame_indices[-1] == len(traj) - 1


def test_points_reverse_animation_with_trails(tmp_path):
    traj = record((300, 2), steps=8, sampler="ddpm", kind="points")
    res = export_reverse_animation(traj, tmp_path / "pts.gif",
                                   AnimationOptions(plot_size=200, trails=10, caption=True, view="both"))
    frames, durations, im = decode(tmp_path / "pts.gif")
    assert len(frames) == res.n_frames == len(traj)
    assert im.size[0] == 2 * 200 + E.view_gap(2) and im.size[1] > 200
    assert not np.array_equal(frames[0], frames[-1])


def test_mp4_when_available(tmp_path):
    if not E.mp4_available():
        pytest.skip("imageio-ffmpeg not installed")
    iio = pytest.importorskip("imageio.v3")
    traj = record((4, 1, 8, 8), steps=10)  # grey: H.264 halves the colour resolution, not the brightness
    res = export_reverse_animation(traj, tmp_path / "a.mp4", AnimationOptions(scale=5, padding=1, fps=10,
                                                                            hold_final_s=0.5))
    video = iio.imread(tmp_path / "a.mp4", plugin="pyav") if _has_pyav() else iio.imread(tmp_path / "a.mp4")
    assert len(video) == res.n_frames == len(traj) + 5  # the hold repeats the last frame at 10 fps
    assert res.frame_indices[-6:] == [len(traj) - 1] * 6
    h, w = video.shape[1:3]
    assert (w, h) == res.size and w % 2 == 0 and h % 2 == 0
    for k in (0, 5, len(video) - 1):
        want = expected_grid(traj.frame(res.frame_indices[k]).x_t, 5, 1)
        got = video[k][:want.shape[0], :want.shape[1]].astype(int)
        assert np.abs(got - want).mean() < 6, f"video frame {k}"


def _has_pyav() -> bool:
    try:
        import av  # noqa: F401
    except ImportError:
        return False
    return True


def test_mp4_missing_says_how_to_enable(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    assert not E.mp4_available()
    traj = record((1, 1, 4, 4), steps=3)
    with pytest.raises(ExportError, match=r'pip install "diffusion-lab\[mp4\]"'):
        export_reverse_animation(traj, tmp_path / "a.mp4")
    assert leftovers(tmp_path) == []


# ------------------------------------------------------------------ failure modes
@pytest.mark.parametrize("ext", ["gif", "webp", "apng", "mp4"])
def test_cancel_leaves_nothing_behind(tmp_path, ext):
    if ext == "mp4" and not E.mp4_available():
        pytest.skip("imageio-ffmpeg not installed")
    traj = record((4, 3, 8, 8), steps=20, sampler="ddim")
    calls = {"n": 0}

    def cancel() -> bool:
        calls["n"] += 1
        return calls["n"] > 3

    seen = []
    with pytest.raises(ExportCancelled):
        export_reverse_animation(traj, tmp_path / f"c.{ext}", AnimationOptions(),
                                 progress=lambda d, t: seen.append((d, t)), cancel=cancel)
    assert leftovers(tmp_path) == []
    assert seen and all(d <= t for d, t in seen)


def test_cancel_during_encoding_leaves_nothing_and_keeps_an_old_file(tmp_path):
    traj = record((4, 3, 8, 8), steps=20, sampler="ddim")
    target = tmp_path / "keep.gif"
    target.write_bytes(b"old")
    total = {}

    def progress(done, t):
        total["last"] = (done, t)

    def cancel():  # let the palette pass finish, stop while the file is being written
        return total.get("last", (0, 1))[0] > total.get("last", (0, 1))[1] // 2

    with pytest.raises(ExportCancelled):
        export_reverse_animation(traj, target, AnimationOptions(), progress=progress, cancel=cancel)
    assert leftovers(tmp_path) == ["keep.gif"] and target.read_bytes() == b"old"


def test_cancel_while_pillow_encodes_drops_the_temp_file(tmp_path, monkeypatch):
    traj = record((2, 3, 8, 8), steps=6)
    pressed = {"cancel": False}
    original = Image.Image.save

    def save(self, *args, **kwargs):  # the user presses Cancel while the WebP encoder runs
        original(self, *args, **kwargs)
        pressed["cancel"] = True

    monkeypatch.setattr(Image.Image, "save", save)
    with pytest.raises(ExportCancelled):
        export_reverse_animation(traj, tmp_path / "late.webp", cancel=lambda: pressed["cancel"])
    assert leftovers(tmp_path) == []


def test_exports_get_ordinary_file_permissions(tmp_path):
    export_reverse_animation(record((1, 1, 4, 4), steps=2), tmp_path / "a.gif")
    export_loss_csv(_history(5), tmp_path / "loss.csv")
    for name in ("a.gif", "loss.csv"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o666 & ~files._UMASK


def test_progress_reaches_the_end(tmp_path):
    traj = record((2, 3, 4, 4), steps=10)
    seen = []
    export_reverse_animation(traj, tmp_path / "p.gif", progress=lambda d, t: seen.append((d, t)))
    assert seen[-1][0] == seen[-1][1] and [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_unknown_extension_and_bad_paths(tmp_path):
    traj = record((1, 1, 4, 4), steps=3)
    with pytest.raises(ExportError, match=r"unknown extension '\.bmp'") as err:
        export_reverse_animation(traj, tmp_path / "a.bmp")
    assert err.value.code == 2
    with pytest.raises(ExportError, match="unknown extension"):
        export_reverse_animation(traj, tmp_path / "noext")
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="is a file, not a folder"):
        export_reverse_animation(traj, blocker / "sub" / "a.gif")
    with pytest.raises(ExportError, match="is a folder"):
        export_reverse_animation(traj, tmp_path)
    with pytest.raises(ExportError, match="unknown extension"):
        export_grid_png(np.zeros((2, 2), np.float32), tmp_path / "g.jpg")
    assert leftovers(tmp_path) == ["file.txt"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can write anywhere")
def test_read_only_folder(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(ExportError, match="no permission"):
            export_reverse_animation(record((1, 1, 4, 4), steps=3), ro / "a.gif")
    finally:
        ro.chmod(0o700)


def test_disk_full_is_a_clear_message(tmp_path, monkeypatch):
    def full(*args, **kwargs):
        yield b"GIF89a"
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(gif, "_gif_chunks", full)
    with pytest.raises(ExportError, match="disk is full"):
        export_reverse_animation(record((1, 1, 4, 4), steps=3), tmp_path / "a.gif")
    assert leftovers(tmp_path) == []


def test_bad_options_name_the_field(tmp_path):
    with pytest.raises(ExportError, match="fps"):
        AnimationOptions(fps=0).validate()
    with pytest.raises(ExportError, match="view"):
        AnimationOptions(view="eps").validate()
    with pytest.raises(ExportError, match="background"):
        AnimationOptions(background="not-a-colour").validate()
    assert AnimationOptions(background="10,20,30").validate().background == (10, 20, 30)
    assert AnimationOptions(background="#fff").validate().background == (255, 255, 255)
    with pytest.raises(ExportError, match="sample: index 9"):
        export_reverse_animation(record((2, 1, 4, 4), steps=2), tmp_path / "a.gif",
                                 AnimationOptions(sample=9))


# ------------------------------------------------------------------ forward and time-lapse
def test_forward_animation_images_shows_q_sample(tmp_path):
    x0 = torch.rand(2, 3, 6, 6) * 2 - 1
    noise = torch.randn(x0.shape, generator=torch.Generator().manual_seed(0))
    opts = AnimationOptions(select="every_k", k=100, scale=2, padding=1, hold_final_s=0)
    res = export_forward_animation(x0, SCHED, tmp_path / "fwd.webp", opts, noise=noise)
    assert res.frame_indices == list(range(0, 1001, 100))
    frames, durations, _ = decode(tmp_path / "fwd.webp")
    assert len(frames) == 11 and durations == [50] * 11
    for k, fr in enumerate(frames):
        p = res.frame_indices[k]
        xt = x0 if p == 0 else q_sample(SCHED, x0, torch.tensor(p - 1), noise)
        assert np.array_equal(fr, expected_grid(to_uint8(xt), 2, 1)), f"t = {p}"


def test_forward_animation_points_start_dense(tmp_path):
    x0 = torch.randn(500, 2) * 0.5
    res = export_forward_animation(x0, SCHED, tmp_path / "fwd.gif",
                                   AnimationOptions(select="end_dense", max_frames=40, plot_size=160, trails=5))
    gaps = np.diff(res.frame_indices)
    assert res.n_frames == 40 and res.frame_indices[:2] == [0, 1] and res.frame_indices[-1] == 1000
    assert (np.diff(gaps) >= 0).all(), "denser near t = 0, where the forward process changes fastest"
    frames, _, im = decode(tmp_path / "fwd.gif")
    assert len(frames) == 40 and im.size == (160, 160)


def test_timelapse_roundtrip(tmp_path):
    rng = np.random.default_rng(0)
    grids = [make_grid(rng.integers(0, 255, (4, 5, 5, 3), dtype=np.uint8), padding=1) for _ in range(6)]
    steps = [0, 50, 100, 150, 200, 250]
    export_timelapse(grids, steps, tmp_path / "tl.apng", AnimationOptions(fps=5, scale=3, caption=True))
    frames, durations, _ = decode(tmp_path / "tl.apng")
    assert len(frames) == 6 and [round(d) for d in durations] == [200] * 5 + [1200]
    h = grids[0].shape[0] * 3
    for k, fr in enumerate(frames):
        assert np.array_equal(fr[:h], grids[k].repeat(3, 0).repeat(3, 1))
    with pytest.raises(ExportError, match="timelapse-every"):
        export_timelapse([], [], tmp_path / "none.gif")


def test_timelapse_recorder_save_load(tmp_path):
    rec = TimelapseRecorder(plot_size=96)
    rec.add(0, np.random.default_rng(0).normal(size=(100, 2)).astype(np.float32))
    rec.add(10, np.random.default_rng(1).normal(size=(100, 2)).astype(np.float32))
    rec.add(5, np.zeros((100, 2), np.float32))  # out of order: ignored
    rec.save(tmp_path / "timelapse.npz")
    frames, steps = load_timelapse(tmp_path)
    assert steps == [0, 10] and frames[0].shape == (96, 96, 3) and frames[0].dtype == np.uint8
    res = export_timelapse(frames, steps, tmp_path / "tl.gif")
    assert res.n_frames == 2
    with pytest.raises(ExportError, match="no time-lapse"):
        load_timelapse(tmp_path / "missing")


# ------------------------------------------------------------------ stills and data
def test_grid_png_and_npy(tmp_path):
    samples = torch.rand(6, 1, 8, 8) * 2 - 1
    res = export_grid_png(samples, tmp_path / "g.png", nrow=3, padding=2, scale=4, background="black")
    img = np.asarray(Image.open(tmp_path / "g.png").convert("RGB"))
    assert img.shape == (2 * 34 + 2, 3 * 34 + 2, 3) and res.size == (img.shape[1], img.shape[0])
    assert np.array_equal(img, expected_grid(to_uint8(samples), 4, 2, nrow=3, bg=(0, 0, 0)))
    export_samples_npy(samples, tmp_path / "s.npy")
    assert np.array_equal(np.load(tmp_path / "s.npy"), samples.numpy())
    pts = np.random.default_rng(0).normal(size=(200, 2)).astype(np.float32)
    res = export_grid_png(pts, tmp_path / "p.png", plot_size=300)
    assert Image.open(tmp_path / "p.png").size == (300, 300)


def test_strip_png_reverse_and_forward(tmp_path):
    traj = record((3, 3, 8, 8), steps=20, sampler="ddim")
    res = export_strip_png(tmp_path / "rev.png", trajectory=traj, ts=[1000, 500, 0], sample=2, scale=4,
                           padding=0)
    img = np.asarray(Image.open(tmp_path / "rev.png").convert("RGB"))
    gap = 8
    assert img.shape[1] == 3 * 32 + 2 * gap and img.shape[0] > 32
    assert np.array_equal(img[:32, :32], expected_grid(traj.frame(0).x_t[2:3], 4, 0))
    assert np.array_equal(img[:32, -32:], expected_grid(traj.frame(len(traj) - 1).x_t[2:3], 4, 0))
    assert E.strip_positions(traj, [1000, 500, 0]) == [0, traj.index_of_step(10), len(traj) - 1]
    x0 = torch.rand(1, 3, 8, 8) * 2 - 1
    res = export_strip_png(tmp_path / "fwd.png", x0=x0, schedule=SCHED, count=5, scale=2)
    assert res.size[0] == 5 * (16 + 4) + 4 * gap
    with pytest.raises(ExportError, match=r"t: values must be in \[0, 1000\]"):
        export_strip_png(tmp_path / "bad.png", x0=x0, schedule=SCHED, ts=[5000])
    pts = torch.randn(300, 2)
    res = export_strip_png(tmp_path / "pts.png", x0=pts, schedule=SCHED, ts=[0, 100, 1000], plot_size=128)
    assert res.size[0] == 3 * 128 + 2 * gap


def _history(n=120):
    h = LossHistory()
    for i in range(n):
        h.append(StepMetrics(i + 1, 1.0 / (1 + 0.05 * i), np.zeros(1), np.zeros(1), 0.5, 1e-3, 0.01, 8), i * 0.01)
    return h


def test_loss_csv_png_svg(tmp_path):
    h = _history()
    export_loss_csv(h, tmp_path / "loss.csv")
    assert (tmp_path / "loss.csv").read_text() == h.to_csv()
    res = export_loss_plot(h, tmp_path / "loss.png", width=640, height=320)
    assert Image.open(tmp_path / "loss.png").size == (640, 320) == res.size
    export_loss_plot(h, tmp_path / "loss.svg", width=500, height=300)
    root = ET.parse(tmp_path / "loss.svg").getroot()
    assert root.get("width") == "500" and root.tag.endswith("svg")
    with pytest.raises(ExportError, match="empty"):
        export_loss_plot(LossHistory(), tmp_path / "empty.png")


def test_write_animation_rejects_bad_input(tmp_path):
    with pytest.raises(ExportError, match="no frames"):
        write_animation([], [], tmp_path / "a.gif")
    with pytest.raises(ValueError, match="uint8"):
        write_animation([np.zeros((4, 4), np.float32)], [10], tmp_path / "a.gif")


# ------------------------------------------------------------------ size and speed
class ArrayTrajectory:
    """The read side of :class:`Trajectory` (what export uses) over one preallocated uint8 array, so the 200-frame
    benchmark does not spend its time building the input."""

    kind = "images"

    def __init__(self, x_t: np.ndarray, timesteps: list[int]):
        self.x_t, self.timesteps = x_t, timesteps
        self.num_steps = len(timesteps) - 1
        self.steps = list(range(len(timesteps)))
        self.final = None

    def __len__(self) -> int:
        return len(self.x_t)

    def frame(self, i: int):
        from engine.samplers import RecordedFrame

        return RecordedFrame(i, self.timesteps[i], self.x_t[i], self.x_t[-1], self.x_t[i])


def synthetic_trajectory(steps=199, n=64, size=32):
    """What DDIM does with a perfect x0 prediction: x_t = sqrt(ab) x0 + sqrt(1 - ab) eps over coloured discs on a
    grey ground, at the 199 trailing timesteps plus the clean result (200 frames)."""
    from engine.samplers import sampling_timesteps

    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:size, 0:size] / size
    centres = rng.uniform(0.2, 0.8, (n, 2))
    radii = rng.uniform(0.15, 0.35, n)
    colours = rng.uniform(-1, 1, (n, 1, 1, 3)).astype(np.float32)
    mask = ((yy[None] - centres[:, :1, None]) ** 2 + (xx[None] - centres[:, 1:, None]) ** 2) < radii[:, None, None] ** 2
    x0 = np.where(mask[..., None], colours, np.float32(-0.6)).astype(np.float32)  # (N, H, W, 3)
    eps = rng.standard_normal(x0.shape).astype(np.float32)
    ts = sampling_timesteps(1000, steps) + [-1]
    ab = SCHED.alpha_bar.numpy().astype(np.float32)
    x_t = np.empty((len(ts), n, size, size, 3), np.uint8)
    for k, t in enumerate(ts):
        a, s = (np.sqrt(ab[t]), np.sqrt(1 - ab[t])) if t >= 0 else (1.0, 0.0)
        v = (a * x0 + s * eps + 1.0) * 127.5
        np.clip(np.rint(v, out=v), 0, 255, out=v)
        x_t[k] = v
    return ArrayTrajectory(x_t, ts)


@pytest.mark.slow
def test_200_frame_grid_gif_is_fast_and_small(tmp_path):
    traj = synthetic_trajectory()
    assert len(traj) == 200
    started = time.monotonic()
    res = export_reverse_animation(traj, tmp_path / "big.gif")
    elapsed = time.monotonic() - started
    im = Image.open(tmp_path / "big.gif")
    assert im.n_frames == res.n_frames == 200 and im.size == (274, 274)
    assert res.bytes < 10 * 2**20, f"{res.bytes / 2**20:.1f} MB"
    assert elapsed < 30, f"{elapsed:.1f} s"  # ~1-2 s on 2 idle cores; generous for loaded CI machines
    im.seek(199)
    final = np.asarray(im.convert("RGB")).astype(int)
    assert np.abs(final - expected_grid(traj.frame(199).x_t, 1, 2)).mean() < 4


def test_captions_use_the_papers_t(tmp_path, monkeypatch):
    """GIF captions count t like the paper (1..T, 0 = clean): the first DDPM frame of T = 1000 is t = 1000, the
    finished sample t = 0; the forward process runs from t = 0 (clean data) to t = T."""
    from engine.export import render

    drawn: list[str] = []
    band = render.caption_band

    def spy(text, *args, **kwargs):
        drawn.append(text)
        return band(text, *args, **kwargs)

    monkeypatch.setattr(render, "caption_band", spy)
    traj = record((1, 1, 4, 4), steps=10)
    result = export_reverse_animation(traj, tmp_path / "r.gif", AnimationOptions(caption=True))
    assert result.frame_indices[0] == 0 and result.frame_indices[-1] == 10
    assert drawn[0] == "step 0/10   t = 1000" and "step 10/10   t = 0 (sample)" in drawn
    drawn.clear()
    result = export_forward_animation(torch.zeros(1, 1, 4, 4), SCHED, tmp_path / "f.gif",
                                      AnimationOptions(caption=True))
    assert result.frame_indices[0] == 0 and result.frame_indices[-1] == 1000
    assert drawn[0] == "t = 0/1000   (clean data)" and "t = 1000/1000" in drawn
    assert E.reverse_caption(3, 50, 979, "x0_pred") == "step 3/50   t = 980   predicted x0"


def test_schedule_csv_rows_are_the_papers_t():
    lines = E.schedule_csv(SCHED).splitlines()
    assert lines[0] == "t (1..T),beta,alpha_bar,sqrt_alpha_bar,sqrt_one_minus_alpha_bar,snr,log_snr"
    first, last = lines[1].split(","), lines[-1].split(",")
    assert len(lines) == 1 + 1000 and first[0] == "1" and last[0] == "1000"
    assert float(first[1]) == pytest.approx(float(SCHED.betas[0]), rel=1e-9)  # row t = 1 holds beta_1
    assert float(first[2]) == pytest.approx(1 - float(SCHED.betas[0]), rel=1e-9)  # alpha_bar_1 = 1 - beta_1
    assert float(last[2]) == pytest.approx(float(SCHED.alpha_bar[-1]), rel=1e-9)
    assert float(last[6]) == pytest.approx(float(SCHED.log_snr[-1]), rel=1e-9)
