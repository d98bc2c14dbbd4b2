"""The Experiment dock: grouped forms over one :class:`ExperimentConfig`, validated as you type.

Every editable config field has one widget, registered under its dotted name (``"training.lr"``); its label,
tooltip, allowed range and choices come from the field's metadata (:mod:`engine.config_fields`). On every edit
the form rebuilds a candidate config from the widgets and asks :meth:`ExperimentConfig.errors` what is wrong; each
error is shown on the widget its ``field`` names (red outline, tooltip with the message and the allowed range) and
listed under the form. Numbers are typed into plain QLineEdits and parsed leniently (``1e-4``, ``3000``, ``2e3``)
so nothing is silently clamped; text that is not a number is passed to ``errors()`` as is, which reports it with
the field's range. ``configChanged`` is emitted only with a valid config, ``validityChanged`` whenever the verdict
flips. Picking another dataset moves every untouched field to that dataset's tuned defaults
(:func:`engine.presets.switch_dataset`), so the window trains what ``diffusion-lab train --dataset`` trains.
"""
from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from engine.config import MODEL_PRESETS, POINT_DATASETS, ExperimentConfig, is_point_dataset
from engine.config_fields import field_spec
from engine.errors import ConfigError
from engine.presets import default_config, switch_dataset
from gui import jobs
from gui.widgets.data_preview import OPEN_FILE, OPEN_FOLDER, DataPreview, DatasetPicker
from gui.widgets.field_texts import tr_field
from gui.widgets.form_parts import (
    CollapsibleSection,
    KeepKeys,
    allowed_text,
    check_box,
    choice_combo,
    describe_device,
    field_label,
    help_text,
    line_edit,
    model_facts,
    model_text,
    read_value,
    repolish,
    retranslate_field,
    show_value,
)

__all__ = ["ExperimentForm", "describe_device"]


