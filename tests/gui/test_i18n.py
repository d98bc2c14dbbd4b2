"""The interface language: View › Language switches the real window to Simplified Chinese and back without a
restart, the live re-translator handles every kind of text-bearing widget, and no English is left on screen.

Two tests are the checks that both interfaces are complete: ``test_no_untranslated_text_on_any_tab`` (every
string's translation is in resources/i18n/diffusion_lab_zh_CN.ts: python packaging/i18n.py update --fill
/work/i18n/parts/*.json, then compile; it prints each English text left, grouped by widget class and object path)
and ``test_no_chinese_left_after_switching_to_english`` (each panel re-renders its computed texts in
``Panel.retranslate()``).
``test_window_chrome_has_no_english_in_zh_CN`` is the first check restricted to the parts the window itself owns
(menus, toolbar, docks, tab titles, status bar) and passes already.
"""
from __future__ import annotations

import re
from collections import defaultdict

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

import engine.cli as _cli
from engine import config as _config
from engine.config_fields import all_field_specs
from gui import i18n
from gui.i18n_catalogue import Catalogue, Message
from gui.retranslate import Retranslator, ShownText, collect_texts, text_slots

MENUS_EN = ["&File", "&Run", "&View", "&Help"]
MENUS_ZH = ["文件(&F)", "运行(&R)", "视图(&V)", "帮助(&H)"]
TABS_EN = ["Schedule", "Forward", "Training", "Sampling", "Compare", "2-D lab", "Inversion", "Runs"]
TABS_ZH = ["噪声调度", "前向扩散", "训练", "采样", "对比", "二维实验室", "反演", "运行记录"]

# proper names, abbreviations, units, file types, key names: English on purpose in the Chinese interface
ALLOWED = {
    "DDPM", "DDIM", "DPM", "Heun", "Euler", "UNet", "EMA", "FD", "SW", "SNR", "PNG", "GIF", "WebP", "APNG", "MP4",
    "CPU", "CUDA", "GPU", "MNIST", "Adam", "AdamW", "Ho", "Song", "Karras", "Nichol", "Dhariwal", "Salimans", "Lu",
    "et", "al", "Eq", "Sec", "Alg", "npz", "IDX", "safetensors", "json", "ckpt", "pt", "csv", "CSV", "ELBO", "NFE",
    "MSE", "ODE", "SDE", "Fréchet", "Diffusion", "Lab", "English", "Ctrl", "Shift", "Space", "Home", "End", "Enter",
    "Esc", "PyTorch", "Python", "Qt", "PySide", "pyqtgraph", "FID", "KL", "bpd", "MPS", "sRGB", "RGB", "dB", "exp",
    "log", "sqrt", "max", "min", "std", "var", "RMSE", "MAE", "UCI", "NaN", "Apple",
    # more authors and citations (Lin et al. 2024, Hang et al. 2023, "Algorithm 2"), names of methods, libraries and
    # products that Chinese texts keep in English (MLP, DPM-Solver, Dropout, logistic, Min-SNR, GeoDiff, diffusers,
    # Stable Diffusion, the "quad" schedule of Ho et al.'s code), arrow key names, the symbol p_uncond
    "Lin", "Hang", "Algorithm", "Dropout", "logistic", "Min", "GeoDiff", "diffusers", "Stable", "quad", "Left",
    "Right", "p_uncond", "MLP", "Solver", "Kingma", "Heusel", "Wasserstein",
}
FILE_OR_MODULE = re.compile(r"[\w./-]+\.(?:csv|npz|json|png|gif|webp|apng|mp4|safetensors|ckpt|pt|py)\b"
                            r"|\bengine(?:\.\w+)+")
# The engine's own names stay visible next to the Chinese ones, as the CLI and the config files spell them: the
# choice keys of engine/config.py's one list of choices (双月（moons）, 余弦（cosine）, 微型（tiny）, "auto → cpu"), the
# dotted config paths of every field ("(training.lr)"), and a CLI command where it is called one ("field 命令").
ENGINE_KEYS = frozenset(str(k) for k in (*_config.BUILTIN_DATASETS, *_config.SCHEDULE_KINDS, *_config.MODEL_PRESETS,
                                         *_config.PREDICTIONS, *_config.LOSS_WEIGHTINGS, *_config.SAMPLERS,
                                         *_config.DEVICES))
