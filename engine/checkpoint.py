"""Checkpoints that are safe to share: safetensors tensors + a JSON header. Loading never unpickles.

One file, ``checkpoint.safetensors``, holds the model weights (``model.*``), the EMA weights (``ema.*``) and the
AdamW state (``optim.*``), and in its safetensors metadata the experiment config, step count and loss history as
JSON. One file means one atomic rename: a process killed while saving leaves the previous checkpoint intact.
A run folder also gets ``config.json``, ``loss.csv`` and ``loss_by_t.csv`` for people and other tools (written from
the same data).
"""
from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass
from pathlib import Path

import torch

from engine.atomic import atomic_path, atomic_write_text
from engine.config import ExperimentConfig
from engine.errors import CheckpointError, ConfigError
from engine.loss_by_t import CSV_NAME as LOSS_BY_T_CSV
from engine.training import LossHistory, Trainer
from engine.version import __version__

FORMAT = "diffusion-lab-checkpoint"
FORMAT_VERSION = 1
CHECKPOINT_NAME = "checkpoint.safetensors"
_MAX_HEADER = 100 * 2**20  # the safetensors format's own header limit
_MAX_PLACEHOLDER = 2**24  # values in one item of a recorded data shape (3 x 256 x 256 is 196 608)


@dataclass
class Checkpoint:
    config: ExperimentConfig
    step: int
    history: LossHistory
    model_state: dict[str, torch.Tensor]
    ema_state: dict[str, torch.Tensor]
    optim_state: dict[str, torch.Tensor]
    path: Path
    data_info: dict  # kind, shape, num_classes, class_names, name: enough to sample without the original data


def checkpoint_path(target: str | Path) -> Path:
    """A run folder or a checkpoint file -> the checkpoint file."""
    target = Path(target)
    if target.is_dir() or target.suffix != ".safetensors":
        return target / CHECKPOINT_NAME
    return target


def save_checkpoint(trainer: Trainer, target: str | Path, *, write_sidecars: bool = True) -> Path:
    """Write ``trainer`` to ``target`` (a run folder or a ``.safetensors`` path) atomically; returns the file."""
    from safetensors.torch import save_file

    path = checkpoint_path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    tensors: dict[str, torch.Tensor] = {}
    for prefix, module in (("model.", trainer.model), ("ema.", trainer.ema_model)):
        for name, value in module.state_dict().items():
            tensors[prefix + name] = value.detach().to("cpu").contiguous()
    optim_meta = _optimizer_tensors(trainer.optimizer, tensors)
    metadata = {
        "format": FORMAT,
        "format_version": str(FORMAT_VERSION),
        "app_version": __version__,
        "config": trainer.config.to_json(),
        "step": str(trainer.step_count),
        "history": json.dumps(trainer.history.to_dict()),
        "optim": json.dumps(optim_meta),
        "data_info": json.dumps({"kind": trainer.dataset.kind, "shape": list(trainer.dataset.x.shape[1:]),
                                 "num_classes": trainer.dataset.num_classes,
                                 "class_names": list(trainer.dataset.class_names), "name": trainer.dataset.name}),
    }
    with atomic_path(path, suffix=".tmp.safetensors") as tmp:
        save_file(tensors, str(tmp), metadata=metadata)
    if write_sidecars:
        atomic_write_text(path.parent / "config.json", trainer.config.to_json())
        atomic_write_text(path.parent / "loss.csv", trainer.history.to_csv())
        if trainer.history.by_t is not None and len(trainer.history.by_t):
            atomic_write_text(path.parent / LOSS_BY_T_CSV, trainer.history.by_t.to_csv())
    return path


def _optimizer_tensors(optimizer: torch.optim.Optimizer, out: dict[str, torch.Tensor]) -> dict:
    state = optimizer.state_dict()
    meta = {"param_groups": [{k: v for k, v in g.items() if k != "params"} for g in state["param_groups"]],
            "scalars": {}}
    for index, values in state["state"].items():
        for key, value in values.items():
            if torch.is_tensor(value) and value.ndim > 0:
                out[f"optim.{index}.{key}"] = value.detach().to("cpu").contiguous()
            else:
                meta["scalars"][f"{index}.{key}"] = float(value)
    return meta


