"""Checkpoints under abuse: truncated, garbage, foreign, mismatched, from the future, and malicious pickles.

Every one is refused with a CheckpointError (CLI: exit 1 and one line); no code in a file is ever executed. The
pickle tests first prove that their payload *does* create a file when unpickled (in a control folder), then prove
that nothing Diffusion Lab does with the same bytes creates it.
"""
from __future__ import annotations

import json
import os
import pathlib
import pickle
import random
import re
import struct
from pathlib import Path

import pytest
import torch
from safetensors import safe_open
from safetensors.torch import save_file

from engine.checkpoint import load_checkpoint, save_checkpoint, trainer_from_checkpoint
from engine.cli import main
from engine.errors import CheckpointError
from engine.presets import default_config
from engine.training import Trainer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    """A real checkpoint of a tiny moons model after a few steps."""
    cfg = default_config("moons")
    cfg.model.preset = "tiny"
    cfg.training.steps = 3
    cfg.training.batch_size = 32
    trainer = Trainer(cfg)
    for _ in range(3):
        trainer.step()
    return save_checkpoint(trainer, tmp_path_factory.mktemp("good") / "run")


def _refused(path, capsys=None, tmp_path=None, words=()) -> str:
    with pytest.raises(CheckpointError) as info:
        load_checkpoint(path)
    message = str(info.value)
    assert "\n" not in message and str(path.name) in message, message
    for word in words:
        assert word in message, message
    if capsys is not None:  # the CLI says the same in one line, exit 1
        out = tmp_path / "never.png"
        code = main(["sample", "--run", str(path), "--out", str(out)])
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 1 and len(err) == 1 and err[0].startswith("error: "), err
        assert "Traceback" not in err[0] and not out.exists()
    return message


def _rewrite(src: Path, dst: Path, *, meta=None, tensors=None) -> Path:
    """Copy a checkpoint with changed metadata / tensors."""
    with safe_open(str(src), "pt") as fh:
        metadata = dict(fh.metadata())
        data = {k: fh.get_tensor(k) for k in fh.keys()}
    if meta:
        metadata.update(meta(metadata) if callable(meta) else meta)
    if tensors:
        data = tensors(data)
    dst.parent.mkdir(parents=True, exist_ok=True)
    save_file(data, str(dst), metadata=metadata)
    return dst


def _raw_safetensors(path: Path, header: object, body: bytes = b"") -> Path:
    text = json.dumps(header).encode() if not isinstance(header, bytes) else header
    path.write_bytes(struct.pack("<Q", len(text)) + text + body)
    return path


# ---------------------------------------------------------------- the good one loads
def test_good_checkpoint_loads(good):
    ckpt = load_checkpoint(good)
    assert ckpt.step == 3 and ckpt.model_state and ckpt.ema_state
    trainer_from_checkpoint(ckpt)


