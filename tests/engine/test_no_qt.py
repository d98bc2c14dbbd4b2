"""Architecture rule: nothing under engine/ imports Qt (or a Qt-based library), not even lazily inside a function,
so the engine runs headless and the GUI is just one client of it."""
from __future__ import annotations

import ast
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[2] / "engine"
QT_MODULES = ("PySide6", "PySide2", "PyQt5", "PyQt6", "shiboken6", "pyqtgraph", "qasync", "gui")


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def test_engine_never_imports_qt():
    files = sorted(ENGINE.rglob("*.py"))
    assert len(files) > 10
    found = [f"{path.relative_to(ENGINE.parent)}:{line}: {name}" for path in files for line, name in _imports(path)
             if name.split(".")[0] in QT_MODULES]
    assert not found, "engine/ imports Qt:\n" + "\n".join(found)
