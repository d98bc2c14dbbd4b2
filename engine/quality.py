"""Live sample quality: score a run's EMA samples against held-out real data, as a multiple of the real-data floor.

The diffusion loss averages over noise levels and keeps wobbling long after samples look right, so it says little
about samples; while training, the window samples the EMA model every so often and scores the samples here. Every
score comes with its **real-data floor**: the same metric between real data of the same count as the samples and
the same reference, which is what a perfect model would get. Both metrics are biased upwards at small sample counts
(Chong & Forsyth 2020 for FID), so a raw value depends on the count; its multiple of the floor says how far the
samples are from real data of that count (1.0x: indistinguishable).

What each data source is scored with (:class:`QualityScorer` picks it from the run's :class:`DataConfig`):

=====================  =============================  ======================================================
data                   metric                         reference
=====================  =============================  ======================================================
built-in 2-D sets      ``sliced_wasserstein``         fresh points of the same set, seeds disjoint from
                                                      training
``digits``             ``frechet_distance_digits``    the held-out split of :func:`digits_split` the shipped
                                                      classifier never saw; FD (Heusel et al. 2017),
                                                      precision / recall and classes in its feature space
                                                      (:mod:`engine.metrics`), as ``bench/run.py`` scores
``shapes``             ``pixel_sliced_wasserstein``   freshly rendered shapes, seeds disjoint from training
user point files       ``sliced_wasserstein``         half of the file itself (the run trains on it too)
image folders / files  ``pixel_sliced_wasserstein``   half of the data itself (the run trains on it too)
=====================  =============================  ======================================================

Sliced Wasserstein (Rabin et al. 2011; Bonneel et al. 2015) is :func:`engine.data.sliced_wasserstein` with a fixed
projection seed, so scoring is deterministic. :class:`QualityBudget` keeps live scoring under a share of training
time; ``quality.csv`` sits next to ``loss.csv`` in a run folder.
"""
from __future__ import annotations

import contextlib
import csv
import io
import math
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from engine.atomic import atomic_write_text
from engine.config import POINT_DATASETS, DataConfig, is_point_dataset
from engine.errors import DataError

SLICED_WASSERSTEIN = "sliced_wasserstein"
FRECHET_DISTANCE_DIGITS = "frechet_distance_digits"
PIXEL_SLICED_WASSERSTEIN = "pixel_sliced_wasserstein"
METRICS = (SLICED_WASSERSTEIN, FRECHET_DISTANCE_DIGITS, PIXEL_SLICED_WASSERSTEIN)
METRIC_LABELS = {SLICED_WASSERSTEIN: "sliced Wasserstein", FRECHET_DISTANCE_DIGITS: "Frechet distance (digits)",
                 PIXEL_SLICED_WASSERSTEIN: "pixel sliced Wasserstein"}

# Sample counts that make the floor small enough to tell models apart. Sliced W2 on standardized 2-D sets is weak
# against same-mean, same-variance mistakes: N(0, I) noise is only ~3.4x the floor at 512 moons samples but ~6.4x
# at 2048, and 2048 points cost ~0.5 s to sample (ddim-50, 2 CPU cores). Digits: the FD floor is ~1.9 at 256
# samples, 1.2 at 512; noise is ~120x the floor at 256 and 256 samples cost ~1.3 s (small UNet, ddim-50).
DEFAULT_SAMPLES = {"points": 2048, "digits": 256, "pixels": 256}
REFERENCE_SIZE = 4096  # fresh 2-D points / rendered shapes in the reference; at most this many from user data
REFERENCE_VALUES = 2**24  # ... and at most 64 MiB of float32 pixels: 1365 RGB images of 64 px, not 4096 (200 MiB)
FLOOR_DRAWS = 4  # the floor is the mean over this many disjoint real sets: one draw varies by ~30-40% (n = 512)
N_PROJECTIONS = 256
PROJECTION_SEED = 0
REFERENCE_SEED = 10_000  # like bench/run.py's fresh 2-D draws; moved if the training seed collides
MIN_ITEMS = 8  # a data set smaller than this cannot be split into a reference and a floor set
MIN_SAMPLES = 2  # a covariance (FD) and a nearest neighbour (precision / recall) need two samples


