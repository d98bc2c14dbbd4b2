"""Forward process and parameterizations (Ho et al. 2020; Salimans & Ho 2022; Hang et al. 2023)."""
import pytest
import torch

from engine.diffusion import (
    diffusion_loss,
    forward_chain,
    loss_weights,
    output_from_predictions,
    predictions_from_output,
    q_sample,
    training_target,
)
from engine.schedules import NoiseSchedule


def test_q_sample_is_eq4():
    s = NoiseSchedule("linear", 1000)
    x0 = torch.randn(5, 3, 4, 4)
    noise = torch.randn_like(x0)
    t = torch.tensor([0, 10, 100, 500, 999])
    out = q_sample(s, x0, t, noise)
    for i, ti in enumerate(t.tolist()):
        ab = float(s.alpha_bar[ti])
        assert torch.allclose(out[i], ab ** 0.5 * x0[i] + (1 - ab) ** 0.5 * noise[i], atol=1e-6)


def test_step_by_step_chain_agrees_with_closed_form_in_distribution():
    s = NoiseSchedule("linear", 300, 1e-3, 0.03)
    x0 = torch.full((40000, 1), 1.5)
    g = torch.Generator().manual_seed(0)
    t_max = 150
    *_, chain = forward_chain(s, x0, t_max, generator=g)
    closed = q_sample(s, x0, torch.tensor(t_max), torch.randn(x0.shape, generator=g))
    ab = float(s.alpha_bar[t_max])
    for sample in (chain, closed):  # both ~ N(sqrt(ab) x0, 1 - ab)
        assert float(sample.mean()) == pytest.approx(ab ** 0.5 * 1.5, abs=0.01)
        assert float(sample.std()) == pytest.approx((1 - ab) ** 0.5, rel=0.01)


@pytest.mark.parametrize("prediction", ["eps", "x0", "v"])
def test_parameterizations_round_trip(prediction):
    s = NoiseSchedule("cosine", 1000)
    x0, eps = torch.randn(6, 2), torch.randn(6, 2)
    t = torch.tensor([0, 5, 100, 500, 900, 998])
    xt = q_sample(s, x0, t, eps)
    target = training_target(prediction, s, x0, eps, t)
    rec_x0, rec_eps = predictions_from_output(prediction, s, xt, t, target)
    assert torch.allclose(rec_x0, x0, atol=2e-3) and torch.allclose(rec_eps, eps, atol=2e-3)
    assert torch.allclose(output_from_predictions(prediction, s, xt, t, x0, eps), target, atol=1e-5)


def test_v_target_definition():
    s = NoiseSchedule("linear", 1000)
    x0, eps, t = torch.randn(3, 2), torch.randn(3, 2), torch.tensor([1, 400, 999])
    a, sig = s.sqrt_alpha_bar[t].float()[:, None], s.sqrt_one_minus_alpha_bar[t].float()[:, None]
    assert torch.allclose(training_target("v", s, x0, eps, t), a * eps - sig * x0, atol=1e-6)


def test_min_snr_weights():
    s = NoiseSchedule("linear", 1000)
    t = torch.tensor([0, 300, 999])
    snr = s.snr[t].float()
    g = 5.0
    assert torch.allclose(loss_weights("min_snr", "eps", s, t, g), torch.clamp(snr, max=g) / snr)
    assert torch.allclose(loss_weights("min_snr", "x0", s, t, g), torch.clamp(snr, max=g))
    assert torch.allclose(loss_weights("min_snr", "v", s, t, g), torch.clamp(snr, max=g) / (snr + 1))
    assert torch.equal(loss_weights("uniform", "eps", s, t), torch.ones(3))


def test_loss_returns_per_sample_values_and_t():
    s = NoiseSchedule("linear", 100)
    x0 = torch.randn(8, 2)
    perfect = lambda x, t: torch.zeros_like(x)  # noqa: E731
    noise = torch.zeros_like(x0)
    res = diffusion_loss(perfect, s, x0, prediction="eps", noise=noise)
    assert res.per_sample.shape == (8,) and res.t.shape == (8,)
    assert float(res.loss) == 0.0
    res = diffusion_loss(perfect, s, x0, prediction="eps", noise=torch.ones_like(x0), t=torch.arange(8))
    assert torch.allclose(res.per_sample, torch.ones(8)) and torch.equal(res.t, torch.arange(8))
