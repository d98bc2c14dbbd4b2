"""Guidance benchmark: accuracy / Fréchet distance / precision / recall of digits samples against the guidance scale.

    python -m bench.guidance                     # train a class-conditional digits model 120 s, then score s = 0..8
    python -m bench.guidance --quick             # seconds: a smoke run (CI), numbers meaningless
    python -m bench.guidance --run RUN_DIR       # score an existing conditional digits run instead of training

Trains the window's digits default with Class-conditional on (p_uncond = the default) for a wall-clock budget,
then engine.guidance_study.guidance_curve scores the same x_T at each scale with the shipped classifier. Writes
bench/results/guidance.json and guidance.md.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"


def _trainer(args):
    from engine.presets import default_config, quick_config
    from engine.training import Trainer

    if args.run:
        from engine.checkpoint import load_checkpoint, trainer_from_checkpoint

        return trainer_from_checkpoint(load_checkpoint(args.run)), "opened"
    cfg = quick_config("digits", steps=10) if args.quick else default_config("digits")
    cfg.model.class_conditional = True
    cfg.data.max_items = 0
    trainer = Trainer(cfg)
    started = time.monotonic()
    while time.monotonic() - started < args.seconds and trainer.step_count < args.max_steps:
        trainer.step()
    return trainer, f"trained {trainer.step_count} steps in {time.monotonic() - started:.0f} s"


def main(argv: list[str] | None = None) -> int:
    from engine.guidance_study import DEFAULT_SCALES, curve_markdown, guidance_curve

    ap = argparse.ArgumentParser(prog="python -m bench.guidance", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="tiny budgets (CI smoke run)")
    ap.add_argument("--run", help="a conditional digits run folder or checkpoint to score instead of training")
    ap.add_argument("--seconds", type=float, default=120.0, help="training budget in seconds")
    ap.add_argument("--max-steps", type=int, default=10**9)
    ap.add_argument("--scales", default=",".join(f"{s:g}" for s in DEFAULT_SCALES))
    ap.add_argument("--per-class", type=int, default=50, help="samples per class and scale")
    ap.add_argument("--steps", type=int, default=20, help="DDIM steps per sample")
    ap.add_argument("--out", default=str(RESULTS_DIR))
    args = ap.parse_args(argv)
    if args.quick:
        args.seconds, args.max_steps, args.per_class, args.steps = 2.0, 10, 2, 3
    trainer, how = _trainer(args)
    scales = [float(v) for v in args.scales.split(",") if v.strip()]
    points = guidance_curve(trainer, scales, per_class=args.per_class, steps=args.steps)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    res = {"model": how, "per_class": args.per_class, "ddim_steps": args.steps, "quick": args.quick,
           "points": [p.to_dict() for p in points]}
    (out / "guidance.json").write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    text = (f"# Guidance on digits\n\n{how}; {args.per_class} samples per class and scale, DDIM-{args.steps}, one "
            "x_T for all scales; the shipped classifier's accuracy for the requested class, and its feature-space "
            "Fréchet distance, precision and recall against the real digits. s = 1 + w (Ho & Salimans 2022).\n\n"
            + curve_markdown(points))
    (out / "guidance.md").write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
