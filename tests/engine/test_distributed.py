"""Multi-process training through torchrun: 2 CPU processes over gloo train a tiny config; the checkpoint opens in a
single process, the ranks' gradients are averaged (identical weights, equal to one step on the union batch), and a
2-rank checkpoint resumes on 1 rank."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch

from engine.checkpoint import load_checkpoint, trainer_from_checkpoint
from engine.config import ExperimentConfig
from engine.diffusion import diffusion_loss
from engine.distributed import DistributedContext, distribute_trainer, rank_seed, shard_indices
from engine.samplers import final_sample
from engine.training import Trainer

ROOT = Path(__file__).resolve().parents[2]
STEPS = 30
TINY = {
    "data": {"dataset": "moons", "n_points": 1024},
    "schedule": {"timesteps": 100},
    "model": {"preset": "tiny"},
    "training": {"steps": STEPS, "batch_size": 64, "warmup_steps": 5, "seed": 3, "device": "cpu"},
    "sampling": {"steps": 10, "n": 64, "clip_x0": False},
}


def torchrun(nproc: int, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1")
    if sys.platform.startswith("linux"):
        env.setdefault("GLOO_SOCKET_IFNAME", "lo")  # single node: no hostname lookup needed
    for name in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"):
        env.pop(name, None)
    cmd = [sys.executable, "-m", "torch.distributed.run", f"--nproc_per_node={nproc}", "--standalone", *args]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.fixture(scope="module")
def tiny_config(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("dist") / "tiny.json"
    path.write_text(json.dumps(TINY))
    return path


@pytest.fixture(scope="module")
def two_rank_run(tiny_config) -> tuple[Path, subprocess.CompletedProcess]:
    out = tiny_config.parent / "run"
    proc = torchrun(2, "-m", "engine.cli", "train", "--config", str(tiny_config), "--out", str(out), "--quiet")
    return out, proc


# ---------------------------------------------------------------- in-process, no process group
def test_single_process_context_is_a_no_op():
    for env in ({}, {"RANK": "0", "WORLD_SIZE": "1", "LOCAL_RANK": "0"}):
        ctx = DistributedContext.from_env(env)
        assert not ctx.enabled and ctx.is_main and ctx.device is None
        assert ctx.init("cpu") is ctx and ctx.device is None and not ctx.initialized
        assert ctx.all_reduce_mean(2.5) == 2.5 and ctx.all_reduce_max(1) == 1
        ctx.barrier(), ctx.destroy()
    assert not torch.distributed.is_initialized()
    trainer = Trainer(ExperimentConfig.from_dict(TINY))
    assert distribute_trainer(trainer, DistributedContext()) is trainer
    assert trainer.forward_model is None and trainer.loss_reducer is None
    ctx = DistributedContext.from_env({"RANK": "1", "WORLD_SIZE": "4", "LOCAL_RANK": "1"})
    assert ctx.enabled and not ctx.is_main and (ctx.rank, ctx.world_size, ctx.local_rank) == (1, 4, 1)


def test_shards_partition_the_data_like_distributed_sampler():
    shards = [shard_indices(1024, r, 2, seed=3) for r in range(2)]
    assert all(len(s) == 512 for s in shards)
    assert sorted(torch.cat(shards).tolist()) == list(range(1024))
    assert torch.equal(shards[0], shard_indices(1024, 0, 2, seed=3))  # reproducible
    assert rank_seed(3, 0) == 3 + 1 and rank_seed(3, 1) != rank_seed(3, 0)  # rank 0 = the single-process seed


# ---------------------------------------------------------------- torchrun, 2 processes over gloo
def test_two_rank_run_loads_and_samples_in_one_process(two_rank_run):
    out, proc = two_rank_run
    assert proc.stderr.count("finished 30 steps") == 1  # only rank 0 talks
    assert "2 processes (gloo)" in proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["checkpoint.safetensors", "config.json", "loss.csv",
                                                         "loss_by_t.csv"]
    ckpt = load_checkpoint(out)
    assert ckpt.step == STEPS and ckpt.history.step == list(range(1, STEPS + 1))
    single = Trainer(ckpt.config)
    assert set(ckpt.model_state) == set(single.model.state_dict())  # no DDP "module." prefix
    assert set(ckpt.ema_state) == set(single.ema_model.state_dict())
    assert len((out / "loss.csv").read_text().splitlines()) == STEPS + 1
    trainer = trainer_from_checkpoint(ckpt)
    samples = final_sample(trainer.sample(n=64, steps=10, seed=1))
    assert samples.shape == (64, 2) and torch.isfinite(samples).all()


def test_two_rank_checkpoint_resumes_on_one_rank(two_rank_run, tmp_path):
    out, _ = two_rank_run
    resumed = tmp_path / "resumed"
    resumed.mkdir()
    (resumed / "checkpoint.safetensors").write_bytes((out / "checkpoint.safetensors").read_bytes())
    proc = torchrun(1, "-m", "engine.cli", "train", "--resume", "--steps", "40", "--out", str(resumed), "--quiet")
    assert "finished 40 steps" in proc.stderr and "processes (gloo)" not in proc.stderr  # no process group
    ckpt = load_checkpoint(resumed)
    assert ckpt.step == 40 and ckpt.history.step == list(range(1, 41))
    assert ckpt.history.loss[:STEPS] == load_checkpoint(out).history.loss


GRAD_SCRIPT = textwrap.dedent("""
    import json
    import sys
    from safetensors.torch import save_file
    from engine.config import ExperimentConfig
    from engine.distributed import DistributedContext, distribute_trainer
    from engine.training import Trainer

    cfg = ExperimentConfig.load(sys.argv[1])
    ctx = DistributedContext.from_env().init("cpu")
    trainer = distribute_trainer(Trainer(cfg, device=ctx.device), ctx)
    reduce, local = trainer.loss_reducer, []
    def spy(loss):
        local.append(float(loss))
        return reduce(loss)
    trainer.loss_reducer = spy
    reported = [trainer.step().loss for _ in range(2)]
    tensors = {"model." + k: v.contiguous() for k, v in trainer.model.state_dict().items()}
    tensors.update({"ema." + k: v.contiguous() for k, v in trainer.ema_model.state_dict().items()})
    meta = {"local": json.dumps(local), "reported": json.dumps(reported),
            "history": json.dumps(trainer.history.loss)}
    save_file(tensors, f"{sys.argv[2]}/rank{ctx.rank}.safetensors", metadata=meta)
    ctx.destroy()
