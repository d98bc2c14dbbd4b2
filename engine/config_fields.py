"""What each experiment setting is, declared once next to its field and read by every client.

A field of the config dataclasses (engine/config.py) is declared with :func:`setting`, which stores its label,
help text, allowed range, CLI flag and per-choice help in the field's metadata; the choices of a choice field are
its ``Literal`` annotation. From that one declaration:

* :meth:`engine.config.ExperimentConfig.errors` checks ranges and choices and words the "allowed" text,
* the window's forms build labels, tooltips and combo boxes (gui/widgets/),
* the CLI names flags in errors (:func:`flag_for_field`) and tells the allowed values of a flag argparse rejected
  (:func:`field_for_flag` and :attr:`FieldSpec.allowed`).

Readers: :func:`field_spec` (one field by dotted path), :func:`all_field_specs`, :func:`cli_fields` (the fields a
subcommand's flags set), :func:`flag_for_field`, :func:`field_for_flag`.
"""
from __future__ import annotations

import dataclasses
import functools
import math
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

META_KEY = "setting"  # the key of the field metadata that setting() fills

# subcommand -> the config sections its flags set: "--seed" and "--steps" are training fields for train, sampling
# fields for sample
COMMAND_SECTIONS: dict[str, tuple[str, ...]] = {
    "train": ("data", "schedule", "model", "training"), "sample": ("sampling",), "export": ("sampling",),
    "schedule": ("schedule",), "forward": ("schedule", "data"),
}


@dataclass(frozen=True)
class Range:
    """An interval of allowed numbers: ``[lo, hi]``, either end open, optionally plus 0 (meaning off/native/all)."""

    lo: float
    hi: float
    lo_open: bool = False
    hi_open: bool = False
    or_zero: bool = False

    def interval(self) -> str:
        """``[1, 1e+07]``, ``(0, 1)``, ``[4, 256] or 0``: the wording every error message and tooltip uses."""
        text = f"{'(' if self.lo_open else '['}{self.lo:g}, {self.hi:g}{')' if self.hi_open else ']'}"
        return text + (" or 0" if self.or_zero else "")

    def contains(self, value: float) -> bool:
        if self.or_zero and value == 0:
            return True
        above_lo = value > self.lo if self.lo_open else value >= self.lo
        below_hi = value < self.hi if self.hi_open else value <= self.hi
        return above_lo and below_hi


@dataclass(frozen=True)
class Setting:
    """What :func:`setting` stores in a field's metadata (everything the field's type and default do not say)."""

    label: str
    help: str
    range: Range | None = None
    cli_flag: str | None = None
    allowed: str | None = None  # wording of the allowed values where a range or a choice list does not fit
    choice_help: Mapping[Any, str] = dataclasses.field(default_factory=dict)
    choice_labels: Mapping[Any, str] = dataclasses.field(default_factory=dict)
    cli_aliases: tuple[str, ...] = ()  # further flags for the same field (a shorter spelling)


def setting(default: Any, *, label: str, help: str, range: Range | None = None,
            cli_flag: str | None = None, allowed: str | None = None, choice_help: Mapping[Any, str] | None = None,
            choice_labels: Mapping[Any, str] | None = None, cli_aliases: tuple[str, ...] = ()) -> Any:
    """A dataclass field with a default and its :class:`Setting` metadata."""
    meta = Setting(label=label, help=help, range=range, cli_flag=cli_flag, allowed=allowed,
                   choice_help=dict(choice_help or {}), choice_labels=dict(choice_labels or {}),
                   cli_aliases=tuple(cli_aliases))
    return dataclasses.field(default=default, metadata={META_KEY: meta})


