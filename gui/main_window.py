"""The main window: Experiment dock, the four tabs, the shared timeline, menus, shortcuts, status bar, settings.

The window is a controller only: the Experiment form owns the config being edited and emits every valid config;
the window hands it to each tab (``set_config``), to the timeline readout and to the dataset loader, keeps the Train
action enabled only while the config is valid, and persists geometry / theme / last experiment in QSettings.

The Training and Sampling tabs come from ``gui.panels.training`` / ``gui.panels.sampling`` and the engine bridge
from ``gui.worker``; they are imported lazily so a missing or broken module becomes a labelled placeholder tab.
"""
from __future__ import annotations

import html
import importlib
import logging
import platform
import traceback
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (QApplication, QDockWidget, QFileDialog, QLabel, QMainWindow, QMessageBox,
                               QSizePolicy, QTabWidget, QToolBar, QWidget)

from engine.config import ExperimentConfig
from engine.errors import ConfigError
from gui import theme as _theme
from gui.panels.base import DatasetProvider, TimelineSpec, schedule_for
from gui.panels.forward import ForwardPanel
from gui.panels.schedule import SchedulePanel
from gui.settings import Settings
from gui.events import CheckpointLoaded, DeviceChanged, TrainingProgress
from gui.widgets import RATE_READOUT, STEP_READOUT, TIME_READOUT, format_duration, reserve_width
from gui.widgets.forms import ExperimentForm, describe_device
from gui.widgets.timeline import TimelineWidget

log = logging.getLogger(__name__)

APP_TITLE = "Diffusion Lab"
EXPERIMENT_FILTER = "Diffusion Lab experiments (*.json);;All files (*)"
CHECKPOINT_FILTER = "Checkpoints (*.safetensors *.ckpt *.pt);;All files (*)"
SHORTCUTS = [
    ("Space", "Play / pause the timeline"),
    ("Left / Right", "Step the timeline back / forward"),
    ("Home / End", "First / last timeline position"),
    ("Ctrl+Enter", "Train"),
    ("Ctrl+N", "New experiment"),
    ("Ctrl+O", "Open experiment"),
    ("Ctrl+S", "Save experiment"),
    ("Ctrl+Shift+S", "Save experiment as"),
    ("Ctrl+E", "Export from the current tab"),
    ("Ctrl+1 … Ctrl+4", "Schedule, Forward, Training, Sampling tab"),
    ("Ctrl+Q", "Quit"),
]


