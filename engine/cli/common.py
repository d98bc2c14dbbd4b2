"""What every subcommand shares: the argparse subclass whose errors are one line naming the argument and its allowed
range, number parsing that rejects nan / inf, the config-field -> flag map, folder checks, and loading a run's
trainer with sampling flags applied."""
from __future__ import annotations

import argparse
import math
import os
import re
import sys
from pathlib import Path
from typing import Callable

from engine.config import ExperimentConfig
from engine.errors import ConfigError, UserError

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

# subcommand -> the config sections its flags set, so a flag argparse rejects ('nan', 'abc') still gets its range
_COMMAND_SECTIONS = {"train": ("data", "schedule", "model", "training"), "sample": ("sampling",),
                     "export": ("sampling",), "schedule": ("schedule",), "forward": ("schedule", "data")}
# (subcommand, flag) -> allowed values, for the flags of train and forward that are not config fields. Export's own
# flags are range-checked by engine.export.AnimationOptions.validate, whose message names the range; when argparse
# itself rejects one of them ('--fps abc') the message names no range (none is registered here).
FLAG_RANGES: dict[tuple[str, str], str] = {
    ("forward", "--t"): "integers in [0, --timesteps] (0 = clean)", ("forward", "--index"): "an integer >= 0",
    ("forward", "--scale"): "an integer in [0, 32] (0 = automatic)",
    ("forward", "--seed"): "an integer in [0, 9.22337e+18]", ("train", "--timelapse-every"): "an integer >= 0",
    ("train", "--channels"): "1 or 3",
}


class CliParser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, naming the argument (argparse's own wording does) and its range
        raise UserError(f"{self.prog}: error: {_with_allowed_range(self.prog, message)}", code=2)


def allowed_range(command: str, flag: str) -> str | None:
    """What ``flag`` of ``command`` accepts, e.g. ``an integer in [1, 1e+07]`` (taken from the config validation)."""
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


def config_error_line(exc: ConfigError) -> str:
    flag = FLAG_FOR_FIELD.get(exc.field)
    return f"{flag} ({exc.field}): {exc.message}" if flag else str(exc)


def check_writable(folder: Path) -> None:
    """Fail before any work when ``folder`` (or the nearest existing folder above it) cannot be written."""
    folder = Path(folder)
    probe = folder
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    if probe.exists() and not os.access(probe, os.W_OK):
        raise UserError(f"--out: cannot write to {folder} (permission denied)")
    if probe.exists() and not probe.is_dir():
        raise UserError(f"--out: {probe} exists and is not a folder")


def sampling_trainer(args, **sampling_flags):
    """The trainer of ``args.run`` with the sampling flags that were given (not None) applied and validated.

    ``--sampler ddpm`` without ``--steps`` runs the full chain of the run's schedule (T steps)."""
    from engine.checkpoint import load_checkpoint, trainer_from_checkpoint

    ckpt = load_checkpoint(args.run)
    cfg = ckpt.config
    for name, value in sampling_flags.items():
        if value is not None:
            setattr(cfg.sampling, name, value)
    if args.sampler == "ddpm" and args.steps is None:
        cfg.sampling.steps = cfg.schedule.timesteps
    cfg.validate()
    return trainer_from_checkpoint(ckpt, config=cfg, device=None if args.device == "auto" else args.device)


def terminal_progress(label: str) -> Callable[[int, int], None] | None:
    """``progress(done, total)`` printing a percentage on a terminal's stderr; None when stderr is not a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        sys.stderr.write(f"\r{label} {100 * done // max(1, total):3d}%")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show
