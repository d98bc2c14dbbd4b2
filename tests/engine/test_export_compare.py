"""Comparison export: the t-alignment rule, the clip's t values, and a GIF decoded back (frame count, width)."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from engine.export.compare import (
    COMPARISON_OPTIONS,
    CompareColumn,
    aligned_index,
    column_label,
    comparison_ts,
    compose_comparison,
    export_comparison_animation,
)
from engine.samplers import record, run_sampler
from engine.schedules import NoiseSchedule

SCHED = NoiseSchedule("linear", 100)


def toy_denoiser(x, t):
    return x * 0.5, x * 0.1


def column(sampler: str, steps: int, shape=(64, 2), seed: int = 0) -> CompareColumn:
    nfe: dict[int, int] = {}
    frames = run_sampler(toy_denoiser, SCHED, shape, sampler=sampler, steps=steps, seed=seed)
    traj = record(frames, "points" if len(shape) == 2 else "images",
                  on_frame=lambda f: nfe.__setitem__(f.step, f.nfe))
    return CompareColumn(f"{sampler}-{steps}", traj, [nfe[s] for s in traj.steps])


def test_aligned_index_is_the_latest_frame_still_at_or_above_t():
    ts = [100, 80, 60, 40, 20, 0]
    assert aligned_index(ts, 100) == 0
    assert aligned_index(ts, 81) == 0
    assert aligned_index(ts, 80) == 1
    assert aligned_index(ts, 79) == 1
    assert aligned_index(ts, 1) == 4
    assert aligned_index(ts, 0) == 5
    assert aligned_index([90, 50, 0], 100) == 0  # a run that starts below T shows its first frame


def test_comparison_ts_is_the_descending_union_thinned_to_the_cap():
    cols = [column("ddim", 5), column("heun", 4)]
    union = sorted(set(cols[0].frame_ts()) | set(cols[1].frame_ts()), reverse=True)
    assert comparison_ts(cols) == union and union[0] == 100 and union[-1] == 0
    long = [column("ddpm", 100), cols[0]]
    thinned = comparison_ts(long, max_frames=30)
    assert len(thinned) == 30 and thinned[0] == 100 and thinned[-1] == 0
    assert thinned == sorted(thinned, reverse=True)


def test_heun_nfe_and_labels():
    heun = column("heun", 10)
    assert len(heun.trajectory) == 11 and heun.nfe[-1] == 19
    assert column_label(heun, 10) == "heun-10 · t = 0 · NFE 19"


def test_gif_of_points_has_one_frame_per_t_and_the_columns_side_by_side(tmp_path):
    cols = [column("ddim", 5), column("dpmpp_2m", 5), column("heun", 4)]
    result = export_comparison_animation(cols, tmp_path / "cmp.gif", COMPARISON_OPTIONS.replace(plot_size=128))
    ts = comparison_ts(cols)
    assert result.frame_indices == ts
    with Image.open(tmp_path / "cmp.gif") as im:
        assert im.n_frames == len(ts)
        assert im.size[0] == 3 * 128 == result.size[0]


def test_images_compose_with_equal_columns(tmp_path):
    cols = [column("ddim", 4, shape=(4, 1, 8, 8)), column("euler", 4, shape=(4, 1, 8, 8))]
    picture = compose_comparison(cols, 50)
    assert picture.dtype == np.uint8 and picture.ndim == 3 and picture.shape[2] == 3
    single = compose_comparison(cols[:1], 50)
    assert picture.shape[1] == 2 * single.shape[1]
    result = export_comparison_animation(cols, tmp_path / "img.gif")
    with Image.open(tmp_path / "img.gif") as im:
        assert im.n_frames == len(comparison_ts(cols)) == result.n_frames and im.size[0] == picture.shape[1]


def test_nothing_to_export_is_a_user_error(tmp_path):
    from engine.export import ExportError

    with pytest.raises(ExportError):
        export_comparison_animation([], tmp_path / "x.gif")


def test_animation_options_pick_frames_timing_size_and_format(tmp_path):
    from engine.export import AnimationOptions, ExportError

    cols = [column("ddim", 5), column("heun", 4)]
    every_t = comparison_ts(cols)
    opts = AnimationOptions(fps=10.0, select="every_k", k=2, hold_final_s=0.0, plot_size=96, scale=2)
    result = export_comparison_animation(cols, tmp_path / "cmp.webp", opts)
    picked = every_t[::2] if (len(every_t) - 1) % 2 == 0 else every_t[::2] + [every_t[-1]]
    assert result.format == "webp" and result.frame_indices == picked and result.frame_indices[-1] == 0
    assert result.durations_ms == [100] * len(picked)
    with Image.open(tmp_path / "cmp.webp") as im:
        assert im.n_frames == len(picked) and im.size[0] == 2 * 96 * 2 == result.size[0]
    with pytest.raises(ExportError, match="not both"):
        export_comparison_animation(cols, tmp_path / "both.gif", AnimationOptions(view="both"))
