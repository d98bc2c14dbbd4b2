"""The shipped translation catalogue (resources/i18n/diffusion_lab_zh_CN.ts / .qm) matches the code and is complete,
and packaging/i18n.py's checks catch what they say they catch.

``test_zh_CN_catalogue_is_complete`` FAILS until every helper's translations are merged
(python packaging/i18n.py update --fill /work/i18n/parts/*.json && python packaging/i18n.py compile); it lists
each unfinished entry.
"""
from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from gui.i18n_catalogue import Catalogue, Message, ambiguities, fill_ts, problems, read_ts

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.timeout(120)


def _load_tool():
    """packaging/i18n.py as a module (the folder is not an importable package: PyPI's ``packaging`` has the name)."""
    spec = importlib.util.spec_from_file_location("dl_packaging_i18n", ROOT / "packaging" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = _load_tool()


def test_catalogue_matches_the_code_and_the_qm_is_compiled():
    """Every tr() pair of the code is in the .ts and the .ts has nothing the code lost; the .qm is lrelease's output
    of the .ts; no call sits outside a context."""
    translation_issues = ("unfinished:", "placeholders differ:", "accelerator lost:", "one translation for two")
    found = [p for p in tool.check_problems("zh_CN") if not p.startswith(translation_issues)]
    assert not found, "\n".join(found)


def test_zh_CN_catalogue_is_complete():
    """EXPECTED TO FAIL until all translations are merged: no unfinished or empty zh_CN entry, no translation that
    lost a {0} placeholder or an & accelerator, no two texts of one context with one translation."""
    messages = read_ts(tool.ts_path("zh_CN"))
    found = problems(messages) + ambiguities(messages)
    assert not found, f"{len(found)} problem(s):\n" + "\n".join(found)


def test_the_shipped_qm_translates():
    from PySide6.QtCore import QTranslator

    translator = QTranslator()
    assert translator.load(str(tool.qm_path("zh_CN")))
    assert translator.translate("WindowMenus", "&File") == "文件(&F)"
    assert translator.translate("WindowStatusBar", "step {0} / {1}") == "步 {0} / {1}"
    assert translator.translate("WindowMenus", "no such text") == ""


def test_the_qm_ships_with_the_app():
    """pyproject's package data takes the .ts (the live switch reads it) and the .qm; the PyInstaller spec copies
    resources/ whole."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"*.qm"' in pyproject and '"*.ts"' in pyproject
    assert '(str(ROOT / "resources"), "resources")' in (ROOT / "packaging" / "diffusion_lab.spec").read_text()


def test_lupdate_and_lrelease_are_found():
    for name in ("lupdate", "lrelease"):
        assert Path(tool.tool(name)).is_file()


TS = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>Demo</name>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>step {0} of {1}</source>
        <translation>第 {0} 步</translation>
    </message>
    <message>
        <source>Loss</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
"""


def test_fill_and_problems(tmp_path):
    """--fill sets exact (context, source) matches and marks them finished; problems() names what is unfinished, a
    lost placeholder and a lost accelerator; the result still compiles."""
    ts = tmp_path / "demo_zh_CN.ts"
    ts.write_text(TS, encoding="utf-8")
    found = problems(read_ts(ts))
    assert found == ["unfinished: [Demo] '&File'", "placeholders differ: [Demo] 'step {0} of {1}' -> '第 {0} 步'",
                     "unfinished: [Demo] 'Loss'"]
    assert fill_ts(ts, {("Demo", "&File"): "文件", ("Other", "Loss"): "损失"}) == 1  # context must match too
    messages = read_ts(ts)
    assert [(m.source, m.translation, m.finished) for m in messages] == [
        ("&File", "文件", True), ("step {0} of {1}", "第 {0} 步", True), ("Loss", "", False)]
    assert "accelerator lost: [Demo] '&File' -> '文件'" in problems(messages)
    assert ts.read_text(encoding="utf-8").startswith('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>')
    tool.lrelease(ts, tmp_path / "demo.qm")
    assert (tmp_path / "demo.qm").stat().st_size > 0


def test_ambiguous_translations_are_found():
    messages = [Message("A", "Train", "训练", True), Message("A", "Training", "训练", True),
                Message("A", "Seed", "随机种子", True), Message("A", "seed:", "随机种子", True),
                Message("B", "Train", "训练", True)]
    assert ambiguities(messages) == ["one translation for two texts: [A] 'Train' and 'Training' -> '训练'"]


def test_catalogue_maps_both_ways():
    cat = Catalogue([Message("A", "Loss", "损失", True), Message("B", "Loss", "损失值", True),
                     Message("A", "Seed", "", False)], "zh_CN")
    assert cat.keys_of("Loss") == [("A", "Loss"), ("B", "Loss")]
    assert cat.keys_of("损失值") == [("B", "Loss")]
    assert cat.text_of(("B", "Loss"), "zh_CN") == "损失值" and cat.text_of(("B", "Loss"), "en") == "Loss"
    assert cat.text_of(("A", "Seed"), "zh_CN") == "Seed"  # unfinished: the English stays


def test_update_fill_on_a_copy(tmp_path, monkeypatch, capsys):
    """``update --fill`` on a copy of the catalogue: re-extracts, fills the part's exact matches, reports what a part
    has that the code does not and what is still unfinished; the real catalogue is not touched."""
    monkeypatch.setattr(tool, "I18N_DIR", tmp_path)
    shutil.copy(ROOT / "resources" / "i18n" / "diffusion_lab_zh_CN.ts", tmp_path)
    part = tmp_path / "part.json"
    part.write_text(json.dumps([{"context": "WindowMenus", "source": "&File", "translation": "档案(&F)"},
                                {"context": "Nowhere", "source": "gone", "translation": "无"}]), encoding="utf-8")
    assert tool.main(["update", "--fill", str(part)]) == 0
    out = capsys.readouterr().out
    assert "not in the code (ignored): [Nowhere] 'gone'" in out
    assert "1 translations filled from 1 part(s)" in out
    copy = {m.key: m.translation for m in read_ts(tmp_path / "diffusion_lab_zh_CN.ts")}
    assert copy[("WindowMenus", "&File")] == "档案(&F)"
    assert {m.key for m in read_ts(tmp_path / "diffusion_lab_zh_CN.ts")} == tool.code_keys("zh_CN")
    real = {m.key: m.translation for m in read_ts(ROOT / "resources" / "i18n" / "diffusion_lab_zh_CN.ts")}
    assert real[("WindowMenus", "&File")] == "文件(&F)"
