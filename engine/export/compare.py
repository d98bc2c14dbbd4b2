"""Several sampler runs side by side, aligned by the paper's t: the rule the window's Compare tab scrubs with and the
GIF it exports.

Runs with different step counts visit different timesteps (DDIM-10 visits t = 1000, 900, ...; DDPM-1000 every t),
so columns are aligned by t, not by step index: at a given t each column shows its *latest* frame whose t is still
>= t (the state that sampler holds when the clock reads t). Frame t uses the paper's convention (t = 1..T for x_t,
0 for the finished sample), as every caption does (:func:`engine.export.frames.paper_t`).

:func:`export_comparison_animation` is the one writer of the comparison clip: the Compare tab's Export GIF button
(with :data:`COMPARISON_OPTIONS`) and File › Export (with the dialog's options) both call it.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from engine.export.animations import _quality_for  # the one mapping of the dialog's quality per format
from engine.export.files import check_target
from engine.export.frames import frame_durations, paper_t, plan_timing, select_frames
from engine.export.options import AnimationOptions, Cancel, ExportError, ExportResult, Progress, animation_format
from engine.export.render import (
    LazyFrames,
    caption_band,
    caption_colors,
    hstack_panels,
    image_panel,
    image_scale,
    scatter_trails_image,
    upscale,
)
from engine.export.writers import write_animation


@dataclass
class CompareColumn:
    """One run of a comparison: ``name`` (e.g. ``DDIM-10``), its recorded trajectory, and the model evaluations
    used up to each recorded frame (``nfe[k]`` for trajectory frame k)."""

    name: str
    trajectory: object  # engine.samplers.Trajectory
    nfe: Sequence[int]
    _colors: np.ndarray | None = field(default=None, repr=False, compare=False)

    def point_colors(self) -> np.ndarray:
        """2-D runs: a colour per point from where it ends (computed once: every frame of a clip uses it)."""
        if self._colors is None:
            from engine.plotting import point_colors

            traj = self.trajectory
            final = traj.final if traj.final is not None else traj.frame(len(traj) - 1).x_t
            self._colors = point_colors(np.asarray(final).reshape(-1, 2))
        return self._colors

    def frame_ts(self) -> np.ndarray:
        """The paper's t of every recorded frame, descending (the last one 0, the finished sample)."""
        return np.asarray([paper_t(t) for t in self.trajectory.timesteps], dtype=np.int64)


def aligned_index(frame_ts: Sequence[int], t: int) -> int:
    """The index of the latest frame with ``frame_ts[k] >= t`` (frame_ts descending); 0 when even the first frame
    is below t (a run that does not start at T)."""
    ts = np.asarray(frame_ts)
    return max(0, int(np.count_nonzero(ts >= int(t))) - 1)


def comparison_ts(columns: Sequence[CompareColumn], max_frames: int = 0) -> list[int]:
    """The t values of a comparison clip, descending: every t at which some column changes, thinned evenly to at
    most ``max_frames`` (0 = all) keeping the first and the last (the finished samples)."""
    ts = sorted({int(t) for c in columns for t in c.frame_ts()}, reverse=True)
    if max_frames and len(ts) > max_frames:
        picks = np.unique(np.round(np.linspace(0, len(ts) - 1, max(2, int(max_frames)))).astype(int))
        ts = [ts[p] for p in picks]
    return ts


def column_label(column: CompareColumn, index: int) -> str:
    """``DDIM-10 · t = 900 · NFE 2``: what a column shows at its frame ``index``."""
    t = int(column.frame_ts()[index])
    return f"{column.name} · t = {t} · NFE {int(column.nfe[index])}"


