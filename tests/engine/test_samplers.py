"""Samplers against an analytic denoiser: for data ~ N(mu, s^2) the exact E[eps | x_t] is known in closed form.

x_t = a x0 + sigma eps with a = sqrt(alpha_bar_t), sigma = sqrt(1 - alpha_bar_t), so x_t ~ N(a mu, a^2 s^2 + sigma^2)
and E[eps | x_t] = sigma (x_t - a mu) / (a^2 s^2 + sigma^2).
"""
import math

import numpy as np
import pytest
import torch
from gaussian_reference import MU, S, analytic_denoiser

from engine.samplers import (
    Trajectory,
    ddim_sample,
    ddpm_posterior,
    final_sample,
    run_sampler,
    sampling_timesteps,
)
from engine.schedules import NoiseSchedule


def test_ddpm_1000_recovers_the_gaussian():
    sch = NoiseSchedule("linear", 1000)
    x = final_sample(run_sampler(analytic_denoiser(sch), sch, (20000, 1), sampler="ddpm", steps=1000, seed=3))
    assert float(x.mean()) == pytest.approx(MU, abs=0.01)
    assert float(x.std()) == pytest.approx(S, rel=0.02)


def test_ddpm_beta_variance_also_recovers_the_gaussian():
    sch = NoiseSchedule("linear", 1000)
    x = final_sample(run_sampler(analytic_denoiser(sch), sch, (20000, 1), sampler="ddpm", steps=1000,
                                 variance="beta", seed=4))
    assert float(x.mean()) == pytest.approx(MU, abs=0.01)
    assert float(x.std()) == pytest.approx(S, rel=0.04)


def _exact_ddim_map(sch, ts):
    """DDIM (eta=0) with the analytic denoiser is an affine map x_T -> A x_T + B; compute A, B by hand."""
    A, B = 1.0, 0.0
    for k, t in enumerate(ts):
        a, sig = math.sqrt(float(sch.alpha_bar[t])), math.sqrt(1 - float(sch.alpha_bar[t]))
        ab_prev = float(sch.alpha_bar[ts[k + 1]]) if k + 1 < len(ts) else 1.0
        v = a * a * S * S + sig * sig
        # eps = e1 x + e0 ; x0 = (x - sig eps) / a
        e1, e0 = sig / v, -sig * a * MU / v
        x01, x00 = (1 - sig * e1) / a, -sig * e0 / a
        c1 = math.sqrt(ab_prev) * x01 + math.sqrt(1 - ab_prev) * e1
        c0 = math.sqrt(ab_prev) * x00 + math.sqrt(1 - ab_prev) * e0
        A, B = c1 * A, c1 * B + c0
    return A, B


@pytest.mark.parametrize("kind", ["linear", "cosine"])
def test_ddim_50_matches_gaussian_and_its_exact_affine_map(kind):
    sch = NoiseSchedule(kind, 1000)
    x = final_sample(run_sampler(analytic_denoiser(sch), sch, (20000, 1), sampler="ddim", steps=50, seed=5))
    # DDIM's 50-step discretization of the probability-flow ODE shrinks the spread a little (exact only as
    # steps -> inf); against the true N(mu, s^2):
    assert float(x.mean()) == pytest.approx(MU, abs=0.02)
    assert float(x.std()) == pytest.approx(S, rel=0.10)
    # and tightly against the exact composition of Song et al. Eq. 12 steps for this denoiser:
    A, B = _exact_ddim_map(sch, sampling_timesteps(1000, 50))
    g = torch.Generator().manual_seed(5)
    x_T = torch.randn((20000, 1), generator=g)
    assert torch.allclose(x, A * x_T + B, atol=1e-4)


def test_ddim_converges_with_more_steps():
    sch = NoiseSchedule("linear", 1000)
    errs = []
    for steps in (10, 50, 250):
        x = final_sample(run_sampler(analytic_denoiser(sch), sch, (20000, 1), sampler="ddim", steps=steps, seed=1))
        errs.append(abs(float(x.std()) - S))
    assert errs[0] > errs[1] > errs[2] and errs[2] < 0.01


def test_ddim_eta1_over_all_steps_is_ddpm_with_beta_tilde():
    # Song et al. 2021, Sec. 4.1: eta = 1 gives sigma_t^2 = beta_tilde_t, i.e. the DDPM ancestral sampler
    sch = NoiseSchedule("linear", 1000)
    den = analytic_denoiser(sch)
    x_ddim = final_sample(run_sampler(den, sch, (2000, 1), sampler="ddim", steps=1000, eta=1.0, seed=2))
    x_ddpm = final_sample(run_sampler(den, sch, (2000, 1), sampler="ddpm", steps=1000, seed=2))
    assert torch.allclose(x_ddim, x_ddpm, atol=1e-4)


def test_timestep_spacings():
    assert sampling_timesteps(1000, 50)[:3] == [999, 979, 959] and sampling_timesteps(1000, 50)[-1] == 19
    leading = sampling_timesteps(1000, 50, "leading")
    assert leading[:2] == [980, 960] and leading[-1] == 0
    assert sampling_timesteps(1000, 1000) == list(range(999, -1, -1))
    lin = sampling_timesteps(1000, 10, "linspace")
    assert lin[0] == 999 and lin[-1] == 0 and len(lin) == 10
    with pytest.raises(ValueError, match="sampling.steps"):
        sampling_timesteps(100, 101)


