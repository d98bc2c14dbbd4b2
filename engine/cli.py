"""The headless command line: ``diffusion-lab train | sample | schedule | forward | export``.

Every subcommand runs over the same engine the window uses. Bad arguments exit with status 2 and one line naming
the argument; problems with data or checkpoints exit 1 with one line; never a raw traceback for a user mistake.
"""
from __future__ import annotations

import argparse
import io
import math
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Callable, Sequence

from engine.config import (BUILTIN_DATASETS, DEVICES, MODEL_PRESETS, PREDICTIONS, SAMPLERS, SCHEDULE_KINDS,
                           ExperimentConfig)
from engine.errors import CheckpointError, ConfigError, DataError, TrainingStopped, UserError

# config field -> the flag that sets it, so a ConfigError names what the user typed
FLAG_FOR_FIELD = {
    "data.dataset": "--dataset", "data.image_size": "--image-size", "data.channels": "--channels",
    "schedule.kind": "--schedule", "schedule.timesteps": "--timesteps", "schedule.beta_start": "--beta-start",
    "schedule.beta_end": "--beta-end", "schedule.zero_terminal_snr": "--zero-terminal-snr",
    "training.prediction": "--prediction", "model.preset": "--model", "training.steps": "--steps",
    "training.batch_size": "--batch-size", "training.lr": "--lr", "training.seed": "--seed",
    "training.device": "--device", "training.time_budget": "--time-budget", "training.ema_decay": "--ema-decay",
    "training.loss_weighting": "--loss-weighting", "model.class_conditional": "--class-conditional",
    "sampling.sampler": "--sampler", "sampling.steps": "--steps", "sampling.eta": "--eta", "sampling.n": "--n",
    "sampling.seed": "--seed", "sampling.guidance_scale": "--guidance-scale", "sampling.class_label": "--class-label",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, naming the argument (argparse's own wording does) and its range
        raise UserError(f"{self.prog}: error: {_with_allowed_range(self.prog, message)}", code=2)


# subcommand -> the config sections its flags set, so a flag argparse rejects ('nan', 'abc') still gets its range
_COMMAND_SECTIONS = {"train": ("data", "schedule", "model", "training"), "sample": ("sampling",),
                     "export": ("sampling",), "schedule": ("schedule",), "forward": ("schedule", "data")}
# (subcommand, flag) -> allowed values, for flags that are not config fields (other modules may add theirs)
FLAG_RANGES: dict[tuple[str, str], str] = {
    ("forward", "--t"): "integers in [0, --timesteps] (0 = clean)", ("forward", "--index"): "an integer >= 0",
    ("forward", "--scale"): "an integer in [0, 32] (0 = automatic)",
    ("forward", "--seed"): "an integer in [0, 9.22337e+18]", ("train", "--timelapse-every"): "an integer >= 0",
    ("train", "--channels"): "1 or 3",
}


def allowed_range(command: str, flag: str) -> str | None:
    """What ``flag`` of ``command`` accepts, e.g. ``an integer in [1, 1e+07]`` (taken from the config validation)."""
    import re

    if (command, flag) in FLAG_RANGES:
        return FLAG_RANGES[(command, flag)]
    for field, name in FLAG_FOR_FIELD.items():
        section, key = field.split(".")
        if name != flag or section not in _COMMAND_SECTIONS.get(command, ()):
            continue
        cfg = ExperimentConfig()
        setattr(getattr(cfg, section), key, float("nan"))
        for err in cfg.errors():
            found = re.search(r"must be (.+?)[,;] got", err.message) if err.field == field else None
            if found:
                return found.group(1)
    return None


def _with_allowed_range(prog: str, message: str) -> str:
    import re

    match = re.match(r"argument (--[\w-]+)[^:]*: ", message)
    allowed = allowed_range(prog.split()[-1], match.group(1)) if match else None
    return f"{message} (allowed: {allowed})" if allowed and "invalid choice" not in message else message


def _number(kind):
    """Parse ints/floats ourselves so 'nan', 'inf' and '1e400' get a clear message too."""

    def parse(text: str):
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"must be a finite number, got {text!r}")
        if kind is int:
            if not value.is_integer():
                raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}")
            return int(value)
        return value

    parse.__name__ = kind.__name__
    return parse


INT, FLOAT = _number(int), _number(float)


