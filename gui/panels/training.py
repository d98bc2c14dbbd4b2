"""Training tab: run controls, the live loss curve, loss by timestep, the learning rate and EMA previews.

The panel only views what the :class:`~gui.worker.EngineWorker` reports: ``metricsBatch`` numpy chunks (every
~100 ms) are appended to growing buffers and pushed with ``setData`` (peak downsampling, clip to view), so the
curve stays smooth at 10^5 steps; previews arrive as uint8 grids or float32 points rendered by the worker thread.
Every preview is also kept in :attr:`TrainingPanel.timelapse_frames` as ``(step, uint8 image)`` for a time-lapse
export.
"""
from __future__ import annotations

import math
import os
import time
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QElapsedTimer, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (QCheckBox, QFileDialog, QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton,
                               QSizePolicy, QSplitter, QStackedWidget, QVBoxLayout, QWidget)

from engine.config import ExperimentConfig
from gui import theme as _theme
from gui.events import (CheckpointLoaded, CheckpointSaved, JobFailed, MetricsBatch, ModelFacts, PreviewReady,
                        RunFinished, TrainingProgress, WorkerState)
from gui.panels.base import Panel, TimelineSpec
from gui.widgets import RATE_READOUT, STEP_READOUT, TIME_READOUT, format_duration, reserve_width
from gui.widgets.image_view import ImageView

REDRAW_INTERVAL_MS = 200  # the loss curve is redrawn at most 5 times a second (batches arrive every ~100 ms)
SLOW_REDRAW_INTERVAL_MS = 1000  # loss by timestep and the learning rate: once a second
STAGGER_MS = 40  # ... each in its own event-loop turn, this far apart
SMOOTHING = 0.98  # EMA factor of the bold loss line (about a 50-step window)
T_BUCKETS = 20
T_WINDOW = 8192  # per-sample (t, loss) pairs behind the loss-by-timestep plot
POINT_RANGE = 3.0  # the 2-D preview's fixed axes: (-3, 3)
TIMELAPSE_SIZE = 384  # side of a rendered 2-D time-lapse frame


