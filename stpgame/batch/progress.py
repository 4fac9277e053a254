"""What a sweep tells the person waiting for it: the run count and a time estimate before
it starts, then its progress.

Progress goes to stderr: a tqdm bar on a terminal; a plain line every few percent when
stderr is not a terminal (a SLURM or CI log, where a bar's carriage returns make one
endless line), so a log shows the sweep is alive and when it will end; nothing when quiet.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

STEP = 0.05
"""A progress line each time another 5% of the runs is done..."""
EVERY_S = 600.0
"""... or every 10 minutes when runs finish but 5% takes longer (a long sweep's log)."""
ASK_ABOVE_S = 3600.0
"""On a terminal, a sweep estimated to take longer than this asks before it starts."""


def duration(seconds: float) -> str:
    """A duration in words a person reads at a glance: 0.4 s, 45 s, 12 min, 3.4 h, 2.1 days."""
    if seconds < 9.5:
        return f"{seconds:.1f} s"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


@dataclass(frozen=True)
class Estimate:
    """How long the runs still to do should take, from runs of this experiment timed here.

    ``per_run_s`` is the mean wall time of the ``timed`` runs (a warm chunk) played in this
    process; the estimate assumes ``workers`` runs at a time at that speed (worker start-up,
    consolidation and slower cluster nodes are not in it). For local workers, ``cores`` and
    ``busy`` (the load average of other programs when timed) say how much of the machine
    they get: no more runs at once than cores, and on a shared machine the cores' time
    split between the sweep's workers and the other programs (a few seconds of timing get
    a core to themselves more easily than a long sweep does: measured on the 2-core
    development machine at load 10, an estimate that ignored the load was 3.5 times short).
    """

    total: int
    pending: int
    workers: int
    timed: tuple[int, ...]
    """The warm runs timed: (first, last) of the chunk, or the one run when only one was."""
    per_run_s: float
    cold_s: float | None = None
    """The first run's time (imports and first build included), not in ``per_run_s``."""
    cores: int | None = None
    """Cores this process may use, for local workers (None: a cluster's)."""
    busy: float = 0.0
    """Other programs' load on those cores when timed (load average less this process)."""

    @property
    def at_once(self) -> float:
        """Runs played at once at full speed: the workers, no more than the cores, and on a
        busy machine the workers' share of the cores (``cores * w / (w + busy)``)."""
        workers = max(1, self.workers)
        if self.cores is None:
            return float(workers)
        return min(workers, self.cores, self.cores * workers / (workers + max(0.0, self.busy)))

    @property
    def seconds(self) -> float:
        """Estimated wall time of the pending runs."""
        return self.per_run_s * self.pending / self.at_once

    def line(self, name: str, where: str, shape: str) -> str:
        """One line: how many runs, where, how long, and how that was estimated."""
        runs = "-".join(str(r) for r in self.timed)
        todo = "" if self.pending == self.total else f", {self.pending:,} still to run"
        cold = "" if self.cold_s is None else f" after a first, cold run of {self.cold_s:.2g} s"
        busy = ""
        if self.cores is not None and self.busy >= 0.5:
            busy = (
                f"; other programs keep {self.busy:.1f} of the {self.cores} cores busy, counted in"
            )
        return (
            f"{name}: {self.total:,} runs ({shape}){todo} on {where}; "
            f"about {duration(self.seconds)} "
            f"(run{'s' if len(self.timed) > 1 else ''} {runs} timed here{cold}: "
            f"{self.per_run_s:.2g} s per run{busy})"
        )


class Lines:
    """Progress as plain lines: runs done/total, rate, time elapsed and left."""

    def __init__(
        self,
        name: str,
        total: int,
        initial: int,
        file: TextIO,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name, self.total, self.done, self.file, self.clock = name, total, initial, file, clock
        self.initial = initial
        self.started = self.last_time = clock()
        self.next_done = self._next(initial)

    def _next(self, done: int) -> int:
        step = max(1, int(self.total * STEP))
        return (done // step + 1) * step

    def update(self, n: int) -> None:
        """``n`` more runs are done: print a line if 5% more are, or 10 minutes went by."""
        self.done += n
        now = self.clock()
        if (
            self.done >= self.next_done
            or self.done >= self.total
            or now - self.last_time >= EVERY_S
        ):
            self.next_done = self._next(self.done)
            self.last_time = now
            print(self.text(now), file=self.file, flush=True)

    def text(self, now: float) -> str:
        """``tiny: 6/12 runs (50%), 3.1 runs/s, 2 s elapsed, about 2 s left``."""
        elapsed = now - self.started
        ran = self.done - self.initial
        rate = ran / elapsed if elapsed > 0 else 0.0
        left = (self.total - self.done) / rate if rate > 0 else None
        return (
            f"{self.name}: {self.done:,}/{self.total:,} runs ({self.done / self.total:.0%}), "
            f"{rate:.3g} runs/s, {duration(elapsed)} elapsed"
            + ("" if left is None or self.done >= self.total else f", about {duration(left)} left")
        )

    def __enter__(self) -> Lines:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


class _Silent:
    def update(self, n: int) -> None:
        pass

    def __enter__(self) -> _Silent:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def progress(name: str, total: int, initial: int, quiet: bool) -> Any:
    """A tqdm bar on a terminal, :class:`Lines` otherwise, nothing when ``quiet``."""
    if quiet:
        return _Silent()
    if not sys.stderr.isatty():
        return Lines(name, total, initial, sys.stderr)
    from tqdm import tqdm

    return tqdm(
        total=total,
        initial=initial,
        unit="run",
        desc=name,
        file=sys.stderr,
        dynamic_ncols=True,
        smoothing=0.1,
    )