CONFIG_PATH = re.compile(r"\b(?:" + "|".join(re.escape(s.path) for s in all_field_specs()) + r")\b")
CLI_COMMAND = re.compile(r"\b(?:" + "|".join(c.__name__.rsplit(".", 1)[-1] for c in _cli.SUBCOMMANDS) + r")(?= ?命令)")
TOKEN = re.compile(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ0-9_]*")


def english_words(text: str) -> list[str]:
    """The words of ``text`` a Chinese reader would see as untranslated English (3+ ASCII letters in a row, not a
    proper name / abbreviation / unit in :data:`ALLOWED`, nor an engine key, config path or CLI command name: see
    :data:`ENGINE_KEYS`). HTML tags and entities are not words."""
    text = re.sub(r"<[^>]*>", " ", text)
    text = re.sub(r"&[a-zA-Z]+;|&#\d+;", " ", text)
    text = text.replace("&", "")  # accelerators: 文件(&F)
    text = FILE_OR_MODULE.sub(" ", text)  # quality.csv, engine.exact: names, not words
    text = CLI_COMMAND.sub(" ", CONFIG_PATH.sub(" ", text))  # (training.lr), field 命令: as typed in a config / shell
    return [tok for tok in TOKEN.findall(text)
            if tok not in ALLOWED and tok not in ENGINE_KEYS and re.search(r"[A-Za-z]{3}", tok)]


def english_report(texts) -> str:
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for t in texts:
        if english_words(t.text):
            groups[(t.kind.split(".")[0], t.path)].append(f"{t.kind.split('.', 1)[1]}: {t.text!r}")
    lines = []
    for (cls, path), items in sorted(groups.items()):
        lines.append(f"{cls} @ {path}")
        lines += [f"    {item}" for item in sorted(set(items))]
    return "\n".join(lines)


@pytest.fixture
def english_after(qapp):
    """Whatever a test switches to, the next test starts in English (translators are application-wide)."""
    yield
    i18n.install(qapp, "en")


def _menu_titles(w) -> list[str]:
    return [a.text() for a in w.menuBar().actions()]


def _tab_titles(w) -> list[str]:
    return [w.tabs.tabText(i) for i in range(w.tabs.count())]


def _snapshot(w) -> list[tuple[str, str, str]]:
    return [(s.path, s.kind, s.get()) for s in text_slots(w)]


def _choose(w, own_name: str) -> None:
    """Pick a language the way a user does: the entry named ``own_name`` in View › Language."""
    view = next(a.menu() for a in w.menuBar().actions() if a.menu() is w.view_menu)
    language = next(a.menu() for a in view.actions() if a.menu() is not None and a.menu() is w.language_menu)
    entry = next(a for a in language.actions() if a.text() == own_name)
    entry.trigger()


def test_view_language_switches_the_window_and_back(main_window, settings_path, english_after):
    from gui.settings import Settings

    w = main_window
    assert _menu_titles(w) == MENUS_EN and _tab_titles(w) == TABS_EN
    assert [a.text() for a in w.language_menu.actions()] == ["English", "简体中文"]
    assert w.language_actions["en"].isChecked()
    before = _snapshot(w)

    _choose(w, "简体中文")
    assert _menu_titles(w) == MENUS_ZH
    assert _tab_titles(w) == TABS_ZH
    assert w.experiment_dock.windowTitle() == "实验"
    assert w.timeline_dock.windowTitle() == "时间轴"
    assert w.toggle_experiment_action.text() == "实验面板(&E)"  # not the dock title the dock copies into it
    assert w.train_action.toolTip() == "用此实验训练模型 (Ctrl+Enter)"
    assert w.status.file_label.text() == "未保存的实验"
    assert w.language_actions["zh_CN"].isChecked() and not w.language_actions["en"].isChecked()
    assert [a.text() for a in w.language_menu.actions()] == ["English", "简体中文"]  # each in its own language
    assert Settings.from_file(settings_path).language() == "zh_CN"
    assert QCoreApplication.translate("WindowMenus", "&File") == "文件(&F)"  # texts made from now on, too
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"  # Qt's own dialog buttons

    _choose(w, "English")
    assert _menu_titles(w) == MENUS_EN and _tab_titles(w) == TABS_EN
    assert _snapshot(w) == before  # every text of the window, exactly as it was
    assert Settings.from_file(settings_path).language() == "en"
    assert QCoreApplication.translate("WindowMenus", "&File") == "&File"


