"""The Runs tab: several training runs compared, and a list of recent runs to pick them from.

The list (left) remembers the run folders opened before (QSettings, gui/settings.py); a folder that has gone is
shown as missing, never loaded. Ticking runs overlays their loss, sample quality and learning rate
(:class:`~gui.panels.runs_views.RunCurves`, by step or by wall time), shows their previews side by side under one
step slider (:class:`~gui.panels.runs_views.SampleStrip`) and lists the settings that differ
(:class:`~gui.panels.runs_views.ConfigDiffTable`). *Continue training* / *Sample* load the selected run's checkpoint
into the worker through the window's ordinary Open checkpoint path. A run that saved no time-lapse gets its latest
samples drawn by the worker (:meth:`EngineWorker.preview_run`, a model of its own, after any training in progress).

Run folders are read by short jobs (gui/jobs.py, :func:`engine.runs.read_runs`); a folder that is not a run gets its
one-line message and the other runs still show.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from engine.errors import DataError
from engine.runs import RunSummary
from gui import jobs
from gui import theme as _theme
from gui.panels.base import Panel
from gui.panels.runs_views import ConfigDiffTable, RunCurves, SampleStrip
from gui.settings import Settings

if TYPE_CHECKING:
    from gui.events import RunPreviewReady
    from gui.worker import EngineWorker

PATH_ROLE = Qt.UserRole


@dataclass
class _Entry:
    path: str
    summary: RunSummary | None = None
    error: str = ""
    missing: bool = False
    preview_asked: bool = False  # the worker was asked to draw its latest samples (it saved no time-lapse)
    preview_error: str = ""


def _open_folders(folders: list[str]) -> list[tuple[str, RunSummary | DataError, bool]]:
    """Short job: each picked folder (a run, or a folder holding runs) -> (run folder, its summary or error,
    whether the folder exists)."""
    from engine.runs import find_runs, read_runs

    paths = [str(p) for folder in folders for p in find_runs(folder)]
    paths = list(dict.fromkeys(paths))
    return [(p, result, Path(p).exists()) for p, result in zip(paths, read_runs(paths))]


def _probe(paths: list[str]) -> list[bool]:
    return [Path(p).is_dir() for p in paths]


class RunsPanel(Panel):
    def __init__(self, settings: Settings, open_checkpoint: Callable[[str], None],
                 show_sampling: Callable[[], None], worker: EngineWorker | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.settings = settings
        self.worker = worker  # draws the latest samples of runs without a time-lapse (none: they show none)
        if worker is not None:
            worker.runPreview.connect(self._on_run_preview)
        self._open_checkpoint = open_checkpoint
        self._show_sampling = show_sampling
        self._entries: dict[str, _Entry] = {}
        self._build()
        recent = settings.recent_runs()
        self.run_list.blockSignals(True)
        for path in recent:
            self._item_for(path, checked=False)
        self.run_list.blockSignals(False)
        if recent:
            jobs.run("probe", _probe, recent, owner=self, on_done=lambda found: self._on_probed(recent, found))
        self._sync_buttons()

    # ================================================================== layout
    def _build(self) -> None:
        self.run_list = QListWidget()
        self.run_list.setToolTip(self.tr("Recent runs: tick the ones to compare"))
        self.run_list.setSelectionMode(QAbstractItemView.SingleSelection)
        self.run_list.itemChanged.connect(self._on_item_changed)
        self.run_list.currentItemChanged.connect(lambda *_: self._sync_buttons())
        self.add_button = QPushButton(self.tr("Add runs…"))
        self.add_button.setToolTip(self.tr("Open run folders, or a folder holding runs (File › Compare runs…)"))
        self.add_button.clicked.connect(self.open_dialog)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setToolTip(self.tr("Take the selected run off the list (its folder is not touched)"))
        self.remove_button.clicked.connect(self.remove_current)
        self.continue_button = QPushButton(self.tr("Continue training"))
        self.continue_button.setToolTip(self.tr("Load the selected run's checkpoint; Start on the Training tab "
                                                "continues it"))
        self.continue_button.clicked.connect(lambda: self.use_current("train"))
        self.sample_button = QPushButton(self.tr("Sample"))
        self.sample_button.setToolTip(self.tr("Load the selected run's checkpoint and go to the Sampling tab"))
        self.sample_button.clicked.connect(lambda: self.use_current("sample"))
        self.message_label = QLabel(self.tr("Tick runs to compare them."))
        self.message_label.setProperty("role", "dim")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.message_label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)

        left = QWidget()
        llay = QVBoxLayout(left)
        llay.setContentsMargins(0, 0, 0, 0)
        llay.addWidget(QLabel(self.tr("Runs")))
        llay.addWidget(self.run_list, 1)
        for pair in ((self.add_button, self.remove_button), (self.continue_button, self.sample_button)):
            row = QHBoxLayout()
            for b in pair:
                row.addWidget(b)
            llay.addLayout(row)

        self.curves = RunCurves()
        self.samples = SampleStrip()
        self.samples.stepChanged.connect(self.curves.set_marker)
        self.diff_table = ConfigDiffTable()
        diff_box = QWidget()
        dlay = QVBoxLayout(diff_box)
        dlay.setContentsMargins(0, 0, 0, 0)
        dlay.addWidget(QLabel(self.tr("Settings that differ")))
        dlay.addWidget(self.diff_table, 1)
        bottom = QSplitter(Qt.Horizontal)
        bottom.addWidget(self.samples)
        bottom.addWidget(diff_box)
        bottom.setStretchFactor(0, 3)
        bottom.setStretchFactor(1, 2)
        right = QSplitter(Qt.Vertical)
        right.addWidget(self.curves)
        right.addWidget(bottom)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        split = QSplitter(Qt.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 4)
        split.setSizes([260, 1000])
        for s in (split, right, bottom):
            s.setChildrenCollapsible(False)
        lay = QVBoxLayout(self)
        lay.addWidget(split, 1)
        lay.addWidget(self.message_label)

    # ================================================================== opening runs
    def open_dialog(self) -> None:
        folders = self._ask_folders()
        if folders:
            self.add_folders(folders)

    def _ask_folders(self) -> list[str]:
        """A folder dialog that takes several folders at once (Ctrl/Shift-click); a folder holding runs opens them
        all."""
        start = next((str(Path(p).parent) for p in self.settings.recent_runs()), "") or self.settings.last_directory()
        dialog = QFileDialog(self, self.tr("Compare runs: pick run folders, or a folder holding runs"), start)
        dialog.setFileMode(QFileDialog.Directory)
        dialog.setOption(QFileDialog.DontUseNativeDialog, True)
        dialog.setOption(QFileDialog.ShowDirsOnly, True)
        for view in dialog.findChildren(QListView) + dialog.findChildren(QTreeView):
            view.setSelectionMode(QAbstractItemView.ExtendedSelection)
        return dialog.selectedFiles() if dialog.exec() else []

    def add_folders(self, folders: list[str | Path]) -> None:
        """Read ``folders`` (runs, or folders holding runs) in a short job; they join the list ticked."""
        self._show_message(self.tr("Reading {0} folder(s)…").format(len(folders)), "dim")
        jobs.run("open", _open_folders, [str(f) for f in folders], owner=self, on_done=self._on_opened,
                 on_error=lambda message: self._show_message(message, "error"), expected=(OSError,))

    def _on_opened(self, results: list[tuple[str, RunSummary | DataError, bool]]) -> None:
        self.run_list.blockSignals(True)
        for path, result, exists in results:
            entry = self._entries.get(path) or _Entry(path)
            self._entries[path] = entry
            self._store(entry, result, exists)
            self._item_for(path, checked=entry.summary is not None)
        self.run_list.blockSignals(False)
        read = [r[0] for r in results if isinstance(r[1], RunSummary)]  # a folder that is not a run is not kept
        self.settings.set_recent_runs(read + self.settings.recent_runs())
        self._refresh()
        errors = [entry.error for r in results if (entry := self._entries[r[0]]).error]
        if errors:
            self._show_message("; ".join(errors), "error")

    def _store(self, entry: _Entry, result: RunSummary | DataError, exists: bool) -> None:
        entry.preview_asked, entry.preview_error = False, ""
        if isinstance(result, RunSummary):
            entry.summary, entry.error, entry.missing = result, "", False
        else:
            entry.summary, entry.error, entry.missing = None, str(result), not exists

    def _item_for(self, path: str, checked: bool) -> QListWidgetItem:
        entry = self._entries.setdefault(path, _Entry(path))
        item = self._find_item(path)
        if item is None:
            item = QListWidgetItem()
            item.setData(PATH_ROLE, path)
            self.run_list.addItem(item)
        item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsUserCheckable)
        item.setCheckState(Qt.Checked if checked else Qt.Unchecked)
        self._label(item, entry)
        return item

    def _find_item(self, path: str) -> QListWidgetItem | None:
        for i in range(self.run_list.count()):
            if self.run_list.item(i).data(PATH_ROLE) == path:
                return self.run_list.item(i)
        return None

    def _label(self, item: QListWidgetItem, entry: _Entry) -> None:
        theme = _theme.current_theme()
        name = Path(entry.path).name or entry.path
        if entry.missing:
            item.setText(self.tr("{0} (missing)").format(name))
            item.setToolTip(self.tr("Folder not found: {0}").format(entry.path))
            item.setForeground(QBrush(QColor(theme.text_dim)))
            item.setFlags(Qt.ItemIsEnabled | Qt.ItemIsSelectable)  # nothing to tick
        elif entry.error:
            item.setText(self.tr("{0} (unreadable)").format(name))
            item.setToolTip(entry.error)
            item.setForeground(QBrush(QColor(theme.error)))
        else:
            run = entry.summary
            item.setText(name if run is None else self.tr("{0} · {1} · {2:,} steps").format(
                name, run.config.data.dataset, run.last_step))
            tip = entry.path if run is None or not run.warnings else "\n".join([entry.path, *run.warnings])
            item.setToolTip(tip)
            item.setForeground(QBrush(QColor(theme.text)))

    def _on_probed(self, paths: list[str], found: list[bool]) -> None:
        self.run_list.blockSignals(True)
        for path, ok in zip(paths, found):
            entry = self._entries.get(path)
            item = self._find_item(path)
            if entry is not None and item is not None and entry.summary is None and not ok:
                entry.missing = True
                item.setCheckState(Qt.Unchecked)
                self._label(item, entry)
        self.run_list.blockSignals(False)

    def _on_item_changed(self, item: QListWidgetItem) -> None:
        entry = self._entries.get(item.data(PATH_ROLE))
        if entry is None:
            return
        if item.checkState() == Qt.Checked and entry.summary is None:
            path = entry.path
            jobs.run(f"read:{path}", _open_folders, [path], owner=self, on_done=self._on_opened,
                     on_error=lambda message: self._show_message(message, "error"), expected=(OSError,))
            return
        self._refresh()

    def remove_current(self) -> None:
        item = self.run_list.currentItem()
        if item is None:
            return
        path = item.data(PATH_ROLE)
        self.run_list.takeItem(self.run_list.row(item))
        self._entries.pop(path, None)
        self.settings.set_recent_runs([p for p in self.settings.recent_runs() if p != path])
        self._refresh()

    # ================================================================== compared runs
    def compared(self) -> list[RunSummary]:
        """The ticked runs that were read, in list order."""
        out = []
        for i in range(self.run_list.count()):
            item = self.run_list.item(i)
            entry = self._entries.get(item.data(PATH_ROLE))
            if item.checkState() == Qt.Checked and entry is not None and entry.summary is not None:
                out.append(entry.summary)
        return out

    def _refresh(self) -> None:
        theme = _theme.current_theme()
        runs = self.compared()
        colors = [theme.curve(i) for i in range(len(runs))]
        color_of = {str(r.folder): c for r, c in zip(runs, colors)}
        self.run_list.blockSignals(True)
        for i in range(self.run_list.count()):
            item = self.run_list.item(i)
            color = color_of.get(item.data(PATH_ROLE))
            if color is None:
                item.setIcon(QIcon())
            else:
                swatch = QPixmap(12, 12)
                swatch.fill(QColor(color))
                item.setIcon(QIcon(swatch))
        self.run_list.blockSignals(False)
        self.curves.set_runs(runs, colors)
        self._ask_previews(runs)
        self.samples.set_runs(runs, colors, frozenset(
            e.path for e in self._entries.values() if e.preview_asked and e.summary is not None
            and not e.summary.frames and not e.preview_error))
        self.diff_table.set_runs(runs, colors)
        self.curves.set_marker(self.samples.step() if runs else None)
        warnings = [f"{r.name}: {w}" for r in runs for w in r.warnings]
        if warnings:
            self._show_message("; ".join(warnings), "warning")
        elif runs:
            self._show_message(self.tr("{0} run(s) compared. Select one to continue training or sample it.")
                               .format(len(runs)), "dim")
        self._sync_buttons()

    def _ask_previews(self, runs: list[RunSummary]) -> None:
        if self.worker is None:
            return
        for run in runs:
            entry = self._entries.get(str(run.folder))
            if entry is not None and not run.frames and run.checkpoint is not None and not entry.preview_asked:
                entry.preview_asked = True
                self.worker.preview_run(entry.path, str(run.checkpoint))

    def _on_run_preview(self, event: RunPreviewReady) -> None:
        entry = self._entries.get(event.folder)
        if entry is None or entry.summary is None or entry.summary.frames:
            return
        if event.image is None:
            entry.preview_error = event.message
            self._refresh()
            self._show_message(self.tr("{0}: no latest samples ({1})").format(entry.summary.name, event.message),
                               "warning")
            return
        entry.summary = dataclasses.replace(entry.summary, frame_steps=np.array([event.step], np.int64),
                                            frames=(event.image,))
        self._refresh()

    # ================================================================== continue / sample
    def _current_entry(self) -> _Entry | None:
        item = self.run_list.currentItem()
        return None if item is None else self._entries.get(item.data(PATH_ROLE))

    def _sync_buttons(self) -> None:
        entry = self._current_entry()
        usable = entry is not None and entry.summary is not None and entry.summary.checkpoint is not None
        self.continue_button.setEnabled(usable)
        self.sample_button.setEnabled(usable)
        self.remove_button.setEnabled(entry is not None)

    def use_current(self, then: str) -> None:
        """Load the selected run's checkpoint into the worker (``then``: "train" stays on the Training tab,
        "sample" goes on to the Sampling tab)."""
        entry = self._current_entry()
        if entry is None or entry.summary is None or entry.summary.checkpoint is None:
            self._show_message(self.tr("Select a run that has a checkpoint.safetensors first."), "warning")
            return
        self._open_checkpoint(str(entry.summary.checkpoint))
        if then == "sample":
            self._show_sampling()

    # ================================================================== protocol
    def apply_theme(self, theme) -> None:
        self.curves.apply_theme(theme)
        self._refresh()

    def export_sources(self) -> tuple[dict, str | None]:
        if not self.compared():
            return {}, None
        return {"plots": {f"runs_{k}": p for k, p in self.curves.plots.items()}}, "plot:runs_loss"

    def retranslate(self) -> None:
        """After a language switch (the Panel hook): the list's labels, the step readouts and the axis label now."""
        for i in range(self.run_list.count()):
            item = self.run_list.item(i)
            entry = self._entries.get(item.data(PATH_ROLE))
            if entry is not None:
                self._label(item, entry)
        self.curves.retranslate()
        self.samples.retranslate()

    def shutdown(self) -> None:
        jobs.shutdown(self)


def compare_runs(window) -> None:
    """File › Compare runs…: the Runs tab, then its folder dialog."""
    panel = getattr(window, "runs_panel", None)
    if not isinstance(panel, RunsPanel):
        reason = getattr(panel, "reason", "")
        QMessageBox.information(window, QCoreApplication.translate("RunsPanel", "Compare runs"),
                                QCoreApplication.translate("RunsPanel", "The Runs tab is unavailable: {0}")
                                .format(reason))
        return
    window.tabs.setCurrentWidget(panel)
    panel.open_dialog()
