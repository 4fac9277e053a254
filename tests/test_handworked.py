"""One year of one 4-body footprint, worked by hand in pounds, mechanism by mechanism.

In the style of Axelrod's ``expected_actions``: each case states its rules and moves,
and the table every flow must show, computed by hand in the comments beside it (never
copied from the model's output). The golden test (test_golden.py) pins that results do
not move; these pin that they are *right*: a planted bug in one mechanism (halving the
footprint term of a penalty, dropping the discount on savings, bail-outs paying
nothing...) changes a number worked out here.

The footprint (all £m, year 1 so income = budget and demand = trend):

    body        budget  gap   discretionary (10%)  room to pool
    acute       400     0     40                   0.8 x 40 = 32
    community   200     0     20                   0.8 x 20 = 16
    CCG         100     0     10                   0.8 x 10 = 8
    council     100     3%    10                   1.0 x 10 = 10

(room = cap x discretionary, cap 1 - target_pressure = 0.8 for NHS bodies, 1 for the
council). The Better Care Fund minimum (5% of the CCG's budget, 2% of the council's: 5 and
2) is counted in the fund and moves no money. Moves (pooling levels) 0, 0.5, 1, 0.5 want
level x room: 0, 8, 8, 5. Savings land 40/20/20/20% by type (no activity payment),
multiplier 0.5, trust has no effect, so a pool of P makes 0.5 P of savings. NHS budget 700:
shares of it 4/7, 2/7, 1/7; shares of the footprint's budget 1/2, 1/4, 1/8, 1/8.
"""

from __future__ import annotations

import numpy as np
import pytest

from stpgame.core.economy import Economy, YearDraws
from stpgame.core.model import STPModel
from stpgame.core.network import Relationships
from stpgame.core.params import Params
from stpgame.core.structure import Structure

BUDGET = np.array([400.0, 200.0, 100.0, 100.0])
GAP = np.array([0.0, 0.0, 0.0, 0.03])
LEVELS = np.array([0.0, 0.5, 1.0, 0.5])
BASE = {
    "structure": "simple",
    "n_footprints": 1,
    "discretionary_share": 0.1,
    "bcf_minimum_share": 0.05,
    "bcf_council_share": 0.02,
    "target_pressure": 0.2,
    "savings_multiplier": 0.5,
    "trust_effect": 0.0,
    "savings_lag": 0,
    "discount_rate": 0.0,
    "savings_to_acute": 0.4,
    "savings_to_community": 0.2,
    "savings_to_ccg": 0.2,
    "savings_to_council": 0.2,
    "activity_payment": 0.0,
    "control_total": "none",
    "control_total_slack": 0.0,
    "system_weight": 0.0,
    "sustainability_fund": 0.0,
    "breach_penalty": 0.0,
    "bailout_share": 0.0,
    "council_balanced_budget": True,
    "cost_shift_rate": 0.0,
    "risk_share": 0.0,
    "gain_share": 0.0,
    "incentive_fund": 0.0,
    "transformation_fund": 0.0,
    "coordination_cost": 0.0,
    "boundary_mismatch_cost": 0.0,
    "cost_per_admission": 2000.0,
    "cost_per_bed_day": 200.0,
    "cost_shock": 0.0,  # quarters' run-rates match the year unless a case says otherwise
    "stf_finance_share": 1.0,
    "stf_redistribution": 0.0,  # unearned STF goes back to the centre unless a case says so
    "cost_drift": 0.0,  # trusts' cost gap does not grow unless a case says so
    "cash_support": "grant",
    "care_precept": 0.0,
    "improved_bcf": 0.0,
}


def footprint() -> Structure:
    """One footprint: an acute trust, a community trust, a CCG and a council."""
    return Structure(
        org_type=np.arange(4),
        footprint=np.zeros(4, int),
        footprint_names=("Hand-worked",),
        population=np.array([1.0]),
        coterminous=np.array([True]),
    )


def play(rules: dict[str, object], landing_now: float | None = 0.0, levels=LEVELS):
    """The year on a cash basis (``landing_now``: savings due this year from the ledger),
    or appraised on an accrual basis (``landing_now=None``). Returns the year and ledger."""
    p = Params.build({**BASE, **rules})
    economy = Economy(footprint(), BUDGET, GAP, p)
    draws = YearDraws(1, np.ones(1), np.zeros(4), np.full(1, 0.5))
    if landing_now is None:
        return economy.play(levels, draws), None
    ledger = economy.new_ledger()
    ledger.pipeline[0, 0] = landing_now
    return economy.play(levels, draws, ledger), ledger


def check(year, expected: dict[str, list[float]]) -> None:
    for flow, values in expected.items():
        assert getattr(year, flow) == pytest.approx(values, abs=1e-9), flow


