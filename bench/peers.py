"""The ``diffusers`` peer: ``UNet2DModel`` + ``DDPMScheduler`` (training) / ``DDIMScheduler`` (sampling), trained the
way the lab trains (same data, batch, AdamW, lr warmup, grad clip, EMA with warm-up) so the comparison isolates the
model and scheduler implementations. Import-guarded: without diffusers every entry point reports
``"diffusers not installed"``.
"""
from __future__ import annotations

import copy
import functools
import time

import torch

NOT_INSTALLED = "diffusers not installed"

try:  # pragma: no cover - depends on the optional extra
    import diffusers
    from diffusers import DDIMScheduler, DDPMScheduler, UNet2DModel

    AVAILABLE = True
    VERSION = diffusers.__version__
except Exception:  # noqa: BLE001 - ImportError or a broken install
    AVAILABLE = False
    VERSION = None


TOLERANCE = 0.05  # a peer counts as matched within +-5% of our parameter count
WIDTHS = (8, 16, 24, 32, 40, 48, 56, 64)
# where the attention blocks go, from the coarsest level up: none, the coarsest only, the two coarsest
ATTENTION = {"none": 0, "lowest": 1, "lowest two": 2}


def _build(widths: tuple[int, int, int], channels: int, size: int, layers: int = 1,
           attention: str = "lowest") -> torch.nn.Module:
    k = ATTENTION[attention]
    down = tuple("AttnDownBlock2D" if i >= 3 - k else "DownBlock2D" for i in range(3))
    up = tuple("AttnUpBlock2D" if i < k else "UpBlock2D" for i in range(3))
    return UNet2DModel(sample_size=size, in_channels=channels, out_channels=channels, block_out_channels=widths,
                       layers_per_block=layers, down_block_types=down, up_block_types=up, norm_num_groups=8)


def _count(widths: tuple[int, int, int], channels: int, layers: int, attention: str) -> int:
    with torch.device("meta"):  # no memory, no init: only the shapes
        return sum(p.numel() for p in _build(widths, channels, 8, layers, attention).parameters())


@functools.lru_cache(maxsize=8)
def match(target_params: int, channels: int) -> dict:
    """The 3-level UNet2DModel nearest ``target_params`` over widths (w1 <= w2 <= w3, each step x1 or x2, multiples of
    8 for 8 norm groups), layers_per_block in {1, 2} and attention placement; raises when none is within +-5%.
    (By hand the issue found (16, 32, 32), one layer, attention at the coarsest level, for our ~286k.)"""
    best = None
    for layers in (1, 2):
        for attention in ATTENTION:
            for w1 in WIDTHS:
                if _count((w1, w1, w1), channels, layers, attention) > target_params * (1 + TOLERANCE):
                    break  # every wider candidate is bigger still
                for w2 in (w1, 2 * w1):
                    for w3 in (w2, 2 * w2):
                        n = _count((w1, w2, w3), channels, layers, attention)
                        if best is None or abs(n - target_params) < abs(best["params"] - target_params):
                            best = {"block_out_channels": [w1, w2, w3], "layers_per_block": layers,
                                    "attention": attention, "params": int(n)}
    if best is None or abs(best["params"] / target_params - 1) > TOLERANCE:
        near = f" (nearest {best['params']:,})" if best else ""
        raise ValueError(f"no UNet2DModel within +-{TOLERANCE:.0%} of {target_params:,} parameters{near}")
    return dict(best, target_params=int(target_params), ratio=best["params"] / target_params, norm_num_groups=8)


def matched_unet(target_params: int, channels: int, size: int) -> tuple[torch.nn.Module, dict]:
    """The matched UNet2DModel (see :func:`match`), built for real, and its description."""
    info = match(int(target_params), int(channels))
    model = _build(tuple(info["block_out_channels"]), channels, size, info["layers_per_block"], info["attention"])
    assert sum(p.numel() for p in model.parameters()) == info["params"]
    return model, info


