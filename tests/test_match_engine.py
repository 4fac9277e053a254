"""The match engine: payoffs, noise, geometric lengths, seeds and input checks."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stpgame.analysis.match import play_match, play_matches
from stpgame.analysis.stage_game import StageGame
from stpgame.core.params import ParameterError
from stpgame.strategies import REGISTRY

names = st.sampled_from(sorted(REGISTRY))


@settings(max_examples=40, deadline=None)
@given(names, names, st.integers(0, 2**31), st.floats(0, 0.5))
def test_payoffs_follow_the_moves(a, b, seed, noise):
    g = StageGame(3, 0, 5, 1)
    r = play_match(a, b, 30, noise=noise, seed=seed)
    for t in range(r.turns):
        ma, mb = bool(r.moves[0, t]), bool(r.moves[1, t])
        assert r.payoffs[0, t] == g.payoff(ma, mb)
        assert r.payoffs[1, t] == g.payoff(mb, ma)
    assert r.scores == pytest.approx(tuple(r.payoffs.sum(axis=1)))
    assert r.cooperations == tuple(int(x) for x in r.moves.sum(axis=1))


def test_same_seed_same_match_and_different_seed_differs():
    a = play_match("generous_tit_for_tat", "imitation", 200, noise=0.1, seed=7)
    b = play_match("generous_tit_for_tat", "imitation", 200, noise=0.1, seed=7)
    c = play_match("generous_tit_for_tat", "imitation", 200, noise=0.1, seed=8)
    assert a.history(0) == b.history(0) and a.history(1) == b.history(1)
    assert (a.history(0), a.history(1)) != (c.history(0), c.history(1))


@pytest.mark.slow
def test_noise_flips_moves_at_the_given_rate():
    r = play_match("always_cooperate", "always_defect", 20000, noise=0.1, seed=1)
    assert r.moves[0].mean() == pytest.approx(0.9, abs=0.01)
    assert r.moves[1].mean() == pytest.approx(0.1, abs=0.01)
    assert play_match("always_cooperate", "always_defect", 100, noise=1.0).history(0) == "D" * 100


def test_continuation_gives_geometric_lengths_capped_by_turns():
    g = StageGame(3, 0, 5, 1)
    w = 0.8
    batch = play_matches(
        [("tit_for_tat", "tit_for_tat")] * 20000, 1000, g, np.random.default_rng(2), continuation=w
    )
    assert batch.lengths.min() >= 1
    assert batch.lengths.mean() == pytest.approx(1 / (1 - w), rel=0.03)  # mean 5
    assert (batch.lengths == 1).mean() == pytest.approx(1 - w, abs=0.01)
    capped = play_matches(
        [("tit_for_tat", "tit_for_tat")] * 2000, 3, g, np.random.default_rng(2), continuation=w
    )
    assert capped.lengths.max() == 3
    # scores count only turns inside each match
    assert (capped.scores()[:, 0] == 3 * capped.lengths).all()
    assert play_match("tit_for_tat", "tit_for_tat", 50, continuation=1.0).turns == 50
    assert play_match("tit_for_tat", "tit_for_tat", 50, continuation=0.0).turns == 1


def test_matches_played_side_by_side_do_not_interfere():
    g = StageGame(3, 0, 5, 1)
    pairs = [("tit_for_tat", "alternator"), ("grim_trigger", "always_defect")]
    batch = play_matches(pairs, 6, g, np.random.default_rng(0))
    assert "".join("C" if m else "D" for m in batch.moves[0, 0]) == "CCDCDC"
    assert "".join("C" if m else "D" for m in batch.moves[1, 0]) == "CDDDDD"


def test_to_dict_is_json():
    r = play_match("tit_for_tat", "always_defect", 5, seed=1)
    d = json.loads(json.dumps(r.to_dict()))
    assert d["moves"] == ["CDDDD", "DDDDD"]
    assert d["scores"] == [4.0, 9.0]
    assert d["cooperations"] == [1, 0]
    assert "moves" not in r.to_dict(moves=False)


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"a": "tit_for_tatt"}, "player A"),
        ({"b": 3}, "player B"),
        ({"turns": 0}, "turns"),
        ({"turns": 2.5}, "turns"),
        ({"turns": "ten"}, "turns"),
        ({"turns": True}, "turns"),
        ({"noise": -0.1}, "noise"),
        ({"noise": float("nan")}, "noise"),
        ({"continuation": 1.01}, "continuation"),
        ({"payoffs": (3, 0, 5)}, "payoffs"),
        ({"payoffs": "3,0,five,1"}, "payoffs"),  # the library's name; the CLI shows --payoffs
        ({"seed": -3}, "seed"),
        ({"initial_trust": 2}, "initial_trust"),
        ({"params": {"trust_gain": 3}}, "trust_gain"),
    ],
)
def test_bad_input_names_the_parameter(kwargs, param):
    args = {"a": "tit_for_tat", "b": "always_defect", "turns": 10, **kwargs}
    with pytest.raises(ParameterError) as err:
        play_match(**args)
    assert err.value.name == param


def test_unknown_strategy_message_lists_the_choices():
    with pytest.raises(ParameterError) as err:
        play_match("tit_for_tatt", "always_defect")
    for name in REGISTRY:
        assert name in str(err.value)
