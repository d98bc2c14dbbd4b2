"""Export: animations, still figures and data files for lectures, papers and posts.

One Qt-free module behind both the window's Export dialog (``gui/export_dialog.py``) and ``diffusion-lab export``:

* **animations** — the reverse (denoising) process of a recorded :class:`~engine.samplers.Trajectory` (x_t, the
  predicted x0, or both side by side; one sample or the whole grid), the forward (noising) process of an image or a
  2-D point cloud, and a training time-lapse of preview grids; as GIF, animated WebP, APNG (all through Pillow) or
  MP4 / H.264 (through the optional ``imageio-ffmpeg``);
* **stills and data** — a PNG grid of samples, a PNG strip of the forward or reverse process at chosen t, the loss
  curve as PNG / SVG / CSV, samples as ``.npy``.

Every file is written through :func:`engine.atomic.atomic_path`: it appears complete or not at all. Long exports
report ``progress(done, total)`` and poll ``cancel()``; a True answer raises :class:`ExportCancelled` and leaves
neither the target nor a temp file behind. Problems the user can fix (unknown extension, unwritable folder, full
disk, MP4 without imageio-ffmpeg) raise :class:`ExportError` with one clear line.

GIF: one global palette for the whole clip — exact when the clip has at most 255 colours, otherwise an octree
palette of frames sampled across the clip — with the background and caption colours reserved so flat areas stay flat;
no dithering; pixels that did not change are written as transparent deltas (small files for slowly changing
frames); identical consecutive frames are merged and their durations added. GIF stores delays in 1/100 s, so frame
times are rounded cumulatively to 10 ms (the total stays right) and never go below 20 ms (faster GIFs play at 10 fps
in browsers).

Frame numbering: every :class:`ExportResult` lists, per written frame, the index of the source frame it shows
(trajectory frame, forward position ``t`` in ``0..T``, or time-lapse capture) and its duration in ms, so a caller
(or a test) can check that frame k of the file shows what it claims.
"""
from __future__ import annotations

import errno
import math
import os
import sys
import time
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from engine.atomic import atomic_path
from engine.errors import UserError

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]

ANIMATION_FORMATS = {".gif": "gif", ".webp": "webp", ".apng": "apng", ".png": "apng", ".mp4": "mp4"}
FORMAT_NAMES = {"gif": "GIF", "webp": "WebP", "apng": "APNG", "mp4": "MP4"}
SELECT_MODES = ("all", "every_k", "end_dense")
VIEWS = ("x_t", "x0_pred", "both")
WHATS = ("reverse", "forward", "timelapse", "grid", "strip", "loss")
MP4_HINT = ('MP4 export needs the optional imageio-ffmpeg package: pip install "diffusion-lab[mp4]" '
            "(or: pip install imageio-ffmpeg). GIF, WebP and APNG work without it.")
TIMELAPSE_NAME = "timelapse.npz"
GIF_MIN_DELAY_MS = 20
AUTO_SCALE_TARGET = 480  # auto upscale: the largest integer factor that keeps the content within this many pixels
AUTO_SCALE_LIMIT = 16


class ExportCancelled(Exception):
    """The user cancelled an export; nothing was written."""