# Case 1, contribution (savings land the same year: lag 0).
# The council can afford what its year leaves free: income 100 - cost 103 = -3, nothing, so
# it pools 0 (forced down from 5). Pool 0+8+8+0 = 16, savings 0.5 x 16 = 8, landing
# 3.2 / 1.6 / 1.6 / 1.6. Kept = income - cost - contribution + savings:
#   acute 0 - 0 + 3.2 = 3.2; community 0 - 8 + 1.6 = -6.4; CCG -6.4;
#   council -3 - 0 + 1.6 = -1.4, which the balanced-budget rule makes it cut (1.4) to 0.
CONTRIBUTION = {
    "contribution": [0.0, 8.0, 8.0, 0.0],
    "affordable": [np.inf, np.inf, np.inf, 0.0],
    "forced": [False, False, False, True],
    "cost": [400.0, 200.0, 100.0, 103.0],
    "pool": [16.0],
    "generated": [8.0],
    "savings": [3.2, 1.6, 1.6, 1.6],
    "cut": [0.0, 0.0, 0.0, 1.4],
    "balance": [3.2, -6.4, -6.4, 0.0],
    "welfare_share": [3.2, -6.4, -6.4, -1.4],
    "central": [0.0, 0.0, 0.0, 0.0],
    "penalty": [0.0, 0.0, 0.0, 0.0],
}


def test_contribution_and_council_cut() -> None:
    year, _ = play({})
    check(year, CONTRIBUTION)
    assert year.totals_met.size == 0  # no control totals


# Case 1b, the social care precept (2% in year 1) pays for care without raising its cost:
# the council's income is 102 against costs of 103; still nothing free to pool; kept
# 102 - 103 + 1.6 = 0.6, no cut. The improved BCF (5.8%) starts in year 2.
def test_the_care_precept_pays_for_care_and_the_improved_bcf_comes_in_year_two() -> None:
    year, _ = play({"care_precept": 0.02, "improved_bcf": 0.058})
    check(year, {"income": [400.0, 200.0, 100.0, 102.0], "cost": [400.0, 200.0, 100.0, 103.0]})
    check(year, {"cut": [0.0, 0.0, 0.0, 0.0], "balance": [3.2, -6.4, -6.4, 0.6]})
    p = Params.build({**BASE, "care_precept": 0.02, "improved_bcf": 0.058})
    economy = Economy(footprint(), BUDGET, GAP, p)
    assert economy.care_extra(2) == pytest.approx(0.02 + 0.058)


def test_the_bcf_minimum_is_counted_not_moved() -> None:
    """[004] 'not new money but a pooling of existing resources': a minimum six times as
    large (30% of the CCG's budget) changes the fund's size and no flow."""
    p = Params.build({**BASE, "bcf_minimum_share": 0.3})
    economy = Economy(footprint(), BUDGET, GAP, p)
    assert economy.bcf_minimum == pytest.approx([0.0, 0.0, 30.0, 2.0])
    year, _ = play({"bcf_minimum_share": 0.3})
    check(year, CONTRIBUTION)


# Case 2, savings landing with a lag (2 years) and the discount (20% a year).
# Cash: 20 generated two years ago land now: 8 / 4 / 4 / 4. They also free the council:
# -3 + 4 landing = 1 free, so it can pool 1 (forced down from 5).
# Pool 0+8+8+1 = 17 makes 8.5, which joins the pipeline to land in two years.
# Kept: acute 8; community -8 + 4 = -4; CCG -4; council -3 - 1 + 4 = 0 (no cut).
LAGGED_CASH = {
    "contribution": [0.0, 8.0, 8.0, 1.0],
    "affordable": [np.inf, np.inf, np.inf, 1.0],
    "pool": [17.0],
    "generated": [8.5],
    "savings": [8.0, 4.0, 4.0, 4.0],
    "cut": [0.0, 0.0, 0.0, 0.0],
    "balance": [8.0, -4.0, -4.0, 0.0],
}
# Accrual (how a body appraises the year): the savings this pooling will bring, discounted
# over the lag, 8 / 1.2^2 = 5.5556, land now: 2.2222 / 1.1111 / 1.1111 / 1.1111; the
# council can afford nothing (no ledger: nothing landing frees it), pool 16.
# Kept: acute 2.2222; community -8 + 1.1111 = -6.8889; CCG the same; council -3 + 1.1111
# = -1.8889, cut.
LAGGED_ACCRUAL = {
    "contribution": [0.0, 8.0, 8.0, 0.0],
    "generated": [8.0],
    "savings": [8 / 1.44 * 0.4, 8 / 1.44 * 0.2, 8 / 1.44 * 0.2, 8 / 1.44 * 0.2],
    "cut": [0.0, 0.0, 0.0, 3 - 8 / 1.44 * 0.2],
    "balance": [8 / 1.44 * 0.4, -8 + 8 / 1.44 * 0.2, -8 + 8 / 1.44 * 0.2, 0.0],
}


