"""Speed sections: training throughput (lab vs the matched diffusers peer at 1 and 2 threads) and sampling."""
from __future__ import annotations

import time

import torch

from bench import peers
from bench.common import EVAL_SEED, classifier, matmul_peak, progress, threads, time_steps, train_flops
from engine import metrics

THREADS = (1, 2)
DDIM64_TARGET_S = 0.5  # DDIM-50 of 64 digits, headless, 2 threads


def digits_pair(size: int, device: str = "cpu", batch_size: int | None = None, amp_dtype=None):
    """The digits default at ``size`` px (train split) and its matched diffusers peer (None without diffusers),
    trained the same way on the same data; both with autocast ``amp_dtype`` (None: fp32)."""
    from engine.data import images as _images
    from engine.models import count_parameters
    from engine.presets import default_config
    from engine.training import Trainer

    cfg = default_config("digits")
    cfg.data.image_size = size
    cfg.training.device = device
    cfg.training.amp = False
    if batch_size:
        cfg.training.batch_size = batch_size
    train, _ = _images.digits_split(0, image_size=size)
    trainer = Trainer(cfg, dataset=train)
    if amp_dtype is not None:  # the dtype under test, whatever the engine would pick on this device
        trainer.amp_dtype = amp_dtype
        use_scaler = amp_dtype == torch.float16 and trainer.device.type == "cuda"
        trainer.scaler = torch.amp.GradScaler("cuda") if use_scaler else None
    peer = None
    if peers.AVAILABLE:
        tr = cfg.training
        peer = peers.PeerTrainer(train.x, count_parameters(trainer.model), batch_size=tr.batch_size, lr=tr.lr,
                                 warmup_steps=tr.warmup_steps, ema_decay=tr.ema_decay, device=device)
        peer.amp_dtype = amp_dtype
    return trainer, peer, train


def alternate_rates(trainer, peer, seconds: float, rounds: int, device: str = "cpu",
                    min_steps: int = 2) -> tuple[float, float | None]:
    """Best images/s of lab and peer, timed in alternating windows so both see the same machine load."""
    bs = trainer.config.training.batch_size
    ours, theirs = [], []
    for _ in range(rounds):
        k, dt = time_steps(trainer.step, seconds, min_steps, device)
        ours.append(k * bs / dt)
        if peer is not None:
            k, dt = time_steps(peer.step, seconds, min_steps, device)
            theirs.append(k * peer.batch_size / dt)
    return max(ours), (max(theirs) if theirs else None)


def autocast_throughput(size: int, dtype, device: str, seconds: float, rounds: int = 1, batch_size: int | None = None,
                        min_steps: int = 2) -> dict:
    """One GPU-section row: lab vs matched peer images/s at ``size`` px under autocast ``dtype`` on ``device``
    (runs on a CPU too, with bfloat16, so the code path is tested without a GPU)."""
    trainer, peer, _ = digits_pair(size, device, batch_size, amp_dtype=dtype)
    ours, theirs = alternate_rates(trainer, peer, seconds, rounds, device, min_steps)
    row = {"image_size": size, "dtype": str(dtype).replace("torch.", ""), "device": device,
           "batch_size": trainer.config.training.batch_size, "ours_images_per_s": ours}
    if peer is not None:
        row.update(peer_images_per_s=theirs, ours_vs_peer=ours / theirs, peer_params=peer.info["params"])
    return row


def section_throughput(args, state: dict) -> dict:
    sizes = [16] if args.quick else [16, 32]
    window = 0.5 if args.quick else 3.0
    rounds = 1 if args.quick else 2
    out: dict = {"device": "cpu", "rows": [], "threads": list(THREADS), "peak_by_threads": {}}
    for t in THREADS:
        with threads(t):
            out["peak_by_threads"][str(t)] = matmul_peak(args.quick)
    for size in sizes:
        trainer, peer, train = digits_pair(size, batch_size=16 if args.quick else None)
        bs = trainer.config.training.batch_size
        x = train.x[:bs]
        flops = train_flops(trainer.model, x, lambda m, x, t: m(x, t))
        peer_flops = train_flops(peer.model, x, lambda m, x, t: m(x, t).sample) if peer is not None else None
        for t in THREADS:
            with threads(t):
                ours, theirs = alternate_rates(trainer, peer, window, rounds)
            peak = out["peak_by_threads"][str(t)]
            row = {"image_size": size, "threads": t, "batch_size": bs,
                   "ours_params": sum(p.numel() for p in trainer.model.parameters()),
                   "ours_flops_per_step": flops, "ours_images_per_s": ours, "ours_flops_per_s": ours / bs * flops,
                   "ours_peak_fraction": ours / bs * flops / peak}
            if peer is not None:
                row.update(peer_params=peer.info["params"], peer_params_ratio=peer.info["ratio"],
                           peer_flops_per_step=peer_flops, peer_images_per_s=theirs,
                           peer_flops_per_s=theirs / bs * peer_flops,
                           peer_peak_fraction=theirs / bs * peer_flops / peak,
                           ours_vs_peer=ours / theirs)
            else:
                row["peer"] = peers.NOT_INSTALLED
            out["rows"].append(row)
            progress(f"throughput {size}px {t} thread(s): ours {ours:.0f} img/s ({row['ours_peak_fraction']:.0%} of "
                     f"peak)" + (f", peer {theirs:.0f} img/s" if theirs else ""))
        del trainer, peer
    return out


def ddim64_latency(trainer, reps: int) -> dict:
    """Issue target: DDIM-50 of 64 digits headless (engine sampler, EMA) in < 0.5 s at 2 threads; best and median."""
    from engine.samplers import final_sample

    walls = []
    with threads(2):
        final_sample(trainer.sample(n=64, steps=50, sampler="ddim", eta=0.0, seed=EVAL_SEED))  # warm-up
        for _ in range(reps):
            t0 = time.perf_counter()
            final_sample(trainer.sample(n=64, steps=50, sampler="ddim", eta=0.0, seed=EVAL_SEED))
            walls.append(time.perf_counter() - t0)
    walls.sort()
    return {"n": 64, "sampler": "ddim-50", "threads": 2, "best_s": walls[0], "median_s": walls[len(walls) // 2],
            "reps": reps, "target_s": DDIM64_TARGET_S}


def section_sampling(args, state: dict) -> dict:
    from engine.data import fresh_points, sliced_wasserstein
    from engine.data import images as _images
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
    for sampler, steps in [("ddpm", 1000), ("ddim", 100), ("ddim", 50), ("ddim", 20), ("ddim", 10)]:
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
    img_trainer = dtr or Trainer(default_config("digits"), dataset=_images.digits_split(0)[0])
    # the work per step does not depend on the weights, so an untrained model times the same
    out["ddim64"] = ddim64_latency(img_trainer, 1 if args.quick else 10)
    # Trajectory recording overhead: the same DDIM-50 run with and without recording every frame.
    traj_rows = []
    for label, tr, count in (("moons", trainer, n), ("digits", img_trainer, 64)):
        kind = "images" if label == "digits" else "points"
        plain, recorded = [], []
        traj = None
        for _ in range(1 if args.quick else 3):
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
    progress(f"sampling: DDIM-50 {d50['speedup_vs_ddpm1000']:.1f}x faster than DDPM-1000, SW {d50['sw']:.3f} vs "
             f"{base['sw']:.3f}; 64 digits DDIM-50 {out['ddim64']['best_s']:.3f} s")
    return out
