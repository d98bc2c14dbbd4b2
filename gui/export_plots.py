"""Plot exports for the Export dialog: pyqtgraph plots saved as PNG or SVG, in the GUI thread (they paint Qt items)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication

from engine import export as E


def _plot_item(plot: Any):
    """A PlotWidget -> its PlotItem; a GraphicsLayoutWidget -> its layout; anything else as given."""
    if hasattr(plot, "getPlotItem"):
        return plot.getPlotItem()
    if hasattr(plot, "ci"):
        return plot.ci
    return plot


def export_plot(plot: Any, path: str | Path, width: int = 1200, height: int | None = None) -> Path:
    """Save a pyqtgraph plot (PlotWidget / PlotItem / GraphicsLayoutWidget) as ``.png`` (ImageExporter, ``width``
    pixels wide; ``height`` follows the on-screen aspect unless given) or ``.svg`` (SVGExporter). Atomic; call it
    in the GUI thread."""
    import pyqtgraph.exporters as pgx

    path = E.check_target(path, [".png", ".svg"])
    item = _plot_item(plot)
    if path.suffix.lower() == ".svg":
        with E.AtomicExport(path, ".tmp.svg") as tmp:
            _export_svg(item, tmp, width, height)
        return path
    exporter = pgx.ImageExporter(item)
    params = exporter.parameters()
    names = {child.name() for child in params.children()}
    if width and "width" in names:
        params["width"] = int(width)
    if height and "height" in names:
        params["height"] = int(height)
    if "width" in names and isinstance(params["width"], float):  # keep pyqtgraph's size parameters integral
        params["width"] = int(round(params["width"]))
    if "height" in names and isinstance(params["height"], float):
        params["height"] = int(round(params["height"]))
    with E.AtomicExport(path, ".tmp.png") as tmp:
        exporter.export(str(tmp))
        if not tmp.exists() or tmp.stat().st_size == 0:
            raise E.ExportError(QCoreApplication.translate("ExportDialog", "cannot write {0}: the plot could not be "
                                                             "rendered").format(path))
    return path


def _export_svg(item: Any, tmp: Path, width: int | None, height: int | None) -> None:
    """pyqtgraph's SVGExporter, or — where it fails (pyqtgraph <= 0.14 cannot parse the closing "Z" that recent
    Qt 6 writes into SVG paths, pyqtgraph issue #3485) — Qt's own QSvgGenerator painting the same scene area."""
    import pyqtgraph.exporters as pgx

    try:
        exporter = pgx.SVGExporter(item)
        params = exporter.parameters()
        names = {child.name() for child in params.children()}
        if width and "width" in names:
            params["width"] = int(width)
        exporter.export(str(tmp))
        if tmp.exists() and tmp.stat().st_size > 0:
            return
    except Exception:  # noqa: BLE001 - fall back to Qt's generator below
        pass
    from PySide6.QtCore import QRectF, QSize
    from PySide6.QtGui import QPainter
    from PySide6.QtSvg import QSvgGenerator

    scene = item.scene()
    if scene is None:
        raise E.ExportError(QCoreApplication.translate("ExportDialog", "cannot export the plot as SVG: it is not "
                                                         "shown in a window"))
    source = item.sceneBoundingRect() if hasattr(item, "sceneBoundingRect") else scene.sceneRect()
    sw, sh = max(1.0, source.width()), max(1.0, source.height())
    w = int(width or sw)
    h = int(height or round(w * sh / sw))
    generator = QSvgGenerator()
    generator.setFileName(str(tmp))
    generator.setSize(QSize(w, h))
    generator.setViewBox(QRectF(0, 0, sw, sh))  # paint 1:1 (axes draw in device pixels); the viewer scales
    views = scene.views()
    generator.setResolution(int(views[0].logicalDpiX()) if views else 96)  # the screen's: fonts and ticks match
    generator.setTitle("Diffusion Lab plot")
    painter = QPainter(generator)
    try:
        if views:
            painter.fillRect(QRectF(0, 0, sw, sh), views[0].backgroundBrush())
        scene.render(painter, QRectF(0, 0, sw, sh), source)
    finally:
        painter.end()
    if not tmp.exists() or tmp.stat().st_size == 0:
        raise E.ExportError(QCoreApplication.translate("ExportDialog", "cannot export the plot as SVG: nothing was "
                                                         "rendered"))
    # QSvgGenerator states the size in millimetres; say pixels, like the PNG export and pyqtgraph do
    import re

    text = tmp.read_text(encoding="utf-8")
    head, sep, rest = text.partition("<svg")
    tag, close, body = rest.partition(">")
    tag = re.sub(r'\bwidth="[^"]*"', f'width="{w}"', tag, count=1)
    tag = re.sub(r'\bheight="[^"]*"', f'height="{h}"', tag, count=1)
    tmp.write_text(head + sep + tag + close + body, encoding="utf-8")
