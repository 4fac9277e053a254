"""Strategies that answer what partners did: the tit-for-tat family and grim trigger."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from stpgame.strategies.base import Classifier, Strategy
from stpgame.strategies.observation import BoolArray, FloatArray, IndexArray, Observation

if TYPE_CHECKING:
    from stpgame.core.params import Params


class TitForTat(Strategy):
    """Pools first, then pools what its partners pooled last year (their mean level).

    Rapoport's entry, winner of both of Axelrod's tournaments (Axelrod 1980, 1984); with
    graded levels, matching the partners' contribution is the conditional cooperation of
    public-goods experiments (Fischbacher, Gächter & Fehr 2001). Against one partner who
    either pools or not it is exactly tit for tat.
    """

    name, label = "tit_for_tat", "Tit for tat"
    source = "Axelrod (1980, 1984); strategy by A. Rapoport"
    classifier: ClassVar[Classifier] = {"memory_depth": 1, "stochastic": False}

    def decide(
        self, obs: Observation, idx: IndexArray, rng: np.random.Generator, cfg: Params
    ) -> FloatArray:
        """Pool first, then match the partners' last level."""
        return self.opening(obs, idx, obs.partner_level[idx], 1.0)


class SuspiciousTitForTat(Strategy):
    """Tit for tat that withholds in the first round.

    Beaufils, Delahaye & Mathieu (1996), Our meeting with gradual.
    """

    name, label = "suspicious_tit_for_tat", "Suspicious tit for tat"
    source = "Beaufils, Delahaye & Mathieu (1996) Our meeting with gradual, ALIFE V"
    classifier: ClassVar[Classifier] = {"memory_depth": 1, "stochastic": False}

    def decide(
        self, obs: Observation, idx: IndexArray, rng: np.random.Generator, cfg: Params
    ) -> FloatArray:
        """Withhold first, then match the partners' last level."""
        return self.opening(obs, idx, obs.partner_level[idx], 0.0)


class TitForTwoTats(Strategy):
    """Defects only after partners defected in both of the last two rounds. Axelrod (1984)."""

    name, label = "tit_for_two_tats", "Tit for two tats"
    source = "Axelrod (1984) The Evolution of Cooperation (sample rule in the second tournament)"
    classifier: ClassVar[Classifier] = {"memory_depth": 2, "stochastic": False}

    def decide(
        self, obs: Observation, idx: IndexArray, rng: np.random.Generator, cfg: Params
    ) -> FloatArray:
        """Pool first, then the higher of the partners' last two levels: it withholds only
        after two years of partners withholding."""
        kinder = np.maximum(obs.partner_level[idx], obs.partner_level_prev[idx])
        return self.opening(obs, idx, kinder, 1.0)


class GenerousTitForTat(Strategy):
    """Tit for tat that forgives a defection with probability ``generosity`` (1/3).

    Nowak & Sigmund (1992) Tit for tat in heterogeneous populations, Nature 355:250.
    For payoffs (R, S, T, P) = (3, 0, 5, 1) the best generosity is
    min(1 - (T-R)/(R-S), (R-P)/(T-P)) = 1/3.
    """

    name, label = "generous_tit_for_tat", "Generous tit for tat"
    source = "Nowak & Sigmund (1992) Nature 355:250-253"
    classifier: ClassVar[Classifier] = {"memory_depth": 1, "stochastic": True}

    def decide(
        self, obs: Observation, idx: IndexArray, rng: np.random.Generator, cfg: Params
    ) -> FloatArray:
        """Pool first, then match the partners, forgiving fully at rate ``generosity``."""
        forgive = rng.random(len(idx)) < cfg.generosity
        then = np.where(forgive, 1.0, obs.partner_level[idx])
        return self.opening(obs, idx, then, 1.0)


class GrimTrigger(Strategy):
    """Pools until partners withhold once, then withholds for ever.

    Friedman (1971) A non-cooperative equilibrium for supergames, Rev Econ Stud 38(1).
    """

    name, label = "grim_trigger", "Grim trigger"
    source = "Friedman (1971) Review of Economic Studies 38(1):1-12"
    classifier: ClassVar[Classifier] = {"memory_depth": float("inf"), "stochastic": False}

    def __init__(self, n: int = 0) -> None:
        super().__init__(n)
        self.triggered = np.zeros(n, bool)  # the grudge: the leader's, not the books'

    def decide(
        self, obs: Observation, idx: IndexArray, rng: np.random.Generator, cfg: Params
    ) -> FloatArray:
        """Pool until the partners withhold once; after that, withhold for good."""
        fresh = obs.fresh[idx]
        fired = self.triggered[idx] | (~fresh & ~obs.partners_cooperated(idx))
        self.triggered[idx] = fired
        return (~fired).astype(float)

    def reset(self, mask: BoolArray) -> None:
        """A new game: no grudge."""
        self.triggered &= ~mask

    def new_leader(self, mask: BoolArray) -> None:
        """A new chief executive does not carry the predecessor's grudge [004]."""
        self.reset(mask)


class WinStayLoseShift(Strategy):
    """Pavlov: repeats its move after a good outcome (R or T), switches after a bad one (S or P).

    Nowak & Sigmund (1993) A strategy of win-stay, lose-shift that outperforms
    tit-for-tat in the Prisoner's Dilemma game, Nature 364:56-58. A good outcome
    is the partners cooperating, so it pools exactly when its last move matched
    its partners'.
    """

    name, label = "win_stay_lose_shift", "Win-stay, lose-shift (Pavlov)"
    source = "Nowak & Sigmund (1993) Nature 364:56-58"
    classifier: ClassVar[Classifier] = {"memory_depth": 1, "stochastic": False}

    def decide(
        self, obs: Observation, idx: IndexArray, rng: np.random.Generator, cfg: Params
    ) -> FloatArray:
        """Pool first, then pool exactly when its last move matched the partners'."""
        same = obs.own_pooled(idx) == obs.partners_cooperated(idx)
        return self.opening(obs, idx, same.astype(float), 1.0)
