"""``diffusion-lab sample``: sample from a trained run into a PNG grid, a ``.npy`` array or an animation of the
reverse process. Each output goes through the same engine.export function as ``diffusion-lab export``: ``--out
x.png`` is ``export --what grid``, ``--out x.npy`` its ``.npy``, ``--out x.gif`` ``export --what reverse``.

``--from-trajectory traj.npz --from-step K`` branches instead of starting from noise: it restarts the sampler from
step K of a run saved with ``--trajectory`` (engine.samplers.branch_from), with this command's --sampler, --seed,
--eta and --steps (default: the recorded run's step count, whose grid the branch follows below step K)."""
from __future__ import annotations

import sys
import time
from pathlib import Path

from engine.cli.common import INT, add_config_flags, check_writable, sampling_trainer
from engine.config import DEVICES
from engine.errors import UserError

ANIMATION_SUFFIXES = (".gif", ".webp", ".apng", ".mp4")  # .png is the still grid here, never an APNG
OUT_SUFFIXES = (".png", ".npy", *ANIMATION_SUFFIXES)


def add_parser(sub) -> None:
    p = sub.add_parser("sample", help="sample from a trained run")
    p.add_argument("--run", required=True, help="a run folder or checkpoint file")
    # --sampler, --steps, --eta, --n, --seed, --guidance-scale, --class (--class-label), --negative-class
    add_config_flags(p, "sample")
    p.add_argument("--ema", dest="ema", action="store_true", default=None, help="use the EMA weights (default)")
    p.add_argument("--no-ema", dest="ema", action="store_false")
    p.add_argument("--device", choices=DEVICES, default="auto")
    p.add_argument("--denoiser", choices=("model", "exact"), default="model",
                   help="exact: sample with the closed-form optimal denoiser of the run's 2-D training points "
                        "(engine.exact) instead of the network")
    p.add_argument("--trajectory", help="also save the recorded trajectory (.npz) for scrubbing, export and "
                                        "branching")
    p.add_argument("--from-trajectory", help="branch from a trajectory (.npz) saved by 'sample --trajectory' "
                                             "instead of starting from noise (needs --from-step)")
    p.add_argument("--from-step", type=INT, help="the recorded sampler step to branch from: an integer in "
                                                 "[0, K-1] for a K-step trajectory (the final frame K is refused)")
    p.add_argument("--out", required=True, help=".png grid, .npy samples, or an animation of the reverse process "
                                                "(.gif, .webp, .apng, .mp4)")
    p.set_defaults(handler=run)


def _show_step(frame) -> None:
    if not frame.is_final and sys.stderr.isatty():
        sys.stderr.write(f"\rsampling step {frame.step + 1}/{frame.num_steps}")


def _exact_denoiser(trainer, run: str):
    """The exact denoiser of the run's training points: sampling with it reproduces them (memorization)."""
    from engine.exact import empirical_denoiser

    if trainer.dataset.kind != "points":
        raise UserError(f"--denoiser exact: needs a run trained on 2-D points; {run} was trained on images", code=2)
    return empirical_denoiser(trainer.dataset.x.detach().cpu(), trainer.schedule)


def _exact_frames(trainer, run: str):
    from engine.samplers import run_sampler

    sa = trainer.config.sampling
    return run_sampler(_exact_denoiser(trainer, run), trainer.schedule, trainer.sample_shape(sa.n),
                       sampler=sa.sampler, steps=sa.steps, eta=sa.eta, variance=sa.ddpm_variance,
                       spacing=sa.timestep_spacing, seed=sa.seed)


def _load_branch_source(args):
    """The trajectory of --from-trajectory, with --from-step checked against the steps it can branch from."""
    from engine.samplers import Trajectory
    from engine.samplers.branching import describe_steps

    if (args.from_trajectory is None) != (args.from_step is None):
        raise UserError("--from-trajectory and --from-step go together: give both or neither", code=2)
    try:
        traj = Trajectory.load(args.from_trajectory)
    except (KeyError, ValueError) as exc:
        raise UserError(f"--from-trajectory: {args.from_trajectory} is not a trajectory saved by 'sample "
                        f"--trajectory' ({exc})") from None
    allowed = traj.state_steps
    if args.from_step not in allowed:
        final = f"; {traj.num_steps} is the final frame, the finished sample" if args.from_step == traj.num_steps \
            else ""
        raise UserError(f"--from-step: must be in {describe_steps(allowed)} (the steps of {args.from_trajectory} "
                        f"with an exact state){final}; got {args.from_step}", code=2)
    return traj


def _branch_frames(trainer, args, traj):
    from engine.samplers import branch_from

    n = traj.sample_shape[0]
    if tuple(traj.sample_shape) != trainer.sample_shape(n):
        raise UserError(f"--from-trajectory: its samples have shape {traj.sample_shape} but {args.run} makes "
                        f"{trainer.sample_shape(n)}")
    if max(traj.timesteps) >= trainer.schedule.timesteps:
        raise UserError(f"--from-trajectory: it visits timestep {max(traj.timesteps)} but {args.run}'s schedule has "
                        f"{trainer.schedule.timesteps}")
    sa = trainer.config.sampling
    if args.denoiser == "exact":
        denoiser = _exact_denoiser(trainer, args.run)
    else:
        denoiser = trainer.sampling_denoiser(sa, n)
    return branch_from(traj, args.from_step, denoiser=denoiser, schedule=trainer.schedule, sampler=sa.sampler,
                       steps=sa.steps, eta=sa.eta, variance=sa.ddpm_variance,
                       clip_x0=sa.clip_x0 and trainer.dataset.kind == "images", spacing=sa.timestep_spacing,
                       seed=sa.seed, device=trainer.device)


def run(args) -> int:
    from engine.export import AnimationOptions, export_grid_png, export_reverse_animation, export_samples_npy
    from engine.samplers import record

    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in OUT_SUFFIXES:
        raise UserError(f"--out: unknown extension {suffix or '(none)'!r}; use .png, .npy, .gif, .webp, .apng "
                        "or .mp4", code=2)
    branch_source = None
    if args.from_trajectory is not None or args.from_step is not None:
        branch_source = _load_branch_source(args)
        if args.steps is None:  # follow the recorded run's timestep grid below the branch point
            args.steps = branch_source.num_steps
    trainer = sampling_trainer(args, use_ema=args.ema)
    check_writable(out.parent if str(out.parent) else Path("."))
    sa = trainer.config.sampling
    started = time.monotonic()
    if branch_source is not None:
        frames = _branch_frames(trainer, args, branch_source)
    else:
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
        from engine.guidance_study import class_grid_columns

        columns = class_grid_columns(sa, trainer.num_classes if trainer.conditional else 0)
        export_grid_png(samples, out, nrow=columns)  # a row per class, or per scale of a guidance sweep
    origin = f", branched from step {args.from_step} of {args.from_trajectory}" if branch_source is not None else ""
    sys.stderr.write(f"{len(samples)} samples ({sa.sampler}, {sa.steps} steps{origin}) in "
                     f"{time.monotonic() - started:.1f}s -> {out}\n")
    return 0
