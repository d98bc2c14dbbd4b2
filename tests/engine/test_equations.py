"""engine/equations.py: the strips' numbers are the schedule's float64 values, and a sampler step's terms reproduce
one actual step of the engine's sampler (float64, random x_t and eps)."""
from __future__ import annotations

import math

import pytest
import torch

from engine.config import SAMPLERS, SCHEDULE_KINDS
from engine.diffusion import loss_weights, q_sample
from engine.equations import (
    format_number,
    forward_equation,
    loss_equation,
    sampler_step,
    schedule_values,
    step_at,
)
from engine.samplers import StepContext, make_step, sampling_timesteps
from engine.schedules import NoiseSchedule

SCHEDULES = [(kind, ztsnr) for kind in SCHEDULE_KINDS for ztsnr in (False, True)]


def _schedule(kind: str, ztsnr: bool = False, T: int = 1000) -> NoiseSchedule:
    return NoiseSchedule(kind, T, zero_terminal_snr=ztsnr)


@pytest.mark.parametrize(("kind", "ztsnr"), SCHEDULES)
def test_schedule_values_are_the_schedules_float64_values(kind, ztsnr):
    sch = _schedule(kind, ztsnr)
    for t in (1, 2, 137, 500, 999, 1000):
        v = schedule_values(sch, t)
        i = t - 1
        assert v.t == t
        assert v.beta == float(sch.betas[i]) and v.alpha == float(sch.alphas[i])
        assert v.alpha_bar == float(sch.alpha_bar[i]) and v.sqrt_alpha_bar == float(sch.sqrt_alpha_bar[i])
        assert v.sqrt_one_minus_alpha_bar == float(sch.sqrt_one_minus_alpha_bar[i])
        assert v.snr == float(sch.snr[i]) and v.log_snr == float(sch.log_snr[i])
        # and they are what the formulas say, in float64
        ab = math.prod(1.0 - float(b) for b in sch.betas[:t])
        assert v.alpha_bar == pytest.approx(ab, rel=1e-9, abs=1e-300)
        if ab > 0:
            assert v.snr == pytest.approx(ab / (1 - ab), rel=1e-9)
    clean = schedule_values(sch, 0)
    assert (clean.alpha_bar, clean.sqrt_alpha_bar, clean.sqrt_one_minus_alpha_bar, clean.snr) == (1, 1, 0, math.inf)
    with pytest.raises(ValueError):
        schedule_values(sch, 1001)


@pytest.mark.parametrize(("kind", "ztsnr"), SCHEDULES)
def test_forward_terms_reproduce_q_sample(kind, ztsnr):
    sch = _schedule(kind, ztsnr)
    gen = torch.Generator().manual_seed(0)
    x0 = torch.randn(4, 3, generator=gen, dtype=torch.float64)
    eps = torch.randn(4, 3, generator=gen, dtype=torch.float64)
    for t in (1, 500, 1000):
        eq = forward_equation(sch, t)
        assert [term.symbol for term in eq.terms] == ["x0", "eps"]
        got = eq.terms[0].coef * x0 + eq.terms[1].coef * eps
        assert torch.equal(got, q_sample(sch, x0, torch.tensor(t - 1), eps))
    assert [term.coef for term in forward_equation(sch, 0).terms] == [1.0, 0.0]


def test_forward_at_500_reads_as_the_issue_says():
    eq = forward_equation(NoiseSchedule("linear", 1000), 500)
    assert format_number(eq.terms[0].coef, 2) == "0.28" and format_number(eq.terms[1].coef, 2) == "0.96"


@pytest.mark.parametrize(("kind", "ztsnr"), SCHEDULES)
@pytest.mark.parametrize("prediction", ["eps", "x0", "v"])
@pytest.mark.parametrize("weighting", ["uniform", "min_snr"])
def test_loss_weight_matches_the_trainers(kind, ztsnr, prediction, weighting):
    sch = _schedule(kind, ztsnr)
    ts = torch.tensor([0, 10, 250, 499, 998, 999])
    engine_w = loss_weights(weighting, prediction, sch, ts, 3.0)
    for i, w in zip(ts.tolist(), engine_w.tolist(), strict=True):
        eq = loss_equation(sch, i + 1, prediction, weighting, 3.0)
        assert eq.weight == pytest.approx(w, rel=1e-5, abs=1e-6)  # the trainer works in float32
        assert eq.sqrt_alpha_bar == float(sch.sqrt_alpha_bar[i])
    assert loss_equation(sch, 1, prediction, weighting).reference.startswith(
        {"eps": "Ho et al. 2020, Eq. 14", "x0": "x₀", "v": "v-"}[prediction])
    with pytest.raises(ValueError):
        loss_equation(sch, 0, prediction, weighting)


def test_format_number():
    assert format_number(0.28163) == "0.2816"
    assert format_number(1.0) == "1"
    assert format_number(-0.5) == "−0.5"
    assert format_number(1.2e-5) == "1.2·10⁻⁵"
    assert format_number(math.inf) == "∞" and format_number(-math.inf) == "−∞" and format_number(0.0) == "0"