def nice_ceil(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k that is >= value (axis limits that change rarely and read well)."""
    if not math.isfinite(value) or value <= 0:
        return 1.0
    exp = math.floor(math.log10(value))
    for m in (1.0, 2.0, 2.5, 5.0, 10.0):
        if m * 10.0 ** exp >= value * (1 - 1e-12):
            return m * 10.0 ** exp
    return 10.0 ** (exp + 1)


def nice_floor(value: float) -> float:
    """The largest of 1, 2, 2.5, 5 × 10^k that is <= value (value > 0)."""
    if not math.isfinite(value) or value <= 0:
        return 0.0
    exp = math.floor(math.log10(value))
    for m in (5.0, 2.5, 2.0, 1.0):
        if m * 10.0 ** exp <= value * (1 + 1e-12):
            return m * 10.0 ** exp
    return 10.0 ** (exp - 1)


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


def quantized_brushes(colors: np.ndarray, alpha: int = 220, levels: int = 8) -> list:
    """One brush per point from uint8 (N, 3) colours, rounded to a coarse grid so pyqtgraph's symbol atlas stays
    small (fast setData) and equal brushes are shared."""
    step = 256 // levels
    q = (colors.astype(np.int32) // step) * step + step // 2
    cache: dict[tuple[int, int, int], object] = {}
    out = []
    for r, g, b in q:
        key = (int(r), int(g), int(b))
        brush = cache.get(key)
        if brush is None:
            brush = cache[key] = pg.mkBrush(key[0], key[1], key[2], alpha)
        out.append(brush)
    return out


class LossAxis(pg.AxisItem):
    """Left axis of the loss plot: in log mode only 1, 2 and 5 × 10^k are labelled, so a curve spanning a
    decade or two never gets a crowded column of minor-tick labels."""

    def logTickStrings(self, values, scale, spacing):  # noqa: ANN001, N802 - pyqtgraph override
        out = []
        for v in values:
            x = 10.0 ** float(v) * scale
            if not math.isfinite(x) or x <= 0:
                out.append("")
                continue
            exp = math.floor(math.log10(x) + 1e-9)
            mant = round(x / 10.0 ** exp, 6)
            out.append(f"{x:.3g}" if mant in (1.0, 2.0, 5.0) else "")
        return out


class SquareHolder(QWidget):
    """Keeps its one child the largest centred square (a 2-D plot with locked aspect and a fixed range)."""

    def __init__(self, child: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.child = child
        child.setParent(self)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802
        side = max(1, min(self.width(), self.height()))
        self.child.setGeometry((self.width() - side) // 2, (self.height() - side) // 2, side, side)
        super().resizeEvent(event)

    def sizeHint(self) -> QSize:
        return QSize(320, 320)

    def minimumSizeHint(self) -> QSize:
        return QSize(160, 160)


class GrowingSeries:
    """x / y float64 buffers that grow by doubling; ``view()`` returns the filled part without copying."""

    def __init__(self, capacity: int = 4096):
        self.x = np.empty(capacity, dtype=np.float64)
        self.y = np.empty(capacity, dtype=np.float64)
        self.n = 0

    def clear(self) -> None:
        self.n = 0

    def extend(self, x: np.ndarray, y: np.ndarray) -> None:
        k = len(x)
        if k == 0:
            return
        need = self.n + k
        if need > len(self.x):
            cap = max(need, 2 * len(self.x))
            # new arrays (never resized in place): views handed to pyqtgraph earlier stay valid
            nx, ny = np.empty(cap, dtype=np.float64), np.empty(cap, dtype=np.float64)
            nx[:self.n], ny[:self.n] = self.x[:self.n], self.y[:self.n]
            self.x, self.y = nx, ny
        self.x[self.n:need] = x
        self.y[self.n:need] = y
        self.n = need

    def view(self) -> tuple[np.ndarray, np.ndarray]:
        return self.x[:self.n], self.y[:self.n]

    def __len__(self) -> int:
        return self.n


class EmaSmoother:
    """Bias-corrected exponential moving average (TensorBoard's smoothing), fed chunk by chunk."""

    def __init__(self, beta: float = SMOOTHING):
        self.beta = float(beta)
        self.reset()

    def reset(self) -> None:
        self._acc = 0.0
        self._count = 0

    def __call__(self, values: np.ndarray) -> np.ndarray:
        values = np.asarray(values, dtype=np.float64)
        out = np.empty_like(values)
        acc, count, beta = self._acc, self._count, self.beta
        for i, v in enumerate(values):
            if not math.isfinite(v):
                out[i] = np.nan
                continue
            acc = beta * acc + (1.0 - beta) * v
            count += 1
            out[i] = acc / (1.0 - beta ** count)
        self._acc, self._count = acc, count
        return out


class TimestepLoss:
    """Mean per-sample loss in ``T_BUCKETS`` timestep buckets over the newest ``T_WINDOW`` samples."""

    def __init__(self, window: int = T_WINDOW):
        self.t = np.zeros(window, dtype=np.int64)
        self.loss = np.zeros(window, dtype=np.float64)
        self.pos = 0
        self.filled = 0

    def clear(self) -> None:
        self.pos = self.filled = 0

    def add(self, t: np.ndarray, loss: np.ndarray) -> None:
        t = np.asarray(t, dtype=np.int64)[-len(self.t):]
        loss = np.asarray(loss, dtype=np.float64)[-len(self.t):]
        k = len(t)
        if k == 0:
            return
        w = len(self.t)
        idx = (self.pos + np.arange(k)) % w
        self.t[idx] = t
        self.loss[idx] = loss
        self.pos = (self.pos + k) % w
        self.filled = min(w, self.filled + k)

    def buckets(self, timesteps: int, count: int = T_BUCKETS) -> tuple[np.ndarray, np.ndarray]:
        """Bucket edges (paper t, 0..T) and mean loss per bucket (NaN where empty)."""
        edges = np.linspace(0, timesteps, count + 1)
        if self.filled == 0:
            return edges, np.full(count, np.nan)
        t, loss = self.t[:self.filled], self.loss[:self.filled]
        ok = np.isfinite(loss)
        b = np.clip((t[ok] * count) // max(1, timesteps), 0, count - 1)
        sums = np.bincount(b, weights=loss[ok], minlength=count)
        counts = np.bincount(b, minlength=count)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
        return edges, means


class TrainingPanel(Panel):
    """Run controls and live plots for the worker's training session."""

    def __init__(self, worker, get_config, parent: QWidget | None = None):  # noqa: ANN001
        super().__init__(parent)
        self.worker = worker
        self._get_config = get_config
        self._train_enabled = True
        self._state = "idle"
        self._kind: str | None = None
        self._timesteps = 1000
        self._total = 0
        self._last_step = 0
        self._run_started: float | None = None
        self._finished: tuple[str, str, int] | None = None
        self.timelapse_frames: list[tuple[int, np.ndarray]] = []
        self.preview_count = 0
        self._loss = GrowingSeries()
        self._smooth = GrowingSeries()
        self._loss_log = GrowingSeries()  # log10 copies: the log axis maps only the new chunk, never 10^5 points
        self._smooth_log = GrowingSeries()
        self._lr = GrowingSeries()
        self._dirty = False
        self._tloss_range = 0
        self._tloss_ymax = 0.0
        self._xmax = 0.0  # the loss / lr plots' x range grows in steps (axes repaint rarely), see _follow_steps
        self._follow_x = True
        self._yrange: tuple[float, float] | None = None  # sticky loss range (linear units), see _follow_loss
        self._smoother = EmaSmoother()
        self._tloss = TimestepLoss()
        self._pending_continue = False
        self._preparing = False
        self._redraw_clock = QElapsedTimer()
        self._slow_clock = QElapsedTimer()
        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.timeout.connect(self._redraw)
        self._build()
        self._connect()
        self._sync_buttons()

    # ================================================================== construction
    def _build(self) -> None:
        t = _theme.current_theme()

        def button(text: str, icon_name: str | None, tip: str) -> QPushButton:
            b = QPushButton(text)
            if icon_name:
                b.setIcon(_theme.icon(icon_name))
                b.setProperty("icon_name", icon_name)
            b.setToolTip(tip)
            return b

        self.start_button = button("Start", "train", "Train the model configured in the Experiment dock (Ctrl+Enter)")
        self.start_button.setProperty("role", "primary")
        self.pause_button = button("Pause", "pause", "Pause after the current step; Resume continues")
        self.step_button = button("Step", "step_forward", "Run exactly one optimizer step, then pause")
        self.stop_button = button("Stop", None, "Stop training; the model keeps its weights (save or sample it)")
        self.stop_button.setIcon(stop_icon(t.text))
        self.save_button = button("Save checkpoint…", "save", "Save the model, EMA weights, optimizer and loss "
                                  "history as a safetensors checkpoint")
        self.continue_check = QCheckBox("Continue model")
        self.continue_check.setToolTip("Keep training the model in memory (e.g. an opened checkpoint) instead of "
                                       "starting from scratch. Needs the same data, model and schedule.")
        self.log_check = QCheckBox("log y")
        self.log_check.setToolTip("Logarithmic loss axis")
        self.log_check.setChecked(True)

        self.step_label = QLabel("step 0")
        self.step_label.setProperty("role", "readout")
        self.rate_label = QLabel("– it/s")
        self.rate_label.setProperty("role", "readout")
        self.rate_label.setToolTip("Optimizer steps per second (previews excluded)")
        self.eta_label = QLabel("")
        self.eta_label.setProperty("role", "readout")
        for lab in (self.step_label, self.rate_label, self.eta_label):
            lab.setTextInteractionFlags(Qt.TextSelectableByMouse)
        reserve_width(self.step_label, STEP_READOUT)
        reserve_width(self.rate_label, RATE_READOUT)
        reserve_width(self.eta_label, TIME_READOUT)

        bar = QHBoxLayout()
        bar.setSpacing(6)
        for b in (self.start_button, self.pause_button, self.step_button, self.stop_button):
            bar.addWidget(b)
        bar.addSpacing(8)
        bar.addWidget(self.continue_check)
        bar.addStretch(1)
        bar.addWidget(self.save_button)

        self.progress_bar = QProgressBar()
        self.progress_bar.setTextVisible(False)
        self.progress_bar.setFixedHeight(4)
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)

        self.message_label = QLabel("Configure an experiment in the dock, then press Start.")
        self.message_label.setProperty("role", "dim")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.message_label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)

        # --- plots
        self.loss_plot = self._plot("Training loss", "loss", "optimizer step", left_axis=LossAxis("left"))
        item = self.loss_plot.getPlotItem()
        item.addLegend(offset=(-10, 10))
        self.raw_curve = item.plot([], [], pen=pg.mkPen(_theme.with_alpha(t.curve(0), 70), width=1),
                                   name="per step", antialias=False)  # thousands of 1-px segments: no AA
        self.smooth_curve = item.plot([], [], pen=pg.mkPen(t.curve(0), width=2.2),
                                      name=f"EMA ({SMOOTHING:g})")
        for c in (self.raw_curve, self.smooth_curve):
            c.setDownsampling(auto=True, method="peak")
            c.setClipToView(True)
            c.setSkipFiniteCheck(True)
        item.getAxis("left").setLogMode(True)  # the curves carry log10(loss) (see _redraw)
        self._style_legend(item)

        self.tloss_plot = self._plot("Loss by timestep", "mean loss", "timestep t")
        self.tloss_plot.setToolTip(f"Mean per-sample loss in {T_BUCKETS} timestep buckets over the last {T_WINDOW} "
                                   "training samples: where the network still struggles")
        self.tloss_curve = self.tloss_plot.getPlotItem().plot(
            [0, 1], [0], stepMode="center", fillLevel=0, pen=pg.mkPen(t.curve(1), width=1.5),
            brush=pg.mkBrush(_theme.with_alpha(t.curve(1), 90)))
        self.tloss_plot.getPlotItem().getViewBox().setMouseEnabled(x=False, y=False)

        self.lr_plot = self._plot("Learning rate", "η", "optimizer step")
        self.lr_curve = self.lr_plot.getPlotItem().plot([], [], pen=pg.mkPen(t.curve(2), width=2))
        self.lr_curve.setDownsampling(auto=True, method="peak")
        self.lr_curve.setClipToView(True)
        self.lr_curve.setSkipFiniteCheck(True)
        self.lr_plot.getPlotItem().getAxis("left").enableAutoSIPrefix(False)
        self.lr_plot.getPlotItem().setXLink(self.loss_plot.getPlotItem())
        self.loss_plot.getViewBox().sigRangeChangedManually.connect(self._on_manual_range)

        # --- preview
        self.preview_title = QLabel("EMA samples")
        self.preview_title.setProperty("role", "heading")
        self.preview_caption = QLabel("Previews appear every N steps (Preview every, in the dock's Advanced "
                                      "section): 20 DDIM steps from the EMA weights, fixed seed.")
        self.preview_caption.setProperty("role", "dim")
        self.preview_caption.setWordWrap(True)
        self.preview_image = ImageView(placeholder="no preview yet")
        self.preview_points = pg.PlotWidget()
        self.preview_points.setMenuEnabled(False)
        pitem = self.preview_points.getPlotItem()
        pitem.setLabel("left", "x₂")
        pitem.setLabel("bottom", "x₁")
        pitem.setXRange(-POINT_RANGE, POINT_RANGE, padding=0)
        pitem.setYRange(-POINT_RANGE, POINT_RANGE, padding=0)
        pitem.getViewBox().setAspectLocked(True)
        pitem.getViewBox().setMouseEnabled(x=False, y=False)
        pitem.hideButtons()
        self.preview_scatter = pg.ScatterPlotItem(size=3.5, pen=None)
        pitem.addItem(self.preview_scatter)
        self.preview_stack = QStackedWidget()
        self.preview_stack.addWidget(self.preview_image)
        self.preview_points_holder = SquareHolder(self.preview_points)
        self.preview_stack.addWidget(self.preview_points_holder)
        self.preview_stack.setMinimumWidth(220)

        preview_box = QFrame()
        preview_box.setProperty("role", "card")
        pv = QVBoxLayout(preview_box)
        pv.setContentsMargins(8, 8, 8, 8)
        pv.setSpacing(4)
        pv.addWidget(self.preview_title)
        pv.addWidget(self.preview_stack, 1)
        pv.addWidget(self.preview_caption)

        bottom = QSplitter(Qt.Horizontal)
        bottom.addWidget(self.tloss_plot)
        bottom.addWidget(self.lr_plot)
        bottom.setChildrenCollapsible(False)
        left = QSplitter(Qt.Vertical)
        left.addWidget(self.loss_plot)
        left.addWidget(bottom)
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 2)
        left.setChildrenCollapsible(False)
        self.splitter = QSplitter(Qt.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(preview_box)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([600, 360])

        plot_tools = QHBoxLayout()
        plot_tools.setSpacing(12)
        plot_tools.addWidget(self.message_label, 1)
        plot_tools.addWidget(self.step_label)
        plot_tools.addWidget(self.rate_label)
        plot_tools.addWidget(self.eta_label)
        plot_tools.addWidget(self.log_check)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 8)
        lay.setSpacing(6)
        lay.addLayout(bar)
        lay.addWidget(self.progress_bar)
        lay.addLayout(plot_tools)
        lay.addWidget(self.splitter, 1)
        for pw in (self.loss_plot, self.tloss_plot, self.lr_plot, self.preview_points):
            _theme.style_plot(pw, t)

    def _plot(self, title: str, ylabel: str, xlabel: str, left_axis: pg.AxisItem | None = None) -> pg.PlotWidget:
        pw = pg.PlotWidget(axisItems={"left": left_axis} if left_axis is not None else None)
        pw.setMinimumSize(200, 140)
        pw.setMenuEnabled(False)
        item = pw.getPlotItem()
        _theme.set_plot_title(item, title)
        item.setLabel("left", ylabel)
        item.setLabel("bottom", xlabel)
        return pw

    def _style_legend(self, item) -> None:  # noqa: ANN001
        _theme.style_plot(item)

    def _connect(self) -> None:
        self.start_button.clicked.connect(self.start)
        self.pause_button.clicked.connect(self._on_pause_clicked)
        self.step_button.clicked.connect(self.step_once)
        self.stop_button.clicked.connect(self.stop)
        self.save_button.clicked.connect(self.save_checkpoint_dialog)
        self.continue_check.toggled.connect(lambda _on: self._sync_buttons())
        self.log_check.toggled.connect(self._on_log_toggled)
        w = self.worker
        w.metricsBatch.connect(self._on_metrics)
        w.progress.connect(self._on_progress)
        w.preview.connect(self._on_preview)
        w.trainingStateChanged.connect(self._on_state)
        w.trainingFinished.connect(self._on_finished)
        w.modelChanged.connect(self._on_model_changed)
        w.checkpointSaved.connect(self._on_checkpoint_saved)
        w.checkpointLoaded.connect(self._on_checkpoint_loaded)
        w.error.connect(self._on_error)

    # ================================================================== protocol
    def timeline_spec(self) -> TimelineSpec:
        return TimelineSpec("t", self._config.schedule.timesteps + 1)

    def on_timeline(self, position: int) -> None:
        pass  # the training views do not depend on the timeline

    def set_config(self, cfg: ExperimentConfig) -> None:
        super().set_config(cfg)
        self._sync_buttons()

    def apply_theme(self, theme) -> None:  # noqa: ANN001
        for pw in (self.loss_plot, self.tloss_plot, self.lr_plot, self.preview_points):
            _theme.style_plot(pw, theme)
        self.raw_curve.setPen(pg.mkPen(_theme.with_alpha(theme.curve(0), 70), width=1))
        self.smooth_curve.setPen(pg.mkPen(theme.curve(0), width=2.2))
        self.tloss_curve.setPen(pg.mkPen(theme.curve(1), width=1.5))
        self.tloss_curve.setBrush(pg.mkBrush(_theme.with_alpha(theme.curve(1), 90)))
        self.lr_curve.setPen(pg.mkPen(theme.curve(2), width=2))
        self.stop_button.setIcon(stop_icon(theme.text))
        for b in (self.start_button, self.pause_button, self.step_button, self.save_button):
            name = b.property("icon_name")
            if name:
                b.setIcon(_theme.icon(name, theme=theme))

    def export_sources(self) -> tuple[dict, str | None]:
        """The previews kept for a time-lapse, and the loss plots."""
        sources: dict = {}
        initial = None
        if self.timelapse_frames:
            sources["timelapse"] = list(self.timelapse_frames)
            initial = "timelapse"
        sources["plots"] = {"loss": self.loss_plot, "loss_by_t": self.tloss_plot}
        return sources, initial or "plot:loss"

    # ================================================================== commands
    def set_train_enabled(self, enabled: bool) -> None:
        """The main window calls this with the config's validity; Start needs a valid config."""
        self._train_enabled = bool(enabled)
        self._sync_buttons()

    def _current_config(self) -> ExperimentConfig | None:
        try:
            cfg = self._get_config() if self._get_config is not None else self._config
        except Exception as exc:  # noqa: BLE001 - the dock refuses an invalid config with a message
            self._show_message(str(exc), "error")
            return None
        return cfg

    def _can_continue(self, cfg: ExperimentConfig | None = None) -> bool:
        from gui.worker import same_architecture

        model = self.worker.model()
        if model is None:
            return False
        cfg = cfg or self._config
        return same_architecture(model.config, cfg)

    def start(self) -> None:
        """Start (or, with "Continue current model", continue) training the dock's config."""
        if self._state != "idle" or not self._train_enabled:
            return
        cfg = self._current_config()
        if cfg is None:
            return
        resume = self.continue_check.isChecked() and self._can_continue(cfg)
        self._finished = None
        self._run_started = time.perf_counter()
        self._total = cfg.training.steps
        self._preparing = True  # until the first TrainingProgress replaces this message
        self._show_message(("Continuing the current model…" if resume else
                            f"Preparing {cfg.data.dataset} and a {cfg.model.preset} model…"), "dim")
        self.worker.start_training(cfg, resume=resume)

    def pause(self) -> None:
        self.worker.pause()

    def resume(self) -> None:
        self.worker.resume()

    def stop(self) -> None:
        self.worker.stop()

    def step_once(self) -> None:
        """One optimizer step, then pause (from idle this starts a paused run)."""
        if self._state == "idle":
            if not self._train_enabled:
                return
            self.continue_check.setChecked(self.continue_check.isChecked() or self._can_continue())
            self.start()
            self.worker.step_once()
            return
        self.worker.step_once()

    def _on_pause_clicked(self) -> None:
        if self._state == "paused":
            self.resume()
        else:
            self.pause()

    def save_checkpoint_dialog(self) -> None:
        """Ask for a run folder or a .safetensors file and save the worker's model there."""
        start_dir = str(Path.home())
        path, _ = QFileDialog.getSaveFileName(
            self, "Save checkpoint", os.path.join(start_dir, "checkpoint.safetensors"),
            "Checkpoint file (*.safetensors);;Run folder (any name without .safetensors)",
            options=QFileDialog.DontUseNativeDialog)
        if path:
            self.save_checkpoint_to(path)

    def save_checkpoint_to(self, path: str | Path) -> None:
        self._show_message(f"Saving checkpoint to {path}…", "dim")
        self.worker.save_checkpoint(path)

    def open_checkpoint(self, path: str | Path) -> None:
        """Load a checkpoint into the worker: continue training it (Start) or sample it (Sampling tab)."""
        if self._state != "idle":
            self._show_message("Stop training before opening a checkpoint.", "warning")
            return
        self._show_message(f"Opening {path}…", "dim")
        self._pending_continue = True
        self.worker.load_checkpoint(path)

    # ================================================================== worker signals
    def _on_state(self, event: WorkerState) -> None:
        state = self._state = event.state
        if state == "paused":
            self.flush_redraw()
            self._show_message(f"Paused at step {self._last_step}. Resume, Step one optimizer step, or Stop.", "dim")
        elif state == "running" and self._message_role == "dim" and self._last_step:
            self._show_message("Training…", "dim")
        elif state == "stopping":
            self._show_message("Stopping after the current step…", "dim")
        self._sync_buttons()

    def _on_model_changed(self, facts: ModelFacts) -> None:
        self._kind = facts.kind
        self._timesteps = facts.timesteps
        self._last_step = facts.step
        self.step_label.setText(self._step_text())
        self.preview_stack.setCurrentWidget(self.preview_points_holder if self._kind == "points"
                                           else self.preview_image)
        if getattr(self, "_pending_continue", False):
            self._pending_continue = False
            self.continue_check.setChecked(True)
        self._sync_buttons()

    def _on_metrics(self, batch: MetricsBatch) -> None:
        if batch.replace:
            for series in (self._loss, self._smooth, self._loss_log, self._smooth_log, self._lr):
                series.clear()
            self._smoother.reset()
            self._tloss.clear()
            # another model (fresh, or opened from a checkpoint): its previews and time-lapse start over
            self.timelapse_frames.clear()
            self.preview_count = 0
            self.preview_image.clear()
            self.preview_scatter.clear()
            self.preview_title.setText("EMA samples")
            self.rate_label.setText("– it/s")
            self.eta_label.setText("")
            self._xmax = 0.0
            self._follow_x = True
            self._yrange = None
            if batch.timesteps is not None:
                self._timesteps = batch.timesteps
        steps = np.asarray(batch.step, dtype=np.float64)
        losses = np.asarray(batch.loss, dtype=np.float64)
        smooth = self._smoother(losses)
        self._loss.extend(steps, losses)
        self._smooth.extend(steps, smooth)
        with np.errstate(divide="ignore", invalid="ignore"):
            self._loss_log.extend(steps, np.log10(np.where(losses > 0, losses, np.nan)))
            self._smooth_log.extend(steps, np.log10(np.where(smooth > 0, smooth, np.nan)))
        self._lr.extend(steps, np.asarray(batch.lr, dtype=np.float64))
        self._tloss.add(batch.t, batch.per_sample_loss)
        self._total = batch.total
        if len(steps):
            self._last_step = int(steps[-1])
        self._schedule_redraw(immediate=batch.replace)

    def _schedule_redraw(self, immediate: bool = False) -> None:
        """Coalesce batches: at most one redraw per REDRAW_INTERVAL_MS. Painting is most of the GUI thread's work
        during training, and it holds the GIL the worker needs between two tensor operations."""
        if immediate:
            self.flush_redraw()
        elif not self._redraw_clock.isValid() or self._redraw_clock.elapsed() >= REDRAW_INTERVAL_MS:
            self._redraw_timer.stop()
            self._redraw()
        elif not self._redraw_timer.isActive():
            self._redraw_timer.start(max(1, REDRAW_INTERVAL_MS - int(self._redraw_clock.elapsed())))

    def flush_redraw(self) -> None:
        """Draw everything received so far now (pause, the end of a run, tests and screenshots)."""
        self._redraw_timer.stop()
        self._redraw(full=True)

    def _redraw(self, full: bool = False) -> None:
        self._redraw_clock.start()
        if not self.isVisible():
            self._dirty = True  # another tab is showing: draw once when this one is shown again
            return
        self._dirty = False
        log = self.log_check.isChecked()
        raw, smooth = (self._loss_log, self._smooth_log) if log else (self._loss, self._smooth)
        self.raw_curve.setData(*raw.view())
        self.smooth_curve.setData(*smooth.view())
        self._follow_steps()
        # the slow-moving views (a statistic over thousands of samples, a schedule) are redrawn once a second, each
        # in its own event-loop turn: repainting the three plots in one turn held the loop for 25-45 ms (measured
        # with gui/responsiveness.py), one plot at a time stays near 10 ms
        if full or not self._slow_clock.isValid() or self._slow_clock.elapsed() >= SLOW_REDRAW_INTERVAL_MS:
            self._slow_clock.start()
            if full:
                self._redraw_lr()
                self._redraw_tloss()
            else:
                QTimer.singleShot(STAGGER_MS, self, self._redraw_lr)  # no call once the panel is gone
                QTimer.singleShot(2 * STAGGER_MS, self, self._redraw_tloss)
        self.step_label.setText(self._step_text())
        if self._total:
            self.progress_bar.setRange(0, max(1, self._total))
            self.progress_bar.setValue(min(self._last_step, self._total))

    def _redraw_lr(self) -> None:
        self.lr_curve.setData(*self._lr.view())

    def _redraw_tloss(self) -> None:
        edges, means = self._tloss.buckets(self._timesteps)
        self.tloss_curve.setData(edges, np.nan_to_num(means, nan=0.0))
        has_samples = bool(np.isfinite(means).any())
        self.tloss_curve.setVisible(has_samples)
        top = nice_ceil(float(np.nanmax(means)) * 1.05) if has_samples else 1.0
        if top != self._tloss_ymax and (top > self._tloss_ymax or top < 0.5 * self._tloss_ymax):
            self._tloss_ymax = top  # a sticky limit: the axis is not redrawn for every update
            self.tloss_plot.getPlotItem().setYRange(0, top, padding=0.02)
        if self._tloss_range != self._timesteps:
            self._tloss_range = self._timesteps
            self.tloss_plot.getPlotItem().setXRange(0, self._timesteps, padding=0.03)

    def _on_manual_range(self, *_args) -> None:  # noqa: ANN002
        self._follow_x = False  # the user zoomed or panned: leave the ranges alone until "auto range" (A)

    def _follow_steps(self) -> None:
        """Grow the step axis in nice jumps (x 1.25 and rounded), not with every batch: a changing axis repaints
        its labels, which is most of the window's drawing time during training."""
        vb = self.loss_plot.getViewBox()
        if vb.autoRangeEnabled()[0]:
            self._follow_x = True  # the user pressed the auto-range button
            self._xmax = 0.0
            self._yrange = None
        if not self._follow_x:
            return
        n = len(self._loss)
        last = float(self._loss.x[n - 1]) if n else 0.0
        first = float(self._loss.x[0]) if n else 0.0
        if last > self._xmax or self._xmax == 0.0:
            self._xmax = nice_ceil(max(last * 1.25, 10.0))
            vb.setXRange(min(0.0, first), self._xmax, padding=0.01)  # also turns pyqtgraph's x auto-range off
        self._follow_loss(vb)

    def _follow_loss(self, vb) -> None:  # noqa: ANN001 - ViewBox
        """Sticky y range for the loss: widened to nice bounds only when the data leaves it."""
        n = len(self._loss)
        if n == 0:
            return
        y = self._loss.y[:n]
        lo, hi = float(np.nanmin(y)), float(np.nanmax(y))
        if not (math.isfinite(lo) and math.isfinite(hi)):
            return
        log = self.log_check.isChecked()
        current = self._yrange
        if current is not None and current[0] <= lo and hi <= current[1]:
            return
        if log:
            lo = nice_floor(lo) if lo > 0 else 1e-6
            hi = nice_ceil(hi)
            self._yrange = (lo, hi)
            vb.setYRange(math.log10(lo), math.log10(hi), padding=0.02)
        else:
            lo = 0.0 if lo >= 0 else -nice_ceil(-lo)
            hi = nice_ceil(hi)
            self._yrange = (lo, hi)
            vb.setYRange(lo, hi, padding=0.02)

    def showEvent(self, event) -> None:  # noqa: ANN001, N802
        super().showEvent(event)
        if self._dirty:
            self._redraw(full=True)

    def _step_text(self) -> str:
        if self._total and self._state != "idle":
            return f"step {self._last_step:,} / {self._total:,}"
        return f"step {self._last_step:,}"

    def _on_progress(self, progress: TrainingProgress) -> None:
        if self._preparing:  # the first progress of a run: the model is built and training, say so
            self._preparing = False
            if self._state == "running":
                self._show_message("Training…", "dim")
        rate = progress.its_per_sec
        self.rate_label.setText(f"{rate:,.1f} it/s" if rate >= 10 else f"{rate:.2f} it/s" if rate > 0 else "– it/s")
        self.eta_label.setText(f"elapsed {format_duration(progress.elapsed)} · ETA {format_duration(progress.eta)}")

    def _on_preview(self, preview: PreviewReady) -> None:
        step, arr = preview.step, np.asarray(preview.samples)
        self.preview_count += 1
        if arr.dtype == np.uint8:
            self.preview_stack.setCurrentWidget(self.preview_image)
            self.preview_image.set_image(arr)
            frame = arr
        else:
            from engine.plotting import point_colors, scatter_image

            self.preview_stack.setCurrentWidget(self.preview_points_holder)
            pts = arr.astype(np.float32, copy=False)
            finite = np.isfinite(pts).all(axis=1)
            pts = pts[finite]
            colors = point_colors(pts) if len(pts) else np.zeros((0, 3), np.uint8)
            self.preview_scatter.setData(pos=pts, brush=quantized_brushes(colors))
            frame = scatter_image(pts, size=TIMELAPSE_SIZE, extent=POINT_RANGE, colors=colors)
        self.timelapse_frames.append((int(step), frame))
        self.preview_title.setText(f"EMA samples · step {int(step):,}")
        k = len(self.timelapse_frames)
        self.preview_caption.setText(f"20 DDIM steps from the EMA weights, fixed seed · {k} "
                                     f"frame{'s' if k != 1 else ''} kept for the time-lapse export")

    def _on_finished(self, finished: RunFinished) -> None:
        reason, message, step = finished.reason, finished.message, finished.step
        self._preparing = False
        self.flush_redraw()
        self._finished = (reason, message, step)
        self._last_step = step
        took = ""
        if self._run_started is not None:
            took = f" in {format_duration(time.perf_counter() - self._run_started)}"
        last = self._smooth.y[self._smooth.n - 1] if self._smooth.n else float("nan")
        final = f", smoothed loss {last:.4g}" if math.isfinite(last) else ""
        if reason == "finished":
            self._show_message(f"Finished: {step:,} steps{took}{final}. Sample it in the Sampling tab, save a "
                               "checkpoint, or Start again to continue.", "success")
            self.continue_check.setChecked(True)
        elif reason == "stopped":
            self._show_message(f"Stopped at step {step:,}{final}. The model keeps its weights: sample it, save it, "
                               "or tick “Continue model” and Start.", "dim")
        elif reason == "time_budget":
            self._show_message(f"Time budget reached: {message}.", "warning")
        elif reason == "diverged":
            self._show_message(f"Training diverged — {message}.", "error")
            self.continue_check.setChecked(False)
        elif reason == "oom":
            self._show_message(f"Out of memory: {message}.", "error")
        else:
            self._show_message(f"Training failed: {message}", "error")
        self.step_label.setText(self._step_text())
        self._sync_buttons()

    def _on_checkpoint_saved(self, saved: CheckpointSaved) -> None:
        self._show_message(f"Checkpoint saved to {saved.path}.", "success")

    def _on_checkpoint_loaded(self, loaded: CheckpointLoaded) -> None:
        cfg = loaded.config
        self.set_config(cfg)  # the main window also puts it in the dock; until then Continue compares with it
        self._show_message(f"Opened a {cfg.data.dataset} checkpoint at step {self._last_step:,}. Start continues "
                           "training it; the Sampling tab samples it.", "success")

    def _on_error(self, failed: JobFailed) -> None:
        self._pending_continue = False
        self._preparing = False
        self._show_message(failed.message, "error")

    # ================================================================== view state
    def _on_log_toggled(self, on: bool) -> None:
        self.loss_plot.getPlotItem().getAxis("left").setLogMode(on)
        self._yrange = None
        self._redraw(full=True)

    def _sync_buttons(self) -> None:
        s = self._state
        idle, running, paused = s == "idle", s == "running", s == "paused"
        can_continue = idle and self._can_continue()
        self.continue_check.setEnabled(can_continue)  # stays ticked while greyed out (e.g. another dataset)
        self.start_button.setEnabled(idle and self._train_enabled)
        self.start_button.setText("Continue" if (self.continue_check.isChecked() and can_continue) else "Start")
        self.pause_button.setEnabled(running or paused)
        self.pause_button.setText("Resume" if paused else "Pause")
        name = "play" if paused else "pause"
        self.pause_button.setProperty("icon_name", name)
        self.pause_button.setIcon(_theme.icon(name))
        self.step_button.setEnabled(running or paused or (idle and self._train_enabled))
        self.stop_button.setEnabled(running or paused)
        self.save_button.setEnabled(self.worker.model() is not None and s != "stopping")

    # ================================================================== for tests and export
    def loss_curve_data(self) -> tuple[np.ndarray, np.ndarray]:
        """Raw loss per step as plotted: (steps, losses) copies."""
        x, y = self._loss.view()
        return x.copy(), y.copy()

    def smoothed_loss_data(self) -> tuple[np.ndarray, np.ndarray]:
        x, y = self._smooth.view()
        return x.copy(), y.copy()

    def lr_curve_data(self) -> tuple[np.ndarray, np.ndarray]:
        x, y = self._lr.view()
        return x.copy(), y.copy()

    def timestep_loss_data(self) -> tuple[np.ndarray, np.ndarray]:
        return self._tloss.buckets(self._timesteps)

    def state(self) -> str:
        return self._state
