"""Fuzz image arrays stored as files: MNIST-style IDX (plain and gzipped, with a labels file next to it) and
numpy .npy / .npz, read through engine.data.load_dataset (engine/data/arrays.py).

Valid files with header fields replaced (dimension counts, sizes up to 2**32 - 1, dtypes, shapes), bytes flipped,
truncation, and random bytes. The property: a DataError naming the file, or an image dataset of finite float32
values in [-1, 1]; a header that declares terabytes is refused before anything is allocated.
"""
from __future__ import annotations

import gzip
import io
import struct
import zipfile

import numpy as np
import pytest
import torch
from fuzz_support import expect_user_error, mutated_bytes, no_writes_outside
from hypothesis import example, given
from hypothesis import strategies as st

from engine.config import DataConfig
from engine.data import load_dataset
from engine.errors import DataError

pytestmark = [pytest.mark.fuzz, pytest.mark.timeout(300)]

IMAGES = (np.arange(3 * 4 * 4) * 5 % 256).astype(np.uint8).reshape(3, 4, 4)
LABELS = np.array([0, 2, 1], dtype=np.uint8)


def idx(arr: np.ndarray, magic: int) -> bytes:
    return struct.pack(">I", magic) + struct.pack(f">{arr.ndim}I", *arr.shape) + arr.tobytes()


VALID_IDX = idx(IMAGES, 0x803)
VALID_LABELS = idx(LABELS, 0x801)


def npy(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=False)
    return buf.getvalue()


def npz(**arrays) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


VALID_NPY = npy(IMAGES)
VALID_NPZ = npz(x=IMAGES, y=LABELS.astype(np.int64))


def _load(tmp_path_factory, files: dict[str, bytes], target: str, image_size: int = 0, channels: int = 0,
          max_items: int = 0):
    folder = tmp_path_factory.mktemp("arrays")
    for name, data in files.items():
        (folder / name).write_bytes(data)
    path = folder / target
    cfg = DataConfig(dataset=str(path), image_size=image_size, channels=channels, max_items=max_items)
    with no_writes_outside(folder):
        # a bad labels file next to the images is named in the message instead of the images file
        result = expect_user_error(lambda: load_dataset(cfg, seed=0), str(folder), allowed=(DataError,))
    if not isinstance(result, DataError):
        assert result.kind == "images" and result.x.dtype == torch.float32 and result.x.ndim == 4
        assert len(result) >= 1 and bool(torch.isfinite(result.x).all())
        assert float(result.x.min()) >= -1.0 and float(result.x.max()) <= 1.0
        if result.labels is not None:
            assert len(result.labels) == len(result) and int(result.labels.min()) >= 0
    return result


@st.composite
def idx_headers(draw, base: np.ndarray, magic: int) -> bytes:
    """An IDX file whose magic or dimension sizes were replaced (the data part is kept, cut, or extended)."""
    ndim = draw(st.one_of(st.just(base.ndim), st.integers(0, 255)))
    magic = draw(st.one_of(st.just((magic & ~0xFF) | ndim), st.integers(0, 2**32 - 1)))
    dims = draw(st.lists(st.one_of(st.integers(0, 10), st.sampled_from([2**31, 2**32 - 1, 65536])),
                         min_size=min(ndim, 6), max_size=min(ndim, 6)))
    data = base.tobytes()
    data = data[: draw(st.integers(0, len(data)))] + draw(st.binary(max_size=8))
    return struct.pack(">I", magic & 0xFFFFFFFF) + struct.pack(f">{len(dims)}I", *dims) + data


@given(st.one_of(mutated_bytes(VALID_IDX), idx_headers(IMAGES, 0x803), st.binary(max_size=100)),
       st.booleans(), st.sampled_from([0, 4, 8]), st.sampled_from([0, 1, 3]), st.sampled_from([0, 2]))
@example(struct.pack(">IIII", 0x803, 2**32 - 1, 2**32 - 1, 2**32 - 1), True, 0, 0, 0)  # a gzip bomb's header
@example(struct.pack(">IIII", 0x803, 0, 28, 28), False, 0, 0, 0)
@example(struct.pack(">IIII", 0x803, 1, 0, 28), False, 0, 0, 0)
@example(struct.pack(">IIII", 0x803, 65536, 65536, 1), False, 0, 0, 0)
@example(struct.pack(">IIII", 0x803, 1, 1, 65536) + bytes(65536), False, 256, 3, 0)
@example(VALID_IDX[:-1], True, 0, 0, 0)
@example(struct.pack(">IIII", 0x803, 2**28, 64, 2**30), False, 0, 0, 0)  # the product wrapped to 0 in int64
@example(struct.pack(">IIII", 0x803, 2, 2**31, 2**31), False, 0, 0, 0)  # ... and to a negative size
def test_idx_images(tmp_path_factory, data, gz, image_size, channels, max_items):
    name = "train-images-idx3-ubyte" + (".gz" if gz else "")
    _load(tmp_path_factory, {name: gzip.compress(data, mtime=0) if gz else data}, name, image_size, channels,
          max_items)


