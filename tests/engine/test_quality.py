"""Live sample quality (engine.quality): scores against held-out data as multiples of the real-data floor, the
time budget that keeps scoring cheap, and quality.csv."""
from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import torch

from engine.config import DataConfig
from engine.data import digits_split, fresh_points, load_dataset
from engine.data.dataset import Dataset
from engine.errors import DataError
from engine.quality import (
    FRECHET_DISTANCE_DIGITS,
    PIXEL_SLICED_WASSERSTEIN,
    SLICED_WASSERSTEIN,
    QualityBudget,
    QualityScore,
    QualityScorer,
    _reference_items,
    _seeds_avoiding,
    read_quality_csv,
    write_quality_csv,
)


@pytest.fixture(scope="module")
def moons() -> QualityScorer:
    return QualityScorer(DataConfig(dataset="moons"), seed=0, n_samples=2048)


@pytest.fixture(scope="module")
def digits() -> QualityScorer:
    return QualityScorer(DataConfig(dataset="digits"), n_samples=256)


def _noise(shape, seed=0) -> torch.Tensor:
    return torch.randn(shape, generator=torch.Generator().manual_seed(seed))


# --------------------------------------------------------------------------------------------- 2-D sets
def test_moons_real_fresh_points_score_near_the_floor_and_noise_far_above(moons):
    real = moons.score(fresh_points("moons", 2048, seed=777), step=100)
    noise = moons.score(_noise((2048, 2)), step=100)
    assert real.metric == SLICED_WASSERSTEIN and real.n_samples == 2048 and real.step == 100
    assert 0.5 < real.ratio < 2.0
    assert real.ratio == pytest.approx(real.value / real.floor)
    # N(0, I) has the mean and variance of standardized moons, which sliced W2 is weakest at; still ~6x the floor
    assert noise.ratio > 5
    assert real.precision is None and real.recall is None and real.classes is None


def test_moons_training_draw_is_not_the_reference_and_floor_shrinks_with_more_samples(moons):
    assert 10_000 not in _seeds_avoiding(10_000, 5) and len(set(_seeds_avoiding(10_002, 5))) == 5
    training = load_dataset(DataConfig(dataset="moons", n_points=8192), seed=0).x.numpy()
    assert not np.isin(moons._reference[:, 0], training[:, 0]).any()
    # the floor is a finite-sample bias: about 1/sqrt(n) -> 4x fewer samples, ~2x larger floor
    assert 1.4 < moons.floor(512) / moons.floor(2048) < 3.0


def test_scoring_is_deterministic(moons):
    x = fresh_points("moons", 2048, seed=5)
    a, b = moons.score(x, 7), moons.score(x.numpy(), 7)
    assert dataclasses.replace(a, seconds=0) == dataclasses.replace(b, seconds=0)
    fresh = QualityScorer(DataConfig(dataset="moons"), seed=0, n_samples=2048)
    assert fresh.score(x, 7).value == a.value and fresh.floor(2048) == moons.floor(2048)


def test_bad_samples_raise_a_clear_error_or_score_inf(moons, digits):
    with pytest.raises(ValueError, match=r"expected samples shaped \(N, 2\).*got \(10, 3\)"):
        moons.score(torch.zeros(10, 3), 0)
    with pytest.raises(ValueError, match=r"\(N, 1, 8, 8\).*got \(10, 3, 8, 8\)"):
        digits.score(torch.zeros(10, 3, 8, 8), 0)
    with pytest.raises(ValueError, match="N >= 2"):
        moons.score(torch.zeros(1, 2), 0)
    with pytest.raises(ValueError, match=r"got \(\)"):
        moons.score(torch.tensor(1.0), 0)
    x = fresh_points("moons", 2048, seed=5)  # the count the fixture's floor is computed for: no new floor to compute
    x[3, 1] = float("nan")
    diverged = moons.score(x, 9)
    assert diverged.value == math.inf and diverged.ratio == math.inf and diverged.floor > 0
    assert diverged.summary() == "step 9: sliced Wasserstein inf (samples hold NaN or inf)"
    images = digits_split(0)[0].x[:256].clone()
    images[0, 0, 0, 0] = float("inf")  # metrics._as_digits would clamp this to a plausible pixel
    bad = digits.score(images, 9)
    assert bad.ratio == math.inf and (bad.precision, bad.recall, bad.classes) == (0.0, 0.0, 0)


