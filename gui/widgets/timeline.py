"""The shared timeline: one slider that every tab reads, with playback.

In ``"t"`` mode the slider runs over 0..T (0 = clean x0, p >= 1 = schedule index p - 1) and the readout shows the
schedule's numbers at that t; in ``"steps"`` mode it runs over recorded sampling frames and shows their labels.
Playback advances with a QTimer at about 30 updates per second; at 1x a full sweep takes about six seconds, whatever
the number of positions, and the speed box scales that (0.25x .. 8x).
"""
from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QElapsedTimer, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QStyle,
    QStyleOptionSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui import theme as _theme
from gui.panels.base import TimelineSpec

SPEEDS = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
SWEEP_SECONDS = 6.0  # a full sweep at 1x
MIN_RATE = 4.0  # positions per second at 1x, for short timelines
TICK_MS = 33


def _fmt(v: float, digits: int = 4) -> str:
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    if v == 0:
        return "0"
    if abs(v) >= 1e4 or abs(v) < 1e-3:
        return f"{v:.{max(1, digits - 1)}e}".replace("e-0", "e-").replace("e+0", "e+")
    return f"{v:.{digits}g}"


class JumpSlider(QSlider):
    """A slider whose groove, clicked, jumps to the click (QSlider moves one page towards it); the handle then sits
    under the pointer, so the same press goes on as a drag."""

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.LeftButton and self.maximum() > self.minimum():
            opt = QStyleOptionSlider()
            self.initStyleOption(opt)
            style = self.style()
            handle = style.subControlRect(QStyle.CC_Slider, opt, QStyle.SC_SliderHandle, self)
            point = event.position().toPoint()
            if not handle.contains(point):
                groove = style.subControlRect(QStyle.CC_Slider, opt, QStyle.SC_SliderGroove, self)
                if self.orientation() == Qt.Horizontal:
                    span, pos = groove.width() - handle.width(), point.x() - groove.x() - handle.width() // 2
                else:
                    span, pos = groove.height() - handle.height(), point.y() - groove.y() - handle.height() // 2
                self.setValue(QStyle.sliderValueFromPosition(self.minimum(), self.maximum(), pos, max(1, span),
                                                             opt.upsideDown))
        super().mousePressEvent(event)