def test_savings_land_after_the_lag_and_are_appraised_discounted() -> None:
    rules = {"savings_lag": 2, "discount_rate": 0.2}
    year, ledger = play(rules, landing_now=20.0)
    check(year, LAGGED_CASH)
    # the pipeline moved on a year: what landed left it, this year's 8.5 is two years out
    assert ledger.pipeline[:, 0] == pytest.approx([0.0, 8.5, 0.0])
    assert (ledger.landed_total, ledger.generated_total) == pytest.approx((20.0, 8.5))
    appraised, _ = play(rules, landing_now=None)
    check(appraised, LAGGED_ACCRUAL)
    # beyond a board's planning horizon, savings count for nothing in its appraisal
    beyond, _ = play({**rules, "planning_horizon": 1}, landing_now=None)
    check(beyond, {"savings": [0.0] * 4, "balance": [0.0, -8.0, -8.0, 0.0]})


# Case 3, individual control totals, central money (to providers: acute and community
# trusts), penalties and bail-outs as grants (w = 0).
# Control totals (slack 0): -gap x income: 0 for every NHS body. Results before settling
# are case 1's: 3.2, -6.4, -6.4.
#   acute meets (3.2 >= 0): central money 2% x 400 = 8 -> 11.2, no deficit.
#   community misses (-6.4 < 0): penalty 50% x 6.4 = 3.2; bail-out 50% of the deficit
#     left, 6.4 + 3.2 = 9.6 -> 4.8; balance -6.4 - 3.2 + 4.8 = -4.8.
#   CCG misses: the same, -4.8 (and a CCG, a commissioner, earns no STF anyway).
#   council: no control total, no penalty, no bail-out (balanced budget instead).
SETTLED = {
    "central": [8.0, 0.0, 0.0, 0.0],
    "penalty": [0.0, 3.2, 3.2, 0.0],
    "bailout": [0.0, 4.8, 4.8, 0.0],
    "balance": [11.2, -4.8, -4.8, 0.0],
    "totals_met": [True, False, False],
}
REGULATOR = {
    "control_total": "individual",
    "sustainability_fund": 0.02,
    "breach_penalty": 0.5,
    "bailout_share": 0.5,
}


def test_central_money_penalties_and_bailouts_on_own_books() -> None:
    year, _ = play(REGULATOR)
    check(year, SETTLED)


# Case 3b, a regulator's body-by-body stretch (control_total_spread): the community trust's
# total is eased by 0.04 of its budget of 200, so it may run a deficit of £8m. Its result
# before central money, -6.4, meets that: it earns 2% x 200 = 4 of central money; judged
# deficit -6.4 + 4 = -2.4, penalty 0.5 x 2.4 = 1.2, bail-out 0.5 x (2.4 + 1.2) = 1.8,
# balance -2.4 - 1.2 + 1.8 = -1.8. The others are as in case 3.
STRETCHED = {
    "central": [8.0, 4.0, 0.0, 0.0],
    "penalty": [0.0, 1.2, 3.2, 0.0],
    "bailout": [0.0, 1.8, 4.8, 0.0],
    "balance": [11.2, -1.8, -4.8, 0.0],
    "totals_met": [True, True, False],
}


def test_a_stretch_eased_for_one_body_lets_it_meet_its_total() -> None:
    p = Params.build({**BASE, **REGULATOR})
    eased = np.array([0.0, -0.04, 0.0, 0.0])
    economy = Economy(footprint(), BUDGET, GAP, p, stretch=eased)
    year = economy.play(LEVELS, YearDraws(1, np.ones(1), np.zeros(4), np.full(1, 0.5)))
    check(year, STRETCHED)


# Case 4, the blended score: system_weight w = 0.5. After central money the footprint's
# result is 11.2 - 6.4 - 6.4 + 0 = -1.6; each NHS body is also judged on its share of
# that deficit (by NHS budget): judged = 0.5 x own deficit + 0.5 x 1.6 x share.
#   acute: 0.5 x 0 + 0.5 x 1.6 x 4/7 = 3.2/7; penalty 0.5 x 3.2/7 = 1.6/7; no deficit
#     left to bail out (11.2 - 1.6/7 > 0); balance 11.2 - 1.6/7.
#   community: 0.5 x 6.4 + 0.5 x 1.6 x 2/7 = 3.2 + 1.6/7; penalty 1.6 + 0.8/7;
#     bail-out 0.5 x (6.4 + 1.6 + 0.8/7) = 4 + 0.4/7; balance -4 - 0.4/7.
#   CCG: 0.5 x 6.4 + 0.5 x 1.6 x 1/7 = 3.2 + 0.8/7; penalty 1.6 + 0.4/7;
#     bail-out 0.5 x (8 + 0.4/7) = 4 + 0.2/7; balance -4 - 0.2/7.
BLENDED = {
    "central": [8.0, 0.0, 0.0, 0.0],
    "penalty": [1.6 / 7, 1.6 + 0.8 / 7, 1.6 + 0.4 / 7, 0.0],
    "bailout": [0.0, 4 + 0.4 / 7, 4 + 0.2 / 7, 0.0],
    "balance": [11.2 - 1.6 / 7, -4 - 0.4 / 7, -4 - 0.2 / 7, 0.0],
}


