"""The ``profile`` section: where a training step of the digits default spends its time (torch.profiler).

The step's own phases are labelled with ``record_function`` by wrapping the trainer instance's batch and EMA methods
(the engine is left untouched); AdamW is labelled by torch itself (``Optimizer.step#AdamW.step``). Every profiled op's
*self* CPU time goes to the first category that claims it, looking at the op and then its callers:
data/batch assembly and optimizer (labels) first, then attention (scaled_dot_product_attention, its backward,
softmax, bmm: the engine's attention is one SDPA call), conv backward, conv forward, normalization; the rest is
"other (elementwise, loss, autograd glue)". Percentages are of the profiled total; ms per step divides by the steps.
"""
from __future__ import annotations

import time

import torch

from bench.common import matmul_peak, progress, time_steps, train_flops

CATEGORIES = ("conv forward", "conv backward", "normalization", "attention", "other elementwise",
              "optimizer step (AdamW + EMA)", "data / batch assembly")
_DATA, _OPTIM = "dl::batch", "dl::ema"


def _by_name(name: str) -> str | None:
    low = name.lower()
    if "scaled_dot_product" in low or "softmax" in low or "bmm" in low or "attention" in low:
        return "attention"
    if "convolution_backward" in low or "convolutionbackward" in low:
        return "conv backward"
    if "conv" in low:
        return "conv forward"
    if "norm" in low and "clip_grad" not in low and "linalg" not in low and "_foreach_norm" not in low:
        return "normalization"
    return None


def categorize(event) -> str:
    """The category of one profiler FunctionEvent (its self time), from its label ancestry and op names."""
    chain = []
    e = event
    while e is not None:
        chain.append(e.name)
        e = e.cpu_parent
    for name in chain:
        if name == _DATA:
            return "data / batch assembly"
        if name == _OPTIM or name.startswith("Optimizer."):
            return "optimizer step (AdamW + EMA)"
    for name in chain:
        cat = _by_name(name)
        if cat is not None:
            return cat
    return "other elementwise"


def _labelled(fn, label: str):
    def wrapper(*a, **k):
        with torch.autograd.profiler.record_function(label):
            return fn(*a, **k)
    return wrapper


def profile_steps(trainer, steps: int, warmup: int) -> dict:
    """Profile ``steps`` training steps (after ``warmup``) of ``trainer``; categories and the top-10 ops by self CPU."""
    from torch.profiler import ProfilerActivity, profile

    trainer._batch = _labelled(trainer._batch, _DATA)  # instance attributes: this trainer only
    trainer._update_ema = _labelled(trainer._update_ema, _OPTIM)
    for _ in range(warmup):
        trainer.step()
    t0 = time.perf_counter()
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(steps):
            trainer.step()
    wall = time.perf_counter() - t0
    totals = dict.fromkeys(CATEGORIES, 0.0)
    for ev in prof.events():
        if ev.device_type.name == "CPU":
            totals[categorize(ev)] += ev.self_cpu_time_total  # microseconds
    whole = sum(totals.values()) or 1.0
    cats = [{"category": c, "ms_per_step": totals[c] / 1e3 / steps, "fraction": totals[c] / whole}
            for c in CATEGORIES]
    top = sorted(prof.key_averages(), key=lambda a: a.self_cpu_time_total, reverse=True)[:10]
    top_ops = [{"op": a.key, "calls_per_step": a.count / steps, "self_ms_per_step": a.self_cpu_time_total / 1e3 / steps,
                "fraction": a.self_cpu_time_total / whole, "category": _by_name(a.key) or "–"} for a in top]
    return {"steps": steps, "warmup": warmup, "profiled_wall_s": wall, "profiled_ms_per_step": whole / 1e3 / steps,
            "categories": cats, "top_ops": top_ops}


def section_profile(args, state: dict) -> dict:
    from engine.data import images as _images
    from engine.presets import default_config
    from engine.training import Trainer

    steps, warmup = (5, 2) if args.quick else (30, 5)
    cfg = default_config("digits")
    train, _ = _images.digits_split(0)
    trainer = Trainer(cfg, dataset=train)
    bs = cfg.training.batch_size
    k, dt = time_steps(trainer.step, 1.0 if args.quick else 5.0, 3)  # unprofiled step time: the peak fraction's
    step_s = dt / k
    flops = train_flops(trainer.model, train.x[:bs], lambda m, x, t: m(x, t))
    peak = matmul_peak(args.quick)
    out = profile_steps(trainer, steps, warmup)
    out.update(batch_size=bs, torch_threads=torch.get_num_threads(), step_ms=1e3 * step_s, flops_per_step=flops,
               matmul_peak_flops=peak, peak_fraction=flops / step_s / peak)
    progress("profile: " + ", ".join(f"{c['category']} {c['fraction']:.0%}" for c in out["categories"]) +
             f"; {out['peak_fraction']:.0%} of matmul peak")
    return out
