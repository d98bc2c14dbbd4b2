"""Multi-process training with PyTorch's own distributed runtime (``torchrun``): DistributedDataParallel over NCCL on
CUDA or gloo on the CPU.

    torchrun --nproc_per_node=N -m engine.cli train --config exp.json --out RUN_DIR

Nothing here costs a single-process run anything: :meth:`DistributedContext.from_env` returns a no-op context unless
torchrun's ``RANK`` / ``WORLD_SIZE`` / ``LOCAL_RANK`` are set with ``WORLD_SIZE > 1``, and then no process group is
created, :func:`distribute_trainer` returns the trainer untouched and ``torch.distributed`` is never imported.

What a distributed run does (see :func:`distribute_trainer`):

* every rank builds the same Trainer (same config, same seed, hence the same initial weights, which DDP's constructor
  also broadcasts from rank 0), then ``trainer.forward_model`` becomes a ``DistributedDataParallel`` wrapper of
  ``trainer.model``. The optimizer, the EMA and the checkpoint keep using the unwrapped module, so a checkpoint's
  state_dict keys are exactly those of a single-process checkpoint and it opens anywhere (window, ``sample``, a
  resume with any number of ranks).
* each rank sees its own shard of the data: the indices ``torch.utils.data.DistributedSampler(range(N),
  num_replicas=world_size, rank=rank, shuffle=True, seed=training.seed, drop_last=False)`` yields at epoch 0 (a fixed
  shuffled split of ceil(N / world_size) items per rank, padded by repeating items as DistributedSampler does).
  Within its shard a rank draws batches i.i.d. with replacement, like the single-process trainer does over the whole
  set, so the union of the ranks' batches is a stratified sample of the data.
* each rank's batch / timestep / noise generator is seeded ``training.seed + 1 + 1000 * rank`` (rank 0 draws exactly
  what a single process would), and ranks > 0 also reseed torch's global RNG (dropout) with ``seed + 1000 * rank``:
  the ranks draw different randomness, and a run is reproducible for a given world size.
* gradients are averaged by DDP during backward, so the weights stay identical on every rank; the reported loss is
  the mean over ranks (an all-reduce before the NaN check, so every rank agrees on a divergence), which makes rank 0's
  loss history the global average. Only rank 0 writes the checkpoint, config.json and loss.csv (engine/cli/train.py).
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch

from engine.errors import TrainingStopped

if TYPE_CHECKING:  # pragma: no cover
    from engine.session import Control, RunResult
    from engine.training import Trainer

ENV_VARS = ("RANK", "WORLD_SIZE", "LOCAL_RANK")
STOP_SYNC_EVERY = 10  # steps between the ranks' stop votes (Ctrl+C / SIGTERM / time budget)
RANK_SEED_STRIDE = 1000


def rank_seed(seed: int, rank: int) -> int:
    """The seed of a rank's batch generator; rank 0's equals the single-process trainer's (``seed + 1``)."""
    return seed + 1 + RANK_SEED_STRIDE * rank


def shard_indices(n: int, rank: int, world_size: int, seed: int) -> torch.Tensor:
    """The dataset items ``rank`` trains on: exactly what ``DistributedSampler(range(n), num_replicas=world_size,
    rank=rank, shuffle=True, seed=seed, drop_last=False)`` yields at epoch 0 (int64 tensor of ceil(n / world_size))."""
    from torch.utils.data import DistributedSampler

    sampler = DistributedSampler(range(n), num_replicas=world_size, rank=rank, shuffle=True, seed=seed,
                                 drop_last=False)
    return torch.tensor(list(sampler), dtype=torch.long)