def build_parser() -> argparse.ArgumentParser:
    from engine.version import __version__

    parser = _Parser(prog="diffusion-lab", description="Diffusion Lab: train and explore small diffusion models.")
    parser.add_argument("--version", action="store_true", help="print versions and the active device, then exit")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p = sub.add_parser("train", help="train a model headless and write a run folder")
    p.add_argument("--dataset", help=f"a built-in set ({', '.join(BUILTIN_DATASETS)}) or a path")
    p.add_argument("--image-size", type=INT)
    p.add_argument("--channels", type=INT, choices=(1, 3))
    p.add_argument("--schedule", choices=SCHEDULE_KINDS)
    p.add_argument("--timesteps", type=INT)
    p.add_argument("--beta-start", type=FLOAT)
    p.add_argument("--beta-end", type=FLOAT)
    p.add_argument("--zero-terminal-snr", action="store_true", default=None)
    p.add_argument("--prediction", choices=PREDICTIONS)
    p.add_argument("--loss-weighting", choices=("uniform", "min_snr"))
    p.add_argument("--model", choices=MODEL_PRESETS)
    p.add_argument("--class-conditional", action="store_true", default=None)
    p.add_argument("--steps", type=INT)
    p.add_argument("--batch-size", type=INT)
    p.add_argument("--lr", type=FLOAT)
    p.add_argument("--ema-decay", type=FLOAT)
    p.add_argument("--seed", type=INT)
    p.add_argument("--device", choices=DEVICES)
    p.add_argument("--time-budget", type=FLOAT, help="stop cleanly after this many seconds of training")
    p.add_argument("--config", help="an experiment JSON file; flags override its values")
    p.add_argument("--resume", action="store_true", help="continue from the checkpoint in --out")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--timelapse-every", type=INT, default=0, metavar="N",
                   help="capture a preview every N steps into RUN/timelapse.npz (for export --what timelapse)")
    p.add_argument("--out", required=True, help="run folder to write (config.json, checkpoint, loss.csv)")

    p = sub.add_parser("sample", help="sample from a trained run")
    p.add_argument("--run", required=True, help="a run folder or checkpoint file")
    p.add_argument("--sampler", choices=SAMPLERS)
    p.add_argument("--steps", type=INT)
    p.add_argument("--eta", type=FLOAT)
    p.add_argument("--n", type=INT)
    p.add_argument("--seed", type=INT)
    p.add_argument("--guidance-scale", type=FLOAT)
    p.add_argument("--class-label", type=INT)
    p.add_argument("--ema", dest="ema", action="store_true", default=None, help="use the EMA weights (default)")
    p.add_argument("--no-ema", dest="ema", action="store_false")
    p.add_argument("--device", choices=DEVICES, default="auto")
    p.add_argument("--trajectory", help="also save the recorded trajectory (.npz) for scrubbing and export")
    p.add_argument("--out", required=True, help=".png grid, .npy samples, or an animation (.gif/.webp/.png/.mp4)")

    p = sub.add_parser("schedule", help="write a noise schedule as CSV (t, beta, alpha, alpha_bar, snr)")
    p.add_argument("--schedule", choices=SCHEDULE_KINDS, required=True)
    p.add_argument("--timesteps", type=INT, default=1000)
    p.add_argument("--beta-start", type=FLOAT, default=1e-4)
    p.add_argument("--beta-end", type=FLOAT, default=0.02)
    p.add_argument("--zero-terminal-snr", action="store_true")
    p.add_argument("--out", required=True)

    p = sub.add_parser("forward", help="a PNG strip of the forward (noising) process at chosen t")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--dataset")
    src.add_argument("--image")
    p.add_argument("--t", type=INT, nargs="+", help="paper timesteps (0 = clean .. T); default: 8 evenly spaced")
    p.add_argument("--index", type=INT, default=0, help="which item of the dataset")
    p.add_argument("--schedule", choices=SCHEDULE_KINDS, default="linear")
    p.add_argument("--timesteps", type=INT, default=1000)
    p.add_argument("--beta-start", type=FLOAT, default=1e-4)
    p.add_argument("--beta-end", type=FLOAT, default=0.02)
    p.add_argument("--image-size", type=INT, default=0)
    p.add_argument("--seed", type=INT, default=0)
    p.add_argument("--scale", type=INT, default=0, help="nearest-neighbour upscale factor (0 = automatic)")
    p.add_argument("--out", required=True)

    try:
        from engine.export import add_export_parser
    except ImportError:
        add_export_parser = None
    if add_export_parser is not None:
        add_export_parser(sub, INT, FLOAT)
    parser.set_defaults(version_string=__version__)
    return parser


