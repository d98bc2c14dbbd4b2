"""The experiment configuration: one dataclass tree, serialized to JSON, validated in one place.

Every client (GUI form, CLI flags, checkpoint, benchmark) builds an :class:`ExperimentConfig` and calls
:meth:`ExperimentConfig.validate` before any work starts, so a bad value is reported with the field's name and its
allowed range and nothing runs.
"""
from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.errors import ConfigError

CONFIG_VERSION = 1

POINT_DATASETS = ("moons", "swissroll", "gaussians8", "circles", "checkerboard", "spiral")
IMAGE_DATASETS = ("digits", "shapes")
BUILTIN_DATASETS = POINT_DATASETS + IMAGE_DATASETS
SCHEDULE_KINDS = ("linear", "cosine", "quadratic", "sigmoid", "scaled_linear")
PREDICTIONS = ("eps", "x0", "v")
LOSS_WEIGHTINGS = ("uniform", "min_snr")
MODEL_PRESETS = ("tiny", "small", "base")
DEVICES = ("auto", "cpu", "cuda", "mps")
SAMPLERS = ("ddpm", "ddim", "dpmpp_2m", "euler", "heun")
DDPM_VARIANCES = ("beta", "beta_tilde")
TIMESTEP_SPACINGS = ("trailing", "leading", "linspace")


def is_point_dataset(name: str) -> bool:
    """True for the built-in 2-D sets and for user point files (``.csv`` / ``.npy`` holding an (N, 2) array)."""
    if name in POINT_DATASETS:
        return True
    lowered = name.lower()
    return lowered.endswith((".csv", ".txt")) or lowered.endswith(".points.npy")


@dataclass
class DataConfig:
    dataset: str = "moons"  # a built-in name or a path (image folder, image file, IDX, .npy/.npz, points .csv)
    image_size: int = 0  # 0 = the source's native size (digits 8, shapes 16, folders 32, IDX/npz as stored)
    channels: int = 0  # 0 = native; 1 (grayscale) or 3 (RGB)
    n_points: int = 8192  # samples drawn from a 2-D set
    max_items: int = 0  # 0 = every item of an image source


@dataclass
class ScheduleConfig:
    kind: str = "linear"
    timesteps: int = 1000
    beta_start: float = 1e-4
    beta_end: float = 0.02
    cosine_s: float = 0.008
    zero_terminal_snr: bool = False


@dataclass
class ModelConfig:
    preset: str = "small"
    class_conditional: bool = False
    dropout: float = 0.0


@dataclass
class TrainingConfig:
    steps: int = 3000
    batch_size: int = 256
    lr: float = 1e-3
    warmup_steps: int = 100
    weight_decay: float = 0.0
    grad_clip: float = 1.0
    ema_decay: float = 0.995
    prediction: str = "eps"
    loss_weighting: str = "uniform"
    min_snr_gamma: float = 5.0
    cond_drop_prob: float = 0.1  # classifier-free guidance: how often the label is replaced by the null label
    seed: int = 0
    device: str = "auto"
    amp: bool = True  # mixed precision; only ever used on CUDA
    preview_every: int = 250  # steps between preview samples in the window
    time_budget: float = 0.0  # seconds of wall time; 0 = no limit
    max_grad_norm_explode: float = 1e4  # a gradient norm above this stops training (exploding gradients)


@dataclass
class SamplingConfig:
    sampler: str = "ddim"
    steps: int = 50
    eta: float = 0.0
    n: int = 64
    seed: int = 0
    use_ema: bool = True
    clip_x0: bool = True  # only for images (data in [-1, 1]); 2-D data is standardized, never clipped
    ddpm_variance: str = "beta_tilde"
    timestep_spacing: str = "trailing"
    guidance_scale: float = 1.0
    class_label: int = -1  # -1 = cycle through the classes


