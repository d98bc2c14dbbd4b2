"""Built-in image sets (``digits``, ``shapes``) and the tensor helpers every image source shares.

All image sources end in :func:`finish_images`: float32 ``(N, C, H, W)`` in ``[-1, 1]``, resized to the requested
square size and converted to the requested channel count, so the model code never sees a source's quirks.
"""
from __future__ import annotations

import functools
import math

import numpy as np
import torch
import torch.nn.functional as F

from engine.data.dataset import Dataset, check_tensor_budget, seeded_permutation, subset_indices
from engine.errors import DataError

DIGITS_NATIVE_SIZE = 8
SHAPES_NATIVE_SIZE = 16
SHAPES_DEFAULT_COUNT = 4096
SHAPE_NAMES = ["circle", "square", "triangle", "cross", "diamond", "ring"]

# ITU-R BT.601 luma, the weights Pillow's convert("L") uses, so a colour folder loaded with channels=1 looks the same
# as the same pictures converted by an image viewer.
_LUMA = (0.299, 0.587, 0.114)


# --------------------------------------------------------------------------------------------- shared helpers
def resize_square(x: torch.Tensor, size: int) -> torch.Tensor:
    """Centre-crop ``(N, C, H, W)`` to a square, then resize to ``size`` (bilinear; antialiased when shrinking)."""
    h, w = x.shape[-2:]
    if h != w:
        side = min(h, w)
        top, left = (h - side) // 2, (w - side) // 2
        x = x[..., top:top + side, left:left + side]
    if x.shape[-1] == size:
        return x
    out = []
    # Chunked so a 60 000-image IDX upscale does not hold two full-size float copies at once.
    for chunk in torch.split(x, 4096):
        out.append(F.interpolate(chunk, size=(size, size), mode="bilinear", align_corners=False,
                                 antialias=size < chunk.shape[-1]))
    return torch.cat(out)


def set_channels(x: torch.Tensor, channels: int) -> torch.Tensor:
    """Convert ``(N, C, H, W)`` with C in {1, 3} to ``channels`` (0 = keep): grey is repeated, colour -> luma."""
    have = x.shape[1]
    if channels in (0, have):
        return x
    if channels == 3 and have == 1:
        return x.repeat(1, 3, 1, 1)
    if channels == 1 and have == 3:
        weights = torch.tensor(_LUMA, dtype=x.dtype).view(1, 3, 1, 1)
        return (x * weights).sum(dim=1, keepdim=True)
    raise DataError(f"cannot convert {have}-channel images to {channels} channels (expected 0, 1 or 3)")


def finish_images(x: torch.Tensor, image_size: int, channels: int, native_size: int) -> torch.Tensor:
    """The common tail of every image source: resize, set channels, clamp to [-1, 1], contiguous float32."""
    target = int(image_size) or int(native_size)
    x = resize_square(x.to(torch.float32), target)
    x = set_channels(x, int(channels))
    # Bilinear upscaling cannot overshoot but luma weights and float round-off can by ~1e-7; models assume [-1, 1].
    return x.clamp_(-1.0, 1.0).contiguous()


# --------------------------------------------------------------------------------------------- digits
@functools.lru_cache(maxsize=1)
def _digits_arrays() -> tuple[np.ndarray, np.ndarray]:
    """The 1797 UCI digits as float32 (N, 1, 8, 8) in [-1, 1] and int64 labels; cached (read-only copies).

    They ship as ``resources/data/digits.npz`` (45 KB, attribution in resources/data/README.md), so neither
    scikit-learn nor the ~100 MiB of scipy it needs is a run-time dependency."""
    from engine.resources import resource_path

    path = resource_path("data", "digits.npz")
    try:
        with np.load(path, allow_pickle=False) as data:
            raw, raw_labels = data["images"], data["labels"]
    except (OSError, KeyError, ValueError) as exc:
        raise DataError(f"the shipped digits data {path} is missing or damaged ({exc}); "
                        "reinstall Diffusion Lab") from exc
    images = raw.astype(np.float32)[:, None] / 16.0 * 2.0 - 1.0  # pixels are 0..16
    labels = raw_labels.astype(np.int64)
    images.flags.writeable = False
    labels.flags.writeable = False
    return images, labels


