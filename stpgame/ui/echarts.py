"""Draw ``charts.Chart`` objects with ECharts, in the browser.

ECharts ships with solara-assets (``echarts@5.4.0`` in the venv's offline
asset folder), so the page needs no CDN. The browser does the drawing, so a
redraw costs the server only a small JSON message: that is what lets Play run
several years a second on the 594-organisation England preset, in many tabs
at once. Fonts are large and lines thick for a projector; animation is off so
each year appears at once.
"""

from __future__ import annotations

from stpgame.ui import texts
from stpgame.ui.charts import Chart

FONT = 16
TITLE_FONT = 20
LINE_WIDTH = 4
# The legend sits under the title and its unit line (title 20 px + unit 16 px, with
# ECharts' padding and gap, end about 56 px down), never on top of the unit.
LEGEND_TOP = 60


def _values(chart: Chart, values) -> list[float]:
    scale = 100.0 if chart.percent else 1.0
    return [round(v * scale, 2) for v in values]


def legend_rows(names: list[str], width: int = 340) -> int:
    """Roughly how many lines the legend takes in a chart ``width`` pixels wide (a phone's
    chart is about 340 px: a laptop's legend then has room to spare, a phone's fits)."""
    rows, used = 1, 0
    for name in names:
        item = 40 + int(0.55 * FONT * len(name))
        if used and used + item > width:
            rows, used = rows + 1, 0
        used += item
    return rows


def option(chart: Chart) -> dict:
    """The ECharts option for one chart."""
    series: list[dict] = []
    for line in chart.lines:
        series.append(
            {
                "name": line.name,
                "type": "line",
                "data": _values(chart, line.values),
                "showSymbol": len(chart.rounds) < 2,
                "symbolSize": 10,
                "lineStyle": {"width": LINE_WIDTH, "type": "dashed" if line.dashed else "solid"},
                "itemStyle": {"color": line.colour},
                "emphasis": {"disabled": True},
            }
        )
    if chart.band is not None and chart.rounds:
        low, high = (chart.lines[i].values for i in chart.band)
        common = {"type": "line", "stack": "band", "stackStrategy": "all", "symbol": "none"}
        series.append(
            {
                **common,
                "name": "_base",
                "data": _values(chart, low),
                "lineStyle": {"opacity": 0},
                "tooltip": {"show": False},
            }
        )
        series.append(
            {
                **common,
                "name": chart.band_name,
                "data": _values(chart, [hi - lo for lo, hi in zip(low, high, strict=True)]),
                "lineStyle": {"opacity": 0},
                "areaStyle": {"color": texts.WITHHELD_COLOUR, "opacity": 0.25},
                "itemStyle": {"color": texts.WITHHELD_COLOUR},
            }
        )
    legend = [line.name for line in chart.lines] + ([chart.band_name] if chart.band else [])
    top = LEGEND_TOP + 28 + 26 * legend_rows(legend)
    return {
        "animation": False,
        "title": {
            "text": chart.title,
            "subtext": texts.EMPTY_CHART if chart.empty else chart.unit,
            "left": "center",
            "textStyle": {"fontSize": TITLE_FONT},
            "subtextStyle": {"fontSize": FONT},
        },
        "legend": {
            "show": not chart.empty,
            "data": legend,
            "top": LEGEND_TOP,
            "textStyle": {"fontSize": FONT},
            "itemGap": 14,
        },
        "tooltip": {"trigger": "axis", "textStyle": {"fontSize": FONT}},
        "grid": {"left": 12, "right": 24, "top": top, "bottom": 30, "containLabel": True},
        "xAxis": {
            "show": not chart.empty,
            "type": "category",
            "data": list(chart.rounds),
            "name": "year",
            # under the axis, centred: at the end it collided with the last year's label
            "nameLocation": "middle",
            "nameGap": 30,
            "nameTextStyle": {"fontSize": FONT - 2},
            "axisLabel": {"fontSize": FONT},
            "boundaryGap": False,
        },
        "yAxis": {
            "show": not chart.empty,
            "type": "value",
            "scale": True,
            "axisLabel": {
                "fontSize": FONT,
                "formatter": "{value}%" if chart.percent else "{value}",
            },
            **({"min": 0, "max": 100, "scale": False} if chart.percent else {}),
        },
        "series": series,
    }
