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
bodies is copied m times), and the model plays the year itself, the twin and the replays
in one pass of the economy's phases. When each body is judged on its own books
(``system_weight`` 0) a replay needs only the rows that can act on the flipped body: the
body itself, the councils (whose cuts depend on their own books) and, for each other type,
one row standing for the rest of that type. Every other phase is a sum over the footprint
(pool, savings, funds, risk sharing, the shared control total, outcomes), which such a row
carries exactly; ``tests/test_counterfactuals.py`` checks the reduced replays against full
ones. With a blended rating every body's judged result enters every other's score, so the
replays keep every row.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from stpgame.core import regulation
from stpgame.core.arrays import FloatArray
from stpgame.core.compiled import index, kernel
from stpgame.core.economy import COUNCIL, Economy, Ledger, Round, YearDraws
from stpgame.core.params import Params
from stpgame.core.structure import Structure
from stpgame.core.sums import Sums


def appraised_payoff(economy: Economy, r: Round) -> np.ndarray:
    """What a body makes of a year: its judged result, bail-outs and central money included,
    less the cuts a council had to make (``Round.experienced``)."""
    return _judged(economy, r, r.experienced())


def regulatory_score(economy: Economy, r: Round) -> np.ndarray:
    """The regulator's score: the judged result before cash support [003]."""
    return _judged(economy, r, r.balance - r.bailout)


def _judged(economy: Economy, r: Round, values: FloatArray) -> FloatArray:
    """Every row's score under the rules in force."""
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


@dataclass(frozen=True)
class Replays:
    """Where the replays sit: copies of footprints, the year as played (copies 0..F-1)
    then one copy per body with its move flipped (copy F + i).

    ``first``: per row, the body it copies (for a row standing for several bodies, one of
    them); ``grouped``, ``members``, ``slot``: the rows standing for several bodies, their
    member bodies and, per member, which of those rows it belongs to.
    """

    structure: Structure
    first: np.ndarray
    copied: np.ndarray  # per copy, the footprint it copies
    flip_at: np.ndarray  # per body, the row of its flipped move
    as_played: np.ndarray  # per body, its row in the copy of its footprint as played
    grouped: np.ndarray
    members: np.ndarray
    slot: np.ndarray


@lru_cache(maxsize=32)
def replays(structure: Structure, reduced: bool) -> Replays:
    """The replay layout of a structure (cached: structures are shared, see ``build``)."""
    n, n_fp = structure.n, structure.n_footprints
    copied = np.concatenate([np.arange(n_fp), structure.footprint])
    full, source = structure.copies(copied)
    played_rows = np.flatnonzero(full.footprint < n_fp)
    as_played = played_rows[np.argsort(source[played_rows], kind="stable")]
    flipped_rows = np.flatnonzero(full.footprint >= n_fp)
    copy, body = full.footprint[flipped_rows], source[flipped_rows]
    owner = copy - n_fp  # the body whose move this copy flips
    if reduced:
        alone = (body == owner) | (structure.org_type[body] == COUNCIL)
        key = copy * (n + 4) + np.where(alone, body, n + structure.org_type[body])
    else:
        key = copy * (n + 4) + body
    keys, at, row_of = np.unique(key, return_index=True, return_inverse=True)
    count = np.bincount(row_of)
    first_flipped = body[at]
    grouped = np.flatnonzero(count > 1)
    in_group = np.isin(row_of, grouped)
    slot = np.searchsorted(grouped, row_of[in_group])
    k = len(played_rows)
    layout = Structure(
        np.concatenate([full.org_type[:k], structure.org_type[first_flipped]]),
        np.concatenate([full.footprint[:k], copy[at]]),
        full.footprint_names,
        full.population,
        full.coterminous,
        np.concatenate([np.ones(k, int), count]) if reduced else None,
    )
    flip_at = k + np.searchsorted(keys, (n_fp + np.arange(n)) * (n + 4) + np.arange(n))
    return Replays(
        layout,
        np.concatenate([source[:k], first_flipped]),
        copied,
        flip_at,
        as_played,
        k + grouped,
        body[in_group],
        slot,
    )


@lru_cache(maxsize=32)
def world(structure: Structure, reduced: bool) -> Structure:
    """The footprints as played, their everyone-pools twin and the replays, side by side."""
    return structure.stack(structure, replays(structure, reduced).structure)


@dataclass(frozen=True)
class WorldTerms:
    """Which bodies each world row reads: ``single`` rows one body each (weight 1), then
    the members of rows standing for several bodies (weights set per model)."""

    sums: Sums
    single: int


