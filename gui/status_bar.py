"""The main window's status bar: the experiment file, the device and the live training readouts."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from gui.events import TrainingProgress
from gui.widgets import RATE_READOUT, STEP_READOUT, TIME_READOUT, format_duration, reserve_width

MESSAGE_MS = 8000  # how long a worker's status line stays


class WindowStatusBar(QStatusBar):
    """Transient messages on the left; file, device, step, it/s and elapsed / ETA as permanent readouts."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setSizeGripEnabled(True)
        self.file_label = QLabel("")
        self.device_label = QLabel("")
        self.step_label = QLabel("step —")
        self.speed_label = QLabel("— it/s")
        self.time_label = QLabel("elapsed — · ETA —")
        self.device_label.setToolTip("The device training runs on")
        self.step_label.setToolTip("Optimizer step / total")
        self.speed_label.setToolTip("Training speed in optimizer steps per second")
        self.time_label.setToolTip("Elapsed training time and estimated time left")
        reserve_width(self.step_label, STEP_READOUT)  # readouts that change 10x a second must not jitter
        reserve_width(self.speed_label, RATE_READOUT)
        reserve_width(self.time_label, TIME_READOUT)
        for w in (self.file_label, self.device_label, self.step_label, self.speed_label, self.time_label):
            self.addPermanentWidget(w)

    def show_note(self, text: str) -> None:
        """A line from the worker or the engine, as it was written."""
        self.showMessage(text, MESSAGE_MS)

    def show_device(self, text: str) -> None:
        self.device_label.setText(text)

    def show_file(self, path: str | None) -> None:
        if path:
            self.file_label.setText(Path(path).name)
            self.file_label.setToolTip(path)
        else:
            self.file_label.setText("unsaved experiment")
            self.file_label.setToolTip("")

    def show_progress(self, p: TrainingProgress) -> None:
        self.step_label.setText(f"step {p.step:,} / {p.total:,}" if p.total else f"step {p.step:,}")
        ips = p.its_per_sec
        self.speed_label.setText(f"{ips:.1f} it/s" if ips < 100 else f"{ips:.0f} it/s")
        eta_text = format_duration(p.eta) if p.eta >= 0 else "—"
        self.time_label.setText(f"elapsed {format_duration(p.elapsed)} · ETA {eta_text}")
