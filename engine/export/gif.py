"""The GIF writer.

One global palette for the whole clip — exact when the clip has at most 255 colours, otherwise an octree palette of
frames sampled across the clip — with the background and caption colours reserved so flat areas stay flat; no
dithering; pixels that did not change are written as transparent deltas (small files for slowly changing frames);
identical consecutive frames are merged and their durations added.
"""
from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from engine.export.files import AtomicExport, Ticker, checked_frame
from engine.export.options import Cancel, ExportCancelled


def _pack(rgb: np.ndarray) -> np.ndarray:
    a = rgb.astype(np.uint32)
    return (a[..., 0] << 16) | (a[..., 1] << 8) | a[..., 2]


def _dedupe_colors(colors: Sequence[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    seen: list[tuple[int, int, int]] = []
    for c in colors:
        c = tuple(int(v) for v in c[:3])
        if c not in seen:
            seen.append(c)  # type: ignore[arg-type]
    return seen  # type: ignore[return-value]


def gif_palette(frames: Sequence[np.ndarray], key_colors: Sequence[tuple[int, int, int]] = (),
                limit: int = 255, samples: int = 12, cancel: Cancel | None = None) -> tuple[np.ndarray, bool]:
    """One palette (P, 3) uint8 for a whole clip and whether it is exact (every colour of every frame in it).

    At most ``limit`` colours (255 leaves one free index for the GIF's transparent deltas). Exact when the clip
    has that few colours; otherwise the key colours plus an octree quantization (Pillow's FASTOCTREE: fast, and
    closer than median cut on these clips) of ``samples`` frames spread over the clip (the last frame counted
    twice: the finished samples matter most).
    """
    from PIL import Image

    keys = _dedupe_colors(key_colors)[:limit]
    seen = np.zeros(1 << 24, dtype=bool)
    packed_keys = [(r << 16) | (g << 8) | b for r, g, b in keys]
    seen[packed_keys] = True
    found: list[int] = list(packed_keys)
    exact = True
    for i in range(len(frames)):
        if cancel is not None and cancel():
            raise ExportCancelled("export cancelled")
        packed = _pack(np.asarray(frames[i])).ravel()
        new = packed[~seen[packed]]
        if new.size:
            new = np.unique(new)
            seen[new] = True
            found.extend(int(v) for v in new)
            if len(found) > limit:
                exact = False
                break
    if exact:
        colors = [((v >> 16) & 255, (v >> 8) & 255, v & 255) for v in found]
        return np.asarray(colors, dtype=np.uint8).reshape(-1, 3), True
    n = len(frames)
    picks = sorted(set(np.round(np.linspace(0, n - 1, min(samples, n))).astype(int).tolist())) + [n - 1]
    parts = []
    budget = 262144 // len(picks)  # pixels per sampled frame: quantization time grows with the mosaic
    for i in picks:
        f = np.asarray(frames[i])
        step = max(1, int(math.ceil(math.sqrt(f.shape[0] * f.shape[1] / budget))))
        parts.append(np.ascontiguousarray(f[::step, ::step]))
    width = max(p.shape[1] for p in parts)
    mosaic = np.concatenate([np.pad(p, ((0, 0), (0, width - p.shape[1]), (0, 0)), mode="edge") for p in parts])
    want = max(2, limit - len(keys))
    quant = Image.fromarray(mosaic).quantize(colors=want, method=Image.Quantize.FASTOCTREE,
                                             dither=Image.Dither.NONE)
    pal = np.asarray(quant.getpalette()[:3 * 256], dtype=np.uint8).reshape(-1, 3)
    used = np.unique(np.asarray(quant))
    colors = _dedupe_colors(keys + [tuple(int(v) for v in pal[u]) for u in used])[:limit]
    return np.asarray(colors, dtype=np.uint8).reshape(-1, 3), False


class _PaletteMapper:
    """RGB frame -> palette indices: exact lookup for exact palettes, else Pillow's nearest colour (no dither)
    with the key colours forced exact."""

    def __init__(self, palette: np.ndarray, exact: bool, key_colors: Sequence[tuple[int, int, int]]):
        from PIL import Image

        self.palette = palette
        self.exact = exact
        packed = _pack(palette)
        if exact:
            self.lut = np.zeros(1 << 24, dtype=np.uint8)
            self.lut[packed] = np.arange(len(palette), dtype=np.uint8)
        else:
            self.pal_img = Image.new("P", (1, 1))
            self.pal_img.putpalette(palette.ravel().tolist())
            index = {int(v): i for i, v in enumerate(packed)}
            self.keys = [(int(k), index[int(k)]) for k in (_pack(np.asarray(_dedupe_colors(key_colors), np.uint8))
                                                          if key_colors else []) if int(k) in index]

    def __call__(self, frame: np.ndarray) -> np.ndarray:
        from PIL import Image

        packed = _pack(frame)
        if self.exact:
            return self.lut[packed]
        idx = np.array(Image.fromarray(frame).quantize(palette=self.pal_img, dither=Image.Dither.NONE),
                       dtype=np.uint8)
        for key, i in self.keys:
            idx[packed == key] = i
        return idx


def write_gif(frames, durations, out: Path, loop: int, key_colors, tick: Ticker) -> tuple[list[int], list[int]]:
    n = len(frames)
    shape = np.asarray(frames[0]).shape
    palette, exact = gif_palette(frames, key_colors, cancel=tick.cancel)
    mapper = _PaletteMapper(palette, exact, key_colors)
    indexed: list[np.ndarray] = []
    written: list[int] = []
    durs: list[int] = []
    for i in range(n):
        idx = mapper(checked_frame(frames, i, shape))
        if indexed and np.array_equal(idx, indexed[-1]):
            durs[-1] += durations[i]  # identical after quantization: one frame, shown longer
        else:
            indexed.append(idx)
            written.append(i)
            durs.append(durations[i])
        tick()
    tick.set(n)
    with AtomicExport(out, ".tmp.gif") as tmp:
        with open(tmp, "wb") as fp:
            for j, chunk in enumerate(_gif_chunks(indexed, durs, palette, loop)):
                fp.write(chunk)
                tick.set(n + (j * n) // len(indexed))
        tick.check()
    return written, durs


def _gif_chunks(indexed: list[np.ndarray], durations: list[int], palette: np.ndarray,
                loop: int) -> Iterator[bytes]:
    """The GIF file, one frame at a time: a global palette plus one spare entry used as the transparent index;
    each later frame stores only the bounding box of the pixels that changed, with unchanged pixels inside it
    transparent (disposal 1: the previous frame stays underneath), LZW-encoded by Pillow's GIF encoder."""
    from PIL import GifImagePlugin, Image

    spare = len(palette)  # <= 255: gif_palette leaves one index free
    flat = np.concatenate([palette, palette[:1]]).ravel().tolist()

    def image(idx: np.ndarray) -> Image.Image:
        im = Image.frombytes("P", (idx.shape[1], idx.shape[0]), np.ascontiguousarray(idx).tobytes())
        im.putpalette(flat)
        return im

    first = image(indexed[0])
    header, _ = GifImagePlugin.getheader(first, None, {"loop": int(loop), "optimize": False})
    yield b"".join(header)
    prev = None
    for idx, dur in zip(indexed, durations):
        params: dict[str, Any] = {"duration": int(dur), "disposal": 1}
        if prev is None:
            region, offset = idx, (0, 0)
        else:
            changed = idx != prev
            rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
            y0, y1, x0, x1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
            region = idx[y0:y1, x0:x1].copy()
            region[~changed[y0:y1, x0:x1]] = spare
            offset = (int(x0), int(y0))
            params["transparency"] = spare
        yield b"".join(GifImagePlugin.getdata(image(region), offset=offset, **params))
        prev = idx
    yield b";"
