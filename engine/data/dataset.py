"""The :class:`Dataset` container every data source returns, plus small helpers shared by the sources.

Kept in its own module (re-exported by :mod:`engine.data`) so the source modules can build datasets without
importing the package ``__init__`` that imports them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import torch

from engine.errors import DataError

if TYPE_CHECKING:  # engine.models imports torch.nn models; only needed for the annotation here
    from engine.models import DataInfo

# The largest float32 tensor a source may produce. An image folder of 2 million photos at 256 px would otherwise
# try to allocate hundreds of GB before failing; we refuse up front and point at data.max_items instead.
MAX_TENSOR_BYTES = 4 * 1024**3


@dataclass
class Dataset:
    """A whole data set in memory, ready for training.

    ``x`` is float32: ``(N, 2)`` standardized points, or ``(N, C, H, W)`` images in ``[-1, 1]``.
    ``warnings`` holds one line per item that was skipped while loading, naming the file and why.
    """

    x: torch.Tensor
    labels: torch.Tensor | None
    num_classes: int
    class_names: list[str]
    kind: str  # "points" | "images"
    name: str
    warnings: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return int(self.x.shape[0])

    @property
    def channels(self) -> int:
        """Image channels (1 or 3); 0 for points."""
        return int(self.x.shape[1]) if self.kind == "images" else 0

    @property
    def image_size(self) -> int:
        """Side of the square images; 0 for points."""
        return int(self.x.shape[-1]) if self.kind == "images" else 0

    def unlabelled_problem(self) -> str | None:
        """Why this data cannot train a class-conditional model (it has no labels), or None: one wording for the
        trainer and the window's form, which can only check a user's folder or file once it is loaded."""
        if self.num_classes:
            return None
        how = ("an image folder needs one subfolder per class, a .npz file a y or labels array, IDX images their "
               "labels file" if self.kind == "images" else
               "the labelled 2-D sets are moons, gaussians8, circles and spiral")
        return f"dataset {self.name!r} has no labels ({how}); turn class conditioning off"

    @property
    def info(self) -> DataInfo:
        """The shape facts a model needs (``dim``, the point dimension, is only set for points)."""
        from engine.models import DataInfo  # lazy: engine.models builds torch modules; data must not need it

        if self.kind == "points":
            return DataInfo(kind="points", num_classes=self.num_classes, dim=int(self.x.shape[1]))
        return DataInfo(kind="images", channels=self.channels, image_size=self.image_size,
                        num_classes=self.num_classes)


def subset_indices(n: int, max_items: int, seed: int) -> np.ndarray:
    """Sorted indices of a seeded random subset of ``max_items`` out of ``n`` (all of them when 0 or >= n).

    Random rather than "the first k": sources are often sorted by class (folders, some .npz), and the first k of
    those would hold only one class. Sorting keeps the source's order, so results stay deterministic and readable.
    """
    if max_items <= 0 or max_items >= n:
        return np.arange(n)
    return np.sort(seeded_permutation(n, seed)[:max_items])


def seeded_permutation(n: int, seed: int) -> np.ndarray:
    """A permutation of ``range(n)`` that depends only on ``seed`` (a separate stream from the data draws)."""
    return np.random.default_rng([int(seed), 0x5EED]).permutation(n)


def check_tensor_budget(n: int, per_item: int, source: str) -> None:
    """Refuse (DataError) a source whose float32 tensor would exceed :data:`MAX_TENSOR_BYTES`."""
    need = int(n) * int(per_item) * 4
    if need > MAX_TENSOR_BYTES:
        raise DataError(
            f"{source}: {n} items would need {need / 1024**3:.1f} GiB as float32 "
            f"(limit {MAX_TENSOR_BYTES / 1024**3:.0f} GiB); set data.max_items or a smaller data.image_size")
