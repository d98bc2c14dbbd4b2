"""Animation files from uint8 RGB frames: GIF (see :mod:`engine.export.gif`), animated WebP and APNG through
Pillow, MP4 / H.264 through the optional imageio-ffmpeg. Identical consecutive frames are merged (durations added)."""
from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from engine.export.files import AtomicExport, Ticker, check_target, checked_frame
from engine.export.gif import write_gif
from engine.export.options import (
    GIF_MIN_DELAY_MS,
    Cancel,
    ExportError,
    ExportResult,
    Progress,
    animation_format,
    ffmpeg_module,
)


def write_animation(frames: Sequence[np.ndarray], durations: Sequence[int], out: str | Path,
                    fmt: str | None = None, *, quality: int | None = None, loop: int = 0,
                    key_colors: Sequence[tuple[int, int, int]] = (), background: tuple[int, int, int] = (0, 0, 0),
                    fps: float | None = None, source_indices: Sequence[int] | None = None,
                    progress: Progress | None = None, cancel: Cancel | None = None) -> ExportResult:
    """Write uint8 RGB ``(H, W, 3)`` frames (all the same size) shown ``durations[k]`` ms each.

    ``fmt``: gif | webp | apng | mp4 (None: from the extension). ``key_colors``: colours that must come out exact
    in a GIF palette (background, caption text). ``background``: the padding colour when MP4 needs even sizes.
    ``fps``: the MP4 frame rate (None: 1000 / the median duration); durations become repeated video frames.
    ``source_indices[k]``: what frame k shows, reported back in :class:`ExportResult`.
    """
    started = time.monotonic()
    out = Path(out)
    fmt = animation_format(out, fmt)
    check_target(out)
    n = len(frames)
    if n == 0:
        raise ExportError("nothing to export: no frames")
    if len(durations) != n:
        raise ValueError(f"{n} frames but {len(durations)} durations")
    source = list(source_indices) if source_indices is not None else list(range(n))
    durations = [int(d) for d in durations]
    if fmt == "gif":  # GIF delays are centiseconds, >= 2 to play at speed: regrain cumulatively
        ends = np.floor(np.cumsum(durations) / 10.0 + 0.5).astype(int) * 10
        durations = [max(GIF_MIN_DELAY_MS, int(d)) for d in np.diff(np.concatenate([[0], ends]))]
    first = np.asarray(frames[0])
    if first.ndim != 3 or first.shape[2] != 3 or first.dtype != np.uint8:
        raise ValueError(f"frames must be uint8 (H, W, 3), got {first.dtype} {first.shape}")
    tick = Ticker(progress, cancel, 2 * n)
    if fmt == "gif":
        written, durs = write_gif(frames, durations, out, loop, key_colors, tick)
    elif fmt == "mp4":
        written, durs = _write_mp4(frames, durations, out, quality, fps, background, tick)
    else:
        written, durs = _write_pillow(frames, durations, out, fmt, quality, loop, tick)
    tick.finish()
    h, w = first.shape[:2]
    if fmt == "mp4":
        h, w = h + h % 2, w + w % 2
    return ExportResult(out, fmt, (w, h), [source[i] for i in written], durs, out.stat().st_size,
                        time.monotonic() - started)


def _merge_identical(frames, durations, tick: Ticker) -> tuple[list[int], list[int]]:
    written: list[int] = []
    durs: list[int] = []
    prev = None
    shape = np.asarray(frames[0]).shape
    for i in range(len(frames)):
        f = checked_frame(frames, i, shape)
        if prev is not None and np.array_equal(f, prev):
            durs[-1] += durations[i]
        else:
            written.append(i)
            durs.append(durations[i])
            prev = f
        tick()
    return written, durs


def _write_pillow(frames, durations, out: Path, fmt: str, quality: int | None, loop: int,
                  tick: Ticker) -> tuple[list[int], list[int]]:
    from PIL import Image

    n = len(frames)
    written, durs = _merge_identical(frames, durations, tick)
    images = []
    for j, i in enumerate(written):
        images.append(Image.fromarray(np.asarray(frames[i])))
        tick.set(n + (j * n) // max(1, len(written)))
    suffix = ".tmp.webp" if fmt == "webp" else ".tmp.png"
    with AtomicExport(out, suffix) as tmp:
        if fmt == "webp":
            params = dict(lossless=True, quality=100, method=0) if quality is None else dict(
                lossless=False, quality=int(quality), method=4)
            images[0].save(tmp, format="WEBP", save_all=True, append_images=images[1:], duration=durs, loop=loop,
                           **params)
        else:
            if len(images) == 1:
                images[0].save(tmp, format="PNG")
            else:
                images[0].save(tmp, format="PNG", save_all=True, append_images=images[1:], duration=durs,
                               loop=loop, disposal=0, blend=0, default_image=False, compress_level=6)
        tick.check()  # a Cancel pressed while the encoder ran: drop the temp file instead of publishing it
    return written, durs


def _write_mp4(frames, durations, out: Path, quality: int | None, fps: float | None,
               background: tuple[int, int, int], tick: Ticker) -> tuple[list[int], list[int]]:
    ffmpeg = ffmpeg_module()
    n = len(frames)
    if fps is None:
        fps = 1000.0 / float(np.median(durations))
    fps = float(min(max(fps, 1.0), 120.0))
    # durations -> whole video frames, rounded cumulatively so the total duration is kept
    ends = np.floor(np.cumsum(durations) * fps / 1000.0 + 0.5).astype(int)
    repeats = np.diff(np.concatenate([[0], ends])).tolist()
    h, w = np.asarray(frames[0]).shape[:2]
    H, W = h + h % 2, w + w % 2  # yuv420p needs even sizes
    q = 8.0 if quality is None else float(min(10, max(1, quality)))
    written: list[int] = []
    durs: list[int] = []
    frame_ms = 1000.0 / fps
    with AtomicExport(out, ".tmp.mp4") as tmp:
        writer = ffmpeg.write_frames(str(tmp), (W, H), fps=fps, quality=q, macro_block_size=1,
                                     pix_fmt_in="rgb24", pix_fmt_out="yuv420p", ffmpeg_log_level="error",
                                     output_params=["-movflags", "+faststart"])
        writer.send(None)
        try:
            for i in range(n):
                f = checked_frame(frames, i, (h, w, 3))
                if (H, W) != (h, w):
                    padded = np.empty((H, W, 3), np.uint8)
                    padded[:] = background
                    padded[:h, :w] = f
                    f = padded
                data = np.ascontiguousarray(f).tobytes()
                for _ in range(int(repeats[i])):
                    writer.send(data)
                    written.append(i)
                    durs.append(int(round(frame_ms)))
                tick(2)
        finally:
            writer.close()
        tick.check()
    return written, durs
