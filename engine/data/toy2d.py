"""2-D point sets: the six built-in toy distributions and user point files (.csv / .txt / *.points.npy).

Built-in sets are drawn with numpy from ``np.random.default_rng(seed)`` and standardized with *fixed* per-dataset
constants (:data:`STATS`, exact moments of each distribution; ``tests/engine/test_data.py`` re-measures them).
Fixed constants rather than each draw's own mean/std make every draw -- the training set, :func:`fresh_points`
evaluation draws of any size -- live in exactly the same coordinates, so a model's samples can be compared with a
fresh draw without a hidden per-draw shift. Standardization is per axis (each axis zero mean, unit std), the usual
StandardScaler convention.

User point files have no "true" distribution, so they are standardized by their own mean/std.
"""
from __future__ import annotations

import io
import math
import re
import warnings
from collections.abc import Callable
from pathlib import Path
from tokenize import TokenError

import numpy as np
import torch

from engine.data.dataset import Dataset, subset_indices
from engine.errors import DataError

Points = tuple[np.ndarray, "np.ndarray | None"]  # raw (n, 2) float64 points and int64 labels (or None)


# --------------------------------------------------------------------------------------------- generators (raw)
# Noise levels follow the usual toy benchmarks (sklearn's make_moons / make_circles / make_swiss_roll examples,
# the FFJORD / WGAN-GP 8-gaussians, checkerboard and 2-spirals) and are in each set's raw units.

def _moons(rng: np.random.Generator, n: int) -> Points:
    label = rng.integers(0, 2, n)
    t = rng.uniform(0.0, math.pi, n)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1.0 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    pts = np.where(label[:, None] == 0, upper, lower) + rng.normal(0.0, 0.1, (n, 2))
    return pts, label


def _swissroll(rng: np.random.Generator, n: int) -> Points:
    t = 1.5 * math.pi * (1.0 + 2.0 * rng.uniform(0.0, 1.0, n))
    pts = np.stack([t * np.cos(t), t * np.sin(t)], axis=1) + rng.normal(0.0, 0.5, (n, 2))
    return pts, None


def _gaussians8(rng: np.random.Generator, n: int) -> Points:
    label = rng.integers(0, 8, n)
    angle = label * (2.0 * math.pi / 8.0)
    pts = 2.0 * np.stack([np.cos(angle), np.sin(angle)], axis=1) + rng.normal(0.0, 0.1, (n, 2))
    return pts, label


def _circles(rng: np.random.Generator, n: int) -> Points:
    label = rng.integers(0, 2, n)
    theta = rng.uniform(0.0, 2.0 * math.pi, n)
    radius = np.where(label == 0, 1.0, 0.5)
    pts = radius[:, None] * np.stack([np.cos(theta), np.sin(theta)], axis=1) + rng.normal(0.0, 0.05, (n, 2))
    return pts, label


def _checkerboard(rng: np.random.Generator, n: int) -> Points:
    # The 8 dark squares of a 4x4 board on [-2, 2]^2, uniform inside each square (no noise: the edges are the point).
    x1 = rng.uniform(-2.0, 2.0, n)
    x2 = rng.uniform(0.0, 1.0, n) - 2.0 * rng.integers(0, 2, n) + np.mod(np.floor(x1), 2.0)
    return np.stack([x1, x2], axis=1), None


def _spiral(rng: np.random.Generator, n: int) -> Points:
    # Two interleaved arms of 1.5 turns; sqrt spreads points evenly along the arm length.
    label = rng.integers(0, 2, n)
    d = np.sqrt(rng.uniform(0.0, 1.0, n)) * 3.0 * math.pi
    arm = np.stack([-np.cos(d) * d, np.sin(d) * d], axis=1)
    pts = np.where(label[:, None] == 0, arm, -arm) + rng.normal(0.0, 0.3, (n, 2))
    return pts, label


_GENERATORS: dict[str, Callable[[np.random.Generator, int], Points]] = {
    "moons": _moons,
    "swissroll": _swissroll,
    "gaussians8": _gaussians8,
    "circles": _circles,
    "checkerboard": _checkerboard,
    "spiral": _spiral,
}

DESCRIPTIONS: dict[str, str] = {
    "moons": "Two interleaving half circles (2 classes)",
    "swissroll": "A 2-D swiss roll: one long curled arm",
    "gaussians8": "Eight tight Gaussians on a circle (8 classes)",
    "circles": "Two concentric noisy rings (2 classes)",
    "checkerboard": "Uniform points on the dark squares of a 4x4 checkerboard",
    "spiral": "Two interleaved spiral arms (2 classes)",
}

CLASS_NAMES: dict[str, list[str]] = {
    "moons": ["upper moon", "lower moon"],
    "gaussians8": [f"{deg} deg" for deg in range(0, 360, 45)],
    "circles": ["outer ring", "inner ring"],
    "spiral": ["arm A", "arm B"],
}

