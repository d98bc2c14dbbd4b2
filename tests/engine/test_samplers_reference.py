"""DPM-Solver++(2M), Euler and Heun against diffusers' schedulers and against the exact law of Gaussian data.

Data ~ N(MU, S^2): with x_t = a x0 + sig eps (a = sqrt(alpha_bar_t), sig = sqrt(1 - alpha_bar_t)) and
v = a^2 S^2 + sig^2, the exact predictions are E[eps | x_t] = sig (x_t - a MU) / v and
E[x0 | x_t] = MU + a S^2 (x_t - a MU) / v (finite even at alpha_bar = 0). Every deterministic sampler is then an
affine map x_T -> A x_T + B, so its output law from x_T ~ N(0, 1) is exactly N(B, A^2); running it on x_T = (0, 1)
gives B and A in float64 without sampling noise.
"""
import math

import numpy as np
import pytest
import torch

from engine import config
from engine.samplers import (
    SAMPLERS,
    final_sample,
    make_step,
    model_denoiser,
    run_sampler,
    sample_loop,
    sampling_timesteps,
)
from engine.schedules import NoiseSchedule

MU, S = 0.7, 0.3
T = 1000
# diffusers' set_timesteps calls np.array on a torch tensor, which numpy 2 flags; nothing of ours
pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword")


def gaussian_denoiser(schedule, mu=MU, s=S):
    def denoise(x, t):
        ab = float(schedule.alpha_bar[t])
        a, sig = math.sqrt(ab), math.sqrt(1.0 - ab)
        v = a * a * s * s + sig * sig
        return mu + a * s * s * (x - a * mu) / v, sig * (x - a * mu) / v

    return denoise


def x_T_draw(n=1000, seed=0):
    return torch.randn(n, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)


# ------------------------------------------------------------------ against diffusers
def _diffusers_scheduler(cls, schedule, steps, **kwargs):
    """A diffusers scheduler on our schedule and our timesteps, in float64 where diffusers lets us.

    Settings that make it comparable: ``timestep_spacing="trailing"`` (our default; the test checks the indices are
    ours), ``final_sigmas_type="zero"`` (the last step lands on the clean data, as ours), eps prediction, no Karras
    sigmas or thresholding. diffusers builds alphas_cumprod and sigmas in float32; we replace alphas_cumprod with our
    float64 alpha_bar before ``set_timesteps`` and the sigmas with the same values in float64 after it. What stays
    float32 is diffusers' own rounding of the sample inside ``step()`` (DPM-Solver and Euler), about 1e-7 here.
    """
    sch = cls(num_train_timesteps=T, trained_betas=schedule.betas.numpy(), prediction_type="epsilon",
              timestep_spacing="trailing", **kwargs)
    sch.alphas_cumprod = schedule.alpha_bar.clone()
    sch.set_timesteps(steps)
    ab = schedule.alpha_bar.numpy()
    ts = sampling_timesteps(T, steps)
    sigmas = np.concatenate([np.sqrt((1.0 - ab[ts]) / ab[ts]), [0.0]])
    return sch, ts, sigmas


@pytest.mark.parametrize("kind", ["linear", "scaled_linear", "cosine"])
@pytest.mark.parametrize("steps", [10, 20])
def test_dpmpp_2m_matches_diffusers(kind, steps):
    diffusers = pytest.importorskip("diffusers")
    schedule = NoiseSchedule(kind, T, 1e-4 if kind == "linear" else 8.5e-4, 0.02 if kind == "linear" else 0.012)
    # lower_order_final=False: only the last step (to sigma = 0, where the second-order term is undefined) is first
    # order, as in k-diffusion's sample_dpmpp_2m; diffusers' default also makes the second-to-last one first order
    # when there are fewer than 15 steps.
    sch, ts, sigmas = _diffusers_scheduler(diffusers.DPMSolverMultistepScheduler, schedule, steps,
                                           algorithm_type="dpmsolver++", solver_order=2, solver_type="midpoint",
                                           lower_order_final=False, final_sigmas_type="zero")
    assert sch.timesteps.tolist() == ts
    sch.sigmas = torch.from_numpy(sigmas)
    den = gaussian_denoiser(schedule)
    x = x_T = x_T_draw()
    for t in sch.timesteps:
        x = sch.step(den(x, int(t))[1], t, x).prev_sample
    ours = final_sample(sample_loop(make_step("dpmpp_2m"), den, schedule, x_T, ts))
    assert ours.dtype == torch.float64
    assert float((ours - x).abs().max()) < 1e-6


