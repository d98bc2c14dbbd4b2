"""User data sources under abuse: broken, exotic, huge, looping, vanishing and malicious files.

Every file is built here in tmp_path with Pillow / numpy / gzip / struct; nothing is downloaded.
"""
from __future__ import annotations

import gzip
import io
import os
import pathlib
import resource
import struct
import sys
import time
import zlib

import numpy as np
import pytest
import torch
from PIL import Image

from engine.config import DataConfig
from engine.data import load_dataset, sources
from engine.errors import DataError


def load(path, seed=0, **data_fields):
    return load_dataset(DataConfig(dataset=str(path), **data_fields), seed=seed)


def save_rgb(path, colour=(200, 30, 30), size=(12, 10)):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path)


def save_grey(path, value=100, size=(10, 10)):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("L", size, value).save(path)


def png_with_header(width: int, height: int) -> bytes:
    """A structurally valid PNG whose IHDR claims ``width`` x ``height`` but whose data is a few bytes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + chunk(b"IEND", b""))


def noisy_image_bytes(fmt: str) -> bytes:
    buf = io.BytesIO()
    Image.effect_noise((64, 64), 60).convert("RGB").save(buf, fmt)
    return buf.getvalue()


# --------------------------------------------------------------------------------------------- folders
def test_empty_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError) as err:
        load(tmp_path / "empty")
    assert str(tmp_path / "empty") in str(err.value) and "no images" in str(err.value)


def test_folder_of_non_images(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("hello")
    (folder / "b.csv").write_text("1,2\n")
    (folder / "fake.png").write_text("this is not a png")
    (folder / ".DS_Store").write_bytes(b"\x00")  # hidden OS clutter: ignored, not even named
    with pytest.raises(DataError) as err:
        load(folder)
    msg = str(err.value)
    assert str(folder) in msg and "3 items skipped" in msg
    assert "a.txt: not an image" in msg and "b.csv" in msg and "fake.png: not a readable image" in msg
    assert ".DS_Store" not in msg


def test_truncated_png_and_jpeg_are_skipped_and_named(tmp_path):
    folder = tmp_path / "mixed"
    for i in range(3):
        save_rgb(folder / f"good{i}.png", colour=(10 * i, 100, 200))
    (folder / "cut.png").write_bytes(noisy_image_bytes("PNG")[:400])
    jpeg = noisy_image_bytes("JPEG")
    (folder / "cut.jpg").write_bytes(jpeg[: len(jpeg) // 2])
    ds = load(folder)
    assert len(ds) == 3 and ds.x.shape == (3, 3, 32, 32)
    joined = "\n".join(ds.warnings)
    assert len(ds.warnings) == 2
    assert "cut.png" in joined and "cut.jpg" in joined and "truncated" in joined


def test_every_pillow_mode_loads(tmp_path):
    folder = tmp_path / "modes"
    folder.mkdir()
    Image.fromarray(np.full((9, 9), 65535, np.uint16)).save(folder / "grey16.png")  # opens as I;16
    Image.fromarray(np.full((9, 9), 40000, np.int32)).save(folder / "int32.tif")  # mode I
    Image.fromarray(np.full((9, 9), 0.25, np.float32)).save(folder / "float.tif")  # mode F
    palette = Image.new("P", (9, 9), 1)
    palette.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    palette.save(folder / "palette_transparent.png", transparency=0)
    palette.save(folder / "palette.gif")
    Image.new("RGBA", (9, 9), (0, 0, 255, 0)).save(folder / "rgba_clear.png")  # fully transparent
    Image.new("LA", (9, 9), (0, 128)).save(folder / "la.png")
    Image.new("CMYK", (9, 9), (0, 255, 255, 0)).save(folder / "cmyk.jpg")
    Image.new("1", (9, 9), 1).save(folder / "bilevel.bmp")
    Image.new("L", (9, 9), 50).save(folder / "grey.webp")
    Image.new("RGB", (16, 9), (0, 255, 0)).save(folder / "wide.tiff")
    ds = load(folder)
    assert ds.warnings == [] and len(ds) == 11
    assert ds.x.shape == (11, 3, 32, 32) and ds.x.min() >= -1 and ds.x.max() <= 1
    by_name = dict(zip(sorted(p.name for p in folder.iterdir()), ds.x))
    assert torch.allclose(by_name["grey16.png"], torch.ones(3, 32, 32), atol=1e-3)  # 65535 -> white
    assert torch.allclose(by_name["rgba_clear.png"], torch.ones(3, 32, 32), atol=1e-3)  # composited on white
    assert by_name["cmyk.jpg"][0].mean() > 0.8 and by_name["cmyk.jpg"][1].mean() < -0.8  # CMYK red -> RGB red
    la = by_name["la.png"][0].mean().item()
    assert -0.1 < la < 0.1  # black at half alpha over white: mid grey


def test_grey_only_folder_is_one_channel(tmp_path):
    folder = tmp_path / "grey"
    folder.mkdir()
    Image.fromarray(np.full((9, 9), 1000, np.uint16)).save(folder / "g16.png")
    Image.new("L", (9, 9), 50).save(folder / "l.png")
    grey_palette = Image.new("P", (9, 9), 3)
    grey_palette.putpalette([v for v in range(256) for _ in range(3)])
    grey_palette.save(folder / "greypal.png")
    Image.new("LA", (9, 9), (20, 255)).save(folder / "la.png")
    ds = load(folder, image_size=8)
    assert ds.x.shape == (4, 1, 8, 8) and ds.channels == 1
    colour = load(folder, image_size=8, channels=3)
    assert colour.x.shape == (4, 3, 8, 8)


def test_huge_image_headers_are_refused_without_decoding(tmp_path, monkeypatch):
    folder = tmp_path / "huge"
    save_rgb(folder / "ok.png")
    (folder / "giant.png").write_bytes(png_with_header(20000, 20000))  # 400 Mpx: Pillow's bomb error
    (folder / "big.png").write_bytes(png_with_header(10000, 10000))  # 100 Mpx: Pillow's bomb warning
    (folder / "large.png").write_bytes(png_with_header(10000, 6000))  # 60 Mpx: only our own limit
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    ds = load(folder)
    assert time.perf_counter() - start < 5
    assert len(ds) == 1
    joined = "\n".join(ds.warnings)
    assert len(ds.warnings) == 3
    assert "giant.png" in joined and "big.png" in joined and "large.png: too large (10000x6000" in joined
    # Even with Pillow's protection switched off by someone else, our header check refuses the file.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    ds = load(folder)
    assert len(ds) == 1 and "giant.png: too large (20000x20000" in "\n".join(ds.warnings)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss is bytes on macOS, KiB on Linux
    assert grown * scale < 300 * 1024**2  # decoding any of these would take 60..400 MB at least


def test_huge_single_image_file_is_a_clear_error(tmp_path):
    path = tmp_path / "panorama.png"
    path.write_bytes(png_with_header(20000, 20000))
    with pytest.raises(DataError, match="panorama.png"):
        load(path)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks on this platform")
def test_symlink_loop_is_walked_once(tmp_path):
    folder = tmp_path / "loopy"
    save_rgb(folder / "a.png")
    save_rgb(folder / "sub" / "b.png")
    try:
        os.symlink(folder, folder / "loop")
        os.symlink(folder, folder / "sub" / "up")
    except OSError:
        pytest.skip("creating symlinks is not permitted here")
    start = time.perf_counter()
    ds = load(folder)
    assert time.perf_counter() - start < 5
    assert len(ds) == 2
    assert any("loop" in w and "already visited" in w for w in ds.warnings)


def test_file_vanishing_mid_load(tmp_path, monkeypatch):
    folder = tmp_path / "flaky"
    for i in range(4):
        save_rgb(folder / f"img{i}.png")
    real_open = sources._open_image

    def open_after_deleting_one(path):
        if path.name == "img2.png":
            os.remove(path)  # gone between listing and reading, as if another program deleted it
        return real_open(path)

    monkeypatch.setattr(sources, "_open_image", open_after_deleting_one)
    ds = load(folder)
    assert len(ds) == 3
    assert ds.warnings == ["img2.png: vanished while loading (file not found)"]


def test_class_subfolders_become_labels(tmp_path):
    root = tmp_path / "pets"
    for i in range(3):
        save_rgb(root / "cats" / f"c{i}.png", colour=(250, 0, 0))
    for i in range(2):
        save_rgb(root / "dogs" / "nested" / f"d{i}.jpg", colour=(0, 0, 250))  # deeper folders keep the class
    (root / "empty_class").mkdir()
    ds = load(root, image_size=8)
    assert ds.class_names == ["cats", "dogs"] and ds.num_classes == 2
    assert ds.labels.tolist() == [0, 0, 0, 1, 1]
    assert ds.x[:3, 0].mean() > 0.8 and ds.x[3:, 2].mean() > 0.8  # images match their labels
    save_rgb(root / "loose.png")
    mixed = load(root, image_size=8)
    assert mixed.class_names == ["(top level)", "cats", "dogs"]


def test_flat_folder_or_single_class_is_unlabeled(tmp_path):
    save_grey(tmp_path / "flat" / "a.png")
    save_grey(tmp_path / "flat" / "b.png")
    ds = load(tmp_path / "flat")
    assert ds.labels is None and ds.num_classes == 0 and ds.x.shape == (2, 1, 32, 32)
    save_grey(tmp_path / "one" / "only" / "a.png")
    assert load(tmp_path / "one").labels is None


def test_max_items_caps_and_skips_past_broken_files(tmp_path):
    root = tmp_path / "cap"
    for cls in ("a", "b"):
        for i in range(10):
            save_grey(root / cls / f"{i}.png", value=20 * i)
    (root / "a" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    first = load(root, max_items=12, seed=5)
    assert len(first) == 12 and set(first.labels.tolist()) == {0, 1}
    again = load(root, max_items=12, seed=5)
    assert torch.equal(first.x, again.x) and torch.equal(first.labels, again.labels)
    assert len(load(root, max_items=21)) == 20  # asks for more than exists: all good ones, broken one named


def test_thousand_small_images_load_fast(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i in range(1000):
        Image.fromarray(rng.integers(0, 255, (16, 16, 3), dtype=np.uint8)).save(folder / f"{i:04d}.png")
    start = time.perf_counter()
    ds = load(folder)
    elapsed = time.perf_counter() - start
    assert len(ds) == 1000 and ds.x.shape == (1000, 3, 32, 32)
    assert elapsed < 2.0, f"1000 images took {elapsed:.2f} s"


def test_single_image_file(tmp_path):
    path = tmp_path / "photo.jpg"
    save_rgb(path, size=(300, 200))
    ds = load(path)
    assert len(ds) == 1 and ds.x.shape == (1, 3, 128, 128)  # power of two <= shorter side, at most 128
    assert ds.name == "photo.jpg" and ds.labels is None
    assert load(path, image_size=16, channels=1).x.shape == (1, 1, 16, 16)
    small = tmp_path / "icon.png"
    save_rgb(small, size=(40, 50))
    assert load(small).x.shape == (1, 3, 32, 32)
    (tmp_path / "bad.png").write_bytes(b"nope")
    with pytest.raises(DataError, match="bad.png"):
        load(tmp_path / "bad.png")


def test_unknown_file_type(tmp_path):
    path = tmp_path / "model.bin"
    path.write_bytes(b"\x01\x02\x03\x04")
    with pytest.raises(DataError, match="unrecognised file type"):
        load(path)


# --------------------------------------------------------------------------------------------- IDX
def write_idx(path, magic, dims, payload, compress=False):
    data = struct.pack(">I", magic) + struct.pack(f">{len(dims)}I", *dims) + payload
    path.write_bytes(gzip.compress(data) if compress else data)


def test_idx_images_and_labels_gzip(tmp_path):
    pixels = np.arange(5 * 6 * 6, dtype=np.uint8).reshape(5, 6, 6) * 7
    write_idx(tmp_path / "train-images-idx3-ubyte.gz", 0x803, (5, 6, 6), pixels.tobytes(), compress=True)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", 0x801, (5,), bytes([3, 1, 4, 1, 5]), compress=True)
    ds = load(tmp_path / "train-images-idx3-ubyte.gz")
    assert ds.x.shape == (5, 1, 6, 6)
    assert torch.allclose(ds.x[:, 0], torch.from_numpy(pixels.astype(np.float32) / 127.5 - 1))
    assert ds.labels.tolist() == [3, 1, 4, 1, 5] and ds.num_classes == 6
    assert load(tmp_path / "train-images-idx3-ubyte.gz", image_size=12, max_items=3).x.shape == (3, 1, 12, 12)


def test_idx_without_labels_file(tmp_path):
    write_idx(tmp_path / "t10k-images-idx3-ubyte", 0x803, (2, 4, 4), bytes(32))
    ds = load(tmp_path / "t10k-images-idx3-ubyte")
    assert ds.labels is None and ds.x.shape == (2, 1, 4, 4)


def test_idx_wrong_magic(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte"
    write_idx(path, 0x00000D03, (2, 4, 4), bytes(32))  # 0x0D = float, not unsigned bytes
    with pytest.raises(DataError) as err:
        load(path)
    msg = str(err.value)
    assert str(path) in msg and "0x00000D03" in msg and "0x00000803" in msg


def test_idx_wrong_size(tmp_path):
    short = tmp_path / "short-images-idx3-ubyte"
    write_idx(short, 0x803, (10, 28, 28), bytes(100))
    with pytest.raises(DataError) as err:
        load(short)
    assert "short-images-idx3-ubyte" in str(err.value) and "7856 bytes" in str(err.value) and "116" in str(err.value)
    long = tmp_path / "long-images-idx3-ubyte"
    write_idx(long, 0x803, (1, 2, 2), bytes(10))
    with pytest.raises(DataError, match="should be 20 bytes"):
        load(long)


def test_idx_gzip_bomb_declared_size_is_refused_before_reading(tmp_path):
    path = tmp_path / "bomb-images-idx3-ubyte.gz"
    write_idx(path, 0x803, (100_000, 4096, 4096), b"", compress=True)  # declares 1.6 TB
    with pytest.raises(DataError, match="declares"):
        load(path)


def test_idx_label_count_mismatch(tmp_path):
    write_idx(tmp_path / "a-images-idx3-ubyte", 0x803, (3, 2, 2), bytes(12))
    write_idx(tmp_path / "a-labels-idx1-ubyte", 0x801, (2,), bytes(2))
    with pytest.raises(DataError, match="2 labels but"):
        load(tmp_path / "a-images-idx3-ubyte")


# --------------------------------------------------------------------------------------------- npy / npz
class _Exploit:
    """Unpickling this touches a marker file: proof that a loader unpickled untrusted data."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (pathlib.Path.touch, (pathlib.Path(self.marker),))