def _digits_dataset(indices: np.ndarray, image_size: int, channels: int, name: str) -> Dataset:
    images, labels = _digits_arrays()
    # Fancy indexing copies, so the tensors never alias the cached read-only arrays.
    x = finish_images(torch.from_numpy(images[indices]), image_size, channels, DIGITS_NATIVE_SIZE)
    return Dataset(x=x, labels=torch.from_numpy(labels[indices]), num_classes=10,
                   class_names=[str(d) for d in range(10)], kind="images", name=name, warnings=[])


def load_digits(image_size: int = 0, channels: int = 0, max_items: int = 0, seed: int = 0) -> Dataset:
    """The 1797 real 8x8 handwritten UCI digits (10 labels), optionally resized / capped."""
    _, labels = _digits_arrays()
    return _digits_dataset(subset_indices(len(labels), max_items, seed), image_size, channels, "digits")


def digits_split_indices(seed: int = 0, heldout_fraction: float = 0.2) -> tuple[np.ndarray, np.ndarray]:
    """Sorted ``(train, heldout)`` indices into the 1797 digits: class-stratified, disjoint, deterministic."""
    _, labels = _digits_arrays()
    order = seeded_permutation(len(labels), seed)
    heldout: list[np.ndarray] = []
    for digit in range(10):
        members = order[labels[order] == digit]  # this digit's items, in the seeded order
        heldout.append(members[:int(round(len(members) * heldout_fraction))])
    held = np.sort(np.concatenate(heldout))
    return np.setdiff1d(np.arange(len(labels)), held), held


def digits_split(seed: int = 0, image_size: int = 0, channels: int = 0,
                 heldout_fraction: float = 0.2) -> tuple[Dataset, Dataset]:
    """A deterministic, class-stratified ~80/20 split of digits: ``(train, heldout)``, disjoint.

    Benchmarks train on the first and measure generated samples against the second: the distance between the two
    real halves is the floor a perfect model could reach.
    """
    train, held = digits_split_indices(seed, heldout_fraction)
    return (_digits_dataset(train, image_size, channels, "digits-train"),
            _digits_dataset(held, image_size, channels, "digits-heldout"))


# --------------------------------------------------------------------------------------------- shapes
def load_shapes(image_size: int = 0, channels: int = 0, max_items: int = 0, seed: int = 0) -> Dataset:
    """Procedural coloured shapes on plain backgrounds, labelled by shape type (see :data:`SHAPE_NAMES`).

    Rendered directly at the requested size (native 16) with 4x4 supersampling for antialiasing, so any size is
    sharp rather than an upscaled 16 px picture. ``max_items`` sets the count (default 4096).
    """
    size = int(image_size) or SHAPES_NATIVE_SIZE
    n = int(max_items) or SHAPES_DEFAULT_COUNT
    check_tensor_budget(n, 3 * size * size, "shapes")
    x, labels = render_shapes(n, size, seed)
    x = finish_images(torch.from_numpy(x), size, channels, size)
    return Dataset(x=x, labels=torch.from_numpy(labels), num_classes=len(SHAPE_NAMES),
                   class_names=list(SHAPE_NAMES), kind="images", name="shapes", warnings=[])


