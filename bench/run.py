"""``python -m bench.run [--quick] [--only SECTION] [--gpu] [--budgets 60,120] [--out DIR]``

Runs the benchmark sections in one process and writes ``latest.json`` + ``latest.md`` to ``--out`` (default
``bench/results``). Lab and ``diffusers`` peer (matched to our parameter count within 5%) are measured back to back,
alternating, in the same process, so ratios stay meaningful on a loaded machine; the load average is recorded around
every section. ``--gpu`` runs the CUDA section only and refuses (exit 2, nothing written) without a CUDA device.

A section is one entry of :data:`SECTIONS`: name -> Section(run, markdown, targets), where ``run(args, state)``
returns a JSON-able dict, ``markdown(part, res)`` its lines of latest.md and ``targets(part, res)`` its rows of the
targets table. Adding one is one line here (``"name": module_section("bench.name")`` for a module that defines
``run``, ``markdown`` and ``targets``).
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import math
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np
import torch

from bench import peers, report
from bench.common import progress
from bench.machine import loadavg
from bench.sections_gpu import cuda_refusal, section_gpu
from bench.sections_profile import section_profile
from bench.sections_quality import section_digits, section_points
from bench.sections_speed import section_sampling, section_throughput
from bench.sections_window import section_window


class Section(NamedTuple):
    run: Callable[[argparse.Namespace, dict], dict]
    markdown: Callable[[dict, dict], list]
    targets: Callable[[dict, dict], list]


def module_section(module: str) -> Section:
    """A section kept in its own module that defines ``run(args, state)``, ``markdown(part, res)`` and
    ``targets(part, res)``, imported when first used: registering it is one line below."""
    import importlib

    def call(name: str):
        return lambda *a: getattr(importlib.import_module(module), name)(*a)

    return Section(call("run"), call("markdown"), call("targets"))


# In run order; the sampling section reuses the digits and points models when they ran first.
SECTIONS: dict[str, Section] = {
    "digits": Section(section_digits, report.md_digits, report.targets_digits),
    "steps": module_section("bench.steps_to_quality"),
    "points": Section(section_points, report.md_points, report.targets_points),
    "throughput": Section(section_throughput, report.md_throughput, report.targets_throughput),
    "sampling": Section(section_sampling, report.md_sampling, report.targets_sampling),
    "profile": Section(section_profile, report.md_profile, report.targets_profile),
    "window": Section(section_window, report.md_window, report.targets_window),
    "gpu": Section(section_gpu, report.md_gpu, report.targets_gpu),
}
RESULTS_DIR = Path(__file__).resolve().parent / "results"


def _clean(obj):
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, (np.floating, np.integer)):
        obj = obj.item()
    if isinstance(obj, float):
        if math.isnan(obj) or math.isinf(obj):
            return str(obj)
        return round(obj, 6)
    return obj


def evaluate_targets(res: dict) -> list[dict]:
    return report.evaluate_targets(res, SECTIONS)


def to_markdown(res: dict) -> str:
    return report.to_markdown(res, SECTIONS)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="tiny budgets; a smoke run (CI)")
    ap.add_argument("--only", action="append", choices=list(SECTIONS), help="run only this section (repeatable)")
    ap.add_argument("--gpu", action="store_true",
                    help="the CUDA section only: autocast throughput vs the peer, 32x32 time to quality, the window "
                         "on CUDA; exits 2 without a CUDA device")
    ap.add_argument("--budgets", default=None,
                    help="digits wall-clock budgets in seconds, headless and through the window (default 60,120; "
                         "--quick: 2 headless, 5 in the window)")
    ap.add_argument("--digits-sampling", action="store_true",
                    help="also compare DDPM-1000 with DDIM-50 on the digits model (slow on a CPU)")
    ap.add_argument("--n-samples", type=int, default=0, help="digits samples to score (default 500; quick 100)")
    ap.add_argument("--ddim-steps", type=int, default=0, help="DDIM steps for the digits samples (default 50)")
    ap.add_argument("--merge", action="store_true",
                    help="keep the other sections of an existing latest.json in --out (re-run some sections only)")
    ap.add_argument("--out", default=str(RESULTS_DIR), help="folder for latest.json / latest.md")
    args = ap.parse_args(argv)
    args.budgets_given = bool(args.budgets)
    if args.budgets:
        args.budgets = [float(v) for v in args.budgets.split(",") if v.strip()]
    else:
        args.budgets = [2.0] if args.quick else [60.0, 120.0]
    if args.gpu:
        args.only = ["gpu"]
    return args


def _write(res: dict, args, started: float, final: bool) -> dict:
    res = dict(res)
    res["complete"] = final
    res["loadavg_end"] = loadavg()
    res["total_seconds"] = time.monotonic() - started
    res["targets"] = evaluate_targets(res)
    res = _clean(res)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "latest.json").write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    (out_dir / "latest.md").write_text(to_markdown(res), encoding="utf-8")
    return res


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.gpu:
        why = cuda_refusal()
        if why is not None:
            print(why, file=sys.stderr)
            return 2
    try:  # `kill -USR1 <pid>` prints where a slow run is
        import faulthandler
        import signal

        faulthandler.register(signal.SIGUSR1)
    except (AttributeError, ValueError, ImportError):
        pass
    torch.manual_seed(0)
    res: dict = {"quick": bool(args.quick), "env": {
        "time_utc": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "platform": platform.platform(), "python": platform.python_version(), "cpu_count": os.cpu_count(),
        "torch": torch.__version__, "torch_threads": torch.get_num_threads(), "diffusers": peers.VERSION,
        "loadavg_start": loadavg()}}
    previous = Path(args.out) / "latest.json"
    if args.merge and previous.exists():
        try:
            old = json.loads(previous.read_text(encoding="utf-8"))
            if old.get("quick") == bool(args.quick):
                for key in SECTIONS:
                    if key in old and not (args.only is None or key in args.only):
                        res[key] = old[key]
                res["env"]["merged_from"] = old.get("env")
        except (OSError, ValueError):
            pass
    state: dict = {}
    started = time.monotonic()
    for name, section in SECTIONS.items():
        if args.only and name not in args.only:
            continue
        t0 = time.monotonic()
        before = loadavg()
        progress(f"section {name} (load average {before})")
        try:
            out = section.run(args, state)
        except Exception:  # noqa: BLE001 - one broken section must not lose the others
            out = {"error": traceback.format_exc()}
            progress(f"{name} failed:\n{out['error']}")
        out["seconds"] = time.monotonic() - t0
        out["loadavg_before"], out["loadavg_after"] = before, loadavg()
        res[name] = out
        _write(res, args, started, final=False)  # partial results survive an interrupted run
    res = _write(res, args, started, final=True)
    progress(f"wrote {Path(args.out) / 'latest.json'} and latest.md in {res['total_seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
