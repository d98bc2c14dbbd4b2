"""Diffusion Lab benchmark suite: ``python -m bench.run [--quick]``.

Measures the lab against Hugging Face ``diffusers`` (optional, bench-only) in the same process on the same machine
and writes ``bench/results/latest.json`` and ``bench/results/latest.md``.
"""
