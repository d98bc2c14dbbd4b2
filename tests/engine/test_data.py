"""Built-in data sets, sample distance and the imaging helpers (engine.data, engine.imaging)."""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from engine.config import BUILTIN_DATASETS, POINT_DATASETS, DataConfig
from engine.data import Dataset, digits_split, fresh_points, list_builtin, load_dataset, sliced_wasserstein, toy2d
from engine.data.images import SHAPE_NAMES, digits_split_indices
from engine.errors import DataError
from engine.imaging import make_grid, to_rgb, to_uint8, upscale_nearest

ROOT = Path(__file__).resolve().parents[2]

EXPECTED_CLASSES = {"moons": 2, "swissroll": 0, "gaussians8": 8, "circles": 2, "checkerboard": 0, "spiral": 2}


# --------------------------------------------------------------------------------------------- 2-D sets
@pytest.mark.parametrize("name", POINT_DATASETS)
def test_point_set_shapes_and_labels(name):
    ds = load_dataset(DataConfig(dataset=name, n_points=2000), seed=3)
    assert isinstance(ds, Dataset)
    assert ds.kind == "points" and ds.name == name and ds.warnings == []
    assert ds.x.shape == (2000, 2) and ds.x.dtype == torch.float32
    assert torch.isfinite(ds.x).all()
    assert len(ds) == 2000
    assert ds.num_classes == EXPECTED_CLASSES[name]
    if ds.num_classes:
        assert ds.labels.dtype == torch.int64 and ds.labels.shape == (2000,)
        assert set(ds.labels.tolist()) == set(range(ds.num_classes))  # every class drawn
        assert len(ds.class_names) == ds.num_classes
    else:
        assert ds.labels is None and ds.class_names == []


@pytest.mark.parametrize("name", POINT_DATASETS)
def test_point_set_determinism(name):
    a = load_dataset(DataConfig(dataset=name, n_points=500), seed=7)
    b = load_dataset(DataConfig(dataset=name, n_points=500), seed=7)
    c = load_dataset(DataConfig(dataset=name, n_points=500), seed=8)
    assert torch.equal(a.x, b.x)
    assert (a.labels is None) or torch.equal(a.labels, b.labels)
    assert not torch.equal(a.x, c.x)


@pytest.mark.parametrize("name", POINT_DATASETS)
def test_fresh_points_are_standardized_like_load_dataset(name):
    # Same n and seed: exactly the training draw (one code path, fixed constants).
    loaded = load_dataset(DataConfig(dataset=name, n_points=300), seed=11)
    assert torch.equal(fresh_points(name, 300, 11), loaded.x)
    big = fresh_points(name, 200_000, seed=5)
    assert big.dtype == torch.float32 and big.shape == (200_000, 2)
    assert big.mean(0).abs().max() < 0.02
    assert (big.std(0) - 1).abs().max() < 0.02
    assert not torch.equal(fresh_points(name, 300, 12), loaded.x)


@pytest.mark.parametrize("name", POINT_DATASETS)
def test_hard_coded_stats_match_a_large_draw(name):
    mean, std = toy2d.compute_stats(name, n=400_000, seed=99)
    ref_mean, ref_std = toy2d.STATS[name]
    np.testing.assert_allclose(mean, ref_mean, atol=0.02 * np.max(ref_std))
    np.testing.assert_allclose(std, ref_std, rtol=0.01)


def test_fresh_points_rejects_unknown_name():
    with pytest.raises(DataError, match="not a built-in 2-D dataset"):
        fresh_points("digits", 10, 0)


# --------------------------------------------------------------------------------------------- distance
def test_sliced_wasserstein_separates_distributions():
    data = fresh_points("moons", 4096, seed=1)
    again = fresh_points("moons", 4096, seed=2)
    noise = torch.randn(4096, 2, generator=torch.Generator().manual_seed(0))
    same = sliced_wasserstein(data, again)
    different = sliced_wasserstein(data, noise)
    assert same < 0.06
    assert different > 4 * same
    assert sliced_wasserstein(data, data) == pytest.approx(0.0, abs=1e-12)


def test_sliced_wasserstein_properties():
    a = fresh_points("gaussians8", 2000, seed=1)
    b = fresh_points("gaussians8", 700, seed=2)  # different sizes are fine
    d = sliced_wasserstein(a, b, seed=4)
    assert d == sliced_wasserstein(a, b, seed=4)  # seeded projections: repeatable
    assert d == pytest.approx(sliced_wasserstein(b, a, seed=4), rel=0.05)
    # A pure shift by (3, 0) has SW2 = 3 * sqrt(E[cos^2]) = 3 / sqrt(2) for uniform random directions.
    assert sliced_wasserstein(a, a + torch.tensor([3.0, 0.0]), n_projections=4096) == pytest.approx(2.1213, rel=0.03)
    bad = b.clone()
    bad[0, 0] = float("nan")
    assert sliced_wasserstein(a, bad) == float("inf")
    with pytest.raises(ValueError):
        sliced_wasserstein(a, torch.zeros(10, 3))