@pytest.mark.parametrize("layout", ["nhw", "nhwc", "nchw", "nhwc1"])
def test_npy_layouts_and_ranges(tmp_path, layout):
    rng = np.random.default_rng(0)
    base = rng.integers(0, 256, (4, 3, 10, 10), dtype=np.uint8)
    arr = {"nhw": base[:, 0], "nhwc": base.transpose(0, 2, 3, 1), "nchw": base,
           "nhwc1": base[:, :1].transpose(0, 2, 3, 1)}[layout]
    np.save(tmp_path / "x.npy", arr)
    ds = load(tmp_path / "x.npy")
    channels = 3 if layout in ("nhwc", "nchw") else 1
    assert ds.x.shape == (4, channels, 10, 10)
    assert torch.allclose(ds.x, torch.from_numpy(base[:, :channels].astype(np.float32) / 127.5 - 1))


def test_float_ranges_detected(tmp_path):
    unit = np.linspace(0, 1, 4 * 8 * 8, dtype=np.float32).reshape(4, 8, 8)
    np.save(tmp_path / "unit.npy", unit)
    assert load(tmp_path / "unit.npy").x.min() == -1 and load(tmp_path / "unit.npy").x.max() == 1
    np.save(tmp_path / "sym.npy", unit * 2 - 1.5)  # spans [-1.5, 0.5]: neither range
    with pytest.raises(DataError, match=r"span \[-1.5, 0.5\]"):
        load(tmp_path / "sym.npy")
    np.save(tmp_path / "byte_floats.npy", unit * 255)
    with pytest.raises(DataError, match="0..255 stored as float"):
        load(tmp_path / "byte_floats.npy")
    nan = unit.copy()
    nan[0, 0, 0] = np.nan
    np.save(tmp_path / "nan.npy", nan)
    with pytest.raises(DataError, match="NaN"):
        load(tmp_path / "nan.npy")