# ------------------------------------------------------------------ helpers
def config_error_line(exc: ConfigError) -> str:
    flag = FLAG_FOR_FIELD.get(exc.field)
    return f"{flag} ({exc.field}): {exc.message}" if flag else str(exc)


def _progress(out, step: int, total: int, loss: float, rate: float, elapsed: float) -> None:
    width = 28
    done = int(width * step / max(total, 1))
    eta = (total - step) / rate if rate > 0 else float("nan")
    eta_text = f"{eta:5.0f}s" if math.isfinite(eta) else "    ?"
    out.write(f"\r[{'#' * done}{'.' * (width - done)}] {step}/{total}  loss {loss:.4f}  {rate:6.1f} it/s  "
              f"{elapsed:5.0f}s elapsed  eta {eta_text} ")
    out.flush()


def _train_config(args) -> ExperimentConfig:
    from engine.presets import default_config

    if args.config:
        cfg = ExperimentConfig.load(args.config)
        if args.dataset:
            cfg.data.dataset = args.dataset
    else:
        cfg = default_config(args.dataset or "moons")
    overrides = {
        ("data", "image_size"): args.image_size, ("data", "channels"): args.channels,
        ("schedule", "kind"): args.schedule, ("schedule", "timesteps"): args.timesteps,
        ("schedule", "beta_start"): args.beta_start, ("schedule", "beta_end"): args.beta_end,
        ("schedule", "zero_terminal_snr"): args.zero_terminal_snr,
        ("training", "prediction"): args.prediction, ("training", "loss_weighting"): args.loss_weighting,
        ("model", "preset"): args.model, ("model", "class_conditional"): args.class_conditional,
        ("training", "steps"): args.steps, ("training", "batch_size"): args.batch_size, ("training", "lr"): args.lr,
        ("training", "ema_decay"): args.ema_decay, ("training", "seed"): args.seed,
        ("training", "device"): args.device, ("training", "time_budget"): args.time_budget,
    }
    for (section, name), value in overrides.items():
        if value is not None:
            setattr(getattr(cfg, section), name, value)
    if cfg.sampling.steps > cfg.schedule.timesteps:
        cfg.sampling.steps = cfg.schedule.timesteps  # a short schedule: the preview/sample default follows it
    return cfg.validate()


