"""The model against independent expectations: the evidence, the calibration and the seeds.

Each claim is checked on the mean over seeds and, where two conditions are paired by seed,
on every seed, so one lucky seed cannot pass it. Claims the model does *not* reproduce are
stated in docs/headline.md and README, not tested as if it did.
"""

import numpy as np
import pytest

from stpgame import STPModel
from stpgame.core.params import ORG_TYPES

pytestmark = pytest.mark.slow
SEEDS = range(4)


def final(df, column, last=10):
    return df[column].tail(last).mean()


def runs(scenario="fortress", rounds=25, **kw):
    return [
        STPModel.from_scenario(scenario, seed=s, **kw).run(rounds).model_dataframe() for s in SEEDS
    ]


def paired(column, a, b):
    return (
        np.array([final(df, column) for df in a]),
        np.array([final(df, column) for df in b]),
    )


@pytest.fixture(scope="module")
def fortress():
    return runs()


def test_fortress_cooperation_drains_away(fortress):
    """[003] fortress mentality: bodies judged alone stop pooling after the first years. The
    first year of pooled budgets is 2015/16, the year the preset plays before year 1
    (``history_years``): what each body pooled then is its observed level entering year 1."""
    opening = [
        np.mean(STPModel.from_scenario("fortress", seed=s).observation.own_level >= 0.5 - 1e-9)
        for s in SEEDS
    ]
    start = np.mean(opening)
    year1 = np.mean([df["cooperation_rate"].iloc[0] for df in fortress])
    end = np.mean([final(df, "cooperation_rate") for df in fortress])
    assert start > 0.4
    assert end < year1 < start
    assert end < 0.2 and end < start / 2


def test_the_first_years_sit_in_the_real_range(fortress):
    """Calibration §2 and King's Fund, 'Trusts in deficit': 66% of trusts in deficit in
    2015/16 (the year the preset plays before year 1) and 44% in 2016/17, after the STF
    began (counted: ±0.10, as docs/calibration.md, here on other seeds); 82% of NHS bodies
    met their financial control total in Q2 2016/17 (year 1); adult social care spending
    rose about 1% in real terms in 2016/17 with the precept: at most half of councils
    cutting."""
    before, year1 = [], []
    for seed in SEEDS:
        m = STPModel.from_scenario("fortress", seed=seed)
        trust = np.asarray(m.structure.org_type) <= ORG_TYPES.index("community")
        before.append(np.mean(m.history[-1].balance[trust] < 0))
        m.step()
        year1.append(np.mean(m.last_round.balance[trust] < 0))
    met = np.mean([df["control_totals_met"].iloc[0] for df in fortress])
    cutting = np.mean([df["councils_cutting"].iloc[0] for df in fortress])
    assert 0.56 <= np.mean(before) <= 0.76
    assert 0.34 <= np.mean(year1) <= 0.54 < np.mean(before)
    assert 0.72 <= met <= 0.92
    assert cutting <= 0.5


def test_admissions_grow_with_demand(fortress):
    """Calibration §3: emergency admissions +3.2% a year; with little pooling they follow
    the demand trend year on year (compounding)."""
    growth = STPModel.from_scenario("fortress", seed=0).params.demand_growth
    for df in fortress:
        ratio = df["emergency_admissions"].iloc[-1] / df["emergency_admissions"].iloc[0]
        assert ratio == pytest.approx((1 + growth) ** (len(df) - 1), rel=0.05)


def test_at_the_central_evidence_full_pooling_costs_more_than_it_saves(fortress):
    """Calibration §5: about 50p back per pooled pound, so the everyone-pools twin has lower
    welfare (a negative price of fortress); at the hopeful end it has higher."""
    assert max(final(df, "price_of_fortress") for df in fortress) < 0
    hopeful = runs("hopeful_evidence")
    assert min(final(df, "price_of_fortress") for df in hopeful) > 0


def test_bailouts_soften_the_budget_constraint_only_as_grants():
    """[003] NHS deficits are bailed out: as grants, the more of a deficit the centre covers,
    the less a pooled pound costs a body in deficit and the more bodies pool (Kornai's soft
    budget constraint); as the repayable support loans they really were, a loan is owed, so
    it softens nothing."""
    grant = {"cash_support": "grant"}
    none, full = paired(
        "cooperation_rate", runs(bailout_share=0.0, **grant), runs(bailout_share=1.0, **grant)
    )
    assert (full > none + 0.03).all()
    none, full = paired("cooperation_rate", runs(bailout_share=0.0), runs(bailout_share=1.0))
    assert np.abs(full - none).max() < 0.01


