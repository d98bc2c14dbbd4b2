"""Switching the language without a restart: find every text a widget shows and re-set the ones the catalogue knows.

Qt sends ``LanguageChange`` when a translator is installed, but our widgets set their texts once, in ``__init__``,
through ``tr()``. Rather than a ``retranslateUi`` per widget, :func:`retranslate_widgets` walks every live widget
(labels, buttons, group boxes, tabs, combo items, menus and actions, docks, headers, spin-box affixes, pyqtgraph
titles / axis labels / legends), looks the current text up in the catalogue (as English source *or* as translation)
and sets the text the same (context, source) pair has in the new language. A text the catalogue does not know (one
rendered with numbers, a file name) is left alone: its owner re-renders it in ``retranslate()``.

The same walk, read-only, is :func:`collect_texts`: what the window shows, for the "no untranslated text" test.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QGraphicsView,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QPlainTextEdit,
    QSpinBox,
    QTabBar,
    QTableWidget,
    QTextEdit,
    QTreeWidget,
    QWidget,
)

from gui.i18n_catalogue import Catalogue

_TIPS = (("toolTip", "setToolTip"), ("statusTip", "setStatusTip"), ("whatsThis", "setWhatsThis"))


@dataclass
class TextSlot:
    """One text a widget (or action, or plot item) shows, with how to read and replace it."""

    owner: object
    kind: str  # "QLabel.text", "QTabBar.tabText[2]" ...
    path: str  # where in the window: object names / class names from the top-level widget down
    contexts: tuple[str, ...]  # class names of the owner and its ancestors: the likely tr() contexts
    get: Callable[[], str]
    set: Callable[[str], None]
    visual: bool = True  # False: a copy kept for later (a plot title a theme change re-applies), not on screen


@dataclass(frozen=True)
class ShownText:
    path: str
    kind: str
    text: str


def _path(w: QWidget) -> str:
    parts = []
    while w is not None:
        parts.append(w.objectName() or type(w).__name__)
        w = w.parentWidget()
    return "/".join(reversed(parts))


def _contexts(w: QWidget) -> tuple[str, ...]:
    names: list[str] = []
    while w is not None:
        names += [c.__name__ for c in type(w).__mro__[:-3]]
        w = w.parentWidget()
    return tuple(dict.fromkeys(names))


def _widget_slots(w: QWidget) -> Iterator[tuple[str, Callable[[], str], Callable[[str], None]]]:
    """(kind, getter, setter) for each text ``w`` itself shows."""
    cls = type(w).__name__
    for prop, setter in _TIPS:
        yield f"{cls}.{prop}", getattr(w, prop), getattr(w, setter)
    if w.isWindow() or w.inherits("QDockWidget") or w.inherits("QToolBar"):
        yield f"{cls}.windowTitle", w.windowTitle, w.setWindowTitle
    if isinstance(w, (QLabel, QAbstractButton)):
        yield f"{cls}.text", w.text, w.setText
    if isinstance(w, QGroupBox):
        yield f"{cls}.title", w.title, w.setTitle
    if isinstance(w, QMenu):
        yield f"{cls}.title", w.title, w.setTitle
    if isinstance(w, (QLineEdit, QTextEdit, QPlainTextEdit)):
        yield f"{cls}.placeholderText", w.placeholderText, w.setPlaceholderText
    if isinstance(w, (QSpinBox, QDoubleSpinBox)):
        yield f"{cls}.prefix", w.prefix, w.setPrefix
        yield f"{cls}.suffix", w.suffix, w.setSuffix
    if isinstance(w, QAbstractSpinBox):
        yield f"{cls}.specialValueText", w.specialValueText, w.setSpecialValueText
    if isinstance(w, QTabBar):
        for i in range(w.count()):
            yield f"{cls}.tabText[{i}]", lambda i=i: w.tabText(i), lambda t, i=i: w.setTabText(i, t)
            yield f"{cls}.tabToolTip[{i}]", lambda i=i: w.tabToolTip(i), lambda t, i=i: w.setTabToolTip(i, t)
    if isinstance(w, QComboBox):
        for i in range(w.count()):
            yield f"{cls}.itemText[{i}]", lambda i=i: w.itemText(i), lambda t, i=i: w.setItemText(i, t)
            yield (f"{cls}.itemToolTip[{i}]", lambda i=i: _str(w.itemData(i, Qt.ToolTipRole)),
                   lambda t, i=i: w.setItemData(i, t, Qt.ToolTipRole))
    if isinstance(w, QHeaderView):
        yield from _header_slots(w)
    if isinstance(w, (QTableWidget, QTreeWidget, QListWidget)):
        yield from _item_slots(w)


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _header_slots(h: QHeaderView) -> Iterator[tuple[str, Callable[[], str], Callable[[str], None]]]:
    model = h.model()
    if model is None:
        return
    orient = h.orientation()
    for s in range(h.count()):
        for role, name in ((Qt.DisplayRole, "header"), (Qt.ToolTipRole, "headerToolTip")):
            yield (f"QHeaderView.{name}[{s}]", lambda s=s, r=role: _str(model.headerData(s, orient, r)),
                   lambda t, s=s, r=role: model.setHeaderData(s, orient, t, r))


def _item_slots(w: QWidget) -> Iterator[tuple[str, Callable[[], str], Callable[[str], None]]]:
    cls = type(w).__name__
    if isinstance(w, QTableWidget):
        items = [w.item(r, c) for r in range(w.rowCount()) for c in range(w.columnCount())]
        items = [(f"[{it.row()},{it.column()}]", it, None) for it in items if it is not None]
    elif isinstance(w, QListWidget):
        items = [(f"[{r}]", w.item(r), None) for r in range(w.count())]
    else:
        items, stack = [], [(str(i), w.topLevelItem(i)) for i in range(w.topLevelItemCount())]
        while stack:
            name, it = stack.pop()
            items += [(f"[{name},{c}]", it, c) for c in range(w.columnCount())]
            stack += [(f"{name}.{k}", it.child(k)) for k in range(it.childCount())]
    for name, it, col in items:
        if col is None:
            yield f"{cls}.item{name}", it.text, it.setText
            yield f"{cls}.itemToolTip{name}", it.toolTip, it.setToolTip
        else:
            yield f"{cls}.item{name}", lambda it=it, c=col: it.text(c), lambda t, it=it, c=col: it.setText(c, t)
            yield (f"{cls}.itemToolTip{name}", lambda it=it, c=col: it.toolTip(c),
                   lambda t, it=it, c=col: it.setToolTip(c, t))


def _action_slots(a: QAction) -> Iterator[tuple[str, Callable[[], str], Callable[[str], None]]]:
    yield "QAction.text", a.text, a.setText
    yield "QAction.iconText", a.iconText, a.setIconText
    for prop, setter in _TIPS:
        yield f"QAction.{prop}", getattr(a, prop), getattr(a, setter)


def _graphics_slots(view: QGraphicsView) -> Iterator[tuple[object, str, Callable, Callable, bool]]:
    """pyqtgraph items in a view's scene: plot titles, axis labels, legend entries and other text items."""
    import pyqtgraph as pg

    scene = view.scene()
    if scene is None:
        return
    for item in scene.items():
        if not item.isVisible():
            continue
        if isinstance(item, pg.LabelItem):
            def set_label(t, item=item):
                item.setText(t)
                parent = item.parentItem()
                if isinstance(parent, pg.LegendItem):
                    parent.updateSize()
            yield item, "LabelItem.text", lambda item=item: _str(item.text), set_label, True
        elif isinstance(item, pg.AxisItem):
            def set_axis(t, item=item):
                item.labelText = t
                item._updateLabel()
            yield item, "AxisItem.labelText", lambda item=item: _str(item.labelText), set_axis, True
        elif isinstance(item, pg.TextItem):
            yield item, "TextItem.text", item.toPlainText, item.setText, True
        elif isinstance(item, pg.PlotItem) and getattr(item, "_dl_title", None):
            # gui.theme.set_plot_title keeps the title to re-colour it on a theme change: translate that copy too
            yield (item, "PlotItem._dl_title", lambda item=item: item._dl_title,
                   lambda t, item=item: setattr(item, "_dl_title", t), False)