def test_the_regulator_blends_own_and_footprint_deficits_by_system_weight() -> None:
    year, _ = play({**REGULATOR, "system_weight": 0.5})
    check(year, BLENDED)


# Case 5, a system control total: the footprint meets it if its NHS bodies' results sum to
# at least their totals: 3.2 - 6.4 - 6.4 = -9.6 < 0: missed, no central money for anyone.
# With nobody pooling (levels 0, 0, 0, 0.5: the council can afford nothing) every NHS
# result is 0, the sum meets the total, and every NHS trust gets 2% of its income: 8, 4
# (the CCG none); balances 8, 4, 0; the council's -3 is cut to 0.
def test_a_system_control_total_pays_every_nhs_trust_or_none() -> None:
    rules = {**REGULATOR, "control_total": "system", "breach_penalty": 0.0, "bailout_share": 0.0}
    missed, _ = play(rules)
    check(missed, {"central": [0.0] * 4, "totals_met": [False]})
    met, _ = play(rules, levels=np.array([0.0, 0.0, 0.0, 0.5]))
    check(
        met,
        {
            "central": [8.0, 4.0, 0.0, 0.0],
            "totals_met": [True],
            "cut": [0.0, 0.0, 0.0, 3.0],
            "balance": [8.0, 4.0, 0.0, 0.0],
        },
    )


# Case 6, council cuts shift cost onto the NHS (rate 0.5). Case 1's council cuts 1.4;
# 0.5 x 1.4 = 0.7 lands on the NHS bodies by NHS budget: 0.4, 0.2, 0.1.
# Balances: 2.8, -6.6, -6.5, council 0; welfare loses the same.
# Outcomes (population 1m): trend admissions 5.8m / 55 and delayed days 2.3m / 55;
# emergency share 13.7/76 of (shifted 0.7 - hospital-side savings 3.2 + 1.6 = 4.8) £m at
# £2,000 an admission; delay share 0.82/17.5 of (cuts 1.4 - care-side savings 1.6 + 1.6)
# £m at £200 a bed day.
ADM_TREND, DEL_TREND = 5.8e6 / 55, 2.3e6 / 55
ADMISSIONS = ADM_TREND + 13.7 / 76 * (0.7 - 4.8) * 1e6 / 2000
DELAYS = DEL_TREND + 0.82 / 17.5 * (1.4 - 3.2) * 1e6 / 200
SHIFTED = {
    "cut": [0.0, 0.0, 0.0, 1.4],
    "shifted": [0.4, 0.2, 0.1, 0.0],
    "balance": [2.8, -6.6, -6.5, 0.0],
    "welfare_share": [2.8, -6.6, -6.5, -1.4],
    "admissions": [ADMISSIONS],
    "delayed_days": [DELAYS],
    "outcome_index": [100 - 50 * (ADMISSIONS / ADM_TREND - 1) - 50 * (DELAYS / DEL_TREND - 1)],
}


def test_council_cuts_shift_cost_onto_the_nhs_and_move_outcomes() -> None:
    year, _ = play({"cost_shift_rate": 0.5})
    check(year, SHIFTED)


# Case 7, risk sharing (50%): each body's result moves half-way to its budget share of the
# footprint's. Results before: 3.2, -6.4, -6.4, -1.4; footprint -11; budget shares
# 1/2, 1/4, 1/8, 1/8 of it: -5.5, -2.75, -1.375, -1.375. Transfers 0.5 x (share - own):
# -4.35, 1.825, 2.5125, 0.0125 (sum 0). The council's -1.4 + 0.0125 = -1.3875 is cut.
RISK = {
    "transfer": [-4.35, 1.825, 2.5125, 0.0125],
    "cut": [0.0, 0.0, 0.0, 1.3875],
    "balance": [-1.15, -4.575, -3.8875, 0.0],
}


def test_risk_sharing_moves_results_towards_budget_shares() -> None:
    year, _ = play({"risk_share": 0.5})
    check(year, RISK)


# Case 8, gain sharing (50%): the savings go back half-way to the bodies by their share of
# the pool (0, 8/16, 8/16, 0 of 8 = 0, 4, 4, 0) from where they land (3.2, 1.6, 1.6,
# 1.6): 0.5 x (0 - 3.2), 0.5 x (4 - 1.6), ... = -1.6, 1.2, 1.2, -0.8 (sum 0).
# Balances 1.6, -5.2, -5.2; the council's -1.4 - 0.8 = -2.2 is cut.
GAIN = {
    "gain_shared": [-1.6, 1.2, 1.2, -0.8],
    "cut": [0.0, 0.0, 0.0, 2.2],
    "balance": [1.6, -5.2, -5.2, 0.0],
}