@lru_cache(maxsize=32)
def world_terms(structure: Structure, reduced: bool) -> WorldTerms:
    """The terms of the body-to-world-row sums of a structure (weights all 1 here)."""
    lay, n = replays(structure, reduced), structure.n
    alone = np.ones(len(lay.first), bool)
    alone[lay.grouped] = False
    rows = np.concatenate([np.arange(2 * n), 2 * n + np.flatnonzero(alone)])
    cols = np.concatenate([np.arange(n), np.arange(n), lay.first[alone]])
    out = np.concatenate([rows, 2 * n + lay.grouped[lay.slot]])
    col = np.concatenate([cols, lay.members])
    sums = Sums(out, col, np.ones(len(out)), 2 * n + len(lay.first), n)
    return WorldTerms(sums, len(rows))


@kernel
def _world_rows(
    indptr: np.ndarray,
    indices: np.ndarray,
    weights: np.ndarray,
    levels: FloatArray,
    cost_shock: FloatArray,
    n: int,
    flip_rows: np.ndarray,
) -> tuple[FloatArray, FloatArray]:
    """Two body values into world rows by the sums of ``_to_world`` (each row from zero, in
    its terms' order, as ``Sums`` adds); then every body pools in the twin's rows
    (``n``..``2n``) and each body's flipped row takes its other move."""
    rows = len(indptr) - 1
    level, shock = np.empty(rows), np.empty(rows)
    for row in range(rows):
        a = b = 0.0
        for k in range(indptr[row], indptr[row + 1]):
            a += weights[k] * levels[indices[k]]
            b += weights[k] * cost_shock[indices[k]]
        level[row], shock[row] = a, b
    for row in range(n, 2 * n):
        level[row] = 1.0
    for body in range(n):
        level[flip_rows[body]] = 0.0 if levels[body] >= 0.5 else 1.0
    return level, shock


