"""The arithmetic of one year over rows of bodies, compiled (numba), one function per phase.

``Economy.play`` (economy.py) says what each phase means and where its rules come from;
this module is only how the arithmetic runs. The year as played, its everyone-pools twin
and every flipped-move replay are ~6,400 rows a year in the England preset: each phase is
a pass over them with its values in registers, instead of ~60 numpy operations that each
walk every row.

Inputs and outputs are named (year_layout.py); ``compiled_year`` runs the phases in economy.py's
numbered order, each a small compiled function that reads the inputs and the results of
the phases before it. A phase that needs a footprint's sum of an earlier phase starts a new
pass over the rows. Every sum adds its terms one at a time in row order from zero (as
``np.bincount`` does), so the compiled year gives the same bits as the same code run by
Python (``tests/test_year_kernel.py``); the golden test (``tests/test_golden.py``) pins the
results themselves, and ``tests/test_handworked.py`` checks them against a year worked by
hand. ``np.maximum(0.0, x)`` is written ``_floor0(x)`` with numpy's choice at ties and NaN.

How it is compiled, and cached, is in compiled.py.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from stpgame.core import regulation
from stpgame.core.compiled import helper, kernel
from stpgame.core.year_layout import (
    INDIVIDUAL,
    SYSTEM,
    FootprintConstants,
    FootprintResults,
    FullResults,
    RowConstants,
    RowResults,
    Rules,
    YearInputs,
)


@helper
def _floor0(x: float) -> float:
    """``np.maximum(0.0, x)``: 0.0 unless x is larger (NaN stays NaN)."""
    return 0.0 if x <= 0.0 else x


_blend = helper(regulation.blend)  # the judged deficit: own and footprint's, by system_weight


@helper
def _settle(
    after: float, fp_after: float, nhs_share: float, nhs: float, w: float, rate: float, share: float
) -> tuple[float, float]:
    """Penalty (``rate``) for the judged deficit after central money (the footprint's
    counting with weight ``w``, split by ``nhs_share``), bail-out of a ``share`` of the rest;
    ``nhs`` is 1 for an NHS body, 0 for a council."""
    judged = _blend(_floor0(-after), _floor0(-fp_after) * nhs_share, w)
    penalty = rate * judged * nhs
    return penalty, share * _floor0(-(after - penalty)) * nhs


@helper
def _cost_share(rc: RowConstants, year: YearInputs, i: int) -> float:
    """Row ``i``'s costs as a share of its income this year: its structural gap, the trusts'
    gap grown since year 1 (``drift``), the year's shock."""
    share: float = rc.one_plus_gap[i] + year.drift * rc.provider[i] + year.cost_shock[i]
    return share


@helper
def _margin(rc: RowConstants, year: YearInputs, rows: RowResults, i: int) -> float:
    """Row ``i``'s result against its control total (set from its plan: a trust's plan
    includes its cost gap as grown when the total was set, ``planned_drift``), £m."""
    target = rc.target[i] - year.planned_drift * rc.provider[i]
    margin: float = rows.balance[i] - target * rows.income[i]
    return margin


@helper
def _affordable_base(rc: RowConstants, rules: Rules, year: YearInputs) -> np.ndarray:
    """Phase 2, balanced budgets: what each council can afford to pool (its own rows, which
    the rows standing in for the year as played read): what its year leaves free after
    costs (and savings landing from a ledger), stretched by transformation money; no limit
    for NHS bodies."""
    n = year.afford_rows if rules.balanced_budget and not year.use_cap else 0
    base = np.full(n, np.inf)
    money = year.money
    for i in range(n):
        if rc.council[i] != 0.0:
            spend = rc.budget[i] * money  # costs follow the base budget; the precept adds
            head = spend * (1.0 + year.care_extra) - spend * _cost_share(rc, year, i)
            if year.has_landed:
                head += year.landed_now[rc.footprint[i]] * rc.landing[i]
            if head < 0.0:  # np.maximum(head, 0.0): NaN and -0.0 stay
                head = 0.0
            base[i] = head / year.afford_divisor
    return base


