"""The experiment configuration: one dataclass tree, serialized to JSON, validated in one place.

Every client (GUI form, CLI flags, checkpoint, benchmark) builds an :class:`ExperimentConfig` and calls
:meth:`ExperimentConfig.validate` before any work starts, so a bad value is reported with the field's name and its
allowed range and nothing runs. Each field is declared with :func:`engine.config_fields.setting` (label, help,
allowed range, CLI flag) and each choice field is annotated with a ``Literal``: validation, the window's forms and
the CLI all read that one declaration.
"""
from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from engine.config_fields import Range, all_field_specs, field_spec, setting
from engine.errors import ConfigError

CONFIG_VERSION = 1

# The choices of each choice field, as the Literal its field is annotated with (engine.config_fields reads the
# allowed values from the annotation) and as the tuple other modules import.
PointDataset = Literal["moons", "swissroll", "gaussians8", "circles", "checkerboard", "spiral"]
ImageDataset = Literal["digits", "shapes"]
ScheduleKind = Literal["linear", "cosine", "quadratic", "sigmoid", "scaled_linear"]
Prediction = Literal["eps", "x0", "v"]
LossWeighting = Literal["uniform", "min_snr"]
ModelPreset = Literal["tiny", "small", "base"]
Device = Literal["auto", "cpu", "cuda", "mps"]
Sampler = Literal["ddpm", "ddim", "dpmpp_2m", "euler", "heun"]
DdpmVariance = Literal["beta", "beta_tilde"]
TimestepSpacing = Literal["trailing", "leading", "linspace"]
Channels = Literal[0, 1, 3]

POINT_DATASETS: tuple[str, ...] = get_args(PointDataset)
# the built-in 2-D sets with one label per component (engine/data/toy2d.py CLASS_NAMES; a test keeps them equal)
LABELLED_POINT_DATASETS: tuple[str, ...] = ("moons", "gaussians8", "circles", "spiral")
IMAGE_DATASETS: tuple[str, ...] = get_args(ImageDataset)
BUILTIN_DATASETS = POINT_DATASETS + IMAGE_DATASETS
SCHEDULE_KINDS: tuple[str, ...] = get_args(ScheduleKind)
PREDICTIONS: tuple[str, ...] = get_args(Prediction)
LOSS_WEIGHTINGS: tuple[str, ...] = get_args(LossWeighting)
MODEL_PRESETS: tuple[str, ...] = get_args(ModelPreset)
DEVICES: tuple[str, ...] = get_args(Device)
SAMPLERS: tuple[str, ...] = get_args(Sampler)
DDPM_VARIANCES: tuple[str, ...] = get_args(DdpmVariance)
TIMESTEP_SPACINGS: tuple[str, ...] = get_args(TimestepSpacing)

UNIT_OPEN = Range(0, 1, lo_open=True, hi_open=True)
SEEDS = Range(0, 2**63 - 1)


def is_point_dataset(name: str) -> bool:
    """True for the built-in 2-D sets and for user point files (``.csv`` / ``.npy`` holding an (N, 2) array)."""
    if name in POINT_DATASETS:
        return True
    lowered = name.lower()
    return lowered.endswith((".csv", ".txt")) or lowered.endswith(".points.npy")


@dataclass
class DataConfig:
    dataset: str = setting(
        "moons", label="Dataset", help="A built-in set, or a folder of images / an image or data file",
        cli_flag="--dataset", allowed=f"a built-in dataset ({', '.join(BUILTIN_DATASETS)}) or a path")
    image_size: int = setting(
        0, label="Image size", help="Side of the square training images in pixels; 0 keeps the source's size",
        range=Range(4, 256, or_zero=True), cli_flag="--image-size")
    channels: Channels = setting(
        0, label="Channels", help="Native, or force grey (1) / RGB (3)", cli_flag="--channels",
        allowed="0 (native), 1 or 3", choice_labels={0: "native", 1: "1 · grey", 3: "3 · RGB"})
    n_points: int = setting(8192, label="Points", help="How many 2-D points are drawn from the toy distribution",
                            range=Range(16, 1_000_000))
    max_items: int = setting(0, label="Max items", help="Use a random subset of this many images; 0 uses them all",
                             range=Range(1, 10_000_000, or_zero=True))