def text_slots(root: QWidget | None = None, *, visible_only: bool = False) -> Iterator[TextSlot]:
    """Every text slot of ``root`` and its descendants (default: every widget of the application) and of their
    actions; ``visible_only``: only what is on screen now (widgets shown, no actions of closed menus)."""
    widgets = QApplication.allWidgets() if root is None else [root, *root.findChildren(QWidget)]
    seen_actions: set[int] = set()
    seen_scenes: set[int] = set()
    keep = []  # Python wrappers of C++ objects can be transient: keep them so an id() is not reused mid-walk
    for w in widgets:
        if visible_only and not w.isVisible():
            continue
        path, contexts = _path(w), _contexts(w)
        for kind, get, set_ in _widget_slots(w):
            yield TextSlot(w, kind, path, contexts, get, set_)
        if isinstance(w, QGraphicsView) and w.scene() is not None and identity(w.scene()) not in seen_scenes:
            seen_scenes.add(identity(w.scene()))
            for item, kind, get, set_, visual in _graphics_slots(w):
                if visual or not visible_only:
                    yield TextSlot(item, kind, path, contexts, get, set_, visual)
        if visible_only:
            continue  # an action is on screen only as a widget (a tool button, an open menu's entry)
        actions = list(w.actions()) + (w.findChildren(QAction, options=Qt.FindDirectChildrenOnly)
                                       if isinstance(w, QObject) else [])
        keep += actions
        for a in actions:
            if identity(a) in seen_actions:
                continue
            seen_actions.add(identity(a))
            for kind, get, set_ in _action_slots(a):
                yield TextSlot(a, kind, path + "/QAction", contexts, get, set_)