def compose_comparison(columns: Sequence[CompareColumn], t: int, *, view: str = "x_t", padding: int = 2,
                       background: tuple[int, int, int] = (255, 255, 255), scale: int = 0, plot_size: int = 256,
                       extent: float = 4.0, captions: bool = True) -> np.ndarray:
    """One RGB picture: the columns side by side (no gap: each panel has its own ``padding``), each showing its
    frame aligned to ``t`` with its label under it, and the clock ``t`` in a band along the bottom."""
    panels = []
    for column in columns:
        traj = column.trajectory
        index = aligned_index(column.frame_ts(), t)
        arr = getattr(traj.frame(index), view)
        if traj.kind == "points":
            panel = scatter_trails_image(arr, None, plot_size, extent, column.point_colors(), background)
        else:
            n, h, w = arr.shape[:3]
            panel = image_panel(arr, None, padding, background, scale or image_scale(n, h, w, None, 0, target=256))
        if captions:
            panel = np.concatenate([panel, caption_band(column_label(column, index), panel.shape[1], background,
                                                        size=12)], axis=0)
        panels.append(panel)
    picture = hstack_panels(panels, 0, background)
    if captions:
        clock = f"t = {int(t)}" if t > 0 else "t = 0 (samples)"
        picture = np.concatenate([picture, caption_band(clock, picture.shape[1], background)], axis=0)
    return picture


#: the Compare tab's own Export GIF: a short clip of small panels (File › Export passes the dialog's options instead)
COMPARISON_OPTIONS = AnimationOptions(fps=12.0, max_frames=120, hold_final_s=1.0, plot_size=256)


def export_comparison_animation(columns: Sequence[CompareColumn], out: str | Path,
                                options: AnimationOptions | None = None, progress: Progress | None = None,
                                cancel: Cancel | None = None) -> ExportResult:
    """Write the comparison as an animation, the format from ``options.format`` or the extension: frame k shows
    every column at t = ``result.frame_indices[k]``, descending to 0 (the finished samples).

    The frames are the t values where some column changes (:func:`comparison_ts`), picked by the options' frame
    selection (``select``, ``k``, ``max_frames``) as for any animation; timing (``fps`` / ``duration``,
    ``hold_final_s``), ``view`` (x_t or x0_pred: a column has room for one), ``background``, ``quality`` and
    ``loop`` as :class:`AnimationOptions` says. Size: images use ``scale`` (0 = automatic), 2-D columns are drawn at
    ``plot_size`` and enlarged by ``scale``. Captions are always on: without its sampler name and clock a
    comparison shows nothing comparable. Every frame's clock differs, so no two frames are merged."""
    opts = (options or COMPARISON_OPTIONS).replace().validate()
    if not columns or any(c.trajectory is None or len(c.trajectory) == 0 for c in columns):
        raise ExportError("nothing to export: run the comparison first")
    if any(len(c.nfe) != len(c.trajectory) for c in columns):
        raise ValueError("every column needs one NFE per recorded frame")
    if opts.view == "both":
        raise ExportError("view: a comparison column shows x_t or the predicted x0, not both", code=2)
    fmt = animation_format(out, opts.format)
    check_target(out)
    every_t = comparison_ts(columns)
    ts = [every_t[i] for i in plan_timing(select_frames(len(every_t), opts.select, opts.k, opts.max_frames), opts,
                                          fmt)]
    # the same image scale in every column, from the first one, so equal images stay equal sizes
    first, scale = columns[0].trajectory, max(1, opts.scale)
    if first.kind == "images":
        n, h, w = first.frame(0).x_t.shape[:3]
        scale = image_scale(n, h, w, None, opts.scale, target=256)

    def frame(k: int) -> np.ndarray:
        picture = compose_comparison(columns, ts[k], view=opts.view, background=opts.background,
                                     scale=scale if first.kind == "images" else 0, plot_size=opts.plot_size,
                                     extent=opts.extent)
        return picture if first.kind == "images" else upscale(picture, scale)

    grain = 10 if fmt == "gif" else 1
    durations = frame_durations(len(ts), opts.fps, opts.duration, opts.hold_final_s, grain)
    fps = (len(ts) / opts.duration) if opts.duration else opts.fps
    keys = [tuple(opts.background)] + caption_colors(tuple(opts.background))
    result = write_animation(LazyFrames(len(ts), frame), durations, out, fmt, quality=_quality_for(fmt, opts.quality),
                             loop=opts.loop, key_colors=keys, background=tuple(opts.background), fps=fps,
                             source_indices=ts, progress=progress, cancel=cancel)
    result.scale = scale
    return result
