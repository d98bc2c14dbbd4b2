"""Recording a sampling run: :func:`record` keeps every :class:`~engine.samplers.loop.Frame` of a run compactly in a
:class:`Trajectory`, so the timeline can scrub it without recomputing, export can replay it, and
:func:`engine.samplers.branch_from` can restart a sampler from one of its frames.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from engine.samplers.loop import Frame

EPS_DISPLAY_RANGE = 3.0  # recorded eps is stored as uint8 over [-3, 3] (three standard deviations)
STATE_BUDGET_FRACTION = 0.25  # share of max_bytes an image trajectory spends on exact float32 states for branching


# ------------------------------------------------------------------ recorder
class RecordingStopped(Exception):
    """Raised by :func:`record` when ``should_stop()`` turned true; ``trajectory`` holds the frames kept so far."""

    def __init__(self, trajectory: Trajectory | None, step: int):
        super().__init__(f"sampling stopped at step {step}")
        self.trajectory = trajectory
        self.step = step


def record(frames: Iterator[Frame], kind: str, on_frame: Callable[[Frame], None] | None = None,
           should_stop: Callable[[], bool] | None = None, max_bytes: int = 96 * 2**20) -> Trajectory:
    """Run a sampler to the end and keep every frame in a :class:`Trajectory` (the one recorder the CLI, the worker,
    export and bench use). ``kind`` is ``"images"`` or ``"points"``. ``on_frame`` sees each frame after it is
    recorded (progress, live previews); ``should_stop`` is polled after each frame and, when true, ends the run with
    :class:`RecordingStopped`."""
    trajectory: Trajectory | None = None
    for frame in frames:
        if trajectory is None:
            trajectory = Trajectory(frame.num_steps, tuple(frame.x_t.shape), kind, max_bytes=max_bytes)
        trajectory.record(frame)
        if on_frame is not None:
            on_frame(frame)
        if should_stop is not None and not frame.is_final and should_stop():
            raise RecordingStopped(trajectory, frame.step)
    if trajectory is None:
        raise ValueError("the sampler yielded no frames")
    return trajectory


@dataclass
class RecordedFrame:
    step: int
    t: int
    x_t: np.ndarray  # images: uint8 (N, H, W, C) over [-1, 1]; points: float32 (N, 2)
    x0_pred: np.ndarray
    eps_pred: np.ndarray  # images: uint8 over [-EPS_DISPLAY_RANGE, EPS_DISPLAY_RANGE]


class Trajectory:
    """Keeps a whole sampling run compactly so the timeline can scrub it without recomputing.

    Images are stored as uint8 (x_t and x0_pred over [-1, 1], eps_pred over [-3, 3]); points as float32. When the
    full run would exceed ``max_bytes`` the recorder keeps every ``stride``-th frame (chosen up front from the run's
    size) plus the final one, so e.g. DDPM-1000 of 64 RGB 32x32 images stays under 100 MB. ``final`` always keeps
    the finished samples at full float32 precision.

    Exact states (for branching): a uint8 x_t is off by up to 1/255 of the range, which a restarted sampler would
    carry to the end, so an image trajectory also keeps x_t as float32 for every ``state_stride``-th step, within
    :data:`STATE_BUDGET_FRACTION` of ``max_bytes`` (the display frames get the rest). A points trajectory's x_t is
    float32 already, so every recorded frame is an exact state. :meth:`state` returns one; :attr:`state_steps`
    lists the steps that have one. "Exact" means the sampler's own float32 x_t, bit for bit.
    """

    def __init__(self, num_steps: int, sample_shape: Sequence[int], kind: str, max_bytes: int = 96 * 2**20):
        if kind not in ("images", "points"):
            raise ValueError(f"kind must be images or points, got {kind!r}")
        self.kind = kind
        self.num_steps = int(num_steps)
        self.sample_shape = tuple(int(v) for v in sample_shape)
        per_array = int(np.prod(self.sample_shape)) * (1 if kind == "images" else 4)
        self.bytes_per_frame = 3 * per_array
        total = (self.num_steps + 1) * self.bytes_per_frame
        state_budget = int(max_bytes * STATE_BUDGET_FRACTION) if kind == "images" else 0
        self.stride = max(1, math.ceil(total / (max_bytes - state_budget)))
        state_bytes = int(np.prod(self.sample_shape)) * 4
        self.state_stride = max(1, math.ceil(self.num_steps * state_bytes / max(state_budget, 1)))
        self._states: dict[int, tuple[int, np.ndarray]] = {}  # images only: step -> (t, float32 x_t)
        self.steps: list[int] = []
        self.timesteps: list[int] = []
        self._x_t: list[np.ndarray] = []
        self._x0: list[np.ndarray] = []
        self._eps: list[np.ndarray] = []
        self.final: np.ndarray | None = None

    def record(self, frame: Frame) -> bool:
        """Store ``frame`` if the stride keeps it; returns whether it was kept."""
        if frame.is_final:
            self.final = frame.x_t.detach().float().cpu().numpy()
        elif self.kind == "images" and frame.step % self.state_stride == 0:
            self._states[frame.step] = (frame.t, frame.x_t.detach().float().cpu().numpy().copy())
        if not frame.is_final and frame.step % self.stride:
            return False
        self.steps.append(frame.step)
        self.timesteps.append(frame.t)
        self._x_t.append(self._encode(frame.x_t, 1.0))
        self._x0.append(self._encode(frame.x0_pred, 1.0))
        self._eps.append(self._encode(frame.eps_pred, EPS_DISPLAY_RANGE))
        return True

    def _encode(self, x: torch.Tensor, scale: float) -> np.ndarray:
        arr = x.detach().float().cpu()
        if self.kind == "points":
            return arr.numpy().astype(np.float32, copy=True)
        from engine.imaging import to_uint8

        return to_uint8(arr / scale)

    def __len__(self) -> int:
        return len(self.steps)

    def frame(self, index: int) -> RecordedFrame:
        return RecordedFrame(self.steps[index], self.timesteps[index], self._x_t[index], self._x0[index],
                             self._eps[index])

    def index_of_step(self, step: int) -> int:
        """The recorded frame nearest to sampler step ``step`` (exact when no frames were thinned)."""
        return int(np.argmin(np.abs(np.asarray(self.steps) - step)))

    @property
    def state_steps(self) -> list[int]:
        """The non-final steps whose exact float32 x_t is kept (the steps a sampler can branch from)."""
        if self.kind == "points":
            return [s for s, t in zip(self.steps, self.timesteps) if t >= 0]
        return sorted(self._states)

    def state(self, step: int) -> tuple[int, np.ndarray]:
        """``(t, x_t)`` of sampler step ``step``: its schedule index and its exact float32 state (see the class
        docstring); KeyError when the step's exact state was not kept."""
        if self.kind == "images":
            return self._states[step]
        if step not in self.steps or self.timesteps[self.steps.index(step)] < 0:
            raise KeyError(step)
        i = self.steps.index(step)
        return self.timesteps[i], self._x_t[i]

    def grafted(self, branch: Trajectory) -> Trajectory:
        """This run up to where ``branch`` starts, then ``branch``: one trajectory to scrub, export and branch again.

        ``branch`` is a recorded :func:`~engine.samplers.branch_from` run off this one, so its steps are numbered
        on this run's timeline (its first frame is the branch point). The frames (and exact states) before its first
        step are this run's, shared, not copied: a trajectory is never changed once recorded."""
        start = branch.steps[0] if branch.steps else branch.num_steps
        if branch.kind != self.kind or branch.sample_shape != self.sample_shape:
            raise ValueError(f"a branch of a {self.kind} run of {self.sample_shape} cannot hold {branch.kind} of "
                             f"{branch.sample_shape}")
        head = [i for i, s in enumerate(self.steps) if s < start]
        joined = Trajectory.__new__(Trajectory)
        joined.__dict__.update(branch.__dict__)
        joined.stride = max(self.stride, branch.stride)  # the coarser thinning of the two, for "every Nth step"
        joined.steps = [self.steps[i] for i in head] + list(branch.steps)
        joined.timesteps = [self.timesteps[i] for i in head] + list(branch.timesteps)
        joined._x_t = [self._x_t[i] for i in head] + list(branch._x_t)
        joined._x0 = [self._x0[i] for i in head] + list(branch._x0)
        joined._eps = [self._eps[i] for i in head] + list(branch._eps)
        joined._states = {**{k: v for k, v in self._states.items() if k < start}, **branch._states}
        return joined

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for arrays in (self._x_t, self._x0, self._eps) for a in arrays) + (
            self.final.nbytes if self.final is not None else 0) + sum(x.nbytes for _, x in self._states.values())

    def stacked(self, which: str = "x_t") -> np.ndarray:
        """All recorded frames of one view as one array (F, ...)."""
        source = {"x_t": self._x_t, "x0_pred": self._x0, "eps_pred": self._eps}[which]
        return np.stack(source)

    # ---- persistence without pickle: a plain .npz of numeric arrays
    def save(self, path: str | Path) -> None:
        from engine.atomic import atomic_path

        with atomic_path(path, suffix=".tmp.npz") as tmp:
            np.savez(tmp, steps=np.asarray(self.steps), timesteps=np.asarray(self.timesteps),
                     x_t=self.stacked("x_t"), x0_pred=self.stacked("x0_pred"), eps_pred=self.stacked("eps_pred"),
                     final=self.final if self.final is not None else np.zeros(0, np.float32),
                     state_steps=np.asarray(sorted(self._states), dtype=np.int64),
                     state_timesteps=np.asarray([self._states[k][0] for k in sorted(self._states)], dtype=np.int64),
                     states=(np.stack([self._states[k][1] for k in sorted(self._states)]) if self._states
                             else np.zeros(0, np.float32)),
                     meta=np.asarray([self.num_steps, self.stride, 1 if self.kind == "images" else 0]))

    @classmethod
    def load(cls, path: str | Path) -> Trajectory:
        with np.load(path, allow_pickle=False) as data:
            num_steps, stride, is_images = (int(v) for v in data["meta"])
            final = data["final"]
            traj = cls.__new__(cls)
            traj.kind = "images" if is_images else "points"
            traj.num_steps, traj.stride = num_steps, stride
            traj.sample_shape = tuple(final.shape)
            traj.bytes_per_frame = 0
            traj.steps = [int(v) for v in data["steps"]]
            traj.timesteps = [int(v) for v in data["timesteps"]]
            traj._x_t = list(data["x_t"])
            traj._x0 = list(data["x0_pred"])
            traj._eps = list(data["eps_pred"])
            traj.final = final if final.size else None
            traj.state_stride = 0  # unknown after loading; state_steps lists what is there
            traj._states = {}
            if "state_steps" in data.files:  # absent in trajectories saved before exact states were kept
                traj._states = {int(k): (int(t), x) for k, t, x in
                                zip(data["state_steps"], data["state_timesteps"], data["states"])}
        return traj
