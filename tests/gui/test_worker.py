"""The engine worker thread: batched metrics, run control, sampling, checkpoints, errors and shutdown."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import threading
import time

import numpy as np
import pytest

from engine.presets import quick_config as short_config


class Recorder:
    """Collects every emission of a worker's signals (on the GUI thread)."""

    def __init__(self, worker, *names: str):
        self.events: dict[str, list] = {n: [] for n in names}
        self.threads: set[int] = set()
        for n in names:
            getattr(worker, n).connect(lambda *a, n=n: self._add(n, a))

    def _add(self, name, args) -> None:
        self.threads.add(threading.get_ident())
        assert len(args) == 1  # one event object per emission
        self.events[name].append(args[0])

    def __getitem__(self, name: str) -> list:
        return self.events[name]


def wait_state(qtbot, worker, state: str, timeout: int = 20000) -> None:
    qtbot.waitUntil(lambda: worker.state() == state, timeout=timeout)


def test_training_emits_batched_numpy_metrics_and_previews(qtbot, worker):
    rec = Recorder(worker, "metricsBatch", "progress", "preview", "trainingStateChanged", "deviceName",
                   "statusMessage")
    cfg = short_config(steps=200, preview_every=100)
    with qtbot.waitSignal(worker.trainingFinished, timeout=60000) as blocker:
        worker.start_training(cfg)
    assert blocker.args[0].reason == "finished" and blocker.args[0].step == 200
    qtbot.waitUntil(lambda: worker.state() == "idle", timeout=2000)
    batches = [b for b in rec["metricsBatch"] if not b.replace]
    steps = np.concatenate([b.step for b in batches])
    assert np.array_equal(steps, np.arange(1, 201))  # every step exactly once, in order
    assert len(batches) < 200  # batched, never one signal per step
    for b in batches:
        assert isinstance(b.loss, np.ndarray) and b.loss.shape == b.step.shape
        assert isinstance(b.t, np.ndarray) and b.t.dtype == np.int64
        assert b.per_sample_loss.shape == b.t.shape
        assert np.isfinite(b.loss).all()
    assert [p.step for p in rec["preview"]] == [100, 200]
    assert all(p.samples.dtype == np.float32 and p.samples.shape[1] == 2 for p in rec["preview"])
    last = rec["progress"][-1]
    assert last.elapsed >= 0 and last.eta >= 0
    assert last.step == 200 and last.total == 200 and last.its_per_sec > 0
    states = [e.state for e in rec["trainingStateChanged"]]
    assert states[0] == "running" and states[-1] == "idle"
    assert rec["deviceName"] and "cpu" in rec["deviceName"][-1].name
    assert rec.threads == {threading.get_ident()}  # every public signal arrives on the GUI thread
    assert worker.model().step == 200
    event_type = {name: cls for cls, name in worker.SIGNAL_OF.items()}
    for name, events in rec.events.items():  # every signal carries exactly its one event type
        assert {type(e) for e in events} == {event_type[name]}, name


def test_pause_step_once_resume_stop(qtbot, worker):
    rec = Recorder(worker, "metricsBatch", "trainingStateChanged")
    worker.start_training(short_config(steps=1_000_000, preview_every=0))
    qtbot.waitUntil(lambda: any(not b.replace for b in rec["metricsBatch"]), timeout=20000)
    worker.pause()
    wait_state(qtbot, worker, "paused", 5000)
    qtbot.wait(150)  # anything the last step produced has been flushed
    step = int(rec["metricsBatch"][-1].step[-1])
    qtbot.wait(300)
    assert int(rec["metricsBatch"][-1].step[-1]) == step  # really paused
    worker.step_once()
    qtbot.waitUntil(lambda: int(rec["metricsBatch"][-1].step[-1]) == step + 1, timeout=5000)
    qtbot.wait(300)
    assert int(rec["metricsBatch"][-1].step[-1]) == step + 1  # exactly one step
    assert worker.state() == "paused"
    worker.resume()
    wait_state(qtbot, worker, "running", 5000)
    qtbot.waitUntil(lambda: int(rec["metricsBatch"][-1].step[-1]) > step + 3, timeout=10000)
    t0 = time.perf_counter()
    with qtbot.waitSignal(worker.trainingFinished, timeout=5000) as blocker:
        worker.stop()
        assert worker.state() == "stopping"
    wait_state(qtbot, worker, "idle", 2000)
    assert time.perf_counter() - t0 < 2.0
    assert blocker.args[0].reason == "stopped"
    states = [e.state for e in rec["trainingStateChanged"]]
    assert states[:1] == ["running"] and "paused" in states and states[-2:] == ["stopping", "idle"]


def test_nan_loss_reports_diverged_and_keeps_weights(qtbot, worker, nan_after):
    nan_after(12)
    with qtbot.waitSignal(worker.trainingFinished, timeout=30000) as blocker:
        worker.start_training(short_config(steps=200, preview_every=0))
    finished = blocker.args[0]
    reason, message, step = finished.reason, finished.message, finished.step
    assert reason == "diverged" and step == 12
    assert "nan" in message and "step 13" in message and "last good weights" in message
    assert "training stopped" in message  # the engine's own words, shown as written
    wait_state(qtbot, worker, "idle", 2000)
    assert worker.model().step == 12


