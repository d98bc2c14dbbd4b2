"""The Experiment dock: grouped forms over one :class:`ExperimentConfig`, validated as you type.

Every editable config field has one widget, registered under its dotted name (``"training.lr"``). On every edit
the form rebuilds a candidate config from the widgets and asks :meth:`ExperimentConfig.errors` what is wrong; each
error is shown on the widget its ``field`` names (red outline, tooltip with the message and the allowed range) and
listed under the form. Numbers are typed into plain QLineEdits and parsed leniently (``1e-4``, ``3000``, ``2e3``)
so nothing is silently clamped; text that is not a number is passed to ``errors()`` as is, which reports it with
the field's range. ``configChanged`` is emitted only with a valid config, ``validityChanged`` whenever the verdict
flips.
"""
from __future__ import annotations

import dataclasses
import html
import math
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QEvent, QObject, QSignalBlocker, QSize, Qt, Signal
from PySide6.QtGui import QColor, QStandardItemModel
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QFormLayout, QFrame, QLabel,
                               QLineEdit, QScrollArea, QSizePolicy, QStackedWidget, QToolButton, QVBoxLayout,
                               QWidget)

from engine.config import (BUILTIN_DATASETS, DEVICES, IMAGE_DATASETS, LOSS_WEIGHTINGS, MODEL_PRESETS,
                           POINT_DATASETS, PREDICTIONS, SCHEDULE_KINDS, ExperimentConfig, is_point_dataset)
from engine.errors import ConfigError
from gui import jobs
from gui import theme as _theme
from gui.widgets.image_view import ImageGridView, ImageView

OPEN_FOLDER = "__open_folder__"
OPEN_FILE = "__open_file__"
PREVIEW_IMAGES = 24
PREVIEW_POINTS = 1500

# label, help text (tooltip) per field
FIELD_INFO: dict[str, tuple[str, str]] = {
    "data.dataset": ("Dataset", "A built-in set, or a folder of images / an image or data file"),
    "data.image_size": ("Image size", "Side of the square training images in pixels; 0 keeps the source's size"),
    "data.channels": ("Channels", "Native, or force grey (1) / RGB (3)"),
    "data.n_points": ("Points", "How many 2-D points are drawn from the toy distribution"),
    "data.max_items": ("Max items", "Use a random subset of this many images; 0 uses them all"),
    "schedule.kind": ("Schedule", "How the noise variance β_t grows with t"),
    "schedule.timesteps": ("Timesteps T", "Number of diffusion steps (Ho et al. use 1000)"),
    "schedule.beta_start": ("β start", "β_1, the variance added at the first step"),
    "schedule.beta_end": ("β end", "β_T, the variance added at the last step"),
    "schedule.cosine_s": ("Cosine offset s", "Small offset s of the cosine schedule (Nichol & Dhariwal 2021)"),
    "schedule.zero_terminal_snr": ("Zero terminal SNR",
                                   "Rescale so that ᾱ_T = 0: the last step is pure noise (Lin et al. 2024)"),
    "model.preset": ("Preset", "Network size: an MLP for 2-D points, a UNet for images"),
    "model.class_conditional": ("Class-conditional", "Feed the class label to the network (classifier-free guidance)"),
    "model.dropout": ("Dropout", "Dropout probability inside residual blocks"),
    "training.steps": ("Steps", "Optimizer steps to train"),
    "training.batch_size": ("Batch size", "Samples per optimizer step"),
    "training.lr": ("Learning rate", "AdamW learning rate, e.g. 1e-3 or 2e-4"),
    "training.warmup_steps": ("Warm-up steps", "Linear learning-rate warm-up at the start"),
    "training.ema_decay": ("EMA decay", "Exponential moving average of the weights used for sampling"),
    "training.prediction": ("Prediction", "What the network predicts: the noise ε, the clean x₀, or v"),
    "training.loss_weighting": ("Loss weighting", "uniform (Ho et al.'s simple loss) or Min-SNR-γ (Hang et al.)"),
    "training.min_snr_gamma": ("Min-SNR γ", "Clamp of the SNR weight for min_snr loss weighting"),
    "training.seed": ("Seed", "Seed for data, initialization and noise: same seed, same run"),
    "training.device": ("Device", "Where to train: auto picks CUDA, then Apple MPS, then the CPU"),
    "training.weight_decay": ("Weight decay", "AdamW weight decay"),
    "training.grad_clip": ("Gradient clip", "Clip the gradient norm to this value (0 = off)"),
    "training.cond_drop_prob": ("Label drop prob.", "How often the label is dropped (for classifier-free guidance)"),
    "training.preview_every": ("Preview every", "Steps between preview samples in the window (0 = never)"),
    "training.time_budget": ("Time budget (s)", "Stop training after this many seconds of wall time (0 = no limit)"),
    "training.amp": ("Mixed precision", "Use automatic mixed precision (CUDA only)"),
}


