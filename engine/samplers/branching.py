"""Branching: restart a sampler from one frame of a run, with another seed, sampler, eta or step count.

A frame at sampler step k holds x_t at schedule index t. Every sampler here is a map from (x_t, t) and the indices
still to visit to the clean sample, so a branch is :func:`~engine.samplers.loop.sample_loop` started at x_t over
``[t, *tail]``, where ``tail`` is the part below t of a ``steps``-step timestep grid (k-diffusion's samplers are
restarted the same way, by passing ``sigmas[k:]``).

What a branch shares with the original run, and what it does not:

* DDIM with eta = 0, Euler and Heun are memoryless, so a branch with the original's sampler, steps and spacing
  replays the original's tail (to float rounding: the branch re-evaluates the model at x_t).
* DPM-Solver++(2M) keeps the previous step's x0 prediction; a branch starts without it, so its first step is
  first order (DDIM's), exactly as the original's first step was.
* Stochastic samplers (DDPM, DDIM with eta > 0) draw their noise from a new generator seeded with ``seed``; that
  generator has not drawn x_T or the earlier steps' noise, so even the original's seed gives a different tail.

Frame numbering: branch frames keep the original's step numbers (the frame at the branch point is step k, the
next k + 1, ...; ``num_steps`` is k + the branch's own steps), so they line up on the original's timeline. ``nfe``
counts the branch's own model evaluations from the branch point: its first frame, at x_t, has nfe = 1 (the model
is evaluated there again), so a branch's final nfe is what the branch alone costs.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence

import numpy as np
import torch

from engine.errors import UserError
from engine.samplers.loop import Denoiser, Frame, make_step, sample_loop, sampling_timesteps
from engine.samplers.recording import Trajectory
from engine.schedules import NoiseSchedule


@dataclasses.dataclass(frozen=True)
class BranchPoint:
    """Where a branch starts: sampler step ``step`` of a ``num_steps``-step run, at schedule index ``t``, in state
    ``x_t`` (float32, exact)."""

    step: int
    t: int
    x_t: torch.Tensor
    num_steps: int


def describe_steps(steps: Sequence[int]) -> str:
    """``[0, 49]`` for a contiguous run of steps, else the first few and the spacing, for one-line messages."""
    steps = sorted(steps)
    if not steps:
        return "none"
    if steps == list(range(steps[0], steps[-1] + 1)):
        return f"[{steps[0]}, {steps[-1]}]"
    head = ", ".join(str(s) for s in steps[:4])
    return f"{head}, ... {steps[-1]} (every {steps[1] - steps[0]} steps)" if len(steps) > 4 else head


def branch_point(source: Trajectory | Frame, step: int | None = None) -> BranchPoint:
    """The exact state to branch from: step ``step`` of a recorded :class:`Trajectory` (one of its
    :attr:`~Trajectory.state_steps`), or a live :class:`Frame` (``step`` None or the frame's own). The final frame
    is refused: it is the finished sample, with no timesteps left to resample."""
    if isinstance(source, Frame):
        if step is not None and step != source.step:
            raise UserError(f"step: a Frame is its own branch point (step {source.step}); got step {step}")
        if source.is_final:
            raise UserError(f"step: the final frame (step {source.step}) is the finished sample; branch from a "
                            f"step in [0, {source.num_steps - 1}]")
        return BranchPoint(source.step, source.t, source.x_t.detach().float(), source.num_steps)
    if step is None:
        raise UserError("step: say which recorded step of the trajectory to branch from")
    allowed = source.state_steps
    if int(step) not in allowed:
        final = " (the final frame is the finished sample)" if step == source.num_steps else ""
        raise UserError(f"step must be a recorded step with an exact state, {describe_steps(allowed)}{final}; "
                        f"got {step}")
    t, x = source.state(int(step))
    return BranchPoint(int(step), int(t), torch.from_numpy(np.asarray(x, dtype=np.float32).copy()),
                       source.num_steps)


def branch_timesteps(num_train_timesteps: int, t: int, steps: int, spacing: str = "trailing") -> list[int]:
    """``[t, *tail]``: the branch point, then the indices below t of a ``steps``-step grid
    (:func:`~engine.samplers.loop.sampling_timesteps`). With the original run's steps and spacing this is exactly
    the original's remaining timesteps; fewer or more steps make the tail coarser or finer."""
    grid = sampling_timesteps(num_train_timesteps, steps, spacing)
    return [int(t), *[s for s in grid if s < t]]


def branch_from(source: Trajectory | Frame, step: int | None = None, *, denoiser: Denoiser,
                schedule: NoiseSchedule, sampler: str = "ddim", steps: int | None = None, eta: float = 0.0,
                variance: str = "beta_tilde", clip_x0: bool = False, spacing: str = "trailing", seed: int = 0,
                device: torch.device | str = "cpu") -> Iterator[Frame]:
    """Restart ``sampler`` from step ``step`` of ``source`` (see :func:`branch_point`) and yield its Frames (the
    module docstring says how they are numbered and what they share with the original). ``steps`` chooses the
    timestep grid below the branch point (default: the original run's step count, so the grid is the original's
    when ``spacing`` is too); ``seed`` seeds the noise of stochastic samplers."""
    point = branch_point(source, step)
    steps = point.num_steps if steps is None else int(steps)
    timesteps = branch_timesteps(schedule.timesteps, point.t, steps, spacing)
    step_fn = make_step(sampler, eta=eta, variance=variance)
    generator = torch.Generator().manual_seed(int(seed))
    frames = sample_loop(step_fn, denoiser, schedule, point.x_t.to(device), timesteps, clip_x0=clip_x0,
                         generator=generator)
    return (dataclasses.replace(f, step=f.step + point.step, num_steps=f.num_steps + point.step) for f in frames)
