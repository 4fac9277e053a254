"""The relationships tab: one footprint's organisations, their action this year and their trust."""

from __future__ import annotations

import solara

from stpgame.ui import network_view
from stpgame.ui.chart_widget import EChart, to_json
from stpgame.ui.state import TabState


@solara.component
def NetworkPanel(state: TabState, version: int):
    """(``version``: the tab's tick, passed down so only the page listens to it.)"""
    s = state.session
    with s.lock:
        model = s.a.model
        names = list(model.structure.footprint_names)
        sizes = model.structure.counts().sum(axis=1)
        fp = min(state.footprint.value, len(names) - 1)
        you = s.player.index if s.player is not None else None
        view = network_view.footprint_view(model, fp, s.org_labels(), s.a.history.pooled, you)
    choices = [f"{name} ({int(n)} organisations)" for name, n in zip(names, sizes, strict=True)]

    solara.Select(
        "Footprint",
        values=choices,
        value=choices[fp],
        on_value=lambda c: state.footprint.set(choices.index(c)),
        classes=["footprint-select"],
    )
    solara.Text(view.summary, classes=["network-summary"])
    option = solara.use_memo(lambda: to_json(network_view.echarts_option(view)), [view])
    EChart(option, str(s.round), "chart chart-network", 600)
    solara.Text(view.legend, classes=["card-note"])
