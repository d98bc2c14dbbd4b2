#!/usr/bin/env python3
"""Keep the interface's translation catalogue in step with the code (Qt Linguist tools from PySide6).

    python packaging/i18n.py update [--fill PART.json ...]   # re-extract every tr() of main.py + gui/**/*.py
    python packaging/i18n.py compile                          # .ts -> .qm (what Qt loads)
    python packaging/i18n.py check                            # non-zero when the .ts, the code and the .qm disagree

``update`` runs ``pyside6-lupdate -locations none -no-obsolete`` into ``resources/i18n/diffusion_lab_zh_CN.ts``
(translations already there are kept), then fills in translations from JSON parts (a list of
``{"context", "source", "translation"}``; exact context + source match) and lists what is still unfinished.
``check`` fails when a (context, source) pair is in the code but not in the .ts or the reverse, when an entry is
unfinished or empty, when a translation lost a ``{0}`` placeholder or an ``&`` accelerator, when two texts of one
context share a translation (the live switch back to English could not tell them apart), when lupdate filed a call
under no class, or when the committed .qm is not what lrelease makes of the .ts.

Run it as a script (like bootstrap.py), not ``python -m packaging.i18n``: this folder has no ``__init__.py`` on
purpose, and the PyPI ``packaging`` distribution (installed with pip) wins the name, so ``-m`` cannot reach it.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from gui.i18n_catalogue import DOMAIN, ambiguities, fill_ts, problems, read_ts  # noqa: E402 - needs ROOT on sys.path

I18N_DIR = ROOT / "resources" / "i18n"
LANGS = ("zh_CN",)  # English is the source language: it has no catalogue


def ts_path(lang: str) -> Path:
    return I18N_DIR / f"{DOMAIN}_{lang}.ts"


def qm_path(lang: str) -> Path:
    return I18N_DIR / f"{DOMAIN}_{lang}.qm"


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def source_files() -> list[str]:
    """What lupdate reads, relative to the repository root: the window's code (the CLI stays English)."""
    files = ["main.py"] + sorted(str(p.relative_to(ROOT)) for p in (ROOT / "gui").rglob("*.py"))
    return [f.replace(os.sep, "/") for f in files]


def tool(name: str) -> str:
    """``lupdate`` / ``lrelease``: PySide6's script beside this interpreter, else the binary inside the PySide6
    package, else one on PATH."""
    exe = ".exe" if os.name == "nt" else ""
    candidates = [Path(sys.executable).parent / f"pyside6-{name}{exe}"]
    try:
        import PySide6

        pkg = Path(PySide6.__file__).parent
        candidates += [pkg / f"{name}{exe}", pkg / "Qt" / "libexec" / f"{name}{exe}",
                       pkg / "Qt" / "bin" / f"{name}{exe}"]
    except ImportError:
        pass
    for path in candidates:
        if path.is_file():
            return str(path)
    found = shutil.which(f"pyside6-{name}") or shutil.which(name)
    if found:
        return found
    raise SystemExit(f"cannot find Qt's {name} (install PySide6: pip install PySide6-Essentials)")


def lupdate(ts: Path, lang: str) -> None:
    cmd = [tool("lupdate"), "-silent", "-locations", "none", "-no-obsolete", "-source-language", "en",
           "-target-language", lang, *source_files(), "-ts", str(ts)]
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)


def lrelease(ts: Path, qm: Path) -> None:
    subprocess.run([tool("lrelease"), "-silent", str(ts), "-qm", str(qm)], cwd=ROOT, check=True, capture_output=True)