def _fmt_number(value: Any) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value)) if abs(value) >= 1 or value == 0 else repr(value)
        return repr(value)
    return str(value)


def parse_int(text: str) -> Any:
    """Lenient integer parse: ``"3000"``, ``"3e3"``, ``"1_000"``; anything else is returned as typed."""
    s = text.strip()
    try:
        return int(s)
    except ValueError:
        pass
    try:
        f = float(s)
    except ValueError:
        return s
    if math.isfinite(f) and f.is_integer():
        return int(f)
    return f  # errors() reports "must be an integer ..., got 2.5"


def parse_float(text: str) -> Any:
    s = text.strip()
    try:
        return float(s)
    except ValueError:
        return s


def repolish(widget: QWidget) -> None:
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


# ---------------------------------------------------------------------------------------------- small widgets
class CollapsibleSection(QWidget):
    """A titled section whose body folds away under its header button."""

    def __init__(self, title: str, body: QWidget, expanded: bool = True, parent: QWidget | None = None):
        super().__init__(parent)
        self.header = QToolButton(self)
        self.header.setText(title)
        self.header.setProperty("role", "section")
        self.header.setCheckable(True)
        self.header.setChecked(expanded)
        self.header.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        self.header.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.header.setIconSize(QSize(14, 14))
        self.body = body
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        lay.addWidget(self.header)
        lay.addWidget(body)
        self.header.toggled.connect(self._on_toggled)
        self._on_toggled(expanded)

    def _on_toggled(self, on: bool) -> None:
        self.body.setVisible(on)
        self.header.setIcon(_theme.icon("chevron_down" if on else "chevron_right"))

    def set_expanded(self, on: bool) -> None:
        self.header.setChecked(on)

    def is_expanded(self) -> bool:
        return self.header.isChecked()

    def apply_theme(self) -> None:
        self._on_toggled(self.header.isChecked())


class _KeepKeys(QObject):
    """Lets checkboxes / combo boxes keep Space and the arrow keys instead of the window's timeline shortcuts."""

    KEYS = (Qt.Key_Space, Qt.Key_Left, Qt.Key_Right, Qt.Key_Up, Qt.Key_Down)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.ShortcutOverride and event.key() in self.KEYS \
                and event.modifiers() == Qt.NoModifier:
            event.accept()
            return True
        return False


