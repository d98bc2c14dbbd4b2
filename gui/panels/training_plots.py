"""The Training tab's live plots: the loss curve, sample quality beside it, loss by timestep and the learning rate,
with their buffers.

:class:`TrainingPlots` receives :class:`~gui.events.MetricsBatch` chunks (every ~100 ms), appends them to growing
buffers and pushes them with ``setData`` (peak downsampling, clip to view), so the curve stays smooth at 10^5 steps.
Redraws are coalesced to a few per second: painting is most of the GUI thread's work while training runs.
The quality plot gets one :class:`~gui.events.QualityScored` point every few hundred steps: the samples' score as a
multiple of the real-data floor (engine/quality.py), log y, with a dashed line at 1.0 for real data.
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QLabel, QSizePolicy, QSplitter, QVBoxLayout, QWidget

from gui import theme as _theme
from gui.events import MetricsBatch, QualityScored

REDRAW_INTERVAL_MS = 200  # the loss curve is redrawn at most 5 times a second (batches arrive every ~100 ms)
SLOW_REDRAW_INTERVAL_MS = 1000  # loss by timestep and the learning rate: once a second
STAGGER_MS = 40  # ... each in its own event-loop turn, this far apart
SMOOTHING = 0.98  # EMA factor of the bold loss line (about a 50-step window)
T_BUCKETS = 20
T_WINDOW = 8192  # per-sample (t, loss) pairs behind the loss-by-timestep plot
QUALITY_IDLE_TEXT = QT_TRANSLATE_NOOP(
    "TrainingPlots", "sample quality: scored every few hundred steps while training (Quality every; 0 = off)")
# engine/quality.py METRIC_LABELS (its values), marked for translation; the readout translates the engine's label
METRIC_LABELS = (QT_TRANSLATE_NOOP("TrainingPlots", "sliced Wasserstein"),
                 QT_TRANSLATE_NOOP("TrainingPlots", "Frechet distance (digits)"),
                 QT_TRANSLATE_NOOP("TrainingPlots", "pixel sliced Wasserstein"))


def quality_summary(event: QualityScored) -> str:
    """The engine's one-line summary of a score (``QualityScore.summary``, the same words in English), e.g. ``step
    500: sliced Wasserstein 0.0312 = 1.45x real-data floor``, in the window's language."""
    from engine.quality import METRIC_LABELS as ENGINE_METRIC_LABELS

    metric = QCoreApplication.translate("TrainingPlots", ENGINE_METRIC_LABELS.get(event.metric, event.metric))
    if math.isinf(event.value):
        return QCoreApplication.translate("TrainingPlots", "step {0}: {1} inf (samples hold NaN or inf)").format(
            event.step, metric)
    text = QCoreApplication.translate("TrainingPlots", "step {0}: {1} {2:.3g} = {3:.2f}x real-data floor").format(
        event.step, metric, event.value, event.ratio)
    if event.precision is not None:
        text += QCoreApplication.translate("TrainingPlots", ", precision {0:.2f}, recall {1:.2f}").format(
            event.precision, event.recall)
    if event.classes is not None:
        text += QCoreApplication.translate("TrainingPlots", ", {0}/10 classes").format(event.classes)
    return text


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


class LossAxis(pg.AxisItem):
    """Left axis of the loss plot: in log mode only 1, 2 and 5 × 10^k are labelled, so a curve spanning a
    decade or two never gets a crowded column of minor-tick labels."""

    def logTickStrings(self, values, scale, spacing):
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


