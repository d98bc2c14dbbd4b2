"""``python -m bench.run [--quick] [--only SECTION] [--budgets 30,60,120] [--out DIR]``

Runs the benchmark sections in one process and writes ``latest.json`` + ``latest.md`` to ``--out`` (default
``bench/results``). Lab and ``diffusers`` peer are measured back to back, alternating, in the same process, so
ratios stay meaningful on a loaded machine; the load average is recorded around every section.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import math
import os
import platform
import sys
import time
import traceback
from pathlib import Path

import numpy as np
import torch

from bench import peers
from bench.machine import loadavg
from engine import metrics

SECTIONS = ("digits", "points", "throughput", "sampling", "window", "gpu")
RESULTS_DIR = Path(__file__).resolve().parent / "results"
EVAL_SEED = 7


def _clean(obj):
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, (np.floating, np.integer)):
        obj = obj.item()
    if isinstance(obj, float):
        if math.isnan(obj) or math.isinf(obj):
            return str(obj)
        return round(obj, 6)
    return obj


def classifier():
    """The feature classifier every quality score uses: the shipped resources/data/digit_classifier.safetensors
    (made by ``python -m bench.train_classifier``); returns (model, held-out accuracy, where it came from)."""
    model, meta = metrics.load_classifier()
    return model, float(meta.get("heldout_accuracy", float("nan"))), "shipped"


# ============================================================================================= 1. digits
def section_digits(args, state: dict) -> dict:
    from engine.data import images as _images
    from engine.models import count_parameters
    from engine.presets import default_config
    from engine.samplers import final_sample
    from engine.session import TrainingSession
    from engine.training import Trainer

    budgets = sorted(args.budgets)
    n = args.n_samples or (100 if args.quick else 500)
    ddim_steps = args.ddim_steps or (10 if args.quick else 50)
    clf, acc, how = classifier()
    train, held = _images.digits_split(0)
    floor = metrics.score_images(clf, held.x, train.x)
    out: dict = {"classifier": {"heldout_accuracy": acc, "source": how, "feature_dim": metrics.FEATURE_DIM},
                 "n_samples": n, "sampler": f"ddim-{ddim_steps}", "budgets_s": budgets,
                 "floor": floor, "ours": [], "peer": []}
    cfg = default_config("digits")
    out["config"] = cfg.to_dict()["training"]
    trainer = Trainer(cfg, dataset=train)
    session = TrainingSession(trainer)
    state["digits_trainer"] = trainer
    params = count_parameters(trainer.model)
    out["ours_params"] = params
    peer = None
    if not peers.AVAILABLE:
        out["peer_status"] = peers.NOT_INSTALLED
    else:
        tr = cfg.training
        peer = peers.PeerTrainer(train.x, params, batch_size=tr.batch_size, lr=tr.lr, warmup_steps=tr.warmup_steps,
                                 ema_decay=tr.ema_decay, grad_clip=tr.grad_clip, seed=tr.seed)
        out["peer_status"] = f"diffusers {peers.VERSION}"
        out["peer_model"] = peer.info
    done = 0.0
    for budget in budgets:
        chunk = budget - done
        done = budget
        t0 = time.monotonic()
        result = session.run(total_steps=10_000_000, time_budget=chunk)
        trained = time.monotonic() - t0
        t0 = time.monotonic()
        x = final_sample(trainer.sample(n=n, steps=ddim_steps, sampler="ddim", eta=0.0, seed=EVAL_SEED))
        sample_s = time.monotonic() - t0
        score = metrics.score_images(clf, x, held.x)
        score.update(budget_s=budget, steps=trainer.step_count, reason=result.reason, train_s=trained,
                     sample_s=sample_s, fd_ratio=score["fd"] / floor["fd"], loadavg=loadavg())
        out["ours"].append(score)
        if peer is not None:
            t0 = time.monotonic()
            peer.train_for(chunk)
            trained = time.monotonic() - t0
            t0 = time.monotonic()
            xp = peer.sample(n, steps=ddim_steps, seed=EVAL_SEED)
            sample_s = time.monotonic() - t0
            ps = metrics.score_images(clf, xp, held.x)
            ps.update(budget_s=budget, steps=peer.step_count, train_s=trained, sample_s=sample_s,
                      fd_ratio=ps["fd"] / floor["fd"], loadavg=loadavg())
            out["peer"].append(ps)
        _progress(f"digits {budget:g}s: ours FD x{score['fd_ratio']:.2f} P {score['precision']:.2f} "
                  f"R {score['recall']:.2f} cls {score['classes']}" +
                  (f" | peer FD x{out['peer'][-1]['fd_ratio']:.2f} P {out['peer'][-1]['precision']:.2f} "
                   f"R {out['peer'][-1]['recall']:.2f}" if peer is not None else ""))
    return out


# ============================================================================================= 2. 2-D points
def section_points(args, state: dict) -> dict:
    from engine.data import fresh_points, sliced_wasserstein
    from engine.presets import default_config
    from engine.samplers import final_sample
    from engine.session import TrainingSession
    from engine.training import Trainer

    budgets = [1.0] if args.quick else [5.0, 10.0, 20.0]
    n = 500 if args.quick else 2000
    out: dict = {"budgets_s": budgets, "n_samples": n, "sampler": "ddim-50"}
    names = ("moons",) if args.quick else ("moons", "swissroll", "gaussians8")
    for name in names:
        ref = fresh_points(name, n, seed=10_000)
        floor = sliced_wasserstein(fresh_points(name, n, seed=10_001), ref)
        cfg = default_config(name)
        trainer = Trainer(cfg)
        session = TrainingSession(trainer)
        rows, done = [], 0.0
        for budget in budgets:
            session.run(total_steps=10_000_000, time_budget=budget - done)
            done = budget
            x = final_sample(trainer.sample(n=n, steps=50, sampler="ddim", eta=0.0, seed=EVAL_SEED))
            sw = sliced_wasserstein(x, ref)
            rows.append({"budget_s": budget, "steps": trainer.step_count, "sw": sw, "ratio": sw / floor})
        out[name] = {"floor": floor, "runs": rows}
        if name == "moons":
            state["moons_trainer"] = trainer
        _progress(f"points {name}: " + ", ".join(f"{r['budget_s']:g}s x{r['ratio']:.2f}" for r in rows))
    return out


# ============================================================================================= 3. throughput
def matmul_peak(quick: bool, device: str = "cpu", dtype=torch.float32) -> float:
    n = 1024 if quick else 2048
    a = torch.randn(n, n, device=device, dtype=dtype)
    b = torch.randn(n, n, device=device, dtype=dtype)
    best = float("inf")
    for _ in range(3 if quick else 6):
        _sync(device)
        t0 = time.perf_counter()
        reps = 2 if device == "cpu" else 20
        for _ in range(reps):
            torch.mm(a, b)
        _sync(device)
        best = min(best, (time.perf_counter() - t0) / reps)
    return 2 * n ** 3 / best


def _sync(device: str) -> None:
    if str(device).startswith("cuda"):
        torch.cuda.synchronize()


def train_flops(model: torch.nn.Module, x: torch.Tensor, call) -> int:
    """FLOPs of one forward + backward (optimizer excluded) counted by torch's FlopCounterMode."""
    from torch.utils.flop_counter import FlopCounterMode

    t = torch.randint(0, 1000, (x.shape[0],), device=x.device)
    counter = FlopCounterMode(display=False)
    with counter:
        out = call(model, x, t)
        out.float().square().mean().backward()
    model.zero_grad(set_to_none=True)
    return int(counter.get_total_flops())


