"""Loss by timestep over training: which noise levels the network learns first, and where learning stalls.

Every training step already computes one loss per sample at that sample's timestep (engine/diffusion.py). This
module groups those losses by t into ``bins`` equal bins over the paper's t = 1..T and keeps one row per reporting
interval: the mean loss of each bin over the samples of the interval's steps. No extra forward pass.

Rows are kept at a fixed step interval so they tile the step axis evenly (a heatmap column each). When more than
``MAX_ROWS`` rows pile up, neighbouring rows are merged in pairs (sample-weighted, so a merged mean is exactly the
mean over both intervals' samples) and the interval doubles: memory stays bounded on any run length. A copy that is
fed the same closed rows through :meth:`LossByT.add_row` (the window's plot) merges identically.

Timestep convention (engine/schedules.py): schedule index ``i`` is the paper's ``t = i + 1``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

DEFAULT_BINS = 50
MAX_ROWS = 512  # even: rows merge in pairs
MIN_SAMPLES_PER_BIN = 8  # the first interval holds about this many samples per bin (a mean, not one sample)
CSV_NAME = "loss_by_t.csv"


@dataclass(frozen=True)
class LossByTRow:
    """One closed interval: steps (step - interval, step], per-bin loss sums and sample counts."""

    step: int
    sums: np.ndarray  # float64 (bins,)
    counts: np.ndarray  # int64 (bins,)


def first_interval(batch_size: int, bins: int = DEFAULT_BINS) -> int:
    """Steps per row at the start: enough that each bin averages ~MIN_SAMPLES_PER_BIN samples (t is uniform)."""
    return max(1, math.ceil(MIN_SAMPLES_PER_BIN * bins / max(1, int(batch_size))))


class LossByT:
    """Per-bin running means of the per-sample training loss, one row per ``interval`` optimizer steps."""

    def __init__(self, timesteps: int, bins: int = DEFAULT_BINS, interval: int = 1, start: int = 0):
        if timesteps < 1 or bins < 1 or interval < 1:
            raise ValueError(f"need timesteps, bins and interval >= 1, got {timesteps}, {bins}, {interval}")
        self.timesteps = int(timesteps)
        self.bins = min(int(bins), self.timesteps)
        self.interval = int(interval)
        self.start = int(start)  # the step before the first row's first step
        self.row_steps: list[int] = []
        self.row_sums: list[np.ndarray] = []
        self.row_counts: list[np.ndarray] = []
        self._sums = np.zeros(self.bins)
        self._counts = np.zeros(self.bins, dtype=np.int64)

    # ------------------------------------------------------------------ bins
    def bin_of(self, t_index: np.ndarray) -> np.ndarray:
        """The bin of each schedule index 0..T-1: floor(i * bins / T), so bins split 1..T into equal runs."""
        return (np.asarray(t_index, dtype=np.int64) * self.bins) // self.timesteps

    def bin_ranges(self) -> np.ndarray:
        """(bins, 2) int64: the first and last paper t (1..T) of each bin."""
        of = self.bin_of(np.arange(self.timesteps))
        first = np.searchsorted(of, np.arange(self.bins), side="left")
        last = np.searchsorted(of, np.arange(self.bins), side="right") - 1
        return np.stack([first + 1, last + 1], axis=1)

    def bin_labels(self) -> list[str]:
        return [f"t={a}" if a == b else f"t={a}-{b}" for a, b in self.bin_ranges()]

    # ------------------------------------------------------------------ recording
    @property
    def next_row_end(self) -> int:
        return self.start + (len(self.row_steps) + 1) * self.interval

    def add(self, step: int, t_index: np.ndarray, per_sample_loss: np.ndarray) -> LossByTRow | None:
        """Record one optimizer step's per-sample losses; the row it closed (also kept here), or None."""
        bins = self.bin_of(t_index)
        losses = np.asarray(per_sample_loss, dtype=np.float64)
        self._sums += np.bincount(bins, weights=losses, minlength=self.bins)
        self._counts += np.bincount(bins, minlength=self.bins)
        if step < self.next_row_end:
            return None
        row = LossByTRow(int(step), self._sums, self._counts)
        self._sums = np.zeros(self.bins)
        self._counts = np.zeros(self.bins, dtype=np.int64)
        self.add_row(row)
        return row

    def add_row(self, row: LossByTRow) -> None:
        """Append a closed row; merge neighbouring rows in pairs once ``MAX_ROWS`` is reached."""
        self.row_steps.append(int(row.step))
        self.row_sums.append(np.asarray(row.sums, dtype=np.float64))
        self.row_counts.append(np.asarray(row.counts, dtype=np.int64))
        if len(self.row_steps) >= MAX_ROWS:
            self._merge_pairs()

    def _merge_pairs(self) -> None:
        self.row_steps = self.row_steps[1::2]
        self.row_sums = [a + b for a, b in zip(self.row_sums[0::2], self.row_sums[1::2])]
        self.row_counts = [a + b for a, b in zip(self.row_counts[0::2], self.row_counts[1::2])]
        self.interval *= 2

    # ------------------------------------------------------------------ reading
    def __len__(self) -> int:
        return len(self.row_steps)

    @property
    def steps(self) -> np.ndarray:
        """int64 (rows,): the last optimizer step of each row."""
        return np.asarray(self.row_steps, dtype=np.int64)

    def means(self) -> np.ndarray:
        """float64 (rows, bins): mean loss per row and bin; NaN where a bin drew no sample in that interval."""
        if not self.row_steps:
            return np.zeros((0, self.bins))
        sums = np.stack(self.row_sums)
        counts = np.stack(self.row_counts)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)

    def copy(self) -> LossByT:
        """An exact, independent copy (the worker hands one to the window while its own keeps growing)."""
        out = LossByT(self.timesteps, self.bins, self.interval, self.start)
        out.row_steps = list(self.row_steps)
        out.row_sums = [a.copy() for a in self.row_sums]
        out.row_counts = [c.copy() for c in self.row_counts]
        out._sums, out._counts = self._sums.copy(), self._counts.copy()
        return out

    # ------------------------------------------------------------------ saving
    def to_dict(self) -> dict:
        return {"timesteps": self.timesteps, "bins": self.bins, "interval": self.interval, "start": self.start,
                "steps": list(self.row_steps),
                "sums": [[float(f"{v:.9g}") for v in s] for s in self.row_sums],
                "counts": [[int(v) for v in c] for c in self.row_counts],
                # the interval still open: a resumed run closes it as if never interrupted
                "open_sums": [float(f"{v:.9g}") for v in self._sums], "open_counts": [int(v) for v in self._counts]}

    @classmethod
    def from_dict(cls, raw: dict) -> LossByT:
        try:
            out = cls(int(raw["timesteps"]), int(raw["bins"]), int(raw["interval"]), int(raw.get("start", 0)))
        except KeyError as exc:
            raise ValueError(f"loss by timestep: missing {exc}") from None
        steps, sums, counts = raw.get("steps", []), raw.get("sums", []), raw.get("counts", [])
        if not (len(steps) == len(sums) == len(counts)):
            raise ValueError("loss by timestep: steps, sums and counts differ in length")
        for s, su, c in zip(steps, sums, counts):
            su, c = np.asarray(su, dtype=np.float64), np.asarray(c, dtype=np.int64)
            if su.shape != (out.bins,) or c.shape != (out.bins,):
                raise ValueError(f"loss by timestep: a row has {su.size} values for {out.bins} bins")
            out.row_steps.append(int(s))
            out.row_sums.append(su)
            out.row_counts.append(c)
        if raw.get("open_counts") is not None:
            open_sums = np.asarray(raw.get("open_sums", []), dtype=np.float64)
            open_counts = np.asarray(raw["open_counts"], dtype=np.int64)
            if open_sums.shape != (out.bins,) or open_counts.shape != (out.bins,):
                raise ValueError(f"loss by timestep: the open interval has {open_sums.size} values for {out.bins} bins")
            out._sums, out._counts = open_sums, open_counts
        return out

    def to_csv(self) -> str:
        """One line per row: the row's last step, then the mean loss of each bin (empty where no sample fell)."""
        lines = ["step," + ",".join(self.bin_labels())]
        for step, row in zip(self.row_steps, self.means()):
            lines.append(f"{step}," + ",".join("" if np.isnan(v) else f"{v:.6g}" for v in row))
        return "\n".join(lines) + "\n"