# ------------------------------------------------------------------ subcommands
def cmd_train(args) -> int:
    from engine.checkpoint import load_checkpoint, save_checkpoint, trainer_from_checkpoint
    from engine.distributed import DistributedContext, StopVote, distribute_trainer  # [distributed]
    from engine.session import Control, TrainingSession
    from engine.training import Trainer

    out_dir = Path(args.out)
    # [distributed] a no-op single-process context (no process group) unless torchrun started us with WORLD_SIZE > 1
    dctx = DistributedContext.from_env()
    if args.resume:
        ckpt = load_checkpoint(out_dir)
        cfg = ckpt.config
        if args.steps is not None:
            cfg.training.steps = args.steps
        if args.time_budget is not None:
            cfg.training.time_budget = args.time_budget
        cfg.validate()
        device = None if args.device in (None, "auto") else args.device
        if dctx.enabled:  # [distributed] the checkpoint is rank-agnostic: any number of ranks can resume it
            device = dctx.init(device or cfg.training.device).device
        trainer = trainer_from_checkpoint(ckpt, config=cfg, device=device)
    else:
        cfg = _train_config(args)
        trainer = Trainer(cfg, device=dctx.init(cfg.training.device).device)  # [distributed] device None: as before
    trainer = distribute_trainer(trainer, dctx)  # [distributed] DDP, per-rank shard and seed; identity in 1 process
    _check_writable(out_dir)
    if args.timelapse_every < 0:
        raise UserError(f"--timelapse-every: must be >= 0 (0 = off), got {args.timelapse_every}", code=2)
    err = sys.stderr if dctx.is_main else io.StringIO()  # [distributed] only rank 0 prints
    for warning in trainer.dataset.warnings[:20]:
        err.write(f"warning: {warning}\n")
    if len(trainer.dataset.warnings) > 20:
        err.write(f"warning: ... and {len(trainer.dataset.warnings) - 20} more skipped items\n")
    from engine.models import count_parameters

    err.write(f"training {cfg.model.preset} model ({count_parameters(trainer.model):,} parameters) on "
              f"{trainer.dataset.name} ({len(trainer.dataset)} items) with {trainer.device_name}\n")
    if dctx.enabled:  # [distributed]
        err.write(f"{dctx.world_size} processes ({dctx.backend}): batch {cfg.training.batch_size} per rank, "
                  f"{cfg.training.batch_size * dctx.world_size} per step; loss averaged over ranks\n")
    control = Control()
    started = time.monotonic()
    state = {"last": 0.0, "loss": float("nan")}
    show = not args.quiet and dctx.is_main  # [distributed]
    # [distributed] every rank stops after the same step (Ctrl+C/SIGTERM forwarded by torchrun, or the time budget)
    vote = StopVote(dctx, control, time_budget=cfg.training.time_budget) if dctx.enabled else None

    def on_metrics(m) -> None:
        if vote is not None:  # [distributed]
            vote.after_step(m.step)
        state["loss"] = m.loss if math.isnan(state["loss"]) else 0.95 * state["loss"] + 0.05 * m.loss
        now = time.monotonic()
        if show and (now - state["last"] > 0.2 or m.step == cfg.training.steps):
            state["last"] = now
            elapsed = now - started
            _progress(err, m.step, cfg.training.steps, state["loss"], m.step / elapsed if elapsed else 0.0, elapsed)

    previous = signal.getsignal(signal.SIGINT)
    interrupted = {"flag": False}

    def on_sigint(signum, frame) -> None:  # first Ctrl+C: stop after this step and save; second: default
        interrupted["flag"] = True
        if vote is not None:  # [distributed] stop at the ranks' next vote, all together
            vote.request()
            return
        control.stop()
        signal.signal(signal.SIGINT, previous if callable(previous) else signal.default_int_handler)

    previous_term = signal.getsignal(signal.SIGTERM) if hasattr(signal, "SIGTERM") else None
    signal.signal(signal.SIGINT, on_sigint)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, on_sigint)
    timelapse = None
    if args.timelapse_every and dctx.is_main:  # [distributed] only rank 0 records (previews are rank-local)
        from engine.export import TIMELAPSE_NAME, TimelapseRecorder

        existing = out_dir / TIMELAPSE_NAME
        timelapse = TimelapseRecorder.load(existing) if args.resume and existing.exists() else TimelapseRecorder()
        if trainer.step_count == 0:
            timelapse.add(0, trainer.preview())  # the untrained model: the clip starts from noise
    try:
        result = TrainingSession(trainer, control).run(on_metrics, timelapse.add if timelapse else None,
                                                       preview_every=args.timelapse_every,
                                                       time_budget=0.0 if vote is not None else None)
    finally:
        signal.signal(signal.SIGINT, previous)
        if previous_term is not None:  # an in-process caller (tests, the GUI) gets its SIGTERM handler back
            signal.signal(signal.SIGTERM, previous_term)
    if show:
        err.write("\n")
    if vote is not None:  # [distributed] the agreed reason, the same on every rank
        result = vote.final_result(result)
        interrupted["flag"] = result.reason == "stopped"
    path = save_checkpoint(trainer, out_dir) if dctx.is_main else out_dir  # [distributed] only rank 0 writes
    if result.reason != "oom":  # [distributed] (an OOM is rank-local: just exit, torchrun stops the others)
        dctx.barrier()
        dctx.destroy()
    if timelapse is not None and len(timelapse):
        err.write(f"time-lapse of {len(timelapse)} previews saved to {timelapse.save(out_dir / TIMELAPSE_NAME)}\n")
    if interrupted["flag"]:
        err.write(f"interrupted at step {trainer.step_count}; checkpoint saved to {path}\n")
        return 0
    err.write(f"{result.message}; checkpoint saved to {path}\n")
    if result.reason in ("diverged", "oom"):
        err.write(f"error: {result.message}\n")
        return 3
    return 0


