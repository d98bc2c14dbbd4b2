"""The ``diffusers`` peer: ``UNet2DModel`` + ``DDPMScheduler`` (training) / ``DDIMScheduler`` (sampling), trained the
way the lab trains (same data, batch, AdamW, lr warmup, grad clip, EMA with warm-up) so the comparison isolates the
model and scheduler implementations. Import-guarded: without diffusers every entry point reports
``"diffusers not installed"``.
"""
from __future__ import annotations

import copy
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


def _build(width: int, channels: int, size: int, layers: int = 2) -> torch.nn.Module:
    return UNet2DModel(sample_size=size, in_channels=channels, out_channels=channels,
                       block_out_channels=(width, 2 * width, 2 * width), layers_per_block=layers,
                       down_block_types=("DownBlock2D", "DownBlock2D", "AttnDownBlock2D"),
                       up_block_types=("AttnUpBlock2D", "UpBlock2D", "UpBlock2D"), norm_num_groups=8)


def matched_unet(target_params: int, channels: int, size: int) -> tuple[torch.nn.Module, dict]:
    """The 3-level UNet2DModel (widths w, 2w, 2w; attention at the coarsest level; 2 blocks per level, diffusers'
    default) whose parameter count is nearest ``target_params``; w a multiple of 8."""
    best = None
    for width in range(8, 257, 8):
        with torch.device("meta"):
            n = sum(p.numel() for p in _build(width, channels, size).parameters())
        if best is None or abs(n - target_params) < abs(best[1] - target_params):
            best = (width, n)
        if n > target_params * 1.5:
            break
    width, n = best
    model = _build(width, channels, size)
    return model, {"width": width, "params": int(n), "layers_per_block": 2,
                   "block_out_channels": [width, 2 * width, 2 * width]}


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
