"""The main window's status bar: the experiment file, the device and the live training readouts."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from gui.engine_messages import device_text
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
        self._path: str | None = None
        self._device = ""
        self._progress: TrainingProgress | None = None
        self.step_label = QLabel(self.tr("step —"))
        self.speed_label = QLabel(self.tr("— it/s"))
        self.time_label = QLabel(self.tr("elapsed — · ETA —"))
        self.device_label.setToolTip(self.tr("The device training runs on"))
        self.step_label.setToolTip(self.tr("Optimizer step / total"))
        self.speed_label.setToolTip(self.tr("Training speed in optimizer steps per second"))
        self.time_label.setToolTip(self.tr("Elapsed training time and estimated time left"))
        reserve_width(self.step_label, STEP_READOUT)  # readouts that change 10x a second must not jitter
        reserve_width(self.speed_label, RATE_READOUT)
        reserve_width(self.time_label, TIME_READOUT)
        for w in (self.file_label, self.device_label, self.step_label, self.speed_label, self.time_label):
            self.addPermanentWidget(w)

    def show_note(self, text: str) -> None:
        """A line from the worker or the engine, as it was written."""
        self.showMessage(text, MESSAGE_MS)

    def show_device(self, text: str) -> None:
        """The device as the engine or the dock names it; the engine's English CPU wording is translated here."""
        self._device = text
        self.device_label.setText(device_text(text))

    def show_file(self, path: str | None) -> None:
        self._path = path
        if path:
            self.file_label.setText(Path(path).name)
            self.file_label.setToolTip(path)
        else:
            self.file_label.setText(self.tr("unsaved experiment"))
            self.file_label.setToolTip("")

    def show_progress(self, p: TrainingProgress) -> None:
        self._progress = p
        self.step_label.setText(self.tr("step {0} / {1}").format(f"{p.step:,}", f"{p.total:,}") if p.total
                                else self.tr("step {0}").format(f"{p.step:,}"))
        ips = p.its_per_sec
        self.speed_label.setText(self.tr("{0} it/s").format(f"{ips:.1f}" if ips < 100 else f"{ips:.0f}"))
        eta_text = format_duration(p.eta) if p.eta >= 0 else "—"
        self.time_label.setText(self.tr("elapsed {0} · ETA {1}").format(format_duration(p.elapsed), eta_text))

    def retranslate(self) -> None:
        """The language changed: re-render the readouts that carry numbers (the fixed texts were re-set already)."""
        self.show_file(self._path)
        self.show_device(self._device)
        if self._progress is not None:
            self.show_progress(self._progress)
