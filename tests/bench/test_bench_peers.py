"""The matched diffusers peer: the parameter search and its refusal."""
from __future__ import annotations

import pytest

from bench import peers

pytestmark = pytest.mark.skipif(not peers.AVAILABLE, reason=peers.NOT_INSTALLED)


def _ours() -> int:
    from engine.data import images
    from engine.models import count_parameters
    from engine.presets import default_config
    from engine.training import Trainer

    return count_parameters(Trainer(default_config("digits"), dataset=images.digits_split(0)[0]).model)


def test_peer_is_matched_within_five_percent_of_the_digits_default():
    ours = _ours()
    model, info = peers.matched_unet(ours, 1, 8)
    built = sum(p.numel() for p in model.parameters())
    assert info["params"] == built and info["target_params"] == ours
    assert info["ratio"] == pytest.approx(built / ours)
    assert abs(info["ratio"] - 1) <= peers.TOLERANCE
    # nothing in the search space is nearer than the pick (the hand-found (16, 32, 32) is one candidate)
    hand = peers._count((16, 32, 32), 1, 1, "lowest")
    assert abs(built - ours) <= abs(hand - ours)
    assert model.config.layers_per_block == info["layers_per_block"]
    assert list(model.config.block_out_channels) == info["block_out_channels"]


def test_peer_search_refuses_a_count_it_cannot_match():
    with pytest.raises(ValueError, match=r"no UNet2DModel within \+-5% of 1,000 parameters"):
        peers.match(1000, 1)


def test_peer_trainer_records_both_counts():
    import torch

    data = torch.rand(32, 1, 8, 8) * 2 - 1
    trainer = peers.PeerTrainer(data, 286_465, batch_size=4, lr=1e-3, warmup_steps=1, ema_decay=0.9)
    assert trainer.info["target_params"] == 286_465
    assert trainer.info["params"] == sum(p.numel() for p in trainer.model.parameters())
    assert trainer.step() > 0
