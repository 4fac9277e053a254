"""How the model's loops are compiled (numba), in one place.

The year's arithmetic (year_kernel.py) and the trust updates (network.py) are plain Python
loops compiled to machine code on first use. ``cache=True`` keeps the machine code next to
the source (or in the user's cache if that is read-only): a fresh install compiles once, in
a few seconds, and later processes load it. ``error_model="numpy"`` lets a division by zero
give inf or NaN as numpy does, instead of a check in every loop. Nothing is compiled with
``fastmath``: every sum adds in the order written, so results match the interpreted code to
the bit (tests/test_year_kernel.py). Index arrays handed to the loops are unsigned
(``index``): numba checks every signed index for a negative value (Python's from-the-end
indexing), which costs a third of a simple loop's time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

import numpy as np
from numba import njit

F = TypeVar("F", bound=Callable[..., Any])


def index(positions: np.ndarray) -> np.ndarray:
    """Positions for a compiled loop to index with: unsigned, so not checked for negatives."""
    return np.asarray(positions).astype(np.uint32)


def helper(function: F) -> F:
    """A small function compiled into the loops that call it."""
    return cast(F, njit(cache=True, error_model="numpy", inline="always")(function))


class _Calls(threading.local):
    """How many compiled calls this thread has under way, and an interrupt that arrived
    during one (signal handlers run in the main thread, so they see the main thread's)."""

    depth = 0
    pending: BaseException | None = None


_calls = _Calls()


def interrupt(exc: BaseException) -> None:
    """Raise ``exc`` from a signal handler, or, while compiled code runs, once it returns.

    Compiled code calls back into Python to hand its arrays back; a signal handler's
    exception raised inside such a call-back can crash the process (SIGSEGV: a SLURM job's
    SIGTERM reaching ``stpgame sweep`` mid-year did). The command line's handlers call
    this instead of raising, so the exception waits until the compiled call is over.
    """
    if _calls.depth:
        _calls.pending = exc
        return
    raise exc


def kernel(function: F) -> F:
    """A loop called from Python, compiled.

    An interrupt that arrives while it runs is raised when it returns (``interrupt``). One
    from a handler that raises at once (Python's own for Ctrl-C, outside the command line)
    and fires while compiled code calls back into Python reaches the caller wrapped in
    SystemError; it is raised as itself, so ``stpgame sweep`` still stops cleanly and says
    how to resume. ``py_func`` is the function as written, for the tests that run it
    interpreted.
    """
    dispatcher = njit(cache=True, error_model="numpy")(function)

    @wraps(function)
    def call(*args: Any) -> Any:
        calls = _calls
        calls.depth += 1
        try:
            result = dispatcher(*args)
        except SystemError as exc:
            interrupt = _interrupt(exc)
            if interrupt is None:
                raise
            raise interrupt from None
        finally:
            calls.depth -= 1
            if calls.depth == 0 and calls.pending is not None:
                pending, calls.pending = calls.pending, None
                raise pending  # after the call, or in place of the error it raised
        return result

    call.py_func = function  # type: ignore[attr-defined]
    return call  # type: ignore[return-value]


def _interrupt(exc: BaseException) -> BaseException | None:
    """The first exception in the chain that is not an ``Exception`` (an interrupt)."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if not isinstance(cause, Exception):
            return cause
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return None