def code_keys(lang: str) -> set[tuple[str, str]]:
    """Every (context, source) pair lupdate finds in the code now."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp, f"{DOMAIN}_{lang}.ts")
        lupdate(fresh, lang)
        return {m.key for m in read_ts(fresh)}


def load_parts(paths: list[str]) -> tuple[dict[tuple[str, str], str], list[str]]:
    """The translations of every JSON part; a pair two parts translate differently is reported (the last wins)."""
    merged: dict[tuple[str, str], str] = {}
    origin: dict[tuple[str, str], str] = {}
    notes = []
    for path in paths:
        for entry in json.loads(Path(path).read_text(encoding="utf-8")):
            key = (entry["context"], entry["source"])
            text = entry["translation"]
            if key in merged and merged[key] != text:
                notes.append(f"conflict: [{key[0]}] {key[1]!r}: {origin[key]} says {merged[key]!r}, "
                             f"{Path(path).name} says {text!r}")
            merged[key] = text
            origin[key] = Path(path).name
    return merged, notes


def update(fill: list[str]) -> int:
    I18N_DIR.mkdir(parents=True, exist_ok=True)
    for lang in LANGS:
        ts = ts_path(lang)
        lupdate(ts, lang)
        if fill:
            translations, notes = load_parts(fill)
            for note in notes:
                print(note)
            known = {m.key for m in read_ts(ts)}
            unused = sorted(k for k in translations if k not in known)
            filled = fill_ts(ts, {k: v for k, v in translations.items() if v.strip()})
            lupdate(ts, lang)  # back to lupdate's own layout, so the committed file only changes where the text does
            print(f"{_rel(ts)}: {filled} translations filled from {len(fill)} part(s)")
            for context, source in unused:
                print(f"  not in the code (ignored): [{context}] {source!r}")
        messages = read_ts(ts)
        unfinished = [m for m in messages if not m.finished or not m.translation.strip()]
        print(f"{_rel(ts)}: {len(messages)} messages, {len(unfinished)} unfinished")
        for m in unfinished:
            print(f"  unfinished: [{m.context}] {m.source!r}")
    return 0


def compile_all() -> int:
    for lang in LANGS:
        lrelease(ts_path(lang), qm_path(lang))
        print(f"{_rel(qm_path(lang))} ({qm_path(lang).stat().st_size:,} bytes)")
    return 0


def check_problems(lang: str = "zh_CN") -> list[str]:
    """Everything that keeps the committed catalogue of ``lang`` from matching the code (empty: all good)."""
    ts = ts_path(lang)
    if not ts.is_file():
        return [f"{_rel(ts)} is missing: run python packaging/i18n.py update"]
    messages = read_ts(ts)
    have = {m.key for m in messages}
    want = code_keys(lang)
    found = [f"in the code, not in the catalogue: [{c}] {s!r}" for c, s in sorted(want - have)]
    found += [f"in the catalogue, not in the code: [{c}] {s!r}" for c, s in sorted(have - want)]
    found += problems(messages)
    found += ambiguities(messages)
    # a call lupdate filed under no class: tr() in a module function, or an alias (tr = lambda ...) it cannot see
    # through; at run time the call looks under another context, so the translation would never be found
    found += [f"no context (use QCoreApplication.translate(\"Context\", ...)): {m.source!r}"
              for m in messages if not m.context]
    # obj.tr("...") on another object (window.tr in a helper function): lupdate files it under the variable's name,
    # Qt looks under the object's class at run time
    found += [f"context is a variable name, not a class ({m.context}.tr(...)?): {m.source!r}"
              for m in messages if m.context[:1].islower()]
    qm = qm_path(lang)
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp, qm.name)
        lrelease(ts, fresh)
        if not qm.is_file() or qm.read_bytes() != fresh.read_bytes():
            found.append(f"{_rel(qm)} is not compiled from the current .ts: run "
                         "python packaging/i18n.py compile")
    return found


def check() -> int:
    bad = 0
    for lang in LANGS:
        found = check_problems(lang)
        for line in found:
            print(line)
        print(f"{_rel(ts_path(lang))}: {len(found)} problem(s)")
        bad += len(found)
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="packaging/i18n.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("update", help="re-extract the strings into the .ts and fill translations")
    up.add_argument("--fill", nargs="+", default=[], metavar="PART.json", help="JSON translation parts to apply")
    sub.add_parser("compile", help="compile the .ts into the .qm Qt loads")
    sub.add_parser("check", help="fail when the catalogue and the code disagree or a translation is missing")
    args = parser.parse_args(argv)
    if args.command == "update":
        return update(args.fill)
    if args.command == "compile":
        return compile_all()
    return check()


if __name__ == "__main__":
    sys.exit(main())