@dataclass(frozen=True)
class QualityScore:
    """One quality measurement of ``n_samples`` samples at training step ``step``.

    ``ratio`` is ``value / floor``: about 1 for samples as good as real data, larger is worse; ``inf`` for samples
    holding NaN / inf (a diverged model). ``precision``, ``recall`` (Kynkaanniemi et al. 2019) and ``classes``
    (of 10 confidently present) are set for digits only. ``seconds`` is the time :meth:`QualityScorer.score` took
    (sampling not included; computing the floor included, the first time a sample count is seen).
    """

    step: int
    metric: str
    value: float
    floor: float
    ratio: float
    n_samples: int
    seconds: float
    precision: float | None = None
    recall: float | None = None
    classes: int | None = None

    def summary(self) -> str:
        """One line for a status bar or the CLI, e.g.
        ``step 500: Frechet distance (digits) 2.17 = 1.17x real-data floor, precision 0.89, recall 0.77, 10/10
        classes``."""
        if math.isinf(self.value):
            return f"step {self.step}: {METRIC_LABELS.get(self.metric, self.metric)} inf (samples hold NaN or inf)"
        text = f"step {self.step}: {METRIC_LABELS.get(self.metric, self.metric)} {self.value:.3g} = " \
               f"{self.ratio:.2f}x real-data floor"
        if self.precision is not None:
            text += f", precision {self.precision:.2f}, recall {self.recall:.2f}"
        if self.classes is not None:
            text += f", {self.classes}/10 classes"
        return text


