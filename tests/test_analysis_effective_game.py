"""The effective 2x2 game between two representative organisations, and the N-player view.

The payoffs come from replaying the model's year (no separate formula), so these tests
check the classification against independent expectations: what the evidence and the
rules should make of the game, and a threshold that should make an assurance game.
"""

from __future__ import annotations

import numpy as np
import pytest

from stpgame import STPModel
from stpgame.analysis.effective_game import effective_game, effective_parameters, n_player_view
from stpgame.analysis.stage_game import analyse_game, classify
from stpgame.core.params import ORG_TYPES, ParameterError

SIMPLE = {"structure": "simple", "n_footprints": 4, "target_pressure": 0.0}


@pytest.fixture(scope="module")
def fortress():
    return STPModel.from_scenario("fortress", seed=3)


def test_at_the_central_evidence_withholding_is_best_for_everyone(fortress):
    """Pooling saves about 50p per pound (calibration §5): no dilemma, a deadlock."""
    game = effective_game(fortress)
    assert classify(game) == "deadlock"
    assert game.R < game.P  # everyone pooling leaves each body worse off
    assert [e.label for e in analyse_game(game).equilibria] == ["both withhold"]


def test_with_hopeful_savings_the_fortress_is_a_prisoners_dilemma():
    """£1.50 per pound [002]: together they should pool, alone each should withhold."""
    game = effective_game(STPModel.from_scenario("hopeful_evidence", seed=3))
    assert classify(game) == "prisoner's dilemma"
    a = analyse_game(game)
    assert [e.label for e in a.equilibria] == ["both withhold"]
    assert "both pool" in a.pareto_optimal


def test_canterbury_rules_make_pooling_dominant():
    game = effective_game(STPModel.from_scenario("canterbury", seed=3))
    assert classify(game) == "harmony"


def test_an_all_or_nothing_reward_for_pooling_together_is_an_assurance_game():
    """An incentive fund paid only if the footprint pools nearly everything: pooling pays
    when the partners pool (R > T) and not when they do not (P > S): a stag hunt
    (Bagnoli & Lipman 1989)."""
    m = STPModel(
        seed=1,
        incentive_fund=0.05,
        incentive_threshold=0.95,
        council_balanced_budget=False,
        **SIMPLE,
    )
    game = effective_game(m)
    assert game.R > game.T and game.P > game.S
    assert classify(game) == "stag hunt"
    assert {e.label for e in analyse_game(game).equilibria if e.kind == "pure"} == {
        "both pool",
        "both withhold",
    }
    # without the threshold the same money is a plain reward: no assurance problem
    plain = effective_game(
        STPModel(
            seed=1,
            incentive_fund=0.05,
            incentive_threshold=0.0,
            council_balanced_budget=False,
            **SIMPLE,
        )
    )
    assert classify(plain) != "stag hunt"


def test_a_system_control_total_can_make_an_assurance_game():
    """With savings that pay and a shared total that needs them, the footprint's threshold
    makes each body pivotal when the others pool. The money goes to providers only, and the
    quarters' run-rates are made to match the year (no cost variation) so that the
    threshold is sharp. Unearned money stays at the centre: paid out again £1 for £1 beyond
    a body's own total (2016/17's year end), it rewards keeping money and the game is a
    prisoner's dilemma again."""
    rules = {
        "control_total": "system",
        "savings_multiplier": 2.0,
        "savings_lag": 0,
        "sustainability_fund": 0.1,
        "cost_shock": 0.0,
        "control_total_slack": -0.01,
        "control_total_spread": 0.0,  # every total at the same stretch: a known threshold
    }
    m = STPModel(seed=1, stf_redistribution=0.0, **rules, **SIMPLE)
    assert classify(effective_game(m)) == "stag hunt"
    paid_again = STPModel(seed=1, stf_redistribution=1.0, **rules, **SIMPLE)
    assert classify(effective_game(paid_again)) == "prisoner's dilemma"
    # the same rules with individual control totals: no threshold shared, no assurance game
    alone = STPModel(
        seed=1, stf_redistribution=0.0, **{**rules, "control_total": "individual"}, **SIMPLE
    )
    assert classify(effective_game(alone)) != "stag hunt"


def test_transformation_money_makes_pooling_cheaper(fortress):
    cheap = STPModel.from_scenario("fortress", seed=3, transformation_fund=0.8)
    assert effective_game(cheap).S > effective_game(fortress).S


def test_orgs_selects_footprints():
    m = STPModel.from_scenario("simple_vs_complex", seed=3)
    first = m.structure.footprint == 0
    assert effective_parameters(m, first)["R"] != effective_parameters(m)["R"]
    with pytest.raises(ParameterError, match="orgs"):
        effective_parameters(m, np.zeros(m.structure.n, bool))


def test_continuation_is_turnover_and_discount(fortress):
    p = fortress.params
    expected = (1 - p.leadership_turnover) / (1 + p.discount_rate)
    assert effective_parameters(fortress)["continuation"] == pytest.approx(expected)


def test_n_player_view_per_type(fortress):
    view = n_player_view(fortress)
    assert list(view["org_type"]) == list(ORG_TYPES)
    assert (view["own_return"] < 0).all()  # pooling a pound costs each body money
    assert (view["system_return"] < 0).all()  # and its footprint too, at 50p back
    assert view["withholding_dominant"].all()


def test_n_player_view_sees_a_reward_that_pays():
    paid = STPModel.from_scenario("fortress", seed=3, incentive_fund=0.05, incentive_threshold=0.0)
    view = n_player_view(paid)
    assert (view["own_return"] > 0).all()
    assert not view["withholding_dominant"].any()
