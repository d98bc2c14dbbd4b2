"""The image denoiser: a small UNet in the style of Ho et al. 2020 ("Denoising Diffusion Probabilistic Models",
Appendix B), with the refinements of Nichol & Dhariwal 2021 / Dhariwal & Nichol 2021 that matter at this size.

Layout (``L`` = number of resolution levels, ``2 ** (L - 1)`` = the downsampling factor)::

    conv_in 3x3
    down:  per level: n residual blocks (+ self-attention where the preset says), then a stride-2 conv (not at the
           last level); every block's output is kept as a skip connection
    middle: residual block - self-attention - residual block
    up:    per level (coarse to fine): n + 1 residual blocks, each reading the concatenation of the running features
           and one skip, then nearest-neighbour x2 + conv 3x3 (not at the finest level)
    out:   GroupNorm - SiLU - conv 3x3 (zero-initialized, so the untrained network predicts 0)

Residual block (Ho et al. 2020, with the "scale-shift norm" of Nichol & Dhariwal 2021, Sec. 3 / Dhariwal &
Nichol 2021, Sec. 3)::

    h = conv3x3(SiLU(GroupNorm(x)))
    h = GroupNorm(h) * (1 + scale) + shift        # (scale, shift) = Linear(SiLU(emb)), one pair per channel
    h = conv3x3(dropout(SiLU(h)))                 # zero-initialized: each block starts as the identity
    return skip(x) + h                            # skip = 1x1 conv when the channel count changes

Speed on CPU (2 cores is the target machine) drives the rest of the design:

* The parameters sit at the coarse levels (the widest channels are at 1/4 resolution) and the full-resolution level
  has the fewest blocks, so each parameter costs few FLOPs and the convolutions there are wide enough to run near the
  CPU's matmul peak.
* Self-attention runs only at the coarsest level and in the middle (at most (H/4) * (W/4) tokens) through
  ``scaled_dot_product_attention`` with one fused q/k/v projection.
* The second GroupNorm of a block has no affine parameters (the per-sample scale/shift already is an affine map) and
  the modulation is one ``addcmul``; the SiLU of the embedding is computed once per forward, not once per block.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from engine.errors import ConfigError
from engine.models.embeddings import ConditionEmbedding


@dataclass(frozen=True)
class UNetPreset:
    """The shape of one UNet size. ``channels[i]`` and ``blocks[i]`` describe resolution level ``i`` (level 0 = full
    resolution, level ``i`` = 1 / 2**i); the up path has ``blocks[i] + 1`` blocks at level ``i``."""

    channels: tuple[int, ...]
    blocks: tuple[int, ...]
    attention_levels: tuple[int, ...]  # levels whose residual blocks are followed by self-attention
    head_dim: int = 64  # attention heads = channels // head_dim

    @property
    def downsampling_factor(self) -> int:
        return 2 ** (len(self.channels) - 1)


# Every preset halves the resolution twice (factor 4), so 8x8 digits and 28x28 MNIST both work.
UNET_PRESETS: dict[str, UNetPreset] = {
    "tiny": UNetPreset(channels=(16, 32, 32), blocks=(1, 1, 1), attention_levels=(), head_dim=32),
    "small": UNetPreset(channels=(32, 64, 64), blocks=(1, 1, 2), attention_levels=(2,), head_dim=32),
    "base": UNetPreset(channels=(64, 128, 128), blocks=(1, 2, 2), attention_levels=(2,), head_dim=64),
}


def group_count(channels: int, max_groups: int = 32, min_group_size: int = 4) -> int:
    """GroupNorm groups for ``channels``: the most groups (<= 32, Wu & He 2018's default) that divide the channels
    and leave at least ``min_group_size`` channels per group (statistics over 1-channel groups are noisy)."""
    for groups in range(min(max_groups, channels // min_group_size), 0, -1):
        if channels % groups == 0:
            return groups
    return 1


class ResidualBlock(nn.Module):
    """Ho et al. 2020's residual block with scale-shift conditioning (see the module docstring)."""

    def __init__(self, in_channels: int, out_channels: int, embed_dim: int, dropout: float):
        super().__init__()
        self.norm1 = nn.GroupNorm(group_count(in_channels), in_channels)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, padding=1)
        self.embed_proj = nn.Linear(embed_dim, 2 * out_channels)
        # No affine parameters: the (1 + scale, shift) modulation that follows already is a per-channel affine map.
        self.norm2 = nn.GroupNorm(group_count(out_channels), out_channels, affine=False)
        self.dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1)
        nn.init.zeros_(self.conv2.weight)  # start as the identity map (Dhariwal & Nichol 2021, zero_module)
        nn.init.zeros_(self.conv2.bias)
        self.skip = nn.Conv2d(in_channels, out_channels, 1) if in_channels != out_channels else nn.Identity()

    def forward(self, x: Tensor, emb_act: Tensor) -> Tensor:
        """``emb_act`` is SiLU(emb), shape (B, embed_dim), computed once by the UNet for all blocks."""
        h = self.conv1(F.silu(self.norm1(x)))
        scale, shift = self.embed_proj(emb_act)[:, :, None, None].chunk(2, dim=1)
        h = torch.addcmul(shift, self.norm2(h), scale + 1.0)
        h = self.conv2(self.dropout(F.silu(h)))
        return self.skip(x) + h


