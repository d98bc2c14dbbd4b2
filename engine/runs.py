"""Run folders read back for comparison: a folder written by ``diffusion-lab train`` (or the window's Save
checkpoint) becomes one typed :class:`RunSummary` that the window's Runs tab overlays with others.

A run folder holds ``config.json``, ``checkpoint.safetensors``, ``loss.csv`` and, when the run recorded them,
``quality.csv`` and ``timelapse.npz``. :func:`read_run` reads what is there:

* the config from ``config.json``, else from the checkpoint's header (only the JSON header: no tensor is read);
* the loss / lr / wall-time history from ``loss.csv``, else from the checkpoint's header;
* quality scores (multiples of the real-data floor) from ``quality.csv``;
* preview frames (uint8 (H, W, 3)) from ``timelapse.npz``, at most :data:`MAX_FRAMES` of them (evenly thinned,
  the last one always kept: it is the run's latest samples).

A folder that is not a run, or whose config / loss history cannot be read, raises :class:`DataError` naming the
file. A broken optional file (quality.csv, timelapse.npz) does not sink the run: it is left out and its problem is
listed in :attr:`RunSummary.warnings`. Nothing here imports Qt or builds a model.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from engine.config import ExperimentConfig
from engine.errors import ConfigError, DataError, UserError

CONFIG_NAME = "config.json"
LOSS_NAME = "loss.csv"
LOSS_COLUMNS = ("step", "loss", "lr", "grad_norm", "wall_time")
MAX_FRAMES = 120  # preview frames kept per run (a 2000-frame time-lapse would hold ~600 MB in memory)


def _empty() -> np.ndarray:
    return np.zeros(0, np.float64)


@dataclass(frozen=True)
class RunSummary:
    """What a run folder says about its run; arrays are float64 (steps int64), aligned per series."""

    folder: Path
    config: ExperimentConfig
    step: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # loss history: optimizer step
    loss: np.ndarray = field(default_factory=_empty)
    lr: np.ndarray = field(default_factory=_empty)
    wall_time: np.ndarray = field(default_factory=_empty)  # seconds since the run's first step
    quality_step: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    quality_ratio: np.ndarray = field(default_factory=_empty)  # multiple of the real-data floor (1 = as real data)
    quality_metric: str = ""
    checkpoint: Path | None = None
    frame_steps: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    frames: tuple[np.ndarray, ...] = ()  # uint8 (H, W, 3) preview grids, in step order
    warnings: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.folder.name or str(self.folder)

    @property
    def last_step(self) -> int:
        steps = [int(a[-1]) for a in (self.step, self.quality_step, self.frame_steps) if len(a)]
        return max(steps, default=0)

    def quality_wall_time(self) -> np.ndarray:
        """Wall time of each quality score, interpolated from the loss history's (step, wall_time)."""
        if not len(self.quality_step) or not len(self.step):
            return np.full(len(self.quality_step), np.nan)
        return np.interp(self.quality_step.astype(np.float64), self.step.astype(np.float64), self.wall_time)

    def frame_at(self, step: int) -> int | None:
        """Index of the preview frame whose step is nearest to ``step`` (the earlier one on a tie); None if none."""
        return nearest_index(self.frame_steps, step)


def nearest_index(steps: np.ndarray, step: float) -> int | None:
    """Index into sorted ``steps`` of the value nearest to ``step`` (the earlier one on a tie)."""
    if not len(steps):
        return None
    k = int(np.searchsorted(steps, step))
    if k <= 0:
        return 0
    if k >= len(steps):
        return len(steps) - 1
    return k - 1 if step - steps[k - 1] <= steps[k] - step else k


# ============================================================================================ finding runs
def is_run_folder(folder: str | Path) -> bool:
    from engine.checkpoint import CHECKPOINT_NAME

    folder = Path(folder)
    return folder.is_dir() and any((folder / n).is_file() for n in (CONFIG_NAME, LOSS_NAME, CHECKPOINT_NAME))


def find_runs(folder: str | Path) -> list[Path]:
    """``folder`` itself if it is a run, else its sub-folders that are runs (sorted by name); a folder that is
    neither is returned as it is, so that reading it explains why it is not a run."""
    folder = Path(folder)
    if is_run_folder(folder) or not folder.is_dir():
        return [folder]
    try:
        children = sorted(p for p in folder.iterdir() if p.is_dir() and is_run_folder(p))
    except OSError:
        return [folder]
    return children or [folder]


