"""Branching a sampler from a recorded frame (engine.samplers.branching), on the exact denoiser of Gaussian data
N(MU, S^2) (tests/engine/gaussian_reference.py), where the law of x0 given x_t is known in closed form."""
import numpy as np
import pytest
import torch

from engine.errors import UserError
from engine.samplers import (
    Trajectory,
    branch_from,
    branch_point,
    branch_timesteps,
    final_sample,
    record,
    run_sampler,
    sampling_timesteps,
)
from engine.schedules import NoiseSchedule
from tests.engine.gaussian_reference import S, analytic_denoiser

SCHEDULE = NoiseSchedule("linear", 1000)


def recorded(sampler, steps, shape=(256, 2), kind="points", seed=0, **kw):
    den = analytic_denoiser(SCHEDULE)
    return record(run_sampler(den, SCHEDULE, shape, sampler=sampler, steps=steps, seed=seed, **kw), kind)


@pytest.mark.parametrize("sampler, k", [("ddim", 7), ("euler", 12), ("heun", 3)])
def test_deterministic_branch_with_same_settings_replays_the_tail(sampler, k):
    K = 20
    traj = recorded(sampler, K)
    frames = list(branch_from(traj, k, denoiser=analytic_denoiser(SCHEDULE), schedule=SCHEDULE, sampler=sampler,
                              seed=123))
    assert [f.step for f in frames] == list(range(k, K + 1)) and frames[-1].num_steps == K
    assert [f.t for f in frames] == traj.timesteps[k:]
    for f in frames[:-1]:
        np.testing.assert_allclose(f.x_t.numpy(), traj.frame(f.step).x_t, rtol=0, atol=1e-6)
    np.testing.assert_allclose(frames[-1].x_t.numpy(), traj.final, rtol=0, atol=1e-6)
    # nfe counts from the branch point: DDIM/Euler one per step; Heun 2 per step but the last (2 (K - k) - 1)
    per_step = 2 if sampler == "heun" else 1
    assert frames[0].nfe == 1 and frames[-1].nfe == per_step * (K - k) - (per_step - 1)


def test_image_trajectory_branches_from_its_exact_float_state(tmp_path):
    shape = (4, 1, 8, 8)
    traj = recorded("ddim", 25, shape=shape, kind="images")
    assert traj.state_steps == list(range(25))  # this small run fits the state budget: every step is exact
    traj.save(tmp_path / "t.npz")
    back = Trajectory.load(tmp_path / "t.npz")
    assert back.state_steps == traj.state_steps
    t, x = back.state(10)
    assert t == traj.timesteps[10] and x.dtype == np.float32
    branch = final_sample(branch_from(back, 10, denoiser=analytic_denoiser(SCHEDULE), schedule=SCHEDULE))
    np.testing.assert_allclose(branch.numpy(), traj.final, rtol=0, atol=1e-6)
    # the uint8 display copy alone would be off by up to half a level of 2/255 at the branch point
    from engine.imaging import to_uint8

    assert np.array_equal(traj.frame(10).x_t, to_uint8(torch.from_numpy(x)))


def test_large_image_run_keeps_exact_states_every_few_steps_within_budget():
    traj = Trajectory(1000, (64, 3, 32, 32), "images")
    state_bytes = 64 * 3 * 32 * 32 * 4
    # a quarter of the 96 MiB budget: ceil(1000 * 786432 / 25165824) = 32
    assert traj.state_stride == -(-1000 * state_bytes // (96 * 2**20 // 4)) == 32


def test_ddpm_branch_with_a_new_seed_shares_the_prefix_and_diverges_by_the_posterior_spread():
    K, k, n = 1000, 800, 4096
    traj = recorded("ddpm", K, shape=(n, 1), seed=0)
    frames = list(branch_from(traj, k, denoiser=analytic_denoiser(SCHEDULE), schedule=SCHEDULE, sampler="ddpm",
                              seed=1))
    assert np.array_equal(frames[0].x_t.numpy(), traj.frame(k).x_t)  # the prefix: the very same state at step k
    t = traj.timesteps[k]
    a2, sig2 = float(SCHEDULE.alpha_bar[t]), 1.0 - float(SCHEDULE.alpha_bar[t])
    # two independent completions from the same x_t are two draws of x0 | x_t, whose variance for Gaussian data is
    # S^2 sig^2 / (a^2 S^2 + sig^2) (a Gaussian conditional): their difference has twice that variance
    posterior_var = S * S * sig2 / (a2 * S * S + sig2)
    diff = frames[-1].x_t.numpy() - traj.final
    assert np.var(diff) == pytest.approx(2 * posterior_var, rel=0.1)
    again = final_sample(branch_from(traj, k, denoiser=analytic_denoiser(SCHEDULE), schedule=SCHEDULE,
                                     sampler="ddpm", seed=1))
    assert torch.equal(again, frames[-1].x_t)  # a branch is reproducible from its own seed


def test_branch_timesteps_are_the_tail_of_the_grid():
    t = sampling_timesteps(1000, 50)[9]
    assert branch_timesteps(1000, t, 50) == sampling_timesteps(1000, 50)[9:]
    assert branch_timesteps(1000, 437, 10) == [437, 399, 299, 199, 99]


def test_branching_at_the_final_frame_or_an_unknown_step_is_refused():
    traj = recorded("ddim", 10)
    den = analytic_denoiser(SCHEDULE)
    with pytest.raises(UserError, match=r"\[0, 9\] \(the final frame is the finished sample\); got 10"):
        branch_from(traj, 10, denoiser=den, schedule=SCHEDULE)
    with pytest.raises(UserError, match=r"\[0, 9\]; got -1"):
        branch_point(traj, -1)
    last = list(run_sampler(den, SCHEDULE, (3, 2), steps=5))[-1]
    with pytest.raises(UserError, match=r"final frame .* \[0, 4\]"):
        branch_point(last)


def test_step_ranges_are_described_in_one_line():
    from engine.samplers.branching import describe_steps

    assert describe_steps(range(50)) == "[0, 49]"
    assert describe_steps(range(0, 1000, 32)) == "0, 32, 64, 96, ... 992 (every 32 steps)"
    assert describe_steps([]) == "none"


@pytest.mark.parametrize("kind, shape", [("points", (64, 2)), ("images", (4, 1, 8, 8))])
def test_grafted_branch_is_the_parents_head_then_the_branch(kind, shape):
    K, k = 20, 9
    parent = recorded("ddim", K, shape=shape, kind=kind)
    branch = record(branch_from(parent, k, denoiser=analytic_denoiser(SCHEDULE), schedule=SCHEDULE, sampler="ddpm",
                                steps=30, seed=5), kind)
    joined = parent.grafted(branch)
    assert joined.steps == list(range(k)) + branch.steps and joined.num_steps == branch.num_steps
    assert joined.timesteps == parent.timesteps[:k] + branch.timesteps
    for i in range(k):  # the head is the parent's, bit for bit
        assert all(np.array_equal(getattr(joined.frame(i), v), getattr(parent.frame(i), v))
                   for v in ("x_t", "x0_pred", "eps_pred"))
    assert np.array_equal(joined.final, branch.final) and not np.allclose(joined.final, parent.final)
    assert joined.state_steps == sorted(set(parent.state_steps[:k]) | set(branch.state_steps))
    # a branch of the graft starts from the branch's own state
    t, x = joined.state(k + 3)
    assert t == branch.timesteps[3] and np.array_equal(x, branch.state(k + 3)[1])
    with pytest.raises(ValueError):
        parent.grafted(recorded("ddim", 5, shape=(3, 2)))
