"""NoiseSchedule values against the papers' formulas."""
import math

import numpy as np
import pytest
import torch

from engine.errors import ConfigError
from engine.schedules import SCHEDULE_KINDS, NoiseSchedule


def test_linear_matches_ho_et_al():
    s = NoiseSchedule("linear", 1000, 1e-4, 0.02)
    betas = np.linspace(1e-4, 0.02, 1000)
    assert np.allclose(s.betas.numpy(), betas, rtol=0, atol=1e-15)
    for t in (0, 1, 10, 499, 999):  # alpha_bar_t = prod_{s<=t} (1 - beta_s)
        assert float(s.alpha_bar[t]) == pytest.approx(np.prod(1 - betas[: t + 1]), rel=1e-12)
    assert float(s.alpha_bar[-1]) == pytest.approx(4.0358e-5, rel=1e-3)  # the well-known ~4e-5 at T


def test_cosine_matches_nichol_dhariwal():
    T, s_off = 1000, 0.008
    s = NoiseSchedule("cosine", T, cosine_s=s_off)

    def f(t):
        return math.cos((t / T + s_off) / (1 + s_off) * math.pi / 2) ** 2

    for t in (1, 50, 500, 900):  # index t-1 is paper step t; away from the clipped end ab(t) = f(t)/f(0)
        assert float(s.alpha_bar[t - 1]) == pytest.approx(f(t) / f(0), rel=1e-9)
    assert float(s.betas.max()) <= 0.999 + 1e-12


@pytest.mark.parametrize("kind", SCHEDULE_KINDS)
def test_every_kind_is_a_valid_schedule(kind):
    s = NoiseSchedule(kind, 200, 1e-4, 0.02)
    b = s.betas.numpy()
    assert s.betas.dtype == torch.float64 and len(s) == 200
    assert (b > 0).all() and (b < 1).all()
    ab = s.alpha_bar.numpy()
    assert (np.diff(ab) < 0).all(), "alpha_bar must decrease strictly"
    assert 0 < ab[-1] < ab[0] < 1
    assert np.allclose(s.snr.numpy(), ab / (1 - ab))
    assert np.allclose(s.log_snr.numpy(), np.log(ab / (1 - ab)))
    assert np.allclose(s.sqrt_alpha_bar.numpy() ** 2 + s.sqrt_one_minus_alpha_bar.numpy() ** 2, 1.0)
    if kind != "cosine":
        assert b[0] == pytest.approx(1e-4) and b[-1] == pytest.approx(0.02)
        assert (np.diff(b) >= -1e-15).all()


def test_zero_terminal_snr_rescale():
    base = NoiseSchedule("linear", 1000)
    z = NoiseSchedule("linear", 1000, zero_terminal_snr=True)
    assert float(z.alpha_bar[-1]) == 0.0 and float(z.snr[-1]) == 0.0
    assert float(z.alpha_bar[0]) == pytest.approx(float(base.alpha_bar[0]), rel=1e-12)
    assert (np.diff(z.alpha_bar.numpy()) < 0).all()


@pytest.mark.parametrize("kwargs, field", [
    (dict(kind="nope"), "schedule.kind"),
    (dict(timesteps=0), "schedule.timesteps"),
    (dict(beta_start=0.0), "schedule.beta_start"),
    (dict(beta_end=1.0), "schedule.beta_end"),
    (dict(beta_start=0.03, beta_end=0.02), "schedule.beta_start"),
])
def test_invalid_parameters_name_the_field(kwargs, field):
    with pytest.raises(ValueError) as info:
        NoiseSchedule(**kwargs)
    assert isinstance(info.value, ConfigError) and info.value.field == field
    assert field in str(info.value)
