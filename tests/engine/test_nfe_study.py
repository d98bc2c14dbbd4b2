"""nfe_study: every sampler of a model against NFE, with progress, cancelling and the two references the window
and bench.samplers use (the model's own T-step runs; the exact answer of a 2-D point set)."""
import pytest
import torch

from engine.sampler_study import (
    StudyCancelled,
    draw_x_T,
    error_vs_nfe,
    exact_reference,
    full_chain,
    nfe_of,
    nfe_study,
    rows_for,
    steps_for_nfe,
)
from engine.schedules import NoiseSchedule
from tests.engine.gaussian_reference import analytic_denoiser

SCHEDULE = NoiseSchedule("linear", 1000)
SAMPLERS = ("ddpm", "ddim", "dpmpp_2m", "euler", "heun")


def test_steps_and_nfe_are_inverse():
    assert [steps_for_nfe("heun", n) for n in (10, 20, 50)] == [5, 10, 25]
    assert [nfe_of("heun", k) for k in (5, 10, 25)] == [9, 19, 49]
    assert [steps_for_nfe("ddim", n) for n in (10, 20, 50)] == [10, 20, 50]


def test_study_rows_are_error_vs_nfe_against_the_models_own_chains():
    denoiser, shape = analytic_denoiser(SCHEDULE), (300,)
    seen = []
    study = nfe_study(denoiser, SCHEDULE, shape, samplers=SAMPLERS, nfe_targets=(10, 20), seed=3,
                      progress=lambda done, total: seen.append((done, total)))
    x_T = draw_x_T(shape, 3)
    ddim_T, ddpm_T = (full_chain(denoiser, SCHEDULE, chain, x_T, 3) for chain in ("ddim", "ddpm"))
    for sampler in SAMPLERS:
        steps = [steps_for_nfe(sampler, n) for n in (10, 20)]
        expected = error_vs_nfe(denoiser, SCHEDULE, shape, samplers=(sampler,), steps_list=steps, seed=3,
                                reference=ddpm_T if sampler == "ddpm" else ddim_T)
        got = rows_for(study.rows, sampler)
        assert [(r.steps, r.nfe) for r in got] == [(r.steps, r.nfe) for r in expected]
        assert [r.rmse for r in got] == pytest.approx([r.rmse for r in expected], rel=1e-9, abs=0)
    # second order beats first order on this smooth ODE
    assert study.orders["dpmpp_2m"] > study.orders["ddim"] + 0.5
    assert study.reference == "chain" and study.metric is None
    # progress counts model evaluations: two T-step chains, then every run
    total = 2 * 1000 + sum(nfe_of(s, steps_for_nfe(s, n)) for s in SAMPLERS for n in (10, 20))
    assert seen[-1] == (total, total) and all(b[0] >= a[0] for a, b in zip(seen, seen[1:]))


def test_exact_reference_and_cancel():
    points = torch.randn(40, 2, generator=torch.Generator().manual_seed(0))
    exact = exact_reference(points, SCHEDULE)
    x_T = draw_x_T((50, 2), 0)
    answer = exact(x_T)
    # the exact ODE of a finite set ends on its points
    assert torch.cdist(answer, points).min(dim=1).values.max() < 1e-2
    study = nfe_study(_exact(points), SCHEDULE, (50, 2),
                      samplers=("ddim",), nfe_targets=(10, 50), exact_points=points)
    assert study.reference == "exact" and len(study.rows) == 2
    calls = [0]

    def stop() -> bool:
        calls[0] += 1
        return calls[0] > 5

    with pytest.raises(StudyCancelled):
        nfe_study(_exact(points), SCHEDULE, (50, 2), samplers=("ddim",), exact_points=points, should_stop=stop)
    assert calls[0] == 6


def _exact(points):
    from engine.exact import empirical_denoiser

    return empirical_denoiser(points, SCHEDULE)
