"""The 2-D lab's requests, answered on the worker thread (gui/worker_jobs.py calls :func:`answer`).

All tensor work of the lab happens here, next to the model: the learned and the exact denoiser on a grid, the
error-vs-t curve, exact vs model samples and their nearest-training-point distances, ODE vs SDE paths and the
sampled clouds against the forward marginals (engine.reverse_paths). Only numpy arrays leave, in
the frozen events of gui/events/. No Qt here.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch
from PySide6.QtCore import QCoreApplication

from engine.errors import UserError
from gui.events import (
    ErrorCurveReady,
    ErrorCurveRequest,
    ExactSampleRequest,
    ExactSamplesReady,
    FieldExportReady,
    FieldExportRequest,
    FieldReady,
    FieldRequest,
    GuidanceFieldReady,
    GuidanceFieldRequest,
    MarginalsReady,
    MarginalsRequest,
    PathsReady,
    PathsRequest,
    PointsSwapped,
    SwapPoints,
)

if TYPE_CHECKING:
    from engine.training import Trainer

# the messages below are made on the worker thread; QCoreApplication.translate is thread-safe
translate = QCoreApplication.translate

NOISED_POINTS = 800  # training points shown noised to t under the field
NOISED_SEED = 7  # one fixed draw, so moving t moves the same points


def points_trainer(trainer: Trainer | None) -> Trainer:
    if trainer is None:
        raise UserError(translate("Lab2DWorker", "no model yet: train one on a drawing (2-D lab) or on a 2-D set "
                                                "first"))
    if trainer.dataset.kind != "points":
        raise UserError(translate("Lab2DWorker", "the 2-D lab needs a model trained on 2-D points; this one was "
                                                "trained on images"))
    return trainer


def _learned(trainer: Trainer) -> Callable:
    """The EMA network as a float64-in / float64-out denoiser on the CPU, like the exact one."""
    denoise = trainer.denoiser(use_ema=True)

    def learned(x: torch.Tensor, t: int) -> tuple[torch.Tensor, torch.Tensor]:
        with torch.no_grad():
            x0, eps = denoise(x.to(trainer.device, torch.float32), t)
        return x0.to("cpu", torch.float64), eps.to("cpu", torch.float64)

    return learned


def _training_points(trainer: Trainer) -> torch.Tensor:
    return trainer.dataset.x.detach().to("cpu", torch.float64)


def _f32(x: torch.Tensor) -> np.ndarray:
    return x.detach().to("cpu", torch.float32).numpy()


def field(trainer: Trainer, request: FieldRequest) -> FieldReady:
    from engine.exact import empirical_denoiser, grid_points

    T = trainer.schedule.timesteps
    if not 1 <= request.t <= T:
        raise UserError(translate("Lab2DWorker", "t must be in [1, {0}] for this model, got {1}").format(
            T, request.t))
    index = request.t - 1  # the engine's schedule index of the paper's t
    alpha_bar = float(trainer.schedule.alpha_bar[index])
    grid = grid_points(int(request.grid), float(request.extent))
    learned_x0, learned_eps = _learned(trainer)(grid, index)
    data = _training_points(trainer)
    exact_x0 = exact_eps = error = None
    error_mean = math.nan
    if request.exact:
        exact_x0, exact_eps = empirical_denoiser(data, trainer.schedule)(grid, index)
        error = (learned_x0 - exact_x0).norm(dim=1)
        error_mean = float(error.mean())
    generator = torch.Generator().manual_seed(NOISED_SEED)
    shown = data[torch.randperm(len(data), generator=generator)[:NOISED_POINTS]]
    noise = torch.randn(shown.shape, generator=generator, dtype=torch.float64)
    noised = math.sqrt(alpha_bar) * shown + math.sqrt(1.0 - alpha_bar) * noise  # Ho et al. 2020, Eq. 4
    return FieldReady(t=int(request.t), step=int(trainer.step_count), grid_size=int(request.grid),
                      extent=float(request.extent), alpha_bar=alpha_bar, grid=_f32(grid),
                      learned_x0=_f32(learned_x0), learned_eps=_f32(learned_eps),
                      exact_x0=None if exact_x0 is None else _f32(exact_x0),
                      exact_eps=None if exact_eps is None else _f32(exact_eps),
                      error=None if error is None else _f32(error), error_mean=error_mean, noised=_f32(noised))


def error_curve(trainer: Trainer, request: ErrorCurveRequest) -> ErrorCurveReady:
    from engine.exact import curve_timesteps, empirical_denoiser, field_error_curve, grid_points

    indices = curve_timesteps(trainer.schedule.timesteps, int(request.count))
    exact = empirical_denoiser(_training_points(trainer), trainer.schedule)
    errors = field_error_curve(_learned(trainer), exact, grid_points(int(request.grid), float(request.extent)),
                               indices)
    return ErrorCurveReady(step=int(trainer.step_count), t=np.asarray(indices, dtype=np.int64) + 1,
                           error=errors.numpy().astype(np.float64))


def exact_samples(trainer: Trainer, request: ExactSampleRequest,
                  should_stop: Callable[[], bool]) -> ExactSamplesReady | None:
    """Both samplers from the same starting noise; None when ``should_stop`` says so between steps."""
    from engine.exact import empirical_denoiser, nearest_distance
    from engine.samplers import run_sampler

    data = _training_points(trainer)
    steps = min(int(request.steps), trainer.schedule.timesteps)
    results = []
    for denoiser in (empirical_denoiser(data, trainer.schedule), _learned(trainer)):  # both take CPU float64
        frames = run_sampler(denoiser, trainer.schedule, (int(request.n), 2), sampler="ddim", steps=steps, eta=0.0,
                             seed=int(request.seed), device="cpu")
        final = None
        for frame in frames:
            if should_stop():
                return None
            final = frame
        samples = final.x_t.to(torch.float64)
        results.append((samples, nearest_distance(samples, data)))
    (exact_x, exact_d), (model_x, model_d) = results
    return ExactSamplesReady(step=int(trainer.step_count), model_samples=_f32(model_x), exact_samples=_f32(exact_x),
                             model_nearest=_f32(model_d), exact_nearest=_f32(exact_d), train_points=len(data))


def _denoiser(trainer: Trainer, name: str) -> Callable:
    """The model or the exact denoiser of its training points, both CPU float64 (the user's pick in the lab)."""
    from engine.exact import empirical_denoiser

    if name == "exact":
        return empirical_denoiser(_training_points(trainer), trainer.schedule)
    if name == "model":
        return _learned(trainer)
    raise UserError(translate("Lab2DWorker", "the denoiser must be model or exact, got {0}").format(repr(name)))


def paths(trainer: Trainer, request: PathsRequest, should_stop: Callable[[], bool]) -> PathsReady | None:
    from engine.reverse_paths import Stopped, ode_sde_paths

    generator = torch.Generator().manual_seed(int(request.seed))
    x_T = torch.randn((int(request.n), 2), generator=generator, dtype=torch.float64)
    steps = min(int(request.steps), trainer.schedule.timesteps)
    try:
        found = ode_sde_paths(_denoiser(trainer, request.denoiser), trainer.schedule, x_T, steps=steps,
                              seed=int(request.seed) + 1, should_stop=should_stop)
    except Stopped:
        return None
    return PathsReady(step=int(trainer.step_count), denoiser=request.denoiser, t=found.t,
                      ode=found.ode.astype(np.float32), sde=found.sde.astype(np.float32))


def marginals(trainer: Trainer, request: MarginalsRequest, should_stop: Callable[[], bool]) -> MarginalsReady | None:
    from engine.reverse_paths import Stopped, marginal_distances

    steps = min(int(request.steps), trainer.schedule.timesteps)
    try:
        curves = marginal_distances(_denoiser(trainer, request.denoiser), trainer.schedule,
                                    _training_points(trainer), samplers=tuple(request.samplers), n=int(request.n),
                                    steps=steps, seed=int(request.seed), should_stop=should_stop)
    except Stopped:
        return None
    return MarginalsReady(step=int(trainer.step_count), denoiser=request.denoiser, t=curves.t,
                          samplers=curves.samplers, distance=curves.distance, floor=curves.floor)


def swap_points(trainer: Trainer, request: SwapPoints) -> PointsSwapped | None:
    """Reload the drawing into the trainer that trains on it (standardized exactly as when the run started);
    None when the current model trains on something else."""
    from engine.data.toy2d import load_points_file

    if Path(trainer.config.data.dataset) != Path(request.path):
        return None
    data_cfg, seed = trainer.config.data, trainer.config.training.seed
    dataset = load_points_file(Path(request.path), int(data_cfg.max_items), int(seed))
    trainer.dataset = dataset
    trainer._data = dataset.x.to(trainer.device)  # what Trainer._batch draws from
    return PointsSwapped(step=int(trainer.step_count), points=len(dataset))


def guidance_field(trainer: Trainer, request: GuidanceFieldRequest) -> GuidanceFieldReady:
    """Conditional, unconditional and guided predictions on the grid, all three through Trainer.denoiser (so
    through engine.samplers.model_denoiser, the one place guidance is computed)."""
    from engine.exact import grid_points

    T = trainer.schedule.timesteps
    if not trainer.conditional or not trainer.num_classes:
        raise UserError(translate("Lab2DWorker", "the guidance field needs a class-conditional model (train with "
                                                "Class-conditional on)"))
    if not 1 <= request.t <= T:
        raise UserError(translate("Lab2DWorker", "t must be in [1, {0}] for this model, got {1}").format(
            T, request.t))
    if not 0 <= request.class_label < trainer.num_classes:
        raise UserError(translate("Lab2DWorker", "the class must be in [0, {0}], got {1}").format(
            trainer.num_classes - 1, request.class_label))
    index = request.t - 1
    grid = grid_points(int(request.grid), float(request.extent))
    n = len(grid)
    labels = trainer.class_labels(n, int(request.class_label))
    null = trainer.class_labels(n, -2)  # s = 1 with the null label: the unconditional model
    out = []
    for lab, s in ((labels, 1.0), (null, 1.0), (labels, float(request.scale))):
        denoise = trainer.denoiser(use_ema=True, labels=lab, guidance_scale=s)
        with torch.no_grad():
            x0, eps = denoise(grid.to(trainer.device, torch.float32), index)
        out += [_f32(x0), _f32(eps)]
    return GuidanceFieldReady(int(request.t), int(trainer.step_count), int(request.class_label), float(request.scale),
                              float(trainer.schedule.alpha_bar[index]), _f32(grid), *out)


def answer(trainer: Trainer | None, command: object, should_stop: Callable[[], bool]) -> object | None:
    """The event that answers one lab command (None: nothing to report)."""
    if isinstance(command, SwapPoints):  # an edit made before its run built a trainer: that run read the file
        return swap_points(trainer, command) if trainer is not None and trainer.dataset.kind == "points" else None
    trainer = points_trainer(trainer)
    if isinstance(command, FieldRequest):
        return field(trainer, command)
    if isinstance(command, ErrorCurveRequest):
        return error_curve(trainer, command)
    if isinstance(command, ExactSampleRequest):
        return exact_samples(trainer, command, should_stop)
    if isinstance(command, FieldExportRequest):  # the arrays for an export; the files are written by a short job
        from engine.export.field import field_series

        return FieldExportReady(command.request_id, tuple(field_series(trainer, command.ts, command.grid,
                                                                       command.extent)))
    if isinstance(command, PathsRequest):
        return paths(trainer, command, should_stop)
    if isinstance(command, MarginalsRequest):
        return marginals(trainer, command, should_stop)
    if isinstance(command, GuidanceFieldRequest):
        return guidance_field(trainer, command)
    raise TypeError(f"not a 2-D lab command: {type(command).__name__}")