def test_frames_have_one_record_per_step_and_a_final_frame():
    sch = NoiseSchedule("linear", 100)
    frames = list(run_sampler(analytic_denoiser(sch), sch, (4, 1), sampler="ddim", steps=10, seed=0))
    assert len(frames) == 11 and [f.step for f in frames] == list(range(11))
    assert frames[-1].is_final and frames[-1].t == -1
    assert all(f.x_t.shape == f.x0_pred.shape == f.eps_pred.shape == (4, 1) for f in frames)
    # every step's state follows from the previous step's predictions (Eq. 12, eta=0)
    ts = [f.t for f in frames[:-1]]
    for k in range(len(ts)):
        ab_prev = float(sch.alpha_bar[ts[k + 1]]) if k + 1 < len(ts) else 1.0
        f = frames[k]
        expect = math.sqrt(ab_prev) * f.x0_pred + math.sqrt(1 - ab_prev) * f.eps_pred
        assert torch.allclose(frames[k + 1].x_t, expect, atol=1e-5)


@pytest.mark.parametrize("sampler", ["ddpm", "ddim"])
def test_seeded_runs_are_bit_identical(sampler):
    sch = NoiseSchedule("linear", 200)
    kw = dict(sampler=sampler, steps=50, eta=0.5, seed=11)
    a = final_sample(run_sampler(analytic_denoiser(sch), sch, (8, 1, 4, 4), **kw))
    b = final_sample(run_sampler(analytic_denoiser(sch), sch, (8, 1, 4, 4), **kw))
    c = final_sample(run_sampler(analytic_denoiser(sch), sch, (8, 1, 4, 4), **{**kw, "seed": 12}))
    assert torch.equal(a, b) and not torch.equal(a, c)


def test_clipping_keeps_x0_in_range_and_consistent():
    sch = NoiseSchedule("linear", 100)
    wild = lambda x, t: (x * 10, torch.zeros_like(x))  # noqa: E731  a denoiser that overshoots
    for f in ddim_sample(wild, sch, torch.randn(4, 1, 2, 2), steps=10, clip_x0=True):
        assert float(f.x0_pred.abs().max()) <= 1.0


def test_trajectory_is_compact_and_exact():
    sch = NoiseSchedule("linear", 1000)
    shape = (64, 1, 32, 32)
    traj = Trajectory(1000, shape, "images")
    gen = run_sampler(lambda x, t: (x.clamp(-1, 1) * 0.5, x * 0.1), sch, shape, sampler="ddpm", steps=1000, seed=0)
    kept_frames = {}
    for f in gen:
        if traj.record(f):
            kept_frames[f.step] = f.x_t.clone()
    assert traj.nbytes < 100 * 2**20, traj.nbytes
    assert len(traj) >= 300 and traj.steps[-1] == 1000 and traj.final.shape == shape
    from engine.imaging import to_uint8

    for i in (0, len(traj) // 2, len(traj) - 1):
        rec = traj.frame(i)
        assert np.array_equal(rec.x_t, to_uint8(kept_frames[rec.step]))


def test_trajectory_save_load_round_trip(tmp_path):
    sch = NoiseSchedule("linear", 50)
    traj = Trajectory(10, (3, 2), "points")
    for f in run_sampler(analytic_denoiser(sch), sch, (3, 2), steps=10, seed=0):
        traj.record(f)
    traj.save(tmp_path / "t.npz")
    back = Trajectory.load(tmp_path / "t.npz")
    assert back.steps == traj.steps and back.timesteps == traj.timesteps and back.kind == "points"
    assert np.array_equal(back.frame(4).x0_pred, traj.frame(4).x0_pred)
    assert np.array_equal(back.final, traj.final)


def test_posterior_matches_ho_eq_6_7():
    # the sampler-side posterior for consecutive indices t-1 -> t is the schedule's q(x_{t-1} | x_t, x0)
    s = NoiseSchedule("linear", 100, 1e-3, 0.05)
    b, ab = s.betas.numpy(), s.alpha_bar.numpy()
    ab_prev = np.concatenate([[1.0], ab[:-1]])
    posterior = np.array([ddpm_posterior(float(ab[t]), float(ab_prev[t])) for t in range(100)])
    coef1, coef2, variance, beta = posterior.T
    assert np.allclose(beta, b, rtol=1e-9, atol=0)
    beta_tilde = (1 - ab_prev) / (1 - ab) * b  # Eq. 7
    assert np.allclose(variance, beta_tilde)
    assert variance[0] == 0
    c1 = np.sqrt(ab_prev) * b / (1 - ab)  # Eq. 7 mean coefficients
    c2 = np.sqrt(1 - b) * (1 - ab_prev) / (1 - ab)
    assert np.allclose(coef1, c1) and np.allclose(coef2, c2)
    # Eq. 6: q(x_{t-1}|x_t,x0) mean agrees with the Bayes product of q(x_t|x_{t-1}) and q(x_{t-1}|x0)
    t, x0, xt = 40, 0.3, -0.7
    prec = (1 - b[t]) / b[t] + 1 / (1 - ab_prev[t])
    mean = ((np.sqrt(1 - b[t]) / b[t]) * xt + np.sqrt(ab_prev[t]) / (1 - ab_prev[t]) * x0) / prec
    assert c1[t] * x0 + c2[t] * xt == pytest.approx(mean, rel=1e-10)
    assert beta_tilde[t] == pytest.approx(1 / prec, rel=1e-10)
    assert coef1[t] * x0 + coef2[t] * xt == pytest.approx(mean, rel=1e-10)
    assert variance[t] == pytest.approx(1 / prec, rel=1e-10)
