"""The Export dialog: every export of ``engine/export.py`` from the window, run off the GUI thread.

Panels open it with :func:`open_export_dialog` and hand over what they can export::

    open_export_dialog(self, {
        "trajectory": traj,                       # engine.samplers.Trajectory: reverse animation, strip, grid
        "timelapse": [(step, uint8_image), ...],  # previews captured during training
        "forward": {"x0": x0, "schedule": sched, "noise": noise},  # x0 (N,C,H,W) images or (N,2) points
        "plots": {"schedule": plot_widget, "loss": plot_item},      # pyqtgraph PlotWidget / PlotItem
        "history": trainer.history,               # engine.training.LossHistory: loss CSV / PNG / SVG
        "samples": samples,                       # np.ndarray / tensor: PNG grid or .npy
    }, initial="reverse")

Animations and stills are written by a QRunnable on a private thread pool, with a progress bar and Cancel; a
cancelled export leaves no file behind (engine/export.py writes to a temp file and renames it at the end). Plots
are exported with pyqtgraph's ImageExporter / SVGExporter in the GUI thread (they paint Qt items), see
:func:`export_plot`. Problems (unknown extension, unwritable folder, full disk, MP4 without imageio-ffmpeg) are
shown in a message box with the engine's one-line explanation.
"""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QCheckBox, QColorDialog, QComboBox, QDialog, QDoubleSpinBox, QFileDialog, QFormLayout,
                               QGroupBox, QHBoxLayout, QLabel, QLineEdit, QMessageBox, QProgressBar, QPushButton,
                               QSpinBox, QVBoxLayout, QWidget)

from engine import export as E

# what -> (label, [(format label, extension), ...])
ANIMATION_FORMATS = [("GIF", ".gif"), ("WebP (animated)", ".webp"), ("APNG (animated PNG)", ".apng"),
                     ("MP4 (H.264)", ".mp4")]
WHATS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "reverse": ("Reverse process animation (denoising)", ANIMATION_FORMATS),
    "forward": ("Forward process animation (noising)", ANIMATION_FORMATS),
    "timelapse": ("Training time-lapse", ANIMATION_FORMATS),
    "grid": ("Samples: PNG grid or .npy", [("PNG image", ".png"), ("NumPy array", ".npy")]),
    "strip": ("Process strip at chosen t (PNG)", [("PNG image", ".png")]),
    "loss": ("Loss history", [("CSV table", ".csv"), ("PNG image", ".png"), ("SVG drawing", ".svg")]),
}
PLOT_FORMATS = [("PNG image", ".png"), ("SVG drawing", ".svg")]
MP4_MISSING_TEXT = ('MP4 needs the optional imageio-ffmpeg package: pip install "diffusion-lab[mp4]" '
                    "(GIF, WebP and APNG work without it).")


# ================================================================== plots (GUI thread)
def _plot_item(plot: Any):
    """A PlotWidget -> its PlotItem; a GraphicsLayoutWidget -> its layout; anything else as given."""
    if hasattr(plot, "getPlotItem"):
        return plot.getPlotItem()
    if hasattr(plot, "ci"):
        return plot.ci
    return plot


def export_plot(plot: Any, path: str | Path, width: int = 1200, height: int | None = None) -> Path:
    """Save a pyqtgraph plot (PlotWidget / PlotItem / GraphicsLayoutWidget) as ``.png`` (ImageExporter, ``width``
    pixels wide; ``height`` follows the on-screen aspect unless given) or ``.svg`` (SVGExporter). Atomic; call it
    in the GUI thread."""
    import pyqtgraph.exporters as pgx

    path = E.check_target(path, [".png", ".svg"])
    item = _plot_item(plot)
    if path.suffix.lower() == ".svg":
        with E.AtomicExport(path, ".tmp.svg") as tmp:
            _export_svg(item, tmp, width, height)
        return path
    exporter = pgx.ImageExporter(item)
    params = exporter.parameters()
    names = {child.name() for child in params.children()}
    if width and "width" in names:
        params["width"] = int(width)
    if height and "height" in names:
        params["height"] = int(height)
    if "width" in names and isinstance(params["width"], float):  # keep pyqtgraph's size parameters integral
        params["width"] = int(round(params["width"]))
    if "height" in names and isinstance(params["height"], float):
        params["height"] = int(round(params["height"]))
    with E.AtomicExport(path, ".tmp.png") as tmp:
        exporter.export(str(tmp))
        if not tmp.exists() or tmp.stat().st_size == 0:
            raise E.ExportError(f"cannot write {path}: the plot could not be rendered")
    return path


