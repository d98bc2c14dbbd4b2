"""DDIM inversion (engine.samplers.inversion) on Gaussian data N(MU, S^2), whose exact denoiser is known in closed
form (tests/engine/gaussian_reference.py), so every error below is the discretization error of the two Euler legs.

Measured (linear schedule, T = 1000, trailing spacing, float64, 256 samples): round-trip RMSE 2.18e-1 (K = 5),
1.21e-1 (10), 6.54e-2 (20), 3.60e-2 (50), 2.13e-2 (100), 2.60e-3 (1000); fitted order 0.77 over K = 5..100, rising
towards 1 as K grows (0.93 between K = 200 and 1000), as a first-order method's should. Mismatched legs (50 steps
in, 5 back) give 1.93e-1 against 3.60e-2 for 50 both ways; 2 steps each way 2.92e-1.
"""
import math

import numpy as np
import pytest
import torch

from engine.errors import UserError
from engine.sampler_study import fitted_order
from engine.samplers import sampling_timesteps
from engine.samplers.inversion import (
    InversionCancelled,
    ddim_invert,
    error_vs_steps,
    inversion_step,
    inversion_timesteps,
    parse_steps_list,
    round_trip,
    steps_table,
)
from engine.schedules import NoiseSchedule
from tests.engine.gaussian_reference import MU, S, analytic_denoiser

SCHEDULE = NoiseSchedule("linear", 1000)
STEPS = (5, 10, 20, 50, 100)


def gaussian_x0(n=256, seed=0, dim=1):
    g = torch.Generator().manual_seed(seed)
    return MU + S * torch.randn(n, dim, generator=g, dtype=torch.float64)


def exact_eps(x, t):
    """The Gaussian's exact eps prediction at index t, in float64 (gaussian_reference's formula, written out)."""
    ab = float(SCHEDULE.alpha_bar[t])
    a, sig = math.sqrt(ab), math.sqrt(1 - ab)
    return sig * (x - a * MU) / (a * a * S * S + sig * sig)


@pytest.fixture(scope="module")
def study():
    return error_vs_steps(analytic_denoiser(SCHEDULE), SCHEDULE, gaussian_x0(), STEPS)


def test_timesteps_are_the_ddim_samplers_reversed():
    for spacing in ("trailing", "leading", "linspace"):
        assert inversion_timesteps(1000, 10, spacing) == sampling_timesteps(1000, 10, spacing)[::-1]
    assert inversion_timesteps(1000, 5) == [199, 399, 599, 799, 999]


def test_one_step_inversion_is_the_hand_computed_formula():
    x0 = gaussian_x0(8)
    x_T, nfe = ddim_invert(analytic_denoiser(SCHEDULE), SCHEDULE, x0, 1)
    # K = 1: from the clean data (alpha_bar = 1, x0_pred = x0) straight to index T-1 = 999, with eps the exact
    # denoiser's at index 999 fed x0: x_T = sqrt(ab) x0 + sqrt(1 - ab) eps (Song et al. 2021, Eq. 12, sigma = 0)
    ab = float(SCHEDULE.alpha_bar[999])
    a, sig = math.sqrt(ab), math.sqrt(1 - ab)
    eps = sig * (x0 - a * MU) / (a * a * S * S + sig * sig)
    expected = a * x0 + sig * eps
    assert nfe == 1
    np.testing.assert_allclose(x_T.numpy(), expected.numpy(), rtol=1e-12, atol=1e-12)


def test_a_middle_step_is_eq_12_with_t_increasing():
    x = gaussian_x0(8, seed=3) * 0.5 + 0.1  # any state at index 399
    ab_t, ab_next = float(SCHEDULE.alpha_bar[399]), float(SCHEDULE.alpha_bar[599])
    eps = exact_eps(x, 399)
    x0_pred = (x - math.sqrt(1 - ab_t) * eps) / math.sqrt(ab_t)  # Ho et al. 2020, Eq. 4 solved for x0
    expected = math.sqrt(ab_next) * x0_pred + math.sqrt(1 - ab_next) * eps
    np.testing.assert_allclose(inversion_step(x, eps, ab_t, ab_next).numpy(), expected.numpy(), rtol=1e-12)
    # and a 5-step inversion is that step applied in turn from the data: clean -> 199 -> 399 -> ... -> 999
    x0 = gaussian_x0(8)
    state, t_prev = x0, None
    for t in (199, 399, 599, 799, 999):
        eps = exact_eps(state, t if t_prev is None else t_prev)
        ab_from = 1.0 if t_prev is None else float(SCHEDULE.alpha_bar[t_prev])
        x0_pred = state if t_prev is None else (state - math.sqrt(1 - ab_from) * eps) / math.sqrt(ab_from)
        ab_to = float(SCHEDULE.alpha_bar[t])
        state, t_prev = math.sqrt(ab_to) * x0_pred + math.sqrt(1 - ab_to) * eps, t
    x_T, nfe = ddim_invert(analytic_denoiser(SCHEDULE), SCHEDULE, x0, 5)
    assert nfe == 5
    np.testing.assert_allclose(x_T.numpy(), state.numpy(), rtol=1e-12, atol=1e-12)


