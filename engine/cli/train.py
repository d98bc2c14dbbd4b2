"""``diffusion-lab train``: train a model headless and write a run folder (config.json, checkpoint, loss.csv,
quality.csv while ``--quality-every`` is above 0 and, with ``--timelapse-every``, timelapse.npz). Under torchrun it
trains data-parallel (see engine/distributed.py)."""
from __future__ import annotations

import io
import math
import signal
import sys
import time
from pathlib import Path

from engine.cli.common import INT, add_config_flags, apply_config_flags, check_writable
from engine.config import ExperimentConfig
from engine.errors import UserError


def add_parser(sub) -> None:
    p = sub.add_parser("train", help="train a model headless and write a run folder")
    add_config_flags(p, "train")  # --dataset ... --time-budget: one flag per config field, from its metadata
    p.add_argument("--config", help="an experiment JSON file; flags override its values")
    p.add_argument("--resume", action="store_true", help="continue from the checkpoint in --out")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--timelapse-every", type=INT, default=0, metavar="N",
                   help="capture a preview every N steps into RUN/timelapse.npz (for export --what timelapse)")
    p.add_argument("--out", required=True, help="run folder to write (config.json, checkpoint, loss.csv, quality.csv)")
    p.set_defaults(handler=run)


def _progress(out, step: int, total: int, loss: float, rate: float, elapsed: float) -> None:
    width = 28
    done = int(width * step / max(total, 1))
    eta = (total - step) / rate if rate > 0 else float("nan")
    eta_text = f"{eta:5.0f}s" if math.isfinite(eta) else "    ?"
    out.write(f"\r[{'#' * done}{'.' * (width - done)}] {step}/{total}  loss {loss:.4f}  {rate:6.1f} it/s  "
              f"{elapsed:5.0f}s elapsed  eta {eta_text} ")
    out.flush()


class _QualityLog:
    """engine.live_quality.LiveQuality for the CLI: the scores kept for quality.csv, problems as warnings on
    ``err`` (a failed score is retried after an interval; the run never ends because of one)."""

    def __init__(self, trainer, every: int, previous: list) -> None:
        from engine.live_quality import LiveQuality

        self.live = LiveQuality(trainer, every)
        self.scores = list(previous)

    def after_step(self, m, err):
        """The score made after this step, or None."""
        live = self.live
        live.observe(m.step_time)
        if not live.due(m.step):
            return None
        try:
            score = live.score(m.step)
        except Exception as exc:  # noqa: BLE001 - retried after an interval (the budget recorded the cost)
            err.write(f"\nwarning: quality score failed at step {m.step}: {type(exc).__name__}: {exc}\n")
            return None
        if live.off_reason is not None:  # said once: due() is False from now on
            err.write(f"\nwarning: live quality off: {live.off_reason}\n")
        if score is not None:
            self.scores.append(score)
        return score


def _previous_scores(path: Path, up_to: int, err) -> list:
    """A resumed run keeps the scores of its quality.csv up to the checkpoint's step."""
    from engine.quality import read_quality_csv

    if not path.exists():
        return []
    try:
        return [s for s in read_quality_csv(path) if s.step <= up_to]
    except UserError as exc:
        err.write(f"warning: {exc}; starting quality.csv over\n")
        return []


def _train_config(args) -> ExperimentConfig:
    from engine.presets import default_config

    if args.config:
        cfg = ExperimentConfig.load(args.config)
        if args.dataset:
            cfg.data.dataset = args.dataset
    else:
        cfg = default_config(args.dataset or "moons")
    apply_config_flags(cfg, args, "train")
    if cfg.sampling.steps > cfg.schedule.timesteps:
        cfg.sampling.steps = cfg.schedule.timesteps  # a short schedule: the preview/sample default follows it
    return cfg.validate()


