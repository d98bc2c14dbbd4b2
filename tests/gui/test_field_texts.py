"""The engine's texts the window shows (config field labels / help / choices, dataset names, quality metrics) are
marked for translation in the GUI, and the dock, panels and readouts show them through Qt's translators.

A small in-memory translator stands in for the zh_CN catalogue: installing it must change what the widgets show
(labels, combo items, readouts re-rendered by ``retranslate``) while the engine keys stay in the combos' item data.
"""
from __future__ import annotations

import math

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QCheckBox, QComboBox

from engine.config_fields import all_field_specs, field_spec
from engine.data import list_builtin
from gui.widgets.data_preview import DatasetPicker
from gui.widgets.field_texts import CONTEXT, DATASET_TEXTS, DOCK_SECTIONS, FIELD_TEXTS
from gui.widgets.form_parts import allowed_text


class DictTranslator(QTranslator):
    """Translates exactly the (context, source) pairs it is given; everything else falls through (None)."""

    def __init__(self, table: dict[tuple[str, str], str]):
        super().__init__()
        self.table = table

    def translate(self, context, source, disambiguation=None, n=-1):
        return self.table.get((context, source))

    def isEmpty(self) -> bool:
        return False


@pytest.fixture
def install(qapp):
    installed = []

    def add(table: dict[tuple[str, str], str]) -> DictTranslator:
        tr = DictTranslator(table)
        assert QCoreApplication.installTranslator(tr)
        installed.append(tr)
        return tr

    yield add
    for tr in installed:
        QCoreApplication.removeTranslator(tr)


def _dock_specs():
    return [spec for spec in all_field_specs() if spec.section in DOCK_SECTIONS]


def test_every_dock_field_text_is_marked_for_translation():
    missing = []
    for spec in _dock_specs():
        texts = [spec.label, spec.help, *(spec.choice_label(c) for c in spec.choices), *spec.choice_help.values()]
        if spec.allowed_override:
            texts.append(spec.allowed_override)
        missing += [(spec.path, text) for text in texts if text not in FIELD_TEXTS]
    assert not missing, f"add these engine texts to gui/widgets/field_texts.py: {missing}"
    assert len(_dock_specs()) >= 30


def test_every_builtin_dataset_name_and_description_is_marked():
    missing = [text for pair in list_builtin() for text in pair if text not in DATASET_TEXTS]
    assert not missing, f"add these dataset texts to gui/widgets/field_texts.py: {missing}"


def test_allowed_wording_in_english_is_the_engines():
    for spec in _dock_specs():
        assert allowed_text(spec) == spec.allowed, spec.path


def test_quality_metric_labels_are_marked_and_the_readout_matches_the_engine_summary():
    from engine.quality import METRIC_LABELS, QualityScore
    from gui.events import QualityScored
    from gui.panels.training_plots import METRIC_LABELS as MARKED
    from gui.panels.training_plots import quality_summary

    assert set(METRIC_LABELS.values()) <= set(MARKED)
    for metric, value, precision, classes in (("sliced_wasserstein", 0.0312, None, None),
                                              ("frechet_distance_digits", 2.17, 0.89, 9),
                                              ("pixel_sliced_wasserstein", math.inf, None, None)):
        kw = dict(step=500, metric=metric, value=value, floor=0.02, ratio=value / 0.02, n_samples=256, seconds=0.5,
                  precision=precision, recall=None if precision is None else 0.77, classes=classes)
        assert quality_summary(QualityScored(**kw)) == QualityScore(**kw).summary()


def test_the_dock_shows_translated_labels_and_keeps_engine_keys(qtbot, install):
    from gui.widgets.forms import ExperimentForm

    install({(CONTEXT, "Learning rate"): "学习率", (CONTEXT, "Schedule"): "噪声调度",
             (CONTEXT, "cosine"): "余弦 (cosine)", (CONTEXT, "moons"): "双月 (moons)",
             (CONTEXT, "Zero terminal SNR"): "终端信噪比为零",
             (CONTEXT, "AdamW learning rate, e.g. 1e-3 or 2e-4"): "AdamW 学习率，例如 1e-3 或 2e-4",
             ("FormParts", "a number in {0}"): "区间 {0} 内的数",
             ("FormParts", "{0}\nAllowed: {1}"): "{0}\n允许：{1}",
             ("ExperimentForm", "Noise schedule"): "噪声调度"})
    form = ExperimentForm()
    qtbot.addWidget(form)
    try:
        assert form.labels["training.lr"].text() == "学习率"
        assert form.labels["schedule.kind"].text() == "噪声调度"
        assert form.sections["schedule"].header.text() == "噪声调度"
        zero = form.widgets["schedule.zero_terminal_snr"]
        assert isinstance(zero, QCheckBox) and zero.text() == "终端信噪比为零"
        help_ = form.widgets["training.lr"].property("help")
        assert help_ == "AdamW 学习率，例如 1e-3 或 2e-4\n允许：区间 (0, 1] 内的数"
        kind = form.widgets["schedule.kind"]
        texts = {kind.itemData(i): kind.itemText(i) for i in range(kind.count())}
        assert texts["cosine"] == "余弦 (cosine)" and texts["linear"] == "linear"
        assert tuple(texts) == field_spec("schedule.kind").choices  # engine keys stay the item data
        # choosing by item data still works and the config gets the engine key, not the shown text
        kind.setCurrentIndex(kind.findData("cosine"))
        assert form.config().schedule.kind == "cosine"
        assert not form.widgets["schedule.beta_start"].isEnabled()  # the row logic reads the key, not the text
        picker = form.widgets["data.dataset"]
        assert isinstance(picker, DatasetPicker)
        i = picker.findData("moons")
        assert picker.itemText(i) == "双月 (moons)" and picker.chosen() == "moons"
        assert form.config().data.dataset == "moons"
        for name, widget in form.widgets.items():
            if isinstance(widget, QComboBox) and not isinstance(widget, DatasetPicker):
                assert tuple(widget.itemData(i) for i in range(widget.count())) == field_spec(name).choices
    finally:
        form.shutdown()


