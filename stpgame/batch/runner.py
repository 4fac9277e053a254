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

import math
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass

MAX_CHUNK = 25
CHUNKS_PER_WORKER = 8


@dataclass(frozen=True)
class Job:
    """A chunk of runs to play: everything a worker needs, small enough to pickle cheaply."""

    scenario: str | None
    rounds: int
    model_outputs: tuple[str, ...]
    by_type: tuple[str, ...]
    runs: tuple[tuple[int, int, dict], ...]  # (run index, seed, parameter overrides)

    @property
    def first(self) -> int:
        return self.runs[0][0]

    @property
    def last(self) -> int:
        return self.runs[-1][0]


@dataclass
class Result:
    """A finished chunk: its run indices, one row per run per round, and compute seconds."""

    first: int
    last: int
    table: object  # pandas.DataFrame
    seconds: float


def simulate(job: Job, run: int, seed: int, overrides: dict):
    """Play one run and return its kept outputs, one row per round."""
    import pandas as pd

    from stpgame.model import STPModel
    from stpgame.params import ORG_TYPES

    model = STPModel(seed=seed, scenario=job.scenario, **overrides).run(job.rounds)
    table = model.model_dataframe()[["round", *job.model_outputs]]
    if job.by_type:
        org = model.org_dataframe()
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
    table.insert(0, "run", run)
    return table


def run_job(job: Job) -> Result:
    """Play every run of a chunk (this is what a worker executes)."""
    import pandas as pd

    started = time.perf_counter()
    tables = [simulate(job, run, seed, overrides) for run, seed, overrides in job.runs]
    table = pd.concat(tables, ignore_index=True)
    table = table.astype({"run": "int64", "round": "int64"})
    floats = [c for c in table.columns if c not in ("run", "round")]
    table[floats] = table[floats].astype("float64")
    return Result(job.first, job.last, table, time.perf_counter() - started)


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


def make_jobs(experiment, groups: list[list[int]]) -> list[Job]:
    return [
        Job(
            experiment.scenario,
            experiment.rounds,
            experiment.model_outputs,
            experiment.by_type,
            tuple((r, experiment.seed(r), experiment.overrides(r)) for r in group),
        )
        for group in groups
    ]


# --- engines ------------------------------------------------------------------------------
def _quiet_worker() -> None:
    """Pool worker start-up: leave Ctrl-C to the parent, and import the model once."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import stpgame.model  # noqa: F401


class LocalEngine:
    """``workers`` = 1 plays in this process; more use a reused pool of spawned processes.

    "spawn" is what Mesa sets for the whole program anyway (mesa.batchrunner) and
    is the only start method that is safe on every platform.
    """

    def __init__(self, workers: int):
        self.workers = workers
        self.description = {"engine": "local", "workers": workers}
        self._pool = None

    def start(self) -> None:
        if self.workers > 1 and self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_quiet_worker,
            )

    def capacity(self) -> int:
        return self.workers

    def run(self, jobs: list[Job]) -> Iterator[Result]:
        if self.workers == 1:
            for job in jobs:
                yield run_job(job)
            return
        from concurrent.futures import as_completed

        self.start()
        futures = [self._pool.submit(run_job, job) for job in jobs]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.cancel()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class DaskEngine:
    """Runs chunks on a Dask distributed cluster (``dask scheduler`` + ``dask worker``)."""

    def __init__(self, address: str, timeout: float = 10.0):
        try:
            from dask.distributed import Client
        except ImportError:  # pragma: no cover - dask is in the experiments extra
            from stpgame.cli import UsageError

            raise UsageError("--scheduler needs Dask: pip install 'stpgame[experiments]'") from None
        from stpgame.cli import UsageError

        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise UsageError(
                f"--scheduler {address}: cannot connect to a Dask scheduler ({exc})"
            ) from None
        self.address = address
        threads = sum(self.client.nthreads().values())
        self.description = {"engine": "dask", "scheduler": address, "worker_threads": threads}

    def start(self) -> None:
        pass

    def capacity(self) -> int:
        return max(1, sum(self.client.nthreads().values()))

    def run(self, jobs: list[Job]) -> Iterator[Result]:
        from dask.distributed import as_completed

        futures = self.client.map(run_job, jobs, pure=False)
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            self.client.cancel(futures)

    def close(self) -> None:
        self.client.close()


def default_workers() -> int:
    """Cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)