@pytest.mark.parametrize("kind", ["linear", "scaled_linear"])
@pytest.mark.parametrize("steps", [10, 20])
def test_euler_matches_diffusers(kind, steps):
    # Not on the cosine schedule: its last index has sigma ~ 3e4, and diffusers' float32 rounding of the
    # sigma-space sample inside step() alone is then ~1e-3.
    diffusers = pytest.importorskip("diffusers")
    schedule = NoiseSchedule(kind, T, 1e-4 if kind == "linear" else 8.5e-4, 0.02 if kind == "linear" else 0.012)
    sch, ts, sigmas = _diffusers_scheduler(diffusers.EulerDiscreteScheduler, schedule, steps,
                                           final_sigmas_type="zero")
    assert [int(t) for t in sch.timesteps] == ts
    sch.sigmas = torch.from_numpy(sigmas)
    den = gaussian_denoiser(schedule)
    x_T = x_T_draw()
    # diffusers samples in sigma space: x = x_t sqrt(1 + sigma^2). Its init_noise_sigma is sigma_max for trailing
    # spacing (an approximation), so we scale x_T exactly instead.
    x = x_T * math.sqrt(1.0 + sigmas[0] ** 2)
    for t in sch.timesteps:
        x = sch.step(den(sch.scale_model_input(x, t), int(t))[1], t, x).prev_sample
    ours = final_sample(sample_loop(make_step("euler"), den, schedule, x_T, ts))
    assert float((ours - x).abs().max()) < 1e-6


@pytest.mark.parametrize("kind", ["linear", "scaled_linear", "cosine"])
@pytest.mark.parametrize("steps", [10, 20])
def test_heun_matches_diffusers_and_counts_its_evaluations(kind, steps):
    diffusers = pytest.importorskip("diffusers")
    schedule = NoiseSchedule(kind, T, 1e-4 if kind == "linear" else 8.5e-4, 0.02 if kind == "linear" else 0.012)
    sch, ts, sigmas = _diffusers_scheduler(diffusers.HeunDiscreteScheduler, schedule, steps)
    # diffusers repeats every sigma but the first and the last: one entry per model evaluation
    sch.sigmas = torch.from_numpy(np.concatenate([sigmas[:1], np.repeat(sigmas[1:-1], 2), sigmas[-1:]]))
    assert [int(t) for t in sch.timesteps] == [ts[0]] + [t for t in ts[1:] for _ in (0, 1)]
    den = gaussian_denoiser(schedule)
    x_T = x_T_draw()
    x = x_T * math.sqrt(1.0 + sigmas[0] ** 2)
    for t in sch.timesteps:
        x = sch.step(den(sch.scale_model_input(x, t), int(t))[1], t, x).prev_sample
    frames = list(sample_loop(make_step("heun"), den, schedule, x_T, ts))
    assert float((frames[-1].x_t - x).abs().max()) < 1e-6
    assert frames[-1].nfe == len(sch.timesteps) == 2 * steps - 1
    assert [f.nfe for f in frames] == [2 * k + 1 for k in range(steps)] + [2 * steps - 1]


# ------------------------------------------------------------------ against the exact law
def _affine_map(sampler, schedule, timesteps):
    """(A, B) of the sampler's map x_T -> A x_T + B for the Gaussian denoiser."""
    x = final_sample(sample_loop(make_step(sampler), gaussian_denoiser(schedule), schedule,
                                 torch.tensor([0.0, 1.0], dtype=torch.float64), timesteps))
    return float(x[1] - x[0]), float(x[0])


