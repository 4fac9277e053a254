"""One year's money, on arrays over all organisations (brief mechanisms 2, 4, 5, 6, 10).

A year runs in named phases (``Economy.play``):

1. **income and costs**: income grows with funding; each body's costs exceed it by its
   structural gap (demand over funding growth [001], spread across bodies) plus a yearly
   shock (calibration §2).
2. **contributions**: each body pools a share of its discretionary budget: at least the
   Better Care Fund minimum (CCGs, councils), at most what targets leave free (NHS [002]);
   a council under the balanced-budget rule pools only what it can afford. Pooling is
   "not new money" [004]: every pooled pound is a pound the body does not keep.
   Transformation money repays part of voluntary contributions while it lasts [004].
3. **savings**: pooled money becomes savings ``multiplier x efficiency x shock`` after a lag
   (calibration §5); they land unevenly by type, and under payment by activity most of an
   acute trust's share goes to the commissioner [004]. Gain-sharing hands part back to the
   bodies that pooled the money.
4. **funds**: footprints that pool at least the threshold earn the incentive fund [002];
   risk sharing spreads part of each body's result across its footprint [004].
5. **council cuts**: councils heading for deficit must cut; the cuts shift cost onto the
   NHS (calibration §4) [001].
6. **control totals**: central sustainability money for NHS bodies (or footprints) that
   meet their control totals, penalties for judged deficits, bail-outs (regulation.py).
7. **outcomes**: admissions and delayed days against their demand trend.

``basis="cash"`` is the year as it happens: the savings that land are those generated
``savings_lag`` years ago. ``basis="accrual"`` is how a body appraises a year's decisions:
the savings this year's pooling will bring, discounted over the lag (Green Book), are
counted this year in place of the ones landing from the past. Both run the same phases, so
every rule (thresholds, funds, penalties, bail-outs, outcomes, risk sharing) reaches the
appraisal that learners learn from.

Every flow is kept, so money is conserved exactly: ``balance = income - cost -
contribution + savings + gain_shared + transformation + incentive + transfer + cut -
shifted + central - penalty + bailout``; transfers and gain-sharing sum to zero per
footprint.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache

import numpy as np

from stpgame.core import regulation
from stpgame.core.arrays import BoolArray, FloatArray
from stpgame.core.params import ORG_TYPES, SAVINGS_SHARES, Params
from stpgame.core.structure import Structure
from stpgame.core.sums import Sums

ACUTE, COMMUNITY, CCG, COUNCIL = range(4)
# England 2016/17: 5.8m emergency admissions, 2.3m delayed-transfer bed days
# (calibration §3), over a population of about 55m (ONS mid-2016).
ADMISSIONS_PER_MILLION = 5.8e6 / 55.0
DELAYED_DAYS_PER_MILLION = 2.3e6 / 55.0
# Only part of a pound saved or cut is emergency admissions or delayed days (DERIVED):
# emergency admissions £13.7bn of provider income £76bn; delayed older patients
# £820m gross (NAO HC 18) of adult social care £17.5bn (calibration §2, §3).
EMERGENCY_SHARE = 13.7 / 76.0
DELAY_SHARE = 0.82 / 17.5


@dataclass
class Ledger:
    """What carries over from one year to the next for one copy of the economy (cash)."""

    pipeline: np.ndarray  # savings still to land, shape (lag + 1, footprints)
    shares: np.ndarray  # each body's share of the pool that made them, (lag + 1, bodies)
    cumulative: np.ndarray
    last_balance: np.ndarray
    generated_total: float = 0.0
    landed_total: float = 0.0

    @classmethod
    def empty(cls, lag: int, n_fp: int, n: int) -> Ledger:
        """No savings in the pipeline, nothing carried over."""
        return cls(np.zeros((lag + 1, n_fp)), np.zeros((lag + 1, n)), np.zeros(n), np.zeros(n))

    def carried_into(self, new: Ledger) -> Ledger:
        """The money of this ledger moved into ``new`` (made for new rules, e.g. another lag):
        what is due soonest keeps its place; savings due beyond the new lag land last."""
        k = min(len(self.pipeline), len(new.pipeline))
        new.pipeline[:k] = self.pipeline[:k]
        new.shares[:k] = self.shares[:k]
        new.pipeline[k - 1] += self.pipeline[k:].sum(axis=0)
        new.cumulative = self.cumulative
        new.last_balance = self.last_balance
        new.generated_total, new.landed_total = self.generated_total, self.landed_total
        return new


@dataclass(frozen=True)
class YearDraws:
    """The year's randomness, shared by the actual year and every counterfactual."""

    year: int
    savings_shock: np.ndarray  # per footprint, mean 1
    cost_shock: np.ndarray  # per body, share of income
    fp_trust: np.ndarray  # mean trust on each footprint's links


