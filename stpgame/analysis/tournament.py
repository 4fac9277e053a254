"""Round-robin tournaments of the model's strategies, in the iterated
prisoner's dilemma and inside the STP game.

**Iterated PD** (Axelrod 1980, 1984): every strategy meets every other and,
as in Axelrod's tournaments, a copy of itself (``self_play``), ``repetitions``
times. Each match gives each side its score per turn; ``matrix[i, j]`` is the
mean score per turn of i against j (self-play averages both copies), and the
ranking orders strategies by the mean of their row, i.e. every opponent
weighs the same. The standard error is over repetitions. All matches are
played side by side from one seeded generator (``match.play_matches``).

**STP game**: for each strategy X and each organisation type, every body of
that type plays X while the other types keep the scenario's own mix; the
model runs ``rounds`` years and X earns the mean payoff (what strategies
learn from: the appraised payoff, a share of income) of the bodies playing it. X's
score is the mean over types and repetitions; every strategy faces the same
seeds (common random numbers), so differences come from the strategy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from stpgame.analysis.inputs import check_count, check_probability, check_strategies
from stpgame.analysis.match import MAX_TURNS, check_game, play_matches
from stpgame.analysis.stage_game import AXELROD_PAYOFFS, StageGame
from stpgame.core.params import ORG_TYPES, ParameterError, check_seed

MAX_REPETITIONS = 10_000


@dataclass
class TournamentResult:
    """``ranking`` (best first), ``matrix`` (row's mean score per turn against column)
    and ``matches`` (one row per match played)."""

    ranking: pd.DataFrame
    matrix: pd.DataFrame
    matches: pd.DataFrame
    settings: dict

    def report(self) -> str:
        """What was played, then the ranking as a table."""
        s = self.settings
        if s["game"] == "pd":
            head = (
                f"Round robin ({'with' if s['self_play'] else 'without'} self-play): "
                f"{len(s['strategies'])} strategies, {s['turns']} turns, "
                f"{s['repetitions']} repetitions, noise {s['noise']:g}, "
                f"payoffs {','.join(f'{x:g}' for x in s['payoffs'])}, "
                f"seed {s['seed']}; ranked by mean score per turn"
            )
        else:
            head = (
                f"STP tournament in '{s['scenario']}': each strategy played by every "
                f"{'/'.join(s['org_types'])} body in turn, {s['rounds']} years, "
                f"{s['repetitions']} repetitions, seed {s['seed']}; ranked by the mean payoff "
                f"(judged result per £ of budget) of the bodies playing it"
            )
        table = self.ranking.to_string(index=False, float_format=lambda x: f"{x:.4f}")
        return f"{head}\n{table}"


def seeds_for(seed: int | None, n: int) -> list[int]:
    """``n`` independent whole-number seeds derived from one (fresh entropy if None)."""
    state = np.random.SeedSequence(seed).generate_state(n, dtype=np.uint32)
    return [int(s) for s in state]


def round_robin(
    players: list[str],
    turns: int = 200,
    repetitions: int = 5,
    *,
    noise: float = 0.0,
    continuation: float | None = None,
    payoffs: StageGame | tuple | str = AXELROD_PAYOFFS,
    seed: int | None = None,
    self_play: bool = True,
    params: dict | None = None,
) -> TournamentResult:
    """A round robin of ``players`` in the iterated game, ranked by mean score per turn."""
    players = check_strategies(players, "strategies", minimum=1 if self_play else 2)
    turns = check_count(turns, "turns", MAX_TURNS)
    repetitions = check_count(repetitions, "repetitions", MAX_REPETITIONS)
    noise = check_probability(noise, "noise")
    if continuation is not None:
        continuation = check_probability(continuation, "continuation")
    game = check_game(payoffs)
    seed = check_seed(seed)
    k = len(players)
    index_pairs = [(i, j) for i in range(k) for j in range(i if self_play else i + 1, k)]
    pairs = [(players[i], players[j]) for i, j in index_pairs] * repetitions
    batch = play_matches(
        pairs, turns, game, np.random.default_rng(seed), noise, continuation, params
    )
    per_turn = batch.scores() / batch.lengths[:, None]
    coop = batch.cooperations() / batch.lengths[:, None]

    # score[r, i, j]: i's mean score per turn against j in repetition r
    score = np.zeros((repetitions, k, k))
    coop_rate = np.zeros((repetitions, k, k))
    for m, (i, j) in enumerate(index_pairs * repetitions):
        r = m // len(index_pairs)
        if i == j:
            score[r, i, i] = per_turn[m].mean()
            coop_rate[r, i, i] = coop[m].mean()
        else:
            score[r, i, j], score[r, j, i] = per_turn[m]
            coop_rate[r, i, j], coop_rate[r, j, i] = coop[m]
    opponents = np.ones((k, k), bool)
    if not self_play:
        np.fill_diagonal(opponents, False)
    by_rep = np.where(opponents, score, 0.0).sum(axis=2) / opponents.sum(axis=1)
    coop_by = np.where(opponents, coop_rate, 0.0).sum(axis=2) / opponents.sum(axis=1)
    se = by_rep.std(axis=0, ddof=1) / np.sqrt(repetitions) if repetitions > 1 else np.zeros(k)
    ranking = pd.DataFrame(
        {
            "strategy": players,
            "score_per_turn": by_rep.mean(axis=0),
            "se": se,
            "cooperation_rate": coop_by.mean(axis=0),
        }
    )
    ranking = _ranked(ranking, "score_per_turn")
    matrix = pd.DataFrame(score.mean(axis=0), index=players, columns=players)
    if not self_play:
        np.fill_diagonal(matrix.values, np.nan)
    matches = pd.DataFrame(
        {
            "repetition": np.repeat(np.arange(repetitions), len(index_pairs)),
            "player_a": [a for a, _ in pairs],
            "player_b": [b for _, b in pairs],
            "turns": batch.lengths,
            "score_a": batch.scores()[:, 0],
            "score_b": batch.scores()[:, 1],
            "cooperations_a": batch.cooperations()[:, 0],
            "cooperations_b": batch.cooperations()[:, 1],
        }
    )
    settings = {
        "game": "pd",
        "strategies": players,
        "turns": turns,
        "repetitions": repetitions,
        "noise": noise,
        "continuation": continuation,
        "payoffs": list(game.as_tuple()),
        "seed": seed,
        "self_play": self_play,
    }
    return TournamentResult(ranking, matrix, matches, settings)


def _ranked(df: pd.DataFrame, by: str) -> pd.DataFrame:
    df = df.sort_values(by, ascending=False, kind="stable").reset_index(drop=True)
    df.insert(0, "rank", np.arange(1, len(df) + 1))
    return df


def check_org_types(org_types: object) -> list[str]:
    """Organisation type names from ``params.ORG_TYPES``."""
    if isinstance(org_types, str) or not hasattr(org_types, "__iter__"):
        raise ParameterError("org_types", "a list from " + ", ".join(ORG_TYPES), org_types)
    out = list(org_types)
    bad = [t for t in out if t not in ORG_TYPES]
    if bad or not out or len(set(out)) != len(out):
        raise ParameterError("org_types", "distinct names from " + ", ".join(ORG_TYPES), org_types)
    return out


def stp_tournament(
    players: list[str],
    scenario: str = "fortress",
    rounds: int = 20,
    repetitions: int = 3,
    *,
    org_types: list[str] | tuple[str, ...] = ORG_TYPES,
    seed: int | None = None,
    overrides: dict | None = None,
) -> TournamentResult:
    """Rank strategies by the mean payoff of the bodies playing them inside ``scenario``.

    ``matrix`` holds each strategy's mean payoff by organisation type;
    ``matches`` one row per (strategy, type, repetition) run with the focal
    bodies' payoff, regulatory score and cooperation rate and the system's
    collective welfare (£m per year).
    """
    from stpgame.core.model import STPModel

    players = check_strategies(players, "strategies")
    rounds = check_count(rounds, "rounds", 1000)
    repetitions = check_count(repetitions, "repetitions", MAX_REPETITIONS)
    types = check_org_types(org_types)
    seed = check_seed(seed)
    overrides = dict(overrides or {})
    STPModel.from_scenario(scenario, seed=0, **overrides)  # checks scenario and overrides first
    seeds = seeds_for(seed, repetitions)
    rows = []
    for name in players:
        for t in types:
            for r, s in enumerate(seeds):
                model = STPModel.from_scenario(
                    scenario, seed=s, **{**overrides, f"strategy_{t}": name}
                ).run(rounds)
                orgs = model.org_dataframe()
                focal = orgs[orgs["org_type"] == t]
                rows.append(
                    {
                        "strategy": name,
                        "org_type": t,
                        "repetition": r,
                        "seed": s,
                        "payoff": float(focal["payoff"].mean()),
                        "score": float(focal["score"].mean()),
                        "cooperation_rate": float(focal["pooled"].mean()),
                        "collective_welfare": float(
                            model.model_dataframe()["collective_welfare"].mean()
                        ),
                    }
                )
    runs = pd.DataFrame(rows)
    per_rep = runs.groupby(["strategy", "repetition"], sort=False)[
        ["payoff", "score", "cooperation_rate", "collective_welfare"]
    ].mean()
    grouped = per_rep.groupby(level="strategy", sort=False)
    ranking = grouped.mean().reset_index()
    ranking.insert(2, "se", grouped["payoff"].sem(ddof=1).fillna(0.0).to_numpy())
    ranking = _ranked(ranking, "payoff")
    matrix = runs.pivot_table(index="strategy", columns="org_type", values="payoff", sort=False)
    settings = {
        "game": "stp",
        "strategies": players,
        "scenario": scenario,
        "rounds": rounds,
        "repetitions": repetitions,
        "org_types": types,
        "seed": seed,
        "overrides": overrides,
    }
    return TournamentResult(ranking, matrix, runs, settings)
