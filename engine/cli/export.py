"""``diffusion-lab export``: animations, figures and data from a run folder or a saved trajectory, each written by
the engine.export function the window's Export dialog uses."""
from __future__ import annotations

import sys
from pathlib import Path

from engine.cli.common import FLOAT, INT, add_config_flags, sampling_trainer, terminal_progress
from engine.cli.forward import POINTS_SHOWN
from engine.config import DEVICES
from engine.export import (
    SELECT_MODES,
    VIEWS,
    WHATS,
    AnimationOptions,
    ExportError,
    animation_format,
    check_target,
    export_forward_animation,
    export_grid_png,
    export_loss_csv,
    export_loss_plot,
    export_reverse_animation,
    export_samples_npy,
    export_strip_png,
    export_timelapse,
    load_timelapse,
    record_trajectory,
)


def add_parser(sub) -> None:
    p = sub.add_parser(
        "export", help="export animations, figures and data from a run (GIF, WebP, APNG, MP4, PNG, SVG, CSV, NPY)",
        description="Export from a run folder. Animations: --what reverse (sample and animate the denoising, or "
                    "--trajectory FILE.npz), forward (noising of a data item / the 2-D set), timelapse (previews "
                    "recorded with train --timelapse-every N). Stills and data: grid (.png or .npy samples), strip "
                    "(.png of the process at chosen t), loss (.csv, .png or .svg). The output format follows the "
                    "extension of --out; MP4 needs pip install \"diffusion-lab[mp4]\".")
    p.add_argument("--run", help="a run folder or checkpoint file (written by diffusion-lab train)")
    p.add_argument("--what", required=True, choices=WHATS)
    p.add_argument("--out", required=True, help="output file: .gif .webp .apng .png .mp4 | .png .npy | .csv .svg")
    a = p.add_argument_group("animation")
    a.add_argument("--fps", type=FLOAT, default=20.0, help="frames per second (default 20)")
    a.add_argument("--duration", type=FLOAT, help="total seconds of the moving part (overrides --fps)")
    a.add_argument("--frames", dest="select", choices=SELECT_MODES, default="all",
                   help="which frames: all, every_k (every --every-th) or end_dense (denser where it changes fast)")
    a.add_argument("--every", dest="k", type=INT, default=1, help="k for --frames every_k / end_dense")
    a.add_argument("--max-frames", type=INT, default=300, help="thin to at most this many frames (0 = no limit)")
    a.add_argument("--hold", type=FLOAT, default=1.0, help="seconds to hold the final frame (default 1)")
    a.add_argument("--scale", type=INT, default=0, help="nearest-neighbour upscale factor (0 = automatic)")
    a.add_argument("--caption", dest="caption", action="store_true", default=False, help="caption with t / step")
    a.add_argument("--no-caption", dest="caption", action="store_false")
    a.add_argument("--padding", type=INT, default=2, help="grid padding in pixels")
    a.add_argument("--background", default="white", help="padding / plot colour: a name, #rrggbb or r,g,b")
    a.add_argument("--view", choices=VIEWS, default="x_t", help="reverse: x_t, x0_pred or both side by side")
    a.add_argument("--sample", type=INT, help="show only this sample (default: the whole grid)")
    a.add_argument("--nrow", type=INT, help="images per grid row")
    a.add_argument("--quality", type=INT, help="WebP 1-100 lossy (default lossless); MP4 1-10 (default 8)")
    a.add_argument("--trails", type=INT, default=0, help="2-D: draw the paths of this many points")
    a.add_argument("--plot-size", type=INT, help="2-D: picture size in pixels (default 384; grid 512)")
    a.add_argument("--extent", type=FLOAT, default=4.0, help="2-D: the view shows [-extent, extent]^2 (default 4)")
    s = p.add_argument_group("sampling (reverse, grid, strip)")
    s.add_argument("--trajectory", help="a recorded trajectory (.npz from sample --trajectory) instead of sampling")
    # forward: --n images / points; reverse, grid and strip: the class and guidance of sample
    add_config_flags(s, "export", only=("sampler", "steps", "eta", "n", "seed", "guidance_scale", "class_label",
                                        "negative_class", "guidance_sweep"))
    s.add_argument("--device", choices=DEVICES, default="auto")
    f = p.add_argument_group("forward and strip")
    f.add_argument("--source", choices=("reverse", "forward"), default="reverse", help="strip: which process")
    f.add_argument("--index", type=INT, default=0, help="forward: first data item shown")
    f.add_argument("--t", type=INT, nargs="+", help="strip: paper timesteps (0 = clean); default 8 values")
    f.add_argument("--width", type=INT, default=800, help="loss plot width")
    f.add_argument("--height", type=INT, default=450, help="loss plot height")
    p.set_defaults(handler=run)


