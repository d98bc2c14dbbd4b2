"""Dark and light palettes for the whole window, with pyqtgraph colours that match them.

One :class:`Theme` object holds every colour the GUI uses. :func:`apply_theme` installs it on the QApplication
(Fusion style + QPalette + a small stylesheet) and sets pyqtgraph's defaults; widgets that already exist are
restyled by :func:`style_plot` (called by panels from their ``apply_theme``). :func:`icon` renders the monochrome
SVG icons in ``resources/icons`` in the theme's text colour, so both palettes get legible icons from one file.
"""
from __future__ import annotations

import colorsys
from dataclasses import dataclass, field

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QByteArray, QCoreApplication, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication

from engine.resources import resource_path

THEMES = ("dark", "light")
# the names View › Theme shows (the keys above are what settings store)
THEME_LABELS = {"dark": QT_TRANSLATE_NOOP("Theme", "Dark"), "light": QT_TRANSLATE_NOOP("Theme", "Light")}


def theme_label(name: str) -> str:
    """A theme's name in the interface language."""
    return QCoreApplication.translate("Theme", THEME_LABELS.get(name, name))


@dataclass(frozen=True)
class Theme:
    name: str
    window: str
    panel: str  # group boxes, docks
    base: str  # text fields, lists
    alt_base: str
    button: str
    text: str
    text_dim: str
    border: str
    accent: str
    accent_text: str
    error: str
    warning: str
    success: str
    plot_bg: str
    plot_fg: str
    grid_alpha: float
    cursor: str
    curves: tuple[str, ...] = field(default_factory=tuple)
    pins: tuple[str, ...] = field(default_factory=tuple)  # overlays that must not look like a live curve

    def curve(self, i: int) -> str:
        return self.curves[i % len(self.curves)]

    def pin(self, i: int) -> str:
        return self.pins[i % len(self.pins)]

    @property
    def is_dark(self) -> bool:
        return self.name == "dark"


DARK = Theme(
    name="dark", window="#1f2126", panel="#24272d", base="#17191d", alt_base="#1c1f24", button="#2c3038",
    text="#e3e6eb", text_dim="#9aa1ac", border="#3a3f48", accent="#4f8ff7", accent_text="#ffffff",
    error="#f2555a", warning="#e8a33d", success="#4cc38a", plot_bg="#17191d", plot_fg="#c3c8d0",
    grid_alpha=0.18, cursor="#f2f2f2",
    curves=("#5aa9ff", "#ffb454", "#57d39b", "#f07ab6", "#c6a0ff", "#ffe066"),
    pins=("#c8ccd4", "#e6d27a", "#7fd0e6", "#e0a8f0"),
)

LIGHT = Theme(
    name="light", window="#f3f4f6", panel="#eceef1", base="#ffffff", alt_base="#f6f7f9", button="#e6e8ec",
    text="#1d2026", text_dim="#5c636e", border="#c4c9d1", accent="#2f6fdb", accent_text="#ffffff",
    error="#d92d35", warning="#a86400", success="#1a8f5a", plot_bg="#ffffff", plot_fg="#2e323a",
    grid_alpha=0.22, cursor="#20242b",
    curves=("#1f6fd1", "#e07b00", "#17945c", "#c43d8b", "#7a4fd6", "#9c8200"),
    pins=("#5f6670", "#8a7300", "#0e7490", "#86198f"),
)

_BY_NAME = {"dark": DARK, "light": LIGHT}
_current: Theme = DARK
_icon_cache: dict[tuple[str, str, str], QIcon] = {}


def get_theme(name: str) -> Theme:
    return _BY_NAME.get(name, DARK)


def current_theme() -> Theme:
    return _current


def _stylesheet(t: Theme) -> str:
    return f"""
QMainWindow::separator {{ background: {t.border}; width: 1px; height: 1px; }}
QToolTip {{ color: {t.text}; background: {t.panel}; border: 1px solid {t.border}; padding: 4px; }}
QLineEdit[invalid="true"], QComboBox[invalid="true"] {{
    border: 1px solid {t.error}; border-radius: 3px; padding: 2px 4px;
    background: {_mix(t.base, t.error, 0.14)}; color: {t.text};
}}
QLabel[role="error"] {{ color: {t.error}; }}
QLabel[role="warning"] {{ color: {t.warning}; }}
QLabel[role="dim"] {{ color: {t.text_dim}; }}
QLabel[role="heading"] {{ font-weight: 600; }}
QLabel[role="readout"] {{ color: {t.text}; font-family: "DejaVu Sans Mono", "Menlo", "Consolas", monospace; }}
QToolButton[role="section"] {{
    border: none; border-bottom: 1px solid {t.border}; padding: 5px 2px; font-weight: 600;
    text-align: left; color: {t.text}; background: transparent;
}}
QToolButton[role="section"]:hover {{ color: {t.accent}; }}
QFrame[role="card"] {{ background: {t.panel}; border: 1px solid {t.border}; border-radius: 4px; }}
QTabWidget::pane {{ border-top: 1px solid {t.border}; top: -1px; }}
QTabBar::tab {{ padding: 6px 16px; border: 1px solid transparent; border-bottom: none; color: {t.text_dim}; }}
QTabBar::tab:selected {{ color: {t.text}; border-color: {t.border}; background: {t.window};
    border-top: 2px solid {t.accent}; border-top-left-radius: 3px; border-top-right-radius: 3px; }}
QTabBar::tab:hover:!selected {{ color: {t.text}; }}
QDockWidget::title {{ padding: 5px 8px; background: {t.panel}; border-bottom: 1px solid {t.border}; }}
QStatusBar {{ border-top: 1px solid {t.border}; }}
QStatusBar QLabel {{ padding: 0 8px; color: {t.text_dim}; }}
QToolBar {{ border-bottom: 1px solid {t.border}; spacing: 4px; padding: 2px 4px; }}
QPushButton[role="primary"] {{ background: {t.accent}; color: {t.accent_text}; border: 1px solid {t.accent};
    border-radius: 3px; padding: 4px 12px; font-weight: 600; }}
QPushButton[role="primary"]:disabled {{ background: {t.button}; color: {t.text_dim}; border-color: {t.border}; }}
"""