def test_gain_sharing_returns_savings_to_those_who_pooled() -> None:
    year, _ = play({"gain_share": 0.5})
    check(year, GAIN)


# Case 9, payment by activity (50%): half the acute trust's 40% landing share goes to the
# commissioner: 20 / 20 / 40 / 20% of 8 = 1.6, 1.6, 3.2, 1.6.
# Balances 1.6, -6.4, -8 + 3.2 = -4.8, council cut as in case 1.
ACTIVITY = {"savings": [1.6, 1.6, 3.2, 1.6], "balance": [1.6, -6.4, -4.8, 0.0]}


def test_payment_by_activity_moves_savings_from_the_acute_trust_to_the_ccg() -> None:
    year, _ = play({"activity_payment": 0.5})
    check(year, ACTIVITY)


# Case 10, the incentive fund (2% of the footprint's budget, if it pools at least 15% of its
# discretionary budget). Pooled 16 of 40 + 20 + 10 + 10 = 80: 20%, so the footprint earns
# 0.02 x 800 = 16, paid by share of the pool: 0, 16 x 8/16 = 8, 8, 0.
# Balances 3.2, -6.4 + 8 = 1.6, 1.6; the council's -1.4 is cut as in case 1.
# At a 25% threshold it earns nothing.
INCENTIVE = {
    "incentive": [0.0, 8.0, 8.0, 0.0],
    "cut": [0.0, 0.0, 0.0, 1.4],
    "balance": [3.2, 1.6, 1.6, 0.0],
}


def test_the_incentive_fund_pays_footprints_that_pool_past_the_threshold() -> None:
    year, _ = play({"incentive_fund": 0.02, "incentive_threshold": 0.15})
    check(year, INCENTIVE)
    missed, _ = play({"incentive_fund": 0.02, "incentive_threshold": 0.25})
    check(missed, {"incentive": [0.0] * 4, "balance": CONTRIBUTION["balance"]})


# Case 11, transformation money (half of what is pooled voluntarily, in year 1):
# 0.5 x (0, 8, 8, 0) = 0, 4, 4, 0. Balances 3.2, -6.4 + 4 = -2.4, -2.4; the council still
# cuts 1.4 (it could afford nothing: nothing free to stretch).
TRANSFORMATION = {
    "transformation": [0.0, 4.0, 4.0, 0.0],
    "contribution": [0.0, 8.0, 8.0, 0.0],
    "balance": [3.2, -2.4, -2.4, 0.0],
}


def test_transformation_money_repays_voluntary_pooling() -> None:
    year, _ = play({"transformation_fund": 0.5, "transformation_years": 1})
    check(year, TRANSFORMATION)


# Trust after a year (gain 0.2, loss 0.3, decay 0.1, health-council barrier 0.5), every
# link starting at 0.5:
#   both willing, same sector: 0.5 + 0.2 x (1 - 0.5) = 0.6
#   both willing, across the health-council boundary: 0.5 + 0.2 x 0.5 x 0.5 = 0.55
#   one willing: 0.5 - 0.3 x 0.5 = 0.35; neither: 0.5 - 0.1 x 0.5 = 0.45
def trust_year(willing: list[bool], bcf: bool = False) -> Relationships:
    """The hand-worked footprint's links after one year from trust 0.5 everywhere: gain 0.2,
    loss 0.3, decay 0.1, the health-council barrier halving growth."""
    links = Relationships(footprint(), np.random.default_rng(0))
    links.trust = np.full(len(links.trust), 0.5)
    links.update(np.array(willing), gain=0.2, loss=0.3, decay=0.1, barrier=0.5, bcf=bcf)
    return links


@pytest.mark.parametrize(
    ("willing", "nhs_link", "council_link"),
    [
        ([True, True, True, True], 0.6, 0.55),
        ([True, True, True, False], 0.6, 0.35),
        ([False, False, False, False], 0.45, 0.45),
    ],
)
def test_trust_grows_erodes_and_fades_by_hand(willing, nhs_link, council_link) -> None:
    links = trust_year(willing)
    touches_council = (links.i == 3) | (links.j == 3)
    assert len(links.trust) == 6
    assert links.trust[~touches_council] == pytest.approx([nhs_link] * 3)
    assert links.trust[touches_council] == pytest.approx([council_link] * 3)