@helper
def _contribute(
    rc: RowConstants,
    rules: Rules,
    year: YearInputs,
    rows: RowResults,
    full: FullResults,
    pool: np.ndarray,
) -> None:
    """Phases 1-2: income and costs; each body pools what it wants (its level of its room
    to pool) up to what it can afford; transformation money. (The Better Care Fund minimum
    is existing spending relabelled: it never leaves a body's books, economy.py.)"""
    base = _affordable_base(rc, rules, year)
    money, tf, n_full = year.money, year.transformation, year.full_rows
    for i in range(len(rc.footprint)):
        spend = rc.budget[i] * money
        rows.income[i] = spend * (1.0 + year.care_extra * rc.council[i])
        level = year.levels[i]
        level = level if level >= 0.0 else 0.0
        level = level if level <= 1.0 else 1.0
        wanted = level * rc.room[i] * money
        if year.use_cap:
            affordable = year.cap[i]
        elif rules.balanced_budget:
            affordable = base[rc.afford_from[i]]
        else:
            affordable = np.inf
        c = wanted if wanted <= affordable else affordable
        rows.contribution[i] = c
        rows.forced[i] = c < wanted - 1e-9
        if i < n_full:
            full.cost[i] = spend * _cost_share(rc, year, i)
            full.affordable[i] = affordable
            full.transformation[i] = tf * c if tf else 0.0
        pool[rc.footprint[i]] += c


@helper
def _save(
    fc: FootprintConstants, rules: Rules, year: YearInputs, fps: FootprintResults
) -> tuple[np.ndarray, np.ndarray]:
    """Phase 3: savings generated by each footprint's pool; what lands this year (cash: due
    from the ledger, or made now without a lag; accrual: this year's, discounted over the
    lag); the incentive fund each footprint earns (phase 4)."""
    n_fp = len(fc.budget)
    landed = np.empty(n_fp)
    fund = np.zeros(n_fp)
    money = year.money
    for f in range(n_fp):
        efficiency = fc.coordination[f] * (
            rules.one_minus_trust_effect + rules.trust_effect * year.fp_trust[f]
        )
        generated = (
            fps.pool[f] * rules.savings_multiplier * year.need * efficiency * year.savings_shock[f]
        )
        fps.generated[f] = generated
        if f < year.cash_footprints:
            landed[f] = year.landed_now[f] + generated if rules.lag_zero else year.landed_now[f]
        else:
            landed[f] = rules.discount * generated
        if rules.incentive_fund != 0.0:
            disc = fc.discretionary[f] * money
            pooled_share = fps.pool[f] / disc if disc > 0 else 0.0
            chosen = rules.incentive_fund if pooled_share >= rules.incentive_threshold else 0.0
            fund[f] = chosen * fc.budget[f] * money
    return landed, fund


@helper
def _pool_shares(
    rc: RowConstants, year: YearInputs, rows: RowResults, pool: np.ndarray
) -> np.ndarray:
    """Each shared row's share of its footprint's pool (gain sharing, and the ledger)."""
    share_now = np.zeros(year.shared_rows)
    for i in range(year.shared_rows):
        total = pool[rc.footprint[i]]
        if total > 0:
            share_now[i] = rows.contribution[i] / total
    return share_now


@helper
def _council_cut(net: float, council: float, balanced: bool) -> float:
    """What a council heading for deficit must cut under the balanced-budget rule."""
    return _floor0(-net) * council if balanced else 0.0