class Counterfactuals:
    """The everyone-pools twin and the flipped-move replays of one model.

    ``play_year`` plays the year as it happens, the twin and every replay as one array
    program (the world economy: body rows, twin rows, replay rows, each with its own
    footprints), so the year costs one pass of the economy's phases, not three.
    ``appraise`` replays a given profile on its own, for the game lens.
    """

    def __init__(
        self,
        structure: Structure,
        budget: np.ndarray,
        gap: np.ndarray,
        p: Params,
        reduce: bool | None = None,
        stretch: np.ndarray | None = None,
    ):
        """``reduce``: replay only the rows that can act on the flipped body (module doc);
        by default whenever it is exact, i.e. when each body is judged on its own books."""
        if reduce is None:
            reduce = p.system_weight == 0
        elif reduce and p.system_weight:
            raise ValueError("reduced replays are exact only when system_weight is 0")
        n, n_fp = structure.n, structure.n_footprints
        self.n, self.n_fp, self.p = n, n_fp, p
        self.structure = structure
        stretch = np.zeros(n) if stretch is None else stretch
        self._places = (structure, budget, gap)
        self.twin_ledger: Ledger = Ledger.empty(p.savings_lag, n_fp, n)
        self.layout = replays(structure, reduced=reduce)
        lay = self.layout
        self.home = structure.footprint  # copy f is footprint f as played
        self._own_copy = n_fp + np.arange(n)  # copy F + i flips body i
        self._read = np.concatenate([lay.as_played, lay.flip_at])  # replay rows appraised
        self._flip_rows = index(2 * n + lay.flip_at)  # each body's flipped row in the world
        # A row standing for several bodies has their budgets summed, and for anything
        # else their budget-weighted mean: body values reach the world's rows (the year as
        # played, the twin, the replays) through ``_to_world``.
        total = np.bincount(lay.slot, budget[lay.members], len(lay.grouped))
        terms = world_terms(structure, reduce)
        self._to_world = terms.sums.reweighted(
            np.concatenate([np.ones(terms.single), budget[lay.members] / total[lay.slot]])
        )
        self._world_index = (index(self._to_world.indptr), index(self._to_world.indices))
        self._replay_budget = budget[lay.first]
        self._replay_budget[lay.grouped] = total
        self._replay_gap = self._rows(gap)
        self._replay_stretch = self._rows(stretch)
        self._stretch = stretch
        # The world: the year as played, the twin, the replays (rows and footprints in turn).
        self._fp = np.concatenate([np.arange(n_fp), np.arange(n_fp), lay.copied])
        self.world = Economy(
            world(structure, reduce),
            np.concatenate([budget, budget, self._replay_budget]),
            np.concatenate([gap, gap, self._replay_gap]),
            p,
            stretch=np.concatenate([stretch, stretch, self._replay_stretch]),
        )
        self._totals = self._count_totals(p)

    def with_rules(self, p: Params) -> Counterfactuals:
        """The same replays under rules ``p`` that differ only in ``economy.RULES_ONLY``
        (``Economy.with_rules``): the world's rule values and the control totals counted;
        the twin and replay economies are made again when next asked for."""
        new = copy.copy(self)
        new.__dict__.pop("twin", None)
        new.__dict__.pop("replay", None)
        new.p, new.world = p, self.world.with_rules(p)
        new._totals = new._count_totals(p)
        return new

    def _count_totals(self, p: Params) -> int:
        """Control totals of one copy of the places under ``p``."""
        s = self.structure
        return regulation.count_totals(
            p.control_total, s.org_type != COUNCIL, s.footprint, self.n_fp
        )

    def _rows(self, x: np.ndarray) -> np.ndarray:
        """Per replay row: the body's value, or for a row standing for several bodies their
        budget-weighted mean (the replays' part of ``_to_world``)."""
        return self._to_world(x)[2 * self.n :]

    @cached_property
    def twin(self) -> Economy:
        """The places as played, for ``everyone_pools`` on its own (built when asked for)."""
        return Economy(*self._places, self.p, stretch=self._stretch)

    @cached_property
    def replay(self) -> Economy:
        """The replays alone (for ``appraise``), built when first asked for."""
        return Economy(
            self.layout.structure,
            self._replay_budget,
            self._replay_gap,
            self.p,
            stretch=self._replay_stretch,
        )

    def play_year(
        self,
        levels: np.ndarray,
        draws: YearDraws,
        twin_draws: YearDraws,
        ledger: Ledger,
        year_end_rates: tuple[float, float] = (1.0, 0.0),
    ) -> tuple[Round, Round, Appraisal]:
        """The year as played (cash, ``ledger``), with everyone pooling (cash, the twin's
        ledger and relationships), and each body's appraisal (accrual): one pass.

        The replays are a finance team's estimate: expected savings and costs, and each
        council bound by what it could afford at expected costs with the savings its books
        show landing this year. The year as played and its twin are paid this year's
        year-end rates of unearned sustainability money; the replays, like any estimate
        made without this year's draws, the last published ones (``year_end_rates``).
        """
        n, n_fp = self.n, self.n_fp
        meant = levels >= 0.5
        lay = self.layout
        lv, cost_shock = self._world_values(levels, draws.cost_shock)
        # The replays are a finance team's estimate: at expected savings and costs, not at
        # this year's draws, which no body knows when it decides.
        savings_shock = draws.savings_shock[self._fp]
        savings_shock[2 * n_fp :] = 1.0
        cost_shock[2 * n :] = 0.0
        world_draws = YearDraws(
            draws.year,
            savings_shock,
            cost_shock,
            np.concatenate([draws.fp_trust, twin_draws.fp_trust, draws.fp_trust[lay.copied]]),
        )
        # outcomes in the replays count only if they are part of the score
        outcomes = True if self.p.outcome_weight else (2 * n, 2 * n_fp)
        books = (ledger, self.twin_ledger)
        landing = ledger.pipeline[0][lay.copied] if self.p.savings_lag > 0 else None
        r = self.world.play(
            lv,
            world_draws,
            ledger=books,
            outcomes=outcomes,
            full_rows=2 * n,
            landing=landing,
            national_rows=n,
            rated_rows=2 * n,
            year_end_rates=year_end_rates,
        )
        k = self._totals
        actual = r.part(slice(0, n), slice(0, n_fp), slice(0, k))
        twin = r.part(slice(n, 2 * n), slice(n_fp, 2 * n_fp), slice(k, 2 * k))
        return actual, twin, self._appraisal(self.world, r, meant, 2 * n, 2 * n_fp)

    def everyone_pools(self, draws: YearDraws) -> Round:
        """The year played with every body pooling all it is free to pool (cash basis)."""
        return self.twin.play(np.ones(self.n), draws, ledger=self.twin_ledger)

    def appraise(
        self,
        levels: np.ndarray,
        draws: YearDraws,
        landed: np.ndarray | None = None,
        year_end_rates: tuple[float, float] = (1.0, 0.0),
    ) -> Appraisal:
        """Each body's year appraised with its move as played and with its move flipped.

        A body pooled if its level is at least 0.5; its other move is the opposite extreme
        (pool everything free / nothing). ``landed``: per footprint, savings landing this
        year (councils count them in what they can afford); none if not given.
        ``year_end_rates``: the published rates of unearned sustainability money paid out
        again (``Economy.play``).
        """
        lay, n = self.layout, self.n
        meant = levels >= 0.5
        lv, cost_shock = self._world_values(levels, draws.cost_shock)
        replay_draws = YearDraws(
            draws.year,
            draws.savings_shock[lay.copied],
            cost_shock[2 * n :],
            draws.fp_trust[lay.copied],
        )
        r = self.replay.play(
            lv[2 * n :],
            replay_draws,
            outcomes=bool(self.p.outcome_weight),
            landing=None if landed is None else landed[lay.copied],
            national_rows=0,
            year_end_rates=year_end_rates,
        )
        return self._appraisal(self.replay, r, meant, 0, 0)

    def _world_values(
        self, levels: np.ndarray, cost_shock: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Levels and cost shocks in the world's rows (``_to_world``): levels as played,
        everyone pooling in the twin, and in each replay as played but with its own body at
        its other extreme."""
        to = self._to_world
        return _world_rows(
            *self._world_index,
            to.data,
            np.ascontiguousarray(levels, dtype=float),
            np.ascontiguousarray(cost_shock, dtype=float),
            self.n,
            self._flip_rows,
        )

    def _appraisal(
        self, economy: Economy, r: Round, meant: np.ndarray, row0: int, fp0: int
    ) -> Appraisal:
        """Read the appraisal off replays whose rows and footprints start at row0, fp0.

        A flip that moves no money (nothing free to pool, or a council that cannot afford
        more) leaves the year as played, so its foregone payoff is the payoff itself.
        """
        n = self.n
        read = self._read + row0  # each body's row as played, then its flipped row
        if economy.p.system_weight:
            payoff = appraised_payoff(economy, r)[read]
        else:  # each row judged on its own: only the rows read are scored
            values = r.experienced(read)
            payoff = regulation.judged_score(
                values,
                r.income[read],
                economy.fp[read],
                economy.n_fp,
                r.outcome_index,
                0.0,
                economy.p.outcome_weight,
            )
        sign = np.where(meant, 1.0, -1.0)  # pool minus keep
        contribution, balance = r.contribution[read], r.balance[read]
        moved = sign * (contribution[:n] - contribution[n:])
        same = moved == 0.0
        as_played = payoff[:n]
        foregone = np.where(same, as_played, payoff[n:])
        footprints = (self.home + fp0, self._own_copy + fp0)
        balances = (balance[:n], balance[n:])
        welfare = (economy, r.welfare_share, footprints)
        return Appraisal(as_played, foregone, moved, sign, same, balances, welfare)


class Appraisal:
    """One year appraised per body (accrual basis), as played and with its move flipped.

    ``payoff`` / ``foregone``: appraised payoff (share of income) of the move made / the
    other move. The rest are pool-minus-keep differences: ``pool_gain`` in payoff,
    ``own_change`` in the body's own result (£m), ``system_change`` in its footprint's
    collective welfare (£m), ``moved`` in money pooled (£m). Learners read only the
    payoffs, so the other differences are worked out from the replays when first read.
    """

    def __init__(
        self,
        payoff: FloatArray,
        foregone: FloatArray,
        moved: FloatArray,
        sign: FloatArray,
        same: np.ndarray,
        balances: tuple[FloatArray, FloatArray],
        welfare: tuple[Economy, FloatArray, tuple[np.ndarray, np.ndarray]],
    ):
        """``balances``: each body's result as played and flipped; ``welfare``: the
        replays' economy, each row's welfare and each body's two footprint copies."""
        self.payoff, self.foregone, self.moved = payoff, foregone, moved
        self._sign, self._same, self._balances, self._welfare = sign, same, balances, welfare

    @cached_property
    def pool_gain(self) -> FloatArray:
        """Payoff of pooling minus payoff of keeping."""
        gain: FloatArray = self._sign * (self.payoff - self.foregone)
        return gain

    @cached_property
    def own_change(self) -> FloatArray:
        """The body's own result pooling minus keeping (£m; 0 if the flip moved nothing)."""
        played, flipped = self._balances
        change = self._sign * (played - flipped)
        own: FloatArray = np.where(self._same, 0.0, change)
        return own

    @cached_property
    def system_change(self) -> FloatArray:
        """Its footprint's collective welfare pooling minus keeping (£m)."""
        economy, welfare_share, (home, flipped) = self._welfare
        welfare = economy.per_fp(welfare_share)
        change: FloatArray = np.where(
            self._same, 0.0, self._sign * (welfare[home] - welfare[flipped])
        )
        return change

    def returns(self) -> tuple[np.ndarray, np.ndarray]:
        """Per £ pooled: the change in the body's own result and in its footprint's welfare."""
        moved = np.where(np.abs(self.moved) > 1e-12, self.moved, np.nan)
        return self.own_change / moved, self.system_change / moved
