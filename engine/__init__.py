"""Diffusion Lab engine: the diffusion math, models, data, training and samplers.

Pure Python + PyTorch + numpy. Nothing under ``engine/`` imports Qt, so every piece is usable headless
(the CLI, the benchmarks, the tests) and the GUI is only one client of it.
"""
from engine.version import __version__

__all__ = ["__version__"]
