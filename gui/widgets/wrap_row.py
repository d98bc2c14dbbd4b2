"""A row of controls that wraps onto more rows when the tab is narrower than the row.

A tab's tool bar (sample count, seed, view, then Run · Cancel · progress) laid out in one QHBoxLayout makes the
whole row the tab's minimum width, and with the Experiment dock beside it the window no longer fits a 1280-px
screen (more so in languages with longer words). :class:`WrapRow` places its items left to right like a line of
text and starts a new line when the next item does not fit, so the minimum width is the widest single item.
Items added with ``trailing=True`` sit at the right edge of their line, as after an ``addStretch`` in a box layout.
Group controls that belong together (a label and its spin box) in :func:`hgroup` so they never part.
"""
from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QHBoxLayout, QLayout, QLayoutItem, QWidget, QWidgetItem


def hgroup(*widgets: QWidget, spacing: int = 6) -> QWidget:
    """``widgets`` side by side in one borderless widget that a :class:`WrapRow` keeps on one line."""
    group = QWidget()
    lay = QHBoxLayout(group)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(spacing)
    for widget in widgets:
        lay.addWidget(widget)
    return group


class WrapRow(QLayout):
    def __init__(self, parent: QWidget | None = None, spacing: int = 6, line_spacing: int = 4, max_lines: int = 2):
        super().__init__(parent)
        self._max_lines = max_lines
        self._items: list[QLayoutItem] = []
        self._trailing_from: int | None = None  # index of the first item pushed to the right edge
        self._spacing = spacing
        self._line_spacing = line_spacing
        self.setContentsMargins(0, 0, 0, 0)

    # ------------------------------------------------------------------ QLayout protocol
    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def addWidget(self, widget: QWidget, trailing: bool = False) -> None:
        if trailing and self._trailing_from is None:
            self._trailing_from = len(self._items)
        self.addChildWidget(widget)
        self.addItem(QWidgetItem(widget))
        self.invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        if not 0 <= index < len(self._items):
            return None
        if self._trailing_from is not None and index < self._trailing_from:
            self._trailing_from -= 1
        return self._items.pop(index)

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def sizeHint(self) -> QSize:
        """Everything on one line."""
        shown = self._shown()
        m = self.contentsMargins()
        width = sum(it.sizeHint().width() for _i, it in shown) + self._spacing * max(0, len(shown) - 1)
        height = max((it.sizeHint().height() for _i, it in shown), default=0)
        return QSize(width + m.left() + m.right(), height + m.top() + m.bottom())

    def minimumSize(self) -> QSize:
        """The narrowest width at which the items take at most ``max_lines`` lines, and the height they then take
        (so a window at its minimum size shows them all). Without the cap, the minimum would stack one item a
        line and the tab's minimum height would grow past what a 800-px screen holds."""
        m = self.contentsMargins()
        shown = self._shown()
        lo = max((it.sizeHint().width() for _i, it in shown), default=0) + m.left() + m.right()
        hi = max(lo, self.sizeHint().width())
        while lo < hi:  # the number of lines only falls as the width grows: bisect for the narrowest
            mid = (lo + hi) // 2
            if self._lines(mid - m.left() - m.right()) <= self._max_lines:
                hi = mid
            else:
                lo = mid + 1
        return QSize(lo, self.heightForWidth(lo))

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    # ------------------------------------------------------------------ placement
    def _shown(self) -> list[tuple[int, QLayoutItem]]:
        return [(i, it) for i, it in enumerate(self._items) if not it.isEmpty()]

    def _split(self, width: int) -> list[list[tuple[int, QLayoutItem]]]:
        """The shown items in lines no wider than ``width`` (an item wider than that gets a line of its own)."""
        lines: list[list[tuple[int, QLayoutItem]]] = [[]]
        used = 0
        for index, item in self._shown():
            w = item.sizeHint().width()
            if lines[-1] and used + self._spacing + w > width:
                lines.append([])
                used = 0
            used += (self._spacing if lines[-1] else 0) + w
            lines[-1].append((index, item))
        return [line for line in lines if line]

    def _lines(self, width: int) -> int:
        return len(self._split(width))

    def _arrange(self, rect: QRect, apply: bool) -> int:
        """Place the items in lines inside ``rect`` (when ``apply``); returns the height the lines take."""
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        y = area.y()
        for line in self._split(area.width()):
            height = max(it.sizeHint().height() for _i, it in line)
            if apply:
                self._place_line(line, area, y, height)
            y += height + self._line_spacing
        return max(0, y - self._line_spacing - area.y()) + m.top() + m.bottom()

    def _place_line(self, line: list[tuple[int, QLayoutItem]], area: QRect, y: int, height: int) -> None:
        widths = [min(it.sizeHint().width(), area.width()) for _i, it in line]
        xs, x = [], area.x()
        for w in widths:
            xs.append(x)
            x += w + self._spacing
        first_trailing = next((k for k, (i, _it) in enumerate(line)
                               if self._trailing_from is not None and i >= self._trailing_from), None)
        if first_trailing is not None:  # the trailing items end at the right edge of the line
            shift = area.right() + 1 - (xs[-1] + widths[-1])
            if shift > 0:
                xs[first_trailing:] = [x0 + shift for x0 in xs[first_trailing:]]
        for (_i, item), x0, w in zip(line, xs, widths):
            h = min(item.sizeHint().height(), height)
            item.setGeometry(QRect(QPoint(x0, y + (height - h) // 2), QSize(w, h)))