class QualityScorer:
    """Scores samples of one run against held-out real data; built once per run (it precomputes the reference and
    the real-data floor), then :meth:`score` is cheap.

    ``data`` is the run's data config and ``seed`` its training seed (the reference avoids the training draws).
    ``n_samples`` is how many samples the caller will score (default :data:`DEFAULT_SAMPLES`); the floor is
    computed for that count, and again (cached) for any other count :meth:`score` receives. ``dataset`` is the
    run's loaded :class:`~engine.data.Dataset` for user files and folders, to avoid loading them twice.
    Raises :class:`DataError` for data too small to split (fewer than :data:`MIN_ITEMS` items).
    """

    def __init__(self, data: DataConfig, seed: int = 0, n_samples: int | None = None, dataset=None,
                 n_projections: int = N_PROJECTIONS) -> None:
        from engine.data import load_dataset

        self.n_projections = int(n_projections)
        name = str(data.dataset).strip()
        self._floors: dict[int, float] = {}
        self._classifier = None
        if name in POINT_DATASETS:
            self._init_fresh_points(name, int(seed))
        elif name == "digits":
            self._init_digits(data)
        elif name == "shapes":
            self._init_shapes(data, int(seed))
        else:
            loaded = dataset if dataset is not None else load_dataset(data, seed=int(seed))
            self._init_slice(loaded, int(seed), points=is_point_dataset(name) or loaded.kind == "points")
        kind = "points" if self.metric == SLICED_WASSERSTEIN else "digits" if self._classifier is not None else "pixels"
        self.n_samples = min(int(n_samples or DEFAULT_SAMPLES[kind]), self.max_samples)
        if self.n_samples < MIN_SAMPLES:
            raise ValueError(f"QualityScorer: n_samples must be >= {MIN_SAMPLES}, got {n_samples}")
        self.floor(self.n_samples)

    # ------------------------------------------------------------------------------------------- references
    def _init_fresh_points(self, name: str, training_seed: int) -> None:
        from engine.data import fresh_points

        seeds = _seeds_avoiding(training_seed, FLOOR_DRAWS + 1)
        self.metric = SLICED_WASSERSTEIN
        self.reference_label = f"{REFERENCE_SIZE} fresh {name} points (held out: seeds disjoint from training)"
        self.sample_shape = (2,)
        self._reference = fresh_points(name, REFERENCE_SIZE, seeds[0]).numpy()
        self.max_samples = REFERENCE_SIZE
        self._real_draw = lambda n, k: fresh_points(name, n, seeds[1 + k]).numpy()
        self._draws = FLOOR_DRAWS

    def _init_digits(self, data: DataConfig) -> None:
        from engine import metrics
        from engine.data import digits_split
        from engine.data.dataset import seeded_permutation

        self._classifier, meta = metrics.load_classifier()
        # The held-out half of the split the classifier was trained on: it never saw these digits. Both halves are
        # loaded at the run's size and channels, so real digits take the same resize path to 8x8 as the samples.
        train, held = digits_split(int(meta.get("seed", 0)), image_size=int(data.image_size),
                                   channels=int(data.channels))
        self.metric = FRECHET_DISTANCE_DIGITS
        self.reference_label = (f"{len(held)} held-out digits (digits_split seed {meta.get('seed', 0)}; the "
                                "classifier never saw them), in the shipped classifier's feature space")
        self.sample_shape = tuple(held.x.shape[1:])
        self._reference = held.x
        # Floor sets: disjoint real digits, none in the reference, shuffled because the UCI file runs writer by
        # writer and a contiguous block of it is less varied than samples (FD 2.5 instead of 1.8 at 256).
        self._pool = train.x[torch.from_numpy(seeded_permutation(len(train.x), 1))]
        self.max_samples = len(train.x)
        self._real_draw = lambda n, k: self._pool[k * n:(k + 1) * n]
        self._draws = None

    def _init_shapes(self, data: DataConfig, training_seed: int) -> None:
        from engine.data.images import SHAPES_NATIVE_SIZE, load_shapes

        seeds = _seeds_avoiding(training_seed, FLOOR_DRAWS + 1)
        size, channels = int(data.image_size), int(data.channels)
        self.metric = PIXEL_SLICED_WASSERSTEIN
        items = _reference_items(3 * (size or SHAPES_NATIVE_SIZE) ** 2)
        self.reference_label = f"{items} freshly rendered shapes (held out: seeds disjoint from training)"
        reference = load_shapes(size, channels, items, seeds[0]).x
        self.sample_shape = tuple(reference.shape[1:])
        self._reference = _flat(reference)
        self.max_samples = items
        self._real_draw = lambda n, k: _flat(load_shapes(size, channels, n, seeds[1 + k]).x)
        self._draws = FLOOR_DRAWS

    def _init_slice(self, dataset, seed: int, points: bool) -> None:
        from engine.data.dataset import seeded_permutation

        n = len(dataset)
        if n < MIN_ITEMS:
            raise DataError(f"{dataset.name}: {n} items are too few to score samples against (live quality needs "
                            f"at least {MIN_ITEMS}: a reference and a disjoint real set for the floor)")
        order = torch.from_numpy(seeded_permutation(n, seed + 1))
        # Half the items are the reference, the other half the floor sets; each capped, so 60 000 MNIST images are
        # not copied whole.
        items = _reference_items(int(np.prod(dataset.x.shape[1:])))
        ref_idx, pool_idx = order[:min(n // 2, items)], order[n // 2:][:items]
        self.metric = SLICED_WASSERSTEIN if points else PIXEL_SLICED_WASSERSTEIN
        self.reference_label = (f"{len(ref_idx)} items of {dataset.name} itself (NOT held out: the run trains on "
                                "them too, so a model that memorizes can score below the floor)")
        self.sample_shape = tuple(dataset.x.shape[1:])
        self._reference = _flat(dataset.x[ref_idx])
        self._pool = _flat(dataset.x[pool_idx])
        self.max_samples = len(pool_idx)
        self._real_draw = lambda n, k: self._pool[k * n:(k + 1) * n]
        self._draws = None

    # ------------------------------------------------------------------------------------------- scoring
    def floor(self, n: int) -> float:
        """The real-data floor for ``n`` samples: the mean metric of up to :data:`FLOOR_DRAWS` disjoint real sets of
        ``n`` items against the reference (cached per ``n``)."""
        n = int(n)
        if n not in self._floors:
            draws = self._draws or max(1, min(FLOOR_DRAWS, self.max_samples // n))
            self._floors[n] = float(np.mean([self._metric(self._real_draw(n, k))["value"] for k in range(draws)]))
        return self._floors[n]

    def score(self, samples: torch.Tensor | np.ndarray, step: int) -> QualityScore:
        """Score ``samples`` (shaped like the run's data: ``(N, 2)`` points or ``(N, C, H, W)`` images in [-1, 1]).

        Only the first :attr:`max_samples` are used when more are given. A wrong shape or no samples raises
        :class:`ValueError` naming what was expected. Samples holding NaN / inf are *not* an error: they score
        ``value = ratio = inf`` (precision, recall and classes 0), so a diverged model shows as infinitely bad in
        the plot and the CSV instead of stopping the run.
        """
        started = time.perf_counter()
        x = samples.detach().to("cpu", torch.float32) if isinstance(samples, torch.Tensor) else \
            torch.from_numpy(np.asarray(samples, dtype=np.float32))
        if x.ndim < 2 or tuple(x.shape[1:]) != self.sample_shape or len(x) < MIN_SAMPLES:
            expected = ", ".join(map(str, self.sample_shape))
            raise ValueError(f"QualityScorer.score: expected samples shaped (N, {expected}) with N >= {MIN_SAMPLES}, "
                             f"like the run's data; got {tuple(x.shape)}")
        x = x[:self.max_samples]
        floor = self.floor(len(x))
        if not bool(torch.isfinite(x).all()):  # checked here: the digits path would clamp inf to a plausible pixel
            result = {"value": math.inf}
            if self._classifier is not None:
                result.update(precision=0.0, recall=0.0, classes=0)
        else:
            result = self._metric(x if self._classifier is not None else _flat(x))
        value = result["value"]
        ratio = value / floor if floor > 0 else (math.inf if value > 0 else 1.0)
        return QualityScore(step=int(step), metric=self.metric, value=value, floor=floor, ratio=ratio,
                            n_samples=len(x), seconds=time.perf_counter() - started,
                            precision=result.get("precision"), recall=result.get("recall"),
                            classes=result.get("classes"))

    def _metric(self, x) -> dict:
        if self._classifier is not None:
            from engine import metrics

            s = metrics.score_images(self._classifier, torch.as_tensor(x), self._reference)
            return {"value": float(s["fd"]), "precision": float(s["precision"]), "recall": float(s["recall"]),
                    "classes": int(s["classes"])}
        from engine.data import sliced_wasserstein

        return {"value": sliced_wasserstein(x, self._reference, self.n_projections, seed=PROJECTION_SEED)}


def _flat(x: torch.Tensor) -> np.ndarray:
    return x.reshape(len(x), -1).numpy()


def _reference_items(values_per_item: int) -> int:
    return max(MIN_ITEMS, min(REFERENCE_SIZE, REFERENCE_VALUES // max(1, values_per_item)))


def _seeds_avoiding(training_seed: int, count: int) -> list[int]:
    """``count`` seeds for fresh real draws, none equal to the training seed (so no draw repeats the training set)."""
    base = REFERENCE_SEED
    while base <= training_seed < base + count:
        base += count
    return list(range(base, base + count))


# ============================================================================================= budget
class QualityBudget:
    """Decides at which training steps to score, so that scoring (sampling included) costs at most
    ``max_fraction`` of training time and happens no more often than every ``min_interval`` steps (the user's
    setting).

    Scoring every ``k`` steps costs ``score_s / (k * train_s_per_step)`` of training time, so ``k`` must be at least
    ``score_s / (max_fraction * train_s_per_step)``. The cost of the next score is estimated by the last measured
    one (:meth:`measure` or :meth:`record`); before any is measured the first eligible step scores, to measure it
    (that one score is outside the budget).
    ``clock`` is injectable for tests.
    """

    def __init__(self, max_fraction: float = 0.1, min_interval: int = 250,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if not 0 < max_fraction < 1:
            raise ValueError(f"QualityBudget: max_fraction must be in (0, 1), got {max_fraction}")
        if int(min_interval) < 1:
            raise ValueError(f"QualityBudget: min_interval must be >= 1 step, got {min_interval}")
        self.max_fraction = float(max_fraction)
        self.min_interval = int(min_interval)
        self.clock = clock
        self.last_step: int | None = None
        self.last_seconds: float | None = None

    def interval(self, train_seconds_per_step: float, score_seconds: float | None = None) -> int:
        """Steps between scores for this training speed and scoring cost (default: the last measured cost)."""
        cost = self.last_seconds if score_seconds is None else float(score_seconds)
        if cost is None or not train_seconds_per_step > 0:
            return self.min_interval
        return max(self.min_interval, math.ceil(cost / (self.max_fraction * float(train_seconds_per_step))))

    def should_score(self, step: int, train_seconds_per_step: float, score_seconds: float | None = None) -> bool:
        """True when ``step`` is at least :meth:`interval` steps after the last score (the first time: once
        ``step >= min_interval``, or at once when resuming a run past it)."""
        since = int(step) - (self.last_step if self.last_step is not None else 0)
        return since >= self.interval(train_seconds_per_step, score_seconds)

    def record(self, step: int, seconds: float) -> None:
        """Note a score made at ``step`` that took ``seconds`` (sampling plus :meth:`QualityScorer.score`)."""
        self.last_step, self.last_seconds = int(step), float(seconds)

    @contextlib.contextmanager
    def measure(self, step: int) -> Iterator[None]:
        """``with budget.measure(step): sample and score`` times the block with ``clock`` and records it, also when
        it raises (so a failing score is retried after an interval, not at every step)."""
        started = self.clock()
        try:
            yield
        finally:
            self.record(step, self.clock() - started)


# ============================================================================================= quality.csv
QUALITY_CSV = "quality.csv"  # the file name in a run folder, next to loss.csv
_COLUMNS = ("step", None, "real_data_floor", "multiple_of_real_data_floor", "n_samples", "seconds", "precision",
            "recall", "classes_of_10")


def quality_csv_text(scores: Sequence[QualityScore]) -> str:
    """The CSV text of ``scores`` (one metric): the second column is named after the metric, the fourth holds
    multiples of the real-data floor; empty cells where a metric has no precision / recall / classes."""
    metrics = {s.metric for s in scores}
    if len(metrics) > 1:
        raise ValueError(f"quality.csv holds one metric per run; got {sorted(metrics)}")
    metric = metrics.pop() if metrics else SLICED_WASSERSTEIN
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c or metric for c in _COLUMNS])
    for s in scores:
        writer.writerow([s.step, f"{s.value:.8g}", f"{s.floor:.8g}", f"{s.ratio:.8g}", s.n_samples,
                         f"{s.seconds:.4f}", _cell(s.precision), _cell(s.recall), _cell(s.classes)])
    return out.getvalue()


def write_quality_csv(path: str | Path, scores: Sequence[QualityScore]) -> None:
    """Write ``scores`` to ``path`` atomically (a killed process leaves the previous complete file)."""
    atomic_write_text(path, quality_csv_text(scores))


def read_quality_csv(path: str | Path) -> list[QualityScore]:
    """Read a file written by :func:`write_quality_csv`; raises :class:`DataError` naming the file if it is not."""
    path = Path(path)
    try:
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot read quality scores ({exc})") from exc
    if not rows or len(rows[0]) != len(_COLUMNS) or rows[0][1] not in METRICS or \
            [c for i, c in enumerate(rows[0]) if i != 1] != [c for c in _COLUMNS if c]:
        raise DataError(f"{path}: not a quality.csv (expected the header "
                        f"{','.join(c or '<metric>' for c in _COLUMNS)})")
    metric = rows[0][1]
    scores = []
    for line, row in enumerate(rows[1:], start=2):
        try:
            step, value, floor, ratio, n, seconds, precision, recall, classes = row
            scores.append(QualityScore(step=int(step), metric=metric, value=float(value), floor=float(floor),
                                       ratio=float(ratio), n_samples=int(n), seconds=float(seconds),
                                       precision=_optional(precision, float), recall=_optional(recall, float),
                                       classes=_optional(classes, int)))
        except ValueError as exc:
            raise DataError(f"{path} line {line}: {exc}") from exc
    return scores


def _cell(v) -> str:
    return "" if v is None else f"{v:.6g}" if isinstance(v, float) else str(v)


def _optional(text: str, kind: type):
    return None if text == "" else kind(text)