class PeerTrainer:
    """A diffusers UNet2DModel trained like engine.training.Trainer (eps prediction, linear betas 1e-4..0.02)."""

    def __init__(self, data: torch.Tensor, target_params: int, *, batch_size: int, lr: float, warmup_steps: int,
                 ema_decay: float, grad_clip: float = 1.0, timesteps: int = 1000, seed: int = 0,
                 device: str | torch.device = "cpu"):
        if not AVAILABLE:
            raise RuntimeError(NOT_INSTALLED)
        self.device = torch.device(device)
        torch.manual_seed(seed)
        self.data = data.to(self.device)
        channels, size = data.shape[1], data.shape[-1]
        self.model, self.info = matched_unet(target_params, channels, size)
        self.model.to(self.device)
        self.ema = copy.deepcopy(self.model).eval().requires_grad_(False)
        self.scheduler = DDPMScheduler(num_train_timesteps=timesteps, beta_schedule="linear", beta_start=1e-4,
                                       beta_end=0.02, clip_sample=True)
        self.opt = torch.optim.AdamW(self.model.parameters(), lr=lr)
        self.batch_size, self.lr, self.warmup = batch_size, lr, warmup_steps
        self.ema_decay, self.clip = ema_decay, grad_clip
        self.timesteps = timesteps
        self.gen = torch.Generator().manual_seed(seed + 1)
        self.step_count = 0
        self.amp_dtype = None

    def step(self) -> float:
        lr = self.lr * min(1.0, (self.step_count + 1) / self.warmup) if self.warmup > 0 else self.lr
        for g in self.opt.param_groups:
            g["lr"] = lr
        self.model.train()
        idx = torch.randint(0, len(self.data), (self.batch_size,), generator=self.gen).to(self.device)
        x0 = self.data[idx]
        t = torch.randint(0, self.timesteps, (self.batch_size,), generator=self.gen).to(self.device)
        noise = torch.randn(x0.shape, generator=self.gen).to(self.device)
        x_t = self.scheduler.add_noise(x0, noise, t)
        with torch.autocast(self.device.type, dtype=self.amp_dtype, enabled=self.amp_dtype is not None):
            pred = self.model(x_t, t).sample
            loss = torch.nn.functional.mse_loss(pred.float(), noise)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.clip)
        self.opt.step()
        self.step_count += 1
        with torch.no_grad():
            decay = min(self.ema_decay, (1 + self.step_count) / (10 + self.step_count))
            torch._foreach_lerp_(list(self.ema.parameters()), [p.detach() for p in self.model.parameters()],
                                 1.0 - decay)
        return float(loss.detach())

    def train_for(self, seconds: float) -> int:
        """Train for ``seconds`` of wall time (checked between steps, like ``TrainingSession.run(time_budget=)``)."""
        start = time.monotonic()
        done = 0
        while time.monotonic() - start < seconds:
            self.step()
            done += 1
        return done

    @torch.no_grad()
    def sample(self, n: int, steps: int = 50, seed: int = 0, batch: int = 500) -> torch.Tensor:
        """DDIM (eta 0, trailing spacing, x0 clipped) with the EMA weights."""
        sched = DDIMScheduler(num_train_timesteps=self.timesteps, beta_schedule="linear", beta_start=1e-4,
                              beta_end=0.02, clip_sample=True, timestep_spacing="trailing", set_alpha_to_one=False)
        sched.set_timesteps(steps)
        gen = torch.Generator().manual_seed(seed)
        out = []
        for start in range(0, n, batch):
            m = min(batch, n - start)
            x = torch.randn((m, *self.data.shape[1:]), generator=gen).to(self.device)
            for t in sched.timesteps:
                eps = self.ema(x, t.to(self.device).expand(m)).sample
                x = sched.step(eps, t, x).prev_sample
            out.append(x.float().cpu())
        return torch.cat(out)
