"""Sample-quality metrics: a digits classifier's feature space, Frechet distance, improved precision / recall
(Kynkaanniemi et al. 2019) and class coverage; sliced Wasserstein for 2-D sets lives in :mod:`engine.data`.

The benchmark, the tests and (live, while training) the window score samples with the same functions and the same
classifier: its weights ship as ``resources/data/digit_classifier.safetensors`` (made reproducibly by
``python -m bench.train_classifier``) and load without unpickling anything. Everything is deterministic (fixed seeds,
CPU, full-batch training) and needs only torch + numpy.
"""
from __future__ import annotations

import json

import numpy as np
import torch
from torch import nn

from engine.errors import DataError

CLASSIFIER_RESOURCE = ("data", "digit_classifier.safetensors")

FEATURE_DIM = 64
CONFIDENCE = 0.8  # a sample "shows" a class when the classifier's top probability is at least this
MIN_CLASS_SHARE = 0.2  # ... and a class is "present" when it gets >= 20% of its uniform share of confident samples


# --------------------------------------------------------------------------------------------- distances
def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Frechet distance between Gaussians fitted to feature sets ``a`` (N, D) and ``b`` (M, D).

    ``|mu_a - mu_b|^2 + tr(Sa + Sb - 2 (Sa^1/2 Sb Sa^1/2)^1/2)``, the matrix square roots taken with symmetric
    eigendecompositions (negative round-off eigenvalues clipped to 0), so no complex parts appear.
    """
    a = np.asarray(a, np.float64).reshape(len(a), -1)
    b = np.asarray(b, np.float64).reshape(len(b), -1)
    mu_a, mu_b = a.mean(0), b.mean(0)
    sa = np.atleast_2d(np.cov(a, rowvar=False))
    sb = np.atleast_2d(np.cov(b, rowvar=False))
    w, v = np.linalg.eigh(sa)
    sa_half = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    m = sa_half @ sb @ sa_half
    m = (m + m.T) / 2
    tr_cross = float(np.sqrt(np.clip(np.linalg.eigvalsh(m), 0, None)).sum())
    value = float(np.square(mu_a - mu_b).sum() + np.trace(sa) + np.trace(sb) - 2.0 * tr_cross)
    return max(value, 0.0)


def _pairwise(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = np.asarray(a, np.float64)
    b = np.asarray(b, np.float64)
    d = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * a @ b.T
    return np.sqrt(np.clip(d, 0, None))


def knn_radii(x: np.ndarray, k: int = 3) -> np.ndarray:
    """Distance of every point of ``x`` to its k-th nearest neighbour in ``x`` (itself excluded)."""
    d = _pairwise(x, x)
    np.fill_diagonal(d, np.inf)
    k = min(k, len(x) - 1)
    return np.partition(d, k - 1, axis=1)[:, k - 1]


def coverage_fraction(query: np.ndarray, support: np.ndarray, k: int = 3) -> float:
    """Fraction of ``query`` points inside the k-NN manifold of ``support`` (union of balls to each k-th NN)."""
    radii = knn_radii(support, k)
    d = _pairwise(query, support)
    return float((d <= radii[None, :]).any(axis=1).mean())


def precision_recall(real: np.ndarray, fake: np.ndarray, k: int = 3) -> tuple[float, float]:
    """Improved precision and recall (Kynkaanniemi et al. 2019): precision = share of fake samples inside the real
    manifold, recall = share of real samples inside the fake manifold; manifolds from k-th-NN balls."""
    real = np.asarray(real, np.float64).reshape(len(real), -1)
    fake = np.asarray(fake, np.float64).reshape(len(fake), -1)
    return coverage_fraction(fake, real, k), coverage_fraction(real, fake, k)


def class_coverage(probs: np.ndarray, num_classes: int = 10, confidence: float = CONFIDENCE,
                   min_share: float = MIN_CLASS_SHARE) -> dict:
    """How many classes the classifier confidently finds: a class is present when at least
    ``min_share * n / num_classes`` (and >= 1) samples are predicted as it with probability >= ``confidence``."""
    probs = np.asarray(probs, np.float64)
    top = probs.argmax(1)
    confident = probs.max(1) >= confidence
    counts = np.bincount(top[confident], minlength=num_classes)[:num_classes]
    need = max(1.0, min_share * len(probs) / num_classes)
    present = int((counts >= need).sum())
    return {"present": present, "num_classes": num_classes, "fraction": present / num_classes,
            "confident_share": float(confident.mean()), "counts": counts.tolist()}


# --------------------------------------------------------------------------------------------- classifier
class DigitClassifier(nn.Module):
    """A small MLP on 8x8 digits; its penultimate layer (64 units) is the feature space of the metrics."""

    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Flatten(), nn.Linear(64, 256), nn.SiLU(), nn.Linear(256, FEATURE_DIM), nn.SiLU())
        self.head = nn.Linear(FEATURE_DIM, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))


def _as_digits(x: torch.Tensor | np.ndarray) -> torch.Tensor:
    x = torch.as_tensor(np.asarray(x) if not isinstance(x, torch.Tensor) else x).detach().float().cpu()
    if x.ndim == 3:
        x = x[:, None]
    if x.shape[1] != 1:
        x = x.mean(1, keepdim=True)
    if x.shape[-1] != 8:
        from engine.data.images import resize_square

        x = resize_square(x, 8)
    return x.clamp(-1, 1).reshape(len(x), 64)


_CACHE: dict = {}


def train_classifier(seed: int = 0, epochs: int = 400) -> tuple[DigitClassifier, float]:
    """Train (deterministically, full-batch Adam with light noise augmentation) on the digits train split of
    ``seed``; returns the model and its held-out accuracy. Cached per process."""
    key = (seed, epochs)
    if key in _CACHE:
        return _CACHE[key]
    from engine.data.images import digits_split

    train, held = digits_split(seed)
    x, y = _as_digits(train.x), train.labels
    gen = torch.Generator().manual_seed(1234 + seed)
    torch.manual_seed(1234 + seed)
    model = DigitClassifier()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-4)
    for _ in range(epochs):
        noisy = x + 0.1 * torch.randn(x.shape, generator=gen)
        loss = nn.functional.cross_entropy(model(noisy), y, label_smoothing=0.05)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval().requires_grad_(False)
    acc = float((model(_as_digits(held.x)).argmax(1) == held.labels).float().mean())
    _CACHE[key] = (model, acc)
    return model, acc


def save_classifier(model: DigitClassifier, path, metadata: dict) -> None:
    """Write the classifier as safetensors with ``metadata`` (JSON strings) in the header; atomic."""
    from safetensors.torch import save_file

    from engine.atomic import atomic_path

    tensors = {k: v.detach().contiguous().cpu() for k, v in model.state_dict().items()}
    with atomic_path(path, suffix=".tmp.safetensors") as tmp:
        save_file(tensors, str(tmp), metadata={k: json.dumps(v) for k, v in metadata.items()})


_SHIPPED: dict = {}


def load_classifier(path=None) -> tuple[DigitClassifier, dict]:
    """The shipped digits classifier (or the one at ``path``) and its metadata (``heldout_accuracy``, ``seed`` ...).

    safetensors holds only tensors, so loading runs no code; a missing or damaged file raises :class:`DataError`."""
    from safetensors import SafetensorError, safe_open

    from engine.resources import resource_path

    path = resource_path(*CLASSIFIER_RESOURCE) if path is None else path
    key = str(path)
    if key in _SHIPPED:
        return _SHIPPED[key]
    model = DigitClassifier()
    try:
        with safe_open(str(path), framework="pt") as f:
            state = {k: f.get_tensor(k) for k in f.keys()}
            metadata = {k: json.loads(v) for k, v in (f.metadata() or {}).items()}
        model.load_state_dict(state)
    except (OSError, ValueError, RuntimeError, KeyError, SafetensorError) as exc:
        raise DataError(f"the digits classifier {path} is missing or damaged ({exc}); "
                        "recreate it with `python -m bench.train_classifier`") from exc
    model.eval().requires_grad_(False)
    _SHIPPED[key] = (model, metadata)
    return model, metadata


@torch.no_grad()
def features(model: DigitClassifier, images: torch.Tensor | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(features (N, 64), class probabilities (N, 10)) of images (N, C, H, W) in [-1, 1]."""
    x = _as_digits(images)
    f = model.body(x)
    return f.numpy().astype(np.float64), torch.softmax(model.head(f), 1).numpy().astype(np.float64)


def score_images(model: DigitClassifier, fake: torch.Tensor, real: torch.Tensor, k: int = 3) -> dict:
    """FD, precision, recall and class coverage of ``fake`` against ``real`` in the classifier's feature space."""
    ff, pf = features(model, fake)
    fr, _ = features(model, real)
    if not (np.isfinite(ff).all()):
        return {"fd": float("inf"), "precision": 0.0, "recall": 0.0, "classes": 0, "confident_share": 0.0}
    precision, recall = precision_recall(fr, ff, k)
    cov = class_coverage(pf)
    return {"fd": frechet_distance(ff, fr), "precision": precision, "recall": recall,
            "classes": cov["present"], "confident_share": cov["confident_share"], "class_counts": cov["counts"]}
