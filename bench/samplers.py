"""``python -m bench.samplers [--dataset moons|digits|both] [--train-steps 1500] [--n 2000] [--digits-train-steps
2000] [--digits-n 256] [--seeds 3] [--out bench/results/samplers.md]``

Quality against NFE for every sampler on a moons model and a digits model (each trained headless with
``default_config``):

* moons: sliced Wasserstein distance (engine.data.sliced_wasserstein) of the samples to held-out moons points,
  against the floor of held-out draws (what a perfect sampler of the data would score), mean +- sd over x_T seeds;
* digits: the Frechet distance in the shipped digit classifier's feature space (engine.metrics, through
  engine.quality.QualityScorer) to the held-out digits the classifier never saw, against the real-data floor at the
  same sample count (held-out real digits scored the same way);
* both: RMSE of the final samples against a 1000-step run from the same x_T (engine.sampler_study.error_vs_nfe):
  DDIM-1000 (the probability-flow ODE solved finely) for the deterministic samplers, DDPM-1000 with the same noise
  seed for DDPM, whose RMSE is then mostly the different noise path, not a discretization error.

Not a timing benchmark: every number is a quality at a given count of model evaluations, so machine load does
not matter.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch

from engine.config import SAMPLERS
from engine.data import fresh_points, sliced_wasserstein
from engine.presets import default_config
from engine.sampler_study import draw_x_T, error_vs_nfe, fitted_order, full_chain, steps_for_nfe
from engine.training import Trainer

RESULTS = Path(__file__).resolve().parent / "results" / "samplers.md"
NFE_TARGETS = (10, 20, 50)
HELDOUT_SEED = 10_000  # as bench.run's points section: held-out points, never the training draw (seed 0)


def train(dataset: str, steps: int, timesteps: int | None = None) -> Trainer:
    cfg = default_config(dataset)
    cfg.training.steps = steps
    if timesteps:  # smoke tests only: the published table uses default_config's T = 1000
        cfg.schedule.timesteps = timesteps
    trainer = Trainer(cfg)
    started = time.monotonic()
    for _ in range(steps):
        trainer.step()
    print(f"{dataset}: trained {steps} steps in {time.monotonic() - started:.0f} s "
          f"(loss {trainer.history.loss[-1]:.4f})", file=sys.stderr)
    return trainer


def data_metric(trainer: Trainer, n: int, seeds: int) -> tuple[str, Callable[[torch.Tensor], float], list[float]]:
    """(name, score(samples), floors) of the data-level metric: sliced Wasserstein to held-out points for moons (one
    floor per seed: a held-out draw against the reference), the classifier Frechet distance to held-out digits for
    digits (QualityScorer's floor: disjoint real digits of the same count, averaged over its draws)."""
    if trainer.dataset.kind == "points":
        ref = fresh_points("moons", n, seed=HELDOUT_SEED)
        floors = [sliced_wasserstein(fresh_points("moons", n, seed=HELDOUT_SEED + 1 + i), ref) for i in range(seeds)]
        return "SW", lambda samples: sliced_wasserstein(samples, ref), floors
    from engine.quality import QualityScorer

    scorer = QualityScorer(trainer.config.data, seed=int(trainer.config.training.seed), n_samples=n,
                           dataset=trainer.dataset)
    return "FD", lambda samples: scorer.score(samples, 0).value, [scorer.floor(n)]


def measure(trainer: Trainer, n: int, seeds: int) -> dict:
    metric, score, floors = data_metric(trainer, n, seeds)
    schedule, shape = trainer.schedule, trainer.sample_shape(n)
    denoiser = trainer.denoiser(labels=trainer.class_labels(n))
    T = schedule.timesteps
    runs: dict[tuple[str, int], dict] = {}

    def add(sampler: str, steps: int, nfe: int, samples: torch.Tensor, rmse: float) -> None:
        entry = runs.setdefault((sampler, steps), {"nfe": nfe, "metric": [], "rmse": []})
        entry["metric"].append(score(samples))
        entry["rmse"].append(rmse)

    for seed in range(seeds):
        x_T = draw_x_T(shape, seed)
        references = {chain: full_chain(denoiser, schedule, chain, x_T, seed) for chain in ("ddim", "ddpm")}
        for sampler in SAMPLERS:
            reference = references["ddpm" if sampler == "ddpm" else "ddim"]
            if sampler in ("ddpm", "ddim"):
                add(sampler, T, T, reference, 0.0)
            steps_list = [steps_for_nfe(sampler, nfe) for nfe in NFE_TARGETS]
            for row in error_vs_nfe(denoiser, schedule, shape, samplers=(sampler,), steps_list=steps_list,
                                    seed=seed, reference=reference):
                add(sampler, row.steps, row.nfe, row.samples, row.rmse)
        print(f"{trainer.config.data.dataset}: seed {seed} measured", file=sys.stderr)
    return {"dataset": trainer.config.data.dataset, "metric": metric, "floor": floors, "runs": runs,
            "train_steps": trainer.step_count, "n": n, "seeds": seeds, "timesteps": T}


def _mean_sd(values: list[float]) -> tuple[float, float]:
    return statistics.fmean(values), (statistics.stdev(values) if len(values) > 1 else 0.0)


METRIC_TEXT = {
    "SW": "sliced Wasserstein to held-out moons points",
    "FD": "Frechet distance in the shipped digit classifier's feature space to the held-out digits it never saw "
          "(engine.metrics via engine.quality.QualityScorer)",
}


def verdict(res: dict) -> str:
    """Does DPM-Solver++(2M) at 20 NFE match DDIM-50 within the seed-to-seed noise?"""
    dpm, ddim = res["runs"][("dpmpp_2m", 20)], res["runs"][("ddim", 50)]
    (m1, s1), (m2, s2) = _mean_sd(dpm["metric"]), _mean_sd(ddim["metric"])
    floor, floor_sd = _mean_sd(res["floor"])
    noise = 2.0 * (s1 ** 2 + s2 ** 2) ** 0.5
    same = abs(m1 - m2) <= noise
    name = res["metric"]
    return (f"DPM-Solver++(2M) at 20 NFE: {name} {m1:.4f} +- {s1:.4f}; DDIM-50: {m2:.4f} +- {s2:.4f}; difference "
            f"{m1 - m2:+.4f} against twice their combined seed-to-seed sd {noise:.4f}: "
            f"{'matches within noise' if same else 'does not match within noise'}. Real-data floor "
            f"{floor:.4f} +- {floor_sd:.4f}, so both are {m1 / floor:.2f}x and {m2 / floor:.2f}x the floor.")


def to_markdown(res: dict) -> str:
    """One dataset's section: the quality-vs-NFE table, the fitted orders and the 20-vs-50 verdict."""
    floor, floor_sd = _mean_sd(res["floor"])
    name, dataset, T = res["metric"], res["dataset"], res["timesteps"]
    reference = (f"`fresh_points(\"moons\", {res['n']}, seed={HELDOUT_SEED})`" if name == "SW" else
                 "the held-out digits of `digits_split` (QualityScorer)")
    lines = [
        f"## {dataset}",
        "",
        f"Model: `default_config(\"{dataset}\")` trained {res['train_steps']} steps (EMA weights). {res['n']} samples "
        f"per run, x_T seeds 0..{res['seeds'] - 1}; held-out reference: {reference}.",
        f"Real-data floor ({'held-out vs held-out' if name == 'SW' else 'real digits of the same count'}): {name} "
        f"**{floor:.4f}** +- {floor_sd:.4f}.",
        "",
        f"{name}: {METRIC_TEXT[name]} (mean +- sd over seeds). RMSE: per-value RMSE of the final samples against "
        f"the {T}-step run from the same x_T (DDIM-{T} for the ODE samplers, DDPM-{T} with the same noise seed for "
        "DDPM: there it measures the different noise path, not a discretization error).",
        "",
        f"| sampler | steps | NFE | {name} | {name} / floor | RMSE vs {T}-step run |",
        "|---|---|---|---|---|---|",
    ]
    for sampler in SAMPLERS:
        for (run, steps), entry in sorted(res["runs"].items(), key=lambda kv: kv[1]["nfe"]):
            if run != sampler:
                continue
            m, s = _mean_sd(entry["metric"])
            rmse = statistics.fmean(entry["rmse"])
            lines.append(f"| {run} | {steps} | {entry['nfe']} | {m:.4f} +- {s:.4f} | {m / floor:.2f}x | "
                         f"{rmse:.2e} |")
    lines += ["", f"Fitted order of the RMSE (slope of log RMSE against log NFE over {', '.join(map(str, NFE_TARGETS))}"
                  " NFE; `engine.sampler_study.fitted_order`):", ""]
    for sampler in SAMPLERS:
        pts = [(e["nfe"], statistics.fmean(e["rmse"])) for (run, steps), e in res["runs"].items()
               if run == sampler and steps < T]
        if len({p[0] for p in pts}) > 1 and all(r > 0 for _, r in pts):
            lines.append(f"- {sampler}: {fitted_order([p[0] for p in pts], [p[1] for p in pts]):.2f}")
    if ("dpmpp_2m", 20) in res["runs"] and ("ddim", 50) in res["runs"]:
        lines += ["", f"### {dataset}: DPM-Solver++(2M) at 20 NFE against DDIM-50", "", verdict(res)]
    return "\n".join(lines + [""])


def report(sections: list[dict]) -> str:
    head = [
        "# Samplers: quality against model evaluations",
        "",
        f"{_dt.datetime.now(_dt.timezone.utc):%Y-%m-%d %H:%M} UTC · {platform.platform()} · torch {torch.__version__}"
        f" · `python -m bench.samplers`",
        "",
    ]
    return "\n".join(head) + "\n" + "\n".join(to_markdown(res) for res in sections)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.samplers", description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=("moons", "digits", "both"), default="both")
    parser.add_argument("--train-steps", type=int, default=1500, help="moons training steps")
    parser.add_argument("--n", type=int, default=2000, help="moons samples per run")
    parser.add_argument("--digits-train-steps", type=int, default=default_config("digits").training.steps,
                        help="digits training steps (default: default_config's)")
    parser.add_argument("--digits-n", type=int, default=256,
                        help="digits samples per run (the FD floor is ~1.9 at 256, engine/quality.py)")
    parser.add_argument("--seeds", type=int, default=3, help="x_T seeds per run (for the noise of the metric)")
    parser.add_argument("--timesteps", type=int, default=None,
                        help="schedule length T (default: default_config's; a small T only to smoke-test the script)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    sections = []
    if args.dataset in ("moons", "both"):
        sections.append(measure(train("moons", args.train_steps, args.timesteps), args.n, args.seeds))
    if args.dataset in ("digits", "both"):
        sections.append(measure(train("digits", args.digits_train_steps, args.timesteps), args.digits_n, args.seeds))
    text = report(sections)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
