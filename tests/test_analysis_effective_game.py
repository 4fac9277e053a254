"""The effective 2x2 game between two representative organisations, and the N-player view."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from stpgame import STPModel
from stpgame.analysis.effective_game import (
    body_critical_weights,
    critical_system_weight,
    effective_game,
    effective_parameters,
    n_player_view,
    stage_game_from,
)
from stpgame.analysis.stage_game import analyse_game, classify
from stpgame.core.params import ORG_TYPES, ParameterError


@pytest.fixture(scope="module")
def fortress():
    return STPModel.from_scenario("fortress", seed=3)


def test_fortress_is_a_prisoners_dilemma(fortress):
    """[002]/[003]: judged alone, each body should withhold; together they should pool."""
    game = effective_game(fortress)
    assert classify(game) == "prisoner's dilemma"
    a = analyse_game(game)
    assert [e.label for e in a.equilibria] == ["both withhold"]
    assert "both pool" in a.pareto_optimal


def test_system_control_total_is_a_harmony_game():
    """Judged on the shared control total (w = 1) pooling is dominant: no dilemma [003]."""
    model = STPModel.from_scenario("system_control_total", seed=3)
    assert model.params.system_weight == 1.0
    game = effective_game(model)
    assert classify(game) == "harmony"
    assert [e.label for e in analyse_game(game).equilibria] == ["both pool"]


def test_parameters_come_from_the_models_pooling_returns(fortress):
    own, system = fortress.pooling_returns()
    e = effective_parameters(fortress)
    assert e["cost"] == 1.0  # no transformation money in the fortress preset
    assert e["g"] == pytest.approx(float((system + 1.0).mean()))
    assert e["s"] == pytest.approx(float(((own + 1.0) / (system + 1.0)).mean()))
    # s is the mean landing share: 1 / bodies per footprint on average
    assert e["s"] == pytest.approx(float(fortress.economy.landing.mean()))
    assert e["w"] == 0.0
    game = effective_game(fortress)
    reward = game.R
    assert reward == pytest.approx(float(system.mean()))
    assert game.P == 0.0


def test_transformation_money_lowers_the_cost_of_a_pound():
    """[004] transformation money repays part of each voluntary pound while it lasts."""
    model = STPModel.from_scenario("fortress", seed=3, transformation_fund=0.4)
    assert effective_parameters(model)["cost"] == pytest.approx(0.6)
    full = STPModel.from_scenario("fortress", seed=3, transformation_fund=1.0)
    # the pound costs nothing, so pooling only adds savings: pooling is dominant
    assert classify(effective_game(full)) == "harmony"
    assert not n_player_view(full)["withholding_dominant"].any()


def test_hand_computed_payoffs():
    # g = 1.5, s = 0.25, cost = 1: R = 0.5, T = g(1 - s) = 1.125, S = g s - 1 = -0.625
    g = stage_game_from(1.5, 0.25, 1.0, 0.0)
    assert g.as_tuple() == pytest.approx((0.5, -0.625, 1.125, 0.0))
    # w = 1: each is judged on half the system result, so T = S = (g - cost) / 2
    h = stage_game_from(1.5, 0.25, 1.0, 1.0)
    assert h.as_tuple() == pytest.approx((0.5, 0.25, 0.25, 0.0))
    # a multiplier below the cost: pooling loses money for everyone -> deadlock
    assert classify(stage_game_from(0.8, 0.25, 1.0, 0.0)) == "deadlock"


unit = st.floats(0.0, 1.0)


@given(st.floats(0.0, 5.0), unit, unit, unit)
def test_effective_game_is_additive(g, s, cost, w):
    """Payoffs are linear in each body's own choice, so the gain from pooling does not
    depend on the other's move: R - T = S - P ("equal gains from switching")."""
    game = stage_game_from(g, s, cost, w)
    gain_if_other_pools, gain_if_other_withholds = game.R - game.T, game.S - game.P
    assert gain_if_other_pools == pytest.approx(gain_if_other_withholds, abs=1e-9)


