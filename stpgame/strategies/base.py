"""The strategy interface, in the style of the Axelrod library.

Each strategy is a small class with a ``name``, the ``source`` that defined it,
and a ``classifier`` (memory depth, stochastic). ``decide`` returns True (pool /
cooperate) or False (withhold / defect) for the players ``idx``; ``learn`` lets
adaptive strategies update after payoffs are known.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, TypedDict

import numpy as np

from stpgame.strategies.memory import BoolArray, FloatArray, IndexArray, Memory

if TYPE_CHECKING:
    from stpgame.core.params import Params


class Classifier(TypedDict, total=False):
    """What a strategy declares about itself (the Axelrod library's classifier keys).

    ``memory_depth``: how many past rounds its move depends on (``float("inf")``: no
    bound); ``stochastic``: whether it draws random numbers to decide.
    """

    memory_depth: float
    stochastic: bool


class Strategy:
    """Base class of every strategy: its name, source and classifier, and the moves it makes."""

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""
    source: ClassVar[str] = ""
    classifier: ClassVar[Classifier] = {}

    def decide(
        self, mem: Memory, idx: IndexArray, rng: np.random.Generator, cfg: Params
    ) -> BoolArray:
        """Pool (True) or withhold (False) for each player in ``idx``; subclasses override it."""
        raise NotImplementedError

    def learn(
        self,
        mem: Memory,
        idx: IndexArray,
        moves: BoolArray,
        payoffs: FloatArray,
        cfg: Params,
    ) -> None:
        """Most strategies only need the memory the model records; learners override this."""

    @staticmethod
    def opening(mem: Memory, idx: IndexArray, then: BoolArray, first: bool) -> BoolArray:
        """Use ``first`` for players with no history and ``then`` for the rest."""
        return np.where(mem.fresh[idx], first, then)
