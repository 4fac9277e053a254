"""The compiled year's inputs and outputs, by name (NamedTuples numba compiles).

``Economy`` (economy.py) fills the inputs, ``year_kernel.compiled_year`` reads and writes
them field by field, and ``Economy.play`` builds its ``Round`` from the outputs by name. Nothing
here depends on the order of the fields: a new mechanism adds its constant, rule or flow as
a field (with a line saying what it is), sets it where the others are set, and reads or
writes it in its phase.

Rows are bodies (or, in the replays, bodies standing for a footprint's copy); ``F``
footprints. Masks are kept as numbers (1.0 or 0.0) where the loops multiply by them.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from stpgame.core.params import ControlTotal

_KINDS = tuple(ControlTotal)
INDIVIDUAL, SYSTEM = _KINDS.index(ControlTotal.INDIVIDUAL), _KINDS.index(ControlTotal.SYSTEM)
"""The codes of two kinds of control total as the compiled year reads them (any other code
is "none"): numba compiles numbers, not strings."""


def control_total_code(kind: str) -> int:
    """The compiled year's code for a kind of control total."""
    return _KINDS.index(ControlTotal(kind))


class RowConstants(NamedTuple):
    """Per row, fixed while the rules are: sizes and shares from the structure and rules."""

    footprint: np.ndarray  # the row's footprint (unsigned: see compiled.index)
    afford_from: np.ndarray  # the row whose affordability limits it (unsigned)
    budget: np.ndarray  # £m in year 1
    one_plus_gap: np.ndarray  # cost as a multiple of income, before the year's shock
    room: np.ndarray  # what may be pooled voluntarily, £m in year 1
    landing: np.ndarray  # share of its footprint's savings the row receives
    council: np.ndarray  # 1.0 for a council
    nhs: np.ndarray  # 1.0 for an NHS body
    provider: np.ndarray  # 1.0 for an NHS trust (acute, community): the STF's recipients
    target: np.ndarray  # control total, as a share of income (NHS bodies)
    nhs_share: np.ndarray  # share of its footprint's NHS budget (NHS bodies)
    budget_share: np.ndarray  # share of its footprint's budget
    hospital: np.ndarray  # 1.0 for the hospital side (acute trusts, CCGs)
    care: np.ndarray  # 1.0 for the care side (community trusts, councils)


class FootprintConstants(NamedTuple):
    """Per footprint, fixed while the rules are."""

    coordination: np.ndarray  # savings efficiency lost to coordination and boundaries
    budget: np.ndarray  # £m in year 1
    discretionary: np.ndarray  # discretionary budget, £m in year 1
    base_admissions: np.ndarray  # emergency admissions on trend, year 1
    base_delays: np.ndarray  # delayed-transfer bed days on trend, year 1
    has_nhs: np.ndarray  # 1.0 if it has NHS bodies


class Rules(NamedTuple):
    """The rules of the game as the year's arithmetic reads them (from ``Params``)."""

    savings_multiplier: float
    one_minus_trust_effect: float
    trust_effect: float
    discount: float  # (1 + discount_rate) ** -savings_lag
    lag_zero: bool  # savings land the year they are made
    gain_share: float
    incentive_fund: float
    incentive_threshold: float
    risk_share: float
    balanced_budget: bool  # councils must balance their budget
    cost_shift: float
    control_total: int  # control_total_code(kind)
    sustainability_fund: float  # the STF/PSF, as a share of a provider's income
    stf_finance_share: float  # the part paid for meeting the financial control total
    stf_performance_met: float  # share of the rest paid (performance trajectories met)
    stf_redistribution: float  # share of the unearned money paid out again at year end
    quarterly_sd: float  # spread of a quarter's run-rate around the year (share of income)
    system_share: float  # under system totals, the part paid on the footprint's total
    loans: bool  # cash support is a repayable loan, not income
    system_weight: float
    breach_penalty: float
    bailout_share: float
    emergency_share: float  # of a pound saved or cut, the part that is emergency admissions
    delay_share: float  # ... and delayed bed days


class YearInputs(NamedTuple):
    """What changes from year to year, and which rows play the year how."""

    money: float  # income relative to year 1
    care_extra: float  # councils' income on top, as a share of it: care precept, improved BCF
    demand: float  # demand relative to year 1
    need: float  # savings per pooled pound relative to year 1 (need outrunning money)
    drift: float  # trusts' cost gap grown since year 1, share of income
    planned_drift: float  # ... as the year's control totals allow for it
    transformation: float  # transformation money per pound pooled voluntarily
    afford_divisor: float  # 1 - transformation (a council's free money stretches further)
    admission_cost: float  # £ per emergency admission this year
    bed_day_cost: float  # £ per delayed bed day this year
    levels: np.ndarray  # per row, intended pooling in [0, 1]
    cost_shock: np.ndarray  # per row, share of income
    savings_shock: np.ndarray  # per footprint, mean 1
    fp_trust: np.ndarray  # per footprint, mean trust on its links
    landed_now: np.ndarray  # per footprint, savings due this year (cash footprints)
    ledger_shares: np.ndarray  # per cash row, its share of the pool the savings came from
    cap: np.ndarray  # per row, the most it may pool (when use_cap)
    use_cap: bool
    afford_rows: int  # the leading rows whose affordability is worked out
    has_landed: bool  # savings land from a ledger this year (they free councils' money)
    cash_footprints: int  # the leading footprints played on a cash basis
    cash_rows: int  # ... and their rows
    shared_rows: int  # the leading rows whose share of the pool is worked out
    outcome_rows: int  # the leading rows whose savings and shifts feed outcomes
    outcome_footprints: int  # the leading footprints whose outcomes are worked out
    full_rows: int  # the leading rows that keep every flow
    national_rows: int  # the leading rows that are England's bodies (set the year-end rates)
    rated_rows: int  # the leading rows paid at those rates (the rest at ``stf_rates``)
    stf_rates: np.ndarray  # published year-end rates (incentive, bonus) for the other rows


class RowResults(NamedTuple):
    """Per row: all an appraisal reads."""

    income: np.ndarray
    contribution: np.ndarray
    forced: np.ndarray  # contribution forced below what was wanted (bool)
    cut: np.ndarray
    central: np.ndarray
    balance: np.ndarray
    welfare_share: np.ndarray


class FullResults(NamedTuple):
    """Every other flow, for the leading ``full_rows`` rows."""

    cost: np.ndarray
    affordable: np.ndarray
    transformation: np.ndarray
    savings: np.ndarray
    gain_shared: np.ndarray
    incentive: np.ndarray
    transfer: np.ndarray
    shifted: np.ndarray
    penalty: np.ndarray
    bailout: np.ndarray
    redistributed: np.ndarray  # unearned sustainability money paid out again (in central)


class FootprintResults(NamedTuple):
    """Per footprint."""

    pool: np.ndarray
    generated: np.ndarray
    admissions: np.ndarray
    delayed_days: np.ndarray
    outcome_index: np.ndarray
