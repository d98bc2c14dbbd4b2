"""The main window's actions, menus and toolbar, the keyboard-shortcuts table and the About text.

:func:`install_actions`, :func:`install_menus` and :func:`install_toolbar` run once, in this order, while the window
is built; the actions become attributes of the window (``window.train_action`` ...) because the window enables and
triggers them. Every action is also added to the window itself so its shortcut works while menus and toolbars are
hidden.
"""
from __future__ import annotations

import html
import platform
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMessageBox, QToolBar, QWidget

from gui import i18n
from gui import theme as _theme
from gui.help_actions import install_help_actions
from gui.panels.runs import compare_runs

if TYPE_CHECKING:
    from engine.config import ExperimentConfig
    from gui.main_window import MainWindow

CTX = "WindowMenus"  # the translation context of this module's texts (module functions have no tr())
SHORTCUTS = [  # key names stay as Qt writes them; the descriptions are translated where shown
    ("Space", QT_TRANSLATE_NOOP("WindowMenus", "Play / pause the timeline")),
    ("Left / Right", QT_TRANSLATE_NOOP("WindowMenus", "Step the timeline back / forward")),
    ("Home / End", QT_TRANSLATE_NOOP("WindowMenus", "First / last timeline position")),
    ("Ctrl+Enter", QT_TRANSLATE_NOOP("WindowMenus", "Train")),
    ("Ctrl+N", QT_TRANSLATE_NOOP("WindowMenus", "New experiment")),
    ("Ctrl+O", QT_TRANSLATE_NOOP("WindowMenus", "Open experiment")),
    ("Ctrl+S", QT_TRANSLATE_NOOP("WindowMenus", "Save experiment")),
    ("Ctrl+Shift+S", QT_TRANSLATE_NOOP("WindowMenus", "Save experiment as")),
    ("Ctrl+E", QT_TRANSLATE_NOOP("WindowMenus", "Export from the current tab")),
    ("Ctrl+1 … Ctrl+4", QT_TRANSLATE_NOOP("WindowMenus", "Schedule, Forward, Training, Sampling tab")),
    ("Ctrl+Q", QT_TRANSLATE_NOOP("WindowMenus", "Quit")),
    ("F1", QT_TRANSLATE_NOOP("WindowMenus", "What am I looking at? (explains the current tab)")),
    ("Shift+F1", QT_TRANSLATE_NOOP("WindowMenus", "Keyboard shortcuts")),
]
TAB_ACTIONS = (QT_TRANSLATE_NOOP("WindowMenus", "&1 Schedule"), QT_TRANSLATE_NOOP("WindowMenus", "&2 Forward"),
               QT_TRANSLATE_NOOP("WindowMenus", "&3 Training"), QT_TRANSLATE_NOOP("WindowMenus", "&4 Sampling"))


def _tr(text: str) -> str:
    """Translate a text marked with QT_TRANSLATE_NOOP("WindowMenus", ...) (literals use translate() directly)."""
    return QCoreApplication.translate(CTX, text)


def make_action(window: QWidget, text: str, slot: Callable | None = None, shortcut: Any = None,
                icon: str | None = None, tip: str = "", checkable: bool = False) -> QAction:
    act = QAction(text, window)
    if icon:
        act.setIcon(_theme.icon(icon))
        act.setProperty("icon_name", icon)  # set_theme re-colours the icon from this name
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
    window.addAction(act)
    return act


