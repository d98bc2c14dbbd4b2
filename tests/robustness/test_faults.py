"""Faults during work: NaN/inf loss and exploding gradients pause training at the failing step with the last good
weights kept; out-of-memory (simulated, and a real allocation failure under an address-space limit) ends the run
with a suggestion and the next run works; Ctrl+C / SIGTERM on the CLI during training, sampling and export exits 0
within a few seconds with nothing half-written; closing the window stops the engine thread within ~2 s.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import torch

from engine.checkpoint import load_checkpoint
from engine.cli import main
from engine.presets import default_config
from engine.session import Control, TrainingSession
from engine.training import Trainer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def tiny_trainer(steps: int = 50, **training) -> Trainer:
    cfg = default_config("moons")
    cfg.model.preset = "tiny"
    cfg.data.n_points = 512
    cfg.training.steps = steps
    cfg.training.batch_size = 32
    cfg.training.preview_every = 0
    for key, value in training.items():
        setattr(cfg.training, key, value)
    return Trainer(cfg)


def _snapshot(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def _same(module: torch.nn.Module, snap: dict[str, torch.Tensor]) -> bool:
    return all(torch.equal(v, snap[k]) for k, v in module.state_dict().items())


def _run_with_fault_at(trainer: Trainer, good_steps: int, install) -> tuple:
    """Run; after ``good_steps`` steps snapshot the weights and install the fault."""
    snaps = {}

    def on_metrics(m) -> None:
        if m.step == good_steps:
            snaps["model"], snaps["ema"] = _snapshot(trainer.model), _snapshot(trainer.ema_model)
            snaps["optim_steps"] = {k: v.get("step") for k, v in trainer.optimizer.state_dict()["state"].items()}
            install()

    session = TrainingSession(trainer, Control())
    result = session.run(on_metrics, preview_every=0)
    return result, snaps, session


@pytest.mark.parametrize("bad", ["nan", "inf"])
def test_nonfinite_loss_pauses_and_keeps_last_good_weights(bad):
    trainer = tiny_trainer()
    model = trainer.model

    def install() -> None:
        model.forward = lambda x, t, y=None: torch.full_like(x, float(bad))

    result, snaps, session = _run_with_fault_at(trainer, 3, install)
    assert result.reason == "diverged", result
    assert "step 4" in result.message and f"loss became {bad}" in result.message, result.message
    assert "last good weights were kept" in result.message
    assert result.step == 3 and trainer.step_count == 3 and len(trainer.history) == 3
    assert session.control.paused  # paused, not stopped: the user can change the lr and resume
    assert _same(trainer.model, snaps["model"]) and _same(trainer.ema_model, snaps["ema"])
    assert all(torch.isfinite(p).all() for p in trainer.model.parameters())
    # fix the cause and resume: training continues from the kept weights
    del model.forward
    session.control.resume()
    again = session.run(preview_every=0, total_steps=6)
    assert again.reason == "finished" and trainer.step_count == 6


def test_exploding_gradients_pause_training():
    trainer = tiny_trainer()
    model = trainer.model
    original = model.forward

    def install() -> None:  # a finite but enormous output: loss ~1e20, gradient norm far above the limit
        model.forward = lambda x, t, y=None: original(x, t, y) * 1e10

    result, snaps, _ = _run_with_fault_at(trainer, 2, install)
    assert result.reason == "diverged" and "gradients exploded" in result.message and "step 3" in result.message
    assert _same(trainer.model, snaps["model"]) and _same(trainer.ema_model, snaps["ema"])
    # the configured threshold is what decides
    trainer = tiny_trainer(max_grad_norm_explode=1e-9)
    result = TrainingSession(trainer).run(preview_every=0)
    assert result.reason == "diverged" and "step 1" in result.message and trainer.step_count == 0


def test_cli_divergence_exits_3_and_saves_the_last_good_step(tmp_path, capsys, monkeypatch):
    import engine.training as training

    real = training.diffusion_loss
    calls = {"n": 0}

    def poisoned(*args, **kwargs):
        calls["n"] += 1
        result = real(*args, **kwargs)
        if calls["n"] >= 5:
            result.loss = result.loss * float("nan")
        return result

    monkeypatch.setattr(training, "diffusion_loss", poisoned)
    out = tmp_path / "run"
    code = main(["train", "--dataset", "moons", "--model", "tiny", "--steps", "50", "--batch-size", "16", "--quiet",
                 "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 3 and "error: loss became nan at step 5" in err, err
    ckpt = load_checkpoint(out)
    assert ckpt.step == 4 and all(torch.isfinite(v).all() for v in ckpt.model_state.values())


OOM_ERRORS = [
    lambda: torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB"),
    lambda: RuntimeError("CUDA out of memory. Tried to allocate 20.00 MiB (GPU 0; 7.79 GiB total capacity)"),
    lambda: RuntimeError("[enforce fail at alloc_cpu.cpp:117] DefaultCPUAllocator: can't allocate memory: you "
                         "tried to allocate 68719476736 bytes. Error code 12 (Cannot allocate memory)"),
    lambda: MemoryError(),
]


@pytest.mark.parametrize("make_error", OOM_ERRORS, ids=["torch-oom", "cuda-text", "cpu-alloc", "memoryerror"])
def test_out_of_memory_stops_with_a_suggestion_and_the_next_run_works(make_error, monkeypatch):
    real_step = Trainer.step
    calls = {"n": 0}

    def failing(self):
        calls["n"] += 1
        if calls["n"] > 2:
            raise make_error()
        return real_step(self)

    monkeypatch.setattr(Trainer, "step", failing)
    trainer = tiny_trainer()
    result = TrainingSession(trainer).run(preview_every=0)
    assert result.reason == "oom", result
    assert "out of memory" in result.message and "step 3" in result.message
    assert "smaller batch size" in result.message and "model preset" in result.message
    assert trainer.step_count == 2
    monkeypatch.setattr(Trainer, "step", real_step)
    again = TrainingSession(tiny_trainer(steps=3)).run(preview_every=0)
    assert again.reason == "finished"


def test_other_runtime_errors_are_not_mistaken_for_oom(monkeypatch):
    monkeypatch.setattr(Trainer, "step", lambda self: (_ for _ in ()).throw(RuntimeError("shape mismatch")))
    with pytest.raises(RuntimeError, match="shape mismatch"):
        TrainingSession(tiny_trainer()).run(preview_every=0)


def test_cli_out_of_memory_exit_code_and_message(tmp_path, capsys, monkeypatch):
    real_step = Trainer.step
    calls = {"n": 0}

    def failing(self):
        calls["n"] += 1
        if calls["n"] > 3:
            raise RuntimeError("DefaultCPUAllocator: can't allocate memory: you tried to allocate 1 TB")
        return real_step(self)

    monkeypatch.setattr(Trainer, "step", failing)
    out = tmp_path / "run"
    code = main(["train", "--dataset", "moons", "--model", "tiny", "--steps", "50", "--batch-size", "16", "--quiet",
                 "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 3 and "out of memory" in err and "smaller batch size" in err and "Traceback" not in err
    assert load_checkpoint(out).step == 3


REAL_OOM = r"""
import json, os, resource, sys
sys.path.insert(0, sys.argv[1])
import torch
torch.set_num_threads(1)
from engine.presets import default_config
from engine.session import TrainingSession
from engine.training import Trainer
cfg = default_config("digits"); cfg.model.preset = "tiny"; cfg.training.batch_size = 32; cfg.training.steps = 2
cfg.training.preview_every = 0
small = Trainer(cfg)
vm = int(open("/proc/self/statm").read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
limit = vm + 1536 * 2**20   # 1.5 GiB more address space than now; the big batch needs several GiB
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
big = cfg.copy(); big.training.batch_size = 65536
res = TrainingSession(Trainer(big, dataset=small.dataset)).run(preview_every=0)
after = TrainingSession(Trainer(cfg, dataset=small.dataset)).run(preview_every=0)
print(json.dumps({"first": [res.reason, res.message], "after": [after.reason, after.message]}))
"""


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs Linux /proc and RLIMIT_AS")
def test_real_cpu_allocation_failure(tmp_path):
    """Not simulated: a batch that cannot fit under an address-space limit makes torch's allocator fail."""
    env = dict(os.environ, OMP_NUM_THREADS="1", DIFFUSION_LAB_HOME=str(tmp_path / "home"))
    proc = subprocess.run([sys.executable, "-c", REAL_OOM, str(ROOT)], capture_output=True, text=True, env=env,
                          timeout=240, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["first"][0] == "oom" and "smaller batch size" in result["first"][1], result
    assert result["after"][0] == "finished", result


# ---------------------------------------------------------------- Ctrl+C / SIGTERM on the CLI
def _env(tmp_path) -> dict:
    return dict(os.environ, OMP_NUM_THREADS="1", DIFFUSION_LAB_HOME=str(tmp_path / "home"), PYTHONUNBUFFERED="1")


def _start(argv, tmp_path, log_name: str) -> tuple[subprocess.Popen, Path]:
    log = tmp_path / log_name
    # A child inherits an *ignored* SIGINT (e.g. when this suite runs as a background job of a non-interactive
    # shell, which ignores SIGINT/SIGQUIT for it) and then rightly keeps ignoring Ctrl+C. These tests model a user's
    # terminal, so the child starts with the default disposition.
    ignored = signal.getsignal(signal.SIGINT) == signal.SIG_IGN
    if ignored:
        signal.signal(signal.SIGINT, signal.default_int_handler)  # reset to SIG_DFL in the child at exec
    try:
        proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), *argv], stdout=subprocess.DEVNULL,
                                stderr=open(log, "w"), env=_env(tmp_path), cwd=tmp_path)
    finally:
        if ignored:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
    return proc, log


