"""The main window: Experiment dock, the four tabs, the shared timeline, menus, shortcuts, status bar, settings.

The window is a controller only: the Experiment form owns the config being edited and emits every valid config;
the window hands it to each tab (:meth:`Panel.set_config`), to the timeline readout and to the dataset loader, keeps
the Train action enabled only while the config is valid, and persists geometry / theme / last experiment in
QSettings. Every tab is a :class:`~gui.panels.base.Panel` and is called through that protocol; a tab that fails to
build becomes an :class:`~gui.panels.unavailable.UnavailablePanel` that says why, and the window still opens.
Actions and menus live in gui/window_menus.py, the status bar in gui/status_bar.py.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QTabWidget,
    QWidget,
)

from engine.config import ExperimentConfig
from engine.errors import ConfigError
from engine.experiment_file import experiment_json, split_experiment
from gui import i18n as _i18n
from gui import theme as _theme
from gui.events import CheckpointLoaded, DeviceChanged
from gui.experiment_files import ExperimentFiles, default_experiment
from gui.help_actions import confirm_close
from gui.panels.base import DatasetProvider, Panel, TimelineSpec, schedule_for
from gui.panels.compare import ComparePanel
from gui.panels.forward import ForwardPanel
from gui.panels.inversion import InversionPanel
from gui.panels.lab2d import Lab2DPanel
from gui.panels.runs import RunsPanel
from gui.panels.sampling import SamplingPanel
from gui.panels.schedule import SchedulePanel
from gui.panels.training import TrainingPanel
from gui.panels.unavailable import UnavailablePanel
from gui.settings import Settings
from gui.status_bar import WindowStatusBar
from gui.widgets.forms import ExperimentForm, describe_device
from gui.widgets.timeline import TimelineWidget
from gui.window_menus import about_html, install_actions, install_menus, install_toolbar, retranslate_dock_actions

if TYPE_CHECKING:
    from gui.worker import EngineWorker

log = logging.getLogger(__name__)

APP_TITLE = "Diffusion Lab"


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings | None = None, parent: QWidget | None = None, *,
                 restore: bool = True):
        super().__init__(parent)
        self.settings = settings if settings is not None else Settings()
        self._positions: dict[Any, int] = {}
        self._active: Panel | None = None
        self._closed = False
        self._device_from_worker = False
        self.worker_error = ""
        self.theme_name = self.settings.theme() if restore else "dark"
        _theme.apply_theme(QApplication.instance(), self.theme_name)

        self.setWindowTitle(APP_TITLE)
        self.setWindowIcon(_theme.app_icon())
        self.setObjectName("MainWindow")
        self.setDockOptions(QMainWindow.AnimatedDocks | QMainWindow.AllowTabbedDocks)
        self.status = WindowStatusBar(self)
        self.setStatusBar(self.status)

        self.datasets = DatasetProvider(self)
        self.worker = self._make_worker()

        # ---- experiment dock
        self.form = ExperimentForm(self.datasets)
        self.experiment_dock = QDockWidget(self.tr("Experiment"), self)
        self.experiment_dock.setObjectName("ExperimentDock")
        self.experiment_dock.setWidget(self.form)
        self.experiment_dock.setAllowedAreas(Qt.LeftDockWidgetArea | Qt.RightDockWidgetArea)
        self.experiment_dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetClosable |
                                         QDockWidget.DockWidgetFloatable)
        self.addDockWidget(Qt.LeftDockWidgetArea, self.experiment_dock)
        self.files = ExperimentFiles(self, self.form, self.settings, self.status)

        # ---- centre tabs
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.setObjectName("CentreTabs")
        titles = (self.tr("Schedule"), self.tr("Forward"), self.tr("Training"), self.tr("Sampling"),
                  self.tr("Compare"), self.tr("2-D lab"), self.tr("Inversion"), self.tr("Runs"))
        self.schedule_panel = self._build_panel(titles[0], SchedulePanel)
        self.forward_panel = self._build_panel(titles[1], lambda: ForwardPanel(self.datasets))
        self.training_panel = self._build_panel(titles[2], lambda: TrainingPanel(self._engine(), self.config))
        self.sampling_panel = self._build_panel(titles[3], lambda: SamplingPanel(self._engine(), self.config))
        self.compare_panel = self._build_panel(titles[4], lambda: ComparePanel(self._engine(), self.config))
        self.lab2d_panel = self._build_panel(titles[5], lambda: Lab2DPanel(self._engine(), self.config))
        self.inversion_panel = self._build_panel(titles[6], lambda: InversionPanel(self._engine(), self.config))
        self.runs_panel = self._build_panel(titles[7], lambda: RunsPanel(self.settings, self.open_checkpoint, lambda: (
            self.tabs.setCurrentWidget(self.sampling_panel)), self.worker))
        self._panels: list[Panel] = [self.schedule_panel, self.forward_panel, self.training_panel,
                                     self.sampling_panel, self.compare_panel, self.lab2d_panel,
                                     self.inversion_panel, self.runs_panel]
        for panel, title in zip(self._panels, titles):
            self.tabs.addTab(panel, title)
        self.setCentralWidget(self.tabs)
        self.files.panels = self.panels  # the tabs own their part of the experiment file (the drawing)

        # ---- timeline dock
        self.timeline = TimelineWidget()
        self.timeline.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)
        self.timeline_dock = QDockWidget(self.tr("Timeline"), self)
        self.timeline_dock.setObjectName("TimelineDock")
        self.timeline_dock.setWidget(self.timeline)
        self.timeline_dock.setAllowedAreas(Qt.BottomDockWidgetArea | Qt.TopDockWidgetArea)
        self.timeline_dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetClosable)
        self.addDockWidget(Qt.BottomDockWidgetArea, self.timeline_dock)
        self.setCorner(Qt.BottomLeftCorner, Qt.LeftDockWidgetArea)

        install_actions(self)
        install_menus(self)
        install_toolbar(self)
        self._connect()

        # ---- initial state
        cfg = default_experiment()
        if restore:
            cfg = self._restore_experiment() or cfg
        self.form.set_config(cfg)
        self._apply_config(self.form.config())
        self._on_validity(self.form.is_valid())
        if restore:
            self._restore_window()
        else:
            self._default_geometry()
        self._on_tab_changed(self.tabs.currentIndex())
        self.status.show_file(self.files.path)

    # ================================================================== construction helpers
    def _make_worker(self) -> EngineWorker | None:
        try:
            from gui.worker import EngineWorker

            worker = EngineWorker(parent=self, warm_up=True)
            worker.start()
        except Exception as exc:
            log.exception("engine worker failed to start")
            self.worker_error = f"{type(exc).__name__}: {exc}"
            return None
        return worker

    def _engine(self) -> EngineWorker:
        """The worker, for the tabs that need one; building them without it fails with the reason."""
        if self.worker is None:
            raise RuntimeError(self.tr("the engine worker could not start ({0})").format(self.worker_error))
        return self.worker

    def _build_panel(self, title: str, build: Callable[[], Panel]) -> Panel:
        try:
            return build()
        except Exception as exc:
            log.exception("%s tab unavailable", title)
            return UnavailablePanel(title, f"{type(exc).__name__}: {exc}")

    def _connect(self) -> None:
        self.form.configChanged.connect(self._apply_config)
        self.form.validityChanged.connect(self._on_validity)
        self.form.previewClicked.connect(self._on_preview_clicked)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.timeline.positionChanged.connect(self._on_timeline)
        for panel in self._panels:
            panel.timelineSpecChanged.connect(lambda panel=panel: self._on_spec_changed(panel))
            panel.seekRequested.connect(lambda p, panel=panel: self._on_seek(panel, p))
        if self.worker is not None:
            self.worker.statusMessage.connect(lambda event: self.status.show_note(event.text))
            self.worker.error.connect(lambda event: self.status.show_note(event.message))
            self.worker.deviceName.connect(self._on_device_name)
            self.worker.progress.connect(self.status.show_progress)
            self.worker.checkpointLoaded.connect(self._on_checkpoint_loaded)

    # ================================================================== public API
    def config(self) -> ExperimentConfig:
        """The current (last valid) experiment."""
        return self.form.config()

    def panels(self) -> list[Panel]:
        """The four centre tabs, in tab order (an unavailable one as its placeholder)."""
        return list(self._panels)

    def _current_panel(self) -> Panel | None:
        widget = self.tabs.currentWidget()
        return widget if isinstance(widget, Panel) else None

    # ================================================================== config flow
    def _apply_config(self, cfg: ExperimentConfig) -> None:
        try:
            self.timeline.set_schedule(schedule_for(cfg.schedule))
        except ConfigError:
            pass
        for panel in self._panels:
            panel.set_config(cfg)
        self.datasets.request(cfg)
        if not self._device_from_worker:
            self.status.show_device(describe_device(cfg.training.device)[0])

    def _on_validity(self, valid: bool) -> None:
        self.train_action.setEnabled(valid)
        for panel in self._panels:
            panel.set_train_enabled(valid)

    # ================================================================== timeline
    def _spec_of(self, panel: Panel | None) -> TimelineSpec:
        if panel is None:
            return TimelineSpec("t", self.config().schedule.timesteps + 1)
        return panel.timeline_spec()

    def _position_key(self, panel: Panel | None, spec: TimelineSpec) -> Any:
        return "t" if spec.kind == "t" else id(panel)

    def _on_tab_changed(self, index: int) -> None:
        previous = self._active
        if previous is not None:
            self._positions[self._position_key(previous, self.timeline.spec())] = self.timeline.position()
        panel = self._current_panel()
        self._active = panel
        spec = self._spec_of(panel)
        position = self._positions.get(self._position_key(panel, spec), self.timeline.position()
                                       if spec.kind == self.timeline.spec().kind else 0)
        self.timeline.pause()
        self.timeline.set_spec(spec, position)
        if panel is not None:
            panel.on_timeline(self.timeline.position())

    def _on_spec_changed(self, panel: Panel) -> None:
        if panel is not self.tabs.currentWidget():
            return
        self.timeline.set_spec(self._spec_of(panel))  # keeps the position, clamped to the new range
        panel.on_timeline(self.timeline.position())

    def _on_timeline(self, position: int) -> None:
        panel = self._current_panel()
        if panel is not None:
            panel.on_timeline(position)

    def _on_seek(self, panel: Panel, position: int) -> None:
        if panel is self.tabs.currentWidget():
            self.timeline.pause()
            self.timeline.set_position(position)

    def _on_preview_clicked(self, index: int) -> None:
        if isinstance(self.forward_panel, ForwardPanel):
            self.forward_panel.use_dataset()
            self.forward_panel.set_index(index)
        self.tabs.setCurrentWidget(self.forward_panel)

    # ================================================================== worker → status bar
    def _on_device_name(self, event: DeviceChanged) -> None:
        self._device_from_worker = True
        self.status.show_device(event.name)

    def _on_checkpoint_loaded(self, event: CheckpointLoaded) -> None:
        self.form.set_config(event.config)

    def open_checkpoint_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open checkpoint"), self.files.dialog_dir(),
                                              self.tr("Checkpoints (*.safetensors *.ckpt *.pt);;All files (*)"),
                                              options=QFileDialog.DontUseNativeDialog)
        if path:
            self.open_checkpoint(path)

    def open_checkpoint(self, path: str) -> None:
        """Forward to the Training tab, which owns loading models."""
        panel = self.training_panel
        if isinstance(panel, UnavailablePanel):
            QMessageBox.information(self, self.tr("Open checkpoint"), self.tr(
                "Checkpoints are opened by the Training tab, which is unavailable: {0}").format(panel.reason))
            return
        self.tabs.setCurrentWidget(panel)
        panel.open_checkpoint(path)

    def export_current(self) -> None:
        """Ctrl+E / File > Export: open the export dialog with what the current tab shows."""
        panel = self._current_panel()
        sources, initial = panel.export_sources() if panel is not None else ({}, None)
        if not sources:
            if panel is not None and panel.show_own_exports():
                return
            QMessageBox.information(self, self.tr("Export"), self.tr("There is nothing to export on the {0} tab yet.")
                                    .format(self.tabs.tabText(self.tabs.currentIndex())))
            return
        from gui.export_dialog import open_export_dialog

        open_export_dialog(self, sources, initial=initial)

    def train(self) -> None:
        if not self.form.is_valid():
            self.statusBar().showMessage(self.tr("Fix the invalid experiment values before training"), 5000)
            return
        panel = self.training_panel
        if isinstance(panel, UnavailablePanel):
            QMessageBox.information(self, self.tr("Train"),
                                    self.tr("The Training tab is unavailable: {0}").format(panel.reason))
            return
        self.tabs.setCurrentWidget(panel)
        if panel.state() != "idle":  # Ctrl+Enter / Run > Train during a run: say why nothing starts
            self.statusBar().showMessage(self.tr("Already training: pause or stop the current run first"), 5000)
            return
        panel.start()

    # ================================================================== view
    def set_theme(self, name: str) -> None:
        theme = _theme.apply_theme(QApplication.instance(), name)
        self.theme_name = theme.name
        self.settings.set_theme(theme.name)
        if self.theme_actions[theme.name].isChecked() is False:
            self.theme_actions[theme.name].setChecked(True)
        for act in self.findChildren(QAction):
            icon_name = act.property("icon_name")
            if icon_name:
                act.setIcon(_theme.icon(icon_name))
        self.form.apply_theme(theme)
        self.timeline.apply_theme(theme)
        for panel in self._panels:
            panel.apply_theme(theme)

    def set_language(self, lang: str) -> None:
        """View › Language: switch now (gui/i18n.py re-sets every text, then calls :meth:`retranslate`)."""
        self.language_actions[_i18n.switch_language(self, lang)].setChecked(True)

    def retranslate(self) -> None:
        """After a language switch: the window's own computed texts (status readouts, the dock toggles' names)."""
        retranslate_dock_actions(self)
        self.status.retranslate()
        self.form.retranslate()  # the Experiment dock: field tooltips, device and model notes, data preview
        self.timeline.retranslate()
        if not self._device_from_worker:
            self.status.show_device(describe_device(self.config().training.device)[0])

    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("About Diffusion Lab"), about_html(self.config()))

    # ================================================================== settings
    def _restore_experiment(self) -> ExperimentConfig | None:
        text = self.settings.last_experiment_json()
        if text:
            try:
                cfg, extras = split_experiment(text)
            except ConfigError as exc:
                log.warning("ignoring the saved last experiment: %s", exc)
                cfg = None
            if cfg is not None:
                cfg, problems = self.files.apply_extras(extras, cfg)  # the last session's drawing, too
                for problem in problems:
                    log.warning("ignoring part of the saved last experiment: %s", problem)
                path = self.settings.last_experiment_path()
                if path and Path(path).is_file():
                    self.files.path = path
                return cfg
        return None

    def _default_geometry(self) -> None:
        screen = QApplication.primaryScreen()
        if screen is not None:
            avail = screen.availableGeometry()
            w = min(max(1280, int(avail.width() * 0.85)), 1680, avail.width())
            h = min(max(800, int(avail.height() * 0.85)), 1050, avail.height())
            self.resize(w, h)
            self.move(avail.x() + (avail.width() - w) // 2, avail.y() + (avail.height() - h) // 2)
        else:
            self.resize(1440, 900)
        self.resizeDocks([self.experiment_dock], [self._dock_width()], Qt.Horizontal)

    def _dock_width(self) -> int:
        return max(330, min(420, int(self.width() * 0.22)))

    def _restore_window(self) -> None:
        geometry = self.settings.geometry()
        if geometry is None or not self.restoreGeometry(geometry):
            self._default_geometry()
        state = self.settings.window_state()
        if state is not None:
            self.restoreState(state)
        else:
            self.resizeDocks([self.experiment_dock], [self._dock_width()], Qt.Horizontal)
        tab = self.settings.current_tab()
        if 0 <= tab < self.tabs.count():
            self.tabs.setCurrentIndex(tab)

    def save_settings(self) -> None:
        s = self.settings
        s.set_geometry(self.saveGeometry())
        s.set_window_state(self.saveState())
        s.set_theme(self.theme_name)
        s.set_current_tab(self.tabs.currentIndex())
        s.set_last_experiment_json(experiment_json(self.config(), self.files.extras()))
        s.set_last_experiment_path(self.files.path or "")
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        # the window manager's close button asks while training; a programmatic close() (tests, Quit) never does
        if not self._closed and event.spontaneous() and not confirm_close(self):
            event.ignore()
            return
        if not self._closed:
            self._closed = True
            self.timeline.pause()
            try:
                self.save_settings()
            except Exception:
                log.exception("could not save settings")
            for panel in self._panels:
                panel.shutdown()
            self.form.shutdown()
            self.datasets.shutdown()
            if self.worker is not None:
                try:
                    self.worker.shutdown(timeout_ms=2000)
                except Exception:
                    log.exception("worker shutdown failed")
            try:  # a clean exit: only a crash leaves an autosave to offer on the next start
                from engine.autosave import mark_clean_exit

                mark_clean_exit()
            except Exception:
                log.exception("could not clear the autosave")
        event.accept()
