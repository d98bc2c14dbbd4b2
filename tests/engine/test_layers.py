"""Architecture rules beyond "no Qt in engine/": the CLI is a client of the engine (only engine/cli and main.py import
it; the GUI never imports argparse code), and engine/ has no import cycle among its module-level imports."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _top_level_imports(path: Path, text: str | None = None) -> list[tuple[int, str]]:
    """Imports executed when the module is imported: module level, not inside functions or ``if TYPE_CHECKING:``."""
    tree = ast.parse(path.read_text(encoding="utf-8") if text is None else text, str(path))
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    found: list[tuple[int, str]] = []

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, (ast.If, ast.Try)):
                visit(node.body)
                visit(node.orelse)
                for handler in getattr(node, "handlers", []):
                    visit(handler.body)
            elif isinstance(node, ast.Import):
                found.extend((node.lineno, alias.name) for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                # "from pkg import submodule" imports the submodule; "from module import name" only the module
                found.append((node.lineno, base))
                found.extend((node.lineno, f"{base}.{alias.name}") for alias in node.names)

    visit(tree.body)
    return found


def _all_imports(folder: str) -> list[tuple[str, int, str]]:
    """(module, line, imported name) for every import anywhere in ``folder`` (also inside functions)."""
    out = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                out.extend((_module_name(path), node.lineno, a.name) for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                out.append((_module_name(path), node.lineno, node.module))
    return out


def test_only_the_cli_imports_the_cli() -> None:
    offenders = [f"{mod}:{line} imports {name}" for mod, line, name in _all_imports("engine") + _all_imports("gui")
                 if (name == "engine.cli" or name.startswith("engine.cli.")) and not mod.startswith("engine.cli")]
    assert not offenders, "\n".join(offenders)


def test_gui_does_not_import_argparse() -> None:
    offenders = [f"{mod}:{line}" for mod, line, name in _all_imports("gui") if name.split(".")[0] == "argparse"]
    assert not offenders, "\n".join(offenders)


def find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """A cycle in a directed graph as [a, b, ..., a], or None (depth-first search for a back edge)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    path: list[str] = []

    def dfs(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (cycle := dfs(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for name in sorted(graph):
        if name not in state and (cycle := dfs(name)):
            return cycle
    return None


def test_engine_has_no_import_cycle() -> None:
    modules = {_module_name(p): p for p in (ROOT / "engine").rglob("*.py")}
    graph = {name: sorted({imp for _, imp in _top_level_imports(path) if imp in modules and imp != name})
             for name, path in modules.items()}
    assert len(graph) > 20 and any(graph.values())
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle in engine/: " + " -> ".join(cycle or [])


def test_cycle_finder_finds_cycles() -> None:
    assert find_cycle({"a": ["b"], "b": ["c"], "c": []}) is None
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"]}) == ["a", "b", "c", "a"]


def test_type_checking_and_function_imports_do_not_count(tmp_path: Path) -> None:
    probe = ROOT / "engine" / "errors.py"  # a real engine path, only used for its module name
    text = ("from typing import TYPE_CHECKING\nfrom engine.schedules import NoiseSchedule\n"
            "if TYPE_CHECKING:\n    import engine.cli\n"
            "def f():\n    import engine.export\n")
    names = [name for _, name in _top_level_imports(probe, text)]
    assert "engine.schedules" in names
    assert "engine.cli" not in names and "engine.export" not in names


def test_test_files_have_unique_names():
    """tests/ has no __init__.py: two test files with one basename stop pytest's collection of the whole suite."""
    from collections import Counter
    from pathlib import Path

    names = Counter(p.name for p in (Path(__file__).resolve().parents[1]).rglob("test_*.py"))
    assert [n for n, k in names.items() if k > 1] == []
