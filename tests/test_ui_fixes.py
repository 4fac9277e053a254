"""Small fixes to the explorer's UI found while building the workshop room (issue 9)."""

from __future__ import annotations

from stpgame.core.model import STPModel
from stpgame.ui.layout import is_phone


def test_chart_unit_line_and_legend_do_not_overlap():
    """The unit (title subtext) ends above the legend, and the plot starts below the legend."""
    from stpgame.ui import charts, echarts
    from stpgame.ui.history import History

    model = STPModel(seed=1, structure="simple", n_footprints=2)
    history = History(model)
    model.step()
    history.record()
    for chart in charts.collective(history) + charts.individual(history):
        option = echarts.option(chart)
        title_bottom = 5 + 1.2 * echarts.TITLE_FONT + 10 + 1.2 * echarts.FONT  # padding, gap
        assert option["legend"]["top"] >= title_bottom, chart.key
        rows = echarts.legend_rows(option["legend"]["data"])
        assert option["grid"]["top"] >= option["legend"]["top"] + 26 * rows, chart.key


def test_phones_start_with_the_sidebar_closed():
    iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1"
    assert is_phone({"user-agent": [iphone]})
    assert not is_phone({"user-agent": ["Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0"]})
    assert not is_phone(None)