# ---------------------------------------------------------------------------------------------- sampler steps
def _engine_step(sch, sampler, ts, k, x_t, eps, z, *, eta, variance, memory, denoise):
    """One step of the engine's own step function from frame k of a run over ``ts`` (float64 tensors)."""
    t = ts[k]
    t_next = ts[k + 1] if k + 1 < len(ts) else -1
    ab_t = float(sch.alpha_bar[t])
    ab_next = float(sch.alpha_bar[t_next]) if t_next >= 0 else 1.0
    x0 = (x_t - math.sqrt(1 - ab_t) * eps) / math.sqrt(ab_t) if ab_t > 0 else denoise(x_t, t)[0]
    ctx = StepContext(x_t, x0, eps, t, t_next, ab_t, ab_next, denoise, lambda: z, memory)
    return make_step(sampler, eta=eta, variance=variance)(ctx), x0


def _denoiser(sch):
    """A smooth deterministic 'model' (float64): eps_theta(x, t) = tanh(x) * (1 + t / T)."""

    def denoise(x, t):
        eps = torch.tanh(x) * (1.0 + t / sch.timesteps)
        ab = float(sch.alpha_bar[t])
        x0 = (x - math.sqrt(1 - ab) * eps) / max(math.sqrt(ab), 1e-8)
        return x0, eps

    return denoise


CASES = [("ddpm", 0.0, "beta_tilde"), ("ddpm", 0.0, "beta"), ("ddim", 0.0, "beta_tilde"), ("ddim", 0.7, "beta_tilde"),
         ("ddim", 1.0, "beta_tilde"), ("dpmpp_2m", 0.0, "beta_tilde"), ("euler", 0.0, "beta_tilde"),
         ("heun", 0.0, "beta_tilde")]


def test_every_engine_sampler_is_covered():
    assert {case[0] for case in CASES} == set(SAMPLERS)


@pytest.mark.parametrize(("kind", "ztsnr"), [("linear", False), ("cosine", False), ("scaled_linear", True),
                                             ("sigmoid", False), ("quadratic", True)])
@pytest.mark.parametrize(("sampler", "eta", "variance"), CASES)
def test_sampler_step_terms_reproduce_one_engine_step(kind, ztsnr, sampler, eta, variance):
    sch = _schedule(kind, ztsnr)
    denoise = _denoiser(sch)
    ts = sampling_timesteps(sch.timesteps, 10, "trailing")
    gen = torch.Generator().manual_seed(7)
    memory: dict = {}
    x0_prev = None
    for k in range(len(ts)):
        x_t = torch.randn(5, 2, generator=gen, dtype=torch.float64)
        eps = torch.randn(5, 2, generator=gen, dtype=torch.float64)
        z = torch.randn(5, 2, generator=gen, dtype=torch.float64)
        expected, x0 = _engine_step(sch, sampler, ts, k, x_t, eps, z, eta=eta, variance=variance, memory=memory,
                                    denoise=denoise)
        step = step_at(sch, ts, ts[k], sampler, eta=eta, variance=variance)
        assert step.t == ts[k] + 1 and step.t_next == (ts[k + 1] + 1 if k + 1 < len(ts) else 0)
        symbols = {"x_t": x_t, "eps_theta": eps, "x0_theta": x0, "z": z, "x0_theta_prev": x0_prev}
        if sampler == "heun" and step.form == "heun":
            # Heun's second evaluation is at the Euler point (Karras et al. Algorithm 1, line 4)
            euler = sampler_step(sch, "euler", ts[k], ts[k + 1])
            symbols["eps_theta_next"] = denoise(euler.apply({"x_t": x_t, "eps_theta": eps}), ts[k + 1])[1]
        got = step.apply(symbols)
        assert torch.allclose(got, expected, rtol=1e-9, atol=1e-9), (k, step.form)
        x0_prev = x0
    # the finished sample's frame (t = -1) shows the last step again
    assert step_at(sch, ts, -1, sampler, eta=eta, variance=variance) == step


def test_forms_and_references():
    sch = NoiseSchedule("linear", 1000)
    ts = sampling_timesteps(1000, 20)
    assert step_at(sch, ts, ts[3], "ddpm").reference == "Ho et al. 2020, Algorithm 2"
    assert step_at(sch, ts, ts[3], "ddim", eta=0.5).reference == "Song et al. 2021, Eq. 12 and 16"
    assert step_at(sch, ts, ts[0], "dpmpp_2m").form == "dpmpp_2m_first"
    assert step_at(sch, ts, ts[3], "dpmpp_2m").form == "dpmpp_2m"
    # a branch starting at ts[3] has no history there
    assert step_at(sch, ts, ts[3], "dpmpp_2m", first=ts[3]).form == "dpmpp_2m_first"
    assert step_at(sch, ts, ts[-1], "dpmpp_2m").form == "dpmpp_2m_last"
    assert step_at(sch, ts, ts[-1], "heun").form == "euler"
    # DDPM's Algorithm 2 coefficients for a full chain are the schedule's own alpha_t and beta_t
    full = step_at(sch, range(999, -1, -1), 499, "ddpm")
    assert full.values["beta_t"] == pytest.approx(float(sch.betas[499]), rel=1e-9)
    assert full.values["inv_sqrt_alpha"] == pytest.approx(1 / math.sqrt(float(sch.alphas[499])), rel=1e-12)
    assert full.values["sigma_t"] ** 2 == pytest.approx(full.values["beta_tilde_t"], rel=1e-12)
    # zero terminal SNR: Algorithm 2 divides by sqrt(alpha_T) = 0, so the first step shows the posterior mean
    zt = NoiseSchedule("linear", 1000, zero_terminal_snr=True)
    assert step_at(zt, ts, ts[0], "ddpm").form == "ddpm_posterior"