# --------------------------------------------------------------------------------------------- digits
def test_digits_real_heldout_near_floor_noise_far_above(digits):
    train, held = digits_split(0)
    assert torch.equal(digits._reference, held.x)  # the split the shipped classifier never saw
    real = digits.score(train.x[-256:], step=500)  # real digits outside the reference
    noise = digits.score(_noise((256, 1, 8, 8)).clamp(-1, 1), step=500)
    assert real.metric == FRECHET_DISTANCE_DIGITS and real.n_samples == 256
    assert 0.5 < real.ratio < 2.0
    assert real.classes == 10 and real.precision > 0.8 and real.recall > 0.7
    assert noise.ratio > 5 and noise.classes < 10 and noise.precision < 0.2
    assert real.summary() == (f"step 500: Frechet distance (digits) {real.value:.3g} = {real.ratio:.2f}x real-data "
                              f"floor, precision {real.precision:.2f}, recall {real.recall:.2f}, 10/10 classes")


def test_digits_at_another_size_take_the_same_resize_path():
    scorer = QualityScorer(DataConfig(dataset="digits", image_size=16, channels=3), n_samples=128)
    train, _ = digits_split(0, image_size=16, channels=3)
    real = scorer.score(train.x[:128], 1)
    assert scorer.sample_shape == (3, 16, 16) and 0.5 < real.ratio < 2.0


# --------------------------------------------------------------------------------------------- other sources
def test_user_points_file_is_scored_against_a_labelled_slice_of_itself(tmp_path):
    pts = fresh_points("gaussians8", 600, seed=3).numpy()
    path = tmp_path / "mine.csv"
    np.savetxt(path, pts, delimiter=",")
    scorer = QualityScorer(DataConfig(dataset=str(path)), n_samples=256)
    assert scorer.metric == SLICED_WASSERSTEIN and "NOT held out" in scorer.reference_label
    assert scorer.max_samples == 300  # half of the 600 points form the reference
    real = scorer.score(scorer._pool[:256], 1)  # the scorer standardized the file: take points in its units
    assert 0.5 < real.ratio < 2.0
    tiny = tmp_path / "tiny.csv"
    np.savetxt(tiny, pts[:5], delimiter=",")
    with pytest.raises(DataError, match="5 items are too few"):
        QualityScorer(DataConfig(dataset=str(tiny)))


def test_images_without_classifier_use_pixel_sliced_wasserstein():
    shapes = QualityScorer(DataConfig(dataset="shapes"), seed=0, n_samples=128)
    from engine.data.images import load_shapes

    real = shapes.score(load_shapes(0, 0, 128, seed=999).x, 1)
    noise = shapes.score(_noise((128, 3, 16, 16)), 1)
    assert real.metric == PIXEL_SLICED_WASSERSTEIN and 0.5 < real.ratio < 2.0 and noise.ratio > 5
    folder = Dataset(x=torch.rand(40, 1, 4, 4) * 2 - 1, labels=None, num_classes=0, class_names=[], kind="images",
                     name="my-folder")
    sliced = QualityScorer(DataConfig(dataset="/nowhere/my-folder"), n_samples=64, dataset=folder)
    assert sliced.metric == PIXEL_SLICED_WASSERSTEIN and sliced.n_samples == 20 and "my-folder" in \
        sliced.reference_label
    assert sliced.score(torch.zeros(30, 1, 4, 4), 1).n_samples == 20  # only the first max_samples are scored
    assert _reference_items(3 * 64 * 64) == 1365 and _reference_items(2) == 4096  # 64 MiB of pixels at most


