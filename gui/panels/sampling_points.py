"""The Sampling tab's 2-D view: x_t coloured by where each point ends, the predicted x0, and a dozen points' paths.

It only draws recorded numpy frames of a :class:`~engine.samplers.Trajectory` (or the live x_t of a running
sampler); nothing is recomputed while the timeline is scrubbed.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QEvent

from gui import theme as _theme
from gui.panels.training_preview import quantized_brushes
from gui.widgets.fit_view import fit_view

if TYPE_CHECKING:
    from engine.samplers import Trajectory

N_TRACKS = 12  # points whose paths are drawn
X0_ALPHA = 170  # opacity of the predicted-x0 cloud
POINT_RANGE = 3.5
TITLE = QT_TRANSLATE_NOOP("ReverseProcessPlot", "Reverse process in 2-D")  # translated where shown


class ReverseProcessPlot(pg.PlotWidget):
    """A fixed square view of a 2-D reverse process."""

    def __init__(self) -> None:
        super().__init__()
        t = _theme.current_theme()
        self.setMenuEnabled(False)
        item = self.getPlotItem()
        _theme.set_plot_title(item, QCoreApplication.translate("ReverseProcessPlot", TITLE))
        item.setLabel("left", "x₂")
        item.setLabel("bottom", "x₁")
        item.getViewBox().setAspectLocked(True)
        item.setXRange(-POINT_RANGE, POINT_RANGE, padding=0)
        item.setYRange(-POINT_RANGE, POINT_RANGE, padding=0)
        self.legend = item.addLegend(offset=(10, 10))
        # predicted x0 drawn behind x_t but clearly visible: it shows where every point is headed
        self.x0_scatter = pg.ScatterPlotItem(size=3, pen=None,
                                             brush=pg.mkBrush(_theme.with_alpha(t.text_dim, X0_ALPHA)),
                                             name=self.tr("predicted x₀"))
        self.xt_scatter = pg.ScatterPlotItem(size=3.5, pen=None, name=self.tr("x_t (coloured by final position)"))
        item.addItem(self.x0_scatter)
        item.addItem(self.xt_scatter)
        self.track_curves: list[pg.PlotDataItem] = []
        self.track_heads = pg.ScatterPlotItem(size=8, pen=pg.mkPen(t.text, width=1),
                                            name=self._tracks_name())
        item.addItem(self.track_heads)
        for _ in range(N_TRACKS):
            c = pg.PlotDataItem([], [], pen=pg.mkPen(t.text, width=1.4))
            c.setZValue(5)
            item.addItem(c)
            self.track_curves.append(c)
        self.track_heads.setZValue(6)
        _theme.style_plot(self, t)
        self.forget()

    def _tracks_name(self) -> str:
        return self.tr("paths of {n} points").format(n=N_TRACKS)

    def changeEvent(self, event: QEvent) -> None:
        # the legend's number-bearing name is not a catalogue text the window's re-translator could look up
        if event.type() == QEvent.LanguageChange and hasattr(self, "track_heads"):
            for sample, label in self.legend.items:
                if sample.item is self.track_heads:
                    label.setText(self._tracks_name())
        super().changeEvent(event)

    def apply_theme(self, theme: _theme.Theme) -> None:
        _theme.style_plot(self, theme)
        self.x0_scatter.setBrush(pg.mkBrush(_theme.with_alpha(theme.text_dim, X0_ALPHA)))

    def set_title(self, text: str) -> None:
        _theme.set_plot_title(self.getPlotItem(), text)

    def forget(self) -> None:
        """A new trajectory is coming: colours and paths are computed again from it."""
        self._colors: list | None = None
        self._tracks: np.ndarray | None = None
        self.track_idx: np.ndarray | None = None
        self._track_brushes: list = []

    def show_live(self, x_t: np.ndarray, step: int, total: int) -> None:
        """The running sampler's current x_t, in one colour (the final positions are not known yet)."""
        color = _theme.with_alpha(_theme.current_theme().curve(0), 180)
        self.xt_scatter.setData(pos=x_t.reshape(-1, 2), brush=pg.mkBrush(color))
        self.x0_scatter.setData([])
        for c in self.track_curves:
            c.setData([], [])
        self.track_heads.setData([])
        self.set_title(self.tr("Sampling… step {step}/{total}").format(step=step, total=total))

    def prepare(self, traj: Trajectory) -> None:
        """Colour every point by its final position and pick the points whose paths are drawn."""
        from engine.plotting import point_colors

        final = traj.final if traj.final is not None else traj.frame(len(traj) - 1).x_t
        final = np.nan_to_num(np.asarray(final, dtype=np.float32).reshape(-1, 2))
        self._colors = quantized_brushes(point_colors(final), alpha=200)
        fit_view(self.getPlotItem(), final)  # once per run: the view holds still while the timeline scrubs
        n = len(final)
        self.track_idx = np.unique(np.linspace(0, n - 1, min(N_TRACKS, n)).round().astype(int))
        self._tracks = traj.stacked("x_t")[:, self.track_idx, :]  # (F, k, 2)
        track_cols = point_colors(final[self.track_idx])
        for i, c in enumerate(self.track_curves):
            if i < len(self.track_idx):
                r, g, b = (int(v) for v in track_cols[i])
                c.setPen(pg.mkPen(pg.mkColor(r, g, b), width=1.6))
            else:
                c.setData([], [])
        self._track_brushes = [pg.mkBrush(int(r), int(g), int(b), 255) for r, g, b in track_cols]

    def show_frame(self, traj: Trajectory, index: int, label: str) -> None:
        """Recorded frame ``index``: x_t, the predicted x0 and the paths up to it."""
        frame = traj.frame(index)
        xt = np.asarray(frame.x_t).reshape(-1, 2)
        if self._colors is None or len(self._colors) != len(xt):
            self.prepare(traj)
        self.xt_scatter.setData(pos=xt, brush=self._colors)
        self.x0_scatter.setData(pos=np.asarray(frame.x0_pred).reshape(-1, 2))
        if self._tracks is not None:
            upto = self._tracks[:index + 1]
            for i in range(len(self.track_idx)):
                self.track_curves[i].setData(upto[:, i, 0], upto[:, i, 1])
            self.track_heads.setData(pos=upto[-1], brush=self._track_brushes)
        self.set_title(f"{QCoreApplication.translate('ReverseProcessPlot', TITLE)} · {label}")
