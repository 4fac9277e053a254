"""Custom outcomes and a sampler for the experiment API tests: module-level functions, so
worker processes (and ``stpgame rerun``) import them by their path, ``batch_outcomes:name``.
"""

from __future__ import annotations

import numpy as np

from stpgame.batch.view import view


def council_money(model) -> float:
    """Councils' cumulative balance at the end of a run (one value per run)."""
    v = view(model)
    return float(v.cumulative_balance[v.is_type("council")].sum())


def pooled_money(model) -> float:
    """Money pooled this year (per year; none in year 0, before the first decision)."""
    books = view(model).books
    return float("nan") if books is None else float(books.contribution.sum())


def year_is_even(model) -> np.bool_:
    """A numpy boolean, stored as 0/1."""
    return np.bool_(model.round % 2 == 0)


def text(model) -> str:
    """Not a number: refused when measured."""
    return "many"


def stratified(ranges: dict, n: int, seed: int):
    """A sampler: ``n`` points, each parameter's range cut into ``n`` strata, shuffled."""
    rng = np.random.default_rng(seed)
    columns = []
    for low, high in ranges.values():
        unit = (rng.permutation(n) + rng.random(n)) / n
        columns.append(low + unit * (high - low))
    return np.column_stack(columns)
