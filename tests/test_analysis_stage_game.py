"""The 2x2 stage-game analysis: types, equilibria, thresholds, price of anarchy, inputs."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import warnings

import nashpy
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from stpgame.analysis.stage_game import (
    StageGame,
    analyse_game,
    classify,
    equilibria,
    grim_threshold,
    gtft_generosity,
    pareto_optimal,
    price_of_anarchy,
    tft_threshold,
)
from stpgame.core.params import ParameterError

payoff = st.integers(-20, 20)
games = st.tuples(payoff, payoff, payoff, payoff).map(lambda t: StageGame(*t))


@pytest.mark.parametrize(
    ("payoffs", "kind"),
    [
        ((3, 0, 5, 1), "prisoner's dilemma"),  # Axelrod (1984)
        ((4, 0, 3, 3), "stag hunt"),  # Skyrms (2004): T = P allowed
        ((4, 0, 3, 1), "stag hunt"),
        ((3, 1, 5, 0), "chicken"),  # snowdrift
        ((3, 1, 2, 0), "harmony"),
        ((1, 0, 3, 2), "deadlock"),
        ((2, 2, 2, 2), "other"),
        ((3, 0, 5, 0), "other"),  # P = S: no strict order
    ],
)
def test_classic_games_are_classified(payoffs, kind):
    assert classify(StageGame(*payoffs)) == kind


@settings(deadline=None)
@given(games, st.integers(1, 50), st.integers(-100, 100))
def test_type_and_thresholds_do_not_change_under_positive_affine_maps(g, scale, shift):
    """Only the order and ratios of payoff differences matter."""
    h = StageGame(*(scale * x + shift for x in g.as_tuple()))
    assert classify(h) == classify(g)
    assert pareto_optimal(h) == pareto_optimal(g)
    for f in (grim_threshold, tft_threshold):
        a, b = f(g), f(h)
        assert (a is None) == (b is None)
        if a is not None:
            assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    ours, theirs = equilibria(g), equilibria(h)
    assert [e.label for e in ours] == [e.label for e in theirs]
    assert [x for e in ours for x in (e.p_a, e.p_b)] == pytest.approx(
        [x for e in theirs for x in (e.p_a, e.p_b)]
    )


@settings(deadline=None)
@given(games)
def test_every_equilibrium_is_a_best_response_for_both(g):
    for e in equilibria(g):
        # no pure deviation pays (enough: payoffs are linear in one's own mix)
        for dev in (0.0, 1.0):
            assert g.expected(dev, e.p_b) <= g.expected(e.p_a, e.p_b) + 1e-9
            assert g.expected(dev, e.p_a) <= g.expected(e.p_b, e.p_a) + 1e-9
        assert e.payoff_a == pytest.approx(g.expected(e.p_a, e.p_b))
        assert e.payoff_b == pytest.approx(g.expected(e.p_b, e.p_a))


@settings(max_examples=60, deadline=None)
@given(games)
def test_equilibria_match_nashpy_for_nondegenerate_games(g):
    """Cross-check against nashpy's support enumeration (Knight & Campbell 2018, JOSS)."""
    assume(g.R != g.T and g.S != g.P)
    a = np.array([[g.R, g.S], [g.T, g.P]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = sorted(
            (round(float(r[0]), 9), round(float(c[0]), 9))
            for r, c in nashpy.Game(a, a.T).support_enumeration()
        )
    ours = sorted((round(e.p_a, 9), round(e.p_b, 9)) for e in equilibria(g))
    assert ours == theirs


def test_prisoners_dilemma_analysis_for_axelrods_payoffs():
    a = analyse_game(StageGame(3, 0, 5, 1))
    assert a.kind == "prisoner's dilemma"
    assert [(e.label, e.p_a, e.p_b) for e in a.equilibria] == [("both withhold", 0.0, 0.0)]
    assert set(a.pareto_optimal) == {"both pool", "A pools, B withholds", "A withholds, B pools"}
    assert a.grim_threshold == pytest.approx((5 - 3) / (5 - 1))
    assert a.tft_threshold == pytest.approx(max((5 - 3) / (5 - 1), (5 - 3) / (3 - 0)))
    assert a.price_of_anarchy == pytest.approx(6 / 2)
    assert a.welfare_gap == pytest.approx(4)
    assert a.dominant == "withhold"
    assert "prisoner's dilemma" in a.explanation and "withholding" in a.explanation


def test_stag_hunt_has_two_pure_and_one_mixed_equilibrium():
    a = analyse_game((4, 0, 3, 1))
    kinds = [(e.label, e.kind) for e in a.equilibria]
    assert kinds[:2] == [("both pool", "pure"), ("both withhold", "pure")]
    mixed = a.equilibria[2]
    # B indifferent: 4p + 0 = 3p + (1 - p)  ->  p = 1/2
    assert mixed.kind == "mixed" and mixed.p_a == pytest.approx(0.5)
    assert a.pareto_optimal == ["both pool"]
    assert a.price_of_anarchy == pytest.approx(8 / 2)  # worst equilibrium: both withhold


def test_chicken_equilibria_are_the_asymmetric_pure_and_a_mixed_one():
    a = analyse_game((3, 1, 5, 0))
    labels = [e.label for e in a.equilibria]
    assert labels[:2] == ["A pools, B withholds", "A withholds, B pools"]
    assert a.equilibria[2].p_a == pytest.approx(1 / 3)  # 3p + (1-p) = 5p
    # grim: deviator's best reply to permanent withholding is to pool (S > P)
    assert a.grim_threshold == pytest.approx((5 - 3) / (5 - 1))
    assert a.tft_threshold is None  # (T - R)/(R - S) = 1


def test_thresholds_edge_cases():
    assert grim_threshold(StageGame(3, 1, 2, 0)) == 0.0  # no temptation
    assert grim_threshold(StageGame(1, 0, 3, 2)) is None  # deadlock: R < P
    assert tft_threshold(StageGame(1, 0, 3, 2)) is None
    # alternating pays more than cooperating (2R < T + S): TFT threshold above 1
    assert tft_threshold(StageGame(3, 0, 7, 1)) is None
    assert grim_threshold(StageGame(3, 0, 7, 1)) == pytest.approx(4 / 6)


def test_gtft_generosity_is_one_third_for_axelrods_payoffs():
    """Nowak & Sigmund (1992): min(1 - (T-R)/(R-S), (R-P)/(T-P)) = 1/3 for (3, 0, 5, 1)."""
    assert gtft_generosity(StageGame(3, 0, 5, 1)) == pytest.approx(1 / 3)
    assert gtft_generosity(StageGame(3, 1, 2, 0)) is None


@pytest.mark.parametrize(
    ("best", "worst", "expected"),
    [(6, 2, 3.0), (2, 2, 1.0), (-2, -6, 3.0), (0.3, 0.0, None), (1, -1, None), (0, -1, None)],
)
def test_price_of_anarchy_sign_handling(best, worst, expected):
    assert price_of_anarchy(best, worst) == expected


@settings(deadline=None)
@given(games)
def test_to_dict_is_json_safe_and_complete(g):
    d = analyse_game(g).to_dict()
    text = json.dumps(d, allow_nan=False)
    back = json.loads(text)
    assert back["game"] == dict(zip("RSTP", g.as_tuple(), strict=True))
    assert back["kind"] == classify(g)
    assert len(back["equilibria"]) >= 1  # every finite 2x2 game has one (Nash 1951)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "3", True, None])
def test_stage_game_rejects_non_numbers(bad):
    with pytest.raises(ParameterError) as err:
        StageGame(3, 0, bad, 1)
    assert "'T'" in str(err.value)


@pytest.mark.parametrize("text", ["3,0,5", "3,0,5,1,2", "a,0,5,1", "3,0,inf,1", ""])
def test_parse_rejects_bad_text(text):
    with pytest.raises(ParameterError, match=r"^parameter 'payoffs': allowed four"):
        StageGame.parse(text)


def test_parse_reads_four_numbers():
    assert StageGame.parse(" 3, 0,5 ,1.5") == StageGame(3, 0, 5, 1.5)


def test_importing_stage_game_does_not_load_mesa_or_pandas():
    code = (
        "import sys, stpgame.analysis.stage_game as m; m.analyse_game((3, 0, 5, 1)); "
        "print(sorted(k for k in ('mesa', 'pandas', 'numpy') if k in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