def _read_header(path: Path) -> dict:
    """Validate the safetensors framing ourselves first, so a pickle, a truncated file or garbage gets a clear
    message (and nothing but bytes is ever read)."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(8)
            if len(head) < 8:
                raise CheckpointError(f"{path} is not a Diffusion Lab checkpoint: the file is only {size} bytes")
            (header_len,) = struct.unpack("<Q", head)
            if header_len <= 0 or header_len > _MAX_HEADER or 8 + header_len > size:
                if head[:1] == b"\x80" or head[:2] == b"PK":
                    raise CheckpointError(f"{path} looks like a pickle / torch.save file; Diffusion Lab only loads "
                                          "safetensors checkpoints and never unpickles (pickles can run code)")
                raise CheckpointError(f"{path} is not a valid safetensors checkpoint (bad header length "
                                      f"{header_len} for a {size}-byte file; truncated or another format)")
            header = json.loads(fh.read(header_len).decode("utf-8"))
    except CheckpointError:
        raise  # a ValueError too: keep its own message
    except OSError as exc:
        raise CheckpointError(f"cannot read checkpoint {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, ValueError, RecursionError):  # ValueError: JSONDecodeError, 5000-digit numbers
        raise CheckpointError(f"{path} is not a valid safetensors checkpoint (its header is not JSON)") from None
    if not isinstance(header, dict):
        raise CheckpointError(f"{path} is not a valid safetensors checkpoint")
    meta = header.get("__metadata__") or {}
    if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
        raise CheckpointError(f"{path} is not a valid safetensors checkpoint (its metadata is not a string table)")
    end = 0
    for key, entry in header.items():
        offsets = entry.get("data_offsets") if isinstance(entry, dict) else None
        if key == "__metadata__":
            continue
        if (not isinstance(offsets, list) or len(offsets) != 2
                or not all(isinstance(o, int) and not isinstance(o, bool) and o >= 0 for o in offsets)
                or offsets[0] > offsets[1]):
            raise CheckpointError(f"{path} is not a valid safetensors checkpoint (bad entry for tensor {key!r})")
        end = max(end, offsets[1])
    if 8 + header_len + end > size:
        raise CheckpointError(f"{path} is truncated: its header promises {8 + header_len + end} bytes, "
                              f"the file has {size}")
    return header


def load_checkpoint(target: str | Path) -> Checkpoint:
    """Read a checkpoint (a run folder or the file). Raises :class:`CheckpointError` with the reason."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    # an existing file is checked as it is, whatever its name (a .pt / .ckpt pickle gets a clear refusal)
    path = Path(target) if Path(target).is_file() else checkpoint_path(target)
    if not path.exists():
        raise CheckpointError(f"no checkpoint at {path}")
    header = _read_header(path)
    meta = header.get("__metadata__") or {}
    if meta.get("format") != FORMAT:
        raise CheckpointError(f"{path} is a safetensors file but not a Diffusion Lab checkpoint (no config inside)")
    try:
        version = int(meta.get("format_version", "0"))
    except ValueError:
        version = -1
    if version > FORMAT_VERSION or version < 1:
        raise CheckpointError(f"{path} was written by checkpoint format {meta.get('format_version')} "
                              f"(app {meta.get('app_version', '?')}); this Diffusion Lab {__version__} reads "
                              f"format {FORMAT_VERSION}")
    try:
        config = ExperimentConfig.from_json(meta["config"])
    except (KeyError, ConfigError) as exc:
        raise CheckpointError(f"{path}: its config cannot be used ({exc})") from None
    try:
        tensors = load_file(str(path))
    except (SafetensorError, OSError, RuntimeError) as exc:
        raise CheckpointError(f"{path} cannot be read as safetensors: {exc}") from None
    try:
        history = LossHistory.from_dict(_json_object(meta.get("history", "{}"), "history"))
        step = int(meta.get("step", "0"))
        if step < 0:
            raise ValueError(f"negative step {step}")
        optim_meta = _json_object(meta.get("optim", "{}"), "optim")
        data_info = _json_object(meta.get("data_info", "{}"), "data_info")
    except (ValueError, TypeError, AttributeError, OverflowError, RecursionError) as exc:
        raise CheckpointError(f"{path}: corrupt metadata ({str(exc)[:200]})") from None
    split = {"model.": {}, "ema.": {}, "optim.": {}}
    for key, value in tensors.items():
        for prefix, bucket in split.items():
            if key.startswith(prefix):
                bucket[key[len(prefix):]] = value
                break
    optim_state = dict(split["optim."])
    optim_state["__meta__"] = optim_meta  # type: ignore[assignment]
    return Checkpoint(config, step, history, split["model."], split["ema."], optim_state, path, data_info)