@dataclass
class DistributedContext:
    """Where this process stands in a torchrun job. The default (``world_size == 1``) is a no-op context."""

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    device: torch.device | None = None  # set by init(); None in a single process (the Trainer picks as always)
    backend: str | None = None  # "nccl" or "gloo" once initialized

    @property
    def enabled(self) -> bool:
        return self.world_size > 1

    @property
    def is_main(self) -> bool:
        return self.rank == 0

    @property
    def initialized(self) -> bool:
        if not self.enabled:
            return False
        import torch.distributed as dist

        return dist.is_available() and dist.is_initialized()

    @classmethod
    def from_env(cls, environ: dict | None = None) -> DistributedContext:
        """The context torchrun describes through RANK / WORLD_SIZE / LOCAL_RANK, or a single-process one when they
        are absent or ``WORLD_SIZE <= 1`` (then no process group is ever created)."""
        env = os.environ if environ is None else environ
        if "WORLD_SIZE" not in env or "RANK" not in env:
            return cls()
        try:
            world_size = int(env["WORLD_SIZE"])
            rank = int(env["RANK"])
            local_rank = int(env.get("LOCAL_RANK", rank))
        except ValueError:
            raise TrainingStopped("cannot start distributed training: RANK / WORLD_SIZE / LOCAL_RANK must be "
                                  f"integers, got {', '.join(f'{k}={env.get(k)!r}' for k in ENV_VARS)}") from None
        if world_size <= 1:
            return cls()
        if not 0 <= rank < world_size or local_rank < 0:
            raise TrainingStopped(f"cannot start distributed training: RANK={rank}, LOCAL_RANK={local_rank} do not "
                                  f"fit WORLD_SIZE={world_size}")
        return cls(rank=rank, world_size=world_size, local_rank=local_rank)

    # ---------------------------------------------------------------- process group
    def init(self, device: str = "auto") -> DistributedContext:
        """Join the process group: NCCL with ``cuda:LOCAL_RANK`` when CUDA is wanted (``auto``/``cuda``) and present,
        else gloo on the CPU. A no-op for a single-process context. Returns ``self``."""
        if not self.enabled or self.initialized:
            return self
        import torch.distributed as dist

        if not dist.is_available():
            raise TrainingStopped("this PyTorch build has no torch.distributed; run without torchrun")
        if device == "mps":
            raise TrainingStopped("training.device: mps cannot be used for multi-process training; use cpu or run "
                                  "without torchrun")
        if device == "cuda" and not torch.cuda.is_available():
            raise TrainingStopped("training.device: cuda was requested but no CUDA device is available; use auto or "
                                  "cpu")
        if device in ("auto", "cuda") and torch.cuda.is_available():
            count = torch.cuda.device_count()
            if self.local_rank >= count:
                raise TrainingStopped(f"LOCAL_RANK {self.local_rank} has no GPU: this node sees {count} CUDA "
                                      f"device(s); use --nproc_per_node={count} or fewer")
            self.device = torch.device("cuda", self.local_rank)
            torch.cuda.set_device(self.device)
            self.backend = "nccl"
        else:
            self.device = torch.device("cpu")
            self.backend = "gloo"
        dist.init_process_group(backend=self.backend, rank=self.rank, world_size=self.world_size)
        return self

    def destroy(self) -> None:
        if self.initialized:
            import torch.distributed as dist

            dist.destroy_process_group()

    def barrier(self) -> None:
        if self.initialized:
            import torch.distributed as dist

            if self.backend == "nccl":
                dist.barrier(device_ids=[self.local_rank])
            else:
                dist.barrier()

    # ---------------------------------------------------------------- collectives
    def all_reduce_mean(self, value):
        """The mean of ``value`` (a float or a tensor) over all ranks, of the same type; identity in one process."""
        if not self.initialized:
            return value
        import torch.distributed as dist

        if torch.is_tensor(value):
            buf = value.detach().to(self.device, copy=True)
            if not buf.is_floating_point():
                buf = buf.double()
            dist.all_reduce(buf, op=dist.ReduceOp.SUM)
            return buf.div_(self.world_size).to(value.device)
        buf = torch.tensor([float(value)], dtype=torch.float64, device=self.device)
        dist.all_reduce(buf, op=dist.ReduceOp.SUM)
        return float(buf.item()) / self.world_size

    def all_reduce_max(self, value: int) -> int:
        """The largest ``value`` over all ranks (used to vote: any rank can raise a flag)."""
        if not self.initialized:
            return int(value)
        import torch.distributed as dist

        buf = torch.tensor([int(value)], dtype=torch.int64, device=self.device)
        dist.all_reduce(buf, op=dist.ReduceOp.MAX)
        return int(buf.item())

    def broadcast_module(self, module: torch.nn.Module, src: int = 0) -> None:
        """Copy ``src``'s parameters and buffers into ``module`` on every rank (in place)."""
        if not self.initialized:
            return
        import torch.distributed as dist

        with torch.no_grad():
            for tensor in module.state_dict().values():
                dist.broadcast(tensor, src)