# ---------------------------------------------------------------- truncation
def test_truncated_at_many_cut_points(good, tmp_path, capsys):
    data = good.read_bytes()
    (header_len,) = struct.unpack("<Q", data[:8])
    rng = random.Random(1234)
    cuts = {0, 1, 4, 7, 8, 9, 8 + header_len // 2, 8 + header_len - 1, 8 + header_len, 8 + header_len + 1,
            len(data) // 2, len(data) - 4, len(data) - 1}
    cuts |= {rng.randrange(1, len(data)) for _ in range(40)}
    for i, cut in enumerate(sorted(cuts)):
        path = tmp_path / f"cut{cut}.safetensors"
        path.write_bytes(data[:cut])
        message = _refused(path, capsys if i % 10 == 0 else None, tmp_path)
        assert re.search(r"truncated|only \d+ bytes|not a valid safetensors", message), message
    assert len(cuts) >= 40


def test_garbage_empty_and_foreign_files(good, tmp_path, capsys):
    rng = random.Random(7)
    for size in (1, 8, 9, 100, 4096, 200_000):
        path = tmp_path / f"random{size}.safetensors"
        path.write_bytes(bytes(rng.randrange(256) for _ in range(size)))
        _refused(path, capsys if size in (9, 4096) else None, tmp_path)
    empty = tmp_path / "empty.safetensors"
    empty.write_bytes(b"")
    _refused(empty, capsys, tmp_path, words=("only 0 bytes",))
    text = tmp_path / "notes.safetensors"
    text.write_text("these are my notes, not a model\n" * 20)
    _refused(text, capsys, tmp_path)
    png = tmp_path / "picture.safetensors"
    from PIL import Image

    Image.new("RGB", (8, 8)).save(png, format="PNG")
    _refused(png, capsys, tmp_path)
    # a valid safetensors file that is not ours (no metadata)
    foreign = tmp_path / "foreign.safetensors"
    save_file({"weight": torch.zeros(3, 3)}, str(foreign))
    _refused(foreign, capsys, tmp_path, words=("not a Diffusion Lab checkpoint",))
    foreign2 = tmp_path / "foreign2.safetensors"
    save_file({"weight": torch.zeros(3)}, str(foreign2), metadata={"format": "pt"})
    _refused(foreign2, capsys, tmp_path, words=("not a Diffusion Lab checkpoint",))
    # a folder without a checkpoint, a path that does not exist
    (tmp_path / "emptyrun").mkdir()
    _refused_path(tmp_path / "emptyrun", "no checkpoint")
    _refused_path(tmp_path / "missing.safetensors", "no checkpoint")


def _refused_path(path, words):
    with pytest.raises(CheckpointError, match=words):
        load_checkpoint(path)


@pytest.mark.parametrize("header", [
    [], "text", 5, {"__metadata__": "nope"}, {"__metadata__": {"format": 5}}, {"w": 5},
    {"w": {"dtype": "F32", "shape": [2], "data_offsets": ["a", "b"]}},
    {"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 10 ** 12]}},
    {"w": {"dtype": "F32", "shape": [1000], "data_offsets": [0, 8]}},
    {"w": {"dtype": "BOGUS", "shape": [2], "data_offsets": [0, 8]}},
    {"w": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}},
    {"__metadata__": {"format": "diffusion-lab-checkpoint", "format_version": "1", "config": "{"},
     "w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}},
    {"__metadata__": {"format": "diffusion-lab-checkpoint", "format_version": "1", "config": "[]"}},
    {"__metadata__": {"format": "diffusion-lab-checkpoint", "format_version": "x"}},
    {"__metadata__": {"format": "diffusion-lab-checkpoint", "format_version": "1", "config": "{}", "step": "two"}},
    {"__metadata__": {"format": "diffusion-lab-checkpoint", "format_version": "1", "config": "{}",
                      "history": "[1, 2]"}},
], ids=lambda h: json.dumps(h)[:40])
def test_crafted_headers(header, tmp_path):
    path = _raw_safetensors(tmp_path / "crafted.safetensors", header, b"\0" * 8)
    _refused(path)


OURS = {"format": "diffusion-lab-checkpoint", "format_version": "1", "config": "{}"}


@pytest.mark.parametrize("bad", [{"history": "[1, 2]"}, {"history": '{"step": 5}'}, {"step": "-5"},
                                 {"step": "1e999"}, {"optim": "[]"}, {"data_info": "[]"}, {"data_info": "{"},
                                 {"config": '{"training": {"lr": "fast"}}'}, {"format_version": "0"}],
                         ids=lambda d: json.dumps(d)[:40])
def test_crafted_metadata(bad, tmp_path):
    """Framing fine, tensors none, metadata wrong: still a one-line CheckpointError, never an AttributeError."""
    _refused(_raw_safetensors(tmp_path / "meta.safetensors", {"__metadata__": {**OURS, **bad}}))


def test_header_not_utf8_and_huge_header_length(tmp_path):
    _refused(_raw_safetensors(tmp_path / "a.safetensors", b"\xff\xfe{}", b""))
    path = tmp_path / "b.safetensors"
    path.write_bytes(struct.pack("<Q", 2**63) + b"{}")
    _refused(path)


# ---------------------------------------------------------------- mismatches and the future
def test_wrong_architecture_for_the_config(good, tmp_path, capsys):
    def preset(name):
        def change(meta):
            cfg = json.loads(meta["config"])
            cfg["model"]["preset"] = name
            return {"config": json.dumps(cfg)}
        return change

    bigger = _rewrite(good, tmp_path / "base" / "checkpoint.safetensors", meta=preset("base"))
    ckpt = load_checkpoint(bigger)  # the file itself is intact ...
    with pytest.raises(CheckpointError, match="do not fit the base model"):
        trainer_from_checkpoint(ckpt)  # ... but its weights are not a base model
    out = tmp_path / "s.png"
    assert main(["sample", "--run", str(bigger.parent), "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "do not fit" in err[0] and not out.exists()

    def drop_a_tensor(tensors):
        key = next(k for k in tensors if k.startswith("model."))
        return {k: v for k, v in tensors.items() if k != key}

    missing = _rewrite(good, tmp_path / "missing" / "checkpoint.safetensors", tensors=drop_a_tensor)
    with pytest.raises(CheckpointError, match="do not fit"):
        trainer_from_checkpoint(load_checkpoint(missing))

    def reshape(tensors):
        key = next(k for k, v in tensors.items() if k.startswith("model.") and v.ndim == 2)
        return {**tensors, key: torch.zeros(3, 3)}

    wrong_shape = _rewrite(good, tmp_path / "shape" / "checkpoint.safetensors", tensors=reshape)
    with pytest.raises(CheckpointError, match="do not fit"):
        trainer_from_checkpoint(load_checkpoint(wrong_shape))


def test_newer_format_and_newer_config_version(good, tmp_path, capsys):
    newer = _rewrite(good, tmp_path / "f2" / "checkpoint.safetensors", meta={"format_version": "2"})
    message = _refused(newer, capsys, tmp_path, words=("format 2",))
    assert "reads format 1" in message
    def future_config(meta):
        cfg = json.loads(meta["config"])
        cfg["version"] = 99
        return {"config": json.dumps(cfg)}

    future = _rewrite(good, tmp_path / "c99" / "checkpoint.safetensors", meta=future_config)
    _refused(future, capsys, tmp_path, words=("newer Diffusion Lab",))

    def unknown_field(meta):
        cfg = json.loads(meta["config"])
        cfg["model"]["attention_heads"] = 8
        return {"config": json.dumps(cfg)}

    _refused(_rewrite(good, tmp_path / "unk" / "checkpoint.safetensors", meta=unknown_field), words=("unknown",))


# ---------------------------------------------------------------- malicious pickles
class TouchPayload:
    """Unpickling this creates ``path`` (pathlib.Path.touch)."""

    def __init__(self, path: str):
        self.path = path

    def __reduce__(self):
        return (pathlib.Path.touch, (pathlib.Path(self.path),))


class ShellPayload:
    """Unpickling this runs a shell command that creates ``path`` (os.system)."""

    def __init__(self, path: str):
        self.path = path

    def __reduce__(self):
        return (os.system, (f"touch '{self.path}'",))


def _payloads(folder: Path, sentinel: Path) -> dict[str, Path]:
    """Each malicious file, under names a user might try."""
    files = {}
    for proto in (0, 2, 4, 5):
        for cls in (TouchPayload, ShellPayload):
            data = pickle.dumps({"model": cls(str(sentinel))}, protocol=proto)
            for name in (f"{cls.__name__}{proto}.pkl", f"{cls.__name__}{proto}.safetensors"):
                (folder / name).write_bytes(data)
                files[name] = folder / name
    torch_file = folder / "torchsave.pt"
    torch.save({"state_dict": {"w": torch.zeros(2)}, "evil": TouchPayload(str(sentinel))}, torch_file)
    files["torchsave.pt"] = torch_file
    as_ckpt = folder / "torchsave.safetensors"
    as_ckpt.write_bytes(torch_file.read_bytes())
    files["torchsave.safetensors"] = as_ckpt
    legacy = folder / "legacy.ckpt"
    torch.save({"evil": ShellPayload(str(sentinel))}, legacy, _use_new_zipfile_serialization=False)
    files["legacy.ckpt"] = legacy
    run = folder / "run"
    run.mkdir()
    (run / "checkpoint.safetensors").write_bytes(torch_file.read_bytes())
    files["run"] = run
    return files


def test_pickle_payloads_are_real(tmp_path):
    """Control: the same kinds of bytes really do create the sentinel when unpickled (so the next test means
    something)."""
    control = tmp_path / "control"
    control.mkdir()
    sentinel = control / "PWNED"
    files = _payloads(control, sentinel)
    pickle.loads(files["TouchPayload4.pkl"].read_bytes())
    assert sentinel.exists()
    sentinel.unlink()
    pickle.loads(files["ShellPayload2.pkl"].read_bytes())
    assert sentinel.exists()
    sentinel.unlink()
    torch.load(files["torchsave.pt"], weights_only=False)
    assert sentinel.exists()


def test_pickle_payloads_never_run(tmp_path, capsys):
    sentinel = tmp_path / "PWNED"
    files = _payloads(tmp_path, sentinel)
    for name, path in files.items():
        with pytest.raises(CheckpointError) as info:
            load_checkpoint(path)
        message = str(info.value)
        if name.endswith((".pt", ".ckpt")) or "torchsave" in name or name == "run" or "4" in name or "5" in name:
            assert "pickle" in message and "never unpickles" in message, (name, message)
        out = tmp_path / f"{name}.png"
        for argv in (["sample", "--run", str(path), "--out", str(out)],
                     ["export", "--run", str(path), "--what", "grid", "--out", str(out)]):
            code = main(argv)
            err = capsys.readouterr().err.strip().splitlines()
            assert code == 1 and len(err) == 1, (argv, err)
            assert not out.exists()
        assert not sentinel.exists(), f"{name}: the pickle payload ran"
    # resuming training from a folder holding a pickle, too
    code = main(["train", "--resume", "--out", str(files["run"])])
    assert code == 1 and "pickle" in capsys.readouterr().err
    assert not sentinel.exists()


SOURCE_DIRS = ("engine", "gui")
FORBIDDEN = {
    r"\btorch\.load\(": "torch.load unpickles",
    r"\bpickle\.loads?\(|\bcPickle\b|\bdill\b|\bcloudpickle\b|\bjoblib\.load\(": "unpickling",
    r"\bmarshal\.loads?\(|\bshelve\.open\(": "code objects / shelve",
    r"(?<![.\w])eval\(|(?<![.\w])exec\(|(?<![.\w])compile\(": "eval/exec",
    r"\byaml\.load\((?![^)]*SafeLoader)|\byaml\.unsafe_load\(": "unsafe YAML",
    r"weights_only\s*=\s*False": "torch.load without weights_only",
    r"allow_pickle\s*=\s*True": "numpy pickles",
    r"\bQPluginLoader\b|\bctypes\.CDLL\(|\bimportlib\.import_module\((?!f?[\"']gui\.)": "loading code by name",
}


def _sources():
    for folder in SOURCE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield path, path.read_text(encoding="utf-8")


def test_no_code_runs_from_data_files_in_the_source():
    problems = []
    for path, text in _sources():
        for pattern, why in FORBIDDEN.items():
            for match in re.finditer(pattern, text):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{path.relative_to(ROOT)}:{line}: {why}: {match.group(0)}")
        for match in re.finditer(r"\bnp\.load\(|\bnumpy\.load\(", text):
            call = text[match.start():text.find(")", match.start()) + 1]
            if "allow_pickle=False" not in call:
                line = text.count("\n", 0, match.start()) + 1
                problems.append(f"{path.relative_to(ROOT)}:{line}: np.load without allow_pickle=False")
    assert not problems, "\n".join(problems)
