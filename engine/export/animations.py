"""The three animations: the reverse (denoising) process of a recorded trajectory, the forward (noising) process of
images or a 2-D point cloud, and a training time-lapse. Each selects frames, draws them, captions them with the paper's
t (see :mod:`engine.export.frames`) and hands them to :func:`engine.export.writers.write_animation`."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from engine.export.files import check_target
from engine.export.frames import forward_caption, frame_durations, plan_timing, reverse_caption, select_frames
from engine.export.options import AnimationOptions, Cancel, ExportError, ExportResult, Progress, animation_format
from engine.export.render import (
    LazyFrames,
    as_float_tensor,
    auto_scale,
    caption_colors,
    composer,
    hstack_panels,
    image_panel,
    image_scale,
    pick_sample,
    scatter_trails_image,
    upscale,
    view_gap,
)
from engine.export.writers import write_animation


def _animate(count: int, dense: str, content: Callable[[int], np.ndarray], caption: Callable[[int], str],
             out: str | Path, opts: AnimationOptions, progress: Progress | None, cancel: Cancel | None,
             scale: int) -> ExportResult:
    """Select, time, caption and write frames; ``content(i)`` draws source frame i at its final size."""
    fmt = animation_format(out, opts.format)
    check_target(out)
    sel = select_frames(count, opts.select, opts.k, opts.max_frames, dense=dense)
    sel = plan_timing(sel, opts, fmt)
    compose = composer(content, caption if opts.caption else None, opts.background)
    frames = LazyFrames(len(sel), lambda j: compose(sel[j]))
    grain = 10 if fmt == "gif" else 1
    durations = frame_durations(len(sel), opts.fps, opts.duration, opts.hold_final_s, grain)
    keys = [opts.background] + (caption_colors(opts.background) if opts.caption else [])
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
        return reverse_caption(f.step, K, f.t, opts.view)

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
            return upscale(hstack_panels(panels, view_gap(opts.padding), opts.background), scale)
    else:
        n, h, w = pick_sample(traj.frame(0).x_t, opts.sample).shape[:3]
        scale = image_scale(n, h, w, opts.nrow, opts.scale)

        def content(i: int) -> np.ndarray:
            f = traj.frame(i)
            panels = [image_panel(pick_sample(getattr(f, v), opts.sample), opts.nrow, opts.padding,
                                  opts.background, scale) for v in views]
            return hstack_panels(panels, view_gap(opts.padding), opts.background)

    return _animate(len(traj), "end", content, caption, out, opts, progress, cancel, scale)


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
    x = as_float_tensor(x0)
    points = x.ndim == 2 and x.shape[1] == 2
    if not points and x.ndim == 3:
        x = x[None]
    if not points and x.ndim != 4:
        raise ExportError(f"forward animation: expected images (N, C, H, W) or points (N, 2), got {tuple(x.shape)}",
                          code=2)
    if noise is None:
        noise = torch.randn(x.shape, generator=torch.Generator().manual_seed(int(seed)))
    eps = as_float_tensor(noise).reshape(x.shape)
    T = schedule.timesteps

    def state(p: int) -> torch.Tensor:
        return x if p == 0 else q_sample(schedule, x, torch.tensor(p - 1), eps)

    def caption(p: int) -> str:
        return forward_caption(p, T)

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
            return upscale(scatter_trails_image(state(p).numpy(), trail(p), opts.plot_size, opts.extent, colors,
                                                 opts.background), scale)
    else:
        n, _, h, w = pick_sample(x, opts.sample).shape
        scale = image_scale(n, h, w, opts.nrow, opts.scale)

        def content(p: int) -> np.ndarray:
            return image_panel(pick_sample(to_uint8(state(p)), opts.sample), opts.nrow, opts.padding,
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
            return upscale(scatter_trails_image(frames[i], None, opts.plot_size, opts.extent, colors,
                                                 opts.background), scale)
    else:
        shape = first.shape
        scale = opts.scale or auto_scale(*shape[:2])

        def content(i: int) -> np.ndarray:
            f = np.asarray(frames[i], dtype=np.uint8)
            if f.shape != shape:
                raise ExportError(f"time-lapse frame {i} is {f.shape[1]}x{f.shape[0]}, the first is "
                                  f"{shape[1]}x{shape[0]}; all captures must have one size")
            return upscale(to_rgb(f), scale)

    def caption(i: int) -> str:
        return f"training step {int(steps[i])}"

    return _animate(len(frames), "end", content, caption, out, opts, progress, cancel, scale)
