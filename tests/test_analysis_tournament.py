"""Round-robin tournaments in the iterated prisoner's dilemma and inside the STP game."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from stpgame.analysis.match import play_match
from stpgame.analysis.tournament import round_robin, stp_tournament
from stpgame.core.params import ParameterError

SMALL = {"structure": "simple", "n_footprints": 2}


def test_matrix_entries_are_the_mean_match_scores_per_turn():
    players = ["tit_for_tat", "always_defect", "alternator"]
    r = round_robin(players, 10, 2, seed=1)
    # deterministic strategies: every repetition gives the same match
    for a in players:
        for b in players:
            m = play_match(a, b, 10)
            expected = m.scores[0] / 10 if a != b else np.mean(m.scores) / 10
            assert r.matrix.loc[a, b] == pytest.approx(expected)
    assert r.ranking["score_per_turn"].to_numpy() == pytest.approx(
        r.matrix.loc[r.ranking["strategy"]].mean(axis=1).to_numpy()
    )


def test_ranking_is_sorted_and_complete():
    r = round_robin(["always_cooperate", "always_defect", "tit_for_tat", "grim_trigger"], 50, 3)
    assert list(r.ranking["rank"]) == [1, 2, 3, 4]
    assert r.ranking["score_per_turn"].is_monotonic_decreasing
    assert set(r.ranking["strategy"]) == set(r.matrix.index)
    # 4 strategies with self-play: 10 pairings per repetition
    assert len(r.matches) == 30
    assert set(r.matches["repetition"]) == {0, 1, 2}


def test_self_play_can_be_left_out():
    players = ["always_cooperate", "always_defect"]
    with_self = round_robin(players, 10, 1)
    without = round_robin(players, 10, 1, self_play=False)
    assert len(with_self.matches) == 3 and len(without.matches) == 1
    # without self-play ALLC only meets ALLD (score 0), with it also itself (3)
    scores = without.ranking.set_index("strategy")["score_per_turn"]
    assert scores["always_cooperate"] == 0 and scores["always_defect"] == 5
    assert with_self.ranking.set_index("strategy")["score_per_turn"]["always_cooperate"] == 1.5
    assert np.isnan(without.matrix.loc["always_defect", "always_defect"])


def test_seeded_tournaments_repeat_and_noise_changes_them():
    players = ["generous_tit_for_tat", "imitation", "win_stay_lose_shift"]
    a = round_robin(players, 100, 3, noise=0.05, seed=4)
    b = round_robin(players, 100, 3, noise=0.05, seed=4)
    c = round_robin(players, 100, 3, noise=0.05, seed=5)
    pd.testing.assert_frame_equal(a.ranking, b.ranking)
    assert not a.matches.equals(c.matches)
    assert a.ranking["se"].gt(0).any()


def test_geometric_lengths_in_a_tournament():
    r = round_robin(["tit_for_tat", "always_defect"], 100, 200, continuation=0.9, seed=1)
    assert r.matches["turns"].max() <= 100
    assert r.matches["turns"].mean() == pytest.approx(10, rel=0.15)


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"players": ["tit_for_tat", "nope"]}, "strategies"),
        ({"players": "tit_for_tat"}, "strategies"),
        ({"players": ["tit_for_tat", "tit_for_tat"]}, "strategies"),
        ({"players": []}, "strategies"),
        ({"turns": -1}, "turns"),
        ({"repetitions": 0}, "repetitions"),
        ({"noise": 2}, "noise"),
        ({"continuation": "x"}, "continuation"),
        ({"payoffs": "1,2,3"}, "payoffs"),  # the library's name; the CLI shows --payoffs
        ({"seed": "abc"}, "seed"),
    ],
)
def test_round_robin_rejects_bad_input(kwargs, param):
    args = {"players": ["tit_for_tat", "always_defect"], **kwargs}
    with pytest.raises(ParameterError) as err:
        round_robin(**args)
    assert err.value.name == param


def test_stp_tournament_ranks_by_payoff_of_the_bodies_playing_each_strategy():
    players = ["always_defect", "always_cooperate", "tit_for_tat"]
    r = stp_tournament(players, "fortress", 6, 2, seed=1, overrides=SMALL)
    assert list(r.ranking["rank"]) == [1, 2, 3]
    assert r.ranking["payoff"].is_monotonic_decreasing
    runs = r.matches
    assert len(runs) == 3 * 4 * 2  # strategies x organisation types x repetitions
    ad = runs[runs["strategy"] == "always_defect"]["cooperation_rate"]
    ac = runs[runs["strategy"] == "always_cooperate"]["cooperation_rate"]
    assert ad.mean() < ac.mean()  # the focal bodies really play the strategy
    # judged alone in the fortress, the body that always withholds is paid best [003]
    assert r.ranking["strategy"].iloc[0] == "always_defect"
    assert set(r.matrix.columns) == {"acute", "community", "ccg", "council"}
    # same seeds for every strategy (common random numbers)
    seeds = runs.groupby("strategy")["seed"].apply(lambda s: sorted(set(s)))
    assert all(x == seeds.iloc[0] for x in seeds)


def test_stp_tournament_under_canterbury_rules_rewards_pooling():
    """Canterbury's rules and savings make pooling dominant (harmony): the pooler is paid
    better, where in the fortress preset the withholder is."""
    r = stp_tournament(
        ["always_defect", "always_cooperate"],
        "canterbury",
        6,
        2,
        org_types=["council", "ccg"],
        seed=1,
        overrides=SMALL,
    )
    assert r.ranking["strategy"].iloc[0] == "always_cooperate"
    assert set(r.matches["org_type"]) == {"council", "ccg"}


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"scenario": "nowhere"}, "scenario"),
        ({"org_types": ["council", "gp"]}, "org_types"),
        ({"org_types": "council"}, "org_types"),
        ({"rounds": 0}, "rounds"),
        ({"overrides": {"system_weight": 3}}, "system_weight"),
    ],
)
def test_stp_tournament_rejects_bad_input(kwargs, param):
    args = {"players": ["tit_for_tat"], "rounds": 2, "repetitions": 1, **kwargs}
    with pytest.raises(ParameterError) as err:
        stp_tournament(**args)
    assert err.value.name == param