def install_actions(w: MainWindow) -> None:
    def a(*args: Any) -> QAction:
        return make_action(w, *args)

    translate = QCoreApplication.translate
    w.new_action = a(translate("WindowMenus", "&New experiment"), w.files.new_experiment, QKeySequence.New, "new",
                     translate("WindowMenus", "Start from the default experiment"))
    w.open_action = a(translate("WindowMenus", "&Open experiment…"), w.files.open_experiment_dialog, QKeySequence.Open,
                      "open", translate("WindowMenus", "Open an experiment file (.json)"))
    w.save_action = a(translate("WindowMenus", "&Save experiment"), w.files.save, "Ctrl+S", "save",
                      translate("WindowMenus", "Save the experiment"))
    w.save_as_action = a(translate("WindowMenus", "Save experiment &as…"), w.files.save_as, "Ctrl+Shift+S", None,
                         translate("WindowMenus", "Save the experiment under a new name"))
    w.open_checkpoint_action = a(translate("WindowMenus", "Open &checkpoint…"), w.open_checkpoint_dialog, None,
                                 "checkpoint", translate("WindowMenus", "Load a trained model checkpoint"))
    w.compare_runs_action = a(translate("WindowMenus", "Compare &runs…"), lambda: compare_runs(w), None, None,
                              translate("WindowMenus", "Open several run folders and compare their curves and samples "
                                                "(Runs tab)"))
    w.export_action = a(translate("WindowMenus", "&Export…"), w.export_current, "Ctrl+E", "export",
                        translate("WindowMenus", "Export what the current tab shows"))
    w.quit_action = a(translate("WindowMenus", "&Quit"), w.close, QKeySequence.Quit, None,
                      translate("WindowMenus", "Quit Diffusion Lab"))
    w.quit_action.setMenuRole(QAction.QuitRole)

    w.train_action = a(translate("WindowMenus", "&Train"), w.train, ["Ctrl+Return", "Ctrl+Enter"], "train",
                       translate("WindowMenus", "Train a model with this experiment (Ctrl+Enter)"))
    tl = w.timeline
    w.play_action = a(translate("WindowMenus", "&Play / pause"), tl.toggle_play, "Space", None,
                      translate("WindowMenus", "Play or pause the timeline"))
    w.step_back_action = a(translate("WindowMenus", "Step &back"), lambda: tl.step(-1), "Left", None,
                           translate("WindowMenus", "Previous position"))
    w.step_forward_action = a(translate("WindowMenus", "Step &forward"), lambda: tl.step(1), "Right", None,
                              translate("WindowMenus", "Next position"))
    w.first_action = a(translate("WindowMenus", "&First position"), lambda: tl.set_position(0), "Home")
    w.last_action = a(translate("WindowMenus", "&Last position"), lambda: tl.set_position(tl.count() - 1), "End")
    w.tab_actions = [a(_tr(text), lambda k=k: w.tabs.setCurrentIndex(k), f"Ctrl+{k + 1}")
                     for k, text in enumerate(TAB_ACTIONS)]

    w.theme_group = QActionGroup(w)
    w.theme_group.setExclusive(True)
    w.theme_actions = {}
    for name in _theme.THEMES:
        act = QAction(_theme.theme_label(name), w, checkable=True)
        act.setChecked(name == w.theme_name)
        act.triggered.connect(lambda _c=False, name=name: w.set_theme(name))
        w.theme_group.addAction(act)
        w.theme_actions[name] = act

    w.language_group = QActionGroup(w)
    w.language_group.setExclusive(True)
    w.language_actions = {}
    current = i18n.current()
    for lang, own_name in i18n.LANGUAGES.items():
        act = QAction(own_name, w, checkable=True)  # never translated: each language is named in itself
        act.setChecked(lang == current)
        act.triggered.connect(lambda _c=False, lang=lang: w.set_language(lang))
        w.language_group.addAction(act)
        w.language_actions[lang] = act

    w.shortcuts_action = a(translate("WindowMenus", "&Keyboard shortcuts"), lambda: show_shortcuts(w), "F1", "keyboard")
    w.about_action = a(translate("WindowMenus", "&About Diffusion Lab"), w.show_about, None, "info")
    w.about_action.setMenuRole(QAction.AboutRole)


def install_menus(w: MainWindow) -> None:
    translate = QCoreApplication.translate
    mb = w.menuBar()
    file_menu = mb.addMenu(translate("WindowMenus", "&File"))
    file_menu.addAction(w.new_action)
    file_menu.addAction(w.open_action)
    w.recent_menu = file_menu.addMenu(translate("WindowMenus", "Open &recent"))
    w.recent_menu.aboutToShow.connect(lambda: w.files.fill_recent_menu(w.recent_menu))
    file_menu.addSeparator()
    file_menu.addAction(w.save_action)
    file_menu.addAction(w.save_as_action)
    file_menu.addSeparator()
    file_menu.addAction(w.open_checkpoint_action)
    file_menu.addAction(w.compare_runs_action)
    file_menu.addAction(w.export_action)
    file_menu.addSeparator()
    file_menu.addAction(w.quit_action)

    run_menu = mb.addMenu(translate("WindowMenus", "&Run"))
    run_menu.addAction(w.train_action)
    run_menu.addSeparator()
    for act in (w.play_action, w.step_back_action, w.step_forward_action, w.first_action, w.last_action):
        run_menu.addAction(act)

    view_menu = mb.addMenu(translate("WindowMenus", "&View"))
    theme_menu = view_menu.addMenu(translate("WindowMenus", "&Theme"))
    for act in w.theme_actions.values():
        theme_menu.addAction(act)
    w.language_menu = view_menu.addMenu(translate("WindowMenus", "&Language"))
    for act in w.language_actions.values():
        w.language_menu.addAction(act)
    view_menu.addSeparator()
    w.toggle_experiment_action = w.experiment_dock.toggleViewAction()
    w.toggle_timeline_action = w.timeline_dock.toggleViewAction()
    retranslate_dock_actions(w)
    view_menu.addAction(w.toggle_experiment_action)
    view_menu.addAction(w.toggle_timeline_action)
    w.view_menu = view_menu
    view_menu.addSeparator()
    for act in w.tab_actions:
        view_menu.addAction(act)

    help_menu = mb.addMenu(translate("WindowMenus", "&Help"))
    help_menu.addAction(w.shortcuts_action)
    help_menu.addAction(w.about_action)
    install_help_actions(w, help_menu)  # Help: Start here…, What am I looking at? (F1); Quit asks while training


