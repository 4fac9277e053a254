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
        assert year in (0, 1, 2) and unit and source.strip(), name


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
