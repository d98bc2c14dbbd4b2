"""Small numpy helpers that turn model-space image tensors into displayable uint8 pictures.

Used by the samplers (preview grids), the GUI (QImage conversion) and export (PNG / GIF / MP4 frames). Everything
here is pure numpy (torch only as an accepted input type) so it runs identically headless and in the window.

Layout conventions:
* model space: float, channels first ``(..., C, H, W)``, values in ``[-1, 1]``;
* display space: ``uint8``, channels last ``(..., H, W, C)`` with ``C`` 1 or 3 (what Pillow / Qt expect).
"""
from __future__ import annotations

import math

import numpy as np
import torch


def to_uint8(x: torch.Tensor | np.ndarray) -> np.ndarray:
    """``[-1, 1]`` float ``(..., C, H, W)`` -> ``uint8`` ``(..., H, W, C)``, clipped and rounded to nearest.

    Out-of-range values (a sampler without x0 clipping overshoots) are clipped, and NaN (a diverged model) becomes
    mid-grey instead of an undefined cast, so a broken run still shows *something* rather than crashing the viewer.
    """
    if isinstance(x, torch.Tensor):
        arr = x.detach().to("cpu", torch.float32).numpy()
    else:
        arr = np.asarray(x, dtype=np.float32)
    if arr.ndim < 3:
        raise ValueError(f"to_uint8 expects (..., C, H, W), got shape {tuple(arr.shape)}")
    scaled = (np.nan_to_num(arr, nan=0.0, posinf=1.0, neginf=-1.0) + 1.0) * 127.5
    out = np.clip(np.rint(scaled), 0, 255).astype(np.uint8)
    return np.ascontiguousarray(np.moveaxis(out, -3, -1))


def make_grid(images_uint8: np.ndarray, nrow: int | None = None, padding: int = 2,
              pad_value: int | tuple[int, ...] = 0) -> np.ndarray:
    """Tile ``(N, H, W, C)`` uint8 images into one ``(H', W', C)`` picture, row-major.

    ``nrow`` is the number of images per row (torchvision's meaning); ``None`` gives a near-square
    ``ceil(sqrt(N))``. ``padding`` pixels of ``pad_value`` separate the cells and frame the border, so
    ``H' = rows * (H + padding) + padding`` and ``W' = nrow * (W + padding) + padding``; unused cells of the last
    row stay ``pad_value`` (a number, or one value per channel). A channel-less ``(N, H, W)`` stack is treated as
    ``C = 1``.
    """
    imgs = np.asarray(images_uint8)
    if imgs.ndim == 3:
        imgs = imgs[..., None]
    if imgs.ndim != 4 or imgs.shape[-1] not in (1, 3):
        raise ValueError(f"make_grid expects (N, H, W, C) with C in (1, 3), got shape {tuple(imgs.shape)}")
    n, h, w, c = imgs.shape
    if n == 0:
        raise ValueError("make_grid needs at least one image")
    if padding < 0:
        raise ValueError(f"padding must be >= 0, got {padding}")
    ncol = max(1, min(n, int(nrow) if nrow else math.ceil(math.sqrt(n))))
    nrows = math.ceil(n / ncol)
    grid = np.full((nrows * (h + padding) + padding, ncol * (w + padding) + padding, c), pad_value, dtype=np.uint8)
    for k in range(n):
        r, col = divmod(k, ncol)
        top, left = padding + r * (h + padding), padding + col * (w + padding)
        grid[top:top + h, left:left + w] = imgs[k]
    return grid


def upscale_nearest(img: np.ndarray, factor: int) -> np.ndarray:
    """Enlarge by an integer ``factor`` with nearest-neighbour (crisp pixels for 8x8 digits in a 256 px view).

    Accepts ``(H, W)``, ``(H, W, C)`` or ``(N, H, W, C)``; the H and W axes are the last two spatial ones.
    """
    factor = int(factor)
    if factor < 1:
        raise ValueError(f"factor must be >= 1, got {factor}")
    arr = np.asarray(img)
    if arr.ndim < 2:
        raise ValueError(f"upscale_nearest expects an image of at least 2 dimensions, got shape {arr.shape}")
    if factor == 1:
        return arr.copy()
    h_axis, w_axis = (0, 1) if arr.ndim == 2 else (arr.ndim - 3, arr.ndim - 2)
    return np.repeat(np.repeat(arr, factor, axis=h_axis), factor, axis=w_axis)


def to_rgb(img: np.ndarray) -> np.ndarray:
    """``(..., H, W, 1)`` -> ``(..., H, W, 3)`` by repeating the grey channel; ``(..., H, W, 3)`` is returned as is.

    A bare ``(H, W)`` grey image is also accepted (it has no channel axis to inspect).
    """
    arr = np.asarray(img)
    if arr.ndim == 2:
        return np.repeat(arr[..., None], 3, axis=-1)
    if arr.shape[-1] == 3:
        return arr
    if arr.shape[-1] == 1:
        return np.repeat(arr, 3, axis=-1)
    raise ValueError(f"to_rgb expects (..., H, W, 1) or (..., H, W, 3), got shape {arr.shape}")
