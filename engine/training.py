"""Trainer: one optimizer step at a time, with everything a lab needs to watch it learn.

``Trainer.step()`` samples a batch, computes the diffusion loss (engine/diffusion.py), takes one AdamW step with
linear LR warmup, gradient clipping and an EMA of the weights, and returns plain :class:`StepMetrics` (python floats
and small numpy arrays) that any thread can consume. A NaN/inf loss or an exploding gradient raises
:class:`TrainingStopped` *before* the optimizer touches the weights, so the last good weights are always kept.
"""
from __future__ import annotations

import copy
import dataclasses
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import torch

from engine.config import ExperimentConfig, SamplingConfig
from engine.diffusion import diffusion_loss
from engine.errors import ConfigError, TrainingStopped
from engine.guidance_study import parse_sweep
from engine.loss_by_t import LossByT, LossByTRow, first_interval
from engine.samplers import Denoiser, Frame, final_sample, model_denoiser, run_sampler
from engine.schedules import NoiseSchedule

PREVIEW_PER_CLASS = 6  # images per class (one grid row each) in a conditional model's training preview


def resolve_device(name: str = "auto") -> torch.device:
    """``auto`` picks CUDA, then Apple MPS, then the CPU. An explicit device that is absent is a
    :class:`ConfigError` on ``training.device`` (a value the user can change), not a training failure."""
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ConfigError("training.device", "cuda was requested but no CUDA device is available; use auto or cpu")
    if name == "mps" and not (getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()):
        raise ConfigError("training.device", "mps was requested but Apple MPS is not available; use auto or cpu")
    return torch.device(name)


def device_description(device: torch.device) -> str:
    """A human name for the device, e.g. ``cpu (2 threads)`` or ``cuda: NVIDIA H100 80GB HBM3``."""
    if device.type == "cuda":
        return f"cuda: {torch.cuda.get_device_name(device)}"
    if device.type == "mps":
        return "mps: Apple GPU"
    return f"cpu ({torch.get_num_threads()} threads)"


@dataclass
class StepMetrics:
    step: int  # optimizer steps done so far, after this one
    loss: float
    t: np.ndarray  # int64 (B,) timesteps of this batch
    per_sample_loss: np.ndarray  # float32 (B,)
    grad_norm: float
    lr: float
    step_time: float  # seconds of wall time for this step
    batch_size: int
    loss_by_t_row: LossByTRow | None = None  # the loss-by-timestep row this step closed, if any


@dataclass
class LossHistory:
    """Per-step training record; what the loss plot, loss.csv and checkpoints carry."""

    step: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)
    wall_time: list[float] = field(default_factory=list)  # seconds since the first step of this history
    by_t: LossByT | None = None  # loss by timestep over training (engine/loss_by_t.py); None before the first step

    def append(self, m: StepMetrics, wall: float) -> None:
        self.step.append(m.step)
        self.loss.append(m.loss)
        self.lr.append(m.lr)
        self.grad_norm.append(m.grad_norm)
        self.wall_time.append(wall)

    def to_dict(self) -> dict[str, list]:
        out = {"step": self.step, "loss": self.loss, "lr": self.lr, "grad_norm": self.grad_norm,
               "wall_time": self.wall_time}
        if self.by_t is not None:
            out["loss_by_t"] = self.by_t.to_dict()
        return out

    @classmethod
    def from_dict(cls, raw: dict) -> LossHistory:
        keys = ("step", "loss", "lr", "grad_norm", "wall_time")
        by_t = LossByT.from_dict(raw["loss_by_t"]) if raw.get("loss_by_t") else None  # older checkpoints: none
        return cls(**{k: list(raw.get(k, [])) for k in keys}, by_t=by_t)

    def __len__(self) -> int:
        return len(self.step)

    def to_csv(self) -> str:
        lines = ["step,loss,lr,grad_norm,wall_time"]
        lines += [f"{s},{l:.8g},{r:.8g},{g:.8g},{w:.4f}" for s, l, r, g, w in
                  zip(self.step, self.loss, self.lr, self.grad_norm, self.wall_time)]
        return "\n".join(lines) + "\n"


