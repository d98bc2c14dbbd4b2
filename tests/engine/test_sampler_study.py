"""Error against NFE (engine.sampler_study) on Gaussian data N(MU, S^2), whose probability-flow ODE is solved in
closed form (gaussian_flow_solution), so every error below is the sampler's own discretization error.

Measured on the linear schedule (T = 1000, trailing spacing, float64, 1000 samples), steps 10, 20, 50, 100, 200:
DDIM = Euler RMSE 1.19e-1 ... 7.22e-3 (fitted order 0.94); Heun 9.39e-2 (19 NFE) ... 1.07e-3 (399 NFE; order 1.49);
DPM-Solver++(2M) 1.09e-1 ... 2.84e-5 (order 2.81: its error falls faster than NFE^-2 in this range, because the
first-order first step out of alpha_bar ~ 4e-5 dominates at few steps and shrinks fast).
"""
import numpy as np
import pytest
import torch

from engine.sampler_study import error_vs_nfe, fitted_order, gaussian_flow_solution, rows_for
from engine.schedules import NoiseSchedule
from tests.engine.gaussian_reference import MU, S, analytic_denoiser

SCHEDULE = NoiseSchedule("linear", 1000)
STEPS = (10, 20, 50, 100, 200)


@pytest.fixture(scope="module")
def study():
    return error_vs_nfe(analytic_denoiser(SCHEDULE), SCHEDULE, (1000,), samplers=("ddim", "euler", "heun", "dpmpp_2m"),
                        steps_list=STEPS, seed=0, reference=gaussian_flow_solution(SCHEDULE, MU, S),
                        dtype=torch.float64)


def order(rows):
    return fitted_order([r.nfe for r in rows], [r.rmse for r in rows])


def test_rows_count_model_evaluations(study):
    assert [r.nfe for r in rows_for(study, "ddim")] == list(STEPS)
    assert [r.nfe for r in rows_for(study, "heun")] == [2 * k - 1 for k in STEPS]  # the last step is Euler's


def test_ddim_and_euler_are_first_order(study):
    ddim, euler = rows_for(study, "ddim"), rows_for(study, "euler")
    # Euler in sigma space is DDIM (Song et al. 2021, Eq. 14): the same numbers up to rounding
    np.testing.assert_allclose([r.rmse for r in euler], [r.rmse for r in ddim], rtol=1e-6)
    assert 0.8 <= order(ddim) <= 1.2, order(ddim)  # measured 0.94


def test_dpm_solver_pp_2m_is_second_order_or_better(study):
    dpm = rows_for(study, "dpmpp_2m")
    assert 2.0 <= order(dpm) <= 3.5, order(dpm)  # measured 2.81
    assert order(dpm) > order(rows_for(study, "ddim")) + 1.0


def test_heun_beats_euler_at_equal_nfe_once_steps_are_small(study):
    heun = {r.nfe: r.rmse for r in rows_for(study, "heun")}
    euler = error_vs_nfe(analytic_denoiser(SCHEDULE), SCHEDULE, (1000,), samplers=("euler",), steps_list=(99, 199),
                         seed=0, reference=gaussian_flow_solution(SCHEDULE, MU, S), dtype=torch.float64)
    for row in euler:  # measured: Heun 7.8e-3 vs Euler 1.4e-2 at 99 NFE, 2.7e-3 vs 7.1e-3 at 199
        assert heun[row.nfe] < 0.7 * row.rmse, (row.nfe, heun[row.nfe], row.rmse)
    # at 19 NFE Heun is worse (9.4e-2 vs Euler-20's 6.5e-2): its first step averages slopes from sigma ~ 157
    assert heun[19] > rows_for(study, "euler")[1].rmse


def test_default_reference_is_the_thousand_step_ode_run():
    rows = error_vs_nfe(analytic_denoiser(SCHEDULE), SCHEDULE, (500,), samplers=("ddim",), steps_list=(1000, 100),
                        seed=1, dtype=torch.float64)
    assert rows[0].rmse == 0.0  # DDIM-1000 is the reference itself
    x_T = torch.randn(500, generator=torch.Generator().manual_seed(1)).double()  # the study's draw for seed 1
    exact = gaussian_flow_solution(SCHEDULE, MU, S)(x_T)
    # the reference's own error (first order, measured 1.5e-3) is a tenth of DDIM-100's
    assert float((rows[0].samples - exact).square().mean().sqrt()) < 0.15 * rows[1].rmse


def test_fitted_order_is_the_least_squares_slope():
    nfe = np.array([10, 20, 50, 100])
    assert fitted_order(nfe, 3.0 * nfe ** -2.0) == pytest.approx(2.0, abs=1e-12)
    noisy = 0.5 * nfe ** -1.0 * np.array([1.1, 0.9, 1.05, 0.95])
    slope = np.polyfit(np.log(nfe), np.log(noisy), 1)[0]
    assert fitted_order(nfe, noisy) == pytest.approx(-slope)
    with pytest.raises(ValueError, match="positive"):
        fitted_order(nfe, [1.0, 0.0, 0.1, 0.1])
    with pytest.raises(ValueError, match="two different NFE"):
        fitted_order([10, 10], [0.1, 0.2])


def test_leading_spacing_is_refused_because_runs_would_start_at_different_noise():
    with pytest.raises(ValueError, match="trailing or linspace"):
        error_vs_nfe(analytic_denoiser(SCHEDULE), SCHEDULE, (4,), steps_list=(10, 20), spacing="leading")