def test_round_trip_error_shrinks_with_a_first_order_fit(study):
    rmse = [r.rmse for r in study.rows]
    assert [r.steps for r in study.rows] == list(STEPS)
    assert all(b < a for a, b in zip(rmse, rmse[1:])), rmse  # strictly better with every K
    assert 0.7 <= study.order <= 1.1, study.order  # measured 0.77 (first order, pre-asymptotic)
    assert rmse[0] < 0.3 and rmse[-1] < 0.03, rmse  # measured 0.218 (K = 5), 0.0213 (K = 100); data std 0.3
    assert [r.nfe for r in study.rows] == [2 * k for k in STEPS]
    for r in study.rows:
        assert r.median_sample <= r.rmse <= r.max_sample
    table = steps_table(study)
    assert "fitted order" in table and len(table.splitlines()) == len(STEPS) + 2


def test_many_steps_approach_the_exact_flow():
    """The Gaussian's probability-flow ODE keeps each sample's standardized value, so the exact latent at index
    T-1 is a mu + sqrt(a^2 s^2 + sig^2) (x0 - mu) / s; the inversion converges to it, and the round trip to x0."""
    x0 = gaussian_x0(64)
    ab = float(SCHEDULE.alpha_bar[999])
    exact_latent = math.sqrt(ab) * MU + math.sqrt(ab * S * S + 1 - ab) * (x0 - MU) / S
    errors = []
    for k in (10, 100, 1000):
        x_T, _ = ddim_invert(analytic_denoiser(SCHEDULE), SCHEDULE, x0, k)
        errors.append(float((x_T - exact_latent).square().mean().sqrt()))
    assert errors[0] > errors[1] > errors[2] and errors[2] < 0.02 * float(exact_latent.std()), errors
    assert round_trip(analytic_denoiser(SCHEDULE), SCHEDULE, x0, 1000).rmse < 0.004  # measured 2.6e-3


def test_too_few_or_mismatched_steps_give_visibly_larger_error():
    den, x0 = analytic_denoiser(SCHEDULE), gaussian_x0()
    matched = round_trip(den, SCHEDULE, x0, 50)
    mismatched = round_trip(den, SCHEDULE, x0, 50, reconstruct_steps=5)
    too_few = round_trip(den, SCHEDULE, x0, 2)
    assert mismatched.reconstruct_steps == 5 and mismatched.nfe == 55
    assert mismatched.rmse > 4 * matched.rmse, (mismatched.rmse, matched.rmse)
    assert too_few.rmse > 6 * matched.rmse, (too_few.rmse, matched.rmse)


def test_errors_per_sample_and_per_pixel_for_points_and_images():
    den = analytic_denoiser(SCHEDULE)  # elementwise, so any shape is Gaussian data per coordinate
    for shape in ((32, 2), (4, 1, 8, 8)):
        x0 = MU + S * torch.randn(shape, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
        trip = round_trip(den, SCHEDULE, x0, 10)
        assert trip.latent.shape == x0.shape and trip.reconstruction.shape == x0.shape
        assert trip.pixel_error.shape == x0.shape and trip.sample_error.shape == (shape[0],)
        diff = (trip.reconstruction - x0).numpy().reshape(shape[0], -1)
        np.testing.assert_allclose(trip.sample_error.numpy(), np.sqrt((diff ** 2).mean(axis=1)), rtol=1e-12)
        assert trip.rmse == pytest.approx(float(np.sqrt((diff ** 2).mean())), rel=1e-12)
        assert trip.timesteps == tuple(inversion_timesteps(1000, 10))


def test_fitted_order_matches_sampler_study():
    rows = error_vs_steps(analytic_denoiser(SCHEDULE), SCHEDULE, gaussian_x0(64), (10, 40)).rows
    expected = fitted_order([r.steps for r in rows], [r.rmse for r in rows])
    assert expected == pytest.approx(-math.log(rows[1].rmse / rows[0].rmse) / math.log(4.0), rel=1e-9)


def test_cancel_and_progress():
    seen = []
    round_trip(analytic_denoiser(SCHEDULE), SCHEDULE, gaussian_x0(4), 3, progress=lambda d, n: seen.append((d, n)))
    assert seen[-1] == (6, 6) and seen[0] == (1, 6)
    with pytest.raises(InversionCancelled):
        round_trip(analytic_denoiser(SCHEDULE), SCHEDULE, gaussian_x0(4), 3, cancel=lambda: True)


@pytest.mark.parametrize("text, needle", [("5,x", "comma-separated integers"), ("", "comma-separated"),
                                          ("0,5", "in [1, 1000]"), ("5,2000", "in [1, 1000]")])
def test_bad_steps_lists_are_user_errors(text, needle):
    with pytest.raises(UserError, match=needle.replace("[", r"\[").replace("]", r"\]")):
        parse_steps_list(text, 1000)
    assert parse_steps_list("20, 5,5,10", 1000) == [5, 10, 20]
    with pytest.raises(UserError, match="steps"):
        round_trip(analytic_denoiser(SCHEDULE), SCHEDULE, gaussian_x0(2), 0)
