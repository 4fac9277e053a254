"""The strategy interface, in the style of the Axelrod library.

Each strategy is a small class with a ``name``, the ``source`` that defined it,
and a ``classifier`` (memory depth, stochastic). ``decide`` returns True (pool /
cooperate) or False (withhold / defect) for the players ``idx``; ``learn`` lets
adaptive strategies update after payoffs are known.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from stpgame.strategies.memory import Memory

if TYPE_CHECKING:
    from stpgame.core.params import Params


class Strategy:
    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    source: ClassVar[str] = ""
    classifier: ClassVar[dict] = {}

    def decide(
        self, mem: Memory, idx: np.ndarray, rng: np.random.Generator, cfg: Params
    ) -> np.ndarray:
        raise NotImplementedError

    def learn(
        self,
        mem: Memory,
        idx: np.ndarray,
        moves: np.ndarray,
        payoffs: np.ndarray,
        cfg: Params,
    ) -> None:
        """Most strategies only need the memory the model records; learners override this."""

    @staticmethod
    def opening(mem: Memory, idx: np.ndarray, then: np.ndarray, first: bool) -> np.ndarray:
        """Use ``first`` for players with no history and ``then`` for the rest."""
        return np.where(mem.fresh[idx], first, then)