# ---------------------------------------------------------------------------------------------- the form
class ExperimentForm(QWidget):
    """Data / Noise schedule / Model / Training forms over one :class:`ExperimentConfig`."""

    configChanged = Signal(object)  # a valid ExperimentConfig
    validityChanged = Signal(bool)
    previewClicked = Signal(int)  # dataset index of a clicked preview image

    def __init__(self, datasets=None, parent: QWidget | None = None):  # noqa: ANN001 - DatasetProvider
        super().__init__(parent)
        self._datasets = datasets
        self._base = ExperimentConfig()
        self._config = ExperimentConfig()
        self._valid = True
        self._errors: list[ConfigError] = []
        self._field_errors: dict[str, str] = {}
        self._loading = False
        self._last_emitted: dict | None = None
        self._current_dataset = self._base.data.dataset
        self._preview_indices: list[int] = []
        self._keep_keys = _KeepKeys(self)
        self.widgets: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        self._kinds: dict[str, str] = {}

        self._build()
        self._fill(self._base)
        self._revalidate(emit=False)
        self._last_emitted = self._config.to_dict()
        self._update_device_label()
        self._request_model_description()
        if datasets is not None:
            datasets.loading.connect(self._on_data_loading)
            datasets.loaded.connect(self._on_data_loaded)
            datasets.failed.connect(self._on_data_failed)

    # ================================================================== construction
    def _build(self) -> None:
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        content = QWidget()
        self._content = content
        col = QVBoxLayout(content)
        col.setContentsMargins(10, 6, 10, 10)
        col.setSpacing(10)

        self.sections: dict[str, CollapsibleSection] = {}
        for key, title, builder, expanded in (
            ("data", "Data", self._build_data, True),
            ("schedule", "Noise schedule", self._build_schedule, True),
            ("model", "Model", self._build_model, True),
            ("training", "Training", self._build_training, True),
            ("advanced", "Advanced training", self._build_advanced, False),
        ):
            body = QWidget()
            builder(body)
            section = CollapsibleSection(title, body, expanded)
            self.sections[key] = section
            col.addWidget(section)
        col.addStretch(1)
        self.scroll.setWidget(content)

        self.error_label = QLabel(self)
        self.error_label.setProperty("role", "error")
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.RichText)
        self.error_label.setContentsMargins(10, 4, 10, 6)
        self.error_label.hide()

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.scroll, 1)
        lay.addWidget(self.error_label)
        self.setMinimumWidth(300)

    def _form(self, body: QWidget) -> QFormLayout:
        form = QFormLayout(body)
        form.setContentsMargins(4, 2, 0, 2)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(6)
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.DontWrapRows)
        return form

    def _label(self, name: str) -> QLabel:
        text, tip = FIELD_INFO.get(name, (name, ""))
        label = QLabel(text)
        label.setToolTip(f"{tip}\n({name})" if tip else name)
        self.labels[name] = label
        return label

    def _register(self, name: str, widget: QWidget, kind: str) -> QWidget:
        self.widgets[name] = widget
        self._kinds[name] = kind
        widget.setObjectName(name)
        text, tip = FIELD_INFO.get(name, (name, ""))
        widget.setToolTip(tip)
        widget.setProperty("help", tip)
        return widget

    def _line(self, form: QFormLayout, name: str, kind: str, placeholder: str = "") -> QLineEdit:
        w = QLineEdit()
        w.setPlaceholderText(placeholder)
        w.setClearButtonEnabled(False)
        w.textChanged.connect(self._on_edit)
        self._register(name, w, kind)
        form.addRow(self._label(name), w)
        return w

    def _combo(self, form: QFormLayout | None, name: str, items: list[tuple[str, Any]]) -> QComboBox:
        w = QComboBox()
        for text, data in items:
            w.addItem(text, data)
        w.currentIndexChanged.connect(self._on_edit)
        w.installEventFilter(self._keep_keys)
        self._register(name, w, "choice")
        if form is not None:
            form.addRow(self._label(name), w)
        return w

    def _check(self, form: QFormLayout, name: str) -> QCheckBox:
        text, _tip = FIELD_INFO.get(name, (name, ""))
        w = QCheckBox(text)
        w.toggled.connect(self._on_edit)
        w.installEventFilter(self._keep_keys)
        self._register(name, w, "bool")
        spacer = QLabel("")
        self.labels[name] = spacer
        form.addRow(spacer, w)
        return w

    # ------------------------------------------------------------------ data
    def _build_data(self, body: QWidget) -> None:
        form = self._form(body)
        self.data_form = form
        combo = QComboBox()
        combo.setMinimumContentsLength(10)
        combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self._register("data.dataset", combo, "dataset")
        combo.installEventFilter(self._keep_keys)
        descriptions = {}
        try:
            from engine.data import list_builtin

            descriptions = dict(list_builtin())
        except Exception:  # noqa: BLE001 - the picker still works without descriptions
            pass
        self._add_header(combo, "2-D points")
        for name in POINT_DATASETS:
            combo.addItem(name, name)
            combo.setItemData(combo.count() - 1, descriptions.get(name, ""), Qt.ToolTipRole)
        self._add_header(combo, "Images")
        for name in IMAGE_DATASETS:
            combo.addItem(name, name)
            combo.setItemData(combo.count() - 1, descriptions.get(name, ""), Qt.ToolTipRole)
        combo.insertSeparator(combo.count())
        combo.addItem(_theme.icon("folder"), "Open image folder…", OPEN_FOLDER)
        combo.addItem(_theme.icon("image"), "Open image / data file…", OPEN_FILE)
        combo.activated.connect(self._on_dataset_activated)
        combo.currentIndexChanged.connect(self._on_edit)
        form.addRow(self._label("data.dataset"), combo)

        self._line(form, "data.image_size", "int", "0 = native size")
        self._combo(form, "data.channels", [("native", 0), ("1 · grey", 1), ("3 · RGB", 3)])
        self._line(form, "data.n_points", "int")
        self._line(form, "data.max_items", "int", "0 = all")

        # preview: a grid of real samples, or a mini scatter of the points
        self.preview_stack = QStackedWidget()
        self.preview_grid = ImageGridView(placeholder="loading…")
        self.preview_grid.setMinimumHeight(150)
        self.preview_grid.setToolTip("Real training samples. Click one to show it in the Forward tab.")
        self.preview_grid.cellClicked.connect(self._on_preview_clicked)
        self.preview_points = ImageView(placeholder="loading…")
        self.preview_points.setMinimumHeight(150)
        self.preview_points.setToolTip("The training points (standardized), coloured by angle as in the Forward tab")
        self.preview_stack.addWidget(self.preview_grid)
        self.preview_stack.addWidget(self.preview_points)
        self.preview_stack.setFixedHeight(170)

        self.data_status = QLabel("")
        self.data_status.setProperty("role", "dim")
        self.data_status.setWordWrap(True)
        self.data_warnings = QLabel("")
        self.data_warnings.setProperty("role", "warning")
        self.data_warnings.setWordWrap(True)
        self.data_warnings.hide()
        box = QVBoxLayout()
        box.setSpacing(3)
        box.addWidget(self.preview_stack)
        box.addWidget(self.data_status)
        box.addWidget(self.data_warnings)
        form.addRow(box)

    @staticmethod
    def _add_header(combo: QComboBox, text: str) -> None:
        combo.addItem(text, None)
        model = combo.model()
        if isinstance(model, QStandardItemModel):
            item = model.item(combo.count() - 1)
            item.setEnabled(False)
            font = item.font()
            font.setBold(True)
            item.setFont(font)

    # ------------------------------------------------------------------ schedule
    def _build_schedule(self, body: QWidget) -> None:
        form = self._form(body)
        self.schedule_form = form
        self._combo(form, "schedule.kind", [(k, k) for k in SCHEDULE_KINDS])
        self._line(form, "schedule.timesteps", "int")
        self._line(form, "schedule.beta_start", "float")
        self._line(form, "schedule.beta_end", "float")
        self._line(form, "schedule.cosine_s", "float")
        self._check(form, "schedule.zero_terminal_snr")

    # ------------------------------------------------------------------ model
    def _build_model(self, body: QWidget) -> None:
        form = self._form(body)
        self._combo(form, "model.preset", [(p, p) for p in MODEL_PRESETS])
        self._check(form, "model.class_conditional")
        self._line(form, "model.dropout", "float")
        self.model_label = QLabel("")
        self.model_label.setProperty("role", "dim")
        self.model_label.setWordWrap(True)
        form.addRow(self.model_label)

    # ------------------------------------------------------------------ training
    def _build_training(self, body: QWidget) -> None:
        form = self._form(body)
        self._line(form, "training.steps", "int")
        self._line(form, "training.batch_size", "int")
        self._line(form, "training.lr", "float")
        self._line(form, "training.warmup_steps", "int")
        self._line(form, "training.ema_decay", "float")
        self._combo(form, "training.prediction", [(p, p) for p in PREDICTIONS])
        self._combo(form, "training.loss_weighting", [(w, w) for w in LOSS_WEIGHTINGS])
        self._line(form, "training.min_snr_gamma", "float")
        self._line(form, "training.seed", "int")
        device = self._combo(None, "training.device", [(d, d) for d in DEVICES])
        self.device_label = QLabel("")
        self.device_label.setProperty("role", "dim")
        self.device_label.setWordWrap(True)
        row = QVBoxLayout()
        row.setSpacing(2)
        row.addWidget(device)
        row.addWidget(self.device_label)
        form.addRow(self._label("training.device"), row)

    def _build_advanced(self, body: QWidget) -> None:
        form = self._form(body)
        self._line(form, "training.weight_decay", "float")
        self._line(form, "training.grad_clip", "float")
        self._line(form, "training.cond_drop_prob", "float")
        self._line(form, "training.preview_every", "int")
        self._line(form, "training.time_budget", "float")
        self._check(form, "training.amp")

    # ================================================================== reading and writing values
    def _fill(self, cfg: ExperimentConfig) -> None:
        self._loading = True
        try:
            for name, widget in self.widgets.items():
                section, key = name.split(".")
                value = getattr(getattr(cfg, section), key)
                kind = self._kinds[name]
                with QSignalBlocker(widget):
                    if kind in ("int", "float"):
                        widget.setText(_fmt_number(value))
                        widget.setCursorPosition(0)
                    elif kind == "bool":
                        widget.setChecked(bool(value))
                    elif kind == "choice":
                        idx = widget.findData(value)
                        if idx < 0:  # an unknown value from a file: keep it visible so errors() can name it
                            widget.addItem(str(value), value)
                            idx = widget.count() - 1
                        widget.setCurrentIndex(idx)
                    elif kind == "dataset":
                        self._select_dataset(str(value))
        finally:
            self._loading = False
        self._current_dataset = cfg.data.dataset
        self._update_enabled_rows()

    def _read_value(self, name: str) -> Any:
        widget = self.widgets[name]
        kind = self._kinds[name]
        if kind == "int":
            return parse_int(widget.text())
        if kind == "float":
            return parse_float(widget.text())
        if kind == "bool":
            return widget.isChecked()
        if kind == "choice":
            return widget.currentData()
        if kind == "dataset":
            data = widget.currentData()
            return data if isinstance(data, str) and data not in (OPEN_FILE, OPEN_FOLDER) else self._current_dataset
        raise AssertionError(kind)

    def _candidate(self) -> ExperimentConfig:
        """A config from the widgets; unparsable text is kept as a string so errors() names it."""
        cfg = self._base.copy()
        for name in self.widgets:
            section, key = name.split(".")
            setattr(getattr(cfg, section), key, self._read_value(name))
        return cfg

    def _select_dataset(self, dataset: str) -> None:
        combo: QComboBox = self.widgets["data.dataset"]
        idx = combo.findData(dataset)
        if idx < 0:
            # a path: insert it above the separator / open actions
            insert_at = combo.findData(OPEN_FOLDER) - 1  # the separator
            label = Path(dataset).name or dataset
            combo.insertItem(insert_at, _theme.icon("folder" if Path(dataset).is_dir() else "image"), label,
                             dataset)
            combo.setItemData(insert_at, dataset, Qt.ToolTipRole)
            idx = insert_at
        with QSignalBlocker(combo):
            combo.setCurrentIndex(idx)
        combo.setToolTip(dataset if dataset not in BUILTIN_DATASETS else FIELD_INFO["data.dataset"][1])

    # ================================================================== public API
    def config(self) -> ExperimentConfig:
        """The last valid config (a copy)."""
        return self._config.copy()

    def candidate_config(self) -> ExperimentConfig:
        """What the widgets say now, even if invalid (unparsable numbers are strings)."""
        return self._candidate()

    def is_valid(self) -> bool:
        return self._valid

    def errors(self) -> list[ConfigError]:
        return list(self._errors)

    def field_error(self, name: str) -> str | None:
        return self._field_errors.get(name)

    def field_widget(self, name: str) -> QWidget:
        return self.widgets[name]

    def set_config(self, cfg: ExperimentConfig) -> None:
        """Show ``cfg`` (from a file, New, a checkpoint) and emit configChanged if it is valid."""
        self._base = cfg.copy()
        self._fill(self._base)
        self._revalidate()
        self._update_device_label()
        self._request_model_description()

    def set_dataset(self, dataset: str) -> None:
        """Pick a dataset (a built-in name or a path), as if chosen in the picker."""
        previous = self._current_dataset
        self._select_dataset(dataset)
        self._current_dataset = dataset
        self._dataset_switched(previous, dataset)

    def set_field_text(self, name: str, text: str) -> None:
        """Type ``text`` into a numeric field (for scripts and tests)."""
        self.widgets[name].setText(text)

    # ================================================================== editing and validation
    def _on_edit(self, *_args: Any) -> None:
        if self._loading:
            return
        sender = self.sender()
        if sender is self.widgets.get("data.dataset"):
            data = sender.currentData()
            if isinstance(data, str) and data not in (OPEN_FILE, OPEN_FOLDER) and data != self._current_dataset:
                previous = self._current_dataset
                self._current_dataset = data
                self._dataset_switched(previous, data)
                return
        self._update_enabled_rows()
        self._revalidate()
        if sender in (self.widgets.get("model.preset"), self.widgets.get("model.class_conditional"),
                      self.widgets.get("data.channels")):
            self._request_model_description()
        if sender is self.widgets.get("training.device"):
            self._update_device_label()

    def _dataset_switched(self, previous: str, new: str) -> None:
        """A new dataset: when the kind of data changes, move untouched defaults to the new kind's defaults."""
        if is_point_dataset(previous) != is_point_dataset(new):
            try:
                from engine.presets import default_config

                old_defaults, new_defaults = default_config(previous), default_config(new)
            except Exception:  # noqa: BLE001 - presets are a convenience
                old_defaults = new_defaults = None
            if old_defaults is not None:
                current = self._candidate()
                for section in ("model", "training", "sampling"):
                    cur, old, fresh = (getattr(current, section), getattr(old_defaults, section),
                                       getattr(new_defaults, section))
                    for f in dataclasses.fields(cur):
                        if getattr(cur, f.name) == getattr(old, f.name):
                            setattr(cur, f.name, getattr(fresh, f.name))
                current.data.dataset = new
                self._base = current
                self._fill(current)
        self._update_enabled_rows()
        self._revalidate()
        self._request_model_description()

    def _on_dataset_activated(self, index: int) -> None:
        combo: QComboBox = self.widgets["data.dataset"]
        data = combo.itemData(index)
        if data not in (OPEN_FOLDER, OPEN_FILE):
            return
        path = self._ask_data_path(folder=data == OPEN_FOLDER)
        if path:
            self.set_dataset(path)
        else:  # cancelled: back to the current dataset
            self._select_dataset(self._current_dataset)

    def _ask_data_path(self, folder: bool) -> str:
        start = str(Path(self._current_dataset).parent) if not self._current_dataset in BUILTIN_DATASETS else ""
        options = QFileDialog.DontUseNativeDialog
        if folder:
            return QFileDialog.getExistingDirectory(self, "Open image folder", start,
                                                    options | QFileDialog.ShowDirsOnly)
        path, _ = QFileDialog.getOpenFileName(
            self, "Open image or data file", start,
            "Images and data (*.png *.jpg *.jpeg *.bmp *.gif *.webp *.tif *.tiff *.npy *.npz *.csv *.txt "
            "*-ubyte *-ubyte.gz);;All files (*)", options=options)
        return path

    def _update_enabled_rows(self) -> None:
        points = is_point_dataset(self._current_dataset)
        for name in ("data.image_size", "data.channels", "data.max_items"):
            self._set_row_enabled(name, not points, "only used for image data" if points else "")
        self._set_row_enabled("data.n_points", points and self._current_dataset in POINT_DATASETS,
                              "only used for the built-in 2-D sets")
        kind = self.widgets["schedule.kind"].currentData()
        cosine = kind == "cosine"
        for name in ("schedule.beta_start", "schedule.beta_end"):
            self._set_row_enabled(name, not cosine, "not used by the cosine schedule")
        self._set_row_enabled("schedule.cosine_s", cosine, "only used by the cosine schedule")
        min_snr = self.widgets["training.loss_weighting"].currentData() == "min_snr"
        self._set_row_enabled("training.min_snr_gamma", min_snr, "only used with min_snr loss weighting")

    def _set_row_enabled(self, name: str, enabled: bool, why: str) -> None:
        widget = self.widgets[name]
        widget.setEnabled(enabled)
        label = self.labels.get(name)
        if label is not None:
            label.setEnabled(enabled)
        if not enabled and name not in self._field_errors:
            widget.setToolTip(f"{widget.property('help')}\n({why})")

    def _revalidate(self, emit: bool = True) -> None:
        cfg = self._candidate()
        try:
            errors = cfg.errors()
        except Exception as exc:  # noqa: BLE001 - a broken engine module must not kill the form
            errors = [ConfigError("config", f"cannot validate: {exc}")]
        self._errors = errors
        by_field: dict[str, list[str]] = {}
        unplaced: list[ConfigError] = []
        for err in errors:
            if err.field in self.widgets:
                by_field.setdefault(err.field, []).append(err.message)
                continue
            # an error on a field without a widget here (e.g. sampling.steps > schedule.timesteps): show it on
            # every field its message names, so the user sees what to change
            named = [name for name in self.widgets if name in err.message]
            for name in named:
                by_field.setdefault(name, []).append(f"{err.field} {err.message}")
            unplaced.append(err)
        self._field_errors = {k: "; ".join(v) for k, v in by_field.items()}
        for name, widget in self.widgets.items():
            message = self._field_errors.get(name)
            invalid = message is not None
            if bool(widget.property("invalid")) != invalid:
                widget.setProperty("invalid", invalid)
                repolish(widget)
            label = self.labels.get(name)
            if label is not None and label.property("role") != ("error" if invalid else None):
                label.setProperty("role", "error" if invalid else None)
                repolish(label)
            if invalid:
                title = FIELD_INFO.get(name, (name, ""))[0]
                widget.setToolTip(f"<b>{html.escape(title)}</b> <i>({name})</i><br>{html.escape(message)}")
            elif widget.isEnabled():
                widget.setToolTip(widget.property("help") or "")
        self._show_error_summary(errors)
        valid = not errors
        changed_validity = valid != self._valid
        self._valid = valid
        if valid:
            self._config = cfg
        if emit and valid:
            as_dict = cfg.to_dict()
            if as_dict != self._last_emitted:
                self._last_emitted = as_dict
                self.configChanged.emit(cfg.copy())
        if changed_validity and emit:
            self.validityChanged.emit(valid)

    def _show_error_summary(self, errors: list[ConfigError]) -> None:
        if not errors:
            self.error_label.hide()
            self.error_label.clear()
            return
        lines = []
        for err in errors[:6]:
            title = FIELD_INFO.get(err.field, (err.field, ""))[0]
            lines.append(f"• <b>{html.escape(title)}</b>: {html.escape(err.message)}")
        if len(errors) > 6:
            lines.append(f"… and {len(errors) - 6} more")
        noun = "problem" if len(errors) == 1 else "problems"
        self.error_label.setText(f"{len(errors)} {noun} — training can't start until fixed:<br>" + "<br>".join(lines))
        self.error_label.show()

    # ================================================================== model description, device
    def _request_model_description(self) -> None:
        cfg = self._candidate()
        preset = cfg.model.preset
        if preset not in MODEL_PRESETS:
            self.model_label.setText("")
            return
        ds = self._datasets.dataset() if self._datasets is not None else None
        points = is_point_dataset(self._current_dataset)
        if ds is not None and ds.kind == ("points" if points else "images"):
            kind, channels, size, classes = ds.kind, ds.channels, ds.image_size, ds.num_classes
        else:
            ch = cfg.data.channels if isinstance(cfg.data.channels, int) else 0
            size = cfg.data.image_size if isinstance(cfg.data.image_size, int) else 0
            kind, channels, size, classes = ("points", 0, 0, 0) if points else ("images", ch or 1, size, 0)
        conditional = bool(cfg.model.class_conditional)
        # the engine refuses a preset / data combination it cannot build with a ValueError: a label, not a crash
        jobs.run("model", _describe_model, preset, kind, channels, size, classes, conditional, owner=self,
                 on_done=self.model_label.setText, on_error=self._on_model_description_failed, expected=(ValueError,))

    def _on_model_description_failed(self, message: str) -> None:
        self.model_label.setText(f"(model description unavailable: {message})")

    def _update_device_label(self) -> None:
        name = self.widgets["training.device"].currentData()
        text, ok = describe_device(name)
        self.device_label.setText(text)
        role = "dim" if ok else "warning"
        if self.device_label.property("role") != role:
            self.device_label.setProperty("role", role)
            repolish(self.device_label)

    # ================================================================== data preview
    def _on_data_loading(self, name: str) -> None:
        label = Path(name).name if name not in BUILTIN_DATASETS else name
        self.data_status.setText(f"Loading {label}…")
        self.data_warnings.hide()
        if is_point_dataset(name):
            self.preview_stack.setCurrentWidget(self.preview_points)
        else:
            self.preview_stack.setCurrentWidget(self.preview_grid)
            self.preview_grid.set_images(None)
            self.preview_grid.set_placeholder("loading…")

    def _on_data_loaded(self, ds) -> None:  # noqa: ANN001 - engine.data.Dataset
        n = len(ds)
        classes = f", {ds.num_classes} classes" if ds.num_classes else ""
        label = Path(ds.name).name if ds.name not in BUILTIN_DATASETS else ds.name
        if ds.kind == "images":
            c, s = ds.channels, ds.image_size
            self.data_status.setText(f"{label}: {n} images, {c}×{s}×{s}{classes}")
            self.show_image_preview(ds)
        else:
            self.data_status.setText(f"{label}: {n} points, standardized{classes}")
            self.show_points_preview(ds)
        self.show_warnings(list(ds.warnings or []))
        self._request_model_description()

    def _on_data_failed(self, message: str) -> None:
        self.data_status.setText("")
        self.preview_grid.set_images(None)
        self.preview_grid.set_placeholder("no preview")
        self.preview_stack.setCurrentWidget(self.preview_grid)
        self.data_warnings.setText(f"Cannot load the data: {message}")
        self.data_warnings.setProperty("role", "error")
        repolish(self.data_warnings)
        self.data_warnings.setToolTip(message)
        self.data_warnings.show()

    def show_image_preview(self, ds) -> None:  # noqa: ANN001
        from engine.imaging import to_uint8

        n = len(ds)
        count = min(PREVIEW_IMAGES, n)
        idx = np.unique(np.linspace(0, n - 1, count).round().astype(int)).tolist()
        self._preview_indices = idx
        imgs = to_uint8(ds.x[idx])
        self.preview_grid.set_images(imgs, ncol=min(8, len(idx)))
        self.preview_stack.setCurrentWidget(self.preview_grid)

    def show_points_preview(self, ds) -> None:  # noqa: ANN001
        from engine.plotting import scatter_image

        self._preview_points_ds = ds
        x = ds.x.numpy()
        if len(x) > PREVIEW_POINTS:
            sel = np.random.default_rng(0).choice(len(x), PREVIEW_POINTS, replace=False)
            x = x[sel]
        t = _theme.current_theme()
        bg = QColor(t.base)
        img = scatter_image(x, size=300, extent=3.0, colors=_theme.point_palette(x)[0],
                            background=(bg.red(), bg.green(), bg.blue()), radius=1, unit_circle=False)
        self.preview_points.set_image(img)
        self.preview_stack.setCurrentWidget(self.preview_points)

    def show_warnings(self, warnings: list[str]) -> None:
        if not warnings:
            self.data_warnings.hide()
            return
        names = []
        for w in warnings[:3]:
            head = w.split(":", 1)[0]
            names.append(Path(head).name or head)
        more = f" and {len(warnings) - 3} more" if len(warnings) > 3 else ""
        noun = "file" if len(warnings) == 1 else "files"
        self.data_warnings.setText(f"Skipped {len(warnings)} {noun}: {', '.join(names)}{more}")
        self.data_warnings.setToolTip("\n".join(warnings[:50]) + ("\n…" if len(warnings) > 50 else ""))
        if self.data_warnings.property("role") != "warning":
            self.data_warnings.setProperty("role", "warning")
            repolish(self.data_warnings)
        self.data_warnings.show()

    def _on_preview_clicked(self, cell: int) -> None:
        if 0 <= cell < len(self._preview_indices):
            self.previewClicked.emit(self._preview_indices[cell])

    # ================================================================== theme
    def apply_theme(self, theme=None) -> None:  # noqa: ANN001
        theme = theme or _theme.current_theme()
        for section in self.sections.values():
            section.apply_theme()
        ds = self._datasets.dataset() if self._datasets is not None else None
        if ds is not None and ds.kind == "images":
            self.show_image_preview(ds)  # the grid padding follows the palette
        elif ds is not None:
            self.show_points_preview(ds)
        self.preview_grid.update()

    def shutdown(self) -> None:
        jobs.shutdown(self)