# ============================================================================================ reading
def read_run(folder: str | Path) -> RunSummary:
    """Read one run folder (see the module text). Raises :class:`DataError` naming the file that is wrong."""
    from engine.checkpoint import CHECKPOINT_NAME

    folder = Path(folder)
    if not folder.exists():
        raise DataError(f"{folder}: the run folder is missing (moved or deleted?)")
    if not folder.is_dir():
        raise DataError(f"{folder} is not a folder; open the run folder that holds {LOSS_NAME} and {CONFIG_NAME}")
    ckpt = folder / CHECKPOINT_NAME
    has_ckpt = ckpt.is_file()
    if not any((folder / n).is_file() for n in (CONFIG_NAME, LOSS_NAME)) and not has_ckpt:
        raise DataError(f"{folder} is not a run folder: it has no {CONFIG_NAME}, {LOSS_NAME} or {CHECKPOINT_NAME} "
                        "(written by diffusion-lab train --out, or by Save checkpoint)")
    meta = _checkpoint_meta(ckpt) if has_ckpt else None
    config = _read_config(folder, meta)
    if (folder / LOSS_NAME).is_file():
        step, loss, lr, wall = read_loss_csv(folder / LOSS_NAME)
    elif meta is not None:
        step, loss, lr, wall = _history_from_meta(ckpt, meta)
    else:
        step, loss, lr, wall = np.zeros(0, np.int64), _empty(), _empty(), _empty()
    warnings: list[str] = []
    q_step, q_ratio, metric = np.zeros(0, np.int64), _empty(), ""
    from engine.quality import QUALITY_CSV, read_quality_csv

    if (folder / QUALITY_CSV).is_file():
        try:
            scores = read_quality_csv(folder / QUALITY_CSV)
        except UserError as exc:
            warnings.append(f"quality scores left out: {exc}")
        else:
            q_step = np.array([s.step for s in scores], np.int64)
            q_ratio = np.array([s.ratio for s in scores], np.float64)
            metric = scores[0].metric if scores else ""
    frame_steps, frames = _read_frames(folder, warnings)
    return RunSummary(folder=folder, config=config, step=step, loss=loss, lr=lr, wall_time=wall,
                      quality_step=q_step, quality_ratio=q_ratio, quality_metric=metric,
                      checkpoint=ckpt if has_ckpt else None, frame_steps=frame_steps, frames=frames,
                      warnings=tuple(warnings))


def read_runs(folders: Sequence[str | Path]) -> list[RunSummary | DataError]:
    """Each folder read on its own: a broken one becomes its :class:`DataError` in the list, the others still
    read (what the window's Runs tab shows side by side)."""
    out: list[RunSummary | DataError] = []
    for folder in folders:
        try:
            out.append(read_run(folder))
        except UserError as exc:
            out.append(exc if isinstance(exc, DataError) else DataError(str(exc)))
    return out