@dataclass
class ScheduleConfig:
    kind: ScheduleKind = setting(
        "linear", label="Schedule", help="How the noise variance β_t grows with t", cli_flag="--schedule",
        choice_help={
            "linear": "β linear in t from β start to β end (Ho et al. 2020)",
            "cosine": "ᾱ_t follows a squared cosine; β start and β end are not used (Nichol & Dhariwal 2021)",
            "quadratic": "β = β start + (β end − β start)·(t/T)²: quadratic in t, slow start, fast end. "
                         "Not Ho et al.'s \"quad\", which is linear in √β: that one is scaled_linear here",
            "sigmoid": "β follows a logistic ramp over [−6, 6], renormalized to start exactly at β start and end "
                       "exactly at β end; diffusers' \"sigmoid\" (GeoDiff, Xu et al. 2022) is not renormalized, "
                       "so its first and last β miss the endpoints by about 0.25% of the span",
            "scaled_linear": "β linear in √β from β start to β end: Stable Diffusion's scaled_linear, and what "
                             "Ho et al.'s code calls \"quad\"",
        })
    timesteps: int = setting(1000, label="Timesteps T", help="Number of diffusion steps (Ho et al. use 1000)",
                             range=Range(1, 100_000), cli_flag="--timesteps")
    beta_start: float = setting(1e-4, label="β start", help="β_1, the variance added at the first step",
                                range=UNIT_OPEN, cli_flag="--beta-start")
    beta_end: float = setting(0.02, label="β end", help="β_T, the variance added at the last step",
                              range=UNIT_OPEN, cli_flag="--beta-end")
    cosine_s: float = setting(0.008, label="Cosine offset s",
                              help="Small offset s of the cosine schedule (Nichol & Dhariwal 2021)",
                              range=Range(0, 1, lo_open=True))
    zero_terminal_snr: bool = setting(
        False, label="Zero terminal SNR", cli_flag="--zero-terminal-snr",
        help="Rescale so that ᾱ_T = 0: the last step is pure noise (Lin et al. 2024)")


@dataclass
class ModelConfig:
    preset: ModelPreset = setting("small", label="Preset", cli_flag="--model",
                                  help="Network size: an MLP for 2-D points, a UNet for images")
    class_conditional: bool = setting(
        False, label="Class-conditional", help="Feed the class label to the network (classifier-free guidance)",
        cli_flag="--class-conditional")
    dropout: float = setting(0.0, label="Dropout", help="Dropout probability inside residual blocks",
                             range=Range(0, 1, hi_open=True))


@dataclass
class TrainingConfig:
    steps: int = setting(3000, label="Steps", help="Optimizer steps to train", range=Range(1, 10_000_000),
                         cli_flag="--steps")
    batch_size: int = setting(256, label="Batch size", help="Samples per optimizer step", range=Range(1, 65_536),
                              cli_flag="--batch-size")
    lr: float = setting(1e-3, label="Learning rate", help="AdamW learning rate, e.g. 1e-3 or 2e-4",
                        range=Range(0, 1, lo_open=True), cli_flag="--lr")
    warmup_steps: int = setting(100, label="Warm-up steps", help="Linear learning-rate warm-up at the start",
                                range=Range(0, 10_000_000))
    weight_decay: float = setting(0.0, label="Weight decay", help="AdamW weight decay", range=Range(0, 1))
    grad_clip: float = setting(1.0, label="Gradient clip", help="Clip the gradient norm to this value (0 = off)",
                               range=Range(0, 1e6))
    ema_decay: float = setting(0.995, label="EMA decay",
                               help="Exponential moving average of the weights used for sampling",
                               range=Range(0, 1, hi_open=True), cli_flag="--ema-decay")
    prediction: Prediction = setting("eps", label="Prediction",
                                     help="What the network predicts: the noise ε, the clean x₀, or v",
                                     cli_flag="--prediction")
    loss_weighting: LossWeighting = setting(
        "uniform", label="Loss weighting", help="uniform (Ho et al.'s simple loss) or Min-SNR-γ (Hang et al.)",
        cli_flag="--loss-weighting")
    min_snr_gamma: float = setting(5.0, label="Min-SNR γ", help="Clamp of the SNR weight for min_snr loss weighting",
                                   range=Range(0, 1e6, lo_open=True))
    # Ho & Salimans (2022, Sec. 4) found p_uncond = 0.1 or 0.2 best on ImageNet; 0.1 also guides well on the lab's
    # digits (tests/engine/test_guidance.py's slow test checks a brief digits run)
    cond_drop_prob: float = setting(
        0.1, label="Label dropout p_uncond",
        help="Probability that a training label is replaced by the null label, so the one network also learns the "
             "unconditional model that classifier-free guidance needs (Ho & Salimans use 0.1 or 0.2)",
        range=Range(0, 1, hi_open=True), cli_flag="--p-uncond")
    seed: int = setting(0, label="Seed", help="Seed for data, initialization and noise: same seed, same run",
                        range=SEEDS, cli_flag="--seed")
    device: Device = setting("auto", label="Device",
                             help="Where to train: auto picks CUDA, then Apple MPS, then the CPU", cli_flag="--device")
    amp: bool = setting(True, label="Mixed precision", help="Use automatic mixed precision (CUDA only)")
    preview_every: int = setting(250, label="Preview every",
                                 help="Steps between preview samples in the window (0 = never)",
                                 range=Range(1, 10_000_000, or_zero=True))
    quality_every: int = setting(250, label="Quality every",
                                 help="Minimum steps between live quality scores of EMA samples against real data "
                                      "(kept under ~10% of training time; 0 = off). Saved as quality.csv",
                                 range=Range(1, 10_000_000, or_zero=True), cli_flag="--quality-every")
    time_budget: float = setting(0.0, label="Time budget (s)",
                                 help="Stop training after this many seconds of wall time (0 = no limit)",
                                 range=Range(0, 1e7), cli_flag="--time-budget")
    max_grad_norm_explode: float = setting(
        1e4, label="Exploding gradient norm", help="A gradient norm above this stops training (exploding gradients)",
        range=Range(0, 1e30, lo_open=True))