""")


def test_gradients_are_averaged_across_ranks(tiny_config, tmp_path):
    from safetensors import safe_open

    script = tmp_path / "grad_step.py"
    script.write_text(GRAD_SCRIPT)
    torchrun(2, str(script), str(tiny_config), str(tmp_path))
    ranks = []
    for r in range(2):
        with safe_open(str(tmp_path / f"rank{r}.safetensors"), "pt") as f:
            meta = f.metadata()
            ranks.append(({k: f.get_tensor(k) for k in f.keys()}, {k: json.loads(v) for k, v in meta.items()}))
    (w0, m0), (w1, m1) = ranks
    for key in w0:  # DDP kept the ranks in lockstep: identical weights and EMA, bit for bit
        assert torch.equal(w0[key], w1[key]), key
    # the reported loss (and rank 0's history) is the mean of the ranks' local losses
    means = [(a + b) / 2 for a, b in zip(m0["local"], m1["local"])]
    assert m0["reported"] == pytest.approx(means, abs=1e-6) and m1["reported"] == pytest.approx(means, abs=1e-6)
    assert m0["history"] == m0["reported"]
    assert m0["local"] != m1["local"]  # the ranks saw different data

    # one process replaying both ranks' batches (shard + per-rank generator), stepping on the union batch
    def replay(ranks_used):
        trainer = Trainer(ExperimentConfig.from_dict(TINY))
        tr = trainer.config.training
        gens = {r: torch.Generator().manual_seed(rank_seed(tr.seed, r)) for r in ranks_used}
        data = {r: trainer._data[shard_indices(trainer._data.shape[0], r, 2, tr.seed)] for r in ranks_used}
        losses = []
        for step in range(2):
            for group in trainer.optimizer.param_groups:
                group["lr"] = trainer.lr_at(step)
            per_rank = []
            for r in ranks_used:
                idx = torch.randint(0, data[r].shape[0], (tr.batch_size,), generator=gens[r])
                per_rank.append(diffusion_loss(trainer.model, trainer.schedule, data[r][idx],
                                               prediction=tr.prediction, weighting=tr.loss_weighting,
                                               gamma=tr.min_snr_gamma, generator=gens[r]).loss)
            losses.append([float(v.detach()) for v in per_rank])
            trainer.optimizer.zero_grad(set_to_none=True)
            (sum(per_rank) / len(per_rank)).backward()
            torch.nn.utils.clip_grad_norm_(trainer.model.parameters(), tr.grad_clip)
            trainer.optimizer.step()
        return {"model." + k: v for k, v in trainer.model.state_dict().items()}, losses

    union, losses = replay((0, 1))
    assert [l[0] for l in losses] == pytest.approx(m0["local"], abs=1e-6)
    assert [l[1] for l in losses] == pytest.approx(m1["local"], abs=1e-6)
    for key, value in union.items():
        torch.testing.assert_close(w0[key], value, atol=2e-6, rtol=1e-5, msg=key)
    alone, _ = replay((0,))  # rank 0's data only: what a step without gradient averaging would give
    assert max(float((w0[k] - alone[k]).abs().max()) for k in alone) > 1e-4