# Case 11b, the Better Care Fund as joint working (NAO 2017): trust 0.5 everywhere, nobody
# pools by choice, gain 0.2, decay 0.1, the health-council barrier halving growth.
#   CCG-council link (2-3): grows as joint working, 0.5 + 0.2 x 0.5 x (1 - 0.5) = 0.55;
#   every other link fades: 0.5 x (1 - 0.1) = 0.45. Without the fund all six fade to 0.45.
#   Only the CCG pools: with the fund its council link still grows to 0.55 (joint working
#   whatever else they do); without, it erodes, 0.5 x (1 - 0.3) = 0.35, like the CCG's
#   links to the two trusts (0.35 either way); the trust-council links fade to 0.45.
@pytest.mark.parametrize("bcf", [True, False])
@pytest.mark.parametrize("ccg_pools", [False, True])
def test_the_better_care_fund_builds_the_ccg_council_link_by_hand(bcf, ccg_pools) -> None:
    links = trust_year([False, False, ccg_pools, False], bcf=bcf)
    ccg_council = ((links.i == 2) & (links.j == 3)) | ((links.i == 3) & (links.j == 2))
    touches_ccg = (links.i == 2) | (links.j == 2)
    assert ccg_council.sum() == 1
    alone = 0.35 if ccg_pools else 0.45
    assert links.trust[ccg_council] == pytest.approx([0.55 if bcf else alone])
    assert links.trust[touches_ccg & ~ccg_council] == pytest.approx([alone] * 2)
    assert links.trust[~touches_ccg] == pytest.approx([0.45] * 3)


def test_in_the_model_the_better_care_fund_grows_ccg_council_trust_by_hand() -> None:
    """The same in a model year: one simple footprint, nobody pooling by choice, no
    mistakes or turnover. The CCG-council link grows by trust_gain x (1 - cultural
    barrier) of the way to 1 while the fund's minimum is in force, and fades by
    trust_decay when it is not; every other link fades."""
    calm = {f"strategy_{t}": "always_defect" for t in ("acute", "community", "ccg", "council")}
    settings = {
        "structure": "simple",
        "n_footprints": 1,
        "noise": 0.0,
        "leadership_turnover": 0.0,
    }
    for minimum in (0.15, 0.0):
        m = STPModel.from_scenario(
            "fortress", seed=3, bcf_minimum_share=minimum, **calm, **settings
        )
        rel, p = m.relationships, m.params
        before = rel.trust.copy()
        m.step()
        grow = before + p.trust_gain * (1 - p.cultural_barrier) * (1 - before)
        fade = before * (1 - p.trust_decay)
        expected = np.where(rel.bcf_links, grow, fade) if minimum else fade
        assert rel.bcf_links.sum() == 1
        assert rel.trust == pytest.approx(expected)


# Case 12, the STF as it was paid: 70% for the quarters a trust met its control total,
# 30% for performance trajectories met at the published 64%; quarterly run-rates spread
# 1% of income around the year, at -1.1503, -0.3186, 0.3186, 1.1503 sd. Case 1's results.
#   acute, margin 3.2 on income 400 (sd 4): 3.2 - 4.6012 < 0, the other three met: 0.75;
#     paid 2% x 400 x (0.7 x 0.75 + 0.3 x 0.64) = 8 x 0.717 = 5.736 -> 8.936.
#   community, margin -6.4 on 200 (sd 2): best quarter -6.4 + 2.3006 < 0: none met;
#     paid 2% x 200 x 0.192 = 0.768 -> -5.632.  CCG: not a provider, nothing: -6.4.
def test_the_stf_is_paid_quarterly_to_providers_70_30() -> None:
    rules = {**REGULATOR, "breach_penalty": 0.0, "bailout_share": 0.0}
    rules |= {"stf_finance_share": 0.7, "stf_performance_met": 0.64, "cost_shock": 0.01}
    year, _ = play(rules)
    check(
        year,
        {"central": [5.736, 0.768, 0.0, 0.0], "balance": [8.936, -5.632, -6.4, 0.0]},
    )


# Case 13, cash support as a revenue support loan (bail-out share 50%, no penalty, no STF):
# the community trust's and CCG's deficits of 6.4 are half financed (3.2 each) by a loan,
# which is not income: their results stay -6.4 and each owes 3.2. A grant would make them
# -3.2. Next year the loans cost 1.5% interest (0.048 each), charged to the result; a body
# with a surplus repays from it: the acute trust, owing 10 and making 3.2 - 0.15 interest
# = 3.05, repays 3.05 and owes 6.95 (its result stays 3.05); the others borrow another
# 3.2 (half the deficit before interest, which the result then also carries) and owe 6.4.
def test_cash_support_as_a_loan_is_owed_not_earned() -> None:
    rules = {"control_total": "individual", "bailout_share": 0.5, "loan_interest": 0.015}
    granted, _ = play({**rules, "cash_support": "grant"})
    check(granted, {"bailout": [0.0, 3.2, 3.2, 0.0], "balance": [3.2, -3.2, -3.2, 0.0]})
    lent, ledger = play({**rules, "cash_support": "loan"})
    check(lent, {"bailout": [0.0, 3.2, 3.2, 0.0], "balance": [3.2, -6.4, -6.4, 0.0]})
    assert ledger.debt == pytest.approx([0.0, 3.2, 3.2, 0.0])
    p = Params.build({**BASE, **rules, "cash_support": "loan"})
    economy = Economy(footprint(), BUDGET, GAP, p)
    ledger = economy.new_ledger()
    ledger.debt[:] = [10.0, 3.2, 3.2, 0.0]
    year = economy.play(LEVELS, YearDraws(1, np.ones(1), np.zeros(4), np.full(1, 0.5)), ledger)
    check(year, {"interest": [0.15, 0.048, 0.048, 0.0]})
    assert year.balance[0] == pytest.approx(3.05)
    assert ledger.debt == pytest.approx([6.95, 6.4, 6.4, 0.0])