@dataclass
class SamplingConfig:
    sampler: Sampler = setting(
        "ddim", label="Sampler", help="How the reverse process steps from x_T to x_0", cli_flag="--sampler",
        choice_labels={"ddpm": "DDPM", "ddim": "DDIM", "dpmpp_2m": "DPM++ (2M)", "euler": "Euler", "heun": "Heun"},
        choice_help={
            "ddpm": "Ancestral sampling (Ho et al. 2020, Algorithm 2): stochastic, one evaluation per step",
            "ddim": "DDIM (Song et al. 2021, Eq. 12): deterministic at η = 0, stochastic up to η = 1",
            "dpmpp_2m": "DPM-Solver++(2M) (Lu et al. 2022): deterministic, second order, one evaluation per step",
            "euler": "Euler on the probability-flow ODE in σ (Karras et al. 2022): equals DDIM at η = 0",
            "heun": "Heun (Karras et al. 2022, Algorithm 1): second order, two evaluations per step but the last",
        })
    steps: int = setting(50, label="Sampling steps",
                         help="Sampler steps (one model evaluation each, two for heun); fewer than T respaces "
                              "the chain",
                         range=Range(1, 100_000), cli_flag="--steps")
    eta: float = setting(0.0, label="η", help="DDIM noise: 0 is deterministic, 1 matches DDPM's β̃ variance",
                         range=Range(0, 1), cli_flag="--eta")
    n: int = setting(64, label="Samples", help="How many samples to draw", range=Range(1, 100_000), cli_flag="--n")
    seed: int = setting(0, label="Seed", help="Seed of the starting noise: same seed, same samples", range=SEEDS,
                        cli_flag="--seed")
    use_ema: bool = setting(True, label="Use EMA weights", help="Sample with the EMA of the weights (usually better)")
    clip_x0: bool = setting(True, label="Clip x₀",
                            help="Clip the predicted x₀ to [-1, 1]; only for images, 2-D data is never clipped")
    ddpm_variance: DdpmVariance = setting(
        "beta_tilde", label="DDPM variance",
        help="σ_t² of the DDPM step: β_t or the posterior β̃_t (Ho et al., Sec. 3.2)")
    timestep_spacing: TimestepSpacing = setting(
        "trailing", label="Timestep spacing", help="Which of the T timesteps a shorter chain visits")
    guidance_scale: float = setting(
        1.0, label="Guidance scale",
        help="Classifier-free guidance s: 1 = plain conditional, 0 = unconditional, s = 1 + w in Ho & Salimans' "
             "(2022) notation; larger s trades diversity for fidelity",
        range=Range(0, 100), cli_flag="--guidance-scale")
    class_label: int = setting(
        -1, label="Class",
        help="Class to sample; -1 = every class, in equal consecutive blocks (one grid row each); -2 = no class "
             "(the null label: unconditional, or 'anything but' the negative class)",
        range=Range(-2, 1_000_000), cli_flag="--class-label", cli_aliases=("--class",))
    negative_class: int = setting(
        -1, label="Negative class",
        help="Guide away from this class instead of from the unconditional model: ε_neg + s (ε_class − ε_neg); "
             "-1 = none",
        range=Range(-1, 1_000_000), cli_flag="--negative-class")
    guidance_sweep: str = setting(
        "", label="Guidance sweep",
        help="Scales s separated by commas, e.g. 0, 1, 2, 4, 8: one grid row per s and one column per class, every "
             "row from the same x_T (replaces Samples, Class and Guidance scale); empty = off",
        cli_flag="--guidance-sweep", allowed="scales in [0, 100] separated by commas, or empty")


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
    def from_dict(cls, raw: dict[str, Any]) -> ExperimentConfig:
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
                key = unknown[0] if unknown[0].isidentifier() else repr(unknown[0])  # "\n" stays on one line
                raise ConfigError(f"{f.name}.{key}", "unknown field")
            values = {}
            for key, value in given.items():
                values[key] = _coerce(f"{f.name}.{key}", value, known[key].type, getattr(section_cls(), key))
            sections[f.name] = section_cls(**values)
        return cls(**sections, version=CONFIG_VERSION)

    @classmethod
    def from_json(cls, text: str) -> ExperimentConfig:
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError("config", f"not valid JSON ({exc.msg} at line {exc.lineno})") from None
        except (ValueError, RecursionError) as exc:  # a 5000-digit number, or arrays nested 100 000 deep
            raise ConfigError("config", f"not usable JSON ({str(exc).split(';')[0]})") from None
        return cls.from_dict(raw)

    @classmethod
    def load(cls, path: str | Path) -> ExperimentConfig:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError("config", f"cannot read {path}: {exc}") from None
        return cls.from_json(text)

    def save(self, path: str | Path) -> None:
        from engine.atomic import atomic_write_text

        atomic_write_text(path, self.to_json())

    def copy(self) -> ExperimentConfig:
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
        # each field's own range or choices, read from its setting() metadata (engine/config_fields.py)
        for spec in all_field_specs():
            value = getattr(getattr(self, spec.section), spec.key)
            if spec.path == "data.dataset":
                if not isinstance(value, str) or not value.strip():
                    out.append(ConfigError(spec.path, f"must name {spec.allowed}"))
                continue
            problem = spec.problem(value)
            if problem:
                out.append(ConfigError(spec.path, problem))

        # combinations that cannot work, caught before any training starts
        if (s.kind in ("linear", "quadratic", "sigmoid", "scaled_linear")
                and _is_num(s.beta_start) and _is_num(s.beta_end) and s.beta_start > s.beta_end):
            out.append(ConfigError("schedule.beta_start",
                                   f"must be <= schedule.beta_end ({s.beta_end:g}) for a {s.kind} schedule, "
                                   f"got {s.beta_start:g}"))
        if _is_int(sa.steps) and _is_int(s.timesteps) and sa.steps > s.timesteps:
            out.append(ConfigError("sampling.steps",
                                   f"must be <= schedule.timesteps ({s.timesteps}) for {sa.sampler}, got {sa.steps}"))
        if s.zero_terminal_snr and tr.prediction == "eps":
            out.append(ConfigError("training.prediction",
                                   "eps prediction is undefined at zero terminal SNR (alpha_bar_T = 0); "
                                   "use v or x0 (Lin et al. 2024, Sec. 3.2)"))
        if _is_int(sa.negative_class) and sa.negative_class >= 0 and sa.negative_class == sa.class_label:
            out.append(ConfigError("sampling.negative_class",
                                   f"must differ from sampling.class_label ({sa.class_label}): guiding away from "
                                   "the class itself cancels the guidance"))
        if not isinstance(sa.guidance_sweep, str):
            out.append(ConfigError("sampling.guidance_sweep", f"must be a text of scales, got {sa.guidance_sweep!r}"))
        else:
            from engine.guidance_study import parse_sweep

            try:
                parse_sweep(sa.guidance_sweep)
            except ValueError as exc:
                out.append(ConfigError("sampling.guidance_sweep", str(exc)))
        if isinstance(d.dataset, str) and self.is_points:
            if m.class_conditional and d.dataset not in LABELLED_POINT_DATASETS:
                out.append(ConfigError("model.class_conditional",
                                       f"dataset {d.dataset!r} has no labels (the labelled 2-D sets are "
                                       f"{', '.join(LABELLED_POINT_DATASETS)}); turn class conditioning off"))
        elif _is_int(d.image_size) and d.image_size:
            factor = downsampling_factor(m.preset) if m.preset in MODEL_PRESETS else 1
            if d.image_size % factor:
                out.append(ConfigError("data.image_size",
                                       f"must be divisible by {factor} (the {m.preset} UNet halves the size "
                                       f"{int(math.log2(factor))} times), got {d.image_size}"))
        return out

    def validate(self) -> ExperimentConfig:
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
    problem = field_spec(name).problem(value)
    return ConfigError(name, problem) if problem else None


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
