"""The sampler menu both the Sampling and the Compare tab use, built from the config's field metadata, and the
small texts about a run they both show (frame readout, model evaluations).

The menu lists :data:`engine.config.SAMPLERS` in the order of the ``Sampler`` Literal, with each choice's help from
``engine.config_fields.field_spec("sampling.sampler")`` as its tooltip, so a sampler added to the engine shows up here
without touching the window.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import QComboBox, QWidget

from engine.config_fields import field_spec

#: the sampler field's help texts (engine/config.py, SamplingConfig.sampler), spelled out here so lupdate puts them in
#: the catalogue: the menu translates them from the metadata at run time (tests/gui/test_sampler_menu_texts.py checks
#: that this list still matches the engine's texts)
HELP_TEXTS = (
    QT_TRANSLATE_NOOP("SamplerMenu", "How the reverse process steps from x_T to x_0"),
    QT_TRANSLATE_NOOP("SamplerMenu", "Ancestral sampling (Ho et al. 2020, Algorithm 2): stochastic, one evaluation "
                                     "per step"),
    QT_TRANSLATE_NOOP("SamplerMenu", "DDIM (Song et al. 2021, Eq. 12): deterministic at η = 0, stochastic up to "
                                     "η = 1"),
    QT_TRANSLATE_NOOP("SamplerMenu", "DPM-Solver++(2M) (Lu et al. 2022): deterministic, second order, one "
                                     "evaluation per step"),
    QT_TRANSLATE_NOOP("SamplerMenu", "Euler on the probability-flow ODE in σ (Karras et al. 2022): equals DDIM at "
                                     "η = 0"),
    QT_TRANSLATE_NOOP("SamplerMenu", "Heun (Karras et al. 2022, Algorithm 1): second order, two evaluations per step "
                                     "but the last"),
)


def _tr(text: str) -> str:
    """A help text of :data:`HELP_TEXTS` (a variable: lupdate finds it there) in the current language."""
    return QCoreApplication.translate("SamplerMenu", text)


def sampler_name(sampler: str) -> str:
    """The short display name of a sampler (``dpmpp_2m`` -> ``DPM++ (2M)``)."""
    return field_spec("sampling.sampler").choice_label(sampler)


def uses_eta(sampler: str) -> bool:
    """Only DDIM reads η (engine.samplers.make_step); the others ignore it."""
    return sampler == "ddim"


class SamplerMenu(QComboBox):
    """Every sampler the engine has; the item data is the config value (``ddim``, ``heun``...)."""

    def __init__(self, parent: QWidget | None = None, intro: Callable[[], str] | None = None):
        """``intro``: the tooltip's first line in the current language (default: what a sampler is)."""
        super().__init__(parent)
        self._intro = intro
        spec = field_spec("sampling.sampler")
        for value in spec.choices:
            self.addItem(sampler_name(value), value)
            help_text = spec.choice_help.get(value)
            if help_text:
                self.setItemData(self.count() - 1, _tr(help_text), Qt.ToolTipRole)
        self.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.setMinimumWidth(84)
        self.setToolTip(_tr(spec.help))
        self.currentIndexChanged.connect(self._show_choice_help)
        self._show_choice_help()

    def sampler(self) -> str:
        return str(self.currentData())

    def set_sampler(self, sampler: str) -> None:
        self.setCurrentIndex(max(0, self.findData(sampler)))
        self._show_choice_help()  # also when the caller blocks the menu's signals while it fills a form

    def samplers(self) -> list[str]:
        return [str(self.itemData(i)) for i in range(self.count())]

    def retranslate(self) -> None:
        """After a language switch: the closed menu's tooltip is composed of two translated parts (what a sampler
        is, what the chosen one does), which no catalogue entry holds whole, so it is composed again."""
        spec = field_spec("sampling.sampler")
        for i in range(self.count()):
            help_text = spec.choice_help.get(self.itemData(i))
            if help_text:
                self.setItemData(i, _tr(help_text), Qt.ToolTipRole)
        self._show_choice_help()

    def _show_choice_help(self, _index: int = 0) -> None:
        # the closed menu's tooltip explains the chosen sampler, not only what a sampler is
        spec = field_spec("sampling.sampler")
        chosen = spec.choice_help.get(self.currentData(), "")
        intro = self._intro() if self._intro is not None else _tr(spec.help)
        self.setToolTip(intro + (f"\n{self.currentText()}: {_tr(chosen)}" if chosen else ""))


def frame_label(step: int, num_steps: int, t_index: int) -> str:
    """Timeline readout for one recorded frame, in the paper's convention: t = 1..T for the noisy states (schedule
    index ``t_index`` is the paper's t = t_index + 1, as in the exported GIF captions) and t = 0 for the finished
    sample (``t_index`` is -1)."""
    if t_index < 0:
        return QCoreApplication.translate("SamplerMenu", "step {step}/{total} · t = 0 · final sample").format(
            step=step, total=num_steps)
    return QCoreApplication.translate("SamplerMenu", "step {step}/{total} · t = {t}").format(
        step=step, total=num_steps, t=t_index + 1)


def nfe_text(nfe: int, total: int | None = None) -> str:
    """``NFE 6`` or ``NFE 6 / 19``: model evaluations used (so far, of the run's total)."""
    if total is None:
        return QCoreApplication.translate("SamplerMenu", "NFE {nfe}").format(nfe=int(nfe))
    return QCoreApplication.translate("SamplerMenu", "NFE {nfe} / {total}").format(nfe=int(nfe), total=int(total))
