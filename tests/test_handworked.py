"""One year of one 4-body footprint, worked by hand in pounds, mechanism by mechanism.

In the style of Axelrod's ``expected_actions``: each case states its rules and moves,
and the table every flow must show, computed by hand in the comments beside it (never
copied from the model's output). The golden test (test_golden.py) pins that results do
not move; these pin that they are *right*: a planted bug in one mechanism (halving the
footprint term of a penalty, dropping the discount on savings, bail-outs paying
nothing...) changes a number worked out here.

The footprint (all £m, year 1 so income = budget and demand = trend):

    body        budget  gap   discretionary (10%)  BCF minimum (20%, CCG/council)  room
    acute       400     0     40                   0                               0.8 x 40 = 32
    community   200     0     20                   0                               0.8 x 20 = 16
    CCG         100     0     10                   2                               0.6 x 10 = 6
    council     100     1%    10                   2                               0.8 x 10 = 8

(room = (cap - floor) x discretionary, cap 1 - target_pressure = 0.8 for NHS bodies, 1 for
the council). Moves (pooling levels) 0, 0.5, 1, 0.5 want minimum + level x room:
0, 8, 8, 6. Savings land 40/20/20/20% by type (no activity payment), multiplier 0.5,
trust has no effect, so a pool of P makes 0.5 P of savings. NHS budget 700: shares of it
4/7, 2/7, 1/7; shares of the footprint's budget 1/2, 1/4, 1/8, 1/8.
"""

from __future__ import annotations

import numpy as np
import pytest

from stpgame.core.economy import Economy, YearDraws
from stpgame.core.network import Relationships
from stpgame.core.params import Params
from stpgame.core.structure import Structure