def install_toolbar(w: MainWindow) -> None:
    translate = QCoreApplication.translate
    tb = QToolBar(translate("WindowMenus", "Main toolbar"), w)
    tb.setObjectName("MainToolbar")
    tb.setMovable(False)
    tb.setIconSize(QSize(18, 18))
    tb.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
    tb.addAction(w.new_action)
    tb.addAction(w.open_action)
    tb.addAction(w.save_action)
    tb.addSeparator()
    tb.addAction(w.train_action)
    tb.addSeparator()
    tb.addAction(w.export_action)
    w.addToolBar(Qt.TopToolBarArea, tb)
    w.toolbar = tb
    w.view_menu.insertAction(w.toggle_experiment_action, tb.toggleViewAction())
    w.new_action.setIconText(translate("WindowMenus", "New"))
    w.open_action.setIconText(translate("WindowMenus", "Open"))
    w.save_action.setIconText(translate("WindowMenus", "Save"))
    w.export_action.setIconText(translate("WindowMenus", "Export"))


def retranslate_dock_actions(w: MainWindow) -> None:
    """The dock toggles' menu texts. A dock resets its toggle action's text to its title whenever the title changes
    (a language switch re-sets the title), so these are set again after every switch."""
    w.toggle_experiment_action.setText(QCoreApplication.translate("WindowMenus", "&Experiment panel"))
    w.toggle_timeline_action.setText(QCoreApplication.translate("WindowMenus", "T&imeline"))


def show_shortcuts(parent: QWidget) -> None:
    rows = "".join(f"<tr><td style='padding:2px 14px 2px 0'><b>{html.escape(k)}</b></td>"
                   f"<td>{html.escape(_tr(v))}</td></tr>" for k, v in SHORTCUTS)
    box = QMessageBox(parent)
    box.setWindowTitle(QCoreApplication.translate("WindowMenus", "Keyboard shortcuts"))
    box.setTextFormat(Qt.RichText)
    box.setText(f"<table>{rows}</table>")
    box.setIcon(QMessageBox.NoIcon)
    box.exec()


def about_html(cfg: ExperimentConfig | None = None) -> str:
    import pyqtgraph
    import torch

    from gui.versions import qt_versions
    from gui.widgets.forms import describe_device

    try:
        from engine.version import __version__
    except Exception:  # noqa: BLE001
        __version__ = QCoreApplication.translate("WindowMenus", "unknown")

    device = describe_device(cfg.training.device if cfg is not None else "auto")[0]
    translate = QCoreApplication.translate
    cuda = torch.version.cuda or translate("WindowMenus", "none")
    rows = [
        (translate("WindowMenus", "Version"), __version__),
        ("Python", f"{platform.python_version()} ({platform.system()} {platform.machine()})"),
        ("PyTorch", f"{torch.__version__} (CUDA {cuda})"),
        ("GUI", qt_versions()),
        ("pyqtgraph", pyqtgraph.__version__),
        (translate("WindowMenus", "Device"), device),
    ]
    table = "".join(f"<tr><td style='padding-right:12px'><b>{k}</b></td><td>{html.escape(str(v))}</td></tr>"
                    for k, v in rows)
    blurb = translate("WindowMenus", "A desktop lab for training small denoising diffusion models (DDPM / DDIM) and "
                              "watching how they work.")
    return f"<h3>Diffusion Lab</h3><p>{blurb}</p><table>{table}</table>"
