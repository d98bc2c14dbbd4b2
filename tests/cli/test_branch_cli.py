"""``diffusion-lab sample --from-trajectory traj.npz --from-step K``: branching a recorded run from the CLI."""
from __future__ import annotations

import numpy as np
import pytest

from engine.cli import main
from engine.samplers import Trajectory


@pytest.fixture(scope="module")
def recorded_run(tmp_path_factory):
    """A tiny moons run and a DDIM-20 trajectory of 64 samples from it (seed 3)."""
    folder = tmp_path_factory.mktemp("branch")
    run = folder / "moons"
    assert main(["train", "--dataset", "moons", "--steps", "100", "--quiet", "--out", str(run)]) == 0
    traj = folder / "traj.npz"
    assert main(["sample", "--run", str(run), "--sampler", "ddim", "--steps", "20", "--n", "64", "--seed", "3",
                 "--trajectory", str(traj), "--out", str(folder / "full.npy")]) == 0
    return run, traj, np.load(folder / "full.npy")


def branch(run, traj, step, out, *extra):
    return main(["sample", "--run", str(run), "--from-trajectory", str(traj), "--from-step", str(step),
                 "--out", str(out), *extra])


def test_ddim_branch_with_the_recorded_settings_reproduces_the_run(recorded_run, tmp_path):
    run, traj, full = recorded_run
    out = tmp_path / "branch.npy"
    # no --steps: the branch follows the recorded run's 20-step grid below step 8
    assert branch(run, traj, 8, out, "--sampler", "ddim", "--seed", "99") == 0
    np.testing.assert_allclose(np.load(out), full, rtol=0, atol=1e-5)


def test_ddpm_branch_shares_the_prefix_and_diverges(recorded_run, tmp_path):
    run, traj, full = recorded_run
    out, branch_traj = tmp_path / "ddpm.npy", tmp_path / "ddpm.npz"
    assert branch(run, traj, 8, out, "--sampler", "ddpm", "--seed", "5", "--trajectory", str(branch_traj)) == 0
    original, branched = Trajectory.load(traj), Trajectory.load(branch_traj)
    assert branched.steps == list(range(8, 21)) and branched.timesteps == original.timesteps[8:]
    assert np.array_equal(branched.frame(0).x_t, original.frame(8).x_t)
    rms = float(np.sqrt(np.mean((np.load(out) - full) ** 2)))
    # at index 599 alpha_bar is ~0.03: x_t says little about x0, so fresh noise moves the samples by about the data's
    # spread (the moons are standardized to unit variance; measured 1.13)
    assert rms > 0.3, rms


@pytest.mark.parametrize("step", [20, 21, -1])
def test_a_bad_from_step_is_one_line_naming_the_flag_and_range(recorded_run, tmp_path, capsys, step):
    run, traj, _ = recorded_run
    assert branch(run, traj, step, tmp_path / "x.png") == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.startswith("--from-step: must be in [0, 19]") and err.endswith(f"got {step}")
    if step == 20:
        assert "final frame" in err


def test_from_step_needs_from_trajectory(recorded_run, tmp_path, capsys):
    run, _, _ = recorded_run
    assert main(["sample", "--run", str(run), "--from-step", "3", "--out", str(tmp_path / "x.png")]) == 2
    assert "--from-trajectory and --from-step" in capsys.readouterr().err