def _exact_std(schedule, t_first):
    """The std of the exact probability-flow solution from x_T ~ N(0, 1) at index t_first: the flow maps the marginal
    N(a MU, v) there affinely onto N(MU, S^2), so N(0, 1) goes to std S / sqrt(v) (v = 1 - 4e-5 (1 - S^2) for the
    linear schedule: the prior mismatch is negligible but kept)."""
    ab = float(schedule.alpha_bar[t_first])
    return S / math.sqrt(ab * S * S + 1.0 - ab)


def lambda_uniform_timesteps(schedule, steps):
    """Indices nearest to steps values of lambda = log(alpha / sigma) evenly spaced from index T-1 to 0: the logSNR-
    uniform step sizes DPM-Solver (Lu et al. 2022) recommends for pixel-space models."""
    ab = schedule.alpha_bar.numpy()
    lam = 0.5 * np.log(ab / (1.0 - ab))
    targets = np.linspace(lam[-1], lam[0], steps)
    return sorted({int(np.argmin(np.abs(lam - v))) for v in targets}, reverse=True)


@pytest.mark.parametrize("kind", ["linear", "cosine"])
@pytest.mark.parametrize("steps", [10, 20])
def test_dpmpp_2m_is_second_order_on_gaussian_data(kind, steps):
    schedule = NoiseSchedule(kind, T)
    ts = lambda_uniform_timesteps(schedule, steps)
    exact = _exact_std(schedule, ts[0])
    ddim_err = abs(abs(_affine_map("ddim", schedule, ts)[0]) - exact)
    dpm_err = abs(abs(_affine_map("dpmpp_2m", schedule, ts)[0]) - exact)
    # measured (std error, DDIM vs DPM-Solver++(2M)): linear K=10 0.071 vs 0.0079, K=20 0.036 vs 0.0044;
    # cosine K=10 (9 distinct indices) 0.10 vs 0.0067, K=20 (17) 0.054 vs 0.0087
    assert dpm_err < ddim_err / 4
    assert dpm_err < 0.01


@pytest.mark.parametrize("kind, ddim_bound, dpm_bound", [("linear", 0.07, 0.045), ("cosine", 0.04, 0.01)])
def test_dpmpp_2m_beats_ddim_with_the_default_spacing(kind, ddim_bound, dpm_bound):
    # With trailing spacing the last step jumps from index T/K - 1 straight to the clean data; that step is first
    # order for every sampler (DPM-Solver++ cannot extrapolate to sigma = 0), and at K = 10 on the linear schedule it
    # dominates (measured: 0.115 DDIM vs 0.106 DPM-Solver++). At K = 20: linear 0.063 vs 0.041, cosine 0.033 vs 0.0086.
    schedule = NoiseSchedule(kind, T)
    ts = sampling_timesteps(T, 20)
    exact = _exact_std(schedule, ts[0])
    ddim_err = abs(abs(_affine_map("ddim", schedule, ts)[0]) - exact)
    dpm_err = abs(abs(_affine_map("dpmpp_2m", schedule, ts)[0]) - exact)
    assert dpm_err < dpm_bound < ddim_err < ddim_bound


def test_euler_is_ddim_with_eta_zero():
    # Song et al. 2021 Eq. 14 / Karras et al. 2022 Sec. 3: DDIM (eta = 0) is Euler's method in sigma space
    schedule = NoiseSchedule("cosine", T)
    den = gaussian_denoiser(schedule)
    for spacing in ("trailing", "leading", "linspace"):
        ts = sampling_timesteps(T, 25, spacing)
        euler = final_sample(sample_loop(make_step("euler"), den, schedule, x_T_draw(), ts))
        ddim = final_sample(sample_loop(make_step("ddim"), den, schedule, x_T_draw(), ts))
        assert torch.allclose(euler, ddim, rtol=0, atol=1e-10)