def cmd_sample(args) -> int:
    import numpy as np

    from engine.checkpoint import load_checkpoint, trainer_from_checkpoint
    from engine.samplers import Trajectory

    out = Path(args.out)
    suffix = out.suffix.lower()
    animated = suffix in (".gif", ".webp", ".apng", ".mp4") or (suffix == ".png" and False)
    if suffix not in (".png", ".npy", ".gif", ".webp", ".apng", ".mp4"):
        raise UserError(f"--out: unknown extension {suffix or '(none)'!r}; use .png, .npy, .gif, .webp, .apng "
                        "or .mp4", code=2)
    ckpt = load_checkpoint(args.run)
    cfg = ckpt.config
    sa = cfg.sampling
    for name, value in (("sampler", args.sampler), ("steps", args.steps), ("eta", args.eta), ("n", args.n),
                        ("seed", args.seed), ("guidance_scale", args.guidance_scale),
                        ("class_label", args.class_label), ("use_ema", args.ema)):
        if value is not None:
            setattr(sa, name, value)
    if args.sampler == "ddpm" and args.steps is None:
        sa.steps = cfg.schedule.timesteps
    cfg.validate()
    _check_writable(out.parent if str(out.parent) else Path("."))
    trainer = trainer_from_checkpoint(ckpt, config=cfg, device=None if args.device == "auto" else args.device)
    frames = trainer.sample(sa)
    need_trajectory = bool(args.trajectory) or animated
    traj = None
    if need_trajectory:
        total = sa.steps if sa.sampler == "ddim" else sa.steps
        traj = Trajectory(total, trainer.sample_shape(sa.n), trainer.dataset.kind)
    started = time.monotonic()
    final = None
    for frame in frames:
        if traj is not None:
            traj.record(frame)
        if frame.is_final:
            final = frame.x_t
        elif sys.stderr.isatty():
            sys.stderr.write(f"\rsampling step {frame.step + 1}/{frame.num_steps}")
    samples = final.float().cpu()
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    if args.trajectory:
        traj.save(args.trajectory)
    from engine.atomic import atomic_path

    if suffix == ".npy":
        with atomic_path(out, suffix=".tmp.npy") as tmp:
            np.save(tmp, samples.numpy().astype(np.float32))
    elif animated:
        from engine.export import AnimationOptions, export_reverse_animation

        export_reverse_animation(traj, out, AnimationOptions())
    else:
        save_samples_png(samples.numpy(), trainer.dataset.kind, out)
    sys.stderr.write(f"{sa.n} samples ({sa.sampler}, {sa.steps} steps) in {time.monotonic() - started:.1f}s "
                     f"-> {out}\n")
    return 0