BUDGET = np.array([400.0, 200.0, 100.0, 100.0])
GAP = np.array([0.0, 0.0, 0.0, 0.01])
LEVELS = np.array([0.0, 0.5, 1.0, 0.5])
BASE = {
    "structure": "simple",
    "n_footprints": 1,
    "discretionary_share": 0.1,
    "bcf_minimum_share": 0.2,
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


# Case 1, contribution and the BCF minimum (savings land the same year: lag 0).
# The council can afford its minimum plus what its year leaves free: income 100 - cost 101
# - minimum 2 = -3, nothing free, so it pools 2 (forced down from 6). Pool 0+8+8+2 = 18,
# savings 0.5 x 18 = 9, landing 3.6 / 1.8 / 1.8 / 1.8.
# Kept = income - cost - contribution + savings:
#   acute 0 - 0 + 3.6 = 3.6; community 0 - 8 + 1.8 = -6.2; CCG -6.2;
#   council -1 - 2 + 1.8 = -1.2, which the balanced-budget rule makes it cut (1.2) to 0.
CONTRIBUTION = {
    "contribution": [0.0, 8.0, 8.0, 2.0],
    "affordable": [np.inf, np.inf, np.inf, 2.0],
    "forced": [False, False, False, True],
    "cost": [400.0, 200.0, 100.0, 101.0],
    "pool": [18.0],
    "generated": [9.0],
    "savings": [3.6, 1.8, 1.8, 1.8],
    "cut": [0.0, 0.0, 0.0, 1.2],
    "balance": [3.6, -6.2, -6.2, 0.0],
    "welfare_share": [3.6, -6.2, -6.2, -1.2],
    "central": [0.0, 0.0, 0.0, 0.0],
    "penalty": [0.0, 0.0, 0.0, 0.0],
}


def test_contribution_bcf_minimum_and_council_cut() -> None:
    year, _ = play({})
    check(year, CONTRIBUTION)
    assert year.totals_met.size == 0  # no control totals


def test_raising_the_bcf_minimum_raises_what_the_council_must_pool() -> None:
    # minimum 30% of 10 = 3 for the CCG and council; the council's free money is still
    # nothing (-1 - 3 < 0), so it pools exactly 3; the CCG wants 3 + 1 x 0.5 x 10 = 8.
    year, _ = play({"bcf_minimum_share": 0.3})
    check(year, {"contribution": [0.0, 8.0, 8.0, 3.0], "affordable": [np.inf] * 3 + [3.0]})


# Case 2, savings landing with a lag (2 years) and the discount (20% a year).
# Cash: 20 generated two years ago land now: 8 / 4 / 4 / 4. They also free the council:
# -1 + 4 landing - 2 minimum = 1 free, so it can pool 2 + 1 = 3 (forced down from 6).
# Pool 0+8+8+3 = 19 makes 9.5, which joins the pipeline to land in two years.
# Kept: acute 8; community -8 + 4 = -4; CCG -4; council -1 - 3 + 4 = 0 (no cut).
LAGGED_CASH = {
    "contribution": [0.0, 8.0, 8.0, 3.0],
    "affordable": [np.inf, np.inf, np.inf, 3.0],
    "pool": [19.0],
    "generated": [9.5],
    "savings": [8.0, 4.0, 4.0, 4.0],
    "cut": [0.0, 0.0, 0.0, 0.0],
    "balance": [8.0, -4.0, -4.0, 0.0],
}
# Accrual (how a body appraises the year): the savings this pooling will bring, discounted
# over the lag, 9 / 1.2^2 = 6.25, land now: 2.5 / 1.25 / 1.25 / 1.25; the council can
# afford only its minimum (no ledger: nothing landing frees it), pool 18.
# Kept: acute 2.5; community -8 + 1.25 = -6.75; CCG -6.75; council -3 + 1.25 = -1.75, cut.
LAGGED_ACCRUAL = {
    "contribution": [0.0, 8.0, 8.0, 2.0],
    "generated": [9.0],
    "savings": [2.5, 1.25, 1.25, 1.25],
    "cut": [0.0, 0.0, 0.0, 1.75],
    "balance": [2.5, -6.75, -6.75, 0.0],
}


def test_savings_land_after_the_lag_and_are_appraised_discounted() -> None:
    rules = {"savings_lag": 2, "discount_rate": 0.2}
    year, ledger = play(rules, landing_now=20.0)
    check(year, LAGGED_CASH)
    # the pipeline moved on a year: what landed left it, this year's 9.5 is two years out
    assert ledger.pipeline[:, 0] == pytest.approx([0.0, 9.5, 0.0])
    assert (ledger.landed_total, ledger.generated_total) == pytest.approx((20.0, 9.5))
    appraised, _ = play(rules, landing_now=None)
    check(appraised, LAGGED_ACCRUAL)


# Case 3, individual control totals, central money, penalties and bail-outs (w = 0).
# Control totals (slack 0): -(gap + BCF floor x 10%) x income: acute 0, community 0,
# CCG -0.02 x 100 = -2. Results before settling are case 1's: 3.6, -6.2, -6.2.
#   acute meets (3.6 >= 0): central money 2% x 400 = 8 -> 11.6, no deficit.
#   community misses (-6.2 < 0): penalty 50% x 6.2 = 3.1; bail-out 50% of the deficit
#     left, 6.2 + 3.1 = 9.3 -> 4.65; balance -6.2 - 3.1 + 4.65 = -4.65.
#   CCG misses (-6.2 < -2): the same, -4.65.
#   council: no control total, no penalty, no bail-out (balanced budget instead).
SETTLED = {
    "central": [8.0, 0.0, 0.0, 0.0],
    "penalty": [0.0, 3.1, 3.1, 0.0],
    "bailout": [0.0, 4.65, 4.65, 0.0],
    "balance": [11.6, -4.65, -4.65, 0.0],
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


# Case 4, the blended score: system_weight w = 0.5. After central money the footprint's
# result is 11.6 - 6.2 - 6.2 + 0 = -0.8; each NHS body is also judged on its share of
# that deficit (by NHS budget): judged = 0.5 x own deficit + 0.5 x 0.8 x share.
#   acute: 0.5 x 0 + 0.5 x 0.8 x 4/7 = 1.6/7; penalty 0.5 x 1.6/7 = 0.8/7; no deficit
#     left to bail out (11.6 - 0.8/7 > 0); balance 11.6 - 0.8/7.
#   community: 0.5 x 6.2 + 0.5 x 0.8 x 2/7 = 3.1 + 0.8/7; penalty 1.55 + 0.4/7;
#     bail-out 0.5 x (6.2 + 1.55 + 0.4/7) = 3.875 + 0.2/7; balance -3.875 - 0.2/7.
#   CCG: 0.5 x 6.2 + 0.5 x 0.8 x 1/7 = 3.1 + 0.4/7; penalty 1.55 + 0.2/7;
#     bail-out 0.5 x (7.75 + 0.2/7) = 3.875 + 0.1/7; balance -3.875 - 0.1/7.
BLENDED = {
    "central": [8.0, 0.0, 0.0, 0.0],
    "penalty": [0.8 / 7, 1.55 + 0.4 / 7, 1.55 + 0.2 / 7, 0.0],
    "bailout": [0.0, 3.875 + 0.2 / 7, 3.875 + 0.1 / 7, 0.0],
    "balance": [11.6 - 0.8 / 7, -3.875 - 0.2 / 7, -3.875 - 0.1 / 7, 0.0],
}


def test_the_regulator_blends_own_and_footprint_deficits_by_system_weight() -> None:
    year, _ = play({**REGULATOR, "system_weight": 0.5})
    check(year, BLENDED)


# Case 5, a system control total: the footprint meets it if its NHS bodies' results sum to
# at least their totals: (3.6 - 0) + (-6.2 - 0) + (-6.2 + 2) = -6.8 < 0: missed, no
# central money for anyone. With only the minimum pooled (levels 0, 0, 0, 0.5: pool
# 0 + 0 + 2 + 2 = 4, savings 2: 0.8 / 0.4 / 0.4 / 0.4; CCG -2 + 0.4 = -1.6 against -2)
# it is met: 0.8 + 0.4 + 0.4 = 1.6 >= 0, and every NHS body gets 2% of its income:
# 8, 4, 2; balances 8.8, 4.4, 0.4; the council's -1 - 2 + 0.4 = -2.6 is cut to 0.
def test_a_system_control_total_pays_every_nhs_body_or_none() -> None:
    rules = {**REGULATOR, "control_total": "system", "breach_penalty": 0.0, "bailout_share": 0.0}
    missed, _ = play(rules)
    check(missed, {"central": [0.0] * 4, "totals_met": [False]})
    met, _ = play(rules, levels=np.array([0.0, 0.0, 0.0, 0.5]))
    check(
        met,
        {
            "central": [8.0, 4.0, 2.0, 0.0],
            "totals_met": [True],
            "cut": [0.0, 0.0, 0.0, 2.6],
            "balance": [8.8, 4.4, 0.4, 0.0],
        },
    )


# Case 6, council cuts shift cost onto the NHS (rate 0.5). Case 1's council cuts 1.2;
# 0.5 x 1.2 = 0.6 lands on the NHS bodies by NHS budget: 2.4/7, 1.2/7, 0.6/7.
# Balances: 3.6 - 2.4/7, -6.2 - 1.2/7, -6.2 - 0.6/7, council 0; welfare loses the same.
# Outcomes (population 1m): trend admissions 5.8m / 55 and delayed days 2.3m / 55;
# emergency share 13.7/76 of (shifted 0.6 - hospital-side savings 3.6 + 1.8 = 5.4) £m at
# £2,000 an admission; delay share 0.82/17.5 of (cuts 1.2 - care-side savings 1.8 + 1.8)
# £m at £200 a bed day.
ADM_TREND, DEL_TREND = 5.8e6 / 55, 2.3e6 / 55
ADMISSIONS = ADM_TREND + 13.7 / 76 * (0.6 - 5.4) * 1e6 / 2000
DELAYS = DEL_TREND + 0.82 / 17.5 * (1.2 - 3.6) * 1e6 / 200
SHIFTED = {
    "cut": [0.0, 0.0, 0.0, 1.2],
    "shifted": [2.4 / 7, 1.2 / 7, 0.6 / 7, 0.0],
    "balance": [3.6 - 2.4 / 7, -6.2 - 1.2 / 7, -6.2 - 0.6 / 7, 0.0],
    "welfare_share": [3.6 - 2.4 / 7, -6.2 - 1.2 / 7, -6.2 - 0.6 / 7, -1.2],
    "admissions": [ADMISSIONS],
    "delayed_days": [DELAYS],
    "outcome_index": [100 - 50 * (ADMISSIONS / ADM_TREND - 1) - 50 * (DELAYS / DEL_TREND - 1)],
}


def test_council_cuts_shift_cost_onto_the_nhs_and_move_outcomes() -> None:
    year, _ = play({"cost_shift_rate": 0.5})
    check(year, SHIFTED)


# Case 7, risk sharing (50%): each body's result moves half-way to its budget share of the
# footprint's. Results before: 3.6, -6.2, -6.2, -1.2; footprint -10; budget shares
# 1/2, 1/4, 1/8, 1/8 of it: -5, -2.5, -1.25, -1.25. Transfers 0.5 x (share - own):
# -4.3, 1.85, 2.475, -0.025 (sum 0). The council's -1.2 - 0.025 = -1.225 is cut.
RISK = {
    "transfer": [-4.3, 1.85, 2.475, -0.025],
    "cut": [0.0, 0.0, 0.0, 1.225],
    "balance": [-0.7, -4.35, -3.725, 0.0],
}


def test_risk_sharing_moves_results_towards_budget_shares() -> None:
    year, _ = play({"risk_share": 0.5})
    check(year, RISK)


# Case 8, gain sharing (50%): the savings go back half-way to the bodies by their share of
# the pool (0, 8/18, 8/18, 2/18 of 9 = 0, 4, 4, 1) from where they land (3.6, 1.8, 1.8,
# 1.8): 0.5 x (0 - 3.6), 0.5 x (4 - 1.8), ... = -1.8, 1.1, 1.1, -0.4 (sum 0).
# Balances 1.8, -5.1, -5.1; the council's -1.2 - 0.4 = -1.6 is cut.
GAIN = {
    "gain_shared": [-1.8, 1.1, 1.1, -0.4],
    "cut": [0.0, 0.0, 0.0, 1.6],
    "balance": [1.8, -5.1, -5.1, 0.0],
}


def test_gain_sharing_returns_savings_to_those_who_pooled() -> None:
    year, _ = play({"gain_share": 0.5})
    check(year, GAIN)


# Case 9, payment by activity (50%): half the acute trust's 40% landing share goes to the
# commissioner: 20 / 20 / 40 / 20% of 9 = 1.8, 1.8, 3.6, 1.8.
# Balances 1.8, -6.2, -8 + 3.6 = -4.4, council cut as in case 1.
ACTIVITY = {"savings": [1.8, 1.8, 3.6, 1.8], "balance": [1.8, -6.2, -4.4, 0.0]}


def test_payment_by_activity_moves_savings_from_the_acute_trust_to_the_ccg() -> None:
    year, _ = play({"activity_payment": 0.5})
    check(year, ACTIVITY)


# Case 10, the incentive fund (2% of the footprint's budget, if it pools at least 20% of its
# discretionary budget). Pooled 18 of 40 + 20 + 10 + 10 = 80: 22.5%, so the footprint earns
# 0.02 x 800 = 16, paid by share of the pool: 0, 16 x 8/18 = 64/9, 64/9, 16 x 2/18 = 16/9.
# Balances 3.6, -6.2 + 64/9, -6.2 + 64/9; the council's -1.2 + 16/9 > 0, so no cut.
# At a 25% threshold it earns nothing.
INCENTIVE = {
    "incentive": [0.0, 64 / 9, 64 / 9, 16 / 9],
    "cut": [0.0, 0.0, 0.0, 0.0],
    "balance": [3.6, -6.2 + 64 / 9, -6.2 + 64 / 9, -1.2 + 16 / 9],
}


def test_the_incentive_fund_pays_footprints_that_pool_past_the_threshold() -> None:
    year, _ = play({"incentive_fund": 0.02, "incentive_threshold": 0.2})
    check(year, INCENTIVE)
    missed, _ = play({"incentive_fund": 0.02, "incentive_threshold": 0.25})
    check(missed, {"incentive": [0.0] * 4, "balance": CONTRIBUTION["balance"]})


# Case 11, transformation money (half of what is pooled above the minimum, in year 1):
# 0.5 x (0 - 0), 0.5 x (8 - 0), 0.5 x (8 - 2), 0.5 x (2 - 2) = 0, 4, 3, 0.
# Balances 3.6, -6.2 + 4 = -2.2, -6.2 + 3 = -3.2; the council still cuts 1.2 (it could
# afford only its minimum: nothing free to stretch).
TRANSFORMATION = {
    "transformation": [0.0, 4.0, 3.0, 0.0],
    "contribution": [0.0, 8.0, 8.0, 2.0],
    "balance": [3.6, -2.2, -3.2, 0.0],
}


def test_transformation_money_repays_pooling_above_the_minimum() -> None:
    year, _ = play({"transformation_fund": 0.5, "transformation_years": 1})
    check(year, TRANSFORMATION)


# Trust after a year (gain 0.2, loss 0.3, decay 0.1, health-council barrier 0.5), every
# link starting at 0.5:
#   both willing, same sector: 0.5 + 0.2 x (1 - 0.5) = 0.6
#   both willing, across the health-council boundary: 0.5 + 0.2 x 0.5 x 0.5 = 0.55
#   one willing: 0.5 - 0.3 x 0.5 = 0.35; neither: 0.5 - 0.1 x 0.5 = 0.45
@pytest.mark.parametrize(
    ("willing", "nhs_link", "council_link"),
    [
        ([True, True, True, True], 0.6, 0.55),
        ([True, True, True, False], 0.6, 0.35),
        ([False, False, False, False], 0.45, 0.45),
    ],
)
def test_trust_grows_erodes_and_fades_by_hand(willing, nhs_link, council_link) -> None:
    links = Relationships(footprint(), np.random.default_rng(0))
    links.trust = np.full(len(links.trust), 0.5)
    links.update(np.array(willing), gain=0.2, loss=0.3, decay=0.1, barrier=0.5)
    touches_council = (links.i == 3) | (links.j == 3)
    assert len(links.trust) == 6
    assert links.trust[~touches_council] == pytest.approx([nhs_link] * 3)
    assert links.trust[touches_council] == pytest.approx([council_link] * 3)
