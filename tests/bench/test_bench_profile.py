"""The profile section's grouping on a real (small-batch) digits training step."""
from __future__ import annotations

import pytest

from bench.sections_profile import CATEGORIES, categorize, profile_steps


def _trainer(batch: int = 8):
    from engine.data import images
    from engine.presets import default_config
    from engine.training import Trainer

    cfg = default_config("digits")
    cfg.training.batch_size = batch
    return Trainer(cfg, dataset=images.digits_split(0)[0])


def test_profile_groups_every_phase_of_a_training_step():
    out = profile_steps(_trainer(), steps=2, warmup=1)
    cats = {c["category"]: c for c in out["categories"]}
    assert list(cats) == list(CATEGORIES)
    assert sum(c["fraction"] for c in cats.values()) == pytest.approx(1.0, abs=1e-6)
    for name in CATEGORIES:  # every phase of the step shows up: labels and op names both work
        assert cats[name]["ms_per_step"] > 0, name
    # the backward of the attention blocks is found through the autograd sequence numbers (qkv, SDPA, out, ...)
    assert out["attention_backward_nodes"] >= 3
    assert len(out["top_ops"]) == 10
    assert out["top_ops"][0]["self_ms_per_step"] >= out["top_ops"][-1]["self_ms_per_step"]


class _Event:
    def __init__(self, name, parent=None, seq=-1):
        self.name, self.cpu_parent, self.sequence_nr = name, parent, seq


def test_categorize_prefers_labels_over_op_names():
    step = _Event("Optimizer.step#AdamW.step")
    assert categorize(_Event("aten::mul", step)) == "optimizer step (AdamW + EMA)"
    assert categorize(_Event("aten::convolution_backward")) == "conv backward"
    assert categorize(_Event("aten::mkldnn_convolution", _Event("aten::conv2d"))) == "conv forward"
    assert categorize(_Event("aten::native_group_norm")) == "normalization"
    node = _Event("autograd::engine::evaluate_function: AddmmBackward0", seq=41)
    assert categorize(_Event("aten::mm", node), frozenset({41})) == "attention"
    assert categorize(_Event("aten::mm", node), frozenset({7})) == "other elementwise"
    assert categorize(_Event("aten::add_", _Event("dl::batch"))) == "data / batch assembly"
