"""Fuzz the checkpoint reader: the safetensors framing and header JSON, and our metadata JSON inside it.

Inputs are a small valid checkpoint (the tensors and metadata ``save_checkpoint`` writes) with its header fields or
metadata values replaced by wild JSON values, its bytes flipped or truncated, and random bytes. The property: a
CheckpointError naming the file, or a Checkpoint; nothing is ever unpickled (the file is only read as bytes).
"""
from __future__ import annotations

import json
import struct

import pytest
import torch
from fuzz_support import (
    deeply_nested,
    dumps_loose,
    expect_user_error,
    mutated_bytes,
    mutated_json,
    no_writes_outside,
)
from hypothesis import example, given
from hypothesis import strategies as st
from safetensors.torch import save

from engine.checkpoint import FORMAT, Checkpoint, _placeholder_dataset, load_checkpoint
from engine.config import ExperimentConfig
from engine.errors import CheckpointError

pytestmark = [pytest.mark.fuzz, pytest.mark.timeout(300)]

METADATA = {
    "format": FORMAT,
    "format_version": "1",
    "app_version": "0.1.0",
    "config": ExperimentConfig().to_json(),
    "step": "3",
    "history": json.dumps({"step": [1, 2, 3], "loss": [1.0, 0.5, 0.25], "lr": [1e-3] * 3, "grad_norm": [1.0] * 3,
                           "wall": [0.1, 0.2, 0.3]}),
    "optim": json.dumps({"param_groups": [{"lr": 1e-3, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 0.0}],
                         "scalars": {"0.step": 3.0}}),
    "data_info": json.dumps({"kind": "points", "shape": [2], "num_classes": 0, "class_names": [], "name": "moons"}),
}
TENSORS = {"model.net.0.weight": torch.arange(8, dtype=torch.float32).reshape(4, 2),
           "model.net.0.bias": torch.zeros(4), "ema.net.0.weight": torch.ones(4, 2), "ema.net.0.bias": torch.ones(4),
           "optim.0.exp_avg": torch.full((4, 2), 0.5, dtype=torch.float16)}
VALID = save(TENSORS, metadata=METADATA)
_LEN = struct.unpack("<Q", VALID[:8])[0]
HEADER = json.loads(VALID[8:8 + _LEN])
BODY = VALID[8 + _LEN:]
# Metadata values are strings; several of them hold JSON of their own: mutate that JSON, then re-encode it.
INNER = {k: json.loads(METADATA[k]) for k in ("config", "history", "optim", "data_info")}


def frame(header, body: bytes = BODY) -> bytes:
    text = header if isinstance(header, (bytes, str)) else dumps_loose(header)
    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    return struct.pack("<Q", len(raw)) + raw + body


@st.composite
def metadata_mutations(draw):
    header = json.loads(json.dumps(HEADER))
    key = draw(st.sampled_from(sorted(INNER)))
    inner = draw(mutated_json(INNER[key]))
    header["__metadata__"][key] = dumps_loose(inner)
    return frame(header)


def _load(tmp_path_factory, data: bytes, name: str = "checkpoint.safetensors"):
    folder = tmp_path_factory.mktemp("ckpt")
    path = folder / name
    path.write_bytes(data)
    with no_writes_outside(folder):
        result = expect_user_error(lambda: load_checkpoint(path), str(path), allowed=(CheckpointError,))
    if isinstance(result, Checkpoint):
        assert isinstance(result.step, int) and result.step >= 0
        assert isinstance(result.data_info, dict)
    return result


def test_valid_checkpoint_loads(tmp_path_factory):
    ckpt = _load(tmp_path_factory, VALID)
    assert isinstance(ckpt, Checkpoint) and ckpt.step == 3


@given(mutated_json(HEADER).map(frame))
@example(frame({"__metadata__": METADATA, "a": {"dtype": "F32", "shape": [1], "data_offsets": ["0", 4]}}))
@example(frame({"__metadata__": METADATA, "a": {"dtype": "F32", "shape": [1], "data_offsets": [None, 4]}}))
@example(frame({"__metadata__": METADATA, "a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 10**30]}}))
@example(frame({"__metadata__": METADATA, "a": {"dtype": "F32", "shape": [10**30], "data_offsets": [0, 4]}}))
@example(frame({"__metadata__": METADATA, "a": {"dtype": "F32", "shape": [1], "data_offsets": [0.0, 4.0]}}))
@example(frame({"__metadata__": {**METADATA, "step": "1" * 5000}}))
@example(frame(deeply_nested(100_000)))
def test_header_fields(tmp_path_factory, data):
    _load(tmp_path_factory, data)


@given(metadata_mutations())
@example(frame({**HEADER, "__metadata__": {**METADATA, "config": deeply_nested(100_000)}}))
@example(frame({**HEADER, "__metadata__": {**METADATA, "history": deeply_nested(100_000)}}))
@example(frame({**HEADER, "__metadata__": {**METADATA, "history": '{"loss": ' + "9" * 5000 + "}"}}))
@example(frame({**HEADER, "__metadata__": {**METADATA, "step": "1e3"}}))
@example(frame({**HEADER, "__metadata__": {**METADATA, "format_version": "\u0661"}}))
def test_metadata_json(tmp_path_factory, data):
    _load(tmp_path_factory, data)


@given(st.one_of(mutated_bytes(VALID), st.binary(max_size=300),
                 st.builds(lambda n, rest: struct.pack("<Q", n) + rest,
                           st.one_of(st.integers(0, 2**64 - 1), st.sampled_from([0, 1, _LEN, 2**63, 2**64 - 1])),
                           st.binary(max_size=64))))
@example(b"\x80\x04\x95" + b"\x00" * 40)  # a pickle's opening bytes
@example(b"PK\x03\x04" + b"\x00" * 40)  # torch.save's zip
@example(VALID[: len(VALID) // 2])
def test_bytes(tmp_path_factory, data):
    _load(tmp_path_factory, data)


@given(mutated_json(INNER["data_info"]))
@example({"shape": [10**30]})
@example({"shape": ["x"]})
@example({"shape": 5})
@example({"shape": [2], "num_classes": float("inf")})
@example({"shape": [-2]})
@example({"shape": [2], "class_names": 5})
@example({"shape": [3, 100_000, 100_000]})  # would allocate 120 GB
def test_placeholder_dataset(data_info):
    """A checkpoint shared without its data samples from a stand-in of the recorded shape (data_info)."""
    cfg = ExperimentConfig()
    cfg.data.dataset = "/nonexistent/points.csv"
    ckpt = Checkpoint(cfg, 0, None, {}, {}, {}, "shared.safetensors", data_info)  # type: ignore[arg-type]
    expect_user_error(lambda: _placeholder_dataset(cfg, ckpt), "shared.safetensors", allowed=(CheckpointError,))


@pytest.mark.parametrize("data, words", [(b"", "only 0 bytes"), (b"\x80\x04\x95" + b"\x00" * 40, "never unpickles"),
                                         (frame(b"{not json"), "header is not JSON")])
def test_specific_reasons_survive(tmp_path_factory, data, words):
    """Regression: catching ValueError around the header read once swallowed our own CheckpointErrors (a
    ValueError subclass) and replaced the specific reason by "its header is not JSON"."""
    err = _load(tmp_path_factory, data)
    assert isinstance(err, CheckpointError) and words in str(err)