# --------------------------------------------------------------------------------------------- digits
def test_digits_native():
    ds = load_dataset(DataConfig(dataset="digits"))
    assert ds.kind == "images" and ds.name == "digits"
    assert ds.x.shape == (1797, 1, 8, 8) and ds.x.dtype == torch.float32
    assert ds.x.min() == -1.0 and ds.x.max() == 1.0
    assert ds.num_classes == 10 and ds.class_names == [str(d) for d in range(10)]
    assert ds.labels.dtype == torch.int64 and set(ds.labels.tolist()) == set(range(10))
    assert ds.channels == 1 and ds.image_size == 8


def test_digits_resized_rgb_and_capped():
    ds = load_dataset(DataConfig(dataset="digits", image_size=16, channels=3, max_items=100), seed=1)
    assert ds.x.shape == (100, 3, 16, 16)
    assert ds.x.min() >= -1 and ds.x.max() <= 1
    assert torch.equal(ds.x[:, 0], ds.x[:, 2])  # grey repeated into RGB
    again = load_dataset(DataConfig(dataset="digits", image_size=16, channels=3, max_items=100), seed=1)
    assert torch.equal(ds.x, again.x) and torch.equal(ds.labels, again.labels)
    assert len(set(ds.labels.tolist())) > 5  # a random subset, not the first 100 of one class


def test_digits_split_disjoint_and_stratified():
    train_idx, held_idx = digits_split_indices(seed=0)
    assert len(np.intersect1d(train_idx, held_idx)) == 0
    assert len(train_idx) + len(held_idx) == 1797
    assert 0.18 < len(held_idx) / 1797 < 0.22
    assert np.array_equal(held_idx, digits_split_indices(seed=0)[1])
    assert not np.array_equal(held_idx, digits_split_indices(seed=1)[1])
    train, held = digits_split(seed=0)
    assert len(train) == len(train_idx) and len(held) == len(held_idx)
    assert np.bincount(held.labels.numpy(), minlength=10).min() >= 30  # every digit held out
    full = load_dataset(DataConfig(dataset="digits"))
    assert torch.equal(held.x, full.x[torch.from_numpy(held_idx)])


# --------------------------------------------------------------------------------------------- shapes
def test_shapes_default_fast_and_deterministic():
    start = time.perf_counter()
    ds = load_dataset(DataConfig(dataset="shapes"), seed=0)
    elapsed = time.perf_counter() - start
    assert ds.x.shape == (4096, 3, 16, 16) and ds.x.dtype == torch.float32
    assert ds.x.min() >= -1 and ds.x.max() <= 1
    assert ds.num_classes == len(SHAPE_NAMES) and ds.class_names == SHAPE_NAMES
    assert set(ds.labels.tolist()) == set(range(len(SHAPE_NAMES)))
    assert elapsed < 2.0, f"shapes took {elapsed:.2f} s"  # ~0.3 s on a laptop core; slack for busy CI
    assert torch.equal(ds.x, load_dataset(DataConfig(dataset="shapes"), seed=0).x)
    assert not torch.equal(ds.x[:10], load_dataset(DataConfig(dataset="shapes", max_items=10), seed=1).x)
    # Antialiased: edge pixels take values between background and shape colour, not only two levels.
    assert len(torch.unique(ds.x[0, 0])) > 2


def test_shapes_any_size_and_grey():
    ds = load_dataset(DataConfig(dataset="shapes", image_size=32, channels=1, max_items=50), seed=2)
    assert ds.x.shape == (50, 1, 32, 32)
    assert ds.x.min() >= -1 and ds.x.max() <= 1


def test_list_builtin_covers_every_builtin():
    entries = list_builtin()
    assert [name for name, _ in entries] == list(BUILTIN_DATASETS)
    assert all(isinstance(desc, str) and desc for _, desc in entries)
    for name, _ in entries:  # every listed name loads
        load_dataset(DataConfig(dataset=name, n_points=64, max_items=8))


