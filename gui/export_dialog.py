"""The Export dialog: every export of ``engine/export.py`` from the window, run off the GUI thread.

Panels open it with :func:`open_export_dialog` and hand over what they can export::

    open_export_dialog(self, {
        "trajectory": traj,                       # engine.samplers.Trajectory: reverse animation, strip, grid
        "timelapse": [(step, uint8_image), ...],  # previews captured during training
        "forward": {"x0": x0, "schedule": sched, "noise": noise},  # x0 (N,C,H,W) images or (N,2) points
        "plots": {"schedule": plot_widget, "loss": plot_item},      # pyqtgraph PlotWidget / PlotItem
        "history": trainer.history,               # engine.training.LossHistory: loss CSV / PNG / SVG
        "samples": samples,                       # np.ndarray / tensor: PNG grid or .npy
        "comparison": columns,                    # [engine.export.compare.CompareColumn]: side-by-side animation
    }, initial="reverse")

The choices live in :class:`gui.export_form.ExportForm`. Animations and stills are written by a background job
(gui/jobs.py) with a progress bar and Cancel; a cancelled export leaves no file behind (engine/export.py writes
to a temp file and renames it at the end). Plots are exported in the GUI thread (they paint Qt items), see
:func:`gui.export_plots.export_plot`. Problems (unknown extension, unwritable folder, full disk, MP4 without
imageio-ffmpeg) are shown in a message box with the engine's one-line explanation.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMessageBox, QProgressBar, QPushButton, QWidget

from engine import export as E
from gui import jobs
from gui.export_form import ExportForm
from gui.export_plots import export_plot

SHUTDOWN_WAIT_S = 10.0  # closing the dialog waits this long for a cancelled export to remove its temp file


def _writing(job: Callable[..., Any]) -> Callable[..., Any]:
    """``job`` with a failed write (full disk, no permission) said as the one line the user can act on."""
    def run(progress: Callable[[int, int], None], cancel: Callable[[], bool]) -> Any:
        try:
            return job(progress, cancel)
        except OSError as exc:
            # a job thread: QCoreApplication.translate is thread-safe
            raise E.ExportError(QCoreApplication.translate("ExportDialog", "cannot write the file: {0}")
                                .format(exc.strerror or exc)) from exc
    return run


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


class ExportDialog(ExportForm):
    """Choose what to export, how, and where; then export in the background with progress and Cancel."""

    exported = Signal(str)  # the path of a finished export

    def __init__(self, sources: dict | None = None, parent: QWidget | None = None, initial: str | None = None,
                 directory: str | Path | None = None):
        self._message_box: QMessageBox | None = None
        self._job: jobs.Job | None = None
        self._target: tuple[Path, int | None] | None = None  # the file being written and its mtime before
        self.last_message: str = ""
        self.last_result: Any = None
        super().__init__(sources, parent, directory)
        self._build_run_controls()
        if not self._fill_whats(initial):
            self.status_label.setText(self.tr("Nothing to export yet: train a model or sample first."))
            self.export_button.setEnabled(False)

    def _build_run_controls(self) -> None:
        outer = self.outer
        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setValue(0)
        self.status_label = QLabel("")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        outer.addWidget(self.progress_bar)
        outer.addWidget(self.status_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.export_button = QPushButton(self.tr("Export"))
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start_export)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_export)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.reject)
        for b in (self.export_button, self.cancel_button, self.close_button):
            buttons.addWidget(b)
        outer.addLayout(buttons)

    # ---------------------------------------------------------------- running
    def is_running(self) -> bool:
        return self._job is not None

    def start_export(self) -> bool:
        """Validate and start the export; False (with a message) when it cannot start."""
        if self.is_running():
            return False
        try:
            path = self.target_path()
            call = self._export_call(path)
        except E.ExportError as exc:
            self._show_error(str(exc))
            return False
        if call is None:  # done synchronously (plots paint in the GUI thread)
            return True
        self._target = (path, _mtime(path))
        self._set_busy(True)
        self.status_label.setText(self.tr("Exporting {0}…").format(path.name))
        # cooperative: the engine's export functions report progress and poll cancel between frames
        self._job = jobs.run("export", _writing(call), owner=self, cooperative=True, on_progress=self._on_progress,
                             on_done=self._on_finished, on_error=self._on_failed, on_cancelled=self._on_cancelled)
        return True

    def cancel_export(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self.status_label.setText(self.tr("Cancelling…"))

    def _export_call(self, path: Path) -> Callable[..., Any] | None:
        """``call(progress, cancel)`` that writes the chosen export, or None after exporting a plot right here."""
        what = self.what()
        s = self.sources
        plots = s.get("plots") or {}
        plot = plots.get(what[5:]) if what.startswith("plot:") else (
            plots.get("loss") if what == "loss" and path.suffix.lower() in (".png", ".svg") else None)
        if plot is not None:
            try:
                export_plot(plot, path, self.width_spin.value(), self.height_spin.value() or None)
            except E.ExportError:
                raise
            except Exception as exc:  # noqa: BLE001 - pyqtgraph failures become a message, not a crash
                raise E.ExportError(self.tr("cannot export the plot: {0}: {1}").format(type(exc).__name__,
                                                                                      exc)) from None
            self._done_message(self.tr("Saved {0}").format(path))
            self.exported.emit(str(path))
            return None
        opts = self.options().validate()
        if what == "reverse":
            traj = s["trajectory"]
            return lambda progress, cancel: E.export_reverse_animation(traj, path, opts, progress, cancel)
        if what == "forward":
            x0, schedule, noise, seed = self._forward()
            return lambda progress, cancel: E.export_forward_animation(x0, schedule, path, opts, noise=noise,
                                                                       seed=seed, progress=progress, cancel=cancel)
        if what == "compare":
            from engine.export.compare import export_comparison_animation

            columns = list(s["comparison"])
            return lambda progress, cancel: export_comparison_animation(columns, path, opts, progress, cancel)
        if what == "timelapse":
            pairs = list(s["timelapse"])
            steps, frames = [int(p[0]) for p in pairs], [p[1] for p in pairs]
            return lambda progress, cancel: E.export_timelapse(frames, steps, path, opts, progress, cancel)
        if what == "grid":
            samples = s.get("samples")
            if samples is None:
                traj = s["trajectory"]
                samples = traj.final if traj.final is not None else traj.frame(len(traj) - 1).x_t
            if path.suffix.lower() == ".npy":
                return lambda progress, cancel: E.export_samples_npy(samples, path)
            return lambda progress, cancel: E.export_grid_png(samples, path, padding=opts.padding,
                                                              background=opts.background, scale=opts.scale)
        if what == "strip":
            ts = self._strip_ts()
            common = dict(ts=ts, padding=opts.padding, background=opts.background, scale=opts.scale)
            sample = self.sample_spin.value()
            if self.source_combo.currentData() == "reverse" and s.get("trajectory") is not None:
                traj = s["trajectory"]
                view = "x0_pred" if self.view_combo.currentData() == "x0_pred" else "x_t"
                return lambda progress, cancel: E.export_strip_png(path, trajectory=traj, view=view,
                                                                   sample=None if sample < 0 else sample, **common)
            x0, schedule, noise, seed = self._forward()
            return lambda progress, cancel: E.export_strip_png(path, x0=x0, schedule=schedule, noise=noise, seed=seed,
                                                               sample=None if sample < 0 else sample, **common)
        if what == "loss":
            history = s["history"]
            if path.suffix.lower() == ".csv":
                return lambda progress, cancel: E.export_loss_csv(history, path)
            width, height = self.width_spin.value(), self.height_spin.value() or self.width_spin.value() * 9 // 16
            return lambda progress, cancel: E.export_loss_plot(history, path, width, height, opts.background)
        raise E.ExportError(f"nothing to export for {what!r}")

    def _forward(self):
        forward = self.sources.get("forward") or {}
        x0 = forward.get("x0", forward.get("points"))
        return x0, forward["schedule"], forward.get("noise"), int(forward.get("seed", 0))

    def _set_busy(self, busy: bool) -> None:
        for w in (self.export_button, self.what_combo, self.format_combo, self.path_edit, self.browse_button,
                  self.anim_box, self.look_box):
            w.setEnabled(not busy)
        self.cancel_button.setEnabled(busy)
        if busy:
            self.progress_bar.setRange(0, 0)  # busy until the first progress report

    def _on_progress(self, done: int, total: int) -> None:
        if self._job is None:
            return
        self.progress_bar.setRange(0, max(1, total))
        self.progress_bar.setValue(min(done, total))

    def _finish(self) -> None:
        self._job = None
        self._set_busy(False)

    def _on_finished(self, result: Any) -> None:
        self._finish()
        self.last_result = result
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(1)
        self._done_message(self.tr("Saved {0}").format(result.summary()))
        self.exported.emit(str(result.path))

    def _on_failed(self, message: str) -> None:
        self._finish()
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self._show_error(message)

    def _on_cancelled(self) -> None:
        self._finish()
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        if self._target is not None and _mtime(self._target[0]) != self._target[1]:
            path = self._target[0]  # the export finished writing just before Cancel took effect
            self._done_message(self.tr("Saved {0} (it was finished before Cancel)").format(path))
            self.exported.emit(str(path))
            return
        self.last_message = self.tr("Export cancelled; nothing was written.")
        self.status_label.setText(self.last_message)

    def _done_message(self, text: str) -> None:
        self.last_message = text
        self.status_label.setText(text)

    def _show_error(self, message: str) -> None:
        """A non-blocking warning box (window-modal), so the event loop and tests keep running."""
        self.last_message = message
        self.status_label.setText(message)
        if self._message_box is not None:
            self._message_box.close()
        box = QMessageBox(QMessageBox.Warning, self.tr("Export"), message, QMessageBox.Ok, self)
        box.setTextInteractionFlags(Qt.TextSelectableByMouse)
        box.open()
        self._message_box = box

    # ---------------------------------------------------------------- closing
    def reject(self) -> None:
        """Close (Esc / Close button): cancel a running export first and wait for it to clean up."""
        self.shutdown()
        super().reject()

    def closeEvent(self, event) -> None:
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self, timeout_s: float = SHUTDOWN_WAIT_S) -> None:
        """Cancel a running export and wait (bounded) until it has removed its temp file."""
        if self._job is not None:
            self._job.cancel()
            self._job.wait(timeout_s)


def open_export_dialog(parent: QWidget | None, sources: dict, initial: str | None = None,
                       directory: str | Path | None = None) -> ExportDialog:
    """Open the Export dialog over ``parent`` (window-modal, non-blocking) and return it.

    ``sources`` keys (all optional): ``trajectory`` (Trajectory), ``timelapse`` (list of (step, uint8 image)),
    ``forward`` (dict: ``x0`` images (N, C, H, W) or ``points`` (N, 2), ``schedule``, optional ``noise`` /
    ``seed``), ``plots`` (name -> pyqtgraph PlotWidget / PlotItem), ``history`` (LossHistory), ``samples``
    (array), ``comparison`` (list of CompareColumn). ``initial`` preselects an export ("reverse", "forward",
    "timelapse", "compare", "grid", "strip", "loss", "plot:NAME"); ``directory`` is where the suggested file name
    goes (default: the home folder).
    """
    dialog = ExportDialog(sources, parent, initial=initial, directory=directory)
    dialog.setAttribute(Qt.WA_DeleteOnClose, True)  # closing waits for a running export first (see shutdown)
    dialog.open()
    return dialog


__all__ = ["ExportDialog", "export_plot", "open_export_dialog"]  # export_plot: its home is gui/export_plots.py
