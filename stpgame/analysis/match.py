"""Iterated two-player matches played by the model's own strategies.

The strategies are the ones organisations use (``stpgame.strategies``),
driven exactly as the model drives them: an ``Observation`` holds both players, each
turn the game asks ``decide`` (a level of 0.5 or more is cooperating), applies mistakes
(``noise``), pays out the stage game, then ``record``s the turn and gives each player the
published payoffs' verdict on cooperating against the opponent's visible move (the
"estimate" learners learn from). With one partner, the partners' level is the opponent's
last move.

Many matches are played side by side in one memory (players 2k and 2k + 1
meet in match k), so a whole tournament is a few hundred vectorised turns.
Per match:

- ``trusted_partners``: one relationship whose trust starts at
  ``initial_trust`` (0.5, the "reasonable" level most organisations reported,
  [002]) and moves by the model's own rule (``network.Relationships.update``:
  + trust_gain (1 - t) when both pool, - trust_loss t when one withholds on the other,
  - trust_decay t when neither pools; defaults from
  params.py). The cultural barrier does not apply (same sector).
- ``imitation``: the peer is the opponent (its last move, and how that move worked for it).
- ``generous_tit_for_tat``: forgives with Nowak & Sigmund's (1992) best
  generosity for the payoffs (1/3 for Axelrod's), see ``gtft_generosity``.
- Match length: ``turns``, or with ``continuation`` W a geometric number of
  turns (another turn follows with probability W; Axelrod 1984 used w = 0.99654
  in the second tournament), capped at ``turns``. Lengths are drawn first,
  then turns are played, all from one seeded generator.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stpgame import strategies
from stpgame.analysis.inputs import check_count, check_probability, check_strategy
from stpgame.analysis.stage_game import AXELROD_PAYOFFS, StageGame, gtft_generosity
from stpgame.core.network import TRUST_LEVELS, Relationships
from stpgame.core.params import ParameterError, Params, check_seed, validate
from stpgame.core.structure import Structure

MAX_TURNS = 100_000
INITIAL_TRUST = TRUST_LEVELS["reasonable"]


@dataclass
class Batch:
    """Moves and payoffs of many matches: arrays of shape (matches, 2, turns)."""

    pairs: list[tuple[str, str]]
    moves: np.ndarray
    payoffs: np.ndarray
    lengths: np.ndarray

    def played(self) -> np.ndarray:
        """Mask (matches, 1, turns) of turns inside each match's length."""
        t = np.arange(self.moves.shape[2])
        return (t[None, :] < self.lengths[:, None])[:, None, :]

    def scores(self) -> np.ndarray:
        """Total payoff of each player, shape (matches, 2)."""
        return np.where(self.played(), self.payoffs, 0.0).sum(axis=2)

    def cooperations(self) -> np.ndarray:
        """Turns each player cooperated, shape (matches, 2)."""
        return (self.moves & self.played()).sum(axis=2)


@dataclass
class MatchResult:
    """One match: the players, the stage game, and every move and payoff."""

    players: tuple[str, str]
    game: StageGame
    moves: np.ndarray  # (2, turns) bool, True = cooperate
    payoffs: np.ndarray  # (2, turns)
    seed: int | None
    noise: float
    continuation: float | None

    @property
    def turns(self) -> int:
        """Number of turns played."""
        return self.moves.shape[1]

    @property
    def scores(self) -> tuple[float, float]:
        """Each player's total payoff over the match."""
        return tuple(float(x) for x in self.payoffs.sum(axis=1))

    @property
    def cooperations(self) -> tuple[int, int]:
        """Turns each player cooperated."""
        return tuple(int(x) for x in self.moves.sum(axis=1))

    def history(self, player: int = 0) -> str:
        """A player's moves as text: "C" cooperate, "D" defect."""
        return "".join("C" if m else "D" for m in self.moves[player])

    def to_dict(self, moves: bool = True) -> dict:
        """The match as JSON-safe data, with every move unless ``moves`` is False."""
        out = {
            "players": list(self.players),
            "payoffs": dict(zip("RSTP", self.game.as_tuple(), strict=True)),
            "turns": self.turns,
            "seed": self.seed,
            "noise": self.noise,
            "continuation": self.continuation,
            "scores": list(self.scores),
            "score_per_turn": [s / self.turns for s in self.scores],
            "cooperations": list(self.cooperations),
        }
        if moves:
            out["moves"] = [self.history(0), self.history(1)]
        return out

    def report(self, show_moves: int = 100) -> str:
        """The match as text: settings, each player's score, and the moves if at most
        ``show_moves`` turns."""
        R, S, T, P = self.game.as_tuple()
        n = self.turns
        a, b = self.players
        lines = [
            f"{a} vs {b}: {n} turns; payoffs R={R:g} S={S:g} T={T:g} P={P:g}; "
            f"noise {self.noise:g}; seed {self.seed}"
        ]
        width = max(len(a), len(b), 8)
        lines.append(f"  {'player':<{width}}  {'score':>9}  {'per turn':>8}  cooperated")
        for k, name in enumerate(self.players):
            score, coop = self.scores[k], self.cooperations[k]
            lines.append(f"  {name:<{width}}  {score:9.6g}  {score / n:8.3f}  {coop}/{n}")
        if n <= show_moves:
            lines.append("  moves (C pool, D withhold):")
            lines += [
                f"  {name:<{width}}  {self.history(k)}" for k, name in enumerate(self.players)
            ]
        return "\n".join(lines)


