"""``diffusion-lab sample``: sample from a trained run into a PNG grid, a ``.npy`` array or an animation of the
reverse process. Each output goes through the same engine.export function as ``diffusion-lab export``: ``--out
x.png`` is ``export --what grid``, ``--out x.npy`` its ``.npy``, ``--out x.gif`` ``export --what reverse``."""
from __future__ import annotations

import sys
import time
from pathlib import Path

from engine.cli.common import add_config_flags, check_writable, sampling_trainer
from engine.config import DEVICES
from engine.errors import UserError

ANIMATION_SUFFIXES = (".gif", ".webp", ".apng", ".mp4")  # .png is the still grid here, never an APNG
OUT_SUFFIXES = (".png", ".npy", *ANIMATION_SUFFIXES)


def add_parser(sub) -> None:
    p = sub.add_parser("sample", help="sample from a trained run")
    p.add_argument("--run", required=True, help="a run folder or checkpoint file")
    add_config_flags(p, "sample")  # --sampler, --steps, --eta, --n, --seed, --guidance-scale, --class-label
    p.add_argument("--ema", dest="ema", action="store_true", default=None, help="use the EMA weights (default)")
    p.add_argument("--no-ema", dest="ema", action="store_false")
    p.add_argument("--device", choices=DEVICES, default="auto")
    p.add_argument("--denoiser", choices=("model", "exact"), default="model",
                   help="exact: sample with the closed-form optimal denoiser of the run's 2-D training points "
                        "(engine.exact) instead of the network")
    p.add_argument("--trajectory", help="also save the recorded trajectory (.npz) for scrubbing and export")
    p.add_argument("--out", required=True, help=".png grid, .npy samples, or an animation of the reverse process "
                                                "(.gif, .webp, .apng, .mp4)")
    p.set_defaults(handler=run)


def _show_step(frame) -> None:
    if not frame.is_final and sys.stderr.isatty():
        sys.stderr.write(f"\rsampling step {frame.step + 1}/{frame.num_steps}")


def _exact_frames(trainer, run: str):
    """The run's sampler over the exact denoiser of its training points: it reproduces them (memorization)."""
    from engine.exact import empirical_denoiser
    from engine.samplers import run_sampler

    if trainer.dataset.kind != "points":
        raise UserError(f"--denoiser exact: needs a run trained on 2-D points; {run} was trained on images", code=2)
    sa = trainer.config.sampling
    denoiser = empirical_denoiser(trainer.dataset.x.detach().cpu(), trainer.schedule)
    return run_sampler(denoiser, trainer.schedule, trainer.sample_shape(sa.n), sampler=sa.sampler, steps=sa.steps,
                       eta=sa.eta, variance=sa.ddpm_variance, spacing=sa.timestep_spacing, seed=sa.seed)


def run(args) -> int:
    from engine.export import AnimationOptions, export_grid_png, export_reverse_animation, export_samples_npy
    from engine.samplers import record

    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in OUT_SUFFIXES:
        raise UserError(f"--out: unknown extension {suffix or '(none)'!r}; use .png, .npy, .gif, .webp, .apng "
                        "or .mp4", code=2)
    trainer = sampling_trainer(args, sampler=args.sampler, steps=args.steps, eta=args.eta, n=args.n, seed=args.seed,
                               guidance_scale=args.guidance_scale, class_label=args.class_label, use_ema=args.ema)
    check_writable(out.parent if str(out.parent) else Path("."))
    sa = trainer.config.sampling
    started = time.monotonic()
    frames = trainer.sample(sa) if args.denoiser == "model" else _exact_frames(trainer, args.run)
    trajectory = None
    if args.trajectory or suffix in ANIMATION_SUFFIXES:
        trajectory = record(frames, trainer.dataset.kind, on_frame=_show_step)
        samples = trajectory.final
    else:
        samples = None
        for frame in frames:
            _show_step(frame)
            if frame.is_final:
                samples = frame.x_t.float().cpu().numpy()
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    if args.trajectory:
        trajectory.save(args.trajectory)
    if suffix == ".npy":
        export_samples_npy(samples, out)
    elif suffix in ANIMATION_SUFFIXES:
        export_reverse_animation(trajectory, out, AnimationOptions())
    else:
        export_grid_png(samples, out)
    sys.stderr.write(f"{sa.n} samples ({sa.sampler}, {sa.steps} steps) in {time.monotonic() - started:.1f}s "
                     f"-> {out}\n")
    return 0
