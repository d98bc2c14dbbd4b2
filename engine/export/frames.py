"""Which source frames an export shows, for how long, and which paper timestep each one is.

Timesteps in everything a user reads follow the paper (Ho et al. 2020): t = 1..T, with t = T pure noise and t = 0
the clean data (or the finished sample). The samplers work with schedule indices 0..T-1 (``Frame.t``, -1 for the
finished sample): :func:`paper_t` is the one conversion.
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from engine.export.options import GIF_MIN_DELAY_MS, SELECT_MODES, AnimationOptions, ExportError


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


def plan_timing(sel: list[int], opts: AnimationOptions, fmt: str) -> list[int]:
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


def strip_positions(traj, ts: Sequence[int] | None = None, count: int = 8) -> list[int]:
    """Trajectory frame indices for a reverse strip: the frames nearest to paper timesteps ``ts`` (0 = the
    finished sample), or ``count`` frames spaced denser towards the end."""
    if ts:
        paper = np.asarray([paper_t(index) for index in traj.timesteps])
        return [int(np.argmin(np.abs(paper - int(t)))) for t in ts]
    return select_frames(len(traj), "end_dense", max_frames=count)


def paper_t(schedule_index: int) -> int:
    """The paper's t (Ho et al. 2020: x_t for t = 1..T, x_0 the data) of a sampler frame at ``schedule_index``
    (0..T-1; -1 marks the finished sample, which is x_0)."""
    return int(schedule_index) + 1 if schedule_index >= 0 else 0


def reverse_caption(step: int, num_steps: int, schedule_index: int, view: str = "x_t") -> str:
    """The caption under a reverse-process frame: sampler step k of K and the paper's t it starts from, e.g.
    ``step 0/1000   t = 1000`` for the first DDPM frame of T = 1000 and ``t = 0 (sample)`` for the last."""
    t = paper_t(schedule_index)
    text = f"step {step}/{num_steps}   " + (f"t = {t}" if t > 0 else "t = 0 (sample)")
    if view == "both":
        return text + "   left: x_t, right: predicted x0"
    return text + ("   predicted x0" if view == "x0_pred" else "")


def forward_caption(t: int, timesteps: int) -> str:
    """The caption under a forward-process frame at paper timestep ``t`` in 0..T (0 = the clean data)."""
    return f"t = {t}/{timesteps}" + ("   (clean data)" if t == 0 else "")