def read_loss_csv(path: str | Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(step, loss, lr, wall_time) from a ``loss.csv`` written by a run; :class:`DataError` naming the file (and
    line) if it is not one."""
    path = Path(path)
    try:
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot read the loss history ({exc})") from None
    except csv.Error as exc:
        raise DataError(f"{path}: not a loss.csv ({exc})") from None
    if not rows or tuple(c.strip() for c in rows[0]) != LOSS_COLUMNS:
        raise DataError(f"{path}: not a loss.csv (expected the header {','.join(LOSS_COLUMNS)})")
    values = []
    for line, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(LOSS_COLUMNS):
            raise DataError(f"{path} line {line}: expected {len(LOSS_COLUMNS)} values, got {len(row)}")
        try:
            step = int(row[0])
            values.append((step, float(row[1]), float(row[2]), float(row[4])))
        except ValueError as exc:
            raise DataError(f"{path} line {line}: {exc}") from None
    if not values:
        return np.zeros(0, np.int64), _empty(), _empty(), _empty()
    arr = np.array(values, np.float64)
    return arr[:, 0].astype(np.int64), arr[:, 1], arr[:, 2], arr[:, 3]


def _checkpoint_meta(path: Path) -> dict | None:
    """The checkpoint's metadata strings (header only), or None when the file cannot serve as a fallback."""
    from engine.checkpoint import _read_header

    try:
        return _read_header(path).get("__metadata__") or {}
    except UserError:
        return None


def _read_config(folder: Path, meta: dict | None) -> ExperimentConfig:
    path = folder / CONFIG_NAME
    if path.is_file():
        try:
            return ExperimentConfig.load(path)
        except ConfigError as exc:
            raise DataError(f"{path}: not a usable experiment config ({exc})") from None
    if meta and "config" in meta:
        try:
            return ExperimentConfig.from_json(meta["config"])
        except ConfigError as exc:
            raise DataError(f"{folder}: {CONFIG_NAME} is missing and the checkpoint's config cannot be used "
                            f"({exc})") from None
    raise DataError(f"{folder}: no {CONFIG_NAME} (and no readable checkpoint holding the config)")


def _history_from_meta(path: Path, meta: dict):
    try:
        raw = json.loads(meta.get("history", "{}"))
        step = np.asarray(raw.get("step", []), np.int64)
        cols = [np.asarray(raw.get(k, []), np.float64) for k in ("loss", "lr", "wall_time")]
        if any(len(c) != len(step) for c in cols) or step.ndim != 1:
            raise ValueError("columns of different lengths")
    except (ValueError, TypeError, AttributeError, RecursionError) as exc:
        raise DataError(f"{path}: no loss.csv and the checkpoint's loss history is corrupt ({exc})") from None
    return step, cols[0], cols[1], cols[2]


def _read_frames(folder: Path, warnings: list[str]) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    from engine.export.timelapse import TIMELAPSE_NAME, load_timelapse

    path = folder / TIMELAPSE_NAME
    none = (np.zeros(0, np.int64), ())
    if not path.is_file():
        return none
    try:
        frames, steps = load_timelapse(path)
    except UserError as exc:
        warnings.append(f"preview frames left out: {exc}")
        return none
    order = np.argsort(np.asarray(steps, np.int64), kind="stable")
    if len(order) > MAX_FRAMES:  # evenly thinned; the last frame (the latest samples) always kept
        order = order[np.unique(np.linspace(0, len(order) - 1, MAX_FRAMES).round().astype(int))]
    return (np.asarray([steps[i] for i in order], np.int64),
            tuple(np.ascontiguousarray(_rgb(frames[i])) for i in order))


def _rgb(frame: np.ndarray) -> np.ndarray:
    return frame[..., :3] if frame.shape[-1] >= 3 else np.repeat(frame[..., :1], 3, axis=-1)


# ============================================================================================ comparing
def flat_config(cfg: ExperimentConfig) -> dict[str, object]:
    """``{"training.lr": 0.001, ...}``: every setting under its dotted name (the version left out)."""
    out: dict[str, object] = {}
    for section, values in cfg.to_dict().items():
        if isinstance(values, dict):
            for key, value in values.items():
                out[f"{section}.{key}"] = value
    return out


def config_differences(configs: Sequence[ExperimentConfig]) -> dict[str, list[object]]:
    """The settings that differ between ``configs``: dotted name -> the value in each config, in order (a field
    one config lacks shows as None). Empty for fewer than two configs or identical ones."""
    flats = [flat_config(c) for c in configs]
    if len(flats) < 2:
        return {}
    keys = list(dict.fromkeys(k for f in flats for k in f))
    return {k: [f.get(k) for f in flats] for k in keys if any(f.get(k) != flats[0].get(k) for f in flats[1:])}


# ============================================================================================ latest samples
def render_preview(preview: np.ndarray, plot_size: int = 320) -> np.ndarray:
    """A trainer preview (uint8 image grid, or float (n, 2) points) as a uint8 (H, W, 3) frame, drawn like a
    time-lapse frame."""
    from engine.imaging import to_rgb
    from engine.plotting import point_colors, scatter_image

    arr = np.asarray(preview)
    if arr.dtype != np.uint8 and arr.ndim == 2 and arr.shape[1] == 2:
        return scatter_image(arr, size=plot_size, colors=point_colors(arr))
    return to_rgb(arr.astype(np.uint8))


def latest_samples(checkpoint, device: str | None = "cpu") -> tuple[int, np.ndarray]:
    """(step, frame): the fixed-seed EMA preview of a run's checkpoint (an :class:`engine.checkpoint.Checkpoint`
    already read), for a run that saved no time-lapse. Builds the model: call it where models are built (the
    window's worker thread, or a script)."""
    from engine.checkpoint import trainer_from_checkpoint

    trainer = trainer_from_checkpoint(checkpoint, device=device)
    preview = trainer.preview()
    return int(trainer.step_count), render_preview(preview)