def _export_svg(item: Any, tmp: Path, width: int | None, height: int | None) -> None:
    """pyqtgraph's SVGExporter, or — where it fails (pyqtgraph <= 0.14 cannot parse the closing "Z" that recent
    Qt 6 writes into SVG paths, pyqtgraph issue #3485) — Qt's own QSvgGenerator painting the same scene area."""
    import pyqtgraph.exporters as pgx

    try:
        exporter = pgx.SVGExporter(item)
        params = exporter.parameters()
        names = {child.name() for child in params.children()}
        if width and "width" in names:
            params["width"] = int(width)
        exporter.export(str(tmp))
        if tmp.exists() and tmp.stat().st_size > 0:
            return
    except Exception:  # noqa: BLE001 - fall back to Qt's generator below
        pass
    from PySide6.QtCore import QRectF, QSize
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    scene = item.scene()
    if scene is None:
        raise E.ExportError("cannot export the plot as SVG: it is not shown in a window")
    source = item.sceneBoundingRect() if hasattr(item, "sceneBoundingRect") else scene.sceneRect()
    sw, sh = max(1.0, source.width()), max(1.0, source.height())
    w = int(width or sw)
    h = int(height or round(w * sh / sw))
    generator = QSvgGenerator()
    generator.setFileName(str(tmp))
    generator.setSize(QSize(w, h))
    generator.setViewBox(QRectF(0, 0, sw, sh))  # paint 1:1 (axes draw in device pixels); the viewer scales
    views = scene.views()
    generator.setResolution(int(views[0].logicalDpiX()) if views else 96)  # the screen's: fonts and ticks match
    generator.setTitle("Diffusion Lab plot")
    painter = QPainter(generator)
    try:
        if views:
            painter.fillRect(QRectF(0, 0, sw, sh), views[0].backgroundBrush())
        scene.render(painter, QRectF(0, 0, sw, sh), source)
    finally:
        painter.end()
    if not tmp.exists() or tmp.stat().st_size == 0:
        raise E.ExportError("cannot export the plot as SVG: nothing was rendered")
    # QSvgGenerator states the size in millimetres; say pixels, like the PNG export and pyqtgraph do
    import re

    text = tmp.read_text(encoding="utf-8")
    head, sep, rest = text.partition("<svg")
    tag, close, body = rest.partition(">")
    tag = re.sub(r'\bwidth="[^"]*"', f'width="{w}"', tag, count=1)
    tag = re.sub(r'\bheight="[^"]*"', f'height="{h}"', tag, count=1)
    tmp.write_text(head + sep + tag + close + body, encoding="utf-8")


# ================================================================== worker
class _Signals(QObject):
    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()


class _ExportTask(QRunnable):
    """Runs ``job(progress, cancel)`` on a pool thread and reports back through queued signals."""

    def __init__(self, job: Callable[[Callable[[int, int], None], Callable[[], bool]], Any],
                 cancel_event: threading.Event):
        super().__init__()
        self.job = job
        self.cancel_event = cancel_event
        self.signals = _Signals()
        self.setAutoDelete(False)

    def run(self) -> None:  # pool thread
        try:
            result = self.job(self.signals.progress.emit, self.cancel_event.is_set)
        except E.ExportCancelled:
            self.signals.cancelled.emit()
        except E.ExportError as exc:
            self.signals.failed.emit(str(exc))
        except OSError as exc:
            self.signals.failed.emit(f"cannot write the file: {exc.strerror or exc}")
        except Exception as exc:  # noqa: BLE001 - a bug must not kill the window; show it
            self.signals.failed.emit(f"export failed: {type(exc).__name__}: {exc}")
        else:
            self.signals.finished.emit(result)