class ExperimentForm(QWidget):
    """Data / Noise schedule / Model / Training forms over one :class:`ExperimentConfig`."""

    configChanged = Signal(object)  # a valid ExperimentConfig
    validityChanged = Signal(bool)
    previewClicked = Signal(int)  # dataset index of a clicked preview image

    def __init__(self, datasets=None, parent: QWidget | None = None):
        super().__init__(parent)
        self._datasets = datasets
        # the window's starting experiment; a dataset switch compares fields against these tuned defaults
        self._base = default_config(ExperimentConfig().data.dataset)
        self._config = self._base.copy()
        self._valid = True
        self._errors: list[ConfigError] = []
        self._field_errors: dict[str, str] = {}
        self._loading = False
        self._last_emitted: dict | None = None
        self._current_dataset = self._base.data.dataset
        self._keep_keys = KeepKeys(self)
        self.widgets: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        self._model_facts: tuple | None = None  # the model note's numbers (form_parts.model_facts), once known

        self._build()
        self._fill(self._base)
        self._revalidate(emit=False)
        self._last_emitted = self._config.to_dict()
        self._update_device_label()
        self._request_model_description()
        if datasets is not None:
            datasets.loading.connect(self.data_preview.show_loading)
            datasets.loaded.connect(self._on_data_loaded)
            datasets.failed.connect(self.data_preview.show_failed)

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
            ("data", self.tr("Data"), self._build_data, True),
            ("schedule", self.tr("Noise schedule"), self._build_schedule, True),
            ("model", self.tr("Model"), self._build_model, True),
            ("training", self.tr("Training"), self._build_training, True),
            ("advanced", self.tr("Advanced training"), self._build_advanced, False),
        ):
            body = QWidget()
            builder(self._form(body))
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

    @staticmethod
    def _form(body: QWidget) -> QFormLayout:
        form = QFormLayout(body)
        form.setContentsMargins(4, 2, 0, 2)
        form.setHorizontalSpacing(10)
        form.setVerticalSpacing(6)
        form.setLabelAlignment(Qt.AlignRight | Qt.AlignVCenter)
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.DontWrapRows)
        return form

    def _register(self, name: str, widget: QWidget, label: QLabel) -> QWidget:
        spec = field_spec(name)
        self.widgets[name] = widget
        self.labels[name] = label
        # a long label ("Label dropout p_uncond") wraps onto two lines rather than widen the dock past its
        # default width, where the scroll area (no horizontal bar) would clip the fields' right edge
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignRight | Qt.AlignVCenter)
        widget.setObjectName(name)
        widget.setToolTip(help_text(spec))
        widget.setProperty("help", help_text(spec))
        return widget

    def _line(self, form: QFormLayout, name: str, placeholder: str = "") -> None:
        widget = line_edit(placeholder)
        widget.textChanged.connect(self._on_edit)
        label = field_label(field_spec(name))
        self._register(name, widget, label)
        form.addRow(label, widget)

    def _combo(self, form: QFormLayout, name: str, under: QLabel | None = None) -> None:
        """A choice field; ``under`` is a note shown below the combo box (the device description)."""
        widget = choice_combo(field_spec(name))
        widget.currentIndexChanged.connect(self._on_edit)
        widget.installEventFilter(self._keep_keys)
        label = field_label(field_spec(name))
        self._register(name, widget, label)
        if under is None:
            form.addRow(label, widget)
            return
        row = QVBoxLayout()
        row.setSpacing(2)
        row.addWidget(widget)
        row.addWidget(under)
        form.addRow(label, row)

    def _check(self, form: QFormLayout, name: str) -> None:
        widget = check_box(field_spec(name))
        widget.toggled.connect(self._on_edit)
        widget.installEventFilter(self._keep_keys)
        spacer = QLabel("")  # the label is the checkbox's own text; the row's label column stays empty
        self._register(name, widget, spacer)
        form.addRow(spacer, widget)

    @staticmethod
    def _note() -> QLabel:
        label = QLabel("")
        label.setProperty("role", "dim")
        label.setWordWrap(True)
        return label

    def _build_data(self, form: QFormLayout) -> None:
        self.data_form = form
        picker = DatasetPicker(tr_field(field_spec("data.dataset").help))
        picker.installEventFilter(self._keep_keys)
        picker.activated.connect(self._on_dataset_activated)
        picker.currentIndexChanged.connect(self._on_edit)
        label = field_label(field_spec("data.dataset"))
        self._register("data.dataset", picker, label)
        form.addRow(label, picker)
        self._line(form, "data.image_size", self.tr("0 = native size"))
        self._combo(form, "data.channels")
        self._line(form, "data.n_points")
        self._line(form, "data.max_items", self.tr("0 = all"))
        self.data_preview = DataPreview()
        self.data_preview.previewClicked.connect(self.previewClicked)
        # the preview's parts, under the names the window's tests and scripts use
        self.preview_grid = self.data_preview.grid
        self.preview_points = self.data_preview.points
        self.preview_stack = self.data_preview.stack
        self.data_status = self.data_preview.status
        self.data_warnings = self.data_preview.warnings
        form.addRow(self.data_preview)

    def _build_schedule(self, form: QFormLayout) -> None:
        self.schedule_form = form
        self._combo(form, "schedule.kind")
        for name in ("schedule.timesteps", "schedule.beta_start", "schedule.beta_end", "schedule.cosine_s"):
            self._line(form, name)
        self._check(form, "schedule.zero_terminal_snr")

    def _build_model(self, form: QFormLayout) -> None:
        self._combo(form, "model.preset")
        self._check(form, "model.class_conditional")
        self._line(form, "training.cond_drop_prob")  # p_uncond: only means something next to the switch
        self._line(form, "model.dropout")
        self.model_label = self._note()
        form.addRow(self.model_label)

    def _build_training(self, form: QFormLayout) -> None:
        for name in ("training.steps", "training.batch_size", "training.lr", "training.warmup_steps",
                     "training.ema_decay"):
            self._line(form, name)
        self._combo(form, "training.prediction")
        self._combo(form, "training.loss_weighting")
        self._line(form, "training.min_snr_gamma")
        self._line(form, "training.seed")
        self.device_label = self._note()
        self._combo(form, "training.device", under=self.device_label)

    def _build_advanced(self, form: QFormLayout) -> None:
        for name in ("training.weight_decay", "training.grad_clip", "training.preview_every",
                     "training.quality_every", "training.time_budget"):
            self._line(form, name)
        self._check(form, "training.amp")

    # ================================================================== reading and writing values
    def _fill(self, cfg: ExperimentConfig) -> None:
        self._loading = True
        try:
            for name, widget in self.widgets.items():
                section, key = name.split(".")
                value = getattr(getattr(cfg, section), key)
                if isinstance(widget, DatasetPicker):
                    widget.select(str(value))  # a path gets its own item above the open actions
                else:
                    show_value(widget, field_spec(name), value)
        finally:
            self._loading = False
        self._current_dataset = cfg.data.dataset
        self._update_enabled_rows()

    def _read_value(self, name: str) -> Any:
        widget = self.widgets[name]
        if isinstance(widget, DatasetPicker):
            return widget.chosen() or self._current_dataset
        return read_value(widget, field_spec(name))

    def _candidate(self) -> ExperimentConfig:
        """A config from the widgets; unparsable text is kept as a string so errors() names it."""
        cfg = self._base.copy()
        for name in self.widgets:
            section, key = name.split(".")
            setattr(getattr(cfg, section), key, self._read_value(name))
        return cfg

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
        self.widgets["data.dataset"].select(dataset)
        self._current_dataset = dataset
        self._dataset_switched(previous, dataset)

    def set_field_text(self, name: str, text: str) -> None:
        """Type ``text`` into a numeric field (for scripts and tests)."""
        self.widgets[name].setText(text)

    @property
    def _preview_indices(self) -> list[int]:
        """Dataset indices of the preview grid's cells (read by the window's tests)."""
        return self.data_preview.preview_indices

    # ================================================================== editing and validation
    def _on_edit(self, *_args: Any) -> None:
        if self._loading:
            return
        sender = self.sender()
        if sender is self.widgets.get("data.dataset"):
            chosen = sender.chosen()
            if chosen is not None and chosen != self._current_dataset:
                previous = self._current_dataset
                self._current_dataset = chosen
                self._dataset_switched(previous, chosen)
                return
        self._update_enabled_rows()
        self._revalidate()
        if sender in (self.widgets.get("model.preset"), self.widgets.get("model.class_conditional"),
                      self.widgets.get("data.channels")):
            self._request_model_description()
        if sender is self.widgets.get("training.device"):
            self._update_device_label()

    def _dataset_switched(self, previous: str, new: str) -> None:
        """A new dataset: untouched fields take the new dataset's tuned defaults (as the CLI and bench use)."""
        current = self._candidate()
        current.data.dataset = previous
        self._base = switch_dataset(current, new)
        self._fill(self._base)
        self._revalidate()
        self._request_model_description()

    def _on_dataset_activated(self, index: int) -> None:
        picker: DatasetPicker = self.widgets["data.dataset"]
        data = picker.itemData(index)
        if data not in (OPEN_FOLDER, OPEN_FILE):
            return
        path = picker.ask_path(folder=data == OPEN_FOLDER, current=self._current_dataset)
        if path:
            self.set_dataset(path)
        else:  # cancelled: back to the current dataset
            picker.select(self._current_dataset)

    def _update_enabled_rows(self) -> None:
        points = is_point_dataset(self._current_dataset)
        for name in ("data.image_size", "data.channels", "data.max_items"):
            self._set_row_enabled(name, not points, self.tr("only used for image data") if points else "")
        self._set_row_enabled("data.n_points", points and self._current_dataset in POINT_DATASETS,
                              self.tr("only used for the built-in 2-D sets"))
        cosine = self.widgets["schedule.kind"].currentData() == "cosine"
        for name in ("schedule.beta_start", "schedule.beta_end"):
            self._set_row_enabled(name, not cosine, self.tr("not used by the cosine schedule"))
        self._set_row_enabled("schedule.cosine_s", cosine, self.tr("only used by the cosine schedule"))
        min_snr = self.widgets["training.loss_weighting"].currentData() == "min_snr"
        self._set_row_enabled("training.min_snr_gamma", min_snr, self.tr("only used with min_snr loss weighting"))
        self._set_row_enabled("training.cond_drop_prob", self.widgets["model.class_conditional"].isChecked(),
                              self.tr("only used by a class-conditional model"))

    def _set_row_enabled(self, name: str, enabled: bool, why: str) -> None:
        widget = self.widgets[name]
        widget.setEnabled(enabled)
        self.labels[name].setEnabled(enabled)
        if not enabled and name not in self._field_errors:
            widget.setToolTip(f"{widget.property('help')}\n({why})")

    def _title(self, path: str) -> str:
        """How an error names a field: its label when the form shows it, else the dotted path to look for."""
        return tr_field(field_spec(path).label) if path in self.widgets else path

    def _message(self, err: ConfigError) -> str:
        """An error's text in the window's language where it is a field's own range or choice problem (the engine
        words those in English for the CLI: the same words here); other messages as the engine words them."""
        if err.field in self.widgets and err.field != "data.dataset":
            spec = field_spec(err.field)
            value = self._read_value(err.field)
            if spec.problem(value) == err.message:
                if spec.range is not None:
                    return self.tr("must be {0}, got {1}").format(allowed_text(spec), repr(value))
                return self.tr("must be {0}; got {1}").format(allowed_text(spec), repr(value))
        return err.message

    def _revalidate(self, emit: bool = True) -> None:
        cfg = self._candidate()
        try:
            errors = cfg.errors()
        except Exception as exc:  # noqa: BLE001 - a broken engine module must not kill the form
            errors = [ConfigError("config", self.tr("cannot validate: {0}").format(exc))]
        # a user's folder or file: whether it has labels is known once it is loaded
        ds = self._datasets.dataset_for(cfg) if self._datasets is not None else None
        if cfg.model.class_conditional is True and ds is not None and ds.unlabelled_problem() \
                and not any(e.field == "model.class_conditional" for e in errors):
            errors.append(ConfigError("model.class_conditional", ds.unlabelled_problem()))
        self._errors = errors
        by_field: dict[str, list[str]] = {}
        for err in errors:
            if err.field in self.widgets:
                by_field.setdefault(err.field, []).append(self._message(err))
                continue
            # an error on a field without a widget here (e.g. sampling.steps > schedule.timesteps): show it on
            # every field its message names, so the user sees what to change
            for name in self.widgets:
                if name in err.message:
                    by_field.setdefault(name, []).append(f"{err.field} {err.message}")
        self._field_errors = {k: "; ".join(v) for k, v in by_field.items()}
        for name, widget in self.widgets.items():
            message = self._field_errors.get(name)
            invalid = message is not None
            if bool(widget.property("invalid")) != invalid:
                widget.setProperty("invalid", invalid)
                repolish(widget)
            label = self.labels[name]
            if label.property("role") != ("error" if invalid else None):
                label.setProperty("role", "error" if invalid else None)
                repolish(label)
            if invalid:
                title = html.escape(self._title(name))
                widget.setToolTip(f"<b>{title}</b> <i>({name})</i><br>{html.escape(message)}")
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
        lines = [f"• <b>{html.escape(self._title(err.field))}</b>: {html.escape(self._message(err))}"
                 for err in errors[:6]]
        if len(errors) > 6:
            lines.append(self.tr("… and {0} more").format(len(errors) - 6))
        head = (self.tr("1 problem — training can't start until fixed:") if len(errors) == 1
                else self.tr("{0} problems — training can't start until fixed:").format(len(errors)))
        self.error_label.setText(head + "<br>" + "<br>".join(lines))
        self.error_label.show()

    # ================================================================== model description, device, data
    def _request_model_description(self) -> None:
        cfg = self._candidate()
        preset = cfg.model.preset
        if preset not in MODEL_PRESETS:
            self._model_facts = None
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
        jobs.run("model", model_facts, preset, kind, channels, size, classes, conditional, owner=self,
                 on_done=self._show_model_facts, on_error=self._on_model_description_failed, expected=(ValueError,))

    def _show_model_facts(self, facts: tuple) -> None:
        self._model_facts = facts  # kept to word again after a language switch
        self.model_label.setText(model_text(facts))

    def _on_model_description_failed(self, message: str) -> None:
        self._model_facts = None
        self.model_label.setText(self.tr("(model description unavailable: {0})").format(message))

    def _update_device_label(self) -> None:
        text, ok = describe_device(self.widgets["training.device"].currentData())
        self.device_label.setText(text)
        role = "dim" if ok else "warning"
        if self.device_label.property("role") != role:
            self.device_label.setProperty("role", role)
            repolish(self.device_label)

    def _on_data_loaded(self, ds) -> None:
        self.data_preview.show_loaded(ds)
        self._revalidate()  # class conditioning on data without labels is an error only the data can show
        self._request_model_description()

    # ================================================================== language
    def retranslate(self) -> None:
        """After a language switch: section titles, labels, tooltips, choices, notes and errors in the new language
        (the combo boxes keep their engine keys as item data, so the config is unchanged)."""
        titles = {"data": self.tr("Data"), "schedule": self.tr("Noise schedule"), "model": self.tr("Model"),
                  "training": self.tr("Training"), "advanced": self.tr("Advanced training")}
        for key, section in self.sections.items():
            section.header.setText(titles[key])
        placeholders = {"data.image_size": self.tr("0 = native size"), "data.max_items": self.tr("0 = all")}
        for name, widget in self.widgets.items():
            spec = field_spec(name)
            if isinstance(widget, DatasetPicker):
                widget.retranslate(tr_field(spec.help))
            retranslate_field(widget, self.labels[name], spec, placeholders.get(name))
        self._update_enabled_rows()
        self._revalidate(emit=False)
        self._update_device_label()
        if self._model_facts is not None:
            self.model_label.setText(model_text(self._model_facts))  # at once; a pending job words its own result
        else:
            self._request_model_description()
        self.data_preview.retranslate()

    # ================================================================== theme
    def apply_theme(self, theme=None) -> None:
        for section in self.sections.values():
            section.apply_theme()
        self.data_preview.apply_theme(self._datasets.dataset() if self._datasets is not None else None)

    def shutdown(self) -> None:
        jobs.shutdown(self)
