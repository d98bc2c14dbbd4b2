"""A scripted soak of the real window: the same user session over and over, watching for leaks.

One cycle: switch dataset (moons / swissroll / checkerboard in turn) → train a tiny model → pause → resume → wait for
it to finish → sample (DDIM) → scrub the timeline → export a GIF (the Export dialog, to a temp folder) → save and
open the checkpoint → visit every tab. After each cycle: RSS, Python objects (gc), threads (Python and OS) and open
file handles (/proc/self/fd).

After a warm-up (the first third of the run: caches, the job pool's threads, lazily built widgets) a slope is fitted
to each series. The test fails on a positive RSS trend beyond noise (the Theil-Sen slope, robust to the spikes of a
cycle sampled mid-export, above RSS_LIMIT_MB_PER_10MIN, with three quarters of the pairwise slopes positive), on
Python object growth beyond
OBJECTS_LIMIT_PER_CYCLE, and on any thread or file-handle growth (the last cycles may not hold more than the
warm-up's maximum).

By default it runs SOAK_S (90 s, ~2 minutes with start-up); ``pytest -m soak tests/robustness/test_soak.py`` runs the
long version (20 minutes; DL_SOAK_S overrides both). Run with ``-s`` to see the measured slopes.
"""
from __future__ import annotations

import gc
import math
import os
import threading
import time

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QCoreApplication, QSettings
from window_support import (
    DialogRecorder,
    close_stray_windows,
    close_window,
    make_window,
    open_fds,
    os_threads,
    rss_mb,
    set_training,
)

SOAK_S = float(os.environ.get("DL_SOAK_S", 90))
LONG_SOAK_S = float(os.environ.get("DL_SOAK_S", 20 * 60))
RSS_LIMIT_MB_PER_10MIN = 5.0  # the long soak (>= 10 minutes of cycles)
# The short soak's ~30 measured cycles cannot resolve 5 MB per 10 minutes: the allocator still settles there (it
# measured +0.3 MB per cycle, flattening out after ~30 cycles, with no Python-level growth under tracemalloc). It
# catches gross leaks: a model, a trajectory or a GIF's frames kept per cycle. Per cycle, not per minute, so a faster
# machine (more cycles a minute) does not come closer to the limit.
SHORT_RSS_LIMIT_MB_PER_CYCLE = 1.0
OBJECTS_LIMIT_PER_CYCLE = 2000
DATASETS = ("moons", "swissroll", "checkerboard")


@pytest.fixture(scope="module", autouse=True)
def _private_qsettings(tmp_path_factory):
    folder = tmp_path_factory.mktemp("qsettings-soak")
    QSettings.setDefaultFormat(QSettings.IniFormat)
    for scope in (QSettings.UserScope, QSettings.SystemScope):
        QSettings.setPath(QSettings.IniFormat, scope, str(folder))
    QCoreApplication.setOrganizationName("DiffusionLabTests")
    QCoreApplication.setApplicationName("DiffusionLabTests")


