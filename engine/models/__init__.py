"""The denoising networks: :class:`PointMLP` for 2-D points, :class:`UNet` for images.

Every model has the same call signature, ``model(x, t, y=None) -> Tensor`` of x's shape, where ``t`` holds 0-based
timestep indices (B,) and ``y`` class labels (B,) or ``None``. What the output means (eps, x0 or v) is the caller's
business. Each model also carries ``info`` (:class:`DataInfo`), ``preset``, ``class_conditional`` and
``num_classes``; a conditional model's class table has ``num_classes + 1`` rows, the last one being the null label
used for classifier-free guidance.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import torch
from torch import nn

from engine.errors import ConfigError
from engine.models.embeddings import ConditionEmbedding, sinusoidal_embedding
from engine.models.mlp import MLP_PRESETS, PointMLP
from engine.models.unet import UNET_PRESETS, UNet, group_count

__all__ = [
    "DataInfo", "build_model", "unet_downsampling_factor", "count_parameters", "describe_preset",
    "PresetFacts", "preset_facts", "params_count",
    "PointMLP", "UNet", "ConditionEmbedding", "sinusoidal_embedding", "MLP_PRESETS", "UNET_PRESETS", "group_count",
]

DATA_KINDS = ("points", "images")


@dataclass(frozen=True)
class DataInfo:
    """What a model needs to know about its data."""

    kind: str  # "points" (2-D data, shape (B, 2)) or "images" (shape (B, C, H, W), values in [-1, 1])
    channels: int = 0  # images only
    image_size: int = 0  # images only (square)
    num_classes: int = 0  # 0 = unlabeled
    dim: int = 2  # points only


def _check_preset(preset: str) -> None:
    if preset not in UNET_PRESETS:
        raise ConfigError("model.preset", f"must be one of {', '.join(UNET_PRESETS)}; got {preset!r}")


def build_model(model_cfg, info: DataInfo) -> nn.Module:
    """The network for ``info``'s data: a :class:`PointMLP` for points, a :class:`UNet` for images.

    ``model_cfg`` is an :class:`engine.config.ModelConfig` (``preset``, ``class_conditional``, ``dropout``). Class
    conditioning is only wired in when the data has labels (``info.num_classes > 0``).
    """
    preset = model_cfg.preset
    _check_preset(preset)
    kwargs = dict(preset=preset, class_conditional=bool(model_cfg.class_conditional),
                  dropout=float(model_cfg.dropout))
    if info.kind == "points":
        return PointMLP(info, **kwargs)
    if info.kind == "images":
        return UNet(info, **kwargs)
    raise ValueError(f"unknown data kind {info.kind!r}; expected one of {', '.join(DATA_KINDS)}")


def unet_downsampling_factor(preset: str) -> int:
    """The factor by which ``preset``'s UNet shrinks an image (image sizes must be divisible by it)."""
    _check_preset(preset)
    return UNET_PRESETS[preset].downsampling_factor


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


@dataclass(frozen=True)
class PresetFacts:
    """What :func:`describe_preset` says about a preset's network, as numbers (the GUI words them in its language)."""

    arch: str  # "MLP" or "UNet"
    preset: str
    n_params: int
    width: int = 0  # MLP
    depth: int = 0  # MLP residual blocks
    channels: tuple[int, ...] = ()  # UNet channels per level
    blocks: tuple[int, ...] = ()  # UNet residual blocks per level
    attention_size: int | None = None  # UNet: side of the attention resolution; None when the image size is unknown
    downsampling_factor: int = 1  # UNet


def preset_facts(preset: str, info: DataInfo) -> PresetFacts:
    """The preset's network for this data, counted exactly (see :func:`describe_preset`)."""
    _check_preset(preset)
    # Build on the meta device: exact parameter count, no memory and no initialization cost.
    with torch.device("meta"):
        # the parameter count does not depend on the image size, and an unsupported size must not break the label
        model = build_model(_PresetOnly(preset), dataclasses.replace(info, image_size=0))
    n_params = count_parameters(model)
    if info.kind == "points":
        spec = MLP_PRESETS[preset]
        return PresetFacts("MLP", preset, n_params, width=spec.width, depth=spec.depth)
    spec = UNET_PRESETS[preset]
    coarsest = max(1, info.image_size // spec.downsampling_factor) if info.image_size else None
    return PresetFacts("UNet", preset, n_params, channels=tuple(spec.channels), blocks=tuple(spec.blocks),
                       attention_size=coarsest, downsampling_factor=spec.downsampling_factor)


def params_count(n_params: int) -> str:
    """``1.23 M`` / ``45.6 k``: a parameter count as the model descriptions show it."""
    return f"{n_params / 1e6:.2f} M" if n_params >= 100_000 else f"{n_params / 1e3:.1f} k"


def describe_preset(preset: str, info: DataInfo) -> str:
    """One line for the GUI, e.g. ``UNet small: 64-128-128 ch, 1-2-2 res blocks, attn 4x4 — 1.23 M params``."""
    f = preset_facts(preset, info)
    size = f"{params_count(f.n_params)} params"
    if f.arch == "MLP":
        return f"MLP {preset}: {f.width} wide, {f.depth} residual blocks — {size}"
    channels = "-".join(str(c) for c in f.channels)
    blocks = "-".join(str(b) for b in f.blocks)
    attention = (f"attn {f.attention_size}x{f.attention_size}" if f.attention_size
                 else f"attn at 1/{f.downsampling_factor} size")
    return f"UNet {preset}: {channels} ch, {blocks} res blocks, {attention} — {size}"


@dataclass(frozen=True)
class _PresetOnly:
    """A stand-in for ModelConfig when only the preset matters (describe_preset)."""

    preset: str
    class_conditional: bool = True
    dropout: float = 0.0
