"""One year's money, on arrays over all organisations (brief mechanisms 2, 4, 5, 6, 10).

A year runs in named phases (``Economy.play``):

1. **income and costs**: income grows with funding; each body's costs exceed it by its
   structural gap (demand over funding growth [001], spread across bodies) plus a yearly
   shock (calibration §2).
2. **contributions**: each body chooses how much of its discretionary budget to pool, at
   most what targets leave free (NHS [002]); a council under the balanced-budget rule
   pools only what it can afford. A pooled pound is a pound the body does not keep.
   Transformation money repays part of voluntary contributions while it lasts [004]. The
   Better Care Fund's mandatory minimum (a share of CCG budgets plus the disabled
   facilities grant through councils) is "not new money but a pooling of existing
   resources" [004]: spending that happened anyway, relabelled. It is counted in the
   fund's size (``bcf_minimum``) but moves no money and makes no new savings; only what
   bodies add on top does (the NAO found the minimum's planned savings did not appear,
   calibration §5).
3. **savings**: pooled money becomes savings ``multiplier x efficiency x shock`` after a lag
   (calibration §5); they land unevenly by type, and under payment by activity most of an
   acute trust's share goes to the commissioner [004]. Gain-sharing hands part back to the
   bodies that pooled the money.
4. **funds**: footprints that pool at least the threshold earn the incentive fund [002];
   risk sharing spreads part of each body's result across its footprint [004].
5. **council cuts**: councils heading for deficit must cut; the cuts shift cost onto the
   NHS (calibration §4) [001].
6. **control totals**: the Sustainability and Transformation Fund for NHS trusts, 70% for
   meeting their control total (or, under system totals, the footprint's shared total),
   assessed quarterly, 30% for performance trajectories; penalties for judged deficits
   (none by default); cash support, as a repayable loan with interest (the ledger keeps
   the debt) or a grant.
7. **outcomes**: admissions and delayed days against their demand trend.

``basis="cash"`` is the year as it happens: the savings that land are those generated
``savings_lag`` years ago. ``basis="accrual"`` is how a body appraises a year's decisions:
the savings this year's pooling will bring, discounted over the lag (Green Book), are
counted this year in place of the ones landing from the past. Both run the same phases, so
every rule (thresholds, funds, penalties, bail-outs, outcomes, risk sharing) reaches the
appraisal that learners learn from.

Every flow is kept, so money is conserved exactly: ``balance = income - cost -
contribution + savings + gain_shared + transformation + incentive + transfer + cut -
shifted + central - penalty + bailout - interest`` with ``bailout`` counted only when cash
support is a grant (a loan finances the deficit and is owed); transfers and gain-sharing
sum to zero per footprint.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, fields
from functools import lru_cache

import numpy as np

from stpgame.core import year_kernel as kern
from stpgame.core import year_layout as layout
from stpgame.core.arrays import FloatArray
from stpgame.core.compiled import index
from stpgame.core.params import ORG_TYPES, SAVINGS_SHARES, Params
from stpgame.core.structure import Structure
from stpgame.core.sums import Sums

ACUTE, COMMUNITY, CCG, COUNCIL = range(4)
TWO_YEAR_TOTALS = (2, 3)
"""The years whose control totals were set together in 2016 from 2016/17's plans
(``two_year_totals``; year 1 = 2016/17 in the England presets): 2017/18 and 2018/19."""
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
    debt: np.ndarray  # support loans outstanding, per body (£m)
    generated_total: float = 0.0
    landed_total: float = 0.0

    @classmethod
    def empty(cls, lag: int, n_fp: int, n: int) -> Ledger:
        """No savings in the pipeline, nothing carried over, no debt."""
        return cls(
            np.zeros((lag + 1, n_fp)), np.zeros((lag + 1, n)), np.zeros(n), np.zeros(n), np.zeros(n)
        )

    def borrow_and_repay(self, balance: np.ndarray, support: np.ndarray, rate: float) -> np.ndarray:
        """A year of revenue support loans: interest on last year's debt is charged to the
        year's result (``balance`` is changed in place), the year's cash support is
        borrowed, and a surplus repays what is owed (a financing flow: the result stands).
        Returns the interest charged (£m)."""
        interest = rate * self.debt
        balance -= interest
        owed = self.debt + support
        self.debt = owed - np.minimum(owed, np.maximum(balance, 0.0))
        return interest

    def carried_into(self, new: Ledger) -> Ledger:
        """The money of this ledger moved into ``new`` (made for new rules, e.g. another lag):
        what is due soonest keeps its place; savings due beyond the new lag land last."""
        k = min(len(self.pipeline), len(new.pipeline))
        new.pipeline[:k] = self.pipeline[:k]
        new.shares[:k] = self.shares[:k]
        new.pipeline[k - 1] += self.pipeline[k:].sum(axis=0)
        new.cumulative = self.cumulative
        new.last_balance = self.last_balance
        new.debt = self.debt
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
    redistributed: np.ndarray  # unearned sustainability money paid again (part of central)
    balance: np.ndarray
    pool: np.ndarray
    generated: np.ndarray
    admissions: np.ndarray
    delayed_days: np.ndarray
    outcome_index: np.ndarray
    totals_met: np.ndarray  # outcome of each control total this year
    welfare_share: np.ndarray  # each body's part of collective welfare
    interest: np.ndarray  # interest charged on support loans (cash rows; 0 elsewhere)
    # the year-end rates of unearned sustainability money paid out again: £ per £ beyond a
    # control total, £ per £ of allocation for meeting it (published: next year's estimates)
    year_end_rates: np.ndarray

    def experienced(self, rows: slice | np.ndarray = slice(None)) -> np.ndarray:
        """What each body (of ``rows``) makes of its year's money: its balance, less for a
        council the services it had to cut to balance its books (a council's books always
        balance; what it experiences as pressure is the cut [001])."""
        values: np.ndarray = self.balance[rows] - self.cut[rows]
        return values

    @property
    def welfare(self) -> float:
        """Collective welfare: income - costs - pooled + savings - shifted cost (£m)."""
        return float(self.welfare_share.sum())

    def part(self, rows: slice, footprints: slice, totals: slice) -> Round:
        """The flows of some rows and their footprints, from a year played over several
        copies of the footprints at once (their control totals are ``totals``)."""
        cut = {"rows": rows, "footprints": footprints, "totals": totals, "whole": slice(None)}
        return Round(*[getattr(self, name)[cut[kind]] for name, kind in _FIELD_KINDS])


_RESULT_NAMES = (
    *layout.RowResults._fields,
    *layout.FullResults._fields,
    *layout.FootprintResults._fields,
)
"""The compiled year's flows by name, in the order it hands them back."""
PER_FOOTPRINT = ("pool", "generated", "admissions", "delayed_days", "outcome_index")
_KIND_OF = {"totals_met": "totals", "year_end_rates": "whole"} | dict.fromkeys(
    PER_FOOTPRINT, "footprints"
)
_FIELD_KINDS = tuple((f.name, _KIND_OF.get(f.name, "rows")) for f in fields(Round))