@dataclass
class Round:
    """Every flow of one year, per organisation (£m) and per footprint."""

    income: np.ndarray
    cost: np.ndarray
    contribution: np.ndarray
    affordable: np.ndarray
    forced: np.ndarray
    transformation: np.ndarray
    savings: np.ndarray
    gain_shared: np.ndarray
    incentive: np.ndarray
    transfer: np.ndarray
    cut: np.ndarray
    shifted: np.ndarray
    central: np.ndarray
    penalty: np.ndarray
    bailout: np.ndarray
    balance: np.ndarray
    pool: np.ndarray
    generated: np.ndarray
    admissions: np.ndarray
    delayed_days: np.ndarray
    outcome_index: np.ndarray
    totals_met: np.ndarray  # outcome of each control total this year
    welfare_share: np.ndarray  # each body's part of collective welfare

    @property
    def welfare(self) -> float:
        """Collective welfare: income - costs - pooled + savings - shifted cost (£m)."""
        return float(self.welfare_share.sum())

    def part(self, rows: slice, footprints: slice, totals: slice) -> Round:
        """The flows of some rows and their footprints, from a year played over several
        copies of the footprints at once (their control totals are ``totals``)."""
        cut = {"rows": rows, "footprints": footprints, "totals": totals}
        return Round(*[getattr(self, name)[cut[kind]] for name, kind in _FIELD_KINDS])


PER_FOOTPRINT = ("pool", "generated", "admissions", "delayed_days", "outcome_index")
_FIELD_KINDS = tuple(
    (
        f.name,
        "totals" if f.name == "totals_met" else "footprints" if f.name in PER_FOOTPRINT else "rows",
    )
    for f in fields(Round)
)


@lru_cache(maxsize=64)
def footprint_sums(structure: Structure) -> Sums:
    """Sums within the footprints of a structure (cached: structures are shared)."""
    return Sums.groups(structure.footprint, structure.n_footprints)