def test_outcomes_in_the_score_raise_pooling():
    """[004] success measures close to outcomes: when patient outcomes count in the
    regulator's score, pooling (which avoids admissions and delays) pays bodies; a body
    moves its footprint's outcomes by only its share, so the more outcomes count, the more
    bodies pool, step by step (docs/decisions.md)."""
    money, half = paired("cooperation_rate", runs(), runs(outcome_weight=0.5))
    _, most = paired("cooperation_rate", runs(), runs(outcome_weight=0.95))
    assert (half > money + 0.02).all()
    assert (most > half + 0.1).all()


def test_council_deficits_appear_only_without_the_balanced_budget_rule():
    """s114 LGFA 1988: councils must balance; without the rule some run deficits."""
    on = STPModel.from_scenario("deepening_cuts", seed=1).run(10).org_dataframe()
    off = STPModel.from_scenario("deepening_cuts", seed=1, council_balanced_budget=False)
    off = off.run(10).org_dataframe()
    councils_on, councils_off = on[on["org_type"] == "council"], off[off["org_type"] == "council"]
    assert councils_on["cut"].sum() > 0 and (councils_on["balance"] >= -1e-6).all()
    # a fifth or more: the care precept and the improved BCF cover part of their gap
    assert (councils_off["balance"] < 0).mean() > 0.2


def test_culture_adds_to_canterbury_rules():
    """[002]/[004] relationships and forgiving, trusting decision rules: the same rules and
    savings with England's relationships and the fortress mix pool less."""
    culture, fortress_culture = paired(
        "cooperation_rate", runs("canterbury"), runs("canterbury_fortress_culture")
    )
    assert (culture > fortress_culture).all()


def test_savings_uncertainty_spreads_savings_without_raising_them():
    """Mechanism 10: uncertain payoffs are a spread around the same expected multiplier."""
    totals = {}
    for sigma in (0.0, 0.8):
        generated = []
        for s in range(4):
            m = STPModel(
                seed=s,
                structure="england",
                savings_uncertainty=sigma,
                **{f"strategy_{t}": "always_cooperate" for t in ORG_TYPES},
            )
            for _ in range(6):
                m.step()
                generated.append(m.last_round.generated.sum())
        totals[sigma] = np.mean(generated)
    assert totals[0.8] == pytest.approx(totals[0.0], rel=0.1)


def test_a_body_with_nothing_free_to_pool_is_not_counted_as_pooling():
    """Targets holding back all of an NHS body's discretionary money leave it nothing to
    choose: it pools nothing, whatever its rule would have meant (no habit or opening level
    counts as cooperation)."""
    m = STPModel(
        seed=1,
        target_pressure=1.0,
        **{f"strategy_{t}": "always_cooperate" for t in ORG_TYPES},
        noise=0.0,
    ).run(3)
    orgs = m.org_dataframe()
    nhs = orgs["org_type"] != "council"
    assert not orgs.loc[nhs, "pooled"].any() and orgs.loc[~nhs, "pooled"].any()


def test_partners_can_tell_inability_from_refusal():
    """A council that meant to pool but could not afford it costs no trust (its books are
    public), unlike one that chose to withhold."""
    kw = {
        "structure": "simple",
        "n_footprints": 4,
        "noise": 0.0,
        "leadership_turnover": 0.0,
        "cost_spread": 0.0,
        "demand_growth": 0.06,
    }
    meant = STPModel(seed=1, **kw, **{f"strategy_{t}": "always_cooperate" for t in ORG_TYPES})
    refused = STPModel(
        seed=1,
        **kw,
        **{f"strategy_{t}": "always_cooperate" for t in ORG_TYPES[:3]},
        strategy_council="always_defect",
    )
    meant.step()
    refused.step()
    council = meant.economy.is_council
    assert meant.last_round.forced[council].all()  # none could afford to pool
    assert meant.relationships.trust.mean() > refused.relationships.trust.mean()
