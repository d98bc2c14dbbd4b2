"""The fidelity / diversity trade-off of classifier-free guidance, measured on digits (Ho & Salimans 2022, Fig. 4-5).

For each guidance scale s (the lab's s = 1 + w) the same x_T (one seed) is sampled for every class, per_class
samples each (class_label -1: equal consecutive class blocks), and scored with the shipped digits classifier
(engine.metrics): the share recognised as the requested class (accuracy), and the classifier-feature Fréchet
distance, precision and recall against real digits (Kynkäänniemi et al. 2019, k = 3). The classic curve: higher s,
more accurate and more precise samples, lower recall (less diverse). Used by bench/guidance.py; no Qt.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

import numpy as np

from engine.errors import UserError

DEFAULT_SCALES = (0.0, 1.0, 2.0, 4.0, 8.0)


@dataclass(frozen=True)
class GuidancePoint:
    scale: float
    accuracy: float  # share of samples the classifier puts in the requested class
    per_class_accuracy: tuple[float, ...]
    fd: float  # classifier-feature Fréchet distance to the real digits
    precision: float
    recall: float
    n: int

    def to_dict(self) -> dict:
        return asdict(self)


def parse_sweep(text: str) -> tuple[float, ...]:
    """The scales of a guidance sweep ("0, 1, 2, 4, 8" -> (0.0, 1.0, 2.0, 4.0, 8.0)); () when empty; ValueError
    naming the allowed values otherwise."""
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    scales = []
    for p in parts:
        try:
            s = float(p)
        except ValueError:
            raise ValueError(f"must be scales in [0, 100] separated by commas, got {p!r}") from None
        if not (math.isfinite(s) and 0 <= s <= 100):
            raise ValueError(f"must be scales in [0, 100] separated by commas, got {p!r}")
        scales.append(s)
    if len(scales) > 16:
        raise ValueError(f"at most 16 scales, got {len(scales)}")
    return tuple(scales)


def class_grid_columns(cfg, num_classes: int) -> int | None:
    """Images per grid row for a conditional model's samples under SamplingConfig ``cfg``: one column per class for
    a guidance sweep (a row per scale), n / C for all classes with n a multiple of C (a row per class), else None
    (a near-square grid). The window's Sampling tab and the CLI's grid use this one rule."""
    if not num_classes:
        return None
    if cfg.guidance_sweep.strip():
        return num_classes
    if cfg.class_label == -1 and cfg.n % num_classes == 0:
        return cfg.n // num_classes
    return None


def requested_classes(n: int, num_classes: int) -> np.ndarray:
    """The class each of n samples was asked for under class_label -1 (engine.training.Trainer.class_labels)."""
    return np.arange(n) * num_classes // max(n, 1)


def guidance_curve(trainer, scales: Sequence[float] = DEFAULT_SCALES, per_class: int = 20, steps: int = 20,
                   seed: int = 0, k: int = 3, should_stop: Callable[[], bool] | None = None,
                   progress: Callable[[int, int], None] | None = None) -> list[GuidancePoint]:
    """Accuracy, FD, precision and recall of ``trainer``'s EMA model against the guidance scale (DDIM, η = 0).
    ``progress(done, total)`` after each scale; ``should_stop`` is asked before each (the points so far return)."""
    import torch

    from engine.data.images import load_digits
    from engine.metrics import features, frechet_distance, load_classifier, precision_recall
    from engine.samplers import final_sample

    if not trainer.conditional or trainer.num_classes != 10 or trainer.dataset.kind != "images":
        raise UserError("the guidance curve needs a class-conditional model of the 10 digits (the classifier that "
                        "scores it knows only digits)")
    classifier, _ = load_classifier()
    real_features, _ = features(classifier, load_digits().x)
    n = trainer.num_classes * int(per_class)
    wanted = requested_classes(n, trainer.num_classes)
    out = []
    for s in scales:
        if should_stop is not None and should_stop():
            break
        with torch.no_grad():
            x = final_sample(trainer.sample(n=n, steps=min(steps, trainer.schedule.timesteps), sampler="ddim",
                                            eta=0.0, seed=seed, use_ema=True, class_label=-1, negative_class=-1,
                                            guidance_scale=float(s), guidance_sweep=""))
        feats, probs = features(classifier, x)
        hit = probs.argmax(1) == wanted
        precision, recall = precision_recall(real_features, feats, k)
        out.append(GuidancePoint(
            scale=float(s), accuracy=float(hit.mean()),
            per_class_accuracy=tuple(float(hit[wanted == c].mean()) for c in range(trainer.num_classes)),
            fd=frechet_distance(feats, real_features), precision=float(precision), recall=float(recall), n=n))
        if progress is not None:
            progress(len(out), len(scales))
    return out


def curve_markdown(points: Sequence[GuidancePoint]) -> str:
    """The curve as a Markdown table (bench/results)."""
    lines = ["| s | accuracy | FD | precision | recall |", "|---:|---:|---:|---:|---:|"]
    lines += [f"| {p.scale:g} | {p.accuracy:.3f} | {p.fd:.2f} | {p.precision:.3f} | {p.recall:.3f} |" for p in points]
    return "\n".join(lines) + "\n"
