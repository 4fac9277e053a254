"""Strategies that answer what partners did: the tit-for-tat family and grim trigger."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from stpgame.strategies.base import Classifier, Strategy
from stpgame.strategies.memory import BoolArray, IndexArray, Memory

if TYPE_CHECKING:
    from stpgame.core.params import Params


class TitForTat(Strategy):
    """Pools first, then does what its partners did last round.

    Rapoport's entry, winner of both of Axelrod's tournaments (Axelrod 1980, 1984).
    """

    name, label = "tit_for_tat", "Tit for tat"
    source = "Axelrod (1980, 1984); strategy by A. Rapoport"
    classifier: ClassVar[Classifier] = {"memory_depth": 1, "stochastic": False}

    def decide(
        self, mem: Memory, idx: IndexArray, rng: np.random.Generator, cfg: Params
    ) -> BoolArray:
        """Pool first, then copy the partners' last move."""
        return self.opening(mem, idx, mem.partners_cooperated(idx), True)


class SuspiciousTitForTat(Strategy):
    """Tit for tat that withholds in the first round.

    Beaufils, Delahaye & Mathieu (1996), Our meeting with gradual.
    """

    name, label = "suspicious_tit_for_tat", "Suspicious tit for tat"
    source = "Beaufils, Delahaye & Mathieu (1996) Our meeting with gradual, ALIFE V"
    classifier: ClassVar[Classifier] = {"memory_depth": 1, "stochastic": False}

    def decide(
        self, mem: Memory, idx: IndexArray, rng: np.random.Generator, cfg: Params
    ) -> BoolArray:
        """Withhold first, then copy the partners' last move."""
        return self.opening(mem, idx, mem.partners_cooperated(idx), False)


class TitForTwoTats(Strategy):
    """Defects only after partners defected in both of the last two rounds. Axelrod (1984)."""

    name, label = "tit_for_two_tats", "Tit for two tats"
    source = "Axelrod (1984) The Evolution of Cooperation (sample rule in the second tournament)"
    classifier: ClassVar[Classifier] = {"memory_depth": 2, "stochastic": False}

    def decide(
        self, mem: Memory, idx: IndexArray, rng: np.random.Generator, cfg: Params
    ) -> BoolArray:
        """Pool first, then withhold only after two rounds of partners withholding."""
        two_defections = (mem.partner_last[idx] < 0.5) & (mem.partner_prev[idx] < 0.5)
        return self.opening(mem, idx, ~two_defections, True)


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
        self, mem: Memory, idx: IndexArray, rng: np.random.Generator, cfg: Params
    ) -> BoolArray:
        """Pool first, then copy the partners, forgiving a withhold at rate ``generosity``."""
        forgive = rng.random(len(idx)) < cfg.generosity
        return self.opening(mem, idx, mem.partners_cooperated(idx) | forgive, True)


class GrimTrigger(Strategy):
    """Pools until partners withhold once, then withholds for ever.

    Friedman (1971) A non-cooperative equilibrium for supergames, Rev Econ Stud 38(1).
    """

    name, label = "grim_trigger", "Grim trigger"
    source = "Friedman (1971) Review of Economic Studies 38(1):1-12"
    classifier: ClassVar[Classifier] = {"memory_depth": float("inf"), "stochastic": False}

    def decide(
        self, mem: Memory, idx: IndexArray, rng: np.random.Generator, cfg: Params
    ) -> BoolArray:
        """Pool until the partners withhold once; after that, withhold for good."""
        fresh = mem.fresh[idx]
        fired = mem.triggered[idx] | (~fresh & ~mem.partners_cooperated(idx))
        mem.triggered[idx] = fired
        return ~fired


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
        self, mem: Memory, idx: IndexArray, rng: np.random.Generator, cfg: Params
    ) -> BoolArray:
        """Pool first, then pool exactly when its last move matched the partners'."""
        same = mem.own_last[idx] == mem.partners_cooperated(idx)
        return self.opening(mem, idx, same, True)
