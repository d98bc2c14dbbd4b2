"""Data sources for Diffusion Lab: built-in 2-D sets and image sets, and user files and folders.

One entry point, :func:`load_dataset`, turns a :class:`~engine.config.DataConfig` into a :class:`Dataset` held in
memory (the lab's data sets are small). ``cfg.dataset`` is either a built-in name (:func:`list_builtin`) or a path:

==========================================  =====================================================================
path                                        read as
==========================================  =====================================================================
folder                                      images, recursively; first-level subfolders are classes
``*.png`` ``*.jpg`` ... (one image)         a one-image dataset (the Forward tab)
``*-images-idx3-ubyte[.gz]``                MNIST-style IDX; ``*-labels-idx1-ubyte[.gz]`` next to it gives labels
``*.npy`` / ``*.npz``                       image arrays (npz keys x / images / arr_0, labels y / labels)
``*.csv`` / ``*.txt`` / ``*.points.npy``    user 2-D points
==========================================  =====================================================================

An unusable source raises :class:`engine.errors.DataError` naming the file, what is wrong and what is expected;
unusable *items* inside a usable source are skipped and listed in ``Dataset.warnings``.
Everything is deterministic: the same config and seed give identical tensors.
"""
from __future__ import annotations

import difflib
from pathlib import Path

import numpy as np
import torch

from engine.config import IMAGE_DATASETS, POINT_DATASETS, DataConfig
from engine.data import arrays, sources, toy2d
from engine.data.dataset import Dataset
from engine.data.images import digits_split, load_digits, load_shapes
from engine.errors import DataError

__all__ = ["Dataset", "load_dataset", "fresh_points", "sliced_wasserstein", "list_builtin", "digits_split"]

_IMAGE_DESCRIPTIONS = {
    "digits": "1797 real 8x8 handwritten digits (UCI, shipped with the app; 10 classes, grey)",
    "shapes": "Procedural coloured shapes on plain backgrounds (6 classes, RGB, native 16 px)",
}


def list_builtin() -> list[tuple[str, str]]:
    """``(name, one-line description)`` of every built-in dataset, 2-D sets first, for the GUI picker."""
    return [(name, toy2d.DESCRIPTIONS[name]) for name in POINT_DATASETS] + \
           [(name, _IMAGE_DESCRIPTIONS[name]) for name in IMAGE_DATASETS]


def load_dataset(cfg: DataConfig, seed: int = 0) -> Dataset:
    """Load the data set ``cfg`` describes. Raises :class:`DataError` for an unusable source."""
    name = cfg.dataset.strip() if isinstance(cfg.dataset, str) else ""
    if not name:
        raise DataError("data.dataset is empty; choose a built-in dataset "
                        f"({', '.join(POINT_DATASETS + IMAGE_DATASETS)}) or a file or folder")
    image_size, channels, max_items = int(cfg.image_size), int(cfg.channels), int(cfg.max_items)
    if channels not in (0, 1, 3):
        raise DataError(f"data.channels must be 0 (native), 1 or 3; got {channels}")
    if image_size < 0 or max_items < 0:
        raise DataError(f"data.image_size and data.max_items must be >= 0; got {image_size} and {max_items}")

    if name in POINT_DATASETS:
        return toy2d.load_builtin(name, int(cfg.n_points), seed)
    if name == "digits":
        return load_digits(image_size, channels, max_items, seed)
    if name == "shapes":
        return load_shapes(image_size, channels, max_items, seed)
    return _load_path(Path(name).expanduser(), image_size, channels, max_items, seed)