def test_panels_re_render_their_readouts_after_a_language_switch(qtbot, install):
    """``retranslate`` (called by the window after a switch) shows the readouts in the new language at once."""
    from engine.config import ExperimentConfig
    from engine.data import load_dataset
    from gui.panels.forward import ForwardPanel
    from gui.panels.schedule import SchedulePanel

    forward = ForwardPanel()
    qtbot.addWidget(forward)
    cfg = ExperimentConfig()
    forward.set_config(cfg)
    forward.set_dataset(load_dataset(cfg.data, 0))
    forward.on_timeline(10)
    assert forward.seed_label.text() == "noise seed 0"
    assert forward.points_stats.text().startswith("mean (")
    schedule = SchedulePanel()
    qtbot.addWidget(schedule)
    assert "ᾱ at the last step" in schedule.info.toolTip()

    install({("ForwardPanel", "noise seed {0}"): "噪声随机种子 {0}",
             ("ForwardPanel", "mean ({0:+.2f}, {1:+.2f})   std ({2:.2f}, {3:.2f})\n"
                              "N(0, I) has mean (0, 0), std (1, 1)"):
             "均值 ({0:+.2f}, {1:+.2f})   标准差 ({2:.2f}, {3:.2f})\nN(0, I) 的均值为 (0, 0)，标准差为 (1, 1)",
             ("SchedulePanel", "{0}: ᾱ at the last step and the range of log SNR; "
                               "√ᾱ_T is how much of x₀ is left in x_T (0 = pure noise)"): "{0}：最后一步的 ᾱ"})
    assert forward.seed_label.text() == "noise seed 0"  # nothing changes until the panel is told
    forward.retranslate()
    schedule.retranslate()
    assert forward.seed_label.text() == "噪声随机种子 0"
    assert forward.points_stats.text().startswith("均值 (")
    assert schedule.info.toolTip().endswith("：最后一步的 ᾱ")


def test_the_training_tab_re_renders_its_buttons_and_readouts(main_window, install):
    from gui.events import QualityScored

    training = main_window.training_panel
    training.plots.add_quality(QualityScored(step=40, metric="sliced_wasserstein", value=0.05, floor=0.02, ratio=2.5))
    assert training.start_button.text() in ("Start", "Continue")
    assert training.plots.quality_label.text() == "step 40: sliced Wasserstein 0.05 = 2.50x real-data floor"
    install({("TrainingPanel", "Start"): "开始", ("TrainingPanel", "Continue"): "继续训练",
             ("TrainingPanel", "Pause"): "暂停", ("TrainingPanel", "step {0:,}"): "第 {0:,} 步",
             ("TrainingPlots", "sliced Wasserstein"): "切片 Wasserstein 距离",
             ("TrainingPlots", "step {0}: {1} {2:.3g} = {3:.2f}x real-data floor"):
             "第 {0} 步：{1} {2:.3g} = 真实数据基准下限的 {3:.2f} 倍"})
    training.retranslate()
    assert training.start_button.text() in ("开始", "继续训练") and training.pause_button.text() == "暂停"
    assert training.step_label.text() == "第 0 步"
    assert training.plots.quality_label.text() == "第 40 步：切片 Wasserstein 距离 0.05 = 真实数据基准下限的 2.50 倍"


def test_the_dock_retranslates_in_place_and_words_range_errors_in_the_new_language(qtbot, install):
    from gui.widgets.forms import ExperimentForm

    form = ExperimentForm()
    qtbot.addWidget(form)
    try:
        form.set_field_text("training.batch_size", "0")
        assert "<b>Batch size</b>: must be an integer in [1, 65536], got 0" in form.error_label.text()
        before = form.candidate_config().to_dict()
        install({("ExperimentForm", "must be {0}, got {1}"): "必须是{0}，实际为 {1}",
                 ("FormParts", "an integer in {0}"): " {0} 内的整数",
                 ("ExperimentForm", "1 problem — training can't start until fixed:"):
                 "1 个问题 — 修正之前无法开始训练：",
                 ("ExperimentForm", "Model"): "模型", ("DatasetPicker", "Images"): "图像",
                 (CONTEXT, "Batch size"): "批大小", (CONTEXT, "cosine"): "余弦（cosine）",
                 (CONTEXT, "digits"): "手写数字（digits）", (CONTEXT, "Mixed precision"): "混合精度"})
        form.retranslate()
        assert form.labels["training.batch_size"].text() == "批大小"
        assert form.error_label.text().startswith("1 个问题 — 修正之前无法开始训练：")
        assert "<b>批大小</b>: 必须是 [1, 65536] 内的整数，实际为 0" in form.error_label.text()
        assert "必须是 [1, 65536] 内的整数" in form.widgets["training.batch_size"].toolTip()
        assert form.sections["model"].header.text() == "模型"
        assert form.widgets["training.amp"].text() == "混合精度"
        kind = form.widgets["schedule.kind"]
        assert kind.itemText(kind.findData("cosine")) == "余弦（cosine）"
        picker = form.widgets["data.dataset"]
        assert "图像" in [picker.itemText(i) for i in range(picker.count())]
        assert picker.itemText(picker.findData("digits")) == "手写数字（digits）"
        assert form.candidate_config().to_dict() == before  # only the words changed, never a value
    finally:
        form.shutdown()
