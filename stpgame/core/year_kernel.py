"""The arithmetic of one year over rows of bodies, compiled (numba) into one loop per phase.

``Economy.play`` (economy.py) says what each phase means and where its rules come from;
this module is only how the arithmetic runs. The year as played, its everyone-pools twin
and every flipped-move replay are ~6,400 rows a year in the England preset: as numpy, each
of the ~60 array operations of the year walked all of them (about 0.35 ms a year, a third
of the model's time); here each phase is one pass with its values in registers.

Every value is computed as the numpy version computed it, operation by operation and in the
same order, and every sum adds its terms one at a time in row order from zero (as
``np.bincount`` does), so results are the same to the bit (``tests/test_year_kernel.py``
checks the compiled year against the same arithmetic run as plain Python).
``np.maximum(0.0, x)`` is written ``_floor0(x)`` with numpy's choice at ties and NaN.

How it is compiled, and cached, is in compiled.py.
"""

from __future__ import annotations

import numpy as np

from stpgame.core.compiled import helper, kernel

# Per-row constants (rows of ``Economy.row_constants``).
(
    BUDGET,
    ONE_PLUS_GAP,
    MINIMUM,
    ROOM,
    LANDING,
    COUNCIL,
    NHS,
    TARGET,
    NHS_SHARE,
    BUDGET_SHARE,
    HOSPITAL,
    CARE,
) = range(12)
ROW_CONSTANTS = CARE + 1
# Per-footprint constants.
COORDINATION, FP_BUDGET, DISCRETIONARY_FP, BASE_ADMISSIONS, BASE_DELAYS, HAS_NHS = range(6)
FP_CONSTANTS = HAS_NHS + 1
# Scalars of the year (floats).
(
    MONEY,
    DEMAND,
    TF,
    AFFORD_DIVISOR,
    MULTIPLIER,
    ONE_MINUS_TE,
    TRUST_EFFECT,
    DISCOUNT,
    GAIN_SHARE,
    INCENTIVE_FUND,
    INCENTIVE_THRESHOLD,
    RISK_SHARE,
    COST_SHIFT,
    SUSTAINABILITY,
    SYSTEM_WEIGHT,
    BREACH_PENALTY,
    BAILOUT_SHARE,
    ADMISSION_COST,
    BED_DAY_COST,
    EMERGENCY,
    DELAY,
) = range(21)
FLOAT_SCALARS = DELAY + 1
# Scalars of the year (integers).
(
    AFFORD_ROWS,
    USE_CAP,
    BALANCED,
    CONTROL_TOTAL,
    LAG_ZERO,
    HAS_LANDED,
    CASH_FOOTPRINTS,
    CASH_ROWS,
    SHARED_ROWS,
    OUTCOME_ROWS,
    OUTCOME_FOOTPRINTS,
    FULL_ROWS,
) = range(12)
INT_SCALARS = FULL_ROWS + 1
INDIVIDUAL, SYSTEM, NONE = range(3)  # regulation.CONTROL_TOTALS, in order
# Rows of the per-row result: every row's (all an appraisal reads) ...
INCOME, CONTRIBUTION, CUT, CENTRAL, BALANCE, WELFARE_SHARE = range(6)
ROW_RESULTS = WELFARE_SHARE + 1
# ... and the leading ``FULL_ROWS`` rows' (every other flow).
(
    COST,
    AFFORDABLE,
    TRANSFORMATION,
    SAVINGS,
    GAIN_SHARED,
    INCENTIVE,
    TRANSFER,
    SHIFTED,
    PENALTY,
    BAILOUT,
) = range(10)
FULL_RESULTS = BAILOUT + 1
# Rows of the per-footprint result.
POOL, GENERATED, ADMISSIONS, DELAYED_DAYS, OUTCOME_INDEX = range(5)
FP_RESULTS = OUTCOME_INDEX + 1


@helper
def _floor0(x: float) -> float:
    """``np.maximum(0.0, x)``: 0.0 unless x is larger (NaN stays NaN)."""
    return 0.0 if x <= 0.0 else x


