"""The years before year 1 (``history_years``): 2015/16, the Better Care Fund's first year,
played under the rules of the time and not recorded, so that 2016/17 (year 1) is not the
bodies' first year of pooling (issue 22; calibration §2)."""

from __future__ import annotations

import numpy as np
import pytest

from stpgame import STPModel
from stpgame.core.model import HISTORY_RULES
from stpgame.errors import ParameterError


def test_the_year_before_is_played_under_its_rules_and_not_recorded():
    m = STPModel.from_scenario("fortress", seed=3)
    assert m.params.history_years == 1 and len(m.history) == 1
    before = m.history[0]
    assert before.central.sum() == 0.0  # no sustainability money before 2016/17
    assert len(before.totals_met) == 0  # no control totals
    assert before.contribution.sum() > 0  # the bodies pooled: the BCF's first year
    # the preset's own rules are back for year 1, and nothing is recorded yet
    fresh = STPModel.from_scenario("fortress", seed=3, history_years=0)
    assert m.params == fresh.params.replace(history_years=1)
    assert m.round == 0 and m.steps == 0 and m.last_round is None
    assert m.model_dataframe().empty
    assert (m.ledger.cumulative == 0).all()
    # savings made before year 1 are counted: they are still in the pipeline
    assert m.ledger.generated_total == pytest.approx(
        m.ledger.landed_total + m.ledger.pipeline.sum(), rel=1e-12
    )
    m.run(3)
    assert m.model_dataframe()["round"].tolist() == [1, 2, 3] and m.steps == 3
    assert (m.last_round.central > 0).any()  # year 1 pays sustainability money


def test_bodies_start_year_1_with_experience():
    """Learners no longer open at their first-round level in 2016/17: they learned from
    2015/16, whose savings are in the pipeline and whose loans are owed."""
    m = STPModel.from_scenario("fortress", seed=3)
    fresh = STPModel.from_scenario("fortress", seed=3, history_years=0)
    assert not m.observation.fresh.any() and fresh.observation.fresh.all()
    assert m.ledger.pipeline.sum() > 0 and m.ledger.debt.sum() > 0
    assert fresh.ledger.pipeline.sum() == 0 and fresh.ledger.debt.sum() == 0
    m.step(), fresh.step()
    # with experience of a year in which pooling paid nobody, fewer pool in 2016/17
    assert m.latest["cooperation_rate"] < fresh.latest["cooperation_rate"] - 0.1


def test_history_is_deterministic_and_fixed_for_the_game():
    a = STPModel.from_scenario("fortress", seed=8).run(2).model_dataframe()
    b = STPModel.from_scenario("fortress", seed=8).run(2).model_dataframe()
    assert a.equals(b)
    with pytest.raises(ParameterError, match="history_years"):
        STPModel.from_scenario("fortress", seed=8).change_rules(history_years=2)


def test_history_rules_are_the_ones_that_began_in_2016_17():
    assert HISTORY_RULES == {
        "sustainability_fund": 0.0,
        "control_total": "none",
        "care_precept": 0.0,
        "improved_bcf": 0.0,
    }
    m = STPModel.from_scenario("fortress", seed=2, history_years=2)
    assert len(m.history) == 2
    # the two years before are numbered -1 and 0: money a year's growth lower each
    growth = 1.0 + m.params.funding_growth
    incomes = [r.income.sum() for r in m.history]
    np.testing.assert_allclose(incomes[1] / incomes[0], growth, rtol=1e-12)
    assert (m.scores == 0).all()  # no year of the game judged yet


def test_switching_to_the_games_rules_rebuilds_nothing_but_matches_a_rebuild():
    """After the years before, the model switches to its own rules without rebuilding its
    economy (``Economy.with_rules``); the next years equal those of a model rebuilt with
    ``change_rules``, and any rule beyond the compiled year's rule values is refused."""
    light = STPModel.from_scenario("fortress", seed=6)
    full = STPModel.from_scenario("fortress", seed=6)
    full.change_rules(sustainability_fund=full.params.sustainability_fund + 0.0)  # rebuilt
    assert full.economy is not light.economy
    a, b = light.run(3).model_dataframe(), full.run(3).model_dataframe()
    assert a.equals(b)
    e = light.economy
    with pytest.raises(ValueError, match="learning_rate"):
        e.with_rules(e.p.replace(learning_rate=0.5))
    twin = light.counterfactuals.twin  # made when first asked for
    switched = light.counterfactuals.with_rules(e.p.replace(control_total="none"))
    assert switched.twin is not twin and switched.twin.p.control_total == "none"
    assert switched._totals == 0 and light.counterfactuals._totals > 0
