"""Tests for engine.models: shapes, conditioning, the timestep embedding, size checks and a small overfit."""
from __future__ import annotations

import math

import pytest
import torch

from engine.config import ModelConfig
from engine.errors import ConfigError
from engine.models import (
    UNET_PRESETS,
    DataInfo,
    build_model,
    count_parameters,
    describe_preset,
    group_count,
    sinusoidal_embedding,
    unet_downsampling_factor,
)

PRESETS = ("tiny", "small", "base")
# Documented parameter ranges (1-channel images / 2-D points; 3 channels add only a few hundred parameters).
UNET_PARAM_RANGES = {"tiny": (100_000, 300_000), "small": (500_000, 1_500_000), "base": (3_000_000, 8_000_000)}
MLP_PARAM_RANGES = {"tiny": (10_000, 100_000), "small": (100_000, 400_000), "base": (400_000, 2_000_000)}
IMAGE_CASES = [(size, channels) for size in (8, 16, 28) for channels in (1, 3)]


@pytest.fixture(autouse=True)
def _fixed_seed():
    torch.manual_seed(0)


def _randomize_zero_inits(model: torch.nn.Module) -> None:
    """The output layers start at zero (the untrained model predicts 0); give them weights so outputs can differ."""
    with torch.no_grad():
        for p in model.parameters():
            if not p.any():
                p.normal_(0.0, 0.05)


def _images(size: int, channels: int, num_classes: int = 0) -> DataInfo:
    return DataInfo("images", channels=channels, image_size=size, num_classes=num_classes)


# ------------------------------------------------------------------------------------------------ shapes
@pytest.mark.parametrize("preset", PRESETS)
@pytest.mark.parametrize("size,channels", IMAGE_CASES)
def test_unet_output_shape_and_conditioning(preset, size, channels):
    info = _images(size, channels, num_classes=10)
    model = build_model(ModelConfig(preset=preset, class_conditional=True), info)
    _randomize_zero_inits(model)
    x = torch.randn(3, channels, size, size)
    t = torch.tensor([0, 500, 999])
    with torch.no_grad():
        out_labeled = model(x, t, torch.tensor([0, 9, 10]))  # 10 = the null label
        out_null = model(x, t)
        out_null_explicit = model(x, t, torch.full((3,), 10))
    assert out_labeled.shape == x.shape
    assert torch.isfinite(out_labeled).all() and torch.isfinite(out_null).all()
    assert torch.allclose(out_null, out_null_explicit, atol=1e-5)  # None means the null label
    assert not torch.allclose(out_labeled, out_null)  # the label matters
    assert model.class_conditional and model.num_classes == 10
    assert model.info == info and model.preset == preset


@pytest.mark.parametrize("preset", PRESETS)
def test_mlp_output_shape_and_conditioning(preset):
    info = DataInfo("points", num_classes=8)
    model = build_model(ModelConfig(preset=preset, class_conditional=True), info)
    _randomize_zero_inits(model)
    x = torch.randn(16, 2)
    t = torch.randint(0, 1000, (16,))
    out_labeled = model(x, t, torch.randint(0, 9, (16,)))
    out_null = model(x, t, None)
    assert out_labeled.shape == x.shape == out_null.shape
    assert torch.isfinite(out_labeled).all() and torch.isfinite(out_null).all()
    assert not torch.allclose(out_labeled, out_null)
    assert model.class_conditional and model.num_classes == 8


def test_unconditional_models_ignore_labels_and_have_no_class_table():
    for info in (DataInfo("points"), _images(8, 1)):
        for cfg in (ModelConfig(class_conditional=False), ModelConfig(class_conditional=True)):  # no labels in data
            model = build_model(cfg, info)
            assert not model.class_conditional and model.num_classes == 0
            assert not any("class_embedding" in name for name, _ in model.named_parameters())


def test_conditional_class_table_has_null_row():
    model = build_model(ModelConfig(class_conditional=True), _images(8, 1, num_classes=10))
    assert model.embedding.class_embedding.num_embeddings == 11
    mlp = build_model(ModelConfig(class_conditional=True), DataInfo("points", num_classes=3))
    assert mlp.embedding.class_embedding.num_embeddings == 4


