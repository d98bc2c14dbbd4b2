"""The ``profile`` section: where a training step of the digits default spends its time (torch.profiler).

Labels (the engine is left untouched): the trainer instance's batch and EMA methods are wrapped in
``record_function`` and every ``SelfAttention`` module's forward is bracketed by one through module hooks; AdamW is
labelled by torch itself (``Optimizer.step#AdamW.step``). The backward of an op inside an attention block is found by
its autograd sequence number (the profiler gives the backward node the forward op's). Every profiled op's *self* CPU
time goes to the first category that claims it: data / batch assembly and optimizer (labels), then attention
(everything inside the attention blocks, forward and backward: q/k/v and output projections, SDPA), then by op name
conv backward, conv forward, normalization; the rest is "other elementwise" (activations, FiLM, loss, autograd glue).
Percentages are of the profiled total; ms per step divides by the steps.
"""
from __future__ import annotations

import time

import torch

from bench.common import matmul_peak, progress, time_steps, train_flops

CATEGORIES = ("conv forward", "conv backward", "normalization", "attention", "other elementwise",
              "optimizer step (AdamW + EMA)", "data / batch assembly")
_DATA, _OPTIM, _ATTN = "dl::batch", "dl::ema", "dl::attention"
_BACKWARD = "autograd::engine::evaluate_function"


def _by_name(name: str) -> str | None:
    low = name.lower()
    if "scaled_dot_product" in low or "softmax" in low or "bmm" in low or "attention" in low:
        return "attention"
    if "convolution_backward" in low or "convolutionbackward" in low:
        return "conv backward"
    if "convolution" in low or "conv2d" in low:  # not "conv" alone: aten::_convert_* is no convolution
        return "conv forward"
    if "norm" in low and "clip_grad" not in low and "linalg" not in low and "_foreach_norm" not in low:
        return "normalization"
    return None


def _chain(event) -> list:
    chain = []
    while event is not None:
        chain.append(event)
        event = event.cpu_parent
    return chain


def categorize(event, attention_seq: frozenset = frozenset()) -> str:
    """The category of one profiler FunctionEvent (its self time), from its label ancestry and op names;
    ``attention_seq``: autograd sequence numbers of the forward ops inside attention blocks."""
    chain = _chain(event)
    for e in chain:
        if e.name == _DATA:
            return "data / batch assembly"
        if e.name == _OPTIM or e.name.startswith("Optimizer."):
            return "optimizer step (AdamW + EMA)"
    for e in chain:
        if e.name == _ATTN or (e.name.startswith(_BACKWARD) and e.sequence_nr in attention_seq):
            return "attention"
    for e in chain:
        cat = _by_name(e.name)
        if cat is not None:
            return cat
    return "other elementwise"


def _label_attention(model: torch.nn.Module) -> list:
    """Bracket every SelfAttention forward with a record_function label; the hook handles (remove when done)."""
    handles = []
    for module in model.modules():
        if type(module).__name__ != "SelfAttention":
            continue
        ctx: dict = {}

        def enter(_mod, _inp, ctx=ctx) -> None:
            ctx["rf"] = torch.autograd.profiler.record_function(_ATTN)
            ctx["rf"].__enter__()

        def leave(_mod, _inp, _out, ctx=ctx) -> None:
            ctx.pop("rf").__exit__(None, None, None)

        handles += [module.register_forward_pre_hook(enter), module.register_forward_hook(leave)]
    return handles


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
    handles = _label_attention(trainer.model)
    for _ in range(warmup):
        trainer.step()
    t0 = time.perf_counter()
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(steps):
            trainer.step()
    wall = time.perf_counter() - t0
    for h in handles:
        h.remove()
    events = [ev for ev in prof.events() if ev.device_type.name == "CPU"]
    attention_seq = frozenset(ev.sequence_nr for ev in events if ev.sequence_nr >= 0 and
                              not ev.name.startswith(_BACKWARD) and any(e.name == _ATTN for e in _chain(ev)))
    totals = dict.fromkeys(CATEGORIES, 0.0)
    for ev in events:
        totals[categorize(ev, attention_seq)] += ev.self_cpu_time_total  # microseconds
    whole = sum(totals.values()) or 1.0
    cats = [{"category": c, "ms_per_step": totals[c] / 1e3 / steps, "fraction": totals[c] / whole}
            for c in CATEGORIES]
    top = sorted(prof.key_averages(), key=lambda a: a.self_cpu_time_total, reverse=True)[:10]
    top_ops = [{"op": a.key, "calls_per_step": a.count / steps, "self_ms_per_step": a.self_cpu_time_total / 1e3 / steps,
                "fraction": a.self_cpu_time_total / whole, "category": _by_name(a.key) or "–"} for a in top]
    attention_backward = sum(1 for ev in events if ev.name.startswith(_BACKWARD) and ev.sequence_nr in attention_seq)
    return {"steps": steps, "warmup": warmup, "attention_backward_nodes": attention_backward // steps,
            "profiled_wall_s": wall, "profiled_ms_per_step": whole / 1e3 / steps,
            "categories": cats, "top_ops": top_ops}


def section_profile(args, state: dict) -> dict:
    from engine.data import images as _images
    from engine.presets import default_config
    from engine.training import Trainer

    steps, warmup = (5, 2) if args.quick else (30, 5)
    cfg = default_config("digits")
    if args.quick:  # a smoke run: the categories' shape, not the default's numbers
        cfg.training.batch_size = 32
    train, _ = _images.digits_split(0)
    trainer = Trainer(cfg, dataset=train)
    bs = cfg.training.batch_size
    k, dt = time_steps(trainer.step, 0.5 if args.quick else 5.0, 3)  # unprofiled step time: the peak fraction's
    step_s = dt / k
    flops = train_flops(trainer.model, train.x[:bs], lambda m, x, t: m(x, t))
    peak = matmul_peak(args.quick)
    out = profile_steps(trainer, steps, warmup)
    out.update(batch_size=bs, torch_threads=torch.get_num_threads(), step_ms=1e3 * step_s, flops_per_step=flops,
               matmul_peak_flops=peak, peak_fraction=flops / step_s / peak)
    progress("profile: " + ", ".join(f"{c['category']} {c['fraction']:.0%}" for c in out["categories"]) +
             f"; {out['peak_fraction']:.0%} of matmul peak")
    return out
