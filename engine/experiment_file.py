"""The experiment file: the config's JSON plus what else belongs to the experiment, such as the 2-D lab's drawing.

The config sections (data, schedule, model, training, sampling, version) are :class:`ExperimentConfig`'s, read by
``ExperimentConfig.from_dict``, which ignores other top-level keys: so ``diffusion-lab train --config file.json``
reads an experiment file as it is. The extras sit beside them. The one extra today is ``"drawing"``:

    "drawing": {
      "points": [[x, y], ...],      # the canvas's points as drawn (not standardized), float64 written exactly
      "trained": true               # present when the config's dataset is the lab's drawing file
    }

One point per line keeps a drawing of thousands of points readable and diff-friendly.
"""
from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from engine.config import ExperimentConfig
from engine.errors import ConfigError

DRAWING_KEY = "drawing"
MAX_DRAWING_POINTS = 1_000_000


def config_keys() -> set[str]:
    return set(ExperimentConfig().to_dict())


def drawing_entry(points: np.ndarray, *, trained: bool = False) -> dict[str, Any]:
    """The ``"drawing"`` extra for ``points`` (k, 2)."""
    points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    entry: dict[str, Any] = {"points": points.tolist()}
    if trained:
        entry["trained"] = True
    return entry


def drawing_points(entry: Any) -> np.ndarray:
    """The points (k, 2) float64 of a ``"drawing"`` extra; a :class:`ConfigError` naming what is wrong otherwise."""
    if not isinstance(entry, Mapping) or "points" not in entry:
        raise ConfigError(DRAWING_KEY, "expected an object with a points list")
    raw = entry["points"]
    if not isinstance(raw, list) or len(raw) > MAX_DRAWING_POINTS:
        raise ConfigError(f"{DRAWING_KEY}.points", f"expected a list of at most {MAX_DRAWING_POINTS} [x, y] pairs")
    for i, row in enumerate(raw):
        if (not isinstance(row, list) or len(row) != 2
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                           for v in row)):
            raise ConfigError(f"{DRAWING_KEY}.points[{i}]", f"expected [x, y] with two finite numbers, got {row!r}")
    return np.asarray(raw, dtype=np.float64).reshape(-1, 2)


def experiment_json(cfg: ExperimentConfig, extras: Mapping[str, Any] | None = None) -> str:
    """The file's text: the config as ``ExperimentConfig.to_json`` writes it, then the extras."""
    extras = dict(extras or {})
    clash = sorted(set(extras) & config_keys())
    if clash:
        raise ValueError(f"an extra may not replace the config section {clash[0]!r}")
    drawing = extras.pop(DRAWING_KEY, None)
    text = json.dumps(cfg.to_dict() | extras, indent=2)
    if drawing is None:
        return text + "\n"
    rows = ",\n".join("      " + json.dumps([float(x), float(y)]) for x, y in drawing["points"])
    flags = "".join(f'    {json.dumps(k)}: {json.dumps(v)},\n' for k, v in drawing.items() if k != "points")
    block = f'  "{DRAWING_KEY}": {{\n{flags}    "points": [\n{rows}\n    ]\n  }}' if rows else \
        f'  "{DRAWING_KEY}": {{\n{flags}    "points": []\n  }}'
    assert text.endswith("\n}")
    return text[:-2] + ",\n" + block + "\n}\n"


def split_experiment(text: str) -> tuple[ExperimentConfig, dict[str, Any]]:
    """The config and the extras of an experiment file's text (ConfigError for a bad config)."""
    cfg = ExperimentConfig.from_json(text)
    raw = json.loads(text)  # valid: from_json parsed it
    return cfg, {k: v for k, v in raw.items() if k not in config_keys()}


def load_experiment(path: str | Path) -> tuple[ExperimentConfig, dict[str, Any]]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError("config", f"cannot read {path}: {exc}") from None
    return split_experiment(text)


def save_experiment(path: str | Path, cfg: ExperimentConfig, extras: Mapping[str, Any] | None = None) -> None:
    """Write atomically (a crash never leaves half a file)."""
    from engine.atomic import atomic_write_text

    atomic_write_text(path, experiment_json(cfg, extras))
