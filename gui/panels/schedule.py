"""Schedule tab: the noise schedule's curves against t, redrawn live as the form changes.

Four plots share the t axis: β_t; ᾱ_t with √ᾱ_t and √(1−ᾱ_t) (the signal and noise scales of Ho et al. Eq. 4);
log SNR(t) = log(ᾱ_t / (1−ᾱ_t)); and the per-timestep loss weight the trainer will use (prediction target and loss
weighting from the Training form). A vertical cursor in each follows the timeline. "Pin" keeps the current curves
as a faded dashed overlay for comparison; curves are updated with ``setData`` only, never rebuilt.
"""
from __future__ import annotations

import math
import time
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import torch
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from engine.config import ExperimentConfig
from engine.config_fields import field_spec
from gui import theme as _theme
from gui.panels.base import Panel, TimelineSpec, schedule_for
from gui.widgets.equation_strip import EquationStrip
from gui.widgets.field_texts import tr_field

PLOT_KEYS = ("beta", "alpha", "log_snr", "weight")


def _finite(y: np.ndarray) -> np.ndarray:
    y = np.asarray(y, dtype=np.float64)
    if np.isfinite(y).all():
        return y
    out = y.copy()
    out[~np.isfinite(out)] = np.nan
    return out


def schedule_label(cfg) -> str:
    text = f"{cfg.kind} T={cfg.timesteps}"
    if cfg.kind == "cosine":
        text += f" s={cfg.cosine_s:g}"
    else:
        text += f" β {cfg.beta_start:g}…{cfg.beta_end:g}"
    if cfg.zero_terminal_snr:
        text += " ZTSNR"
    return text


