"""Evolution of strategy shares: replicator dynamics, Moran process, imitation in the STP game."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stpgame.analysis.evolution import imitation_step, moran, replicator, stp_imitation
from stpgame.analysis.stage_game import StageGame, equilibria
from stpgame.core.params import ParameterError


def one_shot(game: StageGame) -> pd.DataFrame:
    """Payoff matrix of the stage game itself: strategies 'pool' and 'withhold'."""
    return pd.DataFrame(
        [[game.R, game.S], [game.T, game.P]],
        index=["pool", "withhold"],
        columns=["pool", "withhold"],
    )


def test_replicator_step_by_hand():
    # x = (0.5, 0.5), f = (1, 2), mean 1.5, spread 1, rate 1: x1 = 0.5 + 0.5 (1 - 1.5) = 0.25
    assert imitation_step(np.array([0.5, 0.5]), np.array([1.0, 2.0]), 1.0, 1.0) == pytest.approx(
        [0.25, 0.75]
    )
    assert imitation_step(np.array([0.3, 0.7]), np.array([2.0, 2.0]), 1.0, 0.0) == pytest.approx(
        [0.3, 0.7]
    )


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.floats(0.001, 1), min_size=2, max_size=6),
    st.lists(st.floats(-10, 10), min_size=6, max_size=6),
    st.floats(0.0, 1.0),
)
def test_imitation_step_keeps_shares_a_distribution(shares, fitness, rate):
    x = np.array(shares) / sum(shares)
    f = np.array(fitness[: len(x)])
    new = imitation_step(x, f, rate, float(f.max() - f.min()))
    assert new.sum() == pytest.approx(1.0)
    assert (new >= 0).all()
    # better-than-average strategies never lose share
    assert (new[f > x @ f + 1e-9] >= x[f > x @ f + 1e-9] - 1e-12).all()


def test_replicator_defection_takes_over_a_one_shot_prisoners_dilemma():
    """Taylor & Jonker (1978): the dominant strategy's share goes to 1."""
    df = replicator(one_shot(StageGame(3, 0, 5, 1)), 200)
    assert list(df.columns) == ["generation", "pool", "withhold"]
    assert len(df) == 201 and df["generation"].iloc[-1] == 200
    assert df["withhold"].is_monotonic_increasing
    assert df["withhold"].iloc[-1] > 0.99
    assert np.allclose(df[["pool", "withhold"]].sum(axis=1), 1)


def test_replicator_harmony_goes_to_pooling():
    df = replicator(one_shot(StageGame(3, 1, 2, 0)), 200)
    assert df["pool"].iloc[-1] > 0.99


@pytest.mark.parametrize("start", [0.1, 0.9])
def test_replicator_chicken_converges_to_the_mixed_equilibrium(start):
    """In a hawk-dove (chicken) game the population settles at the mixed Nash
    equilibrium, the evolutionarily stable state (Maynard Smith 1982)."""
    game = StageGame(3, 1, 5, 0)
    mixed = next(e for e in equilibria(game) if e.kind == "mixed").p_a
    df = replicator(one_shot(game), 400, initial=[start, 1 - start])
    assert df["pool"].iloc[-1] == pytest.approx(mixed, abs=1e-3)


def test_moran_is_seeded_and_counts_whole_individuals():
    m = one_shot(StageGame(3, 0, 5, 1))
    a = moran(m, 30, population=50, seed=3, mutation=0.01)
    b = moran(m, 30, population=50, seed=3, mutation=0.01)
    c = moran(m, 30, population=50, seed=4, mutation=0.01)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)
    counts = a[["pool", "withhold"]].to_numpy() * 50
    assert np.allclose(counts, np.round(counts))
    assert np.allclose(counts.sum(axis=1), 50)


def test_moran_selection_favours_defection_in_a_one_shot_dilemma():
    m = one_shot(StageGame(3, 0, 5, 1))
    finals = [
        moran(m, 60, population=30, selection=2.0, seed=s)["withhold"].iloc[-1] for s in range(10)
    ]
    assert np.mean(finals) > 0.9


@pytest.mark.slow
def test_neutral_moran_fixation_probability_is_the_initial_share():
    """Moran (1958): without selection a type fixes with probability equal to its share."""
    m = pd.DataFrame(np.zeros((2, 2)), index=["a", "b"], columns=["a", "b"])
    runs = 300
    fixed = 0
    for s in range(runs):
        df = moran(m, 60, population=5, initial=[0.4, 0.6], seed=s)
        last = df["a"].iloc[-1]
        assert last in (0.0, 1.0)  # absorbed within 60 generations
        fixed += last == 1.0
    assert fixed / runs == pytest.approx(0.4, abs=0.09)  # sd 0.028


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"population": 1}, "population"),
        ({"selection": 0}, "selection"),
        ({"mutation": 1.5}, "mutation"),
        ({"initial": [1, -1]}, "initial"),
        ({"generations": 0}, "generations"),
    ],
)
def test_moran_rejects_bad_input(kwargs, param):
    with pytest.raises(ParameterError) as err:
        moran(one_shot(StageGame(3, 0, 5, 1)), **{"generations": 2, **kwargs})
    assert err.value.name == param


def test_replicator_rejects_non_square_or_nan_matrices():
    with pytest.raises(ParameterError, match="matrix"):
        replicator(np.ones((2, 3)), 2)
    with pytest.raises(ParameterError, match="matrix"):
        replicator(np.array([[1.0, np.nan], [0.0, 1.0]]), 2)


def test_stp_imitation_spreads_withholding_in_the_fortress():
    """Judged alone, withholding pays the body best [003], so imitation spreads it
    (England's 44 footprints: enough bodies per strategy to compare)."""
    df = stp_imitation(["always_defect", "always_cooperate"], "fortress", 4, rounds=5, seed=1)
    assert len(df) == 5
    assert np.allclose(df[["always_defect", "always_cooperate"]].sum(axis=1), 1)
    assert df["always_defect"].iloc[-1] > 0.8
    again = stp_imitation(["always_defect", "always_cooperate"], "fortress", 4, rounds=5, seed=1)
    pd.testing.assert_frame_equal(df, again)


@pytest.mark.slow
def test_stp_imitation_spreads_pooling_under_canterbury_rules():
    """Under Canterbury's rules and savings pooling pays each body: it spreads."""
    df = stp_imitation(
        ["always_defect", "always_cooperate"],
        "canterbury",
        8,
        rounds=5,
        org_types=["council"],
        seed=1,
    )
    assert df["always_cooperate"].iloc[-1] > 0.8
