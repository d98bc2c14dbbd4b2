"""The translation catalogue as data: read and write Qt's .ts XML (no Qt import).

One reader for three users: the window's live language switch (gui/retranslate.py maps a widget's current text
back to its (context, source) pair and on to the other language), ``packaging/i18n.py`` (fills and checks the
committed catalogue) and the tests. The .ts under ``resources/i18n/`` is the source of truth; the .qm Qt loads is
compiled from it by lrelease.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

DOMAIN = "diffusion_lab"  # resources/i18n/diffusion_lab_<lang>.ts / .qm
PLACEHOLDER = re.compile(r"\{\d*\}")


@dataclass
class Message:
    context: str
    source: str
    translation: str
    finished: bool  # lupdate writes type="unfinished" until a translation is filled in

    @property
    def key(self) -> tuple[str, str]:
        return self.context, self.source


def read_ts(path: str | Path) -> list[Message]:
    """Every message of a .ts file, in file order (plural forms are not used by this project)."""
    root = ET.parse(str(path)).getroot()
    out: list[Message] = []
    for ctx in root.iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            attr = tr.get("type", "") if tr is not None else "unfinished"
            if attr in ("obsolete", "vanished"):
                continue
            out.append(Message(name, msg.findtext("source") or "", (tr.text or "") if tr is not None else "",
                               attr != "unfinished"))
    return out


def fill_ts(path: str | Path, translations: dict[tuple[str, str], str]) -> int:
    """Set the translation of every message whose (context, source) is in ``translations`` and mark it finished;
    returns how many were set. The file keeps lupdate's layout (only the <translation> elements change)."""
    tree = ET.parse(str(path))
    done = 0
    for ctx in tree.getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            text = translations.get((name, msg.findtext("source") or ""))
            if text is None:
                continue
            tr = msg.find("translation")
            if tr is None:
                tr = ET.SubElement(msg, "translation")
            tr.text = text
            tr.attrib.pop("type", None)
            done += 1
    body = ET.tostring(tree.getroot(), encoding="unicode")
    Path(path).write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n", encoding="utf-8")
    return done


def problems(messages: list[Message]) -> list[str]:
    """What makes a catalogue unfit to ship: unfinished or empty entries, placeholders ({0}) that differ from the
    source's (``.format`` would drop or misplace a number) and a lost ``&`` accelerator."""
    found = []
    for m in messages:
        where = f"[{m.context}] {m.source!r}"
        if not m.finished or not m.translation.strip():
            found.append(f"unfinished: {where}")
            continue
        if sorted(PLACEHOLDER.findall(m.source)) != sorted(PLACEHOLDER.findall(m.translation)):
            found.append(f"placeholders differ: {where} -> {m.translation!r}")
        if _accelerator(m.source) and not _accelerator(m.translation):
            found.append(f"accelerator lost: {where} -> {m.translation!r}")
    return found


def ambiguities(messages: list[Message]) -> list[str]:
    """Two sources of one context that share a translation: a window started in that language cannot tell which
    English text a widget showed when it switches back (gui/retranslate.py). Sources that differ only in case,
    spacing, punctuation or the accelerator restore near enough and are not listed."""
    seen: dict[tuple[str, str], Message] = {}
    found = []
    for m in messages:
        if not (m.finished and m.translation):
            continue
        first = seen.setdefault((m.context, m.translation), m)
        if first is not m and _loose(first.source) != _loose(m.source):
            found.append(f"one translation for two texts: [{m.context}] {first.source!r} and {m.source!r} -> "
                         f"{m.translation!r}")
    return found


def _loose(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.replace("&", "")).casefold()


def _accelerator(text: str) -> bool:
    return bool(re.search(r"&[^&\s]", text.replace("&&", ""))) and "<" not in text  # HTML entities are not keys


class Catalogue:
    """All messages of one language's catalogue, indexed for the live switch.

    ``keys_of(text)`` answers "which (context, source) pairs show this text" whether ``text`` is the English
    source or the translation; ``text_of(key, lang)`` gives the text a pair shows in ``lang``.
    """

    def __init__(self, messages: list[Message], lang: str):
        self.lang = lang
        self.translation: dict[tuple[str, str], str] = {}
        self._by_text: dict[str, list[tuple[str, str]]] = {}
        for m in messages:
            if m.finished and m.translation:
                self.translation[m.key] = m.translation
            for text in {m.source, m.translation if m.finished else ""}:
                if text:
                    self._by_text.setdefault(text, []).append(m.key)

    def __len__(self) -> int:
        return len(self._by_text)

    def keys_of(self, text: str) -> list[tuple[str, str]]:
        return self._by_text.get(text, [])

    def text_of(self, key: tuple[str, str], lang: str) -> str:
        if lang == self.lang:
            return self.translation.get(key, key[1])
        return key[1]  # every other language shown is the English source