# Per-axis (mean, std) of each raw distribution, exact rather than estimated: closed forms for the mixtures
# (e.g. gaussians8: var = r^2/2 + sigma^2 = 2.01; checkerboard: uniform on [-2, 2] -> 4/sqrt(12); moons: mean
# (1/2, 1/4)) and a 4-million-point midpoint quadrature over the arm parameter for swissroll / spiral, plus the
# Gaussian noise variance. Symmetric sets have mean exactly 0. Hard-coded so importing stays instant and the values
# are reviewable; compute_stats() re-measures them by Monte Carlo in the tests.
STATS: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {
    "moons": ((0.5, 0.25), (0.8717797887, 0.5041727024)),
    "swissroll": ((2.0, 0.2122065908), (6.6418612945, 6.9691670821)),
    "gaussians8": ((0.0, 0.0), (1.4177446879, 1.4177446879)),
    "circles": ((0.0, 0.0), (0.5612486080, 0.5612486080)),
    "checkerboard": ((0.0, 0.0), (1.1547005384, 1.1547005384)),
    "spiral": ((0.0, 0.0), (4.8006884821, 4.6418326017)),
}

# compute_stats() defaults: a draw large enough that its Monte Carlo error (~1e-3) is far below what matters.
STATS_SEED = 20240
STATS_DRAW = 1_000_000


def raw_points(name: str, n: int, seed: int) -> Points:
    """``n`` raw (unstandardized) float64 points of the built-in set ``name`` and their labels (or None)."""
    if name not in _GENERATORS:
        raise DataError(f"{name!r} is not a built-in 2-D dataset; choose one of {', '.join(_GENERATORS)}")
    if int(n) < 1:
        raise DataError(f"{name}: the number of points must be >= 1, got {n}")
    return _GENERATORS[name](np.random.default_rng(int(seed)), int(n))


def compute_stats(name: str, n: int = STATS_DRAW, seed: int = STATS_SEED) -> tuple[np.ndarray, np.ndarray]:
    """Measure the per-axis mean and std of ``name`` from one large draw (a check on :data:`STATS`)."""
    pts, _ = raw_points(name, n, seed)
    return pts.mean(axis=0), pts.std(axis=0)


def standardize(name: str, pts: np.ndarray) -> np.ndarray:
    """Apply the fixed constants of ``name`` to raw points."""
    mean, std = STATS[name]
    return (pts - np.asarray(mean)) / np.asarray(std)


def sample_builtin(name: str, n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Standardized float32 points ``(n, 2)`` and int64 labels (or None) of a built-in set."""
    pts, labels = raw_points(name, n, seed)
    x = torch.from_numpy(standardize(name, pts).astype(np.float32))
    return x, (torch.from_numpy(labels.astype(np.int64)) if labels is not None else None)


def load_builtin(name: str, n: int, seed: int) -> Dataset:
    x, labels = sample_builtin(name, n, seed)
    names = CLASS_NAMES.get(name, [])
    return Dataset(x=x, labels=labels, num_classes=len(names) if labels is not None else 0,
                   class_names=list(names) if labels is not None else [], kind="points", name=name, warnings=[])


# --------------------------------------------------------------------------------------------- user point files
# A file of 100 000 bad rows should not produce 100 000 warning lines in the GUI; past this many, one summary line.
MAX_ROW_WARNINGS = 20
_SPLIT = re.compile(r"[,;\s]+")


def load_points_file(path: Path, max_items: int = 0, seed: int = 0) -> Dataset:
    """Load user 2-D points from ``.csv`` / ``.txt`` (two numeric columns) or ``*.points.npy`` (shape ``(N, 2)``).

    Rows holding NaN / inf (or, in text files, a value that is not a number) are refused: each is skipped with a
    warning naming the file and line. A header line and ``#`` comments are allowed in text files. The points are
    standardized by their own per-axis mean/std (an axis with zero spread is only centred).
    """
    skipped_rows: list[str] = []
    if path.name.lower().endswith(".npy"):
        pts, bad = _read_points_npy(path)
        row_label = "row"
    else:
        pts, bad = _read_points_text(path)
        row_label = "line"
    for where, why in bad[:MAX_ROW_WARNINGS]:
        skipped_rows.append(f"{path.name} {row_label} {where}: {why}; row skipped")
    if len(bad) > MAX_ROW_WARNINGS:
        skipped_rows.append(f"{path.name}: {len(bad) - MAX_ROW_WARNINGS} more bad rows skipped")
    if len(pts) < 2:
        found = f"{len(pts)} usable row" + ("" if len(pts) == 1 else "s")
        raise DataError(f"{path}: found {found} ({len(bad)} refused); a points file needs at least 2 rows of "
                        "two finite numbers (x, y)")
    pts = pts[subset_indices(len(pts), max_items, seed)]
    # Divide by each axis' largest magnitude first (standardizing does not change): values near 1e308 would
    # otherwise overflow the mean or variance to inf and turn every point into NaN.
    scale = np.abs(pts).max(axis=0)
    pts = pts / np.where(scale > 0, scale, 1.0)
    mean = pts.mean(axis=0)
    std = pts.std(axis=0)
    std = np.where(std > 0, std, 1.0)  # all points on one vertical/horizontal line: centre that axis, don't divide
    x = torch.from_numpy(((pts - mean) / std).astype(np.float32))
    return Dataset(x=x, labels=None, num_classes=0, class_names=[], kind="points",
                   name=path.name, warnings=skipped_rows)


def read_points(path: Path) -> np.ndarray:
    """The finite rows of a points file (.csv / .txt / .npy of shape (N, 2)) as float64, *not* standardized: for
    points already in a model's space (``diffusion-lab invert --input``). Bad rows are dropped."""
    path = Path(path)
    pts, _bad = _read_points_npy(path) if path.name.lower().endswith(".npy") else _read_points_text(path)
    if len(pts) == 0:
        raise DataError(f"{path}: no usable rows; expected two finite numbers (x, y) per row")
    return pts


def _read_points_text(path: Path) -> tuple[np.ndarray, list[tuple[int, str]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")  # -sig: Excel writes a BOM before the header
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not a UTF-8 text file ({exc.reason} at byte {exc.start}); expected two numeric "
                        "columns (x, y) separated by commas, semicolons or spaces") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror or exc})") from None
    clean = _parse_points_fast(text)
    if clean is not None:
        return clean, []
    rows: list[tuple[float, float]] = []
    bad: list[tuple[int, str]] = []
    seen_data = False
    for lineno, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        fields = [f.strip("\"'") for f in _SPLIT.split(line) if f]  # spreadsheets may quote numbers
        if len(fields) != 2:
            raise DataError(f"{path} line {lineno}: found {len(fields)} columns ({line[:60]!r}); expected exactly "
                            "two numeric columns (x, y)")
        try:
            x, y = float(fields[0]), float(fields[1])
        except ValueError:
            if not seen_data:  # the first non-comment line may be a header such as "x,y"
                seen_data = True
                continue
            bad.append((lineno, f"not a number ({line[:40]!r})"))
            continue
        seen_data = True
        if not (math.isfinite(x) and math.isfinite(y)):
            bad.append((lineno, f"non-finite value ({line[:40]!r})"))
            continue
        rows.append((x, y))
    return np.asarray(rows, dtype=np.float64).reshape(-1, 2), bad