# Case 14, the year end: unearned sustainability money paid out again (case 12's rules and
# results). Allocations 2% of income: acute 8, community 4. Earned 5.736 and 0.768, so
# 2.264 + 3.232 = 5.496 is unearned. First £1 for each £1 beyond a control total: only the
# acute trust beats its total (0), by 3.2, which the money covers: it gets 3.2. The rest,
# 5.496 - 3.2 = 2.296, is a bonus per £ of allocation to those that met their total over
# the year: the acute trust alone (allocation 8): 2.296 / 8 = 0.287 a £, all 2.296.
#   acute: central 5.736 + 3.2 + 2.296 = 11.232, balance 3.2 + 11.232 = 14.432;
#   community: unchanged, 0.768 and -5.632.
# With half the unearned money paid out (2.748), it falls short of the 3.2 beaten: each £
# beyond a total earns 2.748 / 3.2 and no bonus is left: acute central 5.736 + 2.748.
# A replay played on its own is paid at the rates given (published): at 0.5 a £ beyond
# and 0.1 a £ of allocation the acute trust gets 0.5 x 3.2 + 0.1 x 8 = 2.4 more.
def test_unearned_sustainability_money_is_paid_out_again_at_the_year_end() -> None:
    rules = {**REGULATOR, "breach_penalty": 0.0, "bailout_share": 0.0, "cost_shock": 0.01}
    rules |= {"stf_finance_share": 0.7, "stf_performance_met": 0.64, "stf_redistribution": 1.0}
    year, _ = play(rules)
    check(
        year,
        {
            "central": [11.232, 0.768, 0.0, 0.0],
            "redistributed": [5.496, 0.0, 0.0, 0.0],
            "balance": [14.432, -5.632, -6.4, 0.0],
            "year_end_rates": [1.0, 0.287],
        },
    )
    half, _ = play({**rules, "stf_redistribution": 0.5})
    check(half, {"central": [5.736 + 2.748, 0.768, 0.0, 0.0], "year_end_rates": [2.748 / 3.2, 0]})
    p = Params.build({**BASE, **rules})
    economy = Economy(footprint(), BUDGET, GAP, p)
    draws = YearDraws(1, np.ones(1), np.zeros(4), np.full(1, 0.5))
    alone = economy.play(LEVELS, draws, national_rows=0, year_end_rates=(0.5, 0.1))
    check(alone, {"central": [5.736 + 2.4, 0.768, 0.0, 0.0], "redistributed": [2.4, 0, 0, 0]})


# Case 15, savings that grow with need outrunning money (``savings_need_elasticity``). In
# year 3 with demand growing 10% a year and funding flat, need is 1.1^2 = 1.21 times
# money's: case 1's pool of 16 makes 0.5 x 16 x 1.21 = 9.68 at elasticity 1,
# 0.5 x 16 x 1.21^0.5 = 8.8 at 0.5, and case 1's 8 at 0 (whatever the pressure).
@pytest.mark.parametrize(("elasticity", "generated"), [(0.0, 8.0), (0.5, 8.8), (1.0, 9.68)])
def test_savings_grow_with_need_outrunning_money(elasticity, generated) -> None:
    rules = {"funding_growth": 0.0, "demand_growth": 0.1, "savings_need_elasticity": elasticity}
    p = Params.build({**BASE, **rules})
    economy = Economy(footprint(), BUDGET, GAP, p)
    year = economy.play(LEVELS, YearDraws(3, np.ones(1), np.zeros(4), np.full(1, 0.5)))
    check(year, {"pool": [16.0], "generated": [generated]})


# Case 16, trusts' cost gap growing (``cost_drift`` 1% a year for ``cost_drift_years`` 1):
# in year 3 (funding and demand flat, money 1) it has grown by 1% x min(2, 1) = 1% of
# income, for trusts only: costs 404 and 202 (the CCG 100, the council 103 as in case 1).
# Case 1's results less the extra cost: acute 3.2 - 4 = -0.8, community -6.4 - 2 = -8.4,
# CCG -6.4; the council still cuts 1.4 to balance. The control totals are set from plans
# that include the grown gap: acute -1% x 400 = -4, which -0.8 meets (2% x 400 = 8 of
# central money: 7.2); community -2, which -8.4 misses (nothing: -8.4).
DRIFT = {"cost_drift": 0.01, "cost_drift_years": 1, "funding_growth": 0.0}
DRIFT |= {"demand_growth": 0.0, "control_total": "individual", "sustainability_fund": 0.02}