class ExportError(UserError):
    """An export problem the user can fix, as one line (code 2: a bad argument, 1: the file system)."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message, code)


# ================================================================== options
@dataclass
class AnimationOptions:
    """How an animation looks and plays. ``validate()`` normalises and checks every field.

    Timing: ``fps`` frames per second, or ``duration`` seconds for the whole moving part (overrides fps), then
    ``hold_final_s`` extra seconds on the last frame. Frames: ``select`` is ``all`` (every source frame),
    ``every_k`` (every ``k``-th, plus the last) or ``end_dense`` (as many frames as every_k would give, spaced
    denser where the picture changes fastest: the end of the reverse process / the start of the forward one);
    more than ``max_frames`` (0 = no cap) are thinned evenly. Look: ``scale`` integer nearest-neighbour upscale
    (0 = automatic, crisp pixels for small images), ``caption`` a band with the step / t under each frame,
    ``padding`` and ``background`` of the grid, ``view`` x_t / x0_pred / both side by side, ``sample`` one sample
    (index) or None for the grid, ``nrow`` images per grid row. File: ``format`` (None = from the extension),
    ``quality`` (WebP: None = lossless, 1..100 lossy; MP4: 1..10, default 8), ``loop`` (0 = forever).
    2-D points: ``plot_size`` pixels, ``extent`` of the square view, ``trails`` paths of this many points drawn.
    """

    fps: float = 20.0
    duration: float | None = None
    select: str = "all"
    k: int = 1
    max_frames: int = 300
    hold_final_s: float = 1.0
    scale: int = 0
    caption: bool = False
    padding: int = 2
    background: Any = (255, 255, 255)
    view: str = "x_t"
    sample: int | None = None
    nrow: int | None = None
    format: str | None = None
    quality: int | None = None
    loop: int = 0
    plot_size: int = 384
    extent: float = 4.0
    trails: int = 0

    def validate(self) -> "AnimationOptions":
        def bad(name: str, message: str) -> ExportError:
            return ExportError(f"{name}: {message}", code=2)

        if not (isinstance(self.fps, (int, float)) and math.isfinite(self.fps) and 0 < self.fps <= 120):
            raise bad("fps", f"must be in (0, 120], got {self.fps}")
        if self.duration is not None and not (math.isfinite(self.duration) and 0 < self.duration <= 3600):
            raise bad("duration", f"must be in (0, 3600] seconds, got {self.duration}")
        if self.select not in SELECT_MODES:
            raise bad("select", f"must be one of {', '.join(SELECT_MODES)}, got {self.select!r}")
        if int(self.k) < 1:
            raise bad("every (k)", f"must be >= 1, got {self.k}")  # the CLI's --every, the dialog's k
        if int(self.max_frames) < 0:
            raise bad("max_frames", f"must be >= 0 (0 = no limit), got {self.max_frames}")
        if not (math.isfinite(self.hold_final_s) and 0 <= self.hold_final_s <= 600):
            raise bad("hold_final_s", f"must be in [0, 600] seconds, got {self.hold_final_s}")
        if not 0 <= int(self.scale) <= 64:
            raise bad("scale", f"must be in [0, 64] (0 = automatic), got {self.scale}")
        if not 0 <= int(self.padding) <= 64:
            raise bad("padding", f"must be in [0, 64] pixels, got {self.padding}")
        if self.view not in VIEWS:
            raise bad("view", f"must be one of {', '.join(VIEWS)}, got {self.view!r}")
        if self.sample is not None and int(self.sample) < 0:
            raise bad("sample", f"must be >= 0 (or None for the grid), got {self.sample}")
        if self.nrow is not None and int(self.nrow) < 1:
            raise bad("nrow", f"must be >= 1, got {self.nrow}")
        if self.quality is not None and not 1 <= int(self.quality) <= 100:
            raise bad("quality", f"must be in [1, 100], got {self.quality}")
        if int(self.loop) < 0:
            raise bad("loop", f"must be >= 0 (0 = forever), got {self.loop}")
        if not 64 <= int(self.plot_size) <= 4096:
            raise bad("plot_size", f"must be in [64, 4096] pixels, got {self.plot_size}")
        if not (math.isfinite(self.extent) and self.extent > 0):
            raise bad("extent", f"must be > 0, got {self.extent}")
        if int(self.trails) < 0:
            raise bad("trails", f"must be >= 0, got {self.trails}")
        self.k, self.max_frames, self.scale, self.padding = int(self.k), int(self.max_frames), int(self.scale), \
            int(self.padding)
        self.loop, self.plot_size, self.trails = int(self.loop), int(self.plot_size), int(self.trails)
        self.background = parse_color(self.background)
        return self

    def replace(self, **changes) -> "AnimationOptions":
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return AnimationOptions(**values)


@dataclass
class ExportResult:
    """What was written. ``frame_indices[k]`` is the source frame that frame k of the file shows (one entry per
    stored frame; for MP4 one per video frame), ``durations_ms[k]`` how long it shows."""

    path: Path
    format: str
    size: tuple[int, int]  # (width, height) in pixels; (0, 0) for data files
    frame_indices: list[int] = field(default_factory=list)
    durations_ms: list[int] = field(default_factory=list)
    bytes: int = 0
    seconds: float = 0.0
    scale: int = 1

    @property
    def n_frames(self) -> int:
        return len(self.frame_indices)

    @property
    def total_ms(self) -> int:
        return int(sum(self.durations_ms))

    def summary(self) -> str:
        mb = self.bytes / 2**20
        size = f"{mb:.2f} MB" if mb >= 0.1 else f"{self.bytes / 1024:.1f} KB"
        what = f"{self.n_frames} frames, {self.total_ms / 1000:.1f} s, " if self.frame_indices else ""
        dims = f"{self.size[0]}x{self.size[1]}, " if self.size != (0, 0) else ""
        return f"{self.path}: {FORMAT_NAMES.get(self.format, self.format.upper())}, {what}{dims}{size} " \
               f"(took {self.seconds:.1f} s)"


def parse_color(value: Any) -> tuple[int, int, int]:
    """``(r, g, b)``, ``"#rrggbb"``, ``"#rgb"``, ``"r,g,b"`` or a CSS name (``white``, ``black``...) -> (r, g, b)."""
    if isinstance(value, (tuple, list, np.ndarray)) and len(value) in (3, 4):
        try:
            rgb = tuple(int(v) for v in list(value)[:3])
        except (TypeError, ValueError):
            rgb = (-1,)
        if len(rgb) == 3 and all(0 <= v <= 255 for v in rgb):
            return rgb  # type: ignore[return-value]
        raise ExportError(f"background: colour components must be integers in [0, 255], got {value!r}", code=2)
    text = str(value).strip()
    if text.count(",") == 2:
        return parse_color([p.strip() for p in text.split(",")])
    from PIL import ImageColor

    try:
        rgb = ImageColor.getrgb(text)
    except ValueError:
        raise ExportError(f"background: not a colour: {text!r} (use a name like white, #rrggbb or r,g,b)",
                          code=2) from None
    return tuple(int(v) for v in rgb[:3])  # type: ignore[return-value]


def animation_format(path: str | Path, fmt: str | None = None) -> str:
    """``gif`` | ``webp`` | ``apng`` | ``mp4`` from ``fmt`` or the file extension; a clear error otherwise. MP4 also
    checks that imageio-ffmpeg is installed (so the user learns it before waiting for frames to render)."""
    if fmt:
        name = fmt.lower().lstrip(".")
        name = "apng" if name == "png" else name
        if name not in FORMAT_NAMES:
            raise ExportError(f"unknown animation format {fmt!r}: use gif, webp, apng or mp4", code=2)
    else:
        if Path(path).is_dir():
            raise ExportError(f"{path} is a folder; give a file name such as {Path(path) / 'animation.gif'}", code=2)
        suffix = Path(path).suffix.lower()
        if suffix not in ANIMATION_FORMATS:
            raise ExportError(f"{path}: unknown extension {suffix or '(none)'!r} for an animation; use .gif, .webp, "
                              ".apng (or .png) or .mp4", code=2)
        name = ANIMATION_FORMATS[suffix]
    if name == "mp4":
        _ffmpeg()
    return name


def mp4_available() -> bool:
    """Whether MP4 export can run (the optional imageio-ffmpeg package and its ffmpeg binary are present)."""
    try:
        _ffmpeg()
    except ExportError:
        return False
    return True


def _ffmpeg():
    try:
        import imageio_ffmpeg
    except ImportError:
        raise ExportError(MP4_HINT) from None
    try:
        imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as exc:  # the package without a usable binary
        raise ExportError(f"{MP4_HINT} (imageio-ffmpeg found no ffmpeg binary: {exc})") from None
    return imageio_ffmpeg


def check_target(out: str | Path, allowed: Sequence[str] | None = None) -> Path:
    """Fail early and clearly when ``out`` cannot be written: a wrong extension, a folder in the way, a parent that
    is a file, or a folder without write permission."""
    out = Path(out)
    if allowed is not None and out.suffix.lower() not in allowed:
        raise ExportError(f"{out}: unknown extension {out.suffix.lower() or '(none)'!r}; use "
                          f"{', '.join(allowed)}", code=2)
    if out.is_dir():
        raise ExportError(f"{out} is a folder; give a file name such as {out / ('export' + (allowed or ['.gif'])[0])}",
                          code=2)
    probe = out.parent if str(out.parent) else Path(".")
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    if not probe.is_dir():
        raise ExportError(f"cannot write {out}: {probe} is a file, not a folder")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise ExportError(f"cannot write {out}: no permission to write in {probe}; choose another folder")
    return out


def io_error_message(out: Path, exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return f"cannot write {out}: the disk is full; free some space or choose another location"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"cannot write {out}: permission denied ({exc.strerror or exc}); choose another folder"
    return f"cannot write {out}: {exc.strerror or exc}"


def _read_umask() -> int:
    mask = os.umask(0o022)  # read once, at import (main thread): os.umask can only be read by setting it
    os.umask(mask)
    return mask


_UMASK = _read_umask()


class AtomicExport:
    """``with AtomicExport(out, ".tmp.gif") as tmp:`` an atomic write whose OSErrors become one-line ExportErrors.

    The temp file comes from mkstemp (mode 0600); a finished export gets the usual permissions for new files
    (0666 minus the umask), like any file a program saves, so it can be shared and served as is.
    """

    def __init__(self, out: Path, suffix: str):
        self.out, self.suffix = Path(out), suffix
        self._cm = None

    def __enter__(self) -> Path:
        self._cm = atomic_path(self.out, suffix=self.suffix)
        try:
            self._tmp = self._cm.__enter__()
            return self._tmp
        except OSError as exc:
            raise ExportError(io_error_message(self.out, exc)) from None

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None:
            try:
                os.chmod(self._tmp, 0o666 & ~_UMASK)
            except OSError:
                pass
        try:
            self._cm.__exit__(exc_type, exc, tb)
        except OSError as err:
            raise ExportError(io_error_message(self.out, err)) from None
        if exc_type is not None and issubclass(exc_type, OSError) and not isinstance(exc, ExportError):
            raise ExportError(io_error_message(self.out, exc)) from None
        return False


# ================================================================== frame selection and timing
def select_frames(count: int, mode: str = "all", k: int = 1, max_frames: int = 0, dense: str = "end") -> list[int]:
    """Indices (ascending, first and last always kept) of the ``count`` source frames to show.

    ``all``: every frame. ``every_k``: 0, k, 2k, ... and the last. ``end_dense``: as many frames as ``every_k``
    gives (all for k = 1), with positions ``(count - 1) (1 - (1 - u)^2)`` for u evenly spaced in [0, 1], so the
    spacing shrinks towards the ``dense`` end ("end" for the reverse process, "start" for the forward one); near
    that end every frame is kept. Finally more than ``max_frames`` (> 0) are thinned evenly.
    """
    count = int(count)
    if count <= 0:
        return []
    k = max(1, int(k))
    if mode == "all":
        idx = list(range(count))
    elif mode == "every_k":
        idx = list(range(0, count, k))
        if idx[-1] != count - 1:
            idx.append(count - 1)
    elif mode == "end_dense":
        m = math.ceil((count - 1) / k) + 1 if count > 1 else 1
        if max_frames > 0:
            m = min(m, max_frames)
        idx = _dense_positions(count, m)
        if dense == "start":
            idx = [count - 1 - i for i in reversed(idx)]
    else:
        raise ExportError(f"frame selection must be one of {', '.join(SELECT_MODES)}, got {mode!r}", code=2)
    if max_frames > 0 and len(idx) > max_frames:
        picks = np.round(np.linspace(0, len(idx) - 1, max(1, max_frames))).astype(int)
        idx = [idx[p] for p in picks]
    return idx


def _dense_positions(count: int, m: int, power: float = 2.0) -> list[int]:
    m = max(1, min(int(m), count))
    if m >= count:
        return list(range(count))
    if m == 1:
        return [count - 1]
    pos = (count - 1) * (1.0 - (1.0 - np.linspace(0.0, 1.0, m)) ** power)
    out: list[int] = []
    prev = -1
    for i, p in enumerate(pos):  # strictly increasing, leaving room for the rest, last == count - 1
        v = min(max(int(math.floor(p + 0.5)), prev + 1), count - 1 - (m - 1 - i))
        out.append(v)
        prev = v
    return out


def frame_durations(n: int, fps: float = 20.0, duration: float | None = None, hold_final_s: float = 0.0,
                    grain: int = 1) -> list[int]:
    """Per-frame durations in whole ms (multiples of ``grain``): ``n`` frames at ``fps`` or spread over
    ``duration`` seconds, rounded cumulatively so the total is right, plus ``hold_final_s`` on the last frame."""
    if n <= 0:
        return []
    per = (duration * 1000.0 / n) if duration else 1000.0 / fps
    ends = [grain * int(math.floor((i + 1) * per / grain + 0.5)) for i in range(n)]
    out = [ends[0]] + [ends[i] - ends[i - 1] for i in range(1, n)]
    out = [max(grain, d) for d in out]
    out[-1] += grain * int(math.floor(hold_final_s * 1000.0 / grain + 0.5))
    return out


def _plan_timing(sel: list[int], opts: AnimationOptions, fmt: str) -> list[int]:
    """GIF cannot show frames shorter than 20 ms: refuse a too-high fps, or thin the frames to fit a duration."""
    if fmt != "gif" or len(sel) < 2:
        return sel
    if opts.duration:
        fit = int(opts.duration * 1000 // GIF_MIN_DELAY_MS)
        if len(sel) > fit:
            picks = np.round(np.linspace(0, len(sel) - 1, max(2, fit))).astype(int)
            sel = [sel[p] for p in picks]
    elif 1000.0 / opts.fps < GIF_MIN_DELAY_MS - 1e-9:
        raise ExportError(f"fps: GIF plays at most {1000 // GIF_MIN_DELAY_MS} frames per second (browsers slow "
                          f"faster GIFs down); use --fps 50 or lower, or WebP / APNG / MP4", code=2)
    return sel


# ================================================================== rendering helpers
def auto_scale(height: int, width: int, target: int = AUTO_SCALE_TARGET, limit: int = AUTO_SCALE_LIMIT) -> int:
    """The integer nearest-neighbour factor used when ``scale == 0``: the largest that keeps the picture within
    ``target`` pixels (1 for pictures already that big)."""
    return int(max(1, min(limit, target // max(1, height, width))))


def tile_images(images: np.ndarray, nrow: int | None = None, padding: int = 2,
                background: tuple[int, int, int] = (255, 255, 255)) -> np.ndarray:
    """``(N, H, W, C)`` uint8 -> one RGB ``(H', W', 3)`` grid with ``padding`` pixels of ``background`` around and
    between the cells (:func:`engine.imaging.make_grid`'s layout, with a colour background)."""
    from engine.imaging import to_rgb

    imgs = to_rgb(np.asarray(images, dtype=np.uint8))
    if imgs.ndim == 3:
        imgs = imgs[None]
    n, h, w, _ = imgs.shape
    ncol = max(1, min(n, int(nrow) if nrow else math.ceil(math.sqrt(n))))
    nrows = math.ceil(n / ncol)
    p = int(padding)
    grid = np.empty((nrows * (h + p) + p, ncol * (w + p) + p, 3), dtype=np.uint8)
    grid[:] = background
    for i in range(n):
        r, c = divmod(i, ncol)
        top, left = p + r * (h + p), p + c * (w + p)
        grid[top:top + h, left:left + w] = imgs[i]
    return grid


def _upscale(img: np.ndarray, factor: int) -> np.ndarray:
    """Nearest-neighbour enlargement of ``(H, W, C)`` or ``(N, H, W, C)`` by an integer factor."""
    if factor <= 1:
        return img
    h_axis = img.ndim - 3
    return np.repeat(np.repeat(img, factor, axis=h_axis), factor, axis=h_axis + 1)


def _grid_shape(n: int, nrow: int | None) -> tuple[int, int]:
    cols = max(1, min(n, int(nrow) if nrow else math.ceil(math.sqrt(n))))
    return math.ceil(n / cols), cols


def _pick_sample(imgs: np.ndarray, sample: int | None) -> np.ndarray:
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
    return tile_images(_upscale(np.asarray(imgs), scale), nrow, padding, background)


def _hstack(panels: Sequence[np.ndarray], gap: int, background: tuple[int, int, int]) -> np.ndarray:
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


def _caption_colors(background: tuple[int, int, int]) -> list[tuple[int, int, int]]:
    """The text colour and three anti-aliasing steps towards the background (reserved in GIF palettes)."""
    fg = np.asarray(text_color(background), float)
    bg = np.asarray(background, float)
    return [tuple(int(round(v)) for v in fg + (bg - fg) * f) for f in (0.0, 0.25, 0.5, 0.75)]


@lru_cache(maxsize=16)
def _font(size: int):
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError, ImportError):  # Pillow without FreeType: the fixed bitmap font
        return ImageFont.load_default()


