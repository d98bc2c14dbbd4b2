"""The 2-D field exports: field.npz (one writer for the CLI and the window), the PNG figure and the animation over t."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from engine.checkpoint import load_checkpoint, trainer_from_checkpoint
from engine.cli import main
from engine.exact import grid_points
from engine.export import ExportError
from engine.export.field import NPZ_KEYS, compute_field, field_series, write_field_npz
from engine.export.field_figure import (
    COLORBAR_PX,
    EXACT_RGB,
    LEARNED_RGB,
    colormap,
    export_field_animation,
    export_field_png,
    heatmap_panel,
)


@pytest.fixture(scope="module")
def trainer(tmp_path_factory):
    run = tmp_path_factory.mktemp("runs") / "moons"
    assert main(["train", "--dataset", "moons", "--steps", "30", "--quiet", "--out", str(run)]) == 0
    trainer = trainer_from_checkpoint(load_checkpoint(run))
    trainer.run_dir = run  # where the CLI reads it from
    return trainer


def test_npz_is_the_file_the_cli_writes(trainer, tmp_path):
    cli_out, ours = tmp_path / "cli.npz", tmp_path / "ours.npz"
    assert main(["field", "--run", str(trainer.run_dir), "--t", "250", "--grid", "7", "--out", str(cli_out)]) == 0
    result = write_field_npz(compute_field(trainer, 250, 7, 3.0), ours)
    assert result.path == ours and result.bytes == ours.stat().st_size
    with np.load(cli_out) as a, np.load(ours) as b:
        assert sorted(a.files) == sorted(b.files) == sorted(NPZ_KEYS)
        for key in NPZ_KEYS:
            assert a[key].shape == b[key].shape and a[key].dtype == b[key].dtype, key
            np.testing.assert_array_equal(a[key], b[key])
        assert b["grid"].shape == (49, 2) and int(b["t"]) == 250 and int(b["timesteps"]) == 1000
        np.testing.assert_allclose(b["grid"], grid_points(7, 3.0).numpy(), atol=1e-7)
        assert b["data"].shape == tuple(trainer.dataset.x.shape)


def test_series_checks_its_arguments_and_stops_when_asked(trainer):
    with pytest.raises(ExportError, match=r"t must be in \[1, 1000\]"):
        field_series(trainer, [0], 8)
    with pytest.raises(ExportError, match="grid must be"):
        field_series(trainer, [5], 1)
    from engine.export import ExportCancelled

    with pytest.raises(ExportCancelled):
        field_series(trainer, [5, 6], 8, should_stop=lambda: True)


def test_png_figure_shows_arrows_and_the_error_heatmap(trainer, tmp_path):
    field = compute_field(trainer, 100, 12, 3.0)
    out = tmp_path / "field.png"
    result = export_field_png(field, out, size=300)
    with Image.open(out) as img:
        assert img.format == "PNG" and img.size == result.size
        rgb = np.asarray(img.convert("RGB")).astype(int)
    assert rgb.shape[1] == 300 + 12 + 300 + 4 + COLORBAR_PX and rgb.shape[0] > 300  # two panels, a caption band
    left = rgb[:300, :300]
    assert (np.abs(left - LEARNED_RGB).sum(-1) == 0).sum() > 200  # learned arrows
    assert (np.abs(left - EXACT_RGB).sum(-1) == 0).sum() > 50  # exact arrows over them
    heat = rgb[:300, 312:612]
    np.testing.assert_array_equal(heat, heatmap_panel(field, 300)[:, :300])
    # the bottom-left pixel is grid point 0, (-3, -3): coloured by its error on the largest error's scale
    error = field.error()
    np.testing.assert_array_equal(heat[-1, 0], colormap(error[:1], error.max())[0])
    assert len(np.unique(heat.reshape(-1, 3), axis=0)) > 10  # a real heatmap, not a flat colour

    plain = tmp_path / "plain.png"
    export_field_png(field, plain, size=300, show_exact=False, heatmap=False)
    with Image.open(plain) as img:
        assert img.size[0] == 300
        assert (np.abs(np.asarray(img.convert("RGB")).astype(int) - EXACT_RGB).sum(-1) == 0).sum() == 0
    with pytest.raises(ExportError, match="unknown extension"):
        export_field_png(field, tmp_path / "field.jpg")


def test_animation_has_one_frame_per_t(trainer, tmp_path):
    ts = [1000, 750, 500, 250, 1]
    fields = field_series(trainer, ts, 8)
    out = tmp_path / "field.gif"
    calls = []
    result = export_field_animation(fields, out, size=160, fps=5, progress=lambda d, t: calls.append((d, t)))
    assert result.frame_indices == ts and calls[-1][0] == calls[-1][1]
    with Image.open(out) as gif:
        assert gif.n_frames == len(ts) and gif.size == result.size
        first = np.asarray(gif.convert("RGB")).copy()
        gif.seek(len(ts) - 1)
        last = np.asarray(gif.convert("RGB"))
    assert not np.array_equal(first, last) and first.std() > 10
