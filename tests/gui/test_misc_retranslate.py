"""A language switch re-renders the 2-D lab's and the Runs tab's readouts at once (their ``retranslate`` hook),
through a real QTranslator installed on the application (the Runs tab with two run folders the CLI wrote)."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QTranslator

from gui.panels.lab2d import Lab2DPanel
from gui.panels.runs import RunsPanel
from tests.engine.run_folders import session_runs
from tests.gui.test_runs_tab import open_runs


class _Translator(QTranslator):
    """A translator from a dict (context, source) -> text; everything else stays untranslated."""

    def __init__(self, table: dict[tuple[str, str], str]):
        super().__init__()
        self.table = table

    def translate(self, context, source, disambiguation=None, n=-1):  # Qt's signature
        return self.table.get((context, source), "")

    def isEmpty(self) -> bool:
        return False


def _switch(table: dict[tuple[str, str], str]) -> _Translator:
    translator = _Translator(table)
    assert QCoreApplication.installTranslator(translator)
    return translator


def test_lab_readouts_follow_a_language_switch(main_window):
    lab = main_window.lab2d_panel
    assert isinstance(lab, Lab2DPanel)
    lab.canvas.load_starter("ring")
    n = len(lab.canvas.points())
    assert lab.count_label.text() == f"{n} points"
    translator = _switch({("Lab2DPanel", "{0} points"): "{0} 个点"})
    try:
        assert lab.count_label.text() == f"{n} points"  # nothing re-rendered yet
        lab.retranslate()
        assert lab.count_label.text() == f"{n} 个点"
    finally:
        QCoreApplication.removeTranslator(translator)
    lab.retranslate()
    assert lab.count_label.text() == f"{n} points"


def test_runs_step_readout_follows_a_language_switch(qtbot, main_window, tmp_path_factory):
    panel = main_window.runs_panel
    assert isinstance(panel, RunsPanel)
    panel.retranslate()
    assert panel.samples.step_label.text() == ""  # no step readout before any run is shown
    open_runs(qtbot, main_window, session_runs(tmp_path_factory), 2)
    panel.samples.set_step(0)
    panel.retranslate()
    assert panel.samples.step_label.text() == "step 0"
    translator = _switch({("SampleStrip", "step {0:,}"): "第 {0:,} 步",
                          ("RunCurves", "optimizer step"): "优化器步数"})
    try:
        panel.retranslate()
        assert panel.samples.step_label.text() == "第 0 步"
        assert panel.curves.loss_plot.getPlotItem().getAxis("bottom").labelText == "优化器步数"
    finally:
        QCoreApplication.removeTranslator(translator)
    panel.retranslate()
    assert panel.samples.step_label.text() == "step 0"


def test_model_note_is_the_engines_line_in_english_and_follows_the_language(qapp):
    """The Experiment dock's model note is worded in the window (so it can be translated) from the engine's numbers:
    in English exactly engine.models.describe_preset's line, for the MLP, a UNet with and without an image size."""
    from engine.models import DataInfo, describe_preset
    from gui.widgets.form_parts import model_facts, model_text

    cases = [("small", "points", 0, 0), ("tiny", "images", 1, 28), ("base", "images", 3, 0)]
    for preset, kind, channels, size in cases:
        info = DataInfo(kind, channels if kind == "images" else 0, size if kind == "images" else 0)
        assert model_text(model_facts(preset, kind, channels, size, 0, False)) == describe_preset(preset, info)
    facts = model_facts("tiny", "images", 1, 28, 10, True)
    translator = _switch({("FormParts", "UNet {0}: {1} ch, {2} res blocks, {3} — {4} params"):
                          "UNet {0}：{1} 通道，{2} 残差块，{3} — {4} 参数",
                          ("FormParts", "attn {0}x{0}"): "注意力 {0}x{0}",
                          ("FormParts", " · conditional on {0} classes"): " · 以 {0} 个类别为条件"})
    try:
        text = model_text(facts)
    finally:
        QCoreApplication.removeTranslator(translator)
    english = describe_preset("tiny", DataInfo("images", 1, 28, 10))
    counts = english.split("— ")[1].replace(" params", "")
    assert text.startswith("UNet tiny：") and "注意力 7x7" in text
    assert text.endswith(f"— {counts} 参数 · 以 10 个类别为条件")
