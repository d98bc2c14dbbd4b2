"""A small typed wrapper over QSettings: window geometry and state, theme, language, last experiment, recent files.

``Settings()`` uses the application's default QSettings (organization/application "DiffusionLab"); tests pass
``Settings.from_file(path)`` (an INI file) so they never touch the user's real settings.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT = 8
MAX_RECENT_RUNS = 20  # the Runs tab's list


class Settings:
    def __init__(self, qsettings: QSettings | None = None):
        self._s = qsettings if qsettings is not None else QSettings()

    @classmethod
    def from_file(cls, path: str | Path) -> Settings:
        return cls(QSettings(str(path), QSettings.IniFormat))

    @property
    def qsettings(self) -> QSettings:
        return self._s

    def sync(self) -> None:
        self._s.sync()

    # ------------------------------------------------------------------ generic helpers
    def _bytes(self, key: str) -> QByteArray | None:
        value = self._s.value(key)
        if isinstance(value, QByteArray) and not value.isEmpty():
            return value
        if isinstance(value, (bytes, bytearray)) and value:
            return QByteArray(bytes(value))
        return None

    def _str(self, key: str, default: str = "") -> str:
        value = self._s.value(key, default)
        return value if isinstance(value, str) else default

    def _int(self, key: str, default: int = 0) -> int:
        try:
            return int(self._s.value(key, default))
        except (TypeError, ValueError):
            return default

    # ------------------------------------------------------------------ window
    def geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    def set_geometry(self, data: QByteArray) -> None:
        self._s.setValue("window/geometry", data)

    def window_state(self) -> QByteArray | None:
        return self._bytes("window/state")

    def set_window_state(self, data: QByteArray) -> None:
        self._s.setValue("window/state", data)

    def current_tab(self) -> int:
        return self._int("window/tab", 0)

    def set_current_tab(self, index: int) -> None:
        self._s.setValue("window/tab", int(index))

    # ------------------------------------------------------------------ appearance
    def theme(self) -> str:
        name = self._str("appearance/theme", "dark")
        return name if name in ("dark", "light") else "dark"

    def set_theme(self, name: str) -> None:
        self._s.setValue("appearance/theme", name)

    def language(self) -> str:
        """The interface language chosen in View › Language ("en", "zh_CN"); "" until one is chosen (then the
        system locale decides, see gui/i18n.py)."""
        return self._str("appearance/language", "")

    def set_language(self, lang: str) -> None:
        self._s.setValue("appearance/language", lang)

    # ------------------------------------------------------------------ experiment
    def last_experiment_json(self) -> str:
        return self._str("experiment/last_json", "")

    def set_last_experiment_json(self, text: str) -> None:
        self._s.setValue("experiment/last_json", text)

    def last_experiment_path(self) -> str:
        return self._str("experiment/last_path", "")

    def set_last_experiment_path(self, path: str) -> None:
        self._s.setValue("experiment/last_path", path or "")

    def last_directory(self) -> str:
        return self._str("experiment/last_dir", "")

    def set_last_directory(self, path: str) -> None:
        self._s.setValue("experiment/last_dir", path or "")

    def recent_files(self) -> list[str]:
        value = self._s.value("experiment/recent", [])
        if isinstance(value, str):
            value = [value] if value else []
        return [v for v in (value or []) if isinstance(v, str)][:MAX_RECENT]

    def add_recent_file(self, path: str) -> None:
        items = [p for p in self.recent_files() if p != path]
        self._s.setValue("experiment/recent", ([path] + items)[:MAX_RECENT])

    def clear_recent_files(self) -> None:
        self._s.setValue("experiment/recent", [])

    # ------------------------------------------------------------------ runs compared
    def recent_runs(self) -> list[str]:
        value = self._s.value("runs/recent", [])
        if isinstance(value, str):
            value = [value] if value else []
        return [v for v in (value or []) if isinstance(v, str)][:MAX_RECENT_RUNS]

    def set_recent_runs(self, paths: list[str]) -> None:
        self._s.setValue("runs/recent", list(dict.fromkeys(paths))[:MAX_RECENT_RUNS])

    # ------------------------------------------------------------------ start page
    def show_start_page(self) -> bool:
        """Whether the user asked for the start page on every start (its "Show this page on start" box)."""
        return self._s.value("start/show_page", False) in (True, "true", "1", 1)

    def set_show_start_page(self, show: bool) -> None:
        self._s.setValue("start/show_page", bool(show))

    def start_page_seen(self) -> bool:
        """Whether the start page has been shown once (the first start shows it whatever the box says)."""
        return self._s.value("start/seen", False) in (True, "true", "1", 1)

    def set_start_page_seen(self) -> None:
        self._s.setValue("start/seen", True)
