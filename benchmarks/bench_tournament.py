"""Speed of tournaments: matches per second in the iterated prisoner's dilemma.

    .venv/bin/python benchmarks/bench_tournament.py [--repeats 5]

Measures (writes nothing, prints only):

1. the round robin of issue 3: 10 strategies x 200 turns x 5 repetitions, with
   self-play (55 pairings x 5 = 275 matches, 55,000 turns), played side by side
   in one vectorised memory by ``tournament.round_robin``, with and without noise;
2. the same matches played one at a time with ``match.play_match``, for comparison;
3. an STP-game tournament: 3 strategies x 4 organisation types x 2 repetitions of
   the England fortress preset for 20 years (24 model runs).

Timings are the best of ``--repeats`` runs (median in brackets).
"""

from __future__ import annotations

import argparse

from _timing import best_of  # benchmarks/_timing.py: the script's folder is on sys.path

STRATEGIES = [
    "always_cooperate",
    "always_defect",
    "tit_for_tat",
    "generous_tit_for_tat",
    "grim_trigger",
    "win_stay_lose_shift",
    "tit_for_two_tats",
    "suspicious_tit_for_tat",
    "trusted_partners",
    "reinforcement",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--repetitions", type=int, default=5)
    args = parser.parse_args()

    from stpgame.analysis.match import play_match
    from stpgame.analysis.tournament import round_robin, stp_tournament

    k = len(STRATEGIES)
    pairings = k * (k + 1) // 2
    matches = pairings * args.repetitions
    turns = matches * args.turns
    print(
        f"round robin: {k} strategies (self-play included), {args.turns} turns, "
        f"{args.repetitions} repetitions = {matches} matches, {turns:,} turns"
    )
    for noise in (0.0, 0.05):
        best, median = best_of(
            lambda n=noise: round_robin(STRATEGIES, args.turns, args.repetitions, noise=n, seed=1),
            args.repeats,
        )
        print(
            f"  vectorised, noise {noise:<4}: {best:.3f} s ({median:.3f}) -> "
            f"{matches / best:,.0f} matches/s, {turns / best:,.0f} turns/s"
        )

    pairs = [(a, b) for i, a in enumerate(STRATEGIES) for b in STRATEGIES[i:]]

    def one_at_a_time():
        for r in range(args.repetitions):
            for a, b in pairs:
                play_match(a, b, args.turns, seed=r)

    best, median = best_of(one_at_a_time, max(1, args.repeats // 2))
    print(
        f"  one match at a time:     {best:.3f} s ({median:.3f}) -> {matches / best:,.0f} matches/s"
    )

    players = ["always_defect", "always_cooperate", "tit_for_tat"]
    best, median = best_of(
        lambda: stp_tournament(players, "fortress", 20, 2, seed=1), max(1, args.repeats // 2)
    )
    runs = len(players) * 4 * 2
    print(
        f"STP tournament: {len(players)} strategies x 4 types x 2 repetitions, England "
        f"fortress, 20 years = {runs} runs: {best:.2f} s ({median:.2f}) -> {runs / best:.1f} runs/s"
    )


if __name__ == "__main__":
    main()
