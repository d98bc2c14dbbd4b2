"""Reusable widgets: the shared timeline, image views and grids, the Experiment forms."""

from PySide6.QtWidgets import QLabel


def reserve_width(label: QLabel, *samples: str) -> QLabel:
    """Reserve (as the minimum width) room for the widest of ``samples`` in ``label``'s styled font.

    Live readouts (it/s, elapsed, step) change text several times a second; a label whose width follows its text
    makes its layout re-flow, which resizes neighbouring widgets and forces the plots beside them to repaint and
    re-lay out their axes: measured as 20-45 ms stalls of the event loop once a second while training. A
    reserved width keeps every update a repaint of the label alone."""
    label.ensurePolished()  # the stylesheet's font (monospace readouts) is applied at polish time
    metrics = label.fontMetrics()
    margins = label.contentsMargins()
    width = max(metrics.horizontalAdvance(s) for s in samples) + margins.left() + margins.right() + 4
    label.setMinimumWidth(width)
    return label
