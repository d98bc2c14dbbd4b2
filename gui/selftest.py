"""``diffusion-lab --selftest``: drive the real main window end to end and report one line.

Used to check a build (source checkout, ``pip install .`` or the PyInstaller bundle) on a machine, even a headless
one (``xvfb-run -a diffusion-lab --selftest`` or ``QT_QPA_PLATFORM=offscreen``):

1. the main window is shown;
2. the Experiment form is set to a small 2-D experiment (moons, ~50 steps);
3. the window's engine worker (``gui.worker.EngineWorker``) trains it in its thread;
4. the worker samples it (DDIM, 20 steps) and returns the trajectory;
5. ``engine.export.export_reverse_animation`` writes a small GIF into a temp dir, which Pillow must open;
6. no exception escaped a Qt slot or a thread meanwhile (PySide6 only prints those, so they are counted).

:func:`run_selftest` returns 0 and prints ``selftest: OK ...`` on success; otherwise it prints
``selftest: FAILED at <stage>: <reason>`` to stderr and returns 1. The whole run has a hard timeout
(``DIFFUSION_LAB_SELFTEST_TIMEOUT`` seconds, default 120). The user's experiment in the form is put back afterwards
so the window's saved settings are not replaced by the selftest's.
"""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

DEFAULT_TIMEOUT_S = 120.0
TRAIN_STEPS = 50
SAMPLE_STEPS = 20
SAMPLE_N = 256


class SelftestError(Exception):
    def __init__(self, stage: str, reason: str):
        super().__init__(f"{stage}: {reason}")
        self.stage = stage
        self.reason = reason


class _Deadline:
    def __init__(self, seconds: float):
        self.seconds = float(seconds)
        self.end = time.monotonic() + self.seconds

    def left(self) -> float:
        return self.end - time.monotonic()


def _timeout_s() -> float:
    try:
        return float(os.environ.get("DIFFUSION_LAB_SELFTEST_TIMEOUT", DEFAULT_TIMEOUT_S))
    except ValueError:
        return DEFAULT_TIMEOUT_S


def _wait_for(app: Any, done: Callable[[], bool], deadline: _Deadline, stage: str) -> None:
    """Run the Qt event loop until ``done()`` is true or the deadline passes (raises SelftestError)."""
    from PySide6.QtCore import QEventLoop

    while not done():
        if deadline.left() <= 0:
            raise SelftestError(stage, f"timed out after {deadline.seconds:.0f} s")
        app.processEvents(QEventLoop.AllEvents, 50)
        if not done():
            time.sleep(0.005)


def _selftest_config(base: Any = None) -> Any:
    """A tiny moons experiment: trains ~50 steps in a second or two on a CPU."""
    from engine.config import ExperimentConfig

    try:
        from engine.presets import default_config

        cfg = default_config("moons")
    except Exception:  # noqa: BLE001 - presets are a convenience
        cfg = base.copy() if base is not None else ExperimentConfig()
        cfg.data.dataset = "moons"
    cfg.data.n_points = 2048
    cfg.training.steps = TRAIN_STEPS
    cfg.training.batch_size = 256
    cfg.training.warmup_steps = 10
    cfg.training.preview_every = 0
    cfg.training.time_budget = 0.0
    cfg.training.device = "cpu" if os.environ.get("DIFFUSION_LAB_SELFTEST_CPU") else cfg.training.device
    cfg.sampling.sampler = "ddim"
    cfg.sampling.steps = SAMPLE_STEPS
    cfg.sampling.n = SAMPLE_N
    return cfg


def _set_experiment(window: Any, cfg: Any) -> Any:
    """Show ``cfg`` in the window's Experiment form (the user's path) and return what the window now holds."""
    form = getattr(window, "form", None)
    if form is not None and hasattr(form, "set_config"):
        form.set_config(cfg)
        if hasattr(form, "is_valid") and not form.is_valid():
            errors = "; ".join(str(e) for e in getattr(form, "errors", lambda: [])())
            raise SelftestError("config", f"the Experiment form rejected the selftest config: {errors}")
        current = window.config() if hasattr(window, "config") else form.config()
        if getattr(current.data, "dataset", None) != "moons":
            raise SelftestError("config", f"the window holds dataset {current.data.dataset!r}, not 'moons'")
        return current
    return cfg.validate() if hasattr(cfg, "validate") else cfg