@helper
def _settle(
    after: float, fp_after: float, nhs_share: float, nhs: float, w: float, rate: float, share: float
) -> tuple[float, float]:
    """Penalty (``rate``) for the judged deficit after central money (the footprint's
    counting with weight ``w``, split by ``nhs_share``), bail-out of a ``share`` of the rest;
    ``nhs`` is 1 for an NHS body, 0 for a council."""
    judged = (1.0 - w) * _floor0(-after)
    if w:
        judged = judged + w * (_floor0(-fp_after) * nhs_share)
    penalty = rate * judged * nhs
    return penalty, share * _floor0(-(after - penalty)) * nhs


@kernel
def play_rows(
    rc: np.ndarray,
    fp: np.ndarray,
    afford_from: np.ndarray,
    fc: np.ndarray,
    levels: np.ndarray,
    cost_shock: np.ndarray,
    savings_shock: np.ndarray,
    fp_trust: np.ndarray,
    landed_now: np.ndarray,
    ledger_shares: np.ndarray,
    cap: np.ndarray,
    sc: np.ndarray,
    ic: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One year over ``R`` rows in ``F`` footprints (constants ``rc``/``fc``, scalars
    ``sc``/``ic``; see ``Economy.play``). Returns the per-row results (``ROW_RESULTS`` x R),
    the other flows of the leading ``FULL_ROWS`` rows, per-footprint results
    (``FP_RESULTS`` x F), per row whether its contribution was forced down, each control
    total's outcome, and per shared row its share of its footprint's pool.

    Phases that need a footprint's sum of an earlier phase start a new pass over the rows;
    the rest share one (each pass reads and writes ~1 MB in the England preset).
    """
    n_rows, n_fp = fp.shape[0], fc.shape[1]
    out = np.empty((ROW_RESULTS, n_rows))
    n_full = ic[FULL_ROWS]
    full = np.empty((FULL_RESULTS, n_full))
    fo = np.zeros((FP_RESULTS, n_fp))
    forced = np.empty(n_rows, np.bool_)
    paid = np.zeros(n_rows, np.bool_)
    met_fp = np.zeros(n_fp, np.bool_)
    money, tf = sc[MONEY], sc[TF]
    balanced, use_cap, kind = ic[BALANCED] != 0, ic[USE_CAP] != 0, ic[CONTROL_TOTAL]
    gain_share, fund_rate, risk = sc[GAIN_SHARE], sc[INCENTIVE_FUND], sc[RISK_SHARE]
    w, penalty_rate, bailout_share = sc[SYSTEM_WEIGHT], sc[BREACH_PENALTY], sc[BAILOUT_SHARE]
    central_rate, cost_shift = sc[SUSTAINABILITY], sc[COST_SHIFT]
    outcome_rows, has_landed = ic[OUTCOME_ROWS], ic[HAS_LANDED] != 0

    # 1-2. income and costs; what a council can afford (its own rows, which the rows
    # standing in for the year as played read); what each body pools
    base = np.full(ic[AFFORD_ROWS] if balanced and not use_cap else 0, np.inf)
    for i in range(len(base)):
        if rc[COUNCIL, i] != 0.0:
            income = rc[BUDGET, i] * money
            minimum = rc[MINIMUM, i] * money
            head = income - income * (rc[ONE_PLUS_GAP, i] + cost_shock[i])
            if has_landed:
                head += landed_now[fp[i]] * rc[LANDING, i]
            head -= minimum
            if head < 0.0:  # np.maximum(head, 0.0): NaN and -0.0 stay
                head = 0.0
            head /= sc[AFFORD_DIVISOR]
            base[i] = minimum + head
    for i in range(n_rows):
        income = rc[BUDGET, i] * money
        out[INCOME, i] = income
        minimum = rc[MINIMUM, i] * money
        level = levels[i]
        level = level if level >= 0.0 else 0.0
        level = level if level <= 1.0 else 1.0
        wanted = minimum + level * rc[ROOM, i] * money
        if use_cap:
            affordable = cap[i]
        elif balanced:
            affordable = base[afford_from[i]]
        else:
            affordable = np.inf
        c = wanted if wanted <= affordable else affordable
        out[CONTRIBUTION, i] = c
        forced[i] = c < wanted - 1e-9
        if i < n_full:
            full[COST, i] = income * (rc[ONE_PLUS_GAP, i] + cost_shock[i])
            full[AFFORDABLE, i] = affordable
            full[TRANSFORMATION, i] = tf * (c - minimum) if tf else 0.0
        fo[POOL, fp[i]] += c

    # 3. savings: generated now, landing now (cash) or accrued (appraisals); shares of
    # the pool; the incentive fund of each footprint
    landed = np.empty(n_fp)
    fund = np.zeros(n_fp)
    for f in range(n_fp):
        efficiency = fc[COORDINATION, f] * (sc[ONE_MINUS_TE] + sc[TRUST_EFFECT] * fp_trust[f])
        generated = fo[POOL, f] * sc[MULTIPLIER] * efficiency * savings_shock[f]
        fo[GENERATED, f] = generated
        if f < ic[CASH_FOOTPRINTS]:
            landed[f] = landed_now[f] + generated if ic[LAG_ZERO] else landed_now[f]
        else:
            landed[f] = sc[DISCOUNT] * generated
        if fund_rate != 0.0:
            disc = fc[DISCRETIONARY_FP, f] * money
            pooled_share = fo[POOL, f] / disc if disc > 0 else 0.0
            chosen = fund_rate if pooled_share >= sc[INCENTIVE_THRESHOLD] else 0.0
            fund[f] = chosen * fc[FP_BUDGET, f] * money
    share_now = np.zeros(ic[SHARED_ROWS])
    for i in range(ic[SHARED_ROWS]):
        pool = fo[POOL, fp[i]]
        if pool > 0:
            share_now[i] = out[CONTRIBUTION, i] / pool

    # 4-5. what each body keeps, flows between bodies, council cuts (after risk sharing,
    # which needs the footprint's total first)
    fp_net = np.zeros(n_fp if risk else 0)
    cuts_fp = np.zeros(n_fp)
    for i in range(n_rows):
        f = fp[i]
        savings = landed[f] * rc[LANDING, i]
        income, c = out[INCOME, i], out[CONTRIBUTION, i]
        cost = income * (rc[ONE_PLUS_GAP, i] + cost_shock[i])
        kept = income - cost - c + savings
        out[WELFARE_SHARE, i] = kept
        net = kept
        gained = 0.0
        if gain_share:
            # a ledger's rows are owed by the shares of the year the savings came from
            from_ledger = i < ic[CASH_ROWS] and not ic[LAG_ZERO]
            share = ledger_shares[i] if from_ledger else share_now[i]
            gained = gain_share * (landed[f] * share - savings)
            net = net + gained
        if tf:
            net = net + tf * (c - rc[MINIMUM, i] * money)
        incentive = 0.0
        if fund_rate != 0.0:
            pool = fo[POOL, f]
            incentive = fund[f] * (c / pool if pool > 0 else 0.0)
            net = net + incentive
        if i < n_full:
            full[SAVINGS, i] = savings
            full[GAIN_SHARED, i] = gained
            full[INCENTIVE, i] = incentive
            full[TRANSFER, i] = 0.0
        out[BALANCE, i] = net  # the running result until the year is settled
        if risk:
            fp_net[f] += net
        else:
            cut = _floor0(-net) * rc[COUNCIL, i] if balanced else 0.0
            out[CUT, i] = cut
            cuts_fp[f] += cut
    if risk:
        for i in range(n_rows):
            net = out[BALANCE, i]
            transfer = risk * (rc[BUDGET_SHARE, i] * fp_net[fp[i]] - net)
            if i < n_full:
                full[TRANSFER, i] = transfer
            net = net + transfer
            out[BALANCE, i] = net
            cut = _floor0(-net) * rc[COUNCIL, i] if balanced else 0.0
            out[CUT, i] = cut
            cuts_fp[fp[i]] += cut

    # 5-6. cost shifted onto the NHS; control totals, penalties, bail-outs (regulation.py)
    gap = np.zeros(n_fp if kind == SYSTEM else 0)
    fp_after = np.zeros(n_fp if w else 0)
    hosp = np.zeros(n_fp)
    care = np.zeros(n_fp)
    shifted_fp = np.zeros(n_fp)
    for i in range(n_rows):
        f = fp[i]
        shifted = cost_shift * cuts_fp[f] * rc[NHS_SHARE, i] if balanced else 0.0
        if i < n_full:
            full[SHIFTED, i] = shifted
        out[WELFARE_SHARE, i] = out[WELFARE_SHARE, i] - shifted
        net = out[BALANCE, i] + out[CUT, i] - shifted
        out[BALANCE, i] = net
        if i < outcome_rows:  # (no more than the full rows)
            hosp[f] += full[SAVINGS, i] * rc[HOSPITAL, i]
            care[f] += full[SAVINGS, i] * rc[CARE, i]
            shifted_fp[f] += shifted
        if kind == SYSTEM:
            gap[f] += net - rc[TARGET, i] * out[INCOME, i] if rc[NHS, i] != 0.0 else 0.0
            continue
        if kind == INDIVIDUAL:
            paid[i] = rc[NHS, i] != 0.0 and net >= rc[TARGET, i] * out[INCOME, i]
        # central money for a control total met; out[BALANCE] holds the result before it
        central = central_rate * out[INCOME, i] * (1.0 if paid[i] else 0.0)
        out[CENTRAL, i] = central
        after = net + central
        if w:
            fp_after[f] += after
            continue
        penalty, bailout = _settle(
            after, 0.0, rc[NHS_SHARE, i], rc[NHS, i], w, penalty_rate, bailout_share
        )
        out[BALANCE, i] = net + central - penalty + bailout
        if i < n_full:
            full[PENALTY, i], full[BAILOUT, i] = penalty, bailout
    if kind == SYSTEM:  # the same, once the footprints' totals are known
        for f in range(n_fp):
            met_fp[f] = gap[f] >= 0.0 and fc[HAS_NHS, f] != 0.0
        for i in range(n_rows):
            paid[i] = rc[NHS, i] != 0.0 and met_fp[fp[i]]
            net = out[BALANCE, i]
            central = central_rate * out[INCOME, i] * (1.0 if paid[i] else 0.0)
            out[CENTRAL, i] = central
            after = net + central
            if w:
                fp_after[fp[i]] += after
                continue
            penalty, bailout = _settle(
                after, 0.0, rc[NHS_SHARE, i], rc[NHS, i], w, penalty_rate, bailout_share
            )
            out[BALANCE, i] = net + central - penalty + bailout
            if i < n_full:
                full[PENALTY, i], full[BAILOUT, i] = penalty, bailout
    if w:  # penalties on the footprint's deficit, once its total is known
        for i in range(n_rows):
            net, central = out[BALANCE, i], out[CENTRAL, i]
            after = net + central
            penalty, bailout = _settle(
                after, fp_after[fp[i]], rc[NHS_SHARE, i], rc[NHS, i], w, penalty_rate, bailout_share
            )
            out[BALANCE, i] = net + central - penalty + bailout
            if i < n_full:
                full[PENALTY, i], full[BAILOUT, i] = penalty, bailout

    # 7. outcomes, for the leading rows and footprints asked for
    for f in range(n_fp):
        if f >= ic[OUTCOME_FOOTPRINTS]:
            fo[ADMISSIONS, f] = np.nan
            fo[DELAYED_DAYS, f] = np.nan
            fo[OUTCOME_INDEX, f] = 100.0
            continue
        trend_adm = fc[BASE_ADMISSIONS, f] * sc[DEMAND]
        trend_del = fc[BASE_DELAYS, f] * sc[DEMAND]
        adm = _floor0(
            trend_adm + sc[EMERGENCY] * (shifted_fp[f] - hosp[f]) * 1e6 / sc[ADMISSION_COST]
        )
        delays = _floor0(trend_del + sc[DELAY] * (cuts_fp[f] - care[f]) * 1e6 / sc[BED_DAY_COST])
        index = 100.0 - 50.0 * (adm / trend_adm - 1.0) - 50.0 * (delays / trend_del - 1.0)
        index = index if index >= 0.0 else 0.0
        fo[ADMISSIONS, f] = adm
        fo[DELAYED_DAYS, f] = delays
        fo[OUTCOME_INDEX, f] = index if index <= 200.0 else 200.0
    # each control total's outcome: per NHS row (individual), per footprint with NHS bodies
    # (system), none
    if kind == INDIVIDUAL:
        met = np.empty(n_rows, np.bool_)
        count = 0
        for i in range(n_rows):
            if rc[NHS, i] != 0.0:
                met[count] = paid[i]
                count += 1
    elif kind == SYSTEM:
        met = np.empty(n_fp, np.bool_)
        count = 0
        for f in range(n_fp):
            if fc[HAS_NHS, f] != 0.0:
                met[count] = met_fp[f]
                count += 1
    else:
        met = np.empty(0, np.bool_)
        count = 0
    return out, full, fo, forced, met[:count], share_now


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
