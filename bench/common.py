"""What the benchmark sections share: the progress line, the classifier every quality score uses, the evaluation
seed, the matmul peak and the FLOP / step-rate helpers."""
from __future__ import annotations

import sys
import time

import torch

from engine import metrics

EVAL_SEED = 7


def progress(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def classifier():
    """The feature classifier every quality score uses: the shipped resources/data/digit_classifier.safetensors
    (made by ``python -m bench.train_classifier``); returns (model, held-out accuracy, where it came from)."""
    model, meta = metrics.load_classifier()
    return model, float(meta.get("heldout_accuracy", float("nan"))), "shipped"


def score_trainer(trainer, clf, held, floor: dict, n: int, ddim_steps: int) -> dict:
    """The digits score of a trained model, the one recipe for headless and window rows: ``n`` DDIM samples (eta 0,
    EMA weights, seed EVAL_SEED) scored against the held-out digits with the shipped classifier's features."""
    from engine.samplers import final_sample

    t0 = time.monotonic()
    x = final_sample(trainer.sample(n=n, steps=ddim_steps, sampler="ddim", eta=0.0, seed=EVAL_SEED, use_ema=True))
    sample_s = time.monotonic() - t0
    score = metrics.score_images(clf, x, held.x)
    score.update(sample_s=sample_s, fd_ratio=score["fd"] / floor["fd"])
    return score


def sync(device) -> None:
    if str(device).startswith("cuda"):
        torch.cuda.synchronize()


def matmul_peak(quick: bool, device: str = "cpu", dtype=torch.float32) -> float:
    """Best FLOP/s of an n x n matmul (2 n^3 FLOPs) at the current thread count."""
    n = 1024 if quick else 2048
    a = torch.randn(n, n, device=device, dtype=dtype)
    b = torch.randn(n, n, device=device, dtype=dtype)
    best = float("inf")
    reps = 2 if device == "cpu" else 20
    for _ in range(3 if quick else 6):
        sync(device)
        t0 = time.perf_counter()
        for _ in range(reps):
            torch.mm(a, b)
        sync(device)
        best = min(best, (time.perf_counter() - t0) / reps)
    return 2 * n ** 3 / best


def train_flops(model: torch.nn.Module, x: torch.Tensor, call) -> int:
    """FLOPs of one forward + backward (optimizer excluded) counted by torch's FlopCounterMode."""
    from torch.utils.flop_counter import FlopCounterMode

    t = torch.randint(0, 1000, (x.shape[0],), device=x.device)
    counter = FlopCounterMode(display=False)
    with counter:
        out = call(model, x, t)
        out.float().square().mean().backward()
    model.zero_grad(set_to_none=True)
    return int(counter.get_total_flops())


def time_steps(step, seconds: float, min_steps: int, device: str = "cpu") -> tuple[int, float]:
    """(steps, seconds) of calling ``step`` for at least ``seconds`` and ``min_steps``, after one warm-up call."""
    step()
    sync(device)
    t0 = time.perf_counter()
    k = 0
    while k < min_steps or time.perf_counter() - t0 < seconds:
        step()
        k += 1
    sync(device)
    return k, time.perf_counter() - t0


class threads:
    """``with threads(n):`` torch's intra-op thread count set to ``n`` for the block, restored after."""

    def __init__(self, n: int):
        self.n = int(n)

    def __enter__(self):
        self.before = torch.get_num_threads()
        torch.set_num_threads(self.n)
        return self

    def __exit__(self, *exc):
        torch.set_num_threads(self.before)
        return False
