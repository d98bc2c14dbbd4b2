"""The start page (gui/start_page.py) and Help › What am I looking at? (gui/help_actions.py, gui/help_texts.py),
driven through the real window: clicks on the page's buttons start the right run, F1 explains the tab on screen."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox


def test_the_start_page_shows_on_the_first_start_only_unless_asked(qtbot, settings_path, make_window):
    from gui.settings import Settings
    from gui.start_page import should_show_start_page, show_start_page

    assert should_show_start_page(Settings.from_file(settings_path))  # a fresh install
    window = make_window()
    page = show_start_page(window)  # what gui/app.py does after the window shows
    assert not page.show_check.isChecked()
    page.close()
    assert not should_show_start_page(Settings.from_file(settings_path))  # the second start: not again
    page = show_start_page(window)
    page.show_check.setChecked(True)  # "Show this page on start"
    window.settings.sync()
    assert should_show_start_page(Settings.from_file(settings_path))
    page.show_check.setChecked(False)
    window.settings.sync()
    assert not should_show_start_page(Settings.from_file(settings_path))


def test_a_built_window_never_opens_the_start_page(main_window):
    from gui.start_page import StartPage

    QApplication.processEvents()
    assert not [page for page in main_window.findChildren(StartPage) if page.isVisible()]


@pytest.mark.parametrize("dataset,button,budget", [("moons", "moons_button", 30.0),
                                                   ("digits", "digits_button", 120.0)])
def test_each_experiment_button_starts_its_preset_run(qtbot, main_window, dataset, button, budget):
    from engine.presets import default_config
    from gui.start_page import show_start_page

    window = main_window
    window.form.set_dataset("swissroll")  # something else before the click
    page = show_start_page(window)
    steps = []
    window.worker.progress.connect(lambda event: steps.append(int(event.step)))
    qtbot.mouseClick(getattr(page, button), Qt.LeftButton)
    assert not page.isVisible()  # the page gets out of the way (and is deleted)
    cfg = window.config()
    assert cfg.data.dataset == dataset and cfg.training.time_budget == budget
    expected = default_config(dataset)  # the preset's settings, only the time budget added
    assert (cfg.model, cfg.schedule, cfg.training.steps, cfg.training.lr) == (
        expected.model, expected.schedule, expected.training.steps, expected.training.lr)
    assert window.tabs.currentWidget() is window.training_panel
    assert window.worker.state() == "running" and window.training_panel.state() in ("running", "paused")
    qtbot.waitUntil(lambda: bool(steps) and steps[-1] >= 2, timeout=90000)  # it really trains
    window.training_panel.stop()
    qtbot.waitUntil(lambda: window.training_panel.state() == "idle", timeout=20000)


def test_draw_your_own_opens_the_2d_lab_in_draw_mode(qtbot, main_window, monkeypatch):
    from gui.start_page import show_start_page

    window = main_window
    page = show_start_page(window)
    lab = window.lab2d_panel
    lab.drawing.erase_button.setChecked(True)  # left in erase mode earlier
    qtbot.mouseClick(page.draw_button, Qt.LeftButton)
    assert window.tabs.currentWidget() is lab
    assert lab.drawing.draw_button.isChecked() and lab.canvas.erasing is False
    assert "Train on drawing" in lab.message()

    shown = []  # the page's shortcuts button opens the one shortcuts table (window_menus.show_shortcuts)
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()))
    page = show_start_page(window)
    qtbot.mouseClick(page.shortcuts_button, Qt.LeftButton)
    from gui.window_menus import SHORTCUTS

    assert len(shown) == 1 and all(key in shown[0] for key, _ in SHORTCUTS)


def test_every_tab_has_an_explanation_and_f1_shows_it(qtbot, main_window):
    from gui.help_actions import current_panel_name
    from gui.help_texts import HELP_TEXTS, help_for

    window = main_window
    assert window.whats_this_action.shortcut().toString() == "F1"
    seen = set()
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        name = current_panel_name(window)
        assert name in HELP_TEXTS, f"tab {window.tabs.tabText(index)} has no help entry"
        title, text = help_for(name)
        assert text.count(". ") >= 2 and ("et al." in text)  # three sentences with the paper
        window.activateWindow()  # a closed box leaves no active window on the offscreen platform
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
        qtbot.keyClick(window, Qt.Key_F1)
        boxes = [b for b in window.findChildren(QMessageBox, "whatAmILookingAt") if b.isVisible()]
        assert len(boxes) == 1, window.tabs.tabText(index)
        assert boxes[0].text() == text and boxes[0].windowTitle() == title
        seen.add(text)
        boxes[0].close()
        QApplication.processEvents()
    assert len(seen) == window.tabs.count() == len(HELP_TEXTS)  # one distinct entry per tab


def test_the_help_menu_offers_start_here_and_the_explanation(main_window):
    from gui.start_page import StartPage

    window = main_window
    help_menu = [a.menu() for a in window.menuBar().actions() if a.menu() and window.about_action in a.menu().actions()]
    assert len(help_menu) == 1
    assert help_menu[0].actions() == [window.start_here_action, window.whats_this_action, window.shortcuts_action,
                                      window.about_action]
    assert window.shortcuts_action.shortcut().toString() == "Shift+F1"
    window.start_here_action.trigger()
    pages = [page for page in window.findChildren(StartPage) if page.isVisible()]
    assert len(pages) == 1
    pages[0].close()