def _chrome(w) -> list[tuple[str, str, str]]:
    """The window's own texts: menus with every action, toolbar, tab titles, dock titles, status bar."""
    texts = [*collect_texts(w.menuBar(), visible_only=False), *collect_texts(w.toolbar),
             *collect_texts(w.tabs.tabBar()), *collect_texts(w.status)]
    return [(t.path, t.kind, t.text) for t in texts] + [
        ("dock", "title", w.experiment_dock.windowTitle()), ("dock", "title", w.timeline_dock.windowTitle())]


def test_a_window_started_in_chinese_switches_to_english(qapp, make_window, english_after):
    """gui/app.py installs the saved language before the window is built: every tr() is Chinese from the start,
    and View › Language › English then shows what a window started in English shows. Also a check of the
    catalogue: two English texts with one translation in one context would come back as the wrong one here."""
    english = make_window()
    expected = _chrome(english)
    english.close()
    i18n.install(qapp, "zh_CN")
    w = make_window()
    assert _menu_titles(w) == MENUS_ZH and _tab_titles(w) == TABS_ZH
    assert w.language_actions["zh_CN"].isChecked()
    _choose(w, "English")
    assert _chrome(w) == expected


def test_no_chinese_left_after_switching_to_english(qapp, make_window, english_after):
    """A window started in Chinese and switched to English shows no Chinese on any tab: every text composed at run
    time (with numbers, or of several translated parts) is composed again by its owner's ``retranslate()``."""
    i18n.install(qapp, "zh_CN")
    w = make_window()
    w.set_language("en")
    seen = _visit_every_view(w)
    left = sorted({f"{t.path} :: {t.kind}: {t.text!r}" for t in seen if re.search(r"[\u4e00-\u9fff]", t.text)})
    assert not left, "Chinese text left in the English interface:\n" + "\n".join(left)


def test_status_readouts_follow_the_language(main_window, english_after):
    from gui.events import TrainingProgress

    w = main_window
    progress = TrainingProgress(step=1200, total=5000, its_per_sec=12.5, elapsed=61.0, eta=240.0)
    w.status.show_progress(progress)
    assert w.status.step_label.text() == "step 1,200 / 5,000"
    w.set_language("zh_CN")
    assert w.status.step_label.text() == "步 1,200 / 5,000"
    assert w.status.time_label.text() == "已用 1:01 · 剩余 4:00"
    w.set_language("en")
    assert w.status.step_label.text() == "step 1,200 / 5,000"
    assert w.status.time_label.text() == "elapsed 1:01 · ETA 4:00"


def test_default_language_is_the_system_locale(monkeypatch):
    for system, expected in (("zh_CN", "zh_CN"), ("zh_TW", "zh_CN"), ("de_DE", "en"), ("en_US", "en")):
        monkeypatch.setattr(i18n.QLocale, "system", staticmethod(lambda s=system: QLocale(s)))
        assert i18n.system_language() == expected
        assert i18n.resolve("") == expected  # nothing saved yet: the system decides
        assert i18n.resolve("fr") == expected  # a choice this build does not offer: likewise
    assert i18n.resolve("zh_CN") == "zh_CN" and i18n.resolve("en") == "en"


def _messages() -> list[Message]:
    rows = [("Demo", "Loss", "损失"), ("Demo", "Cosine", "余弦"), ("Demo", "Pick a schedule", "选择噪声调度"),
            ("Demo", "Batch size", "批大小"), ("Demo", " steps", " 步"), ("Demo", "Step", "步"),
            ("Demo", "Start", "开始"), ("Demo", "Sample", "样本"), ("Other", "Samples", "样本"),
            ("Demo", "timestep t", "时间步 t"), ("Demo", "Loss by t", "按 t 的损失"), ("Demo", "train", "训练")]
    return [Message(c, s, t, True) for c, s, t in rows]


