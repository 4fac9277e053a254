"""Memory of many models played one after another in one process (a notebook's loop).

    .venv/bin/python benchmarks/bench_memory_one_process.py                # 10,000 models
    .venv/bin/python benchmarks/bench_memory_one_process.py --models 3000 --no-release

England (the fortress preset, 44 footprints, 566 organisations), ``--rounds`` years each
(default 5, as bench_sweep_scale.py), each model's yearly table kept as a researcher's loop
would keep numbers, the model dropped. With the documented pattern
(``stpgame.batch.release_memory()`` every ``--every`` models: gc + glibc malloc_trim) the
resident memory (RSS, /proc/self/statm) is measured after a warm-up of ``--warm`` models
and at the end. Target (issue 20): 10,000 models grow RSS by under 50 MB. ``--no-release``
shows the loop without it (issue 20 measured ~31 KB a model: 324 -> 611 MB at 10,000).
"""

from __future__ import annotations

import argparse
import gc
import os
import time


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warm", type=int, default=200)
    parser.add_argument("--every", type=int, default=100)
    parser.add_argument("--no-release", action="store_true")
    args = parser.parse_args()

    from stpgame import STPModel
    from stpgame.batch import release_memory

    kept = []

    def play(seed: int) -> None:
        model = STPModel.from_scenario("fortress", seed=seed).run(args.rounds)
        kept.append(float(model.model_dataframe()["cooperation_rate"].iloc[-1]))
        del model

    for seed in range(args.warm):
        play(seed)
    gc.collect()
    if not args.no_release:
        release_memory()
    before = rss_mb()
    started = time.perf_counter()
    marks = []
    for i in range(args.models):
        play(args.warm + i)
        if not args.no_release and i % args.every == args.every - 1:
            release_memory()
        if (i + 1) % max(1, args.models // 5) == 0:
            marks.append((i + 1, rss_mb()))
    gc.collect()
    if not args.no_release:
        release_memory()
    after = rss_mb()
    took = time.perf_counter() - started
    pattern = "none" if args.no_release else f"release_memory() every {args.every} models"
    print(
        f"{args.models:,} England models x {args.rounds} rounds in one process "
        f"({pattern}): {took:.0f} s, {args.models / took:.0f} models/s"
    )
    print(
        f"RSS after {args.warm} warm-up models {before:.0f} MB, after {args.models:,} more "
        f"{after:.0f} MB: grew {after - before:+.0f} MB (target < 50 MB)"
    )
    print("RSS along the way (models: MB): " + ", ".join(f"{n:,}: {m:.0f}" for n, m in marks))


if __name__ == "__main__":
    main()
