"""The headless command line: ``diffusion-lab train | sample | schedule | forward | export | field | bound | invert``.

Every subcommand runs over the same engine the window uses; each lives in its own module here (``add_parser`` and
``run``), sharing :mod:`engine.cli.common`. Bad arguments exit with status 2 and one line naming the argument;
problems with data or checkpoints exit 1 with one line; never a raw traceback for a user mistake.
"""
from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable, Sequence

from engine.cli import bound, export, field, forward, invert, sample, schedule, train
from engine.cli.common import CliParser, config_error_line
from engine.errors import CheckpointError, ConfigError, DataError, TrainingStopped, UserError

SUBCOMMANDS = (train, sample, schedule, forward, export, field, bound, invert)


def build_parser() -> argparse.ArgumentParser:
    parser = CliParser(prog="diffusion-lab", description="Diffusion Lab: train and explore small diffusion models.")
    parser.add_argument("--version", action="store_true", help="print versions and the active device, then exit")
    sub = parser.add_subparsers(dest="command", parser_class=CliParser)
    for command in SUBCOMMANDS:
        command.add_parser(sub)
    return parser


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


def one_line(message: object) -> str:
    """``message`` as one printable line: control characters and line breaks (newline, carriage return, and the
    others ``str.splitlines`` splits at, such as U+001E and U+2028) are shown escaped, so a value quoted from argv or
    a file name cannot break a one-line error in two (found by tests/fuzz/test_fuzz_cli.py)."""
    text = str(message).strip()
    return "".join(c if c == "\t" or (c.isprintable() and len(c.splitlines()) <= 1 and c not in "\x85")
                   else repr(c)[1:-1] for c in text)


def main(argv: Sequence[str] | None = None, frontend_versions: Callable[[], Sequence[str]] | None = None) -> int:
    """The CLI. ``frontend_versions`` returns extra ``--version`` lines (see :func:`version_text`)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    _make_interruptible()
    try:
        for arg in argv:  # an OS argv cannot hold one, but main(argv) can be called with anything
            if "\x00" in str(arg):
                raise UserError(f"diffusion-lab: error: argument {one_line(arg)!r} contains a NUL byte", code=2)
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.version:
            print(version_text(frontend_versions() if frontend_versions is not None else ()))
            return 0
        if not args.command:  # the help on stdout, and the one-line reason on stderr like any other bad argv
            parser.print_help()
            names = ", ".join(c.__name__.rsplit(".", 1)[-1] for c in SUBCOMMANDS)
            sys.stderr.write(f"diffusion-lab: error: choose a command: {names}\n")
            return 2
        return int(args.handler(args) or 0)
    except ConfigError as exc:
        sys.stderr.write(f"error: {one_line(config_error_line(exc))}\n")
        return 2
    except (DataError, CheckpointError, TrainingStopped) as exc:
        sys.stderr.write(f"error: {one_line(exc)}\n")
        return 1
    except UserError as exc:  # after its subclasses above, which print with an "error:" prefix
        sys.stderr.write(f"{one_line(exc)}\n")
        return exc.code
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted\n")
        return 0
    except ValueError as exc:
        if "null byte" not in str(exc):  # a path from a config file holding a NUL byte; anything else is a bug
            raise
        sys.stderr.write(f"error: a path contains a NUL byte: {one_line(exc)}\n")
        return 1
    except OSError as exc:
        where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
        sys.stderr.write(f"error: {one_line(f'{exc.strerror or exc}{where}')}\n")
        return 1


__all__ = ["build_parser", "main", "one_line", "version_text"]
