"""The 2-D lab's reverse-process views: ODE vs SDE paths drawn over the field, and the marginals-over-t plot.

They only draw what the worker computed (gui/events/: PathsReady, MarginalsReady; engine/reverse_paths.py).
Each kind of path is one item for all the followed points (NaN rows break the line between points), so an update is
a few setData calls whatever the number of points.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt

from gui.events import MarginalsReady, PathsReady

ODE_COLOR = "#00e5ff"
SDE_COLOR = "#ff4fd8"
SAMPLER_COLORS = {"ddpm": SDE_COLOR, "ddim": ODE_COLOR, "dpmpp_2m": "#ffd166", "euler": "#8ce99a", "heun": "#b197fc"}
FLOOR_COLOR = "#9aa0a6"


def sampler_label(name: str) -> str:
    labels = {"ddpm": QCoreApplication.translate("Lab2D", "DDPM (SDE)"),
              "ddim": QCoreApplication.translate("Lab2D", "DDIM η=0 (ODE)"),
              "dpmpp_2m": QCoreApplication.translate("Lab2D", "DPM++(2M)")}
    return labels.get(name, name)


def joined(paths: np.ndarray) -> np.ndarray:
    """(frames, n, 2) positions as one (n * (frames + 1), 2) polyline, each point's path followed by a NaN row."""
    frames, n, _ = paths.shape
    out = np.full((n, frames + 1, 2), np.nan)
    out[:, :frames] = np.transpose(paths, (1, 0, 2))
    return out.reshape(-1, 2)


class PathOverlay:
    """ODE and SDE paths, their shared start x_T, their ends and where each point is at the field's t, added to
    ``plot`` (the field view's PlotItem) with a legend of its own entries."""

    def __init__(self, plot: pg.PlotItem):
        self.ode = pg.PlotDataItem(pen=pg.mkPen(ODE_COLOR, width=2.5), connect="finite")
        # the SDE's big early jumps would hide everything under an opaque line: thin and half transparent
        self.sde = pg.PlotDataItem(pen=pg.mkPen(SDE_COLOR, width=1.0), connect="finite")
        self.sde.setOpacity(0.6)
        self.start = pg.ScatterPlotItem(size=9, symbol="s", pen=pg.mkPen("w", width=1.2), brush=pg.mkBrush(0, 0, 0))
        self.ode_now = pg.ScatterPlotItem(size=10, pen=pg.mkPen("w", width=1), brush=pg.mkBrush(ODE_COLOR))
        self.sde_now = pg.ScatterPlotItem(size=10, pen=pg.mkPen("w", width=1), brush=pg.mkBrush(SDE_COLOR))
        self.items = (self.sde, self.ode, self.start, self.sde_now, self.ode_now)
        for z, item in enumerate(self.items):
            item.setZValue(20 + z)  # over the arrows and the heatmap
            plot.addItem(item)
        # small, in the corner: the field under it stays readable
        self.legend = pg.LegendItem(offset=(6, 6), labelTextColor="w", labelTextSize="8pt", verticalSpacing=-4,
                                    brush=pg.mkBrush(0, 0, 0, 150))
        self.legend.setParentItem(plot.getViewBox())
        self.legend.addItem(self.ode, QCoreApplication.translate("Lab2D", "ODE · DDIM η=0"))
        self.legend.addItem(self.sde, QCoreApplication.translate("Lab2D", "SDE · DDPM"))
        self.legend.addItem(self.start, QCoreApplication.translate("Lab2D", "shared x_T"))
        self.paths: PathsReady | None = None
        self.frame = 0  # the frame the markers show
        self.set_visible(False)

    def show_paths(self, event: PathsReady, t: int) -> None:
        self.paths = event
        self.ode.setData(joined(event.ode.astype(np.float64)))
        self.sde.setData(joined(event.sde.astype(np.float64)))
        self.start.setData(pos=event.ode[0].astype(np.float64))
        self.set_t(t)
        self.set_visible(True)

    def frame_at(self, t: int) -> int:
        """The recorded frame whose paper t is nearest to ``t``."""
        assert self.paths is not None
        return int(np.argmin(np.abs(self.paths.t.astype(np.int64) - int(t))))

    def set_t(self, t: int) -> None:
        if self.paths is None:
            return
        self.frame = self.frame_at(t)
        self.ode_now.setData(pos=self.paths.ode[self.frame].astype(np.float64))
        self.sde_now.setData(pos=self.paths.sde[self.frame].astype(np.float64))

    def clear(self) -> None:
        self.paths = None
        self.set_visible(False)

    def set_visible(self, visible: bool) -> None:
        shown = bool(visible and self.paths is not None)
        for item in (*self.items, self.legend):
            item.setVisible(shown)

    def visible(self) -> bool:
        return self.ode.isVisible()


class MarginalsPlot(pg.PlotWidget):
    """SW(sampled x_t cloud, q(x_t)) against the paper's t, one curve per sampler, the two-sample floor dashed."""

    def __init__(self, parent=None):
        super().__init__(parent)
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.showGrid(x=True, y=True, alpha=0.15)
        item.setLabel("bottom", self.tr("t"))
        item.setLabel("left", self.tr("sliced W₂ to q(x_t)"))
        item.getAxis("left").enableAutoSIPrefix(False)
        item.getViewBox().invertX(True)  # sampling runs from t = T down to 0: read it left to right
        self.curves: dict[str, pg.PlotDataItem] = {}
        # the legend is legend_html(), a label beside the plot: an in-plot legend would hide the curves
        self.floor = self.plot([], [], pen=pg.mkPen(FLOOR_COLOR, width=1.5, style=Qt.DashLine))
        self.now = pg.InfiniteLine(angle=90, pen=pg.mkPen("#cccccc", width=1, style=Qt.DotLine))
        item.addItem(self.now)
        self.result: MarginalsReady | None = None

    def show_marginals(self, event: MarginalsReady) -> None:
        self.result = event
        t = event.t.astype(np.float64)
        for name in [n for n in self.curves if n not in event.samplers]:
            self.removeItem(self.curves.pop(name))
        for name, row in zip(event.samplers, event.distance, strict=True):
            if name not in self.curves:
                color = SAMPLER_COLORS.get(name, "#ffffff")
                self.curves[name] = self.plot([], [], pen=pg.mkPen(color, width=2), symbol="o", symbolSize=4,
                                              symbolBrush=color, symbolPen=None)
            self.curves[name].setData(t, row)
        self.floor.setData(t, event.floor)
        top = float(np.max(np.concatenate([event.distance[np.isfinite(event.distance)], event.floor])))
        self.setYRange(0.0, 1.05 * top if top > 0 else 1.0, padding=0)  # from 0: the gaps read as they are

    def set_t(self, t: int) -> None:
        self.now.setValue(float(t))


def legend_html(event: MarginalsReady) -> str:
    """Each curve's colour swatch, name and distance at t = 0 (the finished samples against the data), then the
    floor's: the plot's legend and its headline numbers in one line."""
    parts = [f'<span style="color:{SAMPLER_COLORS.get(name, "#ffffff")}">━━</span> {sampler_label(name)} '
             f"<b>{row[-1]:.3f}</b>" for name, row in zip(event.samplers, event.distance, strict=True)]
    floor = QCoreApplication.translate("Lab2D", "floor (two q(x_t) draws)")
    parts.append(f'<span style="color:{FLOOR_COLOR}">╌╌</span> {floor} <b>{float(event.floor[-1]):.3f}</b>')
    return " &nbsp; ".join(parts)
