"""A sweep at research scale: 10,000 short England runs, runs per second and peak memory.

    .venv/bin/python benchmarks/bench_sweep_scale.py                  # 10,000 runs, 2 workers
    .venv/bin/python benchmarks/bench_sweep_scale.py --runs 100000    # issue 20's scale
    .venv/bin/python benchmarks/bench_sweep_scale.py --runs 2000 --workers 1

One sweep of the fortress preset (all 44 England footprints, 566 organisations) into a
fresh folder, timed end to end as a user sees it (pool start-up, runs, part files,
consolidation, manifest). A thread samples the resident memory (RSS) of this process and
every process under it (the worker pool) every 0.1 s from /proc (Linux) and reports the
peak of their sum, with each process's own peak. Targets (issue 20): 100,000 runs in under
15 minutes on 2 cores with a peak under 1.2 GB (workers trim the allocator after each chunk,
the final merge streams), and the sweep's own estimate (printed before it starts, from a
warm chunk) within a factor of 1.5 of the time taken. The 1 vs 2 worker speed-up on a
smaller sweep is ``benchmarks/bench_sweep.py``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

EXPERIMENT = """
[experiment]
title = "benchmark: research-scale sweep"
scenario = "fortress"
rounds = {rounds}
replications = {runs}
base_seed = 11
"""


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0


def _children(pid: int) -> list[int]:
    """Every process under ``pid`` (read from /proc/<pid>/task/*/children)."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                kids = [int(k) for k in (task / "children").read_text().split()]
            except (FileNotFoundError, ProcessLookupError):
                continue
            found += kids
            todo += kids
    return found


class PeakMemory(threading.Thread):
    """Samples the RSS of this process tree until stopped; keeps the peak of the sum."""

    def __init__(self, every: float = 0.1):
        super().__init__(daemon=True)
        self.every, self.peak, self.samples = every, 0, 0
        self.peak_each: dict[int, int] = {}
        self._stop_event = threading.Event()

    def run(self) -> None:
        me = os.getpid()
        while not self._stop_event.is_set():
            pids = [me, *_children(me)]
            sizes = {p: _rss_bytes(p) for p in pids}
            self.peak = max(self.peak, sum(sizes.values()))
            for p, size in sizes.items():
                self.peak_each[p] = max(self.peak_each.get(p, 0), size)
            self.samples += 1
            self._stop_event.wait(self.every)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    from stpgame.batch import run_sweep

    tmp = Path(tempfile.mkdtemp(prefix="bench_scale."))
    path = tmp / "scale.toml"
    path.write_text(EXPERIMENT.format(rounds=args.rounds, runs=args.runs))
    load = os.getloadavg()[0]
    monitor = PeakMemory()
    before = _rss_bytes(os.getpid())
    monitor.start()
    started = time.perf_counter()
    report = run_sweep(path, tmp / "out", workers=args.workers, quiet=True)
    took = time.perf_counter() - started
    monitor.stop()
    mb = 1024**2
    print(
        f"{args.runs:,} England runs x {args.rounds} rounds on {args.workers} worker(s): "
        f"{took:.1f} s ({took / 60:.1f} min), {args.runs / took:.1f} runs/s"
    )
    estimate = report.estimate_s or float("nan")
    print(
        f"the sweep's estimate before it started: {estimate:.0f} s; took/estimate = "
        f"{took / estimate:.2f} (target within 1.5x either way)"
    )
    print(
        f"peak RSS of all processes: {monitor.peak / mb:,.0f} MB (target < 1,229 MB = 1.2 GB); "
        f"main process {before / mb:.0f} MB before the sweep; {monitor.samples} samples"
    )
    each = sorted(monitor.peak_each.values(), reverse=True)
    print("peak RSS per process (MB): " + ", ".join(f"{v / mb:.0f}" for v in each[:6]))
    print(f"load average {load:.2f} at start, {os.getloadavg()[0]:.2f} at end")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
