"""Running batches of model runs: in this process, on a local process pool, or on Dask.

Runs are grouped into chunks of consecutive run indices; a worker plays a whole
chunk and sends back one small table, so worker start-up (importing Mesa takes
about a second) and messaging are paid per chunk, not per run. Workers never
write files: the caller stores each finished chunk, so the same code serves a
laptop pool and a Dask cluster whose workers may not share a disk.

Each run's seed comes from the experiment (seeds.py), never from the worker,
so results do not depend on the engine, the number of workers or the chunking.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from stpgame.batch.memory import trim
from stpgame.batch.outcomes import Outcome
from stpgame.errors import ParameterError, UnavailableError

MAX_CHUNK = 25
CHUNKS_PER_WORKER = 8


@dataclass(frozen=True)
class Job:
    """A chunk of runs to play: everything a worker needs, small enough to pickle cheaply.

    Custom outcomes travel as their import paths; the worker imports the functions.
    """

    scenario: str | None
    rounds: int
    model_outputs: tuple[str, ...]
    by_type: tuple[str, ...]
    runs: tuple[tuple[int, int, dict[str, Any]], ...]  # (run index, seed, overrides)
    outcomes: tuple[Outcome, ...] = ()
    series: tuple[str, ...] = ()  # "footprint", "type"
    series_outputs: tuple[str, ...] = ()

    @property
    def first(self) -> int:
        """Index of the chunk's first run."""
        return self.runs[0][0]

    @property
    def last(self) -> int:
        """Index of the chunk's last run."""
        return self.runs[-1][0]


@dataclass
class Result:
    """A finished chunk: its run indices, one row per run per year (``table``), any other
    tables (``extra``: per footprint, per type, custom outcomes per run) and compute seconds."""

    first: int
    last: int
    table: object  # pandas.DataFrame
    seconds: float
    extra: dict[str, Any] = field(default_factory=dict)  # table name -> pandas.DataFrame


def simulate(job: Job, run: int, seed: int, overrides: dict[str, Any]) -> dict[str, Any]:
    """Play one run and return its tables by name: ``rounds`` (kept outputs, one row per
    year from year 0), and as asked, ``footprints`` / ``types`` and ``outcomes``."""
    import pandas as pd

    from stpgame.batch import outcomes
    from stpgame.batch.experiment import SERIES
    from stpgame.batch.storage import OUTCOMES
    from stpgame.core.model import STPModel
    from stpgame.core.params import ORG_TYPES

    measured = outcomes.functions(job.outcomes)
    yearly = [(o, f) for o, f in measured if o.per == "year"]
    series: dict[str, list[float]] = {o.name: [] for o, _ in yearly}
    model = STPModel(seed=seed, scenario=job.scenario, **overrides)
    for year in range(job.rounds + 1):
        if year:
            model.step()
        for o, f in yearly:
            series[o.name].append(outcomes.measure(o, f, model, run))
    table = model.model_dataframe(year0=True)[["round", *job.model_outputs]].copy()
    org: Any = model.org_dataframe(year0=True) if job.by_type or job.series else None
    if job.by_type:
        means = (
            org.groupby(["round", "org_type"], observed=False)[list(job.by_type)]
            .mean(numeric_only=False)
            .astype(float)
            .unstack("org_type")
        )
        means = means.reindex(
            columns=pd.MultiIndex.from_product([job.by_type, ORG_TYPES]), fill_value=float("nan")
        )
        means.columns = [f"{col}_{org_type}" for col, org_type in means.columns]
        table = table.merge(means, left_on="round", right_index=True, how="left")
    for name, values in series.items():  # after the means by type: Experiment.output_columns
        table[name] = values
    table.insert(0, "run", run)
    tables: dict[str, Any] = {"rounds": table}
    for group in job.series:
        name, by = SERIES[group]
        tables[name] = _group_means(org, by, job.series_outputs, run)
    once = [(o, f) for o, f in measured if o.per == "run"]
    if once:
        once_values = {o.name: [outcomes.measure(o, f, model, run)] for o, f in once}
        tables[OUTCOMES] = pd.DataFrame({"run": [run], **once_values})
    return tables