class TrainingPlots(QWidget):
    """The loss plot above loss-by-timestep and the learning rate; ``redrawn`` fires after each drawn update."""

    redrawn = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._loss = GrowingSeries()
        self._smooth = GrowingSeries()
        self._loss_log = GrowingSeries()  # log10 copies: the log axis maps only the new chunk, never 10^5 points
        self._smooth_log = GrowingSeries()
        self._lr = GrowingSeries()
        self._quality = GrowingSeries(64)  # (step, ratio to the real-data floor), one point per QualityScored
        self._last_quality: QualityScored | None = None  # the readout's score, re-rendered after a language switch
        self._timesteps = 1000
        self._dirty = False
        self._tloss_range = 0
        self._tloss_ymax = 0.0
        self._xmax = 0.0  # the loss / lr plots' x range grows in steps (axes repaint rarely), see _follow_steps
        self._follow_x = True
        self._yrange: tuple[float, float] | None = None  # sticky loss range (linear units), see _follow_loss
        self._smoother = EmaSmoother()
        self._tloss = TimestepLoss()
        self._redraw_clock = QElapsedTimer()
        self._slow_clock = QElapsedTimer()
        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.timeout.connect(self._redraw)
        self.log_check = QCheckBox(self.tr("log y"))  # the panel shows it in its readout row
        self.log_check.setToolTip(self.tr("Logarithmic loss axis"))
        self.log_check.setChecked(True)
        self.log_check.toggled.connect(self._on_log_toggled)
        self._build()

    def _build(self) -> None:
        t = _theme.current_theme()
        self.loss_plot = _plot(self.tr("Training loss"), self.tr("loss"), self.tr("optimizer step"),
                               left_axis=LossAxis("left"))
        item = self.loss_plot.getPlotItem()
        item.addLegend(offset=(-10, 10))
        self.raw_curve = item.plot([], [], pen=pg.mkPen(_theme.with_alpha(t.curve(0), 70), width=1),
                                   name=self.tr("per step"), antialias=False)  # thousands of 1-px segments: no AA
        self.smooth_curve = item.plot([], [], pen=pg.mkPen(t.curve(0), width=2.2), name=f"EMA ({SMOOTHING:g})")
        for c in (self.raw_curve, self.smooth_curve):
            c.setDownsampling(auto=True, method="peak")
            c.setClipToView(True)
            c.setSkipFiniteCheck(True)
        item.getAxis("left").setLogMode(True)  # the curves carry log10(loss) (see _redraw)
        _theme.style_plot(item)

        self.tloss_plot = _plot(self.tr("Loss by timestep"), self.tr("mean loss"), self.tr("timestep t"))
        self._show_tloss_tip()
        self.tloss_curve = self.tloss_plot.getPlotItem().plot(
            [0, 1], [0], stepMode="center", fillLevel=0, pen=pg.mkPen(t.curve(1), width=1.5),
            brush=pg.mkBrush(_theme.with_alpha(t.curve(1), 90)))
        self.tloss_plot.getPlotItem().getViewBox().setMouseEnabled(x=False, y=False)

        self.quality_plot = _plot(self.tr("Sample quality"), self.tr("× real-data floor"), self.tr("optimizer step"),
                                  left_axis=LossAxis("left"))
        self.quality_plot.setToolTip(self.tr("How far the EMA model's samples are from real data, as a multiple of "
                                             "what real data of the same count scores (1.0 = as good as real data; "
                                             "lower is better). Scored every few hundred steps at under ~10% of "
                                             "training time"))
        qitem = self.quality_plot.getPlotItem()
        qitem.getAxis("left").setLogMode(True)  # the curve carries log10(ratio)
        self.quality_curve = qitem.plot([], [], pen=pg.mkPen(t.curve(3), width=2), symbol="o", symbolSize=6,
                                        symbolPen=None, symbolBrush=pg.mkBrush(t.curve(3)), connect="finite")
        self.real_data_line = pg.InfiniteLine(
            pos=0.0, angle=0, movable=False, pen=pg.mkPen(t.text_dim, width=1,
                                                          style=Qt.DashLine),
            label=self.tr("real data"), labelOpts={"position": 0.08, "color": t.text, "anchors": [(0, 1), (0, 1)]})
        qitem.addItem(self.real_data_line, ignoreBounds=True)
        qitem.setXLink(self.loss_plot.getPlotItem())
        qitem.getViewBox().setMouseEnabled(y=False)
        qitem.setYRange(-0.1, 1.0, padding=0.02)  # 0.8x .. 10x until scores arrive
        self.quality_label = QLabel(self.tr(QUALITY_IDLE_TEXT))
        self.quality_label.setProperty("role", "dim")
        self.quality_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.quality_label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.quality_label.setWordWrap(True)  # the idle caption is longer than the plot is wide; never cut it
        self.quality_label.setToolTip(self.tr("The newest sample-quality score (engine/quality.py)"))
        quality_box = QWidget()
        qlay = QVBoxLayout(quality_box)
        qlay.setContentsMargins(0, 0, 0, 0)
        qlay.setSpacing(2)
        qlay.addWidget(self.quality_plot, 1)
        qlay.addWidget(self.quality_label)

        self.lr_plot = _plot(self.tr("Learning rate"), "η", self.tr("optimizer step"))
        self.lr_curve = self.lr_plot.getPlotItem().plot([], [], pen=pg.mkPen(t.curve(2), width=2))
        self.lr_curve.setDownsampling(auto=True, method="peak")
        self.lr_curve.setClipToView(True)
        self.lr_curve.setSkipFiniteCheck(True)
        self.lr_plot.getPlotItem().getAxis("left").enableAutoSIPrefix(False)
        self.lr_plot.getPlotItem().setXLink(self.loss_plot.getPlotItem())
        self.loss_plot.getViewBox().sigRangeChangedManually.connect(self._on_manual_range)

        bottom = QSplitter(Qt.Horizontal)
        bottom.addWidget(self.tloss_plot)
        bottom.addWidget(self.lr_plot)
        bottom.setChildrenCollapsible(False)
        top = QSplitter(Qt.Horizontal)
        top.addWidget(self.loss_plot)
        top.addWidget(quality_box)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 2)
        top.setChildrenCollapsible(False)
        split = QSplitter(Qt.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(split)
        for pw in (self.loss_plot, self.quality_plot, self.tloss_plot, self.lr_plot):
            _theme.style_plot(pw, t)

    def apply_theme(self, theme: _theme.Theme) -> None:
        for pw in (self.loss_plot, self.quality_plot, self.tloss_plot, self.lr_plot):
            _theme.style_plot(pw, theme)
        self.quality_curve.setPen(pg.mkPen(theme.curve(3), width=2))
        self.quality_curve.setSymbolBrush(pg.mkBrush(theme.curve(3)))
        self.real_data_line.setPen(pg.mkPen(theme.text_dim, width=1, style=Qt.DashLine))
        self.raw_curve.setPen(pg.mkPen(_theme.with_alpha(theme.curve(0), 70), width=1))
        self.smooth_curve.setPen(pg.mkPen(theme.curve(0), width=2.2))
        self.tloss_curve.setPen(pg.mkPen(theme.curve(1), width=1.5))
        self.tloss_curve.setBrush(pg.mkBrush(_theme.with_alpha(theme.curve(1), 90)))
        self.lr_curve.setPen(pg.mkPen(theme.curve(2), width=2))

    # ================================================================== data
    def add(self, batch: MetricsBatch) -> None:
        """Append a batch (a ``replace`` batch starts the plots over from a model's whole history)."""
        if batch.replace:
            for series in (self._loss, self._smooth, self._loss_log, self._smooth_log, self._lr):
                series.clear()
            self._smoother.reset()
            self._tloss.clear()
            self.clear_quality()
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
        self.schedule_redraw(immediate=batch.replace)

    def add_quality(self, event: QualityScored) -> None:
        """One more quality point (drawn at once: they come every few hundred steps) and the readout line."""
        ratio = float(event.ratio)
        self._quality.extend(np.array([float(event.step)]),
                             np.array([math.log10(ratio) if math.isfinite(ratio) and ratio > 0 else np.nan]))
        self._last_quality = event
        self.quality_label.setText(quality_summary(event))
        self._redraw_quality()

    def clear_quality(self) -> None:
        self._quality.clear()
        self._last_quality = None
        self.quality_label.setText(self.tr(QUALITY_IDLE_TEXT))
        self._redraw_quality()

    def _show_tloss_tip(self) -> None:
        self.tloss_plot.setToolTip(self.tr("Mean per-sample loss in {0} timestep buckets over the last {1} "
                                           "training samples: where the network still struggles").format(T_BUCKETS,
                                                                                                        T_WINDOW))

    def retranslate(self) -> None:
        """After a language switch: the quality readout and the loss-by-t tooltip (texts with numbers)."""
        self._show_tloss_tip()
        event = self._last_quality
        self.quality_label.setText(quality_summary(event) if event is not None else self.tr(QUALITY_IDLE_TEXT))

    def quality_data(self) -> tuple[np.ndarray, np.ndarray]:
        """(steps, multiples of the real-data floor) as received; NaN where a score was infinite."""
        x, y = self._quality.view()
        return x.copy(), 10.0 ** y

    def _redraw_quality(self) -> None:
        x, y = self._quality.view()
        self.quality_curve.setData(x, y)
        finite = y[np.isfinite(y)]
        # log10 range: always shows the 1.0 line, at least 0.8x .. 10x, widened to nice bounds around the scores
        lo = min(math.log10(0.8), float(finite.min()) - 0.05) if len(finite) else math.log10(0.8)
        hi = max(1.0, float(finite.max()) + 0.1) if len(finite) else 1.0
        self.quality_plot.getPlotItem().setYRange(lo, hi, padding=0.02)

    def set_timesteps(self, timesteps: int) -> None:
        self._timesteps = int(timesteps)

    def last_smoothed_loss(self) -> float:
        return float(self._smooth.y[self._smooth.n - 1]) if self._smooth.n else float("nan")

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

    # ================================================================== drawing
    def schedule_redraw(self, immediate: bool = False) -> None:
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
                QTimer.singleShot(STAGGER_MS, self, self._redraw_lr)  # no call once the plots are gone
                QTimer.singleShot(2 * STAGGER_MS, self, self._redraw_tloss)
        self.redrawn.emit()

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

    def _on_manual_range(self, *_args) -> None:
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

    def _follow_loss(self, vb) -> None:
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

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty:
            self._redraw(full=True)

    def _on_log_toggled(self, on: bool) -> None:
        self.loss_plot.getPlotItem().getAxis("left").setLogMode(on)
        self._yrange = None
        self._redraw(full=True)


def _plot(title: str, ylabel: str, xlabel: str, left_axis: pg.AxisItem | None = None) -> pg.PlotWidget:
    pw = pg.PlotWidget(axisItems={"left": left_axis} if left_axis is not None else None)
    pw.setMinimumSize(200, 140)
    pw.setMenuEnabled(False)
    item = pw.getPlotItem()
    _theme.set_plot_title(item, title)
    item.setLabel("left", ylabel)
    item.setLabel("bottom", xlabel)
    return pw