def test_retranslator_covers_every_kind_of_text(qtbot):
    """Labels, buttons, group boxes, tabs, combo items, placeholders, spin-box suffixes, table headers and
    pyqtgraph titles, axis labels and legends switch; unknown texts stay; the way back restores every text, even
    where two English texts share one translation (Sample / Samples -> 样本)."""
    root = QWidget()
    qtbot.addWidget(root)
    lay = QVBoxLayout(root)
    label, other = QLabel("Loss"), QLabel("Samples")
    button = QPushButton("Start")
    button.setToolTip("Pick a schedule")
    group = QGroupBox("Batch size")
    combo = QComboBox()
    combo.addItem("Cosine", "cosine")
    combo.addItem("42 items", "n")  # not in the catalogue: left alone
    edit = QLineEdit()
    edit.setPlaceholderText("Pick a schedule")
    spin = QDoubleSpinBox()
    spin.setSuffix(" steps")
    tabs = QTabWidget()
    tabs.addTab(QWidget(), "Loss")
    tabs.setTabToolTip(0, "Loss by t")
    table = QTableWidget(1, 2)
    table.setHorizontalHeaderItem(0, QTableWidgetItem("Step"))
    table.setItem(0, 1, QTableWidgetItem("Sample"))
    plot = pg.PlotWidget()
    plot.setTitle("Loss by t")
    plot.setLabel("bottom", "timestep t")
    plot.addLegend()
    plot.plot([0, 1], [1, 0], name="train")
    for w in (label, other, button, group, combo, edit, spin, tabs, table, plot):
        lay.addWidget(w)
    root.show()
    qtbot.waitExposed(root)

    before = [(s.kind, s.get()) for s in text_slots(root)]
    cat = Catalogue(_messages(), "zh_CN")
    walker = Retranslator()
    assert walker.run(cat, "zh_CN", root) > 0
    assert (label.text(), other.text(), button.text(), button.toolTip()) == ("损失", "样本", "开始", "选择噪声调度")
    assert group.title() == "批大小" and edit.placeholderText() == "选择噪声调度" and spin.suffix() == " 步"
    assert (combo.itemText(0), combo.itemText(1), combo.itemData(0)) == ("余弦", "42 items", "cosine")
    assert (tabs.tabText(0), tabs.tabToolTip(0)) == ("损失", "按 t 的损失")
    assert table.horizontalHeaderItem(0).text() == "步" and table.item(0, 1).text() == "样本"
    item = plot.getPlotItem()
    assert item.titleLabel.text == "按 t 的损失"
    assert item.getAxis("bottom").labelText == "时间步 t"
    assert [lab.text for _s, lab in item.legend.items] == ["训练"]
    shown = {t.text for t in collect_texts(root)}
    assert {"损失", "按 t 的损失", "时间步 t", "训练", "余弦"} <= shown

    walker.run(cat, "en", root)
    assert [(s.kind, s.get()) for s in text_slots(root)] == before


def test_window_chrome_has_no_english_in_zh_CN(main_window, english_after):
    """The window's own texts (menus and every action in them, toolbar, dock and tab titles, status bar)."""
    w = main_window
    w.set_language("zh_CN")
    # the device readout is gui/widgets' describe_device (checked with every other view by the test below)
    texts = [ShownText(path, kind, text) for path, kind, text in _chrome(w) if text != w.status.device_label.text()]
    assert len(texts) > 100
    report = english_report(texts)
    assert not report, "English left in the window's own texts:\n" + report


def _visit_every_view(w):
    """Every centre tab, and inside it every page of every nested tab widget (Training's Curves / Loss by t /
    Variational bound, Compare's views, the 2-D lab's plots); the visible texts seen on each."""
    seen = []
    for index in range(w.tabs.count()):
        w.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        seen += collect_texts(w)
        for inner in w.tabs.widget(index).findChildren(QTabWidget):
            for k in range(inner.count()):
                inner.setCurrentIndex(k)
                QApplication.processEvents()
                if inner.isVisible():
                    seen += collect_texts(inner)
    return seen


def test_no_untranslated_text_on_any_tab(main_window, qtbot, english_after):
    """In Simplified Chinese, no visible text (labels, buttons, tabs, tooltips, plot titles and axes...) on any tab is
    English (see the module docstring for how to fill in translations)."""
    w = main_window
    w.set_language("zh_CN")
    seen = _visit_every_view(w)
    assert len(seen) > 200
    report = english_report(seen)
    assert not report, "English text left in the Chinese interface:\n" + report
