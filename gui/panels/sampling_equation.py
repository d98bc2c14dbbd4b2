"""Which sampler update the Sampling tab's equation strip shows for the frame on the timeline.

A frame of a recorded run at schedule index t is followed by the step to the next index the run visits; that step's
coefficients come from engine/equations.py with the run's sampler, steps, spacing, η and DDPM variance. A branch
(gui/panels/sampling_branches.py) shows its parent's frames before the branch point, so those frames take the
parent's sampler and grid; the branch's own steps start with no DPM-Solver++(2M) history, as the engine's do.
"""
from __future__ import annotations

from engine.equations import SamplerStep, step_at
from engine.samplers import branch_timesteps, sampling_timesteps
from gui.panels.base import schedule_for


def step_for_frame(panel) -> SamplerStep | None:
    """The update taken from the Sampling panel's shown frame (its ``trajectory``, ``_position``, ``branches`` and
    ``_model``), or None when there is no recorded run (or the frame does not belong to the run's grid)."""
    traj, model = panel.trajectory, panel._model
    if traj is None or model is None or len(traj) == 0:
        return None
    index = min(max(panel._position, 0), len(traj) - 1)
    frame_step, t = traj.steps[index], traj.timesteps[index]
    nodes = panel.branches.tree.nodes
    node = next((n for n in nodes if n.trajectory is traj), None)
    while node is not None and node.step is not None and frame_step < node.step:
        node = nodes[node.parent]  # a frame before the branch point is the parent's
    if node is None:
        return None
    cfg, T = node.sampling, model.timesteps
    try:
        if node.step is None:
            grid, first = sampling_timesteps(T, cfg.steps, cfg.timestep_spacing), None
        else:
            grid, first = branch_timesteps(T, node.t, cfg.steps, cfg.timestep_spacing), node.t
        if t >= 0 and t not in grid:
            return None
        return step_at(schedule_for(model.config.schedule), grid, t, cfg.sampler, eta=cfg.eta,
                       variance=cfg.ddpm_variance, first=first)
    except ValueError:  # a grid the model's schedule cannot hold (a stale run): show no step
        return None