class Economy:
    """Constants of one set of footprints, and the year's arithmetic over them."""

    def __init__(
        self,
        structure: Structure,
        budget: np.ndarray,
        gap: np.ndarray,
        p: Params,
        afford_from: np.ndarray | None = None,
    ):
        self.p = p
        # For each row, the row whose affordability limits it: the replays of a year are
        # bound by what each council could afford in the year actually played.
        self.afford_from = afford_from
        self._afford_rows = len(budget) if afford_from is None else int(afford_from.max()) + 1
        self.fp = structure.footprint
        self.n_fp = structure.n_footprints
        self._per_fp = footprint_sums(structure)
        self.type = structure.org_type
        self.budget = budget
        self.gap = gap
        self._one_plus_gap = 1.0 + gap
        self._zeros = np.zeros(len(budget))
        self._zeros.flags.writeable = False  # shared by every flow no rule moves
        self.is_council = self.type == COUNCIL
        self.is_nhs = ~self.is_council
        self.fp_budget = self.per_fp(budget)
        self.discretionary = p.discretionary_share * budget
        bcf = (self.type == CCG) | self.is_council
        self.floor = np.where(bcf, p.bcf_minimum_share, 0.0)
        self.cap = np.where(self.is_nhs, 1.0 - p.target_pressure, 1.0)
        self.landing = self._landing_weights(structure)
        counts = structure.counts().sum(axis=1)
        self.coordination = 1.0 / (1.0 + p.coordination_cost * np.maximum(0, counts - 4))
        self.coordination *= np.where(structure.coterminous, 1.0, 1.0 - p.boundary_mismatch_cost)
        self.base_admissions = ADMISSIONS_PER_MILLION * structure.population
        self.base_delays = DELAYED_DAYS_PER_MILLION * structure.population
        self.discount = (1.0 + p.discount_rate) ** -p.savings_lag
        self.hospital_side = (self.type == ACUTE) | (self.type == CCG)
        # the same masks as numbers, so the year multiplies rather than selects
        self._hospital, self._care = self.hospital_side * 1.0, ~self.hospital_side * 1.0
        self._council = self.is_council * 1.0
        self.minimum = self.floor * self.discretionary
        self.room = np.maximum(self.cap - self.floor, 0.0) * self.discretionary
        self.discretionary_fp = self.per_fp(self.discretionary)
        nhs_budget = self.per_fp(budget * self.is_nhs)
        self.nhs_share = np.where(
            self.is_nhs, budget / np.maximum(nhs_budget[self.fp], 1e-300), 0.0
        )
        self.budget_share = budget / self.fp_budget[self.fp]
        # A body's control total: its expected result without voluntary pooling, less slack.
        self.target = np.where(
            self.is_nhs, -(gap + self.floor * p.discretionary_share) - p.control_total_slack, 0.0
        )

    def per_fp(self, values: np.ndarray) -> np.ndarray:
        """Sum ``values`` within each footprint."""
        return self._per_fp(values)

    def _landing_weights(self, s: Structure) -> np.ndarray:
        """Share of its footprint's savings each organisation receives (sums to 1 per footprint)."""
        p = self.p
        shares = np.array([getattr(p, k) for k in SAVINGS_SHARES])
        present = s.counts() > 0
        type_share = shares[None, :] * present
        type_share /= np.maximum(type_share.sum(axis=1, keepdims=True), 1e-300)
        moved = np.where(present[:, CCG], p.activity_payment * type_share[:, ACUTE], 0.0)
        type_share[:, ACUTE] -= moved
        type_share[:, CCG] += moved
        k = len(ORG_TYPES)
        type_budget = np.bincount(self.fp * k + self.type, self.budget, self.n_fp * k).reshape(
            -1, k
        )
        weights: FloatArray = (
            type_share[self.fp, self.type] * self.budget / type_budget[self.fp, self.type]
        )
        return weights

    def new_ledger(self) -> Ledger:
        """An empty ledger: no savings in the pipeline, nothing carried over."""
        return Ledger.empty(self.p.savings_lag, self.n_fp, len(self.budget))

    def savings_efficiency(self, fp_trust: np.ndarray) -> np.ndarray:
        """Per footprint: share of the multiplier that survives coordination, boundaries, trust."""
        te = self.p.trust_effect
        efficiency: FloatArray = self.coordination * (1.0 - te + te * fp_trust)
        return efficiency

    def transformation_rate(self, year: int) -> float:
        """Transformation money this year, as a share of contribution: paid only in the
        first ``transformation_years`` [004]."""
        p = self.p
        return p.transformation_fund if year <= p.transformation_years else 0.0

    def growth(self, year: int) -> tuple[float, float]:
        """Income and demand relative to year 1: both compound year on year [001]."""
        p = self.p
        return (1.0 + p.funding_growth) ** (year - 1), (1.0 + p.demand_growth) ** (year - 1)

    # -- the year ------------------------------------------------------------------------
    def play(
        self,
        levels: np.ndarray,
        draws: YearDraws,
        ledger: Ledger | tuple[Ledger, ...] | None = None,
        cap: np.ndarray | None = None,
        outcomes: bool | tuple[int, int] = True,
    ) -> Round:
        """Run one year for intended pooling ``levels`` in [0, 1].

        The leading footprints covered by ``ledger`` (one, or several one after another) are
        played on a cash basis and their ledgers move on a year; the rest are appraised on an
        accrual basis (see module doc). So the year as played, its everyone-pools twin and
        every replay can run as one array program. ``cap`` limits each body's contribution
        (a standalone replay uses what each council could afford in the year actually
        played). ``outcomes=False`` skips admissions and delayed days (index 100), for
        appraisals when outcomes do not count in anyone's score; ``(rows, footprints)``
        computes them only for the leading footprints (whose rows lead).

        A flow that no rule in force moves (no transformation money, gain-sharing,
        incentive fund or risk sharing) is one shared read-only array of zeros.
        """
        ledgers = () if ledger is None else (ledger,) if isinstance(ledger, Ledger) else ledger
        p, zeros = self.p, self._zeros
        money, demand = self.growth(draws.year)
        income = self.budget * money
        cost = income * (self._one_plus_gap + draws.cost_shock)
        tf = self.transformation_rate(draws.year)
        landed_past = self._landing_now(ledgers) if ledgers and p.savings_lag else None

        contribution, affordable, wanted = self._contributions(
            levels, income, cost, landed_past, tf, money, cap
        )
        forced = contribution < wanted - 1e-9
        transformation = tf * (contribution - self.minimum * money) if tf else zeros

        pool = self.per_fp(contribution)
        generated = pool * p.savings_multiplier * self.savings_efficiency(draws.fp_trust)
        generated = generated * draws.savings_shock
        # shares of the pool: kept in the ledgers; for every row only if gain-sharing
        shared = len(income) if p.gain_share else sum(len(book.cumulative) for book in ledgers)
        pool_of = pool[self.fp[:shared]]
        share_now = np.divide(
            contribution[:shared], pool_of, out=np.zeros(shared), where=pool_of > 0
        )
        landed_fp, shares = self.discount * generated, share_now
        if ledgers:
            landed_fp, shares = self._advance_all(ledgers, generated, share_now, landed_fp)
        landed_of = landed_fp[self.fp]
        savings = landed_of * self.landing
        gain_shared = p.gain_share * (landed_of * shares - savings) if p.gain_share else zeros

        incentive = self._incentive(contribution, pool, money)
        kept = income - cost - contribution + savings  # before flows between bodies
        net = kept
        for flow in (gain_shared, transformation, incentive):
            if flow is not zeros:
                net = net + flow
        if p.risk_share:
            transfer = p.risk_share * (self.budget_share * self.per_fp(net)[self.fp] - net)
            net = net + transfer
        else:
            transfer = zeros

        cut, shifted, cuts_fp = self._council_cuts(net)
        net = net + cut - shifted
        central, penalty, bailout, met = self._regulate(net, income)
        balance = net + central - penalty + bailout
        start = 0
        for book in ledgers:
            end = start + len(book.cumulative)
            book.cumulative += balance[start:end]
            book.last_balance = balance[start:end]
            start = end

        if outcomes is True:
            admissions, delays, index = self._outcomes(savings, shifted, cuts_fp, money, demand)
        else:
            admissions, delays = np.full(self.n_fp, np.nan), np.full(self.n_fp, np.nan)
            index = np.full(self.n_fp, 100.0)
            if outcomes:
                rows, fps = outcomes
                part = self._outcomes(savings, shifted, cuts_fp, money, demand, rows, fps)
                admissions[:fps], delays[:fps], index[:fps] = part
        welfare_share = kept - shifted
        return Round(
            income,
            cost,
            contribution,
            affordable,
            forced,
            transformation,
            savings,
            gain_shared,
            incentive,
            transfer,
            cut,
            shifted,
            central,
            penalty,
            bailout,
            balance,
            pool,
            generated,
            admissions,
            delays,
            index,
            met,
            welfare_share,
        )

    # -- phases ---------------------------------------------------------------------------
    def _contributions(
        self,
        levels: FloatArray,
        income: FloatArray,
        cost: FloatArray,
        landed_past: FloatArray | None,
        tf: float,
        money: float,
        cap: FloatArray | None,
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """What each body pools, what a council could afford, and what each meant to pool.

        ``cap`` (the replays) replaces the affordability test with the year actually played.
        With ``afford_from`` only the rows it points to are tested (the rest copy them).
        """
        minimum = self.minimum * money
        wanted = minimum + np.clip(levels, 0.0, 1.0) * self.room * money
        if cap is not None:
            affordable = cap
        elif self.p.council_balanced_budget:
            k = self._afford_rows
            headroom = income[:k] - cost[:k]
            if landed_past is not None:
                headroom += landed_past[self.fp[:k]] * self.landing[:k]
            headroom -= minimum[:k]
            np.maximum(headroom, 0.0, out=headroom)
            headroom /= max(1.0 - tf, 1e-9)
            affordable = np.where(self.is_council[:k], minimum[:k] + headroom, np.inf)
            if self.afford_from is not None:
                affordable = affordable[self.afford_from]
        else:
            affordable = np.full_like(wanted, np.inf)
        return np.minimum(wanted, affordable), affordable, wanted

    def _landing_now(self, ledgers: tuple[Ledger, ...]) -> FloatArray:
        """Per footprint: savings landing this year (cash footprints; none for the rest)."""
        now = [book.pipeline[0] for book in ledgers]
        rest = self.n_fp - sum(len(x) for x in now)
        return np.concatenate([*now, np.zeros(rest)]) if rest else np.concatenate(now)

    def _advance_all(
        self,
        ledgers: tuple[Ledger, ...],
        generated: FloatArray,
        share_now: FloatArray,
        accrued: FloatArray,
    ) -> tuple[FloatArray, FloatArray]:
        """Savings landing and the shares they are owed by, per footprint and body: from
        each ledger for the cash footprints it covers, accrued for the rest."""
        landed_fp, shares = accrued, share_now  # fresh arrays of this year: filled in place
        fp0 = row0 = 0
        for book in ledgers:
            fp1, row1 = fp0 + book.pipeline.shape[1], row0 + book.shares.shape[1]
            landed_fp[fp0:fp1], shares[row0:row1] = self._advance(
                book, generated[fp0:fp1], share_now[row0:row1]
            )
            fp0, row0 = fp1, row1
        return landed_fp, shares

    def _advance(
        self, ledger: Ledger, generated: FloatArray, share_now: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """Put this year's savings in the pipeline and take out the ones landing now."""
        ledger.pipeline[-1] += generated
        ledger.shares[-1] = share_now
        landed_fp, shares = ledger.pipeline[0].copy(), ledger.shares[0].copy()
        ledger.pipeline[:-1] = ledger.pipeline[1:]
        ledger.pipeline[-1] = 0.0
        ledger.shares[:-1] = ledger.shares[1:]
        ledger.generated_total += float(generated.sum())
        ledger.landed_total += float(landed_fp.sum())
        return landed_fp, shares

    def _incentive(self, contribution: FloatArray, pool: FloatArray, money: float) -> FloatArray:
        """The incentive fund, paid to footprints that pooled at least the threshold [002]."""
        p = self.p
        if p.incentive_fund == 0.0:
            return self._zeros
        disc_fp = self.discretionary_fp * money
        pooled_share = np.divide(pool, disc_fp, out=np.zeros(self.n_fp), where=disc_fp > 0)
        fund = np.where(pooled_share >= p.incentive_threshold, p.incentive_fund, 0.0)
        fund = fund * self.fp_budget * money
        paid: FloatArray = fund[self.fp] * np.divide(
            contribution, pool[self.fp], out=np.zeros_like(contribution), where=pool[self.fp] > 0
        )
        return paid

    def _council_cuts(self, net: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Councils heading for deficit cut services; the NHS picks up part of the cost."""
        if not self.p.council_balanced_budget:
            return self._zeros, self._zeros, np.zeros(self.n_fp)
        cut = np.maximum(0.0, -net) * self._council
        cuts_fp = self.per_fp(cut)
        shifted = (self.p.cost_shift_rate * cuts_fp)[self.fp] * self.nhs_share
        return cut, shifted, cuts_fp

    def _regulate(
        self, net: FloatArray, income: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray, BoolArray]:
        """Central money for control totals met, then penalties, then bail-outs."""
        p = self.p
        paid, met = regulation.control_totals_met(
            net, self.target * income, self.is_nhs, self.fp, self.n_fp, p.control_total
        )
        central = p.sustainability_fund * income * paid  # income > 0: as np.where
        after = net + central
        penalty = regulation.penalties(
            after,
            self.is_nhs,
            self.nhs_share,
            self.fp,
            self.n_fp,
            p.system_weight,
            p.breach_penalty,
        )
        bailout = regulation.bailouts(after - penalty, self.is_nhs, p.bailout_share)
        return central, penalty, bailout, met

    def _outcomes(
        self,
        savings: FloatArray,
        shifted: FloatArray,
        cuts_fp: FloatArray,
        money: float,
        demand: float,
        rows: int | None = None,
        fps: int | None = None,
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Admissions and delayed days: the demand trend, less savings, plus cost shifted.

        Savings avoid admissions (hospital side) and delayed days (community and council
        side); council cuts add delays, shifted cost adds admissions. Index 100 = the demand
        trend with no pooling and no cuts. ``rows``, ``fps``: only the leading ones.
        """
        p = self.p
        fp, n_fp = self.fp[:rows], self.n_fp if fps is None else fps
        hosp = regulation.per_footprint(savings[:rows] * self._hospital[:rows], fp, n_fp)
        care = regulation.per_footprint(savings[:rows] * self._care[:rows], fp, n_fp)
        trend_adm = self.base_admissions[:fps] * demand
        trend_del = self.base_delays[:fps] * demand
        shifted_fp = regulation.per_footprint(shifted[:rows], fp, n_fp)
        cuts_fp = cuts_fp[:fps]
        admissions = np.maximum(
            0.0,
            trend_adm
            + EMERGENCY_SHARE * (shifted_fp - hosp) * 1e6 / (p.cost_per_admission * money),
        )
        delays = np.maximum(
            0.0,
            trend_del + DELAY_SHARE * (cuts_fp - care) * 1e6 / (p.cost_per_bed_day * money),
        )
        index = 100.0 - 50.0 * (admissions / trend_adm - 1.0) - 50.0 * (delays / trend_del - 1.0)
        return admissions, delays, np.clip(index, 0.0, 200.0)