def test_trusts_cost_gap_grows_and_their_plans_with_it() -> None:
    p = Params.build({**BASE, **DRIFT})
    economy = Economy(footprint(), BUDGET, GAP, p)
    year = economy.play(LEVELS, YearDraws(3, np.ones(1), np.zeros(4), np.full(1, 0.5)))
    check(
        year,
        {
            "cost": [404.0, 202.0, 100.0, 103.0],
            "cut": [0.0, 0.0, 0.0, 1.4],
            "central": [8.0, 0.0, 0.0, 0.0],
            "balance": [7.2, -8.4, -6.4, 0.0],
            "totals_met": [True, False, False],
        },
    )
    assert economy.drift(1) == 0.0 and economy.drift(2) == 0.01 and economy.drift(9) == 0.01


# Case 17, acute trusts' cost gap (``economy.structural_gap``). Demand 3% over funding 1%
# gives every body a gap of 2%; acute_cost_gap 3% moves acute trusts further out and the
# other trusts back, in proportion to the other's share of provider budgets: the acute trust
# holds 400 of the 600 (2/3), so acute 2% + 3% x 1/3 = 3% (cost 412), community
# 2% - 3% x 2/3 = 0% (cost 200); CCG and council keep 2% (102). The council's year leaves
# 100 - 102 < 0 free, so it pools 0; the pool is 0 + 8 + 8 = 16, savings 8 landing
# 3.2 / 1.6 / 1.6 / 1.6. Results (income - cost - pooled + savings): acute
# 400 - 412 - 0 + 3.2 = -8.8, community 200 - 200 - 8 + 1.6 = -6.4, CCG
# 100 - 102 - 8 + 1.6 = -8.4, council -2 + 1.6 = -0.4, cut to 0. Without the acute gap
# (every gap 2%): acute -8 + 3.2 = -4.8, community -4 - 8 + 1.6 = -10.4. The providers owe
# -15.2 either way: the gap moves which trust is in deficit, not the sum.
@pytest.mark.parametrize(
    ("acute_gap", "gaps", "balance"),
    [
        (0.03, [0.03, 0.0, 0.02, 0.02], [-8.8, -6.4, -8.4, 0.0]),
        (0.0, [0.02, 0.02, 0.02, 0.02], [-4.8, -10.4, -8.4, 0.0]),
    ],
)
def test_acute_trusts_cost_gap_moves_the_split_not_the_sum(acute_gap, gaps, balance) -> None:
    from stpgame.core.economy import structural_gap

    rules = {"demand_growth": 0.03, "funding_growth": 0.01, "cost_spread": 0.0}
    p = Params.build({**BASE, **rules, "acute_cost_gap": acute_gap})
    gap = structural_gap(p, footprint(), BUDGET, np.zeros(4))
    assert gap == pytest.approx(gaps, abs=1e-12)
    year = Economy(footprint(), BUDGET, gap, p).play(
        LEVELS, YearDraws(1, np.ones(1), np.zeros(4), np.full(1, 0.5))
    )
    check(year, {"cost": [400.0 * (1 + gaps[0]), 200.0 * (1 + gaps[1]), 102.0, 102.0]})
    check(year, {"balance": balance, "cut": [0.0, 0.0, 0.0, 0.4]})


# Case 18, two-year control totals: the 2017/18 and 2018/19 totals were set together in 2016
# from 2016/17's position, so they do not allow for the trusts' cost gap grown since. The
# year of case 16 (cost gap grown by 1%: acute cost 404, kept 400 - 404 - 0 + 3.2 = -0.8)
# in year 3 (2018/19): the acute trust's total is still 0 (2016/17's), not -1% of 400 = -4,
# so -0.8 misses it in every quarter (run-rates do not spread: cost_shock 0) and the £8 of
# STF is not paid: balance -0.8. Year 2 (2017/18) the same (the gap has grown 1% by then,
# cost_drift_years 1). In year 4 the totals follow the plan again: met, £8 paid.
@pytest.mark.parametrize(
    ("year", "central", "acute_met"), [(2, 0.0, False), (3, 0.0, False), (4, 8.0, True)]
)
def test_two_year_totals_do_not_allow_for_the_gap_grown_since(year, central, acute_met) -> None:
    p = Params.build({**BASE, **DRIFT, "two_year_totals": True})
    economy = Economy(footprint(), BUDGET, GAP, p)
    result = economy.play(LEVELS, YearDraws(year, np.ones(1), np.zeros(4), np.full(1, 0.5)))
    check(
        result,
        {
            "cost": [404.0, 202.0, 100.0, 103.0],
            "central": [central, 0.0, 0.0, 0.0],
            "balance": [-0.8 + central, -8.4, -6.4, 0.0],
            "totals_met": [acute_met, False, False],
        },
    )
