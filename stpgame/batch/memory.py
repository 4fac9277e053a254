"""Giving memory back in long runs: many models played one after another in one process.

Measured (issue 20; ``benchmarks/bench_memory_one_process.py``): 10,000 England models
played in one loop grew the resident memory by ~31 KB a model (324 -> 611 MB) though the
Python objects did not grow (tracemalloc flat): glibc's allocator keeps freed memory for
reuse instead of handing it back, and the numpy arrays of each model fragment its arenas.
``malloc_trim(0)`` hands the free pages back. So, in a loop over models (a notebook, a
script, a sweep's worker):

    from stpgame.batch import release_memory

    for i, seed in enumerate(seeds):
        model = STPModel.from_scenario("fortress", seed=seed).run(10)
        keep(measure(model))          # keep numbers, not the model
        del model
        if i % 100 == 99:
            release_memory()          # gc + malloc_trim: a few ms

A sweep does this itself: every worker trims after each chunk (runner.run_job), so a
100,000-run sweep stays flat. Elsewhere than glibc (macOS, Windows, musl) there is no
``malloc_trim`` and :func:`trim` does nothing; those allocators return memory on their own
terms.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from collections.abc import Callable
from functools import cache


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    """Glibc's ``malloc_trim``, or None where there is none."""
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None
    return trim


def trim() -> bool:
    """Hand the C allocator's free memory back to the system (glibc ``malloc_trim(0)``).
    Returns whether there was an allocator to ask."""
    function = _malloc_trim()
    if function is None:
        return False
    function(0)
    return True


def release_memory() -> bool:
    """Free unreachable Python objects (cycles included), then :func:`trim`: call it every
    hundred or so models in a long loop (see the module's docstring)."""
    gc.collect()
    return trim()
