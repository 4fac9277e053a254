"""ECharts options for the workshop pages, from a room ``Snapshot`` (plain dicts, no Solara).

Drawn by ``chart_widget.EChart`` (ECharts 5.4 from solara-assets, offline).
Every time chart marks the years where the rules changed.
"""

from __future__ import annotations

from stpgame.ui import texts
from stpgame.ui.echarts import FONT, LINE_WIDTH, TITLE_FONT, legend_rows
from stpgame.workshop.views import Snapshot

CONTROL_SYMBOL = {"human": "circle", "autopilot": "rect", "autopilot (undecided)": "triangle"}
CONTROL_WORDS = {
    "human": "a person decided",
    "autopilot": "autopilot",
    "autopilot (undecided)": "autopilot: no decision in time",
}


def _title(text: str, sub: str = "") -> dict:
    return {
        "text": text,
        "subtext": sub,
        "left": "center",
        "textStyle": {"fontSize": TITLE_FONT},
        "subtextStyle": {"fontSize": FONT - 2},
    }


def _year_axis(rounds: list[str]) -> dict:
    """The year axis, its name centred under the labels (at the end it hit the last year)."""
    return {
        "type": "category",
        "data": rounds,
        "name": "year",
        "nameLocation": "middle",
        "nameGap": 30,
        "nameTextStyle": {"fontSize": FONT - 2},
        "axisLabel": {"fontSize": FONT},
    }


def _rule_lines(snap: Snapshot) -> dict:
    """Dashed vertical lines at the first year under changed rules (category x axis), the
    label along the line's top end, inside the plot: at the foot it covered the year labels."""
    years = sorted({year for year, _ in snap.rule_changes if year in snap.rounds})
    marks = [
        {
            "xAxis": str(year),
            "label": {
                "formatter": "rules changed",
                "position": "insideEndTop",
                "fontSize": FONT - 4,
            },
        }
        for year in years
    ]
    return {
        "symbol": "none",
        "silent": True,
        "lineStyle": {"type": "dashed", "color": "#333", "width": 2},
        "data": marks,
    }


def flows(
    snap: Snapshot, body: int | None = None, height_hint: int = 420, all_years: bool = False
) -> dict:
    """Where the money went, as a Sankey diagram (bodies left and right, £m): last year, or
    every year so far added up (``all_years``).

    ``body`` highlights that body's flows (the participant's own). Labels sit inside the
    chart (payers' to the right of their bar, receivers' to the left), so nothing is cut
    off on a 390 px phone; tooltips are sentences in pounds.
    """
    data = snap.totals if all_years else snap.flows
    styles = body_styles(snap)
    owner = {node["name"]: node["body"] for node in data["nodes"]}
    nodes = []
    for node in data["nodes"]:
        colour = styles[node["body"]][0] if node["body"] >= 0 else "#777777"
        mine = body is not None and node["body"] == body
        position = "left" if node["side"] == "in" else "right"
        nodes.append(
            {
                "name": node["name"],
                "itemStyle": {"color": colour, "borderColor": "#000" if mine else colour},
                "label": {
                    "formatter": node["label"] + (" (you)" if mine else ""),
                    "fontWeight": "bold" if mine else "normal",
                    "position": position,
                },
                "tooltip": {"formatter": f"{node['name']}: £{{c}}m"},
            }
        )
    links = []
    for link in data["links"]:
        mine = body is not None and body in (owner[link["source"]], owner[link["target"]])
        links.append(
            {
                "source": link["source"],
                "target": link["target"],
                "value": link["value"],
                "tooltip": {"formatter": link["words"]},
                "lineStyle": {"opacity": 0.6 if mine or body is None else 0.25},
            }
        )
    title = (
        f"Where the money went, years 1 to {snap.year}"
        if all_years
        else f"Where the money went in year {snap.year}"
    )
    return {
        "animation": False,
        "title": _title(title, "£m · left: who paid · right: whose books it landed in"),
        "tooltip": {
            "trigger": "item",
            "confine": True,
            "textStyle": {"fontSize": FONT},
            "formatter": "{b}: £{c}m",
        },
        "series": [
            {
                "type": "sankey",
                "top": 70,
                "bottom": 10,
                "left": 8,
                "right": 8,
                "nodeWidth": 14,
                "nodeGap": 10,
                "layoutIterations": 0,
                "draggable": False,
                "emphasis": {"focus": "adjacency"},
                "label": {"fontSize": FONT - 3, "overflow": "break", "width": 110},
                "lineStyle": {"color": "gradient", "curveness": 0.5},
                "data": nodes,
                "links": links,
            }
        ],
    }


