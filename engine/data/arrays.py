"""Image arrays stored as files: MNIST-style IDX (optionally gzipped) and numpy ``.npy`` / ``.npz``.

Both are parsed strictly: the header must agree with the file's size, the dtype and shape must be ones we can
interpret without guessing, and pickled objects are never loaded (``allow_pickle=False`` everywhere: a pickle can
run arbitrary code). Every refusal is a :class:`DataError` naming the file, what was found and what is expected.
"""
from __future__ import annotations

import gzip
import math
import re
import struct
import zipfile
import zlib
from pathlib import Path
from tokenize import TokenError

import numpy as np
import torch

from engine.data.dataset import MAX_TENSOR_BYTES, Dataset, check_tensor_budget, subset_indices
from engine.data.images import finish_images
from engine.errors import DataError

IDX_IMAGES_MAGIC = 0x00000803  # unsigned bytes, 3 dimensions (N, H, W)
IDX_LABELS_MAGIC = 0x00000801  # unsigned bytes, 1 dimension (N,)
# The float range check tolerates this much round-off (a [0, 1] array saved as float16 can hold 1.0005).
_RANGE_TOLERANCE = 1e-3
MAX_CLASSES = 65_536  # labels are class indices; a label of 2**40 would mean building 2**40 class names
_EXPECTED_ARRAY = ("expected uint8 (0..255) or float in [0, 1] or [-1, 1], shaped (N, H, W), (N, H, W, C) or "
                   "(N, C, H, W) with C = 1 or 3")


# --------------------------------------------------------------------------------------------- IDX
def looks_like_idx(path: Path) -> bool:
    """True for the usual IDX names (``train-images-idx3-ubyte[.gz]``, ``*.idx3-ubyte``, ``*.idx``)."""
    name = path.name.lower()
    return bool(re.search(r"idx\d", name)) or name.endswith((".idx", ".idx.gz")) or "ubyte" in name


def sniff_idx(path: Path) -> bool:
    """True when the file (gzipped or not) starts like an IDX file of unsigned bytes (``00 00 08 0N``)."""
    try:
        head = _open_maybe_gzip(path).read(4)
    except (OSError, EOFError, zlib.error):
        return False
    return len(head) == 4 and head[:3] == b"\x00\x00\x08" and 1 <= head[3] <= 4