def _group_means(org: Any, by: str, values: tuple[str, ...], run: int) -> Any:
    """One row per year and group (footprint or organisation type): how many organisations
    it has and the mean of each organisation output over them (missing values left out, as
    pandas does). Sums by group with numpy: a pandas groupby costs ~10 ms an England run."""
    import numpy as np
    import pandas as pd

    groups = org[by].cat
    names = np.asarray(groups.categories, dtype=object).astype(str)
    size = len(names)
    key = org["round"].to_numpy() * size + groups.codes.to_numpy()
    present, index = np.unique(key, return_inverse=True)
    table = {
        "run": np.full(len(present), run, np.int64),
        "round": (present // size).astype(np.int64),
        by: names[present % size],
        "organisations": np.bincount(index).astype(np.int64),
    }
    for name in values:
        x = org[name].to_numpy(float)
        known = ~np.isnan(x)
        total = np.bincount(index, np.where(known, x, 0.0))
        with np.errstate(invalid="ignore", divide="ignore"):  # no value known: NaN
            table[name] = total / np.bincount(index, known)
    return pd.DataFrame(table)


def run_job(job: Job) -> Result:
    """Play every run of a chunk (this is what a worker executes)."""
    import pandas as pd

    started = time.perf_counter()
    runs = [simulate(job, run, seed, overrides) for run, seed, overrides in job.runs]
    tables = {name: pd.concat([r[name] for r in runs], ignore_index=True) for name in runs[0]}
    table = tables.pop("rounds").astype({"run": "int64", "round": "int64"})
    floats = [c for c in table.columns if c not in ("run", "round")]
    table[floats] = table[floats].astype("float64")
    seconds = time.perf_counter() - started
    del runs
    trim()  # the chunk's models are gone: hand their memory back (memory.py says why)
    return Result(job.first, job.last, table, seconds, tables)


def chunks(pending: list[int], workers: int, size: int | None = None) -> list[list[int]]:
    """Split pending run indices into chunks of consecutive indices.

    Default size: about CHUNKS_PER_WORKER chunks per worker (so the last chunks
    balance the load) and at most MAX_CHUNK runs (so a killed sweep loses little).
    """
    if size is None:
        size = max(1, min(MAX_CHUNK, math.ceil(len(pending) / (workers * CHUNKS_PER_WORKER))))
    out: list[list[int]] = []
    for run in sorted(pending):
        if out and run == out[-1][-1] + 1 and len(out[-1]) < size:
            out[-1].append(run)
        else:
            out.append([run])
    return out


def make_jobs(experiment: Any, groups: list[list[int]]) -> list[Job]:
    """One job per group of runs, carrying each run's seed and parameter overrides."""
    return [
        Job(
            experiment.scenario,
            experiment.rounds,
            experiment.model_outputs,
            experiment.by_type,
            tuple((r, experiment.seed(r), experiment.overrides(r)) for r in group),
            experiment.outcomes,
            experiment.series,
            experiment.series_outputs,
        )
        for group in groups
    ]


# --- engines ------------------------------------------------------------------------------
def _quiet_worker() -> None:
    """Pool worker start-up: leave Ctrl-C and SIGTERM to the parent, exit if the parent dies,
    import the model.

    SLURM ends a job by sending SIGTERM to all its processes: the parent then stops its
    workers itself (LocalEngine.close), so it never meets a pool broken under it. A parent
    killed outright (SIGKILL, out of memory) cannot shut its pool down; without the watch
    its idle workers would wait for work forever.
    """
    import multiprocessing
    import signal
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent.sentinel,), daemon=True).start()
    import stpgame.core.model  # noqa: F401


def _exit_with(sentinel: Any) -> None:
    from multiprocessing.connection import wait

    wait([sentinel])
    os._exit(1)