def one_cycle(window, qtbot, folder, k: int) -> None:
    from gui.export_dialog import ExportDialog

    worker, training, sampling = window.worker, window.training_panel, window.sampling_panel
    # switch dataset, train a tiny model with a pause / resume in the middle
    set_training(window, qtbot, DATASETS[k % len(DATASETS)], steps=150)
    window.tabs.setCurrentWidget(training)
    training.continue_check.setChecked(False)
    seen = {"step": 0}
    track = lambda e: seen.__setitem__("step", int(e.step))  # noqa: E731
    worker.progress.connect(track)
    try:
        with qtbot.waitSignal(worker.trainingFinished, timeout=120000) as finished:
            training.start()
            qtbot.waitUntil(lambda: seen["step"] >= 5, timeout=60000)
            training.pause()
            # on a fast machine the 150 steps may end before the pause lands: then there is nothing to resume
            qtbot.waitUntil(lambda: training.state() in ("paused", "idle"), timeout=10000)
            if training.state() == "paused":
                training.resume()
    finally:
        worker.progress.disconnect(track)
    assert finished.args[0].reason == "finished", finished.args[0].message
    qtbot.waitUntil(lambda: training.state() == "idle", timeout=10000)
    # sample, then scrub the timeline
    window.tabs.setCurrentWidget(sampling)
    qtbot.waitUntil(lambda: sampling.run_button.isEnabled(), timeout=30000)
    sampling.sampler_combo.setCurrentIndex(sampling.sampler_combo.findData("ddim"))
    sampling.steps_spin.setValue(20)
    sampling.n_spin.setValue(400)
    with qtbot.waitSignal(worker.samplingFinished, timeout=60000):
        sampling.run_button.click()
    timeline = window.timeline
    for pos in (0, 5, 13, timeline.count() - 1, 2, 0):
        timeline.set_position(pos)
        QCoreApplication.processEvents()
    # export a GIF through the Export dialog
    window.export_current()
    dialog = next(d for d in window.findChildren(ExportDialog) if d.isVisible())
    gif = folder / f"cycle-{k}.gif"
    dialog.set_path(gif)
    assert dialog.start_export(), dialog.last_message
    qtbot.waitUntil(lambda: not dialog.is_running(), timeout=60000)
    assert "Saved" in dialog.last_message, dialog.last_message
    dialog.shutdown()
    dialog.close()
    with Image.open(gif) as im:
        assert im.n_frames > 1
    gif.unlink()
    # save the checkpoint and open it again
    run = folder / f"run-{k % 2}"
    with qtbot.waitSignal(worker.checkpointSaved, timeout=30000):
        worker.save_checkpoint(run)
    with qtbot.waitSignal(worker.checkpointLoaded, timeout=30000):
        window.open_checkpoint(str(run / "checkpoint.safetensors"))
    # every tab, back to the first
    for i in [*range(window.tabs.count()), 0]:
        window.tabs.setCurrentIndex(i)
        qtbot.wait(20)
    close_stray_windows()


