"""Conditioning embeddings shared by the point MLP and the image UNet.

A model is told *when* it is (the timestep ``t``) and optionally *what* to draw (a class label ``y``). Both become one
vector per sample, ``emb`` of width ``embed_dim``, which every block of the network reads:

    emb = MLP(sinusoidal(t)) + class_embedding[y]

The sinusoidal part is the Transformer position encoding (Vaswani et al. 2017, Sec. 3.5), used for diffusion
timesteps by Ho et al. 2020 (Appendix B); the small Linear-SiLU-Linear MLP after it follows Ho et al. and
Dhariwal & Nichol 2021. The class embedding is added, not concatenated (Dhariwal & Nichol 2021, "Diffusion Models
Beat GANs", Sec. 4), and has one extra row, the *null* label, so that classifier-free guidance (Ho & Salimans 2022)
can ask the same network for an unconditional prediction.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor, nn

DEFAULT_MAX_PERIOD = 10_000.0


def sinusoidal_embedding(t: Tensor, dim: int, max_period: float = DEFAULT_MAX_PERIOD) -> Tensor:
    """The sinusoidal embedding of timesteps ``t`` (shape (B,), integer or float) as a float32 tensor (B, dim).

    With ``half = dim // 2`` and frequencies ``f_i = max_period ** (-i / half)`` for ``i = 0 .. half-1``
    (log-spaced from 1 down to nearly ``1 / max_period`` radians per step)::

        emb[:, i]        = sin(t * f_i)
        emb[:, half + i] = cos(t * f_i)

    An odd ``dim`` gets one trailing zero column. Computed in float32: at ``t = 1e5`` the angle's rounding error is
    about 1e5 * 6e-8 = 0.006 rad, far below the spacing between neighbouring timesteps' embeddings.
    """
    if t.ndim == 0:
        t = t.reshape(1)
    if t.ndim != 1:
        raise ValueError(f"timesteps must have shape (B,), got {tuple(t.shape)}")
    half = dim // 2
    exponent = torch.arange(half, device=t.device, dtype=torch.float32) / half
    frequencies = torch.exp(-math.log(max_period) * exponent)
    angles = t.to(torch.float32)[:, None] * frequencies[None, :]
    emb = torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)
    if dim % 2:
        emb = F.pad(emb, (0, 1))
    return emb


class ConditionEmbedding(nn.Module):
    """``t`` (and optionally ``y``) -> one conditioning vector per sample, shape (B, embed_dim).

    ``frequency_dim`` is the width of the sinusoidal code, ``embed_dim`` the width of the vector the blocks read.
    With ``num_classes > 0`` a class table with ``num_classes + 1`` rows is added; row ``num_classes`` is the null
    label, used when ``y`` is ``None`` (and by the trainer's label dropout for classifier-free guidance).
    """

    def __init__(self, frequency_dim: int, embed_dim: int, num_classes: int = 0):
        super().__init__()
        self.frequency_dim = frequency_dim
        self.embed_dim = embed_dim
        self.num_classes = num_classes
        self.time_mlp = nn.Sequential(
            nn.Linear(frequency_dim, embed_dim),
            nn.SiLU(),
            nn.Linear(embed_dim, embed_dim),
        )
        self.class_embedding = nn.Embedding(num_classes + 1, embed_dim) if num_classes > 0 else None

    @property
    def null_label(self) -> int:
        """The label index that means "no class" (classifier-free guidance's unconditional branch)."""
        return self.num_classes

    def forward(self, t: Tensor, y: Tensor | None = None, batch_size: int | None = None) -> Tensor:
        if t.ndim == 0 and batch_size is not None:
            t = t.expand(batch_size)
        emb = self.time_mlp(sinusoidal_embedding(t, self.frequency_dim).to(self.time_mlp[0].weight.dtype))
        if self.class_embedding is not None:
            if y is None:
                y = torch.full((emb.shape[0],), self.null_label, dtype=torch.long, device=emb.device)
            emb = emb + self.class_embedding(y.to(device=emb.device, dtype=torch.long))
        return emb
