"""The learners' compiled loops against the array arithmetic they replaced, to the bit.

``logit_choice`` and ``Reinforcement``'s learning step run as compiled loops
(core/compiled.py) for speed. Each must give exactly what the numpy version gave (the
reference below, as it stood before): the same level for the same uniform draw, the same
attractions after a year. Hypothesis draws the values, including ties, zero stakes and
players with nothing to learn from.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from stpgame.strategies import base
from stpgame.strategies.adaptive import _reinforce
from stpgame.strategies.observation import LEVELS

K = len(LEVELS)


def numpy_logit_choice(attraction, scale, habit, precision, u):
    """The numpy version of ``logit_choice`` (with its uniform draws given)."""
    spread = np.ptp(attraction, axis=1) if attraction.size else np.zeros(0)
    safe = np.where(scale > 1e-12, scale, 1.0)
    z = precision * attraction / safe[:, None]
    z -= z.max(axis=1, keepdims=True) if z.size else 0.0
    p = np.exp(z)
    cum = np.cumsum(p, axis=1)
    pick = (cum < (u * cum[:, -1])[:, None]).sum(axis=1) if z.size else np.zeros(0, int)
    level = LEVELS[np.minimum(pick, K - 1)]
    tie = (spread <= 1e-12) | (scale <= 1e-12)
    return np.where(tie, habit, level)


def numpy_reinforce(attraction, ready, seen, idx, fresh, took, payoff, estimate, rate, fw, year):
    """The numpy version of ``Reinforcement._learn``."""
    rows = np.asarray(idx)[~fresh[idx] & (seen[idx] < year)]
    if not len(rows):
        return
    took = took[rows]
    value = payoff[rows, None] + (LEVELS[None, :] - took[:, None]) * estimate[rows, None]
    chosen = np.abs(took[:, None] - LEVELS[None, :]).argmin(axis=1)
    weight = np.full(value.shape, rate * fw)
    weight[np.arange(len(rows)), chosen] = rate
    weight[~ready[rows]] = 1.0
    attraction[rows] += weight * (value - attraction[rows])
    ready[rows] = True
    seen[rows] = year


money = st.floats(-0.05, 0.05, allow_nan=False, width=64)
players = st.integers(0, 12)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), n=players, precision=st.floats(0.0, 50.0))
def test_logit_choice_compiled_gives_the_numpy_levels(data, n, precision):
    tied = data.draw(st.booleans())
    attraction = data.draw(arrays(float, (n, K), elements=money))
    if tied and n:
        attraction[0] = attraction[0, 0]  # nothing separates this player's levels
    scale = data.draw(arrays(float, n, elements=st.sampled_from([0.0, 1e-13, 0.01, 0.04])))
    habit = data.draw(arrays(float, n, elements=st.sampled_from(list(LEVELS))))
    seed = data.draw(st.integers(0, 2**32 - 1))
    got = base.logit_choice(attraction, scale, habit, precision, np.random.default_rng(seed))
    u = np.random.default_rng(seed).random(n)
    np.testing.assert_array_equal(got, numpy_logit_choice(attraction, scale, habit, precision, u))


def test_logit_choice_follows_the_odds_and_keeps_habit_on_ties():
    """Hand-worked: two levels 0.01 apart at stake 0.01 and precision ln 3 have odds 3:1."""
    attraction = np.array([[0.0, 0.01, -1.0, -1.0, -1.0], [0.02] * K])
    scale, habit = np.array([0.01, 0.01]), np.array([0.0, 0.75])
    draws = np.random.default_rng(7).random((4000, 2))
    picks = [
        base._logit_pick(
            np.exp(base._logit_exponents(attraction, scale, np.log(3))),
            u,
            attraction,
            scale,
            habit,
            LEVELS,
        )
        for u in draws
    ]
    first = np.array([p[0] for p in picks])
    share_second = np.mean(first == LEVELS[1])
    assert 0.72 < share_second < 0.78  # 3 / (3 + 1 + 3 x e^-(100 ln 3))
    assert {p[1] for p in picks} == {0.75}  # the tied player keeps last year's level


@settings(max_examples=200, deadline=None)
@given(data=st.data(), n=players, year=st.integers(1, 5))
def test_reinforce_compiled_gives_the_numpy_attractions(data, n, year):
    attraction = data.draw(arrays(float, (n, K), elements=money))
    ready = data.draw(arrays(bool, n))
    seen = data.draw(arrays(np.int64, n, elements=st.integers(-1, 5)))
    fresh = data.draw(arrays(bool, n))
    took = data.draw(arrays(float, n, elements=st.floats(0.0, 1.0)))
    payoff = data.draw(arrays(float, n, elements=money))
    estimate = data.draw(arrays(float, n, elements=money))
    idx = np.flatnonzero(data.draw(arrays(bool, n)))
    rate, fw = data.draw(st.floats(0.0, 1.0)), data.draw(st.floats(0.0, 1.0))
    expected = [a.copy() for a in (attraction, ready, seen)]
    numpy_reinforce(*expected, idx, fresh, took, payoff, estimate, rate, fw, year)
    _reinforce(
        attraction, ready, seen, idx, fresh, took, payoff, estimate, LEVELS, rate, rate * fw, year
    )
    for got, want in zip((attraction, ready, seen), expected, strict=True):
        np.testing.assert_array_equal(got, want)


def test_the_loops_as_written_give_what_they_give_compiled():
    """The same loops run as plain Python (``py_func``; coverage sees these lines)."""
    rng = np.random.default_rng(3)
    attraction = rng.normal(0, 0.02, (20, K))
    attraction[4] = 0.01
    scale, habit, u = rng.choice([0.0, 0.02], 20), rng.choice(LEVELS, 20), rng.random(20)
    z = base._logit_exponents(attraction, scale, 30.0)
    np.testing.assert_array_equal(z, base._logit_exponents.py_func(attraction, scale, 30.0))
    args = (np.exp(z), u, attraction, scale, habit, LEVELS)
    np.testing.assert_array_equal(base._logit_pick(*args), base._logit_pick.py_func(*args))
    state = (attraction, np.arange(20) % 3 == 0, np.full(20, -1))
    took, payoff, estimate = rng.random(20), rng.normal(0, 0.02, 20), rng.normal(0, 0.02, 20)
    inputs = (np.arange(20), np.arange(20) % 5 == 0, took, payoff, estimate, LEVELS, 0.3, 0.1, 2)
    copies, start = [a.copy() for a in state], attraction.copy()
    _reinforce(*state, *inputs)
    _reinforce.py_func(*copies, *inputs)
    assert not np.array_equal(attraction, start)  # the learners did learn
    for got, want in zip(state, copies, strict=True):
        np.testing.assert_array_equal(got, want)