RULES_ONLY = frozenset({"control_total", "sustainability_fund", "care_precept", "improved_bcf"})
"""Rules an economy reads only as the compiled year's rule values or year by year (the
councils' extra income), so ``Economy.with_rules`` can change them without a rebuild."""


@lru_cache(maxsize=64)
def footprint_sums(structure: Structure) -> Sums:
    """Sums within the footprints of a structure (cached: structures are shared)."""
    return Sums.groups(structure.footprint, structure.n_footprints)


def structural_gap(
    p: Params, structure: Structure, budget: FloatArray, z: FloatArray
) -> FloatArray:
    """Each body's costs over its income, as a share of it (phase 1): demand over funding
    growth [001], spread across bodies by ``z`` (``cost_spread``), and acute trusts further
    out than other trusts by ``acute_cost_gap`` (King's Fund: acute hospitals were most of
    the trusts in deficit, 2015/16-2017/18; calibration §2). The acute gap is split so
    the providers' budget-weighted mean is unchanged: it moves which trusts are in deficit,
    not the providers' deficit."""
    gap = (p.demand_growth - p.funding_growth) + p.cost_spread * z
    acute, provider = structure.is_acute, structure.is_provider
    provider_budget = budget[provider].sum()
    if p.acute_cost_gap and provider_budget > 0:
        acute_share = budget[acute].sum() / provider_budget
        gap = gap + p.acute_cost_gap * np.where(acute, 1.0 - acute_share, -acute_share) * provider
    return gap