def _mix(a: str, b: str, f: float) -> str:
    ca, cb = QColor(a), QColor(b)
    return QColor(
        round(ca.red() * (1 - f) + cb.red() * f),
        round(ca.green() * (1 - f) + cb.green() * f),
        round(ca.blue() * (1 - f) + cb.blue() * f),
    ).name()


def _palette(t: Theme) -> QPalette:
    p = QPalette()
    c = QColor
    p.setColor(QPalette.Window, c(t.window))
    p.setColor(QPalette.WindowText, c(t.text))
    p.setColor(QPalette.Base, c(t.base))
    p.setColor(QPalette.AlternateBase, c(t.alt_base))
    p.setColor(QPalette.ToolTipBase, c(t.panel))
    p.setColor(QPalette.ToolTipText, c(t.text))
    p.setColor(QPalette.PlaceholderText, c(t.text_dim))
    p.setColor(QPalette.Text, c(t.text))
    p.setColor(QPalette.Button, c(t.button))
    p.setColor(QPalette.ButtonText, c(t.text))
    p.setColor(QPalette.BrightText, c(t.error))
    p.setColor(QPalette.Highlight, c(t.accent))
    p.setColor(QPalette.HighlightedText, c(t.accent_text))
    p.setColor(QPalette.Link, c(t.accent))
    p.setColor(QPalette.Light, c(_mix(t.button, "#ffffff", 0.25)))
    p.setColor(QPalette.Midlight, c(_mix(t.button, "#ffffff", 0.12)))
    p.setColor(QPalette.Mid, c(t.border))
    p.setColor(QPalette.Dark, c(_mix(t.button, "#000000", 0.35)))
    p.setColor(QPalette.Shadow, c("#000000"))
    for role in (QPalette.WindowText, QPalette.Text, QPalette.ButtonText):
        p.setColor(QPalette.Disabled, role, c(t.text_dim if t.is_dark else "#9aa0a8"))
    p.setColor(QPalette.Disabled, QPalette.Base, c(t.alt_base))
    p.setColor(QPalette.Disabled, QPalette.Button, c(_mix(t.button, t.window, 0.5)))
    return p


def apply_theme(app: QApplication | None, name: str) -> Theme:
    """Install the named palette on ``app`` and pyqtgraph; returns the :class:`Theme`."""
    global _current
    theme = get_theme(name)
    _current = theme
    pg.setConfigOptions(antialias=True, background=theme.plot_bg, foreground=theme.plot_fg)
    if app is not None and app.property("dl_theme") != theme.name:
        # restyling every widget is not free: only when the palette really changes
        app.setStyle("Fusion")
        app.setPalette(_palette(theme))
        app.setStyleSheet(_stylesheet(theme))
        app.setProperty("dl_theme", theme.name)
    return theme


# ---------------------------------------------------------------------------------------------- pyqtgraph helpers
def style_plot(target, theme: Theme | None = None) -> None:
    """Restyle a ``PlotWidget`` / ``PlotItem`` (background, axes, grid, title, legend) for ``theme``."""
    theme = theme or _current
    widget = None
    item = target
    if isinstance(target, pg.PlotWidget):
        widget = target
        item = target.getPlotItem()
    if widget is not None:
        widget.setBackground(theme.plot_bg)
    fg = QColor(theme.plot_fg)
    for name in ("left", "bottom", "right", "top"):
        axis = item.getAxis(name)
        if axis is None:
            continue
        # no "(x0.001)" SI scaling of unit-less axes: the tick labels carry the scale
        if hasattr(axis, "setSIPrefixEnableRanges"):
            axis.setSIPrefixEnableRanges(((0.0, 0.0),))
        axis.enableAutoSIPrefix(False)
        axis.setPen(pg.mkPen(_mix(theme.plot_fg, theme.plot_bg, 0.45)))
        axis.setTextPen(pg.mkPen(fg))
    item.showGrid(x=True, y=True, alpha=theme.grid_alpha)
    title = getattr(item, "_dl_title", None)
    if title:
        item.setTitle(title, color=theme.plot_fg, size="10pt")
    legend = item.legend
    if legend is not None:
        legend.setBrush(pg.mkBrush(_with_alpha(theme.plot_bg, 200)))
        legend.setPen(pg.mkPen(_mix(theme.plot_fg, theme.plot_bg, 0.7)))
        legend.setLabelTextColor(fg)
        for _sample, label in legend.items:
            label.setText(label.text, color=fg)