@dataclass
class ExperimentConfig:
    data: DataConfig = field(default_factory=DataConfig)
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    training: TrainingConfig = field(default_factory=TrainingConfig)
    sampling: SamplingConfig = field(default_factory=SamplingConfig)
    version: int = CONFIG_VERSION

    # ----------------------------------------------------------------- serialization
    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=False)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> "ExperimentConfig":
        if not isinstance(raw, dict):
            raise ConfigError("config", f"expected a JSON object, got {type(raw).__name__}")
        version = raw.get("version", CONFIG_VERSION)
        if not isinstance(version, int) or version > CONFIG_VERSION:
            raise ConfigError(
                "version",
                f"this config was written by a newer Diffusion Lab (config version {version}); "
                f"this one reads versions up to {CONFIG_VERSION}",
            )
        sections = {}
        for f in dataclasses.fields(cls):
            if f.name == "version":
                continue
            section_cls = f.default_factory  # type: ignore[misc]
            given = raw.get(f.name, {})
            if not isinstance(given, dict):
                raise ConfigError(f.name, f"expected an object, got {type(given).__name__}")
            known = {sf.name: sf for sf in dataclasses.fields(section_cls)}
            unknown = sorted(set(given) - set(known))
            if unknown:
                raise ConfigError(f"{f.name}.{unknown[0]}", "unknown field")
            values = {}
            for key, value in given.items():
                values[key] = _coerce(f"{f.name}.{key}", value, known[key].type, getattr(section_cls(), key))
            sections[f.name] = section_cls(**values)
        return cls(**sections, version=CONFIG_VERSION)

    @classmethod
    def from_json(cls, text: str) -> "ExperimentConfig":
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError("config", f"not valid JSON ({exc.msg} at line {exc.lineno})") from None
        return cls.from_dict(raw)

    @classmethod
    def load(cls, path: str | Path) -> "ExperimentConfig":
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError("config", f"cannot read {path}: {exc}") from None
        return cls.from_json(text)

    def save(self, path: str | Path) -> None:
        from engine.atomic import atomic_write_text

        atomic_write_text(path, self.to_json())

    def copy(self) -> "ExperimentConfig":
        return ExperimentConfig.from_dict(self.to_dict())

    # ----------------------------------------------------------------- derived facts
    @property
    def is_points(self) -> bool:
        return is_point_dataset(self.data.dataset)

    # ----------------------------------------------------------------- validation
    def errors(self) -> list[ConfigError]:
        """Every problem with this config, each naming its field and the allowed range."""
        out: list[ConfigError] = []
        d, s, m, tr, sa = self.data, self.schedule, self.model, self.training, self.sampling

        def check(name: str, value: Any, lo: float, hi: float, *, integer: bool = False,
                  lo_open: bool = False, hi_open: bool = False, allow_zero: bool = False) -> None:
            bracket_lo, bracket_hi = ("(" if lo_open else "["), (")" if hi_open else "]")
            rng = f"{bracket_lo}{lo:g}, {hi:g}{bracket_hi}" + (" or 0" if allow_zero else "")
            kind = "an integer" if integer else "a number"
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                out.append(ConfigError(name, f"must be {kind} in {rng}, got {value!r}"))
                return
            if integer and not float(value).is_integer():
                out.append(ConfigError(name, f"must be {kind} in {rng}, got {value!r}"))
                return
            if not math.isfinite(value):
                out.append(ConfigError(name, f"must be {kind} in {rng}, got {value!r}"))
                return
            if allow_zero and value == 0:
                return
            below = value <= lo if lo_open else value < lo
            above = value >= hi if hi_open else value > hi
            if below or above:
                out.append(ConfigError(name, f"must be {kind} in {rng}, got {value!r}"))

        def choice(name: str, value: Any, allowed: tuple[str, ...]) -> None:
            if value not in allowed:
                out.append(ConfigError(name, f"must be one of {', '.join(allowed)}; got {value!r}"))

        # data
        if not isinstance(d.dataset, str) or not d.dataset.strip():
            out.append(ConfigError("data.dataset", "must name a built-in dataset "
                                   f"({', '.join(BUILTIN_DATASETS)}) or a path"))
        check("data.image_size", d.image_size, 4, 256, integer=True, allow_zero=True)
        if d.channels not in (0, 1, 3):
            out.append(ConfigError("data.channels", f"must be 0 (native), 1 or 3; got {d.channels!r}"))
        check("data.n_points", d.n_points, 16, 1_000_000, integer=True)
        check("data.max_items", d.max_items, 1, 10_000_000, integer=True, allow_zero=True)
        # schedule
        choice("schedule.kind", s.kind, SCHEDULE_KINDS)
        check("schedule.timesteps", s.timesteps, 1, 100_000, integer=True)
        check("schedule.beta_start", s.beta_start, 0, 1, lo_open=True, hi_open=True)
        check("schedule.beta_end", s.beta_end, 0, 1, lo_open=True, hi_open=True)
        check("schedule.cosine_s", s.cosine_s, 0, 1, lo_open=True)
        if (s.kind in ("linear", "quadratic", "sigmoid", "scaled_linear")
                and _is_num(s.beta_start) and _is_num(s.beta_end) and s.beta_start > s.beta_end):
            out.append(ConfigError("schedule.beta_start",
                                   f"must be <= schedule.beta_end ({s.beta_end:g}) for a {s.kind} schedule, "
                                   f"got {s.beta_start:g}"))
        # model
        choice("model.preset", m.preset, MODEL_PRESETS)
        check("model.dropout", m.dropout, 0, 1, hi_open=True)
        # training
        check("training.steps", tr.steps, 1, 10_000_000, integer=True)
        check("training.batch_size", tr.batch_size, 1, 65_536, integer=True)
        check("training.lr", tr.lr, 0, 1, lo_open=True)
        check("training.warmup_steps", tr.warmup_steps, 0, 10_000_000, integer=True)
        check("training.weight_decay", tr.weight_decay, 0, 1)
        check("training.grad_clip", tr.grad_clip, 0, 1e6)
        check("training.ema_decay", tr.ema_decay, 0, 1, hi_open=True)
        choice("training.prediction", tr.prediction, PREDICTIONS)
        choice("training.loss_weighting", tr.loss_weighting, LOSS_WEIGHTINGS)
        check("training.min_snr_gamma", tr.min_snr_gamma, 0, 1e6, lo_open=True)
        check("training.cond_drop_prob", tr.cond_drop_prob, 0, 1, hi_open=True)
        check("training.seed", tr.seed, 0, 2**63 - 1, integer=True)
        choice("training.device", tr.device, DEVICES)
        check("training.preview_every", tr.preview_every, 1, 10_000_000, integer=True, allow_zero=True)
        check("training.time_budget", tr.time_budget, 0, 1e7)
        check("training.max_grad_norm_explode", tr.max_grad_norm_explode, 0, 1e30, lo_open=True)
        # sampling
        choice("sampling.sampler", sa.sampler, SAMPLERS)
        check("sampling.steps", sa.steps, 1, 100_000, integer=True)
        check("sampling.eta", sa.eta, 0, 1)
        check("sampling.n", sa.n, 1, 100_000, integer=True)
        check("sampling.seed", sa.seed, 0, 2**63 - 1, integer=True)
        choice("sampling.ddpm_variance", sa.ddpm_variance, DDPM_VARIANCES)
        choice("sampling.timestep_spacing", sa.timestep_spacing, TIMESTEP_SPACINGS)
        check("sampling.guidance_scale", sa.guidance_scale, 0, 100)
        check("sampling.class_label", sa.class_label, -1, 1_000_000, integer=True)

        # combinations that cannot work, caught before any training starts
        if _is_int(sa.steps) and _is_int(s.timesteps) and sa.steps > s.timesteps:
            out.append(ConfigError("sampling.steps",
                                   f"must be <= schedule.timesteps ({s.timesteps}) for {sa.sampler}, got {sa.steps}"))
        if s.zero_terminal_snr and tr.prediction == "eps":
            out.append(ConfigError("training.prediction",
                                   "eps prediction is undefined at zero terminal SNR (alpha_bar_T = 0); "
                                   "use v or x0 (Lin et al. 2024, Sec. 3.2)"))
        if isinstance(d.dataset, str) and self.is_points:
            if m.class_conditional and d.dataset not in ("gaussians8", "moons", "circles", "spiral"):
                out.append(ConfigError("model.class_conditional",
                                       f"dataset {d.dataset!r} has no labels; turn class conditioning off"))
        elif _is_int(d.image_size) and d.image_size:
            factor = downsampling_factor(m.preset) if m.preset in MODEL_PRESETS else 1
            if d.image_size % factor:
                out.append(ConfigError("data.image_size",
                                       f"must be divisible by {factor} (the {m.preset} UNet halves the size "
                                       f"{int(math.log2(factor))} times), got {d.image_size}"))
        return out

    def validate(self) -> "ExperimentConfig":
        """Raise the first :class:`ConfigError` (all of them are listed in its message); return self if valid."""
        errs = self.errors()
        if errs:
            first = errs[0]
            if len(errs) > 1:
                more = "; ".join(str(e) for e in errs[1:])
                raise ConfigError(first.field, f"{first.message} (also: {more})")
            raise first
        return self


def downsampling_factor(preset: str) -> int:
    """How many times the image UNet of ``preset`` halves the resolution, as a divisor of the image size."""
    from engine.models import unet_downsampling_factor

    return unet_downsampling_factor(preset)


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _range_error(name: str, value: Any) -> ConfigError | None:
    """The validation message (with the allowed range) that ``value`` would get in field ``name``."""
    section, key = name.split(".", 1)
    cfg = ExperimentConfig()
    setattr(getattr(cfg, section), key, value)
    return next((e for e in cfg.errors() if e.field == name), None)


def _coerce(name: str, value: Any, annotation: Any, default: Any) -> Any:
    """Turn a JSON value into the field's type, or raise a ConfigError naming the field (and its range)."""
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        raise ConfigError(name, f"must be true or false, got {value!r}")
    if isinstance(default, int):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise _range_error(name, value) or ConfigError(name, f"must be an integer, got {value!r}")
    if isinstance(default, float):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise _range_error(name, value) or ConfigError(name, f"must be a number, got {value!r}")
    if isinstance(default, str):
        if isinstance(value, str):
            return value
        raise ConfigError(name, f"must be a string, got {value!r}")
    return value
