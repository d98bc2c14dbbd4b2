"""Train the digits classifier whose feature space scores sample quality, and write the shipped resource.

    python -m bench.train_classifier            # writes resources/data/digit_classifier.safetensors

Deterministic: full-batch Adam on the seed-0 train split of the shipped digits (engine.metrics.train_classifier), so
the same torch version gives the same weights. The window, the tests and the benchmark all load this one file.
"""
from __future__ import annotations

import argparse
import sys

import torch

from engine import metrics
from engine.resources import resource_path
from engine.version import __version__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0, help="the digits train/held-out split and the init")
    parser.add_argument("--epochs", type=int, default=400)
    parser.add_argument("--out", default=str(resource_path(*metrics.CLASSIFIER_RESOURCE)))
    args = parser.parse_args(argv)
    model, acc = metrics.train_classifier(args.seed, args.epochs)
    meta = {"heldout_accuracy": round(acc, 6), "seed": args.seed, "epochs": args.epochs, "split": "digits_split(seed)",
            "feature_dim": metrics.FEATURE_DIM, "torch": torch.__version__, "app": __version__,
            "trained_by": "python -m bench.train_classifier"}
    metrics.save_classifier(model, args.out, meta)
    print(f"held-out accuracy {acc:.4f} -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