class TimelineWidget(QWidget):
    positionChanged = Signal(int)
    playingChanged = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._spec = TimelineSpec("t", 1001)
        self._schedule = None
        self._curves: dict[str, np.ndarray] | None = None
        self._acc = 0.0
        self._clock = QElapsedTimer()
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

        def tool(name: str, tip: str) -> QToolButton:
            b = QToolButton(self)
            b.setAutoRaise(True)
            b.setToolTip(tip)
            b.setProperty("icon_name", name)
            b.setIcon(_theme.icon(name))
            b.setFocusPolicy(Qt.NoFocus)
            return b

        self.start_button = tool("to_start", self.tr("Go to the first position (Home)"))
        self.back_button = tool("step_back", self.tr("Step back (Left)"))
        self.play_button = tool("play", self.tr("Play / pause (Space)"))
        self.play_button.setCheckable(True)
        self.forward_button = tool("step_forward", self.tr("Step forward (Right)"))
        self.end_button = tool("to_end", self.tr("Go to the last position (End)"))
        self.start_button.clicked.connect(lambda: self.set_position(0))
        self.back_button.clicked.connect(lambda: self.step(-1))
        self.forward_button.clicked.connect(lambda: self.step(1))
        self.end_button.clicked.connect(lambda: self.set_position(self._spec.count - 1))
        self.play_button.clicked.connect(self._on_play_clicked)

        self.slider = JumpSlider(Qt.Horizontal, self)
        self.slider.setObjectName("timelineSlider")
        self.slider.setRange(0, self._spec.count - 1)
        self.slider.setPageStep(10)
        self.slider.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.slider.valueChanged.connect(self._on_slider)

        self.spin = QSpinBox(self)
        self.spin.setRange(0, self._spec.count - 1)
        self.spin.setPrefix("t = ")
        self.spin.setMinimumWidth(110)
        self.spin.setToolTip(self.tr("Timeline position: type a value to jump"))
        self.spin.valueChanged.connect(self.set_position)

        self.speed_combo = QComboBox(self)
        for s in SPEEDS:
            self.speed_combo.addItem(f"{s:g}×", s)
        self.speed_combo.setCurrentIndex(SPEEDS.index(1.0))
        self.speed_combo.setToolTip(self.tr("Playback speed (1× sweeps the whole timeline in about six seconds)"))
        self.speed_combo.setFocusPolicy(Qt.NoFocus)

        self.readout = QLabel(self)
        self.readout.setProperty("role", "readout")
        self.readout.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.readout.setMinimumWidth(200)
        self.readout.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(2)
        for b in (self.start_button, self.back_button, self.play_button, self.forward_button, self.end_button):
            top.addWidget(b)
        top.addSpacing(8)
        top.addWidget(self.slider, 1)
        top.addSpacing(8)
        top.addWidget(self.spin)
        speed_label = QLabel(self.tr("Speed"), self)
        speed_label.setProperty("role", "dim")
        top.addSpacing(6)
        top.addWidget(speed_label)
        top.addWidget(self.speed_combo)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.setSpacing(4)
        lay.addLayout(top)
        lay.addWidget(self.readout)
        self._update_readout()

    # ------------------------------------------------------------------ spec / schedule
    def spec(self) -> TimelineSpec:
        return self._spec

    def set_spec(self, spec: TimelineSpec, position: int | None = None) -> None:
        """Range the slider over ``spec``; keeps the position (clamped) unless ``position`` is given."""
        self._spec = spec
        count = max(1, spec.count)
        pos = self.position() if position is None else int(position)
        pos = min(max(pos, 0), count - 1)
        with QSignalBlocker(self.slider), QSignalBlocker(self.spin):
            self.slider.setRange(0, count - 1)
            self.slider.setPageStep(max(1, (count - 1) // 20))
            self.spin.setRange(0, count - 1)
            self.spin.setPrefix("t = " if spec.kind == "t" else self.tr("frame "))
            self.slider.setValue(pos)
            self.spin.setValue(pos)
        self._update_readout()

    def set_schedule(self, schedule) -> None:
        self._schedule = schedule
        self._curves = None
        if schedule is not None:
            self._curves = {
                "beta": schedule.betas.numpy(),
                "alpha_bar": schedule.alpha_bar.numpy(),
                "snr": schedule.snr.numpy(),
                "log_snr": schedule.log_snr.numpy(),
            }
        self._update_readout()

    # ------------------------------------------------------------------ position
    def position(self) -> int:
        return self.slider.value()

    def count(self) -> int:
        return self._spec.count

    def set_position(self, position: int) -> None:
        position = min(max(int(position), 0), self._spec.count - 1)
        if position != self.slider.value():
            self.slider.setValue(position)  # -> _on_slider -> positionChanged

    def step(self, delta: int) -> None:
        self.pause()
        self.set_position(self.position() + int(delta))

    def _on_slider(self, value: int) -> None:
        with QSignalBlocker(self.spin):
            self.spin.setValue(value)
        self._update_readout()
        self.positionChanged.emit(value)

    # ------------------------------------------------------------------ playback
    def speed(self) -> float:
        return float(self.speed_combo.currentData())

    def set_speed(self, speed: float) -> None:
        idx = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - speed))
        self.speed_combo.setCurrentIndex(idx)

    def rate(self) -> float:
        """Positions per second at the current speed."""
        base = max(MIN_RATE, (self._spec.count - 1) / SWEEP_SECONDS)
        return base * self.speed()

    def is_playing(self) -> bool:
        return self._timer.isActive()

    def play(self) -> None:
        if self.is_playing():
            return
        if self.position() >= self._spec.count - 1:
            self.set_position(0)
        self._acc = 0.0
        self._clock.start()
        self._timer.start()
        self._sync_play_button()
        self.playingChanged.emit(True)

    def pause(self) -> None:
        if not self.is_playing():
            return
        self._timer.stop()
        self._sync_play_button()
        self.playingChanged.emit(False)

    def toggle_play(self) -> None:
        self.pause() if self.is_playing() else self.play()

    def _on_play_clicked(self) -> None:
        self.toggle_play()

    def _sync_play_button(self) -> None:
        playing = self.is_playing()
        with QSignalBlocker(self.play_button):
            self.play_button.setChecked(playing)
        name = "pause" if playing else "play"
        self.play_button.setProperty("icon_name", name)
        self.play_button.setIcon(_theme.icon(name))

    def _tick(self) -> None:
        dt = self._clock.restart() / 1000.0
        self._acc += self.rate() * min(dt, 0.25)
        advance = int(self._acc)
        if advance <= 0:
            return
        self._acc -= advance
        target = self.position() + advance
        last = self._spec.count - 1
        if target >= last:
            self.set_position(last)
            self.pause()
        else:
            self.set_position(target)

    # ------------------------------------------------------------------ readout
    def readout_text(self) -> str:
        return self.readout.text()

    def _update_readout(self) -> None:
        self.readout.setText(self._compose_readout())

    def _compose_readout(self) -> str:
        p = self.position()
        spec = self._spec
        if spec.kind == "steps":
            if spec.labels and 0 <= p < len(spec.labels):
                return self.tr("frame {0} / {1}  ·  {2}").format(p, spec.count - 1, spec.labels[p])
            return self.tr("frame {0} / {1}").format(p, spec.count - 1)
        c = self._curves
        T = spec.count - 1
        if p == 0:
            return self.tr("t = 0 / {0}  ·  x₀, the clean data  ·  ᾱ = 1  ·  SNR = ∞").format(T)
        if c is None or p - 1 >= len(c["beta"]):
            return f"t = {p} / {T}"
        i = p - 1
        beta, ab, snr, lsnr = (float(c["beta"][i]), float(c["alpha_bar"][i]), float(c["snr"][i]),
                               float(c["log_snr"][i]))
        return (f"t = {p} / {T}  ·  β_t = {_fmt(beta)}  ·  ᾱ_t = {_fmt(ab)}  ·  √ᾱ_t = {_fmt(math.sqrt(ab))}"
                f"  ·  √(1−ᾱ_t) = {_fmt(math.sqrt(max(0.0, 1 - ab)))}  ·  SNR = {_fmt(snr, 3)}"
                f"  ·  log SNR = {_fmt(lsnr, 3)}")

    def retranslate(self) -> None:
        """After a language switch: the readout is composed with numbers, so it is composed again."""
        self._update_readout()

    # ------------------------------------------------------------------ theme
    def apply_theme(self, theme=None) -> None:
        for b in (self.start_button, self.back_button, self.play_button, self.forward_button, self.end_button):
            b.setIcon(_theme.icon(b.property("icon_name")))
