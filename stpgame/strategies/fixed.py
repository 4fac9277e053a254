"""Strategies that ignore what partners do."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from stpgame.strategies.base import Classifier, Strategy
from stpgame.strategies.observation import FloatArray, IndexArray, Observation

if TYPE_CHECKING:
    from stpgame.core.params import Params


class AlwaysCooperate(Strategy):
    """Always pools: the unconditional partner. Axelrod (1984), *The Evolution of Cooperation*."""

    name, label = "always_cooperate", "Always cooperate"
    source = "Axelrod (1984) The Evolution of Cooperation"
    classifier: ClassVar[Classifier] = {"memory_depth": 0, "stochastic": False}

    def decide(
        self, obs: Observation, idx: IndexArray, rng: np.random.Generator, cfg: Params
    ) -> FloatArray:
        """Pool everything free, every player, every year."""
        return np.ones(len(idx))


class AlwaysDefect(Strategy):
    """Never pools beyond what rules force: the 'fortress' body [003]. Axelrod (1984)."""

    name, label = "always_defect", "Always defect (fortress)"
    source = "Axelrod (1984) The Evolution of Cooperation; [003] fortress mentality"
    classifier: ClassVar[Classifier] = {"memory_depth": 0, "stochastic": False}

    def decide(
        self, obs: Observation, idx: IndexArray, rng: np.random.Generator, cfg: Params
    ) -> FloatArray:
        """Pool nothing beyond what the rules force, every player, every year."""
        return np.zeros(len(idx))


class Alternator(Strategy):
    """Cooperates, then defects, then cooperates ... Axelrod (1980) first tournament reference."""

    name, label = "alternator", "Alternator"
    source = (
        "Axelrod (1980) Effective choice in the prisoner's dilemma, J Conflict Resolution 24(1)"
    )
    classifier: ClassVar[Classifier] = {"memory_depth": 1, "stochastic": False}

    def decide(
        self, obs: Observation, idx: IndexArray, rng: np.random.Generator, cfg: Params
    ) -> FloatArray:
        """Pool first, then the opposite of its own last move."""
        other: FloatArray = (~obs.own_pooled(idx)).astype(float)
        return self.opening(obs, idx, other, 1.0)
