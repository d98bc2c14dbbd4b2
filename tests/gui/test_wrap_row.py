"""WrapRow: one line when there is room, more lines when not; trailing items at the right edge of their line."""
from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QWidget

from gui.widgets.wrap_row import WrapRow, hgroup


def _top(button: QPushButton, host: QWidget) -> int:
    return button.mapTo(host, button.rect().topLeft()).y()


def test_wrap_row_wraps_and_keeps_trailing_items_right(qtbot):
    host = QWidget()
    qtbot.addWidget(host)
    row = WrapRow(host)
    buttons = [QPushButton(f"button number {i}") for i in range(4)]
    row.addWidget(hgroup(buttons[0], buttons[1]))
    row.addWidget(buttons[2])
    row.addWidget(buttons[3], trailing=True)
    one_line = row.sizeHint()
    host.resize(one_line.width() + 200, one_line.height())
    host.show()
    qtbot.waitExposed(host)
    tops = {_top(b, host) for b in buttons}
    assert len(tops) == 1  # all on one line
    assert buttons[3].geometry().right() == host.width() - 1  # the trailing button at the right edge
    assert row.heightForWidth(host.width()) == one_line.height()

    narrow = row.minimumSize().width()
    assert narrow < one_line.width()
    assert row.heightForWidth(narrow) > one_line.height()  # wrapped: taller
    host.resize(narrow, row.heightForWidth(narrow))
    qtbot.waitUntil(lambda: _top(buttons[3], host) > _top(buttons[0], host))
    for b in buttons:  # nothing is cut: every button inside the host and at its full width
        assert b.width() == b.sizeHint().width()
        assert 0 <= b.mapTo(host, b.rect().topLeft()).x() and b.mapTo(host, b.rect().topRight()).x() < host.width()
    # the buttons in one group never part
    assert _top(buttons[0], host) == _top(buttons[1], host)
