"""The Export dialog's form: what to export (from the sources a panel handed over), in which format, where, and
how it looks. :class:`gui.export_dialog.ExportDialog` adds running the export in the background.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from engine import export as E

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls like the long form

# what -> (label, [(format label, extension), ...]); the labels are translated where shown (_label)
ANIMATION_FORMATS = [("GIF", ".gif"),
                     (QT_TRANSLATE_NOOP("ExportForm", "WebP (animated)"), ".webp"),
                     (QT_TRANSLATE_NOOP("ExportForm", "APNG (animated PNG)"), ".apng"),
                     (QT_TRANSLATE_NOOP("ExportForm", "MP4 (H.264)"), ".mp4")]
PNG_IMAGE = QT_TRANSLATE_NOOP("ExportForm", "PNG image")
SVG_DRAWING = QT_TRANSLATE_NOOP("ExportForm", "SVG drawing")
WHATS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "reverse": (QT_TRANSLATE_NOOP("ExportForm", "Reverse process animation (denoising)"), ANIMATION_FORMATS),
    "forward": (QT_TRANSLATE_NOOP("ExportForm", "Forward process animation (noising)"), ANIMATION_FORMATS),
    "timelapse": (QT_TRANSLATE_NOOP("ExportForm", "Training time-lapse"), ANIMATION_FORMATS),
    "compare": (QT_TRANSLATE_NOOP("ExportForm", "Sampler comparison, side by side (Compare tab)"), ANIMATION_FORMATS),
    "grid": (QT_TRANSLATE_NOOP("ExportForm", "Samples: PNG grid or .npy"),
             [(PNG_IMAGE, ".png"), (QT_TRANSLATE_NOOP("ExportForm", "NumPy array"), ".npy")]),
    "strip": (QT_TRANSLATE_NOOP("ExportForm", "Process strip at chosen t (PNG)"), [(PNG_IMAGE, ".png")]),
    "loss": (QT_TRANSLATE_NOOP("ExportForm", "Loss history"),
             [(QT_TRANSLATE_NOOP("ExportForm", "CSV table"), ".csv"), (PNG_IMAGE, ".png"), (SVG_DRAWING, ".svg")]),
}
ANIMATED = ("reverse", "forward", "timelapse", "compare")  # the exports with the Animation box
PLOT_FORMATS = [(PNG_IMAGE, ".png"), (SVG_DRAWING, ".svg")]
MP4_MISSING_TEXT = QT_TRANSLATE_NOOP("ExportForm", 'MP4 needs the optional imageio-ffmpeg package: pip install '
                                                   '"diffusion-lab[mp4]" (GIF, WebP and APNG work without it).')


def _label(text: str) -> str:
    """A label marked above (QT_TRANSLATE_NOOP), in the current language."""
    return translate("ExportForm", text)



class ExportForm(QDialog):
    """The choices of an export: ``what()``, ``formats()``, ``target_path()``, ``options()`` and their widgets.

    ``_build`` leaves ``self.outer`` (the dialog's layout) for the subclass to add its progress and buttons to.
    """

    def __init__(self, sources: dict | None = None, parent: QWidget | None = None,
                 directory: str | Path | None = None):
        super().__init__(parent)
        self.setWindowTitle(translate("ExportForm", "Export"))
        self.setMinimumWidth(520)
        self.sources = dict(sources or {})
        self.directory = Path(directory) if directory else Path.home()
        self._background = (255, 255, 255)
        self._build()

    # ---------------------------------------------------------------- layout
    def _build(self) -> None:
        outer = self.outer = QVBoxLayout(self)
        top = QFormLayout()
        self.what_combo = QComboBox()
        self.what_combo.currentIndexChanged.connect(self._what_changed)
        top.addRow(translate("ExportForm", "Export"), self.what_combo)
        self.format_combo = QComboBox()
        self.format_combo.currentIndexChanged.connect(self._format_changed)
        top.addRow(translate("ExportForm", "Format"), self.format_combo)
        self.mp4_hint = QLabel(_label(MP4_MISSING_TEXT))
        self.mp4_hint.setWordWrap(True)
        self.mp4_hint.setTextInteractionFlags(Qt.TextSelectableByMouse)
        top.addRow("", self.mp4_hint)
        row = QHBoxLayout()
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText(translate("ExportForm", "file to write; the extension picks the format"))
        self.path_edit.editingFinished.connect(self._path_edited)
        self.browse_button = QPushButton(translate("ExportForm", "Browse…"))
        self.browse_button.clicked.connect(self._browse)
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        top.addRow(translate("ExportForm", "File"), row)
        outer.addLayout(top)

        self.anim_box = QGroupBox(translate("ExportForm", "Animation"))
        form = QFormLayout(self.anim_box)
        timing = QHBoxLayout()
        self.fps_spin = QDoubleSpinBox()
        self.fps_spin.setRange(1.0, 120.0)
        self.fps_spin.setValue(20.0)
        self.fps_spin.setSuffix(translate("ExportForm", " fps"))
        self.duration_check = QCheckBox(translate("ExportForm", "fixed length"))
        self.duration_spin = QDoubleSpinBox()
        self.duration_spin.setRange(0.5, 600.0)
        self.duration_spin.setValue(5.0)
        self.duration_spin.setSuffix(translate("ExportForm", " s"))
        self.duration_spin.setEnabled(False)
        self.duration_check.toggled.connect(self._timing_mode)
        timing.addWidget(self.fps_spin)
        timing.addWidget(self.duration_check)
        timing.addWidget(self.duration_spin)
        form.addRow(translate("ExportForm", "Speed"), timing)
        frames = QHBoxLayout()
        self.select_combo = QComboBox()
        for label, key in ((translate("ExportForm", "all"), "all"), (translate("ExportForm", "every k-th"), "every_k"),
                           (translate("ExportForm", "denser where it changes fast"), "end_dense")):
            self.select_combo.addItem(label, key)
        self.k_spin = QSpinBox()
        self.k_spin.setRange(1, 1000)
        self.k_spin.setPrefix(translate("ExportForm", "k = "))
        self.max_frames_spin = QSpinBox()
        self.max_frames_spin.setRange(0, 5000)
        self.max_frames_spin.setValue(300)
        self.max_frames_spin.setPrefix(translate("ExportForm", "at most "))
        self.max_frames_spin.setSpecialValueText(translate("ExportForm", "no limit"))
        self.select_combo.currentIndexChanged.connect(
            lambda: self.k_spin.setEnabled(self.select_combo.currentData() != "all"))
        self.k_spin.setEnabled(False)
        self.k_spin.setToolTip(translate("ExportForm", "every k-th frame; with 'denser…' the same number of frames, "
                                                       "spaced unevenly"))
        frames.addWidget(self.select_combo, 1)
        frames.addWidget(self.k_spin)
        frames.addWidget(self.max_frames_spin)
        form.addRow(translate("ExportForm", "Frames"), frames)
        self.hold_spin = QDoubleSpinBox()
        self.hold_spin.setRange(0.0, 60.0)
        self.hold_spin.setValue(1.0)
        self.hold_spin.setSuffix(translate("ExportForm", " s"))
        form.addRow(translate("ExportForm", "Hold final frame"), self.hold_spin)
        self.trails_spin = QSpinBox()
        self.trails_spin.setRange(0, 2000)
        self.trails_spin.setSpecialValueText(translate("ExportForm", "none"))
        form.addRow(translate("ExportForm", "2-D point paths"), self.trails_spin)
        self.quality_spin = QSpinBox()
        self.quality_spin.setRange(0, 100)
        self.quality_spin.setSpecialValueText(translate("ExportForm", "default"))
        self.quality_spin.setToolTip(translate("ExportForm", "WebP: 1-100 lossy (default: lossless). "
                                                             "MP4: 1-10 (default 8)."))
        form.addRow(translate("ExportForm", "Quality"), self.quality_spin)
        outer.addWidget(self.anim_box)

        self.look_box = QGroupBox(translate("ExportForm", "Look"))
        look = QFormLayout(self.look_box)
        self.view_combo = QComboBox()
        for label, key in ((translate("ExportForm", "x_t (the noisy state)"), "x_t"),
                           (translate("ExportForm", "predicted x0"), "x0_pred"),
                           (translate("ExportForm", "both, side by side"), "both")):
            self.view_combo.addItem(label, key)
        look.addRow(translate("ExportForm", "Show"), self.view_combo)
        self.sample_spin = QSpinBox()
        self.sample_spin.setRange(-1, 100000)
        self.sample_spin.setValue(-1)
        self.sample_spin.setSpecialValueText(translate("ExportForm", "whole grid"))
        look.addRow(translate("ExportForm", "Sample"), self.sample_spin)
        self.scale_spin = QSpinBox()
        self.scale_spin.setRange(0, 64)
        self.scale_spin.setSpecialValueText(translate("ExportForm", "automatic"))
        self.scale_spin.setSuffix("×")
        look.addRow(translate("ExportForm", "Upscale (nearest)"), self.scale_spin)
        self.padding_spin = QSpinBox()
        self.padding_spin.setRange(0, 64)
        self.padding_spin.setValue(2)
        self.padding_spin.setSuffix(translate("ExportForm", " px"))
        look.addRow(translate("ExportForm", "Grid padding"), self.padding_spin)
        self.background_button = QPushButton()
        self.background_button.clicked.connect(self._pick_background)
        self._show_background()
        look.addRow(translate("ExportForm", "Background"), self.background_button)
        self.caption_check = QCheckBox(translate("ExportForm", "caption with step / t"))
        look.addRow("", self.caption_check)
        self.t_edit = QLineEdit()
        self.t_edit.setPlaceholderText(translate("ExportForm", "e.g. 1000, 500, 250, 0 (empty: automatic)"))
        look.addRow(translate("ExportForm", "Strip at t"), self.t_edit)
        self.source_combo = QComboBox()
        self.source_combo.addItem(translate("ExportForm", "reverse (sampling)"), "reverse")
        self.source_combo.addItem(translate("ExportForm", "forward (noising)"), "forward")
        self.source_combo.currentIndexChanged.connect(self._update_enabled)
        look.addRow(translate("ExportForm", "Strip of"), self.source_combo)
        size = QHBoxLayout()
        self.width_spin = QSpinBox()
        self.width_spin.setRange(200, 8000)
        self.width_spin.setValue(1200)
        self.width_spin.setSuffix(translate("ExportForm", " px wide"))
        self.height_spin = QSpinBox()
        self.height_spin.setRange(0, 8000)
        self.height_spin.setSpecialValueText(translate("ExportForm", "auto height"))
        self.height_spin.setSuffix(translate("ExportForm", " px high"))
        size.addWidget(self.width_spin)
        size.addWidget(self.height_spin)
        self.size_label = QLabel(translate("ExportForm", "Plot size"))
        look.addRow(self.size_label, size)
        outer.addWidget(self.look_box)

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
        if s.get("comparison"):  # a list of engine.export.compare.CompareColumn, one per recorded run
            keys.append("compare")
        if s.get("samples") is not None or (s.get("trajectory") is not None and len(s["trajectory"])):
            keys.append("grid")
        if "reverse" in keys or has_forward:
            keys.append("strip")
        if s.get("history") is not None and len(s["history"]):
            keys.append("loss")
        keys += [f"plot:{name}" for name in (s.get("plots") or {})]
        return keys

    def _fill_whats(self, initial: str | None) -> bool:
        """List the available exports and select ``initial``; False when there is nothing to export."""
        self.what_combo.blockSignals(True)
        self.what_combo.clear()
        for key in self.available():
            label = (translate("ExportForm", "Plot: {0} (PNG / SVG)").format(key[5:]) if key.startswith("plot:")
                     else _label(WHATS[key][0]))
            self.what_combo.addItem(label, key)
        self.what_combo.blockSignals(False)
        if self.what_combo.count() == 0:
            return False
        index = self.what_combo.findData(initial) if initial else -1
        self.what_combo.setCurrentIndex(max(0, index))
        self._what_changed()
        return True

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
            shown = (_label(label) if ext != ".mp4" or mp4
                     else translate("ExportForm", "{0} — needs imageio-ffmpeg").format(_label(label)))
            self.format_combo.addItem(shown, ext)
            if ext == ".mp4" and not mp4:
                item = self.format_combo.model().item(self.format_combo.count() - 1)
                item.setEnabled(False)
                item.setToolTip(_label(MP4_MISSING_TEXT))
        self.format_combo.blockSignals(False)
        animated = what in ANIMATED
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
        animated = what in ANIMATED
        reverse_like = what in ("reverse", "compare") or self._strip_source() == "reverse"
        self.view_combo.setEnabled(reverse_like)
        images = self._is_images(what)
        self.sample_spin.setEnabled(images and what in ("reverse", "forward", "strip"))
        self.trails_spin.setEnabled(not images and what in ("reverse", "forward"))
        self.t_edit.setEnabled(what == "strip")
        plotlike = what == "loss" or what.startswith("plot:")
        self.width_spin.setEnabled(plotlike)
        self.height_spin.setEnabled(plotlike)
        self.caption_check.setEnabled(animated and what != "compare")  # a comparison is always captioned
        self.scale_spin.setEnabled(what not in ("loss",) and not what.startswith("plot:"))
        self.padding_spin.setEnabled(images and what in ("reverse", "forward", "grid", "strip"))

    def _is_images(self, what: str) -> bool:
        if what == "forward" or self._strip_source() == "forward":
            forward = self.sources.get("forward") or {}
            x0 = forward.get("x0", forward.get("points"))
            return x0 is not None and len(getattr(x0, "shape", ())) != 2
        traj = self.sources["comparison"][0].trajectory if what == "compare" else self.sources.get("trajectory")
        if what in ("reverse", "strip", "grid", "compare") and traj is not None:
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
        return self.what() in ANIMATED

    def set_path(self, path: str | Path) -> None:
        self.path_edit.setText(str(path))
        self._path_edited()

    def _browse(self) -> None:
        filters = ";;".join(f"{_label(label)} (*{ext})" for label, ext in self.formats())
        path, _ = QFileDialog.getSaveFileName(self, translate("ExportForm", "Export to"), self.path_edit.text(),
                                              filters,
                                              options=QFileDialog.DontUseNativeDialog)
        if path:
            self.set_path(path)

    def _timing_mode(self, by_duration: bool) -> None:
        self.duration_spin.setEnabled(by_duration)
        self.fps_spin.setEnabled(not by_duration)

    def _pick_background(self) -> None:
        colour = QColorDialog.getColor(QColor(*self._background), self, translate("ExportForm", "Background colour"),
                                       QColorDialog.DontUseNativeDialog)
        if colour.isValid():
            self.set_background((colour.red(), colour.green(), colour.blue()))

    def set_background(self, colour: Any) -> None:
        self._background = E.parse_color(colour)
        self._show_background()

    def _show_background(self) -> None:
        r, g, b = self._background
        fg = "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#ffffff"
        self.background_button.setText("#{:02x}{:02x}{:02x}".format(*self._background))
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
            raise E.ExportError(translate("ExportForm", "Strip at t: use whole numbers separated by commas, got {0}")
                                .format(repr(text))) from None

    def target_path(self) -> Path:
        """The path to write, with the format taken from its extension; raises ExportError when unusable."""
        text = self.path_edit.text().strip()
        if not text:
            raise E.ExportError(translate("ExportForm", "Choose a file to export to."))
        path = Path(text).expanduser()
        allowed = [ext for _, ext in self.formats()]
        if self._animated():
            allowed = allowed + [".png"]
        if not path.suffix:
            path = path.with_suffix(self.format_combo.currentData() or allowed[0])
            self.path_edit.setText(str(path))
        if path.suffix.lower() not in allowed:
            raise E.ExportError(translate("ExportForm", "Unknown extension {0} for this export; use {1}.")
                                .format(repr(path.suffix), ", ".join(sorted(set(allowed)))))
        if self._animated():
            E.animation_format(path)  # MP4 without imageio-ffmpeg says how to enable it
        return E.check_target(path)