# -------------------------------------------------------------------- the trainer
def distribute_trainer(trainer: Trainer, ctx: DistributedContext) -> Trainer:
    """Make ``trainer`` one rank of a DistributedDataParallel run (in place; returns it). Identity in one process.

    The trainer must already live on ``ctx.device`` (build it with ``device=ctx.device`` after ``ctx.init()``). Works
    for a fresh Trainer and for one rebuilt by ``trainer_from_checkpoint`` (a checkpoint written by any number of
    ranks: it holds only unwrapped weights, EMA, AdamW state, step count and history).
    """
    if not ctx.enabled:
        return trainer
    if not ctx.initialized:
        raise RuntimeError("distribute_trainer: call DistributedContext.init() first")
    if trainer.device != ctx.device:
        raise RuntimeError(f"distribute_trainer: the trainer is on {trainer.device}, this rank uses {ctx.device}")
    from torch.nn.parallel import DistributedDataParallel

    tr = trainer.config.training
    # DDP's constructor broadcasts rank 0's parameters and buffers; give the EMA the same start on every rank.
    trainer.forward_model = DistributedDataParallel(
        trainer.model, device_ids=[ctx.local_rank] if ctx.device.type == "cuda" else None)
    ctx.broadcast_module(trainer.ema_model)
    trainer.loss_reducer = ctx.all_reduce_mean
    # This rank's shard (what DistributedSampler gives it at epoch 0); batches are drawn from it alone.
    shard = shard_indices(trainer._data.shape[0], ctx.rank, ctx.world_size, tr.seed).to(trainer.device)
    trainer._data = trainer._data[shard]
    if trainer._labels is not None:
        trainer._labels = trainer._labels[shard]
    trainer.generator.manual_seed(rank_seed(tr.seed, ctx.rank))
    if ctx.rank:
        torch.manual_seed(tr.seed + RANK_SEED_STRIDE * ctx.rank)  # dropout masks differ per rank too
    trainer.device_name = f"{trainer.device_name}, rank {ctx.rank}/{ctx.world_size} ({ctx.backend})"
    trainer.distributed = ctx
    return trainer


# -------------------------------------------------------------------- stopping together
class StopVote:
    """All ranks stop after the same step. A rank may want to stop on its own (torchrun forwards Ctrl+C / SIGTERM to
    every worker, but not at the same instant; each rank's clock sees the time budget at its own moment), so every
    ``every`` steps the ranks all-reduce (MAX) their wish and, if any rank wants to stop, every rank calls
    ``control.stop()`` after that same step. Call :meth:`request` from a signal handler (it only sets a flag) and
    :meth:`after_step` after every step on every rank."""

    NONE, TIME_BUDGET, INTERRUPTED = 0, 1, 2

    def __init__(self, ctx: DistributedContext, control: Control, *, time_budget: float = 0.0,
                 every: int = STOP_SYNC_EVERY):
        self.ctx = ctx
        self.control = control
        self.time_budget = float(time_budget or 0.0)
        self.every = max(1, int(every))
        self.started = time.monotonic()
        self.requested = False
        self.decision = self.NONE  # the agreed reason, the same on every rank

    def request(self) -> None:
        self.requested = True

    def after_step(self, step: int) -> None:
        if step % self.every or self.decision:
            return
        wish = self.NONE
        if self.requested:
            wish = self.INTERRUPTED
        elif self.time_budget and time.monotonic() - self.started >= self.time_budget:
            wish = self.TIME_BUDGET
        self.decision = self.ctx.all_reduce_max(wish)
        if self.decision:
            self.control.stop()

    def final_result(self, result: RunResult) -> RunResult:
        """The session's result, with the agreed reason when the vote stopped the run."""
        from engine.session import RunResult

        if self.decision == self.TIME_BUDGET:
            return RunResult("time_budget", f"time budget of {self.time_budget:g} s reached at step {result.step}",
                             result.step)
        if self.decision == self.INTERRUPTED:
            return RunResult("stopped", f"stopped at step {result.step}", result.step)
        return result
