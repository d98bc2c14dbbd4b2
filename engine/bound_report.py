"""The variational bound of a trained model, as the window's "Compute bound" and ``diffusion-lab bound`` show it.

One function picks the data, the decoder and the denoiser for a :class:`~engine.training.Trainer` and calls
:func:`engine.bound.variational_bound` (Ho et al. 2020, Eq. 5); one writes its per-t CSV. Both clients go through
them, so the window's curve and the CLI's numbers are the same for the same model and seed.
"""
from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import torch

from engine.bound import BoundResult, variational_bound

DEFAULT_N = 256  # data points the bound averages over
DEFAULT_SEED = 0
CSV_NAME = "bound.csv"


def bound_data(trainer, n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor | None]:
    """``n`` training items (a seeded choice without replacement) and their labels (conditional models only).

    Images are snapped to the 8-bit grid the discretized decoder integrates over: they are 8-bit pictures, and a
    resize may have left values between two levels."""
    x = trainer.dataset.x
    count = min(int(n), x.shape[0])
    pick = torch.randperm(x.shape[0], generator=torch.Generator().manual_seed(int(seed)))[:count]
    x0 = x[pick].to(torch.float32)
    if trainer.dataset.kind == "images":
        x0 = torch.round((x0.clamp(-1, 1) + 1) * 127.5) / 127.5 - 1
    labels = None
    if trainer.conditional and trainer.dataset.labels is not None:
        labels = trainer.dataset.labels[pick].to(trainer.device)
    return x0.to(trainer.device), labels


def model_bound(trainer, n: int = DEFAULT_N, seed: int = DEFAULT_SEED, timesteps: int | None = None, *,
                use_ema: bool = True, on_progress: Callable[[int, int], None] | None = None,
                should_stop: Callable[[], bool] | None = None) -> BoundResult:
    """The bound of ``trainer``'s (EMA) model on ``n`` of its training items, in nats per dimension.

    Images use the discretized 8-bit decoder (Sec. 3.3), 2-D points a Gaussian density (not comparable with
    images' bits/dim, and may be negative). sigma_t^2 is the run's ``sampling.ddpm_variance``. ``timesteps``: None
    evaluates every term; K evaluates K evenly spaced KL terms (a cheaper estimate). Raises
    :class:`engine.bound.BoundStopped` when ``should_stop()`` answers True."""
    x0, labels = bound_data(trainer, n, seed)
    decoder = "discretized" if trainer.dataset.kind == "images" else "gaussian"
    denoiser = trainer.denoiser(use_ema=use_ema, labels=labels)
    generator = torch.Generator().manual_seed(int(seed) + 1)
    return variational_bound(denoiser, trainer.schedule, x0, decoder=decoder,
                             variance=trainer.config.sampling.ddpm_variance, timesteps=timesteps,
                             generator=generator, on_progress=on_progress, should_stop=should_stop)


def bound_terms(result: BoundResult) -> tuple[np.ndarray, np.ndarray]:
    """(t, bits per dimension) of each evaluated reverse term in the paper's t: L_0 at t = 1 (the decoder, leaving
    x_1) and L_{t-1} at t = 2..T (the step leaving x_t). The prior L_T is ``result.prior_nats``, drawn at t = T."""
    index = np.flatnonzero(result.evaluated)
    return index + 1, result.per_t_bits[index]


def bound_csv(result: BoundResult) -> str:
    """term, t, nats/dim, bits/dim, standard error (nats/dim); a last ``total`` line."""
    lines = ["term,t,nats_per_dim,bits_per_dim,stderr_nats"]
    ln2 = math.log(2.0)
    T = len(result.evaluated)
    for i in np.flatnonzero(result.evaluated):
        name = "L_0" if i == 0 else f"L_{i}"
        nats = result.per_t_nats[i]
        lines.append(f"{name},{i + 1},{nats:.8g},{nats / ln2:.8g},{result.per_t_stderr[i]:.8g}")
    lines.append(f"L_T,{T},{result.prior_nats:.8g},{result.prior_nats / ln2:.8g},")
    lines.append(f"total,,{result.total_nats:.8g},{result.total_bits_per_dim:.8g},{result.total_stderr:.8g}")
    return "\n".join(lines) + "\n"


def bound_summary(result: BoundResult) -> str:
    """One line: the total in bits/dim with its standard error, and whether it is exact."""
    err = result.total_stderr / math.log(2.0)
    exact = "" if result.exact else f" (estimated from {int(result.evaluated.sum()) - 1} KL terms)"
    return (f"variational bound {result.total_bits_per_dim:.4f} ± {err:.4f} bits/dim{exact}; "
            f"L_T {result.prior_nats / math.log(2.0):.4g}, L_0 {result.decoder_nats / math.log(2.0):.4g}, "
            f"sum of L_t-1 {result.kl_nats / math.log(2.0):.4g} bits/dim")