@helper
def _keep_and_share(
    rc: RowConstants,
    rules: Rules,
    year: YearInputs,
    rows: RowResults,
    full: FullResults,
    pool: np.ndarray,
    landed: np.ndarray,
    fund: np.ndarray,
    share_now: np.ndarray,
) -> np.ndarray:
    """Phases 3-5: what each body keeps (income - cost - contribution + savings), gain
    sharing, transformation money, the incentive fund, risk sharing (which needs the
    footprint's total first) and council cuts. ``rows.balance`` holds the result before
    the cut; returns each footprint's cuts."""
    n_rows, n_fp, n_full = len(rc.footprint), len(pool), year.full_rows
    tf, gain_share, risk = year.transformation, rules.gain_share, rules.risk_share
    balanced = rules.balanced_budget
    fp_net = np.zeros(n_fp if risk else 0)
    cuts_fp = np.zeros(n_fp)
    for i in range(n_rows):
        f = rc.footprint[i]
        savings = landed[f] * rc.landing[i]
        income, c = rows.income[i], rows.contribution[i]
        cost = rc.budget[i] * year.money * _cost_share(rc, year, i)
        kept = income - cost - c + savings
        rows.welfare_share[i] = kept
        net = kept
        gained = 0.0
        if gain_share:
            # a ledger's rows are owed by the shares of the year the savings came from
            from_ledger = i < year.cash_rows and not rules.lag_zero
            share = year.ledger_shares[i] if from_ledger else share_now[i]
            gained = gain_share * (landed[f] * share - savings)
            net = net + gained
        if tf:
            net = net + tf * c
        incentive = 0.0
        if rules.incentive_fund != 0.0:
            total = pool[f]
            incentive = fund[f] * (c / total if total > 0 else 0.0)
            net = net + incentive
        if i < n_full:
            full.savings[i] = savings
            full.gain_shared[i] = gained
            full.incentive[i] = incentive
            full.transfer[i] = 0.0
        rows.balance[i] = net
        if risk:
            fp_net[f] += net
        else:
            cut = _council_cut(net, rc.council[i], balanced)
            rows.cut[i] = cut
            cuts_fp[f] += cut
    if risk:
        for i in range(n_rows):
            net = rows.balance[i]
            transfer = risk * (rc.budget_share[i] * fp_net[rc.footprint[i]] - net)
            if i < n_full:
                full.transfer[i] = transfer
            net = net + transfer
            rows.balance[i] = net
            cut = _council_cut(net, rc.council[i], balanced)
            rows.cut[i] = cut
            cuts_fp[rc.footprint[i]] += cut
    return cuts_fp


