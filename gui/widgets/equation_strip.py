"""A collapsible strip above a centre tab's views: the formula the tab animates, with the timeline's values.

The numbers come from engine/equations.py (float64, from the one NoiseSchedule); the rich text from
gui/widgets/equation_formulas.py. Every symbol is a link styled like the surrounding text: hovering it (or clicking
it) shows what it is as a tooltip. Plain Qt rich text with Unicode math (no TeX, no images), so it is crisp at any
DPI; links take the palette's text colour and are re-rendered on a palette change (theme switch) and on a language
change. The header button (▾/▸ Equation) folds the strip; the state is remembered per tab in QSettings.
"""
from __future__ import annotations

import math

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent, QSettings, Qt
from PySide6.QtGui import QCursor, QPalette, QTextDocument
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QToolButton, QToolTip, QVBoxLayout, QWidget

from engine.config import TrainingConfig
from engine.equations import (
    SamplerStep,
    format_number,
    forward_equation,
    loss_equation,
    schedule_values,
)
from engine.schedules import NoiseSchedule
from gui.widgets.equation_formulas import forward_lines, loss_lines, schedule_lines, step_lines, symbol_tip

SETTINGS_KEY = "equations/{}_expanded"
LINK_PREFIX = "sym:"
# The words in engine/equations.py's paper references (authors, years and numbers stay as cited): each is replaced
# by its translation where shown.
REFERENCE_WORDS = (
    QT_TRANSLATE_NOOP("EquationStrip", "x₀-prediction"),
    QT_TRANSLATE_NOOP("EquationStrip", "v-prediction"),
    QT_TRANSLATE_NOOP("EquationStrip", "Eq. 12 and 16"),
    QT_TRANSLATE_NOOP("EquationStrip", "Euler step"),
    QT_TRANSLATE_NOOP("EquationStrip", "line 5"),
)


def reference_text(reference: str) -> str:
    """An engine reference with its words in the interface language."""
    for words in REFERENCE_WORDS:
        reference = reference.replace(words, QCoreApplication.translate("EquationStrip", words))
    return reference