class SelfAttention(nn.Module):
    """Multi-head self-attention over the H*W positions, with a residual connection (Ho et al. 2020 use it at
    16x16; here only at the coarsest level, where it is cheap). The output projection is zero-initialized so the
    block starts as the identity."""

    def __init__(self, channels: int, head_dim: int):
        super().__init__()
        self.heads = max(1, channels // head_dim)
        if channels % self.heads:
            raise ValueError(f"attention: {channels} channels do not split into {self.heads} heads")
        self.norm = nn.GroupNorm(group_count(channels), channels)
        self.qkv = nn.Linear(channels, 3 * channels)
        self.out = nn.Linear(channels, channels)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, x: Tensor) -> Tensor:
        b, c, h, w = x.shape
        # (B, H*W, C) tokens; a free view when x is channels-last, as the UNet keeps it on CPU
        tokens = self.norm(x).permute(0, 2, 3, 1).reshape(b, h * w, c)
        q, k, v = self.qkv(tokens).reshape(b, h * w, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        attended = F.scaled_dot_product_attention(q, k, v)  # (B, heads, N, head_dim)
        attended = attended.transpose(1, 2).reshape(b, h * w, c)
        return x + self.out(attended).reshape(b, h, w, c).permute(0, 3, 1, 2)


class Downsample(nn.Module):
    """Halve the resolution with a stride-2 3x3 conv (Ho et al. 2020)."""

    def __init__(self, channels: int):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, stride=2, padding=1)

    def forward(self, x: Tensor) -> Tensor:
        return self.conv(x)


class Upsample(nn.Module):
    """Double the resolution: a 3x3 conv, then nearest-neighbour x2.

    Ho et al. 2020 upsample first and convolve at the fine resolution; convolving first computes the same kind of
    map (no transposed-conv checkerboard artifacts, Odena et al. 2016) for a quarter of the FLOPs, and the next
    residual block, which also reads the skip connection, refines the 2x2 blocks anyway."""

    def __init__(self, channels: int):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x: Tensor) -> Tensor:
        return F.interpolate(self.conv(x), scale_factor=2.0, mode="nearest")