@helper
def _shift_costs(
    rc: RowConstants,
    rules: Rules,
    year: YearInputs,
    rows: RowResults,
    full: FullResults,
    cuts_fp: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Phase 5: council cuts shift cost onto the footprint's NHS bodies (by NHS budget);
    ``rows.balance`` becomes the result after the cut and the shift. Returns, per
    footprint of the outcome rows, hospital-side and care-side savings and the cost
    shifted."""
    n_fp = len(cuts_fp)
    hosp, care, shifted_fp = np.zeros(n_fp), np.zeros(n_fp), np.zeros(n_fp)
    for i in range(len(rc.footprint)):
        f = rc.footprint[i]
        shifted = rules.cost_shift * cuts_fp[f] * rc.nhs_share[i] if rules.balanced_budget else 0.0
        if i < year.full_rows:
            full.shifted[i] = shifted
        rows.welfare_share[i] = rows.welfare_share[i] - shifted
        rows.balance[i] = rows.balance[i] + rows.cut[i] - shifted
        if i < year.outcome_rows:  # (no more than the full rows)
            hosp[f] += full.savings[i] * rc.hospital[i]
            care[f] += full.savings[i] * rc.care[i]
            shifted_fp[f] += shifted
    return hosp, care, shifted_fp


QUARTERS = np.array([-1.1503, -0.3186, 0.3186, 1.1503])
"""The four quarters' run-rates around the year's result, in standard deviations: the
midpoints of the quartiles of a normal distribution. The STF was assessed and paid quarterly
(calibration §2), so a body near its total loses a quarter's share, not the year's."""


@helper
def _quarters_met(margin: float, spread: float) -> float:
    """Share of the four quarters whose run-rate (``margin`` plus the quarter's deviation
    of ``spread``) reaches its total."""
    met = 0.0
    for z in QUARTERS:
        met += 0.25 if margin + z * spread >= 0.0 else 0.0
    return met


@helper
def _settle_totals(
    rc: RowConstants, fc: FootprintConstants, rules: Rules, year: YearInputs, rows: RowResults
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Phase 6a: how far each control total is met, hence each row's share of the finance
    part of the central money: each NHS body on its own total (individual); under system
    totals, ``system_share`` of it on the footprint's NHS bodies' results against the sum
    of their totals (which members may re-divide among themselves) and the rest on its own;
    none. Totals are assessed quarterly (``_quarters_met``, spread ``quarterly_sd`` of
    income). Returns per row its share paid, its result against its own total (0 for a
    council) and whether that is met over the year, and per footprint whether the system
    total is."""
    n_rows, n_fp, kind = len(rc.footprint), len(fc.budget), rules.control_total
    paid = np.zeros(n_rows)
    margin = np.zeros(n_rows)
    own_met = np.zeros(n_rows, np.bool_)
    met_fp = np.zeros(n_fp, np.bool_)
    if kind != INDIVIDUAL and kind != SYSTEM:
        return paid, margin, own_met, met_fp
    sd = rules.quarterly_sd
    for i in range(n_rows):
        if rc.nhs[i] != 0.0:
            margin[i] = _margin(rc, year, rows, i)
            own_met[i] = margin[i] >= 0.0
            paid[i] = _quarters_met(margin[i], sd * rows.income[i])
    if kind == SYSTEM:
        gap, spread = np.zeros(n_fp), np.zeros(n_fp)
        for i in range(n_rows):
            if rc.nhs[i] != 0.0:
                f = rc.footprint[i]
                gap[f] += margin[i]
                # a quarter's pressure (winter, say) hits a footprint's bodies alike: the
                # system's run-rate spreads by the sum of theirs (so a row standing for
                # several bodies, in the replays, spreads as they do together)
                spread[f] += sd * rows.income[i]
        system_paid = np.zeros(n_fp)
        for f in range(n_fp):
            met_fp[f] = gap[f] >= 0.0 and fc.has_nhs[f] != 0.0
            system_paid[f] = _quarters_met(gap[f], spread[f]) if fc.has_nhs[f] else 0.0
        s = rules.system_share
        for i in range(n_rows):
            if rc.nhs[i] != 0.0:
                paid[i] = s * system_paid[rc.footprint[i]] + (1.0 - s) * paid[i]
    return paid, margin, own_met, met_fp


@helper
def _eligible(
    rc: RowConstants, rules: Rules, own_met: np.ndarray, met_fp: np.ndarray, i: int
) -> float:
    """How far row ``i`` met the control total its finance money is paid on, over the year
    (1 or 0; under system totals ``system_share`` on the footprint's, the rest on its own)."""
    own = 1.0 if own_met[i] else 0.0
    if rules.control_total != SYSTEM:
        return own
    s = rules.system_share
    return s * (1.0 if met_fp[rc.footprint[i]] else 0.0) + (1.0 - s) * own


@helper
def _year_end_rates(
    rc: RowConstants,
    rules: Rules,
    year: YearInputs,
    rows: RowResults,
    earned: np.ndarray,
    margin: np.ndarray,
    eligible: np.ndarray,
) -> tuple[float, float]:
    """Phase 6b, the year end: the unearned sustainability money of England's providers (the
    leading ``national_rows``; ``stf_redistribution`` of it) paid out again, first £1 for
    each £1 by which a provider beats its control total (scaled down if the money runs
    out), then the rest as a bonus per £ of allocation to providers that met their total
    (NHS Improvement's letter, 2016/17: ``Params.stf_redistribution``); ``margin`` and
    ``eligible`` per row from ``_settle_totals`` and ``_eligible``. Returns (incentive
    per £ beyond a total, bonus per £ of allocation); the published ones (``stf_rates``)
    if no rows are England's, as in a replay played on its own."""
    if year.national_rows == 0:
        return year.stf_rates[0], year.stf_rates[1]
    unearned = beaten = met = 0.0
    for i in range(year.national_rows):
        if rc.provider[i] != 0.0:
            allocation = rules.sustainability_fund * rows.income[i]
            unearned += allocation * (1.0 - earned[i])
            beaten += _floor0(margin[i])
            met += allocation * eligible[i]
    pot = rules.stf_redistribution * unearned
    incentive = 0.0
    if beaten > 0.0:
        incentive = pot / beaten if pot < beaten else 1.0
    rest = pot - incentive * beaten
    bonus = rest / met if met > 0.0 and rest > 0.0 else 0.0
    return incentive, bonus


@helper
def _pay_and_settle(
    rc: RowConstants,
    rules: Rules,
    year: YearInputs,
    rows: RowResults,
    full: FullResults,
    paid: np.ndarray,
    margin: np.ndarray,
    own_met: np.ndarray,
    met_fp: np.ndarray,
) -> tuple[float, float]:
    """Phase 6b, once for every kind of control total: central money to providers (the
    Sustainability and Transformation Fund: ``stf_finance_share`` of it for the share of
    quarters their control total was met, the rest for performance trajectories met at the
    published rate ``stf_performance_met``; at the year end the money not earned is paid
    out again at ``_year_end_rates`` to the leading ``rated_rows``, and at the published
    rates ``stf_rates`` to the rest, an estimate's replays); then penalties on the judged
    deficit after it (the footprint's counting with weight ``system_weight``, once its
    total is known) and cash support: a grant, or a revenue support loan that finances the
    deficit without counting as income (``loans``; the model's ledger records the debt).
    Returns the year-end rates."""
    n_rows, n_fp, w = len(rc.footprint), len(met_fp), rules.system_weight
    fp_after = np.zeros(n_fp if w else 0)
    has_totals = rules.control_total == INDIVIDUAL or rules.control_total == SYSTEM
    performance = (1.0 - rules.stf_finance_share) * rules.stf_performance_met
    earned = np.zeros(n_rows)
    if has_totals:
        for i in range(n_rows):
            earned[i] = rules.stf_finance_share * paid[i] + performance
    rates = (0.0, 0.0)
    paying = has_totals and rules.stf_redistribution != 0.0
    eligible = np.zeros(n_rows if paying else 0)
    if paying:
        for i in range(n_rows):
            eligible[i] = _eligible(rc, rules, own_met, met_fp, i)
        rates = _year_end_rates(rc, rules, year, rows, earned, margin, eligible)
    for i in range(n_rows):
        allocation = rules.sustainability_fund * rows.income[i] * rc.provider[i]
        again = 0.0
        if paying:
            incentive, bonus = (
                rates if i < year.rated_rows else (year.stf_rates[0], year.stf_rates[1])
            )
            beaten = _floor0(margin[i]) * rc.provider[i]
            again = incentive * beaten + bonus * allocation * eligible[i]
        central = allocation * earned[i] + again
        rows.central[i] = central
        if i < year.full_rows:
            full.redistributed[i] = again
        if w:
            fp_after[rc.footprint[i]] += rows.balance[i] + central
    for i in range(n_rows):
        after = rows.balance[i] + rows.central[i]
        penalty, bailout = _settle(
            after,
            fp_after[rc.footprint[i]] if w else 0.0,
            rc.nhs_share[i],
            rc.nhs[i],
            w,
            rules.breach_penalty,
            rules.bailout_share,
        )
        rows.balance[i] = after - penalty + (0.0 if rules.loans else bailout)
        if i < year.full_rows:
            full.penalty[i], full.bailout[i] = penalty, bailout
    return rates


@helper
def _outcomes(
    fc: FootprintConstants,
    rules: Rules,
    year: YearInputs,
    fps: FootprintResults,
    cuts_fp: np.ndarray,
    hosp: np.ndarray,
    care: np.ndarray,
    shifted_fp: np.ndarray,
) -> None:
    """Phase 7: admissions and delayed days against their demand trend, for the leading
    footprints asked for (the rest NaN, index 100)."""
    for f in range(len(fc.budget)):
        if f >= year.outcome_footprints:
            fps.admissions[f] = np.nan
            fps.delayed_days[f] = np.nan
            fps.outcome_index[f] = 100.0
            continue
        trend_adm = fc.base_admissions[f] * year.demand
        trend_del = fc.base_delays[f] * year.demand
        adm = _floor0(
            trend_adm
            + rules.emergency_share * (shifted_fp[f] - hosp[f]) * 1e6 / year.admission_cost
        )
        delays = _floor0(
            trend_del + rules.delay_share * (cuts_fp[f] - care[f]) * 1e6 / year.bed_day_cost
        )
        index = 100.0 - 50.0 * (adm / trend_adm - 1.0) - 50.0 * (delays / trend_del - 1.0)
        index = index if index >= 0.0 else 0.0
        fps.admissions[f] = adm
        fps.delayed_days[f] = delays
        fps.outcome_index[f] = index if index <= 200.0 else 200.0


@helper
def _totals_met(
    rc: RowConstants, fc: FootprintConstants, rules: Rules, own_met: np.ndarray, met_fp: np.ndarray
) -> np.ndarray:
    """Each control total's outcome: per NHS row (individual), per footprint with NHS
    bodies (system), none."""
    if rules.control_total == INDIVIDUAL:
        met = np.empty(len(own_met), np.bool_)
        count = 0
        for i in range(len(own_met)):
            if rc.nhs[i] != 0.0:
                met[count] = own_met[i]
                count += 1
    elif rules.control_total == SYSTEM:
        met = np.empty(len(met_fp), np.bool_)
        count = 0
        for f in range(len(met_fp)):
            if fc.has_nhs[f] != 0.0:
                met[count] = met_fp[f]
                count += 1
    else:
        met = np.empty(0, np.bool_)
        count = 0
    return met[:count]


@kernel
def compiled_year(
    rc_fields: tuple[Any, ...],
    fc_fields: tuple[Any, ...],
    rules_fields: tuple[Any, ...],
    year_fields: tuple[Any, ...],
) -> tuple[Any, ...]:
    """One year over the rows of ``rc`` in the footprints of ``fc`` (see ``Economy.play``),
    phase by phase as economy.py numbers them.

    Inputs and outputs cross from and to Python as plain tuples of the named structures'
    fields (year_layout.py), in their order: numba takes a NamedTuple of arrays in and out
    at ~1 µs a field, a plain tuple at a quarter of that. Inside, every phase reads them by
    name; ``Economy.play`` reads the results by name (``RowResults._fields`` ...)."""
    rc, fc = RowConstants(*rc_fields), FootprintConstants(*fc_fields)
    rules, year = Rules(*rules_fields), YearInputs(*year_fields)
    n_rows, n_fp, n_full = len(rc.footprint), len(fc.budget), year.full_rows
    rows = RowResults(
        income=np.empty(n_rows),
        contribution=np.empty(n_rows),
        forced=np.empty(n_rows, np.bool_),
        cut=np.zeros(n_rows),
        central=np.empty(n_rows),
        balance=np.empty(n_rows),
        welfare_share=np.empty(n_rows),
    )
    full = FullResults(
        cost=np.empty(n_full),
        affordable=np.empty(n_full),
        transformation=np.empty(n_full),
        savings=np.empty(n_full),
        gain_shared=np.empty(n_full),
        incentive=np.empty(n_full),
        transfer=np.empty(n_full),
        shifted=np.empty(n_full),
        penalty=np.empty(n_full),
        bailout=np.empty(n_full),
        redistributed=np.empty(n_full),
    )
    fps = FootprintResults(
        pool=np.zeros(n_fp),
        generated=np.zeros(n_fp),
        admissions=np.zeros(n_fp),
        delayed_days=np.zeros(n_fp),
        outcome_index=np.zeros(n_fp),
    )
    _contribute(rc, rules, year, rows, full, fps.pool)  # 1-2
    landed, fund = _save(fc, rules, year, fps)  # 3-4
    share_now = _pool_shares(rc, year, rows, fps.pool)
    cuts_fp = _keep_and_share(rc, rules, year, rows, full, fps.pool, landed, fund, share_now)
    hosp, care, shifted_fp = _shift_costs(rc, rules, year, rows, full, cuts_fp)  # 5
    paid, margin, own_met, met_fp = _settle_totals(rc, fc, rules, year, rows)  # 6
    rates = _pay_and_settle(rc, rules, year, rows, full, paid, margin, own_met, met_fp)
    _outcomes(fc, rules, year, fps, cuts_fp, hosp, care, shifted_fp)  # 7
    met = _totals_met(rc, fc, rules, own_met, met_fp)
    return tuple(rows), tuple(full), tuple(fps), met, share_now, rates


@kernel
def advance_ledger(
    pipeline: np.ndarray,
    shares: np.ndarray,
    cumulative: np.ndarray,
    generated: np.ndarray,
    share_now: np.ndarray,
    balance: np.ndarray,
) -> tuple[float, float]:
    """A cash ledger moves on a year: this year's savings join the pipeline, the ones due
    now leave it (the year read them before), the year's results join the cumulative.
    Returns the savings generated and landed (summed in footprint order)."""
    last = pipeline.shape[0] - 1
    generated_sum = landed_sum = 0.0
    for f in range(pipeline.shape[1]):
        pipeline[last, f] += generated[f]
        generated_sum += generated[f]
        landed_sum += pipeline[0, f]
        for k in range(last):
            pipeline[k, f] = pipeline[k + 1, f]
        pipeline[last, f] = 0.0
    shares[last, :] = share_now
    for k in range(last):
        shares[k, :] = shares[k + 1, :]
    for i in range(len(cumulative)):
        cumulative[i] += balance[i]
    return generated_sum, landed_sum