def _parse_points_fast(text: str) -> np.ndarray | None:
    """numpy's C parser for the common clean file (10x faster on 100k rows than the line loop).

    Returns None for anything unusual -- comments, quotes, bad or non-finite values, a column count other than 2 --
    and the line-by-line parser then handles it and names the offending lines.
    """
    if "#" in text or '"' in text or "'" in text:
        return None
    lines = text.splitlines()
    if not lines:
        return None
    skip = 0 if _is_numeric_row(lines[0]) else 1  # one header line allowed
    sample = lines[skip] if len(lines) > skip else ""
    delimiter = "," if "," in sample else ";" if ";" in sample else None  # None: any whitespace
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "input contained no data" for a header-only file
            arr = np.loadtxt(io.StringIO(text), delimiter=delimiter, skiprows=skip, ndmin=2, dtype=np.float64)
    except ValueError:
        return None
    if arr.ndim != 2 or arr.shape[1] != 2 or not np.isfinite(arr).all():
        return None
    return arr


def _is_numeric_row(line: str) -> bool:
    try:
        [float(f) for f in _SPLIT.split(line.strip()) if f]
    except ValueError:
        return False
    return True


def _read_points_npy(path: Path) -> tuple[np.ndarray, list[tuple[int, str]]]:
    try:
        # never unpickle: a .npy can carry arbitrary code in an object array. mmap: a header that declares more
        # data than the file holds is refused by its size instead of allocating it first (MemoryError).
        arr = np.load(path, mmap_mode="r", allow_pickle=False)
    except ValueError as exc:
        if "pickle" in str(exc).lower() or "object" in str(exc).lower():  # mmap says "Python objects"
            raise DataError(f"{path}: holds Python objects (a pickled object array), which are never loaded for "
                            "safety; expected a numeric array of shape (N, 2)") from None
        raise DataError(f"{path}: not a readable .npy file ({_one_line(exc)}); expected a numeric array of shape "
                        "(N, 2)") from None
    except (OSError, EOFError, MemoryError, SyntaxError, TokenError) as exc:  # the last two: a garbled header
        raise DataError(f"{path}: not a readable .npy file ({_one_line(exc)}); expected a numeric array of shape "
                        "(N, 2)") \
            from None
    if not isinstance(arr, np.ndarray) or arr.ndim != 2 or arr.shape[1] != 2 or arr.dtype.kind not in "iuf":
        raise DataError(f"{path}: found an array of shape {getattr(arr, 'shape', '?')} and dtype "
                        f"{getattr(arr, 'dtype', '?')}; expected a numeric (int or float) array of shape (N, 2)")
    arr = arr.astype(np.float64)
    finite = np.isfinite(arr).all(axis=1)
    bad = [(int(i), "non-finite value") for i in np.flatnonzero(~finite)]
    return arr[finite], bad


def _one_line(exc: BaseException) -> str:
    """numpy's header errors span several lines; a DataError message is one."""
    return " ".join(str(exc).split())[:300]
