"""The interface language: which are offered, which translators are installed, and switching while the window is open.

The catalogue is ``resources/i18n/diffusion_lab_<lang>.ts`` (kept in sync with the code by
``python packaging/i18n.py update``); Qt loads its compiled ``.qm``. Qt's own ``qtbase_<lang>.qm`` (standard
dialog buttons: OK, Cancel, Open...) is installed beside it when the Qt build ships one. English is the source
language: choosing it removes every translator. The CLI never comes here (its help and messages stay English).
"""
from __future__ import annotations

import logging
from functools import lru_cache

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from engine.resources import resource_path
from gui.i18n_catalogue import DOMAIN, Catalogue, read_ts
from gui.retranslate import Retranslator

log = logging.getLogger(__name__)

# each language named in its own language: a user who cannot read the current one still finds theirs
LANGUAGES: dict[str, str] = {"en": "English", "zh_CN": "简体中文"}
SOURCE_LANGUAGE = "en"

_installed: list[QTranslator] = []  # kept referenced: Qt does not own an installed translator
_current = SOURCE_LANGUAGE
_retranslator = Retranslator()


def catalogue_file(lang: str, suffix: str = "qm"):
    return resource_path("i18n", f"{DOMAIN}_{lang}.{suffix}")


def system_language() -> str:
    """zh_CN for any Chinese system locale (zh, zh_CN, zh_TW, zh_Hans...), else English."""
    return "zh_CN" if QLocale.system().name().lower().startswith("zh") else SOURCE_LANGUAGE


def resolve(choice: str | None) -> str:
    """The language to use for a saved choice: the choice if it is offered, else the system's."""
    return choice if choice in LANGUAGES else system_language()


def current() -> str:
    return _current


def install(app: QCoreApplication, lang: str) -> str:
    """Make ``lang`` the application's language (new ``tr()`` calls return it); returns the language installed
    (English when ``lang`` is unknown or its catalogue is missing)."""
    global _current
    for translator in _installed:
        app.removeTranslator(translator)
        translator.deleteLater()
    _installed.clear()
    lang = lang if lang in LANGUAGES else SOURCE_LANGUAGE
    if lang != SOURCE_LANGUAGE:
        ours = QTranslator(app)
        if ours.load(str(catalogue_file(lang))):
            _installed.append(ours)
        else:
            log.warning("no compiled catalogue for %s at %s: the interface stays English", lang, catalogue_file(lang))
            lang = SOURCE_LANGUAGE
    if lang != SOURCE_LANGUAGE:
        qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        for base in ("qtbase", "qt"):  # qt_<lang>.qm is the meta catalogue older Qt builds ship instead
            qt = QTranslator(app)
            if qt.load(f"{base}_{lang}", qt_dir):
                _installed.append(qt)
                break
    for translator in _installed:
        app.installTranslator(translator)
    _current = lang
    return lang


@lru_cache(maxsize=4)
def catalogue(lang: str) -> Catalogue:
    """The messages of ``lang``'s shipped .ts (empty when it has none): what the live switch maps texts with."""
    path = catalogue_file(lang, "ts")
    return Catalogue(read_ts(path) if path.is_file() else [], lang)


def retranslate_application(old: str, new: str, root=None) -> int:
    """Re-set every text shown in ``old`` under ``root`` (default: all widgets) in ``new``; returns how many
    changed. A text is found through ``old``'s catalogue (English through the new one's sources); texts rendered with
    numbers are the owners' job (``retranslate()``)."""
    if old == new or old == SOURCE_LANGUAGE:
        return _retranslator.run(catalogue(new), new, root) if new != SOURCE_LANGUAGE else 0
    changed = _retranslator.run(catalogue(old), SOURCE_LANGUAGE, root)  # back to the source texts ...
    if new != SOURCE_LANGUAGE:
        changed += _retranslator.run(catalogue(new), new, root)  # ... and on to the new language
    return changed


def switch_language(window, lang: str) -> str:
    """View › Language: install ``lang``, save the choice, re-set the window's texts, then let the window and each
    centre tab re-render the texts they compute (``retranslate()``). Returns the language now shown."""
    app = QCoreApplication.instance()
    old = current()
    lang = install(app, lang)
    window.settings.set_language(lang)
    retranslate_application(old, lang)
    for panel in window.panels():
        panel.retranslate()
        panel.retranslate_message()
    window.retranslate()
    return lang