@given(st.one_of(mutated_bytes(VALID_LABELS), idx_headers(LABELS, 0x801)))
@example(struct.pack(">II", 0x801, 2**32 - 1))
def test_idx_labels(tmp_path_factory, labels):
    _load(tmp_path_factory, {"t10k-images-idx3-ubyte": VALID_IDX, "t10k-labels-idx1-ubyte": labels},
          "t10k-images-idx3-ubyte")


@given(st.binary(max_size=40).map(lambda b: b"\x1f\x8b" + b), st.booleans())
def test_idx_broken_gzip(tmp_path_factory, data, sniffed):
    # a gzip magic followed by garbage, named like IDX or only sniffed as IDX (no telling name)
    name = "train-images-idx3-ubyte.gz" if sniffed else "mnist.bin"
    _load(tmp_path_factory, {name: data}, name)


ARRAY_SHAPES = st.lists(st.integers(0, 6), min_size=0, max_size=5)
DTYPES = st.sampled_from([np.uint8, np.uint16, np.int8, np.float16, np.float32, np.float64, np.bool_, np.complex64,
                          ">f4", ">u2", "U2", "V4", "<M8[s]"])


@st.composite
def odd_arrays(draw) -> np.ndarray:
    shape = tuple(draw(ARRAY_SHAPES))
    dtype = np.dtype(draw(DTYPES))
    n = int(np.prod(shape))
    fill = draw(st.sampled_from([0.0, 0.5, 1.0, -1.0, 255.0, 1e30, np.nan, np.inf, -0.001]))
    if dtype.kind in "fc":
        arr = np.full(n, fill).astype(dtype)
    elif dtype.kind in "ub":
        arr = (np.arange(n) % 256).astype(dtype)
    else:
        arr = np.zeros(n, dtype=dtype)
    return arr.reshape(shape)


@given(st.one_of(mutated_bytes(VALID_NPY), odd_arrays().map(npy), st.binary(max_size=100)),
       st.sampled_from([0, 4]), st.sampled_from([0, 1, 3]), st.sampled_from([0, 2]))
@example(VALID_NPY.replace(b"(3, 4, 4)", b"(99999999999, 4, 4)"), 0, 0, 0)
@example(VALID_NPY.replace(b"(3, 4, 4)", b"(3, 999999, 99999)"), 0, 0, 0)
@example(VALID_NPY.replace(b"'|u1'", b"'|O' "), 0, 0, 0)
@example(VALID_NPY.replace(b"(3, 4, 4)", b"(3,4,4,)"), 0, 0, 0)
@example(npy(np.zeros((2, 3, 3, 3), np.float32)), 0, 1, 0)
@example(npy(np.full((2, 4, 4), 1e30, np.float32)), 0, 0, 0)
def test_npy_images(tmp_path_factory, data, image_size, channels, max_items):
    _load(tmp_path_factory, {"images.npy": data}, "images.npy", image_size, channels, max_items)


@st.composite
def npz_archives(draw) -> bytes:
    arrays = {}
    for key in draw(st.lists(st.sampled_from(["x", "images", "arr_0", "y", "labels", "other"]), max_size=3,
                             unique=True)):
        arrays[key] = draw(st.one_of(odd_arrays(), st.just(IMAGES),
                                     st.sampled_from([LABELS, -LABELS.astype(np.int64), LABELS + 0.5,
                                                      np.full(3, np.nan), np.full(3, 2**40, np.int64)])))
    return npz(**arrays)


def _central_edit(offset: int, value: bytes) -> bytes:
    """VALID_NPZ with bytes of its first central-directory entry (x.npy) replaced."""
    at = VALID_NPZ.index(b"PK\x01\x02") + offset
    return VALID_NPZ[:at] + value + VALID_NPZ[at + len(value):]


def _npz_member_edit(data: bytes) -> bytes:
    """A valid .npz whose x.npy member declares a huge shape (a zip is not covered by the bytes mutations:
    its CRC makes nearly every flip a BadZipFile)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("x.npy", data)
        zf.writestr("y.npy", npy(LABELS))
    return buf.getvalue()


@given(st.one_of(mutated_bytes(VALID_NPZ), npz_archives(), mutated_bytes(VALID_NPY).map(_npz_member_edit),
                 st.binary(max_size=100)))
@example(_npz_member_edit(VALID_NPY.replace(b"(3, 4, 4)", b"(99999999999, 4, 4)")))
@example(_npz_member_edit(VALID_NPY.replace(b"'|u1'", b"'|O' ")))
@example(_central_edit(10, b"\x63"))  # compression method 99: NotImplementedError in zipfile
@example(_central_edit(8, b"\x01"))  # the "encrypted" flag: RuntimeError in zipfile
@example(_npz_member_edit(b"not an npy file"))  # numpy hands back the member's bytes
@example(npz(x=IMAGES, y=np.array([0, 1, 2**40], np.int64)))  # would build 2**40 class names
@example(npz(x=IMAGES, y=np.array([0, 1, 2**62], np.int64)))
def test_npz_images(tmp_path_factory, data):
    _load(tmp_path_factory, {"images.npz": data}, "images.npz")