def set_plot_title(item, text: str, theme: Theme | None = None) -> None:
    """Set a PlotItem title that :func:`style_plot` re-colours on a theme change."""
    theme = theme or _current
    if isinstance(item, pg.PlotWidget):
        item = item.getPlotItem()
    item._dl_title = text
    item.setTitle(text, color=theme.plot_fg, size="10pt")


def _with_alpha(color: str, alpha: int) -> QColor:
    c = QColor(color)
    c.setAlpha(alpha)
    return c


def with_alpha(color: str, alpha: int) -> QColor:
    return _with_alpha(color, alpha)


# ---------------------------------------------------------------------------------------------- point colours
def point_palette(x0: np.ndarray, hue_bins: int = 36, sat_levels: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Colour per point from its clean position: hue = angle around the origin, saturation grows with the radius
    (as :func:`engine.plotting.point_colors`), quantized to a few hundred colours at most so pyqtgraph's symbol
    atlas stays small. Returns (uint8 colours (N, 3), int codes (N,) indexing the unique colours)."""
    x0 = np.asarray(x0, dtype=np.float64)
    angle = (np.arctan2(x0[:, 1], x0[:, 0]) / (2 * np.pi)) % 1.0
    radius = np.clip(np.hypot(x0[:, 0], x0[:, 1]) / 2.5, 0.0, 1.0)
    hb = np.minimum((angle * hue_bins).astype(np.int64), hue_bins - 1)
    sb = np.minimum((radius * sat_levels).astype(np.int64), sat_levels - 1)
    codes = hb * sat_levels + sb
    table = np.zeros((hue_bins * sat_levels, 3), dtype=np.uint8)
    for h in range(hue_bins):
        for k in range(sat_levels):
            sat = 0.55 + 0.45 * (k + 0.5) / sat_levels
            rgb = colorsys.hsv_to_rgb((h + 0.5) / hue_bins, sat, 0.95)
            table[h * sat_levels + k] = np.round(np.asarray(rgb) * 255)
    return table[codes], codes


# ---------------------------------------------------------------------------------------------- icons
def icon(name: str, color: str | None = None, theme: Theme | None = None) -> QIcon:
    """``resources/icons/<name>.svg`` with ``currentColor`` replaced by ``color`` (default: the theme's text)."""
    theme = theme or _current
    color = color or theme.text
    key = (name, color, theme.name)
    cached = _icon_cache.get(key)
    if cached is not None:
        return cached
    path = resource_path("icons", f"{name}.svg")
    result = QIcon()
    if path.is_file():
        try:
            from PySide6.QtSvg import QSvgRenderer

            data = path.read_text(encoding="utf-8").replace("currentColor", color)
            renderer = QSvgRenderer(QByteArray(data.encode("utf-8")))
            for size in (16, 20, 24, 32, 48, 64):
                pix = QPixmap(QSize(size, size))
                pix.fill(Qt.transparent)
                painter = QPainter(pix)
                renderer.render(painter, QRectF(0, 0, size, size))
                painter.end()
                result.addPixmap(pix)
            disabled = QColor(theme.text_dim)
            disabled.setAlpha(120)
            data_dis = path.read_text(encoding="utf-8").replace("currentColor", disabled.name())
            renderer = QSvgRenderer(QByteArray(data_dis.encode("utf-8")))
            for size in (16, 20, 24, 32):
                pix = QPixmap(QSize(size, size))
                pix.fill(Qt.transparent)
                painter = QPainter(pix)
                painter.setOpacity(0.55)
                renderer.render(painter, QRectF(0, 0, size, size))
                painter.end()
                result.addPixmap(pix, QIcon.Disabled)
        except Exception:  # noqa: BLE001 - QtSvg missing or broken in a stripped bundle: fall back to the file
            result = QIcon(str(path))
    _icon_cache[key] = result
    return result


def stop_icon(color: str) -> QIcon:
    """A filled square (there is no stop.svg among the shared icons)."""
    icon = QIcon()
    for size in (16, 20, 24, 32):
        pix = QPixmap(QSize(size, size))
        pix.fill(Qt.transparent)
        p = QPainter(pix)
        p.setRenderHint(QPainter.Antialiasing)
        p.setPen(Qt.NoPen)
        p.setBrush(QColor(color))
        m = size * 0.25
        p.drawRoundedRect(m, m, size - 2 * m, size - 2 * m, size * 0.06, size * 0.06)
        p.end()
        icon.addPixmap(pix)
    return icon


def app_icon() -> QIcon:
    path = resource_path("icons", "app.svg")
    return QIcon(str(path)) if path.is_file() else QIcon()
