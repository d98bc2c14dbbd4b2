"""``diffusion-lab forward``: a PNG strip of the forward (noising) process of one data item (or the whole 2-D set)
at chosen paper timesteps t (0 = clean .. T), drawn by :func:`engine.export.export_strip_png` exactly like
``export --what strip --source forward``."""
from __future__ import annotations

import sys

from engine.cli.common import FLOAT, INT
from engine.config import SCHEDULE_KINDS
from engine.errors import UserError

POINTS_SHOWN = 2000  # points of a 2-D set drawn in each panel (export --what forward / strip use it too)


def add_parser(sub) -> None:
    p = sub.add_parser("forward", help="a PNG strip of the forward (noising) process at chosen t")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--dataset")
    src.add_argument("--image")
    p.add_argument("--t", type=INT, nargs="+", help="paper timesteps (0 = clean .. T); default: 8 evenly spaced")
    p.add_argument("--index", type=INT, default=0, help="which item of the dataset")
    p.add_argument("--schedule", choices=SCHEDULE_KINDS, default="linear")
    p.add_argument("--timesteps", type=INT, default=1000)
    p.add_argument("--beta-start", type=FLOAT, default=1e-4)
    p.add_argument("--beta-end", type=FLOAT, default=0.02)
    p.add_argument("--image-size", type=INT, default=0)
    p.add_argument("--seed", type=INT, default=0)
    p.add_argument("--scale", type=INT, default=0, help="nearest-neighbour upscale factor (0 = automatic)")
    p.add_argument("--out", required=True)
    p.set_defaults(handler=run)


def run(args) -> int:
    import numpy as np

    from engine.config import DataConfig, is_point_dataset
    from engine.data import load_dataset
    from engine.export import export_strip_png
    from engine.schedules import NoiseSchedule

    sched = NoiseSchedule(args.schedule, args.timesteps, args.beta_start, args.beta_end)
    if args.image_size and not 4 <= args.image_size <= 256:
        raise UserError(f"--image-size: must be an integer in [4, 256] or 0 (native), got {args.image_size}", code=2)
    if not 0 <= args.scale <= 32:
        raise UserError(f"--scale: must be an integer in [0, 32] (0 = automatic), got {args.scale}", code=2)
    if not 0 <= args.seed < 2**63:
        raise UserError(f"--seed: must be an integer in [0, 9.22337e+18], got {args.seed}", code=2)
    if args.index < 0:
        raise UserError(f"--index: must be an integer >= 0, got {args.index}", code=2)
    T = sched.timesteps
    ts = args.t if args.t else [int(round(v)) for v in np.linspace(0, T, 8)]
    bad = [t for t in ts if not 0 <= t <= T]
    if bad:
        raise UserError(f"--t: values must be in [0, {T}] (0 = clean image), got {bad[0]}", code=2)
    source = args.image or args.dataset
    dataset = load_dataset(DataConfig(dataset=source, image_size=args.image_size), seed=args.seed)
    if dataset.kind == "points" or is_point_dataset(source):
        x0 = dataset.x[:POINTS_SHOWN]
    else:
        if not 0 <= args.index < len(dataset):
            raise UserError(f"--index: must be in [0, {len(dataset) - 1}], got {args.index}", code=2)
        x0 = dataset.x[args.index:args.index + 1]
    export_strip_png(args.out, x0=x0, schedule=sched, seed=args.seed, ts=ts, scale=args.scale)
    sys.stderr.write(f"forward process at t = {', '.join(map(str, ts))} -> {args.out}\n")
    return 0