def _train_and_sample_with_worker(app: Any, worker: Any, cfg: Any, deadline: _Deadline) -> tuple[Any, str]:
    from engine.config import SamplingConfig

    state: dict[str, Any] = {"finished": None, "trajectory": None, "aborted": None, "errors": [], "device": ""}

    def on_finished(event: Any) -> None:  # gui.events.RunFinished
        state["finished"] = (event.reason, event.message, int(event.step))

    def on_error(event: Any) -> None:  # gui.events.JobFailed
        state["errors"].append(event.message)

    def on_device(event: Any) -> None:  # gui.events.DeviceChanged
        state["device"] = event.name

    def on_sampled(event: Any) -> None:  # gui.events.SamplingFinished
        state["trajectory"] = event.trajectory

    def on_aborted(event: Any) -> None:  # gui.events.SamplingAborted
        state["aborted"] = event.reason

    connections = [(worker.trainingFinished, on_finished), (worker.error, on_error),
                   (worker.deviceName, on_device), (worker.samplingFinished, on_sampled),
                   (worker.samplingAborted, on_aborted)]
    for signal, slot in connections:
        signal.connect(slot)
    try:
        worker.start_training(cfg)
        _wait_for(app, lambda: state["finished"] is not None, deadline, "train")
        reason, message, step = state["finished"]
        if reason not in ("finished", "time_budget"):
            raise SelftestError("train", f"training ended with {reason!r} at step {step}: {message}")
        if step < 1:
            raise SelftestError("train", f"no optimizer step was taken ({reason}: {message})")
        # wait until the worker is idle again so the sample request is served by the trained model
        _wait_for(app, lambda: worker.state() == "idle", deadline, "train")

        scfg = SamplingConfig(**{**cfg.sampling.__dict__, "sampler": "ddim", "steps": SAMPLE_STEPS, "n": SAMPLE_N})
        worker.sample(scfg)
        _wait_for(app, lambda: state["trajectory"] is not None or state["aborted"] is not None, deadline,
                  "sample")
        if state["trajectory"] is None:
            detail = "; ".join(state["errors"]) or "no reason given"
            raise SelftestError("sample", f"sampling aborted ({state['aborted']}): {detail}")
        return state["trajectory"], f"{step} steps ({reason})"
    finally:
        for signal, slot in connections:
            try:
                signal.disconnect(slot)
            except (RuntimeError, TypeError):
                pass


def _train_and_sample_with_engine(app: Any, cfg: Any, deadline: _Deadline) -> tuple[Any, str]:
    """Fallback when the window has no worker: the engine directly, in a thread, keeping the GUI responsive."""
    import threading

    from engine.samplers import Trajectory
    from engine.training import Trainer

    out: dict[str, Any] = {}

    def job() -> None:
        try:
            trainer = Trainer(cfg)
            for _ in range(cfg.training.steps):
                trainer.step()
            traj = None
            for frame in trainer.sample(cfg.sampling):
                if traj is None:
                    traj = Trajectory(frame.num_steps, tuple(frame.x_t.shape), trainer.dataset.kind)
                traj.record(frame)
            out["trajectory"] = traj
            out["steps"] = trainer.step_count
        except BaseException as exc:  # noqa: BLE001 - reported by the caller
            out["error"] = exc

    thread = threading.Thread(target=job, name="selftest-engine", daemon=True)
    thread.start()
    _wait_for(app, lambda: not thread.is_alive(), deadline, "train")
    if "error" in out:
        raise SelftestError("train", f"{type(out['error']).__name__}: {out['error']}")
    return out["trajectory"], f"{out['steps']} steps (engine, no GUI worker)"


def _export_gif(traj: Any, out_dir: Path) -> tuple[Path, str]:
    from engine.export import AnimationOptions, export_reverse_animation

    target = out_dir / "selftest_reverse.gif"
    opts = AnimationOptions(fps=20.0, hold_final_s=0.2, max_frames=12)
    if hasattr(opts, "plot_size"):
        opts.plot_size = 160
    result = export_reverse_animation(traj, target, opts)
    path = Path(getattr(result, "path", target))
    if not path.is_file() or path.stat().st_size == 0:
        raise SelftestError("export", f"{path} was not written")
    from PIL import Image

    with Image.open(path) as im:
        if im.format != "GIF":
            raise SelftestError("export", f"{path.name} is {im.format}, not a GIF")
        frames = getattr(im, "n_frames", 1)
        size = im.size
        im.seek(frames - 1)
        im.load()
    if frames < 2:
        raise SelftestError("export", f"{path.name} has {frames} frame(s); expected an animation")
    return path, f"{frames} frames {size[0]}x{size[1]} {path.stat().st_size / 1024:.0f} KiB"


