"""What every subcommand shares: the argparse subclass whose errors are one line naming the argument and its allowed
range, number parsing that rejects nan / inf, the config-field -> flag map, folder checks, and loading a run's
trainer with sampling flags applied."""
from __future__ import annotations

import argparse
import math
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

from engine.config import ExperimentConfig
from engine.config_fields import cli_fields, field_for_flag, flag_for_field
from engine.errors import ConfigError, UserError

# (subcommand, flag) -> allowed values, for the flags of train and forward that are not config fields (a config
# field's flag takes its allowed values from the field's metadata, engine/config_fields.py). Export's own flags are
# range-checked by engine.export.AnimationOptions.validate, whose message names the range; when argparse itself
# rejects one of them ('--fps abc') the message names no range (none is registered here).
FLAG_RANGES: dict[tuple[str, str], str] = {
    ("forward", "--t"): "integers in [0, --timesteps] (0 = clean)", ("forward", "--index"): "an integer >= 0",
    ("forward", "--scale"): "an integer in [0, 32] (0 = automatic)",
    ("forward", "--seed"): "an integer in [0, 9.22337e+18]", ("train", "--timelapse-every"): "an integer >= 0",
}


class CliParser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, naming the argument (argparse's own wording does) and its range
        raise UserError(f"{self.prog}: error: {_with_allowed_range(self.prog, message)}", code=2)


def allowed_range(command: str, flag: str) -> str | None:
    """What ``flag`` of ``command`` accepts, e.g. ``an integer in [1, 1e+07]``: the field's metadata for a config
    flag, :data:`FLAG_RANGES` for the others."""
    if (command, flag) in FLAG_RANGES:
        return FLAG_RANGES[(command, flag)]
    spec = field_for_flag(command, flag)
    return spec.allowed if spec is not None else None


def add_config_flags(parser, command: str, only: tuple[str, ...] | None = None) -> None:
    """One flag per config field that ``command`` sets (or the fields named in ``only``), built from the field's
    metadata: its flag, help, type and choices. Every flag defaults to None (= keep the config's value)."""
    for spec in cli_fields(command):
        if only is not None and spec.key not in only:
            continue
        # argparse %-formats help texts: a literal % in a setting's help ("~10% of training time") must be doubled
        kwargs: dict = {"dest": spec.cli_dest, "default": None, "help": spec.help.replace("%", "%%")}
        if spec.type is bool:
            kwargs["action"] = "store_true"
        else:
            kwargs["type"] = INT if spec.type is int else FLOAT if spec.type is float else str
            if spec.choices:
                kwargs["choices"] = spec.choices
        parser.add_argument(spec.cli_flag, *spec.cli_aliases, **kwargs)


def apply_config_flags(cfg: ExperimentConfig, args, command: str) -> None:
    """Set every config field whose flag was given (not None) on the command line."""
    for spec in cli_fields(command):
        value = getattr(args, spec.cli_dest, None)
        if value is not None:
            setattr(getattr(cfg, spec.section), spec.key, value)


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
    flag = flag_for_field(exc.field)
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
    """The trainer of ``args.run`` with the sampling flags that were given (not None) applied and validated: every
    config flag of the sampling section (so ``sample`` and ``export`` honour --guidance-scale, --class and
    --negative-class alike), then ``sampling_flags`` (e.g. ``use_ema``).

    ``--sampler ddpm`` without ``--steps`` runs the full chain of the run's schedule (T steps)."""
    from engine.checkpoint import load_checkpoint, trainer_from_checkpoint

    ckpt = load_checkpoint(args.run)
    cfg = ckpt.config
    apply_config_flags(cfg, args, "sample")
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