@given(st.floats(1.01, 5.0), st.floats(0.0, 0.45), st.floats(0.5, 1.0), unit)
def test_system_weight_moves_the_game_from_dilemma_to_harmony(g, s, cost, w):
    """A prisoner's dilemma exactly when a body's judged return from pooling is negative."""
    assume_pd = g * s < cost  # own return negative when judged alone
    game = stage_game_from(g, s, cost, w)
    own_judged = (1 - w) * (g * s - cost) + w * (g - cost) / 2
    if assume_pd and g > cost and own_judged < -1e-9:
        assert classify(game) == "prisoner's dilemma"
    if g > cost and own_judged > 1e-9:
        assert classify(game) == "harmony"


def test_system_weight_sweep_on_the_fortress_preset():
    kinds = [
        classify(effective_game(STPModel.from_scenario("fortress", seed=1, system_weight=w)))
        for w in (0.0, 0.5, 1.0)
    ]
    assert kinds == ["prisoner's dilemma", "prisoner's dilemma", "harmony"]


def test_orgs_selects_footprints():
    model = STPModel.from_scenario("simple_vs_complex", seed=2)
    s = model.structure
    simple = np.isin(s.footprint, [k for k, nm in enumerate(s.footprint_names) if "Simple" in nm])
    p_simple = effective_parameters(model, simple)
    p_complex = effective_parameters(model, ~simple)
    assert p_simple["s"] == pytest.approx(0.25)  # four bodies share a simple footprint's savings
    assert p_simple["g"] > p_complex["g"]  # coordination and boundary costs [001]
    with pytest.raises(ParameterError, match="orgs"):
        effective_parameters(model, np.zeros(s.n, bool))


def test_continuation_is_turnover_and_discount():
    model = STPModel(seed=1, leadership_turnover=0.2, discount_rate=0.05)
    assert effective_parameters(model)["continuation"] == pytest.approx(0.8 / 1.05)


def test_n_player_view_per_type(fortress):
    view = n_player_view(fortress)
    assert list(view["org_type"]) == list(ORG_TYPES)
    assert view["bodies"].sum() == fortress.structure.n
    own, system = fortress.pooling_returns()
    t = fortress.structure.org_type
    for k, row in view.iterrows():
        assert row["own_return"] == pytest.approx(own[t == k].mean())
        assert row["system_return"] == pytest.approx(system[t == k].mean())
        assert row["mpcr"] == pytest.approx(own[t == k].mean() + 1.0)
        # judged alone, withholding is dominant exactly when the own return is negative
        assert row["withholding_dominant_share"] == pytest.approx((own[t == k] < 0).mean())
    assert view["withholding_dominant"].all()


def test_n_player_view_under_a_shared_control_total():
    view = n_player_view(STPModel.from_scenario("system_control_total", seed=1))
    assert (view["withholding_dominant_share"] == 0).all()
    assert not view["withholding_dominant"].any()


def test_critical_system_weight_flips_the_2x2_game(fortress):
    w = critical_system_weight(fortress)
    e = effective_parameters(fortress)
    assert 0 < w < 1
    assert classify(stage_game_from(e["g"], e["s"], e["cost"], w - 1e-6)) == "prisoner's dilemma"
    assert classify(stage_game_from(e["g"], e["s"], e["cost"], w + 1e-6)) == "harmony"
    # pooling that costs the system money is never worth it, however bodies are judged
    assert critical_system_weight(STPModel(seed=1, savings_multiplier=0.5)) is None
    # a pound fully paid by transformation money pays even a body judged alone
    assert critical_system_weight(STPModel(seed=1, transformation_fund=1.0)) == 0.0


@pytest.mark.parametrize("w", [0.9, 0.985, 0.995])
def test_body_critical_weights_agree_with_the_models_marginal_payoff(w):
    """Bodies whose critical weight is above w are exactly those for which the model's
    own ``economy.marginal_payoff`` says pooling lowers the judged payoff."""
    model = STPModel.from_scenario("fortress", seed=4, system_weight=w)
    critical = body_critical_weights(model)
    marginal = model.economy.marginal_payoff(model.footprint_trust(), model.round + 1)
    assert ((critical > w) == (marginal < 0)).all()
    # in England's big footprints the N-player threshold is above the 2x2 one
    assert np.median(critical) > critical_system_weight(model)