def _json_object(text: str, name: str) -> dict:
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError(f"{name} is not a JSON object")
    return value


def trainer_from_checkpoint(ckpt: Checkpoint, dataset=None, device: str | None = None,
                            config: ExperimentConfig | None = None) -> Trainer:
    """Rebuild a Trainer from a checkpoint, ready to sample or to continue training.

    ``config`` may change training settings (steps, lr...) for a continued run; the architecture must match.
    """
    cfg = config or ckpt.config
    if dataset is None:
        try:
            from engine.data import load_dataset

            dataset = load_dataset(cfg.data, seed=cfg.training.seed)
        except Exception:  # noqa: BLE001 - any data problem: fall back to a stand-in dataset below
            dataset = None
    if dataset is None:
        dataset = _placeholder_dataset(cfg, ckpt)
    trainer = Trainer(cfg, dataset=dataset, device=device)
    try:
        trainer.model.load_state_dict(ckpt.model_state, strict=True)
        trainer.ema_model.load_state_dict(ckpt.ema_state or ckpt.model_state, strict=True)
    except RuntimeError as exc:
        first = str(exc).splitlines()[0]
        raise CheckpointError(f"{ckpt.path}: the weights do not fit the {cfg.model.preset} model for this data "
                              f"({first}); was it trained with another preset, image size or channel count?") from None
    _load_optimizer(trainer.optimizer, ckpt.optim_state)
    trainer.step_count = ckpt.step
    trainer.history = ckpt.history
    # a continued run must not replay the batches, timesteps and noise of steps 1..N again
    trainer.generator.manual_seed(cfg.training.seed + 1 + 7919 * ckpt.step)
    return trainer


def _load_optimizer(optimizer: torch.optim.Optimizer, flat: dict) -> None:
    meta = flat.get("__meta__") or {}
    if not meta:
        return
    state: dict[int, dict] = {}
    for key, value in flat.items():
        if key == "__meta__":
            continue
        index, name = key.split(".", 1)
        state.setdefault(int(index), {})[name] = value
    for key, value in meta.get("scalars", {}).items():
        index, name = key.split(".", 1)
        state.setdefault(int(index), {})[name] = torch.tensor(value)
    groups = optimizer.state_dict()["param_groups"]
    for group, saved in zip(groups, meta.get("param_groups", [])):
        group.update({k: v for k, v in saved.items() if k in group})
    try:
        optimizer.load_state_dict({"state": state, "param_groups": groups})
    except (ValueError, KeyError, RuntimeError):
        pass  # optimizer state from another shape: continue with fresh moments rather than refuse the weights


def _placeholder_dataset(cfg: ExperimentConfig, ckpt: Checkpoint):
    """When the original data is not available (a checkpoint shared without its image folder), sampling still
    works: a one-item dataset of the recorded shape stands in for it."""
    from engine.data import Dataset

    info = ckpt.data_info
    if not info or "shape" not in info:
        raise CheckpointError(f"{ckpt.path}: the data source {cfg.data.dataset!r} is not available here and the "
                              "checkpoint does not record the data shape")
    try:
        shape = tuple(int(v) for v in info["shape"])
        num_classes = int(info.get("num_classes", 0))
        if not 1 <= len(shape) <= 3 or min(shape) < 1 or math.prod(shape) > _MAX_PLACEHOLDER or num_classes < 0:
            raise ValueError(f"shape {list(shape)}, {num_classes} classes")
        class_names = [str(c) for c in info.get("class_names", [])]
    except (TypeError, ValueError, OverflowError) as exc:
        raise CheckpointError(f"{ckpt.path}: the data source {cfg.data.dataset!r} is not available here and the "
                              f"recorded data shape is unusable ({str(exc)[:100]})") from None
    labels = torch.zeros(1, dtype=torch.long) if num_classes else None
    return Dataset(x=torch.zeros((1, *shape)), labels=labels, num_classes=num_classes,
                   class_names=class_names, kind=str(info.get("kind", "images")),
                   name=str(info.get("name", cfg.data.dataset)), warnings=[
                       f"data source {cfg.data.dataset!r} not found; sampling only"])