def _wait_for(log: Path, text: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return
        if proc.poll() is not None:
            raise AssertionError(f"exited early ({proc.returncode}): {log.read_text()}")
        time.sleep(0.05)
    proc.kill()
    raise AssertionError(f"{text!r} never appeared: {log.read_text()}")


def _signal_status(pid: int) -> str:
    """The child's blocked / ignored / pending signal masks, to tell a lost signal from a slow exit."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return "no /proc status"
    return ", ".join(" ".join(line.split()) for line in lines
                     if line.startswith(("SigPnd", "ShdPnd", "SigBlk", "SigIgn", "SigCgt")))


def _interrupt(proc: subprocess.Popen, sig: int, limit: float = 5.0) -> float:
    """Send ``sig``; returns seconds until the process exited."""
    sent = time.monotonic()
    proc.send_signal(sig)
    deadline = sent + limit + 10
    while proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    if proc.poll() is None:
        status = _signal_status(proc.pid)
        proc.kill()
        raise AssertionError(f"still running {limit + 10:.0f} s after the signal ({status})")
    return time.monotonic() - sent


def _no_temps(folder: Path) -> None:
    leftovers = [p.name for p in folder.iterdir() if p.name.startswith(".") and ".tmp" in p.name]
    assert not leftovers, leftovers


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_ctrl_c_during_cli_training(sig, tmp_path):
    run = tmp_path / "run"
    proc, log = _start(["train", "--dataset", "moons", "--model", "tiny", "--steps", "100000", "--batch-size", "64",
                        "--out", str(run)], tmp_path, "train.log")
    _wait_for(log, "training tiny model", proc)
    time.sleep(2.0)
    latency = _interrupt(proc, sig)
    text = log.read_text()
    assert proc.returncode == 0, text
    assert latency < 5.0, f"took {latency:.1f} s to stop"
    assert "interrupted at step" in text
    ckpt = load_checkpoint(run)
    assert 0 < ckpt.step < 100000
    _no_temps(run)


@pytest.fixture(scope="module")
def trained_run(tmp_path_factory) -> Path:
    run = tmp_path_factory.mktemp("faults") / "run"
    assert main(["train", "--dataset", "moons", "--model", "tiny", "--steps", "5", "--batch-size", "16", "--quiet",
                 "--out", str(run)]) == 0
    return run


@pytest.mark.parametrize("what", ["sample", "export", "sample-from-blocked-parent"])
def test_ctrl_c_during_cli_sampling_and_export(what, tmp_path, trained_run):
    blocked = what.endswith("blocked-parent")  # the parent had SIGINT blocked: the mask is inherited by the child
    what = what.split("-")[0]
    out = tmp_path / ("samples.png" if what == "sample" else "anim.gif")
    if what == "sample":
        argv = ["sample", "--run", str(trained_run), "--sampler", "ddpm", "--steps", "1000", "--n", "100000",
                "--out", str(out)]
    else:
        pytest.importorskip("engine.export")
        argv = ["export", "--run", str(trained_run), "--what", "reverse", "--sampler", "ddpm", "--steps", "1000",
                "--n", "100000", "--out", str(out)]
    old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if blocked else None
    try:
        proc, log = _start(argv, tmp_path, f"{what}.log")
    finally:
        if old_mask is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
    # wait until the heavy part runs (imports done, checkpoint loaded): the model is being sampled
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.5)
        cpu = _cpu_seconds(proc.pid)
        if cpu is not None and cpu > 4.0:
            break
    assert proc.poll() is None, log.read_text()
    time.sleep(1.0)
    latency = _interrupt(proc, signal.SIGINT)
    text = log.read_text()
    assert proc.returncode == 0, text
    assert latency < 5.0, f"took {latency:.1f} s to stop"
    assert "Traceback" not in text
    assert not out.exists(), "a half-written output was left"
    _no_temps(tmp_path)


def _cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------- closing the window
def test_engine_worker_stops_within_two_seconds(qtbot):
    """What closing the window does (MainWindow.closeEvent -> worker.shutdown(2000)) while training and while
    sampling."""
    worker_mod = pytest.importorskip("gui.worker")
    baseline = threading.active_count()
    for phase in ("training", "sampling"):
        worker = worker_mod.EngineWorker(torch_threads=1, autosave_every_s=0)
        worker.start()
        cfg = default_config("moons")
        cfg.model.preset = "tiny"
        cfg.training.steps = 1_000_000
        cfg.training.batch_size = 64
        cfg.training.preview_every = 0
        with qtbot.waitSignal(worker.progress, timeout=60000):
            worker.start_training(cfg)
        if phase == "sampling":
            worker.stop()
            qtbot.waitUntil(lambda w=worker: w.state() == "idle", timeout=10000)
            sampling = cfg.sampling
            sampling.sampler, sampling.steps, sampling.n = "ddpm", 1000, 100000
            worker.sample(sampling)
            qtbot.waitUntil(worker.is_sampling, timeout=10000)
            time.sleep(0.5)
        started = time.monotonic()
        finished = worker.shutdown(timeout_ms=2000)
        latency = time.monotonic() - started
        assert finished, f"{phase}: the engine thread did not stop within 2 s"
        assert latency < 2.5
        worker.deleteLater()
    qtbot.wait(50)
    assert threading.active_count() <= baseline + 1
