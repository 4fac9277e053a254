"""The year as it could have gone, computed by the model from the full game.

Two counterfactuals, each behind this one object so the model's year reads as its phases:

- **Everyone pools** (the twin): the same places, rules and shocks with every body pooling,
  played on a cash basis with its own ledger and relationships. The gap in welfare is the
  price of fortress behaviour (brief, "the gap between them").
- **Each body's other move** (the replays): for every body, its footprint's year replayed
  with that body's move flipped and everyone else's as played, appraised on the accrual
  basis (economy.py) with every rule in force: control totals and their thresholds, the
  incentive fund, penalties, bail-outs, council cuts, risk and gain sharing, outcome scores.
  This is the foregone payoff of experience-weighted attraction learning (Camerer & Ho 1999,
  Econometrica 67:827), computed rather than assumed: no closed form, nothing left out.
  All replays run as one array program over copies of the footprints (a footprint of m
  bodies is copied m times), so their cost grows with the sum of squared footprint sizes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from stpgame.core import regulation
from stpgame.core.arrays import FloatArray
from stpgame.core.economy import Economy, Ledger, Round, YearDraws
from stpgame.core.params import Params
from stpgame.core.structure import Structure


def appraised_payoff(economy: Economy, r: Round) -> np.ndarray:
    """What a body makes of a year: its judged result, bail-outs and central money included,
    and for a council the services it had to cut to balance (a council's books always
    balance; what it experiences as pressure is the cut [001])."""
    return _judged(economy, r, r.balance - r.cut)


def regulatory_score(economy: Economy, r: Round) -> np.ndarray:
    """The regulator's score: the judged result before cash support [003]."""
    return _judged(economy, r, r.balance - r.bailout)


def _judged(economy: Economy, r: Round, values: FloatArray) -> FloatArray:
    p = economy.p
    return regulation.judged_score(
        values,
        r.income,
        economy.fp,
        economy.n_fp,
        r.outcome_index,
        p.system_weight,
        p.outcome_weight,
    )


class Counterfactuals:
    """The everyone-pools twin and the flipped-move replays of one model."""

    def __init__(self, structure: Structure, budget: np.ndarray, gap: np.ndarray, p: Params):
        n, n_fp = structure.n, structure.n_footprints
        self.n, self.n_fp = n, n_fp
        self.twin = Economy(structure, budget, gap, p)
        self.twin_ledger: Ledger = self.twin.new_ledger()
        # Copy 0..n_fp-1: every footprint as played; then one copy of each body's footprint.
        copies = np.concatenate([np.arange(n_fp), structure.footprint])
        replayed, source = structure.copies(copies)
        self.source = source
        self.fp_source = copies
        self.replay = Economy(replayed, budget[source], gap[source], p)
        copy_of = replayed.footprint
        owner = np.where(copy_of >= n_fp, copy_of - n_fp, -1)  # body whose move is flipped
        self.flip_at = np.flatnonzero(owner == source)  # position of each flipped body
        assert np.array_equal(source[self.flip_at], np.arange(n))
        played = np.flatnonzero(copy_of < n_fp)
        self.as_played = played[np.argsort(source[played])]  # back in body order
        self.home = structure.footprint  # copy f is footprint f as played

    def everyone_pools(self, draws: YearDraws) -> Round:
        """The year played with every body pooling all it is free to pool (cash basis)."""
        return self.twin.play(np.ones(self.n), draws, ledger=self.twin_ledger)

    def appraise(
        self,
        levels: np.ndarray,
        draws: YearDraws,
        cap: np.ndarray | None = None,
    ) -> Appraisal:
        """Each body's year appraised with its move as played and with its move flipped.

        A body pooled if its level is at least 0.5; its other move is the opposite extreme
        (pool everything free / nothing). ``cap`` limits contributions to what each council
        could afford in the year actually played.
        """
        src, fsrc, n = self.source, self.fp_source, self.n
        meant = levels >= 0.5
        lv = levels[src]
        lv[self.flip_at] = np.where(meant, 0.0, 1.0)
        replay_draws = YearDraws(
            draws.year,
            draws.savings_shock[fsrc],
            draws.cost_shock[src],
            draws.fp_trust[fsrc],
        )
        r = self.replay.play(
            lv,
            replay_draws,
            cap=None if cap is None else cap[src],
            outcomes=bool(self.replay.p.outcome_weight),
        )
        payoff = appraised_payoff(self.replay, r)
        welfare = self.replay.per_fp(r.welfare_share)
        sign = np.where(meant, 1.0, -1.0)  # pool minus keep
        played, flip = self.as_played, self.flip_at
        return Appraisal(
            payoff=payoff[played],
            foregone=payoff[flip],
            pool_gain=sign * (payoff[played] - payoff[flip]),
            own_change=sign * (r.balance[played] - r.balance[flip]),
            system_change=sign * (welfare[self.home] - welfare[self.n_fp + np.arange(n)]),
            moved=sign * (r.contribution[played] - r.contribution[flip]),
        )


@dataclass(frozen=True)
class Appraisal:
    """One year appraised per body (accrual basis), as played and with its move flipped.

    ``payoff`` / ``foregone``: appraised payoff (share of income) of the move made / the
    other move. The rest are pool-minus-keep differences: ``pool_gain`` in payoff,
    ``own_change`` in the body's own result (£m), ``system_change`` in its footprint's
    collective welfare (£m), ``moved`` in money pooled (£m).
    """

    payoff: np.ndarray
    foregone: np.ndarray
    pool_gain: np.ndarray
    own_change: np.ndarray
    system_change: np.ndarray
    moved: np.ndarray

    def returns(self) -> tuple[np.ndarray, np.ndarray]:
        """Per £ pooled: the change in the body's own result and in its footprint's welfare."""
        moved = np.where(np.abs(self.moved) > 1e-12, self.moved, np.nan)
        return self.own_change / moved, self.system_change / moved
