"""The relationships tab: a footprint's organisations, their action this year and their trust,
and a second footprint beside it.

Side by side, the two networks and their pooling and trust year by year show what the
"Simple footprint vs complex footprint" preset is about: where footprints are of two
sizes the view starts with one of each; elsewhere it shows one until a second is chosen.
"""

from __future__ import annotations

import numpy as np
import solara

from stpgame.ui import charts, network_view
from stpgame.ui.chart_widget import EChart, to_json
from stpgame.ui.overview import ChartView
from stpgame.ui.state import AUTO, TabState

NONE = -1
ALONE = "(none: one footprint)"


def beside(choice: int, shown: int, sizes: np.ndarray) -> int:
    """The footprint to show beside ``shown``: the one chosen, none, or (``AUTO``) the first
    footprint of the other kind where there are two kinds (simple and complex)."""
    if choice != AUTO:
        return choice if choice != shown else NONE
    other = np.flatnonzero(sizes != sizes[shown])
    return int(other[0]) if len(np.unique(sizes)) == 2 else NONE


@solara.component
def Network(view: network_view.FootprintView, year: int):
    """One footprint's network, its summary above."""
    with solara.Column(gap="0px", classes=["network"]):
        solara.Text(view.summary, classes=["network-summary"])
        option = solara.use_memo(lambda: to_json(network_view.echarts_option(view)), [view])
        EChart(option, str(year), "chart chart-network", 640, square=True)


@solara.component
def NetworkPanel(state: TabState, version: int):
    """(``version``: the tab's tick, passed down so only the page listens to it.)"""
    s = state.session
    with s.lock:
        model = s.a.model
        names = list(model.structure.footprint_names)
        sizes = model.structure.counts().sum(axis=1)
        fp = min(state.footprint.value, len(names) - 1)
        other = beside(min(state.beside.value, len(names) - 1), fp, sizes)
        shown = [fp] if other == NONE else [fp, other]
        you = s.player.index if s.player is not None else None
        labels, pooled = s.org_labels(), s.a.history.pooled
        views = [network_view.footprint_view(model, k, labels, pooled, you) for k in shown]
        choices = [f"{n} ({int(k)} organisations)" for n, k in zip(names, sizes, strict=True)]
        lines = charts.footprints(s.a.history, shown, choices)
        year = s.round

    with solara.Row(gap="12px", style={"flex-wrap": "wrap"}):
        solara.Select(
            "Footprint",
            values=choices,
            value=choices[fp],
            on_value=lambda c: state.footprint.set(choices.index(c)),
            classes=["footprint-select"],
            style={"min-width": "260px"},
        )
        solara.Select(
            "Beside it",
            values=[ALONE, *choices],
            value=ALONE if other == NONE else choices[other],
            on_value=lambda c: state.beside.set(NONE if c == ALONE else choices.index(c)),
            classes=["beside-select"],
            style={"min-width": "260px"},
        )
    with solara.Div(classes=["two-up", "networks"]):
        for view in views:
            Network(view, year)
    solara.Text(views[0].legend, classes=["card-note"])
    with solara.Div(classes=["two-up", "footprint-charts"]):
        for chart in lines:
            ChartView(chart, height=300)