def test_untrained_models_predict_zero():
    """Zero-initialized output layers: a fresh model predicts 0 (a safe eps / x0 / v guess)."""
    for info in (DataInfo("points"), _images(16, 3)):
        model = build_model(ModelConfig(), info)
        x = torch.randn(4, *((2,) if info.kind == "points" else (3, 16, 16)))
        assert torch.count_nonzero(model(x, torch.arange(4))) == 0


def test_unet_accepts_scalar_and_float_timesteps():
    model = build_model(ModelConfig(preset="tiny"), _images(8, 1))
    _randomize_zero_inits(model)
    x = torch.randn(2, 1, 8, 8)
    with torch.no_grad():
        by_long = model(x, torch.tensor([7, 7]))
        by_float = model(x, torch.tensor([7.0, 7.0]))
        by_scalar = model(x, torch.tensor(7))
    assert torch.allclose(by_long, by_float) and torch.allclose(by_long, by_scalar)


def test_dropout_is_wired_in():
    model = build_model(ModelConfig(preset="tiny", dropout=0.3), _images(8, 1))
    assert any(isinstance(m, torch.nn.Dropout) and m.p == 0.3 for m in model.modules())


# ------------------------------------------------------------------------------------------------ sizes
def test_parameter_counts_in_documented_ranges_and_ordered():
    for kind, ranges, infos in (
        ("images", UNET_PARAM_RANGES, [_images(16, 1), _images(32, 3)]),
        ("points", MLP_PARAM_RANGES, [DataInfo("points")]),
    ):
        for info in infos:
            counts = [count_parameters(build_model(ModelConfig(preset=p), info)) for p in PRESETS]
            assert counts == sorted(counts) and len(set(counts)) == 3, (kind, counts)
            for preset, n in zip(PRESETS, counts):
                lo, hi = ranges[preset]
                assert lo <= n <= hi, f"{kind} {preset}: {n} parameters, documented range {lo}..{hi}"


def test_count_parameters_skips_frozen():
    model = build_model(ModelConfig(preset="tiny"), DataInfo("points"))
    total = count_parameters(model)
    model.output.requires_grad_(False)
    assert count_parameters(model) == total - sum(p.numel() for p in model.output.parameters())


def test_describe_preset_matches_built_model():
    info = _images(16, 3)
    for preset in PRESETS:
        text = describe_preset(preset, info)
        n = count_parameters(build_model(ModelConfig(preset=preset, class_conditional=True), info))
        assert text.startswith(f"UNet {preset}:") and f"{n / 1e6:.2f} M params" in text
        assert "attn 4x4" in text  # 16 / factor 4
    assert describe_preset("small", DataInfo("points")).startswith("MLP small: 128 wide")
    assert "M params" in describe_preset("small", _images(30, 1))  # a bad size still gets a label


def test_group_count_divides_channels():
    for channels in (1, 3, 8, 16, 24, 32, 48, 64, 96, 128, 192, 256):
        groups = group_count(channels)
        assert channels % groups == 0 and 1 <= groups <= 32
    assert group_count(64) == 16 and group_count(128) == 32


# ------------------------------------------------------------------------------------------------ image sizes
@pytest.mark.parametrize("preset", PRESETS)
def test_downsampling_factor_and_size_check(preset):
    factor = unet_downsampling_factor(preset)
    assert factor == UNET_PRESETS[preset].downsampling_factor == 4  # 8x8 digits and 28x28 MNIST both work
    with pytest.raises(ValueError, match="data.image_size"):
        build_model(ModelConfig(preset=preset), _images(30, 1))
    model = build_model(ModelConfig(preset=preset), _images(32, 1))
    with pytest.raises(ValueError, match="data.image_size"):
        model(torch.randn(1, 1, 18, 18), torch.tensor([0]))
    assert model(torch.randn(1, 1, 12, 12), torch.tensor([0])).shape == (1, 1, 12, 12)