class LocalEngine:
    """``workers`` processes play the runs: this one plus ``workers - 1`` pool processes.

    This process works too, so no core idles while the pool processes start
    (spawning one and importing Mesa takes a second or more); the pool is kept
    for the whole sweep and fed a few chunks ahead. "spawn" is what Mesa sets
    for the whole program anyway (mesa.batchrunner) and is safe on every platform.
    """

    AHEAD = 4  # chunks queued per pool process, so none waits while this process works

    def __init__(self, workers: int):
        self.workers = workers
        self.description = {"engine": "local", "workers": workers}
        self._pool: Any = None

    def start(self) -> None:
        """Start the pool processes (none with one worker): once, kept for the whole sweep."""
        if self.workers > 1 and self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(
                max_workers=self.workers - 1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_quiet_worker,
            )

    def capacity(self) -> int:
        """How many chunks can run at once."""
        return self.workers

    def run(self, jobs: list[Job]) -> Iterator[Result]:
        """Play ``jobs``, yielding each chunk's result as it finishes (this process plays too)."""
        if self.workers == 1:
            for job in jobs:
                yield run_job(job)
            return
        from collections import deque
        from concurrent.futures import FIRST_COMPLETED, wait

        self.start()
        queue, running = deque(jobs), set[Any]()
        limit = self.AHEAD * (self.workers - 1)
        # Cut short (an error, Ctrl-C, SIGTERM), the chunks still queued are left to close(),
        # which kills the pool: cancelling them here first would make Python 3.11's pool
        # fail on them in its own thread (InvalidStateError on a cancelled future).
        while queue or running:
            while queue and len(running) < limit:
                running.add(self._pool.submit(run_job, queue.popleft()))
            finished = {f for f in running if f.done()}
            if not finished and not queue:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                running.discard(future)
                yield _result(future)
            if queue:
                yield run_job(queue.popleft())
        self._stop_in_background()

    def _stop_in_background(self) -> None:
        """Idle pool processes take a fraction of a second to exit (unloading Mesa and
        pandas); let that overlap the caller's consolidation instead of delaying it.
        The interpreter joins the pool's threads at exit (concurrent.futures)."""
        import threading

        pool, self._pool = self._pool, None
        self._stopping = threading.Thread(target=pool.shutdown, daemon=True)
        self._stopping.start()

    def close(self) -> None:
        """Stop the pool processes. A pool still here means the sweep was cut short (an
        error, Ctrl-C, SIGTERM): its chunks in flight would never be stored, so the
        processes are killed rather than waited for."""
        if self._pool is not None:
            processes = getattr(self._pool, "_processes", None)  # private: no public way
            for process in list((processes or {}).values()):
                process.kill()
            # A signal in the middle of the pool's start leaves its manager thread made but
            # not started, and shutdown cannot join it: nothing is left to wait for then.
            with contextlib.suppress(RuntimeError):
                self._pool.shutdown(wait=True, cancel_futures=not processes)
            self._pool = None


RESUME = "finished runs are kept: run the same command again to resume"
WORKER_DIED = (
    f"a worker process stopped before finishing its runs (killed, or out of memory?); {RESUME}"
)


def _result(future: Any) -> Result:
    """A pool chunk's result; a pool broken under it (a worker killed by the system or a
    user) is one clear error, not BrokenProcessPool's traceback."""
    from concurrent.futures.process import BrokenProcessPool

    try:
        result: Result = future.result()
        return result
    except BrokenProcessPool:
        raise UnavailableError("workers", WORKER_DIED) from None


SCHEDULER_FORM = "a Dask scheduler address such as tcp://host:8786 (tcp, tls, ws, wss or ucx)"
_ADDRESS = re.compile(
    r"(?:(?:tcp|tls|ws|wss|ucx)://)?"  # Dask reads an address without a protocol as tcp
    r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)"  # [IPv6] or host
    r":([0-9]{1,5})"
)
CONNECT_TIMEOUT = 10.0
"""Seconds to wait for a Dask scheduler to answer (a cluster on a busy login node is slow)."""


