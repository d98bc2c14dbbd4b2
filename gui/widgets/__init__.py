"""Reusable widgets: the shared timeline, image views and grids, the Experiment forms."""

import math

from PySide6.QtWidgets import QLabel

# Widest usual texts of the live training readouts (the Training tab and the status bar show the same three)
STEP_READOUT = "step 88,888 / 88,888"
RATE_READOUT = "888.8 it/s"
TIME_READOUT = "elapsed 88:88 · ETA 88:88"


def reserve_width(label: QLabel, *samples: str) -> QLabel:
    """Reserve (as the minimum width) room for the widest of ``samples`` in ``label``'s styled font.

    Live readouts (it/s, elapsed, step) change text several times a second; a label whose width follows its text
    makes the readouts jitter sideways and its row re-flow. (It was not the cause of the once-a-second event-loop
    stalls while training: those were plot updates, see gui/panels/training.py.) A longer text still widens it."""
    label.ensurePolished()  # the stylesheet's font (monospace readouts) is applied at polish time
    metrics = label.fontMetrics()
    margins = label.contentsMargins()
    width = max(metrics.horizontalAdvance(s) for s in samples) + margins.left() + margins.right() + 4
    label.setMinimumWidth(width)
    return label


def format_duration(seconds: float | None) -> str:
    """``m:ss`` or ``h:mm:ss`` for the elapsed / ETA readouts; "–" when unknown (None, negative, not finite)."""
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return "–"
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"
