"""Frames to pictures: uint8 RGB grids of images, 2-D scatter plots with trails, side-by-side views, caption bands,
and lazily rendered frame sequences. Nothing here writes files."""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np

from engine.export.options import AUTO_SCALE_LIMIT, AUTO_SCALE_TARGET, ExportError


def auto_scale(height: int, width: int, target: int = AUTO_SCALE_TARGET, limit: int = AUTO_SCALE_LIMIT) -> int:
    """The integer nearest-neighbour factor used when ``scale == 0``: the largest that keeps the picture within
    ``target`` pixels (1 for pictures already that big)."""
    return int(max(1, min(limit, target // max(1, height, width))))


def tile_images(images: np.ndarray, nrow: int | None = None, padding: int = 2,
                background: tuple[int, int, int] = (255, 255, 255)) -> np.ndarray:
    """``(N, H, W, C)`` uint8 -> one RGB ``(H', W', 3)`` grid: :func:`engine.imaging.make_grid` in colour, with
    ``padding`` pixels of ``background`` around and between the cells."""
    from engine.imaging import make_grid, to_rgb

    imgs = to_rgb(np.asarray(images, dtype=np.uint8))
    return make_grid(imgs[None] if imgs.ndim == 3 else imgs, nrow, int(padding), pad_value=background)


def upscale(img: np.ndarray, factor: int) -> np.ndarray:
    """Nearest-neighbour enlargement of ``(H, W, C)`` or ``(N, H, W, C)`` by an integer factor (<= 1: unchanged)."""
    from engine.imaging import upscale_nearest

    return img if factor <= 1 else upscale_nearest(img, factor)


def _grid_shape(n: int, nrow: int | None) -> tuple[int, int]:
    cols = max(1, min(n, int(nrow) if nrow else math.ceil(math.sqrt(n))))
    return math.ceil(n / cols), cols


def pick_sample(imgs: np.ndarray, sample: int | None) -> np.ndarray:
    if sample is None:
        return imgs
    if not 0 <= sample < len(imgs):
        raise ExportError(f"sample: index {sample} is out of range; there are {len(imgs)} samples "
                          f"(0..{len(imgs) - 1})", code=2)
    return imgs[sample:sample + 1]


def image_scale(n: int, height: int, width: int, nrow: int | None = None, scale: int = 0,
                target: int = AUTO_SCALE_TARGET) -> int:
    """The upscale factor for a grid of ``n`` images of ``height`` x ``width``: ``scale``, or automatic (0)."""
    rows, cols = _grid_shape(n, nrow)
    return int(scale) or auto_scale(rows * height, cols * width, target=target)


def view_gap(padding: int) -> int:
    """Extra pixels between the x_t and predicted-x0 panels of a side-by-side view (beyond their own padding)."""
    return max(6, 2 * int(padding))


def image_panel(imgs: np.ndarray, nrow: int | None, padding: int, background: tuple[int, int, int],
                scale: int) -> np.ndarray:
    """uint8 ``(N, H, W, C)`` images enlarged ``scale`` times, then tiled with ``padding`` output pixels of
    ``background`` around and between them (so separators stay thin however large the pixels get)."""
    return tile_images(upscale(np.asarray(imgs), scale), nrow, padding, background)


def hstack_panels(panels: Sequence[np.ndarray], gap: int, background: tuple[int, int, int]) -> np.ndarray:
    h = max(p.shape[0] for p in panels)
    parts = []
    for i, p in enumerate(panels):
        if p.shape[0] < h:
            pad = np.empty((h - p.shape[0], p.shape[1], 3), np.uint8)
            pad[:] = background
            p = np.concatenate([p, pad], axis=0)
        if i and gap:
            g = np.empty((h, gap, 3), np.uint8)
            g[:] = background
            parts.append(g)
        parts.append(p)
    return np.concatenate(parts, axis=1)


def text_color(background: tuple[int, int, int]) -> tuple[int, int, int]:
    r, g, b = background
    return (0, 0, 0) if 0.299 * r + 0.587 * g + 0.114 * b > 140 else (255, 255, 255)


def caption_colors(background: tuple[int, int, int]) -> list[tuple[int, int, int]]:
    """The text colour and three anti-aliasing steps towards the background (reserved in GIF palettes)."""
    fg = np.asarray(text_color(background), float)
    bg = np.asarray(background, float)
    return [tuple(int(round(v)) for v in fg + (bg - fg) * f) for f in (0.0, 0.25, 0.5, 0.75)]


@lru_cache(maxsize=16)
def default_font(size: int):
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError, ImportError):  # Pillow without FreeType: the fixed bitmap font
        return ImageFont.load_default()


def _fitting_font(text: str, width: int, size: int):
    size = int(size)
    font = default_font(size)
    while size > 8 and hasattr(font, "getlength") and font.getlength(text) > width - 8:
        size -= 1
        font = default_font(size)
    return font


def caption_font_size(width: int) -> int:
    return int(min(20, max(11, round(width / 28))))


def caption_band(text: str, width: int, background: tuple[int, int, int], size: int | None = None) -> np.ndarray:
    """An RGB band ``width`` pixels wide with ``text`` drawn left-aligned in Pillow's default font."""
    from PIL import Image, ImageDraw

    size = size or caption_font_size(width)
    font = default_font(size)
    top, bottom = font.getbbox("Ag0|")[1::2]
    height = int(bottom - top + max(6, size // 2))
    img = Image.new("RGB", (int(width), height), tuple(background))
    font = _fitting_font(text, width, size)
    y = (height - (bottom - top)) // 2 - top
    ImageDraw.Draw(img).text((4, y), text, fill=text_color(background), font=font)
    return np.asarray(img)


def label_row(labels: Sequence[str], centers: Sequence[int], width: int, background: tuple[int, int, int],
               size: int) -> np.ndarray:
    from PIL import Image, ImageDraw

    font = default_font(size)
    top, bottom = font.getbbox("Ag0|")[1::2]
    height = int(bottom - top + max(6, size // 2))
    img = Image.new("RGB", (int(width), height), tuple(background))
    draw = ImageDraw.Draw(img)
    y = (height - (bottom - top)) // 2 - top
    for text, cx in zip(labels, centers):
        w = font.getlength(text) if hasattr(font, "getlength") else len(text) * size * 0.6
        draw.text((max(0, cx - w / 2), y), text, fill=text_color(background), font=font)
    return np.asarray(img)


def _world_to_pixel(points: np.ndarray, size: int, extent: float) -> np.ndarray:
    u = (points[..., 0] + extent) / (2 * extent) * size
    v = (extent - points[..., 1]) / (2 * extent) * size
    return np.stack([u, v], axis=-1)


def scatter_trails_image(points: np.ndarray, paths: np.ndarray | None = None, size: int = 384, extent: float = 4.0,
                         colors: np.ndarray | None = None, background: tuple[int, int, int] = (255, 255, 255),
                         radius: int = 1) -> np.ndarray:
    """:func:`engine.plotting.scatter_image` plus the paths of some points: ``paths`` is ``(F, M, 2)``, the
    positions of the first M points over F frames, drawn as lines in a darker shade of each point's colour."""
    from PIL import Image, ImageDraw

    from engine.plotting import scatter_image

    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    img = scatter_image(pts, size=size, extent=extent, colors=colors, background=tuple(background), radius=radius)
    if paths is None or len(paths) < 2 or paths.shape[1] == 0:
        return img
    pil = Image.fromarray(img)
    draw = ImageDraw.Draw(pil)
    cols = np.asarray(colors, dtype=np.uint8) if colors is not None else np.tile(
        np.array([[31, 119, 180]], np.uint8), (len(pts), 1))
    px = _world_to_pixel(np.asarray(paths, np.float64), size, extent)
    for j in range(px.shape[1]):
        line = px[:, j]
        line = line[np.isfinite(line).all(axis=1)]
        if len(line) < 2:
            continue
        dark = tuple(int(c * 0.6) for c in cols[j % len(cols)])
        draw.line([tuple(p) for p in line], fill=dark, width=1)
        x, y = line[-1]
        draw.ellipse([x - 2.5, y - 2.5, x + 2.5, y + 2.5], fill=dark)
    return np.asarray(pil)


class LazyFrames(Sequence):
    """Output frames made on demand by ``render(i)`` and kept when the whole clip fits ``cache_bytes``."""

    def __init__(self, count: int, render: Callable[[int], np.ndarray], cache_bytes: int = 384 * 2**20):
        self._count = int(count)
        self._render = render
        self._cache_bytes = cache_bytes
        self._cache: dict[int, np.ndarray] | None = {}
        self._last: tuple[int, np.ndarray] | None = None

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._count))]
        if i < 0:
            i += self._count
        if not 0 <= i < self._count:
            raise IndexError(i)
        if self._cache is not None and i in self._cache:
            return self._cache[i]
        if self._last is not None and self._last[0] == i:
            return self._last[1]
        arr = np.ascontiguousarray(self._render(i), dtype=np.uint8)
        if self._cache is not None:
            if arr.nbytes * self._count <= self._cache_bytes:
                self._cache[i] = arr
            else:
                self._cache = None
        self._last = (i, arr)
        return arr


def composer(content: Callable[[int], np.ndarray], captions: Callable[[int], str] | None,
              background: tuple[int, int, int]) -> Callable[[int], np.ndarray]:
    def compose(i: int) -> np.ndarray:
        img = content(i)
        if captions is not None:
            img = np.concatenate([img, caption_band(captions(i), img.shape[1], background)], axis=0)
        return img

    return compose


def as_float_tensor(x):
    import torch

    if isinstance(x, torch.Tensor):
        return x.detach().float().cpu()
    return torch.as_tensor(np.asarray(x, dtype=np.float32))


def samples_kind(samples) -> tuple[str, np.ndarray]:
    """-> ("points", float (N, 2)) or ("images", uint8 (N, H, W, C))."""
    from engine.imaging import to_uint8

    arr = samples.detach().float().cpu().numpy() if hasattr(samples, "detach") else np.asarray(samples)
    if arr.ndim == 2 and arr.shape[1] == 2 and arr.dtype != np.uint8:
        return "points", arr.astype(np.float32)
    if arr.dtype == np.uint8 and arr.ndim == 4 and arr.shape[-1] in (1, 3):
        return "images", arr
    if arr.ndim == 4:
        return "images", to_uint8(arr)
    if arr.ndim == 3 and arr.dtype != np.uint8:
        return "images", to_uint8(arr[None])
    raise ExportError(f"cannot make a picture of samples shaped {tuple(arr.shape)}; expected images "
                      "(N, C, H, W) or points (N, 2)", code=2)
