"""Default experiments per kind of data: the settings that train something good on a CPU in about a minute.

The GUI's dataset picker and the CLI both start from :func:`default_config`, then apply the user's changes.
"""
from __future__ import annotations

from engine.config import ExperimentConfig, is_point_dataset


def default_config(dataset: str = "moons") -> ExperimentConfig:
    cfg = ExperimentConfig()
    cfg.data.dataset = dataset
    if is_point_dataset(dataset):
        # 2-D: a small residual MLP learns moons/swissroll in a few thousand cheap steps
        cfg.model.preset = "small"
        cfg.training.steps = 3000
        cfg.training.batch_size = 512
        cfg.training.lr = 2e-3
        cfg.training.ema_decay = 0.995
        cfg.training.preview_every = 250
        cfg.sampling.n = 2000
        cfg.sampling.clip_x0 = False
    else:
        cfg.model.preset = "small"
        cfg.training.steps = 4000
        cfg.training.batch_size = 128
        cfg.training.lr = 1e-3
        cfg.training.warmup_steps = 200
        cfg.training.ema_decay = 0.999
        cfg.training.preview_every = 200
        cfg.sampling.n = 64
    return cfg
