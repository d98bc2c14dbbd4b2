"""engine/bound_report.py: the bound of a trainer's model for images (discretized decoder) and its CSV."""
from __future__ import annotations

import csv
import io
import math

import numpy as np
import torch

from engine.bound import variational_bound
from engine.bound_report import bound_csv, bound_data, bound_terms, model_bound
from engine.presets import quick_config
from engine.training import Trainer


def test_images_use_the_8bit_decoder_on_grid_data_and_the_csv_sums_to_the_total():
    cfg = quick_config("digits", steps=1, preview_every=0)
    cfg.data.max_items = 64
    cfg.schedule.timesteps = 40
    cfg.sampling.steps = 20
    trainer = Trainer(cfg)
    x0, labels = bound_data(trainer, 16, 2)
    levels = (x0 + 1) * 127.5
    assert torch.allclose(levels, levels.round(), atol=1e-4)  # on the 8-bit grid the decoder integrates over
    result = model_bound(trainer, n=16, seed=2)
    assert result.decoder == "discretized" and result.exact
    direct = variational_bound(trainer.denoiser(labels=labels), trainer.schedule, x0, decoder="discretized",
                               variance=cfg.sampling.ddpm_variance, generator=torch.Generator().manual_seed(3))
    np.testing.assert_array_equal(result.per_t_nats, direct.per_t_nats)
    # a probability mass: every term, the decoder included, is >= 0 for 8-bit images
    assert (result.per_t_nats >= 0).all() and result.total_bits_per_dim > 0
    t, bits = bound_terms(result)
    assert t.tolist() == list(range(1, 41)) and np.allclose(bits, result.per_t_nats / math.log(2))
    rows = list(csv.DictReader(io.StringIO(bound_csv(result))))
    terms = np.array([float(r["nats_per_dim"]) for r in rows[:-1]])  # L_0 .. L_39, L_T
    assert rows[-1]["term"] == "total"
    assert float(rows[-1]["nats_per_dim"]) == np.float64(f"{result.total_nats:.8g}")
    assert math.isclose(terms.sum(), result.total_nats, rel_tol=1e-6)  # Eq. 5: the total is the sum of the terms
