"""Quality sections: time to quality on real digits (lab vs the matched diffusers peer) and on the 2-D sets."""
from __future__ import annotations

import time

from bench import peers
from bench.common import EVAL_SEED, classifier, progress, score_trainer
from bench.machine import loadavg
from engine import metrics


def digits_budgets(args) -> list[float]:
    """The digits wall-clock budgets (cumulative: one model trained on, scored at each); the window rows use them."""
    return sorted(args.budgets)


def section_digits(args, state: dict) -> dict:
    from engine.data import images as _images
    from engine.models import count_parameters
    from engine.presets import default_config
    from engine.session import TrainingSession
    from engine.training import Trainer

    budgets = digits_budgets(args)
    n = args.n_samples or (100 if args.quick else 500)
    ddim_steps = args.ddim_steps or (10 if args.quick else 50)
    clf, acc, how = classifier()
    train, held = _images.digits_split(0)
    floor = metrics.score_images(clf, held.x, train.x)
    out: dict = {"classifier": {"heldout_accuracy": acc, "source": how, "feature_dim": metrics.FEATURE_DIM},
                 "n_samples": n, "sampler": f"ddim-{ddim_steps}", "budgets_s": budgets,
                 "floor": floor, "ours": [], "peer": []}
    state["digits_eval"] = {"n": n, "ddim_steps": ddim_steps, "floor": floor}
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
        out["peer_model"] = peer.info  # both counts and their ratio
    done = 0.0
    for budget in budgets:
        chunk = budget - done
        done = budget
        t0 = time.monotonic()
        result = session.run(total_steps=10_000_000, time_budget=chunk)
        trained = time.monotonic() - t0
        score = score_trainer(trainer, clf, held, floor, n, ddim_steps)
        score.update(budget_s=budget, steps=trainer.step_count, reason=result.reason, train_s=trained,
                     loadavg=loadavg())
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
        progress(f"digits {budget:g}s: ours FD x{score['fd_ratio']:.2f} P {score['precision']:.2f} "
                 f"R {score['recall']:.2f} cls {score['classes']}" +
                 (f" | peer FD x{out['peer'][-1]['fd_ratio']:.2f} P {out['peer'][-1]['precision']:.2f} "
                  f"R {out['peer'][-1]['recall']:.2f}" if peer is not None else ""))
    return out


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
        trainer = Trainer(default_config(name))
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
        progress(f"points {name}: " + ", ".join(f"{r['budget_s']:g}s x{r['ratio']:.2f}" for r in rows))
    return out
