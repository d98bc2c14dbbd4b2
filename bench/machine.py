"""What every bench script reports and needs: the load average beside each figure, and an event-loop wait for the
scripts that drive the real window."""
from __future__ import annotations

import os
import time


def loadavg() -> list[float] | None:
    """The 1/5/15-minute load averages (None where the platform has none): a timing is void on a loaded machine."""
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except (OSError, AttributeError):
        return None


def wait_until(predicate, timeout_s: float, *, slice_ms: int = 5, sleep_s: float = 0.0) -> bool:
    """Run the Qt event loop until ``predicate()`` or the timeout; True when the predicate came true."""
    from PySide6.QtCore import QCoreApplication, QEventLoop

    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            return False
        QCoreApplication.processEvents(QEventLoop.AllEvents, slice_ms)
        if sleep_s:
            time.sleep(sleep_s)
    return True