class UNet(nn.Module):
    """Denoiser for images (B, C, H, W) in [-1, 1]; ``forward(x, t, y)`` returns a tensor of x's shape."""

    # Memory format of the activations on CPU (see forward); None keeps whatever conv_in returns.
    cpu_activation_format: torch.memory_format | None = torch.channels_last

    def __init__(self, info, preset: str = "small", class_conditional: bool = False, dropout: float = 0.0):
        super().__init__()
        if preset not in UNET_PRESETS:
            raise ConfigError("model.preset", f"must be one of {', '.join(UNET_PRESETS)}; got {preset!r}")
        spec = UNET_PRESETS[preset]
        factor = spec.downsampling_factor
        if info.image_size and info.image_size % factor:
            raise ConfigError(
                "data.image_size",
                f"must be divisible by {factor} (the {preset} UNet halves the size {len(spec.channels) - 1} "
                f"times), got {info.image_size}",
            )
        if info.channels < 1:
            raise ValueError(f"image data needs at least one channel, got {info.channels}")
        self.info = info
        self.preset = preset
        self.spec = spec
        self.class_conditional = bool(class_conditional and info.num_classes > 0)
        self.num_classes = info.num_classes if self.class_conditional else 0
        self.downsampling_factor = factor

        base = spec.channels[0]
        embed_dim = 4 * base  # Ho et al. 2020: the timestep embedding is 4x the base width
        self.embedding = ConditionEmbedding(base, embed_dim, self.num_classes)
        self.conv_in = nn.Conv2d(info.channels, base, 3, padding=1)

        # Down path. ``skip_channels`` records the width of every tensor kept for the up path.
        self.down = nn.ModuleList()
        skip_channels = [base]
        width = base
        levels = len(spec.channels)
        for level, (level_width, n_blocks) in enumerate(zip(spec.channels, spec.blocks)):
            for _ in range(n_blocks):
                self.down.append(ResidualBlock(width, level_width, embed_dim, dropout))
                width = level_width
                if level in spec.attention_levels:
                    self.down.append(SelfAttention(width, spec.head_dim))
                skip_channels.append(width)
            if level < levels - 1:
                self.down.append(Downsample(width))
                skip_channels.append(width)

        self.middle = nn.ModuleList([
            ResidualBlock(width, width, embed_dim, dropout),
            SelfAttention(width, spec.head_dim),
            ResidualBlock(width, width, embed_dim, dropout),
        ])

        # Up path: one more block per level than the down path, so every skip is consumed exactly once.
        self.up = nn.ModuleList()
        for level in reversed(range(levels)):
            level_width = spec.channels[level]
            for _ in range(spec.blocks[level] + 1):
                self.up.append(ResidualBlock(width + skip_channels.pop(), level_width, embed_dim, dropout))
                width = level_width
                if level in spec.attention_levels:
                    self.up.append(SelfAttention(width, spec.head_dim))
            if level > 0:
                self.up.append(Upsample(width))
        assert not skip_channels

        self.norm_out = nn.GroupNorm(group_count(width), width)
        self.conv_out = nn.Conv2d(width, info.channels, 3, padding=1)
        nn.init.zeros_(self.conv_out.weight)
        nn.init.zeros_(self.conv_out.bias)

    def forward(self, x: Tensor, t: Tensor, y: Tensor | None = None) -> Tensor:
        if x.ndim != 4 or x.shape[1] != self.info.channels:
            raise ValueError(f"UNet expects images (B, {self.info.channels}, H, W), got {tuple(x.shape)}")
        height, width = x.shape[-2:]
        if height % self.downsampling_factor or width % self.downsampling_factor:
            raise ConfigError(
                "data.image_size",
                f"must be divisible by {self.downsampling_factor} for the {self.preset} UNet, "
                f"got {height}x{width} images",
            )
        emb = self.embedding(t, y if self.class_conditional else None, batch_size=x.shape[0])
        emb_act = F.silu(emb)
        h = self.conv_in(x)
        if h.device.type == "cpu" and self.cpu_activation_format is not None:
            # oneDNN's CPU convolutions run 10-40% faster on channels-last (NHWC) activations, 1x1 convs up to 3x;
            # conv, GroupNorm, cat and interpolate all keep the format, so one conversion here covers the network.
            # (Converted after conv_in: a 1-channel image looks NCHW-contiguous to the conv, which then answers in
            # NCHW.) The weights stay in the default layout, so checkpoints hold ordinary contiguous tensors.
            h = h.contiguous(memory_format=self.cpu_activation_format)
        skips = [h]
        for layer in self.down:
            if isinstance(layer, SelfAttention):
                h = layer(h)
                skips[-1] = h  # the skip of a block followed by attention is the attention's output
            else:
                h = layer(h, emb_act) if isinstance(layer, ResidualBlock) else layer(h)
                skips.append(h)
        for layer in self.middle:
            h = layer(h, emb_act) if isinstance(layer, ResidualBlock) else layer(h)
        for layer in self.up:
            if isinstance(layer, ResidualBlock):
                h = layer(torch.cat([h, skips.pop()], dim=1), emb_act)
            else:
                h = layer(h)
        return self.conv_out(F.silu(self.norm_out(h))).contiguous()
