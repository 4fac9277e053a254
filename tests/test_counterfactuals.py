"""The counterfactuals as one array program give what each, played on its own, gives.

- the year as played, the twin and the replays in one pass (``play_year``) equal the
  economy's own year, the twin's own year and the standalone replays;
- reduced replays (only the rows that can act on the flipped body, exact when
  ``system_weight`` is 0) equal full replays over random rules, places and moves.
"""

import copy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stpgame import STPModel
from stpgame.core.counterfactuals import Counterfactuals
from stpgame.core.economy import YearDraws

FIELDS = ("payoff", "foregone", "pool_gain", "own_change", "system_change", "moved")

rules = st.fixed_dictionaries(
    {
        "structure": st.sampled_from(["england", "mixed", "workshop", "complex", "simple"]),
        "control_total": st.sampled_from(["individual", "system", "none"]),
        "risk_share": st.sampled_from([0.0, 0.3, 1.0]),
        "gain_share": st.sampled_from([0.0, 0.5, 1.0]),
        "incentive_fund": st.sampled_from([0.0, 0.01, 0.05]),
        "incentive_threshold": st.sampled_from([0.0, 0.3, 0.6]),
        "outcome_weight": st.sampled_from([0.0, 0.5]),
        "savings_lag": st.sampled_from([0, 1, 3]),
        "council_balanced_budget": st.booleans(),
        "cost_shift_rate": st.sampled_from([0.0, 0.4]),
        "bailout_share": st.sampled_from([0.0, 0.8]),
        "breach_penalty": st.sampled_from([0.0, 0.5]),
        "activity_payment": st.sampled_from([0.0, 1.0]),
        "savings_multiplier": st.sampled_from([0.5, 2.0]),
    }
)


def model_after(rules: dict, seed: int, years: int = 2) -> STPModel:
    overrides = {k: v for k, v in rules.items() if k != "structure"}
    n_fp = 0 if rules["structure"] == "england" else 3
    return STPModel(seed=seed, structure=rules["structure"], n_footprints=n_fp, **overrides).run(
        years
    )


def draws_for(m: STPModel, rng: np.random.Generator) -> YearDraws:
    s = m.structure
    return YearDraws(
        m.round + 1,
        rng.lognormal(0, 0.3, s.n_footprints),
        0.02 * rng.standard_normal(s.n),
        rng.random(s.n_footprints),
    )


@settings(max_examples=25, deadline=None)
@given(rules=rules, seed=st.integers(0, 2**16), fractional=st.booleans())
def test_reduced_replays_equal_full_replays(rules, seed, fractional):
    m = model_after(rules, seed)
    rng = np.random.default_rng(seed)
    levels = rng.random(m.structure.n) if fractional else (rng.random(m.structure.n) < 0.4) * 1.0
    draws = draws_for(m, rng)
    gap = m.counterfactuals.replay.gap[m.counterfactuals.layout.as_played]
    args = (m.structure, m.budget, gap, m.params)
    stretch = 0.03 * m._stretch_z  # each body's own control total, as the model sets them
    reduced = Counterfactuals(*args, reduce=True, stretch=stretch)
    full = Counterfactuals(*args, reduce=False, stretch=stretch)
    non_council = m.structure.counts()[:, :3]
    if (non_council > 1).any():  # a row can stand for two or more bodies: fewer rows
        assert len(reduced.layout.first) < len(full.layout.first)
    # savings known to land this year, which councils count in what they can afford
    landed = rng.random(m.structure.n_footprints) * 50.0
    for c in (None, landed):
        a, b = reduced.appraise(levels, draws, landed=c), full.appraise(levels, draws, landed=c)
        for name in FIELDS:
            np.testing.assert_allclose(
                getattr(a, name), getattr(b, name), rtol=1e-9, atol=1e-9, err_msg=name
            )


def test_reduced_replays_refused_under_a_blended_rating():
    m = STPModel(seed=1, structure="simple", n_footprints=2, system_weight=0.5)
    cf = m.counterfactuals
    assert cf.layout.structure.members is None  # full replays chosen by default
    gap = cf.replay.gap[cf.layout.as_played]
    with pytest.raises(ValueError, match="system_weight"):
        Counterfactuals(m.structure, m.budget, gap, m.params, reduce=True)


@pytest.mark.parametrize("scenario", ["fortress", "canterbury", "incentive_fund"])
def test_one_pass_equals_each_year_played_on_its_own(scenario):
    m = STPModel.from_scenario(scenario, seed=5).run(4)
    draws, twin_draws = m._draw_year()
    levels = (np.random.default_rng(0).random(m.structure.n) < 0.5) * 1.0
    cf = m.counterfactuals
    ledger, twin_ledger = copy.deepcopy(m.ledger), copy.deepcopy(cf.twin_ledger)
    alone = m.economy.play(levels, draws, ledger=ledger)
    # the twin is paid the year as played's year-end rates, the replays the published ones
    rates = tuple(alone.year_end_rates)
    twin_alone = cf.twin.play(
        np.ones(cf.n), twin_draws, ledger=twin_ledger, national_rows=0, year_end_rates=rates
    )
    # the appraisal is a finance team's estimate: expected savings and costs, not the draws
    expected = YearDraws(
        draws.year, np.ones_like(draws.savings_shock), 0 * draws.cost_shock, draws.fp_trust
    )
    published = (0.8, 0.05)
    appraisal_alone = cf.appraise(
        levels, expected, landed=m.ledger.pipeline[0].copy(), year_end_rates=published
    )

    actual, twin, appraisal = cf.play_year(levels, draws, twin_draws, m.ledger, published)
    for name in alone.__dataclass_fields__:
        np.testing.assert_array_equal(getattr(actual, name), getattr(alone, name), err_msg=name)
        np.testing.assert_array_equal(getattr(twin, name), getattr(twin_alone, name), err_msg=name)
    for name in FIELDS:
        np.testing.assert_array_equal(
            getattr(appraisal, name), getattr(appraisal_alone, name), err_msg=name
        )
    for a, b in ((m.ledger, ledger), (cf.twin_ledger, twin_ledger)):
        np.testing.assert_array_equal(a.pipeline, b.pipeline)
        np.testing.assert_array_equal(a.cumulative, b.cumulative)
        assert a.generated_total == b.generated_total and a.landed_total == b.landed_total