def test_npz_with_labels(tmp_path):
    x = np.zeros((6, 8, 8, 3), dtype=np.uint8)
    np.savez(tmp_path / "d.npz", images=x, labels=np.array([0, 1, 2, 0, 1, 2]))
    ds = load(tmp_path / "d.npz", image_size=4)
    assert ds.x.shape == (6, 3, 4, 4) and ds.num_classes == 3 and ds.labels.tolist() == [0, 1, 2, 0, 1, 2]


def test_npz_wrong_shape(tmp_path):
    path = tmp_path / "bad_shape.npz"
    np.savez(path, x=np.zeros((4, 5, 6, 7), dtype=np.uint8))
    with pytest.raises(DataError) as err:
        load(path)
    msg = str(err.value)
    assert str(path) in msg and "(4, 5, 6, 7)" in msg and "expected" in msg


@pytest.mark.parametrize("bad", [np.zeros((2, 4, 4), dtype=np.complex64), np.full((2, 4, 4), "a"),
                                 np.zeros((2, 4, 4), dtype=np.int64)], ids=["complex", "strings", "int64"])
def test_npz_wrong_dtype(tmp_path, bad):
    path = tmp_path / "bad_dtype.npz"
    np.savez(path, x=bad)
    with pytest.raises(DataError) as err:
        load(path)
    assert str(bad.dtype) in str(err.value) and "uint8" in str(err.value)