def slope(t: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Least-squares slope of y over t and its standard error."""
    if len(t) < 3:
        return 0.0, math.inf
    a = np.vstack([t - t.mean(), np.ones_like(t)]).T
    coef, res, *_ = np.linalg.lstsq(a, y, rcond=None)
    resid = y - a @ coef
    se = math.sqrt(float(resid @ resid) / (len(t) - 2) / float(((t - t.mean()) ** 2).sum()))
    return float(coef[0]), se


def robust_slope(t: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Theil-Sen: the median of the slopes between every pair of samples (one spike, such as a cycle that peaked
    while a GIF was being encoded, barely moves it), and the 25th percentile of those slopes: above zero only when
    most pairs agree that the series grows."""
    i, j = np.triu_indices(len(t), k=1)
    pair = (y[j] - y[i]) / (t[j] - t[i])
    return float(np.median(pair)), float(np.percentile(pair, 25))


def growing(t: np.ndarray, y: np.ndarray, limit_per_10min: float) -> bool:
    """A positive trend beyond noise: the robust slope above the limit, and most pairwise slopes positive."""
    mid, low = robust_slope(t, y)
    return mid * 600 > limit_per_10min and low > 0


def soak(qtbot, tmp_path, monkeypatch, seconds: float) -> dict:
    DialogRecorder(monkeypatch)  # nothing here should open a blocking dialog; if one does, it is answered
    window = make_window(tmp_path / "settings.ini")
    qtbot.waitExposed(window)
    samples = []  # (time, rss MB, gc objects, python threads, OS threads, fds)
    t0 = time.monotonic()
    k = 0
    try:
        while time.monotonic() - t0 < seconds or k < 6:
            one_cycle(window, qtbot, tmp_path, k)
            k += 1
            gc.collect()
            samples.append((time.monotonic() - t0, rss_mb(), len(gc.get_objects()), threading.active_count(),
                            os_threads(), open_fds()))
    finally:
        close_window(window, qtbot)
    arr = np.array(samples, dtype=float)
    warm = max(2, len(arr) // 3)
    t, rss, objs = arr[warm:, 0], arr[warm:, 1], arr[warm:, 2]
    rss_slope, rss_low = robust_slope(t, rss)
    per_cycle, _ = robust_slope(np.arange(len(rss), dtype=float), rss)
    _, rss_se = slope(t, rss)
    obj_slope, _ = slope(np.arange(len(objs), dtype=float), objs)
    thr_slope, _ = slope(t, arr[warm:, 4])
    fd_slope, _ = slope(t, arr[warm:, 5])
    report = {
        "cycles": k, "seconds": round(float(arr[-1, 0]), 1), "warmup_cycles": warm,
        "rss_mb": (round(float(arr[0, 1]), 1), round(float(arr[warm, 1]), 1), round(float(arr[-1, 1]), 1)),
        "rss_mb_per_10min": round(rss_slope * 600, 2), "rss_q25_mb_per_10min": round(rss_low * 600, 2),
        "rss_ls_se_mb_per_10min": round(rss_se * 600, 2), "rss_mb_per_cycle": round(per_cycle, 3),
        "objects_per_cycle": round(obj_slope, 1),
        "os_threads": (int(arr[0, 4]), int(arr[warm:, 4].max()), int(arr[-1, 4])),
        "py_threads": (int(arr[0, 3]), int(arr[-1, 3])),
        "threads_per_10min": round(thr_slope * 600, 2),
        "fds": (int(arr[0, 5]), int(arr[warm:, 5].max()), int(arr[-1, 5])), "fds_per_10min": round(fd_slope * 600, 2),
    }
    print(f"\nsoak: {report}\nrss per cycle: {[round(float(x), 1) for x in arr[:, 1]]}")
    if seconds >= 600:
        assert not growing(t, rss, RSS_LIMIT_MB_PER_10MIN), report
    else:  # per cycle: the x axis is the cycle index, and "per 10 min" is then per 600 cycles
        assert not growing(np.arange(len(rss), dtype=float), rss, SHORT_RSS_LIMIT_MB_PER_CYCLE * 600), report
    assert obj_slope < OBJECTS_LIMIT_PER_CYCLE, report
    tail = arr[-max(2, len(arr) // 4):]
    warm_part = arr[:warm + 1]
    assert tail[:, 4].max() <= warm_part[:, 4].max(), f"OS threads grew: {report}"
    assert tail[:, 3].max() <= warm_part[:, 3].max(), f"Python threads grew: {report}"
    assert tail[:, 5].max() <= warm_part[:, 5].max(), f"open file handles grew: {report}"
    return report


# RSS (MB) per cycle of a real 90 s run (load average ~9), after the warm-up third
MEASURED = [621.1, 621.4, 621.5, 621.6, 622.5, 622.5, 662.3, 621.1, 627.5, 628.0, 628.0, 629.4, 682.6, 630.6, 632.4,
            632.4, 632.5, 632.6, 632.6, 632.6, 632.8, 632.8, 632.8, 633.3, 633.3, 633.3, 633.3, 634.9]


def test_trend_detector():
    """The leak detector itself: it passes the measured series and fails the same series plus a leak."""
    cycles = np.arange(len(MEASURED), dtype=float)
    y = np.array(MEASURED)
    assert not growing(cycles, y, SHORT_RSS_LIMIT_MB_PER_CYCLE * 600)
    assert growing(cycles, y + 2.0 * cycles, SHORT_RSS_LIMIT_MB_PER_CYCLE * 600)  # a 2 MB model kept per cycle
    flat = 640 + np.random.default_rng(0).normal(0, 1, 300)  # ~1 MB of noise, as measured
    flat[::17] += 80  # spikes: cycles sampled while a GIF was being encoded
    assert not growing(np.arange(300) * 4.0, flat, RSS_LIMIT_MB_PER_10MIN)
    assert growing(np.arange(300) * 4.0, flat + np.arange(300) * 4.0 * 6 / 600, RSS_LIMIT_MB_PER_10MIN)  # 6 MB/10 min


@pytest.mark.timeout(int(SOAK_S) + 240)
def test_soak_short(qtbot, tmp_path, monkeypatch):
    soak(qtbot, tmp_path, monkeypatch, SOAK_S)


@pytest.mark.soak
@pytest.mark.timeout(int(LONG_SOAK_S) + 600)
def test_soak_long(qtbot, tmp_path, monkeypatch):
    soak(qtbot, tmp_path, monkeypatch, LONG_SOAK_S)