class Trainer:
    """Owns the dataset, schedule, model, EMA model and optimizer of one experiment."""

    def __init__(self, config: ExperimentConfig, dataset=None, device: str | torch.device | None = None):
        from engine.data import load_dataset
        from engine.models import build_model

        self.config = config.validate().copy()
        tr = self.config.training
        # a device named by the caller (CLI --device) is checked like the config's: 'cuda' without CUDA is a
        # ConfigError, not an AssertionError from torch (found by tests/fuzz/test_fuzz_cli.py)
        self.device = device if isinstance(device, torch.device) else resolve_device(device or tr.device)
        self.device_name = device_description(self.device)
        torch.manual_seed(tr.seed)  # model init
        self.dataset = dataset if dataset is not None else load_dataset(self.config.data, seed=tr.seed)
        if self.config.model.class_conditional and not self.dataset.num_classes:  # caught before any training
            raise ConfigError("model.class_conditional", self.dataset.unlabelled_problem())
        self.schedule = NoiseSchedule.from_config(self.config.schedule)
        self.model = build_model(self.config.model, self.dataset.info).to(self.device)
        self.ema_model = copy.deepcopy(self.model).eval().requires_grad_(False)
        # foreach: one multi-tensor kernel per update instead of a Python loop over parameters; torch picks it by
        # itself only on CUDA, and on CPU the loop cost ~8% of a tiny-UNet step (10.3 -> 6.3 ms per update)
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=tr.lr, weight_decay=tr.weight_decay,
                                           foreach=True)
        self.generator = torch.Generator().manual_seed(tr.seed + 1)  # batches, t and noise, drawn on the CPU
        self._data = self.dataset.x.to(self.device)
        self._labels = self.dataset.labels.to(self.device) if self.dataset.labels is not None else None
        self.conditional = bool(getattr(self.model, "class_conditional", False))
        self.num_classes = int(self.dataset.num_classes)
        self.step_count = 0
        self.history = LossHistory()
        # Multi-process hooks, set by engine/distributed.py's distribute_trainer; None in a single process:
        self.forward_model: torch.nn.Module | None = None  # runs the training forward (a DDP wrapper of model)
        self.loss_reducer = None  # loss tensor -> the value reported and checked (the mean over ranks)
        self._wall_origin: float | None = None
        # Mixed precision only on CUDA: bf16 where supported (no loss scaling needed), else fp16 with a GradScaler.
        self.amp_dtype = None
        if tr.amp and self.device.type == "cuda":
            self.amp_dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        self.scaler = torch.amp.GradScaler("cuda") if self.amp_dtype == torch.float16 else None

    # ---------------------------------------------------------------- training
    def lr_at(self, step: int) -> float:
        """Linear warmup from 0 to ``lr`` over ``warmup_steps``, then constant."""
        tr = self.config.training
        if tr.warmup_steps <= 0:
            return tr.lr
        return tr.lr * min(1.0, (step + 1) / tr.warmup_steps)

    def _batch(self) -> tuple[torch.Tensor, torch.Tensor | None]:
        tr = self.config.training
        idx = torch.randint(0, self._data.shape[0], (tr.batch_size,), generator=self.generator).to(self.device)
        x0 = self._data[idx]
        y = None
        if self.conditional:
            y = self._labels[idx].clone() if self._labels is not None else None
            if y is None:
                y = torch.full((tr.batch_size,), self.num_classes, device=self.device, dtype=torch.long)
            elif tr.cond_drop_prob > 0:
                # classifier-free guidance training (Ho & Salimans 2022): drop the label to the null class
                drop = torch.rand(tr.batch_size, generator=self.generator).to(self.device) < tr.cond_drop_prob
                y[drop] = self.num_classes
        return x0, y

    def step(self) -> StepMetrics:
        tr = self.config.training
        started = time.perf_counter()
        if self._wall_origin is None:
            self._wall_origin = started - (self.history.wall_time[-1] if len(self.history) else 0.0)
        lr = self.lr_at(self.step_count)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        by_t = self.loss_by_t()
        self.model.train()
        x0, y = self._batch()
        with torch.autocast(self.device.type, dtype=self.amp_dtype, enabled=self.amp_dtype is not None):
            model = self.model if self.forward_model is None else self.forward_model
            result = diffusion_loss(model, self.schedule, x0, prediction=tr.prediction,
                                    weighting=tr.loss_weighting, gamma=tr.min_snr_gamma, y=y,
                                    generator=self.generator)
        loss = result.loss.detach()
        loss_value = float(loss if self.loss_reducer is None else self.loss_reducer(loss))
        if not math.isfinite(loss_value):
            self.optimizer.zero_grad(set_to_none=True)
            raise TrainingStopped(f"loss became {loss_value} at step {self.step_count + 1}; training stopped and the "
                                  "last good weights were kept (try a lower learning rate or a smaller model)")
        self.optimizer.zero_grad(set_to_none=True)
        if self.scaler is not None:
            self.scaler.scale(result.loss).backward()
            self.scaler.unscale_(self.optimizer)
        else:
            result.loss.backward()
        clip = tr.grad_clip if tr.grad_clip > 0 else float("inf")
        grad_norm = float(torch.nn.utils.clip_grad_norm_(self.model.parameters(), clip, foreach=True))
        if not math.isfinite(grad_norm) or grad_norm > tr.max_grad_norm_explode:
            self.optimizer.zero_grad(set_to_none=True)
            raise TrainingStopped(f"gradients exploded (norm {grad_norm:.3g}) at step {self.step_count + 1}; "
                                  "training stopped and the last good weights were kept (lower the learning rate)")
        if self.scaler is not None:
            self.scaler.step(self.optimizer)
            self.scaler.update()
        else:
            self.optimizer.step()
        self.step_count += 1
        self._update_ema()
        elapsed = time.perf_counter() - started
        metrics = StepMetrics(step=self.step_count, loss=loss_value, t=result.t.cpu().numpy(),
                              per_sample_loss=result.per_sample.float().cpu().numpy(), grad_norm=grad_norm, lr=lr,
                              step_time=elapsed, batch_size=tr.batch_size)
        self.history.append(metrics, time.perf_counter() - self._wall_origin)
        # the losses this step already computed, grouped by their t: no extra forward pass
        metrics.loss_by_t_row = by_t.add(self.step_count, metrics.t, metrics.per_sample_loss)
        return metrics

    def loss_by_t(self) -> LossByT:
        """The history's loss by timestep, started here for a fresh run (or a checkpoint saved before it existed)."""
        if self.history.by_t is None:
            interval = first_interval(self.config.training.batch_size)
            self.history.by_t = LossByT(self.schedule.timesteps, interval=interval, start=self.step_count)
        return self.history.by_t

    @torch.no_grad()
    def _update_ema(self) -> None:
        # Warm the decay up (as in Tarvainen & Valpola 2017 / diffusers' EMAModel) so early samples are not
        # dominated by the random init: decay_k = min(decay, (1 + k) / (10 + k)).
        decay = min(self.config.training.ema_decay, (1 + self.step_count) / (10 + self.step_count))
        ema_params = list(self.ema_model.parameters())
        params = [p.detach() for p in self.model.parameters()]
        torch._foreach_lerp_(ema_params, params, 1.0 - decay)
        for eb, b in zip(self.ema_model.buffers(), self.model.buffers()):
            eb.copy_(b)

    # ---------------------------------------------------------------- sampling
    def denoiser(self, *, use_ema: bool = True, labels: torch.Tensor | None = None,
                 guidance_scale: float | torch.Tensor = 1.0,
                 negative_labels: torch.Tensor | None = None) -> Denoiser:
        """The (EMA) network as a denoiser, with classifier-free guidance for conditional models.

        ``guidance_scale`` is Ho & Salimans' (2022, Eq. 6) guidance weight w plus one, ``guidance_scale = w + 1``:
        the prediction is ``uncond + guidance_scale * (cond - uncond) = (1 + w) cond - w uncond``. This is the
        diffusers / Imagen convention, so 1 means no guidance (the plain conditional model, one forward pass) and
        e.g. 3 is the paper's w = 2. ``negative_labels`` take the place of the null label in ``uncond`` (the
        negative-prompt form, see :func:`engine.samplers.model_denoiser`)."""
        model = self.ema_model if use_ema else self.model
        model.eval()
        null = self.num_classes if self.conditional else None
        return model_denoiser(model, self.schedule, self.config.training.prediction, labels=labels,
                              null_label=null, guidance_scale=guidance_scale,
                              negative_labels=negative_labels if self.conditional else None)

    def sampling_denoiser(self, cfg: SamplingConfig, n: int) -> Denoiser:
        """The denoiser a :class:`SamplingConfig` asks for: its class, negative class and guidance scale, for
        ``n`` samples. The one place that turns those settings into labels (window, CLI sample / export, bench)."""
        return self.denoiser(use_ema=cfg.use_ema, labels=self.class_labels(n, cfg.class_label),
                             guidance_scale=cfg.guidance_scale,
                             negative_labels=self.negative_labels(n, cfg.negative_class))

    def sample_shape(self, n: int) -> tuple[int, ...]:
        return (n, *self.dataset.x.shape[1:])

    def _check_class(self, name: str, value: int, lowest: int) -> None:
        if self.conditional and not lowest <= value < self.num_classes:
            raise ConfigError(f"sampling.{name}", f"must be in [{lowest}, {self.num_classes - 1}] for this model "
                              f"({self.num_classes} classes), got {value}")
        if not self.conditional and value >= 0:
            raise ConfigError(f"sampling.{name}", f"the model is not class-conditional (train it with "
                              f"Class-conditional on), so it has no class {value} to guide towards or away from")

    def class_labels(self, n: int, class_label: int = -1) -> torch.Tensor | None:
        """Labels for conditional sampling: one class (>= 0), every class (-1) or the null label (-2).

        -1 splits the n samples into equal consecutive blocks, sample i getting class floor(i C / n): with n a
        multiple of the C classes, a grid n / C wide shows one class per row."""
        self._check_class("class_label", class_label, -2)
        if not self.conditional or self.num_classes == 0:
            return None
        if class_label >= 0:
            return torch.full((n,), class_label, dtype=torch.long, device=self.device)
        if class_label == -2:
            return torch.full((n,), self.num_classes, dtype=torch.long, device=self.device)
        return torch.arange(n, device=self.device) * self.num_classes // max(n, 1)

    def negative_labels(self, n: int, negative_class: int = -1) -> torch.Tensor | None:
        """The negative class for every sample, or None (-1: guide away from the unconditional model)."""
        self._check_class("negative_class", negative_class, -1)
        if negative_class < 0 or not self.conditional:
            return None
        return torch.full((n,), negative_class, dtype=torch.long, device=self.device)

    def sample(self, sampling: SamplingConfig | None = None, **overrides) -> Iterator[Frame]:
        """A sampler generator over this trainer's model; ``overrides`` replace SamplingConfig fields (n, seed...)."""
        cfg = dataclasses.replace(sampling or self.config.sampling, **overrides)
        if cfg.steps > self.schedule.timesteps:
            raise ValueError(f"sampling.steps must be <= schedule.timesteps ({self.schedule.timesteps}), "
                             f"got {cfg.steps}")
        clip = cfg.clip_x0 and self.dataset.kind == "images"
        n, repeat, denoiser = cfg.n, 1, None
        sweep = parse_sweep(cfg.guidance_sweep)
        if sweep and not self.conditional:
            raise ConfigError("sampling.guidance_sweep", "the model is not class-conditional (train it with "
                              "Class-conditional on): guidance has nothing to sweep")
        if sweep:
            # one row per scale, one column per class, every row from the same x_T: the fidelity / diversity
            # trade-off of Ho & Salimans (2022, Fig. 1) on one grid
            c = self.num_classes
            n, repeat = len(sweep) * c, len(sweep)
            scales = torch.tensor(sweep, dtype=torch.float32, device=self.device).repeat_interleave(c)
            denoiser = self.denoiser(use_ema=cfg.use_ema, labels=torch.arange(n, device=self.device) % c,
                                     guidance_scale=scales, negative_labels=self.negative_labels(n, cfg.negative_class))
        denoiser = denoiser or self.sampling_denoiser(cfg, n)
        return run_sampler(denoiser, self.schedule, self.sample_shape(n), sampler=cfg.sampler, steps=cfg.steps,
                           eta=cfg.eta, variance=cfg.ddpm_variance, clip_x0=clip, spacing=cfg.timestep_spacing,
                           seed=cfg.seed, device=self.device, repeat=repeat)

    def preview_layout(self, n: int | None = None) -> tuple[int, int | None]:
        """(how many samples, images per grid row) of a preview. A conditional image model draws every class in
        turn (class_label -1), ``per_row`` of each, so the grid shows one row per class."""
        is_images = self.dataset.kind == "images"
        if n is None and is_images and self.conditional and self.num_classes:
            per_row = PREVIEW_PER_CLASS
            return self.num_classes * per_row, per_row
        return n or (36 if is_images else 1000), None

    def preview(self, n: int | None = None, steps: int = 20, seed: int = 1234,
                should_stop: Callable[[], bool] | None = None) -> np.ndarray | None:
        """Fast DDIM samples from the EMA model with a fixed seed, so successive previews are comparable.

        Images: a uint8 grid (H, W, C), one row per class for a conditional model. Points: float32 (n, 2), in
        equal consecutive blocks of class for a conditional model (:meth:`class_labels`). ``should_stop`` is polled
        after every sampler step; when it returns true the preview is abandoned and ``None`` is returned (a GUI's
        Stop must not wait for it). Always unguided (s = 1): it shows what the model learned, not a sampling choice.
        """
        from engine.imaging import make_grid, to_uint8

        is_images = self.dataset.kind == "images"
        n, per_row = self.preview_layout(n)
        steps = min(steps, self.schedule.timesteps)
        frames = self.sample(n=n, steps=steps, seed=seed, sampler="ddim", eta=0.0, use_ema=True, class_label=-1,
                             negative_class=-1, guidance_scale=1.0, guidance_sweep="")
        if should_stop is None:
            samples = final_sample(frames)
        else:
            last = None
            for frame in frames:
                if should_stop():
                    return None
                last = frame
            samples = last.x_t
        if is_images:
            return make_grid(to_uint8(samples.float().cpu()), nrow=per_row, padding=1)
        return samples.float().cpu().numpy()
