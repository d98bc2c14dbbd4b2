"""``diffusion-lab bound``: the DDPM variational bound (Ho et al. 2020, Eq. 5) of a trained run, term by term.

Prints the total in bits per dimension and writes the per-t terms as CSV (engine/bound_report.py: the same numbers
as the window's "Compute bound" for the same run and seed)."""
from __future__ import annotations

import sys
from pathlib import Path

from engine.cli.common import INT, check_writable, terminal_progress
from engine.config import DEVICES
from engine.errors import UserError


def add_parser(sub) -> None:
    from engine.bound_report import CSV_NAME, DEFAULT_N, DEFAULT_SEED

    p = sub.add_parser("bound", help="the variational bound of a trained run in bits/dim, per-t terms as CSV")
    p.add_argument("--run", required=True, help="a run folder or checkpoint file")
    p.add_argument("--n", type=INT, default=DEFAULT_N,
                   help=f"training items to average over (default {DEFAULT_N})")
    p.add_argument("--seed", type=INT, default=DEFAULT_SEED, help=f"picks the items and the noise (default "
                                                                   f"{DEFAULT_SEED})")
    p.add_argument("--timesteps", type=INT, default=None,
                   help="evaluate only this many evenly spaced KL terms (a cheaper estimate; default: all T)")
    p.add_argument("--no-ema", dest="ema", action="store_false", help="use the raw weights, not the EMA ones")
    p.add_argument("--device", choices=DEVICES, default="auto")
    p.add_argument("--out", help=f"the per-t CSV to write (default RUN/{CSV_NAME} for a run folder)")
    p.set_defaults(handler=run)


def run(args) -> int:
    from engine.atomic import atomic_write_text
    from engine.bound_report import CSV_NAME, bound_csv, bound_summary, model_bound
    from engine.checkpoint import load_checkpoint, trainer_from_checkpoint

    if args.n < 1:
        raise UserError(f"--n: must be an integer >= 1, got {args.n}", code=2)
    if args.timesteps is not None and args.timesteps < 1:
        raise UserError(f"--timesteps: must be an integer >= 1, got {args.timesteps}", code=2)
    run_path = Path(args.run)
    out = Path(args.out) if args.out else (run_path if run_path.is_dir() else run_path.parent) / CSV_NAME
    check_writable(out.parent if str(out.parent) else Path("."))
    ckpt = load_checkpoint(args.run)
    trainer = trainer_from_checkpoint(ckpt, device=None if args.device == "auto" else args.device)
    result = model_bound(trainer, n=args.n, seed=args.seed, timesteps=args.timesteps, use_ema=args.ema,
                         on_progress=terminal_progress("bound"))
    atomic_write_text(out, bound_csv(result))
    sys.stdout.write(f"{result.total_bits_per_dim:.6f} bits/dim\n")
    sys.stderr.write(f"{bound_summary(result)}; per-t terms -> {out}\n")
    return 0