class EquationStrip(QWidget):
    """``EquationStrip("forward")``: call :meth:`show_schedule`, :meth:`show_forward`, :meth:`show_loss` or
    :meth:`show_step` from the tab's timeline update; :meth:`text` is the shown formula as plain text."""

    def __init__(self, tab: str, parent: QWidget | None = None):
        super().__init__(parent)
        self._tab = tab
        self._content: tuple = ("empty",)
        self._position = 0
        self._latest_loss: tuple[float, int] | None = None
        self._dirty = False  # content changed while the body was hidden (another tab, folded): render when shown

        self.toggle_button = QToolButton()
        self.toggle_button.setCheckable(True)
        self.toggle_button.setAutoRaise(True)
        self.toggle_button.setToolButtonStyle(Qt.ToolButtonTextOnly)
        # a heading, not a pressed button: the arrow says whether it is open (colours stay the theme's)
        self.toggle_button.setStyleSheet("QToolButton { border: none; background: transparent; padding: 2px 0; "
                                         "font-weight: 600; }")
        self.toggle_button.setCursor(Qt.PointingHandCursor)
        self.reference = QLabel("")
        self.reference.setProperty("role", "dim")
        self.reference.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.body = QLabel("")
        self.body.setTextFormat(Qt.RichText)
        self.body.setWordWrap(True)
        self.body.setOpenExternalLinks(False)
        self.body.setTextInteractionFlags(Qt.LinksAccessibleByMouse | Qt.TextSelectableByMouse)
        self.body.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.body.setContentsMargins(18, 0, 0, 2)
        font = self.body.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)  # formulas with subscripts read better a little larger
        self.body.setFont(font)
        self.body.linkHovered.connect(self._on_link_hovered)
        self.body.linkActivated.connect(self._on_link_hovered)  # a click shows it too (touchpads, no hover)

        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.setSpacing(8)
        header.addWidget(self.toggle_button)
        header.addStretch(1)
        header.addWidget(self.reference)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addLayout(header)
        lay.addWidget(self.body)

        expanded = QSettings().value(SETTINGS_KEY.format(tab), True)
        expanded = expanded if isinstance(expanded, bool) else str(expanded).lower() == "true"
        self.toggle_button.setChecked(expanded)
        self.toggle_button.toggled.connect(self.set_expanded)
        self._apply_expanded(expanded)
        self._render()

    # ================================================================== collapsing
    def is_expanded(self) -> bool:
        return self.toggle_button.isChecked()

    def set_expanded(self, expanded: bool) -> None:
        expanded = bool(expanded)
        if self.toggle_button.isChecked() != expanded:
            self.toggle_button.setChecked(expanded)  # comes back here through toggled
            return
        self._apply_expanded(expanded)
        QSettings().setValue(SETTINGS_KEY.format(self._tab), expanded)

    def _apply_expanded(self, expanded: bool) -> None:
        self.body.setVisible(expanded)
        self.reference.setVisible(expanded)
        self._label_button()
        if self._dirty and self.body.isVisible():
            self._render_now()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty and self.body.isVisible():
            self._render_now()

    def _label_button(self) -> None:
        arrow = "▾" if self.is_expanded() else "▸"
        label = self.tr("Equation")
        self.toggle_button.setText(f"{arrow} {label}")
        self.toggle_button.setToolTip(self.tr("Show or hide the formula this tab animates, with the values at the "
                                              "timeline's t substituted; hover a symbol to see what it is"))

    # ================================================================== content
    def show_schedule(self, schedule: NoiseSchedule, position: int | None = None) -> None:
        """β_t, α_t, ᾱ_t, √ᾱ_t, √(1−ᾱ_t), SNR_t and log SNR_t at timeline ``position`` (the paper's t; 0 = x₀)."""
        self._content = ("schedule", schedule_values(schedule, self._clamp(schedule, position)))
        self._render()

    def show_forward(self, schedule: NoiseSchedule, position: int | None = None) -> None:
        """Ho et al. Eq. 4 at timeline ``position``."""
        self._content = ("forward", forward_equation(schedule, self._clamp(schedule, position)))
        self._render()

    def show_loss(self, schedule: NoiseSchedule, position: int | None, training: TrainingConfig) -> None:
        """The loss for the Training form's prediction target and weighting, at timeline ``position`` (t ≥ 1;
        position 0, the clean data, shows the formula alone)."""
        t = self._clamp(schedule, position)
        eq = loss_equation(schedule, t, training.prediction, training.loss_weighting, training.min_snr_gamma) \
            if t >= 1 else None
        self._content = ("loss", eq, training.prediction, training.loss_weighting)
        self._render()

    def set_latest_loss(self, loss: float, step: int) -> None:
        """The newest smoothed training loss (NaN: none yet), shown under the loss formula."""
        latest = (float(loss), int(step)) if math.isfinite(loss) else None
        if latest != self._latest_loss:
            self._latest_loss = latest
            if self._content[0] == "loss":
                self._render()

    def show_step(self, step: SamplerStep | None) -> None:
        """The sampler update taken from the frame on the timeline (None: no recorded run)."""
        self._content = ("step", step) if step is not None else ("no_run",)
        self._render()

    def _clamp(self, schedule: NoiseSchedule, position: int | None) -> int:
        if position is not None:
            self._position = int(position)
        return max(0, min(self._position, schedule.timesteps))

    # ================================================================== rendering
    def _link(self, key: str, html: str) -> str:
        color = self.palette().color(QPalette.WindowText).name()
        return f'<a href="{LINK_PREFIX}{key}" style="color:{color}; text-decoration:none">{html}</a>'

    def _render(self) -> None:
        if not self.body.isVisible():  # scrubbing on another tab, or folded: no HTML to build or paint
            self._dirty = True
            return
        self._render_now()

    def _render_now(self) -> None:
        self._dirty = False
        kind, link = self._content[0], self._link
        lines: list[str] = []
        notes: list[str] = []
        reference = ""
        if kind == "schedule":
            values = self._content[1]
            lines, reference = schedule_lines(values, link), values.reference
            if values.t == 0:
                notes.append(self.tr("t = 0 is the clean data: no noise yet, so SNR is infinite."))
        elif kind == "forward":
            eq = self._content[1]
            lines, reference = forward_lines(eq, link), eq.reference
            notes.append(self.tr("The same noise ε at every t: scrubbing only changes the two coefficients."))
        elif kind == "loss":
            eq, prediction, weighting = self._content[1:]
            lines = loss_lines(eq, prediction, weighting, link)
            if eq is None:
                notes.append(self.tr("Move the timeline to t ≥ 1 to substitute its coefficients (training draws t "
                                     "from 1…T)."))
            else:
                reference = eq.reference
            if self._latest_loss is not None:
                notes.append(self.tr("Latest loss (smoothed): {0} at step {1}").format(
                    format_number(self._latest_loss[0]), f"{self._latest_loss[1]:,}"))
        elif kind == "step":
            step = self._content[1]
            lines, reference = step_lines(step, link), step.reference
            notes += self._step_notes(step)
        elif kind == "no_run":
            notes.append(self.tr("Run the sampler: the strip then shows the update each recorded step applies, "
                                 "with its coefficients."))
        html = "".join(f"<div>{line}</div>" for line in lines)
        html += "".join(f'<div style="color:{self._dim()}">{note}</div>' for note in notes)  # notes are rich text
        self.body.setText(html)
        self.reference.setText(reference_text(reference))

    def _step_notes(self, step: SamplerStep) -> list[str]:
        notes = []
        if step.form == "ddpm_posterior":
            notes.append(self.tr("ᾱ<sub>t</sub> = 0 (zero terminal SNR): Algorithm 2's 1/√α<sub>t</sub> is "
                                 "infinite, so this step is shown as the posterior mean of Eq. 7."))
        if step.sampler == "ddpm" and step.t_next == 0:
            notes.append(self.tr("Last step: no noise is added."))
        elif step.sampler == "ddpm":
            notes.append("σ<sub>t</sub>² = β<sub>t</sub>" if step.values.get("variance_is_beta") else
                         self.tr("σ<sub>t</sub>² = β̃<sub>t</sub>, the variance of the posterior "
                                 "q(x<sub>t−1</sub> | x<sub>t</sub>, x<sub>0</sub>)"))
        if step.form == "dpmpp_2m_first":
            notes.append(self.tr("No previous x<sub>θ</sub> yet (the first step of the run or branch): a "
                                 "first-order step, the same as DDIM's."))
        elif step.form == "dpmpp_2m_last":
            notes.append(self.tr("Last step: it lands on the clean data, x<sub>0</sub> = x<sub>θ</sub>."))
        elif step.sampler == "heun" and step.form == "euler":
            notes.append(self.tr("Last step: Heun takes a plain Euler step (σ = 0 at the end)."))
        elif step.sampler == "euler":
            notes.append(self.tr("Euler on the probability-flow ODE in σ; x is scaled by √(1+σ²) on the way in and "
                                 "out."))
        return notes

    def _dim(self) -> str:
        return self.palette().color(QPalette.PlaceholderText).name()

    def text(self) -> str:
        """The strip's formula as plain text (the body without markup), up to date even while hidden."""
        if self._dirty:
            self._render_now()
        doc = QTextDocument()
        doc.setHtml(self.body.text())
        return doc.toPlainText()

    # ================================================================== tooltips
    def tooltip_for(self, link: str) -> str:
        return symbol_tip(link[len(LINK_PREFIX):]) if link.startswith(LINK_PREFIX) else ""

    def _on_link_hovered(self, link: str) -> None:
        text = self.tooltip_for(link)
        if text:
            QToolTip.showText(QCursor.pos(), text, self.body)
        else:
            QToolTip.hideText()

    # ================================================================== theme and language
    def retranslate(self) -> None:
        self._label_button()
        self._render()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.LanguageChange:
            self.retranslate()
        elif event.type() in (QEvent.PaletteChange, QEvent.ApplicationPaletteChange, QEvent.StyleChange):
            self._render()  # the links carry the palette's text colour
        super().changeEvent(event)
