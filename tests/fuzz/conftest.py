"""Hypothesis profiles for the parser fuzz tests (tests/fuzz).

* ``quick`` (default): derandomized (fixed seed, no example database), 100 examples per test (a few hundred per
  parser family), so the whole folder runs in ~25 s on a loaded 2-core machine. It runs with the normal test suite.
* ``long``: thousands of examples per parser, random seeds, opt-in:
  ``pytest -m fuzz tests/fuzz --hypothesis-profile=long``.
* ``medium``: 300 random examples per test, for a few minutes of exploration after changing a parser.

Every example must finish within 5 s (Hypothesis ``deadline``); ``pytest-timeout`` is the hang watchdog.
"""
from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_SUPPRESS = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large,
             HealthCheck.filter_too_much]

settings.register_profile("quick", max_examples=100, derandomize=True, database=None, deadline=5000,
                          suppress_health_check=_SUPPRESS, print_blob=True)
settings.register_profile("medium", max_examples=300, deadline=5000, suppress_health_check=_SUPPRESS,
                          print_blob=True)
settings.register_profile("long", max_examples=3000, deadline=5000, suppress_health_check=_SUPPRESS,
                          print_blob=True)


def pytest_configure(config):
    # --hypothesis-profile (hypothesis' pytest plugin) wins; otherwise $HYPOTHESIS_PROFILE, else quick.
    chosen = config.getoption("hypothesis_profile", None) or os.environ.get("HYPOTHESIS_PROFILE") or "quick"
    settings.load_profile(chosen)
