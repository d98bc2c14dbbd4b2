"""What an export looks like and what it reports: :class:`AnimationOptions` (validated), :class:`ExportResult`,
the export errors, colours, and which animation format a file name asks for."""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

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
GIF_MIN_DELAY_MS = 20
AUTO_SCALE_TARGET = 480  # auto upscale: the largest integer factor that keeps the content within this many pixels
AUTO_SCALE_LIMIT = 16


class ExportCancelled(Exception):
    """The user cancelled an export; nothing was written."""


class ExportError(UserError):
    """An export problem the user can fix, as one line (code 2: a bad argument, 1: the file system)."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message, code)


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

    def validate(self) -> AnimationOptions:
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

    def replace(self, **changes) -> AnimationOptions:
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
        ffmpeg_module()
    return name


def mp4_available() -> bool:
    """Whether MP4 export can run (the optional imageio-ffmpeg package and its ffmpeg binary are present)."""
    try:
        ffmpeg_module()
    except ExportError:
        return False
    return True


def ffmpeg_module():
    try:
        import imageio_ffmpeg
    except ImportError:
        raise ExportError(MP4_HINT) from None
    try:
        imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as exc:  # the package without a usable binary
        raise ExportError(f"{MP4_HINT} (imageio-ffmpeg found no ffmpeg binary: {exc})") from None
    return imageio_ffmpeg
