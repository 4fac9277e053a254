"""Strategies that use trust or experience rather than a fixed reply rule."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from stpgame.core.compiled import kernel
from stpgame.strategies.base import Classifier, Strategy, logit_choice, nearest_level
from stpgame.strategies.observation import (
    LEVELS,
    BoolArray,
    FloatArray,
    IndexArray,
    Observation,
)

if TYPE_CHECKING:
    from stpgame.core.params import Params


def first_level(cfg: Params) -> float:
    """The level a learner pools before it has any experience: ``initial_cooperation``,
    rounded to the nearest of the levels a board chooses between."""
    return float(LEVELS[nearest_level(np.array([cfg.initial_cooperation]))[0]])


class TrustedPartners(Strategy):
    """Conditional cooperation: matches its partners' last level while it trusts them.

    Brief mechanism 7/11: cooperation conditional on relationship quality; the
    conditional-cooperator type of Fischbacher, Gächter & Fehr (2001), Econ Lett 71:397,
    who match what the others contributed.
    """

    name, label = "trusted_partners", "Cooperate with trusted partners"
    source = "Fischbacher, Gächter & Fehr (2001) Economics Letters 71:397-404; brief mechanism 7"
    # Trust is built over the whole history of the relationship, not just the last year.
    classifier: ClassVar[Classifier] = {"memory_depth": float("inf"), "stochastic": False}

    def decide(
        self, obs: Observation, idx: IndexArray, rng: np.random.Generator, cfg: Params
    ) -> FloatArray:
        """Match the partners' last level (all, at first) while trust reaches
        ``trust_threshold``; pool nothing voluntarily otherwise."""
        trusted = obs.trust[idx] >= cfg.trust_threshold
        return np.where(trusted, self.opening(obs, idx, obs.partner_level[idx], 1.0), 0.0)


class Reinforcement(Strategy):
    """Learns the value of each level from its results and its finance team's estimates.

    Experience-weighted attraction (Camerer & Ho 1999, Econometrica 67(4)) over a handful
    of levels. After each year, the level it chose moves towards the result it experienced
    (its books) at ``learning_rate``; every other level towards what the finance team
    estimates it would have earned there (the experienced result plus the estimated gain of
    pooling more or less, at expected savings and costs) at ``learning_rate x
    foregone_weight`` (Camerer & Ho's delta: 0 pure reinforcement, 1 belief learning). It
    chooses by quantal response with ``choice_precision`` (``logit_choice``), keeping last
    year's level when nothing separates the levels (habit). Before any experience it pools
    ``initial_cooperation``. Its values are the organisation's, kept by a new leader.
    """

    name, label = "reinforcement", "Learns from results"
    source = "Camerer & Ho (1999) Econometrica 67(4):827-874; McKelvey & Palfrey (1995) GEB 10:6"
    classifier: ClassVar[Classifier] = {"memory_depth": float("inf"), "stochastic": True}

    def __init__(self, n: int = 0) -> None:
        super().__init__(n)
        self.attraction = np.zeros((n, len(LEVELS)))
        self.ready = np.zeros(n, bool)  # has experience
        self.seen = np.full(n, -1)  # the last year learned from

    def decide(
        self, obs: Observation, idx: IndexArray, rng: np.random.Generator, cfg: Params
    ) -> FloatArray:
        """Learn from last year's books and estimate, then choose a level by quantal response."""
        self._learn(obs, idx, cfg)
        chosen = logit_choice(
            self.attraction[idx], obs.stake[idx], obs.own_level[idx], cfg.choice_precision, rng
        )
        return np.where(self.ready[idx], chosen, first_level(cfg))

    def _learn(self, obs: Observation, idx: IndexArray, cfg: Params) -> None:
        _reinforce(
            self.attraction,
            self.ready,
            self.seen,
            np.asarray(idx),
            obs.fresh,
            obs.own_level,
            obs.payoff,
            obs.estimate,
            LEVELS,
            cfg.learning_rate,
            cfg.learning_rate * cfg.foregone_weight,
            obs.round,
        )

    def reset(self, mask: BoolArray) -> None:
        """A new game: no values learned."""
        self.attraction[mask] = 0.0
        self.ready &= ~mask
        self.seen[mask] = -1


class Imitation(Strategy):
    """Copies the level of a peer who did better against plan; otherwise keeps its own.

    Peers are its footprint partners and bodies of the same type elsewhere ("peer support"
    [004]). Imitate-if-better (Nowak & May 1992, Nature 359:826) on what a body can see of
    another: its pooling and its published result against plan (the regulators' quarterly
    variance from plan), which takes out the structural deficit each body was expected to
    run; raw results would copy the structurally lucky whatever they did. It pools
    ``initial_cooperation`` before it has anything to compare.
    """

    name, label = "imitation", "Copies better-performing peers"
    source = "Nowak & May (1992) Nature 359:826-829; [004] peer support"
    classifier: ClassVar[Classifier] = {"memory_depth": 1, "stochastic": True}

    def decide(
        self, obs: Observation, idx: IndexArray, rng: np.random.Generator, cfg: Params
    ) -> FloatArray:
        """Copy a better-doing peer's level at rate ``imitation_rate``; else keep its own."""
        better = obs.peer_against_plan[idx] > obs.against_plan[idx]
        copy = better & (rng.random(len(idx)) < cfg.imitation_rate)
        level = np.where(copy, obs.peer_level[idx], obs.own_level[idx])
        return np.where(obs.fresh[idx], first_level(cfg), level)


@kernel
def _reinforce(
    attraction: FloatArray,
    ready: BoolArray,
    seen: IndexArray,
    idx: IndexArray,
    fresh: BoolArray,
    took: FloatArray,
    payoff: FloatArray,
    estimate: FloatArray,
    levels: FloatArray,
    rate: float,
    foregone_rate: float,
    year: int,
) -> None:
    """Each player in ``idx`` with a year it has not learned from yet moves its values
    towards what each level would have earned: the books, moved by the estimated gain
    (``estimate``) of the level's difference from the one it took. The level taken (the
    nearest of ``levels``) moves at ``rate``, the others at ``foregone_rate``; the first
    experience sets every value."""
    k = len(levels)
    for i in idx:
        if fresh[i] or seen[i] >= year:
            continue
        chosen, gap = 0, abs(took[i] - levels[0])
        for j in range(1, k):
            if abs(took[i] - levels[j]) < gap:
                chosen, gap = j, abs(took[i] - levels[j])
        for j in range(k):
            value = payoff[i] + (levels[j] - took[i]) * estimate[i]
            weight = rate if j == chosen else foregone_rate
            if not ready[i]:
                weight = 1.0
            attraction[i, j] += weight * (value - attraction[i, j])
        ready[i] = True
        seen[i] = year
