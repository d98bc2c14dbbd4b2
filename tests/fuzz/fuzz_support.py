"""Shared pieces of the parser fuzz tests: the property every parser must keep, and input strategies.

The property (:func:`expect_user_error`): a parser either succeeds or raises one of the engine's user-error types
(:class:`engine.errors.UserError`: ConfigError, DataError, CheckpointError) whose message is one line and names the
field or file; any other exception would reach the user as a traceback. :func:`no_writes_outside` checks, with a
Python audit hook, that nothing is opened for writing outside the test's temporary folder.
"""
from __future__ import annotations

import contextlib
import json
import math
import os
import sys
import tempfile
from pathlib import Path

from hypothesis import strategies as st

from engine.errors import UserError

# --------------------------------------------------------------------------------------------- the property


def expect_user_error(fn, *names: str, allowed: tuple[type[BaseException], ...] = (UserError,)):
    """Run ``fn()``; return its result, or the UserError it raised after checking the message.

    The message must be one line and contain at least one of ``names`` (a field's dotted name or the file path).
    Any other exception type fails the test with the original traceback attached.
    """
    try:
        return fn()
    except allowed as exc:
        message = str(exc)
        assert message.strip(), f"{type(exc).__name__} with an empty message"
        assert "\n" not in message, f"{type(exc).__name__} message is not one line: {message!r}"
        if names:
            assert any(n in message for n in names), f"message names none of {names}: {message!r}"
        return exc


# --------------------------------------------------------------------------------------------- write watch
_WATCH: list = []  # [allowed roots, offenders] while a watch is active


def _audit(event: str, args: tuple) -> None:
    if not _WATCH or event != "open":
        return
    path, mode, flags = (args + (None, None, None))[:3]
    writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
        isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC))
    if not writing or not isinstance(path, (str, bytes, os.PathLike)):
        return
    try:
        real = os.path.realpath(os.fsdecode(path))
    except (TypeError, ValueError):
        return
    roots, offenders = _WATCH[0], _WATCH[1]
    if real.startswith("/dev/"):
        return
    if not any(real == r or real.startswith(r + os.sep) for r in roots):
        offenders.append(real)


_HOOKED = False


@contextlib.contextmanager
def no_writes_outside(*roots: str | Path):
    """Fail if anything is opened for writing outside ``roots`` (and the system temp folder) inside the block."""
    global _HOOKED
    if not _HOOKED:
        sys.addaudithook(_audit)  # cannot be removed; it does nothing while no watch is active
        _HOOKED = True
    allowed = [os.path.realpath(str(r)) for r in roots] + [os.path.realpath(tempfile.gettempdir())]
    offenders: list[str] = []
    _WATCH[:] = [allowed, offenders]
    try:
        yield
    finally:
        _WATCH.clear()
    assert not offenders, f"opened for writing outside the temporary folder: {offenders[:5]}"


# --------------------------------------------------------------------------------------------- strategies
# JSON values that break naive readers: huge ints, NaN/inf, deep nesting, wrong types, unicode.
WILD_SCALARS = st.one_of(
    st.none(), st.booleans(),
    st.integers(), st.sampled_from([0, -1, 1, 2**31, 2**63, 2**64 + 1, -(2**63) - 1, 10**30, 10**400]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, math.inf, -math.inf, 1e308, -0.0, 5e-324]),
    st.text(max_size=20), st.sampled_from(["", " ", "\x00", "é\u202e", "1e309", "NaN", "../../etc", "\ud7ff" * 3]),
)
WILD_JSON = st.recursive(WILD_SCALARS, lambda kids: st.one_of(
    st.lists(kids, max_size=4), st.dictionaries(st.text(max_size=8), kids, max_size=4)), max_leaves=8)


def deeply_nested(depth: int) -> str:
    """JSON text nested ``depth`` levels deep (Python's json recurses: 100 000 levels hit the recursion limit)."""
    return "[" * depth + "]" * depth


@st.composite
def mutated_bytes(draw, base: bytes, max_flips: int = 8) -> bytes:
    """``base`` after a few random edits: bit flips, byte overwrites, truncation, insertion, deletion."""
    data = bytearray(base)
    for _ in range(draw(st.integers(1, max_flips))):
        op = draw(st.sampled_from(["flip", "set", "truncate", "insert", "delete", "zero_run"]))
        if not data:
            data += draw(st.binary(min_size=1, max_size=16))
            continue
        i = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[i] ^= 1 << draw(st.integers(0, 7))
        elif op == "set":
            data[i] = draw(st.sampled_from([0, 0xFF, 0x7F, 0x80, draw(st.integers(0, 255))]))
        elif op == "truncate":
            del data[i:]
        elif op == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=32))
        elif op == "delete":
            del data[i:i + draw(st.integers(1, 64))]
        else:
            data[i:i + draw(st.integers(1, 64))] = b"\x00" * draw(st.integers(1, 64))
    return bytes(data)


def mutated_json(value, wild=WILD_JSON):
    """A strategy replacing one (nested) field of a JSON-like ``value`` by a wild value, or deleting it."""

    @st.composite
    def strat(draw):
        out = json.loads(json.dumps(value))
        paths = list(_paths(out))
        for _ in range(draw(st.integers(1, 3))):
            if not paths:
                break
            path = draw(st.sampled_from(paths))
            parent = out
            for key in path[:-1]:
                parent = parent[key]
            if not isinstance(parent, (dict, list)):
                continue
            try:
                if draw(st.booleans()) or isinstance(parent, list):
                    parent[path[-1]] = draw(wild)
                else:
                    del parent[path[-1]]
            except (KeyError, IndexError, TypeError):
                pass
            paths = list(_paths(out))
        return out

    return strat()


def _paths(value, prefix=()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield prefix + (k,)
            yield from _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield prefix + (i,)
            yield from _paths(v, prefix + (i,))


def dumps_loose(value) -> str:
    """json.dumps that writes NaN/Infinity (as our readers get them from hand-edited files) and never fails."""
    try:
        return json.dumps(value, allow_nan=True)
    except (ValueError, OverflowError, RecursionError):
        return "{}"