def render_shapes(n: int, size: int, seed: int, supersample: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Render ``n`` shapes: float32 ``(n, 3, size, size)`` in [-1, 1] and int64 labels. Deterministic per seed.

    Every random parameter is drawn up front for all ``n`` images, then rendering runs in chunks (bounded memory),
    so the result does not depend on the chunk size.
    """
    rng = np.random.default_rng(int(seed))
    labels = rng.integers(0, len(SHAPE_NAMES), n)
    radius = rng.uniform(0.2, 0.4, n)  # circumradius, as a fraction of the image side
    margin = radius * 1.05  # every shape reaches at most ~1.02 r from its centre (a square's corner): stays in frame
    cx = rng.uniform(margin, 1.0 - margin)
    cy = rng.uniform(margin, 1.0 - margin)
    angle = rng.uniform(-math.pi / 12, math.pi / 12, n)  # +-15 deg: variety without turning squares into diamonds
    background, foreground = _shape_colours(rng, n)

    grid = size * supersample
    coords = (np.arange(grid, dtype=np.float32) + 0.5) / grid  # sample centres in [0, 1]
    out = np.empty((n, 3, size, size), dtype=np.float32)
    chunk = max(1, 2_000_000 // (grid * grid))  # ~8 MB per float32 temporary
    for start in range(0, n, chunk):
        sl = slice(start, min(n, start + chunk))
        dx = coords[None, None, :] - cx[sl, None, None].astype(np.float32)
        dy = coords[None, :, None] - cy[sl, None, None].astype(np.float32)
        cos, sin = np.cos(angle[sl]).astype(np.float32), np.sin(angle[sl]).astype(np.float32)
        # Rotate sample offsets into each shape's frame and scale by its radius: shapes are then unit-sized.
        r = radius[sl, None, None].astype(np.float32)
        u = (dx * cos[:, None, None] + dy * sin[:, None, None]) / r
        v = (-dx * sin[:, None, None] + dy * cos[:, None, None]) / r
        inside = _shape_masks(labels[sl], u, v)
        # Box-filter the supersampled mask: the fraction of each pixel the shape covers.
        coverage = inside.reshape(-1, size, supersample, size, supersample).mean(axis=(2, 4), dtype=np.float32)
        a = coverage[:, None]
        out[sl] = background[sl, :, None, None] * (1.0 - a) + foreground[sl, :, None, None] * a
    return out * 2.0 - 1.0, labels.astype(np.int64)


def _shape_colours(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Background and shape colours in [0, 1], redrawn until they differ clearly (no invisible shapes)."""
    background = rng.uniform(0.0, 1.0, (n, 3)).astype(np.float32)
    foreground = rng.uniform(0.0, 1.0, (n, 3)).astype(np.float32)
    for _ in range(100):
        weak = np.linalg.norm(foreground - background, axis=1) < 0.6
        if not weak.any():
            break
        foreground[weak] = rng.uniform(0.0, 1.0, (int(weak.sum()), 3))
    return background, foreground


def _shape_masks(labels: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Boolean (k, G, G) masks: is each sample point, in unit shape coordinates, inside the labelled shape?"""
    inside = np.zeros(u.shape, dtype=bool)
    for kind, shape_name in enumerate(SHAPE_NAMES):
        sel = labels == kind
        if not sel.any():
            continue
        su, sv = u[sel], v[sel]
        if shape_name == "circle":
            m = su * su + sv * sv <= 0.85 ** 2
        elif shape_name == "square":
            m = np.maximum(np.abs(su), np.abs(sv)) <= 0.72
        elif shape_name == "triangle":
            # Equilateral, pointing up (v grows downwards): inside all three edges at inradius 1/2 of circumradius 1.
            m = sv <= 0.5
            for deg in (210.0, 330.0):
                t = math.radians(deg)
                m &= su * math.cos(t) + sv * math.sin(t) <= 0.5
        elif shape_name == "cross":
            au, av = np.abs(su), np.abs(sv)
            m = ((au <= 0.28) & (av <= 0.95)) | ((av <= 0.28) & (au <= 0.95))
        elif shape_name == "diamond":
            m = np.abs(su) + np.abs(sv) <= 0.95
        else:  # ring
            d2 = su * su + sv * sv
            m = (d2 <= 0.95 ** 2) & (d2 >= 0.55 ** 2)
        inside[sel] = m
    return inside