def test_unknown_name_is_a_clear_error(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        load_dataset(DataConfig(dataset=str(tmp_path / "nope")))
    with pytest.raises(DataError, match="built-in"):
        load_dataset(DataConfig(dataset="mooons"))


def test_dataset_info():
    models = pytest.importorskip("engine.models")
    if not hasattr(models, "DataInfo"):
        pytest.skip("engine.models.DataInfo not written yet")
    pts = load_dataset(DataConfig(dataset="gaussians8", n_points=64)).info
    assert (pts.kind, pts.num_classes, pts.dim) == ("points", 8, 2)
    img = load_dataset(DataConfig(dataset="digits", max_items=4)).info
    assert (img.kind, img.channels, img.image_size, img.num_classes) == ("images", 1, 8, 10)


# --------------------------------------------------------------------------------------------- imaging
def test_to_uint8_rounding_clipping_and_layout():
    x = torch.tensor([-1.0, 1.0, 0.0, 2.0, -3.0, float("nan"), -0.5, 0.999]).reshape(1, 1, 2, 4)
    out = to_uint8(x)
    assert out.dtype == np.uint8 and out.shape == (1, 2, 4, 1)
    # (v + 1) * 127.5 rounded to nearest: 0 -> 127.5 -> 128; -0.5 -> 63.75 -> 64; 0.999 -> 254.87 -> 255.
    assert out[0, :, :, 0].ravel().tolist() == [0, 255, 128, 255, 0, 128, 64, 255]
    chw = np.zeros((3, 2, 5), dtype=np.float32)
    chw[0] = 1.0  # red channel
    img = to_uint8(chw)
    assert img.shape == (2, 5, 3) and img[..., 0].min() == 255 and img[..., 1].max() == 128


def test_make_grid_pixel_exact():
    imgs = np.array([[[[10]]], [[[20]]], [[[30]]]], dtype=np.uint8)  # three 1x1 grey images
    grid = make_grid(imgs, padding=1, pad_value=7)  # nrow None -> ceil(sqrt(3)) = 2 columns, 2 rows
    expected = np.array([
        [7, 7, 7, 7, 7],
        [7, 10, 7, 20, 7],
        [7, 7, 7, 7, 7],
        [7, 30, 7, 7, 7],
        [7, 7, 7, 7, 7],
    ], dtype=np.uint8)[..., None]
    assert grid.dtype == np.uint8 and np.array_equal(grid, expected)
    row = make_grid(np.ones((3, 2, 2, 3), dtype=np.uint8) * 9, nrow=3, padding=0)
    assert row.shape == (2, 6, 3) and (row == 9).all()
    assert make_grid(np.zeros((5, 4, 6, 3), dtype=np.uint8), nrow=2, padding=2).shape == (3 * 6 + 2, 2 * 8 + 2, 3)


def test_upscale_and_to_rgb():
    img = np.array([[1, 2], [3, 4]], dtype=np.uint8)[..., None]
    up = upscale_nearest(img, 2)
    assert up.shape == (4, 4, 1)
    assert up[..., 0].tolist() == [[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]
    assert upscale_nearest(np.zeros((5, 2, 3, 1)), 3).shape == (5, 6, 9, 1)
    rgb = to_rgb(img)
    assert rgb.shape == (2, 2, 3) and (rgb[..., 0] == rgb[..., 2]).all()
    colour = np.zeros((2, 2, 3), dtype=np.uint8)
    assert to_rgb(colour) is colour
    with pytest.raises(ValueError):
        to_rgb(np.zeros((2, 2, 4)))


def test_shipped_digits_equal_the_uci_copy_in_scikit_learn():
    """resources/data/digits.npz is the UCI test set exactly as scikit-learn redistributes it (same order)."""
    sklearn_datasets = pytest.importorskip("sklearn.datasets")
    from engine.data.images import _digits_arrays

    images, labels = _digits_arrays()
    reference = sklearn_datasets.load_digits()
    assert images.shape == (1797, 1, 8, 8) and images.dtype == np.float32
    np.testing.assert_array_equal(images[:, 0], reference.images.astype(np.float32) / 16.0 * 2.0 - 1.0)
    np.testing.assert_array_equal(labels, reference.target)


def test_digits_load_without_scikit_learn():
    """The app's run time never imports scikit-learn (nor the scipy it drags into the bundle)."""
    code = ("import sys; from engine.data import load_dataset; from engine.config import DataConfig;"
            "ds = load_dataset(DataConfig(dataset='digits'), 0); assert ds.x.shape[0] > 1000;"
            "assert 'sklearn' not in sys.modules and 'scipy' not in sys.modules, sorted(m for m in sys.modules"
            " if m.split('.')[0] in ('sklearn', 'scipy'))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