def _load_path(path: Path, image_size: int, channels: int, max_items: int, seed: int) -> Dataset:
    if not path.exists():
        hint = " (it is a broken symlink)" if path.is_symlink() else ""
        close = difflib.get_close_matches(str(path), POINT_DATASETS + IMAGE_DATASETS, n=1)
        if close:
            hint = f" (did you mean the built-in {close[0]!r}?)"
        raise DataError(f"{path} does not exist{hint}; data.dataset must be a built-in dataset "
                        f"({', '.join(POINT_DATASETS + IMAGE_DATASETS)}) or an existing file or folder")
    if path.is_dir():
        return sources.load_image_folder(path, image_size, channels, max_items, seed)
    if not path.is_file():
        raise DataError(f"{path} is neither a regular file nor a folder")

    lowered = path.name.lower()
    if lowered.endswith(".points.npy") or lowered.endswith((".csv", ".txt")):
        return toy2d.load_points_file(path, max_items, seed)
    if lowered.endswith((".npy", ".npz")):
        return arrays.load_array_file(path, image_size, channels, max_items, seed)
    if lowered.endswith(sources.IMAGE_EXTENSIONS):
        return sources.load_image_file(path, image_size, channels)
    if arrays.looks_like_idx(path) or arrays.sniff_idx(path):
        return arrays.load_idx(path, image_size, channels, max_items, seed)
    raise DataError(
        f"{path}: unrecognised file type; expected a folder of images, an image "
        f"({', '.join(e.lstrip('.') for e in sources.IMAGE_EXTENSIONS)}), an IDX file "
        "(train-images-idx3-ubyte[.gz]), .npy / .npz image arrays, or 2-D points (.csv, .txt, *.points.npy)")


def fresh_points(name: str, n: int, seed: int) -> torch.Tensor:
    """``n`` new points of the built-in 2-D set ``name``, standardized exactly like :func:`load_dataset`.

    With the same ``n`` and ``seed`` it returns exactly ``load_dataset(...).x``; use another seed for an
    independent evaluation draw. The standardization constants are fixed per dataset, not taken from this draw.
    """
    return toy2d.sample_builtin(name, n, seed)[0]


def sliced_wasserstein(a: torch.Tensor | np.ndarray, b: torch.Tensor | np.ndarray, n_projections: int = 256,
                       seed: int = 0) -> float:
    """Sliced 2-Wasserstein distance between two sample sets ``(Na, D)`` and ``(Nb, D)`` (any D, e.g. 2).

    Both sets are projected on ``n_projections`` random unit directions (seeded, so repeated calls agree); on each
    line the 1-D W2 distance is exact from the sorted projections (quantile matching on a common grid when the
    sizes differ). Returns ``sqrt(mean over directions of W2^2)``, in the data's units. Samples holding NaN or inf
    (a diverged model) give ``inf``: infinitely far, so any "distance < threshold" check fails.
    """
    if int(n_projections) < 1:
        raise ValueError(f"sliced_wasserstein: n_projections must be >= 1, got {n_projections}")
    a = _as_samples(a, "a")
    b = _as_samples(b, "b")
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"sliced_wasserstein: a has {a.shape[1]} dimensions per sample but b has {b.shape[1]}")
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        return float("inf")
    rng = np.random.default_rng(int(seed))
    directions = rng.standard_normal((int(n_projections), a.shape[1]))
    directions /= np.maximum(np.linalg.norm(directions, axis=1, keepdims=True), 1e-12)
    m = max(len(a), len(b))
    quantiles = (np.arange(m) + 0.5) / m
    ia = np.minimum((quantiles * len(a)).astype(np.int64), len(a) - 1)
    ib = np.minimum((quantiles * len(b)).astype(np.int64), len(b) - 1)
    total = 0.0
    # numpy, not torch: torch's CPU sort is ~10x slower here; blocks of directions bound memory for 100k samples.
    for block in np.array_split(directions, max(1, int(np.ceil(len(directions) / 64)))):
        pa = np.sort(block @ a.T, axis=1)[:, ia]  # (directions, m), sorted along the contiguous axis
        pb = np.sort(block @ b.T, axis=1)[:, ib]
        total += float(np.square(pa - pb).mean(axis=1).sum())
    return (total / int(n_projections)) ** 0.5


def _as_samples(t: torch.Tensor | np.ndarray, label: str) -> np.ndarray:
    """Any (N, ...) tensor or array -> float64 numpy (N, D); a flat (N,) vector is N 1-D samples."""
    arr = t.detach().to("cpu", torch.float64).numpy() if isinstance(t, torch.Tensor) else np.asarray(t, np.float64)
    if arr.ndim == 1:
        arr = arr[:, None]
    arr = arr.reshape(arr.shape[0], -1)
    if arr.shape[0] == 0:
        raise ValueError(f"sliced_wasserstein: {label} holds no samples")
    return arr