# ---------------------------------------------------------------------------------------------- helpers
def _describe_model(preset: str, kind: str, channels: int, size: int, classes: int, conditional: bool) -> str:
    from engine.models import DataInfo, describe_preset

    info = DataInfo(kind=kind, channels=channels if kind == "images" else 0,
                    image_size=size if kind == "images" else 0, num_classes=classes)
    text = describe_preset(preset, info)
    if conditional:
        text += f" · conditional on {classes} classes" if classes else " · conditional (if the data has labels)"
    return text


def describe_device(name: str) -> tuple[str, bool]:
    """('cpu — 2 threads', True) or a warning text and False when the device is not available here."""
    import torch

    try:
        from engine.training import device_description, resolve_device
    except Exception:  # noqa: BLE001
        resolve_device = device_description = None  # type: ignore[assignment]

    def pretty(dev) -> str:  # noqa: ANN001
        if dev.type == "cuda":
            return f"cuda — {torch.cuda.get_device_name(dev)}"
        if dev.type == "mps":
            return "mps — Apple GPU"
        return f"cpu — {torch.get_num_threads()} threads"

    try:
        if resolve_device is not None:
            dev = resolve_device(name)
        else:
            dev = torch.device("cpu" if name == "auto" else name)
            if name == "cuda" and not torch.cuda.is_available():
                raise RuntimeError("cuda was requested but no CUDA device is available")
    except Exception as exc:  # noqa: BLE001
        text = str(exc).split(": ", 1)[-1]
        return f"⚠ {text}", False
    prefix = "auto → " if name == "auto" else ""
    return prefix + pretty(dev), True
