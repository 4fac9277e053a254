"""The stable view for custom outcomes (stpgame/batch/view.py) says what the model says."""

from __future__ import annotations

import numpy as np
import pytest

from stpgame import STPModel
from stpgame.batch.view import BOOK_FIELDS, FOOTPRINT_FIELDS, view
from stpgame.core.params import ORG_TYPES


@pytest.fixture(scope="module")
def played():
    model = STPModel(seed=4, scenario="fortress", structure="mixed", n_footprints=3)
    first = view(model)
    model.step()
    model.step()
    return model, first, view(model)


def test_year_0_has_no_books_and_nothing_cumulated(played):
    _, first, _ = played
    assert first.year == 0 and first.books is None
    assert not first.cumulative_balance.any()


def test_the_view_reads_the_models_state_by_name(played):
    model, _, v = played
    s = model.structure
    assert v.year == model.round == 2
    assert v.org_type.tolist() == [ORG_TYPES[k] for k in s.org_type]
    assert v.footprint.tolist() == [s.footprint_names[k] for k in s.footprint]
    assert v.footprint_names == tuple(s.footprint_names)
    np.testing.assert_array_equal(v.cumulative_balance, model.ledger.cumulative)
    np.testing.assert_array_equal(v.score, model.scores)
    np.testing.assert_array_equal(v.budget, model.budget)
    assert v.strategy.tolist() == [str(n) for n in model.strategy_names]
    for name in (*BOOK_FIELDS, *FOOTPRINT_FIELDS):
        np.testing.assert_array_equal(getattr(v.books, name), getattr(model.last_round, name))
    # the organisation table agrees on the books
    orgs = model.org_dataframe()
    year = orgs[orgs["round"] == 2]
    np.testing.assert_allclose(year["balance"].to_numpy(), v.books.balance)


def test_masks_and_totals(played):
    model, _, v = played
    councils = v.is_type("council")
    assert councils.tolist() == (model.structure.org_type == ORG_TYPES.index("council")).tolist()
    with pytest.raises(ValueError, match="allowed acute, community, ccg, council; got 'councils'"):
        v.is_type("councils")
    by_fp = v.total(v.books.contribution)
    assert list(by_fp) == list(v.footprint_names)
    np.testing.assert_allclose(list(by_fp.values()), v.books.pool)  # a footprint's pool
    by_type = v.total(v.cumulative_balance, by="org_type")
    assert sum(by_type.values()) == pytest.approx(v.cumulative_balance.sum())
    with pytest.raises(ValueError, match="by: allowed"):
        v.total(v.score, by="region")
    with pytest.raises(ValueError, match="one per organisation"):
        v.total(v.books.pool)


def test_an_outcome_cannot_change_the_run_it_measures(played):
    model, _, v = played
    before = model.ledger.cumulative.copy()
    with pytest.raises(ValueError):
        v.cumulative_balance[0] = 1e9
    with pytest.raises(ValueError):
        v.books.contribution[:] = 0
    np.testing.assert_array_equal(model.ledger.cumulative, before)