def _default_experiment() -> ExperimentConfig:
    try:
        from engine.presets import default_config

        return default_config("moons")
    except Exception:  # noqa: BLE001
        return ExperimentConfig()


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings | None = None, parent: QWidget | None = None, *,
                 restore: bool = True):
        super().__init__(parent)
        self.settings = settings if settings is not None else Settings()
        self.experiment_path: str | None = None
        self._positions: dict[Any, int] = {}
        self._active: QWidget | None = None
        self._closed = False
        self.theme_name = self.settings.theme() if restore else "dark"
        _theme.apply_theme(QApplication.instance(), self.theme_name)

        self.setWindowTitle(APP_TITLE)
        self.setWindowIcon(_theme.app_icon())
        self.setObjectName("MainWindow")
        self.setDockOptions(QMainWindow.AnimatedDocks | QMainWindow.AllowTabbedDocks)

        self.datasets = DatasetProvider(self)
        self.worker = self._make_worker()

        # ---- experiment dock
        self.form = ExperimentForm(self.datasets)
        self.experiment_dock = QDockWidget("Experiment", self)
        self.experiment_dock.setObjectName("ExperimentDock")
        self.experiment_dock.setWidget(self.form)
        self.experiment_dock.setAllowedAreas(Qt.LeftDockWidgetArea | Qt.RightDockWidgetArea)
        self.experiment_dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetClosable |
                                         QDockWidget.DockWidgetFloatable)
        self.addDockWidget(Qt.LeftDockWidgetArea, self.experiment_dock)

        # ---- centre tabs
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.setObjectName("CentreTabs")
        self.schedule_panel = SchedulePanel()
        self.forward_panel = ForwardPanel(self.datasets)
        self.training_panel = self._make_panel("training", "TrainingPanel", "Training")
        self.sampling_panel = self._make_panel("sampling", "SamplingPanel", "Sampling")
        self.tabs.addTab(self.schedule_panel, "Schedule")
        self.tabs.addTab(self.forward_panel, "Forward")
        self.tabs.addTab(self.training_panel or self._placeholder("Training"), "Training")
        self.tabs.addTab(self.sampling_panel or self._placeholder("Sampling"), "Sampling")
        self.setCentralWidget(self.tabs)

        # ---- timeline dock
        self.timeline = TimelineWidget()
        self.timeline.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)
        self.timeline_dock = QDockWidget("Timeline", self)
        self.timeline_dock.setObjectName("TimelineDock")
        self.timeline_dock.setWidget(self.timeline)
        self.timeline_dock.setAllowedAreas(Qt.BottomDockWidgetArea | Qt.TopDockWidgetArea)
        self.timeline_dock.setFeatures(QDockWidget.DockWidgetMovable | QDockWidget.DockWidgetClosable)
        self.addDockWidget(Qt.BottomDockWidgetArea, self.timeline_dock)
        self.setCorner(Qt.BottomLeftCorner, Qt.LeftDockWidgetArea)

        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_status_bar()
        self._connect()

        # ---- initial state
        cfg = _default_experiment()
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
        self._update_file_label()

    # ================================================================== construction helpers
    def _make_worker(self):  # noqa: ANN202
        try:
            from gui.worker import EngineWorker
        except Exception as exc:  # noqa: BLE001 - the window must open without the worker
            log.warning("engine worker unavailable: %s", exc)
            self._worker_error = str(exc)
            return None
        try:
            worker = EngineWorker(parent=self, warm_up=True)
            worker.start()
        except Exception as exc:  # noqa: BLE001
            log.exception("engine worker failed to start")
            self._worker_error = str(exc)
            return None
        return worker

    def _make_panel(self, module: str, class_name: str, title: str) -> QWidget | None:
        try:
            mod = importlib.import_module(f"gui.panels.{module}")
            cls = getattr(mod, class_name)
            panel = cls(self.worker, self.config, None)
        except Exception as exc:  # noqa: BLE001 - show why instead of refusing to open
            if isinstance(exc, ModuleNotFoundError) and exc.name == f"gui.panels.{module}":
                log.warning("%s tab unavailable: %s", title, exc)
            else:
                log.warning("%s tab unavailable:\n%s", title, traceback.format_exc())
            self._panel_errors = getattr(self, "_panel_errors", {})
            self._panel_errors[title] = f"{type(exc).__name__}: {exc}"
            return None
        return panel

    def _placeholder(self, title: str) -> QWidget:
        error = getattr(self, "_panel_errors", {}).get(title, "not available")
        label = QLabel(f"{title} tab unavailable: {error}")
        label.setObjectName(f"{title}Placeholder")
        label.setAlignment(Qt.AlignCenter)
        label.setWordWrap(True)
        label.setProperty("role", "dim")
        label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        return label

    def _action(self, text: str, slot: Callable | None = None, shortcut: Any = None, icon: str | None = None,
                tip: str = "", checkable: bool = False) -> QAction:
        act = QAction(text, self)
        if icon:
            act.setIcon(_theme.icon(icon))
            act.setProperty("icon_name", icon)
        if shortcut is not None:
            if isinstance(shortcut, (list, tuple)):
                act.setShortcuts([QKeySequence(s) for s in shortcut])
            else:
                act.setShortcut(QKeySequence(shortcut))
        if tip:
            act.setStatusTip(tip)
            act.setToolTip(tip)
        act.setCheckable(checkable)
        if slot is not None:
            act.triggered.connect(lambda _checked=False: slot())
        self.addAction(act)  # shortcuts work while menus and toolbars are hidden
        return act

    def _build_actions(self) -> None:
        a = self._action
        self.new_action = a("&New experiment", self.new_experiment, QKeySequence.New, "new",
                            "Start from the default experiment")
        self.open_action = a("&Open experiment…", self.open_experiment_dialog, QKeySequence.Open, "open",
                             "Open an experiment file (.json)")
        self.save_action = a("&Save experiment", self.save, "Ctrl+S", "save", "Save the experiment")
        self.save_as_action = a("Save experiment &as…", self.save_as, "Ctrl+Shift+S", None,
                                "Save the experiment under a new name")
        self.open_checkpoint_action = a("Open &checkpoint…", self.open_checkpoint_dialog, None, "checkpoint",
                                        "Load a trained model checkpoint")
        self.export_action = a("&Export…", self.export_current, "Ctrl+E", "export",
                               "Export what the current tab shows")
        self.quit_action = a("&Quit", self.close, QKeySequence.Quit, None, "Quit Diffusion Lab")
        self.quit_action.setMenuRole(QAction.QuitRole)

        self.train_action = a("&Train", self.train, ["Ctrl+Return", "Ctrl+Enter"], "train",
                              "Train a model with this experiment (Ctrl+Enter)")
        self.play_action = a("&Play / pause", self.timeline.toggle_play, "Space", None, "Play or pause the timeline")
        self.step_back_action = a("Step &back", lambda: self.timeline.step(-1), "Left", None, "Previous position")
        self.step_forward_action = a("Step &forward", lambda: self.timeline.step(1), "Right", None, "Next position")
        self.first_action = a("&First position", lambda: self.timeline.set_position(0), "Home")
        self.last_action = a("&Last position", lambda: self.timeline.set_position(self.timeline.count() - 1), "End")
        self.tab_actions = []
        for k, name in enumerate(("Schedule", "Forward", "Training", "Sampling")):
            act = a(f"&{k + 1} {name}", lambda k=k: self.tabs.setCurrentIndex(k), f"Ctrl+{k + 1}")
            self.tab_actions.append(act)

        self.theme_group = QActionGroup(self)
        self.theme_group.setExclusive(True)
        self.theme_actions: dict[str, QAction] = {}
        for name in _theme.THEMES:
            act = QAction(name.capitalize(), self, checkable=True)
            act.setChecked(name == self.theme_name)
            act.triggered.connect(lambda _c=False, name=name: self.set_theme(name))
            self.theme_group.addAction(act)
            self.theme_actions[name] = act

        self.shortcuts_action = a("&Keyboard shortcuts", self.show_shortcuts, "F1", "keyboard")
        self.about_action = a("&About Diffusion Lab", self.show_about, None, "info")
        self.about_action.setMenuRole(QAction.AboutRole)

    def _build_menus(self) -> None:
        mb = self.menuBar()
        file_menu = mb.addMenu("&File")
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        file_menu.addAction(self.save_action)
        file_menu.addAction(self.save_as_action)
        file_menu.addSeparator()
        file_menu.addAction(self.open_checkpoint_action)
        file_menu.addAction(self.export_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        run_menu = mb.addMenu("&Run")
        run_menu.addAction(self.train_action)
        run_menu.addSeparator()
        for act in (self.play_action, self.step_back_action, self.step_forward_action, self.first_action,
                    self.last_action):
            run_menu.addAction(act)

        view_menu = mb.addMenu("&View")
        theme_menu = view_menu.addMenu("&Theme")
        for act in self.theme_actions.values():
            theme_menu.addAction(act)
        view_menu.addSeparator()
        self.toggle_experiment_action = self.experiment_dock.toggleViewAction()
        self.toggle_experiment_action.setText("&Experiment panel")
        self.toggle_timeline_action = self.timeline_dock.toggleViewAction()
        self.toggle_timeline_action.setText("T&imeline")
        view_menu.addAction(self.toggle_experiment_action)
        view_menu.addAction(self.toggle_timeline_action)
        self.view_menu = view_menu
        view_menu.addSeparator()
        for act in self.tab_actions:
            view_menu.addAction(act)

        help_menu = mb.addMenu("&Help")
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(self.about_action)

    def _build_toolbar(self) -> None:
        tb = QToolBar("Main toolbar", self)
        tb.setObjectName("MainToolbar")
        tb.setMovable(False)
        tb.setIconSize(QSize(18, 18))
        tb.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        tb.addAction(self.new_action)
        tb.addAction(self.open_action)
        tb.addAction(self.save_action)
        tb.addSeparator()
        tb.addAction(self.train_action)
        tb.addSeparator()
        tb.addAction(self.export_action)
        self.addToolBar(Qt.TopToolBarArea, tb)
        self.toolbar = tb
        self.view_menu.insertAction(self.toggle_experiment_action, tb.toggleViewAction())
        for act, short in ((self.new_action, "New"), (self.open_action, "Open"), (self.save_action, "Save"),
                           (self.export_action, "Export")):
            act.setIconText(short)

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        sb.setSizeGripEnabled(True)
        self.file_label = QLabel("")
        self.device_label = QLabel("")
        self.step_label = QLabel("step —")
        self.speed_label = QLabel("— it/s")
        self.time_label = QLabel("elapsed — · ETA —")
        self.device_label.setToolTip("The device training runs on")
        self.step_label.setToolTip("Optimizer step / total")
        self.speed_label.setToolTip("Training speed in optimizer steps per second")
        self.time_label.setToolTip("Elapsed training time and estimated time left")
        reserve_width(self.step_label, STEP_READOUT)
        reserve_width(self.speed_label, RATE_READOUT)
        reserve_width(self.time_label, TIME_READOUT)
        for w in (self.file_label, self.device_label, self.step_label, self.speed_label, self.time_label):
            sb.addPermanentWidget(w)

    def _connect(self) -> None:
        self.form.configChanged.connect(self._apply_config)
        self.form.validityChanged.connect(self._on_validity)
        self.form.previewClicked.connect(self._on_preview_clicked)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.timeline.positionChanged.connect(self._on_timeline)
        for panel in self.panels():
            sig = getattr(panel, "timelineSpecChanged", None)
            if sig is not None:
                sig.connect(lambda panel=panel: self._on_spec_changed(panel))
            seek = getattr(panel, "seekRequested", None)
            if seek is not None:
                seek.connect(lambda p, panel=panel: self._on_seek(panel, p))
        if self.worker is not None:
            self.worker.statusMessage.connect(lambda event: self._show_worker_text(event.text))
            self.worker.error.connect(lambda event: self._show_worker_text(event.message))
            self.worker.deviceName.connect(self._on_device_name)
            self.worker.progress.connect(self._on_progress)
            self.worker.checkpointLoaded.connect(self._on_checkpoint_loaded)

    # ================================================================== public API
    def config(self) -> ExperimentConfig:
        """The current (last valid) experiment."""
        return self.form.config()

    def panels(self) -> list[QWidget]:
        return [self.tabs.widget(i) for i in range(self.tabs.count())]

    def active_panel(self) -> QWidget | None:
        return self.tabs.currentWidget()

    # ================================================================== config flow
    def _apply_config(self, cfg: ExperimentConfig) -> None:
        try:
            self.timeline.set_schedule(schedule_for(cfg.schedule))
        except ConfigError:
            pass
        for panel in self.panels():
            self._call(panel, "set_config", cfg)
        self.datasets.request(cfg)
        if self.worker is None or not getattr(self, "_device_from_worker", False):
            self.device_label.setText(describe_device(cfg.training.device)[0])

    def _on_validity(self, valid: bool) -> None:
        self.train_action.setEnabled(valid)
        if self.training_panel is not None:
            self._call(self.training_panel, "set_train_enabled", valid)

    def _call(self, obj: Any, method: str, *args: Any) -> Any:
        fn = getattr(obj, method, None)
        if fn is None:
            return None
        try:
            return fn(*args)
        except Exception:  # noqa: BLE001 - one broken panel must not take the window down
            log.exception("%s.%s failed", type(obj).__name__, method)
            return None

    # ================================================================== timeline
    def _spec_of(self, panel: QWidget | None) -> TimelineSpec:
        fn = getattr(panel, "timeline_spec", None)
        if fn is not None:
            try:
                return fn()
            except Exception:  # noqa: BLE001
                log.exception("timeline_spec failed")
        return TimelineSpec("t", self.config().schedule.timesteps + 1)

    def _position_key(self, panel: QWidget | None, spec: TimelineSpec) -> Any:
        return "t" if spec.kind == "t" else id(panel)

    def _on_tab_changed(self, index: int) -> None:
        previous = self._active
        if previous is not None:
            self._positions[self._position_key(previous, self.timeline.spec())] = self.timeline.position()
        panel = self.tabs.widget(index)
        self._active = panel
        spec = self._spec_of(panel)
        position = self._positions.get(self._position_key(panel, spec), self.timeline.position()
                                       if spec.kind == self.timeline.spec().kind else 0)
        self.timeline.pause()
        self.timeline.set_spec(spec, position)
        self._call(panel, "on_timeline", self.timeline.position())

    def _on_spec_changed(self, panel: QWidget) -> None:
        if panel is not self.tabs.currentWidget():
            return
        self.timeline.set_spec(self._spec_of(panel))  # keeps the position, clamped to the new range
        self._call(panel, "on_timeline", self.timeline.position())

    def _on_timeline(self, position: int) -> None:
        self._call(self.tabs.currentWidget(), "on_timeline", position)

    def _on_seek(self, panel: QWidget, position: int) -> None:
        if panel is self.tabs.currentWidget():
            self.timeline.pause()
            self.timeline.set_position(position)

    def _on_preview_clicked(self, index: int) -> None:
        self.forward_panel.use_dataset()
        self.forward_panel.set_index(index)
        self.tabs.setCurrentWidget(self.forward_panel)

    # ================================================================== worker → status bar
    def _show_worker_text(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _on_device_name(self, event: DeviceChanged) -> None:
        self._device_from_worker = True
        self.device_label.setText(event.name)

    def _on_progress(self, p: TrainingProgress) -> None:
        self.step_label.setText(f"step {p.step:,} / {p.total:,}" if p.total else f"step {p.step:,}")
        ips = p.its_per_sec
        self.speed_label.setText(f"{ips:.1f} it/s" if ips < 100 else f"{ips:.0f} it/s")
        eta_text = format_duration(p.eta) if p.eta >= 0 else "—"
        self.time_label.setText(f"elapsed {format_duration(p.elapsed)} · ETA {eta_text}")

    def _on_checkpoint_loaded(self, event: CheckpointLoaded) -> None:
        self.form.set_config(event.config)

    # ================================================================== file actions
    def new_experiment(self) -> None:
        self.form.set_config(_default_experiment())
        self.experiment_path = None
        self._update_file_label()
        self.statusBar().showMessage("New experiment", 4000)

    def _dialog_dir(self) -> str:
        if self.experiment_path:
            return str(Path(self.experiment_path).parent)
        return self.settings.last_directory()

    def open_experiment_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open experiment", self._dialog_dir(), EXPERIMENT_FILTER,
                                              options=QFileDialog.DontUseNativeDialog)
        if path:
            self.open_experiment(path)

    def open_experiment(self, path: str | Path) -> bool:
        """Load an experiment file into the form. A bad file gives a message naming it; the config is kept."""
        path = str(path)
        try:
            cfg = ExperimentConfig.load(path)
        except ConfigError as exc:
            QMessageBox.warning(self, "Cannot open experiment",
                                f"{path}\n\n{exc.field}: {exc.message}\n\nThe current experiment is unchanged.")
            return False
        except Exception as exc:  # noqa: BLE001 - never a traceback for a user's file
            QMessageBox.warning(self, "Cannot open experiment", f"{path}\n\n{exc}")
            return False
        self.form.set_config(cfg)
        self.experiment_path = path
        self.settings.add_recent_file(path)
        self.settings.set_last_directory(str(Path(path).parent))
        self._update_file_label()
        errors = self.form.errors()
        if errors:
            lines = "\n".join(f"• {e.field}: {e.message}" for e in errors[:8])
            QMessageBox.warning(self, "Experiment has invalid values",
                                f"{path}\n\nOpened, but {len(errors)} value(s) are invalid:\n{lines}\n\n"
                                "Fix them in the Experiment panel before training.")
        else:
            self.statusBar().showMessage(f"Opened {path}", 5000)
        return True

    def save(self) -> bool:
        if self.experiment_path:
            return self.save_experiment(self.experiment_path)
        return self.save_as()

    def save_as(self) -> bool:
        start = self.experiment_path or str(Path(self._dialog_dir() or ".") / "experiment.json")
        path, _ = QFileDialog.getSaveFileName(self, "Save experiment", start, EXPERIMENT_FILTER,
                                              options=QFileDialog.DontUseNativeDialog)
        if not path:
            return False
        if not Path(path).suffix:
            path += ".json"
        return self.save_experiment(path)

    def save_experiment(self, path: str | Path) -> bool:
        path = str(path)
        if not self.form.is_valid():
            lines = "\n".join(f"• {e.field}: {e.message}" for e in self.form.errors()[:8])
            QMessageBox.warning(self, "Cannot save experiment",
                                f"Fix the invalid values first:\n{lines}")
            return False
        try:
            self.config().save(path)
        except Exception as exc:  # noqa: BLE001
            QMessageBox.warning(self, "Cannot save experiment", f"{path}\n\n{exc}")
            return False
        self.experiment_path = path
        self.settings.add_recent_file(path)
        self.settings.set_last_directory(str(Path(path).parent))
        self.settings.set_last_experiment_path(path)
        self._update_file_label()
        self.statusBar().showMessage(f"Saved {path}", 5000)
        return True

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.recent_files()
        if not recent:
            act = self.recent_menu.addAction("(none)")
            act.setEnabled(False)
            return
        for path in recent:
            act = self.recent_menu.addAction(Path(path).name)
            act.setToolTip(path)
            act.triggered.connect(lambda _c=False, path=path: self.open_experiment(path))
        self.recent_menu.addSeparator()
        self.recent_menu.addAction("Clear list", self.settings.clear_recent_files)

    def _update_file_label(self) -> None:
        if self.experiment_path:
            self.file_label.setText(Path(self.experiment_path).name)
            self.file_label.setToolTip(self.experiment_path)
        else:
            self.file_label.setText("unsaved experiment")
            self.file_label.setToolTip("")

    def open_checkpoint_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open checkpoint", self._dialog_dir(), CHECKPOINT_FILTER,
                                              options=QFileDialog.DontUseNativeDialog)
        if path:
            self.open_checkpoint(path)

    def open_checkpoint(self, path: str) -> None:
        """Forward to the Training tab, which owns loading models."""
        fn = getattr(self.training_panel, "open_checkpoint", None)
        if fn is None:
            QMessageBox.information(self, "Open checkpoint",
                                    "Checkpoints are opened by the Training tab, which is not available.")
            return
        self.tabs.setCurrentWidget(self.training_panel)
        fn(path)

    def export_current(self) -> None:
        """Ctrl+E / File > Export: open the export dialog with what the current tab shows."""
        panel = self.tabs.currentWidget()
        sources, initial = self._export_sources(panel)
        if not sources:
            QMessageBox.information(self, "Export", "There is nothing to export on the "
                                                    f"{self.tabs.tabText(self.tabs.currentIndex())} tab yet.")
            return
        from gui.export_dialog import open_export_dialog

        open_export_dialog(self, sources, initial=initial)

    def _export_sources(self, panel) -> tuple[dict, str | None]:  # noqa: ANN001
        """The export dialog's sources for ``panel``: plain data the panels already hold (nothing recomputed)."""
        sources: dict = {}
        initial = None
        if panel is self.schedule_panel:
            sources["plots"] = dict(getattr(panel, "plots", {}))
            initial = "plot:" + next(iter(sources["plots"]), "beta")
        elif panel is self.forward_panel and getattr(panel, "x0", None) is not None:
            from engine.schedules import NoiseSchedule

            schedule = NoiseSchedule.from_config(self.config().schedule)
            if panel.x0.ndim == 2:
                sources["forward"] = {"points": panel.x0, "schedule": schedule, "noise": panel.noise}
            else:
                sources["forward"] = {"x0": panel.x0, "schedule": schedule, "noise": panel.noise}
            initial = "forward"
        elif panel is self.training_panel:
            frames = list(getattr(panel, "timelapse_frames", []) or [])
            if frames:
                sources["timelapse"] = frames
                initial = "timelapse"
            plots = {name: getattr(panel, attr) for name, attr in (("loss", "loss_plot"), ("loss_by_t", "tloss_plot"))
                     if getattr(panel, attr, None) is not None}
            if plots:
                sources["plots"] = plots
                initial = initial or "plot:loss"
        elif panel is self.sampling_panel and getattr(panel, "trajectory", None) is not None:
            sources["trajectory"] = panel.trajectory
            if panel.trajectory.final is not None:
                sources["samples"] = panel.trajectory.final
            initial = "reverse"
        return sources, initial

    def train(self) -> None:
        if not self.form.is_valid():
            self.statusBar().showMessage("Fix the invalid experiment values before training", 5000)
            return
        fn = getattr(self.training_panel, "start", None)
        if fn is None:
            QMessageBox.information(self, "Train", "The Training tab is not available.")
            return
        self.tabs.setCurrentWidget(self.training_panel)
        fn()

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
        for panel in self.panels():
            self._call(panel, "apply_theme", theme)

    def show_about(self) -> None:
        QMessageBox.about(self, "About Diffusion Lab", about_html(self.config()))

    def show_shortcuts(self) -> None:
        rows = "".join(f"<tr><td style='padding:2px 14px 2px 0'><b>{html.escape(k)}</b></td>"
                       f"<td>{html.escape(v)}</td></tr>" for k, v in SHORTCUTS)
        box = QMessageBox(self)
        box.setWindowTitle("Keyboard shortcuts")
        box.setTextFormat(Qt.RichText)
        box.setText(f"<table>{rows}</table>")
        box.setIcon(QMessageBox.NoIcon)
        box.exec()

    # ================================================================== settings
    def _restore_experiment(self) -> ExperimentConfig | None:
        text = self.settings.last_experiment_json()
        if text:
            try:
                cfg = ExperimentConfig.from_json(text)
            except ConfigError as exc:
                log.warning("ignoring the saved last experiment: %s", exc)
                cfg = None
            if cfg is not None:
                path = self.settings.last_experiment_path()
                if path and Path(path).is_file():
                    self.experiment_path = path
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
        s.set_last_experiment_json(self.config().to_json())
        s.set_last_experiment_path(self.experiment_path or "")
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not self._closed:
            self._closed = True
            self.timeline.pause()
            try:
                self.save_settings()
            except Exception:  # noqa: BLE001
                log.exception("could not save settings")
            for panel in self.panels():
                self._call(panel, "shutdown")
            self.form.shutdown()
            self.datasets.shutdown()
            if self.worker is not None:
                try:
                    self.worker.shutdown(timeout_ms=2000)
                except Exception:  # noqa: BLE001
                    log.exception("worker shutdown failed")
            try:  # a clean exit: only a crash leaves an autosave to offer on the next start
                from engine.autosave import mark_clean_exit

                mark_clean_exit()
            except Exception:  # noqa: BLE001
                log.exception("could not clear the autosave")
        event.accept()


# ---------------------------------------------------------------------------------------------- helpers
def about_html(cfg: ExperimentConfig | None = None) -> str:
    import torch

    from gui.versions import qt_versions

    try:
        from engine.version import __version__
    except Exception:  # noqa: BLE001
        __version__ = "unknown"
    import pyqtgraph

    device = describe_device(cfg.training.device if cfg is not None else "auto")[0]
    cuda = torch.version.cuda or "none"
    rows = [
        ("Version", __version__),
        ("Python", f"{platform.python_version()} ({platform.system()} {platform.machine()})"),
        ("PyTorch", f"{torch.__version__} (CUDA {cuda})"),
        ("GUI", qt_versions()),
        ("pyqtgraph", pyqtgraph.__version__),
        ("Device", device),
    ]
    table = "".join(f"<tr><td style='padding-right:12px'><b>{k}</b></td><td>{html.escape(str(v))}</td></tr>"
                    for k, v in rows)
    return ("<h3>Diffusion Lab</h3><p>A desktop lab for training small denoising diffusion models (DDPM / DDIM) "
            "and watching how they work.</p>"
            f"<table>{table}</table>")
