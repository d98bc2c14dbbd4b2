"""The 2-D lab's Export button: what the field view shows, as files.

* **Field + error heatmap (PNG)** at the lab's t, with its arrow mode and its exact / heatmap switches;
* **Field arrays (.npz)**: the very file ``diffusion-lab field --t T --grid N`` writes (engine/export/field.py);
* **Field over t (GIF)**: the figure at :data:`ANIMATION_FRAMES` values of t, from T down to 1.

Two hops, so the GUI thread never touches a tensor: the worker, which owns the model, computes the arrays
(:class:`gui.events.FieldExportRequest`, served between two training steps like every lab request), then a short
job (gui/jobs.py) renders and writes the file. Like the Compare tab's Export GIF, this lives in the tab: the File >
Export dialog exports trajectories and images, not fields.
"""
from __future__ import annotations

import itertools
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QMenu, QPushButton

from gui import jobs
from gui.events import FieldExportReady, FieldExportRequest

if TYPE_CHECKING:
    from gui.panels.lab2d import Lab2DPanel

ANIMATION_FRAMES = 40
KINDS = ("png", "npz", "gif")
_request_ids = itertools.count(1)


def animation_ts(timesteps: int, frames: int = ANIMATION_FRAMES) -> tuple[int, ...]:
    """``frames`` (or fewer, no repeats) paper t from T down to 1, evenly spaced: the reverse process's order."""
    from engine.exact import curve_timesteps

    return tuple(index + 1 for index in reversed(curve_timesteps(int(timesteps), int(frames))))


def write_export(kind: str, fields: tuple, path: Path, mode: str, show_exact: bool, heatmap: bool, *,
                 progress=None, cancel=None):
    """Job side (a pool thread): render and write one export; returns the engine's ExportResult."""
    from engine.export.field import write_field_npz
    from engine.export.field_figure import export_field_animation, export_field_png

    if kind == "npz":
        return write_field_npz(fields[0], path)
    if kind == "png":
        return export_field_png(fields[0], path, mode=mode, show_exact=show_exact, heatmap=heatmap)
    return export_field_animation(fields, path, mode=mode, show_exact=show_exact, heatmap=heatmap,
                                  progress=progress, cancel=cancel)


class Lab2DExport(QObject):
    """The button and its menu; ``export(kind, path)`` is the whole flow (tests call it without the file dialog)."""

    exported = Signal(object)  # the ExportResult of a finished export

    def __init__(self, panel: Lab2DPanel):
        super().__init__(panel)
        self.panel = panel
        self.worker = panel.worker
        self.last_result = None
        self._pending: dict[int, tuple] = {}  # request id -> (kind, path, mode, show_exact, heatmap)
        self._job: jobs.Job | None = None
        self.button = QPushButton(self.tr("Export…"))
        self.button.setToolTip(self.tr("Save what the field view shows: a PNG figure, the arrays as field.npz (as the "
                                       "command line's field command writes), or an animation over t"))
        menu = QMenu(self.button)
        self.actions = {
            "png": menu.addAction(self.tr("Field and error heatmap at this t (PNG)…")),
            "npz": menu.addAction(self.tr("Field arrays at this t (field.npz)…")),
            "gif": menu.addAction(self.tr("Field over t (GIF)…")),
        }
        for kind, action in self.actions.items():
            action.triggered.connect(lambda _checked=False, k=kind: self.ask_and_export(k))
        self.button.setMenu(menu)
        self.worker.lab2dResult.connect(self._on_result)
        self.worker.error.connect(self._on_worker_error)

    def busy(self) -> bool:
        return bool(self._pending) or (self._job is not None and self._job.is_running())

    def ask_and_export(self, kind: str) -> None:
        name, pattern = {"png": ("field.png", self.tr("PNG image (*.png)")),
                         "npz": ("field.npz", self.tr("NumPy arrays (*.npz)")),
                         "gif": ("field_over_t.gif", self.tr("GIF animation (*.gif)"))}[kind]
        path, _ = QFileDialog.getSaveFileName(self.panel, self.tr("Export field"), name, pattern,
                                              options=QFileDialog.DontUseNativeDialog)
        if path:
            self.export(kind, path)

    def export(self, kind: str, path: str | Path) -> bool:
        """Start an export of ``kind`` (png | npz | gif) to ``path``; False (with a message) when it cannot."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        panel = self.panel
        if not panel._has_points_model():
            panel._show_message(self.tr("Nothing to export yet: train a model on the drawing first."), "warning")
            return False
        if self.busy():
            panel._show_message(self.tr("An export is still being written."), "warning")
            return False
        t = int(panel.t_slider.value())
        ts = animation_ts(panel.t_slider.maximum()) if kind == "gif" else (t,)
        from gui.panels.lab2d import EXTENT, GRID

        request_id = next(_request_ids)
        self._pending[request_id] = (kind, Path(path), panel.mode_combo.currentData() or "x0",
                                     panel.exact_check.isChecked(), panel.heatmap_check.isChecked())
        self.worker.submit_lab2d(FieldExportRequest(ts=ts, grid=GRID, extent=EXTENT, request_id=request_id))
        panel._show_message(self.tr("Computing the field for {0}…").format(Path(path).name))
        return True

    def _on_result(self, event: object) -> None:
        if not isinstance(event, FieldExportReady) or event.request_id not in self._pending:
            return
        kind, path, mode, show_exact, heatmap = self._pending.pop(event.request_id)
        self.panel._show_message(self.tr("Writing {0}…").format(path))
        self._job = jobs.run("lab2d-export", write_export, kind, event.fields, path, mode, show_exact, heatmap,
                             owner=self, cooperative=True, on_done=self._on_done, on_error=self._on_failed)

    def _on_done(self, result) -> None:
        self._job = None
        self.last_result = result
        self.panel._show_message(self.tr("Exported {0}").format(result.summary()), "success")
        self.exported.emit(result)

    def _on_failed(self, message: str) -> None:
        self._job = None
        self.panel._show_message(message, "error")

    def _on_worker_error(self, _event: object) -> None:
        # a failed request answers nothing: forget it, so the next export can start (the message is the worker's)
        self._pending.clear()

    def shutdown(self) -> None:
        self._pending.clear()
        jobs.shutdown(self)
