"""The experiment file the window edits: New, Open (and Open recent), Save and Save as.

:class:`ExperimentFiles` owns the current file's path; the Experiment form owns the config; the tabs own their
extras (the 2-D lab's drawing), written beside the config by engine/experiment_file.py and handed back to them on
open. A bad file is a message that names it, and the config in the form stays as it was; a bad extra is a message
too, and the config still opens.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from engine.config import ExperimentConfig
from engine.errors import ConfigError, UserError
from engine.experiment_file import load_experiment, save_experiment
from gui.settings import Settings
from gui.status_bar import WindowStatusBar
from gui.widgets.forms import ExperimentForm

EXPERIMENT_FILTER = QT_TRANSLATE_NOOP("ExperimentFiles", "Diffusion Lab experiments (*.json);;All files (*)")


def default_experiment() -> ExperimentConfig:
    try:
        from engine.presets import default_config

        return default_config("moons")
    except Exception:  # noqa: BLE001 - a missing preset file still gives a working default
        return ExperimentConfig()


class ExperimentFiles(QObject):
    """File actions on the window's experiment; dialogs and messages are parented to ``window``."""

    def __init__(self, window: QWidget, form: ExperimentForm, settings: Settings, status: WindowStatusBar):
        super().__init__(window)
        self.window = window
        self.form = form
        self.settings = settings
        self.status = status
        self.path: str | None = None
        self.panels: Callable[[], list] = list  # the window's tabs (set once they exist): who owns the extras

    def extras(self) -> dict[str, Any]:
        """Every tab's entries for the experiment file (engine/experiment_file.py)."""
        out: dict[str, Any] = {}
        for panel in self.panels():
            out.update(panel.experiment_extras())
        return out

    def apply_extras(self, extras: dict[str, Any], cfg: ExperimentConfig) -> tuple[ExperimentConfig, list[str]]:
        """Hand an opened experiment's extras to the tabs; returns the config to use and one line per bad entry."""
        problems = []
        for panel in self.panels():
            try:
                cfg = panel.restore_experiment_extras(extras, cfg)
            except UserError as exc:
                problems.append(str(exc))
        return cfg, problems

    def new_experiment(self) -> None:
        self.form.set_config(default_experiment())
        self.path = None
        self.status.show_file(self.path)
        self.status.showMessage(self.tr("New experiment"), 4000)

    def dialog_dir(self) -> str:
        if self.path:
            return str(Path(self.path).parent)
        return self.settings.last_directory()

    def open_experiment_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, self.tr("Open experiment"), self.dialog_dir(),
                                              self.tr(EXPERIMENT_FILTER), options=QFileDialog.DontUseNativeDialog)
        if path:
            self.open_experiment(path)

    def open_experiment(self, path: str | Path) -> bool:
        """Load an experiment file into the form. A bad file gives a message naming it; the config is kept."""
        path = str(path)
        try:
            cfg, extras = load_experiment(path)
        except ConfigError as exc:
            QMessageBox.warning(self.window, self.tr("Cannot open experiment"),
                                self.tr("{0}\n\n{1}: {2}\n\nThe current experiment is unchanged.").format(
                                    path, exc.field, exc.message))
            return False
        except Exception as exc:  # noqa: BLE001 - never a traceback for a user's file
            QMessageBox.warning(self.window, self.tr("Cannot open experiment"), f"{path}\n\n{exc}")
            return False
        cfg, problems = self.apply_extras(extras, cfg)
        for problem in problems:
            QMessageBox.warning(self.window, self.tr("Part of the experiment was not restored"),
                                self.tr("{0}\n\n{1}\n\nThe rest of the experiment opened.").format(path, problem))
        self.form.set_config(cfg)
        self.path = path
        self.settings.add_recent_file(path)
        self.settings.set_last_directory(str(Path(path).parent))
        self.status.show_file(self.path)
        errors = self.form.errors()
        if errors:
            lines = "\n".join(f"• {e.field}: {e.message}" for e in errors[:8])
            QMessageBox.warning(self.window, self.tr("Experiment has invalid values"),
                                self.tr("{0}\n\nOpened, but {1} value(s) are invalid:\n{2}\n\n"
                                        "Fix them in the Experiment panel before training.").format(
                                    path, len(errors), lines))
        else:
            self.status.showMessage(self.tr("Opened {0}").format(path), 5000)
        return True

    def save(self) -> bool:
        if self.path:
            return self.save_experiment(self.path)
        return self.save_as()

    def save_as(self) -> bool:
        start = self.path or str(Path(self.dialog_dir() or ".") / "experiment.json")
        path, _ = QFileDialog.getSaveFileName(self.window, self.tr("Save experiment"), start,
                                              self.tr(EXPERIMENT_FILTER), options=QFileDialog.DontUseNativeDialog)
        if not path:
            return False
        if not Path(path).suffix:
            path += ".json"
        return self.save_experiment(path)

    def save_experiment(self, path: str | Path) -> bool:
        path = str(path)
        if not self.form.is_valid():
            lines = "\n".join(f"• {e.field}: {e.message}" for e in self.form.errors()[:8])
            QMessageBox.warning(self.window, self.tr("Cannot save experiment"),
                                self.tr("Fix the invalid values first:\n{0}").format(lines))
            return False
        try:
            save_experiment(path, self.form.config(), self.extras())
        except Exception as exc:  # noqa: BLE001
            QMessageBox.warning(self.window, self.tr("Cannot save experiment"), f"{path}\n\n{exc}")
            return False
        self.path = path
        self.settings.add_recent_file(path)
        self.settings.set_last_directory(str(Path(path).parent))
        self.settings.set_last_experiment_path(path)
        self.status.show_file(self.path)
        self.status.showMessage(self.tr("Saved {0}").format(path), 5000)
        return True

    def fill_recent_menu(self, menu: QMenu) -> None:
        """Refill File > Open recent (as it opens)."""
        menu.clear()
        recent = self.settings.recent_files()
        if not recent:
            act = menu.addAction(self.tr("(none)"))
            act.setEnabled(False)
            return
        for path in recent:
            act = menu.addAction(Path(path).name)
            act.setToolTip(path)
            act.triggered.connect(lambda _c=False, path=path: self.open_experiment(path))
        menu.addSeparator()
        menu.addAction(self.tr("Clear list"), self.settings.clear_recent_files)