_OUT_EXTENSIONS = {"grid": [".png", ".npy"], "strip": [".png"], "loss": [".csv", ".png", ".svg"]}


def _options_from_args(args) -> AnimationOptions:
    return AnimationOptions(fps=args.fps, duration=args.duration, select=args.select, k=args.k,
                            max_frames=args.max_frames, hold_final_s=args.hold, scale=args.scale,
                            caption=args.caption, padding=args.padding, background=args.background, view=args.view,
                            sample=args.sample, nrow=args.nrow, quality=args.quality, trails=args.trails,
                            plot_size=args.plot_size or 384, extent=args.extent).validate()


def _trajectory(args):
    from engine.samplers import Trajectory

    if args.trajectory:
        try:
            return Trajectory.load(args.trajectory)
        except (OSError, ValueError, KeyError) as exc:
            raise ExportError(f"--trajectory: cannot read {args.trajectory} ({exc})") from None
    if not args.run:
        raise ExportError("--run: give the run folder (or checkpoint) to export from", code=2)
    trainer = sampling_trainer(args)
    sa = trainer.config.sampling
    return record_trajectory(trainer, sa, progress=terminal_progress(f"sampling ({sa.sampler}, {sa.steps} steps)"))


def run(args) -> int:
    out = Path(args.out)
    what = args.what
    if what in ("reverse", "forward", "timelapse"):
        animation_format(out)
        check_target(out)
    else:
        check_target(out, _OUT_EXTENSIONS[what])
    opts = _options_from_args(args)
    progress = terminal_progress(f"exporting {out.name}")
    if what == "reverse":
        result = export_reverse_animation(_trajectory(args), out, opts, progress=progress)
    elif what == "timelapse":
        if not args.run:
            raise ExportError("--run: give the run folder that holds timelapse.npz", code=2)
        frames, steps = load_timelapse(args.run)
        result = export_timelapse(frames, steps, out, opts, progress=progress)
    elif what == "forward":
        x0, schedule = _forward_data(args)
        result = export_forward_animation(x0, schedule, out, opts, seed=args.seed or 0, progress=progress)
    elif what == "grid":
        traj = _trajectory(args)
        samples = traj.final if traj.final is not None else traj.frame(len(traj) - 1).x_t
        if out.suffix.lower() == ".npy":
            result = export_samples_npy(samples, out)
        else:
            result = export_grid_png(samples, out, nrow=args.nrow, padding=args.padding,
                                     background=opts.background, scale=args.scale,
                                     plot_size=args.plot_size or 512, extent=args.extent)
    elif what == "strip":
        look = dict(ts=args.t, nrow=args.nrow, padding=args.padding, background=opts.background, scale=args.scale,
                    plot_size=args.plot_size or 256, extent=args.extent)
        if args.source == "forward":
            x0, schedule = _forward_data(args)
            result = export_strip_png(out, x0=x0, schedule=schedule, seed=args.seed or 0, sample=args.sample,
                                      **look)
        else:
            traj = _trajectory(args)
            view = "x_t" if args.view == "both" else args.view
            result = export_strip_png(out, trajectory=traj, view=view,
                                      sample=args.sample if args.sample is not None else 0, **look)
    else:  # loss
        from engine.checkpoint import load_checkpoint

        if not args.run:
            raise ExportError("--run: give the run folder whose loss to export", code=2)
        history = load_checkpoint(args.run).history
        if out.suffix.lower() == ".csv":
            result = export_loss_csv(history, out)
        else:
            result = export_loss_plot(history, out, args.width, args.height, opts.background)
    sys.stderr.write(f"wrote {result.summary()}\n")
    return 0


def _forward_data(args):
    """x0 for forward exports from the run's data: ``--n`` items from ``--index`` (default one image, or the points
    ``diffusion-lab forward`` shows)."""
    from engine.checkpoint import load_checkpoint
    from engine.data import load_dataset
    from engine.schedules import NoiseSchedule

    if not args.run:
        raise ExportError("--run: give the run folder whose data and schedule to use", code=2)
    cfg = load_checkpoint(args.run).config
    dataset = load_dataset(cfg.data, seed=cfg.training.seed)
    schedule = NoiseSchedule.from_config(cfg.schedule)
    n = args.n or (POINTS_SHOWN if dataset.kind == "points" else 1)
    if dataset.kind == "points":
        return dataset.x[:n], schedule
    if not 0 <= args.index < len(dataset):
        raise ExportError(f"--index: must be in [0, {len(dataset) - 1}], got {args.index}", code=2)
    return dataset.x[args.index:args.index + n], schedule
