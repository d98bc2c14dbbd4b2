"""``diffusion-lab field``: the learned and the exact denoiser of a 2-D run on a grid of x_t positions at one
timestep, as one .npz (the numbers behind the window's field view; see :mod:`engine.exact`)."""
from __future__ import annotations

import sys
from pathlib import Path

from engine.cli.common import FLOAT, INT, check_writable
from engine.config import DEVICES
from engine.errors import UserError


def add_parser(sub) -> None:
    p = sub.add_parser("field", help="learned vs exact denoiser of a 2-D run on a grid at one timestep (.npz)")
    p.add_argument("--run", required=True, help="a run folder or checkpoint file trained on 2-D points")
    p.add_argument("--t", type=INT, required=True, help="the paper's timestep, 1..T")
    p.add_argument("--grid", type=INT, default=32, help="grid points per axis (2..512, default 32)")
    p.add_argument("--extent", type=FLOAT, default=3.0, help="the grid covers [-extent, extent]^2 (default 3)")
    p.add_argument("--no-ema", dest="ema", action="store_false", help="use the raw weights, not the EMA ones")
    p.add_argument("--device", choices=DEVICES, default="auto")
    p.add_argument("--out", required=True, help="the .npz to write")
    p.set_defaults(handler=run)


def run(args) -> int:
    from engine.checkpoint import load_checkpoint, trainer_from_checkpoint
    from engine.export.field import compute_field, write_field_npz

    out = Path(args.out)
    if out.suffix.lower() != ".npz":
        raise UserError(f"--out: the field is written as .npz, got {out.name!r}", code=2)
    if not 2 <= args.grid <= 512:
        raise UserError(f"--grid: must be an integer in [2, 512], got {args.grid}", code=2)
    if not 0 < args.extent <= 100:
        raise UserError(f"--extent: must be a number in (0, 100], got {args.extent}", code=2)
    ckpt = load_checkpoint(args.run)
    trainer = trainer_from_checkpoint(ckpt, device=None if args.device == "auto" else args.device)
    T = trainer.schedule.timesteps
    if not 1 <= args.t <= T:
        raise UserError(f"--t: must be an integer in [1, {T}] (the paper's t; this run has T = {T}), got {args.t}",
                        code=2)
    if trainer.dataset.kind != "points":
        raise UserError(f"--run: the field needs a run trained on 2-D points; {args.run} was trained on images")
    check_writable(out.parent if str(out.parent) else Path("."))
    # the same arrays and the same writer as the window's 2-D lab export (engine/export/field.py)
    field = compute_field(trainer, args.t, args.grid, args.extent, use_ema=args.ema)
    write_field_npz(field, out)
    sys.stderr.write(f"field at t = {args.t}/{T} on a {args.grid}x{args.grid} grid: mean |learned - exact| x0 = "
                     f"{field.error().mean():.4f} -> {out}\n")
    return 0
