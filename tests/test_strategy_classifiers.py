"""Each strategy's declared classifier is true, as the Axelrod library's test suite checks.

``memory_depth`` d: after any two histories that agree on their last d rounds
(own and partner moves), the strategy makes the same next move given the same
random numbers; d = 0 means it ignores history, ``float("inf")`` claims no bound.
The declared depth is also the least one: for a finite d >= 1 some two histories
agreeing on their last d - 1 rounds lead to different moves, and for ``inf`` some
agreeing on their last ``INF_PROBE`` rounds do. Histories are random, of random
lengths, with each match's cooperation rate drawn at random so that long runs of
one move occur too. Each claim is checked under the default parameters and under
``OTHER_PARAMS``: with Axelrod's payoffs and full weight on foregone payoffs,
reinforcement learning withholds after any history (pooling never pays more than
withholding in a prisoner's dilemma), so only pure reinforcement shows its long memory.

``stochastic``: a deterministic strategy plays the same moves whatever the seed;
a stochastic one plays differently under some seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from strategy_harness import moves_text, play_scripts

from stpgame.strategies import REGISTRY

NAMES = list(REGISTRY)
TRIALS = 8  # pairs of history lengths tried per check
MATCHES = 200  # pairs of histories per trial
EXTRA = 6  # histories are up to this many rounds longer than the depth checked
INF_PROBE = 3
OTHER_PARAMS = {"foregone_weight": 0.0, "trust_loss": 0.1}
PARAM_SETS = [{}, OTHER_PARAMS]


@dataclass
class Counterexample:
    own: tuple[str, str]
    partner: tuple[str, str]
    moves: tuple[bool, bool]

    def __str__(self) -> str:
        return (
            f"own {self.own[0]!r} vs partner {self.partner[0]!r} -> {'CD'[not self.moves[0]]}; "
            f"own {self.own[1]!r} vs partner {self.partner[1]!r} -> {'CD'[not self.moves[1]]}"
        )


def random_moves(rng: np.random.Generator, matches: int, rounds: int) -> np.ndarray:
    """Random moves, each match (row) cooperating at its own random rate."""
    return rng.random((matches, rounds)) < rng.random((matches, 1))


def depth_counterexample(
    name: str, depth: int, params: dict, seed: int = 0
) -> Counterexample | None:
    """Two histories agreeing on their last ``depth`` rounds after which ``name`` moves
    differently (with the same random numbers and ``params``), or None if none was found."""
    rng = np.random.default_rng(seed)
    for trial in range(TRIALS):
        shared_own = random_moves(rng, MATCHES, depth)
        shared_partner = random_moves(rng, MATCHES, depth)
        decision_turn = random_moves(rng, MATCHES, 1)  # partner's move then: not yet seen
        runs = []
        for extra in rng.integers(0, EXTRA + 1, size=2):
            own = np.hstack([random_moves(rng, MATCHES, extra), shared_own])
            partner = np.hstack([random_moves(rng, MATCHES, extra), shared_partner])
            moves = play_scripts(
                name, np.hstack([partner, decision_turn]), forced=own, seed=trial, params=params
            )
            runs.append((own, partner, moves[:, -1]))
        (own_a, partner_a, next_a), (own_b, partner_b, next_b) = runs
        differ = np.flatnonzero(next_a != next_b)
        if differ.size:
            k = differ[0]
            return Counterexample(
                (moves_text(own_a[k]), moves_text(own_b[k])),
                (moves_text(partner_a[k]), moves_text(partner_b[k])),
                (bool(next_a[k]), bool(next_b[k])),
            )
    return None


@pytest.mark.parametrize("params", PARAM_SETS, ids=["defaults", "other"])
@pytest.mark.parametrize("name", NAMES)
def test_declared_memory_depth_is_enough(name, params):
    depth = REGISTRY[name].classifier["memory_depth"]
    if depth == float("inf"):
        return  # no claim to check
    found = depth_counterexample(name, int(depth), params)
    assert found is None, f"{name} declares memory depth {depth} but: {found}"


@pytest.mark.parametrize("name", NAMES)
def test_declared_memory_depth_is_needed(name):
    depth = REGISTRY[name].classifier["memory_depth"]
    if depth == 0:
        return  # nothing smaller to compare with
    shorter = INF_PROBE if depth == float("inf") else int(depth) - 1
    found = [depth_counterexample(name, shorter, params) for params in PARAM_SETS]
    assert any(found), (
        f"{name} declares memory depth {depth}, but looking back {shorter} rounds was enough"
    )


@pytest.mark.parametrize("name", NAMES)
def test_declared_stochastic_is_true(name):
    partner = random_moves(np.random.default_rng(1), MATCHES, 20)
    first, *others = (play_scripts(name, partner, seed=seed) for seed in range(6))
    differs = any((moves != first).any() for moves in others)
    assert differs == REGISTRY[name].classifier["stochastic"], (
        f"{name} declares stochastic={REGISTRY[name].classifier['stochastic']}, "
        f"but its moves {'differ' if differs else 'never differ'} between seeds"
    )


def test_trusted_partners_remembers_more_than_the_last_round():
    """Both histories end in mutual pooling, but trust is built over all of them
    (network.Relationships.update: +0.15 (1 - t) after mutual pooling, -0.3 t when one
    withholds on the other): after being let down once and then pooling together,
    trust is 0.5 -> 0.35 -> 0.4475 < 0.45, so it withholds; after pooling together
    twice it is 0.639 and it pools. Hence memory depth inf, not 1."""
    own = np.array([[True, True], [True, True]])
    partner = np.array([[False, True, True], [True, True, True]])
    moves = play_scripts("trusted_partners", partner, forced=own)
    assert moves_text(moves[:, -1]) == "DC"
    assert REGISTRY["trusted_partners"].classifier["memory_depth"] == float("inf")


def test_forced_history_is_played_and_then_the_strategy_decides():
    own = np.array([[False, False, True]])
    partner = np.array([[True, False, True, True, True]])
    moves = play_scripts("tit_for_tat", partner, forced=own)
    assert moves_text(moves[0]) == "DDC" + "CC"  # forced, then tit for tat copies C, C