def save_samples_png(samples, kind: str, out: Path) -> None:
    """A PNG of samples: an image grid (nearest-neighbour upscaled when small) or a 2-D scatter plot."""
    from PIL import Image

    from engine.atomic import atomic_path
    from engine.imaging import make_grid, to_rgb, to_uint8, upscale_nearest
    from engine.plotting import scatter_image

    if kind == "images":
        grid = make_grid(to_uint8(samples), padding=1)
        factor = max(1, 256 // max(grid.shape[0], 1))
        img = to_rgb(upscale_nearest(grid, factor)) if factor > 1 else to_rgb(grid)
    else:
        img = scatter_image(samples, size=512)
    with atomic_path(out, suffix=".tmp.png") as tmp:
        Image.fromarray(img).save(tmp, format="PNG")


def cmd_schedule(args) -> int:
    from engine.atomic import atomic_write_text
    from engine.schedules import NoiseSchedule

    sched = NoiseSchedule(args.schedule, args.timesteps, args.beta_start, args.beta_end,
                          zero_terminal_snr=args.zero_terminal_snr)
    lines = ["t,beta,alpha,alpha_bar,snr"]
    for i in range(sched.timesteps):  # paper t = i + 1
        lines.append(f"{i + 1},{float(sched.betas[i]):.10g},{float(sched.alphas[i]):.10g},"
                     f"{float(sched.alpha_bar[i]):.10g},{float(sched.snr[i]):.10g}")
    atomic_write_text(args.out, "\n".join(lines) + "\n")
    sys.stderr.write(f"wrote {sched.timesteps} rows of {sched!r} -> {args.out}\n")
    return 0


def cmd_forward(args) -> int:
    import numpy as np
    import torch
    from PIL import Image

    from engine.atomic import atomic_path
    from engine.config import DataConfig, is_point_dataset
    from engine.data import load_dataset
    from engine.diffusion import q_sample
    from engine.imaging import make_grid, to_rgb, to_uint8, upscale_nearest
    from engine.plotting import point_colors, scatter_image
    from engine.schedules import NoiseSchedule

    sched = NoiseSchedule(args.schedule, args.timesteps, args.beta_start, args.beta_end)
    if args.image_size and not 4 <= args.image_size <= 256:
        raise UserError(f"--image-size: must be an integer in [4, 256] or 0 (native), got {args.image_size}", code=2)
    if not 0 <= args.scale <= 32:
        raise UserError(f"--scale: must be an integer in [0, 32] (0 = automatic), got {args.scale}", code=2)
    if not 0 <= args.seed < 2**63:
        raise UserError(f"--seed: must be an integer in [0, 9.22337e+18], got {args.seed}", code=2)
    if args.index < 0:
        raise UserError(f"--index: must be an integer >= 0, got {args.index}", code=2)
    T = sched.timesteps
    ts = args.t if args.t else [int(round(v)) for v in np.linspace(0, T, 8)]
    bad = [t for t in ts if not 0 <= t <= T]
    if bad:
        raise UserError(f"--t: values must be in [0, {T}] (0 = clean image), got {bad[0]}", code=2)
    source = args.image or args.dataset
    dataset = load_dataset(DataConfig(dataset=source, image_size=args.image_size), seed=args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    if dataset.kind == "points" or is_point_dataset(source):
        x0 = dataset.x[:2000]
        noise = torch.randn(x0.shape, generator=generator)
        colors = point_colors(x0.numpy())
        panels = [scatter_image((x0 if t == 0 else q_sample(sched, x0, torch.tensor(t - 1), noise)).numpy(),
                                size=256, colors=colors) for t in ts]
        strip = make_grid(np.stack(panels), nrow=len(panels), padding=4, pad_value=255)
    else:
        if not 0 <= args.index < len(dataset):
            raise UserError(f"--index: must be in [0, {len(dataset) - 1}], got {args.index}", code=2)
        x0 = dataset.x[args.index:args.index + 1]
        noise = torch.randn(x0.shape, generator=generator)
        frames = [x0 if t == 0 else q_sample(sched, x0, torch.tensor(t - 1), noise) for t in ts]
        strip = make_grid(to_uint8(torch.cat(frames)), nrow=len(frames), padding=2, pad_value=255)
        factor = args.scale or max(1, 96 // x0.shape[-1])
        strip = upscale_nearest(strip, factor)
    with atomic_path(args.out, suffix=".tmp.png") as tmp:
        Image.fromarray(to_rgb(strip)).save(tmp, format="PNG")
    sys.stderr.write(f"forward process at t = {', '.join(map(str, ts))} -> {args.out}\n")
    return 0


def _check_writable(folder: Path) -> None:
    folder = Path(folder)
    probe = folder
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    if probe.exists() and not os.access(probe, os.W_OK):
        raise UserError(f"--out: cannot write to {folder} (permission denied)")
    if probe.exists() and not probe.is_dir():
        raise UserError(f"--out: {probe} exists and is not a folder")


def version_text(frontend_lines: Sequence[str] = ()) -> str:
    """App, Python and torch versions and the active device; ``frontend_lines`` are added by a client that knows
    more (main.py adds the GUI toolkit's versions: the engine never imports Qt)."""
    import platform

    import torch

    from engine.training import device_description, resolve_device
    from engine.version import __version__

    lines = [f"Diffusion Lab {__version__}", f"Python {platform.python_version()} | torch {torch.__version__}",
             *frontend_lines, f"device: {device_description(resolve_device('auto'))}"]
    return "\n".join(lines)


COMMANDS = {"train": cmd_train, "sample": cmd_sample, "schedule": cmd_schedule, "forward": cmd_forward}


def _make_interruptible() -> None:
    """Ctrl+C and SIGTERM must reach the CLI. A signal mask is inherited across fork/exec, so a process started from
    a thread that had SIGINT blocked (a GUI or test process) would otherwise never see it: unblock both here."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        return
    wanted = {signal.SIGINT} | ({signal.SIGTERM} if hasattr(signal, "SIGTERM") else set())
    try:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, wanted)
    except (OSError, ValueError):  # pragma: no cover - platforms without per-thread masks
        pass


def main(argv: Sequence[str] | None = None, frontend_versions: Callable[[], Sequence[str]] | None = None) -> int:
    """The CLI. ``frontend_versions`` returns extra ``--version`` lines (see :func:`version_text`)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    _make_interruptible()
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.version:
            print(version_text(frontend_versions() if frontend_versions is not None else ()))
            return 0
        if not args.command:
            parser.print_help()
            return 2
        handler = COMMANDS.get(args.command) or getattr(args, "handler", None)
        return int(handler(args) or 0)
    except ConfigError as exc:
        sys.stderr.write(f"error: {config_error_line(exc)}\n")
        return 2
    except (DataError, CheckpointError, TrainingStopped) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    except UserError as exc:  # after its subclasses above, which print with an "error:" prefix
        sys.stderr.write(f"{exc}\n")
        return exc.code
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted\n")
        return 0
    except OSError as exc:
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        sys.stderr.write(f"error: {exc.strerror or exc}{where}\n")
        return 1


if __name__ == "__main__":
    sys.exit(main())
