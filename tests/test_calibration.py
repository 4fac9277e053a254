"""The calibration table (docs/calibration.md) is generated from the model as it is, and
says for each of England's 2016-18 figures whether the model is inside the range."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "experiments"))
import calibration  # noqa: E402


@pytest.mark.slow
def test_the_committed_calibration_table_is_current():
    t = calibration.table()
    assert (ROOT / "docs" / "calibration.md").read_text() == calibration.markdown(t), (
        "run: python experiments/calibration.py"
    )


def test_every_figure_has_a_source_and_a_range_around_the_real_value():
    for name, year, real, low, high, unit, source in calibration.TARGETS:
        assert low <= real <= high and low < high, name
        assert year in range(len(calibration.YEAR_NAMES)) and unit and source.strip(), name


@pytest.mark.slow
def test_the_control_total_defaults_are_the_calibrated_grid_point():
    """experiments/control_totals.py's nearest grid point is the default, and its page is
    current."""
    import control_totals

    from stpgame.core.params import SLACK_CALIBRATED, SPREAD_CALIBRATED

    t = control_totals.grid()
    assert control_totals.best(t) == (SLACK_CALIBRATED, SPREAD_CALIBRATED)
    assert (ROOT / "docs" / "control_totals.md").read_text() == control_totals.markdown(t), (
        "run: python experiments/control_totals.py"
    )


def test_provider_pound_rows_are_compared_at_the_models_scale():
    """England's provider £ figures cover all its providers; the rows named for scaling are
    rows of the table (a renamed row cannot silently lose its scaling), and the scale is
    the model's provider income over England's in 2015/16, so below 1 (the model's England
    holds only the trusts the places lookup names)."""
    names = {row[0] for row in calibration.TARGETS}
    assert names >= calibration.AT_MODEL_SCALE
    run = calibration.measure(1)
    scale = run["provider income", 0] / calibration.ENGLAND_PROVIDER_INCOME
    assert 0.8 < scale < 0.95


def test_the_stf_row_measures_what_is_paid():
    """The whole fund is paid only because the preset pays unearned money out again:
    without that, the share paid is what the bodies earned, below 1."""
    name = ("Sustainability and Transformation Fund paid, share of the fund", 1)
    assert name in calibration.BY_CONSTRUCTION
    assert calibration.measure(1)[name] == pytest.approx(1.0)
    assert calibration.measure(1, stf_redistribution=0.0)[name] < 0.9


@pytest.mark.slow
def test_the_cost_gap_defaults_are_the_calibrated_grid_point():
    """experiments/cost_gaps.py's nearest grid point is the default and its page is
    current; along the acute gap the providers' 2015/16 deficit hardly moves (the gap moves
    which trusts are in deficit, not how much they owe) while the other trusts' share in
    deficit moves a long way."""
    import cost_gaps

    from stpgame.core.params import ACUTE_GAP_CALIBRATED, COST_SPREAD_CALIBRATED

    t = cost_gaps.grid()
    assert cost_gaps.best(t) == (COST_SPREAD_CALIBRATED, ACUTE_GAP_CALIBRATED)
    assert (ROOT / "docs" / "cost_gaps.md").read_text() == cost_gaps.markdown(t), (
        "run: python experiments/cost_gaps.py"
    )
    along = t[t["cost_spread"] == COST_SPREAD_CALIBRATED]
    deficit = along["Provider deficit, 2015/16"]
    assert deficit.max() - deficit.min() < 0.02 * abs(deficit.mean())
    others = along["Other trusts in deficit (not acute), 2015/16"].to_numpy()
    assert others[0] > 0.6 and others[-1] < 0.2


@pytest.mark.slow
def test_the_pooling_by_choice_table_is_current():
    """docs/pooling_by_choice.md (README's account of why the model's pooling by choice
    drains while England's grew) is what experiments/pooling_by_choice.py gives today."""
    import pooling_by_choice

    t = pooling_by_choice.table()
    assert (ROOT / "docs" / "pooling_by_choice.md").read_text() == pooling_by_choice.markdown(t), (
        "run: python experiments/pooling_by_choice.py"
    )
