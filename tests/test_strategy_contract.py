"""Every strategy keeps the same contract (in the manner of Axelrod's strategy tests): it
owns its state, ``reset`` makes it a fresh player, ``clone`` an independent copy,
``new_leader`` clears only what is personal, and its levels are shares of what is free."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from stpgame.core.params import Params
from stpgame.strategies import REGISTRY, Observation

N = 6
CFG = Params()


def history(seed: int, years: int) -> list[Observation]:
    """A sequence of observations a body could have seen (random books and partners)."""
    rng = np.random.default_rng(seed)
    obs, seen = Observation(N), []
    for _ in range(years):
        seen.append(copy.deepcopy(obs))
        obs.trust = rng.random(N)
        obs.see_peers(rng.permutation(N))
        obs.record(rng.random(N), rng.random(N), rng.random(N), rng.normal(0, 0.02, N))
        obs.see_estimate(rng.normal(0, 0.03, N), np.full(N, 0.03))
    seen.append(obs)
    return seen


def play(strategy, observations, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [strategy.decide(o, np.arange(N), rng, CFG) for o in observations]


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_levels_are_shares_and_the_classifier_is_declared(name):
    levels = play(REGISTRY[name](N), history(1, 8))
    assert all(x.shape == (N,) and ((x >= 0) & (x <= 1)).all() for x in levels)
    assert {"memory_depth", "stochastic"} <= set(REGISTRY[name].classifier)


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_reset_makes_a_fresh_player(name):
    used = REGISTRY[name](N)
    play(used, history(2, 6), seed=5)
    used.reset(np.ones(N, bool))
    again = history(3, 6)
    assert all(
        np.array_equal(a, b)
        for a, b in zip(play(used, again), play(REGISTRY[name](N), again), strict=True)
    )


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_a_clone_is_independent(name):
    original = REGISTRY[name](N)
    play(original, history(4, 5), seed=1)
    twin = original.clone()
    before = copy.deepcopy(vars(original))
    later = history(5, 5)
    ours = play(twin, later, seed=2)
    for key, value in vars(original).items():  # playing the clone left the original alone
        assert np.array_equal(value, before[key]), key
    assert all(
        np.array_equal(a, b) for a, b in zip(ours, play(original, later, seed=2), strict=True)
    )


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_a_new_leader_keeps_the_organisations_learning(name):
    """[004]: what a strategy learned from the books stays; at most the person's stance
    (a grudge) goes."""
    s = REGISTRY[name](N)
    play(s, history(6, 6), seed=3)
    kept = {k: np.copy(v) for k, v in vars(s).items() if k != "triggered"}
    s.new_leader(np.ones(N, bool))
    for key, value in kept.items():
        assert np.array_equal(getattr(s, key), value), key