class Economy:
    """Constants of one set of footprints, and the year's arithmetic over them."""

    def __init__(
        self,
        structure: Structure,
        budget: np.ndarray,
        gap: np.ndarray,
        p: Params,
        afford_from: np.ndarray | None = None,
        stretch: np.ndarray | None = None,
    ):
        self.p = p
        # For each row, the row whose affordability limits it: the replays of a year are
        # bound by what each council could afford in the year actually played.
        self.afford_from = afford_from
        self.fp = structure.footprint
        self.n_fp = structure.n_footprints
        self._per_fp = footprint_sums(structure)
        self.type = structure.org_type
        self.budget = budget
        self.gap = gap
        self.is_council = self.type == COUNCIL
        self.is_nhs = ~self.is_council
        self.is_provider = structure.is_provider  # NHS trusts
        self.fp_budget = self.per_fp(budget)
        self.discretionary = p.discretionary_share * budget
        # the Better Care Fund's minimum, £m in year 1: counted, not moved (module doc)
        self.bcf_minimum = budget * np.where(
            self.type == CCG,
            p.bcf_minimum_share,
            np.where(self.is_council, p.bcf_council_share, 0.0),
        )
        self.cap = np.where(self.is_nhs, 1.0 - p.target_pressure, 1.0)
        self.landing = self._landing_weights(structure)
        counts = structure.counts().sum(axis=1)
        self.coordination = 1.0 / (1.0 + p.coordination_cost * np.maximum(0, counts - 4))
        self.coordination *= np.where(structure.coterminous, 1.0, 1.0 - p.boundary_mismatch_cost)
        self.base_admissions = ADMISSIONS_PER_MILLION * structure.population
        self.base_delays = DELAYED_DAYS_PER_MILLION * structure.population
        # How a board values the savings its pooling will bring: discounted over the lag
        # (Green Book), and nothing if they land beyond its planning horizon.
        self.discount = (1.0 + p.discount_rate) ** -p.savings_lag * (
            p.savings_lag <= p.planning_horizon
        )
        self.room = self.cap * self.discretionary
        self.discretionary_fp = self.per_fp(self.discretionary)
        nhs_budget = self.per_fp(budget * self.is_nhs)
        self.nhs_share = np.where(
            self.is_nhs, budget / np.maximum(nhs_budget[self.fp], 1e-300), 0.0
        )
        self.budget_share = budget / self.fp_budget[self.fp]
        # A body's control total: its expected result without voluntary pooling, less slack,
        # moved by the regulator's body-by-body stretch (``stretch``: share of budget, z
        # scores times ``control_total_spread``).
        moved = 0.0 if stretch is None else stretch
        self.target = np.where(self.is_nhs, -gap - p.control_total_slack + moved, 0.0)
        self._compile_constants(structure)

    def _compile_constants(self, structure: Structure) -> None:
        """The constants and rules of the compiled year (year_layout.py), laid out once."""
        p, n = self.p, len(self.budget)
        hospital_side = (self.type == ACUTE) | (self.type == CCG)
        as_number = np.float64  # masks as numbers: the loops multiply by them
        self._rows = layout.RowConstants(
            footprint=index(self.fp),
            afford_from=index(np.arange(n) if self.afford_from is None else self.afford_from),
            budget=self.budget.astype(float),
            one_plus_gap=1.0 + self.gap,
            room=self.room,
            landing=self.landing,
            council=self.is_council.astype(as_number),
            nhs=self.is_nhs.astype(as_number),
            provider=self.is_provider.astype(as_number),
            target=self.target,
            nhs_share=self.nhs_share,
            budget_share=self.budget_share,
            hospital=hospital_side.astype(as_number),
            care=(~hospital_side).astype(as_number),
        )
        self._footprints = layout.FootprintConstants(
            coordination=self.coordination.astype(float),
            budget=self.fp_budget.astype(float),
            discretionary=self.discretionary_fp.astype(float),
            base_admissions=self.base_admissions.astype(float),
            base_delays=self.base_delays.astype(float),
            has_nhs=(np.bincount(self.fp, self.is_nhs, self.n_fp) > 0).astype(as_number),
        )
        self._rules = self._rules_for(p)
        # as the compiled year takes them (kern.compiled_year says why plain tuples)
        self._constants = (tuple(self._rows), tuple(self._footprints), tuple(self._rules))
        # the rows whose affordability is worked out: every row, or those others read
        self._afford_rows = n if self.afford_from is None else int(self.afford_from.max()) + 1
        self._no_cap = np.zeros(0)

    def _rules_for(self, p: Params) -> layout.Rules:
        """The rules of the compiled year under ``p`` (with this economy's discount)."""
        return layout.Rules(
            savings_multiplier=float(p.savings_multiplier),
            one_minus_trust_effect=1.0 - p.trust_effect,
            trust_effect=float(p.trust_effect),
            discount=float(self.discount),
            lag_zero=p.savings_lag == 0,
            gain_share=float(p.gain_share),
            incentive_fund=float(p.incentive_fund),
            incentive_threshold=float(p.incentive_threshold),
            risk_share=float(p.risk_share),
            balanced_budget=bool(p.council_balanced_budget),
            cost_shift=float(p.cost_shift_rate),
            control_total=layout.control_total_code(p.control_total),
            sustainability_fund=float(p.sustainability_fund),
            stf_finance_share=float(p.stf_finance_share),
            stf_performance_met=float(p.stf_performance_met),
            stf_redistribution=float(p.stf_redistribution),
            quarterly_sd=float(p.cost_shock),
            system_share=float(p.system_share),
            loans=p.cash_support == "loan",
            system_weight=float(p.system_weight),
            breach_penalty=float(p.breach_penalty),
            bailout_share=float(p.bailout_share),
            emergency_share=EMERGENCY_SHARE,
            delay_share=DELAY_SHARE,
        )

    def with_rules(self, p: Params) -> Economy:
        """These places under rules ``p`` that differ from this economy's only in
        ``RULES_ONLY``: a copy with the compiled year's rule values replaced, no constants
        rebuilt (the model switches from the years before year 1 to its own rules so)."""
        changed = {f.name for f in fields(p) if getattr(p, f.name) != getattr(self.p, f.name)}
        if not changed <= RULES_ONLY:
            raise ValueError(f"rebuild the economy to change {sorted(changed - RULES_ONLY)}")
        new = copy.copy(self)
        new.p = p
        new._rules = self._rules_for(p)
        new._constants = (*self._constants[:2], tuple(new._rules))
        return new

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

    def transformation_rate(self, year: int) -> float:
        """Transformation money this year, as a share of contribution: paid only in the
        first ``transformation_years`` from year 1 [004] (none in the years before year 1)."""
        p = self.p
        return p.transformation_fund if 1 <= year <= p.transformation_years else 0.0

    def care_extra(self, year: int) -> float:
        """Councils' income for adult social care on top of their funding, as a share of it:
        the social care precept from 2016/17, and the improved Better Care Fund, new money
        paid to councils from 2017/18 (year 2). It pays for care without raising its cost
        [001]. The precept is one year's worth throughout, as councils' cost gap does not
        grow in the model either (only trusts', ``drift``; docs/ODD.md §9)."""
        p = self.p
        return p.care_precept + (p.improved_bcf if year >= 2 else 0.0)

    def drift(self, year: int) -> float:
        """How far NHS trusts' cost gap has grown since year 1, as a share of income: by
        ``cost_drift`` a year for ``cost_drift_years`` years, then held (the underlying
        deficit rose to 2018/19, calibration §2). Part of each trust's plan, so of its
        control total."""
        p = self.p
        return p.cost_drift * min(max(year - 1, 0), p.cost_drift_years)

    def planned_drift(self, year: int) -> float:
        """The growth of trusts' cost gap that year ``year``'s control totals allow for: the
        year's own plan (``drift``), or, under ``two_year_totals``, for 2017/18 and 2018/19
        (years 2 and 3) 2016/17's, the position both were set from in 2016 (NHS Improvement:
        control totals for 2017/18 and 2018/19 set together with two-year operating plans,
        which aimed at a provider sector in balance in both years)."""
        if self.p.two_year_totals and year in TWO_YEAR_TOTALS:
            return self.drift(1)  # as planned in 2016/17 (0: the growth starts after it)
        return self.drift(year)

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
        full_rows: int | None = None,
        landing: np.ndarray | None = None,
        national_rows: int | None = None,
        rated_rows: int | None = None,
        year_end_rates: tuple[float, float] = (1.0, 0.0),
    ) -> Round:
        """Run one year for intended pooling ``levels`` in [0, 1].

        The leading footprints covered by ``ledger`` (one, or several one after another) are
        played on a cash basis and their ledgers move on a year; the rest are appraised on an
        accrual basis (see module doc). So the year as played, its everyone-pools twin and
        every replay can run as one array program. ``cap`` limits each body's contribution
        (a standalone replay uses what each council could afford in the year actually
        played). ``outcomes=False`` skips admissions and delayed days (index 100), for
        appraisals when outcomes do not count in anyone's score; ``(rows, footprints)``
        computes them only for the leading footprints (whose rows lead). ``full_rows``: only
        the leading rows keep every flow; the rest keep income, contribution, cut, central
        money, balance and welfare share (all a replay's appraisal reads). ``landing``: per
        footprint after the ledgers', the savings known to land this year (an appraisal's
        councils count them in what they can afford, as their finance teams would).
        ``national_rows``: the leading rows that are England's bodies, whose unearned
        sustainability money sets the year-end rates (default: all rows); the leading
        ``rated_rows`` (default: ``national_rows``) are paid at them, the rest (a finance
        team's replays) at ``year_end_rates``, the last published rates (before any year
        has ended, the rule as announced: £1 per £1 beyond a total, no bonus).

        The phases run compiled (year_kernel.py), each as the module doc above says.
        """
        ledgers = () if ledger is None else (ledger,) if isinstance(ledger, Ledger) else ledger
        p, n_rows = self.p, len(self.budget)
        money, demand = self.growth(draws.year)
        tf = self.transformation_rate(draws.year)
        cash_fps = sum(book.pipeline.shape[1] for book in ledgers)
        cash_rows = sum(len(book.cumulative) for book in ledgers)
        out_rows, out_fps = (
            (n_rows, self.n_fp) if outcomes is True else outcomes if outcomes else (0, 0)
        )
        landed_now = np.zeros(self.n_fp)
        if landing is not None:
            landed_now[cash_fps:] = landing
        if ledgers:
            landed_now[:cash_fps] = np.concatenate([book.pipeline[0] for book in ledgers])
            ledger_shares = np.concatenate([book.shares[0] for book in ledgers])
        else:
            ledger_shares = landed_now[:0]
        national = n_rows if national_rows is None else national_rows
        year = layout.YearInputs(
            money=money,
            care_extra=self.care_extra(draws.year),
            need=(demand / money) ** p.savings_need_elasticity,
            drift=self.drift(draws.year),
            planned_drift=self.planned_drift(draws.year),
            demand=demand,
            transformation=tf,
            afford_divisor=max(1.0 - tf, 1e-9),
            admission_cost=p.cost_per_admission * money,
            bed_day_cost=p.cost_per_bed_day * money,
            levels=np.ascontiguousarray(levels, dtype=float),
            cost_shock=np.ascontiguousarray(draws.cost_shock, dtype=float),
            savings_shock=np.ascontiguousarray(draws.savings_shock, dtype=float),
            fp_trust=np.ascontiguousarray(draws.fp_trust, dtype=float),
            landed_now=landed_now,
            ledger_shares=ledger_shares,
            cap=self._no_cap if cap is None else np.ascontiguousarray(cap, dtype=float),
            use_cap=cap is not None,
            afford_rows=self._afford_rows,
            has_landed=(bool(ledgers) or landing is not None) and p.savings_lag > 0,
            cash_footprints=cash_fps,
            cash_rows=cash_rows,
            shared_rows=n_rows if p.gain_share else cash_rows,
            outcome_rows=out_rows,
            outcome_footprints=out_fps,
            full_rows=n_rows if full_rows is None else max(full_rows, out_rows),
            national_rows=national,
            rated_rows=national if rated_rows is None else rated_rows,
            stf_rates=np.array(year_end_rates, dtype=float),
        )
        rows, full, fps, met, share_now, rates = kern.compiled_year(*self._constants, tuple(year))
        flows = dict(zip(_RESULT_NAMES, (*rows, *full, *fps), strict=True))
        balance, generated = flows["balance"], flows["generated"]
        interest = np.zeros(n_rows)
        fp0 = row0 = 0
        for book in ledgers:
            fp1, row1 = fp0 + book.pipeline.shape[1], row0 + len(book.cumulative)
            if p.cash_support == "loan":
                interest[row0:row1] = book.borrow_and_repay(
                    balance[row0:row1], flows["bailout"][row0:row1], p.loan_interest
                )
            made, landed = kern.advance_ledger(
                book.pipeline,
                book.shares,
                book.cumulative,
                generated[fp0:fp1],
                share_now[row0:row1],
                balance[row0:row1],
            )
            book.generated_total += made
            book.landed_total += landed
            book.last_balance = balance[row0:row1]
            fp0, row0 = fp1, row1
        return Round(
            **flows, totals_met=met, interest=interest, year_end_rates=np.array(rates, float)
        )