# --------------------------------------------------------------------------------------------- budget
class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_budget_interval_from_costs_and_the_minimum():
    budget = QualityBudget(max_fraction=0.1, min_interval=50)
    assert budget.interval(0.01, 0.5) == 500  # 0.5 s per score <= 10% of 500 steps x 10 ms
    assert budget.interval(0.01, 0.01) == 50  # cheap scoring: the user's minimum interval rules
    assert budget.interval(0.01) == 50  # nothing measured yet
    assert budget.should_score(50, 0.01) and not budget.should_score(49, 0.01)
    budget.record(50, 0.5)
    assert not budget.should_score(549, 0.01) and budget.should_score(550, 0.01)
    resumed = QualityBudget(min_interval=50)
    assert resumed.should_score(10_000, 0.01)  # a resumed run scores at once to measure the cost
    with pytest.raises(ValueError, match="max_fraction"):
        QualityBudget(max_fraction=1.5)
    clock = FakeClock()
    failing = QualityBudget(max_fraction=0.1, min_interval=50, clock=clock)
    with pytest.raises(RuntimeError), failing.measure(60):
        clock.now += 2.0
        raise RuntimeError("sampling ran out of memory")
    assert failing.last_step == 60 and not failing.should_score(61, 0.01)  # not retried at every step


def test_budget_keeps_scoring_under_its_share_of_training_time_with_a_fake_clock():
    clock = FakeClock()
    budget = QualityBudget(max_fraction=0.1, min_interval=20, clock=clock)
    train_s, score_s, trained, scored, steps = 0.004, 0.3, 0.0, [], 20_000
    for step in range(1, steps + 1):
        clock.now += train_s
        trained += train_s
        if budget.should_score(step, train_s):
            with budget.measure(step):
                clock.now += score_s
            scored.append(step)
    assert budget.last_seconds == pytest.approx(score_s)
    assert scored[0] == 20 and scored[1] - scored[0] == math.ceil(score_s / (0.1 * train_s)) == 750
    assert (len(scored) - 1) * score_s / trained <= 0.1  # the first score, made to measure the cost, is extra
    assert len(scored) * score_s / trained > 0.09  # ... but uses it: not scoring far less often than allowed


# --------------------------------------------------------------------------------------------- quality.csv
def test_quality_csv_round_trips_and_names_metric_and_floor(tmp_path, digits):
    x = digits_split(0)[0].x[:256]
    scores = [digits.score(x, 100), dataclasses.replace(digits.score(x, 200), value=math.inf, ratio=math.inf)]
    path = tmp_path / "quality.csv"
    write_quality_csv(path, scores)
    header = path.read_text().splitlines()[0]
    assert header.startswith("step,frechet_distance_digits,real_data_floor,multiple_of_real_data_floor,")
    back = read_quality_csv(path)
    assert [b.step for b in back] == [100, 200] and back[1].ratio == math.inf
    assert back[0].classes == scores[0].classes and back[0].n_samples == 256
    for b, s in zip(back, scores):
        for name in ("value", "floor", "ratio", "precision", "recall"):
            assert getattr(b, name) == pytest.approx(getattr(s, name), rel=1e-5)
    points = [QualityScore(step=1, metric=SLICED_WASSERSTEIN, value=0.1, floor=0.05, ratio=2.0, n_samples=2048,
                           seconds=0.05)]
    write_quality_csv(path, points)
    assert read_quality_csv(path) == points  # empty precision / recall / classes come back as None
    with pytest.raises(ValueError, match="one metric"):
        write_quality_csv(path, points + scores)
    (tmp_path / "loss.csv").write_text("step,loss,lr,grad_norm,wall_time\n1,0.5,0.001,1,0.1\n")
    with pytest.raises(DataError, match="not a quality.csv"):
        read_quality_csv(tmp_path / "loss.csv")
