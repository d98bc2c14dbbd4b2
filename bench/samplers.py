"""``python -m bench.samplers [--train-steps 1500] [--n 2000] [--seeds 3] [--out bench/results/samplers.md]``

Quality against NFE for every sampler on one moons model (trained headless with ``default_config("moons")``):

* sliced Wasserstein distance (engine.data.sliced_wasserstein) of the samples to held-out moons points, against
  the floor of two held-out draws (what a perfect sampler of the data would score), mean +- sd over x_T seeds;
* RMSE of the final samples against a 1000-step run from the same x_T (engine.sampler_study.error_vs_nfe): DDIM-1000
  (the probability-flow ODE solved finely) for the deterministic samplers, DDPM-1000 with the same noise seed for
  DDPM, whose RMSE is then mostly the different noise path, not a discretization error.

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
from pathlib import Path

import torch

from engine.config import SAMPLERS
from engine.data import fresh_points, sliced_wasserstein
from engine.presets import default_config
from engine.sampler_study import draw_x_T, error_vs_nfe, fitted_order, noise_generator
from engine.samplers import final_sample, make_step, sample_loop
from engine.training import Trainer

RESULTS = Path(__file__).resolve().parent / "results" / "samplers.md"
NFE_TARGETS = (10, 20, 50)
HELDOUT_SEED = 10_000  # as bench.run's points section: held-out points, never the training draw (seed 0)


def steps_for(sampler: str, nfe: int) -> int:
    """Steps giving about ``nfe`` model evaluations: Heun spends 2K - 1 on K steps, the others K."""
    return (nfe + 1) // 2 if sampler == "heun" else nfe


def train_moons(steps: int) -> Trainer:
    cfg = default_config("moons")
    cfg.training.steps = steps
    trainer = Trainer(cfg)
    started = time.monotonic()
    for _ in range(steps):
        trainer.step()
    print(f"trained {steps} steps in {time.monotonic() - started:.0f} s (loss {trainer.history.loss[-1]:.4f})",
          file=sys.stderr)
    return trainer


def full_chain(trainer: Trainer, sampler: str, x_T: torch.Tensor, seed: int) -> torch.Tensor:
    """``sampler`` over every index of the schedule from x_T, with the noise generator error_vs_nfe gives its runs:
    the reference of the RMSE column (DDIM-1000 for the ODE samplers, DDPM-1000 for DDPM)."""
    ts = list(range(trainer.schedule.timesteps - 1, -1, -1))
    return final_sample(sample_loop(make_step(sampler), trainer.denoiser(), trainer.schedule, x_T, ts,
                                    generator=noise_generator(seed)))


def measure(trainer: Trainer, n: int, seeds: int) -> dict:
    ref = fresh_points("moons", n, seed=HELDOUT_SEED)
    floors = [sliced_wasserstein(fresh_points("moons", n, seed=HELDOUT_SEED + 1 + i), ref) for i in range(seeds)]
    denoiser, schedule, shape = trainer.denoiser(), trainer.schedule, trainer.sample_shape(n)
    T = schedule.timesteps
    runs: dict[tuple[str, int], dict] = {}

    def add(sampler: str, steps: int, nfe: int, samples: torch.Tensor, rmse: float) -> None:
        entry = runs.setdefault((sampler, steps), {"nfe": nfe, "sw": [], "rmse": []})
        entry["sw"].append(sliced_wasserstein(samples, ref))
        entry["rmse"].append(rmse)

    for seed in range(seeds):
        x_T = draw_x_T(shape, seed)
        references = {chain: full_chain(trainer, chain, x_T, seed) for chain in ("ddim", "ddpm")}
        for sampler in SAMPLERS:
            reference = references["ddpm" if sampler == "ddpm" else "ddim"]
            if sampler in ("ddpm", "ddim"):
                add(sampler, T, T, reference, 0.0)
            steps_list = [steps_for(sampler, nfe) for nfe in NFE_TARGETS]
            for row in error_vs_nfe(denoiser, schedule, shape, samplers=(sampler,), steps_list=steps_list,
                                    seed=seed, reference=reference):
                add(sampler, row.steps, row.nfe, row.samples, row.rmse)
        print(f"seed {seed} measured", file=sys.stderr)
    return {"floor": floors, "runs": runs, "train_steps": trainer.step_count, "n": n, "seeds": seeds}


def _mean_sd(values: list[float]) -> tuple[float, float]:
    return statistics.fmean(values), (statistics.stdev(values) if len(values) > 1 else 0.0)


def verdict(res: dict) -> str:
    """Does DPM-Solver++(2M) at 20 NFE match DDIM-50 within the seed-to-seed noise?"""
    dpm, ddim = res["runs"][("dpmpp_2m", 20)], res["runs"][("ddim", 50)]
    (m1, s1), (m2, s2) = _mean_sd(dpm["sw"]), _mean_sd(ddim["sw"])
    floor, floor_sd = _mean_sd(res["floor"])
    noise = 2.0 * (s1 ** 2 + s2 ** 2) ** 0.5
    same = abs(m1 - m2) <= noise
    return (f"DPM-Solver++(2M) at 20 NFE: SW {m1:.4f} +- {s1:.4f}; DDIM-50: {m2:.4f} +- {s2:.4f}; difference "
            f"{m1 - m2:+.4f} against twice their combined seed-to-seed sd {noise:.4f}: "
            f"{'matches within noise' if same else 'does not match within noise'}. Data-vs-data floor "
            f"{floor:.4f} +- {floor_sd:.4f}, so both are {m1 / floor:.2f}x and {m2 / floor:.2f}x the floor.")


def to_markdown(res: dict) -> str:
    floor, floor_sd = _mean_sd(res["floor"])
    lines = [
        "# Samplers: quality against model evaluations (moons)",
        "",
        f"{_dt.datetime.now(_dt.timezone.utc):%Y-%m-%d %H:%M} UTC · {platform.platform()} · torch {torch.__version__}"
        f" · `python -m bench.samplers`",
        "",
        f"Model: `default_config(\"moons\")` trained {res['train_steps']} steps (EMA weights). {res['n']} samples per "
        f"run, x_T seeds 0..{res['seeds'] - 1}; held-out reference: `fresh_points(\"moons\", {res['n']}, "
        f"seed={HELDOUT_SEED})`.",
        f"Data-vs-data floor (held-out vs held-out): SW **{floor:.4f}** +- {floor_sd:.4f}.",
        "",
        "SW: sliced Wasserstein to held-out points (mean +- sd over seeds). RMSE: per-coordinate RMSE of the final "
        "samples against the 1000-step run from the same x_T (DDIM-1000 for the ODE samplers, DDPM-1000 with the "
        "same noise seed for DDPM: there it measures the different noise path, not a discretization error).",
        "",
        "| sampler | steps | NFE | SW | SW / floor | RMSE vs 1000-step run |",
        "|---|---|---|---|---|---|",
    ]
    for sampler in SAMPLERS:
        for (name, steps), entry in sorted(res["runs"].items(), key=lambda kv: kv[1]["nfe"]):
            if name != sampler:
                continue
            m, s = _mean_sd(entry["sw"])
            rmse = statistics.fmean(entry["rmse"])
            lines.append(f"| {name} | {steps} | {entry['nfe']} | {m:.4f} +- {s:.4f} | {m / floor:.2f}x | "
                         f"{rmse:.2e} |")
    lines += ["", "Fitted order of the RMSE (slope of log RMSE against log NFE over 10, 20, 50 NFE; "
                  "`engine.sampler_study.fitted_order`):", ""]
    for sampler in SAMPLERS:
        pts = [(e["nfe"], statistics.fmean(e["rmse"])) for (name, steps), e in res["runs"].items()
               if name == sampler and steps < 1000]
        if all(r > 0 for _, r in pts):
            lines.append(f"- {sampler}: {fitted_order([p[0] for p in pts], [p[1] for p in pts]):.2f}")
    lines += ["", "## DPM-Solver++(2M) at 20 NFE against DDIM-50", "", verdict(res), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.samplers", description=__doc__.splitlines()[0])
    parser.add_argument("--train-steps", type=int, default=1500)
    parser.add_argument("--n", type=int, default=2000, help="samples per run")
    parser.add_argument("--seeds", type=int, default=3, help="x_T seeds per run (for the noise of SW)")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    trainer = train_moons(args.train_steps)
    text = to_markdown(measure(trainer, args.n, args.seeds))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