# ================================================================== dialog
class ExportDialog(QDialog):
    """Choose what to export, how, and where; then export in the background with progress and Cancel."""

    exported = Signal(str)  # the path of a finished export

    def __init__(self, sources: dict | None = None, parent: QWidget | None = None, initial: str | None = None,
                 directory: str | Path | None = None):
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.setMinimumWidth(520)
        self.sources = dict(sources or {})
        self.directory = Path(directory) if directory else Path.home()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._task: _ExportTask | None = None
        self._finished_task: _ExportTask | None = None
        self._cancel = threading.Event()
        self._background = (255, 255, 255)
        self._message_box: QMessageBox | None = None
        self.last_message: str = ""
        self.last_result: Any = None
        self._build()
        self._fill_whats(initial)

    # ---------------------------------------------------------------- layout
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        top = QFormLayout()
        self.what_combo = QComboBox()
        self.what_combo.currentIndexChanged.connect(self._what_changed)
        top.addRow("Export", self.what_combo)
        self.format_combo = QComboBox()
        self.format_combo.currentIndexChanged.connect(self._format_changed)
        top.addRow("Format", self.format_combo)
        self.mp4_hint = QLabel(MP4_MISSING_TEXT)
        self.mp4_hint.setWordWrap(True)
        self.mp4_hint.setTextInteractionFlags(Qt.TextSelectableByMouse)
        top.addRow("", self.mp4_hint)
        row = QHBoxLayout()
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("file to write; the extension picks the format")
        self.path_edit.editingFinished.connect(self._path_edited)
        self.browse_button = QPushButton("Browse…")
        self.browse_button.clicked.connect(self._browse)
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        top.addRow("File", row)
        outer.addLayout(top)

        self.anim_box = QGroupBox("Animation")
        form = QFormLayout(self.anim_box)
        timing = QHBoxLayout()
        self.fps_spin = QDoubleSpinBox()
        self.fps_spin.setRange(1.0, 120.0)
        self.fps_spin.setValue(20.0)
        self.fps_spin.setSuffix(" fps")
        self.duration_check = QCheckBox("fixed length")
        self.duration_spin = QDoubleSpinBox()
        self.duration_spin.setRange(0.5, 600.0)
        self.duration_spin.setValue(5.0)
        self.duration_spin.setSuffix(" s")
        self.duration_spin.setEnabled(False)
        self.duration_check.toggled.connect(self._timing_mode)
        timing.addWidget(self.fps_spin)
        timing.addWidget(self.duration_check)
        timing.addWidget(self.duration_spin)
        form.addRow("Speed", timing)
        frames = QHBoxLayout()
        self.select_combo = QComboBox()
        for label, key in (("all", "all"), ("every k-th", "every_k"), ("denser where it changes fast", "end_dense")):
            self.select_combo.addItem(label, key)
        self.k_spin = QSpinBox()
        self.k_spin.setRange(1, 1000)
        self.k_spin.setPrefix("k = ")
        self.max_frames_spin = QSpinBox()
        self.max_frames_spin.setRange(0, 5000)
        self.max_frames_spin.setValue(300)
        self.max_frames_spin.setPrefix("at most ")
        self.max_frames_spin.setSpecialValueText("no limit")
        self.select_combo.currentIndexChanged.connect(
            lambda: self.k_spin.setEnabled(self.select_combo.currentData() != "all"))
        self.k_spin.setEnabled(False)
        self.k_spin.setToolTip("every k-th frame; with 'denser…' the same number of frames, spaced unevenly")
        frames.addWidget(self.select_combo, 1)
        frames.addWidget(self.k_spin)
        frames.addWidget(self.max_frames_spin)
        form.addRow("Frames", frames)
        self.hold_spin = QDoubleSpinBox()
        self.hold_spin.setRange(0.0, 60.0)
        self.hold_spin.setValue(1.0)
        self.hold_spin.setSuffix(" s")
        form.addRow("Hold final frame", self.hold_spin)
        self.trails_spin = QSpinBox()
        self.trails_spin.setRange(0, 2000)
        self.trails_spin.setSpecialValueText("none")
        form.addRow("2-D point paths", self.trails_spin)
        self.quality_spin = QSpinBox()
        self.quality_spin.setRange(0, 100)
        self.quality_spin.setSpecialValueText("default")
        self.quality_spin.setToolTip("WebP: 1-100 lossy (default: lossless). MP4: 1-10 (default 8).")
        form.addRow("Quality", self.quality_spin)
        outer.addWidget(self.anim_box)

        self.look_box = QGroupBox("Look")
        look = QFormLayout(self.look_box)
        self.view_combo = QComboBox()
        for label, key in (("x_t (the noisy state)", "x_t"), ("predicted x0", "x0_pred"),
                           ("both, side by side", "both")):
            self.view_combo.addItem(label, key)
        look.addRow("Show", self.view_combo)
        self.sample_spin = QSpinBox()
        self.sample_spin.setRange(-1, 100000)
        self.sample_spin.setValue(-1)
        self.sample_spin.setSpecialValueText("whole grid")
        look.addRow("Sample", self.sample_spin)
        self.scale_spin = QSpinBox()
        self.scale_spin.setRange(0, 64)
        self.scale_spin.setSpecialValueText("automatic")
        self.scale_spin.setSuffix("×")
        look.addRow("Upscale (nearest)", self.scale_spin)
        self.padding_spin = QSpinBox()
        self.padding_spin.setRange(0, 64)
        self.padding_spin.setValue(2)
        self.padding_spin.setSuffix(" px")
        look.addRow("Grid padding", self.padding_spin)
        self.background_button = QPushButton()
        self.background_button.clicked.connect(self._pick_background)
        self._show_background()
        look.addRow("Background", self.background_button)
        self.caption_check = QCheckBox("caption with step / t")
        look.addRow("", self.caption_check)
        self.t_edit = QLineEdit()
        self.t_edit.setPlaceholderText("e.g. 1000, 500, 250, 0 (empty: automatic)")
        look.addRow("Strip at t", self.t_edit)
        self.source_combo = QComboBox()
        self.source_combo.addItem("reverse (sampling)", "reverse")
        self.source_combo.addItem("forward (noising)", "forward")
        self.source_combo.currentIndexChanged.connect(self._update_enabled)
        look.addRow("Strip of", self.source_combo)
        size = QHBoxLayout()
        self.width_spin = QSpinBox()
        self.width_spin.setRange(200, 8000)
        self.width_spin.setValue(1200)
        self.width_spin.setSuffix(" px wide")
        self.height_spin = QSpinBox()
        self.height_spin.setRange(0, 8000)
        self.height_spin.setSpecialValueText("auto height")
        self.height_spin.setSuffix(" px high")
        size.addWidget(self.width_spin)
        size.addWidget(self.height_spin)
        self.size_label = QLabel("Plot size")
        look.addRow(self.size_label, size)
        outer.addWidget(self.look_box)

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
        self.export_button = QPushButton("Export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start_export)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_export)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.reject)
        for b in (self.export_button, self.cancel_button, self.close_button):
            buttons.addWidget(b)
        outer.addLayout(buttons)

    # ---------------------------------------------------------------- what / format / path
    def available(self) -> list[str]:
        """The exports the given sources allow, in menu order ("plot:NAME" for each plot)."""
        s = self.sources
        forward = s.get("forward") or {}
        has_forward = bool(forward) and ("x0" in forward or "points" in forward) and "schedule" in forward
        keys = []
        if s.get("trajectory") is not None and len(s["trajectory"]):
            keys.append("reverse")
        if has_forward:
            keys.append("forward")
        if s.get("timelapse"):
            keys.append("timelapse")
        if s.get("samples") is not None or (s.get("trajectory") is not None and len(s["trajectory"])):
            keys.append("grid")
        if "reverse" in keys or has_forward:
            keys.append("strip")
        if s.get("history") is not None and len(s["history"]):
            keys.append("loss")
        keys += [f"plot:{name}" for name in (s.get("plots") or {})]
        return keys

    def _fill_whats(self, initial: str | None) -> None:
        self.what_combo.blockSignals(True)
        self.what_combo.clear()
        for key in self.available():
            label = f"Plot: {key[5:]} (PNG / SVG)" if key.startswith("plot:") else WHATS[key][0]
            self.what_combo.addItem(label, key)
        self.what_combo.blockSignals(False)
        if self.what_combo.count() == 0:
            self.status_label.setText("Nothing to export yet: train a model or sample first.")
            self.export_button.setEnabled(False)
            return
        index = self.what_combo.findData(initial) if initial else -1
        self.what_combo.setCurrentIndex(max(0, index))
        self._what_changed()

    def what(self) -> str:
        return self.what_combo.currentData() or ""

    def formats(self) -> list[tuple[str, str]]:
        what = self.what()
        return PLOT_FORMATS if what.startswith("plot:") else WHATS.get(what, ("", []))[1]

    def _what_changed(self) -> None:
        what = self.what()
        mp4 = E.mp4_available()
        self.format_combo.blockSignals(True)
        self.format_combo.clear()
        for label, ext in self.formats():
            self.format_combo.addItem(label if ext != ".mp4" or mp4 else f"{label} — needs imageio-ffmpeg", ext)
            if ext == ".mp4" and not mp4:
                item = self.format_combo.model().item(self.format_combo.count() - 1)
                item.setEnabled(False)
                item.setToolTip(MP4_MISSING_TEXT)
        self.format_combo.blockSignals(False)
        animated = what in ("reverse", "forward", "timelapse")
        self.anim_box.setVisible(animated)
        self.mp4_hint.setVisible(animated and not mp4)
        traj = self.sources.get("trajectory")
        has_forward = "forward" in self.available()
        self.source_combo.blockSignals(True)
        self.source_combo.setCurrentIndex(0 if traj is not None and len(traj) else 1)
        self.source_combo.blockSignals(False)
        self.source_combo.setEnabled(what == "strip" and has_forward and traj is not None)
        self._update_enabled()
        self._suggest_path()
        self._format_changed()

    def _strip_source(self) -> str:
        return self.source_combo.currentData() if self.what() == "strip" else ""

    def _update_enabled(self) -> None:
        what = self.what()
        animated = what in ("reverse", "forward", "timelapse")
        reverse_like = what == "reverse" or self._strip_source() == "reverse"
        self.view_combo.setEnabled(reverse_like)
        images = self._is_images(what)
        self.sample_spin.setEnabled(images and what in ("reverse", "forward", "strip"))
        self.trails_spin.setEnabled(not images and what in ("reverse", "forward"))
        self.t_edit.setEnabled(what == "strip")
        plotlike = what == "loss" or what.startswith("plot:")
        self.width_spin.setEnabled(plotlike)
        self.height_spin.setEnabled(plotlike)
        self.caption_check.setEnabled(animated)
        self.scale_spin.setEnabled(what not in ("loss",) and not what.startswith("plot:"))
        self.padding_spin.setEnabled(images and what in ("reverse", "forward", "grid", "strip"))

    def _is_images(self, what: str) -> bool:
        if what == "forward" or self._strip_source() == "forward":
            forward = self.sources.get("forward") or {}
            x0 = forward.get("x0", forward.get("points"))
            return x0 is not None and len(getattr(x0, "shape", ())) != 2
        traj = self.sources.get("trajectory")
        if what in ("reverse", "strip", "grid") and traj is not None:
            return traj.kind == "images"
        if what == "grid":
            samples = self.sources.get("samples")
            return samples is not None and len(getattr(samples, "shape", ())) == 4
        return what != "timelapse"

    def _format_changed(self) -> None:
        ext = self.format_combo.currentData()
        text = self.path_edit.text().strip()
        if ext and text:
            path = Path(text)
            if path.suffix.lower() != ext:
                self.path_edit.setText(str(path.with_suffix(ext)))

    def _suggest_path(self) -> None:
        what = self.what()
        ext = self.format_combo.currentData() or ".png"
        name = (what[5:] if what.startswith("plot:") else what) or "export"
        current = self.path_edit.text().strip()
        folder = Path(current).parent if current else self.directory
        self.path_edit.setText(str(folder / f"{name}{ext}"))

    def _path_edited(self) -> None:
        """Typing a known extension picks that format (the extension decides)."""
        suffix = Path(self.path_edit.text().strip()).suffix.lower()
        index = self.format_combo.findData(".apng" if suffix == ".png" and self._animated() else suffix)
        if index >= 0 and index != self.format_combo.currentIndex():
            self.format_combo.blockSignals(True)
            self.format_combo.setCurrentIndex(index)
            self.format_combo.blockSignals(False)

    def _animated(self) -> bool:
        return self.what() in ("reverse", "forward", "timelapse")

    def set_path(self, path: str | Path) -> None:
        self.path_edit.setText(str(path))
        self._path_edited()

    def _browse(self) -> None:
        filters = ";;".join(f"{label} (*{ext})" for label, ext in self.formats())
        path, _ = QFileDialog.getSaveFileName(self, "Export to", self.path_edit.text(), filters,
                                              options=QFileDialog.DontUseNativeDialog)
        if path:
            self.set_path(path)

    def _timing_mode(self, by_duration: bool) -> None:
        self.duration_spin.setEnabled(by_duration)
        self.fps_spin.setEnabled(not by_duration)

    def _pick_background(self) -> None:
        colour = QColorDialog.getColor(QColor(*self._background), self, "Background colour",
                                       QColorDialog.DontUseNativeDialog)
        if colour.isValid():
            self.set_background((colour.red(), colour.green(), colour.blue()))

    def set_background(self, colour: Any) -> None:
        self._background = E.parse_color(colour)
        self._show_background()

    def _show_background(self) -> None:
        r, g, b = self._background
        fg = "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#ffffff"
        self.background_button.setText("#%02x%02x%02x" % self._background)
        self.background_button.setStyleSheet(f"background-color: rgb({r},{g},{b}); color: {fg};")

    # ---------------------------------------------------------------- options
    def options(self) -> E.AnimationOptions:
        sample = self.sample_spin.value() if self.sample_spin.isEnabled() else -1
        quality = self.quality_spin.value() or None
        return E.AnimationOptions(
            fps=self.fps_spin.value(), duration=self.duration_spin.value() if self.duration_check.isChecked() else None,
            select=self.select_combo.currentData(), k=self.k_spin.value(), max_frames=self.max_frames_spin.value(),
            hold_final_s=self.hold_spin.value(), scale=self.scale_spin.value(), caption=self.caption_check.isChecked(),
            padding=self.padding_spin.value(), background=self._background, view=self.view_combo.currentData(),
            sample=None if sample < 0 else sample, quality=quality, trails=self.trails_spin.value())

    def _strip_ts(self) -> list[int] | None:
        text = self.t_edit.text().replace(";", ",").strip()
        if not text:
            return None
        try:
            return [int(v) for v in text.replace(",", " ").split()]
        except ValueError:
            raise E.ExportError(f"Strip at t: use whole numbers separated by commas, got {text!r}") from None

    def target_path(self) -> Path:
        """The path to write, with the format taken from its extension; raises ExportError when unusable."""
        text = self.path_edit.text().strip()
        if not text:
            raise E.ExportError("Choose a file to export to.")
        path = Path(text).expanduser()
        allowed = [ext for _, ext in self.formats()]
        if self._animated():
            allowed = allowed + [".png"]
        if not path.suffix:
            path = path.with_suffix(self.format_combo.currentData() or allowed[0])
            self.path_edit.setText(str(path))
        if path.suffix.lower() not in allowed:
            raise E.ExportError(f"Unknown extension {path.suffix!r} for this export; use "
                                f"{', '.join(sorted(set(allowed)))}.")
        if self._animated():
            E.animation_format(path)  # MP4 without imageio-ffmpeg says how to enable it
        return E.check_target(path)

    # ---------------------------------------------------------------- running
    def is_running(self) -> bool:
        return self._task is not None

    def start_export(self) -> bool:
        """Validate and start the export; False (with a message) when it cannot start."""
        if self.is_running():
            return False
        try:
            path = self.target_path()
            job = self._job(path)
        except E.ExportError as exc:
            self._show_error(str(exc))
            return False
        if job is None:  # done synchronously (plots paint in the GUI thread)
            return True
        self._cancel = threading.Event()
        self._task = _ExportTask(job, self._cancel)
        self._task.signals.progress.connect(self._on_progress)
        self._task.signals.finished.connect(self._on_finished)
        self._task.signals.failed.connect(self._on_failed)
        self._task.signals.cancelled.connect(self._on_cancelled)
        self._set_busy(True)
        self.status_label.setText(f"Exporting {path.name}…")
        self._pool.start(self._task)
        return True

    def cancel_export(self) -> None:
        if self.is_running():
            self._cancel.set()
            self.status_label.setText("Cancelling…")

    def _job(self, path: Path):
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
                raise E.ExportError(f"cannot export the plot: {type(exc).__name__}: {exc}") from None
            self._done_message(f"Saved {path}")
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
        if self._task is None:
            return
        self.progress_bar.setRange(0, max(1, total))
        self.progress_bar.setValue(min(done, total))

    def _finish(self) -> None:
        self._finished_task = self._task  # keep the runnable alive until its pool thread has surely let go
        self._task = None
        self._set_busy(False)

    def _on_finished(self, result: Any) -> None:
        self._finish()
        self.last_result = result
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(1)
        self._done_message(f"Saved {result.summary()}")
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
        self.last_message = "Export cancelled; nothing was written."
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
        box = QMessageBox(QMessageBox.Warning, "Export", message, QMessageBox.Ok, self)
        box.setTextInteractionFlags(Qt.TextSelectableByMouse)
        box.open()
        self._message_box = box

    # ---------------------------------------------------------------- closing
    def reject(self) -> None:
        """Close (Esc / Close button): cancel a running export first and wait for it to clean up."""
        self.shutdown()
        super().reject()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self, timeout_ms: int = 10000) -> None:
        if self._task is not None:
            self._cancel.set()
        self._pool.waitForDone(timeout_ms)


def open_export_dialog(parent: QWidget | None, sources: dict, initial: str | None = None,
                       directory: str | Path | None = None) -> ExportDialog:
    """Open the Export dialog over ``parent`` (window-modal, non-blocking) and return it.

    ``sources`` keys (all optional): ``trajectory`` (Trajectory), ``timelapse`` (list of (step, uint8 image)),
    ``forward`` (dict: ``x0`` images (N, C, H, W) or ``points`` (N, 2), ``schedule``, optional ``noise`` /
    ``seed``), ``plots`` (name -> pyqtgraph PlotWidget / PlotItem), ``history`` (LossHistory), ``samples``
    (array). ``initial`` preselects an export ("reverse", "forward", "timelapse", "grid", "strip", "loss",
    "plot:NAME"); ``directory`` is where the suggested file name goes (default: the home folder).
    """
    dialog = ExportDialog(sources, parent, initial=initial, directory=directory)
    dialog.setAttribute(Qt.WA_DeleteOnClose, True)  # closing waits for a running export first (see shutdown)
    dialog.open()
    return dialog