class _ExceptionRecorder:
    """Count exceptions that escape Qt slots / threads during the run (PySide6 reports them through
    ``sys.excepthook`` and carries on, so without this a broken slot would not fail the selftest)."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __enter__(self) -> _ExceptionRecorder:
        import threading

        self._sys_hook, self._thread_hook = sys.excepthook, threading.excepthook

        def sys_hook(etype, value, tb):
            self.seen.append(f"{etype.__name__}: {value}")
            self._sys_hook(etype, value, tb)

        def thread_hook(args):
            self.seen.append(f"{args.exc_type.__name__}: {args.exc_value} (thread {getattr(args.thread, 'name', '?')})")
            self._thread_hook(args)

        sys.excepthook, threading.excepthook = sys_hook, thread_hook
        return self

    def __exit__(self, *exc: Any) -> None:
        import threading

        sys.excepthook, threading.excepthook = self._sys_hook, self._thread_hook

    def check(self, stage: str) -> None:
        if self.seen:
            raise SelftestError(stage, f"{len(self.seen)} unhandled exception(s) in the GUI, first: {self.seen[0]}")


def run_selftest(window: Any, app: Any) -> int:
    """Drive ``window`` (a shown :class:`gui.main_window.MainWindow`) through train → sample → GIF export.

    Returns 0 on success (one ``selftest: OK ...`` line on stdout), 1 with ``selftest: FAILED ...`` on stderr.
    Does not close the window: the caller does (and then exits with the returned code).
    """
    started = time.monotonic()
    deadline = _Deadline(_timeout_s())
    out_dir = Path(tempfile.mkdtemp(prefix="diffusion-lab-selftest-"))
    keep = bool(os.environ.get("DIFFUSION_LAB_SELFTEST_KEEP"))
    original = None
    stage = "window"
    recorder = _ExceptionRecorder().__enter__()
    try:
        _wait_for(app, window.isVisible, deadline, "window")
        form = getattr(window, "form", None)
        if form is not None and hasattr(form, "config"):
            original = form.config()

        stage = "config"
        cfg = _set_experiment(window, _selftest_config(original))

        stage = "train"
        worker = getattr(window, "worker", None)
        if worker is not None and hasattr(worker, "start_training"):
            traj, trained = _train_and_sample_with_worker(app, worker, cfg, deadline)
            device = window.statusBar().device_label.text()
        else:
            traj, trained = _train_and_sample_with_engine(app, cfg, deadline)
            device = ""
        if len(traj) < 2:
            raise SelftestError("sample", f"the trajectory has {len(traj)} frame(s)")

        stage = "export"
        gif, gif_info = _export_gif(traj, out_dir)
        if deadline.left() <= 0:
            raise SelftestError("export", f"timed out after {deadline.seconds:.0f} s")

        _wait_for(app, lambda: True, deadline, "export")  # deliver queued signals before judging
        app.processEvents()
        recorder.check(stage)

        from engine.version import __version__

        print(f"selftest: OK diffusion-lab {__version__} | window shown | moons trained {trained} | "
              f"DDIM {SAMPLE_STEPS} steps x {SAMPLE_N} samples ({len(traj)} frames) | GIF {gif_info} "
              f"({gif if keep else gif.name}) | device {device or 'n/a'} | {time.monotonic() - started:.1f} s",
              flush=True)
        return 0
    except SelftestError as exc:
        print(f"selftest: FAILED at {exc.stage}: {exc.reason}", file=sys.stderr, flush=True)
        return 1
    except Exception as exc:  # noqa: BLE001 - any failure is a reason, not a crash
        traceback.print_exc()
        print(f"selftest: FAILED at {stage}: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
        return 1
    finally:
        recorder.__exit__()
        if original is not None:
            try:
                window.form.set_config(original)  # keep the user's experiment in the saved settings
            except Exception:  # noqa: BLE001
                pass
        if not keep:
            shutil.rmtree(out_dir, ignore_errors=True)
