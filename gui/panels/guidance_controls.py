"""The Sampling tab's guidance row: which class to draw, the classifier-free guidance scale and a negative class.

Shown only for a class-conditional model. The scale is the lab's s (engine.samplers.model_denoiser): s = 1 is the
plain conditional model, s = 0 the unconditional one, and s = 1 + w in Ho & Salimans' (2022, Eq. 6) notation. A
negative class J takes the unconditional branch's place (the negative prompt of text-to-image pipelines):
ε̃ = ε_J + s (ε_c − ε_J); with "no class" as c that samples "anything but J". The row only reads and writes the
three SamplingConfig fields (class_label, negative_class, guidance_scale); the engine does the guidance.
"""
from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QLineEdit, QWidget

from engine.config import SamplingConfig
from engine.guidance_study import parse_sweep
from gui.events import ModelFacts

ALL_CLASSES = -1  # class_label: every class, one grid row each (engine.training.Trainer.class_labels)
NO_CLASS = -2  # class_label: the null label (unconditional, or "anything but" the negative class)
NO_NEGATIVE = -1


class GuidanceControls(QWidget):
    """Class picker, guidance scale s (with its convention beside it) and negative class."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._num_classes = 0
        self.class_combo = QComboBox()
        self.class_combo.setToolTip(self.tr("The class to draw; “all classes” draws each in turn, one grid row per "
                                            "class when Samples is a multiple of the number of classes"))
        self.scale_spin = QDoubleSpinBox()
        self.scale_spin.setRange(0.0, 100.0)
        self.scale_spin.setSingleStep(0.5)
        self.scale_spin.setDecimals(2)
        self.scale_spin.setValue(1.0)
        self.scale_spin.setMinimumWidth(72)
        self.scale_spin.setToolTip(self.tr("Classifier-free guidance scale s (Ho & Salimans 2022): larger s gives "
                                           "more typical, less diverse samples of the class"))
        self.negative_combo = QComboBox()
        self.negative_combo.setToolTip(self.tr("Guide away from this class instead of away from the unconditional "
                                               "model (a negative prompt); with class “none” it draws anything but "
                                               "this class"))
        self.sweep_edit = QLineEdit()
        self.sweep_edit.setPlaceholderText(self.tr("e.g. 0, 1, 2, 4, 8"))
        self.sweep_edit.setMaximumWidth(130)
        self.sweep_edit.setToolTip(self.tr("Guidance sweep: one grid row per scale s, one column per class, every row "
                                           "from the same x_T (replaces Samples, Class and Guidance s); the reverse "
                                           "process exports like any run. Empty = off"))
        self.convention = QLabel(self.tr("s = 1: conditional · s = 0: unconditional · s = 1 + w (Ho & Salimans)"))
        self.convention.setProperty("role", "dim")
        self.formula = QLabel("")
        self.formula.setProperty("role", "readout")
        self.formula.setToolTip(self.tr("The guided noise prediction each sampler step uses"))

        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        for text, widget in ((self.tr("Class"), self.class_combo), (self.tr("Guidance s"), self.scale_spin),
                             (self.tr("Negative class"), self.negative_combo),
                             (self.tr("Sweep s"), self.sweep_edit)):
            label = QLabel(text)
            label.setBuddy(widget)
            row.addWidget(label)
            row.addWidget(widget)
        row.addWidget(self.convention)
        row.addStretch(1)
        row.addWidget(self.formula)
        self.class_combo.currentIndexChanged.connect(self._edited)
        self.negative_combo.currentIndexChanged.connect(self._edited)
        self.scale_spin.valueChanged.connect(self._edited)
        self.sweep_edit.textChanged.connect(self._edited)
        self.setVisible(False)

    # ------------------------------------------------------------------ model and values
    def set_model(self, facts: ModelFacts | None) -> None:
        """List the model's classes (keeping the choice where it still exists); hide the row for an
        unconditional model."""
        conditional = facts is not None and facts.conditional and facts.num_classes > 0
        n = facts.num_classes if conditional else 0
        names = list(facts.class_names) if conditional else []
        names = [names[k] if k < len(names) and names[k] != str(k) else str(k) for k in range(n)]
        chosen, negative = self.class_combo.currentData(), self.negative_combo.currentData()
        self._num_classes = n
        with QSignalBlocker(self.class_combo), QSignalBlocker(self.negative_combo):
            self.class_combo.clear()
            self.class_combo.addItem(self.tr("all classes (one row each)"), ALL_CLASSES)
            self.class_combo.addItem(self.tr("none (unconditional)"), NO_CLASS)
            self.negative_combo.clear()
            self.negative_combo.addItem(self.tr("none"), NO_NEGATIVE)
            for k, name in enumerate(names):
                text = name if name == str(k) else f"{k} · {name}"
                self.class_combo.addItem(text, k)
                self.negative_combo.addItem(text, k)
            self._select(self.class_combo, chosen if chosen is not None else ALL_CLASSES)
            self._select(self.negative_combo, negative if negative is not None else NO_NEGATIVE)
        self.setVisible(conditional)
        self._update_formula()

    def set_values(self, s: SamplingConfig) -> None:
        with QSignalBlocker(self.class_combo), QSignalBlocker(self.negative_combo), QSignalBlocker(self.scale_spin):
            self._select(self.class_combo, int(s.class_label))
            self._select(self.negative_combo, int(s.negative_class))
            self.scale_spin.setValue(float(s.guidance_scale))
            self.sweep_edit.setText(str(s.guidance_sweep))
        self._update_formula()

    def set_class(self, class_label: int) -> None:
        self._select(self.class_combo, class_label)

    def set_negative(self, negative_class: int) -> None:
        self._select(self.negative_combo, negative_class)

    def values(self) -> dict:
        """class_label, negative_class and guidance_scale for SamplingConfig; the neutral values (all classes,
        no negative, s = 1) for an unconditional model, whose samples they would not change."""
        if not self._num_classes:
            return {"class_label": ALL_CLASSES, "negative_class": NO_NEGATIVE, "guidance_scale": 1.0,
                    "guidance_sweep": ""}
        return {"class_label": int(self.class_combo.currentData()),
                "negative_class": int(self.negative_combo.currentData()),
                "guidance_scale": float(self.scale_spin.value()), "guidance_sweep": self.sweep_edit.text().strip()}

    def sweep(self) -> tuple[float, ...]:
        """The sweep's scales, () when off or not valid (problem() says why)."""
        try:
            return parse_sweep(self.values()["guidance_sweep"])
        except ValueError:
            return ()

    def grid_columns(self, cfg: SamplingConfig) -> int | None:
        """Images per grid row: one class per row (all classes, n a multiple of them), one class per column (a
        sweep, one row per scale), else None (a near-square grid)."""
        from engine.guidance_study import class_grid_columns

        return class_grid_columns(cfg, self._num_classes)

    def problem(self) -> str | None:
        v = self.values()
        try:
            parse_sweep(v["guidance_sweep"])
        except ValueError as exc:
            return self.tr("Sweep s {message}.").format(message=exc)
        if v["negative_class"] >= 0 and v["negative_class"] == v["class_label"]:
            return self.tr("The negative class must differ from the class (guiding away from the class itself "
                           "cancels the guidance).")
        return None

    def describe(self, cfg: SamplingConfig | None) -> str:
        """A caption of a run's choice, e.g. " (class 7, s = 3)", for the run messages; "" when unconditional."""
        if not self._num_classes or cfg is None:
            return ""
        if cfg.guidance_sweep.strip():
            rows = ", ".join(f"{s:g}" for s in parse_sweep(cfg.guidance_sweep))
            return self.tr(" (sweep: a row per s = {rows}, a column per class)").format(rows=rows)
        what = {ALL_CLASSES: self.tr("all classes"), NO_CLASS: self.tr("no class")}.get(
            cfg.class_label, self.tr("class {k}").format(k=cfg.class_label))
        text = self.tr("{what}, s = {s:g}").format(what=what, s=cfg.guidance_scale)
        if cfg.negative_class >= 0:
            text += self.tr(", away from {j}").format(j=cfg.negative_class)
        return f" ({text})"

    # ------------------------------------------------------------------ internals
    @staticmethod
    def _select(combo: QComboBox, value: int) -> None:
        index = combo.findData(value)
        combo.setCurrentIndex(index if index >= 0 else 0)

    def _edited(self, *_args) -> None:
        self._update_formula()
        self.changed.emit()

    def _update_formula(self) -> None:
        if not self._num_classes:
            self.formula.setText("")
            return
        v = self.values()
        sweep = self.sweep()
        if sweep:
            base = f"ε_{v['negative_class']}" if v["negative_class"] >= 0 else "ε_∅"
            rows = ", ".join(f"{s:g}" for s in sweep)
            self.formula.setText(f"ε̃ = {base} + s (ε_c − {base}), s = {rows}")
            return
        c = v["class_label"]
        cond = {ALL_CLASSES: "ε_c", NO_CLASS: "ε_∅"}.get(c, f"ε_{c}")
        base = f"ε_{v['negative_class']}" if v["negative_class"] >= 0 else "ε_∅"
        self.formula.setText(f"ε̃ = {base} + {v['guidance_scale']:g} ({cond} − {base})")
