"""Organisations as Mesa agents: the readable face of the model.

The numbers live in arrays on the model (economy.py does a whole round over
all organisations at once); each agent reads its own row, so code, notebooks
and the app can still ask an organisation about itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from stpgame.core.params import ORG_TYPES

if TYPE_CHECKING:
    from stpgame.core.model import STPModel


class Organisation(mesa.Agent):  # type: ignore[misc]  # mesa is untyped
    """An acute trust, community/mental-health trust, CCG or council in an STP footprint."""

    model: STPModel  # set by mesa.Agent; declared for type checkers only

    def __init__(self, model: STPModel, index: int):
        super().__init__(model)
        self.index = index

    @property
    def org_type(self) -> str:
        """Its kind: "acute", "community", "ccg" or "council"."""
        return ORG_TYPES[self.model.structure.org_type[self.index]]

    @property
    def footprint(self) -> str:
        """Name of the STP footprint it belongs to."""
        name: str = self.model.structure.footprint_names[self.model.structure.footprint[self.index]]
        return name

    @property
    def strategy(self) -> str:
        """Name of the strategy it plays."""
        name: str = self.model.strategy_names[self.index]
        return name

    @property
    def budget(self) -> float:
        """Its budget (£m)."""
        return float(self.model.economy.budget[self.index])

    def _last(self, name: str) -> float:
        last = self.model.last_round
        return float("nan") if last is None else float(getattr(last, name)[self.index])

    @property
    def contribution(self) -> float:
        """What it put into the pool last year (£m; NaN before the first year)."""
        return self._last("contribution")

    @property
    def balance(self) -> float:
        """Its surplus or deficit last year (£m; NaN before the first year)."""
        return self._last("balance")

    @property
    def cut(self) -> float:
        """Services a council cut last year to balance its budget (£m)."""
        return self._last("cut")

    @property
    def pooled(self) -> bool:
        """Whether it pooled last round (False before the first)."""
        return bool(self.model.observation.own_level[self.index] >= 0.5) and self.model.round > 0

    @property
    def score(self) -> float:
        """Its regulatory score last year [003]."""
        return float(self.model.scores[self.index])

    @property
    def trust(self) -> float:
        """Its mean trust in its footprint partners (0-1)."""
        return float(self.model.observation.trust[self.index])

    def choose(self, level: float) -> None:
        """A human player sets this body's pooling level (0-1) for the next round."""
        self.model.choose(self.index, level)