def test_npz_unknown_keys(tmp_path):
    np.savez(tmp_path / "k.npz", pixels=np.zeros((2, 4, 4), np.uint8))
    with pytest.raises(DataError, match="keys: pixels"):
        load(tmp_path / "k.npz")


@pytest.mark.parametrize("suffix", [".npz", ".npy", ".points.npy"])
def test_pickled_object_arrays_are_never_unpickled(tmp_path, suffix):
    marker = tmp_path / "pwned"
    payload = np.empty(2, dtype=object)
    payload[0] = _Exploit(str(marker))
    payload[1] = _Exploit(str(marker))
    path = tmp_path / f"evil{suffix}"
    if suffix == ".npz":
        np.savez(path, x=payload)
    else:
        np.save(path, payload, allow_pickle=True)
    with pytest.raises(DataError, match="never loaded"):
        load(path)
    assert not marker.exists()


def test_corrupt_npz(tmp_path):
    (tmp_path / "broken.npz").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(DataError, match="broken.npz"):
        load(tmp_path / "broken.npz")


def test_npy_of_points_hints_at_points_name(tmp_path):
    np.save(tmp_path / "pts.npy", np.zeros((10, 2)))
    with pytest.raises(DataError, match=r"\.points\.npy"):
        load(tmp_path / "pts.npy")


