"""Default experiments per kind of data: the settings that train something good on a CPU in about a minute.

The GUI's dataset picker and the CLI both start from :func:`default_config`, then apply the user's changes.
"""
from __future__ import annotations

import copy
import dataclasses

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
        # Images: chosen by time to quality on real 8x8 digits on 2 CPU cores (bench/run.py's classifier-feature
        # Frechet distance, as a multiple of held-out real digits, after 120 s of training, DDIM-50):
        #   small UNet (1.45M params), linear, eps, lr 1e-3, warmup 200 ...... FD x8.5 (302 steps: too slow a step)
        #   tiny UNet (0.29M), linear, eps, lr 2e-3, warmup 50 .............. FD x3.7
        #   tiny, cosine (Nichol & Dhariwal 2021) ........................... FD x2.9
        #   tiny, cosine, v-prediction (Salimans & Ho 2022) ................. FD x2.5 (x4.3 at 60 s)
        #   tiny, cosine, v, Min-SNR-5 weighting (Hang et al. 2023) ......... FD x2.5, precision 0.83, recall 0.91,
        #                                                                     10/10 classes (x3.6 at 60 s, x5.6 at 30 s)
        #   ... batch 256, lr 3e-3 (1400 vs 1000 images/s) ................. FD x2.4 (x3.0 at 60 s)
        # (batch 128 with lr 3e-3, batch 256 with lr 4e-3, batch 512 with lr 4e-3: x2.6, x2.5, x2.5; batch 64: x3.3).
        # The linear schedule spends most of its T on near-pure noise at 8x8; cosine keeps the informative mid-SNR
        # range long, v stays well scaled there, and Min-SNR stops the many easy high-SNR steps from dominating the
        # gradient early on. 2000 steps take ~6 min on 2 cores; a preview every 50 steps is one every ~9 s.
        # lr 5e-3 rather than 3e-3 (bench/results/levers.md, python -m bench.steps_to_quality, 3 seeds, in steps so
        # machine-independent; same cost per step): FD <= 2x floor by step 1000 / 1200 / 1400 against 1 seed of 3
        # by 1400, mean FD over steps 1000-1400 x2.01-2.12 against x2.22-2.31 in every seed, x2.44 vs x2.50 at step
        # 700. The gradient clip never bites at either lr (median norm ~0.1), so it is not what limits the step.
        cfg.model.preset = "tiny"
        cfg.schedule.kind = "cosine"
        cfg.training.prediction = "v"
        cfg.training.loss_weighting = "min_snr"
        cfg.training.steps = 2000
        cfg.training.batch_size = 256
        cfg.training.lr = 5e-3
        cfg.training.warmup_steps = 50
        cfg.training.ema_decay = 0.999
        cfg.training.preview_every = 50
        cfg.sampling.n = 64
    return cfg


def quick_config(dataset: str = "moons", steps: int = 300, preview_every: int = 100) -> ExperimentConfig:
    """A config that trains in a few seconds even on a busy 2-core machine (the tiny model, small batches, a
    subset of the data, DDIM-20 sampling): smoke tests, self-checks and demos, not quality."""
    cfg = default_config(dataset)
    cfg.training.steps = steps
    cfg.training.preview_every = preview_every
    cfg.training.warmup_steps = 20
    cfg.model.preset = "tiny"
    if cfg.is_points:
        cfg.data.n_points = 2048
        cfg.training.batch_size = 128
        cfg.sampling.n = 256
    else:
        cfg.data.max_items = 256
        cfg.training.batch_size = 16
        cfg.sampling.n = 16
    cfg.sampling.sampler = "ddim"
    cfg.sampling.steps = 20
    return cfg


# The start page's one-click experiments (gui/start_page.py): a preset's default config under a wall-time budget
# (TrainingConfig.time_budget, the same stop as `diffusion-lab train --time-budget`), so "30 seconds" is a measured
# promise on any machine, not a step count tuned to one CPU (digits on 2 CPU cores: ~700 to ~1400 steps in 120 s,
# the window's and the CLI's measurements in README; its FD is ~3x the real-data floor after 60 s, see above).
FIRST_RUN_BUDGETS = {"moons": 30.0, "digits": 120.0}


def first_run_config(dataset: str) -> ExperimentConfig:
    """The default experiment of ``dataset`` (a key of :data:`FIRST_RUN_BUDGETS`) with its time budget."""
    cfg = default_config(dataset)
    cfg.training.time_budget = FIRST_RUN_BUDGETS[dataset]
    return cfg


def switch_dataset(current: ExperimentConfig, new_dataset: str) -> ExperimentConfig:
    """``current`` moved to ``new_dataset``: every field still at the old dataset's default takes the new dataset's
    default; a field that differs from it (the user's edit, a loaded file's choice) is kept.

    The window calls this when the dataset changes, so it trains what ``diffusion-lab train --dataset`` and the
    benchmark train unless the user changed something.
    """
    old_defaults, new_defaults = default_config(current.data.dataset), default_config(new_dataset)
    moved = copy.deepcopy(current)  # not copy(): a form's candidate may hold unparsed text that from_dict rejects
    for section in dataclasses.fields(ExperimentConfig):
        if section.name == "version":
            continue
        mine, old, fresh = (getattr(moved, section.name), getattr(old_defaults, section.name),
                            getattr(new_defaults, section.name))
        for f in dataclasses.fields(mine):
            if getattr(mine, f.name) == getattr(old, f.name):
                setattr(mine, f.name, getattr(fresh, f.name))
    moved.data.dataset = new_dataset
    return moved