class SchedulePanel(Panel):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.cursors: list[pg.InfiniteLine] = []
        self.plots: dict[str, pg.PlotWidget] = {}
        self.pins: list[dict[str, pg.PlotDataItem]] = []
        self._pin_labels: list[str] = []
        self.last_redraw_ms = 0.0
        self._drawn_key: tuple | None = None
        self._position = 0
        self._build()
        self._redraw(force=True)

    # ================================================================== construction
    def _build(self) -> None:
        t = _theme.current_theme()
        self.pin_button = QPushButton(_theme.icon("pin"), self.tr("Pin curves"))
        self.pin_button.setToolTip(self.tr("Keep the current curves as a faded dashed overlay to compare schedules"))
        self.pin_button.clicked.connect(self.pin)
        self.clear_button = QPushButton(_theme.icon("clear"), self.tr("Clear pins"))
        self.clear_button.setToolTip(self.tr("Remove every pinned overlay"))
        self.clear_button.clicked.connect(self.clear_pins)
        self.clear_button.setEnabled(False)
        self.log_beta = QCheckBox(self.tr("log β axis"))
        self.log_beta.setToolTip(self.tr("Show β_t on a logarithmic axis (small early betas become visible)"))
        self.log_beta.toggled.connect(self._on_log_beta)
        self.info = QLabel("")
        self.info.setProperty("role", "dim")
        self.info.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.info.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)

        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(self.pin_button)
        bar.addWidget(self.clear_button)
        bar.addSpacing(8)
        bar.addWidget(self.log_beta)
        bar.addSpacing(12)
        bar.addWidget(self.info, 1)

        grid = QGridLayout()
        grid.setSpacing(8)
        specs = {
            "beta": (self.tr("Noise variance per step"), "β<sub>t</sub>", (0, 0), (10, 10)),
            "alpha": (self.tr("Signal and noise scales"), "ᾱ<sub>t</sub>, √ᾱ<sub>t</sub>, √(1−ᾱ<sub>t</sub>)", (0, 1),
                      None),
            "log_snr": (self.tr("Signal-to-noise ratio"), "log SNR(t)", (1, 0), (-10, 10)),
            "weight": (self.tr("Training loss weight"), "w(t)", (1, 1), (-10, 10)),
        }
        for key, (title, ylabel, (r, c), legend_offset) in specs.items():
            pw = pg.PlotWidget(enableMenu=False)
            pw.setMinimumSize(220, 160)
            item = pw.getPlotItem()
            _theme.set_plot_title(item, title, t)
            item.setLabel("left", ylabel)
            item.setLabel("bottom", "t")
            item.getViewBox().setMouseEnabled(x=True, y=False)
            if legend_offset is None:
                legend = item.addLegend()
                legend.anchor(itemPos=(1, 0.5), parentPos=(1, 0.5), offset=(-10, 0))
            else:
                item.addLegend(offset=legend_offset)
            self.plots[key] = pw
            grid.addWidget(pw, r, c)
        grid.setRowStretch(0, 1)
        grid.setRowStretch(1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        # share the t axis: zooming one zooms all
        base = self.plots["beta"].getPlotItem()
        for key in ("alpha", "log_snr", "weight"):
            self.plots[key].getPlotItem().setXLink(base)

        def curve(plot: str, name: str, label: str, color_index: int, style=Qt.SolidLine, width=2.0):
            item = self.plots[plot].getPlotItem().plot(
                [], [], pen=pg.mkPen(t.curve(color_index), width=width, style=style), name=label)
            item.setClipToView(True)
            item.setDownsampling(auto=True, method="peak")
            item.setProperty("color_index", color_index)
            item.setProperty("style", int(style.value) if hasattr(style, "value") else int(style))
            self.curves[name] = item
            return item

        curve("beta", "beta", "β<sub>t</sub>", 0)
        curve("alpha", "alpha_bar", "ᾱ<sub>t</sub>", 0)
        curve("alpha", "sqrt_alpha_bar", self.tr("√ᾱ<sub>t</sub> (signal scale)"), 2)
        curve("alpha", "sqrt_one_minus_alpha_bar", self.tr("√(1−ᾱ<sub>t</sub>) (noise scale)"), 1)
        curve("log_snr", "log_snr", "log SNR", 3)
        curve("weight", "weight", "w(t)", 4)
        self.plots["alpha"].getPlotItem().setYRange(0, 1.02, padding=0)

        for pw in self.plots.values():
            line = pg.InfiniteLine(pos=0, angle=90, movable=False,
                                   pen=pg.mkPen(t.cursor, width=1, style=Qt.DashLine))
            line.setZValue(50)
            pw.addItem(line, ignoreBounds=True)
            self.cursors.append(line)
        for pw in self.plots.values():
            _theme.style_plot(pw, t)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 8)
        lay.setSpacing(8)
        lay.addLayout(bar)
        self.equation = EquationStrip("schedule")  # β_t … SNR_t at the timeline's t
        lay.addWidget(self.equation)
        lay.addLayout(grid, 1)

    # ================================================================== protocol
    def timeline_spec(self) -> TimelineSpec:
        return TimelineSpec("t", self._config.schedule.timesteps + 1)

    def set_config(self, cfg: ExperimentConfig) -> None:
        old_T = self._config.schedule.timesteps
        super().set_config(cfg)
        self._redraw()
        self.equation.show_schedule(self.schedule(), self._position)
        if cfg.schedule.timesteps != old_T:
            self.timelineSpecChanged.emit()

    def on_timeline(self, position: int) -> None:
        self._position = int(position)
        for line in self.cursors:
            line.setValue(self._position)
        self.equation.show_schedule(self.schedule(), self._position)

    # ================================================================== drawing
    def _key(self) -> tuple:
        s, tr = self._config.schedule, self._config.training
        return (s.kind, s.timesteps, s.beta_start, s.beta_end, s.cosine_s, s.zero_terminal_snr,
                tr.prediction, tr.loss_weighting, tr.min_snr_gamma)

    def _redraw(self, force: bool = False) -> None:
        key = self._key()
        if key == self._drawn_key and not force:
            return
        start = time.perf_counter()
        sched = schedule_for(self._config.schedule)
        T = sched.timesteps
        x = np.arange(1, T + 1, dtype=np.float64)
        ab = sched.alpha_bar.numpy()
        self.curves["beta"].setData(x, _finite(sched.betas.numpy()), connect="finite")
        self.curves["alpha_bar"].setData(x, ab)
        self.curves["sqrt_alpha_bar"].setData(x, sched.sqrt_alpha_bar.numpy())
        self.curves["sqrt_one_minus_alpha_bar"].setData(x, sched.sqrt_one_minus_alpha_bar.numpy())
        self.curves["log_snr"].setData(x, _finite(sched.log_snr.numpy()), connect="finite")
        weight, label = self._loss_weight(sched)
        self.curves["weight"].setData(x, _finite(weight), connect="finite")
        self._set_legend_text("weight", self.curves["weight"], label)
        for pw in self.plots.values():
            pw.getPlotItem().setXRange(0, T, padding=0.01)
        self._drawn_key = key
        self._update_info(sched)
        self.last_redraw_ms = (time.perf_counter() - start) * 1000.0

    def _loss_weight(self, sched) -> tuple[np.ndarray, str]:
        tr = self._config.training
        try:
            from engine.diffusion import loss_weights

            t = torch.arange(sched.timesteps)
            w = loss_weights(tr.loss_weighting, tr.prediction, sched, t, float(tr.min_snr_gamma)).double().numpy()
        except Exception:  # noqa: BLE001
            w = np.ones(sched.timesteps)
        return w, self._weight_label()

    def _weight_label(self) -> str:
        """The weight curve's legend: prediction target and loss weighting as the Training form names them (the
        form's choice labels, in the window's language), e.g. "eps · uniform"."""
        tr = self._config.training
        name = " · ".join(tr_field(field_spec(path).choice_label(value)) for path, value in (
            ("training.prediction", tr.prediction), ("training.loss_weighting", tr.loss_weighting)))
        if tr.loss_weighting == "min_snr":
            name += f" γ={tr.min_snr_gamma:g}"
        return name

    def _set_legend_text(self, plot: str, curve: pg.PlotDataItem, text: str) -> None:
        legend = self.plots[plot].getPlotItem().legend
        if legend is None:
            return
        for sample, label in legend.items:
            if sample.item is curve:
                label.setText(text, color=_theme.current_theme().plot_fg)

    def _update_info(self, sched) -> None:
        ab = sched.alpha_bar.numpy()
        lsnr = sched.log_snr.numpy()
        first, last = float(lsnr[0]), float(lsnr[-1])
        last_text = "−∞" if math.isinf(last) else f"{last:.2f}"
        self.info.setText(f"ᾱ_T = {ab[-1]:.3g}   ·   √ᾱ_T = {math.sqrt(ab[-1]):.3g}   ·   "
                          f"log SNR {first:.2f} → {last_text}")
        self.info.setToolTip(self.tr("{0}: ᾱ at the last step and the range of log SNR; "
                                     "√ᾱ_T is how much of x₀ is left in x_T (0 = pure noise)").format(
            schedule_label(self._config.schedule)))

    def retranslate(self) -> None:
        """After a language switch: the readout's tooltip and the weight curve's legend are rendered again in the
        new language."""
        self._update_info(schedule_for(self._config.schedule))
        self._set_legend_text("weight", self.curves["weight"], self._weight_label())

    def _on_log_beta(self, on: bool) -> None:
        self.plots["beta"].getPlotItem().setLogMode(y=on)
        self.plots["beta"].getPlotItem().enableAutoRange(axis="y")

    # ================================================================== pins
    def pin(self) -> None:
        """Keep the current curves as a faded dashed overlay, labelled by schedule kind and T."""
        t = _theme.current_theme()
        k = len(self.pins)
        color = _theme.with_alpha(t.pin(k), 170)
        label = schedule_label(self._config.schedule)
        overlay: dict[str, pg.PlotDataItem] = {}
        for name, source in self.curves.items():
            plot = self._plot_of(name)
            x, y = source.getOriginalDataset()
            if x is None:
                continue
            main = name in ("beta", "alpha_bar", "log_snr", "weight")
            style = Qt.DashLine if main else Qt.DotLine
            item = pg.PlotDataItem(x, y, pen=pg.mkPen(color, width=1.5, style=style), connect="finite",
                                   name=self.tr("pin {0}: {1}").format(k + 1, label) if main else None)
            item.setZValue(-10)
            self.plots[plot].getPlotItem().addItem(item)
            # only once the item sits in its ViewBox (pyqtgraph looks the view up when these are set)
            item.setClipToView(True)
            item.setDownsampling(auto=True, method="peak")
            overlay[name] = item
        self.pins.append(overlay)
        self._pin_labels.append(label)
        self.clear_button.setEnabled(True)

    def clear_pins(self) -> None:
        for overlay in self.pins:
            for name, item in overlay.items():
                plot_item = self.plots[self._plot_of(name)].getPlotItem()
                plot_item.removeItem(item)
                if plot_item.legend is not None:
                    plot_item.legend.removeItem(item)
        self.pins.clear()
        self._pin_labels.clear()
        self.clear_button.setEnabled(False)

    def overlay_count(self) -> int:
        return len(self.pins)

    @staticmethod
    def _plot_of(curve: str) -> str:
        return {"beta": "beta", "alpha_bar": "alpha", "sqrt_alpha_bar": "alpha", "sqrt_one_minus_alpha_bar": "alpha",
                "log_snr": "log_snr", "weight": "weight"}[curve]

    # ================================================================== export / theme
    def export_sources(self) -> tuple[dict, str | None]:
        return {"plots": dict(self.plots)}, "plot:" + next(iter(self.plots), "beta")

    def export_csv(self, path: str | Path) -> None:
        from engine.atomic import atomic_write_text
        from engine.export import schedule_csv

        atomic_write_text(path, schedule_csv(schedule_for(self._config.schedule)))  # the CLI's schedule CSV

    def apply_theme(self, theme) -> None:
        for pw in self.plots.values():
            _theme.style_plot(pw, theme)
        for item in self.curves.values():
            style = Qt.PenStyle(item.property("style") or 1)
            item.setPen(pg.mkPen(theme.curve(int(item.property("color_index") or 0)), width=2.0, style=style))
        for line in self.cursors:
            line.setPen(pg.mkPen(theme.cursor, width=1, style=Qt.DashLine))
        for k, overlay in enumerate(self.pins):
            color = _theme.with_alpha(theme.pin(k), 170)
            for name, item in overlay.items():
                main = name in ("beta", "alpha_bar", "log_snr", "weight")
                item.setPen(pg.mkPen(color, width=1.5, style=Qt.DashLine if main else Qt.DotLine))
        self.pin_button.setIcon(_theme.icon("pin"))
        self.clear_button.setIcon(_theme.icon("clear"))
