"""Validation: the strategies, matches and games reproduce published results.

Each test names its source. They use the model's own strategies through the
match engine, so a change to a strategy that breaks its published behaviour
fails here.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stpgame.analysis.match import play_match, play_matches
from stpgame.analysis.public_goods import public_goods_game
from stpgame.analysis.stage_game import StageGame, grim_threshold
from stpgame.analysis.tournament import round_robin
from stpgame.strategies import REGISTRY


def prisoners_dilemmas():
    """Random integer prisoner's dilemmas T > R > P > S."""
    return (
        st.lists(st.integers(-50, 50), min_size=4, max_size=4, unique=True)
        .map(sorted)
        .map(lambda v: StageGame(R=v[2], S=v[0], T=v[3], P=v[1]))
    )


@settings(max_examples=30, deadline=None)
@given(prisoners_dilemmas(), st.integers(1, 60))
def test_fixed_strategy_totals_follow_from_the_definitions(game, turns):
    """Axelrod (1984): TFT against ALLD loses only the first round: TFT scores
    S + (n-1) P and ALLD T + (n-1) P; two TFTs earn n R; grim against the alternator
    is exploited once, then defects for ever, earning T when the alternator pools
    (even turns) and P when it does not."""
    r = play_match("tit_for_tat", "always_defect", turns, payoffs=game)
    assert r.scores == pytest.approx((game.S + (turns - 1) * game.P, game.T + (turns - 1) * game.P))
    r = play_match("tit_for_tat", "tit_for_tat", turns, payoffs=game)
    assert r.scores == pytest.approx((turns * game.R, turns * game.R))
    if turns >= 3:
        r = play_match("grim_trigger", "alternator", turns, payoffs=game)
        evens = -(-turns // 2) - 1  # even turns from 2 to turns - 1
        odds = turns - 2 - evens
        assert r.scores[0] == pytest.approx(game.R + game.S + evens * game.T + odds * game.P)


def test_tft_against_always_defect_over_ten_turns_is_nine_p_plus_s():
    r = play_match("tit_for_tat", "always_defect", 10)
    assert r.scores == (9 * 1 + 0, 5 + 9 * 1)


@settings(max_examples=50, deadline=None)
@given(prisoners_dilemmas())
def test_grim_indifference_at_the_folk_theorem_threshold_analytically(game):
    """Friedman (1971): against grim, cooperating for ever is worth R/(1-d) and
    defecting T + d P/(1-d); they are equal at d* = (T-R)/(T-P)."""
    d = grim_threshold(game)
    cooperate = game.R / (1 - d)
    deviate = game.T + d * game.P / (1 - d)
    assert cooperate == pytest.approx(deviate, rel=1e-9, abs=1e-9)


def expected_totals(d: float, n: int = 20000, seed: int = 0):
    """Mean match totals (and standard errors) of always_cooperate and always_defect
    against grim_trigger when another turn follows with probability d."""
    g = StageGame(3, 0, 5, 1)
    pairs = [("always_cooperate", "grim_trigger")] * n + [("always_defect", "grim_trigger")] * n
    batch = play_matches(pairs, 10_000, g, np.random.default_rng(seed), continuation=d)
    total = batch.scores()[:, 0]
    coop, dev = total[:n], total[n:]
    return coop.mean(), dev.mean(), coop.std() / np.sqrt(n), dev.std() / np.sqrt(n)


@pytest.mark.slow
def test_grim_indifference_by_simulation_of_probabilistic_match_ends():
    """Friedman (1971); Axelrod (1984) ch. 1 on the shadow of the future. With
    (3, 0, 5, 1) the threshold is (5-3)/(5-1) = 1/2: there cooperating and
    deviating against grim earn the same (6 = 3/(1-1/2) = 5 + 1/2 x 1/(1/2));
    below it deviating pays, above it cooperating pays."""
    d = grim_threshold(StageGame(3, 0, 5, 1))
    assert d == 0.5
    coop, dev, se_c, se_d = expected_totals(d)
    assert coop == pytest.approx(3 / (1 - d), abs=4 * se_c)
    assert dev == pytest.approx(5 + d * 1 / (1 - d), abs=4 * se_d)
    assert abs(coop - dev) < 4 * np.hypot(se_c, se_d)
    coop, dev, *_ = expected_totals(0.3, seed=1)
    assert dev > coop + 0.5  # 5.43 vs 4.29
    coop, dev, *_ = expected_totals(0.7, seed=2)
    assert coop > dev + 1.0  # 10 vs 7.33


def self_play_per_turn(name: str, noise: float, turns: int, n: int, seed: int) -> np.ndarray:
    g = StageGame(3, 0, 5, 1)
    batch = play_matches([(name, name)] * n, turns, g, np.random.default_rng(seed), noise)
    return batch.scores().mean(axis=1) / turns


def test_win_stay_lose_shift_beats_tit_for_tat_in_self_play_under_noise():
    """Nowak & Sigmund (1993) Nature 364:56: WSLS corrects a mistake between two
    copies in two rounds, TFT falls into echoes of retaliation. Two noisy TFTs
    visit CC, CD, DC and DD equally often in the long run, so earn
    (R + S + T + P)/4 = 2.25 per turn (Molander 1985, J Conflict Resolut 29:611)."""
    wsls = self_play_per_turn("win_stay_lose_shift", 0.05, 200, 200, seed=1)
    tft = self_play_per_turn("tit_for_tat", 0.05, 200, 200, seed=2)
    assert wsls.mean() > tft.mean() + 0.3
    long_tft = self_play_per_turn("tit_for_tat", 0.05, 2000, 40, seed=3)
    assert long_tft.mean() == pytest.approx((3 + 0 + 5 + 1) / 4, abs=0.06)


def test_conditional_cooperators_start_near_half_and_decay_without_punishment():
    """Public-goods experiments without punishment (Fehr & Gächter 2000, AER 90:980):
    contributions start near half the endowment (40-60%, Ledyard 1995) and decline
    over ten rounds, because conditional cooperators give slightly less than others
    (Fischbacher, Gächter & Fehr 2001; Fischbacher & Gächter 2010, AER 100:541)."""
    df = public_goods_game(10, groups=500, seed=1)
    share = df["share_of_endowment"].to_numpy()
    assert 0.4 <= share[0] <= 0.6
    assert (np.diff(share) < 0).all()  # falls every round
    assert share[-1] < 0.5 * share[0]
    # perfect conditional cooperators (match the others exactly) sustain contributions:
    # it is the imperfection that drives the decline (Fischbacher & Gächter 2010)
    perfect = public_goods_game(10, groups=500, match_rate=1.0, seed=1)["share_of_endowment"]
    assert abs(perfect.iloc[-1] - perfect.iloc[0]) < 0.05
    # free riders among them speed the decline (Fischbacher, Gächter & Fehr 2001: ~30%)
    mixed = public_goods_game(10, groups=500, free_riders=0.3, seed=1)
    assert mixed["conditional_share"].iloc[-1] < df["conditional_share"].iloc[-1]


def test_public_goods_earnings_are_the_linear_payoff():
    """Earnings = endowment - own contribution + MPCR x group total (Isaac & Walker 1988)."""
    df = public_goods_game(3, groups=50, group_size=4, endowment=20, mpcr=0.4, seed=2)
    # mean over players: 20 - c + 0.4 * 4 c
    expected = 20 - df["mean_contribution"] + 0.4 * 4 * df["mean_contribution"]
    assert df["mean_earnings"].to_numpy() == pytest.approx(expected.to_numpy())


def first_defector_never(name: str, others: list[str], turns: int = 200) -> bool:
    for other in others:
        r = play_match(name, other, turns, seed=0)
        mine = np.flatnonzero(~r.moves[0])
        theirs = np.flatnonzero(~r.moves[1])
        if mine.size and (not theirs.size or mine[0] < theirs[0]):
            return False
    return True


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_nice_strategies_rank_high_in_a_classic_round_robin(seed):
    """Axelrod (1980, 1984): in a round robin without noise the top places go to
    'nice' rules, which are never the first to defect, and nice rules score more on
    average than the others."""
    players = list(REGISTRY)
    result = round_robin(players, 200, 5, seed=seed)
    nice = {p for p in players if first_defector_never(p, players)}
    assert {"tit_for_tat", "grim_trigger", "always_cooperate"} <= nice
    assert not {"always_defect", "suspicious_tit_for_tat", "alternator"} & nice
    ranking = list(result.ranking["strategy"])
    assert set(ranking[: len(players) // 2]) <= nice
    scores = result.ranking.set_index("strategy")["score_per_turn"]
    assert scores[list(nice)].mean() > scores.drop(list(nice)).mean()
