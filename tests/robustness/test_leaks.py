"""Long sessions: starting and stopping training 100 times leaks no threads, no trainers and no significant memory.

Measured with threading.active_count(), weak references to every Trainer, and the resident set size from
/proc/self/statm (psutil is not a dependency). The numbers are printed (run with -s) and kept in RESULTS.
"""
from __future__ import annotations

import gc
import os
import sys
import threading
import time
import weakref
from pathlib import Path

import pytest
import torch

from engine.presets import default_config
from engine.session import Control, TrainingSession
from engine.training import Trainer

CYCLES = 100
RSS_LIMIT_MB = 40.0
RESULTS: dict[str, dict] = {}

pytestmark = pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads /proc/self/statm")


def rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def os_threads() -> int:
    """Every OS thread of the process (QThreads and torch's pools too, which threading.active_count misses)."""
    return len(os.listdir("/proc/self/task"))


def tiny_config():
    cfg = default_config("moons")
    cfg.model.preset = "tiny"
    cfg.data.n_points = 512
    cfg.training.steps = 1_000_000
    cfg.training.batch_size = 32
    cfg.training.preview_every = 0
    return cfg


@pytest.fixture(autouse=True)
def _one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _cycle(refs: list, stop_latencies: list) -> None:
    """Build a trainer in a background thread, run it until its first step, stop it, join the thread."""
    control = Control()
    first_step = threading.Event()
    box: dict = {}

    def work() -> None:
        trainer = Trainer(tiny_config())
        refs.append(weakref.ref(trainer))
        box["result"] = TrainingSession(trainer, control).run(lambda m: first_step.set(), preview_every=0)

    thread = threading.Thread(target=work, name="training")
    thread.start()
    assert first_step.wait(30), "training never started"
    time.sleep(0.005)
    asked = time.monotonic()
    control.stop()
    thread.join(timeout=5)
    stop_latencies.append(time.monotonic() - asked)
    assert not thread.is_alive(), "the training thread did not stop"
    assert box["result"].reason == "stopped"


def test_start_stop_training_100_times_in_a_thread():
    refs: list = []
    latencies: list = []
    for _ in range(5):  # warm-up: allocator pools, lazy imports, torch caches
        _cycle(refs, latencies)
    gc.collect()
    threads_before, rss_before, os_before = threading.active_count(), rss_mb(), os_threads()
    started = time.monotonic()
    for _ in range(CYCLES):
        _cycle(refs, latencies)
    elapsed = time.monotonic() - started
    gc.collect()
    threads_after, rss_after, os_after = threading.active_count(), rss_mb(), os_threads()
    alive = sum(1 for r in refs if r() is not None)
    median_stop = sorted(latencies)[len(latencies) // 2]
    RESULTS["engine"] = dict(cycles=CYCLES, seconds=elapsed, threads_before=threads_before,
                             threads_after=threads_after, os_threads_before=os_before, os_threads_after=os_after,
                             rss_before_mb=rss_before, rss_after_mb=rss_after,
                             growth_mb=rss_after - rss_before, trainers_alive=alive,
                             max_stop_ms=1000 * max(latencies), median_stop_ms=1000 * median_stop)
    sys.stderr.write(f"\n[leaks/engine] {CYCLES} start/stop cycles in {elapsed:.1f} s: threads {threads_before} -> "
                     f"{threads_after} (OS threads {os_before} -> {os_after}), "
                     f"RSS {rss_before:.1f} -> {rss_after:.1f} MB "
                     f"({rss_after - rss_before:+.1f} MB), trainers still alive {alive}, stop latency median "
                     f"{RESULTS['engine']['median_stop_ms']:.1f} ms / max {RESULTS['engine']['max_stop_ms']:.1f} ms\n")
    assert threads_after == threads_before and os_after <= os_before
    assert alive == 0, f"{alive} Trainer objects were never freed"
    assert rss_after - rss_before < RSS_LIMIT_MB


def test_start_stop_through_the_gui_worker_100_times(qtbot):
    """The same through the window's EngineWorker (what the Train / Stop buttons do)."""
    worker_mod = pytest.importorskip("gui.worker")
    worker = worker_mod.EngineWorker(torch_threads=1, autosave_every_s=0)
    worker.start()
    cfg = tiny_config()

    def cycle() -> None:
        with qtbot.waitSignal(worker.progress, timeout=30000):
            worker.start_training(cfg)
        with qtbot.waitSignal(worker.trainingFinished, timeout=10000):
            worker.stop()
        qtbot.waitUntil(lambda: worker.state() == "idle", timeout=10000)

    try:
        for _ in range(5):
            cycle()
        gc.collect()
        threads_before, rss_before = os_threads(), rss_mb()
        started = time.monotonic()
        for _ in range(CYCLES):
            cycle()
        elapsed = time.monotonic() - started
        gc.collect()
        threads_after, rss_after = os_threads(), rss_mb()
    finally:
        assert worker.shutdown(2000)
    RESULTS["worker"] = dict(cycles=CYCLES, seconds=elapsed, threads_before=threads_before,
                             threads_after=threads_after, growth_mb=rss_after - rss_before)
    sys.stderr.write(f"\n[leaks/worker] {CYCLES} start/stop cycles in {elapsed:.1f} s: "
                     f"OS threads {threads_before} -> {threads_after}, "
                     f"RSS {rss_before:.1f} -> {rss_after:.1f} MB ({rss_after - rss_before:+.1f} MB)\n")
    assert threads_after <= threads_before
    assert rss_after - rss_before < RSS_LIMIT_MB
