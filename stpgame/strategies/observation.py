"""What a body can observe when it decides: the one input every strategy reads.

A real finance director decides from the organisation's own books as they happened, the
partners' visible moves, published figures and rules, and the finance team's own estimate
of what pooling returns, with its error. ``Observation`` holds exactly that, as arrays over
all players, and nothing else: no model internals, no other body's counterfactual, none of
this year's random draws (decisions are made before the year's shocks are drawn). A test
(``tests/test_observation.py``) checks that strategies read nothing but this object, the
rules (``Params``) and their own random numbers.

Levels are shares of the body's free budget put into the pool voluntarily (0 = only what the
rules force, 1 = everything free). "Pooled" means a level of at least one half; with a single
partner, the partners' level is just the opponent's move (0 or 1), as in Axelrod's matches.

The same object serves a two-player match (``n = 2`` per pair), so the strategies played
in tournaments are exactly those the organisations use.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

BoolArray = npt.NDArray[np.bool_]  # one per player
FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]  # which players (positions in the arrays)

LEVELS = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
"""The levels a graded decision rule chooses between: a handful, as a board would put it
("none, a quarter, half, three quarters, all of what is free")."""


class Observation:
    """Per player, what it could see of last year and what its finance team estimates.

    ``own_level``, ``payoff``: its own voluntary level and its judged result (share of
    income) as its books recorded them. ``partner_level`` / ``partner_level_prev``: the mean
    level its footprint partners pooled last year / the year before (visible moves);
    ``partner_share``: the share of them who pooled at least half. ``trust``: its own trust in
    its partners. ``peer_level``, ``peer_payoff``: a sampled peer's published level and
    result. ``estimate``: the finance team's estimate of how much better (share of income)
    its result would have been had it pooled everything free rather than nothing, at expected
    (not realised) savings and costs, with partners as they actually moved and the year's
    published rules and last year's published rates (the year-end sustainability money);
    ``stake``: what
    pooling everything free puts at risk (share of income), the scale of that estimate.
    ``experience``: years it has pooled voluntarily (institutional: kept across leaders).
    ``fresh``: no year played yet.
    """

    def __init__(self, n: int) -> None:
        self.n = n
        self.round = 0
        self.fresh = np.ones(n, bool)
        self.own_level = np.zeros(n)
        self.payoff = np.zeros(n)
        self.partner_level = np.ones(n)
        self.partner_level_prev = np.ones(n)
        self.partner_share = np.ones(n)
        self.trust = np.full(n, 0.5)
        self.against_plan = np.zeros(n)
        self.peer_level = np.zeros(n)
        self.peer_against_plan = np.full(n, -np.inf)
        self.estimate = np.zeros(n)
        self.stake = np.zeros(n)
        self.experience = np.zeros(n)

    def own_pooled(self, idx: IndexArray) -> BoolArray:
        """Whether each player pooled at least half of what was free last year."""
        pooled: BoolArray = self.own_level[idx] >= 0.5
        return pooled

    def partners_cooperated(self, idx: IndexArray) -> BoolArray:
        """Whether at least half of each player's partners pooled last year."""
        cooperated: BoolArray = self.partner_share[idx] >= 0.5
        return cooperated

    def record(
        self,
        levels: FloatArray,
        partner_level: FloatArray,
        partner_share: FloatArray,
        payoffs: FloatArray,
        against_plan: FloatArray | None = None,
    ) -> None:
        """Store one year as the books and the partners' moves showed it (a result against
        plan defaults to the result itself, as in a match with no plan)."""
        self.partner_level_prev = np.where(self.fresh, 1.0, self.partner_level)
        self.partner_level = np.asarray(partner_level, float).copy()
        self.partner_share = np.asarray(partner_share, float).copy()
        self.own_level = np.asarray(levels, float).copy()
        self.payoff = np.asarray(payoffs, float).copy()
        self.against_plan = self.payoff if against_plan is None else np.asarray(against_plan, float)
        self.experience = self.experience + (self.own_level > 0)
        self.fresh = np.zeros(self.n, bool)
        self.round += 1

    def see_estimate(self, estimate: FloatArray, stake: FloatArray) -> None:
        """The finance team's estimate of last year's pooling (see the class docstring)."""
        self.estimate = np.asarray(estimate, float).copy()
        self.stake = np.asarray(stake, float).copy()

    def see_peers(self, peer: IndexArray) -> None:
        """Each player's sampled peer's published level and result against plan."""
        self.peer_level = self.own_level[peer]
        self.peer_against_plan = self.against_plan[peer]
