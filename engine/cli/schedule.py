"""``diffusion-lab schedule``: write a noise schedule as CSV, one row per paper timestep t = 1..T (the same table
the window's schedule view exports: :func:`engine.export.schedule_csv`)."""
from __future__ import annotations

import sys

from engine.cli.common import FLOAT, INT
from engine.config import SCHEDULE_KINDS


def add_parser(sub) -> None:
    p = sub.add_parser("schedule", help="write a noise schedule as CSV (t = 1..T, beta, alpha_bar, sqrt_alpha_bar, "
                                        "sqrt_one_minus_alpha_bar, snr, log_snr)")
    p.add_argument("--schedule", choices=SCHEDULE_KINDS, required=True)
    p.add_argument("--timesteps", type=INT, default=1000)
    p.add_argument("--beta-start", type=FLOAT, default=1e-4)
    p.add_argument("--beta-end", type=FLOAT, default=0.02)
    p.add_argument("--zero-terminal-snr", action="store_true")
    p.add_argument("--out", required=True)
    p.set_defaults(handler=run)


def run(args) -> int:
    from engine.atomic import atomic_write_text
    from engine.export import schedule_csv
    from engine.schedules import NoiseSchedule

    sched = NoiseSchedule(args.schedule, args.timesteps, args.beta_start, args.beta_end,
                          zero_terminal_snr=args.zero_terminal_snr)
    atomic_write_text(args.out, schedule_csv(sched))
    sys.stderr.write(f"wrote {sched.timesteps} rows (t = 1..{sched.timesteps}) of {sched!r} -> {args.out}\n")
    return 0