def _time_steps(step, seconds: float, min_steps: int, device: str = "cpu") -> tuple[int, float]:
    step()  # warm-up
    _sync(device)
    t0 = time.perf_counter()
    k = 0
    while k < min_steps or time.perf_counter() - t0 < seconds:
        step()
        k += 1
    _sync(device)
    return k, time.perf_counter() - t0


def throughput_rows(args, device: str = "cpu", amp: bool = False) -> dict:
    from engine.data import images as _images
    from engine.models import count_parameters
    from engine.presets import default_config
    from engine.training import Trainer

    sizes = [16] if args.quick else [16, 32]
    window = 0.5 if args.quick else 3.0
    rounds = 1 if args.quick else 2
    out: dict = {"device": device, "amp": amp, "rows": []}
    for size in sizes:
        cfg = default_config("digits")
        cfg.data.image_size = size
        cfg.training.device = device
        cfg.training.amp = amp
        if args.quick:
            cfg.training.batch_size = 16
        train, _ = _images.digits_split(0, image_size=size)
        trainer = Trainer(cfg, dataset=train)
        bs = cfg.training.batch_size
        params = count_parameters(trainer.model)
        x = train.x[:bs].to(device)
        flops = train_flops(trainer.model, x, lambda m, x, t: m(x, t))
        row = {"image_size": size, "batch_size": bs, "ours_params": params, "ours_flops_per_step": flops}
        peer = None
        if peers.AVAILABLE:
            tr = cfg.training
            peer = peers.PeerTrainer(train.x, params, batch_size=bs, lr=tr.lr, warmup_steps=tr.warmup_steps,
                                     ema_decay=tr.ema_decay, device=device)
            if amp and device.startswith("cuda"):
                peer.amp_dtype = trainer.amp_dtype
            row["peer_params"] = peer.info["params"]
            row["peer_flops_per_step"] = train_flops(peer.model, x, lambda m, x, t: m(x, t).sample)
        else:
            row["peer"] = peers.NOT_INSTALLED
        ours_rates, peer_rates = [], []
        for _ in range(rounds):  # alternate so both see the same machine load
            k, dt = _time_steps(trainer.step, window, 2, device)
            ours_rates.append(k * bs / dt)
            if peer is not None:
                k, dt = _time_steps(peer.step, window, 2, device)
                peer_rates.append(k * bs / dt)
        row["ours_images_per_s"] = max(ours_rates)
        row["ours_flops_per_s"] = max(ours_rates) / bs * flops
        if peer is not None:
            row["peer_images_per_s"] = max(peer_rates)
            row["peer_flops_per_s"] = max(peer_rates) / bs * row["peer_flops_per_step"]
            row["ours_vs_peer"] = row["ours_images_per_s"] / row["peer_images_per_s"]
        out["rows"].append(row)
        del trainer, peer
    return out