def _fitting_font(text: str, width: int, size: int):
    size = int(size)
    font = _font(size)
    while size > 8 and hasattr(font, "getlength") and font.getlength(text) > width - 8:
        size -= 1
        font = _font(size)
    return font


def caption_font_size(width: int) -> int:
    return int(min(20, max(11, round(width / 28))))


def caption_band(text: str, width: int, background: tuple[int, int, int], size: int | None = None) -> np.ndarray:
    """An RGB band ``width`` pixels wide with ``text`` drawn left-aligned in Pillow's default font."""
    from PIL import Image, ImageDraw

    size = size or caption_font_size(width)
    font = _font(size)
    top, bottom = font.getbbox("Ag0|")[1::2]
    height = int(bottom - top + max(6, size // 2))
    img = Image.new("RGB", (int(width), height), tuple(background))
    font = _fitting_font(text, width, size)
    y = (height - (bottom - top)) // 2 - top
    ImageDraw.Draw(img).text((4, y), text, fill=text_color(background), font=font)
    return np.asarray(img)


def _label_row(labels: Sequence[str], centers: Sequence[int], width: int, background: tuple[int, int, int],
               size: int) -> np.ndarray:
    from PIL import Image, ImageDraw

    font = _font(size)
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


# ================================================================== lazy frame sequences
class _LazyFrames(Sequence):
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


def _composer(content: Callable[[int], np.ndarray], captions: Callable[[int], str] | None,
              background: tuple[int, int, int]) -> Callable[[int], np.ndarray]:
    def compose(i: int) -> np.ndarray:
        img = content(i)
        if captions is not None:
            img = np.concatenate([img, caption_band(captions(i), img.shape[1], background)], axis=0)
        return img

    return compose


# ================================================================== the writer
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
    tick = _Ticker(progress, cancel, 2 * n)
    if fmt == "gif":
        written, durs = _write_gif(frames, durations, out, loop, key_colors, tick)
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


class _Ticker:
    """Progress reporting (at most ~100 calls) and cancellation polling for one export."""

    def __init__(self, progress: Progress | None, cancel: Cancel | None, total: int):
        self.progress, self.cancel, self.total = progress, cancel, max(1, int(total))
        self.done = 0
        self._every = max(1, self.total // 100)

    def __call__(self, amount: int = 1) -> None:
        if self.cancel is not None and self.cancel():
            raise ExportCancelled("export cancelled")
        self.done = min(self.total, self.done + amount)
        if self.progress is not None and (self.done % self._every == 0 or self.done == self.total):
            self.progress(self.done, self.total)

    def set(self, done: int) -> None:
        self(max(0, done - self.done))

    def check(self) -> None:
        """Raise :class:`ExportCancelled` if the user asked to stop (e.g. while an encoder ran without ticks)."""
        if self.cancel is not None and self.cancel():
            raise ExportCancelled("export cancelled")

    def finish(self) -> None:
        if self.progress is not None:
            self.progress(self.total, self.total)


def _frame(frames: Sequence[np.ndarray], i: int, shape: tuple[int, ...]) -> np.ndarray:
    f = np.asarray(frames[i])
    if f.shape != shape or f.dtype != np.uint8:
        raise ValueError(f"frame {i} is {f.dtype} {f.shape}; every frame must be uint8 {shape} like the first")
    return f


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


def _write_gif(frames, durations, out: Path, loop: int, key_colors, tick: _Ticker) -> tuple[list[int], list[int]]:
    n = len(frames)
    shape = np.asarray(frames[0]).shape
    palette, exact = gif_palette(frames, key_colors, cancel=tick.cancel)
    mapper = _PaletteMapper(palette, exact, key_colors)
    indexed: list[np.ndarray] = []
    written: list[int] = []
    durs: list[int] = []
    for i in range(n):
        idx = mapper(_frame(frames, i, shape))
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


def _merge_identical(frames, durations, tick: _Ticker) -> tuple[list[int], list[int]]:
    written: list[int] = []
    durs: list[int] = []
    prev = None
    shape = np.asarray(frames[0]).shape
    for i in range(len(frames)):
        f = _frame(frames, i, shape)
        if prev is not None and np.array_equal(f, prev):
            durs[-1] += durations[i]
        else:
            written.append(i)
            durs.append(durations[i])
            prev = f
        tick()
    return written, durs


def _write_pillow(frames, durations, out: Path, fmt: str, quality: int | None, loop: int,
                  tick: _Ticker) -> tuple[list[int], list[int]]:
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
               background: tuple[int, int, int], tick: _Ticker) -> tuple[list[int], list[int]]:
    ffmpeg = _ffmpeg()
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
                f = _frame(frames, i, (h, w, 3))
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


# ================================================================== animations
def _animate(count: int, dense: str, content: Callable[[int], np.ndarray], caption: Callable[[int], str],
             out: str | Path, opts: AnimationOptions, progress: Progress | None, cancel: Cancel | None,
             scale: int) -> ExportResult:
    """Select, time, caption and write frames; ``content(i)`` draws source frame i at its final size."""
    fmt = animation_format(out, opts.format)
    check_target(out)
    sel = select_frames(count, opts.select, opts.k, opts.max_frames, dense=dense)
    sel = _plan_timing(sel, opts, fmt)
    compose = _composer(content, caption if opts.caption else None, opts.background)
    frames = _LazyFrames(len(sel), lambda j: compose(sel[j]))
    grain = 10 if fmt == "gif" else 1
    durations = frame_durations(len(sel), opts.fps, opts.duration, opts.hold_final_s, grain)
    keys = [opts.background] + (_caption_colors(opts.background) if opts.caption else [])
    fps = (len(sel) / opts.duration) if opts.duration else opts.fps
    result = write_animation(frames, durations, out, fmt, quality=_quality_for(fmt, opts.quality), loop=opts.loop,
                             key_colors=keys, background=opts.background, fps=fps, source_indices=sel,
                             progress=progress, cancel=cancel)
    result.scale = scale
    return result


def _quality_for(fmt: str, quality: int | None) -> int | None:
    if quality is None:
        return None
    if fmt == "mp4":
        return int(min(10, max(1, round(quality / 10)))) if quality > 10 else int(quality)
    return int(quality)


def export_reverse_animation(traj, out: str | Path, options: AnimationOptions | None = None,
                             progress: Progress | None = None, cancel: Cancel | None = None) -> ExportResult:
    """Animate a recorded sampling run (:class:`~engine.samplers.Trajectory`): frame k of the file shows the
    trajectory frame ``result.frame_indices[k]`` — x_t, the predicted x0, or both side by side (left x_t)."""
    opts = (options or AnimationOptions()).replace().validate()
    if traj is None or len(traj) == 0:
        raise ExportError("nothing to export: the trajectory has no recorded frames")
    K = traj.num_steps
    points = traj.kind == "points"
    views = ("x_t", "x0_pred") if opts.view == "both" else (opts.view,)

    def caption(i: int) -> str:
        f = traj.frame(i)
        t = f"t = {f.t + 1}" if f.t >= 0 else "t = 0 (sample)"
        text = f"step {f.step}/{K}   {t}"
        return text + ("   left: x_t, right: predicted x0" if opts.view == "both" else
                       ("   predicted x0" if opts.view == "x0_pred" else ""))

    if points:
        ref = traj.final if traj.final is not None else traj.frame(len(traj) - 1).x_t
        from engine.plotting import point_colors

        colors = point_colors(np.asarray(ref).reshape(-1, 2))
        stacked = {v: traj.stacked(v) for v in views} if opts.trails else {}

        scale = max(1, opts.scale)

        def content(i: int) -> np.ndarray:
            panels = []
            for v in views:
                pts = getattr(traj.frame(i), v)
                paths = stacked[v][:i + 1, :opts.trails] if opts.trails else None
                panels.append(scatter_trails_image(pts, paths, opts.plot_size, opts.extent, colors,
                                                   opts.background))
            return _upscale(_hstack(panels, view_gap(opts.padding), opts.background), scale)
    else:
        n, h, w = _pick_sample(traj.frame(0).x_t, opts.sample).shape[:3]
        scale = image_scale(n, h, w, opts.nrow, opts.scale)

        def content(i: int) -> np.ndarray:
            f = traj.frame(i)
            panels = [image_panel(_pick_sample(getattr(f, v), opts.sample), opts.nrow, opts.padding,
                                  opts.background, scale) for v in views]
            return _hstack(panels, view_gap(opts.padding), opts.background)

    return _animate(len(traj), "end", content, caption, out, opts, progress, cancel, scale)


def _as_float_tensor(x):
    import torch

    if isinstance(x, torch.Tensor):
        return x.detach().float().cpu()
    return torch.as_tensor(np.asarray(x, dtype=np.float32))


def export_forward_animation(x0, schedule, out: str | Path, options: AnimationOptions | None = None, *,
                             noise=None, seed: int = 0, progress: Progress | None = None,
                             cancel: Cancel | None = None) -> ExportResult:
    """Animate the forward (noising) process q(x_t | x_0) for t = 0..T (t = 0 is the clean data; position p >= 1 is
    schedule index p - 1, the paper's t = p), with one fixed noise draw so the picture changes smoothly.

    ``x0``: images ``(N, C, H, W)`` in [-1, 1] (one image or a grid) or points ``(N, 2)``. ``noise``: the same
    shape (default: drawn from ``seed``). Frame k shows position ``result.frame_indices[k]``.
    """
    import torch

    from engine.diffusion import q_sample
    from engine.imaging import to_uint8

    opts = (options or AnimationOptions()).replace().validate()
    x = _as_float_tensor(x0)
    points = x.ndim == 2 and x.shape[1] == 2
    if not points and x.ndim == 3:
        x = x[None]
    if not points and x.ndim != 4:
        raise ExportError(f"forward animation: expected images (N, C, H, W) or points (N, 2), got {tuple(x.shape)}",
                          code=2)
    if noise is None:
        noise = torch.randn(x.shape, generator=torch.Generator().manual_seed(int(seed)))
    eps = _as_float_tensor(noise).reshape(x.shape)
    T = schedule.timesteps

    def state(p: int) -> torch.Tensor:
        return x if p == 0 else q_sample(schedule, x, torch.tensor(p - 1), eps)

    def caption(p: int) -> str:
        return f"t = {p}/{T}" + ("   (clean data)" if p == 0 else "")

    if points:
        from engine.plotting import point_colors

        colors = point_colors(x.numpy())
        cache: dict[int, np.ndarray] = {}

        def trail(p: int) -> np.ndarray | None:
            if not opts.trails:
                return None
            stops = [q for q in range(0, p + 1, max(1, T // 200))] + [p]
            for q in stops:
                if q not in cache:
                    cache[q] = state(q)[:opts.trails].numpy()
            return np.stack([cache[q] for q in stops])

        scale = max(1, opts.scale)

        def content(p: int) -> np.ndarray:
            return _upscale(scatter_trails_image(state(p).numpy(), trail(p), opts.plot_size, opts.extent, colors,
                                                 opts.background), scale)
    else:
        n, _, h, w = _pick_sample(x, opts.sample).shape
        scale = image_scale(n, h, w, opts.nrow, opts.scale)

        def content(p: int) -> np.ndarray:
            return image_panel(_pick_sample(to_uint8(state(p)), opts.sample), opts.nrow, opts.padding,
                               opts.background, scale)

    return _animate(T + 1, "start", content, caption, out, opts, progress, cancel, scale)


def export_timelapse(frames: Sequence[np.ndarray], steps: Sequence[int], out: str | Path,
                     options: AnimationOptions | None = None, progress: Progress | None = None,
                     cancel: Cancel | None = None) -> ExportResult:
    """Play the preview captured during training as a clip: ``frames[i]`` (uint8 image ``(H, W[, C])`` — e.g.
    :meth:`Trainer.preview` grids — or a float point cloud ``(N, 2)``) was taken at training step ``steps[i]``."""
    from engine.imaging import to_rgb

    opts = (options or AnimationOptions()).replace().validate()
    if len(frames) == 0:
        raise ExportError("nothing to export: no time-lapse frames were captured (train with a time-lapse "
                          "interval, e.g. diffusion-lab train --timelapse-every 100)")
    if len(frames) != len(steps):
        raise ValueError(f"{len(frames)} frames but {len(steps)} steps")
    first = np.asarray(frames[0])
    points = first.dtype != np.uint8 and first.ndim == 2 and first.shape[1] == 2
    if points:
        from engine.plotting import point_colors

        colors = point_colors(np.asarray(frames[-1], np.float64))

        scale = max(1, opts.scale)

        def content(i: int) -> np.ndarray:
            return _upscale(scatter_trails_image(frames[i], None, opts.plot_size, opts.extent, colors,
                                                 opts.background), scale)
    else:
        shape = first.shape
        scale = opts.scale or auto_scale(*shape[:2])

        def content(i: int) -> np.ndarray:
            f = np.asarray(frames[i], dtype=np.uint8)
            if f.shape != shape:
                raise ExportError(f"time-lapse frame {i} is {f.shape[1]}x{f.shape[0]}, the first is "
                                  f"{shape[1]}x{shape[0]}; all captures must have one size")
            return _upscale(to_rgb(f), scale)

    def caption(i: int) -> str:
        return f"training step {int(steps[i])}"

    return _animate(len(frames), "end", content, caption, out, opts, progress, cancel, scale)


# ================================================================== still figures
def _write_png(img: np.ndarray, out: Path, started: float) -> ExportResult:
    from PIL import Image

    with AtomicExport(out, ".tmp.png") as tmp:
        Image.fromarray(np.ascontiguousarray(img, dtype=np.uint8)).save(tmp, format="PNG", optimize=False)
    return ExportResult(out, "png", (img.shape[1], img.shape[0]), bytes=out.stat().st_size,
                        seconds=time.monotonic() - started)


def _samples_kind(samples) -> tuple[str, np.ndarray]:
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


def render_grid(samples, *, nrow: int | None = None, padding: int = 2,
                background: tuple[int, int, int] = (255, 255, 255), scale: int = 0, plot_size: int = 512,
                extent: float = 4.0) -> np.ndarray:
    """Samples as one RGB picture: an image grid (upscaled nearest-neighbour when small) or a 2-D scatter."""
    from engine.plotting import point_colors

    background = parse_color(background)
    kind, arr = _samples_kind(samples)
    if kind == "points":
        return scatter_trails_image(arr, None, plot_size, extent, point_colors(arr), background)
    factor = image_scale(len(arr), arr.shape[1], arr.shape[2], nrow, scale, target=512)
    return image_panel(arr, nrow, padding, background, factor)


def export_grid_png(samples, out: str | Path, *, nrow: int | None = None, padding: int = 2,
                    background: Any = (255, 255, 255), scale: int = 0, plot_size: int = 512,
                    extent: float = 4.0) -> ExportResult:
    """A PNG of samples (float ``(N, C, H, W)`` in [-1, 1], uint8 ``(N, H, W, C)``, or points ``(N, 2)``)."""
    started = time.monotonic()
    out = check_target(out, [".png"])
    img = render_grid(samples, nrow=nrow, padding=padding, background=background, scale=scale,
                      plot_size=plot_size, extent=extent)
    return _write_png(img, out, started)


def export_samples_npy(samples, out: str | Path) -> ExportResult:
    """Samples as a float32 ``.npy`` (images ``(N, C, H, W)`` in [-1, 1], points ``(N, 2)``)."""
    started = time.monotonic()
    out = check_target(out, [".npy"])
    arr = samples.detach().float().cpu().numpy() if hasattr(samples, "detach") else np.asarray(samples)
    arr = arr.astype(np.float32) if arr.dtype != np.uint8 else arr
    with AtomicExport(out, ".tmp.npy") as tmp:
        np.save(tmp, arr)
    return ExportResult(out, "npy", (0, 0), bytes=out.stat().st_size, seconds=time.monotonic() - started)


def strip_positions(traj, ts: Sequence[int] | None = None, count: int = 8) -> list[int]:
    """Trajectory frame indices for a reverse strip: the frames nearest to paper timesteps ``ts`` (0 = the
    finished sample), or ``count`` frames spaced denser towards the end."""
    if ts:
        paper = np.asarray([f + 1 for f in traj.timesteps])  # final frame: t = -1 -> 0
        return [int(np.argmin(np.abs(paper - int(t)))) for t in ts]
    return select_frames(len(traj), "end_dense", max_frames=count)


def export_strip_png(out: str | Path, *, trajectory=None, x0=None, schedule=None, noise=None, seed: int = 0,
                     ts: Sequence[int] | None = None, count: int = 8, view: str = "x_t", sample: int | None = 0,
                     nrow: int | None = None, padding: int = 2, background: Any = (255, 255, 255), scale: int = 0,
                     labels: bool = True, plot_size: int = 256, extent: float = 4.0) -> ExportResult:
    """A PNG strip of the process at chosen t (paper timesteps, 0 = clean), left to right, labelled "t = ...".

    Reverse: give ``trajectory`` (the recorded frames nearest to each t; ``view`` x_t or x0_pred; ``sample``
    index or None for the grid). Forward: give ``x0`` (images ``(N, C, H, W)`` or points ``(N, 2)``) and
    ``schedule`` (plus optional ``noise`` / ``seed``); default t: ``count`` values evenly spaced in 0..T.
    """
    import torch

    from engine.diffusion import q_sample
    from engine.imaging import to_uint8
    from engine.plotting import point_colors

    started = time.monotonic()
    out = check_target(out, [".png"])
    background = parse_color(background)
    if view not in ("x_t", "x0_pred"):
        raise ExportError(f"view: a strip shows x_t or x0_pred, got {view!r}", code=2)
    AnimationOptions(padding=padding, scale=scale, sample=sample, nrow=nrow).validate()  # range checks
    states: list[np.ndarray] = []  # uint8 images (N, H, W, C) or float points (N, 2), one per panel
    names: list[str] = []
    colors = None
    if trajectory is not None:
        points = trajectory.kind == "points"
        if points:
            ref = trajectory.final if trajectory.final is not None else trajectory.frame(len(trajectory) - 1).x_t
            colors = point_colors(np.asarray(ref).reshape(-1, 2))
        for i in strip_positions(trajectory, ts, count):
            f = trajectory.frame(i)
            states.append(getattr(f, view))
            names.append(f"t = {f.t + 1}" if f.t >= 0 else "t = 0")
    elif x0 is not None and schedule is not None:
        x = _as_float_tensor(x0)
        points = x.ndim == 2 and x.shape[1] == 2
        if not points and x.ndim == 3:
            x = x[None]
        T = schedule.timesteps
        steps = list(ts) if ts else [int(round(v)) for v in np.linspace(0, T, max(2, count))]
        bad = [t for t in steps if not 0 <= int(t) <= T]
        if bad:
            raise ExportError(f"t: values must be in [0, {T}] (0 = clean data), got {bad[0]}", code=2)
        eps = _as_float_tensor(noise).reshape(x.shape) if noise is not None else torch.randn(
            x.shape, generator=torch.Generator().manual_seed(int(seed)))
        colors = point_colors(x.numpy()) if points else None
        for t in steps:
            xt = x if int(t) == 0 else q_sample(schedule, x, torch.tensor(int(t) - 1), eps)
            states.append(xt.numpy() if points else to_uint8(xt))
            names.append(f"t = {int(t)}")
    else:
        raise ExportError("strip: give a trajectory (reverse) or x0 and a schedule (forward)", code=2)
    if points:
        factor = max(1, scale)
        panels = [_upscale(scatter_trails_image(p, None, plot_size, extent, colors, background), factor)
                  for p in states]
    else:
        n, h, w = _pick_sample(states[0], sample).shape[:3]
        factor = image_scale(n, h, w, nrow, scale, target=160)
        panels = [image_panel(_pick_sample(p, sample), nrow, padding, background, factor) for p in states]
    gap = max(8, 2 * padding)
    strip = _hstack(panels, gap, background)
    if labels:
        centers, x_left = [], 0
        for p in panels:
            centers.append(x_left + p.shape[1] // 2)
            x_left += p.shape[1] + gap
        size = int(min(18, max(11, panels[0].shape[1] // 8)))
        strip = np.concatenate([strip, _label_row(names, centers, strip.shape[1], background, size)], axis=0)
    return _write_png(strip, out, started)


# ================================================================== loss
def export_loss_csv(history, out: str | Path) -> ExportResult:
    """The loss history (:class:`~engine.training.LossHistory`) as CSV: step, loss, lr, grad_norm, wall_time."""
    started = time.monotonic()
    out = check_target(out, [".csv"])
    with AtomicExport(out, ".tmp.csv") as tmp:
        tmp.write_text(history.to_csv(), encoding="utf-8")
    return ExportResult(out, "csv", (0, 0), bytes=out.stat().st_size, seconds=time.monotonic() - started)


def _smooth(values: np.ndarray, window: int) -> np.ndarray:
    """A bias-corrected exponential moving average (what the loss plot shows as the thick line)."""
    alpha = 2.0 / (max(1, window) + 1)
    out = np.empty_like(values)
    acc, norm = 0.0, 0.0
    for i, v in enumerate(values):
        acc = (1 - alpha) * acc + alpha * v
        norm = (1 - alpha) * norm + alpha
        out[i] = acc / norm
    return out


def _nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    if not hi > lo:
        return [lo]
    raw = (hi - lo) / max(1, n)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step) * step
    return [first + i * step for i in range(int((hi - first) / step + 1e-9) + 1)]


def _fmt_tick(v: float) -> str:
    return f"{v:.4g}" if abs(v) < 1e5 else f"{v:.2e}"


@dataclass
class _LossGeometry:
    steps: np.ndarray
    loss: np.ndarray
    smooth: np.ndarray
    log: bool
    xticks: list[float]
    yticks: list[float]
    box: tuple[int, int, int, int]  # left, top, right, bottom
    xr: tuple[float, float]
    yr: tuple[float, float]

    def to_px(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        l, t, r, b = self.box
        yy = np.log10(np.maximum(y, 1e-12)) if self.log else y
        u = l + (x - self.xr[0]) / max(1e-12, self.xr[1] - self.xr[0]) * (r - l)
        v = b - (yy - self.yr[0]) / max(1e-12, self.yr[1] - self.yr[0]) * (b - t)
        return np.stack([u, v], axis=-1)


def _loss_geometry(history, width: int, height: int) -> _LossGeometry:
    steps = np.asarray(history.step, np.float64)
    loss = np.asarray(history.loss, np.float64)
    ok = np.isfinite(loss)
    steps, loss = steps[ok], loss[ok]
    if len(loss) == 0:
        raise ExportError("nothing to export: the loss history is empty (train first)")
    smooth = _smooth(loss, max(5, len(loss) // 50))
    positive = bool((loss > 0).all())
    log = positive and loss.max() / max(loss.min(), 1e-12) > 20
    yvals = np.log10(loss) if log else loss
    lo, hi = float(np.percentile(yvals, 0.5)), float(yvals.max())
    if log:
        lo, hi = math.floor(lo * 4) / 4, math.ceil(hi * 4) / 4
    if hi - lo < 1e-9:
        lo, hi = lo - 0.5, hi + 0.5
    pad = 0.04 * (hi - lo)
    yr = (lo - (0 if log else pad), hi + (0 if log else pad))
    xr = (float(steps.min()), float(max(steps.max(), steps.min() + 1)))
    yticks = [float(e) for e in range(math.ceil(yr[0]), math.floor(yr[1]) + 1)] if log else _nice_ticks(*yr)
    if log and len(yticks) < 2:
        yticks = _nice_ticks(*yr)
    box = (70, 34, width - 20, height - 44)
    return _LossGeometry(steps, loss, smooth, log, _nice_ticks(*xr), yticks, box, xr, yr)


def render_loss_plot(history, width: int = 800, height: int = 450,
                     background: Any = (255, 255, 255)) -> np.ndarray:
    """The training loss (raw per step, light; smoothed, dark) as an RGB picture, without Qt."""
    from PIL import Image, ImageDraw

    background = parse_color(background)
    g = _loss_geometry(history, width, height)
    fg = text_color(background)
    grid_col = tuple(int(0.85 * b + 0.15 * f) for b, f in zip(background, fg))
    img = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(img)
    font = _font(12)
    l, t, r, b = g.box
    for x in g.xticks:
        u = float(g.to_px(np.array([x]), np.array([1.0]))[0, 0])
        draw.line([(u, t), (u, b)], fill=grid_col)
        label = _fmt_tick(x)
        draw.text((u - font.getlength(label) / 2, b + 6), label, fill=fg, font=font)
    for y in g.yticks:
        v = float(g.to_px(np.array([g.xr[0]]), np.array([10 ** y if g.log else y]))[0, 1])
        draw.line([(l, v), (r, v)], fill=grid_col)
        label = _fmt_tick(10 ** y if g.log else y)
        draw.text((l - 6 - font.getlength(label), v - 7), label, fill=fg, font=font)
    draw.rectangle([l, t, r, b], outline=fg)
    raw = g.to_px(g.steps, g.loss)
    sm = g.to_px(g.steps, g.smooth)
    stride = max(1, len(raw) // (4 * width))
    draw.line([tuple(p) for p in raw[::stride]], fill=(158, 199, 232), width=1)
    draw.line([tuple(p) for p in sm[::stride]], fill=(31, 119, 180), width=2)
    title = "training loss" + (" (log scale)" if g.log else "")
    draw.text((l, 10), title, fill=fg, font=_font(14))
    draw.text(((l + r) / 2 - font.getlength("step") / 2, height - 20), "step", fill=fg, font=font)
    return np.asarray(img)


def loss_svg(history, width: int = 800, height: int = 450, background: Any = (255, 255, 255)) -> str:
    """The loss plot of :func:`render_loss_plot` as a standalone SVG document."""
    background = parse_color(background)
    g = _loss_geometry(history, width, height)
    fg = "#%02x%02x%02x" % text_color(background)
    bg = "#%02x%02x%02x" % background
    l, t, r, b = g.box
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
             f'<rect width="{width}" height="{height}" fill="{bg}"/>']
    for x in g.xticks:
        u = float(g.to_px(np.array([x]), np.array([1.0]))[0, 0])
        parts.append(f'<line x1="{u:.1f}" y1="{t}" x2="{u:.1f}" y2="{b}" stroke="{fg}" stroke-opacity="0.15"/>')
        parts.append(f'<text x="{u:.1f}" y="{b + 18}" text-anchor="middle" fill="{fg}">{_fmt_tick(x)}</text>')
    for y in g.yticks:
        v = float(g.to_px(np.array([g.xr[0]]), np.array([10 ** y if g.log else y]))[0, 1])
        parts.append(f'<line x1="{l}" y1="{v:.1f}" x2="{r}" y2="{v:.1f}" stroke="{fg}" stroke-opacity="0.15"/>')
        parts.append(f'<text x="{l - 6}" y="{v + 4:.1f}" text-anchor="end" fill="{fg}">'
                     f'{_fmt_tick(10 ** y if g.log else y)}</text>')
    parts.append(f'<rect x="{l}" y="{t}" width="{r - l}" height="{b - t}" fill="none" stroke="{fg}"/>')
    stride = max(1, len(g.steps) // 4000)
    for ys, colour, w in ((g.loss, "#9ec7e8", 1), (g.smooth, "#1f77b4", 2)):
        pts = g.to_px(g.steps[::stride], ys[::stride])
        coords = " ".join(f"{u:.1f},{v:.1f}" for u, v in pts)
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="{w}"/>')
    title = "training loss" + (" (log scale)" if g.log else "")
    parts.append(f'<text x="{l}" y="22" font-size="14" fill="{fg}">{title}</text>')
    parts.append(f'<text x="{(l + r) / 2:.1f}" y="{height - 8}" text-anchor="middle" fill="{fg}">step</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def export_loss_plot(history, out: str | Path, width: int = 800, height: int = 450,
                     background: Any = (255, 255, 255)) -> ExportResult:
    """The loss curve as ``.png`` (rendered with Pillow) or ``.svg``, without Qt (the CLI's ``--what loss``)."""
    started = time.monotonic()
    out = check_target(out, [".png", ".svg"])
    if not (200 <= int(width) <= 8000 and 150 <= int(height) <= 8000):
        raise ExportError(f"size: width must be in [200, 8000] and height in [150, 8000], got {width}x{height}",
                          code=2)
    if out.suffix.lower() == ".svg":
        text = loss_svg(history, int(width), int(height), background)
        with AtomicExport(out, ".tmp.svg") as tmp:
            tmp.write_text(text, encoding="utf-8")
        return ExportResult(out, "svg", (int(width), int(height)), bytes=out.stat().st_size,
                            seconds=time.monotonic() - started)
    return _write_png(render_loss_plot(history, int(width), int(height), background), out, started)


# ================================================================== time-lapse capture
class TimelapseRecorder:
    """Collects preview captures during training for :func:`export_timelapse`.

    Pass :meth:`add` as ``on_preview`` to :meth:`engine.session.TrainingSession.run`. Image previews (uint8 grids)
    are kept as they are; 2-D previews (float points) are rendered to scatter pictures right away so the file
    holds plain frames. :meth:`save` writes ``steps`` and ``frames`` (uint8 (F, H, W, 3)) to an ``.npz``.
    """

    def __init__(self, plot_size: int = 320, max_frames: int = 2000):
        self.plot_size = int(plot_size)
        self.max_frames = int(max_frames)
        self.steps: list[int] = []
        self.frames: list[np.ndarray] = []

    def add(self, step: int, preview: np.ndarray) -> None:
        from engine.imaging import to_rgb
        from engine.plotting import point_colors, scatter_image

        arr = np.asarray(preview)
        if arr.dtype != np.uint8 and arr.ndim == 2 and arr.shape[1] == 2:
            frame = scatter_image(arr, size=self.plot_size, colors=point_colors(arr))
        else:
            frame = to_rgb(arr.astype(np.uint8))
        if self.frames and frame.shape != self.frames[0].shape:
            return  # a preview of another size (a changed model): not part of this clip
        if self.steps and int(step) <= self.steps[-1]:
            return
        self.steps.append(int(step))
        self.frames.append(np.ascontiguousarray(frame))
        if len(self.frames) > self.max_frames:  # keep memory bounded: drop every other older capture
            keep = list(range(0, len(self.frames) - 1, 2)) + [len(self.frames) - 1]
            self.steps = [self.steps[i] for i in keep]
            self.frames = [self.frames[i] for i in keep]

    def __len__(self) -> int:
        return len(self.steps)

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        if not self.frames:
            raise ExportError("no time-lapse frames to save")
        with AtomicExport(path, ".tmp.npz") as tmp:
            with open(tmp, "wb") as fh:
                np.savez_compressed(fh, steps=np.asarray(self.steps, np.int64), frames=np.stack(self.frames))
        return path

    @classmethod
    def load(cls, path: str | Path) -> "TimelapseRecorder":
        frames, steps = load_timelapse(path)
        rec = cls()
        rec.frames, rec.steps = list(frames), list(steps)
        return rec


def load_timelapse(path: str | Path) -> tuple[list[np.ndarray], list[int]]:
    """Read a ``timelapse.npz`` written by :class:`TimelapseRecorder` -> (frames, steps)."""
    path = Path(path)
    if path.is_dir():
        path = path / TIMELAPSE_NAME
    if not path.exists():
        raise ExportError(f"no time-lapse at {path}; record one with: diffusion-lab train ... --timelapse-every 100")
    try:
        with np.load(path, allow_pickle=False) as data:
            frames, steps = data["frames"], data["steps"]
    except (OSError, ValueError, KeyError) as exc:
        raise ExportError(f"{path} is not a time-lapse file ({exc})") from None
    if frames.ndim != 4 or frames.dtype != np.uint8 or len(frames) != len(steps):
        raise ExportError(f"{path} is not a time-lapse file (frames {frames.dtype} {frames.shape})")
    return list(frames), [int(s) for s in steps]


# ================================================================== sampling for export
def record_trajectory(trainer, sampling=None, progress: Progress | None = None, cancel: Cancel | None = None,
                      **overrides):
    """Run ``trainer``'s sampler and record every frame into a :class:`~engine.samplers.Trajectory`."""
    import dataclasses

    from engine.samplers import Trajectory

    cfg = dataclasses.replace(sampling or trainer.config.sampling, **overrides)
    frames = trainer.sample(cfg)
    traj = Trajectory(cfg.steps, trainer.sample_shape(cfg.n), trainer.dataset.kind)
    for frame in frames:
        traj.record(frame)
        if cancel is not None and cancel():
            raise ExportCancelled("sampling cancelled")
        if progress is not None:
            progress(frame.step + 1, frame.num_steps + 1)
    return traj


# ================================================================== CLI
def add_export_parser(sub, INT, FLOAT) -> None:
    """``diffusion-lab export``: registered by engine/cli.py's build_parser."""
    p = sub.add_parser(
        "export", help="export animations, figures and data from a run (GIF, WebP, APNG, MP4, PNG, SVG, CSV, NPY)",
        description="Export from a run folder. Animations: --what reverse (sample and animate the denoising, or "
                    "--trajectory FILE.npz), forward (noising of a data item / the 2-D set), timelapse (previews "
                    "recorded with train --timelapse-every N). Stills and data: grid (.png or .npy samples), strip "
                    "(.png of the process at chosen t), loss (.csv, .png or .svg). The output format follows the "
                    "extension of --out; MP4 needs pip install \"diffusion-lab[mp4]\".")
    p.add_argument("--run", help="a run folder or checkpoint file (written by diffusion-lab train)")
    p.add_argument("--what", required=True, choices=WHATS)
    p.add_argument("--out", required=True, help="output file: .gif .webp .apng .png .mp4 | .png .npy | .csv .svg")
    a = p.add_argument_group("animation")
    a.add_argument("--fps", type=FLOAT, default=20.0, help="frames per second (default 20)")
    a.add_argument("--duration", type=FLOAT, help="total seconds of the moving part (overrides --fps)")
    a.add_argument("--frames", dest="select", choices=SELECT_MODES, default="all",
                   help="which frames: all, every_k (every --every-th) or end_dense (denser where it changes fast)")
    a.add_argument("--every", dest="k", type=INT, default=1, help="k for --frames every_k / end_dense")
    a.add_argument("--max-frames", type=INT, default=300, help="thin to at most this many frames (0 = no limit)")
    a.add_argument("--hold", type=FLOAT, default=1.0, help="seconds to hold the final frame (default 1)")
    a.add_argument("--scale", type=INT, default=0, help="nearest-neighbour upscale factor (0 = automatic)")
    a.add_argument("--caption", dest="caption", action="store_true", default=False, help="caption with t / step")
    a.add_argument("--no-caption", dest="caption", action="store_false")
    a.add_argument("--padding", type=INT, default=2, help="grid padding in pixels")
    a.add_argument("--background", default="white", help="padding / plot colour: a name, #rrggbb or r,g,b")
    a.add_argument("--view", choices=VIEWS, default="x_t", help="reverse: x_t, x0_pred or both side by side")
    a.add_argument("--sample", type=INT, help="show only this sample (default: the whole grid)")
    a.add_argument("--nrow", type=INT, help="images per grid row")
    a.add_argument("--quality", type=INT, help="WebP 1-100 lossy (default lossless); MP4 1-10 (default 8)")
    a.add_argument("--trails", type=INT, default=0, help="2-D: draw the paths of this many points")
    a.add_argument("--plot-size", type=INT, help="2-D: picture size in pixels (default 384; grid 512)")
    a.add_argument("--extent", type=FLOAT, default=4.0, help="2-D: the view shows [-extent, extent]^2 (default 4)")
    s = p.add_argument_group("sampling (reverse, grid, strip)")
    s.add_argument("--trajectory", help="a recorded trajectory (.npz from sample --trajectory) instead of sampling")
    s.add_argument("--sampler", choices=("ddpm", "ddim"))
    s.add_argument("--steps", type=INT, help="sampler steps")
    s.add_argument("--eta", type=FLOAT)
    s.add_argument("--n", type=INT, help="number of samples (forward: images / points shown)")
    s.add_argument("--seed", type=INT)
    s.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), default="auto")
    f = p.add_argument_group("forward and strip")
    f.add_argument("--source", choices=("reverse", "forward"), default="reverse", help="strip: which process")
    f.add_argument("--index", type=INT, default=0, help="forward: first data item shown")
    f.add_argument("--t", type=INT, nargs="+", help="strip: paper timesteps (0 = clean); default 8 values")
    f.add_argument("--width", type=INT, default=800, help="loss plot width")
    f.add_argument("--height", type=INT, default=450, help="loss plot height")
    p.set_defaults(handler=cmd_export)


_OUT_EXTENSIONS = {"grid": [".png", ".npy"], "strip": [".png"], "loss": [".csv", ".png", ".svg"]}


def _options_from_args(args) -> AnimationOptions:
    return AnimationOptions(fps=args.fps, duration=args.duration, select=args.select, k=args.k,
                            max_frames=args.max_frames, hold_final_s=args.hold, scale=args.scale,
                            caption=args.caption, padding=args.padding, background=args.background, view=args.view,
                            sample=args.sample, nrow=args.nrow, quality=args.quality, trails=args.trails,
                            plot_size=args.plot_size or 384, extent=args.extent).validate()


def _cli_progress(label: str) -> Progress | None:
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        sys.stderr.write(f"\r{label} {100 * done // max(1, total):3d}%")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


def _cli_trainer(args):
    from engine.checkpoint import load_checkpoint, trainer_from_checkpoint

    if not args.run:
        raise ExportError("--run: give the run folder (or checkpoint) to export from", code=2)
    ckpt = load_checkpoint(args.run)
    cfg = ckpt.config
    sa = cfg.sampling
    for name, value in (("sampler", args.sampler), ("steps", args.steps), ("eta", args.eta), ("n", args.n),
                        ("seed", args.seed)):
        if value is not None:
            setattr(sa, name, value)
    if args.sampler == "ddpm" and args.steps is None:
        sa.steps = cfg.schedule.timesteps
    cfg.validate()
    return trainer_from_checkpoint(ckpt, config=cfg, device=None if args.device == "auto" else args.device), ckpt


def _cli_trajectory(args):
    from engine.samplers import Trajectory

    if args.trajectory:
        try:
            return Trajectory.load(args.trajectory)
        except (OSError, ValueError, KeyError) as exc:
            raise ExportError(f"--trajectory: cannot read {args.trajectory} ({exc})") from None
    trainer, _ = _cli_trainer(args)
    sa = trainer.config.sampling
    return record_trajectory(trainer, sa, progress=_cli_progress(f"sampling ({sa.sampler}, {sa.steps} steps)"))


def cmd_export(args) -> int:
    out = Path(args.out)
    what = args.what
    if what in ("reverse", "forward", "timelapse"):
        animation_format(out)
        check_target(out)
    else:
        check_target(out, _OUT_EXTENSIONS[what])
    opts = _options_from_args(args)
    progress = _cli_progress(f"exporting {out.name}")
    if what == "reverse":
        result = export_reverse_animation(_cli_trajectory(args), out, opts, progress=progress)
    elif what == "timelapse":
        if not args.run:
            raise ExportError("--run: give the run folder that holds timelapse.npz", code=2)
        frames, steps = load_timelapse(args.run)
        result = export_timelapse(frames, steps, out, opts, progress=progress)
    elif what == "forward":
        x0, schedule = _cli_forward_data(args)
        result = export_forward_animation(x0, schedule, out, opts, seed=args.seed or 0, progress=progress)
    elif what == "grid":
        traj = _cli_trajectory(args)
        samples = traj.final if traj.final is not None else traj.frame(len(traj) - 1).x_t
        if out.suffix.lower() == ".npy":
            result = export_samples_npy(samples, out)
        else:
            result = export_grid_png(samples, out, nrow=args.nrow, padding=args.padding,
                                     background=opts.background, scale=args.scale,
                                     plot_size=args.plot_size or 512, extent=args.extent)
    elif what == "strip":
        look = dict(ts=args.t, nrow=args.nrow, padding=args.padding, background=opts.background, scale=args.scale,
                    plot_size=args.plot_size or 256, extent=args.extent)
        if args.source == "forward":
            x0, schedule = _cli_forward_data(args)
            result = export_strip_png(out, x0=x0, schedule=schedule, seed=args.seed or 0, sample=args.sample,
                                      **look)
        else:
            traj = _cli_trajectory(args)
            view = "x_t" if args.view == "both" else args.view
            result = export_strip_png(out, trajectory=traj, view=view,
                                      sample=args.sample if args.sample is not None else 0, **look)
    else:  # loss
        from engine.checkpoint import load_checkpoint

        if not args.run:
            raise ExportError("--run: give the run folder whose loss to export", code=2)
        history = load_checkpoint(args.run).history
        if out.suffix.lower() == ".csv":
            result = export_loss_csv(history, out)
        else:
            result = export_loss_plot(history, out, args.width, args.height, opts.background)
    sys.stderr.write(f"wrote {result.summary()}\n")
    return 0


def _cli_forward_data(args):
    """x0 for forward exports from the run's data: ``--n`` items from ``--index`` (one image, or 2000 points)."""
    from engine.checkpoint import load_checkpoint
    from engine.data import load_dataset
    from engine.schedules import NoiseSchedule

    if not args.run:
        raise ExportError("--run: give the run folder whose data and schedule to use", code=2)
    cfg = load_checkpoint(args.run).config
    dataset = load_dataset(cfg.data, seed=cfg.training.seed)
    schedule = NoiseSchedule.from_config(cfg.schedule)
    n = args.n or (2000 if dataset.kind == "points" else 1)
    if dataset.kind == "points":
        return dataset.x[:n], schedule
    if not 0 <= args.index < len(dataset):
        raise ExportError(f"--index: must be in [0, {len(dataset) - 1}], got {args.index}", code=2)
    return dataset.x[args.index:args.index + n], schedule