def together(snap: Snapshot) -> dict:
    """The footprint's welfare under the room's rules against everyone pooling, and the
    price of fortress behaviour added up."""
    r = [str(x) for x in snap.rounds]
    t = snap.together
    series = []
    if r:
        series = [
            {
                "name": "Under the room's rules",
                "type": "line",
                "data": [round(x, 2) for x in t["welfare"]],
                "lineStyle": {"width": LINE_WIDTH},
                "itemStyle": {"color": texts.SYSTEM_COLOUR},
                "markLine": _rule_lines(snap),
            },
            {
                "name": "If everyone had pooled",
                "type": "line",
                "data": [round(x, 2) for x in t["everyone_pooled"]],
                "lineStyle": {"width": LINE_WIDTH, "type": "dashed"},
                "itemStyle": {"color": texts.POOLED_COLOUR},
            },
            {
                "name": "Price of fortress, added up",
                "type": "bar",
                "yAxisIndex": 1,
                "data": [round(x, 2) for x in t["cum_price"]],
                "itemStyle": {"color": texts.WITHHELD_COLOUR, "opacity": 0.35},
            },
        ]
    return {
        "animation": False,
        "title": _title("The footprint together", "£m a year (bars: £m added up)"),
        "legend": {"top": 56, "textStyle": {"fontSize": FONT - 2}},
        "tooltip": {"trigger": "axis", "textStyle": {"fontSize": FONT}},
        "grid": {"left": 12, "right": 12, "top": 100, "bottom": 30, "containLabel": True},
        "xAxis": _year_axis(r),
        "yAxis": [
            {"type": "value", "scale": True, "axisLabel": {"fontSize": FONT - 2}},
            {"type": "value", "scale": True, "axisLabel": {"fontSize": FONT - 2}},
        ],
        "series": series,
    }


def timeline(snap: Snapshot) -> dict:
    """One row per body, one mark per year: colour = share pooled, shape = who decided."""
    r = [str(x) for x in snap.rounds]
    labels = [b.label for b in snap.bodies]
    series = []
    for control, symbol in CONTROL_SYMBOL.items():
        data = [
            [str(year), b, round(snap.body_level[b][k] * 100)]
            for b in range(len(labels))
            for k, year in enumerate(snap.rounds)
            if snap.body_control[b][k] == control
        ]
        series.append(
            {
                "name": CONTROL_WORDS[control],
                "type": "scatter",
                "symbol": symbol,
                "symbolSize": 22,
                "data": data,
                "itemStyle": {"borderColor": "#333", "borderWidth": 1},
                **({"markLine": _rule_lines(snap)} if control == "human" else {}),
            }
        )
    return {
        "animation": False,
        "title": _title(
            "Who pooled what", "colour: share of free budget pooled · shape: who decided"
        ),
        "legend": {"top": 56, "textStyle": {"fontSize": FONT - 2}},
        "tooltip": {"trigger": "item", "textStyle": {"fontSize": FONT}},
        "grid": {"left": 12, "right": 56, "top": 100, "bottom": 60, "containLabel": True},
        "xAxis": _year_axis(r),
        "yAxis": {
            "type": "category",
            "data": labels,
            "inverse": True,
            "axisLabel": {"fontSize": FONT - 3},
        },
        "visualMap": {
            "min": 0,
            "max": 100,
            "dimension": 2,
            "orient": "horizontal",
            "left": "center",
            "bottom": 0,
            "text": ["pooled all", "kept all"],
            "inRange": {"color": [texts.WITHHELD_COLOUR, "#f0e442", texts.POOLED_COLOUR]},
            "calculable": False,
        },
        "series": series,
    }


DASHES = ("solid", "dashed", "dotted")
SYMBOLS = ("circle", "rect", "triangle", "diamond", "pin", "arrow")


def body_styles(snap: Snapshot) -> list[tuple[str, str, str]]:
    """(colour, dash, symbol) per body: the colour of its type, and bodies of one type told
    apart by a lighter shade, the dash and the marker (e.g. two acute trusts)."""
    seen: dict[str, int] = {}
    out = []
    for b in snap.bodies:
        k = seen.get(b.org_type, 0)
        seen[b.org_type] = k + 1
        colour = _shade(texts.ORG_COLOURS[b.org_type], 0.35 * (k % 3) / 2)
        out.append((colour, DASHES[k % len(DASHES)], SYMBOLS[k % len(SYMBOLS)]))
    return out


def _shade(colour: str, towards_white: float) -> str:
    """``#rrggbb`` mixed with white by ``towards_white`` (0: unchanged)."""
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(c + (255 - c) * towards_white) for c in rgb]
    return "#" + "".join(f"{c:02x}" for c in mixed)


def books_height(snap: Snapshot) -> int:
    """The books chart's height in pixels: the plot, plus its legend's rows."""
    return 300 + 26 * legend_rows([b.label for b in snap.bodies])


def body_books(snap: Snapshot) -> dict:
    """Each body's own balance added up, year by year (one style per body)."""
    r = [str(x) for x in snap.rounds]
    styles = body_styles(snap)
    series = [
        {
            "name": b.label,
            "type": "line",
            "data": [round(x, 2) for x in snap.body_cumulative[b.index]],
            "lineStyle": {"width": 3, "type": styles[b.index][1]},
            "symbol": styles[b.index][2],
            "symbolSize": 9,
            "itemStyle": {"color": styles[b.index][0]},
            **({"markLine": _rule_lines(snap)} if b.index == 0 else {}),
        }
        for b in snap.bodies
    ]
    # every body in the legend at once (a paged legend hid most of them): room for its rows
    rows = legend_rows([b.label for b in snap.bodies])
    return {
        "animation": False,
        "title": _title("Each body alone: its own books, added up", "£m"),
        "legend": {"top": 56, "textStyle": {"fontSize": FONT - 3}},
        "tooltip": {"trigger": "axis", "textStyle": {"fontSize": FONT - 2}},
        "grid": {
            "left": 12,
            "right": 12,
            "top": 72 + 26 * rows,
            "bottom": 30,
            "containLabel": True,
        },
        "xAxis": _year_axis(r),
        "yAxis": {"type": "value", "scale": True, "axisLabel": {"fontSize": FONT - 2}},
        "series": series,
    }