def section_throughput(args, state: dict) -> dict:
    peak = matmul_peak(args.quick)
    out = throughput_rows(args)
    out["matmul_peak_flops"] = peak
    out["torch_threads"] = torch.get_num_threads()
    for row in out["rows"]:
        row["ours_peak_fraction"] = row["ours_flops_per_s"] / peak
        if "peer_flops_per_s" in row:
            row["peer_peak_fraction"] = row["peer_flops_per_s"] / peak
        _progress(f"throughput {row['image_size']}px: ours {row['ours_images_per_s']:.0f} img/s "
                  f"({row['ours_peak_fraction']:.0%} of peak)" +
                  (f", peer {row['peer_images_per_s']:.0f} img/s" if "peer_images_per_s" in row else ""))
    return out


# ============================================================================================= 4. sampling
def section_sampling(args, state: dict) -> dict:
    from engine.data import fresh_points, sliced_wasserstein
    from engine.presets import default_config
    from engine.samplers import final_sample, record
    from engine.session import TrainingSession
    from engine.training import Trainer

    trainer = state.get("moons_trainer")
    if trainer is None:
        trainer = Trainer(default_config("moons"))
        TrainingSession(trainer).run(total_steps=10_000_000, time_budget=1.0 if args.quick else 10.0)
    n = 500 if args.quick else 2000
    ref = fresh_points("moons", n, seed=10_000)
    out: dict = {"model": "moons", "train_steps": trainer.step_count, "n_samples": n,
                 "floor_sw": sliced_wasserstein(fresh_points("moons", n, seed=10_001), ref), "runs": []}
    plans = [("ddpm", 1000), ("ddim", 100), ("ddim", 50), ("ddim", 20), ("ddim", 10)]
    for sampler, steps in plans:
        t0 = time.perf_counter()
        x = final_sample(trainer.sample(n=n, steps=steps, sampler=sampler, eta=0.0, seed=EVAL_SEED))
        wall = time.perf_counter() - t0
        out["runs"].append({"sampler": f"{sampler}-{steps}", "wall_s": wall, "sw": sliced_wasserstein(x, ref)})
    base = out["runs"][0]
    for r in out["runs"]:
        r["speedup_vs_ddpm1000"] = base["wall_s"] / r["wall_s"]
        r["sw_vs_ddpm1000"] = r["sw"] / base["sw"]
    dtr = state.get("digits_trainer")
    if dtr is not None and getattr(args, "digits_sampling", False):  # the same comparison on the digits model
        from engine.data import images as _images

        clf, _, _ = classifier()
        _, held = _images.digits_split(0)
        rows = []
        for sampler, steps in [("ddpm", 1000), ("ddim", 50)]:
            t0 = time.perf_counter()
            x = final_sample(dtr.sample(n=500, steps=steps, sampler=sampler, eta=0.0, seed=EVAL_SEED))
            wall = time.perf_counter() - t0
            s = metrics.score_images(clf, x, held.x)
            rows.append({"sampler": f"{sampler}-{steps}", "wall_s": wall, "fd": s["fd"],
                         "precision": s["precision"], "recall": s["recall"]})
        rows[1]["speedup_vs_ddpm1000"] = rows[0]["wall_s"] / rows[1]["wall_s"]
        out["digits"] = rows
    # Trajectory recording overhead: the same DDIM-50 run with and without recording every frame.
    traj_rows = []
    img_trainer = dtr
    if img_trainer is None:
        from engine.data import images as _images

        img_trainer = Trainer(default_config("digits"), dataset=_images.digits_split(0)[0])
    for label, tr, count in (("moons", trainer, n), ("digits", img_trainer, 64)):
        kind = "images" if label == "digits" else "points"
        reps = 1 if args.quick else 3
        plain, recorded = [], []
        traj = None
        for _ in range(reps):
            t0 = time.perf_counter()
            final_sample(tr.sample(n=count, steps=50, sampler="ddim", seed=EVAL_SEED))
            plain.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            traj = record(tr.sample(n=count, steps=50, sampler="ddim", seed=EVAL_SEED), kind)
            recorded.append(time.perf_counter() - t0)
        p, r = min(plain), min(recorded)
        traj_rows.append({"model": label, "n": count, "frames": len(traj), "plain_s": p, "recorded_s": r,
                          "overhead_fraction": (r - p) / p, "overhead_ms_per_frame": 1e3 * (r - p) / len(traj),
                          "bytes_per_frame": traj.nbytes / len(traj)})
    out["trajectory"] = traj_rows
    d50 = next(r for r in out["runs"] if r["sampler"] == "ddim-50")
    _progress(f"sampling: DDIM-50 {d50['speedup_vs_ddpm1000']:.1f}x faster than DDPM-1000, "
              f"SW {d50['sw']:.3f} vs {base['sw']:.3f}")
    return out