def check_scheduler(address: object) -> str:
    """A Dask scheduler address, checked by its form alone (no connection is tried).

    Refused at once: Dask itself would try for a connect timeout and more before failing.
    """
    m = _ADDRESS.fullmatch(address) if isinstance(address, str) else None
    if m is None or not 1 <= int(m.group(1)) <= 65535:
        raise ParameterError("scheduler", SCHEDULER_FORM, address)
    return str(address)


class DaskEngine:
    """Runs chunks on a Dask distributed cluster (``dask scheduler`` + ``dask worker``)."""

    def __init__(self, address: str, timeout: float | None = None):
        address = check_scheduler(address)
        try:
            from dask.distributed import Client
        except ImportError:  # pragma: no cover - dask is in the experiments extra
            raise UnavailableError(
                "scheduler", "needs Dask: pip install 'stpgame[experiments]'"
            ) from None
        # Made in two steps so a client that fails to connect can be closed here: left to
        # the garbage collector, its close waits twice the timeout at exit.
        client: Any = Client.__new__(Client)
        try:
            client.__init__(
                address,
                timeout=CONNECT_TIMEOUT if timeout is None else timeout,
                set_as_default=False,
            )
        except Exception as exc:  # anything: a refused port, a timeout, a stranger answering
            with contextlib.suppress(Exception):
                client.close(timeout=1)
            raise UnavailableError("scheduler", _no_scheduler(address, exc)) from None
        self.client: Any = client
        self.address = address
        # A lost scheduler is reported by run() in one line; the client's own log of its
        # reconnection attempts (tracebacks on stderr) would bury it.
        self._client_log = logging.getLogger("distributed.client")
        self._log_level = self._client_log.level
        self._client_log.setLevel(logging.CRITICAL)
        threads = sum(self.client.nthreads().values())
        self.description = {"engine": "dask", "scheduler": address, "worker_threads": threads}

    def start(self) -> None:
        """Nothing to start: the cluster is already running."""
        pass

    def capacity(self) -> int:
        """How many chunks can run at once: the cluster's worker threads."""
        return max(1, int(sum(self.client.nthreads().values())))

    def run(self, jobs: list[Job]) -> Iterator[Result]:
        """Play ``jobs`` on the cluster and yield each chunk's result as it finishes."""
        from dask.distributed import as_completed

        futures = self.client.map(run_job, jobs, pure=False)
        try:
            for future in as_completed(futures, loop=self.client.loop):  # type: ignore[no-untyped-call]
                yield self._result(future)
        finally:
            with contextlib.suppress(Exception):  # a lost scheduler cannot cancel anything
                self.client.cancel(futures)

    def _result(self, future: Any) -> Result:
        """A chunk's result; the cluster failing under it (the scheduler gone, workers
        killed again and again) is one clear error, not Dask's traceback. An error raised
        by the runs themselves passes unchanged."""
        from concurrent.futures import CancelledError

        from distributed.scheduler import KilledWorker

        try:
            result: Result = future.result()
            return result
        except (CancelledError, OSError):  # FutureCancelledError, CommClosedError
            reason = f"lost the connection to the Dask scheduler at {self.address}"
        except KilledWorker:
            reason = "Dask workers died running the same chunk (killed, or out of memory?)"
        raise UnavailableError("scheduler", f"{reason}; {RESUME}") from None

    def close(self) -> None:
        """Disconnect from the scheduler (the cluster keeps running)."""
        with contextlib.suppress(Exception):  # already gone: nothing to disconnect from
            self.client.close(timeout=5)
        self._client_log.setLevel(self._log_level)


def _no_scheduler(address: str, exc: Exception) -> str:
    """Why no Dask scheduler could be used at ``address``, in one line."""
    if isinstance(exc, OSError | TimeoutError):  # refused, unreachable, timed out, no such host
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    else:  # something listens there but does not speak Dask (a web server, another service)
        reason = "what answers there is not a Dask scheduler"
    return f"cannot connect to a Dask scheduler at {address} ({reason})"


def default_workers() -> int:
    """Cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)
