"""What each player remembers, held as arrays over all players.

Strategies read this memory and the model's ``Params`` (their knobs: learning rate,
exploration, generosity ... with sources in params.py) and return moves for many players at once, so a
round of 600 organisations is a handful of numpy operations rather than 600
Python calls (see ``benchmarks/``). A two-player match uses the same memory
with ``n = 2``, so the strategies played in matches and tournaments are exactly
the ones the organisations use.

"Partners cooperated" means at least half of a player's partners pooled in the
round; with a single partner this is just the opponent's move, as in Axelrod.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

BoolArray = npt.NDArray[np.bool_]  # moves and flags, one per player
FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]  # which players (positions in the memory)


class Memory:
    """Per-player history: own and partners' last moves, payoffs, and learning state."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.round = 0
        self.fresh = np.ones(n, bool)  # no history yet (first round, or a new leader)
        self.own_last = np.zeros(n, bool)
        self.partner_last = np.ones(n)  # share of partners who pooled last round
        self.partner_prev = np.ones(n)  # ... and the round before
        self.payoff_last = np.zeros(n)
        self.foregone = np.zeros(n)  # payoff the other move would have earned (set by the game)
        self.triggered = np.zeros(n, bool)  # grim trigger has fired
        self.q = np.zeros((n, 2))  # learned value of [withhold, pool]
        self.q_ready = np.zeros(n, bool)  # has learned values (after its first year)
        self.trust = np.full(n, 0.5)  # mean trust in partners (set by the model)
        self.peer_move = np.zeros(n, bool)  # a sampled peer's last move (set by the model)
        self.peer_payoff = np.full(n, -np.inf)
        self.peer_advantage = np.full(n, -np.inf)  # how the peer's last choice worked for it

    def advantage(self) -> np.ndarray:
        """How each player's last choice worked for it: its payoff minus the foregone one."""
        return self.payoff_last - self.foregone

    def partners_cooperated(self, idx: IndexArray) -> BoolArray:
        """Whether at least half of each player's partners pooled last round."""
        cooperated: BoolArray = self.partner_last[idx] >= 0.5
        return cooperated

    def record(self, moves: np.ndarray, partner_share: np.ndarray, payoffs: np.ndarray) -> None:
        """Store one round: each player's move, its partners' pooled share, its payoff."""
        fresh = self.fresh
        self.partner_prev = np.where(fresh, 1.0, self.partner_last)
        self.partner_last = np.asarray(partner_share, float).copy()
        self.own_last = np.asarray(moves, bool).copy()
        self.payoff_last = np.asarray(payoffs, float).copy()
        self.fresh = np.zeros(self.n, bool)
        self.round += 1

    def forget(self, mask: np.ndarray) -> None:
        """A new leader starts without its predecessor's memory [004]: no learned values,
        no grudge, no history of moves, so it opens as its strategy opens a game."""
        self.q[mask] = 0.0
        self.q_ready &= ~mask
        self.triggered &= ~mask
        self.fresh |= mask
