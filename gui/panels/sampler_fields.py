"""The sampler menu both the Sampling and the Compare tab use, built from the config's field metadata, and the
small texts about a run they both show (frame readout, model evaluations).

The menu lists :data:`engine.config.SAMPLERS` in the order of the ``Sampler`` Literal, with each choice's help from
``engine.config_fields.field_spec("sampling.sampler")`` as its tooltip, so a sampler added to the engine shows up here
without touching the window.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QComboBox, QWidget

from engine.config_fields import field_spec


def _tr(text: str) -> str:
    return QCoreApplication.translate("SamplerMenu", text)


def sampler_name(sampler: str) -> str:
    """The short display name of a sampler (``dpmpp_2m`` -> ``DPM++ (2M)``)."""
    return field_spec("sampling.sampler").choice_label(sampler)


def uses_eta(sampler: str) -> bool:
    """Only DDIM reads η (engine.samplers.make_step); the others ignore it."""
    return sampler == "ddim"


class SamplerMenu(QComboBox):
    """Every sampler the engine has; the item data is the config value (``ddim``, ``heun``...)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
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

    def samplers(self) -> list[str]:
        return [str(self.itemData(i)) for i in range(self.count())]

    def _show_choice_help(self, _index: int = 0) -> None:
        # the closed menu's tooltip explains the chosen sampler, not only what a sampler is
        spec = field_spec("sampling.sampler")
        chosen = spec.choice_help.get(self.currentData(), "")
        self.setToolTip(_tr(spec.help) + (f"\n{self.currentText()}: {_tr(chosen)}" if chosen else ""))


def frame_label(step: int, num_steps: int, t_index: int) -> str:
    """Timeline readout for one recorded frame, in the paper's convention: t = 1..T for the noisy states (schedule
    index ``t_index`` is the paper's t = t_index + 1, as in the exported GIF captions) and t = 0 for the finished
    sample (``t_index`` is -1)."""
    if t_index < 0:
        return _tr("step {step}/{total} · t = 0 · final sample").format(step=step, total=num_steps)
    return _tr("step {step}/{total} · t = {t}").format(step=step, total=num_steps, t=t_index + 1)


def nfe_text(nfe: int, total: int | None = None) -> str:
    """``NFE 6`` or ``NFE 6 / 19``: model evaluations used (so far, of the run's total)."""
    if total is None:
        return _tr("NFE {nfe}").format(nfe=int(nfe))
    return _tr("NFE {nfe} / {total}").format(nfe=int(nfe), total=int(total))
