"""Shared timing helper for the benchmark scripts (not a benchmark itself).

The scripts are run as ``.venv/bin/python benchmarks/bench_x.py``, so Python puts
this folder first on ``sys.path`` and ``from _timing import best_of`` finds it.
"""

from __future__ import annotations

import importlib.util
import statistics
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def best_of(fn: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Call ``fn`` ``repeats`` times; (best, median) wall time in seconds."""
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times)


def suite_conftest():
    """The test suite's server settings and Chromium flags (one definition for both)."""
    spec = importlib.util.spec_from_file_location(
        "stpgame_conftest", ROOT / "tests" / "conftest.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
