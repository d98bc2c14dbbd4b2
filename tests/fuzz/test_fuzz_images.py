"""Fuzz image files and image folders (engine/data/sources.py, through engine.data.load_dataset).

Valid small images in every format and odd mode we accept (P with transparency, LA, I;16, I, F, CMYK, 1, RGBA) with
bytes flipped or truncated, width/height in the header replaced by huge or zero values (PNG with a fixed CRC, so
the header is believed), zero-byte files and random bytes. The property: one image -> a DataError naming the file
or a finite dataset in [-1, 1]; a folder -> the broken files are skipped and named in the warnings, or a
DataError naming the folder when nothing is usable.
"""
from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
import torch
from fuzz_support import expect_user_error, mutated_bytes, no_writes_outside
from hypothesis import example, given
from hypothesis import strategies as st
from PIL import Image

from engine.config import DataConfig
from engine.data import load_dataset
from engine.errors import DataError

pytestmark = [pytest.mark.fuzz, pytest.mark.timeout(300)]


def _image(mode: str) -> Image.Image:
    base = Image.fromarray((np.arange(6 * 5 * 3) * 7 % 256).astype(np.uint8).reshape(6, 5, 3), "RGB")
    if mode == "I;16":
        return Image.fromarray((np.arange(30) * 2000).astype(np.uint16).reshape(6, 5))
    if mode == "F":
        return Image.fromarray(np.linspace(-3, 7, 30, dtype=np.float32).reshape(6, 5))
    if mode == "P+t":
        img = base.convert("P")
        img.info["transparency"] = 0
        return img
    return base.convert(mode)


def encode(mode: str, fmt: str) -> bytes:
    buf = io.BytesIO()
    img = _image(mode)
    kwargs = {"transparency": 0} if mode == "P+t" and fmt in ("PNG", "GIF") else {}
    img.save(buf, fmt, **kwargs)
    return buf.getvalue()


# (mode, format) pairs Pillow can write; each is a seed for the byte mutations
SEEDS = {}
for _fmt, _modes in {"PNG": ["RGB", "RGBA", "LA", "L", "1", "P", "P+t", "I;16", "I"],
                     "TIFF": ["CMYK", "I;16", "F", "RGB", "LA", "1"], "JPEG": ["RGB", "L", "CMYK"],
                     "GIF": ["P", "P+t", "L"], "BMP": ["RGB", "P", "1"], "WEBP": ["RGB", "RGBA"]}.items():
    for _mode in _modes:
        try:
            SEEDS[(_mode, _fmt)] = encode(_mode, _fmt)
        except (OSError, ValueError, KeyError):  # a Pillow build without that codec
            pass
EXT = {"PNG": ".png", "TIFF": ".tif", "JPEG": ".jpg", "GIF": ".gif", "BMP": ".bmp", "WEBP": ".webp"}
SEED_KEYS = sorted(SEEDS)


def png_with_size(width: int, height: int, data: bytes = SEEDS[("RGB", "PNG")]) -> bytes:
    """The seed PNG with its IHDR width/height replaced and the chunk CRC fixed, so Pillow believes it."""
    ihdr = bytearray(data[16:29])
    ihdr[0:8] = struct.pack(">II", width, height)
    chunk = b"IHDR" + bytes(ihdr)
    return data[:8] + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk)) + data[33:]


def bmp_with_size(width: int, height: int) -> bytes:
    data = bytearray(SEEDS[("RGB", "BMP")])
    data[18:26] = struct.pack("<II", width % 2**32, height % 2**32)  # signed fields: 2**32 - 1 reads as -1
    return bytes(data)


SIZES = st.one_of(st.integers(0, 8), st.sampled_from([2**31 - 1, 2**32 - 1, 65535, 100_000, 7071, 50_000_001]))


@st.composite
def image_files(draw) -> tuple[bytes, str]:
    key = draw(st.sampled_from(SEED_KEYS))
    ext = EXT[key[1]] if draw(st.integers(0, 9)) else draw(st.sampled_from(list(EXT.values())))  # misnamed
    kind = draw(st.sampled_from(["mutate", "mutate", "png_size", "bmp_size", "random"]))
    if kind == "png_size":
        return png_with_size(draw(SIZES), draw(SIZES)), ".png"
    if kind == "bmp_size":
        return bmp_with_size(draw(st.one_of(SIZES, st.just(-5))), draw(st.one_of(SIZES, st.just(-2**31)))), ".bmp"
    if kind == "random":
        return draw(st.binary(max_size=200)), ext
    return draw(mutated_bytes(SEEDS[key], max_flips=4)), ext


def _check_dataset(result):
    assert result.kind == "images" and result.x.dtype == torch.float32 and result.x.ndim == 4
    assert bool(torch.isfinite(result.x).all())
    assert float(result.x.min()) >= -1.0 and float(result.x.max()) <= 1.0


def test_every_seed_loads(tmp_path):
    """Sanity: the unmutated seeds are all usable, so the mutations start from valid files."""
    for (mode, fmt), data in SEEDS.items():
        path = tmp_path / f"{mode.replace(';', '_').replace('+', '_')}-{fmt}{EXT[fmt]}"
        path.write_bytes(data)
        _check_dataset(load_dataset(DataConfig(dataset=str(path))))


@given(image_files(), st.sampled_from([0, 8]), st.sampled_from([0, 1, 3]))
@example((b"", ".png"), 0, 0)
@example((png_with_size(2**31 - 1, 2**31 - 1), ".png"), 0, 0)
@example((png_with_size(0, 5), ".png"), 0, 0)
@example((png_with_size(1, 50_000_000), ".png"), 0, 0)
@example((bmp_with_size(100_000, -100_000), ".bmp"), 0, 0)
@example((SEEDS[("I;16", "PNG")], ".png"), 8, 3)
@example((SEEDS[("CMYK", "JPEG")][:200], ".jpg"), 0, 1)
def test_one_image(tmp_path_factory, file, image_size, channels):
    data, ext = file
    folder = tmp_path_factory.mktemp("img")
    path = folder / f"picture{ext}"
    path.write_bytes(data)
    cfg = DataConfig(dataset=str(path), image_size=image_size, channels=channels)
    with no_writes_outside(folder):
        result = expect_user_error(lambda: load_dataset(cfg), str(path), allowed=(DataError,))
    if not isinstance(result, DataError):
        _check_dataset(result)
        assert len(result) == 1


@given(st.lists(image_files(), min_size=1, max_size=4), st.booleans())
@example([(b"", ".png")], False)
@example([(png_with_size(65535, 65535), ".png")], True)
def test_folder(tmp_path_factory, files, with_valid):
    folder = tmp_path_factory.mktemp("folder")
    for i, (data, ext) in enumerate(files):
        (folder / ("a" if i % 2 else "b")).mkdir(exist_ok=True)
        (folder / ("a" if i % 2 else "b") / f"f{i}{ext}").write_bytes(data)
    if with_valid:
        (folder / "b" / "valid.png").write_bytes(SEEDS[("RGB", "PNG")])
    with no_writes_outside(folder):
        result = expect_user_error(lambda: load_dataset(DataConfig(dataset=str(folder), image_size=8)), str(folder),
                                   allowed=(DataError,))
    if with_valid:
        assert not isinstance(result, DataError), result
    if not isinstance(result, DataError):
        _check_dataset(result)
        assert len(result) + len(result.warnings) >= len(files) + with_valid
