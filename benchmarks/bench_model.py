"""Speed of the core model, with Mesa's own pd_grid example measured in the same run.

    .venv/bin/python benchmarks/bench_model.py [--repeats 5]

Reports: the England preset (566 organisations, 44 footprints) for 40 rounds with
data collection — wall time per run, milliseconds per round and organisation-rounds
per second — next to pd_grid (50x50 = 2,500 agents, Random activation) in
agent-steps per second, plus the time of ``import stpgame`` in a fresh interpreter.
Targets (issue 2): >= 5x pd_grid's rate, < 20 ms per England round, import < 1.5 s.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from _timing import best_of  # benchmarks/_timing.py: the script's folder is on sys.path


def import_time(statement: str, repeats: int) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    runs = [
        float(
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(repeats)
    ]
    return min(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument(
        "--interleave", type=int, default=5, help="rounds of the interleaved CPU-time ratio"
    )
    args = parser.parse_args()

    from mesa.examples.advanced.pd_grid.model import PdGrid

    from stpgame import STPModel

    rounds = args.rounds
    n_orgs = STPModel.from_scenario("fortress", seed=0).structure.n

    def england():
        m = STPModel.from_scenario("fortress", seed=1).run(rounds)
        m.model_dataframe(), m.org_dataframe()

    def england_steps_only():
        m = STPModel.from_scenario("fortress", seed=1)
        t = time.perf_counter()
        m.run(rounds)
        return time.perf_counter() - t

    def pd_grid():
        PdGrid(width=50, height=50, seed=1).run(rounds)

    eng_best, eng_med = best_of(england, args.repeats)
    step_times = [england_steps_only() for _ in range(args.repeats)]
    pd_best, pd_med = best_of(pd_grid, max(1, args.repeats // 2))
    eng_rate = n_orgs * rounds / eng_best
    pd_rate = 2500 * rounds / pd_best
    # The ratio again, in CPU time, the two interleaved so both see the same load.
    eng_cpu, pd_cpu = [], []
    for _ in range(args.interleave):
        for _ in range(5):
            t = time.process_time()
            england()
            eng_cpu.append(time.process_time() - t)
        t = time.process_time()
        pd_grid()
        pd_cpu.append(time.process_time() - t)
    per_round_ms = min(step_times) / rounds * 1000
    imp = import_time("import stpgame", args.repeats)
    imp_model = import_time("from stpgame import STPModel", args.repeats)

    print(f"England preset: {n_orgs} organisations x {rounds} rounds, data collection on")
    print(
        f"  wall time per run (build + run + tables): best {eng_best:.3f} s, median {eng_med:.3f} s"
    )
    print(f"  per round (stepping only): {per_round_ms:.2f} ms")
    print(
        f"  organisation-rounds per second: {eng_rate:,.0f} (whole run); "
        f"{n_orgs / (per_round_ms / 1000):,.0f} (stepping only)"
    )
    print(
        f"pd_grid 50x50 (Mesa {__import__('mesa').__version__}), {rounds} steps: "
        f"best {pd_best:.3f} s, median {pd_med:.3f} s"
    )
    print(f"  agent-steps per second: {pd_rate:,.0f}")
    print(f"ratio stpgame / pd_grid: {eng_rate / pd_rate:.1f}x (target >= 5x)")
    if eng_cpu:
        ratio = n_orgs * min(pd_cpu) / (2500 * min(eng_cpu))
        print(
            f"interleaved, CPU time ({args.interleave} x [5 England runs, 1 pd_grid]): England "
            f"best {min(eng_cpu) * 1000:.1f} ms, pd_grid best {min(pd_cpu):.3f} s, "
            f"ratio {ratio:.1f}x"
        )
    print(
        f"import stpgame: {imp:.3f} s; from stpgame import STPModel (loads Mesa): {imp_model:.3f} s"
    )


if __name__ == "__main__":
    main()
