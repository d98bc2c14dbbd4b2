"""Training time-lapse capture: preview frames collected while training, saved as ``timelapse.npz`` in the run
folder, played back by :func:`engine.export.animations.export_timelapse`."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from engine.export.files import AtomicExport
from engine.export.options import ExportError

TIMELAPSE_NAME = "timelapse.npz"


def thin_older(captures: list, max_captures: int) -> list:
    """Keep a growing list of captures bounded: past ``max_captures``, drop every other older one (the newest is
    always kept), so a long run keeps its whole span at a coarser step."""
    if len(captures) <= max_captures:
        return captures
    keep = list(range(0, len(captures) - 1, 2)) + [len(captures) - 1]
    return [captures[i] for i in keep]


class TimelapseRecorder:
    """Collects preview captures during training for :func:`export_timelapse`.

    Pass :meth:`add` as ``on_preview`` to :meth:`engine.session.TrainingSession.run`. Image previews (uint8 grids)
    are kept as they are; 2-D previews (float points) are rendered to scatter pictures right away so the file
    holds plain frames. :meth:`save` writes ``steps`` and ``frames`` (uint8 (F, H, W, 3)) to an ``.npz``.
    """

    def __init__(self, plot_size: int = 320, max_frames: int = 2000):
        self.plot_size = int(plot_size)
        self.max_frames = int(max_frames)
        self.steps: list[int] = []
        self.frames: list[np.ndarray] = []

    def add(self, step: int, preview: np.ndarray) -> None:
        from engine.imaging import to_rgb
        from engine.plotting import point_colors, scatter_image

        arr = np.asarray(preview)
        if arr.dtype != np.uint8 and arr.ndim == 2 and arr.shape[1] == 2:
            frame = scatter_image(arr, size=self.plot_size, colors=point_colors(arr))
        else:
            frame = to_rgb(arr.astype(np.uint8))
        if self.frames and frame.shape != self.frames[0].shape:
            return  # a preview of another size (a changed model): not part of this clip
        if self.steps and int(step) <= self.steps[-1]:
            return
        self.steps.append(int(step))
        self.frames.append(np.ascontiguousarray(frame))
        pairs = thin_older(list(zip(self.steps, self.frames)), self.max_frames)
        self.steps, self.frames = [s for s, _ in pairs], [f for _, f in pairs]

    def __len__(self) -> int:
        return len(self.steps)

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        if not self.frames:
            raise ExportError("no time-lapse frames to save")
        with AtomicExport(path, ".tmp.npz") as tmp:
            with open(tmp, "wb") as fh:
                np.savez_compressed(fh, steps=np.asarray(self.steps, np.int64), frames=np.stack(self.frames))
        return path

    @classmethod
    def load(cls, path: str | Path) -> TimelapseRecorder:
        frames, steps = load_timelapse(path)
        rec = cls()
        rec.frames, rec.steps = list(frames), list(steps)
        return rec


def load_timelapse(path: str | Path) -> tuple[list[np.ndarray], list[int]]:
    """Read a ``timelapse.npz`` written by :class:`TimelapseRecorder` -> (frames, steps)."""
    path = Path(path)
    if path.is_dir():
        path = path / TIMELAPSE_NAME
    if not path.exists():
        raise ExportError(f"no time-lapse at {path}; record one with: diffusion-lab train ... --timelapse-every 100")
    try:
        with np.load(path, allow_pickle=False) as data:
            frames, steps = data["frames"], data["steps"]
    except (OSError, ValueError, KeyError) as exc:
        raise ExportError(f"{path} is not a time-lapse file ({exc})") from None
    if frames.ndim != 4 or frames.dtype != np.uint8 or len(frames) != len(steps):
        raise ExportError(f"{path} is not a time-lapse file (frames {frames.dtype} {frames.shape})")
    return list(frames), [int(s) for s in steps]