# --------------------------------------------------------------------------------------------- user points
def test_points_csv_with_header_and_nan_rows(tmp_path):
    path = tmp_path / "pts.csv"
    rows = ["x,y"] + [f"{i},{2 * i + 1}" for i in range(10)] + ["nan,3", "4,inf", "", "# a comment"]
    path.write_text("\n".join(rows))
    ds = load(path)
    assert ds.kind == "points" and ds.x.shape == (10, 2) and ds.labels is None
    assert torch.allclose(ds.x.mean(0), torch.zeros(2), atol=1e-6)
    assert torch.allclose(ds.x.std(0, unbiased=False), torch.ones(2), atol=1e-5)
    assert len(ds.warnings) == 2
    assert ds.warnings[0].startswith("pts.csv line 12: non-finite value")


def test_points_txt_whitespace_and_points_npy(tmp_path):
    (tmp_path / "p.txt").write_text("1 2\n3\t4\n5  7\n")
    assert load(tmp_path / "p.txt").x.shape == (3, 2)
    arr = np.random.default_rng(0).normal(5, 3, (50, 2))
    arr[7] = np.nan
    np.save(tmp_path / "p.points.npy", arr)
    ds = load(tmp_path / "p.points.npy")
    assert ds.x.shape == (49, 2) and ds.warnings == ["p.points.npy row 7: non-finite value; row skipped"]


def test_points_files_refused(tmp_path):
    (tmp_path / "three.csv").write_text("1,2,3\n4,5,6\n")
    with pytest.raises(DataError, match="three.csv line 1: found 3 columns"):
        load(tmp_path / "three.csv")
    (tmp_path / "allnan.csv").write_text("x,y\nnan,nan\nnan,1\n")
    with pytest.raises(DataError, match="allnan.csv: found 0 usable rows"):
        load(tmp_path / "allnan.csv")
    np.save(tmp_path / "wide.points.npy", np.zeros((5, 3)))
    with pytest.raises(DataError, match=r"shape \(5, 3\)"):
        load(tmp_path / "wide.points.npy")
    (tmp_path / "latin.csv").write_bytes(b"x,y\n1,\xe9\n")
    with pytest.raises(DataError, match="not a UTF-8 text file"):
        load(tmp_path / "latin.csv")
