"""The shipped digits classifier and the quality scores built on it (engine.metrics)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from engine import metrics
from engine.data.images import digits_split
from engine.errors import DataError


def test_shipped_classifier_loads_without_pickle_and_knows_digits():
    model, meta = metrics.load_classifier()
    _, held = digits_split(0)
    probs = metrics.features(model, held.x)[1]
    accuracy = float((probs.argmax(1) == held.labels.numpy()).mean())
    assert accuracy > 0.95
    assert accuracy == pytest.approx(meta["heldout_accuracy"], abs=1e-4)  # the file is what its header says
    assert meta["seed"] == 0 and meta["feature_dim"] == metrics.FEATURE_DIM


def test_real_heldout_digits_score_near_the_floor_and_noise_far_above():
    model, _ = metrics.load_classifier()
    train, held = digits_split(0)
    half = len(held.x) // 2
    floor = metrics.score_images(model, held.x[:half], train.x)["fd"]
    real = metrics.score_images(model, held.x[half:], train.x)
    noise = metrics.score_images(model, torch.rand_like(held.x[:half]) * 2 - 1, train.x)
    assert real["fd"] / floor < 1.6  # two halves of the held-out set: within sampling noise of each other
    assert noise["fd"] / floor > 50
    assert real["classes"] == 10 and real["precision"] > 0.8 and real["recall"] > 0.8
    assert noise["classes"] < 10


def test_damaged_classifier_file_is_refused_with_the_path(tmp_path):
    bad = tmp_path / "clf.safetensors"
    bad.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json at all}")
    with pytest.raises(DataError, match="clf.safetensors"):
        metrics.load_classifier(bad)


def test_save_and_load_round_trip(tmp_path):
    model, _ = metrics.load_classifier()
    out = tmp_path / "copy.safetensors"
    metrics.save_classifier(model, out, {"heldout_accuracy": 0.5, "seed": 3})
    again, meta = metrics.load_classifier(out)
    x = torch.rand(5, 1, 8, 8) * 2 - 1
    np.testing.assert_array_equal(metrics.features(model, x)[0], metrics.features(again, x)[0])
    assert meta == {"heldout_accuracy": 0.5, "seed": 3}
