"""The checks on every argument of the Python API, with the command line's messages.

The command line parses text, so its options can only be text; a Python caller can pass
anything (``workers=True``, ``workers=1.5``, ``outputs="cooperation_rate"``, ``None`` for a
folder). Each public function of stpgame.batch calls these checks first, before it reads,
connects to or writes anything, so a bad argument is one ParameterError naming the
argument, what is allowed and the value given (as ``stpgame sweep --workers 0`` is), never
a TypeError from deep inside multiprocessing, pathlib or pandas, and never a half-made
folder.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from stpgame.errors import ConflictError, ParameterError

MAX_WORKERS = 1024
"""Most local worker processes (the command line's ``--workers`` has the same limit)."""
MAX_CHUNK = 100_000
"""Most runs per task (``--chunk``)."""


def whole(value: object, name: str, low: int, high: int) -> int:
    """A whole number in [low, high]: an int (numpy's too), not a bool, float or text."""
    allowed = f"a whole number in [{low}, {high}]"
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        note = ""
        if isinstance(value, str):
            note = "a number, not text"
        elif isinstance(value, float) and math.isfinite(value) and value == int(value):
            note = f"write {int(value)}"
        raise ParameterError(name, allowed, value, note)
    if not low <= int(value) <= high:
        raise ParameterError(name, allowed, value)
    return int(value)


def optional_whole(value: object, name: str, low: int, high: int) -> int | None:
    """None (the default), or :func:`whole`."""
    return None if value is None else whole(value, name, low, high)


def flag(value: object, name: str) -> bool:
    """True or False (numpy's too); not 0/1, text or None."""
    if not isinstance(value, bool) and type(value).__name__ != "bool_":
        raise ParameterError(name, "True or False", value)
    return bool(value)


def number(value: object, name: str, allowed: str = "a finite number") -> float:
    """A finite number (int or float, numpy's too), not a bool or text."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not math.isfinite(float(value))
    ):
        raise ParameterError(name, allowed, value)
    return float(value)


def path(value: object, name: str, what: str = "a folder path") -> Path:
    """A path given as text or a path object (``os.PathLike``), not empty."""
    if not isinstance(value, str | os.PathLike):
        raise ParameterError(name, f"{what} (text or pathlib.Path)", value)
    text = os.fspath(value)
    if not isinstance(text, str) or not text.strip():
        raise ParameterError(name, what, value)
    return Path(text)


def text(value: object, name: str, allowed: str = "text") -> str:
    """Non-empty text."""
    if not isinstance(value, str) or not value.strip():
        raise ParameterError(name, allowed, value)
    return value


def names(value: object, name: str, allowed: str = "a list of names") -> list[str] | None:
    """None, or a list (tuple, ...) of distinct non-empty texts. One text is refused, not
    split into its letters: ``outputs="cooperation_rate"`` means ``["cooperation_rate"]``."""
    if value is None:
        return None
    if isinstance(value, str):
        raise ParameterError(name, allowed, value, f"a list, e.g. [{value!r}]")
    if not isinstance(value, Sequence) and not hasattr(value, "__iter__"):
        raise ParameterError(name, allowed, value)
    items = list(value)
    if not items:
        raise ParameterError(name, f"{allowed} (at least one)", items)
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise ParameterError(name, allowed, item)
    if len(set(items)) != len(items):
        raise ParameterError(name, f"{allowed}, each once", items)
    return items


def one_of(value: object, name: str, choices: Sequence[str]) -> str:
    """One of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise ParameterError(name, " or ".join(choices), value)
    return value


def engine(workers: object, scheduler: object) -> tuple[int | None, str | None]:
    """``workers`` (local processes) or ``scheduler`` (a Dask address), not both: checked by
    form alone, so a bad value never waits for a connection."""
    from stpgame.batch.runner import check_scheduler

    checked = optional_whole(workers, "workers", 1, MAX_WORKERS)
    address = None if scheduler is None else check_scheduler(scheduler)
    if checked is not None and address is not None:
        raise ConflictError(
            "workers and scheduler", "choose one (Dask workers are set on the cluster)"
        )
    return checked, address


def sweep(
    out: object,
    workers: object,
    scheduler: object,
    quiet: object,
    chunk: object,
    command: object = "",
    confirm: object = None,
) -> tuple[Path, int | None, str | None, bool, int | None]:
    """Every argument of a sweep (``Experiment.run``, ``run_sweep``), checked together."""
    folder = path(out, "out")
    checked_workers, address = engine(workers, scheduler)
    if not isinstance(command, str):
        raise ParameterError("command", "text", command)
    if confirm is not None and not callable(confirm):
        raise ParameterError("confirm", "a function confirm(estimate) -> bool, or None", confirm)
    return (
        folder,
        checked_workers,
        address,
        flag(quiet, "quiet"),
        optional_whole(chunk, "chunk", 1, MAX_CHUNK),
    )


def function(value: object, name: str, contract: str) -> Callable[..., object]:
    """A callable."""
    if not callable(value):
        raise ParameterError(name, contract, value)
    return value
