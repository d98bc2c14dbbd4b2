"""A language switch re-renders the Sampling, Compare and Inversion tabs' readouts at once (their ``retranslate``):
with a translator installed that marks every text it is asked for, the frame readout, the branch tree, the NFE
readout, the timeline's frame labels, the Compare column headers and the tabs' Ready messages come back marked;
with it removed they are plain English again."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTranslator

from engine.presets import quick_config


class MarkingTranslator(QTranslator):
    """Every source text comes back as «text» (placeholders kept), whatever its context."""

    def translate(self, context, source, disambiguation=None, n=-1):
        return f"«{source}»"

    def isEmpty(self) -> bool:
        return False


@pytest.fixture(scope="module")
def trained_moons():
    from engine.training import Trainer

    trainer = Trainer(quick_config("moons", steps=10, preview_every=0))
    for _ in range(10):
        trainer.step()
    return trainer


def test_retranslate_renders_the_readouts_in_the_new_language(qtbot, main_window, trained_moons):
    window, panel = main_window, main_window.sampling_panel
    window.tabs.setCurrentWidget(panel)
    window.worker.set_trainer(trained_moons)
    qtbot.waitUntil(panel.run_button.isEnabled, timeout=20000)
    assert panel.message().startswith("Ready: moons model")
    panel.sampler_combo.set_sampler("ddim")
    panel.steps_spin.setValue(6)
    panel.n_spin.setValue(64)
    with qtbot.waitSignal(window.worker.samplingFinished, timeout=60000):
        qtbot.mouseClick(panel.run_button, Qt.LeftButton)
    window.timeline.set_position(3)
    english = (panel.follow_label.text(), panel.branches.point_label.text(), panel.nfe_label.text(),
               panel.branches.tree.texts(), window.timeline.readout_text())
    assert english[0].startswith("step 3/6 · t = ") and english[1].startswith("From step 3/6")
    assert english[2] == "NFE 6" and english[3] == ["Run: DDIM-6 · seed 0"]

    marker = MarkingTranslator()
    QCoreApplication.installTranslator(marker)
    try:
        panel.retranslate()
        assert window.timeline.position() == 3  # the same frame, in the new words
        assert panel.follow_label.text() == f"«{english[0]}»"
        assert panel.branches.point_label.text().startswith("«From «step 3/6 · t = ")
        assert panel.nfe_label.text() == "«NFE 6»"
        assert panel.branches.tree.texts() == ["«Run: «DDIM-6 · seed 0»»"]
        assert panel.branches.tree.topLevelItem(0).toolTip(0).startswith("«DDIM, 6 steps, seed 0»")
        assert window.timeline.readout_text().count("«step 3/6 · t = ") == 1

        compare = window.compare_panel
        compare.retranslate()
        assert compare.message().startswith("«Ready: moons model at step")
        assert compare.columns[0].header_label.text() == "«DDIM · 10 steps»"

        inversion = window.inversion_panel
        inversion.retranslate()
        assert inversion.message().startswith("«Ready: moons model at step")
    finally:
        QCoreApplication.removeTranslator(marker)
    panel.retranslate()
    window.compare_panel.retranslate()
    assert (panel.follow_label.text(), panel.branches.point_label.text(), panel.nfe_label.text(),
            panel.branches.tree.texts(), window.timeline.readout_text()) == english
    assert window.compare_panel.columns[0].header_label.text() == "DDIM · 10 steps"
