"""Sweep throughput: runs per second with 1 and 2 local workers and on a local Dask cluster.

    .venv/bin/python benchmarks/bench_sweep.py              # 1,000 England runs of 5 rounds
    .venv/bin/python benchmarks/bench_sweep.py --runs 200   # quicker

Each configuration runs the same experiment (the fortress preset: all 44 England
footprints, 566 organisations) into a fresh folder, timed end to end as a user
sees it: pool start-up, runs, part files, consolidation and manifest. The Dask
cluster (2 worker processes, 1 thread each) is started before the clock starts,
as a researcher's cluster would already be running; its start-up is printed
separately. Results must be identical in every configuration (checked).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

EXPERIMENT = """
[experiment]
title = "benchmark: short England runs"
scenario = "fortress"
rounds = {rounds}
replications = {runs}
base_seed = 7
"""


def timed_sweep(path: Path, out: Path, **engine) -> float:
    from stpgame.batch import run_sweep

    started = time.perf_counter()
    run_sweep(path, out, quiet=True, **engine)
    return time.perf_counter() - started


def pool_startup(workers: int) -> float:
    """Seconds until ``workers`` spawned processes have imported the model."""
    from stpgame.batch.runner import LocalEngine, _quiet_worker

    engine = LocalEngine(workers)
    started = time.perf_counter()
    engine.start()
    for future in [engine._pool.submit(_quiet_worker) for _ in range(workers)]:
        future.result()
    took = time.perf_counter() - started
    engine.close()
    return took


def _spin(_: int = 0) -> float:
    """A pure-CPU loop (no memory traffic), timed."""
    started = time.perf_counter()
    x = 0
    for i in range(5_000_000):
        x += i
    return time.perf_counter() - started


def machine_ceiling() -> float:
    """How much faster two processes finish two CPU loops than one process: the
    best 2-worker speed-up this machine allows (2.0 on two real, idle cores)."""
    from concurrent.futures import ProcessPoolExecutor

    alone = min(_spin() for _ in range(2))
    with ProcessPoolExecutor(2) as pool:
        list(pool.map(_spin, range(2)))  # warm the workers
        started = time.perf_counter()
        list(pool.map(_spin, range(2)))
        together = time.perf_counter() - started
    return 2 * alone / together


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3, help="timings per configuration")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask cluster")
    args = parser.parse_args()

    import shutil
    import statistics
    from contextlib import nullcontext

    import pandas as pd

    import stpgame.core.model  # noqa: F401  (the 1-worker case then pays no import inside the clock)

    load = os.getloadavg()
    tmp = Path(tempfile.mkdtemp(prefix="bench_sweep."))
    path = tmp / "bench.toml"
    path.write_text(EXPERIMENT.format(rounds=args.rounds, runs=args.runs))
    configs = [("local pool", 1, {"workers": 1}), ("local pool", 2, {"workers": 2})]
    dask_start, cluster = None, nullcontext()
    if not args.no_dask:
        from distributed import LocalCluster

        started = time.perf_counter()
        cluster = LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
        dask_start = time.perf_counter() - started
        configs.append(("Dask LocalCluster", 2, {"scheduler": cluster.scheduler_address}))
    times: dict[int, list[float]] = {k: [] for k in range(len(configs))}
    reference = None
    with cluster:
        for rep in range(args.repeat):  # interleaved, so a burst of other load hits every row
            for k, (_, _, engine) in enumerate(configs):
                out = tmp / f"run{k}-{rep}"
                times[k].append(timed_sweep(path, out, **engine))
                result = pd.read_parquet(out / "runs.parquet")
                if reference is None:
                    reference = result
                pd.testing.assert_frame_equal(reference, result)
                shutil.rmtree(out)

    best1 = min(times[0])
    print(
        f"{args.runs} runs x {args.rounds} rounds, England (566 organisations); "
        f"results identical in every row; best and median of {args.repeat}"
    )
    print(
        f"machine: {os.cpu_count()} cores; load average {load[0]:.2f} at start, "
        f"{os.getloadavg()[0]:.2f} at end (other work on the machine slows the parallel rows most)"
    )
    print(
        f"{'engine':<18} {'workers':>7} {'best s':>7} {'median s':>9} {'runs/s':>7} {'speed-up':>9}"
    )
    for k, (name, workers, _) in enumerate(configs):
        best, median = min(times[k]), statistics.median(times[k])
        print(
            f"{name:<18} {workers:>7} {best:>7.2f} {median:>9.2f} {args.runs / best:>7.1f} "
            f"{best1 / best:>8.2f}x"
        )
    print(f"2-worker pool start-up (spawn + import model): {pool_startup(2):.2f} s")
    print(
        f"this machine's ceiling for 2 processes (pure-CPU loop, 2 in parallel vs 1): "
        f"{machine_ceiling():.2f}x"
    )
    if dask_start is not None:
        print(f"Dask LocalCluster start-up (not timed above): {dask_start:.2f} s")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