@dataclass(frozen=True)
class FieldSpec:
    """One user-settable config field: its dotted path, type, default and :class:`Setting` metadata."""

    path: str  # "training.lr"
    type: type  # int, float, bool or str
    default: Any
    label: str
    help: str
    range: Range | None
    cli_flag: str | None
    choices: tuple[Any, ...]  # from the field's Literal annotation; empty for free values
    choice_help: Mapping[Any, str]
    choice_labels: Mapping[Any, str]
    allowed_override: str | None
    cli_aliases: tuple[str, ...] = ()

    @property
    def section(self) -> str:
        return self.path.split(".", 1)[0]

    @property
    def key(self) -> str:
        return self.path.split(".", 1)[1]

    @property
    def allowed(self) -> str | None:
        """What the field accepts, in the words of its error messages: ``an integer in [1, 1e+07]``."""
        if self.allowed_override:
            return self.allowed_override
        if self.range is not None:
            kind = "an integer" if self.type is int else "a number"
            return f"{kind} in {self.range.interval()}"
        if self.choices:
            return f"one of {', '.join(str(c) for c in self.choices)}"
        return None

    @property
    def cli_dest(self) -> str | None:
        """The attribute argparse stores the flag's value in (``"--image-size"`` -> ``"image_size"``)."""
        return self.cli_flag.lstrip("-").replace("-", "_") if self.cli_flag else None

    def choice_label(self, value: Any) -> str:
        return self.choice_labels.get(value, str(value))

    def problem(self, value: Any) -> str | None:
        """Why ``value`` is not allowed here (the text after the field name), or None when it is."""
        if self.range is not None:
            # an int too large for a float (a 300-digit number in a config file) is out of range, not a crash
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**1000:
                return f"must be {self.allowed}, got {value!r}"
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                    or (self.type is int and not float(value).is_integer()) or not self.range.contains(value):
                return f"must be {self.allowed}, got {value!r}"
            return None
        if self.choices and value not in self.choices:
            return f"must be {self.allowed}; got {value!r}"
        return None


def all_field_specs() -> tuple[FieldSpec, ...]:
    """Every user-settable field of :class:`engine.config.ExperimentConfig`, in declaration order."""
    return _specs()


def field_spec(path: str) -> FieldSpec:
    """The spec of the field at ``path`` (``"schedule.kind"``); KeyError naming the path if there is none."""
    for spec in _specs():
        if spec.path == path:
            return spec
    raise KeyError(f"no config field {path!r}")


def flag_for_field(path: str) -> str | None:
    """The CLI flag that sets ``path`` (``"training.lr"`` -> ``"--lr"``), or None when no flag does (or ``path``
    is not a field, like the ``"config"`` of a ConfigError about the whole file)."""
    return next((spec.cli_flag for spec in _specs() if spec.path == path), None)


def cli_fields(command: str) -> tuple[FieldSpec, ...]:
    """The fields the flags of subcommand ``command`` (``"train"``, ``"sample"``, ...) set, in declaration order."""
    sections = COMMAND_SECTIONS.get(command, ())
    return tuple(spec for spec in _specs() if spec.cli_flag and spec.section in sections)


def field_for_flag(command: str, flag: str) -> FieldSpec | None:
    """The field that ``flag`` of ``command`` sets (``("sample", "--steps")`` -> sampling.steps), or None."""
    return next((spec for spec in cli_fields(command) if flag in (spec.cli_flag, *spec.cli_aliases)), None)


@functools.cache
def _specs() -> tuple[FieldSpec, ...]:
    # imported here, not at the top: engine.config imports this module for setting() and Range
    from engine.config import ExperimentConfig

    specs = []
    for section in dataclasses.fields(ExperimentConfig):
        if section.name == "version":
            continue
        section_cls = section.default_factory  # type: ignore[misc]
        hints = typing.get_type_hints(section_cls)
        for f in dataclasses.fields(section_cls):
            meta: Setting | None = f.metadata.get(META_KEY)
            if meta is None:
                raise TypeError(f"{section.name}.{f.name} is declared without setting(): give it a label and help")
            hint = hints[f.name]
            choices = typing.get_args(hint) if typing.get_origin(hint) is Literal else ()
            value_type = type(choices[0]) if choices else hint
            specs.append(FieldSpec(
                path=f"{section.name}.{f.name}", type=value_type, default=f.default, label=meta.label,
                help=meta.help, range=meta.range, cli_flag=meta.cli_flag, choices=tuple(choices),
                choice_help=meta.choice_help, choice_labels=meta.choice_labels, allowed_override=meta.allowed,
                cli_aliases=meta.cli_aliases))
    return tuple(specs)
