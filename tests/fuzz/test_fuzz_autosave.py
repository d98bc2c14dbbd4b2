"""Fuzz what the autosave module reads back at start-up: ``session.json`` and the checkpoint header of each
autosave folder (engine.autosave.find_restorable, the restore offer).

The property here is stricter than for user-chosen files: a torn or garbage autosave is never an error at all,
it is ignored or listed with placeholder values, and describing it for the restore box works.
"""
from __future__ import annotations

import json
import os
import shutil
import struct

import pytest
from fuzz_support import (
    WILD_JSON,
    deeply_nested,
    dumps_loose,
    mutated_bytes,
    mutated_json,
    no_writes_outside,
)
from hypothesis import example, given
from hypothesis import strategies as st
from test_fuzz_checkpoint import HEADER, INNER, METADATA, VALID, frame

from engine.appdirs import autosave_dir
from engine.autosave import SESSION_FORMAT, describe, find_restorable

pytestmark = [pytest.mark.fuzz, pytest.mark.timeout(300)]

SESSION = {"format": SESSION_FORMAT, "version": 1, "name": "run", "when": 1.7e9, "when_text": "2026-01-01T00:00:00",
           "step": 3, "total_steps": 3000, "dataset": "moons", "preset": "small", "config_path": "/x/config.json",
           "pid": 0, "process": None, "clean": False}


def _restore_offer(checkpoint: bytes, session: bytes | None, running: bool = False):
    root = autosave_dir()
    shutil.rmtree(root, ignore_errors=True)
    folder = root / "run"
    folder.mkdir(parents=True)
    (folder / "checkpoint.safetensors").write_bytes(checkpoint)
    if session is not None:
        (folder / "session.json").write_bytes(session)
    with no_writes_outside(root):
        infos = find_restorable(include_running=running)
        text = describe(infos)
    assert isinstance(text, str)
    for info in infos:
        assert isinstance(info.step, int) and isinstance(info.pid, int) and isinstance(info.when, float)
    return infos


@given(mutated_json(SESSION).map(lambda v: dumps_loose(v).encode()))
@example(json.dumps({**SESSION, "when": 1e300}).encode())
@example(json.dumps({**SESSION, "when": "NaN"}).encode())
@example(dumps_loose({**SESSION, "when": float("inf")}).encode())
@example(dumps_loose({**SESSION, "pid": float("inf")}).encode())
@example(json.dumps({**SESSION, "pid": 2**70}).encode())
@example(json.dumps({**SESSION, "pid": -5}).encode())
@example(json.dumps({**SESSION, "pid": "12"}).encode())
@example(json.dumps({**SESSION, "pid": 1, "process": {"x": 1}}).encode())
@example(deeply_nested(100_000).encode())
@example(b'{"format": "diffusion-lab-autosave", "pid": ' + b"9" * 5000 + b"}")
def test_session_json(data):
    infos = _restore_offer(VALID, data)
    assert len(infos) <= 1
    _restore_offer(VALID, data, running=True)  # without the pid check: every field is read


@given(st.one_of(mutated_bytes(json.dumps(SESSION).encode()), st.binary(max_size=100)))
def test_session_bytes(data):
    _restore_offer(VALID, data)


@st.composite
def autosave_checkpoints(draw):
    kind = draw(st.sampled_from(["config", "step", "header", "bytes"]))
    if kind == "bytes":
        return draw(mutated_bytes(VALID))
    if kind == "header":
        return frame(draw(mutated_json(HEADER)))
    header = json.loads(json.dumps(HEADER))
    if kind == "config":
        header["__metadata__"]["config"] = dumps_loose(draw(mutated_json(INNER["config"])))
    else:
        header["__metadata__"]["step"] = draw(st.one_of(st.text(max_size=12), WILD_JSON.map(dumps_loose)))
    return frame(header)


@given(autosave_checkpoints())
@example(frame({**HEADER, "__metadata__": {**METADATA, "config": '{"training": {"steps": Infinity}}'}}))
@example(frame({**HEADER, "__metadata__": {**METADATA, "config": '{"training": {"steps": 1e400}}'}}))
@example(frame({**HEADER, "__metadata__": {**METADATA, "config": '{"training": {"steps": "x"}}'}}))
@example(frame({**HEADER, "__metadata__": {**METADATA, "config": '{"training": {"steps": ' + "9" * 5000 + "}}"}}))
@example(frame({**HEADER, "__metadata__": {**METADATA, "config": deeply_nested(100_000)}}))
@example(frame({**HEADER, "__metadata__": {**METADATA, "step": "9" * 5000}}))
@example(struct.pack("<Q", 2**64 - 1))
def test_autosave_checkpoint(data):
    _restore_offer(data, json.dumps(SESSION).encode())


def test_pid_of_this_process_is_not_offered():
    """Sanity: a well-formed autosave of a running process (this one) is left out of the offer."""
    infos = _restore_offer(VALID, json.dumps({**SESSION, "pid": os.getpid()}).encode())
    assert infos == []
