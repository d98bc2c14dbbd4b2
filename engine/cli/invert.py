"""``diffusion-lab invert``: DDIM inversion round trip of a trained run (engine.samplers.inversion).

Takes data to the latent x_T with DDIM's deterministic update run backwards over K steps, then back with DDIM
eta = 0, and writes x0, the latent, the reconstruction and its errors to one ``.npz``. ``--error-vs-steps 5,10,20``
repeats the round trip for each K and prints the RMSE table with the fitted order (the error shrinks about as 1/K).

The input is the run's own training data by default (the first ``--n`` items from ``--index``), or ``--input``:
for a 2-D run a points file (``.csv`` / ``.txt`` / ``.npy`` of shape (N, 2)) taken as is, in the run's
standardized space (``sample --out x.npy`` writes that space); for an image run an image, a folder or an ``.npy``
array, resized to the run's image size and channels.
"""
from __future__ import annotations

import sys
from pathlib import Path

from engine.cli.common import INT, check_writable
from engine.config import DEVICES
from engine.errors import UserError

DEFAULT_N = {"images": 8, "points": 500}


def add_parser(sub) -> None:
    p = sub.add_parser("invert", help="DDIM inversion round trip: data -> x_T -> data, with its error (.npz)")
    p.add_argument("--run", required=True, help="a run folder or checkpoint file")
    p.add_argument("--steps", type=INT, help="K, the DDIM steps each way (default: the run's sampling steps)")
    p.add_argument("--reconstruct-steps", type=INT,
                   help="steps of the way back, to see a mismatch (default: the same K)")
    p.add_argument("--input", help="data to invert: points (.csv, .txt, .npy of shape (N, 2)) for a 2-D run, an "
                                   "image, folder or .npy array for an image run (default: the run's training data)")
    p.add_argument("--n", type=INT, help="how many items to invert (default 8 images or 500 points)")
    p.add_argument("--index", type=INT, default=0, help="the first item of the data to invert (default 0)")
    p.add_argument("--error-vs-steps", metavar="K1,K2,...",
                   help="also run the round trip for each K and print the error table, e.g. 5,10,20,50")
    p.add_argument("--no-ema", dest="ema", action="store_false", help="use the raw weights, not the EMA ones")
    p.add_argument("--device", choices=DEVICES, default="auto")
    p.add_argument("--out", help="the .npz to write (x0, latent, reconstruction, errors)")
    p.set_defaults(handler=run)


def _input_data(trainer, args):
    """The x0 to invert, a float32 tensor shaped like the run's samples."""
    import dataclasses

    import torch

    kind = trainer.dataset.kind
    if args.input is None:
        data, source = trainer.dataset.x, f"{trainer.config.data.dataset} training data"
    elif kind == "points":
        from engine.data.toy2d import read_points

        data, source = torch.from_numpy(read_points(Path(args.input))).float(), args.input
    else:
        from engine.data import load_dataset

        cfg = dataclasses.replace(trainer.config.data, dataset=args.input, max_items=0,
                                  image_size=trainer.dataset.image_size, channels=trainer.dataset.channels)
        loaded = load_dataset(cfg)
        if loaded.kind != "images":
            raise UserError(f"--input: {args.input} holds 2-D points but {args.run} was trained on images", code=2)
        data, source = loaded.x, args.input
    if tuple(data.shape[1:]) != tuple(trainer.dataset.x.shape[1:]):
        raise UserError(f"--input: its items have shape {tuple(data.shape[1:])} but {args.run} makes "
                        f"{tuple(trainer.dataset.x.shape[1:])}", code=2)
    n = DEFAULT_N[kind] if args.n is None else args.n
    if n < 1:
        raise UserError(f"--n: must be an integer >= 1, got {n}", code=2)
    if not 0 <= args.index < len(data):
        raise UserError(f"--index: must be in [0, {len(data) - 1}] ({source} has {len(data)} items), got "
                        f"{args.index}", code=2)
    return data[args.index:args.index + n].float(), source


def run(args) -> int:
    import numpy as np

    from engine.atomic import atomic_path
    from engine.checkpoint import load_checkpoint, trainer_from_checkpoint
    from engine.samplers.inversion import (
        as_numpy,
        error_vs_steps,
        parse_steps_list,
        round_trip,
        steps_table,
    )

    if args.out is None and args.error_vs_steps is None:
        raise UserError("invert: give --out roundtrip.npz, --error-vs-steps K1,K2,... or both", code=2)
    out = Path(args.out) if args.out is not None else None
    if out is not None and out.suffix.lower() != ".npz":
        raise UserError(f"--out: the round trip is written as .npz, got {out.name!r}", code=2)
    trainer = trainer_from_checkpoint(load_checkpoint(args.run), device=None if args.device == "auto" else args.device)
    T = trainer.schedule.timesteps
    ks = parse_steps_list(args.error_vs_steps, T) if args.error_vs_steps is not None else None
    steps = trainer.config.sampling.steps if args.steps is None else args.steps
    for flag, value in (("--steps", steps), ("--reconstruct-steps", args.reconstruct_steps)):
        if value is not None and not 1 <= value <= T:
            raise UserError(f"{flag}: must be an integer in [1, {T}] (this run has T = {T}), got {value}", code=2)
    x0, source = _input_data(trainer, args)
    if out is not None:
        check_writable(out.parent if str(out.parent) else Path("."))
    denoiser = trainer.denoiser(use_ema=args.ema)
    spacing = trainer.config.sampling.timestep_spacing
    x0 = x0.to(trainer.device)
    trip = round_trip(denoiser, trainer.schedule, x0, steps, reconstruct_steps=args.reconstruct_steps,
                      spacing=spacing)
    study = error_vs_steps(denoiser, trainer.schedule, x0, ks, spacing=spacing) if ks else None
    if out is not None:
        arrays = dict(x0=as_numpy(trip.x0), latent=as_numpy(trip.latent), reconstruction=as_numpy(trip.reconstruction),
                      pixel_error=as_numpy(trip.pixel_error), sample_error=trip.sample_error.cpu().numpy(),
                      rmse=np.float64(trip.rmse), steps=np.int64(trip.steps),
                      reconstruct_steps=np.int64(trip.reconstruct_steps),
                      t=np.asarray(trip.timesteps, dtype=np.int64) + 1, timesteps=np.int64(T), kind=np.str_(
                          trainer.dataset.kind), t_convention=np.str_("paper t = 1..T, ascending: the inversion's "
                                                                      "path from the data to x_T"))
        if study is not None:
            arrays.update(study_steps=np.asarray([r.steps for r in study.rows], dtype=np.int64),
                          study_rmse=np.asarray([r.rmse for r in study.rows]),
                          study_worst=np.asarray([r.max_sample for r in study.rows]),
                          study_order=np.float64(study.order))
        with atomic_path(out) as tmp:
            with open(tmp, "wb") as fh:
                np.savez(fh, **arrays)
    if study is not None:
        print(steps_table(study))
    back = f", {trip.reconstruct_steps} back" if trip.reconstruct_steps != trip.steps else ""
    where = f" -> {out}" if out is not None else ""
    sys.stderr.write(f"inverted {len(x0)} items of {source} over {trip.steps} DDIM steps{back}: round-trip RMSE "
                     f"{trip.rmse:.3e} (worst item {float(trip.sample_error.max()):.3e}){where}\n")
    return 0