def collect_texts(root: QWidget | None = None, *, visible_only: bool = True) -> list[ShownText]:
    """The non-empty texts :func:`text_slots` finds (what a user can read: visible plot copies excluded)."""
    out = []
    for slot in text_slots(root, visible_only=visible_only):
        if not slot.visual:
            continue
        text = slot.get()
        if text and text.strip():
            out.append(ShownText(slot.path, slot.kind, text))
    return out


class Retranslator:
    """Re-sets known texts in a new language. Remembers which (context, source) pair each slot showed, so two
    English texts that share one translation (or the reverse) switch back to the text each slot had."""

    def __init__(self) -> None:
        self._memory: dict[tuple[int, str], tuple[tuple[str, str], str]] = {}

    def run(self, catalogue: Catalogue, lang: str, root: QWidget | None = None) -> int:
        """Translate every known text under ``root`` (default: the whole application) into ``lang``; returns how
        many texts changed."""
        memory: dict[tuple[int, str], tuple[tuple[str, str], str]] = {}
        changed = 0
        for slot in list(text_slots(root)):
            text = slot.get()
            if not text:
                continue
            ident = (identity(slot.owner), slot.kind)
            remembered = self._memory.get(ident)
            if remembered is not None and remembered[1] == text:
                key = remembered[0]
            else:
                keys = catalogue.keys_of(text)
                if not keys:
                    continue
                key = _pick(keys, slot.contexts)
            new = catalogue.text_of(key, lang)
            memory[ident] = (key, new)
            if new != text:
                slot.set(new)
                changed += 1
        self._memory = memory
        return changed


def identity(obj: object) -> int:
    """The C++ object's address for Qt objects (their Python wrappers come and go), else the Python id."""
    try:
        return shiboken6.getCppPointer(obj)[0]
    except (TypeError, ValueError):
        return id(obj)


def _pick(keys: list[tuple[str, str]], contexts: tuple[str, ...]) -> tuple[str, str]:
    """The (context, source) pair whose context is nearest the widget (its own class, then its parents')."""
    rank = {name: i for i, name in enumerate(contexts)}
    return min(keys, key=lambda k: rank.get(k[0], len(rank)))