# ============================================================================================= 5. window
def section_window(args, state: dict) -> dict:
    """Event-loop lateness of the real MainWindow while its worker trains the digits default at full speed (the
    same probe as tests/gui/test_responsiveness.py), then the same config headless in this process, as the CLI
    trains it (torch's default thread count)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from PySide6.QtWidgets import QApplication

        from gui.main_window import MainWindow
        from gui.responsiveness import measure_training
    except Exception as exc:  # noqa: BLE001 - the GUI is optional for the benchmark
        return {"status": f"skipped: {type(exc).__name__}: {exc}"}
    from engine.data import images as _images
    from engine.presets import default_config
    from engine.session import TrainingSession
    from engine.training import Trainer

    duration = 3.0 if args.quick else 15.0
    app = QApplication.instance() or QApplication([])
    cli_threads = torch.get_num_threads()
    window = MainWindow(restore=False)
    window.show()
    if window.worker is None:
        window.close()
        return {"status": f"skipped: worker unavailable ({getattr(window, '_worker_error', '?')})"}
    cfg = default_config("digits")
    m = measure_training(window, cfg, duration)
    try:
        window.worker.shutdown(timeout_ms=5000)
    except Exception:  # noqa: BLE001
        pass
    window.close()
    app.processEvents()
    torch.set_num_threads(cli_threads)
    headless_cfg = cfg.copy()
    headless_cfg.training.steps = 10_000_000
    trainer = Trainer(headless_cfg, dataset=_images.load_digits())
    t1 = time.monotonic()
    res = TrainingSession(trainer).run(time_budget=duration, preview_every=0)
    headless_s = time.monotonic() - t1
    lat = m.latency_ms
    out = {"status": "ok", "duration_s": duration, "finished": m.reason, "probe_interval_ms": lat["interval_ms"],
           "probes": lat["probes"], "latency_ms": {k: lat[k] for k in ("p50", "p99", "max")},
           "in_window_steps_per_s": m.steps_per_s, "headless_steps_per_s": res.step / headless_s,
           "worker_torch_threads": m.torch_threads, "headless_torch_threads": cli_threads,
           "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "")}
    out["in_window_vs_headless"] = out["in_window_steps_per_s"] / max(out["headless_steps_per_s"], 1e-9)
    _progress(f"window: p99 {lat['p99']:.1f} ms, in-window {out['in_window_vs_headless']:.0%} of headless")
    return out


# ============================================================================================= 6. GPU
def section_gpu(args, state: dict) -> dict:
    if not torch.cuda.is_available():
        return {"status": "skipped: no CUDA device"}
    out = throughput_rows(args, device="cuda", amp=True)
    out["status"] = "ok"
    out["device_name"] = torch.cuda.get_device_name(0)
    peak = matmul_peak(args.quick, "cuda", torch.float32)
    out["matmul_peak_flops_fp32"] = peak
    for row in out["rows"]:
        row["ours_peak_fraction_fp32"] = row["ours_flops_per_s"] / peak
    return out


# ============================================================================================= report
def _fmt(v, spec: str = ".2f") -> str:
    if v is None:
        return "–"
    if isinstance(v, str):
        return v
    return format(v, spec)


def _mark(ok) -> str:
    return "–" if ok is None else ("met" if ok else "**missed**")


def evaluate_targets(res: dict) -> list[dict]:
    """One row per target: what was measured, against what, met or not."""
    rows: list[dict] = []
    d = res.get("digits")
    if isinstance(d, dict) and d.get("ours"):
        last = d["ours"][-1]
        b = last["budget_s"]
        rows.append({"target": f"digits {b:g} s: FD <= 2x floor", "measured": f"{last['fd_ratio']:.2f}x",
                     "met": last["fd_ratio"] <= 2.0})
        rows.append({"target": f"digits {b:g} s: precision >= 0.75", "measured": f"{last['precision']:.3f}",
                     "met": last["precision"] >= 0.75})
        rows.append({"target": f"digits {b:g} s: recall >= 0.75", "measured": f"{last['recall']:.3f}",
                     "met": last["recall"] >= 0.75})
        rows.append({"target": f"digits {b:g} s: 10/10 classes", "measured": f"{last['classes']}/10",
                     "met": last["classes"] == 10})
        if d.get("peer"):
            ahead = [o["fd"] < p["fd"] for o, p in zip(d["ours"], d["peer"])]
            rows.append({"target": "digits: FD ahead of diffusers peer at every budget",
                         "measured": ", ".join(f"{o['budget_s']:g}s {o['fd']:.2f} vs {p['fd']:.2f}"
                                               for o, p in zip(d["ours"], d["peer"])), "met": all(ahead)})
        else:
            rows.append({"target": "digits: FD ahead of diffusers peer at every budget",
                         "measured": d.get("peer_status", peers.NOT_INSTALLED), "met": None})
    p = res.get("points")
    if isinstance(p, dict) and "moons" in p:
        runs = [r for r in p["moons"]["runs"] if r["budget_s"] <= 10.0] or p["moons"]["runs"][:1]
        best = runs[-1]
        rows.append({"target": "moons SW <= 2x floor within 10 s", "measured":
                     f"{best['ratio']:.2f}x at {best['budget_s']:g} s", "met": best["ratio"] <= 2.0})
    t = res.get("throughput")
    if isinstance(t, dict) and t.get("rows"):
        for row in t["rows"]:
            rows.append({"target": f"{row['image_size']}px train step >= 60% of matmul peak",
                         "measured": f"{row['ours_peak_fraction']:.0%}", "met": row["ours_peak_fraction"] >= 0.6})
            if "ours_vs_peer" in row:
                rows.append({"target": f"{row['image_size']}px throughput >= diffusers (matched params)",
                             "measured": f"{row['ours_vs_peer']:.2f}x", "met": row["ours_vs_peer"] >= 1.0})
            else:
                rows.append({"target": f"{row['image_size']}px throughput >= diffusers (matched params)",
                             "measured": peers.NOT_INSTALLED, "met": None})
    s = res.get("sampling")
    if isinstance(s, dict) and s.get("runs"):
        d50 = next(r for r in s["runs"] if r["sampler"] == "ddim-50")
        base = s["runs"][0]
        comparable = d50["sw"] <= max(1.25 * base["sw"], base["sw"] + s["floor_sw"])
        rows.append({"target": "DDIM-50 >= 15x faster than DDPM-1000 at comparable quality (moons)",
                     "measured": f"{d50['speedup_vs_ddpm1000']:.1f}x, SW {d50['sw']:.3f} vs {base['sw']:.3f}",
                     "met": d50["speedup_vs_ddpm1000"] >= 15 and comparable})
    w = res.get("window")
    if isinstance(w, dict):
        if w.get("status") == "ok":
            rows.append({"target": "window event-loop p99 < 20 ms", "measured": f"{w['latency_ms']['p99']:.1f} ms",
                         "met": w["latency_ms"]["p99"] < 20})
            rows.append({"target": "in-window throughput >= 90% of headless",
                         "measured": f"{w['in_window_vs_headless']:.0%}", "met": w["in_window_vs_headless"] >= 0.9})
        else:
            rows.append({"target": "window responsiveness", "measured": w.get("status"), "met": None})
    g = res.get("gpu")
    if isinstance(g, dict):
        rows.append({"target": "GPU throughput (autocast)", "measured": g.get("status"), "met": None})
    return rows


def to_markdown(res: dict) -> str:
    env = res["env"]
    lines = [f"# Diffusion Lab benchmark ({'quick' if res['quick'] else 'full'})", "",
             f"{env['time_utc']} · {env['platform']} · {env['cpu_count']} CPUs · torch {env['torch']} "
             f"({env['torch_threads']} threads) · diffusers: {env['diffusers'] or peers.NOT_INSTALLED} · "
             f"load average at start {env['loadavg_start']}, at end {res.get('loadavg_end')}", ""]
    lines += ["## Targets", "", "| target | measured | status |", "|---|---|---|"]
    for r in res.get("targets", []):
        lines.append(f"| {r['target']} | {r['measured']} | {_mark(r['met'])} |")
    d = res.get("digits")
    if isinstance(d, dict) and "ours" in d:
        peer_note = d.get("peer_status", "")
        lines += ["", f"## 1. Time to quality: digits ({d['n_samples']} samples, {d['sampler']}, vs held-out)", "",
                  f"Classifier held-out accuracy {d['classifier']['heldout_accuracy']:.3f}. Ours: "
                  f"{d['ours_params']:,} params. Peer: "
                  + (f"UNet2DModel {d['peer_model']['params']:,} params ({peer_note})" if "peer_model" in d
                     else peer_note), "",
                  "| budget | model | steps | FD (x floor) | precision | recall | classes |",
                  "|---|---|---|---|---|---|---|"]
        fl = d["floor"]
        lines.append(f"| – | real held-out vs train (floor) | – | {fl['fd']:.3f} (1.00x) | {fl['precision']:.3f} | "
                     f"{fl['recall']:.3f} | {fl['classes']}/10 |")
        peer_rows = d.get("peer") or [None] * len(d["ours"])
        for o, p in zip(d["ours"], peer_rows):
            lines.append(f"| {o['budget_s']:g} s | lab | {o['steps']} | {o['fd']:.3f} ({o['fd_ratio']:.2f}x) | "
                         f"{o['precision']:.3f} | {o['recall']:.3f} | {o['classes']}/10 |")
            if p is not None:
                lines.append(f"| {p['budget_s']:g} s | diffusers | {p['steps']} | {p['fd']:.3f} ({p['fd_ratio']:.2f}x)"
                             f" | {p['precision']:.3f} | {p['recall']:.3f} | {p['classes']}/10 |")
            else:
                lines.append(f"| {o['budget_s']:g} s | diffusers | {peer_note} | | | | |")
    p = res.get("points")
    if isinstance(p, dict) and "moons" in p:
        lines += ["", "## 2. 2-D quality (sliced Wasserstein to fresh data, x floor)", "",
                  "| dataset | floor | " + " | ".join(f"{b:g} s" for b in p["budgets_s"]) + " |",
                  "|---|---|" + "---|" * len(p["budgets_s"])]
        for name in ("moons", "swissroll", "gaussians8"):
            if name not in p:
                continue
            q = p[name]
            lines.append(f"| {name} | {q['floor']:.4f} | " +
                         " | ".join(f"{r['sw']:.4f} ({r['ratio']:.2f}x, {r['steps']} steps)" for r in q["runs"]) + " |")
    t = res.get("throughput")
    if isinstance(t, dict) and t.get("rows"):
        lines += ["", f"## 3. Training throughput (CPU, fp32 matmul peak {t['matmul_peak_flops'] / 1e9:.1f} GFLOP/s)",
                  "", "| size | batch | lab params | lab img/s | lab % peak | diffusers params | diffusers img/s | "
                  "diffusers % peak | lab / diffusers |", "|---|---|---|---|---|---|---|---|---|"]
        for r in t["rows"]:
            lines.append(f"| {r['image_size']}px | {r['batch_size']} | {r['ours_params']:,} | "
                         f"{r['ours_images_per_s']:.1f} | "
                         f"{r['ours_peak_fraction']:.0%} | " +
                         (f"{r['peer_params']:,} | {r['peer_images_per_s']:.1f} | {r['peer_peak_fraction']:.0%} | "
                          f"{r['ours_vs_peer']:.2f}x |" if "peer_images_per_s" in r else
                          f"{peers.NOT_INSTALLED} | | | |"))
    s = res.get("sampling")
    if isinstance(s, dict) and s.get("runs"):
        lines += ["", f"## 4. Sampling (moons model, {s['train_steps']} steps, {s['n_samples']} samples; "
                  f"SW floor {s['floor_sw']:.4f})", "", "| sampler | wall s | speed-up | SW |", "|---|---|---|---|"]
        for r in s["runs"]:
            lines.append(f"| {r['sampler']} | {r['wall_s']:.3f} | {r['speedup_vs_ddpm1000']:.1f}x | {r['sw']:.4f} |")
        if s.get("digits"):
            lines += ["", "Digits model (500 samples): " + "; ".join(
                f"{r['sampler']} {r['wall_s']:.1f} s, FD {r['fd']:.3f}, P {r['precision']:.2f}, R {r['recall']:.2f}"
                for r in s["digits"]) + f" (DDIM-50 {s['digits'][1]['speedup_vs_ddpm1000']:.1f}x faster)"]
        lines += ["", "| trajectory recording | samples | frames | overhead | ms / frame | bytes / frame |",
                  "|---|---|---|---|---|---|"]
        for r in s["trajectory"]:
            lines.append(f"| {r['model']} DDIM-50 | {r['n']} | {r['frames']} | {r['overhead_fraction']:.1%} | "
                         f"{r['overhead_ms_per_frame']:.2f} | {r['bytes_per_frame']:,.0f} |")
    w = res.get("window")
    if isinstance(w, dict):
        lines += ["", "## 5. Window responsiveness", ""]
        if w.get("status") == "ok":
            lines.append(f"MainWindow (offscreen) training digits for {w['duration_s']:g} s; 10 ms QTimer probe: "
                         f"lateness p50 {w['latency_ms']['p50']:.1f} ms, p99 {w['latency_ms']['p99']:.1f} ms, max "
                         f"{w['latency_ms']['max']:.1f} ms; {w['in_window_steps_per_s']:.1f} steps/s in the window vs "
                         f"{w['headless_steps_per_s']:.1f} headless ({w['in_window_vs_headless']:.0%}).")
        else:
            lines.append(str(w.get("status")))
    g = res.get("gpu")
    if isinstance(g, dict):
        lines += ["", "## 6. GPU", ""]
        if g.get("status") == "ok":
            for r in g["rows"]:
                lines.append(f"- {g['device_name']} {r['image_size']}px: lab {r['ours_images_per_s']:.0f} img/s" +
                             (f", diffusers {r['peer_images_per_s']:.0f} img/s" if "peer_images_per_s" in r else ""))
        else:
            lines.append(str(g.get("status")))
    errors = {k: v["error"] for k, v in res.items() if isinstance(v, dict) and "error" in v}
    if errors:
        lines += ["", "## Errors", ""] + [f"- {k}: {v.splitlines()[-1] if v else v}" for k, v in errors.items()]
    return "\n".join(lines) + "\n"


def _progress(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="tiny budgets; finishes in well under a minute (CI)")
    ap.add_argument("--only", action="append", choices=SECTIONS, help="run only this section (repeatable)")
    ap.add_argument("--budgets", default=None, help="digits wall-clock budgets in seconds, e.g. 30,60,120")
    ap.add_argument("--digits-sampling", action="store_true",
                    help="also compare DDPM-1000 with DDIM-50 on the digits model (slow on a CPU)")
    ap.add_argument("--n-samples", type=int, default=0, help="digits samples to score (default 500; quick 100)")
    ap.add_argument("--ddim-steps", type=int, default=0, help="DDIM steps for the digits samples (default 50)")
    ap.add_argument("--merge", action="store_true",
                    help="keep the other sections of an existing latest.json in --out (re-run some sections only)")
    ap.add_argument("--out", default=str(RESULTS_DIR), help="folder for latest.json / latest.md")
    args = ap.parse_args(argv)
    if args.budgets:
        args.budgets = [float(v) for v in args.budgets.split(",") if v.strip()]
    else:
        args.budgets = [2.0] if args.quick else [30.0, 60.0, 120.0]
    return args


def _write(res: dict, args, started: float, final: bool) -> dict:
    res = dict(res)
    res["complete"] = final
    res["loadavg_end"] = loadavg()
    res["total_seconds"] = time.monotonic() - started
    res["targets"] = evaluate_targets(res)
    res = _clean(res)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "latest.json").write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    (out_dir / "latest.md").write_text(to_markdown(res), encoding="utf-8")
    return res


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:  # `kill -USR1 <pid>` prints where a slow run is
        import faulthandler
        import signal

        faulthandler.register(signal.SIGUSR1)
    except (AttributeError, ValueError, ImportError):
        pass
    torch.manual_seed(0)
    res: dict = {"quick": bool(args.quick), "env": {
        "time_utc": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "platform": platform.platform(), "python": platform.python_version(), "cpu_count": os.cpu_count(),
        "torch": torch.__version__, "torch_threads": torch.get_num_threads(), "diffusers": peers.VERSION,
        "loadavg_start": loadavg()}}
    previous = Path(args.out) / "latest.json"
    if args.merge and previous.exists():
        try:
            old = json.loads(previous.read_text(encoding="utf-8"))
            if old.get("quick") == bool(args.quick):
                for key in SECTIONS:
                    if key in old and not (args.only is None or key in args.only):
                        res[key] = old[key]
                res["env"]["merged_from"] = old.get("env")
        except (OSError, ValueError):
            pass
    state: dict = {}
    started = time.monotonic()
    funcs = {"digits": section_digits, "points": section_points, "throughput": section_throughput,
             "sampling": section_sampling, "window": section_window, "gpu": section_gpu}
    for name in SECTIONS:
        if args.only and name not in args.only:
            continue
        t0 = time.monotonic()
        before = loadavg()
        _progress(f"section {name} (load average {before})")
        try:
            out = funcs[name](args, state)
        except Exception:  # noqa: BLE001 - one broken section must not lose the others
            out = {"error": traceback.format_exc()}
            _progress(f"{name} failed:\n{out['error']}")
        out["seconds"] = time.monotonic() - t0
        out["loadavg_before"], out["loadavg_after"] = before, loadavg()
        res[name] = out
        _write(res, args, started, final=False)  # partial results survive an interrupted run
    res = _write(res, args, started, final=True)
    out_dir = Path(args.out)
    _progress(f"wrote {out_dir / 'latest.json'} and latest.md in {res['total_seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
