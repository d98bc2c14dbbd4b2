"""The window fits a 1280x800 screen with the Experiment dock at its default width, in English and in Chinese.

Each tab's minimum size plus the dock must fit beside each other, and at 1280x800 no label, check box or button
shown in the dock or in a tab may be cut: its text's width (sizeHint) must fit in the part of it that its parents
leave visible, unless the widget wraps its text (word-wrapped labels grow downwards instead).
"""
from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QPushButton, QTabWidget, QWidget

from gui import i18n

SCREEN_W, SCREEN_H = 1280, 800
MAX_MIN_H = 760  # the window's minimum height: the screen less a panel/taskbar


@pytest.fixture(params=["en", "zh_CN"])
def lang(request):
    installed = i18n.install(QApplication.instance(), request.param)
    assert installed == request.param
    yield request.param
    i18n.install(QApplication.instance(), "en")


def visible_width(widget: QWidget, root: QWidget) -> int:
    """How much of ``widget``'s width its ancestors up to ``root`` leave visible (a scroll area's viewport, a
    splitter pane clip it); only the horizontal extent counts, so a widget scrolled out of view vertically still
    counts as shown in full."""
    left, right = 0, widget.width()
    node = widget
    while node is not root and node.parentWidget() is not None:
        parent = node.parentWidget()
        offset = widget.mapTo(parent, QPoint(0, 0)).x()
        left, right = max(left, -offset), min(right, parent.width() - offset)
        node = parent
    return max(0, right - left)


def cut_plot_titles(root: QWidget) -> list[str]:
    """pyqtgraph plot titles wider than the space their plot gives them (pyqtgraph cuts them off)."""
    cut = []
    for plot in root.findChildren(pg.PlotWidget):
        title = plot.getPlotItem().titleLabel
        if not plot.isVisible() or not title.isVisible() or not title.text:
            continue
        # the plot's layout may overflow the view, so compare the text with what the view shows, in scene units
        text = title.item.sceneBoundingRect()
        shown = plot.mapToScene(plot.viewport().rect()).boundingRect()
        if text.left() < shown.left() - 1 or text.right() > shown.right() + 1:
            cut.append(f"plot title {title.text[:40]!r}: {text.width():.0f} px wide, shown "
                       f"{min(text.right(), shown.right()) - max(text.left(), shown.left()):.0f}")
    return cut


def clipped_texts(root: QWidget) -> list[str]:
    cut = cut_plot_titles(root)
    for widget in root.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel):
            if widget.wordWrap() or not widget.text() or (widget.pixmap() is not None and not widget.pixmap().isNull()):
                continue
        elif not isinstance(widget, (QCheckBox, QPushButton)) or not widget.text():
            continue
        shown = visible_width(widget, root)
        if widget.sizeHint().width() > shown + 1:  # 1 px: rounding of fractional font metrics
            cut.append(f"{type(widget).__name__} {widget.text()[:40]!r}: needs {widget.sizeHint().width()} px, "
                       f"shows {shown}")
    return cut


def pages(window):
    """(name, root) for every tab and every page of a tab's own tab widgets, each made current in turn."""
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        panel = window.tabs.currentWidget()
        QApplication.processEvents()
        yield window.tabs.tabText(index), panel
        for sub in panel.findChildren(QTabWidget):
            if sub.count() > 1 and sub.isVisible():
                for j in range(1, sub.count()):
                    sub.setCurrentIndex(j)
                    QApplication.processEvents()
                    yield f"{window.tabs.tabText(index)} › {sub.tabText(j)}", panel
                sub.setCurrentIndex(0)
    # the Inversion tab's 2-D view (shown for point data) has the longest plot title
    inversion = window.inversion_panel
    window.tabs.setCurrentWidget(inversion)
    inversion.views.setCurrentWidget(inversion.points)
    QApplication.processEvents()
    yield "Inversion (2-D view)", inversion
    inversion.views.setCurrentWidget(inversion.images)


def test_minimum_size_fits_the_screen(make_window, lang):
    window = make_window(size=(SCREEN_W, SCREEN_H))
    hint = window.minimumSizeHint()
    assert hint.width() <= SCREEN_W and hint.height() <= MAX_MIN_H, (lang, hint.toTuple())
    QApplication.processEvents()
    assert window.width() == SCREEN_W and window.experiment_dock.isVisible()
    dock_w = window.experiment_dock.width()
    assert dock_w >= window.form.minimumWidth()
    for index in range(window.tabs.count()):
        panel = window.tabs.widget(index)
        # the tab beside the dock as the window lays it out at 1280 (the dock's splitter handle and margins)
        room = SCREEN_W - dock_w - 8
        assert panel.minimumSizeHint().width() <= room, (lang, window.tabs.tabText(index),
                                                         panel.minimumSizeHint().toTuple(), room)


def test_no_text_is_cut_at_1280x800(make_window, lang):
    window = make_window(size=(SCREEN_W, SCREEN_H))
    QApplication.processEvents()
    assert window.width() == SCREEN_W  # the window really is 1280 wide, not pushed wider by a minimum size
    cut = [f"Experiment dock: {c}" for c in clipped_texts(window.experiment_dock)]
    for name, panel in pages(window):
        cut += [f"{name}: {c}" for c in clipped_texts(panel)]
    assert not cut, f"{lang}:\n" + "\n".join(cut)


def test_visible_width_sees_a_clipping_parent(qtbot):
    """The check above is only as good as visible_width: a label wider than the frame holding it is found cut."""
    frame = QWidget()
    qtbot.addWidget(frame)
    frame.resize(60, 30)
    label = QLabel("a label much wider than sixty pixels", frame)
    label.resize(label.sizeHint())
    frame.show()
    qtbot.waitExposed(frame)
    assert visible_width(label, frame) == 60
    assert clipped_texts(frame)
    label.setWordWrap(True)
    assert not clipped_texts(frame)