def run(args) -> int:
    from engine.checkpoint import load_checkpoint, save_checkpoint, trainer_from_checkpoint
    from engine.distributed import DistributedContext, StopVote, distribute_trainer  # [distributed]
    from engine.session import Control, TrainingSession
    from engine.training import Trainer

    out_dir = Path(args.out)
    # [distributed] a no-op single-process context (no process group) unless torchrun started us with WORLD_SIZE > 1
    dctx = DistributedContext.from_env()
    if args.resume:
        ckpt = load_checkpoint(out_dir)
        cfg = ckpt.config
        if args.steps is not None:
            cfg.training.steps = args.steps
        if args.time_budget is not None:
            cfg.training.time_budget = args.time_budget
        if args.quality_every is not None:
            cfg.training.quality_every = args.quality_every
        cfg.validate()
        device = None if args.device in (None, "auto") else args.device
        if dctx.enabled:  # [distributed] the checkpoint is rank-agnostic: any number of ranks can resume it
            device = dctx.init(device or cfg.training.device).device
        trainer = trainer_from_checkpoint(ckpt, config=cfg, device=device)
    else:
        cfg = _train_config(args)
        trainer = Trainer(cfg, device=dctx.init(cfg.training.device).device)  # [distributed] device None: as before
    trainer = distribute_trainer(trainer, dctx)  # [distributed] DDP, per-rank shard and seed; identity in 1 process
    check_writable(out_dir)
    if args.timelapse_every < 0:
        raise UserError(f"--timelapse-every: must be >= 0 (0 = off), got {args.timelapse_every}", code=2)
    err = sys.stderr if dctx.is_main else io.StringIO()  # [distributed] only rank 0 prints
    for warning in trainer.dataset.warnings[:20]:
        err.write(f"warning: {warning}\n")
    if len(trainer.dataset.warnings) > 20:
        err.write(f"warning: ... and {len(trainer.dataset.warnings) - 20} more skipped items\n")
    from engine.models import count_parameters

    err.write(f"training {cfg.model.preset} model ({count_parameters(trainer.model):,} parameters) on "
              f"{trainer.dataset.name} ({len(trainer.dataset)} items) with {trainer.device_name}\n")
    if dctx.enabled:  # [distributed]
        err.write(f"{dctx.world_size} processes ({dctx.backend}): batch {cfg.training.batch_size} per rank, "
                  f"{cfg.training.batch_size * dctx.world_size} per step; loss averaged over ranks\n")
    control = Control()
    started = time.monotonic()
    state = {"last": 0.0, "loss": float("nan")}
    show = not args.quiet and dctx.is_main  # [distributed]
    # [distributed] every rank stops after the same step (Ctrl+C/SIGTERM forwarded by torchrun, or the time budget)
    vote = StopVote(dctx, control, time_budget=cfg.training.time_budget) if dctx.enabled else None

    quality = None
    if cfg.training.quality_every > 0 and dctx.is_main:  # [distributed] only rank 0 scores (samples are rank-local)
        from engine.quality import QUALITY_CSV

        previous = _previous_scores(out_dir / QUALITY_CSV, trainer.step_count, err) if args.resume else []
        quality = _QualityLog(trainer, cfg.training.quality_every, previous)

    def on_metrics(m) -> None:
        if vote is not None:  # [distributed]
            vote.after_step(m.step)
        if quality is not None:
            score = quality.after_step(m, err)
            if score is not None and show:
                err.write(f"\r{score.summary():<110}\n")  # over the progress bar, which redraws below
        state["loss"] = m.loss if math.isnan(state["loss"]) else 0.95 * state["loss"] + 0.05 * m.loss
        now = time.monotonic()
        if show and (now - state["last"] > 0.2 or m.step == cfg.training.steps):
            state["last"] = now
            elapsed = now - started
            _progress(err, m.step, cfg.training.steps, state["loss"], m.step / elapsed if elapsed else 0.0, elapsed)

    previous = signal.getsignal(signal.SIGINT)
    interrupted = {"flag": False}

    def on_sigint(signum, frame) -> None:  # first Ctrl+C: stop after this step and save; second: default
        interrupted["flag"] = True
        if vote is not None:  # [distributed] stop at the ranks' next vote, all together
            vote.request()
            return
        control.stop()
        signal.signal(signal.SIGINT, previous if callable(previous) else signal.default_int_handler)

    previous_term = signal.getsignal(signal.SIGTERM) if hasattr(signal, "SIGTERM") else None
    signal.signal(signal.SIGINT, on_sigint)
    if hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, on_sigint)
    timelapse = None
    if args.timelapse_every and dctx.is_main:  # [distributed] only rank 0 records (previews are rank-local)
        from engine.export import TIMELAPSE_NAME, TimelapseRecorder

        existing = out_dir / TIMELAPSE_NAME
        timelapse = TimelapseRecorder.load(existing) if args.resume and existing.exists() else TimelapseRecorder()
        if trainer.step_count == 0:
            timelapse.add(0, trainer.preview())  # the untrained model: the clip starts from noise
    try:
        result = TrainingSession(trainer, control).run(on_metrics, timelapse.add if timelapse else None,
                                                       preview_every=args.timelapse_every,
                                                       time_budget=0.0 if vote is not None else None)
    finally:
        signal.signal(signal.SIGINT, previous)
        if previous_term is not None:  # an in-process caller (tests, the GUI) gets its SIGTERM handler back
            signal.signal(signal.SIGTERM, previous_term)
    if show:
        err.write("\n")
    if vote is not None:  # [distributed] the agreed reason, the same on every rank
        result = vote.final_result(result)
        interrupted["flag"] = result.reason == "stopped"
    path = save_checkpoint(trainer, out_dir) if dctx.is_main else out_dir  # [distributed] only rank 0 writes
    if result.reason != "oom":  # [distributed] (an OOM is rank-local: just exit, torchrun stops the others)
        dctx.barrier()
        dctx.destroy()
    if quality is not None and quality.scores:  # a run shorter than one interval scored nothing: no empty file
        from engine.quality import QUALITY_CSV, write_quality_csv

        write_quality_csv(out_dir / QUALITY_CSV, quality.scores)
        if quality.scores:
            err.write(f"quality: {quality.scores[-1].summary()} ({len(quality.scores)} scores in "
                      f"{out_dir / QUALITY_CSV})\n")
    if timelapse is not None and len(timelapse):
        err.write(f"time-lapse of {len(timelapse)} previews saved to {timelapse.save(out_dir / TIMELAPSE_NAME)}\n")
    if interrupted["flag"]:
        err.write(f"interrupted at step {trainer.step_count}; checkpoint saved to {path}\n")
        return 0
    err.write(f"{result.message}; checkpoint saved to {path}\n")
    if result.reason in ("diverged", "oom"):
        err.write(f"error: {result.message}\n")
        return 3
    return 0