def test_sampling_records_a_trajectory_and_can_be_cancelled(qtbot, worker):
    from engine.samplers import Trajectory
    from engine.training import Trainer

    cfg = short_config()
    worker.set_trainer(Trainer(cfg))
    qtbot.waitUntil(worker.has_model, timeout=5000)
    rec = Recorder(worker, "samplingProgress", "samplingAborted", "samplingFinished")
    with qtbot.waitSignal(worker.samplingFinished, timeout=20000) as blocker:
        worker.sample(cfg.sampling)
    traj = blocker.args[0].trajectory
    assert isinstance(traj, Trajectory) and len(traj) == 21 and traj.kind == "points"
    assert traj.frame(0).x_t.shape == (256, 2) and traj.timesteps[-1] == -1
    last = rec["samplingProgress"][-1]
    assert (last.step, last.total) == (20, 20) and last.preview.shape == (256, 2)

    slow = cfg.sampling.__class__(**{**cfg.sampling.__dict__, "sampler": "ddpm", "steps": 1000, "n": 20000})
    with qtbot.waitSignal(worker.samplingProgress, timeout=20000):
        worker.sample(slow)
    t0 = time.perf_counter()
    with qtbot.waitSignal(worker.samplingAborted, timeout=5000) as aborted:
        worker.cancel_sampling()
    assert aborted.args[0].reason == "cancelled" and time.perf_counter() - t0 < 2.0
    assert len(rec["samplingFinished"]) == 1 and not worker.is_sampling()


def test_checkpoint_round_trip_restores_step_and_samples(qtbot, worker, tmp_path):
    from gui.worker import EngineWorker

    cfg = short_config(steps=40, preview_every=0)
    with qtbot.waitSignal(worker.trainingFinished, timeout=30000):
        worker.start_training(cfg)
    with qtbot.waitSignal(worker.checkpointSaved, timeout=10000) as saved:
        worker.save_checkpoint(tmp_path / "run")
    assert saved.args[0].path.endswith("checkpoint.safetensors")
    with qtbot.waitSignal(worker.samplingFinished, timeout=20000) as a:
        worker.sample(cfg.sampling)

    other = EngineWorker(torch_threads=1, autosave_every_s=0)
    other.start()
    try:
        rec = Recorder(other, "metricsBatch")
        with qtbot.waitSignal(other.checkpointLoaded, timeout=20000) as loaded:
            other.load_checkpoint(saved.args[0].path)
        assert loaded.args[0].config.data.dataset == "moons"
        qtbot.waitUntil(lambda: other.model() is not None, timeout=2000)
        assert other.model().step == 40
        history = rec["metricsBatch"][0]
        assert history.replace and np.array_equal(history.step, np.arange(1, 41))
        with qtbot.waitSignal(other.samplingFinished, timeout=20000) as b:
            other.sample(cfg.sampling)
        assert np.array_equal(a.args[0].trajectory.final, b.args[0].trajectory.final)
    finally:
        other.shutdown()


def test_user_errors_are_one_line_messages(qtbot, worker, tmp_path):
    bad = tmp_path / "not_a_checkpoint.safetensors"
    bad.write_bytes(b"\x80\x04garbage" * 10)
    with qtbot.waitSignal(worker.error, timeout=10000) as err:
        worker.load_checkpoint(bad)
    text = err.args[0].message
    assert "pickle" in text and "Traceback" not in text and "\n" not in text

    with qtbot.waitSignal(worker.error, timeout=10000) as err:
        worker.sample(short_config().sampling)
    assert "no model yet" in err.args[0].message

    cfg = short_config()
    cfg.data.dataset = str(tmp_path / "missing_folder")
    with qtbot.waitSignal(worker.trainingFinished, timeout=20000) as finished:
        worker.start_training(cfg)
    assert finished.args[0].reason == "error" and "Traceback" not in finished.args[0].message
    wait_state(qtbot, worker, "idle", 2000)


def test_shutdown_during_training_joins_quickly(qtbot):
    from gui.worker import EngineWorker

    w = EngineWorker(torch_threads=1, autosave_every_s=0)
    w.start()
    thread = w._thread
    with qtbot.waitSignal(w.metricsBatch, timeout=20000, check_params_cb=lambda b: not b.replace):
        w.start_training(short_config(steps=1_000_000, preview_every=50))
    t0 = time.perf_counter()
    assert w.shutdown(timeout_ms=2000)
    assert time.perf_counter() - t0 < 2.0
    assert thread.isFinished() and not w.is_running()


def test_events_are_frozen_and_checked():
    import dataclasses

    from engine.session import REASONS
    from gui.events import RUN_END_REASONS, RunFinished, WorkerState

    assert set(REASONS) <= set(RUN_END_REASONS)  # every way a session ends can be reported
    event = RunFinished("finished", "finished 10 steps", 10)
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.step = 11
    with pytest.raises(ValueError):
        WorkerState("sleeping")
    with pytest.raises(ValueError):
        RunFinished("done", "", 0)
