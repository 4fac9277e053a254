"""A stable, read-only view of a model for custom outcomes (docs/experiments.md).

A custom outcome is a function ``f(model) -> number``. The model's own attributes are its
working state, free to change shape as the model grows (issue 20 found outcomes written
against ``model.structure.org_type == 3``, ``model.ledger.cumulative`` and
``model.last_round.contribution``: a code for "council", a ledger object and a year
record that are all internal). :func:`view` gives the same facts under names that are kept
stable, as numpy arrays one may read but not write (so an outcome cannot change the run it
measures)::

    from stpgame.batch.view import view

    def council_money(model) -> float:
        v = view(model)
        return float(v.cumulative_balance[v.is_type("council")].sum())

    def pooled_this_year(model) -> float:
        books = view(model).books          # None in year 0, before the first decision
        return float("nan") if books is None else float(books.contribution.sum())

What it reads from the model (kept stable by the model's owners, and tested here):
``round``, ``structure.org_type``, ``structure.footprint``, ``structure.footprint_names``,
``budget``, ``ledger.cumulative``, ``scores``, ``strategy_names`` and ``last_round`` (its fields
``income``, ``cost``, ``contribution``, ``savings``, ``transfer``, ``penalty``,
``bailout``, ``balance``, ``pool``, ``generated``); names of organisation types come from
``stpgame.core.params.ORG_TYPES``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

BOOK_FIELDS = (
    "income",
    "cost",
    "contribution",
    "savings",
    "transfer",
    "penalty",
    "bailout",
    "balance",
)
"""The year's books of each organisation (£m), as the view names them."""
FOOTPRINT_FIELDS = ("pool", "generated")
"""The year's totals of each footprint (£m): money pooled and savings generated."""


def _frozen(values: Any, dtype: Any = None) -> np.ndarray:
    array = np.array(values, dtype=dtype, copy=True)
    array.flags.writeable = False
    return array


@dataclass(frozen=True)
class Books:
    """One year's money, per organisation (arrays in organisation order, £m) and per
    footprint (``pool``, ``generated``, in footprint order)."""

    income: np.ndarray
    cost: np.ndarray
    contribution: np.ndarray
    """What each body put into its footprint's pool this year."""
    savings: np.ndarray
    """Savings that landed for each body this year."""
    transfer: np.ndarray
    penalty: np.ndarray
    bailout: np.ndarray
    balance: np.ndarray
    """Each body's balance for the year (income - cost - contribution + savings + ...)."""
    pool: np.ndarray
    """Money pooled in each footprint this year."""
    generated: np.ndarray
    """Savings generated in each footprint this year (they land after the savings lag)."""


@dataclass(frozen=True)
class ModelView:
    """What a custom outcome may read, by stable names. Arrays are read-only copies, one
    entry per organisation (or per footprint where said), in the model's order."""

    year: int
    """Years played: 0 before the first decision, then 1, 2, ..."""
    org_type: np.ndarray
    """Each organisation's type by name: "acute", "community", "ccg" or "council"."""
    footprint: np.ndarray
    """Each organisation's footprint by name."""
    footprint_names: tuple[str, ...]
    budget: np.ndarray
    """Each body's yearly budget (£m), drawn when the model was built."""
    cumulative_balance: np.ndarray
    """Each body's balance summed over the years played (£m)."""
    score: np.ndarray
    """Each body's regulatory score this year (its judged balance, share of budget)."""
    strategy: np.ndarray
    """Each body's decision rule by name."""
    books: Books | None
    """This year's books; None in year 0 (nothing played yet)."""

    def is_type(self, name: str) -> np.ndarray:
        """A mask of the organisations of one type (``"council"``, ...); an unknown name is a
        ValueError naming the types, not an all-False mask."""
        from stpgame.core.params import ORG_TYPES

        if name not in ORG_TYPES:
            raise ValueError(f"organisation type: allowed {', '.join(ORG_TYPES)}; got {name!r}")
        return np.asarray(self.org_type == name)

    def total(self, values: np.ndarray, by: str = "footprint") -> dict[str, float]:
        """Sum of a per-organisation array by ``"footprint"`` or ``"org_type"`` (name -> sum),
        e.g. ``v.total(v.books.contribution)``: money each footprint pooled."""
        if by not in ("footprint", "org_type"):
            raise ValueError(f"by: allowed 'footprint' or 'org_type'; got {by!r}")
        keys = self.footprint if by == "footprint" else self.org_type
        values = np.asarray(values, float)
        if values.shape != keys.shape:
            raise ValueError(f"values: one per organisation ({len(keys)}); got {values.shape}")
        names = self.footprint_names if by == "footprint" else tuple(dict.fromkeys(keys))
        return {name: float(values[keys == name].sum()) for name in names}


def view(model: Any) -> ModelView:
    """The stable read-only view of ``model`` (an STPModel) as it is now."""
    from stpgame.core.params import ORG_TYPES

    s = model.structure
    names = np.asarray(ORG_TYPES, dtype=object)
    last = model.last_round
    books = None
    if last is not None and model.round > 0:
        books = Books(
            **{name: _frozen(getattr(last, name), float) for name in BOOK_FIELDS},
            **{name: _frozen(getattr(last, name), float) for name in FOOTPRINT_FIELDS},
        )
    return ModelView(
        year=int(model.round),
        org_type=_frozen(names[np.asarray(s.org_type, int)]),
        footprint=_frozen(np.asarray(s.footprint_names, dtype=object)[np.asarray(s.footprint)]),
        footprint_names=tuple(str(n) for n in s.footprint_names),
        budget=_frozen(model.budget, float),
        cumulative_balance=_frozen(model.ledger.cumulative, float),
        score=_frozen(model.scores, float),
        strategy=_frozen(np.asarray(model.strategy_names, dtype=object)),
        books=books,
    )