def _open_maybe_gzip(path: Path):
    with open(path, "rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if gz else open(path, "rb")


def read_idx(path: Path, expected_magic: int) -> np.ndarray:
    """Read an IDX file of unsigned bytes and check its magic number and declared size against the data."""
    what = "images" if expected_magic == IDX_IMAGES_MAGIC else "labels"
    try:
        with _open_maybe_gzip(path) as fh:
            header = fh.read(4)
            if len(header) < 4:
                raise DataError(f"{path}: only {len(header)} bytes; an IDX {what} file starts with the 4-byte magic "
                                f"number 0x{expected_magic:08X}")
            (magic,) = struct.unpack(">I", header)
            if magic != expected_magic:
                hint = ""
                if magic == IDX_LABELS_MAGIC and expected_magic == IDX_IMAGES_MAGIC:
                    hint = " (this is an IDX labels file; choose the matching images file)"
                raise DataError(f"{path}: wrong magic number 0x{magic:08X}; an IDX {what} file of unsigned bytes "
                                f"starts with 0x{expected_magic:08X}{hint}")
            ndim = magic & 0xFF
            raw_dims = fh.read(4 * ndim)
            if len(raw_dims) < 4 * ndim:
                raise DataError(f"{path}: header ends early; expected {ndim} dimension sizes after the magic number")
            dims = struct.unpack(f">{ndim}I", raw_dims)
            expected = math.prod(dims)  # a Python int: np.prod's int64 wraps for 2**28 x 64 x 2**30
            if expected > MAX_TENSOR_BYTES:  # checked before reading: a tiny .gz may declare terabytes
                raise DataError(f"{path}: the header declares {' x '.join(map(str, dims))} = {expected} values, "
                                f"more than the {MAX_TENSOR_BYTES / 1024**3:.0f} GiB this loader reads")
            # Read one byte more than declared: that reveals trailing data without inflating a gzip bomb.
            data = fh.read(expected + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise DataError(f"{path}: cannot read as IDX ({exc})") from None
    header_bytes = 4 + 4 * ndim
    if len(data) != expected:
        actual = f"{header_bytes + len(data)}" if len(data) <= expected else f"more than {header_bytes + expected}"
        raise DataError(f"{path}: the header declares {' x '.join(map(str, dims))} = {expected} values, so the "
                        f"(uncompressed) file should be {header_bytes + expected} bytes, but it is {actual} bytes")
    return np.frombuffer(data, dtype=np.uint8).reshape(dims)


def find_idx_labels(images_path: Path) -> Path | None:
    """The labels file next to an images file: ``train-images-idx3-ubyte`` -> ``train-labels-idx1-ubyte``."""
    name = images_path.name
    candidate = re.sub("images", "labels", name, flags=re.IGNORECASE)
    candidate = re.sub("idx3", "idx1", candidate, flags=re.IGNORECASE)
    if candidate == name:
        return None
    stem = candidate[:-3] if candidate.lower().endswith(".gz") else candidate
    for option in (candidate, stem, stem + ".gz"):
        path = images_path.with_name(option)
        if path.is_file():
            return path
    return None


def load_idx(path: Path, image_size: int = 0, channels: int = 0, max_items: int = 0, seed: int = 0) -> Dataset:
    """MNIST-style IDX images (and labels, when the matching labels file sits next to them)."""
    images = read_idx(path, IDX_IMAGES_MAGIC)
    if images.shape[0] == 0 or min(images.shape[1:]) < 1:
        raise DataError(f"{path}: holds {images.shape[0]} images of {images.shape[1]}x{images.shape[2]}; "
                        "expected at least one non-empty image")
    labels_path = find_idx_labels(path)
    labels = None
    if labels_path is not None:
        labels = read_idx(labels_path, IDX_LABELS_MAGIC).astype(np.int64)
        if len(labels) != len(images):
            raise DataError(f"{labels_path}: holds {len(labels)} labels but {path.name} holds {len(images)} images; "
                            "expected one label per image")
    keep = subset_indices(len(images), max_items, seed)
    check_tensor_budget(len(keep), _per_item(image_size, channels, images.shape[1:], 1), str(path))
    x = torch.from_numpy(_bytes_to_signed_unit(_take(images, keep))[:, None])
    x = finish_images(x, image_size, channels, native_size=min(images.shape[1:]))
    return _dataset(x, labels[keep] if labels is not None else None, _display_name(path))


# --------------------------------------------------------------------------------------------- npy / npz
def load_array_file(path: Path, image_size: int = 0, channels: int = 0, max_items: int = 0,
                    seed: int = 0) -> Dataset:
    """Images from ``.npy`` (one array) or ``.npz`` (key x / images / arr_0, labels from y / labels)."""
    if path.name.lower().endswith(".npz"):
        arr, labels = _read_npz(path)
    else:
        arr, labels = _read_npy(path), None
    nchw = _to_nchw(arr, path)
    n = nchw.shape[0]
    check_tensor_budget(min(n, max_items) if max_items > 0 else n,
                        _per_item(image_size, channels, nchw.shape[-2:], nchw.shape[1]), str(path))
    keep = subset_indices(n, max_items, seed)
    x = _to_unit_range(_take(nchw, keep), path)
    if labels is not None:
        labels = _check_labels(labels, n, path)[keep]
    x = finish_images(torch.from_numpy(x), image_size, channels, native_size=min(nchw.shape[-2:]))
    return _dataset(x, labels, path.name)


def _read_npy(path: Path) -> np.ndarray:
    try:
        # mmap: a 10 GB .npy is inspected (shape, dtype) and subset by max_items without reading all of it.
        return np.load(path, mmap_mode="r", allow_pickle=False)
    except ValueError as exc:
        if "pickle" in str(exc).lower() or "object" in str(exc).lower():
            raise _pickle_error(path) from None
        raise DataError(f"{path}: not a readable .npy file ({_one_line(exc)}); {_EXPECTED_ARRAY}") from None
    except (OSError, EOFError, MemoryError, SyntaxError, TokenError) as exc:  # the last two: a garbled header
        raise DataError(f"{path}: not a readable .npy file ({_one_line(exc)}); {_EXPECTED_ARRAY}") from None


def _read_npz(path: Path) -> tuple[np.ndarray, np.ndarray | None]:
    try:
        with np.load(path, allow_pickle=False) as archive:
            keys = list(archive.files)
            image_key = next((k for k in ("x", "images", "arr_0") if k in keys), None)
            if image_key is None:
                raise DataError(f"{path}: no image array found (keys: {', '.join(keys) or 'none'}); expected a key "
                                f"named x, images or arr_0 ({_EXPECTED_ARRAY}), and optionally y or labels")
            label_key = next((k for k in ("y", "labels") if k in keys), None)
            arr = archive[image_key]
            labels = archive[label_key] if label_key is not None else None
            for key, value in ((image_key, arr), (label_key, labels)):
                if key is not None and not isinstance(value, np.ndarray):  # numpy returns such a member's bytes
                    raise DataError(f"{path}: the member {key!r} is not a .npy array; {_EXPECTED_ARRAY}")
    except DataError:
        raise
    except ValueError as exc:
        if "pickle" in str(exc).lower() or "object" in str(exc).lower():
            raise _pickle_error(path) from None
        raise DataError(f"{path}: not a readable .npz file ({_one_line(exc)}); {_EXPECTED_ARRAY}") from None
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error, KeyError, MemoryError, SyntaxError, TokenError,
            NotImplementedError, RuntimeError) as exc:  # zipfile: an unknown compression method, an encrypted member
        raise DataError(f"{path}: not a readable .npz file ({_one_line(exc)}); {_EXPECTED_ARRAY}") from None
    return arr, labels


def _pickle_error(path: Path) -> DataError:
    return DataError(f"{path}: holds Python objects (a pickled object array), which are never loaded because "
                     f"unpickling can run arbitrary code; {_EXPECTED_ARRAY}")


def _to_nchw(arr: np.ndarray, path: Path) -> np.ndarray:
    """Interpret the array's layout (a view, nothing copied); refuse what cannot be read without guessing."""
    found = f"found shape {tuple(arr.shape)} and dtype {arr.dtype}"
    if arr.dtype.kind not in "uif" or arr.dtype.kind == "i" or (arr.dtype.kind == "u" and arr.dtype != np.uint8):
        raise DataError(f"{path}: {found}; {_EXPECTED_ARRAY} (convert integer images with .astype(np.uint8))")
    if arr.ndim == 2 and arr.shape[1] == 2:
        raise DataError(f"{path}: {found}, which looks like 2-D points; name the file *.points.npy to load it "
                        "as points, or provide images: " + _EXPECTED_ARRAY)
    if arr.ndim == 3:
        out = arr[:, None]
    elif arr.ndim == 4:
        first, last = arr.shape[1] in (1, 3), arr.shape[3] in (1, 3)
        if first and last:  # e.g. (N, 3, 3, 3): prefer the reading with square images, then channels-first
            channels_last = arr.shape[1] == arr.shape[2] and arr.shape[2] != arr.shape[3]
        else:
            channels_last = last
        if not (first or last):
            raise DataError(f"{path}: {found}; neither axis 1 nor axis 3 has 1 or 3 channels; {_EXPECTED_ARRAY}")
        out = arr.transpose(0, 3, 1, 2) if channels_last else arr
    else:
        raise DataError(f"{path}: {found}; {_EXPECTED_ARRAY}")
    if out.shape[0] == 0 or min(out.shape[-2:]) < 1:
        raise DataError(f"{path}: {found}, which holds no pixels; {_EXPECTED_ARRAY}")
    return out


def _to_unit_range(arr: np.ndarray, path: Path) -> np.ndarray:
    """uint8 or float images -> float32 in [-1, 1], detecting which range a float array uses."""
    if arr.dtype == np.uint8:
        return _bytes_to_signed_unit(arr)
    arr = arr.astype(np.float32)
    if not np.isfinite(arr).all():
        raise DataError(f"{path}: the array holds NaN or infinite values; {_EXPECTED_ARRAY}")
    lo, hi = float(arr.min()), float(arr.max())
    tol = _RANGE_TOLERANCE
    if lo >= -tol and hi <= 1.0 + tol:
        return np.clip(arr, 0.0, 1.0) * 2.0 - 1.0  # [0, 1] (an all-positive [-1, 1] set is indistinguishable)
    if lo >= -1.0 - tol and hi <= 1.0 + tol:
        return np.clip(arr, -1.0, 1.0)
    hint = " (this looks like 0..255 stored as float: use uint8, or divide by 255)" if lo >= 0 and hi <= 255 else ""
    raise DataError(f"{path}: float values span [{lo:g}, {hi:g}]; {_EXPECTED_ARRAY}{hint}")


def _take(arr: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """The kept items as an in-memory array; all of them without a fancy-index copy (memory maps are read here)."""
    return np.asarray(arr) if len(keep) == len(arr) else np.asarray(arr[keep])


def _bytes_to_signed_unit(arr: np.ndarray) -> np.ndarray:
    """uint8 0..255 -> float32 -1..1, in place on the one float copy (60 000 MNIST digits are 190 MB as float)."""
    out = arr.astype(np.float32)
    out /= 127.5
    out -= 1.0
    return out


def _check_labels(labels: np.ndarray, n: int, path: Path) -> np.ndarray:
    found = f"labels of shape {tuple(labels.shape)} and dtype {labels.dtype}"
    if labels.ndim != 1 or len(labels) != n or labels.dtype.kind not in "iuf":
        raise DataError(f"{path}: found {found}; expected one integer label per image, shape ({n},)")
    if labels.dtype.kind == "f" and not (np.isfinite(labels).all() and (labels == np.round(labels)).all()):
        raise DataError(f"{path}: found {found} with non-integer values; expected integer class indices")
    out = labels.astype(np.int64)
    if len(out) and out.min() < 0:
        raise DataError(f"{path}: found a negative label ({out.min()}); expected class indices 0, 1, 2, ...")
    if len(out) and out.max() >= MAX_CLASSES:  # one class name (and one embedding row) per index up to the max
        raise DataError(f"{path}: found a label of {out.max()}; expected class indices 0, 1, 2, ... below "
                        f"{MAX_CLASSES}")
    return out


# --------------------------------------------------------------------------------------------- shared
def _dataset(x: torch.Tensor, labels: np.ndarray | None, name: str) -> Dataset:
    if labels is None:
        return Dataset(x=x, labels=None, num_classes=0, class_names=[], kind="images", name=name, warnings=[])
    num_classes = int(labels.max()) + 1 if len(labels) else 0
    return Dataset(x=x, labels=torch.from_numpy(np.ascontiguousarray(labels, dtype=np.int64)),
                   num_classes=num_classes, class_names=[str(k) for k in range(num_classes)], kind="images",
                   name=name, warnings=[])


def _per_item(image_size: int, channels: int, native_hw: tuple[int, ...], native_c: int) -> int:
    """Float32 values per item after resizing / channel conversion (for the memory budget check)."""
    side = int(image_size) or min(int(v) for v in native_hw)
    return (int(channels) or int(native_c)) * side * side


def _display_name(path: Path) -> str:
    name = path.name
    return name[:-3] if name.lower().endswith(".gz") else name


def _one_line(exc: BaseException) -> str:
    """numpy's header errors span several lines; a DataError message is one."""
    return " ".join(str(exc).split())[:300]