# ------------------------------------------------------------------ every sampler through the common entry point
class GaussianByLabel(torch.nn.Module):
    """A 'network' predicting the exact eps for data ~ N(means[label], S^2); the last label is the null label."""

    def __init__(self, schedule, means):
        super().__init__()
        self.schedule, self.means = schedule, torch.tensor(means)

    def forward(self, x, t, labels):
        ab = self.schedule.alpha_bar[t].to(x.dtype).reshape(-1, *([1] * (x.ndim - 1)))
        a, sig = ab.sqrt(), (1.0 - ab).sqrt()
        mu = self.means[labels].to(x.dtype).reshape(-1, *([1] * (x.ndim - 1)))
        return sig * (x - a * mu) / (a * a * S * S + sig * sig)


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_classifier_free_guidance_is_the_same_with_every_sampler(sampler):
    # eps is linear in the mean, so guidance w on (cond mean 0.5, null mean -0.1) is exactly the denoiser of
    # N(-0.1 + w (0.5 + 0.1), S^2): each sampler must give the same samples either way (Heun's second evaluation too)
    schedule = NoiseSchedule("linear", 200)
    w = 2.5
    model = GaussianByLabel(schedule, [0.5, -0.1])
    labels = torch.zeros(64, dtype=torch.long)
    guided = model_denoiser(model, schedule, "eps", labels=labels, null_label=1, guidance_scale=w)
    kwargs = {"sampler": sampler, "steps": 12, "eta": 0.3, "seed": 5}
    x = final_sample(run_sampler(guided, schedule, (64, 1), **kwargs))
    expected = final_sample(run_sampler(gaussian_denoiser(schedule, mu=-0.1 + w * 0.6), schedule, (64, 1), **kwargs))
    assert torch.allclose(x, expected, rtol=0, atol=1e-4)


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_every_sampler_runs_at_zero_terminal_snr(sampler):
    # alpha_bar_T = 0 (Lin et al. 2024): lambda = -inf for DPM-Solver++, sigma = inf for Euler and Heun (which use
    # alpha_bar = 2^-24 there, as diffusers does). Samples must stay finite and close to the ordinary schedule's (50
    # respaced DDPM steps under-disperse on either: std 0.248 for S = 0.3).
    zero_snr = NoiseSchedule("linear", 1000, zero_terminal_snr=True)
    frames = list(run_sampler(gaussian_denoiser(zero_snr), zero_snr, (4000, 1), sampler=sampler, steps=50, seed=9))
    x = frames[-1].x_t
    assert len(frames) == 51 and frames[0].t == 999 and torch.isfinite(x).all()
    plain = NoiseSchedule("linear", 1000)
    x_plain = final_sample(run_sampler(gaussian_denoiser(plain), plain, (4000, 1), sampler=sampler, steps=50, seed=9))
    assert float(x.mean()) == pytest.approx(MU, abs=0.01)
    assert float(x.std()) == pytest.approx(float(x_plain.std()), abs=0.005)


@pytest.mark.parametrize("sampler", SAMPLERS)
def test_frames_count_model_evaluations(sampler):
    schedule = NoiseSchedule("linear", 100)
    frames = list(run_sampler(gaussian_denoiser(schedule), schedule, (3, 1), sampler=sampler, steps=8, seed=0))
    per_step = 2 if sampler == "heun" else 1
    assert [f.nfe for f in frames[:-1]] == [per_step * k + 1 for k in range(8)]
    assert frames[-1].nfe == (15 if sampler == "heun" else 8) and frames[-1].num_steps == 8


def test_config_offers_every_sampler():
    assert config.SAMPLERS == SAMPLERS
    with pytest.raises(ValueError, match="sampling.sampler"):
        run_sampler(gaussian_denoiser(NoiseSchedule("linear", 10)), NoiseSchedule("linear", 10), (1,), sampler="plms")
