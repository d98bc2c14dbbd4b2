"""Pieces of the Experiment form: field widgets built from a config field's metadata, lenient number parsing,
the collapsible section and the key filter.

Labels, tooltips, allowed ranges and combo choices all come from :mod:`engine.config_fields`, so the form says
what the CLI and :meth:`ExperimentConfig.errors` say.
"""
from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSignalBlocker, QSize, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from engine.config_fields import FieldSpec
from gui import theme as _theme
from gui.widgets.field_texts import tr_field


def format_number(value: Any) -> str:
    """How a number is shown in a field: integers plainly, floats as Python writes them (``0.0005``, ``1e-05``)."""
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
    """Re-apply the style sheet after a dynamic property (``invalid``, ``role``) changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def allowed_text(spec: FieldSpec) -> str | None:
    """:attr:`FieldSpec.allowed` (the words of the engine's error messages) in the window's language."""
    if spec.allowed_override:
        return tr_field(spec.allowed_override)
    if spec.range is not None:
        interval = spec.range.interval()
        if spec.range.or_zero:
            interval = QCoreApplication.translate("FormParts", "{0} or 0").format(interval.removesuffix(" or 0"))
        if spec.type is int:
            return QCoreApplication.translate("FormParts", "an integer in {0}").format(interval)
        return QCoreApplication.translate("FormParts", "a number in {0}").format(interval)
    if spec.choices:
        return QCoreApplication.translate("FormParts", "one of {0}").format(", ".join(str(c) for c in spec.choices))
    return None


def help_text(spec: FieldSpec) -> str:
    """A field's tooltip: its help, and for numbers the allowed range as validation words it."""
    if spec.range is not None:
        return QCoreApplication.translate("FormParts", "{0}\nAllowed: {1}").format(tr_field(spec.help),
                                                                                  allowed_text(spec))
    return tr_field(spec.help)


def label_tooltip(spec: FieldSpec) -> str:
    """The tooltip of a field's label: its help and its dotted path (what config files and errors call it)."""
    return f"{help_text(spec)}\n({spec.path})"


def field_label(spec: FieldSpec) -> QLabel:
    label = QLabel(tr_field(spec.label))
    label.setToolTip(label_tooltip(spec))
    return label


def line_edit(placeholder: str = "") -> QLineEdit:
    """A plain text field for a number: typed text is parsed leniently, never clamped (see parse_int)."""
    widget = QLineEdit()
    widget.setPlaceholderText(placeholder)
    widget.setClearButtonEnabled(False)
    return widget


def choice_combo(spec: FieldSpec) -> QComboBox:
    """A combo box of the field's choices (its Literal), each with its label and, where declared, its help."""
    widget = QComboBox()
    for value in spec.choices:
        widget.addItem(tr_field(spec.choice_label(value)), value)  # the engine key stays the item data
        if value in spec.choice_help:
            widget.setItemData(widget.count() - 1, tr_field(spec.choice_help[value]), Qt.ToolTipRole)
    return widget


def check_box(spec: FieldSpec) -> QCheckBox:
    return QCheckBox(tr_field(spec.label))


def retranslate_field(widget: QWidget, label: QLabel, spec: FieldSpec, placeholder: str | None = None) -> None:
    """After a language switch: a field widget's texts (label, tooltip, choices, placeholder) built again; combo
    boxes keep their engine keys as item data, so the value is unchanged."""
    if isinstance(widget, QComboBox):
        for i in range(widget.count()):
            value = widget.itemData(i)
            if value in spec.choices:
                widget.setItemText(i, tr_field(spec.choice_label(value)))
                if value in spec.choice_help:
                    widget.setItemData(i, tr_field(spec.choice_help[value]), Qt.ToolTipRole)
    elif isinstance(widget, QCheckBox):
        widget.setText(tr_field(spec.label))
    elif isinstance(widget, QLineEdit) and placeholder is not None:
        widget.setPlaceholderText(placeholder)
    if not isinstance(widget, QCheckBox):
        label.setText(tr_field(spec.label))
        label.setToolTip(label_tooltip(spec))
    widget.setProperty("help", help_text(spec))
    widget.setToolTip(help_text(spec))


def show_value(widget: QWidget, spec: FieldSpec, value: Any) -> None:
    """Put ``value`` into a field widget without emitting its change signal."""
    with QSignalBlocker(widget):
        if isinstance(widget, QComboBox):
            idx = widget.findData(value)
            if idx < 0:  # an unknown value from a file: keep it visible so errors() can name it
                widget.addItem(str(value), value)
                idx = widget.count() - 1
            widget.setCurrentIndex(idx)
        elif spec.type is bool:
            widget.setChecked(bool(value))
        else:
            widget.setText(format_number(value))
            widget.setCursorPosition(0)


def read_value(widget: QWidget, spec: FieldSpec) -> Any:
    """A field widget's value; a number field's text that does not parse is returned as typed."""
    if isinstance(widget, QComboBox):
        return widget.currentData()
    if spec.type is bool:
        return widget.isChecked()
    return parse_int(widget.text()) if spec.type is int else parse_float(widget.text())


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

    def apply_theme(self) -> None:
        self._on_toggled(self.header.isChecked())


class KeepKeys(QObject):
    """Lets checkboxes / combo boxes keep Space and the arrow keys instead of the window's timeline shortcuts."""

    KEYS = (Qt.Key_Space, Qt.Key_Left, Qt.Key_Right, Qt.Key_Up, Qt.Key_Down)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.ShortcutOverride and event.key() in self.KEYS \
                and event.modifiers() == Qt.NoModifier:
            event.accept()
            return True
        return False


# ---------------------------------------------------------------------------------------------- notes under fields
def model_facts(preset: str, kind: str, channels: int, size: int, classes: int, conditional: bool) -> tuple:
    """What the model note says, as numbers: (engine.models.PresetFacts, classes, conditional). Runs off the GUI
    thread (it builds the model on the meta device); :func:`model_text` words it."""
    from engine.models import DataInfo, preset_facts

    info = DataInfo(kind=kind, channels=channels if kind == "images" else 0,
                    image_size=size if kind == "images" else 0, num_classes=classes)
    return preset_facts(preset, info), classes, conditional


def model_text(facts: tuple) -> str:
    """The model preset's network in one line, in the window's language (engine.models.describe_preset's wording)."""
    from engine.models import params_count

    f, classes, conditional = facts
    count = params_count(f.n_params)
    if f.arch == "MLP":
        text = QCoreApplication.translate("FormParts", "MLP {0}: {1} wide, {2} residual blocks — {3} params").format(
            f.preset, f.width, f.depth, count)
    else:
        attention = (QCoreApplication.translate("FormParts", "attn {0}x{0}").format(f.attention_size)
                     if f.attention_size else
                     QCoreApplication.translate("FormParts", "attn at 1/{0} size").format(f.downsampling_factor))
        text = QCoreApplication.translate("FormParts", "UNet {0}: {1} ch, {2} res blocks, {3} — {4} params").format(
            f.preset, "-".join(map(str, f.channels)), "-".join(map(str, f.blocks)), attention, count)
    if conditional:
        text += (QCoreApplication.translate("FormParts", " · conditional on {0} classes").format(classes) if classes
                 else QCoreApplication.translate("FormParts", " · conditional (if the data has labels)"))
    return text


def describe_model(preset: str, kind: str, channels: int, size: int, classes: int, conditional: bool) -> str:
    """The model preset's network for this data in one line (builds the model: not on the GUI thread)."""
    return model_text(model_facts(preset, kind, channels, size, classes, conditional))


def describe_device(name: str) -> tuple[str, bool]:
    """('cpu — 2 threads', True) or a warning text and False when the device is not available here."""
    import torch

    try:
        from engine.training import resolve_device
    except Exception:  # noqa: BLE001
        resolve_device = None  # type: ignore[assignment]

    def pretty(dev) -> str:
        if dev.type == "cuda":
            return f"cuda — {torch.cuda.get_device_name(dev)}"
        if dev.type == "mps":
            return "mps — Apple GPU"
        return QCoreApplication.translate("FormParts", "cpu — {0} threads").format(torch.get_num_threads())

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