def test_unknown_preset_and_kind_are_rejected():
    with pytest.raises(ConfigError, match="model.preset"):
        unet_downsampling_factor("huge")
    with pytest.raises(ConfigError, match="model.preset"):
        build_model(ModelConfig(preset="huge"), DataInfo("points"))
    with pytest.raises(ValueError, match="kind"):
        build_model(ModelConfig(), DataInfo("audio"))


def test_config_validation_uses_the_factor():
    from engine.config import ExperimentConfig

    cfg = ExperimentConfig()
    cfg.data.dataset, cfg.data.image_size = "digits", 30
    assert any(e.field == "data.image_size" for e in cfg.errors())
    cfg.data.image_size = 28
    assert not any(e.field == "data.image_size" for e in cfg.errors())


# ------------------------------------------------------------------------------------------------ time embedding
def test_sinusoidal_embedding_matches_formula():
    dim, half = 64, 32
    t = torch.tensor([0, 1, 17, 999, 99_999])
    emb = sinusoidal_embedding(t, dim)
    assert emb.shape == (5, dim) and emb.dtype == torch.float32
    for row, step in enumerate(t.tolist()):
        for i in (0, 1, 5, 31):
            frequency = 10_000 ** (-i / half)
            assert emb[row, i].item() == pytest.approx(math.sin(step * frequency), abs=2e-3)
            assert emb[row, half + i].item() == pytest.approx(math.cos(step * frequency), abs=2e-3)
    assert torch.equal(emb[0, :half], torch.zeros(half)) and torch.equal(emb[0, half:], torch.ones(half))
    assert sinusoidal_embedding(t, 7).shape == (5, 7)  # odd widths are zero-padded
    assert torch.equal(sinusoidal_embedding(t, 7)[:, -1], torch.zeros(5))


def test_distinct_timesteps_give_distinct_embeddings_and_outputs():
    t = torch.arange(0, 1000)
    emb = sinusoidal_embedding(t, 64)
    assert torch.cdist(emb, emb).add(torch.eye(1000) * 10).min() > 1e-2  # neighbours differ too
    for info in (DataInfo("points"), _images(8, 1)):
        model = build_model(ModelConfig(preset="tiny"), info)
        _randomize_zero_inits(model)
        one = torch.randn(1, *((2,) if info.kind == "points" else (1, 8, 8)))
        x = torch.cat([one, one])  # the same input at two timesteps
        with torch.no_grad():
            out = model(x, torch.tensor([10, 600]))
        assert not torch.allclose(out[0], out[1], atol=1e-4)


# ------------------------------------------------------------------------------------------------ learning
def test_mlp_overfits_a_time_dependent_target():
    """The target depends on t as much as on x, so the loss can only fall >10x if gradients reach the time
    embedding (and its MLP) as well as the main path."""
    torch.manual_seed(0)
    model = build_model(ModelConfig(preset="tiny"), DataInfo("points"))
    x = torch.randn(64, 2)
    t = torch.randint(0, 1000, (64,))
    phase = t.float()[:, None] / 1000.0 * math.pi
    target = torch.cat([torch.sin(phase) + 0.5 * x[:, :1], torch.cos(phase) * x[:, 1:]], dim=1)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    time_mlp_before = model.embedding.time_mlp[0].weight.detach().clone()
    losses = []
    for _ in range(200):
        loss = (model(x, t) - target).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0] / 10, (losses[0], losses[-1])
    assert not torch.allclose(model.embedding.time_mlp[0].weight, time_mlp_before)


def test_unet_gradients_reach_every_parameter():
    model = build_model(ModelConfig(preset="tiny", class_conditional=True), _images(8, 1, num_classes=10))
    _randomize_zero_inits(model)
    x = torch.randn(4, 1, 8, 8)
    model(x, torch.randint(0, 1000, (4,)), torch.tensor([0, 3, 10, 5])).square().mean().backward()
    missing = [name for name, p in model.named_parameters() if p.grad is None or not p.grad.abs().sum() > 0]
    assert not missing, missing
