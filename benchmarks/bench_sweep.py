"""Sweep throughput: runs per second with 1 and 2 local workers and on a local Dask cluster.

    .venv/bin/python benchmarks/bench_sweep.py              # 1,000 England runs of 5 rounds
    .venv/bin/python benchmarks/bench_sweep.py --runs 200   # quicker

Each configuration runs the same experiment (the fortress preset: all 44 England
footprints, 594 organisations) into a fresh folder, timed end to end as a user
sees it: pool start-up, runs, part files, consolidation and manifest. The Dask
cluster (2 worker processes, 1 thread each) is started before the clock starts,
as a researcher's cluster would already be running; its start-up is printed
separately. Results must be identical in every configuration (checked).
"""

from __future__ import annotations

import argparse
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask cluster")
    args = parser.parse_args()

    import pandas as pd

    import stpgame.model  # noqa: F401  (the 1-worker case then pays no import inside the clock)

    tmp = Path(tempfile.mkdtemp(prefix="bench_sweep."))
    path = tmp / "bench.toml"
    path.write_text(EXPERIMENT.format(rounds=args.rounds, runs=args.runs))
    rows = []
    for workers in (1, 2):
        seconds = timed_sweep(path, tmp / f"local{workers}", workers=workers)
        rows.append(("local pool", workers, seconds))
    dask_start = None
    if not args.no_dask:
        from distributed import LocalCluster

        started = time.perf_counter()
        with LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster:
            dask_start = time.perf_counter() - started
            seconds = timed_sweep(path, tmp / "dask", scheduler=cluster.scheduler_address)
        rows.append(("Dask LocalCluster", 2, seconds))

    reference = pd.read_parquet(tmp / "local1" / "runs.parquet")
    for name in ["local2"] + ([] if args.no_dask else ["dask"]):
        pd.testing.assert_frame_equal(reference, pd.read_parquet(tmp / name / "runs.parquet"))

    base = rows[0][2]
    print(
        f"{args.runs} runs x {args.rounds} rounds, England (594 organisations); results identical"
    )
    print(f"{'engine':<18} {'workers':>7} {'seconds':>8} {'runs/s':>8} {'speed-up':>9}")
    for engine, workers, seconds in rows:
        print(
            f"{engine:<18} {workers:>7} {seconds:>8.2f} {args.runs / seconds:>8.1f} "
            f"{base / seconds:>8.2f}x"
        )
    print(f"2-worker pool start-up (spawn + import model): {pool_startup(2):.2f} s")
    if dask_start is not None:
        print(f"Dask LocalCluster start-up (not timed above): {dask_start:.2f} s")
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