def _pair_relationships(n_matches: int) -> Relationships:
    """One relationship per match (players 2k, 2k+1), built with the model's network class."""
    structure = Structure(
        org_type=np.tile([0, 1], n_matches),  # acute and community: same sector
        footprint=np.repeat(np.arange(n_matches), 2),
        footprint_names=tuple(f"match {k}" for k in range(n_matches)),
        population=np.ones(n_matches),
        coterminous=np.ones(n_matches, bool),
    )
    return Relationships(structure, np.random.default_rng(0))


def play_matches(
    pairs: list[tuple[str, str]],
    turns: int,
    game: StageGame,
    rng: np.random.Generator,
    noise: float = 0.0,
    continuation: float | None = None,
    params: dict | Params | None = None,
    initial_trust: float = INITIAL_TRUST,
) -> Batch:
    """Play every pair's match side by side; inputs are assumed checked (see ``play_match``)."""
    m = len(pairs)
    p = params if isinstance(params, Params) else validate(params or {})
    if continuation is None or continuation >= 1.0:
        lengths = np.full(m, turns)
    else:
        lengths = np.minimum(rng.geometric(1.0 - continuation, m), turns)
    horizon = int(lengths.max()) if m else 0

    names = np.array([name for pair in pairs for name in pair], dtype=object)
    groups = [(nm, np.flatnonzero(names == nm)) for nm in sorted(set(names))]
    players = {nm: strategies.get(nm) for nm, _ in groups}
    generosity = gtft_generosity(game)
    cfg = p if generosity is None else p.replace(generosity=generosity)

    n = 2 * m
    opp = np.arange(n) ^ 1
    obs = strategies.Observation(n)
    objects = {nm: players[nm].__class__(n) for nm in players}
    # Trust is only read by trusted_partners: build the relationships when one plays.
    rel = _pair_relationships(m) if "trusted_partners" in players else None
    if rel is not None:
        rel.trust = np.full(m, float(initial_trust))
    # table[own move, other's move] with True = cooperate; the published payoffs are the
    # players' "estimate": what cooperating rather than defecting earns against the
    # opponent's visible move, on the scale of the game's payoffs.
    table = np.array([[game.P, game.T], [game.S, game.R]])
    stake = np.full(n, max(abs(game.T - game.S), abs(game.R - game.P), 1e-12))
    moves_out = np.zeros((horizon, n), bool)
    pay_out = np.zeros((horizon, n))
    for t in range(horizon):
        if rel is not None:
            obs.trust = rel.mean_trust()
        obs.see_peers(opp)
        levels = np.zeros(n)
        for nm, idx in groups:
            levels[idx] = objects[nm].decide(obs, idx, rng, cfg)
        moves = levels >= 0.5
        if noise > 0:
            moves ^= rng.random(n) < noise
        other = moves[opp]
        payoffs = table[moves.astype(int), other.astype(int)]
        obs.record(moves.astype(float), other.astype(float), other.astype(float), payoffs)
        gain = table[1, other.astype(int)] - table[0, other.astype(int)]
        obs.see_estimate(gain, stake)
        if rel is not None:
            rel.update(moves, p.trust_gain, p.trust_loss, p.trust_decay, 0.0)
        moves_out[t], pay_out[t] = moves, payoffs
    shape = (horizon, m, 2)
    return Batch(
        list(pairs),
        moves_out.reshape(shape).transpose(1, 2, 0),
        pay_out.reshape(shape).transpose(1, 2, 0),
        lengths,
    )


def check_game(payoffs: object) -> StageGame:
    """A StageGame from a StageGame, four numbers (R, S, T, P) or "R,S,T,P" text."""
    if isinstance(payoffs, StageGame):
        return payoffs
    if isinstance(payoffs, str):
        return StageGame.parse(payoffs)
    if isinstance(payoffs, tuple | list) and len(payoffs) == 4:
        return StageGame(*payoffs)
    raise ParameterError("payoffs", "four numbers R,S,T,P, e.g. 3,0,5,1", payoffs)


def play_match(
    a: str,
    b: str,
    turns: int = 200,
    *,
    continuation: float | None = None,
    noise: float = 0.0,
    payoffs: StageGame | tuple | str = AXELROD_PAYOFFS,
    seed: int | None = None,
    params: dict | Params | None = None,
    initial_trust: float = INITIAL_TRUST,
) -> MatchResult:
    """Play one iterated match between strategies ``a`` and ``b``.

    ``turns`` (default 200, as in Axelrod's first tournament) is the length,
    or the cap when ``continuation`` is given; ``noise`` is the chance each
    move comes out the opposite of what was meant; ``payoffs`` (R, S, T, P)
    default to Axelrod's (3, 0, 5, 1); ``params`` overrides model parameters
    the strategies use (trust_gain, trust_loss, trust_threshold, learning_rate,
    choice_precision, imitation_rate, initial_cooperation).
    """
    check_strategy(a, "player A")
    check_strategy(b, "player B")
    turns = check_count(turns, "turns", MAX_TURNS)
    noise = check_probability(noise, "noise")
    if continuation is not None:
        continuation = check_probability(continuation, "continuation")
    initial_trust = check_probability(initial_trust, "initial_trust")
    game = check_game(payoffs)
    seed = check_seed(seed)
    batch = play_matches(
        [(a, b)],
        turns,
        game,
        np.random.default_rng(seed),
        noise,
        continuation,
        params,
        initial_trust,
    )
    length = int(batch.lengths[0])
    return MatchResult(
        (a, b),
        game,
        batch.moves[0, :, :length].copy(),
        batch.payoffs[0, :, :length].copy(),
        seed,
        noise,
        continuation,
    )
